#include "ledger/read/reserve_views.h"

#include <map>
#include <set>
#include <string_view>
#include <vector>

#include "ledger/base/accounts.h"
#include "ledger/base/decimal.h"
#include "ledger/base/periods.h"
#include "ledger/read/case_views.h"
#include "ledger/rules/reserve.h"

namespace lcp {
namespace {

// One posting to a practice's reinvestment account, in the posting's own year.
struct ReserveLeg {
  std::string ods;
  int year = 0;
  Int pence;
};

// An entry's postings to reinvestment accounts, and the year of the entry's own period.
struct ReserveLegs {
  int entry_year = 0;
  std::vector<ReserveLeg> legs;
};

Result<ReserveLegs> ReadReserveLegs(const RecordSource& records, std::uint64_t seq) {
  auto corrupt = [&] {
    return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                         "entry " + std::to_string(seq) + " could not be read");
  };
  const std::optional<v1::JournalRecord> record = records.Get(seq);
  if (!record) return corrupt();
  v1::JournalEntry entry;
  if (!entry.ParseFromString(record->body())) return corrupt();
  ReserveLegs out;
  // A settlement with nothing to share or release posts nothing, and has no period.
  if (entry.postings_size() == 0) return out;
  Result<int> entry_year = ParseYear(entry.period().year());
  if (!entry_year.ok()) return corrupt();
  out.entry_year = *entry_year;
  for (const v1::Posting& posting : entry.postings()) {
    const std::string_view ods = ReinvestmentPractice(posting.account());
    if (ods.empty()) continue;
    Result<int> year =
        posting.has_period() ? ParseYear(posting.period().year()) : Result<int>(*entry_year);
    Result<Money> amount = Money::Parse(posting.amount().value());
    if (!year.ok() || !amount.ok()) return corrupt();
    out.legs.push_back(ReserveLeg{std::string(ods), *year, amount->pence()});
  }
  return out;
}

struct Carry {
  std::uint64_t seq = 0;
  int year = 0;
  Int pence;
};

// One practice's figures in pence, a reserve (a credit) positive.
struct Figures {
  Int brought;
  std::vector<Carry> brought_from;
  Int settled;
  Int carried;
  std::vector<Carry> carried_to;
  Int held;   // In the latest year.
  Int drawn;  // In this year.
  Int balance;
};

void AddCarry(Int& sum, std::vector<Carry>& carries, std::uint64_t seq, int year,
              const Int& pence) {
  sum += pence;
  if (!carries.empty() && carries.back().seq == seq && carries.back().year == year) {
    carries.back().pence += pence;
  } else {
    carries.push_back(Carry{seq, year, pence});
  }
}

void SetPounds(v1::Decimal* decimal, const Int& pence) {
  decimal->set_value(Money::FromPence(pence).ToString());
}

void AddCarryViews(const std::vector<Carry>& carries,
                   google::protobuf::RepeatedPtrField<v1::ReserveCarryView>& views) {
  for (const Carry& carry : carries) {
    v1::ReserveCarryView* view = views.Add();
    view->set_seq(carry.seq);
    view->set_year(FormatYear(carry.year));
    SetPounds(view->mutable_amount(), carry.pence);
  }
}

void ToStatement(const Figures& figures, v1::ReserveStatement& statement) {
  SetPounds(statement.mutable_brought_forward(), figures.brought);
  AddCarryViews(figures.brought_from, *statement.mutable_brought());
  SetPounds(statement.mutable_settled(), figures.settled);
  SetPounds(statement.mutable_carried_forward(), figures.carried);
  AddCarryViews(figures.carried_to, *statement.mutable_carried());
  SetPounds(statement.mutable_held(), figures.held);
  SetPounds(statement.mutable_drawn(), figures.drawn);
  SetPounds(statement.mutable_balance(), figures.balance);
  SetPounds(statement.mutable_available(), figures.balance - figures.held);
}

}  // namespace

Status FillReserve(const Snapshot& snapshot, const Year& year, const std::string& only,
                   v1::GetReserveResponse& response) {
  const int start = year.start_year;
  std::map<std::string, Figures> figures;  // By ODS code: the practices asked for.
  for (const auto& [ods, practice] : *snapshot.practices) {
    if (only.empty() || ods == only) figures.try_emplace(ods);
  }
  // The entries that moved the year's reserves, read in ascending order (an export file is read
  // forward; going back reads it again from its start).
  std::set<std::uint64_t> seqs(year.reserve_carried_in.begin(), year.reserve_carried_in.end());
  if (year.settled_seq != 0) seqs.insert(year.settled_seq);
  for (auto later = snapshot.years->upper_bound(start); later != snapshot.years->end(); ++later) {
    seqs.insert(later->second.reserve_carried_in.begin(), later->second.reserve_carried_in.end());
  }
  std::map<std::uint64_t, ReserveLegs> entries;
  for (const std::uint64_t seq : seqs) {
    Result<ReserveLegs> read = ReadReserveLegs(*snapshot.records, seq);
    if (!read.ok()) return read.status();
    entries.emplace(seq, *std::move(read));
  }
  // Calls `add(figures, leg, entry_year)` for each leg of entry `seq` on a practice asked for.
  auto each_leg = [&](std::uint64_t seq, auto add) {
    const ReserveLegs& read = entries.at(seq);
    for (const ReserveLeg& leg : read.legs) {
      auto found = figures.find(leg.ods);
      if (found != figures.end()) add(found->second, leg, read.entry_year);
    }
  };
  // Brought in: by the year's own opening (entry in this year; the legs that left the earlier
  // years name them), or by an earlier year's settlement (entry in that year; what arrived here).
  for (const std::uint64_t seq : year.reserve_carried_in) {
    each_leg(seq, [&](Figures& f, const ReserveLeg& leg, int entry_year) {
      if (entry_year == start && leg.year != start) {
        AddCarry(f.brought, f.brought_from, seq, leg.year, leg.pence);
      } else if (entry_year != start && leg.year == start) {
        AddCarry(f.brought, f.brought_from, seq, entry_year, -leg.pence);
      }
    });
  }
  // Settled: everything the settlement posted to the practice's reserve, in whichever year.
  if (year.settled_seq != 0) {
    each_leg(year.settled_seq,
             [&](Figures& f, const ReserveLeg& leg, int) { f.settled -= leg.pence; });
  }
  // Carried out: into a later year by its opening, or by this year's settlement.
  for (auto later = snapshot.years->upper_bound(start); later != snapshot.years->end(); ++later) {
    const int to = later->first;
    for (const std::uint64_t seq : later->second.reserve_carried_in) {
      each_leg(seq, [&](Figures& f, const ReserveLeg& leg, int entry_year) {
        if (entry_year == to && leg.year == start) {
          AddCarry(f.carried, f.carried_to, seq, to, leg.pence);
        } else if (entry_year == start && leg.year == to) {
          AddCarry(f.carried, f.carried_to, seq, to, -leg.pence);
        }
      });
    }
  }
  // Business cases: what approved ones hold (only in the latest year, where the reserves are) and
  // what their draw-downs took out of this year's reserve.
  const bool latest = snapshot.years->rbegin()->first == start;
  std::map<std::string, std::vector<const BusinessCase*>> funded;  // By ODS code, latest year only.
  for (const auto& [id, business_case] : snapshot.cases->by_id) {
    for (const CaseDrawDown& draw_down : business_case->draw_downs) {
      if (draw_down.year != start) continue;
      for (const auto& [ods, pence] : draw_down.parts) {
        auto found = figures.find(ods);
        if (found != figures.end()) found->second.drawn += pence;
      }
    }
    if (!latest) continue;
    for (const CaseFundingPart& part : business_case->fundings) {
      auto found = figures.find(part.ods_code);
      if (found == figures.end()) continue;
      found->second.held += business_case->HeldOf(part);
      if (business_case->decided_seq != 0 && (business_case->state == v1::CASE_STATE_APPROVED ||
                                              business_case->state == v1::CASE_STATE_CLOSED)) {
        funded[part.ods_code].push_back(business_case.get());
      }
    }
  }
  auto balances = snapshot.balances->find(start);
  Figures totals;
  for (auto& [ods, f] : figures) {
    if (balances != snapshot.balances->end()) {
      auto balance = balances->second.find(PracticeAccount(ods, "reinvestment"));
      if (balance != balances->second.end()) f.balance = -balance->second;
    }
    v1::ReserveStatement* statement = response.add_practices();
    statement->set_ods_code(ods);
    statement->set_name(snapshot.practices->at(ods).name);
    ToStatement(f, *statement);
    for (const BusinessCase* business_case : funded[ods]) {
      FillCaseFigures(*business_case, ods, *statement->add_cases());
    }
    auto member = snapshot.notices->members.find(ods);
    if (member != snapshot.notices->members.end() && member->second.left) {
      statement->set_last_year(FormatYear(member->second.left->last_year));
    }
    totals.brought += f.brought;
    totals.settled += f.settled;
    totals.carried += f.carried;
    totals.held += f.held;
    totals.drawn += f.drawn;
    totals.balance += f.balance;
  }
  response.set_year(FormatYear(start));
  response.set_as_of_seq(snapshot.head_seq);
  response.set_latest(latest);
  response.set_settlement_seq(year.settled_seq);
  if (only.empty()) ToStatement(totals, *response.mutable_totals());
  return Status::Ok();
}

}  // namespace lcp

#include "ledger/read/queries.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ledger/base/accounts.h"
#include "ledger/base/chain.h"
#include "ledger/base/decimal.h"
#include "ledger/base/export_file.h"
#include "ledger/base/periods.h"
#include "ledger/base/text.h"
#include "ledger/read/case_views.h"
#include "ledger/read/month_balances.h"
#include "ledger/read/notice_views.h"
#include "ledger/read/reserve_views.h"
#include "ledger/read/views.h"
#include "ledger/rules/capitation.h"
#include "ledger/rules/cases.h"
#include "ledger/rules/contracts.h"
#include "ledger/rules/decision_clock.h"
#include "ledger/rules/notices.h"
#include "ledger/rules/permissions.h"
#include "ledger/rules/risk_sharing.h"

namespace lcp::queries {
namespace {

// PERMISSION_DENIED for a role that may not read journal entries.
Status JournalDenied(const v1::Actor& actor) {
  return Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                       "role " + RoleName(actor.role()) +
                           " may not read journal entries, which carry other practices' detail; "
                           "read balances instead (GetBalances)");
}

bool ReadsJournal(const v1::Actor& actor) {
  const RoleRights* rights = RightsOf(actor.role());
  return rights != nullptr && rights->reads_journal;
}

bool ReadsEverything(const v1::Actor& actor) {
  const RoleRights* rights = RightsOf(actor.role());
  return rights != nullptr && rights->balances == BalanceScope::kEverything;
}

Status QueryInvalid(const std::string& message) {
  return Status::Error(v1::ERROR_CODE_QUERY_INVALID, message);
}

Int PenceOf(const v1::Posting& posting) { return Money::Parse(posting.amount().value())->pence(); }

// Balances as of an earlier entry: the postings of entries 1..as_of_seq, summed.
Result<Balances> BalancesAsOf(const RecordSource& records, std::uint64_t as_of_seq) {
  Balances balances;
  LCP_RETURN_IF_ERROR(
      ForEachPosting(records, 1, as_of_seq, [&](int year, int, const v1::Posting& posting) {
        balances[year][posting.account()] += PenceOf(posting);
      }));
  return balances;
}

// The practice a query is about: what was asked ("" for every practice), or for a PRACTICE caller
// its own. Asking for another practice is refused whether or not that practice exists.
Result<std::string> PracticeAsked(const v1::Actor& actor, const std::string& asked,
                                  const std::string& what) {
  if (ReadsEverything(actor)) return asked;
  if (!asked.empty() && asked != actor.practice_ods_code()) {
    return Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                         "role " + RoleName(actor.role()) + " (practice " +
                             actor.practice_ods_code() + ") may read only its own " + what +
                             ", not " + Quoted(asked) + "'s");
  }
  return actor.practice_ods_code();
}

// The year a query names ("" for the year in progress, CurrentYear): YEAR_MALFORMED, or
// YEAR_NOT_OPEN.
Result<const Year*> YearAsked(const Snapshot& snapshot, const std::string& year_text) {
  if (year_text.empty()) {
    if (snapshot.years->empty()) {
      return Status::Error(v1::ERROR_CODE_YEAR_NOT_OPEN, "no financial year has been opened yet");
    }
    return &snapshot.years->at(CurrentYear(*snapshot.years));
  }
  Result<int> asked = ParseYear(year_text);
  if (!asked.ok()) return asked.status();
  auto open = snapshot.years->find(*asked);
  if (open == snapshot.years->end()) {
    return Status::Error(v1::ERROR_CODE_YEAR_NOT_OPEN,
                         "financial year " + FormatYear(*asked) + " has not been opened");
  }
  return &open->second;
}

std::string PenceText(const Int& pence) { return Money::FromPence(pence).ToString(); }

// What a read as of a month end reads: the books then, and the year as it stood then.
struct AsOf {
  std::shared_ptr<const Snapshot> past;  // Holds `at` when it is not the snapshot itself.
  const Snapshot* at = nullptr;
  const Year* year = nullptr;
  std::string last_day;  // The month's last day, "2027-04-30"; empty for the books now.
};

// The year `year_text` names (YearAsked: "" is the year in progress now) with the books now or,
// with `month_text`, at the end of that month's last day: after the last entry recorded by then
// (LastEntryOnOrBefore), from the snapshot's past states. MONTH_MALFORMED; QUERY_INVALID where
// no past is kept; YEAR_NOT_OPEN for a year opened only after that day.
Result<AsOf> AsOfMonth(const Snapshot& snapshot, const std::string& year_text,
                       const std::string& month_text) {
  Result<const Year*> year = YearAsked(snapshot, year_text);
  if (!year.ok()) return year.status();
  AsOf as_of{.past = nullptr, .at = &snapshot, .year = *year, .last_day = {}};
  if (month_text.empty()) return as_of;
  Result<int> month = ParseMonth(month_text);
  if (!month.ok()) return month.status();
  const int start_year = (*year)->start_year;
  as_of.last_day = MonthLastDay(start_year, *month);
  if (snapshot.past == nullptr) {
    return Status::Error(v1::ERROR_CODE_QUERY_INVALID,
                         "this reader keeps no earlier states of the ledger; ask without a month "
                         "for the books at entry " +
                             std::to_string(snapshot.head_seq));
  }
  Result<std::uint64_t> last = LastEntryOnOrBefore(snapshot, as_of.last_day);
  if (!last.ok()) return last.status();
  if (*last != snapshot.head_seq) {
    Result<std::shared_ptr<const Snapshot>> past = snapshot.past->At(*last);
    if (!past.ok()) return past.status();
    as_of.past = std::move(past).value();
    as_of.at = as_of.past.get();
    auto then = as_of.at->years->find(start_year);
    if (then == as_of.at->years->end()) {
      return Status::Error(v1::ERROR_CODE_YEAR_NOT_OPEN,
                           "financial year " + FormatYear(start_year) +
                               " had not been opened by the end of " + FormatMonth(*month) + " (" +
                               as_of.last_day + ")");
    }
    as_of.year = &then->second;
  }
  return as_of;
}

void ToInterestView(const Interest& interest, v1::InterestView& view) {
  view.set_seq(interest.seq);
  view.set_ods_code(interest.ods_code);
  view.set_clinician(interest.clinician);
  view.set_contract_id(interest.contract_id);
  view.set_provider_code(interest.provider);
  view.set_description(interest.description);
  view.set_declared_by(interest.declared_by);
}

void ToContractView(const Contracts& contracts, const Contract& contract, bool full,
                    v1::ContractView& view) {
  view.set_contract_id(contract.id);
  view.set_provider_code(contract.provider);
  view.set_mode(contract.mode);
  view.set_budget_line(contract.line);
  view.mutable_start()->set_year(FormatYear(contract.start_year));
  view.mutable_start()->set_month(FormatMonth(contract.start_month));
  view.mutable_end()->set_year(FormatYear(contract.end_year));
  view.mutable_end()->set_month(FormatMonth(contract.end_month));
  ToTermsMessage(contract.terms, *view.mutable_terms());
  view.set_attribution(contract.attribution);
  view.set_description(contract.description);
  view.set_status(contract.status);
  view.set_registered_seq(contract.registered_seq);
  view.set_proposed_by(contract.proposed_by);
  view.set_approved_seq(contract.approved_seq);
  view.set_approved_by(contract.approved_by);
  view.set_closed_seq(contract.closed_seq);
  view.set_conflicted(IsConflicted(contracts, contract));
  view.set_needs_pct_approval(NeedsPctApproval(contracts, contract));
  if (contract.pending) {
    v1::ContractVariationView* pending = view.mutable_pending_variation();
    pending->set_seq(contract.pending->seq);
    pending->set_proposed_by(contract.pending->proposed_by);
    ToTermsMessage(contract.pending->terms, *pending->mutable_terms());
    pending->set_reason(contract.pending->reason);
  }
  view.set_payment_count(contract.payment_count);
  view.set_last_payment_seq(contract.last_payment_seq);
  for (const auto& [year, figures] : contract.years) {
    v1::ContractYearView* row = view.add_years();
    row->set_year(FormatYear(year));
    row->set_first_month(FormatMonth(figures.first_month));
    row->set_last_month(FormatMonth(figures.last_month));
    row->mutable_value()->set_value(PenceText(figures.value));
    row->mutable_ceiling()->set_value(PenceText(figures.ceiling));
    row->set_volume(figures.volume);
    row->set_committed(figures.committed);
    row->set_basis_run_seq(figures.basis == nullptr ? 0 : figures.basis->seq);
    row->mutable_paid()->set_value(PenceText(figures.paid));
    row->set_cases(figures.cases);
    row->mutable_outstanding()->set_value(PenceText(figures.outstanding));
    row->mutable_headroom()->set_value(PenceText(figures.ceiling - figures.paid));
    for (int month = figures.first_month; month <= figures.last_month; ++month) {
      v1::MonthAmount* part = row->add_schedule();
      part->set_month(FormatMonth(month));
      part->mutable_amount()->set_value(PenceText(Prorate(figures.annual_value, month, month)));
    }
  }
  if (!full) return;
  for (std::uint64_t seq : contract.entry_seqs) view.add_entry_seqs(seq);
  for (const Interest& interest : contracts.interests) {
    if (interest.contract_id == contract.id || interest.provider == contract.provider) {
      ToInterestView(interest, *view.add_interests());
    }
  }
}

void ToAgreementView(const Agreement& agreement, v1::AgreementView& view) {
  view.set_proposal_seq(agreement.proposal_seq);
  view.set_proposed_by(agreement.proposed_by);
  view.set_cosign_seq(agreement.cosign_seq);
  view.set_cosigned_by(agreement.cosigned_by);
  view.set_replaces_seq(agreement.replaces_seq);
  view.set_reason(agreement.reason);
  ToAgreementTermsMessage(agreement.terms, *view.mutable_terms());
}

}  // namespace

v1::Actor Auditor() {
  v1::Actor actor;
  actor.set_principal_id("lcp-audit");
  actor.set_role(v1::ROLE_AUDITOR);
  return actor;
}

bool ToEntryView(const v1::JournalRecord& record, v1::EntryView& view) {
  view.set_seq(record.seq());
  view.set_prev_hash(record.prev_hash());
  view.set_hash(record.hash());
  return view.mutable_entry()->ParseFromString(record.body());
}

Status MayReadJournal(const v1::Actor& actor) {
  return ReadsJournal(actor) ? Status::Ok() : JournalDenied(actor);
}

Result<v1::GetBalancesResponse> GetBalances(const Snapshot& snapshot, const v1::Actor& actor,
                                            const v1::GetBalancesRequest& request) {
  auto denied = [&](const std::string& asked) {
    return Status::Error(
        v1::ERROR_CODE_PERMISSION_DENIED,
        "role " + RoleName(actor.role()) +
            (actor.practice_ods_code().empty() ? std::string()
                                               : " (practice " + actor.practice_ods_code() + ")") +
            " may read " + ReadableAccountsText(actor) + "; " + asked + " is not among them");
  };
  if (request.accounts_size() > kBalanceAccountsMax) {
    return QueryInvalid("at most " + std::to_string(kBalanceAccountsMax) +
                        " accounts may be named at once");
  }
  for (const std::string& account : request.accounts()) {
    Result<AccountRef> ref = ParseAccount(account);
    if (!ref.ok()) return ref.status();
    if (!MayReadAccount(actor, account)) return denied("account " + Quoted(account));
  }
  if (!request.accounts().empty() && !request.account_prefix().empty()) {
    return QueryInvalid("give exact accounts or an account prefix, not both");
  }
  if (request.account_prefix().size() > kAccountLengthMax) {
    return QueryInvalid("an account prefix has at most " + std::to_string(kAccountLengthMax) +
                        " characters");
  }
  if (!MayReadSomeAccountWithPrefix(actor, request.account_prefix())) {
    return denied("prefix " + Quoted(request.account_prefix()));
  }
  int only_year = 0;
  if (!request.year().empty()) {
    Result<int> year = ParseYear(request.year());
    if (!year.ok()) return year.status();
    only_year = *year;
  }
  // Balances entry by entry would show, by their differences, what each entry posted to the
  // LCP-wide accounts, and so other practices' figures: a role that may not read the journal reads
  // the head.
  if (request.as_of_seq() != 0 && !ReadsJournal(actor)) {
    return Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                         "role " + RoleName(actor.role()) +
                             " reads balances as of the head only; leave as_of_seq at 0");
  }
  const std::uint64_t as_of = request.as_of_seq() == 0 ? snapshot.head_seq : request.as_of_seq();
  if (as_of > snapshot.head_seq) {
    return QueryInvalid("as_of_seq " + std::to_string(as_of) + " is beyond the head, " +
                        std::to_string(snapshot.head_seq));
  }
  const Balances* balances = snapshot.balances.get();
  Balances earlier;
  if (as_of != snapshot.head_seq) {
    Result<Balances> summed = BalancesAsOf(*snapshot.records, as_of);
    if (!summed.ok()) return summed.status();
    earlier = std::move(summed).value();
    balances = &earlier;
  }
  v1::GetBalancesResponse response;
  response.set_as_of_seq(as_of);
  const bool by_prefix = request.accounts().empty();
  // Named accounts are reported for every open year (or the one asked for), posted to or not.
  static const std::map<std::string, Int> kNoPostings;
  std::vector<std::pair<int, const std::map<std::string, Int>*>> years;
  for (const auto& [year, unused] : *snapshot.years) {
    if (only_year != 0 && year != only_year) continue;
    auto it = balances->find(year);
    if (it != balances->end()) {
      years.emplace_back(year, &it->second);
    } else if (!by_prefix) {
      years.emplace_back(year, &kNoPostings);
    }
  }
  std::vector<std::string> wanted(request.accounts().begin(), request.accounts().end());
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  for (const auto& [year, accounts_pointer] : years) {
    const std::map<std::string, Int>& accounts = *accounts_pointer;
    auto add = [&, y = year](const std::string& account, const Int& pence) {
      v1::Balance* balance = response.add_balances();
      balance->set_year(FormatYear(y));
      balance->set_account(account);
      balance->mutable_balance()->set_value(Money::FromPence(pence).ToString());
    };
    if (by_prefix) {
      // A prefix may cover accounts the caller may not read ("" does, for a practice): those are
      // left out, as if they had no postings.
      for (auto it = accounts.lower_bound(request.account_prefix());
           it != accounts.end() && it->first.starts_with(request.account_prefix()); ++it) {
        if (MayReadAccount(actor, it->first)) add(it->first, it->second);
      }
    } else {
      for (const std::string& account : wanted) {
        auto it = accounts.find(account);
        add(account, it == accounts.end() ? Int(0) : it->second);
      }
    }
  }
  return response;
}

Result<v1::GetEntryResponse> GetEntry(const Snapshot& snapshot, const v1::Actor& actor,
                                      const v1::GetEntryRequest& request) {
  LCP_RETURN_IF_ERROR(MayReadJournal(actor));
  const std::uint64_t head = snapshot.head_seq;
  std::optional<v1::JournalRecord> record;
  if (request.seq() >= 1 && request.seq() <= head) record = snapshot.records->Get(request.seq());
  if (!record) {
    return Status::Error(v1::ERROR_CODE_ENTRY_UNKNOWN, "entry " + std::to_string(request.seq()) +
                                                           " does not exist; the journal has " +
                                                           std::to_string(head) + " entries");
  }
  v1::GetEntryResponse response;
  if (!ToEntryView(*record, *response.mutable_entry())) {
    return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                         "entry " + std::to_string(request.seq()) + " does not parse");
  }
  return response;
}

Result<v1::ListEntriesResponse> ListEntries(const Snapshot& snapshot, const v1::Actor& actor,
                                            const v1::ListEntriesRequest& request) {
  LCP_RETURN_IF_ERROR(MayReadJournal(actor));
  std::uint64_t from = request.from_seq() == 0 ? 1 : request.from_seq();
  if (!request.page_token().empty()) {
    const std::string& token = request.page_token();
    const bool digits = token.size() <= 19 && std::all_of(token.begin(), token.end(), [](char c) {
                          return c >= '0' && c <= '9';
                        });
    if (!digits || token == "0") {
      return QueryInvalid("page_token " + token.substr(0, 40) +
                          " is not one this server returned; start again without it");
    }
    from = std::stoull(token);
  }
  const std::uint32_t page_size = request.page_size() == 0 ? kPageSizeDefault : request.page_size();
  if (page_size > kPageSizeMax) {
    return QueryInvalid("page_size may be at most " + std::to_string(kPageSizeMax));
  }
  if (request.postings_max() > kPageSizeMax) {
    return QueryInvalid("postings_max may be at most " + std::to_string(kPageSizeMax));
  }
  const std::string& account = request.account();
  if (account.size() > kAccountFilterMax) {
    return QueryInvalid("account may be at most " + std::to_string(kAccountFilterMax) +
                        " characters");
  }
  // A whole account name of the chart, so that the byte search below passes over the entries that
  // do not name it.
  if (!account.empty()) {
    if (Result<AccountRef> parsed = ParseAccount(account); !parsed.ok()) {
      return QueryInvalid("account " + Quoted(account) +
                          " is not an account of the chart: " + parsed.status().message());
    }
  }
  const std::uint64_t head = snapshot.head_seq;
  // Without an account, the page is the next page_size entries; with one, the entries among the
  // next kAccountScanMax that post to it.
  const std::uint64_t look_at = account.empty() ? page_size : kAccountScanMax;
  const std::size_t available =
      from > head ? 0 : static_cast<std::size_t>(std::min<std::uint64_t>(look_at, head - from + 1));
  v1::ListEntriesResponse response;
  constexpr std::size_t kChunk = 4096;
  std::uint64_t next = from;
  const auto full = [&] { return response.entries_size() == static_cast<int>(page_size); };
  for (std::size_t done = 0; done < available && !full();) {
    const std::vector<v1::JournalRecord> chunk =
        snapshot.records->Range(next, std::min(kChunk, available - done));
    if (chunk.empty()) break;
    for (const v1::JournalRecord& record : chunk) {
      ++done;
      next = record.seq() + 1;
      // An entry's body holds each account's name as its bytes: one without them has no posting
      // to the account, and is not parsed.
      if (!account.empty() && record.body().find(account) == std::string::npos) continue;
      v1::EntryView view;
      if (!ToEntryView(record, view)) {
        return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                             "entry " + std::to_string(record.seq()) + " does not parse");
      }
      if (!account.empty() &&
          std::none_of(view.entry().postings().begin(), view.entry().postings().end(),
                       [&](const v1::Posting& posting) { return posting.account() == account; })) {
        continue;
      }
      const int keep = static_cast<int>(request.postings_max());
      if (keep > 0 && view.entry().postings_size() > keep) {
        auto* postings = view.mutable_entry()->mutable_postings();
        // The postings to the account asked for come first, so that those kept show it.
        if (!account.empty()) {
          std::stable_partition(
              postings->begin(), postings->end(),
              [&](const v1::Posting& posting) { return posting.account() == account; });
        }
        view.set_postings_left_out(static_cast<std::uint32_t>(postings->size() - keep));
        postings->DeleteSubrange(keep, postings->size() - keep);
      }
      *response.add_entries() = std::move(view);
      if (full()) break;
    }
  }
  if (next > from && next <= head) response.set_next_page_token(std::to_string(next));
  return response;
}

Result<v1::GetHeadResponse> GetHead(const Snapshot& snapshot, const v1::Actor& /*actor*/,
                                    const v1::GetHeadRequest& /*request*/) {
  v1::GetHeadResponse response;
  response.set_seq(snapshot.head_seq);
  response.set_hash(snapshot.head_hash);
  response.set_hash_hex(ToHex(snapshot.head_hash));
  return response;
}

Result<v1::ListPracticesResponse> ListPractices(const Snapshot& snapshot,
                                                const v1::Actor& /*actor*/,
                                                const v1::ListPracticesRequest& /*request*/) {
  v1::ListPracticesResponse response;
  for (const auto& [code, practice] : *snapshot.practices) {
    v1::PracticeView* view = response.add_practices();
    view->set_ods_code(code);
    view->set_name(practice.name);
  }
  return response;
}

Result<v1::GetAllocationResponse> GetAllocation(const Snapshot& snapshot, const v1::Actor& actor,
                                                const v1::GetAllocationRequest& request) {
  // A practice sees its own row and the totals.
  Result<std::string> only = PracticeAsked(actor, request.ods_code(), "row of an allocation");
  if (!only.ok()) return only.status();
  const Capitation& capitation = *snapshot.capitation;
  std::uint64_t seq = request.run_seq();
  if (seq == 0) {
    Result<int> year = ParseYear(request.year());
    if (!year.ok()) return year.status();
    auto latest = capitation.latest_run.find({*year, request.budget_line()});
    if (latest == capitation.latest_run.end()) {
      return Status::Error(
          v1::ERROR_CODE_ENTRY_UNKNOWN,
          "no capitation run for " + request.year() + " " + Quoted(request.budget_line()) + " yet");
    }
    seq = latest->second;
  }
  auto run = capitation.runs.find(seq);
  if (run == capitation.runs.end()) {
    return Status::Error(v1::ERROR_CODE_ENTRY_UNKNOWN,
                         "entry " + std::to_string(seq) + " is not a capitation run");
  }
  v1::GetAllocationResponse response;
  ToAllocationView(*run->second, capitation, *snapshot.notices, *only,
                   *response.mutable_allocation());
  if (!only->empty() && response.allocation().rows().empty()) {
    return Status::Error(
        v1::ERROR_CODE_PRACTICE_UNKNOWN,
        "practice " + Quoted(*only) + " has no row in the run at entry " + std::to_string(seq));
  }
  return response;
}

Result<v1::GetContractResponse> GetContract(const Snapshot& snapshot, const v1::Actor& /*actor*/,
                                            const v1::GetContractRequest& request) {
  auto found = snapshot.contracts->by_id.find(request.contract_id());
  if (found == snapshot.contracts->by_id.end()) {
    return Status::Error(v1::ERROR_CODE_CONTRACT_UNKNOWN,
                         "no contract " + Quoted(request.contract_id()) + " is registered");
  }
  v1::GetContractResponse response;
  ToContractView(*snapshot.contracts, *found->second, /*full=*/true, *response.mutable_contract());
  return response;
}

Result<v1::ListContractsResponse> ListContracts(const Snapshot& now, const v1::Actor& /*actor*/,
                                                const v1::ListContractsRequest& request) {
  AsOf as_of{.past = nullptr, .at = &now, .year = nullptr, .last_day = {}};
  if (!request.month().empty()) {
    Result<AsOf> asked = AsOfMonth(now, request.year(), request.month());
    if (!asked.ok()) return asked.status();
    as_of = std::move(asked).value();
  }
  const Snapshot& snapshot = *as_of.at;
  v1::ListContractsResponse response;
  response.set_as_of_seq(snapshot.head_seq);
  for (const auto& [id, contract] : snapshot.contracts->by_id) {
    if (!request.provider_code().empty() && contract->provider != request.provider_code()) continue;
    if (!request.budget_line().empty() && contract->line != request.budget_line()) continue;
    if (request.mode() != v1::CONTRACT_MODE_UNSPECIFIED && contract->mode != request.mode())
      continue;
    if (request.status() != v1::CONTRACT_STATUS_UNSPECIFIED &&
        contract->status != request.status()) {
      continue;
    }
    ToContractView(*snapshot.contracts, *contract, /*full=*/false, *response.add_contracts());
  }
  return response;
}

Result<v1::ListInterestsResponse> ListInterests(const Snapshot& snapshot,
                                                const v1::Actor& /*actor*/,
                                                const v1::ListInterestsRequest& request) {
  const Contracts& contracts = *snapshot.contracts;
  std::string contract_provider;
  if (!request.contract_id().empty()) {
    if (auto found = contracts.by_id.find(request.contract_id()); found != contracts.by_id.end()) {
      contract_provider = found->second->provider;
    }
  }
  v1::ListInterestsResponse response;
  for (const Interest& interest : contracts.interests) {
    if (!request.contract_id().empty() && interest.contract_id != request.contract_id() &&
        (contract_provider.empty() || interest.provider != contract_provider)) {
      continue;
    }
    if (!request.provider_code().empty() && interest.provider != request.provider_code()) continue;
    if (!request.ods_code().empty() && interest.ods_code != request.ods_code()) continue;
    ToInterestView(interest, *response.add_interests());
  }
  return response;
}

Result<v1::GetStatementResponse> GetStatement(const Snapshot& snapshot, const v1::Actor& actor,
                                              const v1::GetStatementRequest& request) {
  Result<std::string> one = PracticeAsked(actor, request.ods_code(), "statement");
  if (!one.ok()) return one.status();
  const std::string& only = *one;
  Result<const Year*> open = YearAsked(snapshot, request.year());
  if (!open.ok()) return open.status();
  const int year = (*open)->start_year;
  if (!only.empty() && !snapshot.practices->contains(only)) {
    return Status::Error(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                         "practice " + Quoted(only) + " is not a registered member");
  }
  static const std::map<std::string, Int> kNone;
  const std::map<std::string, Int>* balances = &kNone;
  std::map<std::string, Int> to_month;
  if (!request.month().empty()) {
    Result<int> month = ParseMonth(request.month());
    if (!month.ok()) return month.status();
    // One practice's accounts, or every practice's.
    const std::string prefix = only.empty() ? "practice:" : "practice:" + only + ":";
    Result<std::map<std::string, Int>> computed =
        snapshot.month_balances
            ? snapshot.month_balances->PracticesToMonth(*snapshot.records, snapshot.head_seq, year,
                                                        *month, prefix)
            : SumPracticesToMonth(*snapshot.records, snapshot.head_seq, year, *month, prefix);
    if (!computed.ok()) return computed.status();
    to_month = std::move(computed).value();
    balances = &to_month;
  } else if (auto found = snapshot.balances->find(year); found != snapshot.balances->end()) {
    balances = &found->second;
  }
  v1::GetStatementResponse response;
  response.set_month(request.month());
  response.set_as_of_seq(snapshot.head_seq);
  FillStatement(*snapshot.practices, **open, *balances, only, response);
  FillStatementNotices(snapshot, **open, response);
  return response;
}

Result<v1::GetYearResponse> GetYear(const Snapshot& snapshot, const v1::Actor& /*actor*/,
                                    const v1::GetYearRequest& request) {
  Result<const Year*> found = YearAsked(snapshot, request.year());
  if (!found.ok()) return found.status();
  const Year& year = **found;
  v1::GetYearResponse response;
  response.set_year(FormatYear(year.start_year));
  for (const std::string& line : year.lines) response.add_budget_lines(line);
  for (const MonthClose& close : year.closes) {
    v1::MonthCloseView* view = response.add_closed_months();
    view->set_month(FormatMonth(close.month));
    view->set_seq(close.seq);
    view->mutable_checkpoint()->set_seq(close.checkpoint_seq);
    view->mutable_checkpoint()->set_hash(close.checkpoint_hash);
    view->set_closed_by(close.closed_by);
  }
  if (year.closed_through() < kMonthsPerYear) {
    response.set_next_month_to_close(FormatMonth(year.closed_through() + 1));
  }
  response.set_settlement_seq(year.settled_seq);
  if (year.agreement) ToAgreementView(*year.agreement, *response.mutable_agreement());
  if (year.pending) ToAgreementView(*year.pending, *response.mutable_pending());
  response.set_has_postings(snapshot.balances->contains(year.start_year));
  return response;
}

Result<v1::GetRiskShareResponse> GetRiskShare(const Snapshot& snapshot, const v1::Actor& actor,
                                              const v1::GetRiskShareRequest& request) {
  Result<std::string> one = PracticeAsked(actor, request.ods_code(), "risk share");
  if (!one.ok()) return one.status();
  const std::string& only = *one;
  const bool own_only = !ReadsEverything(actor);
  Result<const Year*> found = YearAsked(snapshot, request.year());
  if (!found.ok()) return found.status();
  const Year& year = **found;
  const std::string year_text = FormatYear(year.start_year);
  if (!v1::RiskBasis_IsValid(request.basis())) {
    return QueryInvalid("basis " + std::to_string(request.basis()) +
                        " is not PROJECTED or SETTLED");
  }
  const bool settled = request.basis() == v1::RISK_BASIS_SETTLED;
  if (!year.agreement) {
    return Status::Error(v1::ERROR_CODE_AGREEMENT_MISSING,
                         year_text + " has no risk-sharing agreement in force yet");
  }
  if (settled && year.settled_seq == 0) {
    return Status::Error(v1::ERROR_CODE_YEAR_NOT_SETTLED,
                         year_text + " has not been settled yet; ask for the PROJECTED share");
  }
  if (settled && request.what_ifs_size() != 0) {
    return QueryInvalid("what-ifs apply to projections only, not to the SETTLED share");
  }
  if (request.what_ifs_size() > kWhatIfsMax) {
    return QueryInvalid("at most " + std::to_string(kWhatIfsMax) +
                        " what-ifs may be asked at once");
  }
  const std::map<std::string, Practice>& practices = *snapshot.practices;
  if (!only.empty() && !practices.contains(only)) {
    return Status::Error(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                         "practice " + Quoted(only) + " is not a registered member");
  }
  const AgreementTermsValue& terms = year.agreement->terms;
  std::vector<MemberFigures> members =
      RiskShareMembers(practices, *snapshot.notices, year, *snapshot.balances, settled);
  v1::GetRiskShareResponse response;
  for (const v1::WhatIf& what_if : request.what_ifs()) {
    const std::string& code = what_if.ods_code();
    if (own_only && code != actor.practice_ods_code()) {
      return Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                           "role PRACTICE (practice " + actor.practice_ods_code() +
                               ") may ask what-ifs only of its own spend, not " + Quoted(code) +
                               "'s");
    }
    auto member = std::lower_bound(
        members.begin(), members.end(), code,
        [](const MemberFigures& m, const std::string& c) { return m.ods_code < c; });
    if (member == members.end() || member->ods_code != code) {
      return Status::Error(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                           "what-if practice " + Quoted(code) + " is not a registered member");
    }
    if (std::find(terms.pooled_lines.begin(), terms.pooled_lines.end(), what_if.budget_line()) ==
        terms.pooled_lines.end()) {
      return QueryInvalid("what-if line " + Quoted(what_if.budget_line()) + " is not pooled in " +
                          year_text + ", so it does not change the risk share");
    }
    Result<Money> amount = Money::Parse(what_if.amount().value());
    if (!amount.ok()) {
      return Status::Error(amount.status().code(), "what-if amount for " + code + " " +
                                                       what_if.budget_line() + ": " +
                                                       amount.status().message());
    }
    if (amount->is_zero()) {
      return QueryInvalid("a what-if amount is extra spend (+) or savings (-), never 0");
    }
    member->what_if += amount->pence();
    v1::WhatIf* echoed = response.add_what_ifs();
    *echoed = what_if;
    echoed->mutable_amount()->set_value(amount->ToString());
  }
  response.set_as_of_seq(snapshot.head_seq);
  LCP_RETURN_IF_ERROR(FillRiskShareResponse(practices, year, members, settled, only, response));
  FillRiskShareMemberships(snapshot, year, response);
  return response;
}

Result<v1::GetNoticesResponse> GetNotices(const Snapshot& snapshot, const v1::Actor& actor,
                                          const v1::GetNoticesRequest& request) {
  Result<AsOf> as_of = AsOfMonth(snapshot, request.year(), request.month());
  if (!as_of.ok()) return as_of.status();
  // Lines with no run are overdue as of the month's last day, or of the head entry's day.
  std::string today = as_of->last_day;
  if (today.empty() && snapshot.head_recorded_at != 0) today = UkDate(snapshot.head_recorded_at);
  // A practice sees the LCP-wide figures, and of the practices only itself.
  const std::string only = ReadsEverything(actor) ? std::string() : actor.practice_ods_code();
  v1::GetNoticesResponse response;
  FillNotices(*as_of->at, *as_of->year, only, today, response);
  return response;
}

Result<v1::ListMembershipsResponse> ListMemberships(const Snapshot& snapshot,
                                                    const v1::Actor& actor,
                                                    const v1::ListMembershipsRequest& request) {
  Result<AsOf> as_of = AsOfMonth(snapshot, request.year(), request.month());
  if (!as_of.ok()) return as_of.status();
  const std::string only = ReadsEverything(actor) ? std::string() : actor.practice_ods_code();
  v1::ListMembershipsResponse response;
  FillMemberships(*as_of->at, *as_of->year, only, response);
  response.set_as_of_seq(as_of->at->head_seq);
  return response;
}

Result<v1::GetReserveResponse> GetReserve(const Snapshot& snapshot, const v1::Actor& actor,
                                          const v1::GetReserveRequest& request) {
  Result<std::string> one = PracticeAsked(actor, request.ods_code(), "reserve");
  if (!one.ok()) return one.status();
  if (!one->empty() && !snapshot.practices->contains(*one)) {
    return Status::Error(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                         "practice " + Quoted(*one) + " is not registered");
  }
  const Year* year = nullptr;
  if (request.year().empty() && !snapshot.years->empty()) {
    year = &snapshot.years->rbegin()->second;  // Where the reserves are.
  } else {
    Result<const Year*> asked = YearAsked(snapshot, request.year());
    if (!asked.ok()) return asked.status();
    year = *asked;
  }
  v1::GetReserveResponse response;
  LCP_RETURN_IF_ERROR(FillReserve(snapshot, *year, *one, response));
  return response;
}

namespace {

// The time open cases' clocks are read at: the request's date, or the head entry's.
Result<std::int64_t> ReadAt(const Snapshot& snapshot, const std::string& read_on) {
  if (read_on.empty()) return snapshot.head_recorded_at;
  const std::optional<std::int64_t> day = ParseUtcDate(read_on);
  if (!day) {
    return Status::Error(v1::ERROR_CODE_QUERY_INVALID,
                         "read_on " + Quoted(read_on) + " is not a date written like 2027-07-01");
  }
  return std::max(*day, snapshot.head_recorded_at);
}

// The books and the time a read of cases uses: the books now with clocks read on `read_on`
// (ReadAt), or with `month` the books at that month end (AsOfMonth) with clocks read on its last
// day.
struct CasesAt {
  AsOf as_of;
  std::int64_t now = 0;
};

Result<CasesAt> CasesAsked(const Snapshot& snapshot, const std::string& read_on,
                           const std::string& year, const std::string& month) {
  CasesAt at{.as_of = {.past = nullptr, .at = &snapshot, .year = nullptr, .last_day = {}},
             .now = 0};
  if (!month.empty()) {
    if (!read_on.empty()) {
      return Status::Error(v1::ERROR_CODE_QUERY_INVALID,
                           "ask with read_on or with a month, not both: a month reads the clocks "
                           "on its last day");
    }
    Result<AsOf> as_of = AsOfMonth(snapshot, year, month);
    if (!as_of.ok()) return as_of.status();
    at.as_of = std::move(as_of).value();
  }
  Result<std::int64_t> now = ReadAt(*at.as_of.at, month.empty() ? read_on : at.as_of.last_day);
  if (!now.ok()) return now.status();
  at.now = *now;
  return at;
}

}  // namespace

Result<v1::GetCaseResponse> GetCase(const Snapshot& snapshot, const v1::Actor& actor,
                                    const v1::GetCaseRequest& request) {
  Result<std::string> only = PracticeAsked(actor, "", "cases");
  if (!only.ok()) return only.status();
  Result<std::int64_t> now = ReadAt(snapshot, request.read_on());
  if (!now.ok()) return now.status();
  auto found = snapshot.cases->by_id.find(request.case_id());
  // A practice learns nothing of the cases it does not fund, not even that they exist.
  if (found == snapshot.cases->by_id.end() || (!only->empty() && !Funds(*found->second, *only))) {
    return Status::Error(
        v1::ERROR_CODE_CASE_UNKNOWN,
        "no business case " + Quoted(request.case_id()) +
            (only->empty() ? std::string(" was submitted") : " that practice " + *only + " funds"));
  }
  v1::GetCaseResponse response;
  response.set_as_of_seq(snapshot.head_seq);
  response.set_read_on(FormatUtcDate(*now));
  FillCaseView(snapshot, *found->second, *now, *response.mutable_case_());
  return response;
}

Result<v1::ListCasesResponse> ListCases(const Snapshot& now_snapshot, const v1::Actor& actor,
                                        const v1::ListCasesRequest& request) {
  Result<std::string> only = PracticeAsked(actor, request.ods_code(), "cases");
  if (!only.ok()) return only.status();
  Result<CasesAt> at = CasesAsked(now_snapshot, request.read_on(), request.year(), request.month());
  if (!at.ok()) return at.status();
  const Snapshot& snapshot = *at->as_of.at;
  const std::int64_t now = at->now;
  if (!v1::CaseState_IsValid(request.state()) ||
      (request.approver_role() != v1::ROLE_UNSPECIFIED &&
       request.approver_role() != v1::ROLE_PCT_FINANCE &&
       request.approver_role() != v1::ROLE_LCP_FINANCE)) {
    return Status::Error(v1::ERROR_CODE_QUERY_INVALID,
                         "filter by a case state, and by approver role PCT_FINANCE or LCP_FINANCE");
  }
  v1::ListCasesResponse response;
  response.set_as_of_seq(snapshot.head_seq);
  response.set_read_on(FormatUtcDate(now));
  for (const auto& [id, business_case] : snapshot.cases->by_id) {
    if (!only->empty() && !Funds(*business_case, *only)) continue;
    if (request.state() != v1::CASE_STATE_UNSPECIFIED && business_case->state != request.state()) {
      continue;
    }
    if (request.approver_role() != v1::ROLE_UNSPECIFIED &&
        DeciderOf(snapshot, *business_case) != request.approver_role()) {
      continue;
    }
    if (request.late() && !ClockOf(*business_case, now).late) continue;
    FillCaseView(snapshot, *business_case, now, *response.add_cases());
  }
  return response;
}

Result<v1::GetCaseReportResponse> GetCaseReport(const Snapshot& snapshot, const v1::Actor& actor,
                                                const v1::GetCaseReportRequest& request) {
  Result<std::string> only = PracticeAsked(actor, "", "cases");
  if (!only.ok()) return only.status();
  Result<CasesAt> at = CasesAsked(snapshot, request.read_on(), request.year(), request.month());
  if (!at.ok()) return at.status();
  v1::GetCaseReportResponse response;
  FillCaseReport(*at->as_of.at, *only, at->now, response);
  return response;
}

Status StartStreamEntries(const Snapshot& /*snapshot*/, const v1::Actor& actor,
                          const v1::StreamEntriesRequest& /*request*/) {
  return MayReadJournal(actor);
}

Result<v1::StreamEntriesResponse> StreamedEntry(const Snapshot& snapshot, std::uint64_t seq) {
  std::optional<v1::JournalRecord> record = snapshot.records->Get(seq);
  v1::StreamEntriesResponse response;
  if (!record || !ToEntryView(*record, *response.mutable_entry())) {
    return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                         "entry " + std::to_string(seq) + " could not be read");
  }
  return response;
}

Result<v1::ExportHeader> ExportHeaderFor(const Snapshot& snapshot, const v1::Actor& actor,
                                         const v1::ExportRequest& request,
                                         std::int64_t exported_at_seconds) {
  LCP_RETURN_IF_ERROR(MayReadJournal(actor));
  const std::uint64_t head = snapshot.head_seq;
  const std::uint64_t from = request.from_seq() == 0 ? 1 : request.from_seq();
  const std::uint64_t to = request.to_seq() == 0 ? head : request.to_seq();
  if (head != 0 && (from > to || to > head)) {
    return QueryInvalid("the journal has entries 1 to " + std::to_string(head) +
                        "; an export runs from from_seq to to_seq within them, not " +
                        std::to_string(from) + " to " + std::to_string(to));
  }
  if (head == 0 && (request.from_seq() > 1 || request.to_seq() != 0)) {
    return QueryInvalid("the journal is empty; export it whole (from_seq and to_seq 0)");
  }
  v1::ExportHeader header;
  if (head == 0) {
    header = MakeExportHeader(0, 0, GenesisHash(), GenesisHash());
  } else {
    const std::optional<v1::JournalRecord> first = snapshot.records->Get(from);
    const std::optional<v1::JournalRecord> last = snapshot.records->Get(to);
    if (!first || !last) {
      return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                           "entry " + std::to_string(!first ? from : to) + " could not be read");
    }
    header = MakeExportHeader(from, to, first->prev_hash(), last->hash());
  }
  header.mutable_exported_at()->set_seconds(exported_at_seconds);
  return header;
}

}  // namespace lcp::queries

// Random sequences of contract commands (register, approve, vary, pay, close, declare, new
// capitation runs, years opened in any order), month closes, agreements and year settlements, some
// inside groups that are kept or taken back, checking after every step the rule of
// ledger/rules/contracts.h: each contract year's outstanding commitment is max(0, value - paid)
// while it is committed and open (a closed contract may keep it only in a year whose M12 had
// closed, until that year's settlement releases it), every open year of an open contract is
// committed unless its M12 is closed, the practices' commitment and the encumbrance balances are
// exactly the largest-remainder splits of those amounts, and nothing lands in a closed month but a
// settlement. At the end: no month end of any year shows a negative commitment, and a replay of the
// kept records gives the same balances.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "ledger/base/accounts.h"
#include "ledger/base/apportion.h"
#include "ledger/base/periods.h"
#include "ledger/engine/journal.h"
#include "ledger/rules/contracts.h"
#include "ledger/rules/reserve.h"
#include "ledger/rules/risk_sharing.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::ListCommand;
using testing::RunCommand;
using testing::WeightsCommand;

v1::Actor MakeActor(const std::string& id, v1::Role role) {
  v1::Actor actor;
  actor.set_principal_id(id);
  actor.set_role(role);
  return actor;
}
const v1::Actor kOfficer = MakeActor("finance.officer", v1::ROLE_LCP_FINANCE);
const v1::Actor kPct = MakeActor("pct.finance", v1::ROLE_PCT_FINANCE);
const v1::Actor kAdmin = MakeActor("admin", v1::ROLE_ADMIN);

v1::Period P(int year, int month) {
  v1::Period p;
  p.set_year(FormatYear(year));
  p.set_month(FormatMonth(month));
  return p;
}

std::string Pence(std::int64_t pence) { return Money::FromPence(Int(pence)).ToString(); }

struct Fuzzer {
  std::mt19937_64 rng;
  Journal journal;
  std::vector<v1::JournalRecord> kept;
  std::vector<v1::JournalRecord> group;
  bool in_group = false;
  int key = 0;
  int contracts = 0;
  int invoices = 0;
  int extracts = 0;
  std::map<std::string, int> accepted, refused;

  explicit Fuzzer(std::uint64_t seed) : rng(seed) {}

  int Rand(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
  bool Coin(int percent) { return Rand(1, 100) <= percent; }

  bool Submit(const v1::Command& command, const v1::Actor& actor, const std::string& what) {
    v1::JournalEntry request = testing::Request(command, "k-" + std::to_string(++key));
    *request.mutable_actor() = actor;
    Result<v1::JournalRecord> record = journal.Submit(request);
    if (!record.ok()) {
      ++refused[what + ":" + v1::ErrorCode_Name(record.status().code())];
      return false;
    }
    ++accepted[what];
    (in_group ? group : kept).push_back(*record);
    return true;
  }

  std::vector<int> OpenYears() {
    std::vector<int> years;
    for (const auto& [y, _] : journal.state().years) years.push_back(y);
    return years;
  }
  int RandomOpenYear() {
    auto years = OpenYears();
    return years[static_cast<std::size_t>(Rand(0, static_cast<int>(years.size()) - 1))];
  }
  std::string RandomContract() {
    const auto& by_id = journal.state().contracts.by_id;
    if (by_id.empty()) return "NONE";
    auto it = by_id.begin();
    std::advance(it, Rand(0, static_cast<int>(by_id.size()) - 1));
    return it->first;
  }

  void Setup() {
    Submit(testing::RegisterPracticeCommand("A81001"), kAdmin, "setup");
    Submit(testing::RegisterPracticeCommand("A81002"), kAdmin, "setup");
    Submit(testing::RegisterPracticeCommand("A81003"), kAdmin, "setup");
    Submit(testing::RegisterProviderCommand("RX1"), kAdmin, "setup");
    Submit(testing::RegisterProviderCommand("LCP01", v1::PROVIDER_KIND_LCP_PROVIDER_ARM), kAdmin, "setup");
    Submit(testing::OpenYearCommand("2026/27", {"ELECTIVE", "COMMUNITY"}), kAdmin, "setup");
    NewRun(2026, "COMMUNITY");
    NewRun(2026, "ELECTIVE");
  }

  void NewRun(int year, const std::string& line) {
    ++extracts;
    const std::string date = "2026-" + std::string(extracts < 10 ? "0" : "") + std::to_string(extracts) + "-01";
    if (extracts > 12) return;
    Submit(ListCommand(date, "A81001", {{"FEMALE_30_34", Rand(1, 900)}}), kOfficer, "list");
    Submit(ListCommand(date, "A81002", {{"FEMALE_30_34", Rand(1, 900)}}), kOfficer, "list");
    Submit(ListCommand(date, "A81003", {{"FEMALE_30_34", Rand(1, 900)}}), kOfficer, "list");
    const auto& cap = journal.state().capitation;
    if (!cap.latest_weights.contains({year, line})) {
      Submit(WeightsCommand(FormatYear(year), line), kOfficer, "weights");
    }
    std::uint64_t revises = 0;
    if (auto it = cap.latest_run.find({year, line}); it != cap.latest_run.end()) revises = it->second;
    // A run shares the total PCT finance confirmed for the year and line (rules version 2).
    if (!journal.state().notices.line_totals.contains({year, line})) {
      Submit(testing::ConfirmTotalCommand(FormatYear(year), line, "1000000.00"), kPct, "confirm");
    }
    Submit(RunCommand(FormatYear(year), "M01", line, "1000000.00", revises, date), kOfficer, "run");
  }

  v1::ContractTerms RandomTerms(v1::ContractType type) {
    v1::ContractTerms terms;
    terms.set_type(type);
    const std::int64_t price = Rand(1, 500) * 100 + Rand(0, 99);
    const std::int64_t volume = Rand(0, 30);
    switch (type) {
      case v1::CONTRACT_TYPE_BLOCK:
        terms.mutable_annual_value()->set_value(Pence(Rand(1, 2'000'000)));
        break;
      case v1::CONTRACT_TYPE_COST_PER_CASE:
        terms.mutable_price()->set_value(Pence(price));
        terms.set_annual_volume(volume);
        terms.mutable_annual_ceiling()->set_value(Pence(price * volume + Rand(1, 100'000)));
        break;
      default: {
        const std::int64_t block = Rand(1, 1'000'000);
        terms.mutable_annual_value()->set_value(Pence(block));
        terms.mutable_price()->set_value(Pence(price));
        terms.set_annual_volume(volume + 1);
        terms.mutable_annual_ceiling()->set_value(Pence(block + Rand(0, 200'000)));
      }
    }
    return terms;
  }

  void Register() {
    v1::Command command;
    v1::RegisterContract* c = command.mutable_register_contract();
    c->set_contract_id("C-" + std::to_string(++contracts));
    const bool make = Coin(20);
    c->set_provider_code(make ? "LCP01" : "RX1");
    c->set_mode(make ? v1::CONTRACT_MODE_MAKE : v1::CONTRACT_MODE_BUY);
    c->set_budget_line(Coin(80) ? "COMMUNITY" : "ELECTIVE");
    const int year = RandomOpenYear();
    const int month = Rand(1, 12);
    *c->mutable_start() = P(year, month);
    const int span = Rand(1, 40);
    const int last = year * 12 + month - 1 + span - 1;
    *c->mutable_end() = P(last / 12, last % 12 + 1);
    *c->mutable_terms() = RandomTerms(static_cast<v1::ContractType>(Rand(1, 3)));
    c->set_attribution(Coin(50) ? v1::ATTRIBUTION_CAPITATION : v1::ATTRIBUTION_ACTIVITY);
    c->set_description("x");
    Submit(command, kOfficer, "register");
  }

  void Approve(bool variation) {
    const std::string id = RandomContract();
    v1::Command command;
    command.mutable_approve_contract()->set_contract_id(id);
    if (variation) {
      auto it = journal.state().contracts.by_id.find(id);
      if (it == journal.state().contracts.by_id.end() || !it->second->pending) return;
      command.mutable_approve_contract()->set_variation_seq(it->second->pending->seq);
    }
    *command.mutable_approve_contract()->mutable_period() = P(RandomOpenYear(), Rand(1, 12));
    Submit(command, kPct, variation ? "approve-variation" : "approve");
  }

  void Vary() {
    const std::string id = RandomContract();
    auto it = journal.state().contracts.by_id.find(id);
    if (it == journal.state().contracts.by_id.end()) return;
    v1::Command command;
    command.mutable_vary_contract()->set_contract_id(id);
    *command.mutable_vary_contract()->mutable_terms() = RandomTerms(it->second->terms.type);
    command.mutable_vary_contract()->set_reason("r");
    Submit(command, kOfficer, "vary");
  }

  void Pay() {
    const std::string id = RandomContract();
    auto it = journal.state().contracts.by_id.find(id);
    if (it == journal.state().contracts.by_id.end()) return;
    const Contract& contract = *it->second;
    const int year = RandomOpenYear();
    v1::Command command;
    v1::PostPayment* p = command.mutable_post_payment();
    p->set_contract_id(id);
    *p->mutable_period() = P(year, Rand(1, 12));
    p->set_invoice_reference("INV-" + std::to_string(++invoices));
    std::int64_t amount = 0;
    std::int64_t headroom = 0;
    if (auto y = contract.years.find(year); y != contract.years.end()) {
      headroom = static_cast<std::int64_t>(y->second.ceiling - y->second.paid);
    }
    if (contract.terms.type == v1::CONTRACT_TYPE_COST_PER_CASE) {
      auto y = contract.years.find(year);
      const std::int64_t price =
          static_cast<std::int64_t>(y != contract.years.end() ? y->second.price : contract.terms.price);
      const int cases = Rand(1, 10);
      amount = price * cases;
      p->set_activity_count(cases);
    } else {
      if (contract.terms.type == v1::CONTRACT_TYPE_COST_AND_VOLUME) p->set_activity_count(Rand(0, 20));
      amount = (headroom > 0 && Coin(30)) ? headroom : Rand(1, 600'000);
      if (Coin(30) && headroom > 1) amount = Rand(1, static_cast<int>(std::min<std::int64_t>(headroom, 2'000'000'000)));
    }
    p->mutable_amount()->set_value(Pence(amount));
    if (contract.attribution == v1::ATTRIBUTION_ACTIVITY) {
      const std::int64_t a = amount / 2, b = amount - a;
      if (a > 0) {
        auto* part = p->add_practice_amounts();
        part->set_ods_code("A81001");
        part->mutable_amount()->set_value(Pence(a));
      }
      auto* part = p->add_practice_amounts();
      part->set_ods_code(Coin(50) ? "A81003" : "A81002");
      part->mutable_amount()->set_value(Pence(b));
    }
    Submit(command, kOfficer, "pay");
  }

  void Close() {
    v1::Command command;
    command.mutable_close_contract()->set_contract_id(RandomContract());
    *command.mutable_close_contract()->mutable_period() = P(RandomOpenYear(), Rand(1, 12));
    command.mutable_close_contract()->set_reason("r");
    Submit(command, kOfficer, "close");
  }

  void OpenNextYear() {
    std::vector<int> missing;
    for (int y = 2026; y <= 2030; ++y) if (!journal.state().years.contains(y)) missing.push_back(y);
    if (missing.empty()) return;
    const int next = missing[static_cast<std::size_t>(Rand(0, static_cast<int>(missing.size()) - 1))];
    std::vector<std::string> lines = {"COMMUNITY"};
    if (Coin(85)) lines.push_back("ELECTIVE");
    Submit(testing::OpenYearCommand(FormatYear(next), lines), kAdmin, "open-year");
  }

  void Interest() {
    v1::Command command;
    auto* d = command.mutable_declare_interest();
    d->set_ods_code("A81002");
    d->set_contract_id(RandomContract());
    d->set_description("d");
    Submit(command, kOfficer, "interest");
  }

  // Closes the next month; settles a year whose M12 is closed (agreeing terms first when it has none).
  void MonthEnd() {
    for (const auto& [start, year] : journal.state().years) {
      if (year.closed_through() < kMonthsPerYear || year.settled_seq != 0 || !Coin(50)) continue;
      const std::string text = FormatYear(start);
      if (!year.agreement) {
        const v1::ShareTerms side = testing::ShareTermsOf(
            "0.01", Coin(50) ? v1::SHARE_MODE_FIRST_POUND : v1::SHARE_MODE_ABOVE_THRESHOLD,
            {"0.02:0.9", "0.4"}, Coin(50) ? "0.03" : "");
        const std::uint64_t proposal = journal.head_seq() + 1;
        if (!Submit(testing::ProposeAgreementCommand(
                        text, testing::AgreementTermsOf({"COMMUNITY"}, side, side, "0.5", "0.5"), 0,
                        "Recorded late"),
                    kOfficer, "propose")) {
          return;
        }
        if (!Submit(testing::CosignAgreementCommand(text, proposal), kPct, "cosign")) return;
      }
      Submit(testing::SettleYearCommand(text), kOfficer, "settle");
      return;
    }
    const std::optional<std::pair<int, int>> next = NextMonthToClose(journal.state().years);
    if (!next) return;
    const std::uint64_t before = journal.head_seq();
    const std::string head = journal.head_hash();
    if (Submit(testing::CloseMonthCommand(FormatYear(next->first), FormatMonth(next->second)), kOfficer,
               "close-month")) {
      const MonthClose& close = journal.state().years.at(next->first).closes.back();
      ASSERT_EQ(close.checkpoint_seq, before);
      ASSERT_EQ(close.checkpoint_hash, head);
    }
  }

  void Step() {
    switch (Rand(0, 13)) {
      case 0: case 1: Register(); break;
      case 2: case 3: Approve(false); break;
      case 4: Vary(); break;
      case 5: Approve(true); break;
      case 6: case 7: case 8: Pay(); break;
      case 9: if (Coin(25)) Close(); break;
      case 10: if (Coin(30)) OpenNextYear(); else if (Coin(20)) NewRun(RandomOpenYear(), Coin(50) ? "COMMUNITY" : "ELECTIVE"); break;
      case 11: if (Coin(10)) Interest(); break;
      case 12: case 13: MonthEnd(); break;
    }
  }

  // As of every month end, every commitment balance is at least zero and every encumbrance at most
  // zero: no release is dated before what it releases.
  void CheckMonthEnds(const std::string& where) {
    std::map<int, std::map<int, std::map<std::string, Int>>> moves;  // year -> month -> account.
    for (const EntryFacts& entry : journal.state().entries) {
      for (const Leg& leg : journal.state().LegsOf(entry)) {
        if (!IsKeptByContracts(leg.account)) continue;
        const int year = leg.year != 0 ? leg.year : entry.year;
        const int month = leg.year != 0 ? leg.month : entry.month;
        moves[year][month][leg.account] += leg.amount.pence();
      }
    }
    for (const auto& [year, months] : moves) {
      std::map<std::string, Int> balance;
      for (int month = 1; month <= 12; ++month) {
        if (auto m = months.find(month); m != months.end()) {
          for (const auto& [account, pence] : m->second) balance[account] += pence;
        }
        for (const auto& [account, pence] : balance) {
          const bool encumbrance = account.starts_with("lcp:");
          ASSERT_TRUE(encumbrance ? pence <= 0 : pence >= 0)
              << where << " " << FormatYear(year) << " " << FormatMonth(month) << " " << account << " "
              << Money::FromPence(pence).ToString();
        }
      }
    }
  }

  // The invariant, from the contracts' own figures.
  void Check(const std::string& where) {
    const State& state = journal.state();
    // Nothing but a settlement, or reserves carried out of a year (reserve.h), goes into a closed
    // month.
    if (!state.entries.empty()) {
      const EntryFacts& last = state.entries.back();
      const bool settlement = last.irreversible == Irreversible::kSettlement;
      for (const Leg& leg : state.LegsOf(last)) {
        if (!ReinvestmentPractice(leg.account).empty() ||
            leg.account == kReserveCarriedForwardAccount) {
          continue;
        }
        const int year = leg.year != 0 ? leg.year : last.year;
        const int month = leg.year != 0 ? leg.month : last.month;
        const int closed_before = state.years.at(year).closed_through();
        ASSERT_TRUE(settlement || month > closed_before)
            << where << " a leg of entry " << state.last_seq() << " went into closed "
            << FormatYear(year) << " " << FormatMonth(month);
      }
    }
    std::map<int, std::map<std::string, Int>> expected;  // year -> account -> pence
    for (const auto& [id, contract] : state.contracts.by_id) {
      const bool open = contract->status == v1::CONTRACT_STATUS_APPROVED ||
                        contract->status == v1::CONTRACT_STATUS_ACTIVE;
      for (const auto& [year, figures] : contract->years) {
        const Int rule = (figures.committed && figures.value > figures.paid) ? Int(figures.value - figures.paid) : Int(0);
        const bool year_closed = state.years.at(year).closed_through() == kMonthsPerYear;
        if (figures.settled) {
          ASSERT_EQ(figures.outstanding, 0) << where << " " << id << " " << year << " settled";
        } else if (open) {
          ASSERT_EQ(figures.outstanding, rule) << where << " " << id << " " << year;
        } else if (year_closed) {
          ASSERT_TRUE(figures.outstanding == 0 || figures.outstanding == rule) << where << " " << id;
        } else {
          ASSERT_EQ(figures.outstanding, 0) << where << " " << id << " " << year;
        }
        ASSERT_LE(figures.paid, figures.ceiling) << where << " " << id << " " << year;
        if (figures.outstanding == 0) continue;
        const AllocationRun& basis = *figures.basis;
        std::vector<Claim> claims;
        for (std::size_t i = 0; i < basis.rows.size(); ++i) {
          claims.push_back(Claim{Rational(basis.rows[i].weighted_population), static_cast<std::uint32_t>(i)});
        }
        auto split = Apportion(Money::FromPence(figures.outstanding), claims);
        ASSERT_TRUE(split.ok());
        for (std::size_t i = 0; i < basis.rows.size(); ++i) {
          expected[year][PracticeAccount(basis.rows[i].ods_code, "commitment", contract->line)] += (*split)[i].pence();
        }
        expected[year]["lcp:encumbrance:" + contract->line] -= figures.outstanding;
      }
      // Every open year the open contract runs in is committed, but one whose M12 has closed.
      if (open) {
        for (const auto& [year, open_year] : state.years) {
          if (year < contract->start_year || year > contract->end_year) continue;
          if (open_year.closed_through() == kMonthsPerYear) continue;
          auto f = contract->years.find(year);
          ASSERT_TRUE(f != contract->years.end() && f->second.committed)
              << where << " " << id << " year " << year << " not committed";
        }
      }
    }
    for (const auto& [year, accounts] : state.balances) {
      for (const auto& [account, pence] : accounts) {
        if (!IsKeptByContracts(account)) continue;
        Int want = 0;
        if (auto y = expected.find(year); y != expected.end()) {
          if (auto a = y->second.find(account); a != y->second.end()) want = a->second;
        }
        ASSERT_EQ(pence, want) << where << " year " << year << " " << account;
      }
    }
    for (const auto& [year, accounts] : expected) {
      for (const auto& [account, pence] : accounts) {
        Int have = 0;
        if (auto y = state.balances.find(year); y != state.balances.end()) {
          if (auto a = y->second.find(account); a != y->second.end()) have = a->second;
        }
        ASSERT_EQ(have, pence) << where << " year " << year << " " << account;
      }
    }
  }
};

TEST(ContractsFuzz, InvariantHoldsThroughRandomSequences) {
  std::map<std::string, int> accepted, refused;
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    Fuzzer f(seed);
    f.Setup();
    for (int step = 0; step < 150; ++step) {
      if (!f.in_group && f.Coin(8)) {
        f.journal.BeginGroup();
        f.in_group = true;
        const Balances before = f.journal.state().balances;
        const auto contracts_before = f.journal.state().contracts.by_id;
        const std::string head = f.journal.head_hash();
        const int n = f.Rand(1, 6);
        for (int i = 0; i < n; ++i) {
          f.Step();
          f.Check("seed " + std::to_string(seed) + " step " + std::to_string(step) + " in group");
          if (::testing::Test::HasFatalFailure()) return;
        }
        const bool keep = f.Coin(50);
        f.journal.EndGroup(keep);
        f.in_group = false;
        if (keep) {
          for (auto& r : f.group) f.kept.push_back(r);
        } else {
          ASSERT_EQ(f.journal.state().balances, before) << seed;
          ASSERT_EQ(f.journal.state().contracts.by_id, contracts_before) << seed;
          ASSERT_EQ(f.journal.head_hash(), head);
        }
        f.group.clear();
      } else {
        f.Step();
      }
      f.Check("seed " + std::to_string(seed) + " step " + std::to_string(step));
      if (::testing::Test::HasFatalFailure()) return;
    }
    f.CheckMonthEnds("seed " + std::to_string(seed));
    if (::testing::Test::HasFatalFailure()) return;
    Journal replayer;
    for (const auto& record : f.kept) {
      Status status = replayer.Replay(record);
      ASSERT_TRUE(status.ok()) << "seed " << seed << ": " << status.ToString();
    }
    ASSERT_EQ(replayer.state().balances, f.journal.state().balances) << seed;
    for (auto& [k, v] : f.accepted) accepted[k] += v;
    for (auto& [k, v] : f.refused) refused[k] += v;
  }
  // The sequences must reach every command, accepted as well as refused.
  for (const char* what :
       {"register", "approve", "approve-variation", "vary", "pay", "close", "interest", "open-year",
        "confirm", "run", "close-month", "propose", "cosign", "settle"}) {
    EXPECT_GT(accepted[what], 0) << what;
  }
}

}  // namespace
}  // namespace lcp

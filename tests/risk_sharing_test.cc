// Risk sharing, month close and settlement (DOMAIN.md "Time" and "Risk sharing"): the worked examples
// exactly, both modes, several bands, caps that bind and caps that don't, thresholds met exactly and
// missed by a penny, members with no contribution, the agreement's co-signature and variations, month
// closes with their checkpoints, the settlement's postings, and every refusal with nothing posted.
#include "ledger/rules/risk_sharing.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <set>

#include "ledger/base/accounts.h"
#include "ledger/base/apportion.h"
#include "ledger/base/chain.h"
#include "ledger/base/periods.h"
#include "ledger/engine/journal.h"
#include "ledger/read/queries.h"
#include "ledger/rules/capitation.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::AgreementTermsOf;
using testing::CloseMonthCommand;
using testing::CosignAgreementCommand;
using testing::JournalCommand;
using testing::MustSubmit;
using testing::PostingsByPeriod;
using testing::ProposeAgreementCommand;
using testing::SettleYearCommand;
using testing::ShareTermsOf;
using testing::WorkedExampleTerms;

v1::Actor Actor(const std::string& id, v1::Role role) {
  v1::Actor actor;
  actor.set_principal_id(id);
  actor.set_role(role);
  return actor;
}

Result<v1::JournalRecord> SubmitAs(Journal& journal, const v1::Command& command,
                                   const v1::Actor* actor = nullptr) {
  v1::JournalEntry request = testing::Request(command, "key-" + std::to_string(journal.head_seq() + 1));
  if (actor != nullptr) *request.mutable_actor() = *actor;
  return journal.Submit(request);
}

std::vector<std::string> Postings(const v1::JournalRecord& record) {
  v1::JournalEntry entry;
  EXPECT_TRUE(entry.ParseFromString(record.body()));
  std::vector<std::string> out;
  for (const v1::Posting& posting : entry.postings()) {
    out.push_back(posting.account() + " " + posting.amount().value());
  }
  return out;
}

Int Balance(const Journal& journal, const std::string& account, int year = 2026) {
  auto balances = journal.state().balances.find(year);
  if (balances == journal.state().balances.end()) return 0;
  auto it = balances->second.find(account);
  return it == balances->second.end() ? Int(0) : it->second;
}

std::string Pounds(const Int& pence) { return Money::FromPence(pence).ToString(); }

AgreementTermsValue TermsValue(const v1::AgreementTerms& message) {
  Year year;
  year.start_year = 2026;
  year.line_set = {"ELECTIVE", "PRESCRIBING", "COMMUNITY"};
  Result<AgreementTermsValue> terms = CheckAgreementTerms(year, message);
  EXPECT_TRUE(terms.ok()) << terms.status().ToString();
  return terms.ok() ? *terms : AgreementTermsValue{};
}

Int P(const std::string& pounds) { return Money::Parse(pounds)->pence(); }

// Members with (budget, actual outturn) in pounds, ODS codes A81001, A81002, ...
std::vector<MemberFigures> Members(const std::vector<std::pair<std::string, std::string>>& figures) {
  std::vector<MemberFigures> members;
  for (std::size_t i = 0; i < figures.size(); ++i) {
    MemberFigures member;
    member.ods_code = "A8100" + std::to_string(i + 1);
    member.budget = P(figures[i].first);
    member.actual = P(figures[i].second);
    members.push_back(member);
  }
  return members;
}

RiskShareOutcome MustCompute(const v1::AgreementTerms& terms, const std::vector<MemberFigures>& members,
                             bool projected = false) {
  Result<RiskShareOutcome> outcome = ComputeRiskShare(TermsValue(terms), members, projected);
  EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
  return outcome.ok() ? *outcome : RiskShareOutcome{};
}

std::vector<std::string> Shares(const RiskShareOutcome& outcome) {
  std::vector<std::string> shares;
  for (const MemberOutcome& member : outcome.members) shares.push_back(Pounds(member.share));
  return shares;
}

// DOMAIN.md worked example 1, step by step.
TEST(RiskShare, WorkedExampleOneSavings) {
  const RiskShareOutcome out = MustCompute(
      WorkedExampleTerms(),
      Members({{"4000000.00", "3800000.00"}, {"3500000.00", "3550000.00"}, {"2500000.00", "2350000.00"}}));
  EXPECT_EQ(Pounds(out.budget), "10000000.00");
  EXPECT_EQ(Pounds(out.outturn), "9700000.00");
  EXPECT_EQ(Pounds(out.variance), "300000.00");
  EXPECT_EQ(out.side, v1::RISK_SIDE_SAVINGS);
  EXPECT_EQ(ExactPounds(out.threshold_amount), "100000.00");
  EXPECT_TRUE(out.threshold_met);
  ASSERT_EQ(out.bands.size(), 1u);
  EXPECT_EQ(ExactPounds(out.bands[0].lower), "0.00");
  EXPECT_FALSE(out.bands[0].upper.has_value());
  EXPECT_EQ(ExactPounds(out.bands[0].in_band), "300000.00");
  EXPECT_EQ(ExactPounds(out.bands[0].lcp), "210000.00");
  EXPECT_EQ(ExactPounds(*out.cap_amount), "500000.00");
  EXPECT_FALSE(out.cap_binds);
  EXPECT_EQ(ExactPounds(out.lcp_exact), "210000.00");
  EXPECT_EQ(Pounds(out.lcp), "210000.00");
  EXPECT_EQ(Pounds(out.pct), "90000.00");
  EXPECT_EQ(Pounds(out.budget_part), "105000.00");
  EXPECT_EQ(Pounds(out.contribution_part), "105000.00");
  EXPECT_FALSE(out.contribution_by_budget);
  EXPECT_EQ(Pounds(out.contribution_basis_total), "350000.00");
  std::vector<std::string> budget_shares, contribution_shares, bases;
  for (const MemberOutcome& member : out.members) {
    budget_shares.push_back(Pounds(member.budget_share));
    contribution_shares.push_back(Pounds(member.contribution_share));
    bases.push_back(Pounds(member.contribution_basis));
  }
  EXPECT_EQ(budget_shares, (std::vector<std::string>{"42000.00", "36750.00", "26250.00"}));
  // A81002 overspent: it gets none of the contribution part.
  EXPECT_EQ(bases, (std::vector<std::string>{"200000.00", "0.00", "150000.00"}));
  EXPECT_EQ(contribution_shares, (std::vector<std::string>{"60000.00", "0.00", "45000.00"}));
  EXPECT_EQ(Shares(out), (std::vector<std::string>{"102000.00", "36750.00", "71250.00"}));
}

// DOMAIN.md worked example 2, with its cap (binding) and without it.
TEST(RiskShare, WorkedExampleTwoOverspendWithAndWithoutTheCap) {
  const auto members =
      Members({{"4000000.00", "4300000.00"}, {"3500000.00", "3700000.00"}, {"2500000.00", "2600000.00"}});
  const RiskShareOutcome capped = MustCompute(WorkedExampleTerms(), members);
  EXPECT_EQ(Pounds(capped.variance), "-600000.00");
  EXPECT_EQ(capped.side, v1::RISK_SIDE_OVERSPEND);
  EXPECT_TRUE(capped.threshold_met);  // t = 0.
  ASSERT_EQ(capped.bands.size(), 3u);
  std::vector<std::string> steps;
  for (const BandOutcome& band : capped.bands) {
    steps.push_back(ExactPounds(band.lower) + "-" + (band.upper ? ExactPounds(*band.upper) : "") + " " +
                    ExactPounds(band.in_band) + " x " + Rate::FromNanos(band.lcp_rate_nanos).ToString() +
                    " = " + ExactPounds(band.lcp));
  }
  EXPECT_EQ(steps, (std::vector<std::string>{"0.00-200000.00 200000.00 x 1.00 = 200000.00",
                                             "200000.00-500000.00 300000.00 x 0.50 = 150000.00",
                                             "500000.00- 100000.00 x 0.00 = 0.00"}));
  EXPECT_EQ(ExactPounds(capped.uncapped), "350000.00");
  EXPECT_EQ(ExactPounds(*capped.cap_amount), "300000.00");
  EXPECT_TRUE(capped.cap_binds);
  EXPECT_EQ(Pounds(capped.lcp), "300000.00");
  EXPECT_EQ(Pounds(capped.pct), "300000.00");
  // Budget part 150,000 by 4 : 3.5 : 2.5; contribution part 150,000 by overspends 300 : 200 : 100.
  EXPECT_EQ(Shares(capped), (std::vector<std::string>{"135000.00", "102500.00", "62500.00"}));

  v1::AgreementTerms uncapped_terms = WorkedExampleTerms();
  uncapped_terms.mutable_overspend()->clear_cap();
  const RiskShareOutcome uncapped = MustCompute(uncapped_terms, members);
  EXPECT_FALSE(uncapped.cap_amount.has_value());
  EXPECT_FALSE(uncapped.cap_binds);
  EXPECT_EQ(Pounds(uncapped.lcp), "350000.00");
  EXPECT_EQ(Pounds(uncapped.pct), "250000.00");
  // 175,000 by budget (70,000 / 61,250 / 43,750) and 175,000 by overspend (87,500 / 58,333.33 /
  // 29,166.67: quotas ...333.33 1/3 and ...166.66 2/3, the leftover penny to the larger remainder).
  EXPECT_EQ(Shares(uncapped), (std::vector<std::string>{"157500.00", "119583.33", "72916.67"}));
}

// DOMAIN.md worked example 3: 0.05 shared 0.70 / 0.30 is 0.04 / 0.01 (a tie, to the LCP).
TEST(RiskShare, WorkedExampleThreeTheTieGoesToTheLcp) {
  const v1::AgreementTerms terms = AgreementTermsOf(
      {"ELECTIVE"}, ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"0.70"}, ""),
      ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"1"}, ""), "1", "0");
  const RiskShareOutcome out = MustCompute(terms, Members({{"100.00", "99.95"}}));
  EXPECT_EQ(ExactPounds(out.lcp_exact), "0.035");
  EXPECT_EQ(Pounds(out.lcp), "0.04");
  EXPECT_EQ(Pounds(out.pct), "0.01");
}

TEST(RiskShare, AboveThresholdSharesOnlyThePartAboveItAcrossSeveralBands) {
  // B 10,000,000, V 300,000 savings, t 0.01 (100,000): bands to 2% LCP 0.50, then LCP 0.25.
  const v1::AgreementTerms terms = AgreementTermsOf(
      {"ELECTIVE"},
      ShareTermsOf("0.01", v1::SHARE_MODE_ABOVE_THRESHOLD, {"0.02:0.50", "0.25"}, "0.05"),
      ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"1"}, ""), "0.5", "0.5");
  const RiskShareOutcome out = MustCompute(terms, Members({{"10000000.00", "9700000.00"}}));
  ASSERT_EQ(out.bands.size(), 2u);
  EXPECT_EQ(ExactPounds(out.bands[0].in_band), "100000.00");  // 100,000 to 200,000.
  EXPECT_EQ(ExactPounds(out.bands[0].lcp), "50000.00");
  EXPECT_EQ(ExactPounds(out.bands[1].in_band), "100000.00");  // 200,000 to 300,000.
  EXPECT_EQ(ExactPounds(out.bands[1].lcp), "25000.00");
  EXPECT_EQ(Pounds(out.lcp), "75000.00");
  EXPECT_EQ(Pounds(out.pct), "225000.00");
  // FIRST_POUND with the same bands shares from zero: 200,000 x 0.50 + 100,000 x 0.25.
  v1::AgreementTerms first_pound = terms;
  first_pound.mutable_savings()->set_mode(v1::SHARE_MODE_FIRST_POUND);
  EXPECT_EQ(Pounds(MustCompute(first_pound, Members({{"10000000.00", "9700000.00"}})).lcp),
            "125000.00");
}

TEST(RiskShare, AThresholdMetExactlySharesAndOneMissedByAPennySharesNothing) {
  // t 0.01 of 10,000,000.00 is 100,000.00.
  for (const v1::ShareMode mode : {v1::SHARE_MODE_FIRST_POUND, v1::SHARE_MODE_ABOVE_THRESHOLD}) {
    SCOPED_TRACE(v1::ShareMode_Name(mode));
    const v1::AgreementTerms terms = AgreementTermsOf(
        {"ELECTIVE"}, ShareTermsOf("0.01", mode, {"0.70"}, ""),
        ShareTermsOf("0.01", mode, {"0.40"}, ""), "1", "0");
    const RiskShareOutcome met = MustCompute(terms, Members({{"10000000.00", "9900000.00"}}));
    EXPECT_TRUE(met.threshold_met);
    EXPECT_EQ(Pounds(met.lcp), mode == v1::SHARE_MODE_FIRST_POUND ? "70000.00" : "0.00");
    const RiskShareOutcome missed = MustCompute(terms, Members({{"10000000.00", "9900000.01"}}));
    EXPECT_FALSE(missed.threshold_met);
    EXPECT_EQ(ExactPounds(missed.bands[0].in_band), "0.00");
    EXPECT_EQ(Pounds(missed.lcp), "0.00");
    EXPECT_EQ(Pounds(missed.pct), "99999.99");  // The PCT recovers all of it.
    // The overspend side the same way: 100,000.00 over is met, 99,999.99 is not.
    const RiskShareOutcome over = MustCompute(terms, Members({{"10000000.00", "10100000.00"}}));
    EXPECT_TRUE(over.threshold_met);
    EXPECT_EQ(Pounds(over.lcp), mode == v1::SHARE_MODE_FIRST_POUND ? "40000.00" : "0.00");
    const RiskShareOutcome under = MustCompute(terms, Members({{"10000000.00", "10099999.99"}}));
    EXPECT_FALSE(under.threshold_met);
    EXPECT_EQ(Pounds(under.lcp), "0.00");
    EXPECT_EQ(Pounds(under.pct), "99999.99");  // The PCT underwrites all of it.
  }
}

TEST(RiskShare, ACapThatJustBindsAndOneThatJustDoesNot) {
  // Savings 300,000 x 0.70 = 210,000; a cap of 2.1% of 10,000,000 is exactly 210,000 (not binding),
  // of 2.09% is 209,000 (binding).
  for (const auto& [cap, binds, lcp] : {std::tuple("0.021", false, "210000.00"),
                                         std::tuple("0.0209", true, "209000.00")}) {
    const v1::AgreementTerms terms = AgreementTermsOf(
        {"ELECTIVE"}, ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"0.70"}, cap),
        ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"1"}, ""), "1", "0");
    const RiskShareOutcome out = MustCompute(terms, Members({{"10000000.00", "9700000.00"}}));
    EXPECT_EQ(out.cap_binds, binds) << cap;
    EXPECT_EQ(Pounds(out.lcp), lcp) << cap;
  }
}

TEST(RiskShare, MembersWithNoBudgetOrNoContributionGetNothingOfThatPart) {
  // A81003 has no budget and no spend; A81002 overspent on a savings year.
  const RiskShareOutcome out = MustCompute(
      WorkedExampleTerms(),
      Members({{"6000000.00", "5600000.00"}, {"4000000.00", "4100000.00"}, {"0.00", "0.00"}}));
  EXPECT_EQ(Pounds(out.variance), "300000.00");
  EXPECT_EQ(out.members[2].budget_share, 0);
  EXPECT_EQ(out.members[2].contribution_share, 0);
  EXPECT_EQ(out.members[1].contribution_share, 0);
  // 105,000 by budget 6 : 4 (63,000 / 42,000); 105,000 all to A81001, the only underspend.
  EXPECT_EQ(Shares(out), (std::vector<std::string>{"168000.00", "42000.00", "0.00"}));
}

TEST(RiskShare, APendingPennyOfTheMemberSplitGoesToTheLowerOdsCodeOnATie) {
  // 100.00 kept, all by budget, three equal budgets: 33.34 / 33.33 / 33.33 (DOMAIN.md "Money").
  const v1::AgreementTerms terms = AgreementTermsOf(
      {"ELECTIVE"}, ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"1"}, ""),
      ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"1"}, ""), "1", "0");
  const RiskShareOutcome out =
      MustCompute(terms, Members({{"1000.00", "900.00"}, {"1000.00", "1000.00"}, {"1000.00", "1000.00"}}));
  EXPECT_EQ(Shares(out), (std::vector<std::string>{"33.34", "33.33", "33.33"}));
}

TEST(RiskShare, AProjectionCountsCommitmentsAndWhatIfs) {
  std::vector<MemberFigures> members = Members({{"1000.00", "600.00"}, {"1000.00", "700.00"}});
  members[0].commitments = P("300.00");
  members[1].what_if = P("-100.00");
  const v1::AgreementTerms terms = AgreementTermsOf(
      {"ELECTIVE"}, ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"0.50"}, ""),
      ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"1"}, ""), "0", "1");
  const RiskShareOutcome projected = MustCompute(terms, members, /*projected=*/true);
  EXPECT_EQ(Pounds(projected.outturn), "1500.00");  // 600 + 300 + 700 - 100.
  EXPECT_EQ(Pounds(projected.variance), "500.00");
  EXPECT_EQ(Pounds(projected.lcp), "250.00");
  // All by contribution: underspends 100 and 400.
  EXPECT_EQ(Shares(projected), (std::vector<std::string>{"50.00", "200.00"}));
  const RiskShareOutcome actual = MustCompute(terms, members, /*projected=*/false);
  EXPECT_EQ(Pounds(actual.outturn), "1300.00");
}

TEST(RiskShare, ANegativeMemberBudgetCountsAsNoneInTheBudgetSplit) {
  // B = 990.00, O = 500.00, V = 490.00: t x B = 9.90 met, LCP 0.70 = 343.00 (the cap, 49.50, binds):
  // 49.50 to the LCP, 24.75 by budget (all A81001's: A81002's -10.00 counts as 0) and 24.75 by
  // underspend (A81001 500.00, A81002 -10.00 overspent: none).
  const RiskShareOutcome out = MustCompute(WorkedExampleTerms(), Members({{"1000.00", "500.00"}, {"-10.00", "0.00"}}));
  EXPECT_EQ(Pounds(out.lcp), "49.50");
  EXPECT_EQ(Pounds(out.budget_basis_total), "1000.00");
  EXPECT_EQ(out.members[1].budget_basis, 0);
  EXPECT_FALSE(out.budget_by_contribution);
  EXPECT_EQ(Shares(out), (std::vector<std::string>{"49.50", "0.00"}));
}

TEST(RiskShare, WithNoPositiveBudgetTheBudgetPartGoesAsTheContributionPart) {
  // No budgets at all: spend of 300.00 and 100.00 is an overspend of 400.00, every pound of it shared
  // 0.5 (no cap): 200.00, half by "budget", which goes by the overspends 300 : 100 like the rest.
  const v1::AgreementTerms terms = AgreementTermsOf(
      {"ELECTIVE"}, ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"0.5"}, ""),
      ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"0.5"}, ""), "0.5", "0.5");
  const RiskShareOutcome out = MustCompute(terms, Members({{"0.00", "300.00"}, {"0.00", "100.00"}}));
  EXPECT_TRUE(out.budget_by_contribution);
  EXPECT_FALSE(out.contribution_by_budget);
  EXPECT_EQ(Pounds(out.budget_basis_total), "400.00");
  EXPECT_EQ(Shares(out), (std::vector<std::string>{"150.00", "50.00"}));
}

TEST(RiskShare, ExactPoundsPrintsEveryPlaceItNeeds) {
  EXPECT_EQ(ExactPounds(Rational(30'000'000)), "300000.00");
  EXPECT_EQ(ExactPounds(Rational(7, 2)), "0.035");
  EXPECT_EQ(ExactPounds(Rational(-1, 1'000'000'000)), "-0.00000000001");
  EXPECT_EQ(ExactPounds(Rational(0)), "0.00");
}

// Random agreements and members: every split sums to its whole, each member's part is within a penny
// of its exact quota, the cap holds, and the LCP's amount is within a penny of the exact share.
TEST(RiskShare, RandomAgreementsAlwaysSplitExactly) {
  std::mt19937_64 random(20261123);
  auto pick = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random);
  };
  auto rate = [&](int max_thousandths) { return Rate::FromNanos(Int(pick(0, max_thousandths)) * 1'000'000).ToString(); };
  for (int round = 0; round < 400; ++round) {
    SCOPED_TRACE(round);
    std::vector<std::string> bands;
    int bound = 0;
    const int band_count = pick(1, 4);
    for (int b = 0; b + 1 < band_count; ++b) {
      bound += pick(1, 50);
      bands.push_back(Rate::FromNanos(Int(bound) * 1'000'000).ToString() + ":" + rate(1000));
    }
    bands.push_back(rate(1000));
    const v1::ShareMode mode = pick(0, 1) == 0 ? v1::SHARE_MODE_FIRST_POUND : v1::SHARE_MODE_ABOVE_THRESHOLD;
    const std::string cap = pick(0, 1) == 0 ? "" : rate(100);
    const int alpha = pick(0, 1000);
    const v1::AgreementTerms terms = AgreementTermsOf(
        {"ELECTIVE"}, ShareTermsOf(rate(50), mode, bands, cap), ShareTermsOf(rate(50), mode, bands, cap),
        Rate::FromNanos(Int(alpha) * 1'000'000).ToString(),
        Rate::FromNanos(Int(1000 - alpha) * 1'000'000).ToString());
    std::vector<MemberFigures> members;
    for (int i = 0, count = pick(1, 12); i < count; ++i) {
      MemberFigures member;
      member.ods_code = "B" + std::to_string(10000 + i);
      member.budget = pick(0, 5) == 0 ? 0 : pick(1, 100'000'000);
      member.actual = pick(0, 100'000'000) + pick(0, 99);
      members.push_back(member);
    }
    if (std::none_of(members.begin(), members.end(), [](const MemberFigures& m) { return m.budget > 0; })) {
      members[0].budget = 1;
    }
    const RiskShareOutcome out = MustCompute(terms, members);
    const Int magnitude = boost::multiprecision::abs(out.variance);
    EXPECT_EQ(out.lcp + out.pct, magnitude);
    EXPECT_LE(boost::multiprecision::abs(Rational(out.lcp) - out.lcp_exact), Rational(1));
    if (out.cap_amount) {
      EXPECT_LE(out.lcp_exact, *out.cap_amount);
    }
    EXPECT_EQ(out.budget_part + out.contribution_part, out.lcp);
    Int sum = 0;
    for (const MemberOutcome& member : out.members) {
      EXPECT_GE(member.share, 0);
      sum += member.share;
    }
    EXPECT_EQ(sum, out.lcp);
  }
}

// --- Through the journal ---

// A journal that keeps every record it made, to replay them.
class Recorder {
 public:
  v1::JournalRecord Submit(const v1::Command& command) {
    records_.push_back(MustSubmit(journal_, command));
    return records_.back();
  }
  v1::JournalRecord Submit(const v1::Command& command, const v1::Actor& actor) {
    Result<v1::JournalRecord> record = SubmitAs(journal_, command, &actor);
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    records_.push_back(*record);
    return records_.back();
  }
  Journal& journal() { return journal_; }
  const Journal& journal() const { return journal_; }
  const std::vector<v1::JournalRecord>& records() const { return records_; }

 private:
  Journal journal_;
  std::vector<v1::JournalRecord> records_;
};

// The worked examples' members on the pooled lines ELECTIVE and PRESCRIBING, plus COMMUNITY, which
// is not pooled (1,000,000.00 each; A81001 overspends it by 1,000,000.00 and the others underspend
// it by all of theirs, none of which may count). Entries 1-5 the standard ledger, 6-23 the budgets
// in M01 (for each line in turn weights, three lists, the PCT's confirmed total and the run: 6-11
// ELECTIVE, 12-17 PRESCRIBING, 18-23 COMMUNITY), 24 the spend in M02.
struct MemberBooks {
  std::string ods, elective_budget, prescribing_budget, elective_spend, prescribing_spend;
};

using Sink = std::function<void(const v1::Command&)>;

// The entry of BuildLedger's spend, the last of its entries.
constexpr std::uint64_t kSpendSeq = 24;

// Gives the practices exactly `budgets` (ODS, amount) on `line` of 2026/27 by the agreed method, as
// MustGiveBudgets (test_support.h) does, but as commands for `submit` so that a Recorder keeps
// them: weights of 1, lists in the ratio of the budgets at `extract_date`, their sum confirmed as
// the line's total by PCT finance, and an INDICATIVE run in M01 of that extract (6 entries for 3
// practices).
void GiveBudgets(const Sink& submit, const std::string& line, const std::string& extract_date,
                 const std::vector<std::pair<std::string, std::string>>& budgets,
                 const std::string& year = "2026/27") {
  Int total = 0;
  Int divisor = 0;
  for (const auto& budget : budgets) {
    total += P(budget.second);
    divisor = boost::multiprecision::gcd(divisor, P(budget.second));
  }
  submit(testing::WeightsCommand(year, line));
  for (const auto& budget : budgets) {
    const Int patients = P(budget.second) / divisor;
    ASSERT_LE(patients, kBandPatientsMax) << budget.first;
    submit(testing::ListCommand(extract_date, budget.first,
                                {{"FEMALE_30_34", patients.convert_to<std::int64_t>()}}));
  }
  submit(testing::ConfirmTotalCommand(year, line, Pounds(total)));
  submit(testing::RunCommand(year, "M01", line, "", 0, extract_date));
}

void BuildLedger(const Sink& submit, const std::vector<MemberBooks>& books) {
  submit(testing::RegisterPracticeCommand("A81001", "Riverside Medical Centre"));
  submit(testing::RegisterPracticeCommand("A81002", "Hillview Surgery"));
  submit(testing::RegisterPracticeCommand("A81003", "Park Lane Practice"));
  submit(testing::RegisterProviderCommand("RX1"));
  submit(testing::OpenYearCommand("2026/27", {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}));
  std::vector<std::pair<std::string, std::string>> elective, prescribing, community;
  testing::PostingList spend = {{"practice:A81001:spend:COMMUNITY", "2000000.00"},
                                {"provider:RX1:payable", "-2000000.00"}};
  for (const MemberBooks& b : books) {
    elective.emplace_back(b.ods, b.elective_budget);
    prescribing.emplace_back(b.ods, b.prescribing_budget);
    community.emplace_back(b.ods, "1000000.00");
    spend.emplace_back("practice:" + b.ods + ":spend:ELECTIVE", b.elective_spend);
    spend.emplace_back("provider:RX1:payable", "-" + b.elective_spend);
    spend.emplace_back("practice:" + b.ods + ":spend:PRESCRIBING", b.prescribing_spend);
    spend.emplace_back("provider:RX1:payable", "-" + b.prescribing_spend);
  }
  GiveBudgets(submit, "ELECTIVE", "2026-03-01", elective);
  GiveBudgets(submit, "PRESCRIBING", "2026-03-02", prescribing);
  GiveBudgets(submit, "COMMUNITY", "2026-03-03", community);
  submit(JournalCommand("2026/27", "M02", spend, "Spend 2026/27"));
}

const std::vector<MemberBooks> kSavingsBooks = {
    {"A81001", "3000000.00", "1000000.00", "2900000.00", "900000.00"},
    {"A81002", "2500000.00", "1000000.00", "2600000.00", "950000.00"},
    {"A81003", "2000000.00", "500000.00", "1850000.00", "500000.00"}};

// The books' ledger; its budget accounts hold the books' budgets exactly.
Journal LedgerWith(const std::vector<MemberBooks>& books) {
  Journal journal;
  BuildLedger([&](const v1::Command& command) { MustSubmit(journal, command); }, books);
  EXPECT_EQ(journal.head_seq(), kSpendSeq);
  for (const MemberBooks& b : books) {
    EXPECT_EQ(Pounds(Balance(journal, PracticeAccount(b.ods, "budget", "ELECTIVE"))),
              b.elective_budget);
    EXPECT_EQ(Pounds(Balance(journal, PracticeAccount(b.ods, "budget", "PRESCRIBING"))),
              b.prescribing_budget);
    EXPECT_EQ(Pounds(Balance(journal, PracticeAccount(b.ods, "budget", "COMMUNITY"))),
              "1000000.00");
  }
  return journal;
}

// Worked example 1: budgets 4.0 / 3.5 / 2.5 million, outturns 3.8 / 3.55 / 2.35 million.
Journal SavingsLedger() { return LedgerWith(kSavingsBooks); }

// Worked example 2: the same budgets, outturns 4.3 / 3.7 / 2.6 million.
Journal OverspendLedger() {
  return LedgerWith({{"A81001", "3000000.00", "1000000.00", "3200000.00", "1100000.00"},
                     {"A81002", "2500000.00", "1000000.00", "2700000.00", "1000000.00"},
                     {"A81003", "2000000.00", "500000.00", "2100000.00", "500000.00"}});
}

// Proposes (entry N) and co-signs (N + 1) the worked examples' terms; the year has postings, so with
// a reason.
constexpr const char* kLate = "Agreed by the PCT board on 12 March; recorded late";
void AgreeWorkedExampleTerms(Journal& journal) {
  const std::uint64_t proposal = journal.head_seq() + 1;
  MustSubmit(journal, ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 0, kLate));
  MustSubmit(journal, CosignAgreementCommand("2026/27", proposal));
}

void CloseMonths(Journal& journal, int through, const std::string& year = "2026/27") {
  const int start = *ParseYear(year);
  for (int month = journal.state().years.at(start).closed_through() + 1; month <= through; ++month) {
    MustSubmit(journal, CloseMonthCommand(year, FormatMonth(month)));
  }
}

// Replays `journal`'s records (as `records`) into a new journal: every posting, checkpoint and state
// comes out the same.
void ExpectReplays(const std::vector<v1::JournalRecord>& records, const Journal& original) {
  Journal replayed;
  for (const v1::JournalRecord& record : records) {
    Status status = replayed.Replay(record);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_EQ(replayed.head_hash(), original.head_hash());
  EXPECT_EQ(replayed.state().balances, original.state().balances);
}

TEST(Settlement, WorkedExampleOnePostsTheSharesAndThePoolNetsToZero) {
  Journal journal = SavingsLedger();
  AgreeWorkedExampleTerms(journal);  // Entries 25 and 26.
  EXPECT_EQ(journal.state().years.at(2026).agreement->cosigned_by, "pct.finance");
  CloseMonths(journal, 12);  // Entries 27-38.
  const v1::JournalRecord settled = MustSubmit(journal, SettleYearCommand("2026/27"));
  EXPECT_EQ(settled.seq(), 39u);
  EXPECT_EQ(Postings(settled), (std::vector<std::string>{"practice:A81001:reinvestment -102000.00",
                                                         "practice:A81002:reinvestment -36750.00",
                                                         "practice:A81003:reinvestment -71250.00",
                                                         "pct:risk_share -90000.00",
                                                         "lcp:risk_pool 300000.00"}));
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(settled.body()));
  EXPECT_EQ(entry.period().year(), "2026/27");
  EXPECT_EQ(entry.period().month(), "M12");
  // The pool nets to zero: pooled budgets - pooled spend - lcp:risk_pool.
  Int pool = -Balance(journal, "lcp:risk_pool");
  for (const std::string ods : {"A81001", "A81002", "A81003"}) {
    for (const std::string line : {"ELECTIVE", "PRESCRIBING"}) {
      pool += Balance(journal, PracticeAccount(ods, "budget", line)) -
              Balance(journal, PracticeAccount(ods, "spend", line));
    }
  }
  EXPECT_EQ(pool, 0);
  EXPECT_EQ(journal.state().years.at(2026).settled_seq, 39u);
}

TEST(Settlement, WorkedExampleTwoPostsTheBorneOverspendAndTheUnderwriting) {
  Journal journal = OverspendLedger();
  AgreeWorkedExampleTerms(journal);
  CloseMonths(journal, 12);
  const v1::JournalRecord settled = MustSubmit(journal, SettleYearCommand("2026/27"));
  EXPECT_EQ(Postings(settled), (std::vector<std::string>{"practice:A81001:risk_share 135000.00",
                                                         "practice:A81002:risk_share 102500.00",
                                                         "practice:A81003:risk_share 62500.00",
                                                         "pct:risk_share 300000.00",
                                                         "lcp:risk_pool -600000.00"}));
}

TEST(Settlement, ALockedYearRefusesEverythingAndTheWholeJournalReplays) {
  Recorder recorder;
  BuildLedger([&](const v1::Command& command) { recorder.Submit(command); }, kSavingsBooks);
  recorder.Submit(ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 0, kLate));  // 25.
  recorder.Submit(CosignAgreementCommand("2026/27", 25));
  for (int month = 1; month <= 12; ++month) {
    recorder.Submit(CloseMonthCommand("2026/27", FormatMonth(month)));
  }
  recorder.Submit(SettleYearCommand("2026/27"));
  Journal& journal = recorder.journal();
  const std::string head = journal.head_hash();
  const std::string locked =
      "financial year 2026/27 was settled by entry 39 and is locked; nothing more is posted or "
      "changed in it";
  for (const v1::Command& command :
       {JournalCommand("2026/27", "M12", {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}}),
        ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 25, "Late change"),
        CosignAgreementCommand("2026/27", 25), SettleYearCommand("2026/27"),
        CloseMonthCommand("2026/27", "M12"), testing::WeightsCommand("2026/27", "ELECTIVE"),
        testing::RunCommand("2026/27", "M12", "ELECTIVE", "1.00")}) {
    Result<v1::JournalRecord> refused = SubmitAs(journal, command);
    EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_YEAR_SETTLED) << command.ShortDebugString();
    EXPECT_EQ(refused.status().message(), locked);
  }
  EXPECT_EQ(journal.head_hash(), head);
  // Replaying the 39 records re-derives the settlement, the closes and the agreement.
  ExpectReplays(recorder.records(), journal);
}

TEST(MonthClose, RecordsTheChainHeadAsACheckpointAndReplayChecksIt) {
  Recorder recorder;
  recorder.Submit(testing::RegisterPracticeCommand("A81001"));
  recorder.Submit(testing::OpenYearCommand("2026/27", {"ELECTIVE"}));
  // Spend, not a budget: under rules version 2 a journal does not move a budget.
  const v1::JournalRecord journal_record = recorder.Submit(JournalCommand(
      "2026/27", "M01", {{"practice:A81001:spend:ELECTIVE", "10.00"}, {"lcp:cash", "-10.00"}}));
  const v1::JournalRecord close = recorder.Submit(CloseMonthCommand("2026/27", "M01"));
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(close.body()));
  EXPECT_EQ(entry.checkpoint().seq(), 3u);
  EXPECT_EQ(entry.checkpoint().hash(), journal_record.hash());
  EXPECT_FALSE(entry.has_period());
  EXPECT_EQ(entry.postings_size(), 0);
  const MonthClose& recorded = recorder.journal().state().years.at(2026).closes.at(0);
  EXPECT_EQ(recorded.seq, 4u);
  EXPECT_EQ(recorded.checkpoint_hash, journal_record.hash());
  ExpectReplays(recorder.records(), recorder.journal());

  // A checkpoint that names another head fails replay, at that record.
  std::vector<v1::JournalRecord> forged = recorder.records();
  entry.mutable_checkpoint()->set_hash(std::string(32, 'x'));
  forged[3] = MakeRecord(4, forged[2].hash(), entry.SerializeAsString());
  Journal replayed;
  for (std::size_t i = 0; i < 3; ++i) ASSERT_TRUE(replayed.Replay(forged[i]).ok());
  const Status status = replayed.Replay(forged[3]);
  EXPECT_EQ(status.code(), v1::ERROR_CODE_REPLAY_MISMATCH);
  EXPECT_TRUE(status.message().starts_with("record 4: recorded postings [no period; checkpoint 3 7878"))
      << status.message();
}

TEST(MonthClose, ACorrectionGoesIntoAnOpenMonthAndNamesTheEntry) {
  Journal journal = SavingsLedger();  // Entry 24 (kSpendSeq) is the spend, in M02.
  CloseMonths(journal, 2);
  const testing::PostingList move = {{"practice:A81001:spend:ELECTIVE", "-100.00"},
                                     {"practice:A81002:spend:ELECTIVE", "100.00"}};
  Result<v1::JournalRecord> into_closed = SubmitAs(journal, JournalCommand("2026/27", "M02", move));
  EXPECT_EQ(into_closed.status().code(), v1::ERROR_CODE_MONTH_CLOSED);
  v1::Command correction = JournalCommand("2026/27", "M03", move, "Spend was A81002's");
  correction.mutable_post_journal()->set_corrects_seq(kSpendSeq);
  const v1::JournalRecord corrected = MustSubmit(journal, correction);
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(corrected.body()));
  EXPECT_EQ(entry.command().post_journal().corrects_seq(), kSpendSeq);
  EXPECT_EQ(entry.period().month(), "M03");
  // A reversal of a closed month's entry goes into an open month too.
  EXPECT_EQ(SubmitAs(journal, testing::ReverseCommand(kSpendSeq, "2026/27", "M01")).status().code(),
            v1::ERROR_CODE_MONTH_CLOSED);
  MustSubmit(journal, testing::ReverseCommand(kSpendSeq, "2026/27", "M03"));
}

TEST(Agreement, ProposalsWaitForTheCosignatureAndVariationsNeedAReasonAndOne) {
  Journal journal = SavingsLedger();
  const v1::Actor second_officer = Actor("second.officer", v1::ROLE_LCP_FINANCE);
  MustSubmit(journal, ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 0, kLate));  // 25.
  EXPECT_FALSE(journal.state().years.at(2026).agreement.has_value());
  // A new proposal supersedes the pending one.
  ASSERT_TRUE(SubmitAs(journal, ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 0, kLate),
                       &second_officer)
                  .ok());  // 26.
  EXPECT_EQ(SubmitAs(journal, CosignAgreementCommand("2026/27", 25)).status().code(),
            v1::ERROR_CODE_AGREEMENT_PROPOSAL_UNKNOWN);
  MustSubmit(journal, CosignAgreementCommand("2026/27", 26));  // 27.
  const Agreement& agreement = *journal.state().years.at(2026).agreement;
  EXPECT_EQ(agreement.proposal_seq, 26u);
  EXPECT_EQ(agreement.proposed_by, "second.officer");
  EXPECT_EQ(agreement.cosign_seq, 27u);
  EXPECT_FALSE(journal.state().years.at(2026).pending.has_value());

  // LCP finance may not co-sign; PCT finance may not propose.
  const v1::Actor pct = Actor("pct.finance", v1::ROLE_PCT_FINANCE);
  EXPECT_EQ(
      SubmitAs(journal, ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 26, "x"), &pct)
          .status()
          .code(),
      v1::ERROR_CODE_PERMISSION_DENIED);

  // A variation: 50% savings share, proposed with a reason; until co-signed the old terms apply.
  v1::AgreementTerms varied = WorkedExampleTerms();
  varied.mutable_savings()->mutable_bands(0)->mutable_lcp_rate()->set_value("0.50");
  MustSubmit(journal,
             ProposeAgreementCommand("2026/27", varied, 26, "PCT board decision 14"));    // 28.
  CloseMonths(journal, 12);                                                               // 29-40.
  const v1::JournalRecord unchanged = MustSubmit(journal, SettleYearCommand("2026/27"));  // 41.
  EXPECT_EQ(Postings(unchanged)[3], "pct:risk_share -90000.00");  // Still 0.70.
}

TEST(Agreement, ACosignedVariationIsWhatTheSettlementApplies) {
  Journal journal = SavingsLedger();
  AgreeWorkedExampleTerms(journal);  // 25, 26.
  v1::AgreementTerms varied = WorkedExampleTerms();
  varied.mutable_savings()->mutable_bands(0)->mutable_lcp_rate()->set_value("0.50");
  MustSubmit(journal,
             ProposeAgreementCommand("2026/27", varied, 25, "PCT board decision 14"));  // 27.
  MustSubmit(journal, CosignAgreementCommand("2026/27", 27));                           // 28.
  EXPECT_EQ(journal.state().years.at(2026).agreement->replaces_seq, 25u);
  CloseMonths(journal, 12);
  const v1::JournalRecord settled = MustSubmit(journal, SettleYearCommand("2026/27"));
  // 300,000 x 0.50: LCP 150,000, PCT 150,000; 75,000 by budget (30,000 / 26,250 / 18,750), 75,000
  // by underspend 200 : 0 : 150 (42,857.14 / 0 / 32,142.86).
  EXPECT_EQ(Postings(settled), (std::vector<std::string>{"practice:A81001:reinvestment -72857.14",
                                                         "practice:A81002:reinvestment -26250.00",
                                                         "practice:A81003:reinvestment -50892.86",
                                                         "pct:risk_share -150000.00",
                                                         "lcp:risk_pool 300000.00"}));
}

// A BLOCK contract C-1 of 120.00 a year on COMMUNITY with RX1, attributed by capitation, from
// `start_month` of 2026/27 to M12 of 2027/28.
v1::Command TwoYearContract(const std::string& start_month) {
  v1::Command command;
  v1::RegisterContract* c = command.mutable_register_contract();
  c->set_contract_id("C-1");
  c->set_provider_code("RX1");
  c->set_mode(v1::CONTRACT_MODE_BUY);
  c->set_budget_line("COMMUNITY");
  c->mutable_start()->set_year("2026/27");
  c->mutable_start()->set_month(start_month);
  c->mutable_end()->set_year("2027/28");
  c->mutable_end()->set_month("M12");
  c->mutable_terms()->set_type(v1::CONTRACT_TYPE_BLOCK);
  c->mutable_terms()->mutable_annual_value()->set_value("120.00");
  c->set_attribution(v1::ATTRIBUTION_CAPITATION);
  c->set_description("Nursing");
  return command;
}

// Approves C-1 in M01 of `year`, as an officer who did not propose it.
Result<v1::JournalRecord> ApproveAsSecondOfficer(Journal& journal, const std::string& year) {
  v1::Command approve;
  approve.mutable_approve_contract()->set_contract_id("C-1");
  approve.mutable_approve_contract()->mutable_period()->set_year(year);
  approve.mutable_approve_contract()->mutable_period()->set_month("M01");
  v1::JournalEntry approval = testing::Request(approve, "approve");
  *approval.mutable_actor() = Actor("second.officer", v1::ROLE_LCP_FINANCE);
  return journal.Submit(approval);
}

TEST(Settlement, ReleasesOutstandingCommitmentsAndClosedYearsAreNotCommittedAgain) {
  Recorder recorder;
  Journal& journal = recorder.journal();
  for (const v1::Command& command :
       {testing::RegisterPracticeCommand("A81001"), testing::RegisterPracticeCommand("A81002"),
        testing::RegisterProviderCommand("RX1"), testing::OpenYearCommand("2026/27", {"COMMUNITY"}),
        testing::WeightsCommand("2026/27", "COMMUNITY"),
        testing::ListCommand("2026-03-01", "A81001", {{"FEMALE_30_34", 600}}),
        testing::ListCommand("2026-03-01", "A81002", {{"FEMALE_30_34", 400}}),
        testing::ConfirmTotalCommand("2026/27", "COMMUNITY", "1000.00"),
        testing::RunCommand("2026/27", "M01", "COMMUNITY", "1000.00")}) {
    recorder.Submit(command);
  }
  // A block contract of 120.00 a year over two years, approved, 50.00 paid in 2026/27.
  recorder.Submit(TwoYearContract("M01"));  // 10.
  Result<v1::JournalRecord> approved = ApproveAsSecondOfficer(journal, "2026/27");
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  v1::Command pay;
  pay.mutable_post_payment()->set_contract_id("C-1");
  pay.mutable_post_payment()->mutable_period()->set_year("2026/27");
  pay.mutable_post_payment()->mutable_period()->set_month("M06");
  pay.mutable_post_payment()->mutable_amount()->set_value("50.00");
  pay.mutable_post_payment()->set_invoice_reference("INV-1");
  MustSubmit(journal, pay);
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY"), -7000);
  MustSubmit(journal, ProposeAgreementCommand(
                          "2026/27", AgreementTermsOf({"COMMUNITY"},
                                                      ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"0.5"}, ""),
                                                      ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"0.5"}, ""),
                                                      "1", "0"),
                          0, kLate));
  MustSubmit(journal, CosignAgreementCommand("2026/27", journal.head_seq()));
  CloseMonths(journal, 12);
  // No payment goes into a closed month: the 70.00 outstanding can no longer be paid in 2026/27.
  v1::Command late = pay;
  late.mutable_post_payment()->mutable_period()->set_month("M12");
  late.mutable_post_payment()->set_invoice_reference("INV-2");
  EXPECT_EQ(SubmitAs(journal, late).status().code(), v1::ERROR_CODE_MONTH_CLOSED);
  const v1::JournalRecord settled = MustSubmit(journal, SettleYearCommand("2026/27"));
  // Budget 1,000.00, spend 50.00: savings 950.00, LCP 475.00 (600 : 400 -> 285 / 190), PCT 475.00;
  // then the 70.00 outstanding is released (42.00 / 28.00).
  EXPECT_EQ(Postings(settled), (std::vector<std::string>{"practice:A81001:reinvestment -285.00",
                                                         "practice:A81002:reinvestment -190.00",
                                                         "pct:risk_share -475.00",
                                                         "lcp:risk_pool 950.00",
                                                         "lcp:encumbrance:COMMUNITY 70.00",
                                                         "practice:A81001:commitment:COMMUNITY -42.00",
                                                         "practice:A81002:commitment:COMMUNITY -28.00"}));
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY"), 0);
  const ContractYear& year = journal.state().contracts.by_id.at("C-1")->years.at(2026);
  EXPECT_TRUE(year.settled);
  EXPECT_EQ(year.outstanding, 0);
  // Opening 2027/28 commits that year only; closing the contract then releases 2027/28 only.
  MustSubmit(journal, testing::OpenYearCommand("2027/28", {"COMMUNITY"}));
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY", 2027), -12000);
  v1::Command close;
  close.mutable_close_contract()->set_contract_id("C-1");
  close.mutable_close_contract()->mutable_period()->set_year("2027/28");
  close.mutable_close_contract()->mutable_period()->set_month("M01");
  close.mutable_close_contract()->set_reason("Ended");
  const v1::JournalRecord closed = MustSubmit(journal, close);
  EXPECT_EQ(Postings(closed), (std::vector<std::string>{"practice:A81001:commitment:COMMUNITY -72.00",
                                                        "practice:A81002:commitment:COMMUNITY -48.00",
                                                        "lcp:encumbrance:COMMUNITY 120.00"}));
}

TEST(Settlement, AContractApprovedAfterItsFirstYearClosedIsNotCommittedInThatYear) {
  Journal journal;
  for (const v1::Command& command :
       {testing::RegisterPracticeCommand("A81001"), testing::RegisterProviderCommand("RX1"),
        testing::OpenYearCommand("2026/27", {"COMMUNITY"}),
        testing::WeightsCommand("2026/27", "COMMUNITY"),
        testing::ListCommand("2026-03-01", "A81001", {{"FEMALE_30_34", 600}}),
        testing::ConfirmTotalCommand("2026/27", "COMMUNITY", "1000.00"),
        testing::RunCommand("2026/27", "M01", "COMMUNITY", "1000.00")}) {
    MustSubmit(journal, command);
  }
  MustSubmit(journal, TwoYearContract("M07"));
  CloseMonths(journal, 12);
  MustSubmit(journal, testing::OpenYearCommand("2027/28", {"COMMUNITY"}));
  Result<v1::JournalRecord> approved = ApproveAsSecondOfficer(journal, "2027/28");
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  // Only 2027/28 is committed: 2026/27's M12 is closed.
  EXPECT_EQ(Postings(*approved), (std::vector<std::string>{"practice:A81001:commitment:COMMUNITY 120.00",
                                                           "lcp:encumbrance:COMMUNITY -120.00"}));
  EXPECT_FALSE(journal.state().contracts.by_id.at("C-1")->years.contains(2026));
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY", 2026), 0);
}

// --- Refusals: each with its code and message, and nothing posted ---

struct RiskRefusal {
  std::string name;
  std::function<Journal()> setup;
  v1::Command command;
  std::optional<v1::Actor> actor;
  ErrorCode code;
  std::string message;
};
// gtest prints a parameter by this, in test listings and failures, instead of its bytes.
void PrintTo(const RiskRefusal& refusal, std::ostream* out) { *out << refusal.name; }

Journal Agreed() {
  Journal journal = SavingsLedger();
  AgreeWorkedExampleTerms(journal);  // 25, 26.
  return journal;
}

Journal Settled() {
  Journal journal = Agreed();
  CloseMonths(journal, 12);
  MustSubmit(journal, SettleYearCommand("2026/27"));  // 39.
  return journal;
}

v1::AgreementTerms With(const std::function<void(v1::AgreementTerms&)>& change) {
  v1::AgreementTerms terms = WorkedExampleTerms();
  change(terms);
  return terms;
}

std::vector<RiskRefusal> Refusals() {
  const v1::Actor local_admin = Actor("local-admin", v1::ROLE_LOCAL_ADMIN);
  const testing::PostingList one = {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}};
  v1::Command correction = JournalCommand("2026/27", "M01", one);
  correction.mutable_post_journal()->set_corrects_seq(kSpendSeq);  // Posted in M02.
  v1::Command unknown_correction = JournalCommand("2026/27", "M01", one);
  unknown_correction.mutable_post_journal()->set_corrects_seq(99);
  return {
      {"JournalIntoAClosedMonth",
       [] {
         Journal j = SavingsLedger();
         CloseMonths(j, 2);
         return j;
       },
       JournalCommand("2026/27", "M02", one), std::nullopt, v1::ERROR_CODE_MONTH_CLOSED,
       "2026/27 M02 is closed (months are closed through M02); post into an open month, naming the "
       "entry it corrects"},
      {"OpenAYearBeforeOneWithClosedMonths",
       [] {
         Journal j = SavingsLedger();
         CloseMonths(j, 12);
         MustSubmit(j, testing::OpenYearCommand("2027/28", {"ELECTIVE"}));
         CloseMonths(j, 1, "2027/28");
         return j;
       },
       testing::OpenYearCommand("2025/26", {"ELECTIVE"}), std::nullopt, v1::ERROR_CODE_MONTH_CLOSED,
       "2026/27 has closed months already, so the earlier year 2025/26 can no longer be opened"},
      {"JournalIntoASettledYear", Settled, JournalCommand("2026/27", "M12", one), std::nullopt,
       v1::ERROR_CODE_YEAR_SETTLED,
       "financial year 2026/27 was settled by entry 39 and is locked; nothing more is posted or "
       "changed in it"},
      {"SettleTwice", Settled, SettleYearCommand("2026/27"), std::nullopt,
       v1::ERROR_CODE_YEAR_SETTLED,
       "financial year 2026/27 was settled by entry 39 and is locked; nothing more is posted or "
       "changed in it"},
      {"CloseAMonthOutOfOrder", SavingsLedger, CloseMonthCommand("2026/27", "M02"), std::nullopt,
       v1::ERROR_CODE_MONTH_NOT_NEXT,
       "months close in order; 2026/27 M02 cannot close before 2026/27 M01"},
      {"CloseAMonthTwice",
       [] {
         Journal j = SavingsLedger();
         CloseMonths(j, 1);
         return j;
       },
       CloseMonthCommand("2026/27", "M01"), std::nullopt, v1::ERROR_CODE_MONTH_NOT_NEXT,
       "2026/27 M01 is closed already"},
      {"SettleBeforeM12Closes",
       [] {
         Journal j = Agreed();
         CloseMonths(j, 11);
         return j;
       },
       SettleYearCommand("2026/27"), std::nullopt, v1::ERROR_CODE_YEAR_NOT_CLOSED,
       "2026/27 is settled after its M12 is closed; months are closed through M11"},
      {"SettleWithNoMonthClosed", Agreed, SettleYearCommand("2026/27"), std::nullopt,
       v1::ERROR_CODE_YEAR_NOT_CLOSED,
       "2026/27 is settled after its M12 is closed; no month is closed yet"},
      {"SettleWithoutAnAgreement",
       [] {
         Journal j = SavingsLedger();
         CloseMonths(j, 12);
         return j;
       },
       SettleYearCommand("2026/27"), std::nullopt, v1::ERROR_CODE_AGREEMENT_MISSING,
       "2026/27 has no risk-sharing agreement in force; propose one (lcp agreement propose) and "
       "have PCT finance co-sign it"},
      {"WeightsNotSummingToOne", SavingsLedger,
       ProposeAgreementCommand("2026/27", With([](v1::AgreementTerms& t) {
                                 t.mutable_alpha_contribution()->set_value("0.6");
                               })),
       std::nullopt, v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
       "alpha_budget and alpha_contribution must sum to exactly 1; they sum to 1.10"},
      {"BandsNotRising", SavingsLedger,
       ProposeAgreementCommand("2026/27", With([](v1::AgreementTerms& t) {
                                 *t.mutable_overspend() = ShareTermsOf(
                                     "0", v1::SHARE_MODE_FIRST_POUND, {"0.05:1.00", "0.02:0.50", "0"}, "");
                               })),
       std::nullopt, v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
       "the overspend band 2's upper bound must be above the previous band's, 0.05"},
      {"LastBandBounded", SavingsLedger,
       ProposeAgreementCommand("2026/27", With([](v1::AgreementTerms& t) {
                                 *t.mutable_savings() =
                                     ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"0.5:0.70"}, "");
                               })),
       std::nullopt, v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
       "the savings band 1 is the last, so it is unbounded: leave its upper bound empty"},
      {"ModeMissing", SavingsLedger,
       ProposeAgreementCommand(
           "2026/27", With([](v1::AgreementTerms& t) { t.mutable_savings()->clear_mode(); })),
       std::nullopt, v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
       "the savings mode must be FIRST_POUND or ABOVE_THRESHOLD"},
      {"ShareRateAboveOne", SavingsLedger,
       ProposeAgreementCommand("2026/27", With([](v1::AgreementTerms& t) {
                                 t.mutable_savings()->mutable_bands(0)->mutable_lcp_rate()->set_value("1.5");
                               })),
       std::nullopt, v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
       "the savings band 1's LCP share rate must be from 0 to 1, not 1.5"},
      {"PooledLineTwice", SavingsLedger,
       ProposeAgreementCommand("2026/27",
                               With([](v1::AgreementTerms& t) { t.add_pooled_lines("ELECTIVE"); })),
       std::nullopt, v1::ERROR_CODE_AGREEMENT_TERMS_INVALID, "pooled line ELECTIVE is named twice"},
      {"PooledLineUnknown", SavingsLedger,
       ProposeAgreementCommand("2026/27",
                               With([](v1::AgreementTerms& t) { t.add_pooled_lines("DENTAL"); })),
       std::nullopt, v1::ERROR_CODE_BUDGET_LINE_UNKNOWN,
       "pooled line \"DENTAL\" is not one of 2026/27's budget lines"},
      {"ReplacingNoneWhenOneIsInForce", Agreed,
       ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 0, "Change"), std::nullopt,
       v1::ERROR_CODE_AGREEMENT_REVISION_MISMATCH,
       "the agreement in force for 2026/27 is entry 25; name it as the one replaced"},
      {"ReplacingOneWhenNoneIsInForce", SavingsLedger,
       ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 5), std::nullopt,
       v1::ERROR_CODE_AGREEMENT_REVISION_MISMATCH,
       "2026/27 has no agreement in force; replace none (0)"},
      {"VariationWithoutAReason", Agreed,
       ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 25), std::nullopt,
       v1::ERROR_CODE_NARRATIVE_INVALID,
       "2026/27 has postings already, so this agreement varies the year's terms and needs a "
       "reason: 1 to 500 characters of UTF-8 text without control characters"},
      {"FirstAgreementAfterPostingsWithoutAReason", SavingsLedger,
       ProposeAgreementCommand("2026/27", WorkedExampleTerms()), std::nullopt,
       v1::ERROR_CODE_NARRATIVE_INVALID,
       "2026/27 has postings already, so this agreement varies the year's terms and needs a "
       "reason: 1 to 500 characters of UTF-8 text without control characters"},
      {"CosignAnotherEntry",
       [] {
         Journal j = SavingsLedger();
         MustSubmit(j, ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 0, kLate));  // 25.
         return j;
       },
       CosignAgreementCommand("2026/27", 24), std::nullopt,
       v1::ERROR_CODE_AGREEMENT_PROPOSAL_UNKNOWN,
       "entry 24 is not a proposal for 2026/27 awaiting co-signature; the pending one is entry 25"},
      {"CosignWithNothingPending", Agreed, CosignAgreementCommand("2026/27", 25), std::nullopt,
       v1::ERROR_CODE_AGREEMENT_PROPOSAL_UNKNOWN,
       "entry 25 is not a proposal for 2026/27 awaiting co-signature; none is pending"},
      {"CosignOwnProposal",
       [] {
         Journal j = SavingsLedger();
         v1::JournalEntry request = testing::Request(
             ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 0, kLate), "propose");
         *request.mutable_actor() = Actor("local-admin", v1::ROLE_LOCAL_ADMIN);
         EXPECT_TRUE(j.Submit(request).ok());  // 25.
         return j;
       },
       CosignAgreementCommand("2026/27", 25), local_admin, v1::ERROR_CODE_COSIGNER_IS_PROPOSER,
       "the proposal at entry 25 was made by local-admin; another principal (PCT finance) must "
       "co-sign it"},
      {"CorrectionBackdated", SavingsLedger, correction, std::nullopt,
       v1::ERROR_CODE_CORRECTION_BACKDATED,
       "entry 24 was posted in 2026/27 M02; a correction goes into that period or a later open "
       "one, never an earlier one"},
      {"CorrectionOfNoEntry", SavingsLedger, unknown_correction, std::nullopt,
       v1::ERROR_CODE_ENTRY_UNKNOWN,
       "the journal corrects entry 99, which does not exist; the journal has 24 entries"},
      {"ReverseASettlement",
       [] {
         Journal j = Settled();
         MustSubmit(j, testing::OpenYearCommand("2027/28", {"ELECTIVE"}));
         return j;
       },
       testing::ReverseCommand(39, "2027/28", "M01"), std::nullopt,
       v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE,
       "entry 39 settled 2026/27, which is locked; a settlement is never reversed"},
      {"OpenAYearAfterAGap", SavingsLedger, testing::OpenYearCommand("2028/29", {"ELECTIVE"}),
       std::nullopt, v1::ERROR_CODE_YEAR_NOT_CONTIGUOUS,
       "financial years are opened one after another, so that months close in order: open 2027/28 "
       "(after 2026/27) or 2025/26 (before 2026/27), not 2028/29"},
      {"CosignAReasonlessProposalOnceTheYearHasPostings",
       [] {
         Journal j;
         BuildLedger(
             [&](const v1::Command& command) {
               // Before the budgets' first entry, when the year has no postings yet.
               if (j.head_seq() == 5) {
                 MustSubmit(j, ProposeAgreementCommand("2026/27", WorkedExampleTerms()));  // 6.
               }
               MustSubmit(j, command);
             },
             kSavingsBooks);
         return j;
       },
       CosignAgreementCommand("2026/27", 6), std::nullopt, v1::ERROR_CODE_NARRATIVE_INVALID,
       "the proposal at entry 6 has no reason, and 2026/27 has postings now, so co-signing it "
       "would vary the year's terms without one; ask for it to be proposed again with a reason"},
      {"JournalToTheRiskPool", SavingsLedger,
       JournalCommand("2026/27", "M03", {{"lcp:risk_pool", "1.00"}, {"pct:funding", "-1.00"}}),
       std::nullopt, v1::ERROR_CODE_ACCOUNT_RESERVED,
       "account \"lcp:risk_pool\" is moved only by the year's settlement (SettleYear), which "
       "applies the risk-sharing agreement, and by the carrying of reinvestment reserves into the "
       "next year; a saving, a share or a reserve is never typed in"},
  };
}

class RiskRefusalTest : public ::testing::TestWithParam<RiskRefusal> {};

TEST_P(RiskRefusalTest, RefusesWithItsCodeAndMessageAndPostsNothing) {
  const RiskRefusal& refusal = GetParam();
  Journal journal = refusal.setup();
  const std::string head = journal.head_hash();
  const State before = journal.state();
  Result<v1::JournalRecord> result =
      SubmitAs(journal, refusal.command, refusal.actor ? &*refusal.actor : nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), refusal.code) << result.status().ToString();
  EXPECT_EQ(result.status().message(), refusal.message);
  EXPECT_EQ(journal.head_hash(), head);
  EXPECT_EQ(journal.state().balances, before.balances);
  EXPECT_EQ(journal.state().years_version, before.years_version);
}

INSTANTIATE_TEST_SUITE_P(Cases, RiskRefusalTest, ::testing::ValuesIn(Refusals()),
                         [](const auto& param) { return param.param.name; });

// Every risk-sharing and period code (230-241) has a case above, but YEAR_NOT_SETTLED, which only
// the risk-share query returns (access_test).
TEST(RiskRefusal, CoversEveryRiskSharingCode) {
  std::set<int> covered;
  for (const RiskRefusal& refusal : Refusals()) covered.insert(refusal.code);
  for (int code = v1::ERROR_CODE_MONTH_CLOSED; code <= v1::ERROR_CODE_CORRECTION_BACKDATED; ++code) {
    EXPECT_TRUE(covered.contains(code)) << v1::ErrorCode_Name(static_cast<v1::ErrorCode>(code));
  }
  EXPECT_TRUE(covered.contains(v1::ERROR_CODE_YEAR_NOT_CONTIGUOUS));
}

// The reinvestment reserve (rules 6, ledger/rules/reserve.h): the practices' savings are carried
// into the next year, never left in a locked year.

// What GetReserve answers `actor` for `year` (and practice `ods`, or every one) from the recorded
// books.
Result<v1::GetReserveResponse> ReserveOf(const Recorder& recorder, const v1::Actor& actor,
                                         const std::string& year, const std::string& ods = "") {
  v1::GetReserveRequest request;
  request.set_year(year);
  request.set_ods_code(ods);
  return queries::GetReserve(
      BorrowSnapshot(recorder.journal().state(),
                     std::make_shared<testing::VectorRecords>(recorder.records())),
      actor, request);
}

std::string ReinvestmentIn(const Journal& journal, const std::string& ods, int year) {
  return Pounds(Balance(journal, PracticeAccount(ods, "reinvestment"), year));
}

// Worked example 1's savings, 102,000.00 / 36,750.00 / 71,250.00 (the settlement test above), are
// carried whole into 2027/28 when it opens: out of 2026/27's M12 (locked, and this the one posting
// it takes after its settlement) and into 2027/28's M01, each year balanced by the carry accounts.
TEST(Reserve, WorkedExampleOnesSavingsAreCarriedIntoTheNextYearToThePenny) {
  Journal journal = SavingsLedger();
  AgreeWorkedExampleTerms(journal);
  CloseMonths(journal, 12);
  ASSERT_EQ(MustSubmit(journal, SettleYearCommand("2026/27")).seq(), 39u);
  const v1::JournalRecord opened = MustSubmit(
      journal, testing::OpenYearCommand("2027/28", {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}));
  EXPECT_EQ(PostingsByPeriod(opened),
            (std::vector<std::string>{"2026/27 M12 practice:A81001:reinvestment 102000.00",
                                      "2026/27 M12 practice:A81002:reinvestment 36750.00",
                                      "2026/27 M12 practice:A81003:reinvestment 71250.00",
                                      "2026/27 M12 lcp:reserve_carried_forward -210000.00",
                                      "2027/28 M01 practice:A81001:reinvestment -102000.00",
                                      "2027/28 M01 practice:A81002:reinvestment -36750.00",
                                      "2027/28 M01 practice:A81003:reinvestment -71250.00",
                                      "2027/28 M01 lcp:reserve_brought_forward 210000.00"}));
  for (const std::string ods : {"A81001", "A81002", "A81003"}) {
    EXPECT_EQ(ReinvestmentIn(journal, ods, 2026), "0.00") << ods;
  }
  EXPECT_EQ(ReinvestmentIn(journal, "A81001", 2027), "-102000.00");
  EXPECT_EQ(ReinvestmentIn(journal, "A81002", 2027), "-36750.00");
  EXPECT_EQ(ReinvestmentIn(journal, "A81003", 2027), "-71250.00");
  EXPECT_EQ(journal.state().years.at(2027).reserve_carried_in, std::vector<std::uint64_t>{40});
  EXPECT_EQ(journal.state().entries.back().irreversible, Irreversible::kReserveCarried);

  // The carry is never reversed, and neither carry account can be typed in.
  const std::uint64_t head = journal.head_seq();
  const Result<v1::JournalRecord> reversal =
      SubmitAs(journal, testing::ReverseCommand(40, "2027/28", "M01", "undo the carry"));
  ASSERT_FALSE(reversal.ok());
  EXPECT_EQ(reversal.status().code(), v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE);
  EXPECT_EQ(reversal.status().message(),
            "entry 40 carried practices' reinvestment reserves into 2027/28; a carry is never "
            "reversed, so that no reserve is left in a locked year");
  for (const std::string account :
       {"lcp:reserve_brought_forward", "practice:A81001:reinvestment"}) {
    const Result<v1::JournalRecord> typed = SubmitAs(
        journal, JournalCommand("2027/28", "M01", {{account, "1.00"}, {"lcp:cash", "-1.00"}}));
    ASSERT_FALSE(typed.ok()) << account;
    EXPECT_EQ(typed.status().code(), v1::ERROR_CODE_ACCOUNT_RESERVED) << account;
  }
  EXPECT_EQ(journal.head_seq(), head);
}

// 2027/28 opened before 2026/27 settled: the opening carried nothing (2026/27 held no reserve yet),
// and the settlement carries the savings straight into 2027/28, in its first open month (M03, M01
// and M02 being closed), leaving 2026/27's reinvestment accounts untouched.
TEST(Reserve, AYearSettledAfterTheNextOpenedCarriesItsSavingsIntoIt) {
  Journal journal = SavingsLedger();
  AgreeWorkedExampleTerms(journal);  // Entries 25 and 26.
  const v1::JournalRecord opened = MustSubmit(
      journal, testing::OpenYearCommand("2027/28", {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}));
  EXPECT_TRUE(PostingsByPeriod(opened).empty());
  EXPECT_TRUE(journal.state().years.at(2027).reserve_carried_in.empty());
  CloseMonths(journal, 12);
  CloseMonths(journal, 2, "2027/28");
  const v1::JournalRecord settled = MustSubmit(journal, SettleYearCommand("2026/27"));
  EXPECT_EQ(settled.seq(), 42u);
  EXPECT_EQ(PostingsByPeriod(settled),
            (std::vector<std::string>{"2026/27 M12 pct:risk_share -90000.00",
                                      "2026/27 M12 lcp:risk_pool 300000.00",
                                      "2026/27 M12 lcp:reserve_carried_forward -210000.00",
                                      "2027/28 M03 practice:A81001:reinvestment -102000.00",
                                      "2027/28 M03 practice:A81002:reinvestment -36750.00",
                                      "2027/28 M03 practice:A81003:reinvestment -71250.00",
                                      "2027/28 M03 lcp:reserve_brought_forward 210000.00"}));
  for (const std::string ods : {"A81001", "A81002", "A81003"}) {
    EXPECT_EQ(ReinvestmentIn(journal, ods, 2026), "0.00") << ods;
  }
  EXPECT_EQ(ReinvestmentIn(journal, "A81001", 2027), "-102000.00");
  EXPECT_EQ(ReinvestmentIn(journal, "A81003", 2027), "-71250.00");
  EXPECT_EQ(journal.state().years.at(2027).reserve_carried_in, std::vector<std::uint64_t>{42});
  EXPECT_EQ(journal.state().years.at(2026).settled_seq, 42u);
}

// Three years: 2026/27's savings are carried into 2027/28 when it opens; 2027/28 has the same books
// and so the same savings, 102,000.00 / 36,750.00 / 71,250.00, settled into 2027/28; opening
// 2028/29 carries both years' together, 204,000.00 / 73,500.00 / 142,500.00 (420,000.00): the
// first year's reserve is carried twice.
TEST(Reserve, ThreeYearsChainedCarryTheFirstYearsReserveTwice) {
  Journal journal = SavingsLedger();
  AgreeWorkedExampleTerms(journal);
  CloseMonths(journal, 12);
  MustSubmit(journal, SettleYearCommand("2026/27"));
  MustSubmit(journal,
             testing::OpenYearCommand("2027/28", {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}));
  const Sink submit = [&](const v1::Command& command) { MustSubmit(journal, command); };
  std::vector<std::pair<std::string, std::string>> elective, prescribing;
  testing::PostingList spend;
  for (const MemberBooks& b : kSavingsBooks) {
    elective.emplace_back(b.ods, b.elective_budget);
    prescribing.emplace_back(b.ods, b.prescribing_budget);
    spend.emplace_back("practice:" + b.ods + ":spend:ELECTIVE", b.elective_spend);
    spend.emplace_back("provider:RX1:payable", "-" + b.elective_spend);
    spend.emplace_back("practice:" + b.ods + ":spend:PRESCRIBING", b.prescribing_spend);
    spend.emplace_back("provider:RX1:payable", "-" + b.prescribing_spend);
  }
  GiveBudgets(submit, "ELECTIVE", "2027-03-01", elective, "2027/28");
  GiveBudgets(submit, "PRESCRIBING", "2027-03-02", prescribing, "2027/28");
  submit(JournalCommand("2027/28", "M02", spend, "Spend 2027/28"));
  const std::uint64_t proposal = journal.head_seq() + 1;
  submit(ProposeAgreementCommand("2027/28", WorkedExampleTerms(), 0, kLate));
  submit(CosignAgreementCommand("2027/28", proposal));
  CloseMonths(journal, 12, "2027/28");
  const v1::JournalRecord settled = MustSubmit(journal, SettleYearCommand("2027/28"));
  EXPECT_EQ(Postings(settled),
            (std::vector<std::string>{"practice:A81001:reinvestment -102000.00",
                                      "practice:A81002:reinvestment -36750.00",
                                      "practice:A81003:reinvestment -71250.00",
                                      "pct:risk_share -90000.00", "lcp:risk_pool 300000.00"}));
  EXPECT_EQ(ReinvestmentIn(journal, "A81001", 2027), "-204000.00");
  const v1::JournalRecord opened = MustSubmit(
      journal, testing::OpenYearCommand("2028/29", {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}));
  EXPECT_EQ(PostingsByPeriod(opened),
            (std::vector<std::string>{"2027/28 M12 practice:A81001:reinvestment 204000.00",
                                      "2027/28 M12 practice:A81002:reinvestment 73500.00",
                                      "2027/28 M12 practice:A81003:reinvestment 142500.00",
                                      "2027/28 M12 lcp:reserve_carried_forward -420000.00",
                                      "2028/29 M01 practice:A81001:reinvestment -204000.00",
                                      "2028/29 M01 practice:A81002:reinvestment -73500.00",
                                      "2028/29 M01 practice:A81003:reinvestment -142500.00",
                                      "2028/29 M01 lcp:reserve_brought_forward 420000.00"}));
  for (const std::string ods : {"A81001", "A81002", "A81003"}) {
    EXPECT_EQ(ReinvestmentIn(journal, ods, 2026), "0.00") << ods;
    EXPECT_EQ(ReinvestmentIn(journal, ods, 2027), "0.00") << ods;
  }
  EXPECT_EQ(ReinvestmentIn(journal, "A81002", 2028), "-73500.00");
  // Each year's books still balance, the carry accounts included.
  for (const auto& [year, balances] : journal.state().balances) {
    Int sum = 0;
    for (const auto& [account, pence] : balances) sum += pence;
    EXPECT_EQ(sum, 0) << FormatYear(year);
  }
  EXPECT_EQ(Pounds(Balance(journal, "lcp:reserve_carried_forward", 2027)), "-420000.00");
  EXPECT_EQ(Pounds(Balance(journal, "lcp:reserve_brought_forward", 2027)), "210000.00");
}

// One reserve statement as text: "ODS brought B (from YEAR by entry N: A) settled S carried C (to
// YEAR by entry N: A) held H drawn D balance X available Y".
std::string ReserveText(const v1::ReserveStatement& s) {
  std::string out = (s.ods_code().empty() ? std::string("total") : s.ods_code()) + " brought " +
                    s.brought_forward().value();
  for (const v1::ReserveCarryView& carry : s.brought()) {
    out += " (from " + carry.year() + " by entry " + std::to_string(carry.seq()) + ": " +
           carry.amount().value() + ")";
  }
  out += " settled " + s.settled().value() + " carried " + s.carried_forward().value();
  for (const v1::ReserveCarryView& carry : s.carried()) {
    out += " (to " + carry.year() + " by entry " + std::to_string(carry.seq()) + ": " +
           carry.amount().value() + ")";
  }
  return out + " held " + s.held().value() + " drawn " + s.drawn().value() + " balance " +
         s.balance().value() + " available " + s.available().value();
}

std::vector<std::string> ReserveTexts(const v1::GetReserveResponse& response) {
  std::vector<std::string> out;
  for (const v1::ReserveStatement& s : response.practices()) out.push_back(ReserveText(s));
  if (response.has_totals()) out.push_back(ReserveText(response.totals()));
  return out;
}

// The statements GetReserve gives, from the records: 2027/28 opened before 2026/27 settled, so
// 2026/27's settlement (entry 40) carries worked example 1's savings into 2027/28; then opening
// 2028/29 (entry 43) carries them on. Each year's statement says where the reserve came from and
// went, and only the latest year has any available. A practice that left keeps its reserve; a
// practice sees only its own.
TEST(Reserve, StatementsSayWhereEachYearsReserveCameFromAndWent) {
  Recorder recorder;
  BuildLedger([&](const v1::Command& command) { recorder.Submit(command); }, kSavingsBooks);
  recorder.Submit(ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 0, kLate));
  recorder.Submit(CosignAgreementCommand("2026/27", 25));
  recorder.Submit(testing::OpenYearCommand("2027/28", {"ELECTIVE", "PRESCRIBING"}));
  for (int month = 1; month <= 12; ++month) {
    recorder.Submit(CloseMonthCommand("2026/27", FormatMonth(month)));
  }
  EXPECT_EQ(recorder.Submit(SettleYearCommand("2026/27")).seq(), 40u);
  const v1::Actor officer = Actor("lcp.finance", v1::ROLE_LCP_FINANCE);
  auto reserve = [&](const v1::Actor& actor, const std::string& year, const std::string& ods = "") {
    return ReserveOf(recorder, actor, year, ods);
  };
  Result<v1::GetReserveResponse> settled = reserve(officer, "2026/27");
  ASSERT_TRUE(settled.ok()) << settled.status().ToString();
  EXPECT_FALSE(settled->latest());
  EXPECT_EQ(settled->settlement_seq(), 40u);
  EXPECT_EQ(
      ReserveTexts(*settled),
      (std::vector<std::string>{
          "A81001 brought 0.00 settled 102000.00 carried 102000.00 (to 2027/28 by entry 40: "
          "102000.00) held 0.00 drawn 0.00 balance 0.00 available 0.00",
          "A81002 brought 0.00 settled 36750.00 carried 36750.00 (to 2027/28 by entry 40: "
          "36750.00) held 0.00 drawn 0.00 balance 0.00 available 0.00",
          "A81003 brought 0.00 settled 71250.00 carried 71250.00 (to 2027/28 by entry 40: "
          "71250.00) held 0.00 drawn 0.00 balance 0.00 available 0.00",
          "total brought 0.00 settled 210000.00 carried 210000.00 held 0.00 drawn 0.00 balance "
          "0.00 available 0.00"}));
  Result<v1::GetReserveResponse> next = reserve(officer, "");  // The latest year.
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->year(), "2027/28");
  EXPECT_TRUE(next->latest());
  EXPECT_EQ(ReserveTexts(*next)[0],
            "A81001 brought 102000.00 (from 2026/27 by entry 40: 102000.00) settled 0.00 carried "
            "0.00 held 0.00 drawn 0.00 balance 102000.00 available 102000.00");
  EXPECT_EQ(ReserveTexts(*next)[3],
            "total brought 210000.00 settled 0.00 carried 0.00 held 0.00 drawn 0.00 balance "
            "210000.00 available 210000.00");

  // Park Lane leaves after 2027/28 (recorded by LCP finance, confirmed by the practice): it keeps
  // its reserve, which is carried like any other.
  const v1::Actor park = [] {
    v1::Actor actor = Actor("park.lane", v1::ROLE_PRACTICE);
    actor.set_practice_ods_code("A81003");
    return actor;
  }();
  recorder.Submit(testing::LeaveCommand("A81003", "2027/28"), officer);
  recorder.Submit(testing::LeaveCommand("A81003", "2027/28"), park);
  ASSERT_TRUE(recorder.journal().state().notices.members.at("A81003").left);
  EXPECT_EQ(recorder.Submit(testing::OpenYearCommand("2028/29", {"ELECTIVE"})).seq(), 43u);
  Result<v1::GetReserveResponse> middle = reserve(officer, "2027/28", "A81003");
  ASSERT_TRUE(middle.ok()) << middle.status().ToString();
  EXPECT_EQ(ReserveTexts(*middle),
            (std::vector<std::string>{
                "A81003 brought 71250.00 (from 2026/27 by entry 40: 71250.00) settled 0.00 "
                "carried 71250.00 (to 2028/29 by entry 43: 71250.00) held 0.00 drawn 0.00 "
                "balance 0.00 available 0.00"}));
  EXPECT_EQ(middle->practices(0).last_year(), "2027/28");
  Result<v1::GetReserveResponse> latest = reserve(officer, "2028/29", "A81003");
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(ReserveTexts(*latest),
            (std::vector<std::string>{
                "A81003 brought 71250.00 (from 2027/28 by entry 43: 71250.00) settled 0.00 "
                "carried 0.00 held 0.00 drawn 0.00 balance 71250.00 available 71250.00"}));
  EXPECT_EQ(latest->practices(0).last_year(), "2027/28");
  // A practice sees its own statement, and no totals; never another's.
  const v1::Actor hillview = [] {
    v1::Actor actor = Actor("hillview", v1::ROLE_PRACTICE);
    actor.set_practice_ods_code("A81002");
    return actor;
  }();
  Result<v1::GetReserveResponse> own = reserve(hillview, "");
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->year(), "2028/29");
  EXPECT_EQ(ReserveTexts(*own),
            (std::vector<std::string>{
                "A81002 brought 36750.00 (from 2027/28 by entry 43: 36750.00) settled 0.00 "
                "carried 0.00 held 0.00 drawn 0.00 balance 36750.00 available 36750.00"}));
  const Result<v1::GetReserveResponse> other = reserve(hillview, "2028/29", "A81001");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), v1::ERROR_CODE_PERMISSION_DENIED);
  EXPECT_EQ(other.status().message(),
            "role PRACTICE (practice A81002) may read only its own reserve, not \"A81001\"'s");
  const Result<v1::GetReserveResponse> unknown = reserve(officer, "2028/29", "A89999");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), v1::ERROR_CODE_PRACTICE_UNKNOWN);
  const Result<v1::GetReserveResponse> unopened = reserve(officer, "2030/31");
  ASSERT_FALSE(unopened.ok());
  EXPECT_EQ(unopened.status().code(), v1::ERROR_CODE_YEAR_NOT_OPEN);
}

// A later year settled first is locked: settling 2026/27 after 2027/28 (which had no budgets and so
// no variance: its settlement posted nothing) leaves the savings in 2026/27, and opening 2028/29
// gathers them. The statement of a year whose settlement posted nothing is all zeros.
TEST(Reserve, ASettlementNeverCarriesIntoASettledYear) {
  Recorder recorder;
  BuildLedger([&](const v1::Command& command) { recorder.Submit(command); }, kSavingsBooks);
  recorder.Submit(ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 0, kLate));
  recorder.Submit(CosignAgreementCommand("2026/27", 25));
  recorder.Submit(testing::OpenYearCommand("2027/28", {"ELECTIVE", "PRESCRIBING"}));  // 27
  recorder.Submit(ProposeAgreementCommand("2027/28", WorkedExampleTerms()));
  recorder.Submit(CosignAgreementCommand("2027/28", 28));
  for (const std::string year : {"2026/27", "2027/28"}) {
    for (int month = 1; month <= 12; ++month) {
      recorder.Submit(CloseMonthCommand(year, FormatMonth(month)));
    }
  }
  const v1::JournalRecord later = recorder.Submit(SettleYearCommand("2027/28"));
  EXPECT_EQ(later.seq(), 54u);
  EXPECT_TRUE(PostingsByPeriod(later).empty());
  const v1::JournalRecord settled = recorder.Submit(SettleYearCommand("2026/27"));
  EXPECT_EQ(Postings(settled),
            (std::vector<std::string>{"practice:A81001:reinvestment -102000.00",
                                      "practice:A81002:reinvestment -36750.00",
                                      "practice:A81003:reinvestment -71250.00",
                                      "pct:risk_share -90000.00", "lcp:risk_pool 300000.00"}));
  EXPECT_TRUE(recorder.journal().state().years.at(2027).reserve_carried_in.empty());
  auto reserve = [&](const std::string& year) {
    return ReserveOf(recorder, queries::Auditor(), year);
  };
  Result<v1::GetReserveResponse> empty = reserve("2027/28");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->settlement_seq(), 54u);
  EXPECT_EQ(ReserveText(empty->totals()),
            "total brought 0.00 settled 0.00 carried 0.00 held 0.00 drawn 0.00 balance 0.00 "
            "available 0.00");
  const v1::JournalRecord opened =
      recorder.Submit(testing::OpenYearCommand("2028/29", {"ELECTIVE"}));
  EXPECT_EQ(PostingsByPeriod(opened)[3], "2026/27 M12 lcp:reserve_carried_forward -210000.00");
  EXPECT_EQ(PostingsByPeriod(opened)[7], "2028/29 M01 lcp:reserve_brought_forward 210000.00");
  Result<v1::GetReserveResponse> first = reserve("2026/27");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(ReserveTexts(*first)[1],
            "A81002 brought 0.00 settled 36750.00 carried 36750.00 (to 2028/29 by entry 56: "
            "36750.00) held 0.00 drawn 0.00 balance 0.00 available 0.00");
}

// Business cases (rules 7) on worked example 1's reserve: the savings carried into 2027/28 (entry
// 40: 102,000.00 / 36,750.00 / 71,250.00) fund one case for all 210,000.00, and half of it,
// 105,000.00, is drawn down. Each practice's part is exactly half its funding (51,000.00 /
// 18,375.00 / 35,625.00: the quotas are whole pence, so no remainder moves a penny), the other half
// stays held, and nothing is available for a new case. 2026/27's statement does not change.
TEST(Reserve, WorkedExampleOnesReserveHalfDrawnDownToThePenny) {
  Recorder recorder;
  BuildLedger([&](const v1::Command& command) { recorder.Submit(command); }, kSavingsBooks);
  recorder.Submit(ProposeAgreementCommand("2026/27", WorkedExampleTerms(), 0, kLate));
  recorder.Submit(CosignAgreementCommand("2026/27", 25));
  for (int month = 1; month <= 12; ++month) {
    recorder.Submit(CloseMonthCommand("2026/27", FormatMonth(month)));
  }
  EXPECT_EQ(recorder.Submit(SettleYearCommand("2026/27")).seq(), 39u);
  recorder.Submit(testing::OpenYearCommand("2027/28", {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}));
  const v1::Actor officer = Actor("lcp.finance", v1::ROLE_LCP_FINANCE);
  v1::Command submit;
  v1::SubmitCase& c = *submit.mutable_submit_case();
  c.set_case_id("BC-2027-01");
  c.set_title("Intermediate care beds");
  c.set_purpose("Step-down beds at RX1 for patients leaving hospital");
  for (const auto& [ods, amount] :
       {std::pair("A81001", "102000.00"), std::pair("A81002", "36750.00"),
        std::pair("A81003", "71250.00")}) {
    v1::CaseFunding& funding = *c.add_fundings();
    funding.set_ods_code(ods);
    funding.mutable_amount()->set_value(amount);
  }
  c.set_provider_code("RX1");
  c.set_mode(v1::CONTRACT_MODE_BUY);
  EXPECT_EQ(recorder.Submit(submit, officer).seq(), 41u);
  for (const std::string ods : {"A81001", "A81002", "A81003"}) {
    v1::Command consent;
    consent.mutable_consent_case()->set_case_id("BC-2027-01");
    consent.mutable_consent_case()->set_ods_code(ods);
    v1::Actor practice = Actor("practice." + ods, v1::ROLE_PRACTICE);
    practice.set_practice_ods_code(ods);
    recorder.Submit(consent, practice);
  }
  v1::Command approve;
  approve.mutable_decide_case()->set_case_id("BC-2027-01");
  approve.mutable_decide_case()->set_decision(v1::CASE_DECISION_APPROVE);
  recorder.Submit(approve, Actor("second.officer", v1::ROLE_LCP_FINANCE));  // 45.
  v1::Command draw;
  v1::DrawDownCase& d = *draw.mutable_draw_down_case();
  d.set_case_id("BC-2027-01");
  d.set_invoice_reference("RX1-2027-001");
  d.mutable_amount()->set_value("105000.00");
  d.mutable_period()->set_year("2027/28");
  d.mutable_period()->set_month("M01");
  const v1::JournalRecord drawn = recorder.Submit(draw, officer);
  EXPECT_EQ(drawn.seq(), 46u);
  EXPECT_EQ(PostingsByPeriod(drawn),
            (std::vector<std::string>{"2027/28 M01 practice:A81001:reinvestment 51000.00",
                                      "2027/28 M01 practice:A81002:reinvestment 18375.00",
                                      "2027/28 M01 practice:A81003:reinvestment 35625.00",
                                      "2027/28 M01 provider:RX1:payable -105000.00"}));
  Result<v1::GetReserveResponse> next = ReserveOf(recorder, officer, "2027/28");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(ReserveTexts(*next),
            (std::vector<std::string>{
                "A81001 brought 102000.00 (from 2026/27 by entry 40: 102000.00) settled 0.00 "
                "carried 0.00 held 51000.00 drawn 51000.00 balance 51000.00 available 0.00",
                "A81002 brought 36750.00 (from 2026/27 by entry 40: 36750.00) settled 0.00 "
                "carried 0.00 held 18375.00 drawn 18375.00 balance 18375.00 available 0.00",
                "A81003 brought 71250.00 (from 2026/27 by entry 40: 71250.00) settled 0.00 "
                "carried 0.00 held 35625.00 drawn 35625.00 balance 35625.00 available 0.00",
                "total brought 210000.00 settled 0.00 carried 0.00 held 105000.00 drawn "
                "105000.00 balance 105000.00 available 0.00"}));
  // Each practice's part of the case, with the draw-down's entry.
  ASSERT_EQ(next->practices(1).cases_size(), 1);
  const v1::ReserveCaseView& part = next->practices(1).cases(0);
  EXPECT_EQ(part.case_id(), "BC-2027-01");
  EXPECT_EQ(part.state(), v1::CASE_STATE_APPROVED);
  EXPECT_EQ(part.approved().value(), "36750.00");
  EXPECT_EQ(part.drawn().value(), "18375.00");
  EXPECT_EQ(part.held().value(), "18375.00");
  ASSERT_EQ(part.draw_downs_size(), 1);
  EXPECT_EQ(part.draw_downs(0).seq(), 46u);
  EXPECT_EQ(part.draw_downs(0).invoice_reference(), "RX1-2027-001");
  EXPECT_EQ(part.draw_downs(0).amount().value(), "18375.00");
  Result<v1::GetReserveResponse> settled = ReserveOf(recorder, officer, "2026/27");
  ASSERT_TRUE(settled.ok()) << settled.status().ToString();
  EXPECT_EQ(ReserveTexts(*settled).back(),
            "total brought 0.00 settled 210000.00 carried 210000.00 held 0.00 drawn 0.00 balance "
            "0.00 available 0.00");
  EXPECT_EQ(settled->practices(0).cases_size(), 0);
}

}  // namespace
}  // namespace lcp

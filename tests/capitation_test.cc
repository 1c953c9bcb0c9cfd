// Risk-adjusted capitation through the journal: the DOMAIN.md rules with exact figures, revisions that
// post only differences, and every refusal with nothing posted.
#include "ledger/rules/capitation.h"

#include <gtest/gtest.h>

#include <set>

#include "ledger/base/chain.h"
#include "ledger/engine/journal.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::IndicesCommand;
using testing::ListCommand;
using testing::MustRun;
using testing::MustSubmit;
using testing::RunCommand;
using testing::WeightsCommand;

// The standard ledger (practices A81001-A81003, year 2026/27 with ELECTIVE, PRESCRIBING, COMMUNITY).
Journal StandardLedger() {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  return journal;
}

std::string Balance(const Journal& journal, const std::string& account) {
  auto year = journal.state().balances.find(2026);
  if (year == journal.state().balances.end()) return "0.00";
  auto it = year->second.find(account);
  return Money::FromPence(it == year->second.end() ? Int(0) : it->second).ToString();
}

v1::AllocationView View(const Journal& journal, std::uint64_t seq, const std::string& only = "") {
  v1::AllocationView view;
  ToAllocationView(*journal.state().capitation.runs.at(seq), journal.state().capitation,
                   journal.state().notices, only, view);
  return view;
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

TEST(Bands, FortyLabelsInOrder) {
  ASSERT_EQ(BandLabels().size(), 40u);
  EXPECT_EQ(BandLabels()[0], "MALE_0_4");
  EXPECT_EQ(BandLabels()[18], "MALE_90_94");
  EXPECT_EQ(BandLabels()[19], "MALE_95+");
  EXPECT_EQ(BandLabels()[20], "FEMALE_0_4");
  EXPECT_EQ(BandLabels()[39], "FEMALE_95+");
  EXPECT_EQ(BandIndex("FEMALE_75_79"), 35);
  EXPECT_EQ(BandIndex("F_75_79"), -1);
  EXPECT_TRUE(IsExtractDate("2028-02-29"));
  EXPECT_FALSE(IsExtractDate("2026-02-29"));
  EXPECT_FALSE(IsExtractDate("2026-13-01"));
  EXPECT_FALSE(IsExtractDate("01JUN2026"));
  EXPECT_FALSE(IsExtractDate("2026-6-01"));
}

// DOMAIN.md: £100.00 split equally among A81001, A81002, A81003 gives 33.34, 33.33, 33.33.
TEST(Capitation, EqualWeightedPopulationsSplitAHundredPoundsAsDomainSays) {
  Journal journal = StandardLedger();
  MustSubmit(journal, WeightsCommand("2026/27", "PRESCRIBING"));
  for (const std::string ods : {"A81001", "A81002", "A81003"}) {
    MustSubmit(journal, ListCommand("2026-06-01", ods, {{"FEMALE_30_34", 1000}}));
  }
  const v1::JournalRecord run =
      MustRun(journal, RunCommand("2026/27", "M01", "PRESCRIBING", "100.00"));
  EXPECT_EQ(Postings(run), (std::vector<std::string>{
                               "practice:A81001:budget:PRESCRIBING 33.34",
                               "practice:A81002:budget:PRESCRIBING 33.33",
                               "practice:A81003:budget:PRESCRIBING 33.33",
                               "pct:allocation:PRESCRIBING -100.00"}));
  const v1::AllocationView view = View(journal, run.seq());
  EXPECT_EQ(view.total().value(), "100.00");
  EXPECT_EQ(view.weighted_population_total().value(), "3000");
  EXPECT_EQ(view.practice_count(), 3u);
  EXPECT_EQ(view.rows(0).share().value(), "0.333333333");
  EXPECT_EQ(view.rows(0).weighted_population().value(), "1000");
  EXPECT_EQ(view.rows(0).change().value(), "33.34");
  EXPECT_EQ(view.rows(2).previous_budget().value(), "0.00");
}

// Weighted bands, a needs index and a market-forces factor, each figure exact.
TEST(Capitation, WeightedPopulationIsBandsTimesWeightsTimesNeedsTimesMarketForces) {
  Journal journal = StandardLedger();
  const v1::JournalRecord weights = MustSubmit(
      journal, WeightsCommand("2026/27", "PRESCRIBING", "1",
                              {{"MALE_75_79", "2.5"}, {"FEMALE_75_79", "2.25"}, {"FEMALE_0_4", "0.4"}}));
  MustSubmit(journal, ListCommand("2026-06-01", "A81001",
                                  {{"MALE_75_79", 120}, {"FEMALE_75_79", 100}, {"FEMALE_0_4", 300}}));
  MustSubmit(journal, ListCommand("2026-06-01", "A81002", {{"MALE_30_34", 700}, {"FEMALE_0_4", 50}}));
  MustSubmit(journal, ListCommand("2026-06-01", "A81003", {{"FEMALE_95+", 3}}));
  const v1::JournalRecord indices =
      MustSubmit(journal, IndicesCommand("2026/27", {{"A81001", "1.085", "0.97"}, {"A81002", "0.9", ""}}));
  const v1::JournalRecord run =
      MustRun(journal, RunCommand("2026/27", "M01", "PRESCRIBING", "1000000.00"));
  // A81001: 120 x 2.5 + 100 x 2.25 + 300 x 0.4 = 645; x 1.085 x 0.97 = 678.83025.
  // A81002: 700 + 50 x 0.4 = 720; x 0.9 = 648. A81003: 3 (no indices: N = M = 1). Total 1329.83025.
  const v1::AllocationView view = View(journal, run.seq());
  EXPECT_EQ(view.weights_seq(), weights.seq());
  EXPECT_EQ(view.indices_seq(), indices.seq());
  EXPECT_EQ(view.extract_date(), "2026-06-01");
  EXPECT_EQ(view.weighted_population_total().value(), "1329.83025");
  ASSERT_EQ(view.rows_size(), 3);
  EXPECT_EQ(view.rows(0).weighted_patients().value(), "645");
  EXPECT_EQ(view.rows(0).needs_index().value(), "1.085");
  EXPECT_EQ(view.rows(0).market_forces_factor().value(), "0.97");
  EXPECT_EQ(view.rows(0).weighted_population().value(), "678.83025");
  EXPECT_EQ(view.rows(1).weighted_population().value(), "648");
  EXPECT_EQ(view.rows(1).market_forces_factor().value(), "1.00");
  EXPECT_EQ(view.rows(2).weighted_population().value(), "3");
  EXPECT_EQ(view.rows(2).patients(), 3);
  // Quotas (independently, with Python's fractions): 1,000,000 x 678.83025 / 1329.83025 =
  // 510463.8355...; x 648 / ... = 487280.2374...; x 3 / ... = 2255.9270...: the floors 510463.83 +
  // 487280.23 + 2255.92 = 999999.98 leave two pennies, which go to the two largest remainders
  // (A81002's 0.75 and A81003's 0.70 of a penny; A81001's is 0.55).
  EXPECT_EQ(view.rows(0).budget().value(), "510463.83");
  EXPECT_EQ(view.rows(1).budget().value(), "487280.24");
  EXPECT_EQ(view.rows(2).budget().value(), "2255.93");
  EXPECT_EQ(view.rows(0).share().value(), "0.510463836");
  // The band detail of one practice.
  const v1::AllocationView own = View(journal, run.seq(), "A81001");
  ASSERT_EQ(own.rows_size(), 1);
  ASSERT_EQ(own.rows(0).bands_size(), 40);
  EXPECT_EQ(own.rows(0).bands(15).band(), "MALE_75_79");
  EXPECT_EQ(own.rows(0).bands(15).patients(), 120);
  EXPECT_EQ(own.rows(0).bands(15).weight().value(), "2.50");
  EXPECT_EQ(own.rows(0).bands(15).weighted().value(), "300");
  EXPECT_EQ(Balance(journal, "pct:allocation:PRESCRIBING"), "-1000000.00");
}

// Three practices whose exact quotas are each a third of a penny over a whole penny: rounding each
// half up would hand out 99.99 and lose a penny; the largest-remainder split hands out 100.00.
TEST(Capitation, AThreePracticeSplitWhereHalfUpRoundingWouldLoseAPenny) {
  Journal journal = StandardLedger();
  MustSubmit(journal, WeightsCommand("2026/27", "COMMUNITY"));
  // WP 300 each: 300 patients x 1, 200 x 1.5, 100 x 3.
  MustSubmit(journal, ListCommand("2026-06-01", "A81001", {{"MALE_40_44", 300}}));
  MustSubmit(journal, ListCommand("2026-06-01", "A81002", {{"MALE_40_44", 200}}));
  MustSubmit(journal, ListCommand("2026-06-01", "A81003", {{"MALE_40_44", 100}}));
  MustSubmit(journal, IndicesCommand("2026/27", {{"A81002", "1.5", ""}, {"A81003", "3", ""}}));
  const v1::JournalRecord run =
      MustRun(journal, RunCommand("2026/27", "M01", "COMMUNITY", "100.00"));
  // Half up: 33.333... -> 33.33 three times = 99.99.
  Int half_up_sum = 0;
  for (int i = 0; i < 3; ++i) half_up_sum += (Int(10000) * 2 + 3) / (3 * 2);
  EXPECT_EQ(Money::FromPence(half_up_sum).ToString(), "99.99");
  EXPECT_EQ(Postings(run), (std::vector<std::string>{
                               "practice:A81001:budget:COMMUNITY 33.34",
                               "practice:A81002:budget:COMMUNITY 33.33",
                               "practice:A81003:budget:COMMUNITY 33.33",
                               "pct:allocation:COMMUNITY -100.00"}));
}

// A refreshed list, in year: the revision posts only the differences and names the run it revises,
// and leaves every budget equal to what a fresh run on the new lists gives.
TEST(Capitation, ARevisionPostsOnlyTheDifferencesAndEqualsAFreshRun) {
  auto june = [](Journal& journal) {
    MustSubmit(journal, ListCommand("2026-06-01", "A81001", {{"FEMALE_30_34", 1000}}));
    MustSubmit(journal, ListCommand("2026-06-01", "A81002", {{"FEMALE_30_34", 1000}}));
    MustSubmit(journal, ListCommand("2026-06-01", "A81003", {{"FEMALE_30_34", 1000}}));
  };
  auto september = [](Journal& journal) {
    MustSubmit(journal, ListCommand("2026-09-01", "A81001", {{"FEMALE_30_34", 1000}}));
    MustSubmit(journal, ListCommand("2026-09-01", "A81002", {{"FEMALE_30_34", 1250}}));
    MustSubmit(journal, ListCommand("2026-09-01", "A81003", {{"FEMALE_30_34", 750}}));
  };
  Journal journal = StandardLedger();
  MustSubmit(journal, WeightsCommand("2026/27", "PRESCRIBING"));
  june(journal);
  const v1::JournalRecord first =
      MustRun(journal, RunCommand("2026/27", "M01", "PRESCRIBING", "3000000.00"));
  september(journal);
  const v1::JournalRecord second =
      MustRun(journal, RunCommand("2026/27", "M07", "PRESCRIBING", "3000000.00", first.seq()));
  EXPECT_EQ(Postings(second), (std::vector<std::string>{
                                  "practice:A81002:budget:PRESCRIBING 250000.00",
                                  "practice:A81003:budget:PRESCRIBING -250000.00"}));
  const v1::AllocationView view = View(journal, second.seq());
  EXPECT_EQ(view.revises_seq(), first.seq());
  EXPECT_EQ(view.extract_date(), "2026-09-01");  // The latest extract.
  EXPECT_EQ(view.rows(1).previous_budget().value(), "1000000.00");
  EXPECT_EQ(view.rows(1).change().value(), "250000.00");
  EXPECT_EQ(view.rows(0).change().value(), "0.00");

  // A fresh ledger that only ever ran on the September lists has the same budgets.
  Journal fresh = StandardLedger();
  MustSubmit(fresh, WeightsCommand("2026/27", "PRESCRIBING"));
  september(fresh);
  MustRun(fresh, RunCommand("2026/27", "M07", "PRESCRIBING", "3000000.00"));
  for (const std::string account :
       {"practice:A81001:budget:PRESCRIBING", "practice:A81002:budget:PRESCRIBING",
        "practice:A81003:budget:PRESCRIBING", "pct:allocation:PRESCRIBING"}) {
    EXPECT_EQ(Balance(journal, account), Balance(fresh, account)) << account;
  }
  // A revision with a new total moves the PCT's allocation by the difference.
  const v1::JournalRecord third =
      MustRun(journal, RunCommand("2026/27", "M08", "PRESCRIBING", "3000000.03", second.seq()));
  EXPECT_EQ(Postings(third), (std::vector<std::string>{
                                 "practice:A81001:budget:PRESCRIBING 0.01",
                                 "practice:A81002:budget:PRESCRIBING 0.01",
                                 "practice:A81003:budget:PRESCRIBING 0.01",
                                 "pct:allocation:PRESCRIBING -0.03"}));
  // The same inputs again: recorded as a run, nothing posted.
  const v1::JournalRecord same =
      MustRun(journal, RunCommand("2026/27", "M08", "PRESCRIBING", "3000000.03", third.seq()));
  EXPECT_TRUE(Postings(same).empty());
  EXPECT_EQ(journal.state().capitation.latest_run.at({2026, "PRESCRIBING"}), same.seq());
  // An earlier extract can still be named.
  const v1::JournalRecord back = MustRun(
      journal, RunCommand("2026/27", "M08", "PRESCRIBING", "3000000.03", same.seq(), "2026-06-01"));
  EXPECT_EQ(View(journal, back.seq()).extract_date(), "2026-06-01");
  EXPECT_EQ(Balance(journal, "practice:A81002:budget:PRESCRIBING"), "1000000.01");
}

// The largest inputs the rules allow: 40 bands of 10,000,000 patients, weights of 999999.999999999, and
// indices at their largest: every figure is still exact (the band sum alone is beyond 64 bits).
TEST(Capitation, TheLargestInputsStayExact) {
  Journal journal = StandardLedger();
  MustSubmit(journal, WeightsCommand("2026/27", "PRESCRIBING", "999999.999999999"));
  std::vector<std::pair<std::string, std::int64_t>> full;
  for (const std::string& band : BandLabels()) full.emplace_back(band, 10'000'000);
  MustSubmit(journal, ListCommand("2026-06-01", "A81001", full));
  MustSubmit(journal, ListCommand("2026-06-01", "A81002", full));
  MustSubmit(journal, ListCommand("2026-06-01", "A81003", {{"MALE_0_4", 1}}));
  MustSubmit(journal, IndicesCommand("2026/27", {{"A81001", "999999.999999999", "999999.999999999"}}));
  const v1::JournalRecord run =
      MustRun(journal, RunCommand("2026/27", "M01", "PRESCRIBING", "999999999999.99"));
  const v1::AllocationView view = View(journal, run.seq());
  // 400,000,000 x 999999.999999999 = 399999999999999.6 (Python's decimal, 80 digits).
  EXPECT_EQ(view.rows(1).weighted_patients().value(), "399999999999999.6");
  EXPECT_EQ(view.rows(1).weighted_population().value(), "399999999999999.6");
  // x 999999.999999999 twice.
  EXPECT_EQ(view.rows(0).weighted_population().value(),
            "399999999999998800000000000.0011999999999999996");
  EXPECT_EQ(view.rows(2).weighted_population().value(), "999999.999999999");
  Int sum = 0;
  for (const v1::AllocationRow& row : view.rows()) sum += Money::Parse(row.budget().value())->pence();
  EXPECT_EQ(Money::FromPence(sum).ToString(), "999999999999.99");
}

// A capitation year replays to the same chain and state: the auditor's check.
TEST(Capitation, ReplayReproducesEveryRun) {
  Journal journal = StandardLedger();
  std::vector<v1::JournalRecord> records;
  MustSubmit(journal, WeightsCommand("2026/27", "PRESCRIBING", "1.5"));
  MustSubmit(journal, ListCommand("2026-06-01", "A81001", {{"FEMALE_30_34", 999}}));
  MustSubmit(journal, ListCommand("2026-06-01", "A81002", {{"FEMALE_30_34", 1001}, {"MALE_95+", 7}}));
  MustSubmit(journal, ListCommand("2026-06-01", "A81003", {{"FEMALE_30_34", 13}}));
  MustSubmit(journal, IndicesCommand("2026/27", {{"A81003", "1.000000001", "0.5"}}));
  MustRun(journal, RunCommand("2026/27", "M01", "PRESCRIBING", "1234567.89"));
  // Replay what the journal recorded, record by record, from the genesis.
  Journal source = StandardLedger();
  (void)source;
  // Rebuild the records by submitting the same commands to a recorder.
  Journal recorder;
  std::vector<v1::Command> commands = {
      testing::RegisterPracticeCommand("A81001", "Riverside Medical Centre"),
      testing::RegisterPracticeCommand("A81002", "Hillview Surgery"),
      testing::RegisterPracticeCommand("A81003", "Park Lane Practice"),
      testing::RegisterProviderCommand("RX1"),
      testing::OpenYearCommand("2026/27", {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}),
      WeightsCommand("2026/27", "PRESCRIBING", "1.5"),
      ListCommand("2026-06-01", "A81001", {{"FEMALE_30_34", 999}}),
      ListCommand("2026-06-01", "A81002", {{"FEMALE_30_34", 1001}, {"MALE_95+", 7}}),
      ListCommand("2026-06-01", "A81003", {{"FEMALE_30_34", 13}}),
      IndicesCommand("2026/27", {{"A81003", "1.000000001", "0.5"}}),
      testing::ConfirmTotalCommand("2026/27", "PRESCRIBING", "1234567.89"),
      RunCommand("2026/27", "M01", "PRESCRIBING", "1234567.89")};
  for (const v1::Command& command : commands) records.push_back(MustSubmit(recorder, command));
  EXPECT_EQ(recorder.head_hash(), journal.head_hash());
  Journal replayed;
  for (const v1::JournalRecord& record : records) {
    ASSERT_TRUE(replayed.Replay(record).ok()) << record.seq();
  }
  EXPECT_EQ(replayed.head_hash(), journal.head_hash());
  EXPECT_EQ(replayed.state().balances, journal.state().balances);
  EXPECT_EQ(View(replayed, 12).SerializeAsString(), View(journal, 12).SerializeAsString());
  // A record whose postings were altered (and rehashed) is caught by re-execution.
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(records.back().body()));
  entry.mutable_postings(0)->mutable_amount()->set_value("1.00");
  Journal tampered;
  for (std::size_t i = 0; i + 1 < records.size(); ++i) ASSERT_TRUE(tampered.Replay(records[i]).ok());
  Status status = tampered.Replay(MakeRecord(12, tampered.head_hash(), entry.SerializeAsString()));
  EXPECT_EQ(status.code(), v1::ERROR_CODE_REPLAY_MISMATCH);
}

struct CapitationRefusal {
  std::string name;
  v1::Command command;
  ErrorCode code;
  std::string message;
};

// Set-up for the refusals: weights for PRESCRIBING (entry 6), A81001 and A81002's June lists (7,
// 8), indices (9), and the PCT's totals of 100.00 for PRESCRIBING and COMMUNITY (10, 11), so that a
// run reaches its other checks; A81003 has no list.
Journal RefusalLedger() {
  Journal journal = StandardLedger();
  MustSubmit(journal, WeightsCommand("2026/27", "PRESCRIBING"));
  MustSubmit(journal, ListCommand("2026-06-01", "A81001", {{"FEMALE_30_34", 10}}));
  MustSubmit(journal, ListCommand("2026-06-01", "A81002", {{"FEMALE_30_34", 10}}));
  MustSubmit(journal, IndicesCommand("2026/27", {{"A81001", "1.1", ""}}));
  MustSubmit(journal, testing::ConfirmTotalCommand("2026/27", "PRESCRIBING", "100.00"));
  MustSubmit(journal, testing::ConfirmTotalCommand("2026/27", "COMMUNITY", "100.00"));
  return journal;
}

// A group that is taken back (an all-or-nothing batch with a refusal, or a dry run) leaves no trace of
// weights, lists, indices or runs: the same commands are accepted afterwards, with the same results.
TEST(Capitation, AGroupTakenBackLeavesNoTrace) {
  Journal journal = RefusalLedger();
  MustSubmit(journal, ListCommand("2026-06-01", "A81003", {{"FEMALE_30_34", 10}}));
  const v1::JournalRecord first =
      MustRun(journal, RunCommand("2026/27", "M01", "PRESCRIBING", "30.00"));
  const std::string head = journal.head_hash();
  const auto balances = journal.state().balances;
  const std::vector<v1::Command> commands = {
      WeightsCommand("2026/27", "PRESCRIBING", "2"),
      ListCommand("2026-09-01", "A81001", {{"MALE_0_4", 5}}),
      ListCommand("2026-09-01", "A81002", {{"MALE_0_4", 5}}),
      ListCommand("2026-09-01", "A81003", {{"MALE_0_4", 10}}),
      IndicesCommand("2026/27", {{"A81002", "2", ""}}),
      testing::ConfirmTotalCommand("2026/27", "PRESCRIBING", "40.00", "Revised total"),
      RunCommand("2026/27", "M02", "PRESCRIBING", "40.00", first.seq())};
  std::vector<std::string> first_time;
  journal.BeginGroup();
  for (const v1::Command& command : commands) first_time.push_back(MustSubmit(journal, command).hash());
  journal.EndGroup(/*keep=*/false);
  EXPECT_EQ(journal.head_hash(), head);
  EXPECT_EQ(journal.state().balances, balances);
  const Capitation& capitation = journal.state().capitation;
  EXPECT_EQ(capitation.weights.size(), 1u);
  EXPECT_EQ(capitation.lists.size(), 1u);
  EXPECT_EQ(capitation.indices.size(), 1u);
  EXPECT_EQ(capitation.runs.size(), 1u);
  EXPECT_EQ(capitation.latest_weights.at({2026, "PRESCRIBING"}), 6u);
  EXPECT_EQ(capitation.latest_indices.at(2026), 9u);
  EXPECT_EQ(capitation.latest_run.at({2026, "PRESCRIBING"}), first.seq());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    EXPECT_EQ(MustSubmit(journal, commands[i]).hash(), first_time[i]) << i;
  }
  // WP 10, 20, 20 (weights 2; A81002 has N = 2 under the new indices): 40.00 x 20 / 50.
  EXPECT_EQ(Balance(journal, "practice:A81003:budget:PRESCRIBING"), "16.00");
}

std::vector<CapitationRefusal> CapitationRefusals() {
  const std::string y = "2026/27";
  v1::Command missing_band = WeightsCommand(y, "COMMUNITY");
  missing_band.mutable_set_band_weights()->mutable_weights()->RemoveLast();
  v1::Command twice_band = WeightsCommand(y, "COMMUNITY");
  twice_band.mutable_set_band_weights()->mutable_weights(1)->set_band("MALE_0_4");
  v1::Command no_practices = IndicesCommand(y, {});
  return {
      {"weights: unknown band", WeightsCommand(y, "COMMUNITY", "1", {}), v1::ERROR_CODE_BAND_UNKNOWN, ""},
      {"weights: band twice", twice_band, v1::ERROR_CODE_BAND_DUPLICATE, "band MALE_0_4 is given twice"},
      {"weights: a band missing", missing_band, v1::ERROR_CODE_BAND_WEIGHTS_INCOMPLETE,
       "band FEMALE_95+ has no weight; a weights table gives all 40 bands"},
      {"weights: zero", WeightsCommand(y, "COMMUNITY", "1", {{"MALE_5_9", "0"}}),
       v1::ERROR_CODE_RATE_INVALID, "the weight of band MALE_5_9 \"0\" must be above zero"},
      {"weights: negative", WeightsCommand(y, "COMMUNITY", "1", {{"MALE_5_9", "-1.2"}}),
       v1::ERROR_CODE_RATE_INVALID, "must be above zero"},
      {"weights: malformed", WeightsCommand(y, "COMMUNITY", "1", {{"MALE_5_9", "1,5"}}),
       v1::ERROR_CODE_RATE_INVALID, "\"1,5\" is not a rate"},
      {"weights: ten places", WeightsCommand(y, "COMMUNITY", "1", {{"MALE_5_9", "0.1234567891"}}),
       v1::ERROR_CODE_RATE_INVALID, "at most 9 decimal places"},
      {"weights: line the year lacks", WeightsCommand(y, "DENTAL"), v1::ERROR_CODE_BUDGET_LINE_UNKNOWN,
       "budget line \"DENTAL\" is not one of 2026/27's lines"},
      {"weights: year not open", WeightsCommand("2027/28", "COMMUNITY"), v1::ERROR_CODE_YEAR_NOT_OPEN,
       "2027/28 has not been opened"},
      {"list: unknown band", ListCommand("2026-06-01", "A81003", {{"FEMALE_100+", 1}}),
       v1::ERROR_CODE_BAND_UNKNOWN, "band \"FEMALE_100+\" is not an age-sex band"},
      {"list: band twice", ListCommand("2026-06-01", "A81003", {{"MALE_0_4", 1}, {"MALE_0_4", 2}}),
       v1::ERROR_CODE_BAND_DUPLICATE, "band MALE_0_4 is given twice"},
      {"list: negative count", ListCommand("2026-06-01", "A81003", {{"MALE_0_4", -1}}),
       v1::ERROR_CODE_PATIENT_COUNT_INVALID, "band MALE_0_4 of practice A81003 has -1 patients"},
      {"list: count too large", ListCommand("2026-06-01", "A81003", {{"MALE_0_4", 10'000'001}}),
       v1::ERROR_CODE_PATIENT_COUNT_INVALID, "a whole number from 0 to 10,000,000"},
      {"list: impossible date", ListCommand("2026-02-30", "A81003", {{"MALE_0_4", 1}}),
       v1::ERROR_CODE_EXTRACT_DATE_MALFORMED, "\"2026-02-30\" is not a date written like 2026-06-01"},
      {"list: NHS Digital date style", ListCommand("01JUN2026", "A81003", {{"MALE_0_4", 1}}),
       v1::ERROR_CODE_EXTRACT_DATE_MALFORMED, "not a date"},
      {"list: twice", ListCommand("2026-06-01", "A81001", {{"MALE_0_4", 1}}),
       v1::ERROR_CODE_POPULATION_ALREADY_RECORDED,
       "practice A81001's list for extract 2026-06-01 is recorded already"},
      {"list: unregistered practice", ListCommand("2026-06-01", "A89999", {{"MALE_0_4", 1}}),
       v1::ERROR_CODE_PRACTICE_UNKNOWN, "practice A89999 is not registered"},
      {"indices: practice twice", IndicesCommand(y, {{"A81001", "1", ""}, {"A81001", "1.1", ""}}),
       v1::ERROR_CODE_PRACTICE_DUPLICATE, "practice A81001 is named twice"},
      {"indices: zero needs", IndicesCommand(y, {{"A81001", "0", ""}}), v1::ERROR_CODE_RATE_INVALID,
       "the needs index of practice A81001 \"0\" must be above zero"},
      {"indices: negative factor", IndicesCommand(y, {{"A81001", "1", "-0.5"}}),
       v1::ERROR_CODE_RATE_INVALID, "the market-forces factor of practice A81001"},
      {"indices: none", no_practices, v1::ERROR_CODE_PRACTICE_UNKNOWN, "at least one practice"},
      {"run: a practice with no population", RunCommand(y, "M01", "PRESCRIBING", "100.00"),
       v1::ERROR_CODE_PRACTICE_POPULATION_MISSING,
       "practice A81003 has no registered patients in extract 2026-06-01"},
      {"run: line the year lacks", RunCommand(y, "M01", "DENTAL", "100.00"),
       v1::ERROR_CODE_BUDGET_LINE_UNKNOWN, "budget line \"DENTAL\" is not one of 2026/27's lines"},
      {"run: three places", RunCommand(y, "M01", "PRESCRIBING", "100.001"),
       v1::ERROR_CODE_AMOUNT_MALFORMED, "2 decimal places"},
      {"run: zero total", RunCommand(y, "M01", "PRESCRIBING", "0"),
       v1::ERROR_CODE_ALLOCATION_TOTAL_INVALID, "must be above zero, not 0.00"},
      {"run: negative total", RunCommand(y, "M01", "PRESCRIBING", "-5.00"),
       v1::ERROR_CODE_ALLOCATION_TOTAL_INVALID, "must be above zero"},
      {"run: no weights for the line", RunCommand(y, "M01", "COMMUNITY", "100.00"),
       v1::ERROR_CODE_WEIGHTS_UNKNOWN, "no band weights are set for 2026/27 COMMUNITY"},
      {"run: weights seq of another kind", RunCommand(y, "M01", "PRESCRIBING", "100.00", 0, "", 7),
       v1::ERROR_CODE_WEIGHTS_UNKNOWN, "entry 7 did not set band weights for 2026/27 PRESCRIBING"},
      {"run: unknown extract", RunCommand(y, "M01", "PRESCRIBING", "100.00", 0, "2026-03-01"),
       v1::ERROR_CODE_EXTRACT_UNKNOWN, "no lists are recorded for extract \"2026-03-01\""},
      {"run: indices seq of another kind", RunCommand(y, "M01", "PRESCRIBING", "100.00", 0, "", 0, 6),
       v1::ERROR_CODE_INDICES_UNKNOWN, "entry 6 did not set practice indices for 2026/27"},
      {"run: revises a run that is not there", RunCommand(y, "M01", "PRESCRIBING", "100.00", 6),
       v1::ERROR_CODE_ALLOCATION_REVISION_MISMATCH,
       "this is the first run for 2026/27 PRESCRIBING; it revises none (revises_seq 0), not entry 6"},
      {"run: month malformed", RunCommand(y, "M13", "PRESCRIBING", "100.00"),
       v1::ERROR_CODE_MONTH_MALFORMED, ""},
  };
}

TEST(CapitationRefusal, EachIsPreciseAndPostsNothing) {
  std::vector<CapitationRefusal> refusals = CapitationRefusals();
  // The first case's band label is replaced here: an unknown label in an otherwise full table.
  refusals[0].command.mutable_set_band_weights()->mutable_weights(3)->set_band("M_15_19");
  refusals[0].message = "band \"M_15_19\" is not an age-sex band";
  for (const CapitationRefusal& refusal : refusals) {
    SCOPED_TRACE(refusal.name);
    Journal journal = RefusalLedger();
    const std::string head = journal.head_hash();
    Result<v1::JournalRecord> result = journal.Submit(testing::Request(refusal.command, "refused"));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(v1::ErrorCode_Name(result.status().code()), v1::ErrorCode_Name(refusal.code));
    EXPECT_NE(result.status().message().find(refusal.message), std::string::npos)
        << result.status().message();
    EXPECT_EQ(journal.head_hash(), head);
    EXPECT_EQ(journal.head_seq(), 11u);
  }
}

TEST(CapitationRefusal, ARunNamingAnOlderRunAndReversingARunAreRefused) {
  Journal journal = RefusalLedger();
  MustSubmit(journal, ListCommand("2026-06-01", "A81003", {{"FEMALE_30_34", 10}}));
  const v1::JournalRecord first =
      MustRun(journal, RunCommand("2026/27", "M01", "PRESCRIBING", "30.00"));
  const v1::JournalRecord second =
      MustRun(journal, RunCommand("2026/27", "M02", "PRESCRIBING", "60.00", first.seq()));
  Result<v1::JournalRecord> stale = journal.Submit(
      testing::Request(RunCommand("2026/27", "M02", "PRESCRIBING", "", first.seq()), "stale"));
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), v1::ERROR_CODE_ALLOCATION_REVISION_MISMATCH);
  EXPECT_EQ(stale.status().message(),
            "the budgets in force for 2026/27 PRESCRIBING come from the run at entry " +
                std::to_string(second.seq()) + "; name it as the run this one revises");
  Result<v1::JournalRecord> reversal =
      journal.Submit(testing::Request(testing::ReverseCommand(second.seq(), "2026/27", "M03"), "rev"));
  ASSERT_FALSE(reversal.ok());
  EXPECT_EQ(reversal.status().code(), v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE);
  EXPECT_EQ(reversal.status().message(),
            "entry " + std::to_string(second.seq()) +
                " is a capitation allocation run; correct it with a new run, which posts only the "
                "differences from it");
  // A list with no patients is refused when it is recorded (it would otherwise take the extract's
  // place for that practice and could never be corrected), whether it has no bands or only zeros.
  Journal zeros = RefusalLedger();
  for (const v1::Command& empty : {ListCommand("2026-06-01", "A81003", {{"FEMALE_30_34", 0}}),
                                   ListCommand("2026-06-01", "A81003", {})}) {
    Result<v1::JournalRecord> refused = zeros.Submit(testing::Request(empty, "zeros"));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_PRACTICE_POPULATION_MISSING);
    EXPECT_EQ(refused.status().message(),
              "the list of practice A81003 has no patients; a list gives at least one band with "
              "patients");
  }
  EXPECT_EQ(zeros.head_seq(), 11u);
}

// The budgets in force are what the earlier run and an approved transfer left (rules version 2
// takes no budget typed into a journal: engine_test's refusal table has "journal into a budget
// account", refused ACCOUNT_RESERVED with nothing posted). A later run posts only what takes each
// balance to its new budget plus the practice's transfers, and nothing for a practice whose figure
// is unchanged.
TEST(Capitation, ARunPostsTheDifferenceFromTheBudgetsAnEarlierRunAndATransferLeft) {
  Journal journal = RefusalLedger();
  MustSubmit(journal, ListCommand("2026-06-01", "A81003", {{"FEMALE_30_34", 10}}));
  // WP: A81001 10 x 1.1 = 11, A81002 10, A81003 10; 3100.00 x 11/31 = 1100.00, x 10/31 = 1000.00.
  const v1::JournalRecord first =
      MustRun(journal, RunCommand("2026/27", "M01", "PRESCRIBING", "3100.00"));
  EXPECT_EQ(Postings(first), (std::vector<std::string>{"practice:A81001:budget:PRESCRIBING 1100.00",
                                                       "practice:A81002:budget:PRESCRIBING 1000.00",
                                                       "practice:A81003:budget:PRESCRIBING 1000.00",
                                                       "pct:allocation:PRESCRIBING -3100.00"}));
  // A81001 moves 100.00 of its PRESCRIBING budget to ELECTIVE, proposed by the LCP, approved by the
  // PCT in M02: its PRESCRIBING budget is 1000.00 and the line's allocation 3000.00. The approval
  // confirms both lines' new totals (rules 4): PRESCRIBING 3000.00, ELECTIVE 500.00 + 100.00.
  testing::MustConfirmTotal(journal, "2026/27", "ELECTIVE", "500.00");
  const v1::JournalRecord proposed = MustSubmit(
      journal,
      testing::ProposeTransferCommand("2026/27", "PRESCRIBING", "ELECTIVE", "100.00", "A81001"));
  MustSubmit(journal, testing::ApproveTransferCommand("2026/27", proposed.seq(), "M02"));
  EXPECT_EQ(Balance(journal, "practice:A81001:budget:PRESCRIBING"), "1000.00");
  EXPECT_EQ(Balance(journal, "practice:A81001:budget:ELECTIVE"), "100.00");
  EXPECT_EQ(Balance(journal, "pct:allocation:PRESCRIBING"), "-3000.00");
  const std::vector<LineTotal>& prescribing =
      journal.state().notices.line_totals.at({2026, "PRESCRIBING"});
  ASSERT_GE(prescribing.size(), 2u);
  EXPECT_EQ(prescribing[prescribing.size() - 2].total_pence, 310'000);
  EXPECT_EQ(prescribing.back().total_pence, 300'000);
  EXPECT_EQ(prescribing.back().transfer_seq, proposed.seq());
  EXPECT_EQ(prescribing.back().transferred_pence, -10'000);
  EXPECT_EQ(journal.state().notices.line_totals.at({2026, "ELECTIVE"}).back().total_pence, 60'000);
  // September lists (A81002 grew to 12) and a new total, 3200.00 (the PCT adds 200.00 to the
  // 3000.00 in force), of which the transfer moved -100.00 in: the run splits 3300.00. WP 11, 12,
  // 10 = 33, so 3300.00 x 11/33 = 1100.00, x 12/33 = 1200.00, x 10/33 = 1000.00. A81001 keeps its
  // transfer: 1100.00 - 100.00 = 1000.00, what it has, so nothing is posted for it; A81003 is
  // unchanged too; A81002 gets the 200.00 difference, and the PCT's allocation moves by as much.
  for (const auto& [ods, patients] : std::vector<std::pair<std::string, std::int64_t>>{
           {"A81001", 10}, {"A81002", 12}, {"A81003", 10}}) {
    MustSubmit(journal, ListCommand("2026-09-01", ods, {{"FEMALE_30_34", patients}}));
  }
  const v1::JournalRecord second =
      MustRun(journal, RunCommand("2026/27", "M03", "PRESCRIBING", "3200.00", first.seq()));
  EXPECT_EQ(Postings(second), (std::vector<std::string>{"practice:A81002:budget:PRESCRIBING 200.00",
                                                        "pct:allocation:PRESCRIBING -200.00"}));
  const v1::AllocationView view = View(journal, second.seq());
  EXPECT_EQ(view.revises_seq(), first.seq());
  EXPECT_EQ(view.extract_date(), "2026-09-01");
  EXPECT_EQ(view.total().value(), "3200.00");
  EXPECT_EQ(view.transferred_in_total().value(), "-100.00");
  EXPECT_EQ(view.rows(0).previous_budget().value(), "1000.00");
  EXPECT_EQ(view.rows(0).budget().value(), "1100.00");
  EXPECT_EQ(view.rows(0).transfers().value(), "-100.00");
  EXPECT_EQ(view.rows(0).change().value(), "0.00");
  EXPECT_EQ(view.rows(1).previous_budget().value(), "1000.00");
  EXPECT_EQ(view.rows(1).budget().value(), "1200.00");
  EXPECT_EQ(view.rows(1).change().value(), "200.00");
  EXPECT_EQ(view.rows(2).change().value(), "0.00");
  EXPECT_EQ(Balance(journal, "practice:A81001:budget:PRESCRIBING"), "1000.00");
  EXPECT_EQ(Balance(journal, "practice:A81002:budget:PRESCRIBING"), "1200.00");
  EXPECT_EQ(Balance(journal, "practice:A81003:budget:PRESCRIBING"), "1000.00");
  EXPECT_EQ(Balance(journal, "practice:A81001:budget:ELECTIVE"), "100.00");
  // The line's allocation is its confirmed total, which the transfer moved: 3300.00 - 100.00.
  EXPECT_EQ(Balance(journal, "pct:allocation:PRESCRIBING"), "-3200.00");
}

// Without --extract, a run takes the latest extract dated within its year: a list from after 31 March
// belongs to a later year's runs.
TEST(Capitation, TheDefaultExtractIsTheLatestWithinTheYear) {
  Journal journal = RefusalLedger();
  MustSubmit(journal, ListCommand("2026-06-01", "A81003", {{"FEMALE_30_34", 10}}));
  for (const std::string ods : {"A81001", "A81002", "A81003"}) {
    MustSubmit(journal, ListCommand("2027-04-01", ods, {{"FEMALE_30_34", 99}}));
  }
  const v1::JournalRecord run =
      MustRun(journal, RunCommand("2026/27", "M02", "PRESCRIBING", "3100.00"));
  EXPECT_EQ(View(journal, run.seq()).extract_date(), "2026-06-01");
  Journal none = StandardLedger();
  MustSubmit(none, WeightsCommand("2026/27", "PRESCRIBING"));
  MustSubmit(none, ListCommand("2027-04-01", "A81001", {{"FEMALE_30_34", 1}}));
  MustSubmit(none, testing::ConfirmTotalCommand("2026/27", "PRESCRIBING", "1.00"));
  Result<v1::JournalRecord> refused =
      none.Submit(testing::Request(RunCommand("2026/27", "M02", "PRESCRIBING", "1.00"), "r"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_EXTRACT_UNKNOWN);
  EXPECT_EQ(refused.status().message(),
            "no registered lists are recorded with an extract date up to 2027-03-31; record them "
            "first");
}

// Every capitation code is covered above (engine_test checks every engine code is covered somewhere).
TEST(CapitationRefusal, CoversEveryCapitationCode) {
  std::set<int> covered;
  for (const CapitationRefusal& refusal : CapitationRefusals()) covered.insert(refusal.code);
  covered.insert(v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE);
  for (ErrorCode code :
       {v1::ERROR_CODE_BAND_UNKNOWN, v1::ERROR_CODE_BAND_DUPLICATE, v1::ERROR_CODE_BAND_WEIGHTS_INCOMPLETE,
        v1::ERROR_CODE_RATE_INVALID, v1::ERROR_CODE_PATIENT_COUNT_INVALID,
        v1::ERROR_CODE_EXTRACT_DATE_MALFORMED, v1::ERROR_CODE_POPULATION_ALREADY_RECORDED,
        v1::ERROR_CODE_WEIGHTS_UNKNOWN, v1::ERROR_CODE_PRACTICE_DUPLICATE,
        v1::ERROR_CODE_PRACTICE_POPULATION_MISSING, v1::ERROR_CODE_ALLOCATION_REVISION_MISMATCH,
        v1::ERROR_CODE_ALLOCATION_TOTAL_INVALID, v1::ERROR_CODE_EXTRACT_UNKNOWN,
        v1::ERROR_CODE_INDICES_UNKNOWN, v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE}) {
    EXPECT_TRUE(covered.contains(code)) << v1::ErrorCode_Name(code);
  }
}

}  // namespace
}  // namespace lcp

// The engine's rules: what each command posts, and every refusal with its exact code and nothing posted.
#include "ledger/engine/engine.h"

#include <gtest/gtest.h>

#include <set>

#include "ledger/base/chain.h"
#include "ledger/engine/journal.h"
#include "ledger/read/reports.h"
#include "ledger/rules/capitation.h"
#include "ledger/rules/notices.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::JournalCommand;
using testing::MustSubmit;
using testing::OpenYearCommand;
using testing::RegisterPracticeCommand;
using testing::RegisterProviderCommand;
using testing::Request;
using testing::ReverseCommand;

std::string Balance(const Journal& journal, int year, const std::string& account) {
  const auto& balances = journal.state().balances;
  auto y = balances.find(year);
  if (y == balances.end()) return "none";
  auto a = y->second.find(account);
  return a == y->second.end() ? "none" : Money::FromPence(a->second).ToString();
}

TEST(Engine, RegistrationsAndOpeningPostNothing) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  EXPECT_EQ(journal.head_seq(), 5u);
  EXPECT_EQ(journal.state().practices.size(), 3u);
  EXPECT_EQ(journal.state().practices.at("A81002").name, "Hillview Surgery");
  EXPECT_EQ(journal.state().providers.at("RX1").kind, v1::PROVIDER_KIND_FOUNDATION_TRUST);
  EXPECT_EQ(journal.state().years.at(2026).lines,
            (std::vector<std::string>{"ELECTIVE", "PRESCRIBING", "COMMUNITY"}));
  EXPECT_TRUE(journal.state().balances.empty());
}

TEST(Engine, JournalPostsItsLegsIntoItsPeriod) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  v1::JournalRecord record = MustSubmit(
      journal, JournalCommand("2026/27", "M04",
                              {{"practice:A81001:spend:ELECTIVE", "1234.56"},
                               {"practice:A81002:spend:ELECTIVE", "0.01"},
                               {"provider:RX1:payable", "-1234.57"}}));
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(record.body()));
  EXPECT_EQ(record.seq(), 6u);
  EXPECT_EQ(entry.period().year(), "2026/27");
  EXPECT_EQ(entry.period().month(), "M04");
  ASSERT_EQ(entry.postings_size(), 3);
  EXPECT_EQ(entry.postings(0).account(), "practice:A81001:spend:ELECTIVE");
  EXPECT_EQ(entry.postings(0).amount().value(), "1234.56");
  EXPECT_EQ(entry.postings(2).amount().value(), "-1234.57");
  EXPECT_EQ(Balance(journal, 2026, "practice:A81001:spend:ELECTIVE"), "1234.56");
  EXPECT_EQ(Balance(journal, 2026, "provider:RX1:payable"), "-1234.57");
}

TEST(Engine, NonCanonicalAmountsAreRecordedCanonically) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  v1::JournalRecord record = MustSubmit(
      journal, JournalCommand("2026/27", "M01", {{"lcp:cash", "12.5"}, {"pct:funding", "-12.50"}}));
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(record.body()));
  EXPECT_EQ(entry.postings(0).amount().value(), "12.50");
  EXPECT_EQ(entry.command().post_journal().postings(0).amount().value(), "12.5");
}

TEST(Engine, ReversalNegatesEveryPostingAndNamesTheOriginal) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  MustSubmit(journal, JournalCommand("2026/27", "M01",
                                     {{"practice:A81003:spend:COMMUNITY", "250.00"},
                                      {"practice:A81001:spend:COMMUNITY", "100.00"},
                                      {"provider:RX1:payable", "-350.00"}}));
  // A correction goes into the current month (the earliest still open): M03, once M01 and M02 are
  // closed (entries 7 and 8).
  testing::MustCloseMonthsThrough(journal, "2026/27", "M02");
  v1::JournalRecord record = MustSubmit(journal, ReverseCommand(6, "2026/27", "M03"));
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(record.body()));
  EXPECT_EQ(record.seq(), 9u);
  EXPECT_EQ(entry.reverses_seq(), 6u);
  EXPECT_EQ(entry.period().month(), "M03");
  ASSERT_EQ(entry.postings_size(), 3);
  EXPECT_EQ(entry.postings(0).amount().value(), "-250.00");
  EXPECT_EQ(entry.postings(1).amount().value(), "-100.00");
  EXPECT_EQ(entry.postings(2).amount().value(), "350.00");
  EXPECT_EQ(Balance(journal, 2026, "practice:A81003:spend:COMMUNITY"), "0.00");
  EXPECT_EQ(Balance(journal, 2026, "provider:RX1:payable"), "0.00");
  EXPECT_EQ(journal.state().entries[5].reversed_by, 9u);
}

TEST(Engine, BalancesAreKeptPerFinancialYear) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  MustSubmit(journal, OpenYearCommand("2027/28", {"COMMUNITY"}));
  MustSubmit(journal, JournalCommand("2026/27", "M12", {{"lcp:cash", "10.00"}, {"pct:funding", "-10.00"}}));
  MustSubmit(journal, JournalCommand("2027/28", "M01", {{"lcp:cash", "3.00"}, {"pct:funding", "-3.00"}}));
  EXPECT_EQ(Balance(journal, 2026, "lcp:cash"), "10.00");
  EXPECT_EQ(Balance(journal, 2027, "lcp:cash"), "3.00");
  std::vector<TrialBalance> balances = TrialBalances(journal.state());
  ASSERT_EQ(balances.size(), 2u);
  EXPECT_EQ(balances[0].total_debit.ToString(), "10.00");
  EXPECT_EQ(balances[1].total_credit.ToString(), "3.00");
  EXPECT_TRUE(balances[0].balanced());
}

TEST(Engine, ReversalIntoAYearWithoutTheLineIsRefused) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  MustSubmit(journal, OpenYearCommand("2027/28", {"COMMUNITY"}));
  MustSubmit(journal, JournalCommand("2026/27", "M12",
                                     {{"practice:A81001:spend:ELECTIVE", "5.00"},
                                      {"provider:RX1:payable", "-5.00"}}));
  // 2027/28 M01 is the current month once 2026/27 is closed (entries 8 to 19).
  testing::MustCloseMonthsThrough(journal, "2026/27", "M12");
  ASSERT_EQ(journal.head_seq(), 19u);
  Result<v1::JournalRecord> refused =
      journal.Submit(Request(ReverseCommand(7, "2027/28", "M01"), "late"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_BUDGET_LINE_UNKNOWN);
  EXPECT_EQ(journal.head_seq(), 19u);
}

// Every refusal, tried against one ledger that holds: the standard set-up (entries 1-5, posting
// nothing), a journal (6) and its reversal (7).
struct Refusal {
  const char* name;
  v1::Command command;
  ErrorCode code;
  const char* message_part;
};
// gtest prints a parameter by this, in test listings and failures, instead of its bytes.
void PrintTo(const Refusal& refusal, std::ostream* out) { *out << refusal.name; }

std::vector<std::string> Lines(int n) {
  std::vector<std::string> lines;
  for (int i = 0; i < n; ++i) lines.push_back("LINE_" + std::to_string(i));
  return lines;
}

testing::PostingList Balanced(int n) {
  testing::PostingList postings;
  for (int i = 0; i < n; ++i) postings.push_back({"lcp:cash", i % 2 == 0 ? "1.00" : "-1.00"});
  return postings;
}

testing::PostingList OverBalanceLimit() {
  testing::PostingList postings;
  for (int i = 0; i < 101; ++i) postings.push_back({"lcp:cash", "999999999999.99"});
  for (int i = 0; i < 101; ++i) postings.push_back({"pct:funding", "-999999999999.99"});
  return postings;
}

std::vector<Refusal> Refusals() {
  const std::string y = "2026/27";
  const testing::PostingList ok = {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}};
  std::vector<Refusal> r = {
      {"empty command", v1::Command(), v1::ERROR_CODE_COMMAND_EMPTY, "names no action"},
      {"practice code lower case", RegisterPracticeCommand("a81001"),
       v1::ERROR_CODE_PRACTICE_CODE_MALFORMED, "\"a81001\" is not an ODS code"},
      {"practice code too short", RegisterPracticeCommand("A8100"),
       v1::ERROR_CODE_PRACTICE_CODE_MALFORMED, "one capital letter and five digits"},
      {"practice name empty", RegisterPracticeCommand("A81009", ""), v1::ERROR_CODE_NAME_INVALID,
       "practice name"},
      {"practice name with newline", RegisterPracticeCommand("A81009", "Hill\nview"),
       v1::ERROR_CODE_NAME_INVALID, "control characters"},
      {"practice name not UTF-8", RegisterPracticeCommand("A81009", "Caf\xC3"),
       v1::ERROR_CODE_NAME_INVALID, "UTF-8"},
      {"practice name too long", RegisterPracticeCommand("A81009", std::string(201, 'a')),
       v1::ERROR_CODE_NAME_INVALID, "1 to 200"},
      {"practice twice", RegisterPracticeCommand("A81002"),
       v1::ERROR_CODE_PRACTICE_ALREADY_REGISTERED, "A81002 is registered already"},
      {"provider code too long", RegisterProviderCommand("RX123456789"),
       v1::ERROR_CODE_PROVIDER_CODE_MALFORMED, "3 to 8"},
      {"provider code starting with a digit", RegisterProviderCommand("1RX"),
       v1::ERROR_CODE_PROVIDER_CODE_MALFORMED, "starting with a letter"},
      {"provider name empty",
       RegisterProviderCommand("RX2", v1::PROVIDER_KIND_COMMUNITY, ""), v1::ERROR_CODE_NAME_INVALID,
       "provider name"},
      {"provider kind missing", RegisterProviderCommand("RX2", v1::PROVIDER_KIND_UNSPECIFIED),
       v1::ERROR_CODE_PROVIDER_KIND_MISSING, "provider kind"},
      {"provider twice", RegisterProviderCommand("RX1"),
       v1::ERROR_CODE_PROVIDER_ALREADY_REGISTERED, "RX1 is registered already"},
      {"year malformed", OpenYearCommand("2026-27", {"AE"}), v1::ERROR_CODE_YEAR_MALFORMED,
       "\"2026-27\" is not written like \"2026/27\""},
      {"year that ends two years on", OpenYearCommand("2026/28", {"AE"}),
       v1::ERROR_CODE_YEAR_MALFORMED, "as in \"2026/27\""},
      {"year twice", OpenYearCommand("2026/27", {"AE"}), v1::ERROR_CODE_YEAR_ALREADY_OPEN,
       "2026/27 is open already"},
      {"year without lines", OpenYearCommand("2027/28", {}),
       v1::ERROR_CODE_BUDGET_LINE_COUNT_INVALID, "0 were given"},
      {"year with 65 lines", OpenYearCommand("2027/28", Lines(65)),
       v1::ERROR_CODE_BUDGET_LINE_COUNT_INVALID, "65 were given"},
      {"line malformed", OpenYearCommand("2027/28", {"AE", "mental health"}),
       v1::ERROR_CODE_BUDGET_LINE_MALFORMED, "\"mental health\""},
      {"line twice", OpenYearCommand("2027/28", {"AE", "OUTPATIENT", "AE"}),
       v1::ERROR_CODE_BUDGET_LINE_DUPLICATE, "AE is named twice"},
      {"journal year malformed", JournalCommand("26/27", "M01", ok), v1::ERROR_CODE_YEAR_MALFORMED,
       "\"26/27\""},
      {"journal month malformed", JournalCommand(y, "M13", ok), v1::ERROR_CODE_MONTH_MALFORMED,
       "\"M13\" is not one of M01 (April) to M12 (March)"},
      {"journal month zero", JournalCommand(y, "M00", ok), v1::ERROR_CODE_MONTH_MALFORMED, "M00"},
      {"journal into a year not open", JournalCommand("2027/28", "M01", ok),
       v1::ERROR_CODE_YEAR_NOT_OPEN, "2027/28 has not been opened"},
      {"journal without narrative", JournalCommand(y, "M01", ok, ""),
       v1::ERROR_CODE_NARRATIVE_INVALID, "narrative"},
      {"journal with one posting", JournalCommand(y, "M01", {{"lcp:cash", "0.00"}}),
       v1::ERROR_CODE_POSTING_COUNT_INVALID, "1 were given"},
      {"journal with 257 postings", JournalCommand(y, "M01", Balanced(257)),
       v1::ERROR_CODE_POSTING_COUNT_INVALID, "257 were given"},
      {"account with unknown scope",
       JournalCommand(y, "M01", {{"bank:cash", "1.00"}, {"pct:funding", "-1.00"}}),
       v1::ERROR_CODE_ACCOUNT_MALFORMED, "must start with practice:, provider:, lcp: or pct:"},
      {"account with unknown category",
       JournalCommand(y, "M01", {{"lcp:cash", "1.00"}, {"practice:A81001:spnd:AE", "-1.00"}}),
       v1::ERROR_CODE_ACCOUNT_MALFORMED, "budget, commitment, spend, reinvestment, risk_share"},
      {"account missing its line",
       JournalCommand(y, "M01", {{"lcp:cash", "1.00"}, {"practice:A81001:spend", "-1.00"}}),
       v1::ERROR_CODE_ACCOUNT_MALFORMED, "must end with exactly one budget line"},
      {"account with a malformed practice",
       JournalCommand(y, "M01", {{"lcp:cash", "1.00"}, {"practice:81001:spend:AE", "-1.00"}}),
       v1::ERROR_CODE_ACCOUNT_MALFORMED, "must name a practice by ODS code"},
      {"account of an unknown practice",
       JournalCommand(y, "M01",
                      {{"lcp:cash", "1.00"}, {"practice:A99999:spend:ELECTIVE", "-1.00"}}),
       v1::ERROR_CODE_PRACTICE_UNKNOWN, "practice A99999, which is not registered"},
      {"account of an unknown provider",
       JournalCommand(y, "M01", {{"lcp:cash", "1.00"}, {"provider:RX9:payable", "-1.00"}}),
       v1::ERROR_CODE_PROVIDER_UNKNOWN, "provider RX9, which is not registered"},
      {"account on a line the year lacks",
       JournalCommand(y, "M01", {{"lcp:cash", "1.00"}, {"pct:allocation:DENTAL", "-1.00"}}),
       v1::ERROR_CODE_BUDGET_LINE_UNKNOWN, "DENTAL, which 2026/27 does not have"},
      {"amount malformed", JournalCommand(y, "M01", {{"lcp:cash", "1e3"}, {"pct:funding", "-1.00"}}),
       v1::ERROR_CODE_AMOUNT_MALFORMED, "\"1e3\""},
      {"amount with three places",
       JournalCommand(y, "M01", {{"lcp:cash", "1.001"}, {"pct:funding", "-1.001"}}),
       v1::ERROR_CODE_AMOUNT_MALFORMED, "at most 2 decimal places"},
      {"amount too large",
       JournalCommand(y, "M01",
                      {{"lcp:cash", "1000000000000.00"}, {"pct:funding", "-1000000000000.00"}}),
       v1::ERROR_CODE_AMOUNT_TOO_LARGE, "too large"},
      {"zero posting",
       JournalCommand(y, "M01",
                      {{"lcp:cash", "1.00"}, {"lcp:reserve", "0.00"}, {"pct:funding", "-1.00"}}),
       v1::ERROR_CODE_POSTING_ZERO, "\"lcp:reserve\" is zero"},
      {"unbalanced by a penny",
       JournalCommand(y, "M01", {{"lcp:cash", "100.00"}, {"pct:funding", "-99.99"}}),
       v1::ERROR_CODE_JOURNAL_UNBALANCED, "the postings sum to 0.01, not 0.00"},
      {"balance beyond the limit", JournalCommand(y, "M01", OverBalanceLimit()),
       v1::ERROR_CODE_BALANCE_LIMIT_EXCEEDED, "\"lcp:cash\" would reach a balance beyond"},
      {"reversal of entry 0", ReverseCommand(0, y, "M02"), v1::ERROR_CODE_ENTRY_UNKNOWN,
       "entry 0 does not exist; the journal has 7 entries"},
      {"reversal of a future entry", ReverseCommand(8, y, "M02"), v1::ERROR_CODE_ENTRY_UNKNOWN,
       "entry 8 does not exist"},
      {"reversal of a registration", ReverseCommand(1, y, "M02"),
       v1::ERROR_CODE_ENTRY_HAS_NO_POSTINGS, "entry 1 posted nothing"},
      {"second reversal", ReverseCommand(6, y, "M02"), v1::ERROR_CODE_ENTRY_ALREADY_REVERSED,
       "entry 6 was reversed already by entry 7"},
      {"reversal of a reversal", ReverseCommand(7, y, "M02"), v1::ERROR_CODE_ENTRY_IS_REVERSAL,
       "entry 7 is itself the reversal of entry 6"},
      {"reversal without reason", ReverseCommand(6, y, "M02", ""),
       v1::ERROR_CODE_NARRATIVE_INVALID, "reason"},
      {"reversal into a year not open", ReverseCommand(6, "2030/31", "M02"),
       v1::ERROR_CODE_YEAR_NOT_OPEN, "2030/31 has not been opened"},
      {"reversal into a malformed month", ReverseCommand(6, y, "March"),
       v1::ERROR_CODE_MONTH_MALFORMED, "\"March\""},
  };
  return r;
}

class EngineRefusal : public ::testing::TestWithParam<Refusal> {};

TEST_P(EngineRefusal, HasItsCodeAndPostsNothing) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  MustSubmit(journal, JournalCommand("2026/27", "M01", {{"lcp:cash", "7.00"}, {"pct:funding", "-7.00"}}));
  MustSubmit(journal, ReverseCommand(6, "2026/27", "M01"));
  const std::string head_before = journal.head_hash();
  const Balances balances_before = journal.state().balances;
  const std::size_t practices_before = journal.state().practices.size();
  const std::size_t providers_before = journal.state().providers.size();
  const std::size_t years_before = journal.state().years.size();

  Result<v1::JournalRecord> result = journal.Submit(Request(GetParam().command, "refused-key"));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(v1::ErrorCode_Name(result.status().code()), v1::ErrorCode_Name(GetParam().code))
      << result.status().message();
  EXPECT_NE(result.status().message().find(GetParam().message_part), std::string::npos)
      << "message: " << result.status().message();
  EXPECT_EQ(journal.head_seq(), 7u);
  EXPECT_EQ(journal.head_hash(), head_before);
  EXPECT_EQ(journal.state().balances, balances_before);
  EXPECT_EQ(journal.state().practices.size(), practices_before);
  EXPECT_EQ(journal.state().providers.size(), providers_before);
  EXPECT_EQ(journal.state().years.size(), years_before);
  EXPECT_EQ(journal.state().entries[5].reversed_by, 7u);
}

INSTANTIATE_TEST_SUITE_P(AllChecks, EngineRefusal, ::testing::ValuesIn(Refusals()),
                         [](const ::testing::TestParamInfo<Refusal>& param_info) {
                           return testing::TestName(param_info.param.name);
                         });

TEST(EngineRefusal, BalanceLimitIsCheckedBeforeAnythingChanges) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  // 100 maximal amounts fit under the balance limit; the 101st would pass it.
  testing::PostingList postings;
  for (int i = 0; i < 100; ++i) postings.push_back({"lcp:cash", "999999999999.99"});
  for (int i = 0; i < 100; ++i) postings.push_back({"pct:funding", "-999999999999.99"});
  MustSubmit(journal, JournalCommand("2026/27", "M01", postings));
  EXPECT_EQ(Balance(journal, 2026, "lcp:cash"), "99999999999999.00");
  const Balances before = journal.state().balances;
  Result<v1::JournalRecord> refused = journal.Submit(Request(
      JournalCommand("2026/27", "M01",
                     {{"lcp:cash", "999999999999.99"}, {"pct:funding", "-999999999999.99"}}),
      "over"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_BALANCE_LIMIT_EXCEEDED);
  EXPECT_NE(refused.status().message().find("\"lcp:cash\" would reach a balance beyond "
                                            "100000000000000.00 in 2026/27"),
            std::string::npos)
      << refused.status().message();
  EXPECT_EQ(journal.state().balances, before);
  EXPECT_EQ(journal.head_seq(), 6u);
}

TEST(EngineRefusal, IdempotencyKeyMustBePrintableAscii) {
  for (const std::string& key : {std::string(), std::string("has space"), std::string(129, 'k'),
                                std::string("caf\xC3\xA9")}) {
    Journal journal;
    Result<v1::JournalRecord> refused =
        journal.Submit(Request(RegisterPracticeCommand("A81001"), key));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_IDEMPOTENCY_KEY_INVALID);
    EXPECT_EQ(journal.head_seq(), 0u);
    EXPECT_TRUE(journal.state().practices.empty());
  }
}

TEST(JournalKeys, ReusedKeyIsRefusedNamingTheEntryAndPostsNothing) {
  Journal journal;
  ASSERT_TRUE(journal.Submit(Request(RegisterPracticeCommand("A81001"), "inv-1")).ok());
  EXPECT_EQ(journal.SeqForKey("inv-1"), 1u);
  EXPECT_EQ(journal.SeqForKey("inv-2"), 0u);
  Result<v1::JournalRecord> reused =
      journal.Submit(Request(RegisterPracticeCommand("A81002"), "inv-1"));
  ASSERT_FALSE(reused.ok());
  EXPECT_EQ(reused.status().code(), v1::ERROR_CODE_IDEMPOTENCY_KEY_REUSED);
  EXPECT_EQ(reused.status().message(),
            "idempotency key \"inv-1\" was used by entry 1 for a different command; use a new key "
            "for a new command");
  EXPECT_EQ(journal.head_seq(), 1u);
  EXPECT_FALSE(journal.state().practices.contains("A81002"));
}

TEST(JournalKeys, ReplayRefusesARecordThatReusesAKey) {
  Journal writer;
  v1::JournalRecord first = *writer.Submit(Request(RegisterPracticeCommand("A81001"), "same"));
  // A forged second record with the same key, properly chained.
  v1::JournalEntry forged = Request(RegisterPracticeCommand("A81002"), "same");
  forged.set_rules_version(kRulesVersionCurrent);  // As the writer records it.
  v1::JournalRecord second = MakeRecord(2, first.hash(), forged.SerializeAsString());
  Journal replayer;
  ASSERT_TRUE(replayer.Replay(first).ok());
  Status status = replayer.Replay(second);
  EXPECT_EQ(status.code(), v1::ERROR_CODE_REPLAY_MISMATCH);
  EXPECT_EQ(status.message(), "record 2: its idempotency key was recorded already by entry 1");
}

TEST(JournalGroups, TakenBackGroupLeavesEverythingAsBefore) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  MustSubmit(journal, JournalCommand("2026/27", "M01", {{"lcp:cash", "5.00"}, {"pct:funding", "-5.00"}}));
  const std::string head = journal.head_hash();
  const Balances balances = journal.state().balances;
  const KeyIndex keys = journal.state().keys;

  journal.BeginGroup();
  ASSERT_TRUE(journal.Submit(Request(RegisterPracticeCommand("A81009"), "g1")).ok());
  ASSERT_TRUE(journal.Submit(Request(OpenYearCommand("2027/28", {"AE"}), "g2")).ok());
  ASSERT_TRUE(journal.Submit(Request(JournalCommand("2027/28", "M01",
                                                    {{"practice:A81009:spend:AE", "1.00"},
                                                     {"lcp:cash", "2.00"},
                                                     {"pct:funding", "-3.00"}}),
                                     "g3"))
                  .ok());
  ASSERT_TRUE(journal.Submit(Request(ReverseCommand(6, "2026/27", "M01"), "g4")).ok());
  ASSERT_TRUE(journal.Submit(Request(RegisterProviderCommand("NLO01"), "g5")).ok());
  EXPECT_EQ(journal.head_seq(), 11u);
  journal.EndGroup(/*keep=*/false);

  EXPECT_EQ(journal.head_seq(), 6u);
  EXPECT_EQ(journal.head_hash(), head);
  EXPECT_EQ(journal.state().balances, balances);
  EXPECT_EQ(journal.state().keys, keys);
  EXPECT_FALSE(journal.state().practices.contains("A81009"));
  EXPECT_FALSE(journal.state().providers.contains("NLO01"));
  EXPECT_FALSE(journal.state().years.contains(2027));
  EXPECT_EQ(journal.state().entries[5].reversed_by, 0u);
  // The same commands can be submitted again afterwards, and entry 6 reversed.
  EXPECT_TRUE(journal.Submit(Request(ReverseCommand(6, "2026/27", "M01"), "g4")).ok());
  EXPECT_EQ(journal.head_seq(), 7u);
}

TEST(JournalGroups, KeptGroupStays) {
  Journal journal;
  journal.BeginGroup();
  ASSERT_TRUE(journal.Submit(Request(RegisterPracticeCommand("A81001"), "k1")).ok());
  journal.EndGroup(/*keep=*/true);
  EXPECT_EQ(journal.head_seq(), 1u);
  EXPECT_TRUE(journal.state().practices.contains("A81001"));
}

TEST(EngineRefusal, ReversalIntoAnEarlierPeriodIsBackdated) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  MustSubmit(journal, OpenYearCommand("2025/26", {"ELECTIVE"}));
  MustSubmit(journal, JournalCommand("2026/27", "M06", {{"lcp:cash", "8.00"}, {"pct:funding", "-8.00"}}));
  for (const auto& [year, month] : {std::pair<std::string, std::string>{"2026/27", "M05"},
                                    {"2025/26", "M12"}}) {
    Result<v1::JournalRecord> refused =
        journal.Submit(Request(ReverseCommand(7, year, month), "back-" + year + month));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_REVERSAL_BACKDATED);
    EXPECT_EQ(refused.status().message(),
              "entry 7 was posted in 2026/27 M06; a reversal goes into that period or a later one, "
              "never an earlier one");
    EXPECT_EQ(journal.head_seq(), 7u);
    EXPECT_EQ(journal.state().entries[6].reversed_by, 0u);
  }
  // The same month is fine, once it is the current month: 2025/26 and 2026/27 M01 to M05 closed.
  testing::MustCloseMonthsThrough(journal, "2026/27", "M05");
  EXPECT_TRUE(journal.Submit(Request(ReverseCommand(7, "2026/27", "M06"), "same")).ok());
}

TEST(EngineRefusal, MalformedActorOrTimeIsRefused) {
  std::vector<v1::JournalEntry> bad;
  auto base = [] { return Request(RegisterPracticeCommand("A81001"), "k"); };
  bad.push_back(base());
  bad.back().mutable_actor()->set_principal_id("caf\xe9");  // Latin-1, not UTF-8.
  bad.push_back(base());
  bad.back().mutable_actor()->set_principal_id(std::string(129, 'p'));
  bad.push_back(base());
  bad.back().mutable_actor()->set_role(v1::ROLE_UNSPECIFIED);
  bad.push_back(base());
  bad.back().mutable_actor()->set_role(static_cast<v1::Role>(999));
  bad.push_back(base());
  bad.back().mutable_actor()->set_role(v1::ROLE_PRACTICE);  // Without its practice.
  bad.push_back(base());
  bad.back().mutable_actor()->set_practice_ods_code("A81001");  // Not a practice role.
  bad.push_back(base());
  bad.back().mutable_recorded_at()->set_seconds(-1);
  bad.push_back(base());
  bad.back().mutable_recorded_at()->set_nanos(1'000'000'000);
  for (std::size_t i = 0; i < bad.size(); ++i) {
    Journal journal;
    Result<v1::JournalRecord> refused = journal.Submit(bad[i]);
    ASSERT_FALSE(refused.ok()) << i;
    EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_ACTOR_INVALID) << i;
    EXPECT_EQ(journal.head_seq(), 0u);
  }
}

TEST(JournalEnvelope, UnknownFieldsAreRefusedAndNeverReplayed) {
  v1::JournalEntry request = Request(
      JournalCommand("2026/27", "M01", {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}}), "k");
  // Field 9 of Decimal does not exist: a newer client's field, deep inside the command.
  v1::Decimal* amount = request.mutable_command()->mutable_post_journal()->mutable_postings(1)
                            ->mutable_amount();
  amount->GetReflection()->MutableUnknownFields(amount)->AddVarint(9, 1);
  Journal journal;
  testing::SetUpStandardLedger(journal);
  Result<v1::JournalRecord> refused = journal.Submit(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_UNKNOWN_FIELDS);
  EXPECT_EQ(refused.status().message(),
            "the request carries field 9 of lcp.v1.Decimal, which this server does not know; "
            "upgrade the server or leave it out");
  EXPECT_EQ(journal.head_seq(), 5u);

  // A forged record that does carry one (field 100 of the entry) is refused by replay.
  v1::JournalEntry forged_entry = Request(RegisterPracticeCommand("A81001"), "k");
  forged_entry.GetReflection()->MutableUnknownFields(&forged_entry)->AddVarint(100, 7);
  v1::JournalRecord forged = MakeRecord(1, GenesisHash(), forged_entry.SerializeAsString());
  Journal replayer;
  Status status = replayer.Replay(forged);
  EXPECT_EQ(status.code(), v1::ERROR_CODE_RECORD_CORRUPT);
  EXPECT_EQ(status.message(), "record 1: its body carries fields this ledger never writes");
}

// Rules version 2's refusals (budget notices and membership), tried against one ledger that holds:
// the standard set-up (1-5), weights of 1 for PRESCRIBING (6), lists of 2, 1 and 1 patients (7-9),
// PRESCRIBING's total confirmed as 400.00 (10), an INDICATIVE run (11) revised by a FINAL one (12),
// A81001's acknowledgement of it (13), an agreement (14) co-signed (15), the year's membership
// terms (16), A81001's sign-up (17), A81003 leaving at the end of 2026/27 (18), a journal in
// 2026/27 M01 (19) and the year 2025/26 opened before it (20), whose M01 is now the current month,
// and ELECTIVE's 2026/27 total confirmed as 100.00 (21).
const std::string kTermsSha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

void SetUpNoticesLedger(Journal& journal) {
  testing::SetUpStandardLedger(journal);
  MustSubmit(journal, testing::WeightsCommand("2026/27", "PRESCRIBING"));
  const std::string band = BandLabels().front();
  MustSubmit(journal, testing::ListCommand("2026-03-01", "A81001", {{band, 2}}));
  MustSubmit(journal, testing::ListCommand("2026-03-01", "A81002", {{band, 1}}));
  MustSubmit(journal, testing::ListCommand("2026-03-01", "A81003", {{band, 1}}));
  MustSubmit(journal, testing::ConfirmTotalCommand("2026/27", "PRESCRIBING", "400.00"));
  MustSubmit(journal, testing::RunCommand("2026/27", "M01", "PRESCRIBING", "", 0, "2026-03-01"));
  MustSubmit(journal, testing::RunCommand("2026/27", "M01", "PRESCRIBING", "", 11, "2026-03-01", 0,
                                          0, v1::NOTICE_KIND_FINAL));
  MustSubmit(journal, testing::AcknowledgeCommand("2026/27", "PRESCRIBING", "A81001", 12));
  MustSubmit(journal, testing::ProposeAgreementCommand("2026/27", testing::WorkedExampleTerms(), 0,
                                                       "Terms the board agreed"));
  MustSubmit(journal, testing::CosignAgreementCommand("2026/27", 14));
  MustSubmit(journal, testing::RecordTermsCommand("2026/27", kTermsSha256, "Terms 2026/27"));
  MustSubmit(journal, testing::SignMembershipCommand("2026/27", "A81001", kTermsSha256, 14));
  MustSubmit(journal, testing::LeaveCommand("A81003", "2026/27"));
  MustSubmit(journal,
             JournalCommand("2026/27", "M01", {{"lcp:cash", "7.00"}, {"pct:funding", "-7.00"}}));
  MustSubmit(journal, OpenYearCommand("2025/26", {"PRESCRIBING"}));
  MustSubmit(journal, testing::ConfirmTotalCommand("2026/27", "ELECTIVE", "100.00"));
}

std::vector<Refusal> NoticeRefusals() {
  const std::string y = "2026/27";
  const std::string p = "PRESCRIBING";
  v1::Command deadline_outside = OpenYearCommand("2027/28", {"PRESCRIBING"});
  deadline_outside.mutable_open_year()->set_notice_deadline("2027-03-31");
  v1::Command deadline_malformed = OpenYearCommand("2027/28", {"PRESCRIBING"});
  deadline_malformed.mutable_open_year()->set_notice_deadline("1 May 2027");
  return {
      {"reversal into a month after the current one", ReverseCommand(19, y, "M02"),
       v1::ERROR_CODE_CORRECTION_NOT_CURRENT_MONTH,
       "a reversal goes into the current month, the earliest still open (2025/26 M01), not 2026/27 "
       "M02"},
      {"correcting journal into a month after the current one",
       [&] {
         v1::Command command =
             JournalCommand(y, "M01", {{"lcp:cash", "-7.00"}, {"pct:funding", "7.00"}});
         command.mutable_post_journal()->set_corrects_seq(19);
         return command;
       }(),
       v1::ERROR_CODE_CORRECTION_NOT_CURRENT_MONTH,
       "a correction goes into the current month, the earliest still open (2025/26 M01)"},
      {"notice deadline outside the year", deadline_outside, v1::ERROR_CODE_NOTICE_DEADLINE_INVALID,
       "the notice deadline \"2027-03-31\" must be a date"},
      {"notice deadline malformed", deadline_malformed, v1::ERROR_CODE_NOTICE_DEADLINE_INVALID,
       "within 2027/28 (2027-04-01 to 2028-03-31)"},
      {"run without a confirmed total", testing::RunCommand(y, "M01", "COMMUNITY", ""),
       v1::ERROR_CODE_LINE_TOTAL_NOT_CONFIRMED,
       "the PCT has not confirmed a total for 2026/27 COMMUNITY"},
      {"run of another total",
       testing::RunCommand(y, "M01", p, "401.00", 12, "", 0, 0, v1::NOTICE_KIND_FINAL),
       v1::ERROR_CODE_ALLOCATION_TOTAL_MISMATCH,
       "the total given, 401.00, is not the total the PCT confirmed for 2026/27 PRESCRIBING "
       "(400.00 at entry 10)"},
      {"run without a notice kind",
       testing::RunCommand(y, "M01", p, "", 12, "", 0, 0, v1::NOTICE_KIND_UNSPECIFIED),
       v1::ERROR_CODE_NOTICE_KIND_MISSING, "INDICATIVE or a FINAL budget notice"},
      {"indicative run after a final one", testing::RunCommand(y, "M01", p, "", 12),
       v1::ERROR_CODE_NOTICE_ALREADY_FINAL,
       "2026/27 PRESCRIBING has a FINAL budget notice already (the run at entry 12)"},
      {"changed total without a reason", testing::ConfirmTotalCommand(y, p, "500.00"),
       v1::ERROR_CODE_REASON_REQUIRED,
       "2026/27 PRESCRIBING's total was confirmed as 400.00 at entry 10; say why it changes"},
      {"transfer to the same line", testing::ProposeTransferCommand(y, p, p, "1.00"),
       v1::ERROR_CODE_BUDGET_TRANSFER_INVALID, "not from PRESCRIBING to itself"},
      {"transfer to a line with no confirmed total",
       testing::ProposeTransferCommand(y, p, "COMMUNITY", "1.00", "A81001"),
       v1::ERROR_CODE_LINE_TOTAL_NOT_CONFIRMED,
       "the PCT has not confirmed a total for 2026/27 COMMUNITY; a transfer between lines moves "
       "both lines' confirmed totals"},
      {"transfer between practices across two lines",
       [&] {
         v1::Command command = testing::ProposeTransferCommand(y, p, "ELECTIVE", "1.00", "A81001");
         command.mutable_propose_budget_transfer()->set_to_ods_code("A81002");
         return command;
       }(),
       v1::ERROR_CODE_BUDGET_TRANSFER_INVALID, "stays on one line"},
      {"transfer between practices beyond the giver's budget",
       testing::PracticeTransferCommand(y, p, "200.01", "A81001", "A81002"),
       v1::ERROR_CODE_BUDGET_INSUFFICIENT,
       "A81001's budget on 2026/27 PRESCRIBING is 200.00, less than the 200.01 to move"},
      {"transfer of nothing", testing::ProposeTransferCommand(y, p, "ELECTIVE", "0.00"),
       v1::ERROR_CODE_BUDGET_TRANSFER_INVALID, "must be above zero, not 0.00"},
      {"transfer beyond a practice's budget",
       testing::ProposeTransferCommand(y, p, "ELECTIVE", "200.01", "A81001"),
       v1::ERROR_CODE_BUDGET_INSUFFICIENT,
       "A81001's budget on 2026/27 PRESCRIBING is 200.00, less than the 200.01 to move"},
      {"transfer beyond the practices' budgets",
       testing::ProposeTransferCommand(y, p, "ELECTIVE", "400.01"),
       v1::ERROR_CODE_BUDGET_INSUFFICIENT,
       "the practices' budgets on 2026/27 PRESCRIBING sum to 400.00, less than the 400.01 to move"},
      {"approval of an entry that is no transfer", testing::ApproveTransferCommand(y, 19, "M01"),
       v1::ERROR_CODE_BUDGET_TRANSFER_UNKNOWN,
       "entry 19 is not a budget transfer proposed for 2026/27"},
      {"acknowledgement of an entry that is no run",
       testing::AcknowledgeCommand(y, p, "A81002", 19), v1::ERROR_CODE_NOTICE_UNKNOWN,
       "entry 19 is not an allocation run for 2026/27 PRESCRIBING"},
      {"acknowledgement of a run replaced", testing::AcknowledgeCommand(y, p, "A81002", 11),
       v1::ERROR_CODE_NOTICE_SUPERSEDED,
       "the run at entry 11 was replaced by the run at entry 12; acknowledge that one"},
      {"acknowledgement twice", testing::AcknowledgeCommand(y, p, "A81001", 12),
       v1::ERROR_CODE_NOTICE_ALREADY_ACKNOWLEDGED,
       "A81001 acknowledged the run at entry 12 already, at entry 13"},
      {"sign-up with a malformed hash", testing::SignMembershipCommand(y, "A81002", "ABC", 14),
       v1::ERROR_CODE_TERMS_HASH_MALFORMED, "64 lowercase hexadecimal characters"},
      {"sign-up on terms not in force",
       testing::SignMembershipCommand(
           y, "A81002", "0000000000000000000000000000000000000000000000000000000000000000", 14),
       v1::ERROR_CODE_MEMBERSHIP_TERMS_NOT_IN_FORCE,
       "the membership terms in force for 2026/27 are \"Terms 2026/27\" (SHA-256 "
       "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, entry 16), not the "
       "document 00000000..."},
      {"terms recorded again", testing::RecordTermsCommand(y, kTermsSha256, "Again"),
       v1::ERROR_CODE_MEMBERSHIP_TERMS_UNCHANGED,
       "those terms are in force for 2026/27 already, recorded at entry 16 as \"Terms 2026/27\""},
      {"terms with a malformed hash", testing::RecordTermsCommand(y, "abc"),
       v1::ERROR_CODE_TERMS_HASH_MALFORMED, "64 lowercase hexadecimal characters"},
      {"terms without a title", testing::RecordTermsCommand(y, std::string(64, 'a'), ""),
       v1::ERROR_CODE_NARRATIVE_INVALID, "the membership terms need a title of 1 to 200"},
      {"sign-up twice", testing::SignMembershipCommand(y, "A81001", kTermsSha256, 14),
       v1::ERROR_CODE_MEMBERSHIP_ALREADY_SIGNED,
       "A81001 signed these terms and this agreement for 2026/27 already, at entry 17"},
      {"leaving twice", testing::LeaveCommand("A81003", y), v1::ERROR_CODE_PRACTICE_LEFT,
       "A81003 has left already, at the end of 2026/27 (entry 18)"},
      {"leaving before a year with a budget", testing::LeaveCommand("A81001", "2025/26"),
       v1::ERROR_CODE_PRACTICE_ALLOCATED_LATER,
       "A81001 has a budget in 2026/27 (practice:A81001:budget:PRESCRIBING), after 2025/26"},
      {"journal into a budget account",
       JournalCommand("2025/26", "M01",
                      {{"practice:A81002:budget:PRESCRIBING", "1.00"},
                       {"pct:allocation:PRESCRIBING", "-1.00"}}),
       v1::ERROR_CODE_ACCOUNT_RESERVED, "is a budget, which moves only by the agreed method"},
      {"journal into a practice's reinvestment",
       JournalCommand("2025/26", "M01",
                      {{"practice:A81002:reinvestment", "-1.00"}, {"lcp:cash", "1.00"}}),
       v1::ERROR_CODE_ACCOUNT_RESERVED, "is moved only by the year's settlement"},
      {"journal into a practice's risk share",
       JournalCommand("2025/26", "M01",
                      {{"practice:A81002:risk_share", "1.00"}, {"lcp:cash", "-1.00"}}),
       v1::ERROR_CODE_ACCOUNT_RESERVED,
       "account \"practice:A81002:risk_share\" is moved only by the year's settlement "
       "(SettleYear), which applies the risk-sharing agreement"},
      {"journal into the PCT's risk share",
       JournalCommand("2025/26", "M01", {{"pct:risk_share", "1.00"}, {"lcp:cash", "-1.00"}}),
       v1::ERROR_CODE_ACCOUNT_RESERVED,
       "account \"pct:risk_share\" is moved only by the year's settlement"},
      {"journal into the PCT's allocation of a line",
       JournalCommand("2025/26", "M01",
                      {{"pct:allocation:PRESCRIBING", "-1.00"}, {"lcp:cash", "1.00"}}),
       v1::ERROR_CODE_ACCOUNT_RESERVED,
       "account \"pct:allocation:PRESCRIBING\" is the PCT's allocation of the line, the other "
       "side of its practices' budgets: it moves only with them, by an allocation run of the "
       "confirmed total (lcp capitation run) or an approved transfer (lcp budget transfer)"},
  };
}

class NoticeRefusal : public ::testing::TestWithParam<Refusal> {};

TEST_P(NoticeRefusal, HasItsCodeAndPostsNothing) {
  Journal journal;
  SetUpNoticesLedger(journal);
  ASSERT_EQ(journal.head_seq(), 21u);
  const std::string head_before = journal.head_hash();
  const Balances balances_before = journal.state().balances;
  const auto line_totals_before = journal.state().notices.line_totals;
  const auto transfers_before = journal.state().notices.transfers;
  const auto acknowledgements_before = journal.state().notices.acknowledgements;
  const auto signatures_before = journal.state().notices.signatures;
  const auto members_before = journal.state().notices.members;
  const std::size_t runs_before = journal.state().capitation.runs.size();
  const std::size_t years_before = journal.state().years.size();

  Result<v1::JournalRecord> result = journal.Submit(Request(GetParam().command, "refused-key"));

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(v1::ErrorCode_Name(result.status().code()), v1::ErrorCode_Name(GetParam().code))
      << result.status().message();
  EXPECT_NE(result.status().message().find(GetParam().message_part), std::string::npos)
      << "message: " << result.status().message();
  EXPECT_EQ(journal.head_seq(), 21u);
  EXPECT_EQ(journal.head_hash(), head_before);
  EXPECT_EQ(journal.state().balances, balances_before);
  EXPECT_EQ(journal.state().notices.line_totals.size(), line_totals_before.size());
  EXPECT_EQ(journal.state().notices.transfers.size(), transfers_before.size());
  EXPECT_EQ(journal.state().notices.acknowledgements.size(), acknowledgements_before.size());
  EXPECT_EQ(journal.state().notices.signatures.size(), signatures_before.size());
  EXPECT_EQ(journal.state().notices.members.size(), members_before.size());
  EXPECT_EQ(journal.state().capitation.runs.size(), runs_before);
  EXPECT_EQ(journal.state().years.size(), years_before);
  EXPECT_EQ(journal.state().entries[18].reversed_by, 0u);
}

INSTANTIATE_TEST_SUITE_P(AllChecks, NoticeRefusal, ::testing::ValuesIn(NoticeRefusals()),
                         [](const ::testing::TestParamInfo<Refusal>& param_info) {
                           return testing::TestName(param_info.param.name);
                         });

// The budgets the notices ledger's runs gave, in the ratio of the lists.
TEST(NoticeRefusal, LedgerHoldsTheRunsBudgets) {
  Journal journal;
  SetUpNoticesLedger(journal);
  EXPECT_EQ(Balance(journal, 2026, "practice:A81001:budget:PRESCRIBING"), "200.00");
  EXPECT_EQ(Balance(journal, 2026, "practice:A81002:budget:PRESCRIBING"), "100.00");
  EXPECT_EQ(Balance(journal, 2026, "practice:A81003:budget:PRESCRIBING"), "100.00");
  EXPECT_EQ(Balance(journal, 2026, "pct:allocation:PRESCRIBING"), "-400.00");
}

// Every engine refusal code has a case above, so that a new code cannot arrive untested.
TEST(EngineRefusal, EveryEngineCodeIsCovered) {
  std::set<int> covered;
  for (const Refusal& refusal : Refusals()) covered.insert(refusal.code);
  for (const Refusal& refusal : NoticeRefusals()) covered.insert(refusal.code);
  covered.insert(v1::ERROR_CODE_IDEMPOTENCY_KEY_INVALID);
  covered.insert(v1::ERROR_CODE_IDEMPOTENCY_KEY_REUSED);
  covered.insert(v1::ERROR_CODE_ACTOR_INVALID);
  covered.insert(v1::ERROR_CODE_REVERSAL_BACKDATED);
  covered.insert(v1::ERROR_CODE_UNKNOWN_FIELDS);
  covered.insert(v1::ERROR_CODE_SPLIT_WEIGHTS_INVALID);  // apportion_test.
  covered.insert(v1::ERROR_CODE_PERMISSION_DENIED);      // permissions_test.
  // notices_test, ATransferNeedsConfirmedLinesAndKeepsTheCommitments: it needs a contract.
  covered.insert(v1::ERROR_CODE_BUDGET_COMMITTED);
  for (int code = v1::ERROR_CODE_BAND_UNKNOWN; code <= v1::ERROR_CODE_ALLOCATION_TOTAL_INVALID; ++code) {
    covered.insert(code);  // capitation_test, CoversEveryCapitationCode.
  }
  for (int code = 200; code <= 202; ++code) covered.insert(code);  // capitation_test too.
  for (int code = v1::ERROR_CODE_CONTRACT_ID_MALFORMED; code <= v1::ERROR_CODE_ACCOUNT_RESERVED; ++code) {
    covered.insert(code);  // contracts_test, CoversEveryContractCode.
  }
  for (int code = v1::ERROR_CODE_MONTH_CLOSED; code <= v1::ERROR_CODE_CORRECTION_BACKDATED; ++code) {
    covered.insert(code);  // risk_sharing_test, CoversEveryRiskSharingCode.
  }
  covered.insert(v1::ERROR_CODE_YEAR_NOT_SETTLED);  // access_test: only the risk-share query.
  covered.insert(v1::ERROR_CODE_YEAR_NOT_CONTIGUOUS);  // risk_sharing_test too.
  for (int code = v1::ERROR_CODE_DECISION_TARGET_INVALID;
       code <= v1::ERROR_CODE_CASE_DECISION_MISSING; ++code) {
    covered.insert(code);  // cases_test: each business-case code with its message.
  }
  for (int code = 1; code < 500; ++code) {  // Engine codes: 1-49 and 200-499.
    if ((code >= 50 && code < 200) || !v1::ErrorCode_IsValid(code)) continue;
    EXPECT_TRUE(covered.contains(code)) << v1::ErrorCode_Name(static_cast<v1::ErrorCode>(code));
  }
}

}  // namespace
}  // namespace lcp

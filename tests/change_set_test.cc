// The engine's change-set (engine.h): what Decide states for each kind of command, the one generic
// Apply and the undo it derives, and the checks that stay on in every build (check.h).
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "ledger/base/chain.h"
#include "ledger/base/check.h"
#include "ledger/base/periods.h"
#include "ledger/base/state_digest.h"
#include "ledger/engine/engine.h"
#include "ledger/engine/journal.h"
#include "ledger/rules/notices.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

// An entry's envelope under the current rules, as the journal writes it.
v1::JournalEntry EnvelopeOf(const v1::Actor& actor) {
  v1::JournalEntry envelope;
  *envelope.mutable_actor() = actor;
  envelope.set_rules_version(kRulesVersionCurrent);
  return envelope;
}

using testing::MustSubmit;
using testing::Request;

v1::Command Parse(const std::string& text) {
  v1::Command command;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &command)) << text;
  return command;
}

v1::Actor ActorOf(const std::string& principal, v1::Role role) {
  v1::Actor actor;
  actor.set_principal_id(principal);
  actor.set_role(role);
  return actor;
}

const v1::Actor kOfficer = ActorOf("finance.officer", v1::ROLE_LCP_FINANCE);
const v1::Actor kSecondOfficer = ActorOf("second.officer", v1::ROLE_LCP_FINANCE);
const v1::Actor kPct = ActorOf("pct.finance", v1::ROLE_PCT_FINANCE);

// Registers C-1: RX1's community nursing on COMMUNITY, a BUY block of 1200.00 a year from 2026/27
// M01 to M12 of `end_year`.
v1::Command RegisterC1(const std::string& end_year) {
  v1::Command command = Parse(R"pb(register_contract {
                                     contract_id: "C-1"
                                     provider_code: "RX1"
                                     mode: CONTRACT_MODE_BUY
                                     budget_line: "COMMUNITY"
                                     start { year: "2026/27" month: "M01" }
                                     end { month: "M12" }
                                     terms {
                                       type: CONTRACT_TYPE_BLOCK
                                       annual_value { value: "1200.00" }
                                     }
                                     attribution: ATTRIBUTION_CAPITATION
                                     description: "Community nursing"
                                   })pb");
  command.mutable_register_contract()->mutable_end()->set_year(end_year);
  return command;
}

v1::JournalRecord MustSubmitAs(Journal& journal, const v1::Command& command,
                               const v1::Actor& actor) {
  v1::JournalEntry request = Request(command, "as-" + std::to_string(journal.head_seq() + 1));
  *request.mutable_actor() = actor;
  Result<v1::JournalRecord> record = journal.Submit(std::move(request));
  EXPECT_TRUE(record.ok()) << record.status().ToString();
  return record.ok() ? *record : v1::JournalRecord();
}

// Everything in a State, written out in a fixed order, so that two states can be compared whole:
// every field of every record (ledger/base/state_digest.h).
std::string Fingerprint(const State& state) { return DescribeState(state); }

// The SHA-256 of the LCP's membership terms that practices sign.
const std::string kTermsSha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

// Every kind of command, in an order that makes each one acceptable: after the standard ledger
// (three practices, RX1, 2026/27), capitation of a confirmed total, the notice acknowledged, a
// budget transfer proposed and approved, a journal and its reversal, a contract's whole life, an
// agreement co-signed and signed up to, a practice leaving after 2027/28, twelve month closes and
// the settlement, then the next year, which commits the contract running into it.
std::vector<v1::JournalRecord> SubmitEveryKind(Journal& journal) {
  std::vector<v1::JournalRecord> records;
  auto MustSubmit = [&](Journal& j, const v1::Command& command) {
    records.push_back(testing::MustSubmit(j, command));
    return records.back();
  };
  auto MustSubmitAs = [&](Journal& j, const v1::Command& command, const v1::Actor& actor) {
    records.push_back(lcp::MustSubmitAs(j, command, actor));
    return records.back();
  };
  MustSubmit(journal, testing::RegisterPracticeCommand("A81004", "Brookside Surgery"));
  MustSubmit(journal, testing::RegisterProviderCommand("NLO01"));
  MustSubmit(journal, testing::WeightsCommand("2026/27", "COMMUNITY", "1.5"));
  MustSubmit(journal, testing::ListCommand("2026-03-01", "A81001", {{"FEMALE_30_34", 3}}));
  MustSubmit(journal, testing::ListCommand("2026-03-01", "A81002", {{"MALE_0_4", 1}}));
  MustSubmit(journal, testing::ListCommand("2026-03-01", "A81003", {{"MALE_0_4", 2}}));
  MustSubmit(journal, testing::ListCommand("2026-03-01", "A81004", {{"FEMALE_90_94", 1}}));
  MustSubmit(journal, testing::IndicesCommand("2026/27", {{"A81002", "1.2", "0.9"}}));
  MustSubmit(journal, testing::ConfirmTotalCommand("2026/27", "COMMUNITY", "1000.00"));
  const v1::JournalRecord run =
      MustSubmit(journal, testing::RunCommand("2026/27", "M01", "COMMUNITY", "1000.00"));
  MustSubmit(journal, testing::AcknowledgeCommand("2026/27", "COMMUNITY", "A81001", run.seq()));
  // A transfer between lines moves both lines' confirmed totals, so both have one.
  MustSubmit(journal, testing::ConfirmTotalCommand("2026/27", "ELECTIVE", "500.00"));
  const v1::JournalRecord transfer = MustSubmit(
      journal,
      testing::ProposeTransferCommand("2026/27", "COMMUNITY", "ELECTIVE", "1.00", "A81001"));
  MustSubmit(journal, testing::ApproveTransferCommand("2026/27", transfer.seq(), "M01"));
  const v1::JournalRecord between = MustSubmit(
      journal,
      testing::PracticeTransferCommand("2026/27", "COMMUNITY", "0.50", "A81003", "A81002"));
  MustSubmit(journal, testing::ApproveTransferCommand("2026/27", between.seq(), "M01"));
  // A reversal goes into the current month, M01.
  const v1::JournalRecord invoice = MustSubmit(
      journal,
      testing::JournalCommand(
          "2026/27", "M01", {{"practice:A81001:spend:ELECTIVE", "12.50"}, {"lcp:cash", "-12.50"}}));
  MustSubmit(journal, testing::ReverseCommand(invoice.seq(), "2026/27", "M01"));
  MustSubmitAs(journal, RegisterC1("2027/28"), kOfficer);
  MustSubmitAs(journal, Parse(R"pb(declare_interest {
                                     ods_code: "A81001"
                                     contract_id: "C-1"
                                     description: "a partner's share"
                                   })pb"),
               kOfficer);
  MustSubmitAs(journal, Parse(R"pb(approve_contract {
                                     contract_id: "C-1"
                                     period { year: "2026/27" month: "M02" }
                                   })pb"),
               kPct);
  MustSubmitAs(journal, Parse(R"pb(post_payment {
                                     contract_id: "C-1"
                                     period { year: "2026/27" month: "M03" }
                                     amount { value: "100.00" }
                                     invoice_reference: "INV-1"
                                   })pb"),
               kOfficer);
  MustSubmitAs(journal, Parse(R"pb(vary_contract {
                                     contract_id: "C-1"
                                     terms {
                                       type: CONTRACT_TYPE_BLOCK
                                       annual_value { value: "2400.00" }
                                     }
                                     reason: "more visits"
                                   })pb"),
               kOfficer);
  const v1::JournalRecord proposal =
      MustSubmit(journal, testing::ProposeAgreementCommand("2026/27", testing::WorkedExampleTerms(),
                                                           0, "agreed after the year began"));
  MustSubmit(journal, testing::CosignAgreementCommand("2026/27", proposal.seq()));
  MustSubmit(journal, testing::RecordTermsCommand("2026/27", kTermsSha256));
  MustSubmit(journal,
             testing::SignMembershipCommand("2026/27", "A81001", kTermsSha256, proposal.seq()));
  MustSubmit(journal, testing::LeaveCommand("A81004", "2027/28"));
  for (int month = 1; month <= kMonthsPerYear; ++month) {
    MustSubmit(journal, testing::CloseMonthCommand("2026/27", FormatMonth(month)));
  }
  MustSubmit(journal, testing::SettleYearCommand("2026/27"));
  MustSubmit(journal, testing::OpenYearCommand("2027/28", {"COMMUNITY"}));
  return records;
}

// Taking back a group that holds every kind of change leaves the state exactly as it was, field by
// field: the undo Apply derives from each change is its exact inverse.
TEST(ChangeSet, UndoOfEveryKindOfChangeRestoresTheWholeState) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  const std::string before = Fingerprint(journal.state());
  journal.BeginGroup();
  SubmitEveryKind(journal);
  ASSERT_EQ(journal.head_seq(), 5u + 42u);
  const std::string during = Fingerprint(journal.state());
  journal.EndGroup(/*keep=*/false);
  EXPECT_EQ(Fingerprint(journal.state()), before);
  EXPECT_NE(during, before);

  // And the same commands again, kept, give the same state as the first time: nothing of the undone
  // group lingers (an account number, a key, a version).
  journal.BeginGroup();
  SubmitEveryKind(journal);
  journal.EndGroup(/*keep=*/true);
  EXPECT_EQ(Fingerprint(journal.state()), during);
}

// A replay folds the recorded change-sets into the same state, field by field, and the entry that
// opens the next year commits the contract that runs into it.
TEST(ChangeSet, ReplayOfEveryKindReproducesTheWholeState) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  const std::vector<v1::JournalRecord> records = SubmitEveryKind(journal);
  EXPECT_EQ(journal.state().entries.back().irreversible, Irreversible::kContract);
  EXPECT_EQ(journal.state().contracts.by_id.at("C-1")->years.at(2027).outstanding,
            120'000);  // The variation is still pending.
  Journal replayer;
  testing::SetUpStandardLedger(replayer);
  for (const v1::JournalRecord& record : records) {
    const Status status = replayer.Replay(record);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_EQ(Fingerprint(replayer.state()), Fingerprint(journal.state()));
}

// What Decide states for each kind of command: its changes, and whether its entry may be reversed.
struct Expected {
  std::string name;
  std::vector<std::size_t> kinds;  // Change::index() of each change, in order.
  Irreversible irreversible;
  bool posts;
};

TEST(ChangeSet, DecideStatesEachCommandsChangesAndReversibility) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  std::vector<std::pair<std::string, ChangeSet>> decided;
  // Decide on the state as it stands before each command, then submit it to move on.
  auto decide = [&](const std::string& name, const v1::Command& command, const v1::Actor& actor) {
    Result<ChangeSet> changes = Decide(journal.state(), command, EnvelopeOf(actor));
    ASSERT_TRUE(changes.ok()) << name << ": " << changes.status().ToString();
    decided.emplace_back(name, *changes);
    MustSubmitAs(journal, command, actor);
  };
  const v1::Actor admin = ActorOf("admin", v1::ROLE_ADMIN);
  decide("register practice", testing::RegisterPracticeCommand("A81004"), admin);
  decide("weights", testing::WeightsCommand("2026/27", "COMMUNITY", "1.5"), kOfficer);
  decide("list", testing::ListCommand("2026-03-01", "A81001", {{"FEMALE_30_34", 3}}), kOfficer);
  for (const char* ods : {"A81002", "A81003", "A81004"}) {
    MustSubmitAs(journal, testing::ListCommand("2026-03-01", ods, {{"MALE_0_4", 2}}), kOfficer);
  }
  decide("indices", testing::IndicesCommand("2026/27", {{"A81001", "1.2", ""}}), kOfficer);
  decide("confirm", testing::ConfirmTotalCommand("2026/27", "COMMUNITY", "1000.00"), kPct);
  const std::uint64_t run_seq = journal.head_seq() + 1;
  decide("run", testing::RunCommand("2026/27", "M01", "COMMUNITY", "1000.00"), kOfficer);
  const v1::Actor riverside = [] {
    v1::Actor actor = ActorOf("practice.A81001", v1::ROLE_PRACTICE);
    actor.set_practice_ods_code("A81001");
    return actor;
  }();
  decide("acknowledge", testing::AcknowledgeCommand("2026/27", "COMMUNITY", "A81001", run_seq),
         riverside);
  MustSubmitAs(journal, testing::ConfirmTotalCommand("2026/27", "ELECTIVE", "500.00"), kPct);
  const std::uint64_t transfer_seq = journal.head_seq() + 1;
  decide("propose transfer",
         testing::ProposeTransferCommand("2026/27", "COMMUNITY", "ELECTIVE", "1.00", "A81001"),
         kOfficer);
  decide("approve transfer", testing::ApproveTransferCommand("2026/27", transfer_seq, "M01"), kPct);
  decide("transfer between practices",
         testing::PracticeTransferCommand("2026/27", "COMMUNITY", "0.50", "A81001", "A81002"),
         kOfficer);
  decide("approve it", testing::ApproveTransferCommand("2026/27", transfer_seq + 2, "M01"), kPct);
  // A reversal goes into the current month, M01.
  decide("journal",
         testing::JournalCommand(
             "2026/27", "M01", {{"practice:A81001:spend:ELECTIVE", "1.00"}, {"lcp:cash", "-1.00"}}),
         kOfficer);
  decide("reversal", testing::ReverseCommand(journal.head_seq(), "2026/27", "M01"), kOfficer);
  decide("register contract", RegisterC1("2026/27"), kOfficer);
  decide(
      "interest",
      Parse(R"pb(declare_interest { ods_code: "A81001" provider_code: "RX1" description: "x" })pb"),
      kOfficer);
  decide("approve", Parse(R"pb(approve_contract {
                                 contract_id: "C-1"
                                 period { year: "2026/27" month: "M02" }
                               })pb"),
         kPct);
  decide("payment", Parse(R"pb(post_payment {
                                 contract_id: "C-1"
                                 period { year: "2026/27" month: "M03" }
                                 amount { value: "100.00" }
                                 invoice_reference: "INV-1"
                               })pb"),
         kOfficer);
  const std::uint64_t proposal_seq = journal.head_seq() + 1;
  decide("propose",
         testing::ProposeAgreementCommand("2026/27", testing::WorkedExampleTerms(), 0, "late"),
         kOfficer);
  decide("cosign", testing::CosignAgreementCommand("2026/27", proposal_seq), kPct);
  decide("terms", testing::RecordTermsCommand("2026/27", kTermsSha256), kOfficer);
  decide("sign", testing::SignMembershipCommand("2026/27", "A81001", kTermsSha256, proposal_seq),
         riverside);
  decide("leave", testing::LeaveCommand("A81001", "2027/28"), riverside);
  const std::uint64_t before_close_seq = journal.head_seq();
  for (int month = 1; month <= kMonthsPerYear; ++month) {
    decide("close " + FormatMonth(month), testing::CloseMonthCommand("2026/27", FormatMonth(month)),
           kOfficer);
  }
  decide("settle", testing::SettleYearCommand("2026/27"), kOfficer);

  constexpr std::size_t kPractice = 0, kYear = 2, kContract = 3, kInterest = 4, kInvoice = 5,
                        kWeights = 6, kList = 7, kIndices = 8, kAllocation = 9, kReversed = 10,
                        kLineTotals = 11, kTransfer = 12, kAcknowledgement = 13, kSignature = 14,
                        kMemberStatus = 15, kMembershipTerms = 16, kCase = 17;
  // A new kind of change gets a name here and a command above that states it. PutCase (kCase) needs
  // a reserve these books never have: tests/cases_test.cc states each case command's changes.
  static_assert(std::variant_size_v<Change> == kCase + 1);
  const std::vector<Expected> expected = {
      {"register practice", {kPractice}, Irreversible::kNo, false},
      {"weights", {kWeights}, Irreversible::kNo, false},
      {"list", {kList}, Irreversible::kNo, false},
      {"indices", {kIndices}, Irreversible::kNo, false},
      {"confirm", {kLineTotals}, Irreversible::kNo, false},
      {"run", {kAllocation}, Irreversible::kAllocation, true},
      {"acknowledge", {kAcknowledgement}, Irreversible::kNo, false},
      {"propose transfer", {kTransfer}, Irreversible::kNo, false},
      // Between lines, the approval confirms both lines' new totals.
      {"approve transfer", {kLineTotals, kLineTotals, kTransfer}, Irreversible::kNo, true},
      {"transfer between practices", {kTransfer}, Irreversible::kNo, false},
      {"approve it", {kTransfer}, Irreversible::kNo, true},
      {"journal", {}, Irreversible::kNo, true},
      {"reversal", {kReversed}, Irreversible::kNo, true},
      {"register contract", {kContract}, Irreversible::kContract, false},
      {"interest", {kInterest}, Irreversible::kNo, false},
      {"approve", {kContract}, Irreversible::kContract, true},
      {"payment", {kContract, kInvoice}, Irreversible::kContract, true},
      {"propose", {kYear}, Irreversible::kNo, false},
      {"cosign", {kYear}, Irreversible::kNo, false},
      {"terms", {kMembershipTerms}, Irreversible::kNo, false},
      {"sign", {kSignature}, Irreversible::kNo, false},
      {"leave", {kMemberStatus}, Irreversible::kNo, false},
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& [name, changes] = decided[i];
    ASSERT_EQ(name, expected[i].name);
    std::vector<std::size_t> kinds;
    for (const Change& change : changes.changes) kinds.push_back(change.index());
    EXPECT_EQ(kinds, expected[i].kinds) << name;
    EXPECT_EQ(changes.irreversible, expected[i].irreversible) << name;
    EXPECT_EQ(!changes.legs.empty(), expected[i].posts) << name;
    EXPECT_FALSE(changes.checkpoint) << name;
  }
  // A month close records the chain head before it and puts the year's new value.
  const ChangeSet& close = decided[expected.size()].second;
  ASSERT_TRUE(close.checkpoint);
  EXPECT_EQ(close.checkpoint->seq, before_close_seq);
  ASSERT_EQ(close.changes.size(), 1u);
  EXPECT_EQ(std::get<PutYear>(close.changes[0]).year.closes.back().month, 1);
  // The settlement is the year's closing entry: never reversible, though it releases a contract.
  const ChangeSet& settle = decided.back().second;
  EXPECT_EQ(settle.irreversible, Irreversible::kSettlement);
  ASSERT_EQ(settle.changes.size(), 2u);
  EXPECT_EQ(std::get<PutYear>(settle.changes[0]).year.settled_seq, journal.head_seq());
  EXPECT_EQ(std::get<PutContract>(settle.changes[1]).contract->id, "C-1");
  EXPECT_EQ(settle.year, 2026);
  EXPECT_EQ(settle.month, 12);
}

// LCP_CHECK stays on in this build (RelWithDebInfo defines NDEBUG, which turns `assert` off) and
// names the file, the line, the condition, the values and any context.
TEST(ChecksDeathTest, FailedChecksAbortWithTheConditionAndTheValues) {
#ifndef NDEBUG
  GTEST_SKIP() << "meaningful in a build with NDEBUG, where assert is off";
#endif
  const int three = 3;
  EXPECT_DEATH(LCP_CHECK(three == 4), "change_set_test.cc:[0-9]+: check failed: three == 4");
  EXPECT_DEATH(LCP_CHECK_EQ(three, 4) << "entry " << 12,
               "check failed: three == 4 \\(3 vs 4\\): entry 12");
  EXPECT_DEATH(LCP_CHECK_LT(Int(5), Int(2)), "check failed: Int\\(5\\) < Int\\(2\\) \\(5 vs 2\\)");
  LCP_CHECK_EQ(three, 3);  // A check that holds does nothing.
}

// Apply refuses to fold in legs that do not balance, year by year: a bug in a Decide would
// otherwise reach the books.
TEST(ChecksDeathTest, ApplyStopsOnLegsThatDoNotBalance) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  ChangeSet unbalanced;
  unbalanced.year = 2026;
  unbalanced.month = 1;
  unbalanced.legs = {Leg{"lcp:cash", Money::FromPence(100)},
                     Leg{"pct:funding", Money::FromPence(-99)}};
  State state = journal.state();
  EXPECT_DEATH(Apply(state, unbalanced), "entry 6's legs do not sum to zero");
  // Balanced overall but not within each year: a leg in its own period counts in its own year.
  ChangeSet across_years;
  across_years.year = 2026;
  across_years.month = 12;
  across_years.legs = {Leg{"lcp:cash", Money::FromPence(100)},
                       Leg{"pct:funding", Money::FromPence(-100), 2027, 1}};
  EXPECT_DEATH(Apply(state, across_years), "entry 6's legs in 2026/27 do not sum to zero");
}

// At a month close Apply recomputes every balance from the kept legs; a balance that has drifted
// from them stops the process before the close is recorded.
TEST(ChecksDeathTest, AMonthCloseStopsOnABalanceThatDiffersFromItsLegs) {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  MustSubmit(journal, testing::JournalCommand("2026/27", "M01",
                                              {{"lcp:cash", "5.00"}, {"pct:funding", "-5.00"}}));
  EXPECT_EQ(BalancesDifferFromLegs(journal.state()), std::nullopt);
  State state = journal.state();
  state.balances.at(2026).at("lcp:cash") += 1;
  EXPECT_EQ(BalancesDifferFromLegs(state), "2026/27 lcp:cash: balance 5.01, legs 5.00");
  Result<ChangeSet> close =
      Decide(state, testing::CloseMonthCommand("2026/27", "M01"), EnvelopeOf(kOfficer));
  ASSERT_TRUE(close.ok()) << close.status().ToString();
  EXPECT_DEATH(Apply(state, *close),
               "at the month close of entry 7, 2026/27 lcp:cash: balance 5.01, legs 5.00");
  state.balances.at(2026).emplace("lcp:reserve", 0);
  state.balances.at(2026).at("lcp:cash") -= 1;
  EXPECT_EQ(BalancesDifferFromLegs(state), "2 accounts have legs, but 3 have balances");
}

// A record read back whose postings do not sum to zero is refused before anything else is believed
// of it, even when its chain is intact (a forger who re-hashed every record after it).
TEST(ChangeSet, ReplayRefusesARecordWhosePostingsDoNotBalance) {
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(records[6].body()));  // Entry 7: an invoice of 4250.10.
  entry.mutable_postings(0)->mutable_amount()->set_value("4250.11");
  std::string body;
  ASSERT_TRUE(entry.SerializeToString(&body));
  records[6] = MakeRecord(7, records[5].hash(), std::move(body));
  Journal replayer;
  for (std::size_t i = 0; i < 6; ++i) ASSERT_TRUE(replayer.Replay(records[i]).ok());
  const Status status = replayer.Replay(records[6]);
  EXPECT_EQ(status.code(), v1::ERROR_CODE_REPLAY_MISMATCH);
  EXPECT_EQ(status.message(), "record 7: its recorded postings sum to 0.01, not 0.00");
  EXPECT_EQ(replayer.head_seq(), 6u);

  entry.mutable_postings(0)->mutable_amount()->set_value("4,250.10");
  ASSERT_TRUE(entry.SerializeToString(&body));
  const Status unreadable = replayer.Replay(MakeRecord(7, records[5].hash(), std::move(body)));
  EXPECT_EQ(unreadable.code(), v1::ERROR_CODE_REPLAY_MISMATCH);
  EXPECT_EQ(unreadable.message().rfind(
                "record 7: its recorded postings carry an amount that is not money (", 0),
            0u)
      << unreadable.message();
}

}  // namespace
}  // namespace lcp

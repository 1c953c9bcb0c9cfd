// The permission matrix through the journal: every role against every kind of command, on the way in
// and on replay; and which accounts each role may read.
#include "ledger/rules/permissions.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "ledger/base/chain.h"
#include "ledger/base/periods.h"
#include "ledger/engine/journal.h"
#include "ledger/rules/notices.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::JournalCommand;
using testing::OpenYearCommand;
using testing::RegisterPracticeCommand;
using testing::RegisterProviderCommand;
using testing::Request;
using testing::ReverseCommand;

v1::Actor ActorFor(v1::Role role, const std::string& practice = "") {
  v1::Actor actor;
  actor.set_principal_id("someone@lcp");
  actor.set_role(role);
  actor.set_practice_ods_code(role == v1::ROLE_PRACTICE && practice.empty() ? "A81001" : practice);
  return actor;
}

// A BUY contract with RX1 on PRESCRIBING for 2026/27: 12.00 a year, attributed by capitation.
v1::Command ContractCommand(const std::string& id) {
  v1::Command command;
  v1::RegisterContract* c = command.mutable_register_contract();
  c->set_contract_id(id);
  c->set_provider_code("RX1");
  c->set_mode(v1::CONTRACT_MODE_BUY);
  c->set_budget_line("PRESCRIBING");
  c->mutable_start()->set_year("2026/27");
  c->mutable_start()->set_month("M01");
  c->mutable_end()->set_year("2026/27");
  c->mutable_end()->set_month("M12");
  c->mutable_terms()->set_type(v1::CONTRACT_TYPE_BLOCK);
  c->mutable_terms()->mutable_annual_value()->set_value("12.00");
  c->set_attribution(v1::ATTRIBUTION_CAPITATION);
  c->set_description("Medicines optimisation");
  return command;
}

// A risk-sharing agreement's terms: half of either side to the LCP, all by budget.
v1::AgreementTerms MatrixTerms() {
  const v1::ShareTerms half = testing::ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"0.5"}, "");
  return testing::AgreementTermsOf({"PRESCRIBING"}, half, half, "1", "0");
}

const std::string kTermsSha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

// One valid command of each kind, given the ledger of SetUpMatrixLedger.
std::map<std::string, v1::Command> OneOfEachKind() {
  return {
      {"register_practice", RegisterPracticeCommand("A81009")},
      {"register_provider", RegisterProviderCommand("RX9")},
      {"open_year", OpenYearCommand("2027/28", {"PRESCRIBING"})},
      {"post_journal",
       JournalCommand("2026/27", "M02", {{"lcp:cash", "10.00"}, {"pct:funding", "-10.00"}})},
      {"reverse_entry", ReverseCommand(6, "2026/27", "M01")},  // The current month.
      {"set_band_weights", testing::WeightsCommand("2026/27", "COMMUNITY")},
      {"record_population", testing::ListCommand("2026-08-01", "A81001", {{"MALE_0_4", 3}})},
      {"set_practice_indices", testing::IndicesCommand("2026/27", {{"A81001", "1.2", ""}})},
      {"run_allocation", testing::RunCommand("2026/27", "M02", "PRESCRIBING", "", 12)},
      {"register_contract", ContractCommand("C-9")},
      {"declare_interest",
       [] {
         v1::Command command;
         command.mutable_declare_interest()->set_ods_code("A81001");
         command.mutable_declare_interest()->set_provider_code("RX1");
         command.mutable_declare_interest()->set_description("A partner is a trustee of RX1");
         return command;
       }()},
      {"approve_contract",
       [] {
         v1::Command command;
         command.mutable_approve_contract()->set_contract_id("C-1");
         command.mutable_approve_contract()->mutable_period()->set_year("2026/27");
         command.mutable_approve_contract()->mutable_period()->set_month("M02");
         return command;
       }()},
      {"vary_contract",
       [] {
         v1::Command command;
         command.mutable_vary_contract()->set_contract_id("C-2");
         *command.mutable_vary_contract()->mutable_terms() =
             ContractCommand("C-2").register_contract().terms();
         command.mutable_vary_contract()->set_reason("More");
         return command;
       }()},
      {"post_payment",
       [] {
         v1::Command command;
         command.mutable_post_payment()->set_contract_id("C-2");
         command.mutable_post_payment()->mutable_period()->set_year("2026/27");
         command.mutable_post_payment()->mutable_period()->set_month("M02");
         command.mutable_post_payment()->mutable_amount()->set_value("1.00");
         command.mutable_post_payment()->set_invoice_reference("INV-1");
         return command;
       }()},
      {"close_contract",
       [] {
         v1::Command command;
         command.mutable_close_contract()->set_contract_id("C-2");
         command.mutable_close_contract()->mutable_period()->set_year("2026/27");
         command.mutable_close_contract()->mutable_period()->set_month("M02");
         command.mutable_close_contract()->set_reason("Ended");
         return command;
       }()},
      {"propose_agreement", testing::ProposeAgreementCommand("2026/27", MatrixTerms(), 0, "Late")},
      {"cosign_agreement", testing::CosignAgreementCommand("2026/27", 31)},
      {"close_month", testing::CloseMonthCommand("2026/27", "M01")},
      {"settle_year", testing::SettleYearCommand("2025/26")},
      {"confirm_line_total", testing::ConfirmTotalCommand("2026/27", "COMMUNITY", "50.00")},
      {"propose_budget_transfer",
       testing::PracticeTransferCommand("2026/27", "PRESCRIBING", "1.00", "A81001", "A81002")},
      {"approve_budget_transfer", testing::ApproveTransferCommand("2026/27", 32, "M02")},
      {"acknowledge_notice", testing::AcknowledgeCommand("2026/27", "PRESCRIBING", "A81001", 12)},
      {"sign_membership", testing::SignMembershipCommand("2025/26", "A81001", kTermsSha256, 17)},
      {"leave_lcp", testing::LeaveCommand("A81001", "2026/27")},
      {"record_membership_terms",
       testing::RecordTermsCommand("2026/27", std::string(64, 'b'), "Terms 2026/27")},
  };
}

// The matrix as README.md states it, written out here rather than read from the code's table.
const std::map<v1::Role, std::set<std::string>> kMayIssue = {
    {v1::ROLE_ADMIN, {"register_practice", "register_provider", "open_year"}},
    {v1::ROLE_LCP_FINANCE,
     {"post_journal",
      "reverse_entry",
      "set_band_weights",
      "record_population",
      "set_practice_indices",
      "run_allocation",
      "register_contract",
      "declare_interest",
      "approve_contract",
      "vary_contract",
      "post_payment",
      "close_contract",
      "propose_agreement",
      "close_month",
      "settle_year",
      "propose_budget_transfer",
      "leave_lcp",
      "record_membership_terms",
      "submit_case",
      "request_case_information",
      "answer_case",
      "decide_case",
      "withdraw_case",
      "close_case",
      "draw_down_case"}},
    {v1::ROLE_PCT_FINANCE,
     {"approve_contract", "cosign_agreement", "confirm_line_total", "approve_budget_transfer",
      "request_case_information", "decide_case"}},
    {v1::ROLE_PRACTICE,
     {"declare_interest", "acknowledge_notice", "sign_membership", "leave_lcp", "submit_case",
      "consent_case", "answer_case", "withdraw_case"}},
    {v1::ROLE_AUDITOR, {}},
    {v1::ROLE_LOCAL_ADMIN,
     {"register_practice",
      "register_provider",
      "open_year",
      "post_journal",
      "reverse_entry",
      "set_band_weights",
      "record_population",
      "set_practice_indices",
      "run_allocation",
      "register_contract",
      "declare_interest",
      "approve_contract",
      "vary_contract",
      "post_payment",
      "close_contract",
      "propose_agreement",
      "cosign_agreement",
      "close_month",
      "settle_year",
      "confirm_line_total",
      "propose_budget_transfer",
      "approve_budget_transfer",
      "acknowledge_notice",
      "sign_membership",
      "leave_lcp",
      "record_membership_terms",
      "submit_case",
      "consent_case",
      "request_case_information",
      "answer_case",
      "decide_case",
      "withdraw_case",
      "close_case",
      "draw_down_case"}},
};

const std::map<std::string, std::string> kDeniedMessage = {
    {"register_practice", "may not register a practice; ask a principal with role ADMIN"},
    {"register_provider", "may not register a provider; ask a principal with role ADMIN"},
    {"open_year", "may not open a year; ask a principal with role ADMIN"},
    {"post_journal", "may not post a journal; ask a principal with role LCP_FINANCE"},
    {"reverse_entry", "may not reverse an entry; ask a principal with role LCP_FINANCE"},
    {"set_band_weights", "may not set band weights; ask a principal with role LCP_FINANCE"},
    {"record_population",
     "may not record a registered list; ask a principal with role LCP_FINANCE"},
    {"set_practice_indices", "may not set practice indices; ask a principal with role LCP_FINANCE"},
    {"run_allocation",
     "may not run a capitation allocation; ask a principal with role LCP_FINANCE"},
    {"register_contract", "may not register a contract; ask a principal with role LCP_FINANCE"},
    {"declare_interest",
     "may not declare an interest; ask a principal with role LCP_FINANCE or PRACTICE"},
    {"approve_contract",
     "may not approve a contract or variation; ask a principal with role LCP_FINANCE or "
     "PCT_FINANCE"},
    {"vary_contract",
     "may not propose a contract variation; ask a principal with role LCP_FINANCE"},
    {"post_payment", "may not post a contract payment; ask a principal with role LCP_FINANCE"},
    {"close_contract", "may not close a contract; ask a principal with role LCP_FINANCE"},
    {"propose_agreement",
     "may not propose a risk-sharing agreement; ask a principal with role LCP_FINANCE"},
    {"cosign_agreement",
     "may not co-sign a risk-sharing agreement; ask a principal with role PCT_FINANCE"},
    {"close_month", "may not close a month; ask a principal with role LCP_FINANCE"},
    {"settle_year", "may not settle a year; ask a principal with role LCP_FINANCE"},
    {"record_membership_terms",
     "may not record the membership terms; ask a principal with role LCP_FINANCE"},
    {"confirm_line_total", "may not confirm a line total; ask a principal with role PCT_FINANCE"},
    {"propose_budget_transfer",
     "may not propose a budget transfer; ask a principal with role LCP_FINANCE"},
    {"approve_budget_transfer",
     "may not approve a budget transfer; ask a principal with role PCT_FINANCE"},
    {"acknowledge_notice",
     "may not acknowledge a budget notice; ask a principal with role PRACTICE"},
    {"sign_membership", "may not sign up for a year; ask a principal with role PRACTICE"},
    {"leave_lcp", "may not leave the LCP; ask a principal with role LCP_FINANCE or PRACTICE"},
    {"submit_case",
     "may not submit a business case; ask a principal with role LCP_FINANCE or PRACTICE"},
    {"consent_case", "may not consent to a business case; ask a principal with role PRACTICE"},
    {"request_case_information",
     "may not ask a business case's proposer for information; ask a principal with role "
     "LCP_FINANCE or PCT_FINANCE"},
    {"answer_case",
     "may not answer a question on a business case; ask a principal with role LCP_FINANCE or "
     "PRACTICE"},
    {"decide_case",
     "may not decide a business case; ask a principal with role LCP_FINANCE or PCT_FINANCE"},
    {"withdraw_case",
     "may not withdraw a business case; ask a principal with role LCP_FINANCE or PRACTICE"},
    {"close_case", "may not close a business case; ask a principal with role LCP_FINANCE"},
    {"draw_down_case", "may not draw down a business case; ask a principal with role LCP_FINANCE"},
};

// The business-case commands (rules 7) against the same matrix, at the permission check itself:
// whether a case command then succeeds depends on the case (tests/cases_test.cc).
TEST(Permissions, EveryRoleAgainstEveryBusinessCaseCommand) {
  std::map<std::string, v1::Command> kinds;
  kinds["submit_case"].mutable_submit_case();
  kinds["consent_case"].mutable_consent_case();
  kinds["request_case_information"].mutable_request_case_information();
  kinds["answer_case"].mutable_answer_case();
  kinds["decide_case"].mutable_decide_case();
  kinds["withdraw_case"].mutable_withdraw_case();
  kinds["close_case"].mutable_close_case();
  kinds["draw_down_case"].mutable_draw_down_case();
  int cells = 0;
  for (const auto& [role, allowed] : kMayIssue) {
    for (const auto& [kind, command] : kinds) {
      SCOPED_TRACE(RoleName(role) + " " + kind);
      const Status status = CheckMayIssue(ActorFor(role), command);
      if (allowed.contains(kind)) {
        EXPECT_TRUE(status.ok()) << status.ToString();
      } else {
        EXPECT_EQ(status.code(), v1::ERROR_CODE_PERMISSION_DENIED);
        EXPECT_EQ(status.message(), "role " + RoleName(role) + " " + kDeniedMessage.at(kind));
      }
      ++cells;
    }
  }
  EXPECT_EQ(cells, 48);  // 6 roles x 8 case commands.
}

// The standard ledger, then a journal (6), PRESCRIBING weights and lists (7-10), its total
// confirmed (11) and a run (12), a draft contract C-1 (13) and an approved contract C-2 (14, 15),
// both proposed by finance.officer; then 2025/26 opened (16) with an agreement (17, 18) and every
// month closed (19-30), so that it may be settled; a proposal for 2026/27 awaiting co-signature
// (31); and a budget transfer awaiting approval (32), proposed by finance.officer.
void SetUpMatrixLedger(Journal& journal) {
  testing::SetUpStandardLedger(journal);
  testing::MustSubmit(journal, JournalCommand("2026/27", "M01",
                                              {{"lcp:cash", "5.00"}, {"pct:funding", "-5.00"}}));
  testing::MustSubmit(journal, testing::WeightsCommand("2026/27", "PRESCRIBING"));
  for (const std::string ods : {"A81001", "A81002", "A81003"}) {
    testing::MustSubmit(journal, testing::ListCommand("2026-05-01", ods, {{"MALE_0_4", 10}}));
  }
  testing::MustRun(journal, testing::RunCommand("2026/27", "M01", "PRESCRIBING", "30.00"));
  testing::MustSubmit(journal, ContractCommand("C-1"));
  testing::MustSubmit(journal, ContractCommand("C-2"));
  v1::Command approve;
  approve.mutable_approve_contract()->set_contract_id("C-2");
  approve.mutable_approve_contract()->mutable_period()->set_year("2026/27");
  approve.mutable_approve_contract()->mutable_period()->set_month("M01");
  v1::JournalEntry request = Request(approve, "approve-c2");
  request.mutable_actor()->set_principal_id("pct.finance");
  request.mutable_actor()->set_role(v1::ROLE_PCT_FINANCE);
  ASSERT_TRUE(journal.Submit(request).ok());
  testing::MustSubmit(journal, OpenYearCommand("2025/26", {"PRESCRIBING"}));
  testing::MustSubmit(journal, testing::ProposeAgreementCommand("2025/26", MatrixTerms()));
  testing::MustSubmit(journal, testing::CosignAgreementCommand("2025/26", 17));
  for (int month = 1; month <= 12; ++month) {
    testing::MustSubmit(journal, testing::CloseMonthCommand("2025/26", FormatMonth(month)));
  }
  testing::MustSubmit(journal, testing::ProposeAgreementCommand("2026/27", MatrixTerms(), 0, "Late"));
  testing::MustSubmit(journal, testing::PracticeTransferCommand("2026/27", "PRESCRIBING", "3.00",
                                                                "A81001", "A81002"));
  testing::MustSubmit(journal, testing::RecordTermsCommand("2025/26", kTermsSha256));
  ASSERT_EQ(journal.head_seq(), 33u);
}

TEST(Permissions, EveryRoleAgainstEveryCommandKind) {
  int cells = 0;
  for (const auto& [role, allowed] : kMayIssue) {
    for (const auto& [kind, command] : OneOfEachKind()) {
      SCOPED_TRACE(RoleName(role) + " " + kind);
      Journal journal;
      SetUpMatrixLedger(journal);
      v1::JournalEntry request = Request(command, "matrix-key");
      *request.mutable_actor() = ActorFor(role);
      Result<v1::JournalRecord> result = journal.Submit(request);
      if (allowed.contains(kind)) {
        ASSERT_TRUE(result.ok()) << result.status().ToString();
        EXPECT_EQ(journal.head_seq(), 34u);
      } else {
        ASSERT_FALSE(result.ok());
        EXPECT_EQ(result.status().code(), v1::ERROR_CODE_PERMISSION_DENIED);
        EXPECT_EQ(result.status().message(), "role " + RoleName(role) + " " + kDeniedMessage.at(kind));
        EXPECT_EQ(journal.head_seq(), 33u);
        EXPECT_EQ(journal.SeqForKey("matrix-key"), 0u);
      }
      ++cells;
    }
  }
  EXPECT_EQ(cells, 156);  // 6 roles x 26 command kinds.
  // Every role in the enum is in the matrix above.
  for (int role = 1; v1::Role_IsValid(role); ++role) {
    EXPECT_TRUE(kMayIssue.contains(static_cast<v1::Role>(role))) << role;
  }
}

TEST(Permissions, RolesThatIssueNothingAndTheTablesNames) {
  EXPECT_TRUE(MayIssueAnyCommand(v1::ROLE_ADMIN));
  EXPECT_TRUE(MayIssueAnyCommand(v1::ROLE_LCP_FINANCE));
  EXPECT_TRUE(MayIssueAnyCommand(v1::ROLE_LOCAL_ADMIN));
  EXPECT_TRUE(MayIssueAnyCommand(v1::ROLE_PCT_FINANCE));  // Approves contracts.
  EXPECT_TRUE(MayIssueAnyCommand(v1::ROLE_PRACTICE));     // Declares its own interests.
  EXPECT_FALSE(MayIssueAnyCommand(v1::ROLE_AUDITOR));
  EXPECT_FALSE(MayIssueAnyCommand(v1::ROLE_UNSPECIFIED));
  EXPECT_FALSE(MayIssueAnyCommand(static_cast<v1::Role>(77)));
  EXPECT_EQ(RoleNamed("PCT_FINANCE"), v1::ROLE_PCT_FINANCE);
  EXPECT_EQ(RoleNamed("pct_finance"), v1::ROLE_UNSPECIFIED);
  EXPECT_EQ(RoleName(v1::ROLE_UNSPECIFIED), "UNSPECIFIED");
  // The local administrator exists only in insecure mode: a principals file cannot grant it.
  EXPECT_FALSE(RightsOf(v1::ROLE_LOCAL_ADMIN)->grantable);
  EXPECT_TRUE(RightsOf(v1::ROLE_AUDITOR)->grantable);
  EXPECT_FALSE(RightsOf(v1::ROLE_PRACTICE)->reads_journal);
  EXPECT_TRUE(RightsOf(v1::ROLE_AUDITOR)->reads_journal);
  // An empty command passes the role check, so that the engine names what is wrong with it.
  EXPECT_TRUE(CheckMayIssue(ActorFor(v1::ROLE_ADMIN), v1::Command()).ok());
}

// A record whose actor could not have issued its command is refused by replay, even with a perfect
// chain: the journal says who did everything, and the auditor's replay checks it.
TEST(Permissions, ReplayRefusesARecordWhoseRoleMayNotIssueItsCommand) {
  std::vector<v1::JournalRecord> records;
  Journal copy;
  // Replay five honest records.
  {
    Journal source;
    for (const v1::Command& command :
         {RegisterPracticeCommand("A81001", "Riverside Medical Centre"),
          RegisterPracticeCommand("A81002", "Hillview Surgery"),
          RegisterPracticeCommand("A81003", "Park Lane Practice"), RegisterProviderCommand("RX1"),
          OpenYearCommand("2026/27", {"ELECTIVE", "PRESCRIBING", "COMMUNITY"})}) {
      records.push_back(testing::MustSubmit(source, command));
    }
  }
  for (const v1::JournalRecord& record : records) ASSERT_TRUE(copy.Replay(record).ok());
  // A journal posted by an auditor, chained correctly to the head.
  v1::JournalEntry forged = Request(
      JournalCommand("2026/27", "M01", {{"lcp:cash", "99.00"}, {"pct:funding", "-99.00"}}), "forged");
  *forged.mutable_actor() = ActorFor(v1::ROLE_AUDITOR);
  forged.set_rules_version(kRulesVersionCurrent);  // As the honest records were decided.
  forged.mutable_period()->set_year("2026/27");
  forged.mutable_period()->set_month("M01");
  for (const auto& [account, amount] :
       std::vector<std::pair<std::string, std::string>>{{"lcp:cash", "99.00"}, {"pct:funding", "-99.00"}}) {
    v1::Posting* posting = forged.add_postings();
    posting->set_account(account);
    posting->mutable_amount()->set_value(amount);
  }
  const v1::JournalRecord record = MakeRecord(6, copy.head_hash(), forged.SerializeAsString());
  Status status = copy.Replay(record);
  EXPECT_EQ(status.code(), v1::ERROR_CODE_REPLAY_MISMATCH);
  EXPECT_EQ(status.message(),
            "record 6: re-executing its command was refused (ERROR_CODE_PERMISSION_DENIED: role "
            "AUDITOR may not post a journal; ask a principal with role LCP_FINANCE)");
  EXPECT_EQ(copy.head_seq(), 5u);
  // The same entry by a finance officer replays.
  *forged.mutable_actor() = ActorFor(v1::ROLE_LCP_FINANCE);
  EXPECT_TRUE(copy.Replay(MakeRecord(6, copy.head_hash(), forged.SerializeAsString())).ok());
  EXPECT_EQ(copy.head_seq(), 6u);
}

TEST(Permissions, WhatEachRoleMayReadOfTheBalances) {
  const v1::Actor practice = ActorFor(v1::ROLE_PRACTICE, "A81001");
  EXPECT_TRUE(MayReadAccount(practice, "practice:A81001:budget:PRESCRIBING"));
  EXPECT_TRUE(MayReadAccount(practice, "lcp:cash"));
  EXPECT_TRUE(MayReadAccount(practice, "pct:allocation:PRESCRIBING"));
  EXPECT_FALSE(MayReadAccount(practice, "practice:A81002:budget:PRESCRIBING"));
  EXPECT_FALSE(MayReadAccount(practice, "practice:A810011:budget:PRESCRIBING"));
  EXPECT_FALSE(MayReadAccount(practice, "provider:RX1:payable"));
  // Prefixes: inside a readable subtree, or covering one (then filtered), or neither.
  EXPECT_TRUE(MayReadSomeAccountWithPrefix(practice, ""));
  EXPECT_TRUE(MayReadSomeAccountWithPrefix(practice, "practice:"));
  EXPECT_TRUE(MayReadSomeAccountWithPrefix(practice, "practice:A8"));
  EXPECT_TRUE(MayReadSomeAccountWithPrefix(practice, "practice:A81001:spend:"));
  EXPECT_TRUE(MayReadSomeAccountWithPrefix(practice, "lc"));
  EXPECT_FALSE(MayReadSomeAccountWithPrefix(practice, "practice:A81002:"));
  EXPECT_FALSE(MayReadSomeAccountWithPrefix(practice, "practice:A81002"));
  EXPECT_FALSE(MayReadSomeAccountWithPrefix(practice, "provider:"));
  EXPECT_EQ(ReadableAccountsText(practice),
            "only accounts under \"practice:A81001:...\", \"lcp:...\" and \"pct:...\"");
  for (v1::Role role : {v1::ROLE_ADMIN, v1::ROLE_LCP_FINANCE, v1::ROLE_PCT_FINANCE, v1::ROLE_AUDITOR,
                        v1::ROLE_LOCAL_ADMIN}) {
    EXPECT_TRUE(MayReadAccount(ActorFor(role), "practice:A81002:budget:PRESCRIBING")) << role;
    EXPECT_TRUE(MayReadAccount(ActorFor(role), "provider:RX1:payable")) << role;
    EXPECT_EQ(ReadableAccountsText(ActorFor(role)), "every account");
  }
  EXPECT_FALSE(MayReadAccount(ActorFor(v1::ROLE_UNSPECIFIED), "lcp:cash"));
}

}  // namespace
}  // namespace lcp

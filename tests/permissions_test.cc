// The permission matrix through the journal: every role against every kind of command, on the way in
// and on replay; and which accounts each role may read.
#include "ledger/permissions.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "ledger/chain.h"
#include "ledger/journal.h"
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

// One valid command of each kind, given the standard ledger plus entry 6 (a journal).
std::map<std::string, v1::Command> OneOfEachKind() {
  return {
      {"register_practice", RegisterPracticeCommand("A81009")},
      {"register_provider", RegisterProviderCommand("RX9")},
      {"open_year", OpenYearCommand("2027/28", {"PRESCRIBING"})},
      {"post_journal",
       JournalCommand("2026/27", "M02", {{"lcp:cash", "10.00"}, {"pct:funding", "-10.00"}})},
      {"reverse_entry", ReverseCommand(6, "2026/27", "M02")},
      {"set_band_weights", testing::WeightsCommand("2026/27", "COMMUNITY")},
      {"record_population", testing::ListCommand("2026-08-01", "A81001", {{"MALE_0_4", 3}})},
      {"set_practice_indices", testing::IndicesCommand("2026/27", {{"A81001", "1.2", ""}})},
      {"run_allocation", testing::RunCommand("2026/27", "M02", "PRESCRIBING", "10.00")},
  };
}

// The matrix as README.md states it, written out here rather than read from the code's table.
const std::map<v1::Role, std::set<std::string>> kMayIssue = {
    {v1::ROLE_ADMIN, {"register_practice", "register_provider", "open_year"}},
    {v1::ROLE_LCP_FINANCE,
     {"post_journal", "reverse_entry", "set_band_weights", "record_population", "set_practice_indices",
      "run_allocation"}},
    {v1::ROLE_PCT_FINANCE, {}},
    {v1::ROLE_PRACTICE, {}},
    {v1::ROLE_AUDITOR, {}},
    {v1::ROLE_LOCAL_ADMIN,
     {"register_practice", "register_provider", "open_year", "post_journal", "reverse_entry",
      "set_band_weights", "record_population", "set_practice_indices", "run_allocation"}},
};

const std::map<std::string, std::string> kDeniedMessage = {
    {"register_practice", "may not register a practice; ask a principal with role ADMIN"},
    {"register_provider", "may not register a provider; ask a principal with role ADMIN"},
    {"open_year", "may not open a year; ask a principal with role ADMIN"},
    {"post_journal", "may not post a journal; ask a principal with role LCP_FINANCE"},
    {"reverse_entry", "may not reverse an entry; ask a principal with role LCP_FINANCE"},
    {"set_band_weights", "may not set band weights; ask a principal with role LCP_FINANCE"},
    {"record_population", "may not record a registered list; ask a principal with role LCP_FINANCE"},
    {"set_practice_indices", "may not set practice indices; ask a principal with role LCP_FINANCE"},
    {"run_allocation", "may not run a capitation allocation; ask a principal with role LCP_FINANCE"},
};

TEST(Permissions, EveryRoleAgainstEveryCommandKind) {
  int cells = 0;
  for (const auto& [role, allowed] : kMayIssue) {
    for (const auto& [kind, command] : OneOfEachKind()) {
      SCOPED_TRACE(RoleName(role) + " " + kind);
      Journal journal;
      testing::SetUpStandardLedger(journal);
      testing::MustSubmit(journal, JournalCommand("2026/27", "M01",
                                                  {{"lcp:cash", "5.00"}, {"pct:funding", "-5.00"}}));
      // Entries 7-10: what a run needs.
      testing::MustSubmit(journal, testing::WeightsCommand("2026/27", "PRESCRIBING"));
      for (const std::string ods : {"A81001", "A81002", "A81003"}) {
        testing::MustSubmit(journal, testing::ListCommand("2026-05-01", ods, {{"MALE_0_4", 10}}));
      }
      v1::JournalEntry request = Request(command, "matrix-key");
      *request.mutable_actor() = ActorFor(role);
      Result<v1::JournalRecord> result = journal.Submit(request);
      if (allowed.contains(kind)) {
        ASSERT_TRUE(result.ok()) << result.status().ToString();
        EXPECT_EQ(journal.head_seq(), 11u);
      } else {
        ASSERT_FALSE(result.ok());
        EXPECT_EQ(result.status().code(), v1::ERROR_CODE_PERMISSION_DENIED);
        EXPECT_EQ(result.status().message(), "role " + RoleName(role) + " " + kDeniedMessage.at(kind));
        EXPECT_EQ(journal.head_seq(), 10u);
        EXPECT_EQ(journal.SeqForKey("matrix-key"), 0u);
      }
      ++cells;
    }
  }
  EXPECT_EQ(cells, 54);
  // Every role in the enum is in the matrix above.
  for (int role = 1; v1::Role_IsValid(role); ++role) {
    EXPECT_TRUE(kMayIssue.contains(static_cast<v1::Role>(role))) << role;
  }
}

TEST(Permissions, RolesThatIssueNothingAndTheTablesNames) {
  EXPECT_TRUE(MayIssueAnyCommand(v1::ROLE_ADMIN));
  EXPECT_TRUE(MayIssueAnyCommand(v1::ROLE_LCP_FINANCE));
  EXPECT_TRUE(MayIssueAnyCommand(v1::ROLE_LOCAL_ADMIN));
  EXPECT_FALSE(MayIssueAnyCommand(v1::ROLE_PCT_FINANCE));
  EXPECT_FALSE(MayIssueAnyCommand(v1::ROLE_PRACTICE));
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

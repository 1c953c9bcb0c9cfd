// LedgerService through a real gRPC channel to an in-process server: every RPC, refusals as gRPC
// statuses, batches, idempotent retries, restarts and concurrent clients.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <thread>

#include "ledger/base/decimal.h"
#include "services/book.h"
#include "services/storage/sqlite_store.h"
#include "tests/service_fixture.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::InProcessServer;
using testing::JournalCommand;
using testing::OneCommand;
using testing::TempDir;

struct Call {
  grpc::Status status;
  v1::SubmitResponse response;
  std::string error_code;  // The lcp-error-code trailer, if any.
};

Call Submit(v1::LedgerService::Stub& stub, const v1::SubmitRequest& request) {
  Call call;
  grpc::ClientContext context;
  call.status = stub.Submit(&context, request, &call.response);
  auto trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find("lcp-error-code");
  if (it != trailers.end()) call.error_code.assign(it->second.data(), it->second.size());
  return call;
}

Call SubmitOne(v1::LedgerService::Stub& stub, const v1::Command& command, const std::string& key) {
  return Submit(stub, OneCommand(command, key));
}

v1::GetHeadResponse Head(v1::LedgerService::Stub& stub) {
  grpc::ClientContext context;
  v1::GetHeadResponse head;
  EXPECT_TRUE(stub.GetHead(&context, v1::GetHeadRequest(), &head).ok());
  return head;
}

std::map<std::string, std::string> Balances(v1::LedgerService::Stub& stub,
                                            v1::GetBalancesRequest request = {}) {
  grpc::ClientContext context;
  v1::GetBalancesResponse response;
  grpc::Status status = stub.GetBalances(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::map<std::string, std::string> out;
  for (const v1::Balance& balance : response.balances()) {
    out[balance.year() + " " + balance.account()] = balance.balance().value();
  }
  return out;
}

// The standard set-up through the service: entries 1-5.
void SetUp(v1::LedgerService::Stub& stub) {
  const std::vector<v1::Command> commands = {
      testing::RegisterPracticeCommand("A81001", "Riverside Medical Centre"),
      testing::RegisterPracticeCommand("A81002", "Hillview Surgery"),
      testing::RegisterPracticeCommand("A81003", "Park Lane Practice"),
      testing::RegisterProviderCommand("RX1"),
      testing::OpenYearCommand("2026/27", {"ELECTIVE", "PRESCRIBING", "COMMUNITY"})};
  v1::SubmitRequest request;
  for (std::size_t i = 0; i < commands.size(); ++i) {
    v1::CommandRequest* command = request.add_commands();
    command->set_idempotency_key("setup-" + std::to_string(i + 1));
    *command->mutable_command() = commands[i];
  }
  Call call = Submit(stub, request);
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  ASSERT_EQ(call.response.head_seq(), 5u);
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<InProcessServer>(dir_.path());
    lcp::SetUp(stub());
  }
  v1::LedgerService::Stub& stub() { return server_->stub(); }

  TempDir dir_;
  std::unique_ptr<InProcessServer> server_;
};

// A spend paid from cash: a budget is no longer typed into a journal (ACCOUNT_RESERVED), so the
// journal names accounts that a journal may move.
TEST_F(ServiceTest, SubmitReturnsTheEntryAndItsPostings) {
  Call call = SubmitOne(stub(),
                        JournalCommand("2026/27", "M01",
                                       {{"practice:A81001:spend:PRESCRIBING", "1200000"},
                                        {"lcp:cash", "-1200000.00"}}),
                        "spend-1");
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  ASSERT_EQ(call.response.results_size(), 1);
  const v1::Accepted& accepted = call.response.results(0).accepted();
  EXPECT_EQ(accepted.seq(), 6u);
  EXPECT_FALSE(accepted.duplicate());
  EXPECT_EQ(accepted.period().year(), "2026/27");
  EXPECT_EQ(accepted.period().month(), "M01");
  ASSERT_EQ(accepted.postings_size(), 2);
  EXPECT_EQ(accepted.postings(0).amount().value(), "1200000.00");
  EXPECT_EQ(accepted.hash(), Head(stub()).hash());
  EXPECT_EQ(call.response.head_seq(), 6u);
}

TEST_F(ServiceTest, RetryWithTheSameKeyReturnsTheOriginalAndPostsNothing) {
  const v1::Command command = JournalCommand(
      "2026/27", "M02", {{"practice:A81002:spend:ELECTIVE", "310.20"}, {"provider:RX1:payable", "-310.20"}});
  Call first = SubmitOne(stub(), command, "INV-0042");
  ASSERT_TRUE(first.status.ok());
  Call again = SubmitOne(stub(), command, "INV-0042");
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  const v1::Accepted& accepted = again.response.results(0).accepted();
  EXPECT_TRUE(accepted.duplicate());
  EXPECT_EQ(accepted.seq(), 6u);
  EXPECT_EQ(accepted.hash(), first.response.results(0).accepted().hash());
  EXPECT_EQ(accepted.postings(1).amount().value(), "-310.20");
  EXPECT_EQ(Head(stub()).seq(), 6u);
  EXPECT_EQ(Balances(stub())["2026/27 provider:RX1:payable"], "-310.20");

  // The same key with another command is refused, and nothing is posted.
  Call other = SubmitOne(stub(),
                         JournalCommand("2026/27", "M02",
                                        {{"practice:A81002:spend:ELECTIVE", "310.00"},
                                         {"provider:RX1:payable", "-310.00"}}),
                         "INV-0042");
  EXPECT_EQ(other.status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(other.error_code, "ERROR_CODE_IDEMPOTENCY_KEY_REUSED");
  EXPECT_EQ(other.status.error_message(),
            "ERROR_CODE_IDEMPOTENCY_KEY_REUSED: idempotency key \"INV-0042\" was used by entry 6 "
            "for a different command; use a new key for a new command");
  EXPECT_EQ(Head(stub()).seq(), 6u);
}

TEST_F(ServiceTest, KeysAndBalancesSurviveARestart) {
  const v1::Command command =
      JournalCommand("2026/27", "M03", {{"lcp:cash", "50.00"}, {"pct:funding", "-50.00"}});
  ASSERT_TRUE(SubmitOne(stub(), command, "cash-1").status.ok());
  const v1::GetHeadResponse head = Head(stub());
  server_.reset();
  server_ = std::make_unique<InProcessServer>(dir_.path());
  EXPECT_EQ(Head(stub()).seq(), head.seq());
  EXPECT_EQ(Head(stub()).hash(), head.hash());
  EXPECT_EQ(Balances(stub())["2026/27 lcp:cash"], "50.00");
  Call again = SubmitOne(stub(), command, "cash-1");
  ASSERT_TRUE(again.status.ok());
  EXPECT_TRUE(again.response.results(0).accepted().duplicate());
  EXPECT_EQ(again.response.results(0).accepted().seq(), 6u);
  EXPECT_EQ(Head(stub()).seq(), 6u);
}

// Every refusal the engine can give, as the client sees it. The gRPC codes are written out here, not
// taken from the server's mapping, so that a change of mapping fails this test.
struct ServiceRefusal {
  const char* name;
  v1::Command command;
  const char* error_code;
  grpc::StatusCode grpc_code;
};
// gtest prints a parameter by this, in test listings and failures, instead of its bytes.
void PrintTo(const ServiceRefusal& refusal, std::ostream* out) { *out << refusal.name; }

std::vector<ServiceRefusal> ServiceRefusals() {
  using grpc::StatusCode;
  const std::string y = "2026/27";
  const testing::PostingList ok = {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}};
  testing::PostingList too_many;
  for (int i = 0; i < 257; ++i) too_many.push_back({"lcp:cash", "1.00"});
  testing::PostingList huge;
  for (int i = 0; i < 101; ++i) huge.push_back({"lcp:cash", "999999999999.99"});
  for (int i = 0; i < 101; ++i) huge.push_back({"pct:funding", "-999999999999.99"});
  return {
      {"empty", v1::Command(), "ERROR_CODE_COMMAND_EMPTY", StatusCode::INVALID_ARGUMENT},
      {"practice code", testing::RegisterPracticeCommand("X1"),
       "ERROR_CODE_PRACTICE_CODE_MALFORMED", StatusCode::INVALID_ARGUMENT},
      {"practice twice", testing::RegisterPracticeCommand("A81001"),
       "ERROR_CODE_PRACTICE_ALREADY_REGISTERED", StatusCode::ALREADY_EXISTS},
      {"practice name", testing::RegisterPracticeCommand("A81009", ""), "ERROR_CODE_NAME_INVALID",
       StatusCode::INVALID_ARGUMENT},
      {"provider code", testing::RegisterProviderCommand("r"), "ERROR_CODE_PROVIDER_CODE_MALFORMED",
       StatusCode::INVALID_ARGUMENT},
      {"provider twice", testing::RegisterProviderCommand("RX1"),
       "ERROR_CODE_PROVIDER_ALREADY_REGISTERED", StatusCode::ALREADY_EXISTS},
      {"provider kind", testing::RegisterProviderCommand("RX2", v1::PROVIDER_KIND_UNSPECIFIED),
       "ERROR_CODE_PROVIDER_KIND_MISSING", StatusCode::INVALID_ARGUMENT},
      {"year malformed", testing::OpenYearCommand("2026", {"AE"}), "ERROR_CODE_YEAR_MALFORMED",
       StatusCode::INVALID_ARGUMENT},
      {"year twice", testing::OpenYearCommand(y, {"AE"}), "ERROR_CODE_YEAR_ALREADY_OPEN",
       StatusCode::ALREADY_EXISTS},
      {"no lines", testing::OpenYearCommand("2027/28", {}), "ERROR_CODE_BUDGET_LINE_COUNT_INVALID",
       StatusCode::INVALID_ARGUMENT},
      {"line malformed", testing::OpenYearCommand("2027/28", {"ae"}),
       "ERROR_CODE_BUDGET_LINE_MALFORMED", StatusCode::INVALID_ARGUMENT},
      {"line twice", testing::OpenYearCommand("2027/28", {"AE", "AE"}),
       "ERROR_CODE_BUDGET_LINE_DUPLICATE", StatusCode::INVALID_ARGUMENT},
      {"year not open", JournalCommand("2027/28", "M01", ok), "ERROR_CODE_YEAR_NOT_OPEN",
       StatusCode::FAILED_PRECONDITION},
      {"month", JournalCommand(y, "M13", ok), "ERROR_CODE_MONTH_MALFORMED",
       StatusCode::INVALID_ARGUMENT},
      {"narrative", JournalCommand(y, "M01", ok, ""), "ERROR_CODE_NARRATIVE_INVALID",
       StatusCode::INVALID_ARGUMENT},
      {"posting count", JournalCommand(y, "M01", too_many), "ERROR_CODE_POSTING_COUNT_INVALID",
       StatusCode::INVALID_ARGUMENT},
      {"account", JournalCommand(y, "M01", {{"cash", "1.00"}, {"pct:funding", "-1.00"}}),
       "ERROR_CODE_ACCOUNT_MALFORMED", StatusCode::INVALID_ARGUMENT},
      {"practice unknown",
       JournalCommand(y, "M01",
                      {{"practice:B99999:spend:ELECTIVE", "1.00"}, {"pct:funding", "-1.00"}}),
       "ERROR_CODE_PRACTICE_UNKNOWN", StatusCode::NOT_FOUND},
      {"provider unknown",
       JournalCommand(y, "M01", {{"provider:ZZZ:payable", "1.00"}, {"pct:funding", "-1.00"}}),
       "ERROR_CODE_PROVIDER_UNKNOWN", StatusCode::NOT_FOUND},
      {"line unknown",
       JournalCommand(y, "M01", {{"pct:allocation:DENTAL", "1.00"}, {"pct:funding", "-1.00"}}),
       "ERROR_CODE_BUDGET_LINE_UNKNOWN", StatusCode::NOT_FOUND},
      {"amount", JournalCommand(y, "M01", {{"lcp:cash", "1,00"}, {"pct:funding", "-1.00"}}),
       "ERROR_CODE_AMOUNT_MALFORMED", StatusCode::INVALID_ARGUMENT},
      {"amount too large",
       JournalCommand(y, "M01", {{"lcp:cash", "1000000000000"}, {"pct:funding", "-1000000000000"}}),
       "ERROR_CODE_AMOUNT_TOO_LARGE", StatusCode::INVALID_ARGUMENT},
      {"zero",
       JournalCommand(y, "M01", {{"lcp:cash", "0"}, {"lcp:reserve", "1"}, {"pct:funding", "-1"}}),
       "ERROR_CODE_POSTING_ZERO", StatusCode::INVALID_ARGUMENT},
      {"unbalanced", JournalCommand(y, "M01", {{"lcp:cash", "1.00"}, {"pct:funding", "-1.01"}}),
       "ERROR_CODE_JOURNAL_UNBALANCED", StatusCode::INVALID_ARGUMENT},
      {"balance limit", JournalCommand(y, "M01", huge), "ERROR_CODE_BALANCE_LIMIT_EXCEEDED",
       StatusCode::FAILED_PRECONDITION},
      {"entry unknown", testing::ReverseCommand(99, y, "M01"), "ERROR_CODE_ENTRY_UNKNOWN",
       StatusCode::NOT_FOUND},
      {"no postings", testing::ReverseCommand(1, y, "M01"), "ERROR_CODE_ENTRY_HAS_NO_POSTINGS",
       StatusCode::FAILED_PRECONDITION},
      // Reversals into M01, the current month, so that each is refused for the one reason named.
      {"already reversed", testing::ReverseCommand(6, y, "M01"),
       "ERROR_CODE_ENTRY_ALREADY_REVERSED", StatusCode::FAILED_PRECONDITION},
      {"reversal of reversal", testing::ReverseCommand(7, y, "M01"), "ERROR_CODE_ENTRY_IS_REVERSAL",
       StatusCode::FAILED_PRECONDITION},
      {"backdated", testing::ReverseCommand(8, y, "M01"), "ERROR_CODE_REVERSAL_BACKDATED",
       StatusCode::FAILED_PRECONDITION},
      // Rules version 2: a budget moves only by a run, and a correction goes into the current
      // month.
      {"budget reserved",
       JournalCommand(y, "M01",
                      {{"practice:A81001:budget:PRESCRIBING", "1.00"},
                       {"pct:allocation:PRESCRIBING", "-1.00"}}),
       "ERROR_CODE_ACCOUNT_RESERVED", StatusCode::INVALID_ARGUMENT},
      {"reversal into a later month", testing::ReverseCommand(8, y, "M03"),
       "ERROR_CODE_CORRECTION_NOT_CURRENT_MONTH", StatusCode::FAILED_PRECONDITION},
  };
}

class ServiceRefusalTest : public ServiceTest,
                           public ::testing::WithParamInterface<ServiceRefusal> {};

TEST_P(ServiceRefusalTest, ReachesTheClientAsItsGrpcStatusAndPostsNothing) {
  // Entry 6 a journal in M01, 7 its reversal in M01 (a correction goes into the current month, the
  // earliest still open), 8 a journal in M02 (so that a reversal into M01 is backdated).
  const testing::PostingList cash = {{"lcp:cash", "3.00"}, {"pct:funding", "-3.00"}};
  ASSERT_TRUE(SubmitOne(stub(), JournalCommand("2026/27", "M01", cash), "e6").status.ok());
  ASSERT_TRUE(SubmitOne(stub(), testing::ReverseCommand(6, "2026/27", "M01"), "e7").status.ok());
  ASSERT_TRUE(SubmitOne(stub(), JournalCommand("2026/27", "M02", cash), "e8").status.ok());
  const v1::GetHeadResponse before = Head(stub());
  const auto balances_before = Balances(stub());

  Call call = SubmitOne(stub(), GetParam().command, "refused-1");

  EXPECT_EQ(call.status.error_code(), GetParam().grpc_code) << call.status.error_message();
  EXPECT_EQ(call.error_code, GetParam().error_code);
  EXPECT_EQ(call.status.error_message().rfind(std::string(GetParam().error_code) + ": ", 0), 0u)
      << call.status.error_message();
  EXPECT_EQ(Head(stub()).seq(), before.seq());
  EXPECT_EQ(Head(stub()).hash(), before.hash());
  EXPECT_EQ(Balances(stub()), balances_before);
}

INSTANTIATE_TEST_SUITE_P(EveryCode, ServiceRefusalTest, ::testing::ValuesIn(ServiceRefusals()),
                         [](const ::testing::TestParamInfo<ServiceRefusal>& param_info) {
                           return testing::TestName(param_info.param.name);
                         });

TEST_F(ServiceTest, CommandsWithUnknownFieldsAreRefusedAndTheLedgerStillReplays) {
  v1::SubmitRequest request;
  for (int i = 0; i < 3; ++i) {
    v1::CommandRequest* command = request.add_commands();
    command->set_idempotency_key("u" + std::to_string(i));
    *command->mutable_command() =
        JournalCommand("2026/27", "M01", {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}});
  }
  // A newer client's field 12 on the second command's journal.
  v1::PostJournal* journal = request.mutable_commands(1)->mutable_command()->mutable_post_journal();
  journal->GetReflection()->MutableUnknownFields(journal)->AddLengthDelimited(12, "approver");
  Call call = Submit(stub(), request);
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  EXPECT_EQ(call.response.results(0).accepted().seq(), 6u);
  EXPECT_EQ(call.response.results(1).refusal().code(), v1::ERROR_CODE_UNKNOWN_FIELDS);
  EXPECT_EQ(call.response.results(1).refusal().message(),
            "the request carries field 12 of lcp.v1.PostJournal, which this server does not know; "
            "upgrade the server or leave it out");
  EXPECT_EQ(call.response.results(2).accepted().seq(), 7u);
  // The stored journal still verifies and replays on a restart.
  server_.reset();
  server_ = std::make_unique<InProcessServer>(dir_.path());
  EXPECT_EQ(Head(stub()).seq(), 7u);
}

TEST_F(ServiceTest, UnknownFieldsAroundTheCommandsRefuseTheWholeCall) {
  v1::SubmitRequest request =
      OneCommand(JournalCommand("2026/27", "M01", {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}}),
                 "dry-run?");
  // A newer client's option on the request (say, a "validate only") must not be ignored and posted for
  // real.
  request.GetReflection()->MutableUnknownFields(&request)->AddVarint(99, 1);
  Call call = Submit(stub(), request);
  EXPECT_EQ(call.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(call.error_code, "ERROR_CODE_UNKNOWN_FIELDS");
  EXPECT_EQ(call.status.error_message(),
            "ERROR_CODE_UNKNOWN_FIELDS: the request carries field 99 of lcp.v1.SubmitRequest, which "
            "this server does not know; upgrade the server or leave it out");
  v1::SubmitRequest on_command = OneCommand(testing::RegisterPracticeCommand("A81009"), "x");
  v1::CommandRequest* one = on_command.mutable_commands(0);
  one->GetReflection()->MutableUnknownFields(one)->AddVarint(4, 1);
  EXPECT_EQ(Submit(stub(), on_command).error_code, "ERROR_CODE_UNKNOWN_FIELDS");
  EXPECT_EQ(Head(stub()).seq(), 5u);
}

TEST_F(ServiceTest, IdempotencyKeysAreEchoedAndInvalidKeysRefused) {
  Call refused = SubmitOne(stub(), testing::RegisterPracticeCommand("A81009"), "has space");
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(refused.error_code, "ERROR_CODE_IDEMPOTENCY_KEY_INVALID");
  Call ok = SubmitOne(stub(), testing::RegisterPracticeCommand("A81009"), "echo-me");
  ASSERT_TRUE(ok.status.ok());
  EXPECT_EQ(ok.response.results(0).idempotency_key(), "echo-me");
}

TEST_F(ServiceTest, NamedAccountsAreReportedForOpenYearsWithoutPostings) {
  v1::GetBalancesRequest exact;
  exact.add_accounts("lcp:cash");
  EXPECT_EQ(Balances(stub(), exact),
            (std::map<std::string, std::string>{{"2026/27 lcp:cash", "0.00"}}));
  grpc::ClientContext context;
  v1::GetBalancesRequest both = exact;
  both.set_account_prefix("lcp:");
  v1::GetBalancesResponse response;
  grpc::Status status = stub().GetBalances(&context, both, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "ERROR_CODE_QUERY_INVALID: give exact accounts or an account prefix, not both");
}

TEST_F(ServiceTest, IndependentBatchReportsEachCommand) {
  v1::SubmitRequest request;
  const std::vector<v1::Command> commands = {
      JournalCommand("2026/27", "M04", {{"lcp:cash", "10.00"}, {"pct:funding", "-10.00"}}),
      JournalCommand("2026/27", "M04", {{"lcp:cash", "10.00"}, {"pct:funding", "-9.00"}}),
      JournalCommand("2026/27", "M04", {{"lcp:cash", "2.50"}, {"pct:funding", "-2.50"}})};
  for (std::size_t i = 0; i < commands.size(); ++i) {
    v1::CommandRequest* command = request.add_commands();
    command->set_idempotency_key("batch-" + std::to_string(i));
    *command->mutable_command() = commands[i];
  }
  Call call = Submit(stub(), request);
  ASSERT_TRUE(call.status.ok());
  ASSERT_EQ(call.response.results_size(), 3);
  EXPECT_EQ(call.response.results(0).accepted().seq(), 6u);
  EXPECT_EQ(call.response.results(1).refusal().code(), v1::ERROR_CODE_JOURNAL_UNBALANCED);
  EXPECT_EQ(call.response.results(1).refusal().grpc_code(), 3);  // INVALID_ARGUMENT.
  EXPECT_EQ(call.response.results(2).accepted().seq(), 7u);
  EXPECT_EQ(Balances(stub())["2026/27 lcp:cash"], "12.50");
}

TEST_F(ServiceTest, AllOrNothingBatchPostsNothingWhenOneCommandIsRefused) {
  v1::SubmitRequest request;
  request.set_all_or_nothing(true);
  const std::vector<v1::Command> commands = {
      testing::RegisterPracticeCommand("A81004", "New Practice"),
      // Names the practice the batch registers; spend, since a budget is not typed into a journal.
      JournalCommand(
          "2026/27", "M04",
          {{"practice:A81004:spend:ELECTIVE", "10.00"}, {"provider:RX1:payable", "-10.00"}}),
      JournalCommand("2026/27", "M04", {{"lcp:cash", "10.00"}, {"pct:funding", "-9.99"}})};
  for (std::size_t i = 0; i < commands.size(); ++i) {
    v1::CommandRequest* command = request.add_commands();
    command->set_idempotency_key("atomic-" + std::to_string(i));
    *command->mutable_command() = commands[i];
  }
  Call call = Submit(stub(), request);
  ASSERT_TRUE(call.status.ok()) << call.status.error_message();
  ASSERT_EQ(call.response.results_size(), 3);
  for (int i : {0, 1}) {
    EXPECT_EQ(call.response.results(i).refusal().code(), v1::ERROR_CODE_BATCH_ABORTED);
    EXPECT_EQ(call.response.results(i).refusal().grpc_code(), 10);  // ABORTED.
    EXPECT_EQ(call.response.results(i).refusal().message(),
              "not posted: command 3 of this all-or-nothing batch was refused");
  }
  EXPECT_EQ(call.response.results(2).refusal().code(), v1::ERROR_CODE_JOURNAL_UNBALANCED);
  EXPECT_EQ(call.response.results(2).refusal().message(),
            "the postings sum to 0.01, not 0.00: debits (positive) must equal credits (negative)");
  EXPECT_EQ(call.response.results(2).idempotency_key(), "atomic-2");
  EXPECT_EQ(call.response.head_seq(), 5u);
  EXPECT_EQ(Head(stub()).seq(), 5u);
  EXPECT_TRUE(Balances(stub()).empty());

  // Corrected, the same keys go through: nothing of the refused batch was remembered.
  *request.mutable_commands(2)->mutable_command() =
      JournalCommand("2026/27", "M04", {{"lcp:cash", "10.00"}, {"pct:funding", "-10.00"}});
  Call fixed = Submit(stub(), request);
  ASSERT_TRUE(fixed.status.ok()) << fixed.status.error_message();
  EXPECT_EQ(fixed.response.results(2).accepted().seq(), 8u);
  EXPECT_EQ(Balances(stub())["2026/27 practice:A81004:spend:ELECTIVE"], "10.00");
}

TEST_F(ServiceTest, EmptyAndOversizeBatchesAreRefused) {
  Call empty = Submit(stub(), v1::SubmitRequest());
  EXPECT_EQ(empty.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(empty.error_code, "ERROR_CODE_BATCH_EMPTY");
  v1::SubmitRequest big;
  for (int i = 0; i < 8193; ++i) {
    v1::CommandRequest* command = big.add_commands();
    command->set_idempotency_key("k" + std::to_string(i));
    *command->mutable_command() =
        JournalCommand("2026/27", "M01", {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}});
  }
  Call oversize = Submit(stub(), big);
  EXPECT_EQ(oversize.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(oversize.error_code, "ERROR_CODE_BATCH_TOO_LARGE");
  EXPECT_EQ(oversize.status.error_message(),
            "ERROR_CODE_BATCH_TOO_LARGE: a Submit may carry at most 8192 commands; 8193 were sent: "
            "split the batch");
  EXPECT_EQ(Head(stub()).seq(), 5u);
  // 8,192 is fine.
  big.mutable_commands()->RemoveLast();
  Call full = Submit(stub(), big);
  ASSERT_TRUE(full.status.ok()) << full.status.error_message();
  EXPECT_EQ(full.response.head_seq(), 5u + 8192u);
  EXPECT_EQ(Balances(stub())["2026/27 lcp:cash"], "8192.00");
}

// Budgets of 100.00, 50.00 and 25.00 on PRESCRIBING by an indicative run in M01 (entries 6-11),
// then a spend of A81001's in M02 (12).
TEST_F(ServiceTest, GetBalancesByPrefixExactAccountYearAndAsOf) {
  // Weights of 1 and lists of 4, 2 and 1 patients, so that a run of a confirmed 175.00 gives
  // 175.00 * 4/7 = 100.00, * 2/7 = 50.00 and * 1/7 = 25.00, exactly. A81003 is a member too, so the
  // run needs its list and gives it a budget.
  const std::vector<v1::Command> budgets = {
      testing::WeightsCommand("2026/27", "PRESCRIBING"),
      testing::ListCommand("2026-03-01", "A81001", {{"MALE_0_4", 4}}),
      testing::ListCommand("2026-03-01", "A81002", {{"MALE_0_4", 2}}),
      testing::ListCommand("2026-03-01", "A81003", {{"MALE_0_4", 1}}),
      testing::ConfirmTotalCommand("2026/27", "PRESCRIBING", "175.00"),
      testing::RunCommand("2026/27", "M01", "PRESCRIBING", "")};
  for (std::size_t i = 0; i < budgets.size(); ++i) {
    Call call = SubmitOne(stub(), budgets[i], "budget-" + std::to_string(i + 1));
    ASSERT_TRUE(call.status.ok()) << call.status.error_message();
    ASSERT_TRUE(call.response.results(0).has_accepted()) << i;
  }
  ASSERT_EQ(Head(stub()).seq(), 11u);
  ASSERT_TRUE(SubmitOne(stub(),
                        JournalCommand("2026/27", "M02",
                                       {{"practice:A81001:spend:ELECTIVE", "30.00"},
                                        {"provider:RX1:payable", "-30.00"}}),
                        "b")
                  .status.ok());
  v1::GetBalancesRequest prefix;
  prefix.set_account_prefix("practice:A81001:");
  EXPECT_EQ(Balances(stub(), prefix),
            (std::map<std::string, std::string>{
                {"2026/27 practice:A81001:budget:PRESCRIBING", "100.00"},
                {"2026/27 practice:A81001:spend:ELECTIVE", "30.00"}}));
  v1::GetBalancesRequest exact;
  exact.add_accounts("provider:RX1:payable");
  exact.add_accounts("lcp:cash");  // No postings: reported as zero.
  EXPECT_EQ(Balances(stub(), exact),
            (std::map<std::string, std::string>{{"2026/27 provider:RX1:payable", "-30.00"},
                                                {"2026/27 lcp:cash", "0.00"}}));
  v1::GetBalancesRequest as_of;
  as_of.set_as_of_seq(11);  // The run: the budget, not yet the spend.
  as_of.set_account_prefix("practice:A81001:");
  EXPECT_EQ(Balances(stub(), as_of),
            (std::map<std::string, std::string>{
                {"2026/27 practice:A81001:budget:PRESCRIBING", "100.00"}}));
  v1::GetBalancesRequest other_year;
  other_year.set_year("2025/26");
  EXPECT_TRUE(Balances(stub(), other_year).empty());

  grpc::ClientContext context;
  v1::GetBalancesRequest beyond;
  beyond.set_as_of_seq(99);
  v1::GetBalancesResponse response;
  grpc::Status status = stub().GetBalances(&context, beyond, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "ERROR_CODE_QUERY_INVALID: as_of_seq 99 is beyond the head, 12");
}

TEST_F(ServiceTest, GetEntryAndListEntriesPage) {
  v1::GetEntryRequest request;
  request.set_seq(2);
  v1::GetEntryResponse response;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(stub().GetEntry(&context, request, &response).ok());
  }
  EXPECT_EQ(response.entry().seq(), 2u);
  EXPECT_EQ(response.entry().entry().command().register_practice().ods_code(), "A81002");
  EXPECT_EQ(response.entry().entry().idempotency_key(), "setup-2");
  EXPECT_EQ(response.entry().entry().actor().principal_id(), "local-admin");
  {
    grpc::ClientContext context;
    request.set_seq(6);
    grpc::Status status = stub().GetEntry(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(status.error_message(),
              "ERROR_CODE_ENTRY_UNKNOWN: entry 6 does not exist; the journal has 5 entries");
  }
  std::vector<std::uint64_t> seen;
  v1::ListEntriesRequest list;
  list.set_page_size(2);
  while (true) {
    grpc::ClientContext context;
    v1::ListEntriesResponse page;
    ASSERT_TRUE(stub().ListEntries(&context, list, &page).ok());
    for (const v1::EntryView& view : page.entries()) seen.push_back(view.seq());
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
  grpc::ClientContext context;
  v1::ListEntriesRequest bad;
  bad.set_page_token("abc");
  v1::ListEntriesResponse page;
  EXPECT_EQ(stub().ListEntries(&context, bad, &page).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ServiceTest, StreamEntriesSendsHistoryThenFollowsNewEntries) {
  {
    grpc::ClientContext context;
    v1::StreamEntriesRequest request;
    request.set_from_seq(4);
    auto reader = stub().StreamEntries(&context, request);
    v1::StreamEntriesResponse response;
    std::vector<std::uint64_t> seen;
    while (reader->Read(&response)) seen.push_back(response.entry().seq());
    EXPECT_TRUE(reader->Finish().ok());
    EXPECT_EQ(seen, (std::vector<std::uint64_t>{4, 5}));
  }
  grpc::ClientContext context;
  v1::StreamEntriesRequest request;
  request.set_from_seq(5);
  request.set_follow(true);
  auto reader = stub().StreamEntries(&context, request);
  v1::StreamEntriesResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.entry().seq(), 5u);
  std::thread poster([&] {
    for (int i = 0; i < 3; ++i) {
      EXPECT_TRUE(SubmitOne(stub(),
                            JournalCommand("2026/27", "M05",
                                           {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}}),
                            "follow-" + std::to_string(i))
                      .status.ok());
    }
  });
  for (std::uint64_t expected = 6; expected <= 8; ++expected) {
    ASSERT_TRUE(reader->Read(&response));
    EXPECT_EQ(response.entry().seq(), expected);
    EXPECT_EQ(response.entry().entry().postings(0).amount().value(), "1.00");
  }
  poster.join();
  context.TryCancel();
  while (reader->Read(&response)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

// One follow stream more than kFollowersMax is refused through the one ErrorCode mapping: the code
// in the message and in the trailing metadata, as for a unary refusal.
TEST_F(ServiceTest, AFollowStreamBeyondTheLimitIsRefusedAsServerBusy) {
  v1::StreamEntriesRequest request;
  request.set_from_seq(1);
  request.set_follow(true);
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(60);
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::StreamEntriesResponse>>> readers;
  v1::StreamEntriesResponse response;
  for (std::size_t i = 0; i < kFollowersMax; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->set_deadline(deadline);
    readers.push_back(stub().StreamEntries(contexts.back().get(), request));
    ASSERT_TRUE(readers.back()->Read(&response)) << i;  // Following from here on.
  }
  grpc::ClientContext context;
  context.set_deadline(deadline);
  auto refused = stub().StreamEntries(&context, request);
  EXPECT_FALSE(refused->Read(&response));
  grpc::Status status = refused->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(status.error_message(),
            "ERROR_CODE_SERVER_BUSY: 256 streams are following already; retry later");
  const auto code = context.GetServerTrailingMetadata().find("lcp-error-code");
  ASSERT_NE(code, context.GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(code->second.data(), code->second.size()), "ERROR_CODE_SERVER_BUSY");
  for (auto& following : contexts) following->TryCancel();
  for (auto& reader : readers) {
    while (reader->Read(&response)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
}

TEST_F(ServiceTest, StoppingEndsFollowStreamsAndRefusesNewSubmits) {
  grpc::ClientContext context;
  v1::StreamEntriesRequest request;
  request.set_from_seq(5);
  request.set_follow(true);
  auto reader = stub().StreamEntries(&context, request);
  v1::StreamEntriesResponse response;
  ASSERT_TRUE(reader->Read(&response));
  EXPECT_EQ(response.entry().seq(), 5u);

  server_->sequencer().BeginStop();
  EXPECT_FALSE(reader->Read(&response));
  grpc::Status ended = reader->Finish();
  // Ended through the one ErrorCode mapping, as a unary refusal is: the code in the message and in
  // the trailing metadata.
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(
      ended.error_message(),
      "ERROR_CODE_SERVER_STOPPING: the server is stopping; resume from entry 6 once it is back");
  const auto code = context.GetServerTrailingMetadata().find("lcp-error-code");
  ASSERT_NE(code, context.GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(code->second.data(), code->second.size()), "ERROR_CODE_SERVER_STOPPING");

  Call refused = SubmitOne(stub(), testing::RegisterPracticeCommand("A81009"), "late");
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(refused.error_code, "ERROR_CODE_SERVER_STOPPING");
  EXPECT_EQ(refused.status.error_message(),
            "ERROR_CODE_SERVER_STOPPING: the server is stopping; retry with the same keys once it is "
            "back");
  EXPECT_EQ(Head(stub()).seq(), 5u);
}

// Several clients at once: every acknowledged entry is there once, and the balances equal both the
// sums the clients sent and a fresh replay of the ledger file.
TEST_F(ServiceTest, ConcurrentClientsMatchASerialReplay) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 150;
  std::vector<std::thread> threads;
  std::vector<std::map<std::string, Int>> sent(kThreads);
  // Accounts a journal may move (a budget moves only by a run: ACCOUNT_RESERVED).
  const std::vector<std::string> accounts = {"practice:A81001:spend:ELECTIVE",
                                             "practice:A81002:spend:COMMUNITY",
                                             "practice:A81003:spend:PRESCRIBING", "lcp:cash"};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 random(static_cast<std::uint64_t>(t) * 7919u + 1u);
      std::uniform_int_distribution<int> pick(0, static_cast<int>(accounts.size()) - 1);
      std::uniform_int_distribution<std::int64_t> pence(1, 1'000'000);
      for (int i = 0; i < kPerThread; ++i) {
        const std::string& account = accounts[static_cast<std::size_t>(pick(random))];
        const Money amount = Money::FromPence(pence(random));
        Call call = SubmitOne(stub(),
                              JournalCommand("2026/27", "M06",
                                             {{account, amount.ToString()},
                                              {"provider:RX1:payable", (-amount).ToString()}}),
                              "t" + std::to_string(t) + "-" + std::to_string(i));
        ASSERT_TRUE(call.status.ok()) << call.status.error_message();
        sent[static_cast<std::size_t>(t)][account] += amount.pence();
        sent[static_cast<std::size_t>(t)]["provider:RX1:payable"] -= amount.pence();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::map<std::string, std::string> expected;
  std::map<std::string, Int> totals;
  for (const auto& one : sent) {
    for (const auto& [account, pence] : one) totals[account] += pence;
  }
  for (const auto& [account, pence] : totals) {
    expected["2026/27 " + account] = Money::FromPence(pence).ToString();
  }
  EXPECT_EQ(Head(stub()).seq(), 5u + kThreads * kPerThread);
  EXPECT_EQ(Balances(stub()), expected);

  server_.reset();
  auto replayed = Book::Open(std::move(testing::OpenTestStore(dir_.path())).value());
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  std::map<std::string, std::string> from_disk;
  for (const auto& [account, pence] : (*replayed)->journal().state().balances.at(2026)) {
    from_disk["2026/27 " + account] = Money::FromPence(pence).ToString();
  }
  EXPECT_EQ(from_disk, expected);
}

}  // namespace
}  // namespace lcp

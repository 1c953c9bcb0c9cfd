// Who may do what, through a real gRPC channel: each role against each RPC and each kind of command,
// calls without or with bad credentials, and a practice that asks about another practice.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <sstream>
#include <thread>

#include "ledger/audit/replay.h"
#include "ledger/base/export_file.h"
#include "ledger/rules/permissions.h"
#include "services/auth.h"
#include "tests/service_fixture.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::InProcessServer;
using testing::OneCommand;
using testing::TempDir;

std::string Token(char digit) { return "lcp_" + std::string(64, digit); }

// One principal of each role; each token is "lcp_" and 64 copies of its digit.
const std::map<std::string, std::pair<std::string, char>> kPrincipals = {
    {"admin", {"ADMIN -", '1'}},
    {"finance", {"LCP_FINANCE -", '2'}},
    {"pct", {"PCT_FINANCE -", '3'}},
    {"riverside", {"PRACTICE A81001", '4'}},
    {"hillview", {"PRACTICE A81002", '5'}},
    {"auditor", {"AUDITOR -", '6'}},
};

std::shared_ptr<const Principals> MakePrincipals(const std::set<std::string>& leave_out = {}) {
  std::string text;
  for (const auto& [id, role_and_digit] : kPrincipals) {
    if (leave_out.contains(id)) continue;
    text += id + " " + role_and_digit.first + " " + TokenHash(Token(role_and_digit.second)) + "\n";
  }
  std::string error;
  std::optional<Principals> principals = Principals::Parse(text, &error);
  EXPECT_TRUE(principals) << error;
  return std::make_shared<const Principals>(std::move(principals).value());
}

struct Outcome {
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
  std::string error_code;  // The lcp-error-code trailer.
};

class Caller {
 public:
  Caller(v1::LedgerService::Stub& stub, std::optional<std::string> authorization)
      : stub_(stub), authorization_(std::move(authorization)) {}

  Outcome Submit(const v1::SubmitRequest& request, v1::SubmitResponse* response = nullptr) {
    grpc::ClientContext context;
    Prepare(context);
    v1::SubmitResponse local;
    return Finish(context, stub_.Submit(&context, request, response ? response : &local));
  }
  Outcome Balances(const v1::GetBalancesRequest& request, v1::GetBalancesResponse* response = nullptr) {
    grpc::ClientContext context;
    Prepare(context);
    v1::GetBalancesResponse local;
    return Finish(context, stub_.GetBalances(&context, request, response ? response : &local));
  }
  Outcome Entry(std::uint64_t seq, v1::GetEntryResponse* response = nullptr) {
    grpc::ClientContext context;
    Prepare(context);
    v1::GetEntryRequest request;
    request.set_seq(seq);
    v1::GetEntryResponse local;
    return Finish(context, stub_.GetEntry(&context, request, response ? response : &local));
  }
  Outcome List() {
    grpc::ClientContext context;
    Prepare(context);
    v1::ListEntriesResponse response;
    return Finish(context, stub_.ListEntries(&context, v1::ListEntriesRequest(), &response));
  }
  Outcome Stream(int* count, bool follow = false, const std::function<void(int)>& on_entry = {}) {
    grpc::ClientContext context;
    Prepare(context);
    v1::StreamEntriesRequest request;
    request.set_follow(follow);
    auto reader = stub_.StreamEntries(&context, request);
    v1::StreamEntriesResponse response;
    *count = 0;
    while (reader->Read(&response)) {
      ++*count;
      if (on_entry) on_entry(*count);
    }
    return Finish(context, reader->Finish());
  }
  // An export of from..to, its messages written out as an export file into `file`.
  Outcome Export(std::uint64_t from, std::uint64_t to, std::string* file) {
    grpc::ClientContext context;
    Prepare(context);
    v1::ExportRequest request;
    request.set_from_seq(from);
    request.set_to_seq(to);
    auto reader = stub_.Export(&context, request);
    std::ostringstream out;
    ExportWriter writer(out);
    v1::ExportResponse response;
    while (reader->Read(&response)) {
      if (response.has_header()) {
        EXPECT_TRUE(writer.WriteHeader(response.header()).ok());
      }
      for (const v1::JournalRecord& record : response.records()) {
        EXPECT_TRUE(writer.WriteRecord(record).ok());
      }
    }
    EXPECT_TRUE(writer.Finish().ok());
    *file = out.str();
    return Finish(context, reader->Finish());
  }
  Outcome Head() {
    grpc::ClientContext context;
    Prepare(context);
    v1::GetHeadResponse response;
    return Finish(context, stub_.GetHead(&context, v1::GetHeadRequest(), &response));
  }
  // Any unary read RPC: Read(&Stub::GetContract, request).
  template <typename Request, typename Response>
  Outcome Read(grpc::Status (v1::LedgerService::Stub::*rpc)(grpc::ClientContext*, const Request&,
                                                             Response*),
               const Request& request = Request()) {
    grpc::ClientContext context;
    Prepare(context);
    Response response;
    return Finish(context, (stub_.*rpc)(&context, request, &response));
  }
  // The reads that every role may make, each with a request that succeeds for the standard set-up
  // (GetContract and GetCase of an unknown id are NOT_FOUND, and GetRiskShare without an agreement
  // FAILED_PRECONDITION, which shows the call got past authorization).
  std::vector<Outcome> EveryoneReads() {
    v1::GetContractRequest contract;
    contract.set_contract_id("C-NONE");
    v1::GetCaseRequest business_case;
    business_case.set_case_id("BC-NONE");
    return {Read(&v1::LedgerService::Stub::ListPractices, v1::ListPracticesRequest()),
            Read(&v1::LedgerService::Stub::GetContract, contract),
            Read(&v1::LedgerService::Stub::ListContracts, v1::ListContractsRequest()),
            Read(&v1::LedgerService::Stub::ListInterests, v1::ListInterestsRequest()),
            Read(&v1::LedgerService::Stub::GetStatement, v1::GetStatementRequest()),
            Read(&v1::LedgerService::Stub::GetYear, v1::GetYearRequest()),
            Read(&v1::LedgerService::Stub::GetRiskShare, v1::GetRiskShareRequest()),
            Read(&v1::LedgerService::Stub::GetReserve, v1::GetReserveRequest()),
            Read(&v1::LedgerService::Stub::GetCase, business_case),
            Read(&v1::LedgerService::Stub::ListCases, v1::ListCasesRequest()),
            Read(&v1::LedgerService::Stub::GetCaseReport, v1::GetCaseReportRequest())};
  }

 private:
  void Prepare(grpc::ClientContext& context) {
    if (authorization_) context.AddMetadata("authorization", *authorization_);
  }
  static Outcome Finish(grpc::ClientContext& context, const grpc::Status& status) {
    Outcome outcome{status.error_code(), status.error_message(), ""};
    auto trailers = context.GetServerTrailingMetadata();
    if (auto it = trailers.find("lcp-error-code"); it != trailers.end()) {
      outcome.error_code.assign(it->second.data(), it->second.size());
    }
    return outcome;
  }

  v1::LedgerService::Stub& stub_;
  std::optional<std::string> authorization_;
};

class AccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<InProcessServer>(
        dir_.path(), Authenticator::WithPrincipals(MakePrincipals(), false));
    // The queries tests' ledger, each entry by the principal whose role issues it: practices
    // A81001 and A81002, provider RX1 and the year 2026/27 with PRESCRIBING (entries 1-4, the
    // administrator); the budgets in M01 by an indicative run of a confirmed total (5-9: weights of
    // 1 and lists in the ratio 1200:950 by the finance officer, the total of 2150.00 confirmed by
    // PCT finance, the run by the finance officer, giving A81001 1200.00 and A81002 950.00);
    // practice A81003, registered after the run and so without a budget (10, the administrator);
    // and an invoice of A81002's in M02 (11, the finance officer).
    const std::vector<std::pair<std::string, v1::Command>> entries = {
        {"admin", testing::RegisterPracticeCommand("A81001")},
        {"admin", testing::RegisterPracticeCommand("A81002")},
        {"admin", testing::RegisterProviderCommand("RX1")},
        {"admin", testing::OpenYearCommand("2026/27", {"PRESCRIBING"})},
        {"finance", testing::WeightsCommand("2026/27", "PRESCRIBING")},
        {"finance", testing::ListCommand("2026-03-01", "A81001", {{"MALE_0_4", 24}})},
        {"finance", testing::ListCommand("2026-03-01", "A81002", {{"MALE_0_4", 19}})},
        {"pct", testing::ConfirmTotalCommand("2026/27", "PRESCRIBING", "2150.00")},
        {"finance", testing::RunCommand("2026/27", "M01", "PRESCRIBING", "")},
        {"admin", testing::RegisterPracticeCommand("A81003")},
        {"finance", testing::JournalCommand("2026/27", "M02",
                                            {{"practice:A81002:spend:PRESCRIBING", "310.25"},
                                             {"provider:RX1:payable", "-310.25"}})},
    };
    for (std::size_t i = 0; i < entries.size(); ++i) {
      // The invoice keeps its key, "invoice-1", which a test retries.
      const std::string key =
          i + 1 == entries.size() ? "invoice-1" : "setup-" + std::to_string(i + 1);
      v1::SubmitResponse response;
      Outcome outcome = As(entries[i].first).Submit(OneCommand(entries[i].second, key), &response);
      ASSERT_EQ(outcome.code, grpc::StatusCode::OK) << outcome.message;
      ASSERT_EQ(response.results(0).accepted().seq(), i + 1) << response.DebugString();
    }
  }

  Caller As(const std::string& id) {
    return Caller(server_->stub(), "Bearer " + Token(kPrincipals.at(id).second));
  }
  Caller Anonymous(std::optional<std::string> authorization = std::nullopt) {
    return Caller(server_->stub(), std::move(authorization));
  }
  std::uint64_t HeadSeq() {
    return server_->sequencer().snapshot()->head_seq;
  }

  TempDir dir_;
  std::unique_ptr<InProcessServer> server_;
};

// One valid command of each kind once M01 is closed (entry 12): the reversal of the invoice goes
// into M02, the current month, and the run allocates the confirmed total and revises the set-up's
// run (entry 9).
std::map<std::string, v1::Command> OneOfEachKind() {
  return {
      {"register_practice", testing::RegisterPracticeCommand("A81009")},
      {"register_provider", testing::RegisterProviderCommand("RX9")},
      {"open_year", testing::OpenYearCommand("2027/28", {"PRESCRIBING"})},
      {"post_journal",
       testing::JournalCommand("2026/27", "M03", {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}})},
      {"reverse_entry", testing::ReverseCommand(11, "2026/27", "M02")},
      {"set_band_weights", testing::WeightsCommand("2026/27", "PRESCRIBING", "1.25")},
      {"record_population", testing::ListCommand("2026-07-01", "A81001", {{"MALE_0_4", 5}})},
      {"set_practice_indices", testing::IndicesCommand("2026/27", {{"A81002", "1.1", ""}})},
      {"run_allocation",
       testing::RunCommand("2026/27", "M03", "PRESCRIBING", "2150.00", 9, "2026-05-01")},
  };
}

TEST_F(AccessTest, EveryRoleAgainstEveryRpcAndCommandKind) {
  using Code = grpc::StatusCode;
  constexpr Code kOk = Code::OK;
  constexpr Code kDenied = Code::PERMISSION_DENIED;
  // Expected status per principal: the five command kinds, then GetBalances, GetEntry, ListEntries,
  // StreamEntries and GetHead.
  struct Row {
    std::map<std::string, Code> commands;
    Code balances, entry, list, stream, head;
  };
  const std::map<std::string, Code> none = {
      {"register_practice", kDenied}, {"register_provider", kDenied}, {"open_year", kDenied},
      {"post_journal", kDenied}, {"reverse_entry", kDenied}, {"set_band_weights", kDenied},
      {"record_population", kDenied}, {"set_practice_indices", kDenied},
      {"run_allocation", kDenied}};
  std::map<std::string, Code> admin = none;
  for (const char* kind : {"register_practice", "register_provider", "open_year"}) admin[kind] = kOk;
  std::map<std::string, Code> finance = none;
  for (const char* kind : {"post_journal", "reverse_entry", "set_band_weights", "record_population",
                           "set_practice_indices", "run_allocation"}) {
    finance[kind] = kOk;
  }
  const std::map<std::string, Row> expected = {
      {"admin", {admin, kOk, kOk, kOk, kOk, kOk}},
      {"finance", {finance, kOk, kOk, kOk, kOk, kOk}},
      {"pct", {none, kOk, kOk, kOk, kOk, kOk}},
      {"riverside", {none, kOk, kDenied, kDenied, kDenied, kOk}},
      {"auditor", {none, kOk, kOk, kOk, kOk, kOk}},
  };
  // What a run needs: weights for the line and a list for every registered practice (recorded again
  // before each row, since the administrator's row registers a practice).
  auto prepare_run = [&] {
    Caller finance_officer = As("finance");
    ASSERT_EQ(finance_officer.Submit(OneCommand(testing::WeightsCommand("2026/27", "PRESCRIBING"),
                                                "prep-weights")).code,
              grpc::StatusCode::OK);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Token(kPrincipals.at("pct").second));
    v1::ListPracticesResponse practices;
    ASSERT_TRUE(server_->stub().ListPractices(&context, v1::ListPracticesRequest(), &practices).ok());
    for (const v1::PracticeView& practice : practices.practices()) {
      ASSERT_EQ(finance_officer.Submit(OneCommand(
                    testing::ListCommand("2026-05-01", practice.ods_code(), {{"FEMALE_20_24", 10}}),
                    "prep-list-" + practice.ods_code())).code,
                grpc::StatusCode::OK);
    }
  };
  // A correction goes into the current month: close M01 so that the invoice of M02 may be reversed.
  ASSERT_EQ(As("finance")
                .Submit(OneCommand(testing::CloseMonthCommand("2026/27", "M01"), "close-m01"))
                .code,
            grpc::StatusCode::OK);
  int cells = 0;
  for (const auto& [id, row] : expected) {
    prepare_run();
    for (const auto& [kind, command] : OneOfEachKind()) {
      SCOPED_TRACE(id + " " + kind);
      const std::uint64_t before = HeadSeq();
      Outcome outcome = As(id).Submit(OneCommand(command, "cell-" + id + "-" + kind));
      EXPECT_EQ(outcome.code, row.commands.at(kind)) << outcome.message;
      if (outcome.code == kOk) {
        EXPECT_EQ(HeadSeq(), before + 1);
      } else {
        EXPECT_EQ(outcome.error_code, "ERROR_CODE_PERMISSION_DENIED");
        EXPECT_EQ(HeadSeq(), before);
      }
      ++cells;
    }
    SCOPED_TRACE(id);
    Caller caller = As(id);
    EXPECT_EQ(caller.Balances({}).code, row.balances);
    EXPECT_EQ(caller.Entry(6).code, row.entry);
    EXPECT_EQ(caller.List().code, row.list);
    int streamed = 0;
    Outcome stream = caller.Stream(&streamed);
    EXPECT_EQ(stream.code, row.stream);
    if (row.stream == kDenied) {
      EXPECT_EQ(streamed, 0);
      EXPECT_EQ(stream.error_code, "ERROR_CODE_PERMISSION_DENIED");
    } else {
      EXPECT_EQ(streamed, static_cast<int>(HeadSeq()));
    }
    EXPECT_EQ(caller.Head().code, row.head);
    cells += 5;
  }
  EXPECT_EQ(cells, 70);
}

TEST_F(AccessTest, ReadOnlyRolesAreRefusedForTheWholeBatch) {
  v1::SubmitRequest batch = OneCommand(testing::RegisterPracticeCommand("A81009"), "b-1");
  *batch.add_commands() = OneCommand(testing::RegisterProviderCommand("RX9"), "b-2").commands(0);
  for (const std::string id : {"auditor"}) {
    Outcome outcome = As(id).Submit(batch);
    EXPECT_EQ(outcome.code, grpc::StatusCode::PERMISSION_DENIED) << id;
    EXPECT_EQ(outcome.message, "ERROR_CODE_PERMISSION_DENIED: role " +
                                   RoleName(MakePrincipals()->ById(id)->actor.role()) +
                                   " may not submit commands: it reads only; nothing was posted");
  }
  EXPECT_EQ(HeadSeq(), 11u);
}

TEST_F(AccessTest, ABatchReportsEachCommandTheRoleMayNotIssue) {
  v1::SubmitRequest batch = OneCommand(testing::RegisterPracticeCommand("A81009"), "mixed-1");
  *batch.add_commands() =
      OneCommand(testing::JournalCommand("2026/27", "M03", {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}}),
                 "mixed-2")
          .commands(0);
  v1::SubmitResponse response;
  ASSERT_EQ(As("admin").Submit(batch, &response).code, grpc::StatusCode::OK);
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).accepted().seq(), 12u);
  EXPECT_EQ(response.results(1).refusal().code(), v1::ERROR_CODE_PERMISSION_DENIED);
  EXPECT_EQ(response.results(1).refusal().grpc_code(), 7);  // PERMISSION_DENIED.
  EXPECT_EQ(response.results(1).refusal().message(),
            "role ADMIN may not post a journal; ask a principal with role LCP_FINANCE");
  EXPECT_EQ(HeadSeq(), 12u);
}

TEST_F(AccessTest, EntriesRecordTheAuthenticatedPrincipal) {
  v1::GetEntryResponse entry;
  ASSERT_EQ(As("auditor").Entry(1, &entry).code, grpc::StatusCode::OK);
  EXPECT_EQ(entry.entry().entry().actor().principal_id(), "admin");
  EXPECT_EQ(entry.entry().entry().actor().role(), v1::ROLE_ADMIN);
  ASSERT_EQ(As("auditor").Entry(11, &entry).code, grpc::StatusCode::OK);  // The invoice.
  EXPECT_EQ(entry.entry().entry().actor().principal_id(), "finance");
  EXPECT_EQ(entry.entry().entry().actor().role(), v1::ROLE_LCP_FINANCE);
  EXPECT_EQ(entry.entry().entry().actor().practice_ods_code(), "");
  ASSERT_EQ(As("auditor").Entry(8, &entry).code, grpc::StatusCode::OK);  // The confirmed total.
  EXPECT_EQ(entry.entry().entry().actor().principal_id(), "pct");
  EXPECT_EQ(entry.entry().entry().actor().role(), v1::ROLE_PCT_FINANCE);
}

// A retry by another principal gets the original result only if its role may issue the command: a
// practice or an administrator sending a finance officer's journal with its key learns nothing.
TEST_F(AccessTest, ADuplicateKeyRevealsNothingToARoleThatMayNotIssueTheCommand) {
  const v1::SubmitRequest invoice = OneCommand(
      testing::JournalCommand("2026/27", "M02", {{"practice:A81002:spend:PRESCRIBING", "310.25"},
                                                 {"provider:RX1:payable", "-310.25"}}),
      "invoice-1");
  v1::SubmitResponse response;
  Outcome admin = As("admin").Submit(invoice, &response);
  EXPECT_EQ(admin.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(admin.message,
            "ERROR_CODE_PERMISSION_DENIED: role ADMIN may not post a journal; ask a principal "
            "with role LCP_FINANCE");
  EXPECT_EQ(response.results_size(), 0);
  EXPECT_EQ(As("riverside").Submit(invoice).code, grpc::StatusCode::PERMISSION_DENIED);
  // The finance officer's own retry is the original.
  ASSERT_EQ(As("finance").Submit(invoice, &response).code, grpc::StatusCode::OK);
  EXPECT_TRUE(response.results(0).accepted().duplicate());
  EXPECT_EQ(response.results(0).accepted().seq(), 11u);
  EXPECT_EQ(HeadSeq(), 11u);
}

TEST_F(AccessTest, CallsWithoutGoodCredentialsAreUnauthenticatedOnEveryRpc) {
  const std::vector<std::pair<std::optional<std::string>, std::string>> callers = {
      {std::nullopt,
       "the call carries no credentials: send the metadata \"authorization: Bearer <token>\" (lcp "
       "--token-file FILE, or LCP_TOKEN)"},
      {"Token " + Token('2'), "the authorization metadata is not \"Bearer <token>\""},
      {"Bearer lcp_not-a-token",
       "the bearer token is malformed: a token is \"lcp_\" and 64 lower-case hexadecimal digits, "
       "as lcp-ledgerd principal add printed it"},
      {"Bearer " + Token('9'),
       "the bearer token is not recognised: it was revoked or never issued by this server; ask "
       "the ledger administrator for a token"},
  };
  for (const auto& [authorization, message] : callers) {
    SCOPED_TRACE(message);
    Caller caller = Anonymous(authorization);
    const std::string expected = "ERROR_CODE_UNAUTHENTICATED: " + message;
    int streamed = 0;
    std::vector<Outcome> outcomes = {
        caller.Submit(OneCommand(testing::RegisterPracticeCommand("A81009"), "anon")),
        caller.Balances({}), caller.Entry(1), caller.List(), caller.Stream(&streamed),
        caller.Head()};
    for (Outcome& read : caller.EveryoneReads()) outcomes.push_back(std::move(read));
    outcomes.push_back(caller.Read(&v1::LedgerService::Stub::GetAllocation, v1::GetAllocationRequest()));
    for (const Outcome& outcome : outcomes) {
      EXPECT_EQ(outcome.code, grpc::StatusCode::UNAUTHENTICATED);
      EXPECT_EQ(outcome.message, expected);
      EXPECT_EQ(outcome.error_code, "ERROR_CODE_UNAUTHENTICATED");
    }
    EXPECT_EQ(streamed, 0);
  }
  EXPECT_EQ(HeadSeq(), 11u);
}

TEST_F(AccessTest, ARevokedTokenIsRefusedOnceThePrincipalsAreReloaded) {
  ASSERT_EQ(As("finance").Head().code, grpc::StatusCode::OK);
  server_->authenticator().Replace(MakePrincipals({"finance"}));  // What SIGHUP does.
  Outcome outcome = As("finance").Submit(OneCommand(
      testing::JournalCommand("2026/27", "M03", {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}}),
      "after-revoke"));
  EXPECT_EQ(outcome.code, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(As("finance").Head().code, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(As("auditor").Head().code, grpc::StatusCode::OK);
  EXPECT_EQ(HeadSeq(), 11u);
}

std::map<std::string, std::string> Rows(const v1::GetBalancesResponse& response) {
  std::map<std::string, std::string> rows;
  for (const v1::Balance& balance : response.balances()) {
    rows[balance.account()] = balance.balance().value();
  }
  return rows;
}

TEST_F(AccessTest, APracticeSeesItsOwnAccountsAndTheLcpWideOnesOnly) {
  v1::GetBalancesResponse response;
  ASSERT_EQ(As("riverside").Balances({}, &response).code, grpc::StatusCode::OK);
  EXPECT_EQ(Rows(response), (std::map<std::string, std::string>{
                                {"pct:allocation:PRESCRIBING", "-2150.00"},
                                {"practice:A81001:budget:PRESCRIBING", "1200.00"}}));
  v1::GetBalancesRequest prefix;
  prefix.set_account_prefix("practice:");
  ASSERT_EQ(As("riverside").Balances(prefix, &response).code, grpc::StatusCode::OK);
  EXPECT_EQ(Rows(response), (std::map<std::string, std::string>{
                                {"practice:A81001:budget:PRESCRIBING", "1200.00"}}));
  // Hillview sees its own, including its spend.
  ASSERT_EQ(As("hillview").Balances({}, &response).code, grpc::StatusCode::OK);
  EXPECT_EQ(Rows(response), (std::map<std::string, std::string>{
                                {"pct:allocation:PRESCRIBING", "-2150.00"},
                                {"practice:A81002:budget:PRESCRIBING", "950.00"},
                                {"practice:A81002:spend:PRESCRIBING", "310.25"}}));
  // The auditor sees everything.
  ASSERT_EQ(As("auditor").Balances({}, &response).code, grpc::StatusCode::OK);
  EXPECT_EQ(response.balances_size(), 5);
}

TEST_F(AccessTest, APracticeAskingAboutAnotherPracticeIsDeniedWithoutLearningWhetherItExists) {
  const std::string readable =
      "ERROR_CODE_PERMISSION_DENIED: role PRACTICE (practice A81001) may read only accounts under "
      "\"practice:A81001:...\", \"lcp:...\" and \"pct:...\"; ";
  // A registered practice with postings, a registered one without, and one never registered: the
  // same refusal, naming only what was asked.
  for (const std::string other : {"A81002", "A81003", "A89999"}) {
    SCOPED_TRACE(other);
    v1::GetBalancesRequest named;
    named.add_accounts("practice:" + other + ":spend:PRESCRIBING");
    Outcome outcome = As("riverside").Balances(named);
    EXPECT_EQ(outcome.code, grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(outcome.message,
              readable + "account \"practice:" + other + ":spend:PRESCRIBING\" is not among them");
    v1::GetBalancesRequest prefix;
    prefix.set_account_prefix("practice:" + other + ":");
    outcome = As("riverside").Balances(prefix);
    EXPECT_EQ(outcome.code, grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(outcome.message, readable + "prefix \"practice:" + other + ":\" is not among them");
  }
  // Named accounts mixing its own with another's: refused as a whole.
  v1::GetBalancesRequest mixed;
  mixed.add_accounts("practice:A81001:budget:PRESCRIBING");
  mixed.add_accounts("practice:A81002:budget:PRESCRIBING");
  EXPECT_EQ(As("riverside").Balances(mixed).code, grpc::StatusCode::PERMISSION_DENIED);
  v1::GetBalancesRequest providers;
  providers.set_account_prefix("provider:");
  EXPECT_EQ(As("riverside").Balances(providers).code, grpc::StatusCode::PERMISSION_DENIED);
  // Its journal is closed to it, whichever entry is asked for, existing or not.
  for (std::uint64_t seq : {1u, 9u, 11u, 1000u}) {  // 9 the run, 11 the invoice.
    Outcome outcome = As("riverside").Entry(seq);
    EXPECT_EQ(outcome.code, grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(outcome.message,
              "ERROR_CODE_PERMISSION_DENIED: role PRACTICE may not read journal entries, which "
              "carry other practices' detail; read balances instead (GetBalances)");
  }
}

TEST_F(AccessTest, APracticeReadsBalancesAsOfTheHeadOnly) {
  // Balances entry by entry would give away, by their differences, what each entry posted.
  v1::GetBalancesRequest earlier;
  earlier.set_as_of_seq(9);  // The run.
  Outcome outcome = As("riverside").Balances(earlier);
  EXPECT_EQ(outcome.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(outcome.message,
            "ERROR_CODE_PERMISSION_DENIED: role PRACTICE reads balances as of the head only; leave "
            "as_of_seq at 0");
  v1::GetBalancesRequest at_head;
  at_head.set_as_of_seq(11);
  EXPECT_EQ(As("riverside").Balances(at_head).code, grpc::StatusCode::PERMISSION_DENIED);
  v1::GetBalancesResponse response;
  ASSERT_EQ(As("auditor").Balances(earlier, &response).code, grpc::StatusCode::OK);
  EXPECT_EQ(response.as_of_seq(), 9u);
  EXPECT_EQ(Rows(response).size(), 3u);
}

TEST_F(AccessTest, APracticeCannotFollowTheJournal) {
  int streamed = 0;
  Outcome outcome = As("riverside").Stream(&streamed, /*follow=*/true);
  EXPECT_EQ(outcome.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(streamed, 0);
}

// A follow stream is checked again once the principals are re-read: a revoked auditor's stream ends
// before the next entry instead of receiving it.
TEST_F(AccessTest, ARevokedPrincipalsFollowStreamEndsBeforeTheNextEntry) {
  std::atomic<int> seen{0};
  Outcome outcome;
  std::thread follower([&] {
    int count = 0;
    outcome = As("auditor").Stream(&count, /*follow=*/true, [&](int n) { seen = n; });
  });
  for (int i = 0; i < 500 && seen < 11; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(seen, 11);
  server_->authenticator().Replace(MakePrincipals({"auditor"}));
  ASSERT_EQ(As("finance").Submit(OneCommand(
                testing::JournalCommand("2026/27", "M03", {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}}),
                "after-revoke")).code,
            grpc::StatusCode::OK);
  follower.join();
  EXPECT_EQ(seen, 11);  // Entry 12 was never sent.
  EXPECT_EQ(outcome.code, grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(outcome.error_code, "ERROR_CODE_UNAUTHENTICATED");
}

// Capitation: a dry run posts nothing; the run then posts what the dry run showed; a practice reads
// its own row (with its bands) and the totals, never another practice's row. The run revises the
// set-up's run (entry 9) and allocates the total PCT finance confirms for it, 601.00.
TEST_F(AccessTest, CapitationDryRunThenRunAndEachPracticeSeesItsOwnRow) {
  Caller finance = As("finance");
  ASSERT_EQ(finance.Submit(OneCommand(testing::WeightsCommand("2026/27", "PRESCRIBING", "1",
                                                              {{"FEMALE_70_74", "2.5"}}),
                                      "w")).code,
            grpc::StatusCode::OK);
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::int64_t>>>> lists = {
      {"A81001", {{"FEMALE_70_74", 100}, {"MALE_0_4", 50}}},
      {"A81002", {{"MALE_30_34", 300}}},
      {"A81003", {{"FEMALE_0_4", 1}}}};
  for (const auto& [ods, bands] : lists) {
    ASSERT_EQ(finance.Submit(OneCommand(testing::ListCommand("2026-06-01", ods, bands), "l-" + ods)).code,
              grpc::StatusCode::OK);
  }
  ASSERT_EQ(As("pct")
                .Submit(OneCommand(testing::ConfirmTotalCommand("2026/27", "PRESCRIBING", "601.00",
                                                                "Revised total"),
                                   "total"))
                .code,
            grpc::StatusCode::OK);
  const std::uint64_t head = HeadSeq();  // 16.
  const v1::Command run = testing::RunCommand("2026/27", "M02", "PRESCRIBING", "601.00", 9);
  v1::SubmitRequest dry = OneCommand(run, "run");
  dry.set_dry_run(true);
  v1::SubmitResponse preview;
  ASSERT_EQ(finance.Submit(dry, &preview).code, grpc::StatusCode::OK);
  EXPECT_EQ(HeadSeq(), head);
  EXPECT_EQ(preview.head_seq(), head);
  const v1::Accepted& would = preview.results(0).accepted();
  EXPECT_EQ(would.seq(), head + 1);
  ASSERT_EQ(would.allocation().rows_size(), 3);
  // WP: 250 + 50 = 300, 300, 1; 601.00 split 300:300:1 = 300.00, 300.00, 1.00.
  EXPECT_EQ(would.allocation().rows(0).budget().value(), "300.00");
  EXPECT_EQ(would.allocation().rows(2).budget().value(), "1.00");
  // The differences from the budgets in force (1,200.00, 950.00, 0.00): -900.00, -650.00, +1.00,
  // and +1,549.00 back to pct:allocation.
  EXPECT_EQ(would.postings_size(), 4);
  // The dry run recorded nothing: the latest run is still the set-up's.
  v1::GetAllocationRequest latest;
  latest.set_year("2026/27");
  latest.set_budget_line("PRESCRIBING");
  grpc::ClientContext before;
  before.AddMetadata("authorization", "Bearer " + Token(kPrincipals.at("auditor").second));
  v1::GetAllocationResponse in_force;
  ASSERT_TRUE(server_->stub().GetAllocation(&before, latest, &in_force).ok());
  EXPECT_EQ(in_force.allocation().run_seq(), 9u);
  EXPECT_EQ(in_force.allocation().total().value(), "2150.00");
  // The key of a dry run stays free: the real run may use it.
  v1::SubmitResponse posted;
  ASSERT_EQ(finance.Submit(OneCommand(run, "run"), &posted).code, grpc::StatusCode::OK);
  EXPECT_EQ(posted.results(0).accepted().seq(), head + 1);
  EXPECT_EQ(posted.results(0).accepted().allocation().SerializeAsString(),
            would.allocation().SerializeAsString());

  auto get = [&](const std::string& id, const std::string& ods, v1::GetAllocationResponse* out) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Token(kPrincipals.at(id).second));
    v1::GetAllocationRequest request = latest;
    request.set_ods_code(ods);
    grpc::Status status = server_->stub().GetAllocation(&context, request, out);
    return Outcome{status.error_code(), status.error_message(), ""};
  };
  v1::GetAllocationResponse own;
  ASSERT_EQ(get("riverside", "", &own).code, grpc::StatusCode::OK);
  ASSERT_EQ(own.allocation().rows_size(), 1);
  EXPECT_EQ(own.allocation().rows(0).ods_code(), "A81001");
  EXPECT_EQ(own.allocation().rows(0).bands_size(), 40);
  EXPECT_EQ(own.allocation().weighted_population_total().value(), "601");
  EXPECT_EQ(own.allocation().practice_count(), 3u);
  EXPECT_EQ(own.allocation().total().value(), "601.00");
  v1::GetAllocationResponse other;
  Outcome denied = get("riverside", "A81002", &other);
  EXPECT_EQ(denied.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(denied.message,
            "ERROR_CODE_PERMISSION_DENIED: role PRACTICE (practice A81001) may read only its own "
            "row of an allocation, not \"A81002\"'s");
  EXPECT_EQ(get("riverside", "A89999", &other).message, denied.message.substr(0, denied.message.find("not \"")) + "not \"A89999\"'s");
  v1::GetAllocationResponse all;
  ASSERT_EQ(get("pct", "", &all).code, grpc::StatusCode::OK);
  EXPECT_EQ(all.allocation().rows_size(), 3);
  EXPECT_EQ(all.allocation().rows(1).bands_size(), 0);
  // Everyone may list the member practices.
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + Token(kPrincipals.at("riverside").second));
  v1::ListPracticesResponse practices;
  ASSERT_TRUE(server_->stub().ListPractices(&context, v1::ListPracticesRequest(), &practices).ok());
  ASSERT_EQ(practices.practices_size(), 3);
  EXPECT_EQ(practices.practices(2).ods_code(), "A81003");
}

// A dry run of a batch (not all-or-nothing) with a refusal: each command's result as it would be, and
// nothing posted, not even the accepted ones.
TEST_F(AccessTest, ADryRunBatchWithARefusalPostsNothing) {
  v1::SubmitRequest batch = OneCommand(
      testing::JournalCommand("2026/27", "M03", {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}}), "d-1");
  *batch.add_commands() =
      OneCommand(testing::JournalCommand("2026/27", "M03", {{"lcp:cash", "1.00"}}), "d-2").commands(0);
  batch.set_dry_run(true);
  v1::SubmitResponse response;
  ASSERT_EQ(As("finance").Submit(batch, &response).code, grpc::StatusCode::OK);
  ASSERT_EQ(response.results_size(), 2);
  EXPECT_EQ(response.results(0).accepted().seq(), 12u);
  EXPECT_EQ(response.results(1).refusal().code(), v1::ERROR_CODE_POSTING_COUNT_INVALID);
  EXPECT_EQ(HeadSeq(), 11u);
  // The accepted command's key is still free.
  v1::SubmitResponse real;
  ASSERT_EQ(As("finance").Submit(OneCommand(testing::JournalCommand("2026/27", "M03",
                                                                    {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}}),
                                            "d-1"),
                                 &real).code,
            grpc::StatusCode::OK);
  EXPECT_FALSE(real.results(0).accepted().duplicate());
  EXPECT_EQ(HeadSeq(), 12u);
}

TEST(InsecureAccess, TheLocalAdministratorRegistersPostsAndIsRecorded) {
  TempDir dir;
  InProcessServer server(dir.path());
  Caller caller(server.stub(), std::nullopt);
  ASSERT_EQ(caller.Submit(OneCommand(testing::RegisterPracticeCommand("A81001"), "k1")).code,
            grpc::StatusCode::OK);
  ASSERT_EQ(caller.Submit(OneCommand(testing::OpenYearCommand("2026/27", {"PRESCRIBING"}), "k2")).code,
            grpc::StatusCode::OK);
  ASSERT_EQ(caller.Submit(OneCommand(testing::JournalCommand("2026/27", "M01",
                                                             {{"lcp:cash", "1.00"},
                                                              {"pct:funding", "-1.00"}}),
                                     "k3")).code,
            grpc::StatusCode::OK);
  ASSERT_EQ(caller.Submit(OneCommand(testing::RegisterProviderCommand("RX1"), "k4")).code,
            grpc::StatusCode::OK);
  ASSERT_EQ(caller.Submit(OneCommand(testing::ReverseCommand(3, "2026/27", "M01"), "k5")).code,
            grpc::StatusCode::OK);
  v1::GetEntryResponse entry;
  ASSERT_EQ(caller.Entry(3, &entry).code, grpc::StatusCode::OK);
  EXPECT_EQ(entry.entry().entry().actor().principal_id(), "local-admin");
  EXPECT_EQ(entry.entry().entry().actor().role(), v1::ROLE_LOCAL_ADMIN);
  v1::GetBalancesRequest earlier;
  earlier.set_as_of_seq(3);
  v1::GetBalancesResponse balances;
  ASSERT_EQ(caller.Balances(earlier, &balances).code, grpc::StatusCode::OK);
  EXPECT_EQ(Rows(balances), (std::map<std::string, std::string>{{"lcp:cash", "1.00"},
                                                                 {"pct:funding", "-1.00"}}));
  EXPECT_EQ(caller.List().code, grpc::StatusCode::OK);
  int streamed = 0;
  EXPECT_EQ(caller.Stream(&streamed).code, grpc::StatusCode::OK);
  EXPECT_EQ(streamed, 5);
  EXPECT_EQ(caller.Head().code, grpc::StatusCode::OK);
}

// A practice reads its own statement only, declares its own interests only, and an approval needs a
// principal other than the proposer.
TEST_F(AccessTest, StatementsInterestsAndApprovalsFollowWhoIsCalling) {
  auto statement = [&](const std::string& id, const std::string& ods, v1::GetStatementResponse* out) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Token(kPrincipals.at(id).second));
    v1::GetStatementRequest request;
    request.set_ods_code(ods);
    return server_->stub().GetStatement(&context, request, out);
  };
  v1::GetStatementResponse own;
  ASSERT_TRUE(statement("riverside", "", &own).ok());
  ASSERT_EQ(own.practices_size(), 1);
  EXPECT_EQ(own.practices(0).ods_code(), "A81001");
  EXPECT_EQ(own.practices(0).lines(0).budget().value(), "1200.00");
  EXPECT_EQ(own.practices(0).lines(0).variance().value(), "1200.00");
  EXPECT_TRUE(own.lcp_totals().empty());
  for (const std::string other : {"A81002", "B99999"}) {
    v1::GetStatementResponse denied;
    grpc::Status status = statement("riverside", other, &denied);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << other;
    EXPECT_EQ(status.error_message(), "ERROR_CODE_PERMISSION_DENIED: role PRACTICE (practice A81001) "
                                      "may read only its own statement, not \"" + other + "\"'s");
  }
  v1::GetStatementResponse all;
  ASSERT_TRUE(statement("pct", "", &all).ok());
  ASSERT_EQ(all.practices_size(), 3);
  EXPECT_EQ(all.practices(1).lines(0).actual().value(), "310.25");
  EXPECT_EQ(all.practices(1).lines(0).variance().value(), "639.75");
  ASSERT_EQ(all.lcp_totals_size(), 2);  // PRESCRIBING, TOTAL.
  EXPECT_EQ(all.lcp_totals(1).budget_line(), "TOTAL");
  EXPECT_EQ(all.lcp_totals(1).forecast().value(), "310.25");
  EXPECT_EQ(all.lcp_totals(1).variance().value(), "1839.75");

  auto interest = [](const std::string& ods) {
    v1::Command command;
    command.mutable_declare_interest()->set_ods_code(ods);
    command.mutable_declare_interest()->set_provider_code("RX1");
    command.mutable_declare_interest()->set_description("A partner sits on RX1's board");
    return command;
  };
  Caller riverside = As("riverside");
  EXPECT_EQ(riverside.Submit(OneCommand(interest("A81001"), "i-1")).code, grpc::StatusCode::OK);
  Outcome other = riverside.Submit(OneCommand(interest("A81002"), "i-2"));
  EXPECT_EQ(other.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(other.message, "ERROR_CODE_PERMISSION_DENIED: a practice declares only its own "
                           "interests: you act for A81001");
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + Token(kPrincipals.at("hillview").second));
  v1::ListInterestsResponse interests;
  ASSERT_TRUE(server_->stub().ListInterests(&context, v1::ListInterestsRequest(), &interests).ok());
  ASSERT_EQ(interests.interests_size(), 1);
  EXPECT_EQ(interests.interests(0).declared_by(), "riverside");

  // Every role lists practices, contracts and interests, and reads a statement, a reserve, the
  // cases and the case report (its own, for a practice).
  for (const auto& [id, unused] : kPrincipals) {
    SCOPED_TRACE(id);
    const std::vector<Outcome> reads = As(id).EveryoneReads();
    const std::vector<grpc::StatusCode> expected = {grpc::StatusCode::OK,
                                                    grpc::StatusCode::NOT_FOUND,
                                                    grpc::StatusCode::OK,
                                                    grpc::StatusCode::OK,
                                                    grpc::StatusCode::OK,
                                                    grpc::StatusCode::OK,
                                                    grpc::StatusCode::FAILED_PRECONDITION,
                                                    grpc::StatusCode::OK,
                                                    grpc::StatusCode::NOT_FOUND,
                                                    grpc::StatusCode::OK,
                                                    grpc::StatusCode::OK};
    ASSERT_EQ(reads.size(), expected.size());
    for (std::size_t i = 0; i < reads.size(); ++i) EXPECT_EQ(reads[i].code, expected[i]) << i;
  }

  // On a TLS server the caller is whom the token names: "lcp-acting-as" is refused, not obeyed.
  grpc::ClientContext acting;
  acting.AddMetadata("authorization", "Bearer " + Token(kPrincipals.at("finance").second));
  acting.AddMetadata("lcp-acting-as", "pct");
  v1::GetHeadResponse head;
  grpc::Status refused = server_->stub().GetHead(&acting, v1::GetHeadRequest(), &head);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// Statement and contract queries that cannot be answered say exactly why.
TEST_F(AccessTest, StatementAndContractQueriesRefuseWithTheirCodes) {
  auto statement = [&](const std::string& year, const std::string& month, const std::string& ods) {
    v1::GetStatementRequest request;
    request.set_year(year);
    request.set_month(month);
    request.set_ods_code(ods);
    return As("finance").Read(&v1::LedgerService::Stub::GetStatement, request);
  };
  const struct {
    Outcome outcome;
    grpc::StatusCode code;
    std::string message;
  } cases[] = {
      {statement("2030/31", "", ""), grpc::StatusCode::FAILED_PRECONDITION,
       "ERROR_CODE_YEAR_NOT_OPEN: financial year 2030/31 has not been opened"},
      {statement("2026-27", "", ""), grpc::StatusCode::INVALID_ARGUMENT, "ERROR_CODE_YEAR_MALFORMED: "},
      {statement("", "M13", ""), grpc::StatusCode::INVALID_ARGUMENT, "ERROR_CODE_MONTH_MALFORMED: "},
      {statement("", "", "B99999"), grpc::StatusCode::NOT_FOUND,
       "ERROR_CODE_PRACTICE_UNKNOWN: practice \"B99999\" is not a registered member"},
      {[&] {
         v1::GetContractRequest request;
         request.set_contract_id("C-NONE");
         return As("auditor").Read(&v1::LedgerService::Stub::GetContract, request);
       }(),
       grpc::StatusCode::NOT_FOUND, "ERROR_CODE_CONTRACT_UNKNOWN: no contract \"C-NONE\" is registered"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.outcome.code, c.code) << c.message;
    EXPECT_TRUE(c.outcome.message.starts_with(c.message)) << c.outcome.message;
    EXPECT_EQ(c.outcome.error_code, c.message.substr(0, c.message.find(':')));
  }
  // The month end a statement is asked for counts only postings into that month or earlier: the
  // invoice of M02 (entry 11) is not in M01's figures.
  v1::GetStatementRequest m01;
  m01.set_month("M01");
  m01.set_ods_code("A81002");
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + Token(kPrincipals.at("finance").second));
  v1::GetStatementResponse response;
  ASSERT_TRUE(server_->stub().GetStatement(&context, m01, &response).ok());
  EXPECT_EQ(response.practices(0).lines(0).actual().value(), "0.00");
  EXPECT_EQ(response.practices(0).lines(0).budget().value(), "950.00");
}

// A year's state and its risk share: who may read what, the what-ifs a practice may ask, and every
// refusal with its code. The books: budgets 1,200.00 / 950.00 / 0.00 on PRESCRIBING, spend 310.25 by
// A81002, so V = 1,839.75 of savings.
TEST_F(AccessTest, RiskShareFollowsWhoIsCallingAndRefusesWithItsCodes) {
  auto share = [&](const std::string& id, const std::string& ods,
                   const std::vector<std::tuple<std::string, std::string, std::string>>& what_ifs,
                   v1::RiskBasis basis, v1::GetRiskShareResponse* out) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Token(kPrincipals.at(id).second));
    v1::GetRiskShareRequest request;
    request.set_ods_code(ods);
    request.set_basis(basis);
    for (const auto& [code, line, amount] : what_ifs) {
      v1::WhatIf* what_if = request.add_what_ifs();
      what_if->set_ods_code(code);
      what_if->set_budget_line(line);
      what_if->mutable_amount()->set_value(amount);
    }
    return server_->stub().GetRiskShare(&context, request, out);
  };
  v1::GetRiskShareResponse response;
  grpc::Status missing = share("finance", "", {}, v1::RISK_BASIS_PROJECTED, &response);
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(missing.error_message(),
            "ERROR_CODE_AGREEMENT_MISSING: 2026/27 has no risk-sharing agreement in force yet");

  // Savings: t 0.01, one band LCP 0.70, cap 0.05 of B (107.50, which binds); alphas 0.5 / 0.5.
  const v1::AgreementTerms terms = testing::AgreementTermsOf(
      {"PRESCRIBING"}, testing::ShareTermsOf("0.01", v1::SHARE_MODE_FIRST_POUND, {"0.70"}, "0.05"),
      testing::ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"1"}, ""), "0.5", "0.5");
  ASSERT_EQ(As("finance").Submit(OneCommand(testing::ProposeAgreementCommand("2026/27", terms, 0, "Late"), "a-1")).code,
            grpc::StatusCode::OK);
  Outcome own_cosign =
      As("finance").Submit(OneCommand(testing::CosignAgreementCommand("2026/27", 12), "a-2"));
  EXPECT_EQ(own_cosign.code, grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_EQ(
      As("pct").Submit(OneCommand(testing::CosignAgreementCommand("2026/27", 12), "a-3")).code,
      grpc::StatusCode::OK);

  // Every role reads the year.
  for (const auto& [id, unused] : kPrincipals) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + Token(kPrincipals.at(id).second));
    v1::GetYearResponse year;
    ASSERT_TRUE(server_->stub().GetYear(&context, v1::GetYearRequest(), &year).ok()) << id;
    EXPECT_EQ(year.agreement().proposal_seq(), 12u);
    EXPECT_EQ(year.agreement().cosigned_by(), "pct");
    EXPECT_EQ(year.next_month_to_close(), "M01");
    EXPECT_TRUE(year.has_postings());
  }

  // A practice gets the LCP-wide steps and its own row: 30.00 of the budget part (1,200 / 2,150 of
  // 53.75) and 35.06 of the contribution part (1,200 / 1,839.75 of 53.75 is 35.059..., and the
  // leftover penny's larger remainder).
  ASSERT_TRUE(share("riverside", "", {}, v1::RISK_BASIS_UNSPECIFIED, &response).ok());
  EXPECT_EQ(response.basis(), v1::RISK_BASIS_PROJECTED);
  EXPECT_EQ(response.variance().value(), "1839.75");
  EXPECT_TRUE(response.cap_binds());
  EXPECT_EQ(response.lcp_amount().value(), "107.50");
  EXPECT_EQ(response.pct_amount().value(), "1732.25");
  EXPECT_EQ(response.member_count(), 3u);
  ASSERT_EQ(response.members_size(), 1);
  EXPECT_EQ(response.members(0).ods_code(), "A81001");
  EXPECT_EQ(response.members(0).budget_share().value(), "30.00");
  EXPECT_EQ(response.members(0).contribution_share().value(), "35.06");
  EXPECT_EQ(response.members(0).share().value(), "65.06");
  v1::GetRiskShareResponse all;
  ASSERT_TRUE(share("auditor", "", {}, v1::RISK_BASIS_PROJECTED, &all).ok());
  ASSERT_EQ(all.members_size(), 3);
  EXPECT_EQ(all.members(1).share().value(), "42.44");
  EXPECT_EQ(all.members(2).share().value(), "0.00");

  // A what-if posts nothing.
  const std::uint64_t head = HeadSeq();
  ASSERT_TRUE(share("riverside", "A81001", {{"A81001", "PRESCRIBING", "1000"}},
                    v1::RISK_BASIS_PROJECTED, &response).ok());
  EXPECT_EQ(response.what_ifs(0).amount().value(), "1000.00");
  EXPECT_EQ(response.variance().value(), "839.75");
  EXPECT_EQ(HeadSeq(), head);

  const struct {
    std::string id, ods;
    std::vector<std::tuple<std::string, std::string, std::string>> what_ifs;
    v1::RiskBasis basis;
    grpc::StatusCode code;
    std::string message;
  } cases[] = {
      {"riverside", "A81002", {}, v1::RISK_BASIS_PROJECTED, grpc::StatusCode::PERMISSION_DENIED,
       "ERROR_CODE_PERMISSION_DENIED: role PRACTICE (practice A81001) may read only its own risk "
       "share, not \"A81002\"'s"},
      {"riverside", "", {{"A81002", "PRESCRIBING", "5"}}, v1::RISK_BASIS_PROJECTED,
       grpc::StatusCode::PERMISSION_DENIED,
       "ERROR_CODE_PERMISSION_DENIED: role PRACTICE (practice A81001) may ask what-ifs only of its "
       "own spend, not \"A81002\"'s"},
      {"finance", "", {{"B99999", "PRESCRIBING", "5"}}, v1::RISK_BASIS_PROJECTED,
       grpc::StatusCode::NOT_FOUND,
       "ERROR_CODE_PRACTICE_UNKNOWN: what-if practice \"B99999\" is not a registered member"},
      {"finance", "", {{"A81001", "COMMUNITY", "5"}}, v1::RISK_BASIS_PROJECTED,
       grpc::StatusCode::INVALID_ARGUMENT,
       "ERROR_CODE_QUERY_INVALID: what-if line \"COMMUNITY\" is not pooled in 2026/27, so it does "
       "not change the risk share"},
      {"finance", "", {{"A81001", "PRESCRIBING", "0"}}, v1::RISK_BASIS_PROJECTED,
       grpc::StatusCode::INVALID_ARGUMENT,
       "ERROR_CODE_QUERY_INVALID: a what-if amount is extra spend (+) or savings (-), never 0"},
      {"finance", "", {{"A81001", "PRESCRIBING", "1e3"}}, v1::RISK_BASIS_PROJECTED,
       grpc::StatusCode::INVALID_ARGUMENT, "ERROR_CODE_AMOUNT_MALFORMED: what-if amount for A81001 "
                                           "PRESCRIBING: "},
      {"finance", "", {}, v1::RISK_BASIS_SETTLED, grpc::StatusCode::FAILED_PRECONDITION,
       "ERROR_CODE_YEAR_NOT_SETTLED: 2026/27 has not been settled yet; ask for the PROJECTED share"},
      {"finance", "B99999", {}, v1::RISK_BASIS_PROJECTED, grpc::StatusCode::NOT_FOUND,
       "ERROR_CODE_PRACTICE_UNKNOWN: practice \"B99999\" is not a registered member"},
  };
  for (const auto& c : cases) {
    v1::GetRiskShareResponse refused;
    grpc::Status status = share(c.id, c.ods, c.what_ifs, c.basis, &refused);
    EXPECT_EQ(status.error_code(), c.code) << c.message;
    EXPECT_TRUE(status.error_message().starts_with(c.message)) << status.error_message();
  }
  EXPECT_EQ(HeadSeq(), head);
}

// An export is the journal for those who may read it: the whole of it or a range, verifiable on its
// own; a practice may not export, and a range outside the journal is refused.
TEST_F(AccessTest, ExportStreamsAVerifiableJournalToThoseWhoReadIt) {
  std::string file;
  ASSERT_EQ(As("auditor").Export(0, 0, &file).code, grpc::StatusCode::OK);
  std::istringstream whole(file);
  AuditOutcome verified = VerifyExport(whole);
  ASSERT_TRUE(verified.status.ok()) << verified.status.ToString();
  EXPECT_EQ(verified.header.first_seq(), 1u);
  EXPECT_EQ(verified.header.last_seq(), 11u);
  EXPECT_EQ(verified.records, 11u);
  EXPECT_EQ(verified.header.head_hash(), server_->sequencer().snapshot()->head_hash);
  // The whole export replays into the same state as the server's.
  std::istringstream again(file);
  Journal replayed;
  ASSERT_TRUE(ReplayExport(again, replayed).status.ok());
  EXPECT_EQ(replayed.head_hash(), server_->sequencer().snapshot()->head_hash);

  ASSERT_EQ(As("finance").Export(3, 6, &file).code, grpc::StatusCode::OK);
  std::istringstream range(file);
  verified = VerifyExport(range);
  ASSERT_TRUE(verified.status.ok()) << verified.status.ToString();
  EXPECT_EQ(verified.header.first_seq(), 3u);
  EXPECT_EQ(verified.records, 4u);

  Outcome practice = As("riverside").Export(0, 0, &file);
  EXPECT_EQ(practice.code, grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(practice.error_code, "ERROR_CODE_PERMISSION_DENIED");
  EXPECT_TRUE(file.empty());
  EXPECT_EQ(Anonymous().Export(0, 0, &file).code, grpc::StatusCode::UNAUTHENTICATED);
  Outcome beyond = As("auditor").Export(5, 13, &file);
  EXPECT_EQ(beyond.code, grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(
      beyond.message,
      "ERROR_CODE_QUERY_INVALID: the journal has entries 1 to 11; an export runs from from_seq "
      "to to_seq within them, not 5 to 13");
}

}  // namespace
}  // namespace lcp

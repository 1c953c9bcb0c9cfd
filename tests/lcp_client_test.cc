// lcp's client code without a terminal: the table writer every view prints through, and the flows
// that take more than one call (a lists file recorded in batches, a payments file posted in
// batches, a capitation run planned and retried), run against the real lcp-ledgerd with the ledger
// set up by the real lcp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "clients/lcp/capitation_commands.h"
#include "clients/lcp/contract_commands.h"
#include "clients/lcp/csv_import.h"
#include "clients/lcp/output.h"
#include "clients/lcp/table.h"
#include "tests/process.h"
#include "tests/service_fixture.h"

namespace lcp::client {
namespace {

using testing::RunResult;
using testing::ServerProcess;
using testing::TempDir;

const std::string kExamples = LCP_SOURCE_DIR "/docs/examples/";

// A connection to `server` without TLS, waiting at most `timeout`.
Connection To(const std::string& server, std::chrono::seconds timeout = std::chrono::seconds(30)) {
  Connection connection;
  connection.server = server;
  connection.timeout = timeout;
  return connection;
}

// ---- The table writer ----

TEST(Table, PadsEachColumnToItsWidthAndFitsAColumnToItsWidestCell) {
  Table table({Left(6), FitLeft(4, "  "), Right(8, "  ")});
  table.Row({"year", "account", "balance"});
  table.Row({"2026/27", "lcp:cash", "-8000.00"});
  table.Row({"2027/28", "a", "1.00"});
  EXPECT_EQ(table.Text(),
            "year    account    balance\n"
            "2026/27  lcp:cash  -8000.00\n"
            "2027/28  a             1.00\n");
}

TEST(Table, AFitColumnIsNeverNarrowerThanItsMinimum) {
  Table table({FitLeft(8), Right(3, " ")});
  table.Row({"ab", "1"});
  EXPECT_EQ(table.Text(), "ab         1\n");
}

TEST(Table, ACellWiderThanAFixedColumnIsPrintedWholeAndPushesTheRowRight) {
  Table table({Left(3), Right(4)});
  table.Row({"abcdef", "12345"});
  table.Row({"a", "1"});
  EXPECT_EQ(table.Text(), "abcdef12345\na     1\n");
}

TEST(Table, AShortRowEndsAfterItsLastCellWithoutTheGapsOfTheColumnsAfterIt) {
  Table table({Left(4, "  "), Right(6, "  "), Left(0, "  ")});
  table.Row({"a", "1.00", "(in 2026/27 M02)"});
  table.Row({"bb", "2.00"});
  table.Row({"c", ""});
  EXPECT_EQ(table.Text(),
            "  a       1.00  (in 2026/27 M02)\n"
            "  bb      2.00\n"
            "  c           \n");
}

TEST(Table, LinePrintsOneRowAtTheWidthsOfTheRowsSoFar) {
  Table table({Right(3), Left(0, " ")});
  EXPECT_EQ(table.Line({"1.", "Pooled budget"}), " 1. Pooled budget\n");
  EXPECT_EQ(table.Line({"12.", "Shares"}), "12. Shares\n");
  Table fit({FitLeft(0), Left(0, "|")});
  fit.Row({"abcd", "x"});
  EXPECT_EQ(fit.Line({"a", "y"}), "a   |y\n");
  EXPECT_EQ(fit.Text(), "abcd|x\n");
}

TEST(Table, AnEmptyTablePrintsNothing) { EXPECT_EQ(Table({Left(4), Right(4)}).Text(), ""); }

// A run's table says which practices it left out because they had left the LCP, and says nothing
// when it left none out.
TEST(AllocationTable, SaysWhichPracticesTheRunLeftOut) {
  v1::AllocationView view;
  view.set_run_seq(21);
  view.mutable_period()->set_year("2027/28");
  view.mutable_period()->set_month("M01");
  view.set_budget_line("ELECTIVE");
  view.mutable_total()->set_value("90.00");
  view.mutable_weighted_population_total()->set_value("3");
  view.set_practice_count(2);
  EXPECT_EQ(AllocationTable(view).find("left out"), std::string::npos);
  view.add_left_out("A81003");
  view.add_left_out("A81004");
  EXPECT_NE(AllocationTable(view).find("2 practices, total weighted population 3\nleft out, having "
                                       "left the LCP before 2027/28: A81003, A81004\n"),
            std::string::npos)
      << AllocationTable(view);
}

// ---- Against the real server ----

class LcpClientTest : public ::testing::Test {
 protected:
  LcpClientTest()
      : server_(LCP_LEDGERD_PATH, dir_.path() / "data"), client_(To(server_.address())) {}

  void SetUp() override { ASSERT_TRUE(server_.started()) << server_.Log(); }

  // Runs the real lcp against the server, and expects it to succeed.
  void Lcp(std::vector<std::string> args) {
    args.insert(args.begin(), {"--server", server_.address()});
    RunResult result = lcp::testing::Run(LCP_CLI_PATH, args);
    ASSERT_EQ(result.exit_code, 0) << args.back() << ": " << result.err;
  }

  // Practices A81001-A81003 (entries 1-3) and the year 2026/27 with COMMUNITY (entry 4).
  void AddPracticesAndYear() {
    Lcp({"practice", "add", "A81001", "Riverside Medical Centre"});
    Lcp({"practice", "add", "A81002", "Hillview Surgery"});
    Lcp({"practice", "add", "A81003", "Park Lane Practice"});
    Lcp({"year", "open", "2026/27", "COMMUNITY"});
  }

  // With AddPracticesAndYear: COMMUNITY's weights (entry 5), the indices (entry 6), the lists of
  // the example extract (entries 7-9) and the PCT's confirmed total for COMMUNITY, 2400000.00
  // (entry 10).
  void AddCapitationInputs() {
    Lcp({"capitation", "weights", kExamples + "weights-community.csv", "--year", "2026/27",
         "--line", "COMMUNITY"});
    Lcp({"capitation", "indices", kExamples + "indices.csv", "--year", "2026/27"});
    Lcp({"capitation", "lists", kExamples + "gp-reg-pat-prac-quin-age.csv"});
    Lcp({"--as", "pct", "budget", "confirm-total", "--year", "2026/27", "--line", "COMMUNITY",
         "--total", "2400000"});
  }

  std::uint64_t Head() {
    v1::GetHeadResponse head;
    EXPECT_TRUE(client_.GetHead(head).ok());
    return head.seq();
  }

  // The example lists file, read for the three members.
  static ListsFile ExampleLists() {
    std::ifstream in(kExamples + "gp-reg-pat-prac-quin-age.csv", std::ios::binary);
    return ParseNhsLists(in, {"A81001", "A81002", "A81003"});
  }

  TempDir dir_;
  ServerProcess server_;
  LedgerClient client_;
};

// A SubmitFunction that records each request, and fails the call numbered `fail_call` (from 1) as
// an unreachable server would, without sending it.
struct WatchedSubmit {
  explicit WatchedSubmit(LedgerClient& client_in, std::size_t fail_call_in = 0)
      : client(client_in), fail_call(fail_call_in) {}

  LedgerClient& client;
  std::size_t fail_call = 0;
  std::vector<v1::SubmitRequest> sent;
  std::size_t calls = 0;

  SubmitFunction Function() {
    return [this](const v1::SubmitRequest& request, v1::SubmitResponse& response,
                  std::string* error_code) {
      if (++calls == fail_call)
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection lost");
      sent.push_back(request);
      return client.Submit(request, response, error_code);
    };
  }
};

TEST_F(LcpClientTest, ListsAreRecordedInAllOrNothingBatchesAndNeverTwice) {
  AddPracticesAndYear();
  const ListsFile lists = ExampleLists();
  ASSERT_TRUE(lists.problems.empty());
  WatchedSubmit watched(client_);
  ListsRecorded first = RecordLists(lists, watched.Function(), 2);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  EXPECT_EQ(first.recorded, 3u);
  EXPECT_EQ(first.already, 0u);
  EXPECT_TRUE(first.refusals.empty());
  ASSERT_EQ(watched.sent.size(), 2u);
  EXPECT_TRUE(watched.sent[0].all_or_nothing());
  ASSERT_EQ(watched.sent[0].commands_size(), 2);
  EXPECT_EQ(watched.sent[0].commands(0).idempotency_key(), "list-2026-06-01-A81001");
  EXPECT_EQ(watched.sent[0].commands(1).idempotency_key(), "list-2026-06-01-A81002");
  ASSERT_EQ(watched.sent[1].commands_size(), 1);
  EXPECT_EQ(watched.sent[1].commands(0).idempotency_key(), "list-2026-06-01-A81003");
  EXPECT_EQ(Head(), 7u);

  // The same file again: every list comes back as recorded already, and nothing is posted.
  ListsRecorded second = RecordLists(lists, SubmitThrough(client_));
  ASSERT_TRUE(second.status.ok());
  EXPECT_EQ(second.recorded, 0u);
  EXPECT_EQ(second.already, 3u);
  EXPECT_EQ(Head(), 7u);
}

TEST_F(LcpClientTest, ListsImportStoppedByALostConnectionResumesWithoutRecordingTwice) {
  AddPracticesAndYear();
  const ListsFile lists = ExampleLists();
  WatchedSubmit watched(client_, /*fail_call_in=*/2);
  ListsRecorded stopped = RecordLists(lists, watched.Function(), 2);
  EXPECT_EQ(stopped.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(stopped.recorded, 2u);
  EXPECT_EQ(Head(), 6u);
  ListsRecorded resumed = RecordLists(lists, SubmitThrough(client_), 2);
  ASSERT_TRUE(resumed.status.ok());
  EXPECT_EQ(resumed.already, 2u);
  EXPECT_EQ(resumed.recorded, 1u);
  EXPECT_EQ(Head(), 7u);
}

TEST_F(LcpClientTest, ARefusedListIsNamedAndItsWholeBatchPostsNothing) {
  AddPracticesAndYear();
  ListsFile lists = ExampleLists();
  v1::RecordPopulation stranger = lists.lists.at("A81001");
  stranger.set_ods_code("Z99999");
  lists.lists.emplace("Z99999", stranger);
  ListsRecorded result = RecordLists(lists, SubmitThrough(client_));
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.recorded, 0u);
  EXPECT_EQ(result.already, 0u);
  EXPECT_EQ(result.refusals,
            std::vector<std::string>{
                "Z99999: ERROR_CODE_PRACTICE_UNKNOWN: practice Z99999 is not registered"});
  EXPECT_EQ(Head(), 4u);
}

// Contracts C-2026-001 (BLOCK, NLO01) and C-2026-002 (COST_PER_CASE at 85.00, LCP01), approved, on
// a COMMUNITY allocation of 2,400,000.00 (as tests/contracts_e2e_test.cc sets them up).
class PaymentsTest : public LcpClientTest {
 protected:
  void SetUp() override {
    LcpClientTest::SetUp();
    AddPracticesAndYear();
    Lcp({"provider", "add", "NLO01", "Riverside Community Health", "--kind", "community"});
    Lcp({"provider", "add", "LCP01", "Partnership Clinics", "--kind", "lcp_provider_arm"});
    AddCapitationInputs();
    Lcp({"capitation", "run", "--year", "2026/27", "--month", "M01", "--line", "COMMUNITY",
         "--total", "2400000", "--indicative"});
    Lcp({"--as",       "officer",       "contract",        "add",           "C-2026-001",
         "--provider", "NLO01",         "--mode",          "buy",           "--line",
         "COMMUNITY",  "--start-year",  "2026/27",         "--start-month", "M01",
         "--type",     "block",         "--value",         "600000",        "--attribution",
         "capitation", "--description", "District nursing"});
    Lcp({"--as",      "officer",       "contract",
         "add",       "C-2026-002",    "--provider",
         "LCP01",     "--mode",        "make",
         "--line",    "COMMUNITY",     "--start-year",
         "2026/27",   "--start-month", "M01",
         "--type",    "cost_per_case", "--price",
         "85",        "--volume",      "2000",
         "--ceiling", "200000",        "--attribution",
         "activity",  "--description", "Diabetes clinics"});
    Lcp({"--as", "manager", "contract", "approve", "C-2026-001", "--year", "2026/27", "--month",
         "M01"});
    Lcp({"--as", "pct", "contract", "approve", "C-2026-002", "--year", "2026/27", "--month",
         "M01"});
    std::ifstream in(kExamples + "payments-2026-06.csv");
    std::vector<CsvProblem> problems;
    lines_ = ParsePayments(in, problems);
    ASSERT_TRUE(problems.empty());
    ASSERT_EQ(lines_.size(), 6u);
  }

  static constexpr const char* kRefusal =
      "contract C-2026-002 pays 85.00 a case: 10 cases cost 850.00, not 1000.00";

  std::vector<PaymentLine> lines_;
};

TEST_F(PaymentsTest, PostsInBatchesReportsEachRefusedLineAndSkipsWhatWasPosted) {
  const std::uint64_t before = Head();
  WatchedSubmit watched(client_);
  std::vector<std::size_t> progress;
  PaymentsPosted first =
      PostPayments(lines_, "2026/27", "M03", 4, watched.Function(),
                   [&](const PaymentsPosted& so_far) { progress.push_back(so_far.lines_done); });
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  EXPECT_EQ(progress, (std::vector<std::size_t>{4, 6}));
  ASSERT_EQ(watched.sent.size(), 2u);
  EXPECT_FALSE(watched.sent[0].all_or_nothing());
  EXPECT_EQ(watched.sent[0].commands(0).idempotency_key(), "invoice:C-2026-001:NLO01-2026-04");
  EXPECT_EQ(watched.sent[0].commands(0).command().post_payment().period().month(), "M03");
  EXPECT_EQ(first.posted, 5u);
  EXPECT_EQ(first.posted_pence, Int(17'125'000));
  EXPECT_EQ(first.already, 0u);
  EXPECT_EQ(first.differing, 0u);
  EXPECT_EQ(first.refused, 1u);
  ASSERT_EQ(first.problems.size(), 1u);
  EXPECT_EQ(first.problems[0].line, 7u);
  EXPECT_EQ(first.problems[0].invoice_reference, "LCP01-0603");
  EXPECT_FALSE(first.problems[0].paid_with_other_details);
  EXPECT_EQ(first.problems[0].refusal.code(), v1::ERROR_CODE_ACTIVITY_COUNT_INVALID);
  EXPECT_EQ(first.problems[0].refusal.message(), kRefusal);
  EXPECT_EQ(Head(), before + 5);

  // Again: the five are recognised by their invoice keys and skipped.
  PaymentsPosted second = PostPayments(lines_, "2026/27", "M03", 4, SubmitThrough(client_));
  EXPECT_EQ(second.posted, 0u);
  EXPECT_EQ(second.posted_pence, Int(0));
  EXPECT_EQ(second.already, 5u);
  EXPECT_EQ(second.refused, 1u);
  EXPECT_EQ(Head(), before + 5);

  // Into another month by mistake: paid already, with other details, so not paid twice.
  PaymentsPosted third = PostPayments(lines_, "2026/27", "M04", 4, SubmitThrough(client_));
  EXPECT_EQ(third.posted, 0u);
  EXPECT_EQ(third.already, 0u);
  EXPECT_EQ(third.differing, 5u);
  EXPECT_EQ(third.refused, 1u);
  ASSERT_EQ(third.problems.size(), 6u);
  EXPECT_EQ(third.problems[0].line, 2u);
  EXPECT_TRUE(third.problems[0].paid_with_other_details);
  EXPECT_EQ(third.problems[0].refusal.code(), v1::ERROR_CODE_IDEMPOTENCY_KEY_REUSED);
  EXPECT_EQ(Head(), before + 5);
}

TEST_F(PaymentsTest, ARefusedBatchOfOneIsReportedAsItsLinesRefusal) {
  PaymentsPosted result = PostPayments(lines_, "2026/27", "M03", 1, SubmitThrough(client_));
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.posted, 5u);
  EXPECT_EQ(result.refused, 1u);
  ASSERT_EQ(result.problems.size(), 1u);
  EXPECT_EQ(result.problems[0].line, 7u);
  EXPECT_EQ(result.problems[0].refusal.code(), v1::ERROR_CODE_ACTIVITY_COUNT_INVALID);
  EXPECT_EQ(result.problems[0].refusal.message(), kRefusal);
}

TEST_F(PaymentsTest, AnImportStoppedByALostConnectionSaysWhereAndResumes) {
  const std::uint64_t before = Head();
  WatchedSubmit watched(client_, /*fail_call_in=*/2);
  PaymentsPosted stopped = PostPayments(lines_, "2026/27", "M03", 4, watched.Function());
  EXPECT_EQ(stopped.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(stopped.stopped_at_line, 6u);
  EXPECT_EQ(stopped.posted, 4u);
  EXPECT_EQ(stopped.lines_done, 4u);
  EXPECT_EQ(Head(), before + 4);
  PaymentsPosted resumed = PostPayments(lines_, "2026/27", "M03", 4, SubmitThrough(client_));
  ASSERT_TRUE(resumed.status.ok());
  EXPECT_EQ(resumed.already, 4u);
  EXPECT_EQ(resumed.posted, 1u);
  EXPECT_EQ(resumed.posted_pence, Int(850'000));
  EXPECT_EQ(resumed.refused, 1u);
  EXPECT_EQ(Head(), before + 5);
}

// ---- Budget notices and membership through lcp ----

// lcp budget and lcp membership against the real server: what each command sends (the terms file's
// SHA-256, the transfer, the acknowledgement) and the refusals lcp reports with exit code 1.
TEST_F(LcpClientTest, BudgetAndMembershipCommandsSendWhatTheySayAndReportRefusals) {
  AddPracticesAndYear();
  AddCapitationInputs();  // The COMMUNITY total is entry 10.
  auto lcp = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--server", server_.address()});
    return lcp::testing::Run(LCP_CLI_PATH, args);
  };
  RunResult no_reason = lcp({"budget", "confirm-total", "--year", "2026/27", "--line", "COMMUNITY",
                             "--total", "2500000"});
  EXPECT_EQ(no_reason.exit_code, 1);
  EXPECT_NE(no_reason.err.find("ERROR_CODE_REASON_REQUIRED"), std::string::npos) << no_reason.err;
  RunResult no_notice =
      lcp({"capitation", "run", "--year", "2026/27", "--month", "M01", "--line", "COMMUNITY"});
  EXPECT_EQ(no_notice.exit_code, 2);
  EXPECT_NE(no_notice.err.find("say which notice the run gives the practices: --indicative or "
                               "--final"),
            std::string::npos)
      << no_notice.err;
  RunResult both = lcp({"capitation", "run", "--year", "2026/27", "--month", "M01", "--line",
                        "COMMUNITY", "--indicative", "--final"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--indicative excludes --final"), std::string::npos) << both.err;
  EXPECT_EQ(Head(), 10u);
  Lcp({"capitation", "run", "--year", "2026/27", "--month", "M01", "--line", "COMMUNITY",
       "--final"});  // Entry 11.
  Lcp({"--as", "riverside", "budget", "acknowledge", "--year", "2026/27", "--line", "COMMUNITY",
       "--run", "11", "--practice", "A81001"});  // Entry 12.
  RunResult twice = lcp({"budget", "acknowledge", "--year", "2026/27", "--line", "COMMUNITY",
                         "--run", "11", "--practice", "A81001"});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("ERROR_CODE_NOTICE_ALREADY_ACKNOWLEDGED"), std::string::npos)
      << twice.err;

  // The terms file's SHA-256 is what the entry records: sha256("abc").
  const std::filesystem::path terms = dir_.path() / "terms.txt";
  std::ofstream(terms, std::ios::binary) << "abc";
  RunResult no_agreement = lcp({"membership", "sign", "--year", "2026/27", "--practice", "A81001",
                                "--terms", terms.string(), "--agreement", "13"});
  EXPECT_EQ(no_agreement.exit_code, 1);
  EXPECT_NE(no_agreement.err.find("ERROR_CODE_AGREEMENT_MISSING"), std::string::npos)
      << no_agreement.err;
  Lcp({"--as",
       "officer",
       "agreement",
       "propose",
       "--year",
       "2026/27",
       "--pooled",
       "COMMUNITY",
       "--savings-mode",
       "first_pound",
       "--savings-bands",
       "0.5",
       "--overspend-mode",
       "first_pound",
       "--overspend-bands",
       "0.5",
       "--alpha-budget",
       "1",
       "--alpha-contribution",
       "0",
       "--reason",
       "Agreed late"});  // Entry 13.
  Lcp({"--as", "pct", "agreement", "cosign", "--year", "2026/27", "--proposal", "13"});  // 14.
  // The terms document must be the year's recorded terms (rules 5): "abc" has this SHA-256.
  RunResult unrecorded =
      lcp({"--as", "riverside", "membership", "sign", "--year", "2026/27", "--practice", "A81001",
           "--terms", terms.string(), "--agreement", "13"});
  EXPECT_EQ(unrecorded.exit_code, 1);
  EXPECT_NE(unrecorded.err.find("ERROR_CODE_MEMBERSHIP_TERMS_NOT_IN_FORCE: no membership terms "
                                "are recorded for 2026/27"),
            std::string::npos)
      << unrecorded.err;
  RunResult untitled = lcp(
      {"--as", "officer", "membership", "terms", "--year", "2026/27", "--terms", terms.string()});
  EXPECT_EQ(untitled.exit_code, 2);  // --title is required.
  Lcp({"--as", "officer", "membership", "terms", "--year", "2026/27", "--terms", terms.string(),
       "--title", "Membership terms 2026/27"});  // Entry 15.
  Lcp({"--as", "riverside", "membership", "sign", "--year", "2026/27", "--practice", "A81001",
       "--terms", terms.string(), "--agreement", "13"});  // Entry 16.
  v1::GetEntryRequest entry_request;
  entry_request.set_seq(16);
  v1::GetEntryResponse entry;
  ASSERT_TRUE(client_.GetEntry(entry_request, entry).ok());
  const v1::SignMembership& signed_up = entry.entry().entry().command().sign_membership();
  EXPECT_EQ(signed_up.terms_sha256(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(signed_up.agreement_seq(), 13u);
  EXPECT_EQ(signed_up.ods_code(), "A81001");

  // A transfer says where the budget goes: the client asks before it sends anything.
  RunResult nowhere =
      lcp({"--as", "officer", "budget", "transfer", "--year", "2026/27", "--from", "COMMUNITY",
           "--amount", "100", "--practice", "A81002", "--reason", "Moved"});
  EXPECT_EQ(nowhere.exit_code, 2);
  EXPECT_NE(nowhere.err.find("lcp: say where the budget goes: --to LINE (another line) or "
                             "--to-practice ODS (another practice on the same line)"),
            std::string::npos)
      << nowhere.err;

  // A transfer names two different lines of the year.
  RunResult same_line =
      lcp({"--as", "officer", "budget", "transfer", "--year", "2026/27", "--from", "COMMUNITY",
           "--to", "COMMUNITY", "--amount", "100", "--practice", "A81002", "--reason", "Moved"});
  EXPECT_EQ(same_line.exit_code, 1);
  EXPECT_NE(same_line.err.find("ERROR_CODE_BUDGET_TRANSFER_INVALID"), std::string::npos)
      << same_line.err;
  EXPECT_EQ(Head(), 16u);

  RunResult list = lcp({"membership", "list", "--year", "2026/27"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("membership for 2026/27: agreement in force entry 13; signed: 1, not "
                          "signed: 2\nterms in force: \"Membership terms 2026/27\", sha256 "
                          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad "
                          "(entry 15, "),
            std::string::npos)
      << list.out;
  EXPECT_NE(list.out.find("A81003    Park Lane Practice        has not signed"), std::string::npos)
      << list.out;
  RunResult notices = lcp({"budget", "notices", "--year", "2026/27"});
  EXPECT_EQ(notices.exit_code, 0) << notices.err;
  EXPECT_NE(notices.out.find("COMMUNITY (entry 11): A81002 A81003\n"), std::string::npos)
      << notices.out;
}

// ---- Planning a capitation run ----

// An INDICATIVE run of COMMUNITY; `total` "" for the confirmed one.
RunArguments Community(const std::string& key, const std::string& total = "") {
  RunArguments args;
  args.year = "2026/27";
  args.month = "M01";
  args.line = "COMMUNITY";
  args.total = total;
  args.notice = v1::NOTICE_KIND_INDICATIVE;
  args.key = key;
  return args;
}

const v1::RunAllocation& RunOf(const RunPlan& plan) {
  return plan.request.commands(0).command().run_allocation();
}

TEST_F(LcpClientTest, ADryRunPlanLeavesLatestToTheServerAndPostsNothing) {
  AddPracticesAndYear();
  AddCapitationInputs();
  RunArguments args = Community("");
  args.dry_run = true;
  RunPlan plan = PlanCapitationRun(client_, args);
  ASSERT_TRUE(plan.status.ok()) << plan.status.error_message();
  EXPECT_TRUE(plan.request.dry_run());
  EXPECT_FALSE(plan.retry);
  EXPECT_TRUE(plan.request.commands(0).idempotency_key().starts_with("lcp-"));
  EXPECT_EQ(RunOf(plan).weights_seq(), 0u);
  EXPECT_EQ(RunOf(plan).extract_date(), "");
  EXPECT_EQ(RunOf(plan).indices_seq(), 0u);
  EXPECT_EQ(RunOf(plan).revises_seq(), 0u);
  EXPECT_EQ(RunOf(plan).total().value(), "");  // The server takes the confirmed total.
  EXPECT_EQ(RunOf(plan).notice(), v1::NOTICE_KIND_INDICATIVE);
  EXPECT_EQ(Head(), 10u);
}

TEST_F(LcpClientTest, ARunNamesTheInputsLatestStandsForAndARetryResendsWhatTheRunRecorded) {
  AddPracticesAndYear();
  AddCapitationInputs();
  RunPlan plan = PlanCapitationRun(client_, Community("run-1"));
  ASSERT_TRUE(plan.status.ok()) << plan.status.error_message();
  EXPECT_FALSE(plan.request.dry_run());
  EXPECT_FALSE(plan.retry);
  EXPECT_EQ(plan.request.commands(0).idempotency_key(), "run-1");
  EXPECT_EQ(RunOf(plan).weights_seq(), 5u);
  EXPECT_EQ(RunOf(plan).extract_date(), "2026-06-01");
  EXPECT_EQ(RunOf(plan).indices_seq(), 6u);
  EXPECT_EQ(RunOf(plan).revises_seq(), 0u);
  EXPECT_EQ(Head(), 10u);  // The preview posted nothing.
  v1::SubmitResponse posted;
  ASSERT_TRUE(client_.Submit(plan.request, posted, nullptr).ok());
  ASSERT_EQ(posted.results(0).accepted().seq(), 11u);
  ASSERT_EQ(posted.results(0).accepted().allocation().total().value(), "2400000.00");

  // New weights (entry 12); then the reply of run-1 is taken as lost and the command run again.
  Lcp({"capitation", "weights", kExamples + "weights-community.csv", "--year", "2026/27", "--line",
       "COMMUNITY", "--key", "weights-2"});
  RunPlan retry = PlanCapitationRun(client_, Community("run-1"));
  ASSERT_TRUE(retry.status.ok());
  EXPECT_TRUE(retry.retry);
  EXPECT_FALSE(retry.request.dry_run());
  EXPECT_EQ(RunOf(retry).weights_seq(), 5u);  // What run-1 used, not the latest.
  EXPECT_EQ(RunOf(retry).revises_seq(), 0u);  // What run-1 revised, not run-1 itself.
  v1::SubmitResponse again;
  ASSERT_TRUE(client_.Submit(retry.request, again, nullptr).ok());
  EXPECT_TRUE(again.results(0).accepted().duplicate());
  EXPECT_EQ(again.results(0).accepted().seq(), 11u);
  EXPECT_EQ(Head(), 12u);

  // The same key with another total is another command: refused, not taken for the retry.
  RunPlan other = PlanCapitationRun(client_, Community("run-1", "2500000"));
  ASSERT_TRUE(other.retry);
  v1::SubmitResponse refused;
  std::string error_code;
  EXPECT_FALSE(client_.Submit(other.request, refused, &error_code).ok());
  EXPECT_EQ(error_code, "ERROR_CODE_IDEMPOTENCY_KEY_REUSED");

  // A new run revises run-1 and uses the latest weights.
  RunPlan next = PlanCapitationRun(client_, Community("run-2"));
  ASSERT_TRUE(next.status.ok());
  EXPECT_FALSE(next.retry);
  EXPECT_EQ(RunOf(next).revises_seq(), 11u);
  EXPECT_EQ(RunOf(next).weights_seq(), 12u);
  EXPECT_EQ(Head(), 12u);

  // A total other than the confirmed one is refused before anything is posted.
  RunPlan wrong = PlanCapitationRun(client_, Community("run-3", "2500000"));
  EXPECT_TRUE(wrong.preview_failed);
  EXPECT_EQ(wrong.error_code, "ERROR_CODE_ALLOCATION_TOTAL_MISMATCH");
  EXPECT_EQ(Head(), 12u);
}

TEST_F(LcpClientTest, ARefusedPreviewIsReportedAndNothingIsPosted) {
  AddPracticesAndYear();  // No confirmed total, no weights for COMMUNITY, no indices, no lists.
  RunPlan unconfirmed = PlanCapitationRun(client_, Community("run-1"));
  EXPECT_TRUE(unconfirmed.preview_failed);
  EXPECT_EQ(unconfirmed.status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(unconfirmed.error_code, "ERROR_CODE_LINE_TOTAL_NOT_CONFIRMED");
  Lcp({"budget", "confirm-total", "--year", "2026/27", "--line", "COMMUNITY", "--total",
       "2400000"});
  RunPlan plan = PlanCapitationRun(client_, Community("run-1"));
  EXPECT_TRUE(plan.preview_failed);
  EXPECT_EQ(plan.status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(plan.error_code, "ERROR_CODE_WEIGHTS_UNKNOWN");
  EXPECT_EQ(plan.request.commands(0).idempotency_key(), "run-1");
  EXPECT_EQ(Head(), 5u);
}

TEST_F(LcpClientTest, AnUnreachableServerStopsThePlanBeforeThePreview) {
  LedgerClient nowhere(To("127.0.0.1:1", std::chrono::seconds(2)));
  RunPlan plan = PlanCapitationRun(nowhere, Community("run-1"));
  EXPECT_EQ(plan.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_FALSE(plan.preview_failed);
  EXPECT_EQ(plan.request.commands_size(), 0);
}

}  // namespace
}  // namespace lcp::client

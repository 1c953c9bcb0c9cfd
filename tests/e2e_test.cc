// End to end: the real lcp-ledgerd and lcp binaries. Post, stop, restart; refuse a tampered file; and
// kill the server with SIGKILL while clients post, then check that every acknowledged entry survived.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <mutex>
#include <thread>

#include <google/protobuf/descriptor.pb.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "lcp/v1/ledger_service.grpc.pb.h"
#include "tests/process.h"
#include "tests/service_fixture.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::Run;
using testing::RunResult;
using testing::ServerProcess;
using testing::TempDir;

RunResult Lcp(const ServerProcess& server, std::vector<std::string> args) {
  args.insert(args.begin(), {"--server", server.address()});
  return Run(LCP_CLI_PATH, args);
}

TEST(EndToEnd, PostStopRestartKeepsBalancesAndHead) {
  TempDir dir;
  const auto data = dir.path() / "data";
  std::string head_before;
  std::string balances_before;
  {
    ServerProcess server(LCP_LEDGERD_PATH, data);
    ASSERT_TRUE(server.started()) << server.Log();
    EXPECT_NE(server.Log().find("started: listening on " + server.address()), std::string::npos);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"practice", "add", "A81001", "Riverside Medical Centre"},
          {"provider", "add", "NLO01", "Riverside Community Health", "--kind", "community"},
          {"year", "open", "2026/27", "PRESCRIBING", "COMMUNITY"},
          {"journal", "post", "--year", "2026/27", "--month", "M01", "--narrative",
           "Cash drawn from the PCT", "lcp:cash=1200000", "pct:funding=-1200000", "--key",
           "cash-2026"},
          {"journal", "post", "--year", "2026/27", "--month", "M02", "--narrative",
           "Invoice NLO01-0412", "practice:A81001:spend:COMMUNITY=10000.00",
           "provider:NLO01:payable=-10000.00", "--key", "NLO01-0412"}}) {
      RunResult result = Lcp(server, args);
      ASSERT_EQ(result.exit_code, 0) << result.err;
      EXPECT_NE(result.out.find("accepted: entry"), std::string::npos) << result.out;
    }
    // The same invoice again: recognised by its key, nothing new.
    RunResult again = Lcp(server, {"journal", "post", "--year", "2026/27", "--month", "M02",
                                   "--narrative", "Invoice NLO01-0412",
                                   "practice:A81001:spend:COMMUNITY=10000.00",
                                   "provider:NLO01:payable=-10000.00", "--key", "NLO01-0412"});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("already recorded: entry 5"), std::string::npos) << again.out;
    // A refusal: exit 1 and the server's message.
    RunResult refused = Lcp(server, {"journal", "post", "--year", "2026/27", "--month", "M02",
                                     "--narrative", "Typo", "lcp:cash=10.00", "pct:funding=-1.00"});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_NE(refused.err.find("lcp: refused: ERROR_CODE_JOURNAL_UNBALANCED: the postings sum to "
                               "9.00, not 0.00"),
              std::string::npos)
        << refused.err;

    RunResult balances = Lcp(server, {"balances"});
    ASSERT_EQ(balances.exit_code, 0);
    EXPECT_EQ(balances.out,
              "as of entry 5\n"
              "year      account                                     balance\n"
              "2026/27   lcp:cash                                 1200000.00\n"
              "2026/27   pct:funding                             -1200000.00\n"
              "2026/27   practice:A81001:spend:COMMUNITY            10000.00\n"
              "2026/27   provider:NLO01:payable                    -10000.00\n");
    balances_before = balances.out;
    RunResult json = Lcp(server, {"--output", "json", "head"});
    ASSERT_EQ(json.exit_code, 0);
    EXPECT_EQ(json.out.rfind("{\"seq\":\"5\",", 0), 0u) << json.out;
    head_before = Lcp(server, {"head"}).out;
    EXPECT_EQ(server.StopWith(SIGTERM), 0);
    EXPECT_NE(server.Log().find("stopped: journal head 5 "), std::string::npos) << server.Log();
  }
  ServerProcess server(LCP_LEDGERD_PATH, data);
  ASSERT_TRUE(server.started()) << server.Log();
  EXPECT_EQ(Lcp(server, {"head"}).out, head_before);
  EXPECT_EQ(Lcp(server, {"balances"}).out, balances_before);
  RunResult entries = Lcp(server, {"entries", "--from", "4"});
  EXPECT_NE(
      entries.out.find("cash-2026  journal: Cash drawn from the PCT  [2026/27 M01, 2 postings]"),
      std::string::npos)
      << entries.out;
  EXPECT_EQ(server.StopWith(SIGINT), 0);
}

// What a generic gRPC client sees: the standard health service and, through reflection, the service and
// its messages.
TEST(EndToEnd, HealthAndReflectionServeGenericClients) {
  TempDir dir;
  ServerProcess server(LCP_LEDGERD_PATH, dir.path() / "data");
  ASSERT_TRUE(server.started()) << server.Log();
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  {
    auto health = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, grpc::health::v1::HealthCheckRequest(), &response).ok());
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  auto reflection = grpc::reflection::v1alpha::ServerReflection::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto stream = reflection->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  std::set<std::string> services;
  for (const auto& service : response.list_services_response().service()) {
    services.insert(service.name());
  }
  EXPECT_TRUE(services.contains("lcp.v1.LedgerService"));
  EXPECT_TRUE(services.contains("grpc.health.v1.Health"));
  request.set_file_containing_symbol("lcp.v1.LedgerService");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  std::set<std::string> methods;
  std::set<std::string> files;
  for (const std::string& bytes : response.file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(file.ParseFromString(bytes));
    files.insert(file.name());
    for (const auto& service : file.service()) {
      for (const auto& method : service.method()) methods.insert(method.name());
    }
  }
  EXPECT_TRUE(files.contains("lcp/v1/ledger_service.proto"));
  EXPECT_TRUE(files.contains("lcp/v1/ledger.proto"));  // Its dependency, for the messages.
  EXPECT_EQ(methods, (std::set<std::string>{"Submit",          "GetBalances",   "GetEntry",
                                            "ListEntries",     "StreamEntries", "GetHead",
                                            "ListPractices",   "GetAllocation", "GetContract",
                                            "ListContracts",   "ListInterests", "GetStatement",
                                            "GetYear",         "GetRiskShare",  "GetNotices",
                                            "ListMemberships", "GetReserve",    "GetCase",
                                            "ListCases",       "GetCaseReport", "Export"}));
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(server.StopWith(SIGTERM), 0);

  ServerProcess quiet(LCP_LEDGERD_PATH, dir.path() / "data", {"--no-reflection"});
  ASSERT_TRUE(quiet.started()) << quiet.Log();
  EXPECT_NE(quiet.Log().find("reflection off"), std::string::npos);
  auto quiet_channel = grpc::CreateChannel(quiet.address(), grpc::InsecureChannelCredentials());
  auto off = grpc::reflection::v1alpha::ServerReflection::NewStub(quiet_channel);
  grpc::ClientContext quiet_context;
  quiet_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto quiet_stream = off->ServerReflectionInfo(&quiet_context);
  request.set_list_services("");
  quiet_stream->Write(request);
  quiet_stream->WritesDone();
  EXPECT_FALSE(quiet_stream->Read(&response));
  EXPECT_EQ(quiet_stream->Finish().error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST(EndToEnd, ASecondServerOnTheSameDataDirectoryRefusesToStart) {
  TempDir dir;
  ServerProcess first(LCP_LEDGERD_PATH, dir.path() / "data");
  ASSERT_TRUE(first.started()) << first.Log();
  ServerProcess second(LCP_LEDGERD_PATH, dir.path() / "data");
  EXPECT_FALSE(second.started());
  EXPECT_EQ(second.early_exit_code(), 1);
  EXPECT_NE(second.Log().find("is in use by another process"), std::string::npos) << second.Log();
  EXPECT_EQ(first.StopWith(SIGTERM), 0);
}

TEST(EndToEnd, SubmitFileNeverPostsTwiceAndJsonReportsRefusals) {
  TempDir dir;
  ServerProcess server(LCP_LEDGERD_PATH, dir.path() / "data");
  ASSERT_TRUE(server.started()) << server.Log();
  const std::string batch = (dir.path() / "batch.json").string();
  {
    std::ofstream out(batch);
    out << R"({"commands": [
      {"command": {"registerPractice": {"odsCode": "A81001", "name": "One"}}},
      {"command": {"openYear": {"year": "2026/27", "budgetLines": ["AE"]}}}]})";
  }
  RunResult keyless = Lcp(server, {"submit", batch});
  EXPECT_EQ(keyless.exit_code, 2);
  EXPECT_NE(keyless.err.find("command 1 of " + batch + " has no idempotencyKey"), std::string::npos)
      << keyless.err;
  RunResult first = Lcp(server, {"submit", batch, "--key", "setup"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("accepted: entry 2 (key setup-2)"), std::string::npos) << first.out;
  RunResult again = Lcp(server, {"submit", batch, "--key", "setup"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("already recorded: entry 1 (key setup-1)"), std::string::npos);
  EXPECT_EQ(Lcp(server, {"head"}).out.rfind("entry 2\n", 0), 0u);

  RunResult refused = Lcp(server, {"--output", "json", "practice", "add", "A81001", "Again",
                                   "--key", "dup-1"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.out,
            "{\"error\":{\"grpcCode\":6,\"errorCode\":\"ERROR_CODE_PRACTICE_ALREADY_REGISTERED\","
            "\"message\":\"ERROR_CODE_PRACTICE_ALREADY_REGISTERED: practice A81001 is registered "
            "already\",\"idempotencyKeys\":[\"dup-1\"]}}\n");
  EXPECT_NE(refused.err.find("lcp: nothing was posted (key dup-1)"), std::string::npos);
  // A refused query's JSON names its error code too, from the same trailing metadata.
  RunResult unknown = Lcp(server, {"--output", "json", "contract", "show", "C-NONE"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.out,
            "{\"error\":{\"grpcCode\":5,\"errorCode\":\"ERROR_CODE_CONTRACT_UNKNOWN\",\"message\":"
            "\"ERROR_CODE_CONTRACT_UNKNOWN: no contract \\\"C-NONE\\\" is registered\","
            "\"idempotencyKeys\":[]}}\n");
  EXPECT_EQ(server.StopWith(SIGTERM), 0);
}

TEST(EndToEnd, UnreachableServerExitsThree) {
  RunResult result = testing::Run(LCP_CLI_PATH, {"--server", "127.0.0.1:1", "--timeout", "2", "head"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("lcp: cannot complete the call to the ledger server at 127.0.0.1:1"),
            std::string::npos)
      << result.err;
  RunResult post = testing::Run(LCP_CLI_PATH, {"--server", "127.0.0.1:1", "--timeout", "2", "practice",
                                               "add", "A81001", "One", "--key", "p-1"});
  EXPECT_EQ(post.exit_code, 3);
  EXPECT_NE(post.err.find("it may or may not have been posted; retrying with --key p-1 is safe"),
            std::string::npos)
      << post.err;
}

TEST(EndToEnd, TamperedLedgerFileRefusesToStartNamingTheRecord) {
  TempDir dir;
  const auto data = dir.path() / "data";
  {
    ServerProcess server(LCP_LEDGERD_PATH, data);
    ASSERT_TRUE(server.started());
    ASSERT_EQ(Lcp(server, {"practice", "add", "A81001", "One"}).exit_code, 0);
    ASSERT_EQ(Lcp(server, {"practice", "add", "A81002", "Two"}).exit_code, 0);
    ASSERT_EQ(Lcp(server, {"practice", "add", "A81003", "Three"}).exit_code, 0);
    ASSERT_EQ(server.StopWith(SIGTERM), 0);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data / "ledger.sqlite").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TRIGGER journal_no_update; "
                         "UPDATE journal SET body = replace(body, 'Two', 'Owt') WHERE seq = 2",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ServerProcess server(LCP_LEDGERD_PATH, data);
  EXPECT_FALSE(server.started());
  EXPECT_EQ(server.early_exit_code(), 2);
  EXPECT_NE(server.Log().find("refusing to start: "), std::string::npos);
  EXPECT_NE(server.Log().find("record 2: its hash"), std::string::npos) << server.Log();
}

// Clients post while the server is killed; after a restart every acknowledged entry is there with its
// content, the journal verifies (or the server would not start), and a retry of every command whose
// reply never came posts it at most once.
void CrashWhilePostingLosesNothingAcknowledged(const std::vector<std::string>& store_args) {
  TempDir dir;
  const auto data = dir.path() / "data";
  constexpr int kCycles = 3;
  constexpr int kClients = 4;
  std::map<std::string, std::pair<std::uint64_t, std::string>> acknowledged;  // key -> (seq, amount)
  std::map<std::string, std::string> unanswered;                              // key -> amount
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    ServerProcess server(LCP_LEDGERD_PATH, data, store_args);
    ASSERT_TRUE(server.started()) << "cycle " << cycle << ": " << server.Log();
    auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
    auto stub = v1::LedgerService::NewStub(channel);
    if (cycle == 0) {
      v1::SubmitRequest setup;
      setup.set_all_or_nothing(true);
      for (const auto& [key, command] :
           std::vector<std::pair<std::string, v1::Command>>{
               {"setup-p", testing::RegisterPracticeCommand("A81001")},
               {"setup-y", testing::OpenYearCommand("2026/27", {"AE"})}}) {
        v1::CommandRequest* one = setup.add_commands();
        one->set_idempotency_key(key);
        *one->mutable_command() = command;
      }
      grpc::ClientContext context;
      v1::SubmitResponse response;
      ASSERT_TRUE(stub->Submit(&context, setup, &response).ok());
    }
    std::mutex mutex;
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        for (int i = 0; !stop; ++i) {
          const std::string key = "c" + std::to_string(cycle) + "-" + std::to_string(c) + "-" +
                                  std::to_string(i);
          const std::string amount = std::to_string(i + 1) + "." + std::to_string(c) + "1";
          v1::SubmitRequest request = testing::OneCommand(
              testing::JournalCommand("2026/27", "M01",
                                      {{"practice:A81001:spend:AE", amount},
                                       {"lcp:cash", "-" + amount}}),
              key);
          grpc::ClientContext context;
          context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
          v1::SubmitResponse response;
          grpc::Status status = stub->Submit(&context, request, &response);
          std::lock_guard lock(mutex);
          if (status.ok()) {
            acknowledged[key] = {response.results(0).accepted().seq(), amount};
          } else {
            unanswered[key] = amount;
            return;
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + 100 * cycle));
    EXPECT_EQ(server.StopWith(SIGKILL), 128 + SIGKILL);
    stop = true;
    for (std::thread& client : clients) client.join();
  }
  ASSERT_GT(acknowledged.size(), 50u);

  ServerProcess server(LCP_LEDGERD_PATH, data, store_args);
  ASSERT_TRUE(server.started()) << server.Log();
  auto stub = v1::LedgerService::NewStub(
      grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
  for (const auto& [key, seq_amount] : acknowledged) {
    grpc::ClientContext context;
    v1::GetEntryRequest request;
    request.set_seq(seq_amount.first);
    v1::GetEntryResponse response;
    ASSERT_TRUE(stub->GetEntry(&context, request, &response).ok()) << key;
    EXPECT_EQ(response.entry().entry().idempotency_key(), key);
    EXPECT_EQ(response.entry().entry().command().post_journal().postings(0).amount().value(),
              seq_amount.second);
  }
  // Retrying what never got an answer posts each at most once: either it was durable already (the
  // original comes back) or it is posted now.
  for (const auto& [key, amount] : unanswered) {
    grpc::ClientContext context;
    v1::SubmitResponse response;
    grpc::Status status = stub->Submit(
        &context,
        testing::OneCommand(testing::JournalCommand("2026/27", "M01",
                                                    {{"practice:A81001:spend:AE", amount},
                                                     {"lcp:cash", "-" + amount}}),
                            key),
        &response);
    ASSERT_TRUE(status.ok()) << key << ": " << status.error_message();
  }
  // Every key appears exactly once in the journal, and the balance is the sum of what was posted.
  std::map<std::string, int> seen;
  Int spend = 0;
  v1::ListEntriesRequest list;
  list.set_page_size(1000);
  while (true) {
    grpc::ClientContext context;
    v1::ListEntriesResponse page;
    ASSERT_TRUE(stub->ListEntries(&context, list, &page).ok());
    for (const v1::EntryView& view : page.entries()) {
      ++seen[view.entry().idempotency_key()];
      if (view.entry().postings_size() > 0) {
        spend += Money::Parse(view.entry().postings(0).amount().value())->pence();
      }
    }
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  for (const auto& [key, count] : seen) EXPECT_EQ(count, 1) << key;
  for (const auto& [key, seq_amount] : acknowledged) EXPECT_EQ(seen[key], 1) << key;
  for (const auto& [key, amount] : unanswered) EXPECT_EQ(seen[key], 1) << key;
  grpc::ClientContext context;
  v1::GetBalancesRequest request;
  request.add_accounts("practice:A81001:spend:AE");
  v1::GetBalancesResponse balances;
  ASSERT_TRUE(stub->GetBalances(&context, request, &balances).ok());
  EXPECT_EQ(balances.balances(0).balance().value(), Money::FromPence(spend).ToString());
  EXPECT_EQ(server.StopWith(SIGTERM), 0);
}

TEST(EndToEnd, CrashWhilePostingLosesNothingAcknowledged) {
  CrashWhilePostingLosesNothingAcknowledged({});
}

// The same on PostgreSQL (the tests' throw-away cluster): kill -9 loses nothing acknowledged.
TEST(EndToEnd, CrashWhilePostingOnPostgresLosesNothingAcknowledged) {
  ASSERT_FALSE(testing::PostgresTestUrl().empty());
  CrashWhilePostingLosesNothingAcknowledged(
      {"--store", testing::PostgresTestUrl(), "--ledger", testing::FreshLedgerName()});
}

// Runs SQL on the tests' PostgreSQL as an administrator would (psql); its output.
RunResult Psql(const std::string& sql) {
  return Run("/usr/bin/psql",
             {"-X", "-q", "-t", "-A", "-d", testing::PostgresTestUrl(), "-c", sql});
}

// One writer per ledger: a second server for the same ledger refuses to start, saying why; a
// server whose connection is cut stops taking writes, says why, and a restart finds every
// acknowledged entry.
TEST(EndToEnd, OnPostgresOneWriterPerLedgerAndACutConnectionStopsWrites) {
  ASSERT_FALSE(testing::PostgresTestUrl().empty());
  TempDir dir;
  const std::string ledger = testing::FreshLedgerName();
  const std::vector<std::string> store = {"--store", testing::PostgresTestUrl(), "--ledger",
                                          ledger};
  {
    ServerProcess server(LCP_LEDGERD_PATH, dir.path() / "first", store);
    ASSERT_TRUE(server.started()) << server.Log();
    EXPECT_NE(server.Log().find("ledger " + ledger + " on postgresql://lcp@127.0.0.1:"),
              std::string::npos)
        << server.Log();
    ASSERT_EQ(Lcp(server, {"practice", "add", "A81001", "Riverside Medical Centre"}).exit_code, 0);
    ServerProcess second(LCP_LEDGERD_PATH, dir.path() / "second", store);
    EXPECT_FALSE(second.started());
    EXPECT_EQ(second.early_exit_code(), 1);
    EXPECT_NE(second.Log().find("is in use by another writer"), std::string::npos) << second.Log();
    // An administrator ends the first server's session.
    RunResult cut = Psql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
        "application_name = 'lcpledger ledger " +
        ledger + "'");
    ASSERT_EQ(cut.exit_code, 0) << cut.err;
    EXPECT_EQ(cut.out, "1\n");
    RunResult refused = Lcp(server, {"practice", "add", "A81002", "Hillview Surgery"});
    EXPECT_NE(refused.exit_code, 0);
    EXPECT_EQ(server.StopWith(SIGTERM), 3);
    EXPECT_NE(server.Log().find("the connection to PostgreSQL for ledger " + ledger + " was lost"),
              std::string::npos)
        << server.Log();
  }
  ServerProcess restarted(LCP_LEDGERD_PATH, dir.path() / "third", store);
  ASSERT_TRUE(restarted.started()) << restarted.Log();
  RunResult practices = Lcp(restarted, {"practice", "list"});
  EXPECT_NE(practices.out.find("A81001"), std::string::npos) << practices.out;
  EXPECT_EQ(practices.out.find("A81002"), std::string::npos) << practices.out;
  Psql("DROP SCHEMA lcp_" + ledger + " CASCADE");
}

}  // namespace
}  // namespace lcp

namespace lcp {
namespace {

// A finance officer from the CSV files to posted budgets, through lcp, with the figures exact.
TEST(EndToEnd, CapitationFromTheCsvFilesToPostedBudgets) {
  TempDir dir;
  ServerProcess server(LCP_LEDGERD_PATH, dir.path() / "data");
  ASSERT_TRUE(server.started()) << server.Log();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"practice", "add", "A81001", "Riverside Medical Centre"},
        {"practice", "add", "A81002", "Hillview Surgery"},
        {"practice", "add", "A81003", "Park Lane Practice"},
        {"year", "open", "2026/27", "PRESCRIBING", "COMMUNITY"},
        {"capitation", "weights", LCP_SOURCE_DIR "/docs/examples/weights-prescribing.csv", "--year",
         "2026/27", "--line", "PRESCRIBING"},
        {"capitation", "indices", LCP_SOURCE_DIR "/docs/examples/indices.csv", "--year", "2026/27"}}) {
    RunResult result = Lcp(server, args);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  // A file with a bad line records nothing and names the line.
  const auto bad = dir.path() / "bad.csv";
  {
    std::ifstream in(LCP_SOURCE_DIR "/docs/examples/gp-reg-pat-prac-quin-age.csv");
    std::ofstream out(bad);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) out << (n == 5 ? line.substr(0, line.rfind(',')) + ",12.5" : line) << "\n";
  }
  RunResult refused = Lcp(server, {"capitation", "lists", bad.string()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(refused.err, "lcp: " + bad.string() +
                             ":5: NUMBER_OF_PATIENTS \"12.5\" is not a whole number of patients (no "
                             "signs, decimals or separators)\nlcp: nothing was recorded; correct " +
                             bad.string() + " and run it again\n");
  RunResult lists = Lcp(server, {"capitation", "lists", LCP_SOURCE_DIR "/docs/examples/gp-reg-pat-prac-quin-age.csv"});
  ASSERT_EQ(lists.exit_code, 0) << lists.err;
  EXPECT_EQ(lists.out,
            "extract 2026-06-01: read 172 rows; recorded the lists of 3 member practices\n"
            "checked 9 ALL rows against the bands\n"
            "skipped 43 rows of 1 practices that are not members: A81004\n");
  // Running the same file again records nothing twice.
  RunResult again = Lcp(server, {"capitation", "lists", LCP_SOURCE_DIR "/docs/examples/gp-reg-pat-prac-quin-age.csv"});
  EXPECT_NE(again.out.find("recorded the lists of 0 member practices (3 more were recorded already)"),
            std::string::npos) << again.out;

  // The figures below were worked out independently of the program, with Python's fractions from the
  // three files in docs/examples: WP = (sum of patients x weight) x N x M, the shares WP / 10731.27926,
  // and the largest-remainder split of 3,000,000.00: quotas 907863.8495..., 1359114.7566...,
  // 733021.3937...; floors 2,999,999.98; the two pennies left go to the two largest remainders.
  const std::string table =
      "inputs: weights of entry 5, lists of 2026-06-01, indices of entry 6\n"
      "3 practices, total weighted population 10731.27926\n"
      "practice   patients   weighted population        share          budget        previous          change\n"
      "A81001         4296             3247.5135  0.302621283       907863.85            0.00       907863.85\n"
      "A81002         7304               4861.68  0.453038252      1359114.76            0.00      1359114.76\n"
      "A81003         3287            2622.08576  0.244340465       733021.39            0.00       733021.39\n"
      "total         14887           10731.27926            1      3000000.00            0.00      3000000.00\n";
  // The PCT confirms the line's total (entry 10); a run allocates exactly that total.
  RunResult confirmed = Lcp(server, {"budget", "confirm-total", "--year", "2026/27", "--line",
                                     "PRESCRIBING", "--total", "3000000"});
  ASSERT_EQ(confirmed.exit_code, 0) << confirmed.err;
  EXPECT_NE(confirmed.out.find("accepted: entry 10"), std::string::npos) << confirmed.out;
  RunResult dry = Lcp(server, {"capitation", "run", "--year", "2026/27", "--month", "M01", "--line",
                               "PRESCRIBING", "--total", "3000000", "--indicative", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_TRUE(
      dry.out.starts_with("dry run: nothing was posted; this is what would be\n"
                          "would be accepted: entry 11 in 2026/27 M01"))
      << dry.out;
  EXPECT_NE(dry.out.find(table + "journal head: entry 10\n"), std::string::npos) << dry.out;
  RunResult run = Lcp(
      server, {"capitation", "run", "--year", "2026/27", "--month", "M01", "--line", "PRESCRIBING",
               "--total", "3000000", "--indicative", "--key", "cap-2026-prescribing"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("capitation run: entry 11, 2026/27 M01 PRESCRIBING, total 3000000.00, the "
                         "first run\n" +
                         table + "journal head: entry 11\n"),
            std::string::npos)
      << run.out;
  // The same command again with its key (a lost reply, retried): the run in force is the result.
  RunResult retried = Lcp(
      server, {"capitation", "run", "--year", "2026/27", "--month", "M01", "--line", "PRESCRIBING",
               "--total", "3000000", "--indicative", "--key", "cap-2026-prescribing"});
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_TRUE(
      retried.out.starts_with("already recorded: entry 11 in 2026/27 M01 (key "
                              "cap-2026-prescribing); the same command was sent before, "
                              "nothing new posted\ncapitation run: entry 11"))
      << retried.out;
  // The same key with another command is refused, not taken for the original.
  RunResult reused = Lcp(
      server, {"capitation", "run", "--year", "2026/27", "--month", "M06", "--line", "PRESCRIBING",
               "--total", "999", "--indicative", "--key", "cap-2026-prescribing"});
  EXPECT_EQ(reused.exit_code, 1) << reused.out;
  EXPECT_NE(reused.err.find("ERROR_CODE_IDEMPOTENCY_KEY_REUSED"), std::string::npos) << reused.err;
  // The entry names the inputs the run used, not "the latest".
  RunResult entry = Lcp(server, {"--output", "json", "entry", "11"});
  EXPECT_NE(entry.out.find("\"weightsSeq\":\"5\",\"extractDate\":\"2026-06-01\",\"indicesSeq\":\"6\""),
            std::string::npos)
      << entry.out;
  RunResult balances = Lcp(server, {"balances", "--prefix", "practice:A81002:"});
  EXPECT_NE(balances.out.find("practice:A81002:budget:PRESCRIBING          1359114.76"), std::string::npos)
      << balances.out;
  // A practice's view: how its budget was reached.
  RunResult show = Lcp(server, {"capitation", "show", "--year", "2026/27", "--line", "PRESCRIBING",
                                "--practice", "A81002"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  for (const std::string line :
       {"  FEMALE_50_54         337          1.05              353.85\n",
        "  weighted patients (sum of the bands)                             5064.25\n",
        "  x needs index N                                                     0.96\n",
        "  = weighted population WP                                         4861.68\n",
        "  quota = 3000000.00 x WP / total                           1359114.756650\n",
        "  change posted to practice:A81002:budget:PRESCRIBING           1359114.76\n"}) {
    EXPECT_NE(show.out.find(line), std::string::npos) << line << show.out;
  }
  // A second run on the same inputs, the final notice, revises the first and posts nothing.
  RunResult rerun = Lcp(server, {"capitation", "run", "--year", "2026/27", "--month", "M02",
                                 "--line", "PRESCRIBING", "--total", "3000000", "--final"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.out.find("revising the run at entry 11"), std::string::npos) << rerun.out;

  // After a restart the runs are rebuilt by replay: the same view.
  RunResult before = Lcp(server, {"capitation", "show", "--run", "11", "--practice", "A81002"});
  ASSERT_EQ(server.StopWith(SIGTERM), 0);
  ServerProcess restarted(LCP_LEDGERD_PATH, dir.path() / "data");
  ASSERT_TRUE(restarted.started()) << restarted.Log();
  RunResult after = Lcp(restarted, {"capitation", "show", "--run", "11", "--practice", "A81002"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, before.out);
}

}  // namespace
}  // namespace lcp

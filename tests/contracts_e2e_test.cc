// Contracts end to end through the real lcp-ledgerd and lcp: registration, governance, a month of
// invoices imported twice, a practice's statement against figures worked out independently, and
// payments from several clients at once that never pass the ceiling.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "lcp/v1/ledger_service.grpc.pb.h"
#include "tests/process.h"
#include "tests/service_fixture.h"

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

void MustRun(const ServerProcess& server, const std::vector<std::string>& args) {
  RunResult result = Lcp(server, args);
  ASSERT_EQ(result.exit_code, 0) << result.err;
}

// Practices A81001-A81003, providers NLO01 and LCP01, 2026/27, and a COMMUNITY allocation of
// 2,400,000.00 from the example files (weights all 1, so WP = patients x N x M: 4661.16, 7011.84
// and 3626.2184), confirmed by the PCT and run as an indicative notice, giving budgets 731,199.71 /
// 1,099,952.66 / 568,847.63.
void SetUpLedger(const ServerProcess& server) {
  const std::string examples = LCP_SOURCE_DIR "/docs/examples/";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"practice", "add", "A81001", "Riverside Medical Centre"},
        {"practice", "add", "A81002", "Hillview Surgery"},
        {"practice", "add", "A81003", "Park Lane Practice"},
        {"provider", "add", "NLO01", "Riverside Community Health", "--kind", "community"},
        {"provider", "add", "LCP01", "Partnership Clinics", "--kind", "lcp_provider_arm"},
        {"year", "open", "2026/27", "PRESCRIBING", "COMMUNITY"},
        {"capitation", "weights", examples + "weights-community.csv", "--year", "2026/27", "--line",
         "COMMUNITY"},
        {"capitation", "indices", examples + "indices.csv", "--year", "2026/27"},
        {"capitation", "lists", examples + "gp-reg-pat-prac-quin-age.csv"},
        {"budget", "confirm-total", "--year", "2026/27", "--line", "COMMUNITY", "--total",
         "2400000"},
        {"capitation", "run", "--year", "2026/27", "--month", "M01", "--line", "COMMUNITY",
         "--indicative"}}) {
    MustRun(server, args);
  }
}

TEST(ContractsEndToEnd, RegisterApproveImportAndReadTheStatement) {
  TempDir dir;
  // The server's clock stands at 15 April 2026, so the budget notice in the statement has a date
  // that does not depend on the day the test runs.
  const auto clock = dir.path() / "clock";
  std::ofstream(clock) << "2026-04-15T09:00:00Z\n";
  ServerProcess server(LCP_LEDGERD_PATH, dir.path() / "data", {"--clock-file", clock.string()});
  ASSERT_TRUE(server.started()) << server.Log();
  SetUpLedger(server);
  MustRun(server, {"--as", "officer", "contract", "add", "C-2026-001", "--provider", "NLO01", "--mode",
                   "buy", "--line", "COMMUNITY", "--start-year", "2026/27", "--start-month", "M01",
                   "--end-year", "2028/29", "--end-month", "M12", "--type", "block", "--value",
                   "600000", "--attribution", "capitation", "--description", "District nursing"});
  MustRun(server, {"--as", "officer", "contract", "add", "C-2026-002", "--provider", "LCP01", "--mode",
                   "make", "--line", "COMMUNITY", "--start-year", "2026/27", "--start-month", "M01",
                   "--type", "cost_per_case", "--price", "85", "--volume", "2000", "--ceiling",
                   "200000", "--attribution", "activity", "--description", "Diabetes clinics"});
  // The proposer cannot approve, even as the insecure local administrator (who otherwise counts as
  // every role, so that this server cannot show the PCT rule: the engine tests and the TLS walk-through
  // in scripts/contracts-demo do).
  RunResult own = Lcp(server, {"--as", "officer", "contract", "approve", "C-2026-001", "--year",
                               "2026/27", "--month", "M01"});
  EXPECT_EQ(own.exit_code, 1);
  EXPECT_NE(own.err.find("ERROR_CODE_APPROVER_IS_PROPOSER: contract C-2026-001 was proposed by "
                         "local-admin/officer; another principal must approve it"),
            std::string::npos)
      << own.err;
  MustRun(server, {"--as", "manager", "contract", "approve", "C-2026-001", "--year", "2026/27",
                   "--month", "M01"});
  MustRun(server, {"--as", "pct", "contract", "approve", "C-2026-002", "--year", "2026/27", "--month",
                   "M01"});

  // A month of invoices: five are posted, one is refused with its line and reason.
  const std::string file = LCP_SOURCE_DIR "/docs/examples/payments-2026-06.csv";
  const std::vector<std::string> import = {"payments", "import", file, "--year", "2026/27", "--month",
                                           "M03", "--batch", "4"};
  RunResult first = Lcp(server, import);
  EXPECT_EQ(first.exit_code, 1);
  EXPECT_EQ(first.out, "posted 5 invoices (171250.00), 0 already posted and skipped, 1 refused\n");
  EXPECT_EQ(first.err, file + ":7: invoice LCP01-0603 refused: ERROR_CODE_ACTIVITY_COUNT_INVALID: "
                              "contract C-2026-002 pays 85.00 a case: 10 cases cost 850.00, not "
                              "1000.00\n");
  RunResult head = Lcp(server, {"head"});
  // Run again: nothing new is posted, and the chain head does not move.
  RunResult second = Lcp(server, import);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_EQ(second.out, "posted 0 invoices (0.00), 5 already posted and skipped, 1 refused\n");
  EXPECT_EQ(Lcp(server, {"head"}).out, head.out);
  // Imported again into another month by mistake: the invoices were paid already, so nothing is
  // posted, and each line says that its details differ from what was posted.
  std::vector<std::string> wrong_month = import;
  wrong_month[6] = "M04";
  RunResult third = Lcp(server, wrong_month);
  EXPECT_EQ(third.exit_code, 1);
  EXPECT_EQ(third.out,
            "posted 0 invoices (0.00), 0 already posted and skipped, 5 posted already with other "
            "details and skipped, 1 refused\n");
  EXPECT_NE(third.err.find(file + ":2: invoice NLO01-2026-04 was posted already by entry 18, with "
                                  "other details than this line's (month, amount, cases or "
                                  "practices); it is not posted again\n"),
            std::string::npos)
      << third.err;
  EXPECT_EQ(Lcp(server, {"head"}).out, head.out);
  // One invoice by hand: the same details are the same payment; other details are refused.
  const std::vector<std::string> pay = {"contract", "pay", "C-2026-001", "--year", "2026/27",
                                        "--month", "M03", "--amount", "50000", "--invoice",
                                        "NLO01-2026-04"};
  RunResult same = Lcp(server, pay);
  EXPECT_EQ(same.exit_code, 0) << same.err;
  EXPECT_NE(same.out.find("entry 18"), std::string::npos) << same.out;
  std::vector<std::string> other = pay;
  other[6] = "M04";
  RunResult paid = Lcp(server, other);
  EXPECT_EQ(paid.exit_code, 1);
  EXPECT_EQ(
      paid.err,
      "lcp: refused: ERROR_CODE_IDEMPOTENCY_KEY_REUSED: invoice NLO01-2026-04 of contract "
      "C-2026-001 was paid already by entry 18, with other details than these; it is not paid "
      "twice\nlcp: nothing was posted\n");
  EXPECT_EQ(Lcp(server, {"head"}).out, head.out);

  // The statement, worked out independently with Python's fractions from the rules: budgets as above;
  // C-2026-001's outstanding 450,000.00 and C-2026-002's 148,750.00 (170,000.00 - 21,250.00) each
  // split by WP; actual spend three capitation splits of 50,000.00 plus the activity amounts (A81001
  // 7,650.00, A81002 9,350.00, A81003 4,250.00).
  RunResult statement = Lcp(server, {"statement"});
  ASSERT_EQ(statement.exit_code, 0) << statement.err;
  const std::string header =
      "  line                  budget      commitments           actual         forecast         variance\n";
  EXPECT_EQ(
      statement.out,
      "statement for 2026/27, as of entry 22; variance = budget - forecast, positive is an "
      "underspend\n\n"
      "A81001 Riverside Medical Centre\n" +
          header +
          "  PRESCRIBING             0.00             0.00             0.00             0.00       "
          "      0.00\n"
          "  COMMUNITY          731199.71        182419.10         53349.99        235769.09       "
          " 495430.62\n"
          "  TOTAL              731199.71        182419.10         53349.99        235769.09       "
          " 495430.62\n"
          "  COMMUNITY budget: run at entry 13 on 2026-04-15, INDICATIVE, confirmed total "
          "2400000.00; first notice 2026-04-15 on time (deadline 2026-05-01); not acknowledged\n"
          "  membership: has not signed for 2026/27\n"
          "\nA81002 Hillview Surgery\n" +
          header +
          "  PRESCRIBING             0.00             0.00             0.00             0.00       "
          "      0.00\n"
          "  COMMUNITY         1099952.66        274415.27         78097.04        352512.31       "
          " 747440.35\n"
          "  TOTAL             1099952.66        274415.27         78097.04        352512.31       "
          " 747440.35\n"
          "  COMMUNITY budget: run at entry 13 on 2026-04-15, INDICATIVE, confirmed total "
          "2400000.00; first notice 2026-04-15 on time (deadline 2026-05-01); not acknowledged\n"
          "  membership: has not signed for 2026/27\n"
          "\nA81003 Park Lane Practice\n" +
          header +
          "  PRESCRIBING             0.00             0.00             0.00             0.00       "
          "      0.00\n"
          "  COMMUNITY          568847.63        141915.63         39802.97        181718.60       "
          " 387129.03\n"
          "  TOTAL              568847.63        141915.63         39802.97        181718.60       "
          " 387129.03\n"
          "  COMMUNITY budget: run at entry 13 on 2026-04-15, INDICATIVE, confirmed total "
          "2400000.00; first notice 2026-04-15 on time (deadline 2026-05-01); not acknowledged\n"
          "  membership: has not signed for 2026/27\n"
          "\nLCP (all practices)\n" +
          header +
          "  PRESCRIBING             0.00             0.00             0.00             0.00       "
          "      0.00\n"
          "  COMMUNITY         2400000.00        598750.00        171250.00        770000.00       "
          "1630000.00\n"
          "  TOTAL             2400000.00        598750.00        171250.00        770000.00       "
          "1630000.00\n");
  // As of the M02 month end the payments (posted in M03) do not count yet.
  RunResult m02 = Lcp(server, {"statement", "--practice", "A81001", "--month", "M02"});
  // Commitments then are the approvals' splits: 182,799.93 of 600,000.00 and 51,793.31 of 170,000.00.
  EXPECT_NE(m02.out.find("  COMMUNITY          731199.71        234593.24             0.00        "
                         "234593.24        496606.47\n"),
            std::string::npos)
      << m02.out;

  // The contract's own figures agree.
  RunResult shown = Lcp(server, {"--output", "json", "contract", "show", "C-2026-002"});
  EXPECT_NE(shown.out.find("\"paid\":{\"value\":\"21250.00\"},\"cases\":\"250\",\"outstanding\":{"
                           "\"value\":\"148750.00\"},\"headroom\":{\"value\":\"178750.00\"}"),
            std::string::npos)
      << shown.out;
}

// Eight clients pay 1,000.00 invoices against a contract with 25,000.00 of ceiling at once: exactly
// 25 are posted, the rest are refused with CEILING_EXCEEDED, and the payments total the ceiling.
TEST(ContractsEndToEnd, ConcurrentPaymentsNeverPassTheCeiling) {
  TempDir dir;
  ServerProcess server(LCP_LEDGERD_PATH, dir.path() / "data");
  ASSERT_TRUE(server.started()) << server.Log();
  SetUpLedger(server);
  MustRun(server, {"--as", "officer", "contract", "add", "C-CAP", "--provider", "NLO01", "--mode",
                   "buy", "--line", "COMMUNITY", "--start-year", "2026/27", "--start-month", "M01",
                   "--type", "cost_per_case", "--price", "1000", "--volume", "20", "--ceiling",
                   "25000", "--attribution", "capitation", "--description", "Physiotherapy"});
  MustRun(server, {"--as", "manager", "contract", "approve", "C-CAP", "--year", "2026/27", "--month",
                   "M01"});
  constexpr int kClients = 8;
  constexpr int kInvoicesEach = 5;
  std::atomic<int> accepted{0}, ceiling{0}, other{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto stub = v1::LedgerService::NewStub(
          grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
      for (int i = 0; i < kInvoicesEach; ++i) {
        const std::string invoice = "PH-" + std::to_string(c) + "-" + std::to_string(i);
        v1::SubmitRequest request;
        v1::CommandRequest* command = request.add_commands();
        command->set_idempotency_key("invoice:C-CAP:" + invoice);
        v1::PostPayment* payment = command->mutable_command()->mutable_post_payment();
        payment->set_contract_id("C-CAP");
        payment->mutable_period()->set_year("2026/27");
        payment->mutable_period()->set_month("M02");
        payment->mutable_amount()->set_value("1000.00");
        payment->set_invoice_reference(invoice);
        payment->set_activity_count(1);
        grpc::ClientContext context;
        v1::SubmitResponse response;
        grpc::Status status = stub->Submit(&context, request, &response);
        if (status.ok()) {
          ++accepted;
        } else if (status.error_message().starts_with("ERROR_CODE_CEILING_EXCEEDED: contract C-CAP's "
                                                      "ceiling for 2026/27 is 25000.00; 25000.00 is "
                                                      "paid already")) {
          ++ceiling;
        } else {
          ++other;
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  EXPECT_EQ(accepted.load(), 25);
  EXPECT_EQ(ceiling.load(), kClients * kInvoicesEach - 25);
  EXPECT_EQ(other.load(), 0);
  RunResult balances =
      Lcp(server, {"--output", "json", "balances", "--account", "provider:NLO01:payable"});
  EXPECT_NE(balances.out.find("\"account\":\"provider:NLO01:payable\",\"balance\":{\"value\":\"-25000.00\"}"),
            std::string::npos)
      << balances.out;
}

}  // namespace
}  // namespace lcp

// lcp-load: a load generator for lcp-ledgerd. N clients, each on its own channel and thread, send a
// fixed count of balanced two-posting journals in batches of B commands per Submit, and it prints
// transactions per second and the latency percentiles of the calls. Every call must succeed.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "lcp/v1/ledger_service.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

// Fills `command` with balanced two-posting journal number n, built in place.
void FillTransaction(std::uint64_t n, lcp::v1::Command& command) {
  auto* journal = command.mutable_post_journal();
  journal->mutable_period()->set_year("2026/27");
  journal->mutable_period()->set_month("M01");
  journal->set_narrative("load");
  const std::string amount = std::to_string(1 + n % 997) + "." + std::to_string(10 + n % 90);
  auto* debit = journal->add_postings();
  debit->set_account(n % 2 == 0 ? "practice:A81001:spend:AE" : "practice:A81002:spend:AE");
  debit->mutable_amount()->set_value(amount);
  auto* credit = journal->add_postings();
  credit->set_account("provider:RX1:payable");
  credit->mutable_amount()->set_value("-" + amount);
}

bool SetUp(lcp::v1::LedgerService::Stub& stub, const std::string& run) {
  lcp::v1::SubmitRequest request;
  const std::vector<std::pair<std::string, std::string>> practices = {{"A81001", "One"},
                                                                      {"A81002", "Two"}};
  for (const auto& [ods, name] : practices) {
    auto* c = request.add_commands();
    c->set_idempotency_key("setup-" + ods);
    c->mutable_command()->mutable_register_practice()->set_ods_code(ods);
    c->mutable_command()->mutable_register_practice()->set_name(name);
  }
  auto* provider = request.add_commands();
  provider->set_idempotency_key("setup-RX1");
  provider->mutable_command()->mutable_register_provider()->set_code("RX1");
  provider->mutable_command()->mutable_register_provider()->set_name("Acute");
  provider->mutable_command()->mutable_register_provider()->set_kind(
      lcp::v1::PROVIDER_KIND_FOUNDATION_TRUST);
  auto* year = request.add_commands();
  year->set_idempotency_key("setup-year");
  year->mutable_command()->mutable_open_year()->set_year("2026/27");
  year->mutable_command()->mutable_open_year()->add_budget_lines("AE");
  grpc::ClientContext context;
  lcp::v1::SubmitResponse response;
  grpc::Status status = stub.Submit(&context, request, &response);
  if (!status.ok()) {
    std::fprintf(stderr, "lcp-load (%s): set-up failed: %s\n", run.c_str(),
                 status.error_message().c_str());
  }
  return status.ok();  // Refusals of an existing set-up are fine: keys make it idempotent.
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lcp-load: load generator for lcp-ledgerd"};
  std::string server = "127.0.0.1:50051";
  int clients = 1;
  int batch = 1;
  std::uint64_t transactions = 10'000;
  std::string run = "run";
  app.add_option("--server", server)->capture_default_str();
  app.add_option("--clients", clients)->check(CLI::Range(1, 1024))->capture_default_str();
  app.add_option("--batch", batch)->check(CLI::Range(1, 8192))->capture_default_str();
  app.add_option("--transactions", transactions)->capture_default_str();
  app.add_option("--run-id", run, "Prefix of idempotency keys (distinct per run)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  grpc::ChannelArguments arguments;
  arguments.SetMaxSendMessageSize(64 * 1024 * 1024);
  arguments.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  {
    auto stub = lcp::v1::LedgerService::NewStub(
        grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), arguments));
    if (!SetUp(*stub, run)) return 1;
  }

  const std::uint64_t calls_total = (transactions + static_cast<std::uint64_t>(batch) - 1) /
                                    static_cast<std::uint64_t>(batch);
  std::atomic<std::uint64_t> next_call{0};
  std::atomic<bool> failed{false};
  std::vector<std::vector<double>> latencies_ms(static_cast<std::size_t>(clients));
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      // A channel per client, as separate client processes would have.
      grpc::ChannelArguments own = arguments;
      own.SetInt("lcp.load.client", c);
      auto stub = lcp::v1::LedgerService::NewStub(
          grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), own));
      while (!failed) {
        const std::uint64_t call = next_call++;
        if (call >= calls_total) break;
        // One arena per call for the request and the response, as a careful client would.
        google::protobuf::Arena arena;
        auto& request = *google::protobuf::Arena::CreateMessage<lcp::v1::SubmitRequest>(&arena);
        auto& response = *google::protobuf::Arena::CreateMessage<lcp::v1::SubmitResponse>(&arena);
        const std::uint64_t first = call * static_cast<std::uint64_t>(batch);
        const std::uint64_t last = std::min(transactions, first + static_cast<std::uint64_t>(batch));
        for (std::uint64_t n = first; n < last; ++n) {
          auto* command = request.add_commands();
          command->set_idempotency_key(run + "-" + std::to_string(n));
          FillTransaction(n, *command->mutable_command());
        }
        grpc::ClientContext context;
        const auto sent = Clock::now();
        grpc::Status status = stub->Submit(&context, request, &response);
        const std::chrono::duration<double, std::milli> took = Clock::now() - sent;
        bool ok = status.ok();
        for (const auto& result : response.results()) ok = ok && result.has_accepted();
        if (!ok) {
          std::fprintf(stderr, "lcp-load: call %llu failed: %s\n",
                       static_cast<unsigned long long>(call), status.error_message().c_str());
          failed = true;
          break;
        }
        latencies_ms[static_cast<std::size_t>(c)].push_back(took.count());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const std::chrono::duration<double> elapsed = Clock::now() - start;
  if (failed) return 1;

  std::vector<double> all;
  for (const auto& one : latencies_ms) all.insert(all.end(), one.begin(), one.end());
  std::sort(all.begin(), all.end());
  auto percentile = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<std::size_t>(p * static_cast<double>(all.size())))];
  };
  std::printf("%-24s clients %3d  batch %5d  transactions %8llu  %10.0f tx/s  p50 %7.2f ms  p99 %7.2f ms\n",
              run.c_str(), clients, batch, static_cast<unsigned long long>(transactions),
              static_cast<double>(transactions) / elapsed.count(), percentile(0.50), percentile(0.99));
  return 0;
}

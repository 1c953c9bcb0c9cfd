// lcp-load: a load generator for lcp-ledgerd. N clients, each on its own channel and thread, send a
// fixed count of balanced two-posting journals in batches of B commands per Submit, and it prints
// transactions per second and the latency percentiles of the calls. Every call must succeed.
#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "bench/transaction.h"
#include "lcp/v1/ledger_service.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;

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

  // Each client is its own connection with one call outstanding at a time: when a reply arrives, the
  // client records its latency and sends the next call. gRPC's callback API runs this on its own few
  // threads, so 32 clients do not cost 32 blocked threads (the server cannot tell the difference).
  struct Client {
    std::unique_ptr<lcp::v1::LedgerService::Stub> stub;
    std::unique_ptr<google::protobuf::Arena> arena;
    lcp::v1::SubmitRequest* request = nullptr;
    lcp::v1::SubmitResponse* response = nullptr;
    std::unique_ptr<grpc::ClientContext> context;
    Clock::time_point sent;
  };
  std::vector<Client> pool(static_cast<std::size_t>(clients));
  std::mutex done_mutex;
  std::condition_variable done_changed;
  int running = clients;

  std::function<void(std::size_t)> send_next = [&](std::size_t c) {
    Client& client = pool[c];
    const std::uint64_t call = next_call++;
    if (failed || call >= calls_total) {
      std::lock_guard lock(done_mutex);
      if (--running == 0) done_changed.notify_all();
      return;
    }
    // One arena per call for the request and the response, as a careful client would.
    client.arena = std::make_unique<google::protobuf::Arena>();
    client.request = google::protobuf::Arena::CreateMessage<lcp::v1::SubmitRequest>(client.arena.get());
    client.response =
        google::protobuf::Arena::CreateMessage<lcp::v1::SubmitResponse>(client.arena.get());
    const std::uint64_t first = call * static_cast<std::uint64_t>(batch);
    const std::uint64_t last = std::min(transactions, first + static_cast<std::uint64_t>(batch));
    for (std::uint64_t n = first; n < last; ++n) {
      auto* command = client.request->add_commands();
      command->set_idempotency_key(run + "-" + std::to_string(n));
      lcp::bench::FillTransaction(n, *command->mutable_command());
    }
    client.context = std::make_unique<grpc::ClientContext>();
    client.sent = Clock::now();
    client.stub->async()->Submit(
        client.context.get(), client.request, client.response, [&, c](grpc::Status status) {
          Client& done = pool[c];
          const std::chrono::duration<double, std::milli> took = Clock::now() - done.sent;
          bool ok = status.ok();
          for (const auto& result : done.response->results()) ok = ok && result.has_accepted();
          if (!ok) {
            std::fprintf(stderr, "lcp-load: a call failed: %s\n", status.error_message().c_str());
            failed = true;
          } else {
            latencies_ms[c].push_back(took.count());
          }
          send_next(c);
        });
  };

  const auto start = Clock::now();
  for (int c = 0; c < clients; ++c) {
    grpc::ChannelArguments own = arguments;
    own.SetInt("lcp.load.client", c);  // A distinct argument: a connection of its own.
    pool[static_cast<std::size_t>(c)].stub = lcp::v1::LedgerService::NewStub(
        grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), own));
  }
  for (int c = 0; c < clients; ++c) send_next(static_cast<std::size_t>(c));
  {
    std::unique_lock lock(done_mutex);
    done_changed.wait(lock, [&] { return running == 0; });
  }
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

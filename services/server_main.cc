// lcp-ledgerd: the ledger's gRPC server. Opens (or creates) the ledger file in --data-dir, replays and
// verifies it, and serves LedgerService, the standard health service and server reflection on --listen
// until SIGTERM or SIGINT, which drain in-flight requests and stop it cleanly.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "ledger/chain.h"
#include "services/book.h"
#include "services/ledger_service.h"
#include "services/log.h"
#include "services/sequencer.h"
#include "services/storage/sqlite_store.h"

namespace {

std::atomic<bool> fatal_failure{false};

// Linking gRPC's reflection library registers its plugin with every ServerBuilder by a static
// initializer, so turning reflection off means taking the plugin out again.
class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments* /*arguments*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    std::erase_if(*plugins, [](const std::unique_ptr<grpc::ServerBuilderPlugin>& plugin) {
      return plugin->name() == "proto_server_reflection";
    });
  }
};

// Writes the address the server listens on to `path`, atomically, for scripts that wait for it.
bool WriteReadyFile(const std::string& path, const std::string& address) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << address << "\n";
    if (!out) return false;
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  return !error;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lcp-ledgerd: the lcpledger gRPC server"};
  std::string data_dir;
  std::string listen = "127.0.0.1:50051";
  std::string ready_file;
  bool reflection = true;
  app.add_option("--data-dir", data_dir, "Directory of the ledger file ledger.sqlite (created if missing)")
      ->required();
  app.add_option("--listen", listen, "Address to listen on (host:port; port 0 picks a free one)")
      ->capture_default_str();
  app.add_option("--ready-file", ready_file,
                 "Once serving, write the address actually listened on to this file");
  app.add_flag("!--no-reflection", reflection, "Turn off gRPC server reflection");
  CLI11_PARSE(app, argc, argv);

  // Signals are taken by sigwait below, never by a handler in another thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) {
    lcp::LogLine("refusing to start: cannot create " + data_dir + ": " + error.message());
    return 1;
  }
  const std::string path = (std::filesystem::path(data_dir) / "ledger.sqlite").string();
  auto store = lcp::SqliteStore::Open(path);
  if (!store.ok()) {
    lcp::LogLine("refusing to start: " + store.status().ToString());
    return 1;
  }
  auto log = std::make_shared<lcp::EntryLog>();
  std::vector<lcp::v1::JournalRecord> recovered;
  auto book = lcp::Book::Open(std::move(store).value(), [&](const lcp::v1::JournalRecord& record) {
    recovered.push_back(record);
    if (recovered.size() == 4096) log->Append(std::exchange(recovered, {}));
  });
  if (!book.ok()) {
    lcp::LogLine("refusing to start: " + path + ": " + book.status().ToString());
    return 2;
  }
  log->Append(std::move(recovered));
  const std::uint64_t head_seq = (*book)->journal().head_seq();
  const std::string head_hash = lcp::ToHex((*book)->journal().head_hash());

  lcp::Sequencer sequencer(std::move(book).value(), log, [](const lcp::Status& status) {
    lcp::LogLine("stopping: the ledger file failed: " + status.ToString());
    fatal_failure = true;
    kill(getpid(), SIGTERM);
  });
  lcp::LedgerServiceImpl service(sequencer);

  grpc::EnableDefaultHealthCheckService(true);
  if (reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(lcp::kRequestBytesMax);
  // Keepalive pings find clients that vanished without closing, so their follow streams end.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  if (!reflection) builder.SetOption(std::make_unique<WithoutReflection>());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    lcp::LogLine("refusing to start: cannot listen on " + listen);
    return 1;
  }
  const std::string address = listen.substr(0, listen.rfind(':')) + ":" + std::to_string(port);
  server->GetHealthCheckService()->SetServingStatus(true);
  lcp::LogLine("started: listening on " + address + ", ledger " + path + ", journal head " +
               std::to_string(head_seq) + " " + head_hash + " (verified by replay)" +
               (reflection ? "" : ", reflection off"));
  if (!ready_file.empty() && !WriteReadyFile(ready_file, address)) {
    lcp::LogLine("cannot write --ready-file " + ready_file);
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  lcp::LogLine(fatal_failure ? std::string("stopping after the storage failure")
                             : std::string("stopping on ") +
                                   (signal_number == SIGINT ? "SIGINT" : "SIGTERM") +
                                   ": draining in-flight requests");
  server->GetHealthCheckService()->SetServingStatus(false);
  sequencer.BeginStop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  sequencer.Stop();
  std::shared_ptr<const lcp::Snapshot> last = sequencer.snapshot();
  lcp::LogLine("stopped: journal head " + std::to_string(last->head_seq) + " " +
               lcp::ToHex(last->head_hash));
  return fatal_failure ? 3 : 0;
}

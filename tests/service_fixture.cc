#include "tests/service_fixture.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>

#include "services/storage/open_store.h"
#include "tests/test_support.h"

namespace lcp::testing {

Result<std::unique_ptr<Store>> OpenTestStore(const std::filesystem::path& dir) {
  const char* cluster = std::getenv("LCP_TEST_SERVICE_POSTGRES");
  if (cluster == nullptr) return OpenStore(dir.string(), "main");
  std::string ledger = "lcp_" + dir.filename().string();
  std::replace(ledger.begin(), ledger.end(), '-', '_');
  return OpenStore(PostgresUrlIn(cluster), ledger);
}

InProcessServer::InProcessServer(const std::filesystem::path& dir,
                                 std::unique_ptr<Authenticator> authenticator)
    : authenticator_(std::move(authenticator)) {
  auto store = OpenTestStore(dir);
  if (!store.ok()) {
    ADD_FAILURE() << store.status().ToString();
    return;
  }
  log_ = std::make_shared<EntryLog>();
  std::vector<v1::JournalRecord> records;
  auto book = Book::Open(std::move(store).value(),
                         [&](const v1::JournalRecord& record) { records.push_back(record); });
  if (!book.ok()) {
    ADD_FAILURE() << book.status().ToString();
    return;
  }
  log_->Append(std::move(records));
  sequencer_ = std::make_unique<Sequencer>(std::move(book).value(), log_, [](const Status& status) {
    ADD_FAILURE() << "storage failed: " << status.ToString();
  });
  service_ = std::make_unique<LedgerServiceImpl>(*sequencer_, *authenticator_);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service_.get());
  builder.SetMaxReceiveMessageSize(kRequestBytesMax);
  server_ = builder.BuildAndStart();
  grpc::ChannelArguments arguments;
  arguments.SetMaxSendMessageSize(kRequestBytesMax);
  channel_ = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                       grpc::InsecureChannelCredentials(), arguments);
  stub_ = v1::LedgerService::NewStub(channel_);
}

InProcessServer::~InProcessServer() {
  if (sequencer_) sequencer_->BeginStop();
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (sequencer_) sequencer_->Stop();
}

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  path_ = std::filesystem::temp_directory_path() /
          ("lcp-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

v1::SubmitRequest OneCommand(const v1::Command& command, const std::string& key) {
  v1::SubmitRequest request;
  v1::CommandRequest* one = request.add_commands();
  one->set_idempotency_key(key);
  *one->mutable_command() = command;
  return request;
}

}  // namespace lcp::testing

// An in-process lcp-ledgerd: a Book on a temporary SQLite file (or, with LCP_TEST_STORE=postgresql,
// a ledger in the tests' PostgreSQL cluster), the sequencer, the gRPC service on a loopback port
// chosen by the system, and a stub to call it.
#pragma once

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <memory>
#include <string>

#include "lcp/v1/ledger_service.grpc.pb.h"
#include "services/ledger_service.h"
#include "services/sequencer.h"
#include "services/storage/store.h"

namespace lcp::testing {

// The store of the ledger in `dir`: DIR/ledger.sqlite or, with
// LCP_TEST_SERVICE_POSTGRES=CLUSTER_DIR (ctest runs service_test a second time so), the ledger
// named after `dir` in that PostgreSQL cluster. Opening it again reopens the same ledger.
Result<std::unique_ptr<Store>> OpenTestStore(const std::filesystem::path& dir);

class InProcessServer {
 public:
  // Opens (or reopens) the ledger in `dir` and starts serving, knowing callers by `authenticator`
  // (default: insecure, every caller the local administrator).
  explicit InProcessServer(const std::filesystem::path& dir,
                           std::unique_ptr<Authenticator> authenticator = Authenticator::Insecure());
  ~InProcessServer();

  v1::LedgerService::Stub& stub() { return *stub_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  Sequencer& sequencer() { return *sequencer_; }
  Authenticator& authenticator() { return *authenticator_; }

 private:
  std::unique_ptr<Authenticator> authenticator_;
  std::shared_ptr<EntryLog> log_;
  std::unique_ptr<Sequencer> sequencer_;
  std::unique_ptr<LedgerServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::LedgerService::Stub> stub_;
};

// A unique, empty temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

v1::SubmitRequest OneCommand(const v1::Command& command, const std::string& key);

}  // namespace lcp::testing

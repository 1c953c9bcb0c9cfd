// The embedded default store: one SQLite file in WAL mode with synchronous=FULL, so that a committed
// transaction survives a crash or power loss. The journal table refuses UPDATE and DELETE by trigger.
// Checkpoints (copying the WAL into the file) run on a thread and connection of their own, so that a
// commit never waits for one.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "services/storage/store.h"

struct sqlite3;

namespace lcp {

class SqliteStore final : public Store {
 public:
  // Opens the ledger file at `path`, creating it (and its schema) if it does not exist. Holds an
  // exclusive lock on `path`.lock for as long as it is open: a second process (a second server on the
  // same data directory) is refused rather than allowed to serve a stale head.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  Status Append(std::span<const v1::JournalRecord> records) override;
  Status Scan(std::uint64_t from_seq,
              const std::function<Status(const v1::JournalRecord&)>& visit) override;
  Result<StoreHead> ReadHead() override;

 private:
  SqliteStore(sqlite3* db, std::string path, int lock_fd)
      : db_(db), path_(std::move(path)), lock_fd_(lock_fd) {}
  Status Exec(const char* sql);
  Status Failure(const std::string& what) const;
  // Called by SQLite after each commit with the WAL's size in pages.
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int pages);
  void RunCheckpointer();

  sqlite3* db_;
  std::string path_;
  int lock_fd_;

  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wanted_;
  bool checkpoint_due_ = false;  // GUARDED_BY(checkpoint_mutex_)
  bool stopping_ = false;        // GUARDED_BY(checkpoint_mutex_)
  std::thread checkpointer_;
};

}  // namespace lcp

#include "services/storage/sqlite_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ledger/base/chain.h"

namespace lcp {
namespace {

// "LCPL" as the SQLite application id, so that `file` and careful tools can tell a ledger file apart.
constexpr int kApplicationId = 0x4C43504C;
constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS journal (
  seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
  prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
  body      BLOB NOT NULL,
  hash      BLOB NOT NULL CHECK (length(hash) = 32)
);
CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: post a reversal instead'); END;
CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'the journal is append-only: post a reversal instead'); END;
)sql";

// Owns a prepared statement.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

std::string Column(sqlite3_stmt* stmt, int column) {
  const void* data = sqlite3_column_blob(stmt, column);
  const int size = sqlite3_column_bytes(stmt, column);
  return data == nullptr ? std::string() : std::string(static_cast<const char*>(data),
                                                       static_cast<std::size_t>(size));
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  const std::string lock_path = path + ".lock";
  const int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0) {
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         "cannot open ledger file " + path + ": cannot create its lock " +
                             lock_path + ": " + std::strerror(errno));
  }
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(lock_fd);
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         "ledger file " + path +
                             (error == EWOULDBLOCK
                                  ? " is in use by another process (a server already running on "
                                    "this data directory?); stop it first"
                                  : ": cannot lock " + lock_path + ": " + std::strerror(error)));
  }
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    ::close(lock_fd);
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         "cannot open ledger file " + path + ": " + why);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path, lock_fd));
  sqlite3_busy_timeout(db, 5000);
  {
    Statement wal(db, "PRAGMA journal_mode=WAL");
    if (!wal.ok() || sqlite3_step(wal.get()) != SQLITE_ROW) return store->Failure("enable WAL");
    const auto* mode = reinterpret_cast<const char*>(sqlite3_column_text(wal.get(), 0));
    if (mode == nullptr || std::string(mode) != "wal") {
      return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                           "ledger file " + path + ": the file system does not support SQLite's "
                           "write-ahead log; put the data directory on a local disk");
    }
  }
  LCP_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=FULL"));
  // No checkpoint inside a commit (it would add an fsync of the whole file to that commit's latency):
  // the checkpointer thread does them, prompted by OnWalCommit.
  LCP_RETURN_IF_ERROR(store->Exec("PRAGMA wal_autocheckpoint=0"));

  int application_id = 0;
  int user_version = 0;
  {
    Statement query(db, "PRAGMA application_id");
    if (!query.ok() || sqlite3_step(query.get()) != SQLITE_ROW) return store->Failure("read header");
    application_id = sqlite3_column_int(query.get(), 0);
  }
  {
    Statement query(db, "PRAGMA user_version");
    if (!query.ok() || sqlite3_step(query.get()) != SQLITE_ROW) return store->Failure("read header");
    user_version = sqlite3_column_int(query.get(), 0);
  }
  int tables = 0;
  {
    Statement query(db, "SELECT count(*) FROM sqlite_master");
    if (!query.ok() || sqlite3_step(query.get()) != SQLITE_ROW) return store->Failure("read schema");
    tables = sqlite3_column_int(query.get(), 0);
  }
  if (application_id == 0 && user_version == 0 && tables == 0) {
    LCP_RETURN_IF_ERROR(store->Exec("BEGIN IMMEDIATE"));
    LCP_RETURN_IF_ERROR(store->Exec(kSchema));
    LCP_RETURN_IF_ERROR(store->Exec(("PRAGMA application_id=" + std::to_string(kApplicationId)).c_str()));
    LCP_RETURN_IF_ERROR(store->Exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str()));
    LCP_RETURN_IF_ERROR(store->Exec("COMMIT"));
  } else if (application_id != kApplicationId || user_version != kSchemaVersion) {
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         path + " is not an lcpledger ledger file of schema version " +
                             std::to_string(kSchemaVersion));
  }
  sqlite3_wal_hook(db, &SqliteStore::OnWalCommit, store.get());
  store->checkpointer_ = std::thread([raw = store.get()] { raw->RunCheckpointer(); });
  return store;
}

int SqliteStore::OnWalCommit(void* self, sqlite3* /*db*/, const char* /*name*/, int pages) {
  // About 4 MiB of WAL (SQLite's own default threshold).
  constexpr int kCheckpointPages = 1000;
  if (pages >= kCheckpointPages) {
    auto* store = static_cast<SqliteStore*>(self);
    {
      std::lock_guard lock(store->checkpoint_mutex_);
      store->checkpoint_due_ = true;
    }
    store->checkpoint_wanted_.notify_one();
  }
  return SQLITE_OK;
}

void SqliteStore::RunCheckpointer() {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(db);
    db = nullptr;  // Without it the WAL only grows; commits stay correct and durable.
  }
  if (db != nullptr) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
  }
  while (true) {
    {
      std::unique_lock lock(checkpoint_mutex_);
      checkpoint_wanted_.wait(lock, [this] { return checkpoint_due_ || stopping_; });
      if (stopping_) break;
      checkpoint_due_ = false;
    }
    // PASSIVE: copies what it can without blocking the writer; the next commit after a complete
    // checkpoint starts the WAL again from its beginning.
    if (db != nullptr) {
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
  }
  sqlite3_close(db);
}

SqliteStore::~SqliteStore() {
  if (checkpointer_.joinable()) {
    {
      std::lock_guard lock(checkpoint_mutex_);
      stopping_ = true;
    }
    checkpoint_wanted_.notify_one();
    checkpointer_.join();
  }
  sqlite3_close(db_);
  ::close(lock_fd_);  // Releases the lock.
}

Status SqliteStore::Failure(const std::string& what) const {
  return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                       "ledger file " + path_ + ": could not " + what + ": " + sqlite3_errmsg(db_));
}

Status SqliteStore::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string why = error != nullptr ? error : "unknown error";
    sqlite3_free(error);
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         "ledger file " + path_ + ": " + why);
  }
  return Status::Ok();
}

Status SqliteStore::Append(std::span<const v1::JournalRecord> records) {
  if (records.empty()) return Status::Ok();
  LCP_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto rollback = [this](Status status) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return status;
  };
  // The same chain invariant the writer checked, checked again against what is stored.
  Result<StoreHead> head = ReadHead();
  if (!head.ok()) return rollback(head.status());
  std::uint64_t prev_seq = head->seq;
  std::string prev_hash = head->hash;
  // Sequence and links only: the writer computed each hash a moment ago, and every open replays and
  // re-hashes the whole file, so hashing twice here would only halve the write rate.
  for (const v1::JournalRecord& record : records) {
    if (record.seq() != prev_seq + 1 || record.prev_hash() != prev_hash ||
        record.hash().size() != kHashBytes) {
      return rollback(Status::Error(
          v1::ERROR_CODE_CHAIN_BROKEN,
          "record " + std::to_string(prev_seq + 1) + ": does not continue the stored chain (found " +
              "sequence number " + std::to_string(record.seq()) + ")"));
    }
    prev_seq = record.seq();
    prev_hash = record.hash();
  }
  Statement insert(db_, "INSERT INTO journal (seq, prev_hash, body, hash) VALUES (?, ?, ?, ?)");
  if (!insert.ok()) return rollback(Failure("prepare an append"));
  for (const v1::JournalRecord& record : records) {
    sqlite3_stmt* stmt = insert.get();
    sqlite3_bind_int64(stmt, 1, static_cast<sqlite3_int64>(record.seq()));
    sqlite3_bind_blob(stmt, 2, record.prev_hash().data(), static_cast<int>(record.prev_hash().size()),
                      SQLITE_STATIC);
    sqlite3_bind_blob(stmt, 3, record.body().data(), static_cast<int>(record.body().size()),
                      SQLITE_STATIC);
    sqlite3_bind_blob(stmt, 4, record.hash().data(), static_cast<int>(record.hash().size()),
                      SQLITE_STATIC);
    if (sqlite3_step(stmt) != SQLITE_DONE) {
      return rollback(Failure("append record " + std::to_string(record.seq())));
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
  Status commit = Exec("COMMIT");
  if (!commit.ok()) return rollback(commit);
  return Status::Ok();
}

Status SqliteStore::Scan(std::uint64_t from_seq,
                         const std::function<Status(const v1::JournalRecord&)>& visit) {
  Statement query(db_, "SELECT seq, prev_hash, body, hash FROM journal WHERE seq >= ? ORDER BY seq");
  if (!query.ok()) return Failure("prepare a read");
  sqlite3_bind_int64(query.get(), 1, static_cast<sqlite3_int64>(from_seq));
  v1::JournalRecord record;
  while (true) {
    const int rc = sqlite3_step(query.get());
    if (rc == SQLITE_DONE) return Status::Ok();
    if (rc != SQLITE_ROW) return Failure("read the journal");
    record.set_seq(static_cast<std::uint64_t>(sqlite3_column_int64(query.get(), 0)));
    record.set_prev_hash(Column(query.get(), 1));
    record.set_body(Column(query.get(), 2));
    record.set_hash(Column(query.get(), 3));
    LCP_RETURN_IF_ERROR(visit(record));
  }
}

Result<StoreHead> SqliteStore::ReadHead() {
  Statement query(db_, "SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1");
  if (!query.ok()) return Failure("prepare a read of the head");
  const int rc = sqlite3_step(query.get());
  if (rc == SQLITE_DONE) return StoreHead{0, GenesisHash()};
  if (rc != SQLITE_ROW) return Failure("read the head");
  return StoreHead{static_cast<std::uint64_t>(sqlite3_column_int64(query.get(), 0)),
                   Column(query.get(), 1)};
}

}  // namespace lcp

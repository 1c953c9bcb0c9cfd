// PostgreSQL as the system of record (lcp-ledgerd --store postgresql://...): one schema per ledger,
// lcp_<ledger>, so that one database serves many LCPs' ledgers. The schema is created and versioned
// by the store itself (its `migrations` table). The journal table keeps what the SQLite store
// keeps, with the idempotency key in a column of its own: seq is the primary key, assigned by the
// writer (gapless, never a sequence), the key is unique, and a trigger refuses UPDATE, DELETE and
// TRUNCATE.
//
// One writer per ledger: the store holds a session advisory lock for the ledger on its own
// connection, the one it writes on, for as long as it is open; a second store for the same ledger
// is refused. Holding the lock on the writing connection, not on a connection of its own, means the
// lock and the writes are lost together: no other writer can take the ledger while this one can
// still write. Each append transaction also checks that its first record continues the stored head,
// so two writers could not fork the chain even without the lock.
//
// An append is one transaction, sent as one pipeline (one round trip: the head check and the
// inserts, committed at the sync point), committed with synchronous_commit on: when Append returns
// Ok the records are in PostgreSQL's write-ahead log on disk (and, where the server has synchronous
// standbys, on them as synchronous_standby_names says). A lost connection fails the append and
// every later call: the server then stops accepting writes (its Book fails) and says why.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "services/storage/store.h"

struct pg_conn;

namespace lcp {

// Whether `where` names a PostgreSQL ledger (postgresql:// or postgres://) rather than a directory.
bool IsPostgresUrl(const std::string& where);

// Checks a ledger name (--ledger): 1 to 48 of a-z, 0-9 and _, starting with a letter.
Status CheckLedgerName(const std::string& ledger);

class PostgresStore final : public Store {
 public:
  // Connects to `url` (a libpq connection URI) as application "lcpledger ledger <ledger>" (as
  // pg_stat_activity shows it), takes the ledger's writer lock, and creates the
  // ledger's schema or brings it up to this version. STORAGE_FAILURE, saying why, when PostgreSQL
  // cannot be reached, another writer holds the ledger, or the schema is not a ledger's (or is of a
  // later version than this server knows).
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& url,
                                                     const std::string& ledger);
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

  Status Append(std::span<const v1::JournalRecord> records) override;
  Status Scan(std::uint64_t from_seq,
              const std::function<Status(const v1::JournalRecord&)>& visit) override;
  Result<StoreHead> ReadHead() override;

  // The schema's name, lcp_<ledger>.
  const std::string& schema() const { return schema_; }
  // The process id of the connection's server process (for tests that end it).
  int backend_pid() const;

 private:
  PostgresStore(pg_conn* conn, std::string ledger);
  // STORAGE_FAILURE for `what` that failed, with PostgreSQL's message; after a lost connection,
  // says that this server no longer holds the ledger and refuses every later call.
  Status Failure(const std::string& what);
  Status Exec(const std::string& sql);
  Status Migrate();
  // Ok and the new head after an append committed, unless PostgreSQL warned during it.
  Status Committed(std::span<const v1::JournalRecord> records);
  // Append for a large batch: the rows copied in, in PostgreSQL's binary COPY format.
  Status AppendByCopy(std::span<const v1::JournalRecord> records,
                      const std::vector<std::string>& keys);

  pg_conn* conn_;
  std::string ledger_;
  std::string schema_;
  bool lost_ = false;    // The connection was lost: the writer lock with it.
  StoreHead head_;       // The stored head, as this store (the ledger's one writer) last wrote it.
  std::string warning_;  // The last WARNING PostgreSQL sent during the current append.
};

}  // namespace lcp

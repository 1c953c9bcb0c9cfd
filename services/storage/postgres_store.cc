#include "services/storage/postgres_store.h"

#include <libpq-fe.h>

#include <array>
#include <cstring>
#include <vector>

#include "ledger/base/chain.h"

namespace lcp {
namespace {

// The schema versions this server knows, in order: each one's SQL, run once in a transaction of its
// own, with @ standing for the schema's quoted name.
struct Migration {
  int version;
  const char* description;
  const char* sql;
};

constexpr std::array kMigrations = {
    Migration{1, "the journal: seq, prev_hash, body, hash and idempotency key; append-only",
              R"sql(
CREATE TABLE @.journal (
  seq             bigint PRIMARY KEY CHECK (seq >= 1),
  prev_hash       bytea NOT NULL CHECK (length(prev_hash) = 32),
  body            bytea NOT NULL,
  hash            bytea NOT NULL CHECK (length(hash) = 32),
  idempotency_key bytea NOT NULL UNIQUE
);
CREATE FUNCTION @.journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the journal is append-only: post a reversal instead';
END $$;
CREATE TRIGGER journal_no_update_or_delete BEFORE UPDATE OR DELETE ON @.journal
  FOR EACH ROW EXECUTE FUNCTION @.journal_append_only();
CREATE TRIGGER journal_no_truncate BEFORE TRUNCATE ON @.journal
  FOR EACH STATEMENT EXECUTE FUNCTION @.journal_append_only();
)sql"},
    Migration{2, "journal_continues: an append's check of the stored head, inside its transaction",
              R"sql(
CREATE FUNCTION @.journal_continues(prev_seq bigint, prev_hash bytea) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  head_seq bigint;
  head_hash bytea;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM @.journal ORDER BY seq DESC LIMIT 1;
  IF coalesce(head_seq, 0) <> prev_seq OR (head_seq IS NOT NULL AND head_hash <> prev_hash) THEN
    RAISE EXCEPTION USING ERRCODE = 'LCP01',
      MESSAGE = format('record %s does not continue the stored chain: the stored head is entry %s',
                       prev_seq + 1, coalesce(head_seq, 0));
  END IF;
END $$;
)sql"},
};

// "LCPL": the advisory lock's first key; the second is the hash of the schema's name.
constexpr int kLockClass = 0x4C43504C;
// PostgreSQL's type ids of the parameters the store binds.
constexpr Oid kInt8 = 20;
constexpr Oid kBytea = 17;
constexpr Oid kText = 25;
// Rows per INSERT (5 parameters each, within PostgreSQL's 65,535) and per read of a scan.
constexpr std::size_t kInsertRows = 4096;
// From this many records an append copies them in (COPY ... FROM STDIN, binary), which PostgreSQL
// takes faster than INSERT for a batch, at the price of two round trips instead of one.
constexpr std::size_t kCopyRowsMin = 64;
constexpr int kScanRows = 2048;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

std::string BigEndian(std::uint64_t value) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i, value >>= 8) {
    bytes[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xff);
  }
  return bytes;
}

std::uint64_t FromBigEndian(const char* bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = value << 8 | static_cast<unsigned char>(bytes[i]);
  return value;
}

std::string Bytes(const PGresult* result, int row, int column) {
  return std::string(PQgetvalue(result, row, column),
                     static_cast<std::size_t>(PQgetlength(result, row, column)));
}

// PostgreSQL's message, on one line.
std::string OneLine(const char* message) {
  std::string text = message == nullptr ? "" : message;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

// Binds parameters as libpq wants them: values, lengths, formats and types side by side.
class Params {
 private:
  int count() const { return static_cast<int>(values_.size()); }
  // Calls `call(values, lengths)` with the values' pointers and lengths side by side.
  template <typename Call>
  auto Bound(Call call) const {
    std::vector<const char*> pointers;
    std::vector<int> lengths;
    for (const std::string& value : values_) {
      pointers.push_back(value.data());
      lengths.push_back(static_cast<int>(value.size()));
    }
    return call(pointers.data(), lengths.data());
  }

 public:
  void Add(std::string value, Oid type, bool binary) {
    values_.push_back(std::move(value));
    types_.push_back(type);
    formats_.push_back(binary ? 1 : 0);
  }
  PGresult* Exec(PGconn* conn, const std::string& sql) const {
    return Bound([&](const char* const* values, const int* lengths) {
      return PQexecParams(conn, sql.c_str(), count(), types_.data(), values, lengths,
                          formats_.data(), /*resultFormat=*/1);
    });
  }
  // Queues the statement in pipeline mode; false if libpq refused it.
  bool Send(PGconn* conn, const std::string& sql) const {
    return Bound([&](const char* const* values, const int* lengths) {
      return PQsendQueryParams(conn, sql.c_str(), count(), types_.data(), values, lengths,
                               formats_.data(), /*resultFormat=*/1) == 1;
    });
  }

 private:
  std::vector<std::string> values_;
  std::vector<Oid> types_;
  std::vector<int> formats_;
};

}  // namespace

bool IsPostgresUrl(const std::string& where) {
  return where.starts_with("postgresql://") || where.starts_with("postgres://");
}

Status CheckLedgerName(const std::string& ledger) {
  bool ok = !ledger.empty() && ledger.size() <= 48 && ledger[0] >= 'a' && ledger[0] <= 'z';
  for (char c : ledger) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (ok) return Status::Ok();
  return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                       "ledger name \"" + ledger +
                           "\" is not 1 to 48 of a-z, 0-9 and _ starting with a letter (its "
                           "PostgreSQL schema is lcp_<name>)");
}

PostgresStore::PostgresStore(pg_conn* conn, std::string ledger)
    : conn_(conn), ledger_(std::move(ledger)), schema_("lcp_" + ledger_) {}

PostgresStore::~PostgresStore() { PQfinish(conn_); }  // Ends the session: its lock with it.

int PostgresStore::backend_pid() const { return PQbackendPID(conn_); }

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url,
                                                           const std::string& ledger) {
  LCP_RETURN_IF_ERROR(CheckLedgerName(ledger));
  {
    // libpq's own message for a URL it cannot parse may quote any part of it, the password too.
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
    PQfreemem(error);
    if (options == nullptr) {
      return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                           "the PostgreSQL URL for ledger " + ledger +
                               " is not one libpq can read (postgresql://USER@HOST:PORT/DATABASE, "
                               "with any reserved character in a part %-encoded)");
    }
    PQconninfoFree(options);
  }
  // The URL, then the name this connection shows in pg_stat_activity (it overrides one in the URL).
  const std::string application = "lcpledger ledger " + ledger;
  const char* const keys[] = {"dbname", "application_name", nullptr};
  const char* const values[] = {url.c_str(), application.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  std::unique_ptr<PostgresStore> store(new PostgresStore(conn, ledger));
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         "cannot connect to PostgreSQL for ledger " + ledger + ": " +
                             OneLine(conn == nullptr ? "out of memory" : PQerrorMessage(conn)));
  }
  // Notices are dropped ("schema exists, skipping"), but a warning is kept for the append it came
  // in: a commit whose wait for a synchronous standby was cancelled succeeds with only a warning.
  PQsetNoticeReceiver(
      conn,
      [](void* self, const PGresult* notice) {
        const char* severity = PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED);
        if (severity != nullptr && std::string(severity) == "WARNING") {
          const char* message = PQresultErrorField(notice, PG_DIAG_MESSAGE_PRIMARY);
          static_cast<PostgresStore*>(self)->warning_ = OneLine(message);
        }
      },
      store.get());
  // Commits wait for the write-ahead log on disk (and for synchronous standbys) whatever the
  // database's or role's defaults, no timeout may cut that wait short, and '\x' in a literal
  // means hex.
  LCP_RETURN_IF_ERROR(
      store->Exec("SET synchronous_commit = on; SET statement_timeout = 0; "
                  "SET idle_session_timeout = 0; SET idle_in_transaction_session_timeout = 0; "
                  "SET standard_conforming_strings = on"));
  {
    Params params;
    params.Add(store->schema_, kText, false);
    PgResult locked(params.Exec(
        conn, "SELECT pg_try_advisory_lock(" + std::to_string(kLockClass) + ", hashtext($1))"));
    if (PQresultStatus(locked.get()) != PGRES_TUPLES_OK) {
      return store->Failure("take the ledger's writer lock");
    }
    if (PQgetvalue(locked.get(), 0, 0)[0] == 0) {
      return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                           "ledger " + ledger + " in PostgreSQL database " + PQdb(conn) +
                               " is in use by another writer (a server or a migration already "
                               "running on it); only one may write a ledger: stop it first");
    }
  }
  LCP_RETURN_IF_ERROR(store->Migrate());
  Result<StoreHead> head = store->ReadHead();
  if (!head.ok()) return head.status();
  store->head_ = *head;
  return store;
}

Status PostgresStore::Migrate() {
  const std::string quoted = "\"" + schema_ + "\"";
  LCP_RETURN_IF_ERROR(Exec("BEGIN"));
  auto rollback = [this](Status status) {
    PQclear(PQexec(conn_, "ROLLBACK"));
    return status;
  };
  // A schema that exists with tables but no migrations table is somebody else's: not taken over.
  Params params;
  params.Add(schema_, kText, false);
  PgResult tables(params.Exec(conn_,
                              "SELECT count(*)::int8, count(*) FILTER (WHERE table_name = "
                              "'migrations')::int8 FROM information_schema.tables WHERE "
                              "table_schema = $1"));
  if (PQresultStatus(tables.get()) != PGRES_TUPLES_OK) {
    return rollback(Failure("read the schema " + schema_));
  }
  if (FromBigEndian(PQgetvalue(tables.get(), 0, 0)) > 0 &&
      FromBigEndian(PQgetvalue(tables.get(), 0, 1)) == 0) {
    return rollback(Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                                  "schema " + schema_ + " in PostgreSQL database " + PQdb(conn_) +
                                      " holds tables but is not an lcpledger ledger's; name "
                                      "another ledger"));
  }
  Status created =
      Exec("CREATE SCHEMA IF NOT EXISTS " + quoted + "; CREATE TABLE IF NOT EXISTS " + quoted +
           ".migrations (version integer PRIMARY KEY, description text NOT NULL, "
           "applied_at timestamptz NOT NULL DEFAULT now())");
  if (!created.ok()) return rollback(created);
  PgResult current(PQexecParams(
      conn_, ("SELECT coalesce(max(version), 0)::int8 FROM " + quoted + ".migrations").c_str(), 0,
      nullptr, nullptr, nullptr, nullptr, 1));
  if (PQresultStatus(current.get()) != PGRES_TUPLES_OK) {
    return rollback(Failure("read the schema's version"));
  }
  const std::uint64_t version = FromBigEndian(PQgetvalue(current.get(), 0, 0));
  if (version > static_cast<std::uint64_t>(kMigrations.back().version)) {
    return rollback(Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                                  "schema " + schema_ + " is at version " +
                                      std::to_string(version) + ", newer than this server knows (" +
                                      std::to_string(kMigrations.back().version) +
                                      "): run the lcp-ledgerd that wrote it"));
  }
  for (const Migration& migration : kMigrations) {
    if (static_cast<std::uint64_t>(migration.version) <= version) continue;
    std::string sql = migration.sql;
    for (std::size_t at = sql.find('@'); at != std::string::npos; at = sql.find('@', at)) {
      sql.replace(at, 1, quoted);
      at += quoted.size();
    }
    Status applied = Exec(sql);
    if (!applied.ok()) return rollback(applied);
    Params row;
    row.Add(std::to_string(migration.version), kText, false);
    row.Add(migration.description, kText, false);
    PgResult inserted(row.Exec(conn_, "INSERT INTO " + quoted +
                                          ".migrations (version, description) VALUES "
                                          "($1::text::integer, $2)"));
    if (PQresultStatus(inserted.get()) != PGRES_COMMAND_OK) {
      return rollback(Failure("record schema version " + std::to_string(migration.version)));
    }
  }
  return Exec("COMMIT");
}

Status PostgresStore::Failure(const std::string& what) {
  if (lost_ || PQstatus(conn_) != CONNECTION_OK) {
    lost_ = true;
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         "the connection to PostgreSQL for ledger " + ledger_ +
                             " was lost (could not " + what + ": " +
                             OneLine(PQerrorMessage(conn_)) +
                             "): the ledger's writer lock went with it, so this server takes no "
                             "more writes; restart it to recover from what PostgreSQL holds");
  }
  return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE, "ledger " + ledger_ +
                                                           " in PostgreSQL: could not " + what +
                                                           ": " + OneLine(PQerrorMessage(conn_)));
}

Status PostgresStore::Exec(const std::string& sql) {
  if (lost_) return Failure("run a statement");
  PgResult result(PQexec(conn_, sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return Failure("run \"" + sql.substr(0, sql.find_first_of("(;\n")) + "\"");
  }
  return Status::Ok();
}

Status PostgresStore::Append(std::span<const v1::JournalRecord> records) {
  if (records.empty()) return Status::Ok();
  if (lost_) return Failure("append");
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    lost_ = true;  // A transaction left open would swallow this append's commit.
    return Failure("append: the connection is not idle");
  }
  warning_.clear();
  // Each record's idempotency key, for its own unique column.
  std::vector<std::string> keys;
  keys.reserve(records.size());
  for (const v1::JournalRecord& record : records) {
    v1::JournalEntry entry;
    if (!entry.ParseFromString(record.body())) {
      return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                           "record " + std::to_string(record.seq()) + " does not parse");
    }
    keys.push_back(entry.idempotency_key());
  }
  // The chain invariant the writer checked, checked again against the head this store last wrote
  // (it is the only writer), so that a refusal names the record; then inside the transaction,
  // against what is stored (journal_continues), in case anything else wrote meanwhile.
  std::uint64_t prev_seq = head_.seq;
  std::string prev_hash = head_.hash;
  for (const v1::JournalRecord& record : records) {
    if (record.seq() != prev_seq + 1 || record.prev_hash() != prev_hash ||
        record.hash().size() != kHashBytes) {
      return Status::Error(v1::ERROR_CODE_CHAIN_BROKEN,
                           "record " + std::to_string(prev_seq + 1) +
                               ": does not continue the stored chain (found " + "sequence number " +
                               std::to_string(record.seq()) + ")");
    }
    prev_seq = record.seq();
    prev_hash = record.hash();
  }
  const std::string quoted = "\"" + schema_ + "\"";
  if (records.size() >= kCopyRowsMin) return AppendByCopy(records, keys);
  // One round trip: the check and the inserts sent as a pipeline, which PostgreSQL runs as one
  // implicit transaction, committed at the sync point (or rolled back whole at the first error).
  if (PQenterPipelineMode(conn_) != 1) return Failure("start an append");
  int sent = 0;
  bool queued = true;
  {
    Params check;
    check.Add(BigEndian(head_.seq), kInt8, true);
    check.Add(head_.hash, kBytea, true);
    queued = check.Send(conn_, "SELECT " + quoted + ".journal_continues($1, $2)");
    sent += queued ? 1 : 0;
  }
  for (std::size_t from = 0; queued && from < records.size(); from += kInsertRows) {
    const std::size_t count = std::min(kInsertRows, records.size() - from);
    std::string sql =
        "INSERT INTO " + quoted + ".journal (seq, prev_hash, body, hash, idempotency_key) VALUES ";
    Params params;
    for (std::size_t i = 0; i < count; ++i) {
      const v1::JournalRecord& record = records[from + i];
      const std::size_t n = i * 5;
      sql += (i == 0 ? "($" : ", ($") + std::to_string(n + 1) + ", $" + std::to_string(n + 2) +
             ", $" + std::to_string(n + 3) + ", $" + std::to_string(n + 4) + ", $" +
             std::to_string(n + 5) + ")";
      params.Add(BigEndian(record.seq()), kInt8, true);
      params.Add(record.prev_hash(), kBytea, true);
      params.Add(record.body(), kBytea, true);
      params.Add(record.hash(), kBytea, true);
      params.Add(keys[from + i], kBytea, true);
    }
    queued = params.Send(conn_, sql);
    sent += queued ? 1 : 0;
  }
  if (!queued || PQpipelineSync(conn_) != 1) {
    // libpq could not queue a statement (a broken connection, or no memory): what was queued may
    // never be answered, so this connection is given up, its lock with it.
    lost_ = true;
    return Failure("send records " + std::to_string(records.front().seq()) + " to " +
                   std::to_string(records.back().seq()));
  }
  // Every statement's result (each followed by a null), then the sync's. The first error wins.
  std::string error;
  std::string sqlstate;
  bool synced = false;
  for (int answered = 0; answered < sent || !synced;) {
    PGresult* raw = PQgetResult(conn_);
    if (raw == nullptr) {
      if (PQstatus(conn_) != CONNECTION_OK) break;
      ++answered;
      continue;
    }
    PgResult result(raw);
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_PIPELINE_SYNC) {
      synced = true;
    } else if (status == PGRES_FATAL_ERROR && error.empty()) {
      const char* message = PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY);
      const char* state = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
      error = OneLine(message != nullptr ? message : PQerrorMessage(conn_));
      sqlstate = state != nullptr ? state : "";
    }
  }
  if (!synced || PQstatus(conn_) != CONNECTION_OK) {
    lost_ = lost_ || PQstatus(conn_) != CONNECTION_OK;
    PQexitPipelineMode(conn_);
    return Failure("append records " + std::to_string(records.front().seq()) + " to " +
                   std::to_string(records.back().seq()));
  }
  PQexitPipelineMode(conn_);
  if (!error.empty()) {
    if (sqlstate == "LCP01") return Status::Error(v1::ERROR_CODE_CHAIN_BROKEN, error);
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         "ledger " + ledger_ + " in PostgreSQL: could not append records " +
                             std::to_string(records.front().seq()) + " to " +
                             std::to_string(records.back().seq()) + ": " + error);
  }
  return Committed(records);
}

Status PostgresStore::AppendByCopy(std::span<const v1::JournalRecord> records,
                                   const std::vector<std::string>& keys) {
  const std::string quoted = "\"" + schema_ + "\"";
  const std::string what = "append records " + std::to_string(records.front().seq()) + " to " +
                           std::to_string(records.back().seq());
  // PostgreSQL's binary COPY format: a header, then per row the field count and each field's
  // length and bytes (big-endian integers), then -1.
  std::string data("PGCOPY\n\377\r\n\0", 11);
  data.append(8, '\0');  // Flags and the header extension's length.
  const auto add16 = [&data](std::uint16_t value) {
    data.push_back(static_cast<char>(value >> 8));
    data.push_back(static_cast<char>(value & 0xff));
  };
  const auto add_field = [&data](std::string_view bytes) {
    data.append(BigEndian(bytes.size()).substr(4));
    data.append(bytes);
  };
  for (std::size_t i = 0; i < records.size(); ++i) {
    const v1::JournalRecord& record = records[i];
    add16(5);
    add_field(BigEndian(record.seq()));
    add_field(record.prev_hash());
    add_field(record.body());
    add_field(record.hash());
    add_field(keys[i]);
  }
  add16(0xffff);
  // Round trip one: begin, check the stored head, start the copy. Two: the rows, then the commit.
  const std::string start = "BEGIN; SELECT " + quoted + ".journal_continues(" +
                            std::to_string(head_.seq) + ", decode('" + ToHex(head_.hash) +
                            "', 'hex')); COPY " + quoted +
                            ".journal (seq, prev_hash, body, hash, idempotency_key) FROM STDIN "
                            "(FORMAT binary)";
  auto rollback = [this](Status status) {
    if (!lost_ && PQstatus(conn_) == CONNECTION_OK) PQclear(PQexec(conn_, "ROLLBACK"));
    return status;
  };
  {
    PgResult copying(PQexec(conn_, start.c_str()));
    if (PQresultStatus(copying.get()) != PGRES_COPY_IN) {
      const char* state = PQresultErrorField(copying.get(), PG_DIAG_SQLSTATE);
      if (state != nullptr && std::string(state) == "LCP01") {
        return rollback(
            Status::Error(v1::ERROR_CODE_CHAIN_BROKEN,
                          OneLine(PQresultErrorField(copying.get(), PG_DIAG_MESSAGE_PRIMARY))));
      }
      return rollback(Failure(what));
    }
  }
  if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1 ||
      PQputCopyEnd(conn_, nullptr) != 1) {
    return rollback(Failure(what));
  }
  bool copied = true;
  while (PGresult* raw = PQgetResult(conn_)) {
    PgResult result(raw);
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) copied = false;
  }
  if (!copied) return rollback(Failure(what));
  LCP_RETURN_IF_ERROR(Exec("COMMIT"));
  return Committed(records);
}

Status PostgresStore::Committed(std::span<const v1::JournalRecord> records) {
  if (!warning_.empty()) {
    // Committed here, but PostgreSQL warned (a cancelled wait for a synchronous standby, say): the
    // entries may not be where the server promises, so no reply may say they are.
    lost_ = true;
    return Status::Error(
        v1::ERROR_CODE_STORAGE_FAILURE,
        "ledger " + ledger_ + " in PostgreSQL: records " + std::to_string(records.front().seq()) +
            " to " + std::to_string(records.back().seq()) + " were committed with a warning (" +
            warning_ + "), so this server takes no more writes; restart it");
  }
  head_ = StoreHead{records.back().seq(), records.back().hash()};
  return Status::Ok();
}

Status PostgresStore::Scan(std::uint64_t from_seq,
                           const std::function<Status(const v1::JournalRecord&)>& visit) {
  const std::string sql = "SELECT seq, prev_hash, body, hash FROM \"" + schema_ +
                          "\".journal WHERE seq >= $1 ORDER BY seq LIMIT " +
                          std::to_string(kScanRows);
  v1::JournalRecord record;
  std::uint64_t next = from_seq;
  while (true) {
    if (lost_) return Failure("read the journal");
    Params params;
    params.Add(BigEndian(next), kInt8, true);
    PgResult rows(params.Exec(conn_, sql));
    if (PQresultStatus(rows.get()) != PGRES_TUPLES_OK) return Failure("read the journal");
    const int count = PQntuples(rows.get());
    for (int row = 0; row < count; ++row) {
      record.set_seq(FromBigEndian(PQgetvalue(rows.get(), row, 0)));
      record.set_prev_hash(Bytes(rows.get(), row, 1));
      record.set_body(Bytes(rows.get(), row, 2));
      record.set_hash(Bytes(rows.get(), row, 3));
      LCP_RETURN_IF_ERROR(visit(record));
      next = record.seq() + 1;
    }
    if (count < kScanRows) return Status::Ok();
  }
}

Result<StoreHead> PostgresStore::ReadHead() {
  if (lost_) return Failure("read the head");
  PgResult row(PQexecParams(
      conn_,
      ("SELECT seq, hash FROM \"" + schema_ + "\".journal ORDER BY seq DESC LIMIT 1").c_str(), 0,
      nullptr, nullptr, nullptr, nullptr, 1));
  if (PQresultStatus(row.get()) != PGRES_TUPLES_OK) return Failure("read the head");
  if (PQntuples(row.get()) == 0) return StoreHead{0, GenesisHash()};
  return StoreHead{FromBigEndian(PQgetvalue(row.get(), 0, 0)), Bytes(row.get(), 0, 1)};
}

}  // namespace lcp

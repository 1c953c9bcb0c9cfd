// The store suite, run on both stores (services/storage/store.h): the SQLite file and PostgreSQL (a
// throw-away cluster that ctest starts, tests/postgres_cluster.sh). Records round-trip byte for
// byte, an append is atomic and must continue the stored chain, the journal refuses updates and
// deletes, and a tampered journal is refused on open naming the record. Then PostgreSQL's own: one
// writer per ledger, a cut connection refusing writes and losing nothing acknowledged, a schema per
// ledger, and schemas that are not a ledger's or are newer.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ledger/base/chain.h"
#include "services/book.h"
#include "services/migrate.h"
#include "services/storage/postgres_store.h"
#include "services/storage/sqlite_store.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::FreshLedgerName;
using testing::PostgresTestUrl;

// Runs `sql` on its own connection, as someone with access to the database could; whether it
// succeeded.
bool PostgresExec(const std::string& sql) {
  PGconn* conn = PQconnectdb(PostgresTestUrl().c_str());
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  PGresult* result = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  PQclear(result);
  PQfinish(conn);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
}

// One store kind: opens the store under test, and reaches around it as someone with direct access
// to the file or database could.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual Result<std::unique_ptr<Store>> Open() = 0;
  // Tries UPDATE and DELETE of record `seq` directly; true if either changed anything.
  virtual bool Alter(std::uint64_t seq) = 0;
  // Drops the guard and appends a byte to record `seq`'s body.
  virtual void Tamper(std::uint64_t seq) = 0;
};

class SqliteBackend final : public Backend {
 public:
  SqliteBackend() {
    dir_ = std::filesystem::temp_directory_path() /
           ("lcp-store-suite-" + std::to_string(::getpid()) + "-" + FreshLedgerName());
    std::filesystem::create_directories(dir_);
  }
  ~SqliteBackend() override { std::filesystem::remove_all(dir_); }
  Result<std::unique_ptr<Store>> Open() override {
    Result<std::unique_ptr<SqliteStore>> store =
        SqliteStore::Open((dir_ / "ledger.sqlite").string());
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(store).value());
  }
  bool Alter(std::uint64_t seq) override {
    const std::string where = " WHERE seq = " + std::to_string(seq);
    return Exec("UPDATE journal SET body = x'00'" + where) || Exec("DELETE FROM journal" + where);
  }
  void Tamper(std::uint64_t seq) override {
    ASSERT_TRUE(Exec("DROP TRIGGER journal_no_update"));
    ASSERT_TRUE(Exec("UPDATE journal SET body = body || x'00' WHERE seq = " + std::to_string(seq)));
  }

 private:
  bool Exec(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open((dir_ / "ledger.sqlite").c_str(), &db);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    const int changes = sqlite3_changes(db);
    sqlite3_close(db);
    return rc == SQLITE_OK && (changes > 0 || !sql.starts_with("UPDATE"));
  }
  std::filesystem::path dir_;
};

class PostgresBackend final : public Backend {
 public:
  ~PostgresBackend() override { PostgresExec("DROP SCHEMA IF EXISTS lcp_" + ledger_ + " CASCADE"); }
  Result<std::unique_ptr<Store>> Open() override {
    Result<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(PostgresTestUrl(), ledger_);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(store).value());
  }
  bool Alter(std::uint64_t seq) override {
    const std::string where = " WHERE seq = " + std::to_string(seq);
    return PostgresExec("UPDATE " + journal() + " SET body = '\\x00'" + where) ||
           PostgresExec("DELETE FROM " + journal() + where) ||
           PostgresExec("TRUNCATE " + journal());
  }
  void Tamper(std::uint64_t seq) override {
    ASSERT_TRUE(PostgresExec("DROP TRIGGER journal_no_update_or_delete ON " + journal()));
    ASSERT_TRUE(
        PostgresExec("UPDATE " + journal() +
                     " SET body = body || '\\x00'::bytea WHERE seq = " + std::to_string(seq)));
  }
  const std::string& ledger() const { return ledger_; }

 private:
  std::string journal() const { return "lcp_" + ledger_ + ".journal"; }
  std::string ledger_ = FreshLedgerName();
};

class StoreSuite : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "sqlite") {
      backend_ = std::make_unique<SqliteBackend>();
    } else {
      ASSERT_FALSE(PostgresTestUrl().empty())
          << "no PostgreSQL for the tests: run them with ctest (fixture postgres) or set "
             "LCP_TEST_POSTGRES_DIR to a folder whose url file names one";
      backend_ = std::make_unique<PostgresBackend>();
    }
  }

  std::unique_ptr<Store> OpenStore() {
    Result<std::unique_ptr<Store>> store = backend_->Open();
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  static std::vector<v1::JournalRecord> ReadAll(Store& store) {
    std::vector<v1::JournalRecord> records;
    EXPECT_TRUE(store
                    .Scan(1,
                          [&](const v1::JournalRecord& record) {
                            records.push_back(record);
                            return Status::Ok();
                          })
                    .ok());
    return records;
  }

  std::unique_ptr<Backend> backend_;
};

TEST_P(StoreSuite, AnEmptyStoreHasTheGenesisHead) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  Result<StoreHead> head = store->ReadHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, 0u);
  EXPECT_EQ(head->hash, GenesisHash());
  EXPECT_TRUE(ReadAll(*store).empty());
}

TEST_P(StoreSuite, RecordsRoundTripByteForByteAcrossReopen) {
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Append(std::span(records).subspan(0, 4)).ok());
    ASSERT_TRUE(store->Append(std::span(records).subspan(4)).ok());
  }
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::vector<v1::JournalRecord> read = ReadAll(*store);
  ASSERT_EQ(read.size(), records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(read[i].SerializeAsString(), records[i].SerializeAsString()) << "record " << i + 1;
  }
  Result<StoreHead> head = store->ReadHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, 9u);
  EXPECT_EQ(head->hash, records.back().hash());
  std::vector<std::uint64_t> tail;
  ASSERT_TRUE(store
                  ->Scan(8,
                         [&](const v1::JournalRecord& r) {
                           tail.push_back(r.seq());
                           return Status::Ok();
                         })
                  .ok());
  EXPECT_EQ(tail, (std::vector<std::uint64_t>{8, 9}));
  // A visitor's error stops the scan and is returned.
  int visited = 0;
  Status stopped = store->Scan(1, [&](const v1::JournalRecord&) {
    return ++visited == 3 ? Status::Error(v1::ERROR_CODE_RECORD_CORRUPT, "stop") : Status::Ok();
  });
  EXPECT_EQ(stopped.message(), "stop");
  EXPECT_EQ(visited, 3);
}

TEST_P(StoreSuite, AnAppendThatBreaksTheChainStoresNothing) {
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Append(std::span(records).subspan(0, 3)).ok());
  // Records 4 and 6: the batch is refused whole, record 4 included.
  std::vector<v1::JournalRecord> gap = {records[3], records[5]};
  Status status = store->Append(gap);
  EXPECT_EQ(status.code(), v1::ERROR_CODE_CHAIN_BROKEN);
  EXPECT_EQ(status.message(),
            "record 5: does not continue the stored chain (found sequence number 6)");
  // Record 5 first: it does not follow 3. Record 4 with another link: neither.
  EXPECT_EQ(store->Append(std::span(records).subspan(4, 1)).code(), v1::ERROR_CODE_CHAIN_BROKEN);
  v1::JournalRecord forked = records[3];
  forked.set_prev_hash(records[0].hash());
  EXPECT_EQ(store->Append(std::span(&forked, 1)).code(), v1::ERROR_CODE_CHAIN_BROKEN);
  EXPECT_EQ(store->ReadHead()->seq, 3u);
  EXPECT_EQ(ReadAll(*store).size(), 3u);
  // The store goes on from where it was.
  ASSERT_TRUE(store->Append(std::span(records).subspan(3)).ok());
  EXPECT_EQ(store->ReadHead()->seq, 9u);
}

TEST_P(StoreSuite, TheJournalRefusesUpdateAndDelete) {
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Append(records).ok());
  }
  EXPECT_FALSE(backend_->Alter(3));
  EXPECT_FALSE(backend_->Alter(9));
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  const std::vector<v1::JournalRecord> read = ReadAll(*store);
  ASSERT_EQ(read.size(), 9u);
  EXPECT_EQ(read[2].body(), records[2].body());
}

TEST_P(StoreSuite, ABookReplaysTheStoreAndKeepsAppending) {
  {
    auto book = Book::Open(OpenStore());
    ASSERT_TRUE(book.ok()) << book.status().ToString();
    for (const v1::Command& command :
         {testing::RegisterPracticeCommand("A81001"), testing::RegisterProviderCommand("RX1"),
          testing::OpenYearCommand("2026/27", {"AE"}),
          testing::JournalCommand(
              "2026/27", "M01",
              {{"practice:A81001:spend:AE", "99.99"}, {"provider:RX1:payable", "-99.99"}})}) {
      auto record = (*book)->Submit(
          testing::Request(command, "k" + std::to_string((*book)->journal().head_seq())));
      ASSERT_TRUE(record.ok()) << record.status().ToString();
    }
    auto refused =
        (*book)->Submit(testing::Request(testing::RegisterPracticeCommand("A81001"), "x"));
    EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_PRACTICE_ALREADY_REGISTERED);
  }
  auto book = Book::Open(OpenStore());
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  EXPECT_EQ((*book)->journal().head_seq(), 4u);
  EXPECT_EQ((*book)->journal().state().balances.at(2026).at("practice:A81001:spend:AE"), 9999);
}

TEST_P(StoreSuite, ATamperedJournalIsRefusedOnOpenNamingTheRecord) {
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  {
    auto store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Append(records).ok());
  }
  backend_->Tamper(6);
  auto book = Book::Open(OpenStore());
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.status().code(), v1::ERROR_CODE_CHAIN_BROKEN);
  EXPECT_NE(book.status().message().find("record 6"), std::string::npos) << book.status().message();
}

TEST_P(StoreSuite, ASecondWriterIsRefusedUntilTheFirstCloses) {
  auto first = OpenStore();
  ASSERT_NE(first, nullptr);
  Result<std::unique_ptr<Store>> second = backend_->Open();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), v1::ERROR_CODE_STORAGE_FAILURE);
  EXPECT_NE(second.status().message().find(GetParam() == "sqlite" ? "is in use by another process"
                                                                  : "is in use by another writer"),
            std::string::npos)
      << second.status().message();
  first.reset();
  EXPECT_TRUE(backend_->Open().ok());
}

// Records with bodies of their own: journal entries that carry only a key (a store never runs
// the engine; Book::Open would refuse them).
std::vector<v1::JournalRecord> KeyedRecords(std::uint64_t first_seq, std::string prev_hash,
                                            std::size_t count, const std::string& prefix) {
  std::vector<v1::JournalRecord> records;
  for (std::size_t i = 0; i < count; ++i) {
    v1::JournalEntry entry;
    entry.set_idempotency_key(prefix + std::to_string(i));
    entry.mutable_actor()->set_principal_id(std::string(100 + i % 50, 'x'));
    records.push_back(MakeRecord(first_seq + i, prev_hash, entry.SerializeAsString()));
    prev_hash = records.back().hash();
  }
  return records;
}

// A batch large enough that PostgreSQL's store copies it in (COPY) rather than inserting it.
TEST_P(StoreSuite, ALargeBatchIsAppendedWholeOrNotAtAll) {
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::vector<v1::JournalRecord> records = KeyedRecords(1, GenesisHash(), 300, "bulk-");
  ASSERT_TRUE(store->Append(records).ok());
  std::vector<v1::JournalRecord> more = KeyedRecords(301, records.back().hash(), 100, "more-");
  std::vector<v1::JournalRecord> broken = more;
  broken[70].set_prev_hash(records[0].hash());
  EXPECT_EQ(store->Append(broken).code(), v1::ERROR_CODE_CHAIN_BROKEN);
  EXPECT_EQ(store->ReadHead()->seq, 300u);
  ASSERT_TRUE(store->Append(more).ok());
  store.reset();
  store = OpenStore();
  ASSERT_NE(store, nullptr);
  const std::vector<v1::JournalRecord> read = ReadAll(*store);
  ASSERT_EQ(read.size(), 400u);
  EXPECT_EQ(read[299].SerializeAsString(), records[299].SerializeAsString());
  EXPECT_EQ(read[399].SerializeAsString(), more[99].SerializeAsString());
}

INSTANTIATE_TEST_SUITE_P(BothStores, StoreSuite, ::testing::Values("sqlite", "postgresql"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

// PostgreSQL's own.
class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(PostgresTestUrl().empty()); }
  void TearDown() override {
    for (const std::string& ledger : ledgers_) {
      PostgresExec("DROP SCHEMA IF EXISTS lcp_" + ledger + " CASCADE");
    }
  }
  std::string Ledger() { return ledgers_.emplace_back(FreshLedgerName()); }
  static std::unique_ptr<PostgresStore> MustOpen(const std::string& ledger) {
    Result<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(PostgresTestUrl(), ledger);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }
  std::vector<std::string> ledgers_;
};

TEST_F(PostgresStoreTest, ACutConnectionRefusesWritesAndLosesNothingAcknowledged) {
  const std::string ledger = Ledger();
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  auto store = MustOpen(ledger);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Append(std::span(records).subspan(0, 5)).ok());
  // An administrator ends the writer's session: its lock goes with it.
  ASSERT_TRUE(
      PostgresExec("SELECT pg_terminate_backend(" + std::to_string(store->backend_pid()) + ")"));
  Status refused = store->Append(std::span(records).subspan(5));
  EXPECT_EQ(refused.code(), v1::ERROR_CODE_STORAGE_FAILURE);
  EXPECT_NE(
      refused.message().find("the connection to PostgreSQL for ledger " + ledger + " was lost"),
      std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("takes no more writes"), std::string::npos);
  // And every later call, even if PostgreSQL would take a new connection.
  EXPECT_EQ(store->ReadHead().status().code(), v1::ERROR_CODE_STORAGE_FAILURE);
  EXPECT_EQ(store->Append(std::span(records).subspan(5)).code(), v1::ERROR_CODE_STORAGE_FAILURE);
  // Another writer may take the ledger now: it holds the five acknowledged records, no more.
  auto next = MustOpen(ledger);
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(next->ReadHead()->seq, 5u);
  EXPECT_EQ(next->ReadHead()->hash, records[4].hash());
}

// A record written behind the writer's back (by someone ignoring the lock) is caught inside the
// next append's transaction, which then stores nothing.
TEST_F(PostgresStoreTest, AWriteBehindTheWritersBackIsCaughtInsideTheAppend) {
  const std::string ledger = Ledger();
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  auto store = MustOpen(ledger);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Append(std::span(records).subspan(0, 3)).ok());
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(records[3].body()));
  const auto hex = [](const std::string& bytes) { return "decode('" + ToHex(bytes) + "', 'hex')"; };
  ASSERT_TRUE(PostgresExec("INSERT INTO lcp_" + ledger + ".journal VALUES (4, " +
                           hex(records[3].prev_hash()) + ", " + hex(records[3].body()) + ", " +
                           hex(records[3].hash()) + ", " + hex(entry.idempotency_key()) + ")"));
  Status refused = store->Append(std::span(records).subspan(3, 2));
  EXPECT_EQ(refused.code(), v1::ERROR_CODE_CHAIN_BROKEN);
  EXPECT_EQ(refused.message(),
            "record 4 does not continue the stored chain: the stored head is entry 4");
  auto reader = MustOpen(Ledger());  // Another ledger: the schemas stay apart.
  store.reset();
  auto again = MustOpen(ledger);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->ReadHead()->seq, 4u);
}

// In a copied batch too, a key stored before refuses the whole batch, and the store goes on.
TEST_F(PostgresStoreTest, ACopiedBatchWithAKeyStoredBeforeStoresNothing) {
  auto store = MustOpen(Ledger());
  ASSERT_NE(store, nullptr);
  std::vector<v1::JournalRecord> records = KeyedRecords(1, GenesisHash(), 100, "bulk-");
  ASSERT_TRUE(store->Append(records).ok());
  std::vector<v1::JournalRecord> again = KeyedRecords(101, records.back().hash(), 100, "again-");
  v1::JournalEntry entry;
  entry.set_idempotency_key("bulk-7");
  again[99] = MakeRecord(200, again[98].hash(), entry.SerializeAsString());
  Status refused = store->Append(again);
  EXPECT_EQ(refused.code(), v1::ERROR_CODE_STORAGE_FAILURE);
  EXPECT_NE(refused.message().find("could not append records 101 to 200"), std::string::npos)
      << refused.message();
  EXPECT_EQ(store->ReadHead()->seq, 100u);
  ASSERT_TRUE(store->Append(KeyedRecords(101, records.back().hash(), 100, "fresh-")).ok());
  EXPECT_EQ(store->ReadHead()->seq, 200u);
}

// A database whose default reads backslashes in literals as escapes does not change what an
// append stores (the session sets standard_conforming_strings), on either path.
TEST_F(PostgresStoreTest, ADatabasesOwnSettingsDoNotChangeWhatIsStored) {
  const std::string database = "scs_" + FreshLedgerName();
  ASSERT_TRUE(PostgresExec("CREATE DATABASE " + database));
  ASSERT_TRUE(
      PostgresExec("ALTER DATABASE " + database + " SET standard_conforming_strings = off"));
  ASSERT_TRUE(PostgresExec("ALTER DATABASE " + database + " SET statement_timeout = 1"));
  std::string url = PostgresTestUrl();
  url = url.substr(0, url.rfind('/') + 1) + database;
  {
    Result<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(url, "main");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    std::vector<v1::JournalRecord> records = KeyedRecords(1, GenesisHash(), 3, "small-");
    ASSERT_TRUE((*store)->Append(records).ok());
    std::vector<v1::JournalRecord> more = KeyedRecords(4, records.back().hash(), 200, "large-");
    Status appended = (*store)->Append(more);
    ASSERT_TRUE(appended.ok()) << appended.ToString();
    EXPECT_EQ((*store)->ReadHead()->hash, more.back().hash());
  }
  PostgresExec("DROP DATABASE " + database);
}

TEST_F(PostgresStoreTest, EachLedgerHasASchemaOfItsOwn) {
  const std::string a = Ledger();
  const std::string b = Ledger();
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  // Two writers at once, one per ledger.
  auto first = MustOpen(a);
  auto second = MustOpen(b);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(first->schema(), "lcp_" + a);
  ASSERT_TRUE(first->Append(records).ok());
  ASSERT_TRUE(second->Append(std::span(records).subspan(0, 2)).ok());
  EXPECT_EQ(first->ReadHead()->seq, 9u);
  EXPECT_EQ(second->ReadHead()->seq, 2u);
  // The same records in both: each key is unique within its ledger only.
  ASSERT_TRUE(second->Append(std::span(records).subspan(2)).ok());
  EXPECT_EQ(second->ReadHead()->hash, first->ReadHead()->hash);
}

TEST_F(PostgresStoreTest, AKeyStoredTwiceIsRefused) {
  auto store = MustOpen(Ledger());
  ASSERT_NE(store, nullptr);
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  ASSERT_TRUE(store->Append(std::span(records).subspan(0, 2)).ok());
  // A record that chains correctly but carries record 1's key: the unique column refuses it.
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(records[2].body()));
  v1::JournalEntry first;
  ASSERT_TRUE(first.ParseFromString(records[0].body()));
  entry.set_idempotency_key(first.idempotency_key());
  v1::JournalRecord again = records[2];
  again.set_body(entry.SerializeAsString());
  again.set_hash(ChainHash(again.prev_hash(), again.body()));
  Status refused = store->Append(std::span(&again, 1));
  EXPECT_EQ(refused.code(), v1::ERROR_CODE_STORAGE_FAILURE);
  EXPECT_NE(refused.message().find("idempotency_key"), std::string::npos) << refused.message();
  EXPECT_EQ(store->ReadHead()->seq, 2u);
  // The store is still usable.
  ASSERT_TRUE(store->Append(std::span(records).subspan(2)).ok());
}

TEST_F(PostgresStoreTest, SchemasThatAreNotALedgersOrAreNewerAreNotTakenOver) {
  const std::string other = Ledger();
  ASSERT_TRUE(PostgresExec("CREATE SCHEMA lcp_" + other + "; CREATE TABLE lcp_" + other +
                           ".invoices (x int)"));
  Result<std::unique_ptr<PostgresStore>> refused = PostgresStore::Open(PostgresTestUrl(), other);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("holds tables but is not an lcpledger ledger's"),
            std::string::npos)
      << refused.status().message();

  const std::string newer = Ledger();
  MustOpen(newer).reset();
  ASSERT_TRUE(PostgresExec("INSERT INTO lcp_" + newer +
                           ".migrations (version, description) VALUES (99, 'from the future')"));
  Result<std::unique_ptr<PostgresStore>> later = PostgresStore::Open(PostgresTestUrl(), newer);
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.status().message(),
            "schema lcp_" + newer +
                " is at version 99, newer than this server knows (2): run the lcp-ledgerd that "
                "wrote it");
}

TEST_F(PostgresStoreTest, ClearErrorsForABadNameOrAnUnreachableServer) {
  Result<std::unique_ptr<PostgresStore>> bad =
      PostgresStore::Open(PostgresTestUrl(), "Main-Ledger");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "ledger name \"Main-Ledger\" is not 1 to 48 of a-z, 0-9 and _ starting with a letter "
            "(its PostgreSQL schema is lcp_<name>)");
  // A URL libpq cannot parse: said so without quoting any of it (the bad part is the password).
  Result<std::unique_ptr<PostgresStore>> garbled =
      PostgresStore::Open("postgresql://lcp:se%zzcret@127.0.0.1/postgres", "main");
  ASSERT_FALSE(garbled.ok());
  EXPECT_EQ(garbled.status().message(),
            "the PostgreSQL URL for ledger main is not one libpq can read "
            "(postgresql://USER@HOST:PORT/DATABASE, with any reserved character in a part "
            "%-encoded)");
  Result<std::unique_ptr<PostgresStore>> nowhere =
      PostgresStore::Open("postgresql://lcp@127.0.0.1:1/postgres?connect_timeout=5", "main");
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.status().code(), v1::ERROR_CODE_STORAGE_FAILURE);
  EXPECT_NE(nowhere.status().message().find("cannot connect to PostgreSQL for ledger main: "),
            std::string::npos)
      << nowhere.status().message();
}

// lcp-ledgerd migrate: SQLite -> PostgreSQL -> SQLite gives back the same records, byte for byte
// (so the same export), and each refusal says why.
TEST_F(PostgresStoreTest, AMigrationRoundTripGivesBackTheSameRecords) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("lcp-migrate-test-" + FreshLedgerName());
  const std::string from = (dir / "from").string();
  const std::string back = (dir / "back").string();
  const std::string ledger = Ledger();
  const std::string url = PostgresTestUrl();
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  {
    std::filesystem::create_directories(from);
    auto store = SqliteStore::Open(from + "/ledger.sqlite");
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Append(records).ok());
  }
  Result<MigrateSummary> there = MigrateLedger(from, "main", url, ledger);
  ASSERT_TRUE(there.ok()) << there.status().ToString();
  EXPECT_EQ(there->records, 9u);
  EXPECT_EQ(there->head_hash, records.back().hash());
  Result<MigrateSummary> again = MigrateLedger(back, "main", url, ledger);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().message(),
            "there is no ledger to migrate at " + back + "/ledger.sqlite");
  Result<MigrateSummary> into_full = MigrateLedger(from, "main", url, ledger);
  ASSERT_FALSE(into_full.ok());
  EXPECT_NE(into_full.status().message().find(
                "holds 9 entries already; a migration writes only into an empty ledger"),
            std::string::npos)
      << into_full.status().message();
  Result<MigrateSummary> home = MigrateLedger(url, ledger, back, "main");
  ASSERT_TRUE(home.ok()) << home.status().ToString();
  EXPECT_EQ(home->records, 9u);
  {
    auto store = SqliteStore::Open(back + "/ledger.sqlite");
    ASSERT_TRUE(store.ok());
    std::vector<v1::JournalRecord> read;
    ASSERT_TRUE((*store)
                    ->Scan(1,
                           [&](const v1::JournalRecord& record) {
                             read.push_back(record);
                             return Status::Ok();
                           })
                    .ok());
    EXPECT_EQ(testing::ExportBytes(read), testing::ExportBytes(records));
  }
  // A ledger in use by a server is not migrated: the migration would take its writer lock.
  auto held = MustOpen(ledger);
  Result<MigrateSummary> busy = MigrateLedger(url, ledger, (dir / "other").string(), "main");
  ASSERT_FALSE(busy.ok());
  EXPECT_NE(busy.status().message().find("is in use by another writer"), std::string::npos)
      << busy.status().message();
  Result<MigrateSummary> same = MigrateLedger(from, "main", from, "main");
  ASSERT_FALSE(same.ok());
  EXPECT_EQ(same.status().message(),
            "--from and --to name the same ledger, " + from + "/ledger.sqlite");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace lcp

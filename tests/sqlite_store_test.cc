// The SQLite store: records round-trip byte for byte, appends are atomic and chained, the journal table
// refuses updates and deletes, and a tampered file is refused on open, naming the first bad record.
#include "services/storage/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "ledger/base/chain.h"
#include "services/book.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("lcp-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "ledger.sqlite").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<SqliteStore> OpenStore() {
    auto store = SqliteStore::Open(path_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  std::vector<v1::JournalRecord> ReadAll(Store& store) {
    std::vector<v1::JournalRecord> records;
    EXPECT_TRUE(store.Scan(1, [&](const v1::JournalRecord& record) {
                       records.push_back(record);
                       return Status::Ok();
                     }).ok());
    return records;
  }

  // Runs SQL directly against the file, as someone with file access could.
  int RawExec(const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open(path_.c_str(), &db);
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return rc;
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteStoreTest, EmptyStoreHasGenesisHead) {
  auto store = OpenStore();
  Result<StoreHead> head = store->ReadHead();
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq, 0u);
  EXPECT_EQ(head->hash, GenesisHash());
}

TEST_F(SqliteStoreTest, RecordsRoundTripByteForByteAcrossReopen) {
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->Append(std::span(records).subspan(0, 4)).ok());
    ASSERT_TRUE(store->Append(std::span(records).subspan(4)).ok());
  }
  auto store = OpenStore();
  std::vector<v1::JournalRecord> read = ReadAll(*store);
  ASSERT_EQ(read.size(), records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(read[i].SerializeAsString(), records[i].SerializeAsString()) << "record " << i + 1;
  }
  Result<StoreHead> head = store->ReadHead();
  EXPECT_EQ(head->seq, 9u);
  EXPECT_EQ(head->hash, records.back().hash());
  std::vector<v1::JournalRecord> tail;
  ASSERT_TRUE(store->Scan(8, [&](const v1::JournalRecord& r) {
                     tail.push_back(r);
                     return Status::Ok();
                   }).ok());
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].seq(), 8u);
}

TEST_F(SqliteStoreTest, AppendThatBreaksTheChainStoresNothing) {
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  auto store = OpenStore();
  ASSERT_TRUE(store->Append(std::span(records).subspan(0, 3)).ok());
  // Records 4 and 6: the batch is refused whole, record 4 included.
  std::vector<v1::JournalRecord> gap = {records[3], records[5]};
  Status status = store->Append(gap);
  EXPECT_EQ(status.code(), v1::ERROR_CODE_CHAIN_BROKEN);
  EXPECT_NE(status.message().find("record 5"), std::string::npos) << status.message();
  EXPECT_EQ(store->ReadHead()->seq, 3u);
  // Record 5 first: it does not follow 3.
  EXPECT_EQ(store->Append(std::span(records).subspan(4, 1)).code(), v1::ERROR_CODE_CHAIN_BROKEN);
  EXPECT_EQ(ReadAll(*store).size(), 3u);
}

TEST_F(SqliteStoreTest, JournalTableRefusesUpdateAndDelete) {
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->Append(records).ok());
  }
  EXPECT_NE(RawExec("UPDATE journal SET body = x'00' WHERE seq = 3"), SQLITE_OK);
  EXPECT_NE(RawExec("DELETE FROM journal WHERE seq = 9"), SQLITE_OK);
  auto store = OpenStore();
  EXPECT_EQ(ReadAll(*store).size(), 9u);
  EXPECT_EQ(ReadAll(*store)[2].body(), records[2].body());
}

TEST_F(SqliteStoreTest, BookReplaysTheStoreAndKeepsAppending) {
  {
    auto book = Book::Open(OpenStore());
    ASSERT_TRUE(book.ok()) << book.status().ToString();
    for (const v1::Command& command :
         {testing::RegisterPracticeCommand("A81001"), testing::RegisterProviderCommand("RX1"),
          testing::OpenYearCommand("2026/27", {"AE"}),
          testing::JournalCommand("2026/27", "M01",
                                  {{"practice:A81001:spend:AE", "99.99"},
                                   {"provider:RX1:payable", "-99.99"}})}) {
      auto record = (*book)->Submit(testing::Request(command, "k" + std::to_string(
                                                                      (*book)->journal().head_seq())));
      ASSERT_TRUE(record.ok()) << record.status().ToString();
    }
    auto refused = (*book)->Submit(testing::Request(testing::RegisterPracticeCommand("A81001"), "x"));
    EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_PRACTICE_ALREADY_REGISTERED);
  }
  auto book = Book::Open(OpenStore());
  ASSERT_TRUE(book.ok()) << book.status().ToString();
  EXPECT_EQ((*book)->journal().head_seq(), 4u);
  EXPECT_EQ((*book)->journal().state().balances.at(2026).at("practice:A81001:spend:AE"), 9999);
}

TEST_F(SqliteStoreTest, TamperedFileIsRefusedOnOpenNamingTheRecord) {
  std::vector<v1::JournalRecord> records = testing::SampleRecords();
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->Append(records).ok());
  }
  // Someone with the file drops the guard and edits record 6's body.
  ASSERT_EQ(RawExec("DROP TRIGGER journal_no_update"), SQLITE_OK);
  ASSERT_EQ(RawExec("UPDATE journal SET body = body || x'00' WHERE seq = 6"), SQLITE_OK);
  auto book = Book::Open(OpenStore());
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.status().code(), v1::ERROR_CODE_CHAIN_BROKEN);
  EXPECT_NE(book.status().message().find("record 6"), std::string::npos)
      << book.status().message();
}

TEST_F(SqliteStoreTest, AFileThatIsNotALedgerIsRefused) {
  ASSERT_EQ(RawExec("CREATE TABLE something (x); PRAGMA user_version = 7"), SQLITE_OK);
  auto store = SqliteStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), v1::ERROR_CODE_STORAGE_FAILURE);
  EXPECT_NE(store.status().message().find("is not an lcpledger ledger file"), std::string::npos);
}

TEST_F(SqliteStoreTest, AnUnmarkedDatabaseWithTablesIsNotTakenOver) {
  ASSERT_EQ(RawExec("CREATE TABLE invoices (x)"), SQLITE_OK);
  auto store = SqliteStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("is not an lcpledger ledger file"), std::string::npos);
}

TEST_F(SqliteStoreTest, ASecondOpenOfTheSameFileIsRefusedUntilTheFirstCloses) {
  auto first = OpenStore();
  auto second = SqliteStore::Open(path_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), v1::ERROR_CODE_STORAGE_FAILURE);
  EXPECT_NE(second.status().message().find("is in use by another process"), std::string::npos)
      << second.status().message();
  first.reset();
  EXPECT_TRUE(SqliteStore::Open(path_).ok());
}

TEST_F(SqliteStoreTest, UnopenablePathIsAClearError) {
  auto store = SqliteStore::Open((dir_ / "missing-dir" / "ledger.sqlite").string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), v1::ERROR_CODE_STORAGE_FAILURE);
  EXPECT_NE(store.status().message().find("cannot open ledger file"), std::string::npos);
}

}  // namespace
}  // namespace lcp

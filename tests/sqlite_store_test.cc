// The SQLite store's own: a file that is not a ledger is not taken over, and a path that cannot be
// opened is a clear error. What every store must do (round trips, chained atomic appends, the
// append-only journal, a tampered journal named on open, one writer) is tests/store_test.cc's
// suite, run on SQLite and on PostgreSQL.
#include "services/storage/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

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

TEST_F(SqliteStoreTest, UnopenablePathIsAClearError) {
  auto store = SqliteStore::Open((dir_ / "missing-dir" / "ledger.sqlite").string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), v1::ERROR_CODE_STORAGE_FAILURE);
  EXPECT_NE(store.status().message().find("cannot open ledger file"), std::string::npos);
}

}  // namespace
}  // namespace lcp

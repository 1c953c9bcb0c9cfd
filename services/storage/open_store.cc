#include "services/storage/open_store.h"

#include <filesystem>
#include <system_error>

#include "services/storage/postgres_store.h"
#include "services/storage/sqlite_store.h"

namespace lcp {

Result<std::unique_ptr<Store>> OpenStore(const std::string& where, const std::string& ledger) {
  if (IsPostgresUrl(where)) {
    Result<std::unique_ptr<PostgresStore>> store = PostgresStore::Open(where, ledger);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(store).value());
  }
  std::error_code error;
  std::filesystem::create_directories(where, error);
  if (error) {
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         "cannot create " + where + ": " + error.message());
  }
  Result<std::unique_ptr<SqliteStore>> store =
      SqliteStore::Open((std::filesystem::path(where) / "ledger.sqlite").string());
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(store).value());
}

std::string DescribeStore(const std::string& where, const std::string& ledger) {
  if (!IsPostgresUrl(where)) return (std::filesystem::path(where) / "ledger.sqlite").string();
  std::string url = where.substr(0, where.find('?'));
  const std::size_t scheme = url.find("://") + 3;
  const std::size_t at = url.find('@', scheme);
  if (at != std::string::npos) {
    const std::size_t colon = url.find(':', scheme);
    if (colon != std::string::npos && colon < at) url.erase(colon, at - colon);
  }
  return "ledger " + ledger + " on " + url;
}

}  // namespace lcp

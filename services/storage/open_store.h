// Where a ledger is kept, as lcp-ledgerd is told: a data directory (SQLite, DIR/ledger.sqlite,
// created if missing) or a PostgreSQL URL with a ledger name (its schema lcp_<ledger>).
#pragma once

#include <memory>
#include <string>

#include "services/storage/store.h"

namespace lcp {

// Opens the store `where` names: a postgresql:// (or postgres://) URL and `ledger`, or else a data
// directory, created if missing.
Result<std::unique_ptr<Store>> OpenStore(const std::string& where, const std::string& ledger);

// `where` for people and logs: the data directory, or "ledger LEDGER on postgresql://user@host/db"
// (the URL without its password or options).
std::string DescribeStore(const std::string& where, const std::string& ledger);

}  // namespace lcp

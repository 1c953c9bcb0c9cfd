// Moving a ledger between stores (lcp-ledgerd migrate): from a SQLite data directory to PostgreSQL
// and back, or between two PostgreSQL ledgers. The records are copied exactly as recorded, each
// link checked on the way; then the target is opened as the server opens it, replaying and
// verifying every entry, and its head must be the source's.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/base/status.h"

namespace lcp {

struct MigrateSummary {
  std::uint64_t records = 0;  // Entries 1 to `records` copied.
  std::string head_hash;      // The last record's hash (raw bytes).
};

// Copies the ledger at `from` (a data directory, or a postgresql:// URL with `from_ledger`) into
// the ledger at `to` (likewise, with `to_ledger`), which must hold no entries. Both are opened as
// their writer, so neither may be in use by a server. A copy that fails part way leaves a SQLite
// target removed again, and a PostgreSQL target with entries 1 to N, a true start of the chain
// (the message says how to remove it).
Result<MigrateSummary> MigrateLedger(const std::string& from, const std::string& from_ledger,
                                     const std::string& to, const std::string& to_ledger);

}  // namespace lcp

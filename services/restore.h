// Restoring a ledger file from an export (lcp-ledgerd restore): from a backup, or to serve the
// books an auditor checked. The export is first verified and replayed whole, by the same code as
// `lcp-audit replay`; only then are its records written, exactly as recorded, into an empty ledger
// file. The server, opening that file, replays the same records to the same head.
#pragma once

#include <cstdint>
#include <string>

#include "ledger/base/status.h"

namespace lcp {

struct RestoreSummary {
  std::uint64_t records = 0;  // Written: entries 1 to `records`.
  std::string head_hash;      // The last record's hash (raw bytes).
  std::string rules;          // The rules versions of the records ("rules versions 1 to 2").
};

// Verifies and replays the export at `export_path` (it must start at entry 1), then appends its
// records to the ledger file `ledger_path` (created if missing), which must hold no entries.
// Nothing is written unless the whole export replays, and a write that fails part way (a full disk,
// the export changed between its two readings) removes the ledger file again. Fails naming the
// first record that does not verify or replay, or the file that is not empty.
Result<RestoreSummary> RestoreFromExport(const std::string& export_path,
                                         const std::string& ledger_path);

}  // namespace lcp

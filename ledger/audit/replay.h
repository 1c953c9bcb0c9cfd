// Checking an export: the chain alone (VerifyExport, any range) or the chain and every command
// re-executed by the engine (ReplayExport, a whole journal from record 1). Both stop at the first record
// that fails and name it.
#pragma once

#include <cstdint>
#include <istream>
#include <string>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/status.h"
#include "ledger/engine/journal.h"

namespace lcp {

struct AuditOutcome {
  Status status;                  // Ok when every check held.
  std::uint64_t failed_seq = 0;   // The sequence number where the first failure was found; 0 if none
                                  // or if the header itself failed.
  std::uint64_t records = 0;      // Records that passed.
  v1::ExportHeader header;        // As read (empty if it could not be read).
  std::uint64_t checkpoints = 0;  // VerifyExport: the month-close checkpoints checked.
  // The lowest and highest rules version (JournalEntry.rules_version, absent meaning 1) of the
  // records that passed; both 0 when none did.
  std::uint32_t rules_min = 0;
  std::uint32_t rules_max = 0;
};

// "rules version 2" or "rules versions 1 to 2", of the records that passed; "no rules version"
// when none did.
std::string DescribeRulesVersions(const AuditOutcome& outcome);

// Checks the header, that every record links to the one before it (starting from the header's
// first_prev_hash) and hashes correctly, that its body is a journal entry and any month-close
// checkpoint in it names the record before it, and that the records match the header's counts and
// head.
AuditOutcome VerifyExport(std::istream& in);

// As VerifyExport, and re-executes each record's command through `journal` (which must be new),
// checking the recorded postings. The export must start at record 1.
AuditOutcome ReplayExport(std::istream& in, Journal& journal);

}  // namespace lcp

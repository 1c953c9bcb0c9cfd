// The export reader on arbitrary bytes: ExportReader record by record, VerifyExport, and
// ReplayExport into a new journal. Asserts: nothing crashes; a replay that passes also verifies,
// with as many records, and leaves the journal at the header's head.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz/fuzz_support.h"
#include "ledger/audit/replay.h"
#include "ledger/base/export_file.h"
#include "ledger/engine/journal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  {
    std::istringstream in(bytes);
    lcp::ExportReader reader(in);
    if (reader.ReadHeader().ok()) {
      lcp::v1::JournalRecord record;
      for (int i = 0; i < 1000; ++i) {
        lcp::Result<bool> next = reader.Next(record);
        if (!next.ok() || !*next) break;
      }
    }
  }
  std::istringstream verify_in(bytes);
  const lcp::AuditOutcome verified = lcp::VerifyExport(verify_in);
  std::istringstream replay_in(bytes);
  lcp::Journal journal;
  const lcp::AuditOutcome replayed = lcp::ReplayExport(replay_in, journal);
  if (replayed.status.ok()) {
    lcp::fuzz::Require(verified.status.ok(),
                       "an export that replays also verifies: " + verified.status.ToString());
    lcp::fuzz::Require(verified.records == replayed.records, "verify and replay count the same");
    lcp::fuzz::Require(journal.head_seq() == replayed.header.last_seq(),
                       "a replay ends at the header's last record");
    lcp::fuzz::Require(journal.head_hash() == replayed.header.head_hash(),
                       "a replay ends at the header's head");
  }
  return 0;
}

// What a query reads: the ledger as of one head (Snapshot), and the journal's records up to it
// (RecordSource). The server publishes a Snapshot after every durable round (services/sequencer.h)
// over its in-memory log; the auditor's replay (lcp-audit) makes one over the state it replayed and
// the export file it read. Neither knows anything of gRPC.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/periods.h"
#include "ledger/base/state.h"
#include "ledger/base/status.h"
#include "ledger/read/month_balances.h"

namespace lcp {

// The journal's records, read by sequence number. Implementations are safe to read from many
// threads at once if they are shared between threads (the server's EntryLog is).
class RecordSource {
 public:
  virtual ~RecordSource() = default;
  // The record `seq`, if the source has it.
  virtual std::optional<v1::JournalRecord> Get(std::uint64_t seq) const = 0;
  // Up to `count` records from `from_seq` (0 counts as 1), in order; fewer at the end of the
  // source.
  virtual std::vector<v1::JournalRecord> Range(std::uint64_t from_seq, std::size_t count) const = 0;
};

// Calls `on_posting(year, month, posting)` for every posting of entries from_seq..to_seq, with the
// posting's own period (Posting.period when it has one, else its entry's). RECORD_CORRUPT for a
// record that does not parse (the calls before it stand).
template <typename OnPosting>
Status ForEachPosting(const RecordSource& records, std::uint64_t from_seq, std::uint64_t to_seq,
                      OnPosting on_posting) {
  constexpr std::size_t kChunk = 4096;
  for (std::uint64_t from = from_seq; from <= to_seq; from += kChunk) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, to_seq - from + 1));
    for (const v1::JournalRecord& record : records.Range(from, want)) {
      v1::JournalEntry entry;
      if (!entry.ParseFromString(record.body())) {
        return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                             "record " + std::to_string(record.seq()) + " does not parse");
      }
      for (const v1::Posting& posting : entry.postings()) {
        const v1::Period& period = posting.has_period() ? posting.period() : entry.period();
        on_posting(*ParseYear(period.year()), *ParseMonth(period.month()), posting);
      }
    }
  }
  return Status::Ok();
}

struct Snapshot;

// The ledger as it stood after an earlier entry: what reads "as of a month end" read (the
// notices, membership, contracts and case reports). The server's (ledger/audit/past_states.h)
// replays the records through the engine; readers that keep no past leave Snapshot::past null.
class PastSnapshots {
 public:
  virtual ~PastSnapshots() = default;
  // The ledger just after entry `seq` (0: before the first), for `seq` at most the head of a
  // snapshot that holds this. The snapshot returned has the same records, and no month sums or
  // past of its own. RECORD_CORRUPT, naming the record, if the records do not replay.
  virtual Result<std::shared_ptr<const Snapshot>> At(std::uint64_t seq) const = 0;
};

// What readers see: the ledger as of one head. Immutable once published.
struct Snapshot {
  std::uint64_t head_seq = 0;
  std::string head_hash;
  std::shared_ptr<const Balances> balances;
  // The engine's practices and capitation state (in the server, copies shared between snapshots
  // until they change).
  std::shared_ptr<const std::map<std::string, Practice>> practices;
  std::shared_ptr<const Capitation> capitation;
  std::shared_ptr<const Contracts> contracts;
  // The open years by start year: lines, month closes, settlement, agreements.
  std::shared_ptr<const std::map<int, Year>> years;
  // Budget notices, transfers, acknowledgements and membership.
  std::shared_ptr<const Notices> notices;
  // Business cases (shallow copies: each case is a shared value replaced, never changed).
  std::shared_ptr<const Cases> cases;
  // The head entry's recorded time, seconds since 1970 (UTC); 0 for an empty journal.
  std::int64_t head_recorded_at = 0;
  // Records 1..head_seq at least (a source may hold later ones too; queries never read past the
  // head).
  std::shared_ptr<const RecordSource> records;
  // Practices' month sums, kept from one snapshot to the next (statements to a month end); null to
  // sum the records each time.
  std::shared_ptr<const MonthBalances> month_balances;
  // The ledger as it stood at earlier entries; null where the reader keeps none (reads as of a
  // month end are then refused).
  std::shared_ptr<const PastSnapshots> past;
};

// The last entry recorded on or before the UK date `day` ("2027-04-30"), at most the snapshot's
// head; 0 when the first was recorded later. Entries' recorded times never go back, so this is a
// binary search of the records. RECORD_CORRUPT for a record that does not parse.
Result<std::uint64_t> LastEntryOnOrBefore(const Snapshot& snapshot, const std::string& day);

// A snapshot that borrows `state` (no copies): `state` must outlive it and not change while it is
// read. For a reader that owns the state, such as the auditor's replay once it has finished.
Snapshot BorrowSnapshot(const State& state, std::shared_ptr<const RecordSource> records);

// The records of an export file (docs/export-format.md), read from the file as they are asked for:
// nothing but one read position is held in memory. Reading on from where the last call stopped
// costs only the records read; asking for an earlier record reads the file again from its start.
// For a file that was verified already (ReplayExport); a record that cannot be read ends the range
// there. Safe to call from several threads (one reads at a time).
class ExportFileRecords final : public RecordSource {
 public:
  explicit ExportFileRecords(std::string path);
  ~ExportFileRecords() override;
  std::optional<v1::JournalRecord> Get(std::uint64_t seq) const override;
  std::vector<v1::JournalRecord> Range(std::uint64_t from_seq, std::size_t count) const override;

 private:
  struct Cursor;
  std::string path_;
  mutable std::mutex mutex_;
  mutable std::unique_ptr<Cursor> cursor_;  // GUARDED_BY(mutex_); null until the first read.
};

}  // namespace lcp

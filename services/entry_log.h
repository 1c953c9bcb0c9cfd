// The journal's records in memory, for reads: append-only, shared by every reader, so that queries and
// streams never touch the disk or wait for the sequencer's writes. Only the sequencer appends, and only
// records that are already durable.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <shared_mutex>
#include <vector>

#include "lcp/v1/ledger.pb.h"
#include "ledger/read/snapshot.h"

namespace lcp {

class EntryLog final : public RecordSource {
 public:
  // REQUIRES: the records continue the log (the first has seq size() + 1).
  void Append(std::vector<v1::JournalRecord> records);
  std::uint64_t size() const;
  // The record `seq`, if the log has it.
  std::optional<v1::JournalRecord> Get(std::uint64_t seq) const override;
  // Up to `count` records from `from_seq` (at least 1), in order.
  std::vector<v1::JournalRecord> Range(std::uint64_t from_seq, std::size_t count) const override;

 private:
  mutable std::shared_mutex mutex_;
  std::deque<v1::JournalRecord> records_;  // GUARDED_BY(mutex_); records_[seq - 1].
};

}  // namespace lcp

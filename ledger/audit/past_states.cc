#include "ledger/audit/past_states.h"

#include <algorithm>
#include <string>
#include <vector>

#include "ledger/engine/journal.h"

namespace lcp {
namespace {

// A replayed journal and the snapshot that borrows its state: one allocation, shared as the
// snapshot.
struct Replayed {
  Journal journal;
  Snapshot snapshot;
};

}  // namespace

PastStates::PastStates(std::shared_ptr<const RecordSource> records)
    : records_(std::move(records)) {}

Result<std::shared_ptr<const Snapshot>> PastStates::At(std::uint64_t seq) const {
  std::lock_guard lock(mutex_);
  for (auto it = kept_.begin(); it != kept_.end(); ++it) {
    if ((*it)->head_seq == seq) {
      kept_.splice(kept_.begin(), kept_, it);
      return kept_.front();
    }
  }
  auto replayed = std::make_shared<Replayed>();
  replayed->journal.Reserve(seq);
  constexpr std::uint64_t kChunk = 4096;
  for (std::uint64_t from = 1; from <= seq; from += kChunk) {
    const auto want = static_cast<std::size_t>(std::min(kChunk, seq - from + 1));
    const std::vector<v1::JournalRecord> records = records_->Range(from, want);
    if (records.size() != want) {
      return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                           "record " + std::to_string(from + records.size()) +
                               " cannot be read to replay the ledger to entry " +
                               std::to_string(seq));
    }
    for (const v1::JournalRecord& record : records) {
      LCP_RETURN_IF_ERROR(replayed->journal.Replay(record));
    }
  }
  replayed->snapshot = BorrowSnapshot(replayed->journal.state(), records_);
  replayed->snapshot.month_balances = nullptr;
  std::shared_ptr<const Snapshot> snapshot(replayed, &replayed->snapshot);
  kept_.push_front(snapshot);
  if (kept_.size() > kKept) kept_.pop_back();
  return snapshot;
}

}  // namespace lcp

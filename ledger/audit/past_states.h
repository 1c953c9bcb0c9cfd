// The ledger as it stood after an earlier entry, replayed from the journal's records through the
// engine: the PastSnapshots (ledger/read/snapshot.h) that reads as of a month end use. The server
// gives one to every snapshot it publishes. A past state never changes (the journal is
// append-only), so the few asked for last are kept and shared.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>

#include "ledger/base/status.h"
#include "ledger/read/snapshot.h"

namespace lcp {

class PastStates final : public PastSnapshots {
 public:
  // How many past states are kept (each is a whole State; at England's scale tens of MiB).
  static constexpr std::size_t kKept = 2;

  explicit PastStates(std::shared_ptr<const RecordSource> records);

  // Replays records 1..seq, checking each as a recovery does (chain, body, postings), unless the
  // state at `seq` is kept. One replay runs at a time; callers asking meanwhile wait for it.
  Result<std::shared_ptr<const Snapshot>> At(std::uint64_t seq) const override;

 private:
  std::shared_ptr<const RecordSource> records_;
  mutable std::mutex mutex_;
  mutable std::list<std::shared_ptr<const Snapshot>>
      kept_;  // GUARDED_BY(mutex_); newest use first.
};

}  // namespace lcp

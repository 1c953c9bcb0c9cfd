// The storage interface: narrow on purpose (append a batch atomically, read from a sequence number, read
// the head), so that PostgreSQL can sit behind it as well as the embedded SQLite default.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/status.h"

namespace lcp {

struct StoreHead {
  std::uint64_t seq = 0;  // 0 for an empty store.
  std::string hash;       // The genesis hash for an empty store.
};

class Store {
 public:
  virtual ~Store() = default;

  // Appends `records`, which must continue the stored chain (the first one's seq is head + 1 and its
  // prev_hash is the head hash, and each links to the one before), in one durable transaction: when this
  // returns Ok they are on disk; when it fails none of them is stored.
  virtual Status Append(std::span<const v1::JournalRecord> records) = 0;

  // Calls `visit` with every stored record whose seq >= from_seq, in sequence order; stops at the first
  // error `visit` returns and returns it.
  virtual Status Scan(std::uint64_t from_seq,
                      const std::function<Status(const v1::JournalRecord&)>& visit) = 0;

  virtual Result<StoreHead> ReadHead() = 0;
};

}  // namespace lcp

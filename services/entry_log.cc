#include "services/entry_log.h"

#include <mutex>

#include "ledger/base/check.h"

namespace lcp {

void EntryLog::Append(std::vector<v1::JournalRecord> records) {
  std::unique_lock lock(mutex_);
  for (v1::JournalRecord& record : records) {
    LCP_CHECK(record.seq() == records_.size() + 1);
    records_.push_back(std::move(record));
  }
}

std::uint64_t EntryLog::size() const {
  std::shared_lock lock(mutex_);
  return records_.size();
}

std::optional<v1::JournalRecord> EntryLog::Get(std::uint64_t seq) const {
  std::shared_lock lock(mutex_);
  if (seq == 0 || seq > records_.size()) return std::nullopt;
  return records_[seq - 1];
}

std::vector<v1::JournalRecord> EntryLog::Range(std::uint64_t from_seq, std::size_t count) const {
  std::shared_lock lock(mutex_);
  std::vector<v1::JournalRecord> out;
  if (from_seq == 0) from_seq = 1;
  for (std::uint64_t seq = from_seq; seq <= records_.size() && out.size() < count; ++seq) {
    out.push_back(records_[seq - 1]);
  }
  return out;
}

}  // namespace lcp

#include "ledger/snapshot.h"

#include <fstream>

#include "ledger/export_file.h"

namespace lcp {
namespace {

// A shared pointer to `value` that owns nothing.
template <typename T>
std::shared_ptr<const T> Borrowed(const T& value) {
  return std::shared_ptr<const T>(std::shared_ptr<const void>(), &value);
}

}  // namespace

Snapshot BorrowSnapshot(const State& state, std::shared_ptr<const RecordSource> records) {
  Snapshot snapshot;
  snapshot.head_seq = state.last_seq();
  snapshot.head_hash = state.head_hash;
  snapshot.balances = Borrowed(state.balances);
  snapshot.practices = Borrowed(state.practices);
  snapshot.capitation = Borrowed(state.capitation);
  snapshot.contracts = Borrowed(state.contracts);
  snapshot.years = Borrowed(state.years);
  snapshot.records = std::move(records);
  return snapshot;
}

std::optional<v1::JournalRecord> ExportFileRecords::Get(std::uint64_t seq) const {
  std::vector<v1::JournalRecord> one = Range(seq, 1);
  if (one.empty() || one.front().seq() != seq) return std::nullopt;
  return std::move(one.front());
}

std::vector<v1::JournalRecord> ExportFileRecords::Range(std::uint64_t from_seq,
                                                        std::size_t count) const {
  if (from_seq == 0) from_seq = 1;
  std::vector<v1::JournalRecord> out;
  std::ifstream in(path_, std::ios::binary);
  if (!in || count == 0) return out;
  ExportReader reader(in);
  if (!reader.ReadHeader().ok()) return out;
  v1::JournalRecord record;
  while (out.size() < count) {
    Result<bool> read = reader.Next(record);
    if (!read.ok() || !*read) break;
    if (record.seq() >= from_seq) out.push_back(record);
  }
  return out;
}

}  // namespace lcp

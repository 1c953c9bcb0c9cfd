#include "ledger/read/snapshot.h"

#include <fstream>

#include "ledger/base/export_file.h"
#include "ledger/rules/notices.h"

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
  snapshot.notices = Borrowed(state.notices);
  snapshot.cases = Borrowed(state.cases);
  snapshot.head_recorded_at = state.last_recorded_at;
  snapshot.records = std::move(records);
  snapshot.month_balances = std::make_shared<const MonthBalances>();
  return snapshot;
}

Result<std::uint64_t> LastEntryOnOrBefore(const Snapshot& snapshot, const std::string& day) {
  // Invariant: entry `low` (or nothing, at 0) was recorded by `day`; every entry after `high`
  // later.
  std::uint64_t low = 0;
  std::uint64_t high = snapshot.head_seq;
  while (low < high) {
    const std::uint64_t middle = low + (high - low + 1) / 2;
    std::optional<v1::JournalRecord> record = snapshot.records->Get(middle);
    v1::JournalEntry entry;
    if (!record || !entry.ParseFromString(record->body())) {
      return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                           "record " + std::to_string(middle) + " cannot be read");
    }
    if (UkDate(entry.recorded_at().seconds()) <= day) {
      low = middle;
    } else {
      high = middle - 1;
    }
  }
  return low;
}

// An open export file and the sequence number of the record its reader reads next.
struct ExportFileRecords::Cursor {
  explicit Cursor(const std::string& path) : in(path, std::ios::binary), reader(in) {}
  std::ifstream in;
  ExportReader reader;
  std::uint64_t next_seq = 0;  // 0 when the file cannot be read (any further).
};

ExportFileRecords::ExportFileRecords(std::string path) : path_(std::move(path)) {}

ExportFileRecords::~ExportFileRecords() = default;

std::optional<v1::JournalRecord> ExportFileRecords::Get(std::uint64_t seq) const {
  std::vector<v1::JournalRecord> one = Range(seq, 1);
  if (one.empty() || one.front().seq() != seq) return std::nullopt;
  return std::move(one.front());
}

std::vector<v1::JournalRecord> ExportFileRecords::Range(std::uint64_t from_seq,
                                                        std::size_t count) const {
  if (from_seq == 0) from_seq = 1;
  std::vector<v1::JournalRecord> out;
  if (count == 0) return out;
  std::lock_guard lock(mutex_);
  if (cursor_ == nullptr || cursor_->next_seq == 0 || from_seq < cursor_->next_seq) {
    cursor_ = std::make_unique<Cursor>(path_);
    Result<v1::ExportHeader> header = cursor_->reader.ReadHeader();
    cursor_->next_seq = header.ok() && header->record_count() != 0 ? header->first_seq() : 0;
  }
  v1::JournalRecord record;
  while (cursor_->next_seq != 0 && out.size() < count) {
    Result<bool> read = cursor_->reader.Next(record);
    if (!read.ok() || !*read) {
      cursor_->next_seq = 0;
      break;
    }
    cursor_->next_seq = record.seq() + 1;
    if (record.seq() >= from_seq) out.push_back(record);
  }
  return out;
}

}  // namespace lcp

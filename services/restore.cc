#include "services/restore.h"

#include <fstream>
#include <vector>

#include "ledger/audit/replay.h"
#include "ledger/base/export_file.h"
#include "ledger/engine/journal.h"
#include "services/storage/sqlite_store.h"

namespace lcp {
namespace {

// Records per transaction: large enough that a million entries take seconds, small enough that a
// batch's memory stays a few megabytes.
constexpr std::size_t kRecordsPerBatch = 4096;

}  // namespace

Result<RestoreSummary> RestoreFromExport(const std::string& export_path,
                                         const std::string& ledger_path) {
  RestoreSummary summary;
  {
    std::ifstream in(export_path, std::ios::binary);
    if (!in) {
      return Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED, "cannot open " + export_path);
    }
    Journal journal;
    const AuditOutcome outcome = ReplayExport(in, journal);
    if (!outcome.status.ok()) {
      return Status::Error(
          outcome.status.code(),
          export_path + ": not restored, it does not replay" +
              (outcome.failed_seq != 0 ? " (record " + std::to_string(outcome.failed_seq) + ")"
                                       : std::string()) +
              ": " + outcome.status.message());
    }
    summary.records = journal.head_seq();
    summary.head_hash = journal.head_hash();
    summary.rules = DescribeRulesVersions(outcome);
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(ledger_path);
  if (!store.ok()) return store.status();
  Result<StoreHead> head = (*store)->ReadHead();
  if (!head.ok()) return head.status();
  if (head->seq != 0) {
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         "ledger file " + ledger_path + " holds " + std::to_string(head->seq) +
                             " entries already; a restore writes only into an empty ledger (give "
                             "a new --data-dir)");
  }
  // The export replayed whole; read it again and write its records as recorded. The store checks
  // each record's link to the one before it as it appends.
  std::ifstream in(export_path, std::ios::binary);
  ExportReader reader(in);
  if (Result<v1::ExportHeader> header = reader.ReadHeader(); !header.ok()) return header.status();
  std::vector<v1::JournalRecord> batch;
  batch.reserve(kRecordsPerBatch);
  std::uint64_t written = 0;
  while (true) {
    Result<std::optional<v1::JournalRecord>> record = reader.Next();
    if (!record.ok()) return record.status();
    if (*record) batch.push_back(std::move(**record));
    if (batch.size() == kRecordsPerBatch || (!*record && !batch.empty())) {
      LCP_RETURN_IF_ERROR((*store)->Append(batch));
      written += batch.size();
      batch.clear();
    }
    if (!*record) break;
  }
  if (written != summary.records) {
    return Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED,
                         export_path +
                             " changed while it was restored: " + std::to_string(written) +
                             " records written, " + std::to_string(summary.records) + " replayed");
  }
  return summary;
}

}  // namespace lcp

#include "services/restore.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

#include "ledger/audit/replay.h"
#include "ledger/base/chain.h"
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
  Result<std::unique_ptr<SqliteStore>> opened = SqliteStore::Open(ledger_path);
  if (!opened.ok()) return opened.status();
  std::unique_ptr<SqliteStore> store = std::move(opened).value();
  Result<StoreHead> head = store->ReadHead();
  if (!head.ok()) return head.status();
  if (head->seq != 0) {
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         "ledger file " + ledger_path + " holds " + std::to_string(head->seq) +
                             " entries already; a restore writes only into an empty ledger (give "
                             "a new --data-dir)");
  }
  // The export replayed whole; read it again and write its records as recorded, checking each one's
  // link again (the file could change between the two reads), and its last hash against the head
  // the replay reached. Batches commit one at a time, so on any failure the ledger, empty before,
  // is removed again: a refused restore leaves nothing behind.
  Status written = [&]() -> Status {
    std::ifstream in(export_path, std::ios::binary);
    ExportReader reader(in);
    if (Result<v1::ExportHeader> header = reader.ReadHeader(); !header.ok()) return header.status();
    std::vector<v1::JournalRecord> batch;
    batch.reserve(kRecordsPerBatch);
    std::uint64_t count = 0;
    std::string last_hash = GenesisHash();
    while (true) {
      Result<std::optional<v1::JournalRecord>> record = reader.Next();
      if (!record.ok()) return record.status();
      if (*record) {
        LCP_RETURN_IF_ERROR(VerifyLink(**record, count, last_hash));
        ++count;
        last_hash = (*record)->hash();
        batch.push_back(std::move(**record));
      }
      if (batch.size() == kRecordsPerBatch || (!*record && !batch.empty())) {
        LCP_RETURN_IF_ERROR(store->Append(batch));
        batch.clear();
      }
      if (!*record) break;
    }
    if (count != summary.records || last_hash != summary.head_hash) {
      return Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED,
                           export_path +
                               " changed while it was restored: its second reading "
                               "does not end at the head its replay reached");
    }
    return Status::Ok();
  }();
  if (!written.ok()) {
    store.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ignored;
      std::filesystem::remove(ledger_path + suffix, ignored);
    }
    return Status::Error(written.code(), "writing " + ledger_path + ": " + written.message() +
                                             " (the ledger file was removed again)");
  }
  return summary;
}

}  // namespace lcp

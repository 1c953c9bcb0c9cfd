#include "services/migrate.h"

#include <filesystem>
#include <memory>
#include <system_error>
#include <vector>

#include "ledger/base/chain.h"
#include "services/book.h"
#include "services/storage/open_store.h"
#include "services/storage/postgres_store.h"

namespace lcp {
namespace {

constexpr std::size_t kRecordsPerBatch = 4096;

}  // namespace

Result<MigrateSummary> MigrateLedger(const std::string& from, const std::string& from_ledger,
                                     const std::string& to, const std::string& to_ledger) {
  const std::string source_name = DescribeStore(from, from_ledger);
  const std::string target_name = DescribeStore(to, to_ledger);
  if (source_name == target_name) {
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         "--from and --to name the same ledger, " + source_name);
  }
  if (!IsPostgresUrl(from) &&
      !std::filesystem::exists(std::filesystem::path(from) / "ledger.sqlite")) {
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         "there is no ledger to migrate at " + source_name);
  }
  Result<std::unique_ptr<Store>> opened_source = OpenStore(from, from_ledger);
  if (!opened_source.ok()) return opened_source.status();
  std::unique_ptr<Store> source = std::move(opened_source).value();
  Result<StoreHead> source_head = source->ReadHead();
  if (!source_head.ok()) return source_head.status();
  Result<std::unique_ptr<Store>> opened_target = OpenStore(to, to_ledger);
  if (!opened_target.ok()) return opened_target.status();
  std::unique_ptr<Store> target = std::move(opened_target).value();
  Result<StoreHead> target_head = target->ReadHead();
  if (!target_head.ok()) return target_head.status();
  if (target_head->seq != 0) {
    return Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                         target_name + " holds " + std::to_string(target_head->seq) +
                             " entries already; a migration writes only into an empty ledger");
  }
  MigrateSummary summary;
  summary.head_hash = GenesisHash();
  std::vector<v1::JournalRecord> batch;
  batch.reserve(kRecordsPerBatch);
  Status copied = source->Scan(1, [&](const v1::JournalRecord& record) -> Status {
    LCP_RETURN_IF_ERROR(VerifyLink(record, summary.records, summary.head_hash));
    ++summary.records;
    summary.head_hash = record.hash();
    batch.push_back(record);
    if (batch.size() < kRecordsPerBatch) return Status::Ok();
    Status appended = target->Append(batch);
    batch.clear();
    return appended;
  });
  if (copied.ok() && !batch.empty()) copied = target->Append(batch);
  if (copied.ok() &&
      (summary.records != source_head->seq || summary.head_hash != source_head->hash)) {
    copied =
        Status::Error(v1::ERROR_CODE_STORAGE_FAILURE, source_name + " changed while it was read");
  }
  // The target as the server will open it: every entry replayed and verified again.
  if (copied.ok()) {
    target.reset();
    Result<std::unique_ptr<Store>> reopened = OpenStore(to, to_ledger);
    if (!reopened.ok()) return reopened.status();
    Result<std::unique_ptr<Book>> book = Book::Open(std::move(reopened).value());
    if (!book.ok()) {
      copied = book.status();
    } else if ((*book)->journal().head_seq() != summary.records ||
               (*book)->journal().head_hash() != summary.head_hash) {
      copied = Status::Error(v1::ERROR_CODE_STORAGE_FAILURE,
                             target_name + " does not end at the source's head");
    }
  }
  if (copied.ok()) return summary;
  target.reset();
  if (!IsPostgresUrl(to)) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ignored;
      std::filesystem::remove(target_name + suffix, ignored);
    }
    return Status::Error(copied.code(), "migrating " + source_name + " to " + target_name + ": " +
                                            copied.message() + " (the target was removed again)");
  }
  return Status::Error(copied.code(), "migrating " + source_name + " to " + target_name + ": " +
                                          copied.message() +
                                          " (the target may hold the first entries, a true "
                                          "start of the chain; DROP SCHEMA lcp_" +
                                          to_ledger + " CASCADE removes it)");
}

}  // namespace lcp

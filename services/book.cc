#include "services/book.h"

namespace lcp {

Result<std::unique_ptr<Book>> Book::Open(std::unique_ptr<Store> store) {
  std::unique_ptr<Book> book(new Book(std::move(store)));
  Status status = book->store_->Scan(
      1, [&](const v1::JournalRecord& record) { return book->journal_.Replay(record); });
  if (!status.ok()) {
    return Status::Error(status.code(), "the stored journal does not verify: " + status.message());
  }
  Result<StoreHead> head = book->store_->ReadHead();
  if (!head.ok()) return head.status();
  if (head->seq != book->journal_.head_seq() || head->hash != book->journal_.head_hash()) {
    return Status::Error(v1::ERROR_CODE_CHAIN_BROKEN,
                         "the stored head does not match the replayed journal");
  }
  return book;
}

Result<v1::JournalRecord> Book::Submit(v1::JournalEntry request) {
  if (!failed_.ok()) return failed_;
  Result<v1::JournalRecord> record = journal_.Submit(std::move(request));
  if (!record.ok()) return record;
  Status stored = store_->Append(std::span<const v1::JournalRecord>(&record.value(), 1));
  if (!stored.ok()) {
    failed_ = Status::Error(stored.code(), stored.message() + " (reopen the ledger to continue)");
    return failed_;
  }
  return record;
}

}  // namespace lcp

#include "services/book.h"

#include <utility>

namespace lcp {

Result<std::unique_ptr<Book>> Book::Open(
    std::unique_ptr<Store> store, const std::function<void(const v1::JournalRecord&)>& on_record) {
  std::unique_ptr<Book> book(new Book(std::move(store)));
  Status status = book->store_->Scan(1, [&](const v1::JournalRecord& record) {
    LCP_RETURN_IF_ERROR(book->journal_.Replay(record));
    if (on_record) on_record(record);
    return Status::Ok();
  });
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

Result<v1::JournalRecord> Book::Stage(v1::JournalEntry request) {
  if (!failed_.ok()) return failed_;
  Result<v1::JournalRecord> record = journal_.Submit(std::move(request));
  if (record.ok()) staged_.push_back(*record);
  return record;
}

Result<const v1::JournalRecord*> Book::Stage(const v1::Command& command, v1::JournalEntry envelope,
                                             Journal::FieldCheck check) {
  if (!failed_.ok()) return failed_;
  Result<v1::JournalRecord> record = journal_.Submit(command, std::move(envelope), check);
  if (!record.ok()) return record.status();
  staged_.push_back(std::move(record).value());
  return &staged_.back();
}

const v1::JournalRecord* Book::Staged(std::uint64_t seq) const {
  if (staged_.empty() || seq < staged_.front().seq() || seq > staged_.back().seq()) return nullptr;
  return &staged_[seq - staged_.front().seq()];
}

void Book::BeginGroup() {
  group_start_ = staged_.size();
  journal_.BeginGroup();
}

void Book::EndGroup(bool keep) {
  journal_.EndGroup(keep);
  if (!keep) staged_.resize(group_start_);
}

Result<std::vector<v1::JournalRecord>> Book::Flush() {
  if (!failed_.ok()) return failed_;
  Status stored = store_->Append(staged_);
  if (!stored.ok()) {
    failed_ = Status::Error(stored.code(), stored.message() + " (restart to recover from the disk)");
    return failed_;
  }
  return std::exchange(staged_, {});
}

std::vector<v1::JournalRecord> Book::TakeStaged() { return std::exchange(staged_, {}); }

Status Book::Write(std::span<const v1::JournalRecord> records) { return store_->Append(records); }

Result<v1::JournalRecord> Book::Submit(v1::JournalEntry request) {
  Result<v1::JournalRecord> record = Stage(std::move(request));
  if (!record.ok()) return record;
  Result<std::vector<v1::JournalRecord>> flushed = Flush();
  if (!flushed.ok()) return flushed.status();
  return record;
}

}  // namespace lcp

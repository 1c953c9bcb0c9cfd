// A durable journal: the in-memory Journal (engine state and chain head) kept in step with a Store.
// Opening a Book replays every stored record through the engine, so a store whose chain or postings do
// not verify is never served. The sequencer of lcp-ledgerd drives one Book: it stages the commands of a
// batch in memory and then flushes them to the store in one transaction (group commit).
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "ledger/engine/journal.h"
#include "services/storage/store.h"

namespace lcp {

class Book {
 public:
  // Replays `store` from record 1, passing each verified record to `on_record` when given. Fails,
  // naming the first bad record, when it does not verify.
  static Result<std::unique_ptr<Book>> Open(
      std::unique_ptr<Store> store,
      const std::function<void(const v1::JournalRecord&)>& on_record = {});

  // The staged record `seq`, or nullptr if it is not staged (it is durable already, or unknown).
  const v1::JournalRecord* Staged(std::uint64_t seq) const;

  const Journal& journal() const { return journal_; }

  // Decides and applies one entry in memory and keeps its record for the next Flush. A refused entry
  // changes nothing. Memory now runs ahead of the disk until Flush succeeds: nothing staged may be
  // reported to anyone before then.
  Result<v1::JournalRecord> Stage(v1::JournalEntry request);
  // The same for a command and its envelope kept apart (see Journal::Submit); returns the staged
  // record, valid until the next Stage, EndGroup or Flush.
  Result<const v1::JournalRecord*> Stage(const v1::Command& command, v1::JournalEntry envelope,
                                         Journal::FieldCheck check);

  // All-or-nothing groups of staged entries (see Journal::BeginGroup).
  void BeginGroup();
  void EndGroup(bool keep);

  // Appends every staged record in one durable transaction and hands them back. A storage failure
  // leaves the Book unusable (every later call fails): memory would be ahead of the disk, and only
  // reopening, which replays the disk, can bring them back in step.
  Result<std::vector<v1::JournalRecord>> Flush();

  // For a pipelined writer: hands over the staged records (memory keeps them as applied) so that
  // another thread can Write them while this one stages more.
  std::vector<v1::JournalRecord> TakeStaged();
  // Appends records taken with TakeStaged, in order, in one durable transaction. It touches only the
  // store, so it may run on another thread than Stage, one call at a time.
  Status Write(std::span<const v1::JournalRecord> records);

  // Stage then Flush: one entry, durable when this returns.
  Result<v1::JournalRecord> Submit(v1::JournalEntry request);

 private:
  explicit Book(std::unique_ptr<Store> store) : store_(std::move(store)) {}

  std::unique_ptr<Store> store_;
  Journal journal_;
  std::vector<v1::JournalRecord> staged_;
  std::size_t group_start_ = 0;  // staged_.size() when the open group began.
  Status failed_;
};

}  // namespace lcp

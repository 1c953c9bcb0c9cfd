// A durable journal: the in-memory Journal (engine state and chain head) kept in step with a Store.
// Opening a Book replays every stored record through the engine, so a store whose chain or postings do
// not verify is never served. The sequencer of lcp-ledgerd will drive one Book.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "ledger/journal.h"
#include "services/storage/store.h"

namespace lcp {

class Book {
 public:
  // Replays `store` from record 1. Fails, naming the first bad record, when it does not verify.
  static Result<std::unique_ptr<Book>> Open(std::unique_ptr<Store> store);

  const Journal& journal() const { return journal_; }

  // Submits one entry and makes it durable before returning its record. A refused entry changes
  // nothing. A storage failure leaves the Book unusable (every later call fails): memory would be ahead
  // of the disk, and only reopening, which replays the disk, can bring them back in step.
  Result<v1::JournalRecord> Submit(v1::JournalEntry request);

 private:
  explicit Book(std::unique_ptr<Store> store) : store_(std::move(store)) {}

  std::unique_ptr<Store> store_;
  Journal journal_;
  Status failed_;
};

}  // namespace lcp

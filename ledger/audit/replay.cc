#include "ledger/audit/replay.h"

#include <google/protobuf/arena.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "ledger/base/chain.h"
#include "ledger/base/export_file.h"
#include "ledger/base/rules_version.h"

namespace lcp {
namespace {

// Reads and checks the header; for a replay, the file must start at record 1.
bool ReadHeader(ExportReader& reader, bool from_genesis, AuditOutcome& outcome) {
  Result<v1::ExportHeader> header = reader.ReadHeader();
  if (!header.ok()) {
    outcome.status = header.status();
    return false;
  }
  outcome.header = *header;
  if (from_genesis && header->record_count() != 0 &&
      (header->first_seq() != 1 || header->first_prev_hash() != GenesisHash())) {
    outcome.status = Status::Error(
        v1::ERROR_CODE_EXPORT_MALFORMED,
        "export header: a replay needs the whole journal from record 1, but the file starts at "
        "record " + std::to_string(header->first_seq()) + " (use verify for a range)");
    return false;
  }
  return true;
}

// Reads every record after the header (in outcome.header) into the record `slot()` gives, then passes
// it to `check` with the sequence number and hash of the record before it (the header's first_prev_hash
// for the first); finally checks that the records were as many as the header said and ended at its
// head hash. Stops at the first failure. outcome.records counts the records `check` passed.
template <typename Slot, typename Check>
void WalkRecords(ExportReader& reader, AuditOutcome& outcome, Slot slot, Check check) {
  const v1::ExportHeader& header = outcome.header;
  const std::uint64_t first = header.record_count() == 0 ? 1 : header.first_seq();
  std::string last_hash = header.first_prev_hash();
  while (true) {
    const std::uint64_t position = first + outcome.records;
    v1::JournalRecord& record = slot();
    Result<bool> next = reader.Next(record);
    if (!next.ok()) {
      outcome.failed_seq = position;
      outcome.status = Status::Error(next.status().code(), "record " + std::to_string(position) +
                                                               ": " + next.status().message());
      return;
    }
    if (!*next) break;
    if (outcome.records == header.record_count()) {
      outcome.failed_seq = position;
      outcome.status = Status::Error(
          v1::ERROR_CODE_EXPORT_MALFORMED,
          "record " + std::to_string(position) + ": the header promises only " +
              std::to_string(header.record_count()) + " records, but the file has more");
      return;
    }
    Status status = check(record, position - 1, std::string_view(last_hash));
    if (!status.ok()) {
      outcome.failed_seq = position;
      outcome.status = std::move(status);
      return;
    }
    last_hash = record.hash();
    ++outcome.records;
  }
  if (outcome.records != header.record_count()) {
    outcome.failed_seq = first + outcome.records;
    outcome.status = Status::Error(
        v1::ERROR_CODE_EXPORT_MALFORMED,
        "record " + std::to_string(outcome.failed_seq) + ": missing; the header promises " +
            std::to_string(header.record_count()) + " records but the file ends after " +
            std::to_string(outcome.records) + " (it is truncated)");
    return;
  }
  if (last_hash != header.head_hash()) {
    outcome.failed_seq = header.last_seq();
    outcome.status = Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED,
                                   "export header: its head hash " + ToHex(header.head_hash()) +
                                       " is not the hash of the last record, " + ToHex(last_hash));
  }
}

// Counts the rules version of `entry`, a record that passed, into the outcome's range.
void NoteRules(const v1::JournalEntry& entry, AuditOutcome& outcome) {
  const std::uint32_t rules = RulesOf(entry);
  outcome.rules_min = outcome.rules_min == 0 ? rules : std::min(outcome.rules_min, rules);
  outcome.rules_max = std::max(outcome.rules_max, rules);
}

// The body must be a journal entry (parsed into `entry`); a month close's checkpoint must name the
// record before it, whose hash is this record's prev_hash (already checked against the chain).
Status CheckBodyAndCheckpoint(const v1::JournalRecord& record, v1::JournalEntry& entry,
                              AuditOutcome& outcome) {
  auto where = [&record] { return "record " + std::to_string(record.seq()) + ": "; };
  if (!entry.ParseFromString(record.body())) {
    return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT, where() + "its body is not a readable journal entry");
  }
  if (!entry.has_checkpoint()) {
    if (!entry.command().has_close_month()) {
      NoteRules(entry, outcome);
      return Status::Ok();
    }
    return Status::Error(v1::ERROR_CODE_CHAIN_BROKEN,
                         where() + "it closes a month but records no checkpoint of the chain head");
  }
  const v1::Checkpoint& checkpoint = entry.checkpoint();
  if (checkpoint.seq() + 1 != record.seq() || checkpoint.hash() != record.prev_hash()) {
    return Status::Error(v1::ERROR_CODE_CHAIN_BROKEN,
                         where() + "its month-close checkpoint names entry " +
                             std::to_string(checkpoint.seq()) + " with hash " +
                             ToHex(checkpoint.hash()) + ", not the entry before it, " +
                             std::to_string(record.seq() - 1) + " with hash " +
                             ToHex(record.prev_hash()));
  }
  ++outcome.checkpoints;
  NoteRules(entry, outcome);
  return Status::Ok();
}

// Verify and replay run in stages, each on a thread of its own, which hand records on in batches:
//   1. the reader reads each record and checks its link to the record before it (VerifyLink: the
//      sequence number, the previous hash, and SHA-256 of the body);
//   2. the checker parses each body and checks what needs nothing but the record (for a replay,
//      Journal::CheckBody: no unknown fields, the envelope, the recorded principal's role; for a
//      verify, that it is a journal entry and its checkpoint, which ends a verify);
//   3. for a replay, the engine, on the caller's thread, re-executes the records in order
//      (Journal::ReplayChecked).
// The operating system runs whichever stages have work on the machine's cores, so that no one of them
// bounds the run while a core waits. Batches go back to the reader to be reused, so that a run
// allocates little once it is going.
//
// The first failure in sequence order is reported, whichever stage finds it, with the same message as
// a record-by-record check gives (Journal::Replay): a stage that fails passes on the records before the
// failing one, then its failure, and a later stage's own failure is reported only if it comes earlier
// in the file.
constexpr std::size_t kBatchRecords = 128;
constexpr std::size_t kBatchesInFlight = 16;
// The bytes of records read and not yet handed back, at most (and one record more): entries may be
// megabytes each (a settlement for every practice of England), and a forged file may be all records
// of the largest size, so a count of batches alone would not bound the memory a run takes. Ordinary
// journals never come near it (16 batches of 128 records of about 300 bytes).
constexpr std::size_t kBytesInFlightMax = 64 << 20;
// A record buffer larger than this is given back once its batch is reused, so that one huge record
// does not keep its memory for the rest of the run.
constexpr std::size_t kRecordBytesKeptMax = 1 << 20;
// Room for the bodies of a batch of typical entries, so that an arena rarely asks for more.
constexpr std::size_t kBatchArenaBytes = 1 << 18;

struct Batch {
  Batch() : arena_block(kBatchArenaBytes), arena(ArenaOptionsFor(arena_block)) {}

  static google::protobuf::ArenaOptions ArenaOptionsFor(std::vector<char>& block) {
    google::protobuf::ArenaOptions options;
    options.initial_block = block.data();
    options.initial_block_size = block.size();
    options.max_block_size = kBatchArenaBytes;
    return options;
  }

  std::vector<char> arena_block;  // The arena's first block; Reset keeps it.
  google::protobuf::Arena arena;  // The entries' bodies, parsed by the checker.
  std::vector<v1::JournalRecord> records = std::vector<v1::JournalRecord>(kBatchRecords);
  std::vector<v1::JournalEntry*> entries = std::vector<v1::JournalEntry*>(kBatchRecords);
  std::size_t count = 0;  // Records that passed every stage so far.
  std::size_t bytes = 0;  // The bodies' bytes of those records, as counted against kBytesInFlightMax.
  bool last = false;      // The stages stopped after this batch, for the reason below.
  Status stop;            // Ok at a clean end of the file; otherwise the first failure.
  std::uint64_t failed_seq = 0;
  // Set when a stage threw right after this batch's records (say, out of memory): the run ends by
  // throwing it, unless a record before it failed.
  std::exception_ptr thrown;
};

// A blocking queue of batches from one stage to the next.
class BatchQueue {
 public:
  void Push(Batch* batch) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      batches_.push_back(batch);
    }
    ready_.notify_one();
  }
  // The next batch; null once the queue is closed and empty, or cancelled.
  Batch* Pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [this] { return cancelled_ || closed_ || !batches_.empty(); });
    if (cancelled_ || batches_.empty()) return nullptr;
    Batch* batch = batches_.front();
    batches_.pop_front();
    return batch;
  }
  // Nothing more will be pushed: Pop returns what is queued, then null.
  void Close() { End(closed_); }
  // Pop returns null from now on, whatever is queued.
  void Cancel() { End(cancelled_); }

 private:
  void End(bool& flag) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      flag = true;
    }
    ready_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Batch*> batches_;
  bool closed_ = false;
  bool cancelled_ = false;
};

// Names the calling thread, for profilers and debuggers.
void NameThread(const char* name) { pthread_setname_np(pthread_self(), name); }

// Stage 1: fills batches taken from `empty` with records from `reader` whose links hold, and passes them
// on `read`; the last one it passes says why it stopped. Keeps the bytes in flight (`in_flight`, which
// the later stages lower as they hand batches back) under kBytesInFlightMax. Stops early if `empty`
// is cancelled.
void ReadStage(ExportReader& reader, AuditOutcome& outcome, BatchQueue& empty, BatchQueue& read,
               std::atomic<std::size_t>& in_flight) {
  auto take = [&]() {
    // Batches come back in any order; while the bytes out are over the bound, wait for more.
    std::vector<Batch*> held;
    Batch* taken = empty.Pop();
    while (taken != nullptr && in_flight.load() >= kBytesInFlightMax) {
      held.push_back(taken);
      taken = empty.Pop();
    }
    for (Batch* spare : held) empty.Push(spare);
    if (taken != nullptr) {
      for (std::size_t i = 0; i < taken->count; ++i) {
        if (taken->records[i].body().capacity() > kRecordBytesKeptMax) {
          std::string().swap(*taken->records[i].mutable_body());
        }
      }
      taken->count = 0;
      taken->bytes = 0;
      taken->last = false;
      taken->thrown = nullptr;
    }
    return taken;
  };
  Batch* batch = take();
  v1::JournalRecord spare;  // Where a record is read after a later stage stopped, to be dropped.
  auto slot = [&]() -> v1::JournalRecord& {
    if (batch != nullptr && (batch->count == kBatchRecords ||
                             (batch->count > 0 && in_flight.load() >= kBytesInFlightMax))) {
      read.Push(batch);
      batch = take();
    }
    return batch != nullptr ? batch->records[batch->count] : spare;
  };
  std::exception_ptr thrown;
  if (batch != nullptr) {
    try {
      WalkRecords(reader, outcome, slot,
                  [&](const v1::JournalRecord& record, std::uint64_t prev_seq, std::string_view prev_hash) {
                    if (batch == nullptr) {
                      return Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED, "the run stopped");
                    }
                    LCP_RETURN_IF_ERROR(VerifyLink(record, prev_seq, prev_hash));
                    ++batch->count;
                    batch->bytes += record.body().size();
                    in_flight += record.body().size();
                    return Status::Ok();
                  });
    } catch (...) {
      thrown = std::current_exception();  // Passed on after the records read before it.
    }
  }
  if (batch != nullptr) {
    batch->last = true;
    batch->stop = outcome.status;
    batch->failed_seq = outcome.failed_seq;
    batch->thrown = thrown;
    read.Push(batch);
  }
  read.Close();
}

// The batches of a run and stage 1 on a thread of its own, from construction until Stop().
//
// Stop() waits for the reader to reach its next batch; a reader waiting on a stream that never ends
// (a pipe left open) keeps it waiting. lcp-audit reads files.
class Reading {
 public:
  Reading(ExportReader& reader, const v1::ExportHeader& header) {
    for (std::size_t i = 0; i < kBatchesInFlight; ++i) {
      batches_.push_back(std::make_unique<Batch>());
      empty_.Push(batches_.back().get());
    }
    own_.header = header;
    thread_ = std::thread([this, &reader] {
      NameThread("lcp-audit-read");
      try {
        ReadStage(reader, own_, empty_, read_, in_flight_);
      } catch (...) {
        threw_ = std::current_exception();
        read_.Close();
      }
    });
  }
  Reading(const Reading&) = delete;
  Reading& operator=(const Reading&) = delete;
  ~Reading() { Stop(); }

  // Batches of records whose links hold, in file order; the last says why the reader stopped.
  BatchQueue& read() { return read_; }
  // Hands a batch back once done with.
  void Return(Batch* batch) {
    in_flight_ -= batch->bytes;  // Before the push, so that the reader sees it with the batch.
    empty_.Push(batch);
  }

  // Stops the reader (at its next batch) and waits for it.
  void Stop() {
    if (!thread_.joinable()) return;
    empty_.Cancel();
    read_.Cancel();
    thread_.join();
  }
  // Rethrows what the reader threw outside its records (which a batch carries instead), if anything.
  void RethrowIfThrown() {
    if (threw_) std::rethrow_exception(threw_);
  }

 private:
  std::vector<std::unique_ptr<Batch>> batches_;
  BatchQueue empty_, read_;
  std::atomic<std::size_t> in_flight_{0};
  AuditOutcome own_;  // The reader's own account; what counts is in the batches it passes on.
  std::exception_ptr threw_;
  std::thread thread_;
};

// Stage 2: checks each record of `batch` with `check(record, entry)`, `entry` a new message in the
// batch's arena, keeping the entries. At a failure (or a throw), the batch keeps the records before
// it and becomes the last. The bytes of the records dropped stay counted until the batch is handed
// back, which errs on the safe side of the bound.
template <typename Check>
void CheckBatch(Batch& batch, Check check) {
  // Later stages are done with the bodies parsed into the batch before; free them on this thread,
  // which allocated them (freeing on another costs more).
  batch.arena.Reset();
  for (std::size_t i = 0; i < batch.count; ++i) {
    Status status;
    try {
      auto* entry = google::protobuf::Arena::CreateMessage<v1::JournalEntry>(&batch.arena);
      status = check(batch.records[i], *entry);
      batch.entries[i] = entry;
    } catch (...) {
      batch.count = i;
      batch.last = true;
      batch.stop = Status::Ok();
      batch.thrown = std::current_exception();
      return;
    }
    if (!status.ok()) {
      batch.count = i;
      batch.last = true;
      batch.stop = std::move(status);
      batch.failed_seq = batch.records[i].seq();  // Its link held, so this is its place.
      batch.thrown = nullptr;  // Whatever a stage threw, it threw after this record.
      return;
    }
  }
}

// Records where the run ended, from the last batch; returns what a stage threw there, if anything.
std::exception_ptr EndAt(const Batch& batch, AuditOutcome& outcome) {
  outcome.status = batch.stop;
  outcome.failed_seq = batch.failed_seq;
  return batch.thrown;
}

// A run that found no failure has checked every record the header promised; says so if not, so that
// a fault in the stages can never pass for a clean file.
void CheckComplete(AuditOutcome& outcome) {
  if (!outcome.status.ok() || outcome.records == outcome.header.record_count()) return;
  outcome.failed_seq = outcome.header.first_seq() + outcome.records;
  outcome.status = Status::Error(
      v1::ERROR_CODE_EXPORT_MALFORMED,
      "record " + std::to_string(outcome.failed_seq) + ": the check stopped after " +
          std::to_string(outcome.records) + " of the " +
          std::to_string(outcome.header.record_count()) +
          " records without naming a failure; this is a fault in lcp-audit, so the file is not "
          "vouched for");
}

}  // namespace

std::string DescribeRulesVersions(const AuditOutcome& outcome) {
  if (outcome.rules_max == 0) return "no rules version";
  if (outcome.rules_min == outcome.rules_max) {
    return "rules version " + std::to_string(outcome.rules_max);
  }
  return "rules versions " + std::to_string(outcome.rules_min) + " to " +
         std::to_string(outcome.rules_max);
}

AuditOutcome VerifyExport(std::istream& in) {
  AuditOutcome outcome;
  ExportReader reader(in);
  if (!ReadHeader(reader, /*from_genesis=*/false, outcome)) return outcome;
  Reading reading(reader, outcome.header);
  bool ended = false;
  std::exception_ptr thrown;  // What a stage threw after the last record checked.
  try {
    while (Batch* batch = reading.read().Pop()) {
      CheckBatch(*batch, [&](const v1::JournalRecord& record, v1::JournalEntry& entry) {
        return CheckBodyAndCheckpoint(record, entry, outcome);
      });
      outcome.records += batch->count;
      if (batch->last) {
        thrown = EndAt(*batch, outcome);
        ended = true;
        break;
      }
      reading.Return(batch);
    }
  } catch (...) {
    reading.Stop();
    throw;
  }
  reading.Stop();
  if (thrown) std::rethrow_exception(thrown);
  if (!ended) reading.RethrowIfThrown();
  CheckComplete(outcome);
  return outcome;
}

AuditOutcome ReplayExport(std::istream& in, Journal& journal) {
  AuditOutcome outcome;
  ExportReader reader(in);
  if (!ReadHeader(reader, /*from_genesis=*/true, outcome)) return outcome;
  journal.Reserve(outcome.header.record_count());

  Reading reading(reader, outcome.header);
  BatchQueue checked;
  std::exception_ptr checker_threw;
  std::thread checker([&] {
    NameThread("lcp-audit-check");
    try {
      while (Batch* batch = reading.read().Pop()) {
        CheckBatch(*batch, [](const v1::JournalRecord& record, v1::JournalEntry& entry) {
          return Journal::CheckBody(record, entry);
        });
        // Once pushed, the batch is the engine's, and then the reader's again: read it before.
        const bool last = batch->last;
        checked.Push(batch);
        if (last) break;
      }
    } catch (...) {
      checker_threw = std::current_exception();
    }
    checked.Close();
  });
  // Stops the reader (which also wakes the checker) and waits for both threads.
  auto stop = [&] {
    reading.Stop();
    checker.join();
  };
  bool ended = false;
  std::exception_ptr thrown;  // What a stage threw after the last record re-executed.
  try {
    while (!ended) {
      Batch* batch = checked.Pop();
      if (batch == nullptr) break;  // A stage threw.
      for (std::size_t i = 0; i < batch->count; ++i) {
        // The key index is the one large table every entry looks up at a random place; asking for
        // that place a few entries ahead hides most of the wait for memory.
        constexpr std::size_t kKeyPrefetchDistance = 8;
        if (i + kKeyPrefetchDistance < batch->count) {
          journal.PrefetchKey(batch->entries[i + kKeyPrefetchDistance]->idempotency_key());
        }
        const v1::JournalRecord& record = batch->records[i];
        Status status = journal.ReplayChecked(record, *batch->entries[i]);
        if (!status.ok()) {
          outcome.status = std::move(status);
          outcome.failed_seq = record.seq();
          ended = true;
          break;
        }
        NoteRules(*batch->entries[i], outcome);
        ++outcome.records;
      }
      if (!ended && batch->last) {
        thrown = EndAt(*batch, outcome);
        ended = true;
      }
      if (!ended) reading.Return(batch);
    }
  } catch (...) {
    stop();
    throw;
  }
  stop();
  // A failure the engine reached comes first; a throw only if nothing failed before it, as it would
  // one record at a time.
  if (thrown) std::rethrow_exception(thrown);
  if (!ended) {
    reading.RethrowIfThrown();
    if (checker_threw) std::rethrow_exception(checker_threw);
  }
  CheckComplete(outcome);
  return outcome;
}

}  // namespace lcp

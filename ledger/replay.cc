#include "ledger/replay.h"

#include <functional>

#include "ledger/chain.h"
#include "ledger/export_file.h"

namespace lcp {
namespace {

using RecordCheck = std::function<Status(const v1::JournalRecord&, const v1::ExportHeader&)>;

// Reads the header and then every record, passing each to `check`; finally checks that the records
// were as many as the header said and ended at its head hash.
AuditOutcome Walk(std::istream& in, bool from_genesis, const RecordCheck& check) {
  AuditOutcome outcome;
  ExportReader reader(in);
  Result<v1::ExportHeader> header = reader.ReadHeader();
  if (!header.ok()) {
    outcome.status = header.status();
    return outcome;
  }
  outcome.header = *header;
  if (from_genesis && header->record_count() != 0 &&
      (header->first_seq() != 1 || header->first_prev_hash() != GenesisHash())) {
    outcome.status = Status::Error(
        v1::ERROR_CODE_EXPORT_MALFORMED,
        "export header: a replay needs the whole journal from record 1, but the file starts at "
        "record " + std::to_string(header->first_seq()) + " (use verify for a range)");
    return outcome;
  }
  const std::uint64_t first = header->record_count() == 0 ? 1 : header->first_seq();
  std::string last_hash = header->first_prev_hash();
  while (true) {
    const std::uint64_t position = first + outcome.records;
    Result<std::optional<v1::JournalRecord>> next = reader.Next();
    if (!next.ok()) {
      outcome.failed_seq = position;
      outcome.status = Status::Error(next.status().code(), "record " + std::to_string(position) +
                                                               ": " + next.status().message());
      return outcome;
    }
    if (!next->has_value()) break;
    const v1::JournalRecord& record = **next;
    if (outcome.records == header->record_count()) {
      outcome.failed_seq = position;
      outcome.status = Status::Error(
          v1::ERROR_CODE_EXPORT_MALFORMED,
          "record " + std::to_string(position) + ": the header promises only " +
              std::to_string(header->record_count()) + " records, but the file has more");
      return outcome;
    }
    Status status = check(record, *header);
    if (!status.ok()) {
      outcome.failed_seq = position;
      outcome.status = std::move(status);
      return outcome;
    }
    last_hash = record.hash();
    ++outcome.records;
  }
  if (outcome.records != header->record_count()) {
    outcome.failed_seq = first + outcome.records;
    outcome.status = Status::Error(
        v1::ERROR_CODE_EXPORT_MALFORMED,
        "record " + std::to_string(outcome.failed_seq) + ": missing; the header promises " +
            std::to_string(header->record_count()) + " records but the file ends after " +
            std::to_string(outcome.records) + " (it is truncated)");
    return outcome;
  }
  if (last_hash != header->head_hash()) {
    outcome.failed_seq = header->last_seq();
    outcome.status = Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED,
                                   "export header: its head hash " + ToHex(header->head_hash()) +
                                       " is not the hash of the last record, " + ToHex(last_hash));
    return outcome;
  }
  return outcome;
}

// The body must be a journal entry; a month close's checkpoint must name the record before it, whose
// hash is this record's prev_hash (already checked against the chain).
Status CheckBodyAndCheckpoint(const v1::JournalRecord& record, std::uint64_t& checkpoints) {
  v1::JournalEntry entry;
  const std::string where = "record " + std::to_string(record.seq()) + ": ";
  if (!entry.ParseFromString(record.body())) {
    return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT, where + "its body is not a readable journal entry");
  }
  if (!entry.has_checkpoint()) {
    if (!entry.command().has_close_month()) return Status::Ok();
    return Status::Error(v1::ERROR_CODE_CHAIN_BROKEN,
                         where + "it closes a month but records no checkpoint of the chain head");
  }
  const v1::Checkpoint& checkpoint = entry.checkpoint();
  if (checkpoint.seq() + 1 != record.seq() || checkpoint.hash() != record.prev_hash()) {
    return Status::Error(v1::ERROR_CODE_CHAIN_BROKEN,
                         where + "its month-close checkpoint names entry " +
                             std::to_string(checkpoint.seq()) + " with hash " +
                             ToHex(checkpoint.hash()) + ", not the entry before it, " +
                             std::to_string(record.seq() - 1) + " with hash " +
                             ToHex(record.prev_hash()));
  }
  ++checkpoints;
  return Status::Ok();
}

}  // namespace

AuditOutcome VerifyExport(std::istream& in) {
  std::uint64_t prev_seq = 0;
  std::string prev_hash;
  bool started = false;
  std::uint64_t checkpoints = 0;
  AuditOutcome outcome = Walk(in, /*from_genesis=*/false,
              [&](const v1::JournalRecord& record, const v1::ExportHeader& header) {
    if (!started) {
      // The first record must start where the header says the file starts.
      started = true;
      prev_seq = header.first_seq() - 1;
      prev_hash = header.first_prev_hash();
    }
    LCP_RETURN_IF_ERROR(VerifyLink(record, prev_seq, prev_hash));
    LCP_RETURN_IF_ERROR(CheckBodyAndCheckpoint(record, checkpoints));
    prev_seq = record.seq();
    prev_hash = record.hash();
    return Status::Ok();
  });
  outcome.checkpoints = checkpoints;
  return outcome;
}

AuditOutcome ReplayExport(std::istream& in, Journal& journal) {
  return Walk(in, /*from_genesis=*/true,
              [&](const v1::JournalRecord& record, const v1::ExportHeader&) {
                return journal.Replay(record);
              });
}

}  // namespace lcp

// The command decoder and the engine on arbitrary commands, against the seeded ledger, through the
// public Journal API as the server drives it (services/sequencer.cc): the input is one actor byte
// and then a serialized SubmitRequest. Asserts: nothing crashes; every accepted entry's postings
// are canonical amounts that sum to zero; a refused command leaves the state as it was; a batch
// taken back (all or nothing, or a dry run) leaves the state as it was before the batch; and the
// records kept replay, from a new journal, to the same state.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "lcp/v1/ledger_service.pb.h"
#include "ledger/base/decimal.h"
#include "ledger/engine/journal.h"

namespace {

// Fewer commands than the server's 8,192 keep each run fast; what a long batch adds is more of the
// same.
constexpr int kCommandsMax = 32;

const lcp::Journal& SeededJournal() {
  static const lcp::Journal journal = [] {
    lcp::Journal seeded;
    for (const lcp::v1::JournalRecord& record : lcp::fuzz::SeedRecords()) {
      lcp::fuzz::Require(seeded.Replay(record).ok(), "the seed records replay");
    }
    return seeded;
  }();
  return journal;
}

void CheckAccepted(const lcp::v1::JournalRecord& record) {
  lcp::v1::JournalEntry entry;
  lcp::fuzz::Require(entry.ParseFromString(record.body()), "an accepted entry's body parses");
  lcp::Int sum = 0;
  for (const lcp::v1::Posting& posting : entry.postings()) {
    lcp::Result<lcp::Money> amount = lcp::Money::Parse(posting.amount().value());
    lcp::fuzz::Require(amount.ok(),
                       "an accepted posting's amount parses: " + posting.amount().value());
    lcp::fuzz::Require(amount->IsText(posting.amount().value()),
                       "an accepted posting's amount is canonical: " + posting.amount().value());
    sum += amount->pence();
  }
  lcp::fuzz::Require(sum.is_zero(), "an accepted entry's postings sum to zero, not " + sum.str() +
                                        " pence (seq " + std::to_string(record.seq()) + ")");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::vector<lcp::v1::Actor>& actors = lcp::fuzz::Actors();
  const lcp::v1::Actor& actor = actors[data[0] % actors.size()];
  lcp::v1::SubmitRequest request;
  if (!request.ParseFromArray(data + 1, static_cast<int>(size - 1))) return 0;
  if (request.commands_size() > kCommandsMax) return 0;

  lcp::Journal journal = SeededJournal();
  const std::string digest_before = lcp::fuzz::StateDigest(journal);
  const bool group = request.all_or_nothing() || request.dry_run();
  if (group) journal.BeginGroup();
  std::vector<lcp::v1::JournalRecord> accepted;
  bool refused = false;
  for (const lcp::v1::CommandRequest& command : request.commands()) {
    const std::string before = lcp::fuzz::StateDigest(journal);
    const std::uint64_t head = journal.head_seq();
    lcp::Result<lcp::v1::JournalRecord> record =
        journal.Submit(command.command(), lcp::fuzz::Envelope(actor, command.idempotency_key()),
                       lcp::Journal::FieldCheck::kCheck);
    if (record.ok()) {
      lcp::fuzz::Require(record->seq() == head + 1 && journal.head_seq() == head + 1,
                         "an accepted command is the next entry");
      lcp::fuzz::Require(journal.head_hash() == record->hash(), "the head is the new record");
      CheckAccepted(*record);
      accepted.push_back(*std::move(record));
    } else {
      lcp::fuzz::Require(
          lcp::fuzz::StateDigest(journal) == before,
          "a refused command (" + record.status().ToString() + ") leaves the state unchanged");
      refused = true;
      if (request.all_or_nothing()) break;
    }
  }
  if (group) {
    const bool keep = !request.dry_run() && !refused;
    journal.EndGroup(keep);
    if (!keep) {
      lcp::fuzz::Require(lcp::fuzz::StateDigest(journal) == digest_before,
                         "a batch taken back leaves the state as it was");
      accepted.clear();
    }
  }
  if (accepted.empty()) return 0;

  // What was kept replays, from a new journal, to the same state.
  lcp::Journal replayed = SeededJournal();
  for (const lcp::v1::JournalRecord& record : accepted) {
    const lcp::Status status = replayed.Replay(record);
    lcp::fuzz::Require(status.ok(), "an accepted record replays: " + status.ToString());
  }
  lcp::fuzz::Require(lcp::fuzz::StateDigest(replayed) == lcp::fuzz::StateDigest(journal),
                     "the replay reaches the same state");
  return 0;
}

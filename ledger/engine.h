// The engine: the ledger's rules as two functions. Decide() reads the state and a command and
// returns the command's change-set or the reason it is refused; Apply() folds an accepted
// change-set into the state and cannot fail. The server and the auditor's replay run the same two
// functions, so a replay reproduces every posting.
//
// Decide() runs its checks in a fixed order and returns the first that fails; each failure has its
// own ErrorCode. Nothing reads a clock, a random source or an unordered container.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "lcp/v1/ledger.pb.h"
#include "ledger/state.h"
#include "ledger/status.h"

namespace lcp {

inline constexpr std::size_t kPostingsPerJournalMin = 2;
inline constexpr std::size_t kPostingsPerJournalMax = 256;
inline constexpr std::size_t kBudgetLinesPerYearMax = 64;
inline constexpr std::size_t kNameLengthMax = 200;
inline constexpr std::size_t kNarrativeLengthMax = 500;

// A command's changes: what Decide builds and Apply folds into the state. Each change puts one
// record (inserting it or replacing the one with the same key) or records one fact; none of them
// can fail, and Apply derives the step that takes each back from the change itself, so no command
// has undo code of its own. Records are values that Decide builds whole (a contract, a year with
// its agreement and closes), so that Apply only installs them.
struct PutPractice {
  Practice practice;
};
struct PutProvider {
  Provider provider;
};
// A year opened, or its new value after an agreement, a co-signature, a month close or a
// settlement.
struct PutYear {
  Year year;
};
// A contract registered, or its new value after an approval, variation, payment, close or a year's
// opening or settlement.
struct PutContract {
  std::shared_ptr<const Contract> contract;
};
struct AddInterest {
  Interest interest;
};
// A payment's (provider, invoice reference), known by the entry that posts it.
struct RecordInvoice {
  std::string provider;
  std::string reference;
};
// A year and line's band weights, as version (the entry's seq) and the latest for them.
struct PutWeights {
  WeightsVersion weights;
};
// One practice's registered list in one extract.
struct PutList {
  std::string extract_date;
  std::string ods_code;
  BandCounts counts{};
};
// A year's needs indices and market-forces factors, as version (the entry's seq) and the latest.
struct PutIndices {
  IndicesVersion indices;
};
// A capitation run, computed by Decide (its seq is the entry's), and the latest for its year and
// line.
struct RecordAllocation {
  std::shared_ptr<const AllocationRun> run;
};
// The entry `seq` is reversed by this one.
struct MarkReversed {
  std::uint64_t seq = 0;
};
// A year and line's confirmations of its total, the new one last.
struct PutLineTotals {
  int year = 0;
  std::string line;
  std::vector<LineTotal> totals;
};
// A budget transfer proposed, or approved by this entry: then Apply also adds each practice's moved
// amount to Notices::transferred (to the to-line, and its negation to the from-line).
struct PutTransfer {
  BudgetTransfer transfer;
};
// A practice's acknowledgement of a run.
struct PutAcknowledgement {
  std::uint64_t run_seq = 0;
  std::string ods_code;
  Acknowledgement acknowledgement;
};
// A practice's sign-up for a year, replacing an earlier one.
struct PutSignature {
  int year = 0;
  std::string ods_code;
  Signature signature;
};
// A practice's leaving, in effect or pending.
struct PutMemberStatus {
  std::string ods_code;
  MemberStatus status;
};

using Change =
    std::variant<PutPractice, PutProvider, PutYear, PutContract, AddInterest, RecordInvoice,
                 PutWeights, PutList, PutIndices, RecordAllocation, MarkReversed, PutLineTotals,
                 PutTransfer, PutAcknowledgement, PutSignature, PutMemberStatus>;

// The chain head before a month close (the seq and hash of the entry before it), recorded in its
// entry.
struct Checkpoint {
  std::uint64_t seq = 0;
  std::string hash;
};

// Everything an accepted command does, as Decide states it: the postings (in one period, but for
// legs that carry their own), what the entry records besides them, whether it may ever be reversed,
// and its changes to the records of the state.
struct ChangeSet {
  int year = 0;   // Start year of the period; 0 when nothing is posted.
  int month = 0;  // 1..12; 0 when nothing is posted.
  std::vector<Leg> legs;
  std::uint64_t reverses_seq = 0;  // Recorded in the entry; a MarkReversed change goes with it.
  std::optional<Checkpoint> checkpoint;
  Irreversible irreversible = Irreversible::kNo;
  std::vector<Change> changes;  // Applied in order.
};

// Returns the changes of `command` on `state`, or the first check it fails. Never changes anything.
// `envelope` is the entry's envelope: its actor, recorded time and rules version (its command and
// postings are not read). The actor matters only to the rules that name who may do something to a
// particular record (a contract's approver is not its proposer; a practice acts only for itself);
// which roles may issue which commands at all is permissions.h, checked before Decide. The recorded
// time is a fact the entry records (when a notice was given), never a clock the engine reads. The
// rules version (notices.h) says which rules decide: a replay decides an old entry by the rules it
// was recorded under.
Result<ChangeSet> Decide(const State& state, const v1::Command& command,
                         const v1::JournalEntry& envelope);

// The steps that take the state back, newest last; see Undo().
using UndoLog = std::vector<std::function<void(State&)>>;

// Folds an accepted change-set into the state as entry number state.last_seq() + 1: each change in
// order, then the legs into the balances, then the entry's facts. When `undo` is given, appends the
// steps that take each of these back, so that a dry run or an all-or-nothing batch can be undone.
// Checks (LCP_CHECK, on in every build) that every year's legs sum to zero, and at a month close
// that every balance equals the sum of the legs kept for it. REQUIRES: `changes` is what
// Decide(state, ...) returned. Taken by value: the state keeps its legs and records, so a caller
// done with them moves them in.
void Apply(State& state, ChangeSet changes, UndoLog* undo = nullptr);

// Runs the steps of `undo` newest first, then clears it: the state is as it was before the Apply
// calls that logged them.
void Undo(State& state, UndoLog& undo);

// The change-set as it is recorded in a JournalEntry (period, postings, reverses_seq, checkpoint).
void RecordInEntry(const ChangeSet& changes, v1::JournalEntry& entry);

// Whether every balance of `state` equals the sum of the legs kept for its account and year; the
// first difference otherwise, as "2026/27 lcp:cash: balance 1.00, legs 2.00".
std::optional<std::string> BalancesDifferFromLegs(const State& state);

// Appends a PutContract for each of `contracts`; a change-set that changes a contract is not
// reversible (the contract's own figures follow its entries; a variation or a close corrects them).
void AddContracts(ChangeSet& changes, std::vector<std::shared_ptr<const Contract>> contracts);

}  // namespace lcp

// A command's change-set: what the engine's Decide builds and Apply folds into the state
// (ledger/engine/engine.h), as plain values. It is the vocabulary the rules (ledger/rules/) build
// their answers in, so it lives on the floor below both: the rules know the change-set, never the
// engine that applies it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/state.h"

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
// amount to Notices::transferred (to the to-line, or to the receiving practice on the line, and
// its negation to the from-line).
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
// Every version of a year's membership terms, the new one last.
struct PutMembershipTerms {
  int year = 0;
  std::vector<MembershipTerms> versions;
};

// A business case submitted, or its new value after a consent, a question or answer, a decision, a
// draw-down or a close: Apply also moves Cases::held by what the case holds more or less.
struct PutCase {
  std::shared_ptr<const BusinessCase> business_case;
};

using Change = std::variant<PutPractice, PutProvider, PutYear, PutContract, AddInterest,
                            RecordInvoice, PutWeights, PutList, PutIndices, RecordAllocation,
                            MarkReversed, PutLineTotals, PutTransfer, PutAcknowledgement,
                            PutSignature, PutMemberStatus, PutMembershipTerms, PutCase>;

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

// Appends a PutContract for each of `contracts`; a change-set that changes a contract is not
// reversible (the contract's own figures follow its entries; a variation or a close corrects them).
void AddContracts(ChangeSet& changes, std::vector<std::shared_ptr<const Contract>> contracts);

}  // namespace lcp

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
#include "ledger/base/change_set.h"
#include "ledger/base/state.h"
#include "ledger/base/status.h"

namespace lcp {

// Returns the changes of `command` on `state`, or the first check it fails. Never changes anything.
// `envelope` is the entry's envelope: its actor, recorded time and rules version (its command and
// postings are not read). The actor matters only to the rules that name who may do something to a
// particular record (a contract's approver is not its proposer; a practice acts only for itself);
// which roles may issue which commands at all is permissions.h, checked before Decide. The recorded
// time is a fact the entry records (when a notice was given), never a clock the engine reads. The
// rules version (base/rules_version.h) says which rules decide: a replay decides an old entry by
// the rules it was recorded under.
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

}  // namespace lcp

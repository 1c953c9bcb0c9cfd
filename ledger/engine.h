// The engine: the ledger's rules as two pure functions. Decide() reads the state and a command and
// returns the command's effects or the reason it is refused; Evolve() applies accepted effects. The
// server and the auditor's replay run the same two functions, so a replay reproduces every posting.
//
// Decide() runs its checks in a fixed order and returns the first that fails; each failure has its own
// ErrorCode. Nothing reads a clock, a random source or an unordered container.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ledger/state.h"
#include "ledger/status.h"
#include "lcp/v1/ledger.pb.h"

namespace lcp {

inline constexpr std::size_t kPostingsPerJournalMin = 2;
inline constexpr std::size_t kPostingsPerJournalMax = 256;
inline constexpr std::size_t kBudgetLinesPerYearMax = 64;
inline constexpr std::size_t kNameLengthMax = 200;
inline constexpr std::size_t kNarrativeLengthMax = 500;

// What an accepted command does: the postings it makes, in one period.
struct Effects {
  int year = 0;   // Start year of the period; 0 when nothing is posted.
  int month = 0;  // 1..12; 0 when nothing is posted.
  std::vector<Leg> legs;
  std::uint64_t reverses_seq = 0;
  // For a RunAllocation: the run, computed by Decide (its seq is the entry's).
  std::shared_ptr<const AllocationRun> run;
  // For contract commands (and an OpenYear that commits contracts): each changed contract's new value.
  std::vector<std::shared_ptr<const Contract>> contracts;
  // For a DeclareInterest: the declaration.
  std::optional<Interest> interest;
  // For a PostPayment: (provider, invoice reference).
  std::optional<std::pair<std::string, std::string>> invoice;
  // For risk-sharing commands, month closes and settlements: the year's new value.
  std::optional<Year> year_after;
  // For a CloseMonth: the chain head before it (seq, hash), recorded in the entry.
  std::optional<std::pair<std::uint64_t, std::string>> checkpoint;
};

// Returns the effects of `command`, issued by `actor`, on `state`, or the first check it fails. Never
// changes anything. The actor matters only to the rules that name who may do something to a
// particular record (a contract's approver is not its proposer; a practice declares only its own
// interests); which roles may issue which commands at all is permissions.h, checked before Decide.
Result<Effects> Decide(const State& state, const v1::Command& command, const v1::Actor& actor);

// The steps that take the state back, newest last; see Undo().
using UndoLog = std::vector<std::function<void(State&)>>;

// Applies the effects of an accepted command as entry number state.last_seq() + 1. When `undo` is
// given, appends the steps that reverse each change, so that an all-or-nothing batch can be taken back.
// Every branch of Evolve must log the inverse of each change it makes.
// REQUIRES: `effects` is what Decide(state, command) returned. Taken by value: the state keeps its
// legs, so a caller done with them moves them in.
void Evolve(State& state, const v1::Command& command, Effects effects, UndoLog* undo = nullptr);

// Runs the steps of `undo` newest first, then clears it: the state is as it was before the Evolve calls
// that logged them.
void Undo(State& state, UndoLog& undo);

// The effects as they are recorded in a JournalEntry (period, postings, reverses_seq, checkpoint).
void RecordEffects(const Effects& effects, v1::JournalEntry& entry);

}  // namespace lcp

// The engine: the ledger's rules as two pure functions. Decide() reads the state and a command and
// returns the command's effects or the reason it is refused; Evolve() applies accepted effects. The
// server and the auditor's replay run the same two functions, so a replay reproduces every posting.
//
// Decide() runs its checks in a fixed order and returns the first that fails; each failure has its own
// ErrorCode. Nothing reads a clock, a random source or an unordered container.
#pragma once

#include <cstdint>
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
};

// Returns the effects of `command` on `state`, or the first check it fails. Never changes anything.
Result<Effects> Decide(const State& state, const v1::Command& command);

// Applies the effects of an accepted command as entry number state.last_seq() + 1.
// REQUIRES: `effects` is what Decide(state, command) returned.
void Evolve(State& state, const v1::Command& command, const Effects& effects);

// The effects as they are recorded in a JournalEntry (period, postings, reverses_seq).
void RecordEffects(const Effects& effects, v1::JournalEntry& entry);

}  // namespace lcp

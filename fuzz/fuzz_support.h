// What the fuzz targets share: a small seeded ledger built through the public Journal API, the
// actors that may act on it, and a digest of the state that a refused command must leave unchanged.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lcp/v1/ledger.pb.h"
#include "ledger/engine/journal.h"

namespace lcp::fuzz {

// The actors a command target may act as: one of each role, two LCP finance officers (an approver
// is not the proposer), and a practice.
const std::vector<v1::Actor>& Actors();

// The envelope of a command submitted by `actor` with `key`, at a fixed time.
v1::JournalEntry Envelope(const v1::Actor& actor, const std::string& key);

// The commands of the seeded ledger, in order, each with the actor who issues it: practices
// A81001-3, providers RX1 and an LCP arm, the year 2026/27 (ELECTIVE, PRESCRIBING, COMMUNITY), a
// journal, the capitation inputs and an allocation, a BLOCK contract approved and paid, a
// risk-sharing agreement co-signed, and month M01 closed.
struct SeedCommand {
  v1::Command command;
  v1::Actor actor;
};
std::vector<SeedCommand> SeedCommands();

// The seeded ledger's records; aborts if the engine refuses any of them (the fuzz target would be
// fuzzing an empty ledger).
const std::vector<v1::JournalRecord>& SeedRecords();

// What a refused command must leave as it was: the whole state, every field of every record
// (DescribeState, ledger/base/state_digest.h).
std::string StateDigest(const Journal& journal);

// Aborts (so that libFuzzer records the input) with `what` when `condition` is false.
void Require(bool condition, const char* what);
void Require(bool condition, const std::string& what);

}  // namespace lcp::fuzz

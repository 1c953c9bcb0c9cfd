// The whole state as text, and its digest: every field of State and of every record it holds, so
// that two states with the same digest decide every later command alike. Used wherever "the same
// state" is checked: a refused or undone command leaves it unchanged, a replay reaches it again
// (the command fuzzer, tests/change_set_test.cc, the old-rules fixture's recorded digest).
//
// Every struct is taken apart with a structured binding that names each of its fields, so adding a
// field to the state and not to the digest does not compile (state_digest.cc; the ctest
// state_digest_guard grows each record of state.h in a copy and checks so). Left out, each by
// name with its reason: the counters that tell readers' copies to refresh (they count undos too)
// and the account numbering (an undone entry leaves its accounts numbered, which changes nothing).
#pragma once

#include <string>

#include "ledger/base/state.h"

namespace lcp {

// One line per fact, in a fixed order (every container the state walks is ordered).
std::string DescribeState(const State& state);

// SHA-256 of DescribeState, in hexadecimal.
std::string StateDigest(const State& state);

}  // namespace lcp

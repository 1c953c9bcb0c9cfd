// The ledger's state: everything the engine needs to decide the next command, derived only by folding
// the engine over the journal (engine.h). Ordered containers only, so that nothing depends on hashing or
// insertion order.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ledger/decimal.h"
#include "lcp/v1/ledger.pb.h"

namespace lcp {

struct Practice {
  std::string ods_code;
  std::string name;
};

struct Provider {
  std::string code;
  std::string name;
  v1::ProviderKind kind = v1::PROVIDER_KIND_UNSPECIFIED;
};

struct Year {
  int start_year = 0;
  std::vector<std::string> lines;  // In the order they were given.
  std::set<std::string> line_set;
};

// One leg of a transaction as the engine keeps it.
struct Leg {
  std::string account;
  Money amount;
  bool operator==(const Leg& other) const = default;
};

// What the engine remembers of each accepted entry.
struct EntryFacts {
  int year = 0;   // The start year of the postings' period; 0 when the entry posts nothing.
  int month = 0;  // 1..12; 0 when the entry posts nothing.
  std::vector<Leg> legs;
  std::uint64_t reverses_seq = 0;  // For a reversal, the entry it reverses.
  std::uint64_t reversed_by = 0;   // The reversal of this entry, once there is one.
};

// Balances in pence: by financial year (start year), then by account path.
using Balances = std::map<int, std::map<std::string, Int>>;

struct State {
  std::map<std::string, Practice> practices;  // By ODS code.
  std::map<std::string, Provider> providers;  // By code.
  std::map<int, Year> years;                  // By start year.
  Balances balances;
  std::vector<EntryFacts> entries;  // entries[seq - 1].
  std::map<std::string, std::uint64_t> seq_by_key;  // The entry that recorded each idempotency key.

  std::uint64_t last_seq() const { return entries.size(); }
};

}  // namespace lcp

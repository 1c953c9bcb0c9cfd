// The chart of accounts. An account is a colon-separated path:
//
//   practice:<ODS>:<category>[:<LINE>]   a member practice's budget, commitments, spend, ...
//   provider:<CODE>:<category>           what the LCP owes a provider
//   lcp:<category>[:<LINE>]              the partnership's own accounts
//   pct:<category>[:<LINE>]              the commissioner's side
//
// Which categories exist, and which of them are kept per budget line, is the table kCategories in
// accounts.cc (mirrored in docs/concepts.md). Balances are kept per financial year, so a path has
// no year.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace lcp {

inline constexpr std::size_t kAccountLengthMax = 128;

enum class Scope { kPractice, kProvider, kLcp, kPct };

struct CategorySpec {
  Scope scope;
  std::string_view name;
  bool per_line;  // The path ends with a budget line.
  std::string_view meaning;
};

// Every category of the chart, in the order docs/concepts.md lists them.
std::span<const CategorySpec> Categories();

// A parsed account path. Its parts are views into the path that was parsed, which must outlive them.
struct AccountRef {
  Scope scope = Scope::kLcp;
  std::string_view party;  // The practice's ODS code or the provider's code; empty for lcp and pct.
  std::string_view category;
  std::string_view line;  // Empty unless the category is per line.
};

// Parses and checks the shape of an account path (ACCOUNT_MALFORMED). Whether its practice, provider and
// line exist is the engine's concern. Every posting's account comes through here, so it builds nothing
// but the views of its result (and a message on failure).
Result<AccountRef> ParseAccount(std::string_view path);

// Where ParseAccount found the parts of a path, as offsets into it, so that the AccountRef of an equal
// path can be rebuilt without parsing it again (the state keeps one for every account posted to).
struct AccountShape {
  Scope scope = Scope::kLcp;
  std::uint8_t party_begin = 0, party_size = 0;  // Paths are at most kAccountLengthMax characters.
  std::uint8_t category_begin = 0, category_size = 0;
  std::uint8_t line_begin = 0, line_size = 0;

  // REQUIRES: `ref` is ParseAccount(path)'s.
  static AccountShape Of(std::string_view path, const AccountRef& ref);
  // The AccountRef of `path`. REQUIRES: path equals the one this shape was made of.
  AccountRef Over(std::string_view path) const {
    return AccountRef{scope, path.substr(party_begin, party_size),
                      path.substr(category_begin, category_size), path.substr(line_begin, line_size)};
  }
};
static_assert(kAccountLengthMax <= 255, "AccountShape keeps offsets in one byte");

// True for "A81001": one capital letter and five digits.
bool IsOdsPracticeCode(std::string_view code);
// True for "RX1", "NLO01": 3 to 8 capital letters and digits, starting with a letter.
bool IsProviderCode(std::string_view code);
// True for "PRESCRIBING": 1 to 32 characters, a capital letter then capitals, digits and underscores.
bool IsBudgetLineName(std::string_view name);

// Whether only contracts may post to the account: "practice:<ODS>:commitment:<LINE>" and
// "lcp:encumbrance:<LINE>" follow the contracts' own figures. REQUIRES: a well-formed path.
bool IsKeptByContracts(std::string_view path);
// The two sides of a reinvestment reserve carried from one year into the next (rules 6,
// ledger/rules/reserve.h): credited in the year it leaves, debited in the year it arrives.
inline constexpr std::string_view kReserveCarriedForwardAccount = "lcp:reserve_carried_forward";
inline constexpr std::string_view kReserveBroughtForwardAccount = "lcp:reserve_brought_forward";

// Whether only year settlements (and the carrying of reserves between years) may post to the
// account under rules `rules` (rules_version.h): "lcp:risk_pool", "lcp:reserve_carried_forward"
// and "lcp:reserve_brought_forward"; from rules 2 also "practice:<ODS>:reinvestment",
// "practice:<ODS>:risk_share" and "pct:risk_share". REQUIRES: a well-formed path.
bool IsKeptBySettlements(std::string_view path, std::uint32_t rules);
// Whether only allocation runs and budget transfers may post to the account (from rules 2):
// "practice:<ODS>:budget:<LINE>". REQUIRES: a well-formed path.
bool IsKeptByBudgets(std::string_view path);
// Whether the account is the PCT's allocation of a line, "pct:allocation:<LINE>", the other side
// of its practices' budgets (kept by runs and transfers from rules 3). REQUIRES: a well-formed
// path.
bool IsPctAllocation(std::string_view path);

// Builds "practice:<ods>:<category>[:<line>]".
std::string PracticeAccount(std::string_view ods, std::string_view category, std::string_view line = {});

}  // namespace lcp

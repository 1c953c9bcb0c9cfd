// Checks that more than one kind of command makes: the period, accounts and balance limits.
#pragma once

#include <string>
#include <vector>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/state.h"
#include "ledger/base/status.h"

namespace lcp {

// The period of a posting command: well formed, in an open year that is not settled, not closed.
struct OpenPeriod {
  const Year* year = nullptr;
  int month = 0;
};

// A year named by a command that changes it: well formed, open (YEAR_NOT_OPEN) and not settled
// (YEAR_SETTLED).
Result<const Year*> CheckOpenYear(const State& state, const std::string& year_text);

// As CheckOpenYear, and the month is well formed and not closed (MONTH_CLOSED).
Result<OpenPeriod> CheckPeriod(const State& state, const v1::Period& period);

// Checks that an account follows the chart and names a registered party and a line of `year`.
Status CheckAccount(const State& state, const Year& year, const std::string& path);

// A reason on the record (for `what`: "a confirmation", "a revision of a FINAL notice"): 1 to
// kNarrativeLengthMax bytes of UTF-8 text without control characters (NARRATIVE_INVALID).
Status CheckReason(const std::string& reason, const std::string& what);

// Checks that the legs would keep every balance of `start_year` within kBalancePenceMax.
// `distinct_accounts`: no two legs name the same account (the check is then linear).
Status CheckBalanceLimits(const State& state, int start_year, const std::vector<Leg>& legs,
                          bool distinct_accounts = false);

}  // namespace lcp

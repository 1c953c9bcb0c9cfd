// The largest-remainder split of DOMAIN.md ("Money"): every split of an amount among parties sums
// exactly to the amount.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ledger/base/decimal.h"
#include "ledger/base/status.h"

namespace lcp {

// One party's claim on a split: a non-negative weight (its quota is total * weight / sum of weights)
// and its place in the tie order (lower ranks win ties: practices by ODS code ascending, the LCP
// before the PCT).
struct Claim {
  Rational weight;
  std::uint32_t tie_rank = 0;
};

// The most parties one split may have.
inline constexpr std::size_t kSplitPartiesMax = 100'000;

// Splits `total` among `claims`: each party gets the floor of its exact quota in pence, then the leftover
// pence go one each to the parties with the largest fractional remainders, ties to the lower tie_rank.
// A negative total is split as its magnitude and every part negated. The parts come back in the order
// of `claims` and always sum to `total`; each is within one penny of its exact quota.
//
// Refuses (SPLIT_WEIGHTS_INVALID) no claims, more than kSplitPartiesMax, a negative weight, weights that
// are all zero, and tie ranks that are not distinct.
Result<std::vector<Money>> Apportion(const Money& total, std::span<const Claim> claims);

}  // namespace lcp

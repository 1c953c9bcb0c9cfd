#include "ledger/base/apportion.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "ledger/base/check.h"

namespace lcp {
namespace {

Status Invalid(std::string message) {
  return Status::Error(v1::ERROR_CODE_SPLIT_WEIGHTS_INVALID, std::move(message));
}

Status CheckClaims(std::span<const Claim> claims) {
  if (claims.empty()) return Invalid("a split needs at least one party");
  if (claims.size() > kSplitPartiesMax) {
    return Invalid("a split may have at most " + std::to_string(kSplitPartiesMax) + " parties");
  }
  std::set<std::uint32_t> ranks;
  bool any_positive = false;
  for (const Claim& claim : claims) {
    if (claim.weight < 0) return Invalid("a split weight may not be negative");
    if (claim.weight > 0) any_positive = true;
    if (!ranks.insert(claim.tie_rank).second) return Invalid("split tie ranks must be distinct");
  }
  if (!any_positive) return Invalid("a split needs at least one party with a positive weight");
  return Status::Ok();
}

}  // namespace

Result<std::vector<Money>> Apportion(const Money& total, std::span<const Claim> claims) {
  LCP_RETURN_IF_ERROR(CheckClaims(claims));
  const bool negative = total.is_negative();
  const Int magnitude = boost::multiprecision::abs(total.pence());

  std::vector<Int> parts(claims.size());
  // Each remainder is remainders[i] / remainder_denominator; one denominator for all, so they compare
  // as integers.
  std::vector<Int> remainders(claims.size());
  Int allotted = 0;
  const bool whole = std::all_of(claims.begin(), claims.end(), [](const Claim& claim) {
    return boost::multiprecision::denominator(claim.weight) == 1;
  });
  if (whole) {
    // Whole weights (an allocation's scaled weighted populations): quota_i = T x w_i / S exactly, as a
    // quotient and remainder over S, with no rational arithmetic at all.
    Int weight_sum = 0;
    for (const Claim& claim : claims) weight_sum += boost::multiprecision::numerator(claim.weight);
    for (std::size_t i = 0; i < claims.size(); ++i) {
      boost::multiprecision::divide_qr(magnitude * boost::multiprecision::numerator(claims[i].weight),
                                       weight_sum, parts[i], remainders[i]);
      allotted += parts[i];
    }
  } else {
    // Rational weights: bring the quotas over one common denominator D = S x L, where L is the lcm of
    // the weights' denominators and S the sum of the weights times L.
    Int lcm = 1;
    for (const Claim& claim : claims) {
      lcm = boost::multiprecision::lcm(lcm, boost::multiprecision::denominator(claim.weight));
    }
    std::vector<Int> scaled(claims.size());
    Int weight_sum = 0;
    for (std::size_t i = 0; i < claims.size(); ++i) {
      scaled[i] = boost::multiprecision::numerator(claims[i].weight) *
                  (lcm / boost::multiprecision::denominator(claims[i].weight));
      weight_sum += scaled[i];
    }
    for (std::size_t i = 0; i < claims.size(); ++i) {
      boost::multiprecision::divide_qr(magnitude * scaled[i], weight_sum, parts[i], remainders[i]);
      allotted += parts[i];
    }
  }

  Int leftover = magnitude - allotted;
  LCP_CHECK(leftover >= 0 && leftover < Int(claims.size()));
  std::vector<std::size_t> order(claims.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (remainders[a] != remainders[b]) return remainders[a] > remainders[b];
    return claims[a].tie_rank < claims[b].tie_rank;
  });
  for (std::size_t k = 0; leftover > 0; ++k, --leftover) parts[order[k]] += 1;

  std::vector<Money> result;
  result.reserve(parts.size());
  for (Int& part : parts) result.push_back(Money::FromPence(negative ? Int(-part) : std::move(part)));
  return result;
}

}  // namespace lcp

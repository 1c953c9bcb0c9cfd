// Tests of the largest-remainder split of ledger/base/apportion.h (DOMAIN.md, "Money" and "Risk
// sharing > Worked examples"). The expected parts of the worked splits were worked out by hand from
// the rules.
#include "ledger/base/apportion.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace lcp {
namespace {

using v1::ERROR_CODE_SPLIT_WEIGHTS_INVALID;
using Strings = std::vector<std::string>;

Money M(std::string_view text) {
  Result<Money> r = Money::Parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : Money();
}

// A weight given as decimal text, e.g. a rate "0.70" or an amount "4000000.00".
Rational W(std::string_view text) {
  Result<Rate> rate = Rate::Parse(text);
  if (rate.ok()) return rate->ToRational();
  return M(text).ToRational();
}

// Splits `total` and returns the parts as canonical text, or a one-element list naming the error.
Strings Split(std::string_view total, const std::vector<Claim>& claims) {
  Result<std::vector<Money>> parts = Apportion(M(total), claims);
  if (!parts.ok()) return {parts.status().ToString()};
  Strings out;
  for (const Money& part : *parts) out.push_back(part.ToString());
  return out;
}

ErrorCode SplitError(std::string_view total, const std::vector<Claim>& claims) {
  Result<std::vector<Money>> parts = Apportion(M(total), claims);
  return parts.ok() ? v1::ERROR_CODE_UNSPECIFIED : parts.status().code();
}

// Ranks 0, 1, 2, ... in input order: the party listed first wins ties.
std::vector<Claim> Ranked(const std::vector<Rational>& weights) {
  std::vector<Claim> claims;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    claims.push_back({weights[i], static_cast<std::uint32_t>(i)});
  }
  return claims;
}

// ---- The worked splits of DOMAIN.md.

TEST(ApportionTest, HundredPoundsEquallyAmongThreePractices) {
  // Quotas 33.333...; floors 33.33 each (99.99); the leftover penny goes to the first practice by
  // ODS code, all remainders being equal.
  EXPECT_EQ(Split("100.00", Ranked({1, 1, 1})), (Strings{"33.34", "33.33", "33.33"}));
  // Equal weights of any size, or as fractions, split the same way.
  EXPECT_EQ(Split("100.00", Ranked({W("0.25"), W("0.25"), W("0.25")})),
            (Strings{"33.34", "33.33", "33.33"}));
  EXPECT_EQ(Split("100.00", Ranked({Rational(1, 3), Rational(1, 3), Rational(1, 3)})),
            (Strings{"33.34", "33.33", "33.33"}));
}

TEST(ApportionTest, TieRuleExampleGoesToTheLcp) {
  // Worked example 3: quotas 0.035 / 0.015, floors 0.03 / 0.01, remainders 0.5p / 0.5p: a tie, so
  // the leftover penny goes to the LCP (tie rank 0).
  const Claim lcp{W("0.70"), 0};
  const Claim pct{W("0.30"), 1};
  EXPECT_EQ(Split("0.05", {lcp, pct}), (Strings{"0.04", "0.01"}));
  // The same when the PCT is listed first: parts come back in input order.
  EXPECT_EQ(Split("0.05", {pct, lcp}), (Strings{"0.01", "0.04"}));
}

TEST(ApportionTest, SavingsExampleLcpAndPct) {
  // Worked example 1: V = 300,000.00 shared LCP 0.70 / PCT 0.30, both quotas whole pence.
  EXPECT_EQ(Split("300000.00", {{W("0.70"), 0}, {W("0.30"), 1}}),
            (Strings{"210000.00", "90000.00"}));
}

TEST(ApportionTest, SavingsExampleAmongMembers) {
  // Budget part by pooled budgets: 105,000 * 4/10, 3.5/10, 2.5/10.
  EXPECT_EQ(Split("105000.00", Ranked({W("4000000.00"), W("3500000.00"), W("2500000.00")})),
            (Strings{"42000.00", "36750.00", "26250.00"}));
  // Contribution part by underspends 200,000 / 0 / 150,000: 105,000 * 4/7, 0, 3/7.
  EXPECT_EQ(Split("105000.00", Ranked({W("200000.00"), W("0.00"), W("150000.00")})),
            (Strings{"60000.00", "0.00", "45000.00"}));
}

TEST(ApportionTest, SavingsExampleEndToEnd) {
  // LCP keeps 210,000.00, split into budget and contribution parts by alpha 0.5 / 0.5, then among
  // members A, B, C: A 102,000.00, B 36,750.00, C 71,250.00.
  Result<std::vector<Money>> lcp_pct =
      Apportion(M("300000.00"), std::vector<Claim>{{W("0.70"), 0}, {W("0.30"), 1}});
  ASSERT_TRUE(lcp_pct.ok()) << lcp_pct.status().ToString();
  const Money lcp_share = (*lcp_pct)[0];
  Result<std::vector<Money>> alphas =
      Apportion(lcp_share, std::vector<Claim>{{W("0.5"), 0}, {W("0.5"), 1}});
  ASSERT_TRUE(alphas.ok()) << alphas.status().ToString();
  Result<std::vector<Money>> budget =
      Apportion((*alphas)[0], Ranked({W("4000000.00"), W("3500000.00"), W("2500000.00")}));
  Result<std::vector<Money>> contribution =
      Apportion((*alphas)[1], Ranked({W("200000.00"), W("0"), W("150000.00")}));
  ASSERT_TRUE(budget.ok() && contribution.ok());
  Strings shares;
  Money sum;
  for (std::size_t i = 0; i < 3; ++i) {
    const Money share = (*budget)[i] + (*contribution)[i];
    shares.push_back(share.ToString());
    sum += share;
  }
  EXPECT_EQ(shares, (Strings{"102000.00", "36750.00", "71250.00"}));
  EXPECT_EQ(sum.ToString(), "210000.00");
}

TEST(ApportionTest, OverspendExampleLcpAndPct) {
  // Worked example 2: 600,000.00 with the LCP's exact share as its quota and the PCT the rest.
  EXPECT_EQ(Split("600000.00", {{W("300000.00"), 0}, {W("300000.00"), 1}}),
            (Strings{"300000.00", "300000.00"}));
  EXPECT_EQ(Split("600000.00", {{W("350000.00"), 0}, {W("250000.00"), 1}}),
            (Strings{"350000.00", "250000.00"}));
}

// ---- The tie rule and the order of parts.

TEST(ApportionTest, TieGoesToLowerRankWhereverItIsListed) {
  // The lowest rank is listed last, so it gets the leftover penny although it comes last.
  EXPECT_EQ(Split("100.00", {{1, 2}, {1, 1}, {1, 0}}), (Strings{"33.33", "33.33", "33.34"}));
  EXPECT_EQ(Split("100.00", {{1, 7}, {1, 3}, {1, 5}}), (Strings{"33.33", "33.34", "33.33"}));
  // Two leftover pence among three equal parties: ranks 3 and 5 get them, not rank 9.
  EXPECT_EQ(Split("0.02", {{1, 5}, {1, 3}, {1, 9}}), (Strings{"0.01", "0.01", "0.00"}));
  EXPECT_EQ(Split("0.02", {{1, 9}, {1, 5}, {1, 3}}), (Strings{"0.00", "0.01", "0.01"}));
  // One penny among four: only the lowest rank gets it.
  EXPECT_EQ(Split("0.01", {{1, 40}, {1, 30}, {1, 20}, {1, 10}}),
            (Strings{"0.00", "0.00", "0.00", "0.01"}));
  // Ranks are compared as numbers, including the largest.
  EXPECT_EQ(Split("0.01", {{1, 4'294'967'295u}, {1, 4'294'967'294u}}), (Strings{"0.00", "0.01"}));
}

TEST(ApportionTest, LargerRemainderBeatsLowerRank) {
  // 1.00 by 1 : 2: quotas 33.33...p and 66.66...p, remainders 1/3 and 2/3: the penny goes to the
  // larger remainder although its rank is higher.
  EXPECT_EQ(Split("1.00", {{1, 0}, {2, 1}}), (Strings{"0.33", "0.67"}));
  // 0.10 by 0.15 / 0.25 / 0.60: quotas 1.5p, 2.5p, 6p; floors 1, 2, 6; one leftover penny, a tie
  // between the first two, so rank 0.
  EXPECT_EQ(Split("0.10", Ranked({W("0.15"), W("0.25"), W("0.60")})),
            (Strings{"0.02", "0.02", "0.06"}));
  // 0.10 by 0.14 / 0.26 / 0.60: quotas 1.4p, 2.6p, 6p: the penny goes to the larger remainder 0.6.
  EXPECT_EQ(Split("0.10", Ranked({W("0.14"), W("0.26"), W("0.60")})),
            (Strings{"0.01", "0.03", "0.06"}));
  // An exact quota is never topped up: 0.07 by 5 : 1 : 1 gives 5p, 1p, 1p exactly.
  EXPECT_EQ(Split("0.07", {{1, 0}, {1, 1}, {5, 2}}), (Strings{"0.01", "0.01", "0.05"}));
  // Quotas 0.999999999p and 0.000000001p of one penny: all of it to the first.
  EXPECT_EQ(Split("0.01", {{W("0.999999999"), 1}, {W("0.000000001"), 0}}),
            (Strings{"0.01", "0.00"}));
}

TEST(ApportionTest, NegativeTotalIsSplitAsItsMagnitudeThenNegated) {
  // Not floor-of-signed-quotas (which would give -33.33, -33.33, -33.34).
  EXPECT_EQ(Split("-100.00", Ranked({1, 1, 1})), (Strings{"-33.34", "-33.33", "-33.33"}));
  EXPECT_EQ(Split("-0.05", {{W("0.70"), 0}, {W("0.30"), 1}}), (Strings{"-0.04", "-0.01"}));
  EXPECT_EQ(Split("-1.00", {{1, 0}, {2, 1}}), (Strings{"-0.33", "-0.67"}));
  EXPECT_EQ(Split("-0.01", {{1, 1}, {0, 0}, {1, 2}}), (Strings{"-0.01", "0.00", "0.00"}));
  EXPECT_EQ(Split("-105000.00", Ranked({W("200000.00"), W("0.00"), W("150000.00")})),
            (Strings{"-60000.00", "0.00", "-45000.00"}));
}

TEST(ApportionTest, ZeroTotal) {
  EXPECT_EQ(Split("0.00", Ranked({1, 1, 1})), (Strings{"0.00", "0.00", "0.00"}));
  EXPECT_EQ(Split("-0.00", Ranked({W("0.70"), W("0.30")})), (Strings{"0.00", "0.00"}));
  Result<std::vector<Money>> parts = Apportion(Money(), Ranked({1, 2}));
  ASSERT_TRUE(parts.ok());
  for (const Money& part : *parts) EXPECT_FALSE(part.is_negative());
}

TEST(ApportionTest, SingleParty) {
  EXPECT_EQ(Split("123.45", {{W("0.5"), 42}}), (Strings{"123.45"}));
  EXPECT_EQ(Split("-0.01", {{Rational(7, 3), 0}}), (Strings{"-0.01"}));
  EXPECT_EQ(Split("999999999999.99", {{1, 0}}), (Strings{"999999999999.99"}));
  EXPECT_EQ(Split("0", {{W("0.000000001"), 0}}), (Strings{"0.00"}));
}

TEST(ApportionTest, SmallestAndLargestTotals) {
  EXPECT_EQ(Split("0.01", Ranked({1, 1, 1})), (Strings{"0.01", "0.00", "0.00"}));
  // 99,999,999,999,999 pence is divisible by 3.
  EXPECT_EQ(Split("999999999999.99", Ranked({1, 1, 1})),
            (Strings{"333333333333.33", "333333333333.33", "333333333333.33"}));
  // 99,999,999,999,999 = 7 * 14,285,714,285,714 + 1: one leftover penny, to rank 0.
  EXPECT_EQ(Split("-999999999999.99", Ranked({1, 1, 1, 1, 1, 1, 1})),
            (Strings{"-142857142857.15", "-142857142857.14", "-142857142857.14", "-142857142857.14",
                     "-142857142857.14", "-142857142857.14", "-142857142857.14"}));
}

TEST(ApportionTest, ZeroWeightPartiesGetNothing) {
  // Even when pence are left over and the zero-weight party has the lowest rank.
  EXPECT_EQ(Split("0.02", {{0, 0}, {1, 1}, {1, 2}, {1, 3}}),
            (Strings{"0.00", "0.01", "0.01", "0.00"}));
  EXPECT_EQ(Split("100.00", {{1, 1}, {0, 0}}), (Strings{"100.00", "0.00"}));
}

TEST(ApportionTest, ManyParties) {
  // kSplitPartiesMax equal parties, ranked in reverse of their listing, share 999.99 (99,999
  // pence): a penny each except the party with the highest rank, which is listed first.
  std::vector<Claim> claims(kSplitPartiesMax);
  for (std::size_t i = 0; i < claims.size(); ++i) {
    claims[i] = {1, static_cast<std::uint32_t>(claims.size() - i)};
  }
  Result<std::vector<Money>> parts = Apportion(M("999.99"), claims);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  ASSERT_EQ(parts->size(), kSplitPartiesMax);
  EXPECT_EQ((*parts)[0].pence(), Int(0));
  for (std::size_t i = 1; i < parts->size(); ++i) ASSERT_EQ((*parts)[i].pence(), Int(1)) << i;
}

// ---- Refusals.

TEST(ApportionTest, RefusesNoClaims) {
  EXPECT_EQ(SplitError("100.00", {}), ERROR_CODE_SPLIT_WEIGHTS_INVALID);
  EXPECT_EQ(SplitError("0.00", {}), ERROR_CODE_SPLIT_WEIGHTS_INVALID);
}

TEST(ApportionTest, RefusesNegativeWeight) {
  EXPECT_EQ(SplitError("100.00", {{1, 0}, {W("-0.000000001"), 1}}),
            ERROR_CODE_SPLIT_WEIGHTS_INVALID);
  EXPECT_EQ(SplitError("100.00", {{-1, 0}}), ERROR_CODE_SPLIT_WEIGHTS_INVALID);
  // A negative weight with positive ones that would sum to a positive total is still refused.
  EXPECT_EQ(SplitError("100.00", {{3, 0}, {-1, 1}, {3, 2}}), ERROR_CODE_SPLIT_WEIGHTS_INVALID);
  EXPECT_EQ(SplitError("-100.00", {{Rational(-1, 3), 0}, {1, 1}}),
            ERROR_CODE_SPLIT_WEIGHTS_INVALID);
}

TEST(ApportionTest, RefusesAllZeroWeights) {
  EXPECT_EQ(SplitError("100.00", {{0, 0}}), ERROR_CODE_SPLIT_WEIGHTS_INVALID);
  EXPECT_EQ(SplitError("100.00", {{0, 0}, {W("0.00"), 1}, {Rational(0, 5), 2}}),
            ERROR_CODE_SPLIT_WEIGHTS_INVALID);
  EXPECT_EQ(SplitError("0.00", {{0, 0}, {0, 1}}), ERROR_CODE_SPLIT_WEIGHTS_INVALID);
}

TEST(ApportionTest, RefusesDuplicateTieRanks) {
  EXPECT_EQ(SplitError("100.00", {{1, 0}, {1, 0}}), ERROR_CODE_SPLIT_WEIGHTS_INVALID);
  EXPECT_EQ(SplitError("100.00", {{1, 3}, {2, 1}, {1, 2}, {5, 1}}),
            ERROR_CODE_SPLIT_WEIGHTS_INVALID);
  // Even when the split needs no tie-break at all.
  EXPECT_EQ(SplitError("100.00", {{1, 7}, {1, 7}}), ERROR_CODE_SPLIT_WEIGHTS_INVALID);
  EXPECT_EQ(SplitError("0.00", {{1, 7}, {0, 7}}), ERROR_CODE_SPLIT_WEIGHTS_INVALID);
}

TEST(ApportionTest, RefusesTooManyParties) {
  std::vector<Claim> claims(kSplitPartiesMax + 1);
  for (std::size_t i = 0; i < claims.size(); ++i) claims[i] = {1, static_cast<std::uint32_t>(i)};
  EXPECT_EQ(SplitError("1000.00", claims), ERROR_CODE_SPLIT_WEIGHTS_INVALID);
}

TEST(ApportionTest, RefusalSaysWhatIsWrong) {
  Result<std::vector<Money>> parts = Apportion(M("1.00"), std::vector<Claim>{{1, 0}, {1, 0}});
  ASSERT_FALSE(parts.ok());
  EXPECT_FALSE(parts.status().message().empty());
}

// ---- Seeded properties.

// A random split: the total in pence and the claims.
struct RandomSplit {
  Int total;
  std::vector<Claim> claims;
};

class SplitGenerator {
 public:
  explicit SplitGenerator(std::uint64_t seed) : rng_(seed) {}

  RandomSplit Next() {
    RandomSplit split;
    split.total = Total();
    const std::size_t parties = Uniform(1, 40);
    // One style per split, so that some splits have many equal weights and therefore many ties.
    const std::uint64_t style = Uniform(0, 3);
    std::set<std::uint32_t> ranks;
    while (ranks.size() < parties) {
      // Mostly from a small range, so that ranks sit close together; sometimes anywhere.
      ranks.insert(static_cast<std::uint32_t>(Uniform(0, 1) == 0 ? Uniform(0, 100)
                                                                 : Uniform(0, UINT32_MAX)));
    }
    std::vector<std::uint32_t> rank_list(ranks.begin(), ranks.end());
    std::shuffle(rank_list.begin(), rank_list.end(), rng_);
    bool any_positive = false;
    for (std::size_t i = 0; i < parties; ++i) {
      Rational weight = Uniform(0, 4) == 0 ? Rational(0) : Weight(style);
      if (weight > 0) any_positive = true;
      split.claims.push_back({weight, rank_list[i]});
    }
    if (!any_positive) split.claims[Uniform(0, parties - 1)].weight = Weight(style);
    return split;
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  std::uint64_t Uniform(std::uint64_t lo, std::uint64_t hi) {
    return std::uniform_int_distribution<std::uint64_t>(lo, hi)(rng_);
  }

  // Up to 10^12 pence either way, spread over the orders of magnitude.
  Int Total() {
    const std::uint64_t digits = Uniform(0, 12);
    std::uint64_t limit = 1;
    for (std::uint64_t d = 0; d < digits; ++d) limit *= 10;
    Int magnitude(Uniform(0, limit));
    return Uniform(0, 1) == 0 ? magnitude : Int(-magnitude);
  }

  // A positive weight.
  Rational Weight(std::uint64_t style) {
    switch (style) {
      case 0:  // Small whole numbers: many equal weights.
        return Rational(Int(Uniform(1, 3)));
      case 1:  // Rates, 9 decimal places.
        return Rational(Int(Uniform(1, 999'999'999'999'999)), Int(1'000'000'000));
      case 2:  // Amounts of money (budgets, underspends), 2 decimal places.
        return Rational(Int(Uniform(1, 99'999'999'999'999)), Int(100));
      default:  // General fractions.
        return Rational(Int(Uniform(1, 1'000'000)), Int(Uniform(1, 1'000)));
    }
  }

  std::mt19937_64 rng_;
};

std::string Describe(const RandomSplit& split) {
  std::string out = "total " + Money::FromPence(split.total).ToString() + ", claims:";
  for (const Claim& claim : split.claims) {
    out += " (" + boost::multiprecision::numerator(claim.weight).str() + "/" +
           boost::multiprecision::denominator(claim.weight).str() + ", rank " +
           std::to_string(claim.tie_rank) + ")";
  }
  return out;
}

// Checks one split's parts against the rules, failing fatally on the first violation.
// Sets `tie_decided` when some leftover penny went by tie rank between equal remainders.
void CheckSplit(const RandomSplit& split, const std::vector<Money>& parts, bool& tie_decided) {
  tie_decided = false;
  const std::size_t n = split.claims.size();
  ASSERT_EQ(parts.size(), n);
  Rational weight_sum = 0;
  for (const Claim& claim : split.claims) weight_sum += claim.weight;
  const Int magnitude = boost::multiprecision::abs(split.total);
  const bool negative = split.total < 0;

  Int sum = 0;
  // Among the parties that got a penny above the floor of their quota, the one with the smallest
  // remainder (then the highest rank); among the others, the one with the largest remainder (then
  // the lowest rank). Largest remainder means the first never comes after the second.
  bool have_topped = false;
  bool have_floored = false;
  Rational worst_topped_remainder;
  std::uint32_t worst_topped_rank = 0;
  Rational best_floored_remainder;
  std::uint32_t best_floored_rank = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const Int& part = parts[i].pence();
    sum += part;
    // Sign: every part has the sign of the total, or is zero.
    if (negative) {
      ASSERT_FALSE(part > 0) << "party " << i;
    } else {
      ASSERT_FALSE(part < 0) << "party " << i;
    }
    const Rational signed_quota = Rational(split.total) * split.claims[i].weight / weight_sum;
    const Rational error = Rational(part) - signed_quota;
    ASSERT_TRUE(error < 1 && error > -1)
        << "party " << i << " got " << part << " pence for a quota of " << signed_quota;
    if (split.claims[i].weight == 0) {
      ASSERT_TRUE(part.is_zero()) << "party " << i << " has no weight";
    }

    // In magnitude: the part is the floor of the quota, or one more.
    const Rational quota = Rational(magnitude) * split.claims[i].weight / weight_sum;
    const Int abs_part = boost::multiprecision::abs(part);
    const bool topped = Rational(abs_part) > quota;
    const Rational remainder = quota - Rational(topped ? Int(abs_part - 1) : abs_part);
    ASSERT_TRUE(remainder >= 0 && remainder < 1) << "party " << i;
    const std::uint32_t rank = split.claims[i].tie_rank;
    if (topped) {
      if (!have_topped || remainder < worst_topped_remainder ||
          (remainder == worst_topped_remainder && rank > worst_topped_rank)) {
        worst_topped_remainder = remainder;
        worst_topped_rank = rank;
        have_topped = true;
      }
    } else {
      if (!have_floored || remainder > best_floored_remainder ||
          (remainder == best_floored_remainder && rank < best_floored_rank)) {
        best_floored_remainder = remainder;
        best_floored_rank = rank;
        have_floored = true;
      }
    }
  }
  ASSERT_EQ(sum, split.total) << "the parts do not sum to the total";
  if (have_topped && have_floored) {
    const bool in_order =
        worst_topped_remainder > best_floored_remainder ||
        (worst_topped_remainder == best_floored_remainder && worst_topped_rank < best_floored_rank);
    ASSERT_TRUE(in_order) << "a leftover penny went to rank " << worst_topped_rank << " (remainder "
                          << worst_topped_remainder << ") before rank " << best_floored_rank
                          << " (remainder " << best_floored_remainder << ")";
    tie_decided = worst_topped_remainder == best_floored_remainder;
  }
}

TEST(ApportionPropertyTest, SeededRandomSplits) {
  constexpr int kCases = 5'000;
  SplitGenerator generator(0x5eed'1cb1'ed9e'0001ULL);
  int tie_decided_count = 0;
  for (int c = 0; c < kCases; ++c) {
    const RandomSplit split = generator.Next();
    SCOPED_TRACE("case " + std::to_string(c) + ": " + Describe(split));
    Result<std::vector<Money>> parts = Apportion(Money::FromPence(split.total), split.claims);
    ASSERT_TRUE(parts.ok()) << parts.status().ToString();
    bool tie_decided = false;
    ASSERT_NO_FATAL_FAILURE(CheckSplit(split, *parts, tie_decided));
    if (tie_decided) ++tie_decided_count;

    // The same claims in another order: each party gets the same part.
    std::vector<std::size_t> order(split.claims.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), generator.rng());
    std::vector<Claim> shuffled;
    for (std::size_t i : order) shuffled.push_back(split.claims[i]);
    Result<std::vector<Money>> shuffled_parts = Apportion(Money::FromPence(split.total), shuffled);
    ASSERT_TRUE(shuffled_parts.ok()) << shuffled_parts.status().ToString();
    for (std::size_t k = 0; k < order.size(); ++k) {
      ASSERT_EQ((*shuffled_parts)[k].pence(), (*parts)[order[k]].pence())
          << "party " << order[k] << " listed at " << k << " after shuffling";
    }

    // The negated total: every part negated.
    Result<std::vector<Money>> negated = Apportion(Money::FromPence(-split.total), split.claims);
    ASSERT_TRUE(negated.ok()) << negated.status().ToString();
    for (std::size_t i = 0; i < parts->size(); ++i) {
      ASSERT_EQ((*negated)[i].pence(), Int(-(*parts)[i].pence())) << "party " << i;
    }
  }
  // The generator must exercise the tie rule, or the shuffle check above proves little.
  EXPECT_GT(tie_decided_count, kCases / 10);
  RecordProperty("splits_decided_by_tie_rank", tie_decided_count);
}

}  // namespace
}  // namespace lcp

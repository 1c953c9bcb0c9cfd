// Exact decimals. Money is a whole number of pence; a Rate (rates, weights, indices) is a whole number
// of billionths. Both are Boost.Multiprecision cpp_int values, so no arithmetic on them can overflow or
// round; the named limits below bound what may come in from outside and what a balance may reach.
// Products and quotients stay exact as cpp_rational until an amount is posted (see apportion.h).
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace lcp {

using Int = boost::multiprecision::cpp_int;
using Rational = boost::multiprecision::cpp_rational;

// The largest magnitude of one amount that may come in: 999,999,999,999.99 (just under a trillion pounds).
inline constexpr int kMoneyIntegerDigitsMax = 12;
inline constexpr int kMoneyPlaces = 2;
inline constexpr std::int64_t kAmountPenceMax = 99'999'999'999'999;
// The largest magnitude an account balance may reach: 100,000,000,000,000.00.
inline constexpr std::int64_t kBalancePenceMax = 10'000'000'000'000'000;
static_assert(kBalancePenceMax > 100 * kAmountPenceMax, "a balance must hold many maximal amounts");

// Rates, weights and indices: at most 999,999.999999999 and 9 decimal places.
inline constexpr int kRateIntegerDigitsMax = 6;
inline constexpr int kRatePlaces = 9;

// The longest decimal text accepted at all, before any other check.
inline constexpr std::size_t kDecimalTextLengthMax = 40;
static_assert(kDecimalTextLengthMax > 1 + kRateIntegerDigitsMax + 1 + kRatePlaces);
static_assert(kDecimalTextLengthMax > 1 + kMoneyIntegerDigitsMax + 1 + kMoneyPlaces);

// An exact amount of money in GBP, held as signed whole pence.
class Money {
 public:
  Money() = default;
  static Money FromPence(Int pence) { return Money(std::move(pence)); }
  // Parses canonical or plain decimal text with at most 2 places: "12", "12.5", "-0.01". Refuses
  // empty text, signs other than a leading "-", spaces, exponents, NaN, inf, separators, leading zeros,
  // more than 2 places (AMOUNT_MALFORMED) and magnitudes above kAmountPenceMax (AMOUNT_TOO_LARGE).
  static Result<Money> Parse(std::string_view text);

  const Int& pence() const { return pence_; }
  bool is_zero() const { return pence_.is_zero(); }
  bool is_negative() const { return pence_.sign() < 0; }
  // The canonical text: exactly 2 places, "-" only for negative values ("1234.50", "-0.01", "0.00").
  std::string ToString() const;
  // Whether `text` is exactly ToString(), found without building a string: a replay asks it of every
  // recorded posting.
  bool IsText(std::string_view text) const;
  Rational ToRational() const { return Rational(pence_, 100); }

  Money operator-() const { return Money(-pence_); }
  Money operator+(const Money& other) const { return Money(pence_ + other.pence_); }
  Money operator-(const Money& other) const { return Money(pence_ - other.pence_); }
  Money& operator+=(const Money& other) {
    pence_ += other.pence_;
    return *this;
  }
  bool operator==(const Money& other) const { return pence_ == other.pence_; }
  bool operator<(const Money& other) const { return pence_ < other.pence_; }
  bool operator>(const Money& other) const { return pence_ > other.pence_; }

 private:
  explicit Money(Int pence) : pence_(std::move(pence)) {}
  Int pence_;
};

// An exact non-integral quantity (a rate, weight or index), held as signed billionths.
class Rate {
 public:
  Rate() = default;
  static Rate FromNanos(Int nanos) { return Rate(std::move(nanos)); }
  // As Money::Parse, with at most 9 places and at most 6 integer digits.
  static Result<Rate> Parse(std::string_view text);

  const Int& nanos() const { return nanos_; }
  // The canonical text: trailing zeros removed down to 2 places ("0.70", "1.085", "0.000000001").
  std::string ToString() const;
  Rational ToRational() const { return Rational(nanos_, Int(1'000'000'000)); }
  bool operator==(const Rate& other) const { return nanos_ == other.nanos_; }

 private:
  explicit Rate(Int nanos) : nanos_(std::move(nanos)) {}
  Int nanos_;
};

// Parses decimal text into a whole number of 10^-places units. `what` names the quantity in messages.
// Shared by Money and Rate; exposed for tests and for quantities with other scales.
Result<Int> ParseScaled(std::string_view text, int places, int integer_digits_max, std::string_view what);

// Formats a whole number of 10^-places units, keeping at least `places_min` decimal places.
std::string FormatScaled(const Int& units, int places, int places_min);

// True when |value| <= limit.
bool WithinMagnitude(const Int& value, std::int64_t limit);

}  // namespace lcp

#include "ledger/decimal.h"

#include <algorithm>

#include "ledger/text.h"

namespace lcp {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Int Pow10(int n) {
  Int p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

}  // namespace

Result<Int> ParseScaled(std::string_view text, int places, int integer_digits_max,
                        std::string_view what) {
  const std::string where = std::string(what) + " " + Quoted(text);
  auto malformed = [&](std::string_view why) {
    return Status::Error(v1::ERROR_CODE_AMOUNT_MALFORMED,
                         where + " is not a plain decimal: " + std::string(why));
  };
  if (text.empty()) return malformed("it is empty");
  if (text.size() > kDecimalTextLengthMax) return malformed("it is too long");

  std::size_t i = 0;
  bool negative = false;
  if (text[0] == '-') {
    negative = true;
    i = 1;
  }
  const std::size_t integer_begin = i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  const std::size_t integer_end = i;
  if (integer_end == integer_begin) {
    return malformed("write digits before any decimal point, with only a leading '-' as sign");
  }
  if (integer_end - integer_begin > 1 && text[integer_begin] == '0') {
    return malformed("leading zeros are not allowed");
  }
  std::size_t fraction_begin = i;
  std::size_t fraction_end = i;
  if (i < text.size() && text[i] == '.') {
    fraction_begin = ++i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    fraction_end = i;
    if (fraction_end == fraction_begin) return malformed("a decimal point must be followed by digits");
  }
  if (i != text.size()) {
    return malformed("only digits, one '.' and a leading '-' are allowed (no spaces, '+', exponents, "
                     "separators, NaN or inf)");
  }
  const std::size_t fraction_digits = fraction_end - fraction_begin;
  if (fraction_digits > static_cast<std::size_t>(places)) {
    return malformed("at most " + std::to_string(places) + " decimal places are allowed");
  }

  Int units = 0;
  for (std::size_t k = integer_begin; k < integer_end; ++k) units = units * 10 + (text[k] - '0');
  const bool integer_too_large =
      integer_end - integer_begin > static_cast<std::size_t>(integer_digits_max);
  for (std::size_t k = fraction_begin; k < fraction_end; ++k) units = units * 10 + (text[k] - '0');
  units *= Pow10(places - static_cast<int>(fraction_digits));
  if (integer_too_large) {
    return Status::Error(v1::ERROR_CODE_AMOUNT_TOO_LARGE,
                         where + " is too large: at most " + std::to_string(integer_digits_max) +
                             " digits before the decimal point are allowed");
  }
  return negative ? Int(-units) : units;
}

std::string FormatScaled(const Int& units, int places, int places_min) {
  const bool negative = units.sign() < 0;
  std::string digits = Int(boost::multiprecision::abs(units)).str();
  if (digits.size() <= static_cast<std::size_t>(places)) {
    digits.insert(0, static_cast<std::size_t>(places) + 1 - digits.size(), '0');
  }
  std::string integer = digits.substr(0, digits.size() - static_cast<std::size_t>(places));
  std::string fraction = digits.substr(digits.size() - static_cast<std::size_t>(places));
  while (fraction.size() > static_cast<std::size_t>(places_min) && fraction.back() == '0') {
    fraction.pop_back();
  }
  std::string out = negative ? "-" : "";
  out += integer;
  if (!fraction.empty()) out += "." + fraction;
  return out;
}

bool WithinMagnitude(const Int& value, std::int64_t limit) {
  return boost::multiprecision::abs(value) <= Int(limit);
}

Result<Money> Money::Parse(std::string_view text) {
  Result<Int> pence = ParseScaled(text, kMoneyPlaces, kMoneyIntegerDigitsMax, "amount");
  if (!pence.ok()) return pence.status();
  return Money(std::move(pence).value());
}

std::string Money::ToString() const { return FormatScaled(pence_, kMoneyPlaces, kMoneyPlaces); }

Result<Rate> Rate::Parse(std::string_view text) {
  Result<Int> nanos = ParseScaled(text, kRatePlaces, kRateIntegerDigitsMax, "rate");
  if (!nanos.ok()) return nanos.status();
  return Rate(std::move(nanos).value());
}

std::string Rate::ToString() const { return FormatScaled(nanos_, kRatePlaces, 2); }

}  // namespace lcp

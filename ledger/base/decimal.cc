#include "ledger/base/decimal.h"

#include <algorithm>
#include <limits>
#include <string_view>

#include "ledger/base/check.h"
#include "ledger/base/text.h"

namespace lcp {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }


}  // namespace

Result<Int> ParseScaled(std::string_view text, int places, int integer_digits_max,
                        std::string_view what) {
  // Messages are built only on failure: parsing is on every write's path.
  auto where = [&] { return std::string(what) + " " + Quoted(text); };
  auto malformed = [&](std::string_view why) {
    return Status::Error(v1::ERROR_CODE_AMOUNT_MALFORMED,
                         where() + " is not a plain decimal: " + std::string(why));
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

  if (integer_end - integer_begin > static_cast<std::size_t>(integer_digits_max)) {
    return Status::Error(v1::ERROR_CODE_AMOUNT_TOO_LARGE,
                         where() + " is too large: at most " + std::to_string(integer_digits_max) +
                             " digits before the decimal point are allowed");
  }
  const std::size_t digits = (integer_end - integer_begin) + static_cast<std::size_t>(places);
  if (digits <= 18) {
    // Money and rates always land here (at most 12 + 2 or 6 + 9 digits): accumulate in 64 bits and
    // widen once, which is several times faster than cpp_int arithmetic per digit.
    std::uint64_t units = 0;
    for (std::size_t k = integer_begin; k < integer_end; ++k) {
      units = units * 10 + static_cast<std::uint64_t>(text[k] - '0');
    }
    for (std::size_t k = fraction_begin; k < fraction_end; ++k) {
      units = units * 10 + static_cast<std::uint64_t>(text[k] - '0');
    }
    for (std::size_t k = fraction_digits; k < static_cast<std::size_t>(places); ++k) units *= 10;
    const auto value = static_cast<std::int64_t>(units);
    return Int(negative ? -value : value);
  }
  Int units = 0;
  for (std::size_t k = integer_begin; k < integer_end; ++k) units = units * 10 + (text[k] - '0');
  for (std::size_t k = fraction_begin; k < fraction_end; ++k) units = units * 10 + (text[k] - '0');
  for (std::size_t k = fraction_digits; k < static_cast<std::size_t>(places); ++k) units *= 10;
  return negative ? Int(-units) : units;
}

namespace {

// Where FormatScaledInto writes: on the stack for any value within 64 bits and a usual scale, in
// `large` beyond.
struct ScaledText {
  char digits[24];  // |units| in decimal, when it fits 64 bits.
  char small[48];
  std::string large;
};

// The text FormatScaled returns, written into `out` without building a string for values within 64
// bits (every posting written or replayed is formatted or compared here).
std::string_view FormatScaledInto(const Int& units, int places, int places_min, ScaledText& out) {
  LCP_CHECK(places >= 0 && places_min >= 0 && places_min <= places);
  const bool negative = units.sign() < 0;
  // The digits of |units|: almost every value fits 64 bits and is written straight into the buffer,
  // the rest by cpp_int's general conversion.
  std::string large_digits;
  std::string_view digits;
  if (units <= std::numeric_limits<std::int64_t>::max() &&
      units >= -std::numeric_limits<std::int64_t>::max()) {
    std::uint64_t magnitude = static_cast<std::uint64_t>(units.convert_to<std::int64_t>() *
                                                         (negative ? -1 : 1));
    char* end = out.digits + sizeof out.digits;
    char* begin = end;
    do {
      *--begin = static_cast<char>('0' + magnitude % 10);
      magnitude /= 10;
    } while (magnitude != 0);
    digits = std::string_view(begin, static_cast<std::size_t>(end - begin));
  } else {
    large_digits = Int(boost::multiprecision::abs(units)).str();
    digits = large_digits;
  }
  // At least places + 1 digits, then trailing zeros of the fraction dropped down to places_min.
  const std::size_t scale = static_cast<std::size_t>(places);
  const std::size_t leading_zeros = digits.size() <= scale ? scale + 1 - digits.size() : 0;
  const std::size_t total = leading_zeros + digits.size();  // > scale.
  std::size_t fraction = scale;
  auto digit_at = [&](std::size_t i) { return i < leading_zeros ? '0' : digits[i - leading_zeros]; };
  while (fraction > static_cast<std::size_t>(places_min) && digit_at(total - scale + fraction - 1) == '0') {
    --fraction;
  }
  const std::size_t length = (negative ? 1 : 0) + (total - scale) + (fraction != 0 ? 1 + fraction : 0);
  char* text = out.small;
  if (length > sizeof out.small) {
    out.large.resize(length);
    text = out.large.data();
  }
  char* w = text;
  if (negative) *w++ = '-';
  for (std::size_t i = 0; i < total - scale; ++i) *w++ = digit_at(i);
  if (fraction != 0) {
    *w++ = '.';
    for (std::size_t i = total - scale; i < total - scale + fraction; ++i) *w++ = digit_at(i);
  }
  return std::string_view(text, length);
}

}  // namespace

std::string FormatScaled(const Int& units, int places, int places_min) {
  ScaledText text;
  return std::string(FormatScaledInto(units, places, places_min, text));
}

bool WithinMagnitude(const Int& value, std::int64_t limit) {
  return value <= limit && value >= -limit;
}

Result<Money> Money::Parse(std::string_view text) {
  Result<Int> pence = ParseScaled(text, kMoneyPlaces, kMoneyIntegerDigitsMax, "amount");
  if (!pence.ok()) return pence.status();
  return Money(std::move(pence).value());
}

std::string Money::ToString() const { return FormatScaled(pence_, kMoneyPlaces, kMoneyPlaces); }

bool Money::IsText(std::string_view text) const {
  ScaledText canonical;
  return text == FormatScaledInto(pence_, kMoneyPlaces, kMoneyPlaces, canonical);
}

Result<Rate> Rate::Parse(std::string_view text) {
  Result<Int> nanos = ParseScaled(text, kRatePlaces, kRateIntegerDigitsMax, "rate");
  if (!nanos.ok()) return nanos.status();
  return Rate(std::move(nanos).value());
}

std::string Rate::ToString() const { return FormatScaled(nanos_, kRatePlaces, 2); }

}  // namespace lcp

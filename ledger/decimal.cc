#include "ledger/decimal.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <string_view>

#include "ledger/text.h"

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

std::string FormatScaled(const Int& units, int places, int places_min) {
  assert(places >= 0 && places_min >= 0 && places_min <= places);
  const bool negative = units.sign() < 0;
  // The digits of |units|, at least places + 1 of them. Almost every value fits 64 bits; those are
  // written straight into a buffer (this runs for every posting written or replayed), the rest by
  // cpp_int's general conversion.
  char small[24];
  std::string large;
  std::string_view digits;
  if (units <= std::numeric_limits<std::int64_t>::max() &&
      units >= -std::numeric_limits<std::int64_t>::max()) {
    std::uint64_t magnitude = static_cast<std::uint64_t>(units.convert_to<std::int64_t>() *
                                                         (negative ? -1 : 1));
    char* end = small + sizeof small;
    char* begin = end;
    do {
      *--begin = static_cast<char>('0' + magnitude % 10);
      magnitude /= 10;
    } while (magnitude != 0);
    digits = std::string_view(begin, static_cast<std::size_t>(end - begin));
  } else {
    large = Int(boost::multiprecision::abs(units)).str();
    digits = large;
  }
  const std::size_t scale = static_cast<std::size_t>(places);
  const std::size_t leading_zeros = digits.size() <= scale ? scale + 1 - digits.size() : 0;
  const std::size_t total = leading_zeros + digits.size();  // > scale.
  std::size_t fraction = scale;
  auto digit_at = [&](std::size_t i) { return i < leading_zeros ? '0' : digits[i - leading_zeros]; };
  while (fraction > static_cast<std::size_t>(places_min) && digit_at(total - scale + fraction - 1) == '0') {
    --fraction;
  }
  std::string out;
  out.reserve(1 + total + 1);
  if (negative) out.push_back('-');
  for (std::size_t i = 0; i < total - scale; ++i) out.push_back(digit_at(i));
  if (fraction != 0) {
    out.push_back('.');
    for (std::size_t i = total - scale; i < total - scale + fraction; ++i) out.push_back(digit_at(i));
  }
  return out;
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
  static_assert(kMoneyPlaces == 2);
  constexpr std::int64_t kFast = std::numeric_limits<std::int64_t>::max() / 2;
  if (pence_ > kFast || pence_ < -kFast) return text == ToString();
  const std::int64_t pence = pence_.convert_to<std::int64_t>();
  // The canonical text, right to left: at least "0.00", and "-" only for a negative amount.
  std::uint64_t magnitude = static_cast<std::uint64_t>(pence < 0 ? -pence : pence);
  char buffer[24];
  char* end = buffer + sizeof buffer;
  char* begin = end;
  for (int digit = 0; digit < kMoneyPlaces + 1 || magnitude != 0; ++digit) {
    if (digit == kMoneyPlaces) *--begin = '.';
    *--begin = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  }
  if (pence < 0) *--begin = '-';
  return text == std::string_view(begin, static_cast<std::size_t>(end - begin));
}

Result<Rate> Rate::Parse(std::string_view text) {
  Result<Int> nanos = ParseScaled(text, kRatePlaces, kRateIntegerDigitsMax, "rate");
  if (!nanos.ok()) return nanos.status();
  return Rate(std::move(nanos).value());
}

std::string Rate::ToString() const { return FormatScaled(nanos_, kRatePlaces, 2); }

}  // namespace lcp

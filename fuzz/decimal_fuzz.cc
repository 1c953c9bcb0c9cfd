// Money and Rate parsing on arbitrary text, and ParseScaled at any scale. Asserts: nothing crashes;
// what parses formats to canonical text that parses back to the same value (format(parse(x)) is a
// fixed point), IsText agrees with ToString, and every accepted amount is within its limits. At
// other scales, FormatScaled's text has the value parsed, and parses back when it is short enough
// to.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "ledger/base/decimal.h"

namespace {

using lcp::fuzz::Require;

void CheckMoney(std::string_view text) {
  lcp::Result<lcp::Money> money = lcp::Money::Parse(text);
  if (!money.ok()) return;
  Require(lcp::WithinMagnitude(money->pence(), lcp::kAmountPenceMax), "an amount within its limit");
  const std::string canonical = money->ToString();
  lcp::Result<lcp::Money> again = lcp::Money::Parse(canonical);
  Require(again.ok() && *again == *money, "Money parse(format(x)) == x for " + canonical);
  Require(again->ToString() == canonical, "Money format(parse(format(x))) == format(x)");
  Require(money->IsText(canonical), "Money IsText(ToString())");
  Require(money->IsText(text) == (text == canonical), "Money IsText(x) iff x is ToString()");
  // Canonical text has exactly two places and a "-" only before a non-zero value.
  Require(canonical.size() >= 4 && canonical[canonical.size() - 3] == '.',
          "two places: " + canonical);
  Require(canonical[0] != '-' || money->is_negative(), "no negative zero: " + canonical);
}

void CheckRate(std::string_view text) {
  lcp::Result<lcp::Rate> rate = lcp::Rate::Parse(text);
  if (!rate.ok()) return;
  const std::string canonical = rate->ToString();
  lcp::Result<lcp::Rate> again = lcp::Rate::Parse(canonical);
  Require(again.ok() && *again == *rate, "Rate parse(format(x)) == x for " + canonical);
  Require(again->ToString() == canonical, "Rate format(parse(format(x))) == format(x)");
  const std::size_t point = canonical.find('.');
  Require(point != std::string::npos && canonical.size() - point - 1 >= 2 &&
              canonical.size() - point - 1 <= static_cast<std::size_t>(lcp::kRatePlaces),
          "a rate has 2 to 9 places: " + canonical);
}

// The value of FormatScaled's text, read digit by digit without ParseScaled (which refuses text
// longer than kDecimalTextLengthMax, and FormatScaled may write more at a large scale).
lcp::Int ValueOf(const std::string& text, int places) {
  lcp::Int units = 0;
  int fraction_digits = -1;
  for (char c : text) {
    if (c == '.') {
      fraction_digits = 0;
    } else if (c != '-') {
      units = units * 10 + (c - '0');
      if (fraction_digits >= 0) ++fraction_digits;
    }
  }
  for (int k = std::max(fraction_digits, 0); k < places; ++k) units *= 10;
  return text.starts_with('-') ? lcp::Int(-units) : units;
}

// ParseScaled at the scale the first byte names, and FormatScaled back.
void CheckScaled(std::uint8_t scale, std::string_view text) {
  const int places = scale % 20;
  const int digits_max = 1 + (scale / 20) % 13 * 3;  // 1 to 37 integer digits: past 64 bits.
  lcp::Result<lcp::Int> units = lcp::ParseScaled(text, places, digits_max, "value");
  if (!units.ok()) return;
  for (int places_min = 0; places_min <= places; places_min += places == 0 ? 1 : places) {
    const std::string formatted = lcp::FormatScaled(*units, places, places_min);
    Require(ValueOf(formatted, places) == *units, "FormatScaled(x) has the value x: " + formatted);
    if (formatted.size() > lcp::kDecimalTextLengthMax) continue;
    lcp::Result<lcp::Int> again = lcp::ParseScaled(formatted, places, digits_max, "value");
    Require(again.ok() && *again == *units, "ParseScaled(FormatScaled(x)) == x for " + formatted);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  CheckMoney(text);
  CheckRate(text);
  CheckScaled(data[0], text);
  return 0;
}

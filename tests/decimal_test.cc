// Tests of the exact decimals of ledger/base/decimal.h: parsing and canonical printing of Money and
// Rate (DOMAIN.md, "Money"), the shared ParseScaled/FormatScaled helpers, Money arithmetic and the
// magnitude limits.
#include "ledger/base/decimal.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace lcp {
namespace {

using v1::ERROR_CODE_AMOUNT_MALFORMED;
using v1::ERROR_CODE_AMOUNT_TOO_LARGE;

enum class Kind { kMoney, kRate };

const char* KindName(Kind kind) { return kind == Kind::kMoney ? "Money" : "Rate"; }

// One parse case: the text, and either its canonical form or the error code of its refusal.
struct ParseCase {
  Kind kind;
  std::string text;
  bool ok;
  std::string canonical;  // When ok.
  ErrorCode code;         // When !ok.
};

ParseCase Good(Kind kind, std::string text, std::string canonical) {
  return {kind, std::move(text), true, std::move(canonical), v1::ERROR_CODE_UNSPECIFIED};
}
ParseCase Bad(Kind kind, std::string text, ErrorCode code) {
  return {kind, std::move(text), false, "", code};
}

// Printable form of a case's text for traces: control and non-ASCII bytes as \xNN.
std::string Escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

// So that gtest names a failing case by its text rather than by its bytes.
void PrintTo(const ParseCase& c, std::ostream* os) {
  *os << KindName(c.kind) << " \"" << Escaped(c.text) << "\"";
}

// Cases refused the same way as Money and as Rate.
const std::vector<std::pair<std::string, ErrorCode>>& CommonBadTexts() {
  static const auto* const kTexts = new std::vector<std::pair<std::string, ErrorCode>>{
      {"", ERROR_CODE_AMOUNT_MALFORMED},
      {" 1", ERROR_CODE_AMOUNT_MALFORMED},
      {"1 ", ERROR_CODE_AMOUNT_MALFORMED},
      {" ", ERROR_CODE_AMOUNT_MALFORMED},
      {"+1", ERROR_CODE_AMOUNT_MALFORMED},
      {"1e5", ERROR_CODE_AMOUNT_MALFORMED},
      {"1E5", ERROR_CODE_AMOUNT_MALFORMED},
      {"1.0e2", ERROR_CODE_AMOUNT_MALFORMED},
      {"NaN", ERROR_CODE_AMOUNT_MALFORMED},
      {"nan", ERROR_CODE_AMOUNT_MALFORMED},
      {"inf", ERROR_CODE_AMOUNT_MALFORMED},
      {"-inf", ERROR_CODE_AMOUNT_MALFORMED},
      {"Infinity", ERROR_CODE_AMOUNT_MALFORMED},
      {"1,000.00", ERROR_CODE_AMOUNT_MALFORMED},
      {"1,5", ERROR_CODE_AMOUNT_MALFORMED},
      {"1 000", ERROR_CODE_AMOUNT_MALFORMED},
      {"1.", ERROR_CODE_AMOUNT_MALFORMED},
      {"-1.", ERROR_CODE_AMOUNT_MALFORMED},
      {".5", ERROR_CODE_AMOUNT_MALFORMED},
      {"-.5", ERROR_CODE_AMOUNT_MALFORMED},
      {".", ERROR_CODE_AMOUNT_MALFORMED},
      {"--1", ERROR_CODE_AMOUNT_MALFORMED},
      {"- 1", ERROR_CODE_AMOUNT_MALFORMED},
      {"1-", ERROR_CODE_AMOUNT_MALFORMED},
      {"-", ERROR_CODE_AMOUNT_MALFORMED},
      {"01", ERROR_CODE_AMOUNT_MALFORMED},
      {"00", ERROR_CODE_AMOUNT_MALFORMED},
      {"00.5", ERROR_CODE_AMOUNT_MALFORMED},
      {"-01", ERROR_CODE_AMOUNT_MALFORMED},
      {"007.50", ERROR_CODE_AMOUNT_MALFORMED},
      {"\xef\xbc\x91", ERROR_CODE_AMOUNT_MALFORMED},   // Fullwidth digit one.
      {"1\xef\xbc\x90", ERROR_CODE_AMOUNT_MALFORMED},  // "1" then fullwidth zero.
      {"\xd9\xa3", ERROR_CODE_AMOUNT_MALFORMED},       // Arabic-Indic digit three.
      {"\xe2\x88\x92"
       "1",
       ERROR_CODE_AMOUNT_MALFORMED},  // U+2212 minus sign.
      {"\xc2\xa3"
       "1.00",
       ERROR_CODE_AMOUNT_MALFORMED},  // Pound sign.
      {"1.2.3", ERROR_CODE_AMOUNT_MALFORMED},
      {"1..2", ERROR_CODE_AMOUNT_MALFORMED},
      {"0x10", ERROR_CODE_AMOUNT_MALFORMED},
      {"1_000", ERROR_CODE_AMOUNT_MALFORMED},
      {"1'000", ERROR_CODE_AMOUNT_MALFORMED},
      {"\t1", ERROR_CODE_AMOUNT_MALFORMED},
      {"1\t", ERROR_CODE_AMOUNT_MALFORMED},
      {"1\n", ERROR_CODE_AMOUNT_MALFORMED},
      {"\n1", ERROR_CODE_AMOUNT_MALFORMED},
      {"1\r\n", ERROR_CODE_AMOUNT_MALFORMED},
      {std::string("1\0", 2), ERROR_CODE_AMOUNT_MALFORMED},  // Embedded NUL.
      {"0.5%", ERROR_CODE_AMOUNT_MALFORMED},
      {"1/2", ERROR_CODE_AMOUNT_MALFORMED},
      {"abc", ERROR_CODE_AMOUNT_MALFORMED},
      // 41 characters: refused by length, before the digit count is looked at.
      {std::string(41, '1'), ERROR_CODE_AMOUNT_MALFORMED},
      {"0." + std::string(39, '0'), ERROR_CODE_AMOUNT_MALFORMED},
      // 40 characters: passes the length check, then has far too many integer digits.
      {std::string(40, '1'), ERROR_CODE_AMOUNT_TOO_LARGE},
      {"-" + std::string(39, '9'), ERROR_CODE_AMOUNT_TOO_LARGE},
  };
  return *kTexts;
}

std::vector<ParseCase> AllParseCases() {
  std::vector<ParseCase> cases = {
      // Money: canonical text has exactly 2 places and "-" only for negative values.
      Good(Kind::kMoney, "0", "0.00"),
      Good(Kind::kMoney, "0.0", "0.00"),
      Good(Kind::kMoney, "0.00", "0.00"),
      Good(Kind::kMoney, "-0", "0.00"),
      Good(Kind::kMoney, "-0.00", "0.00"),
      Good(Kind::kMoney, "-0.0", "0.00"),
      Good(Kind::kMoney, "12", "12.00"),
      Good(Kind::kMoney, "12.5", "12.50"),
      Good(Kind::kMoney, "12.50", "12.50"),
      Good(Kind::kMoney, "-12.5", "-12.50"),
      Good(Kind::kMoney, "0.01", "0.01"),
      Good(Kind::kMoney, "-0.01", "-0.01"),
      Good(Kind::kMoney, "0.1", "0.10"),
      Good(Kind::kMoney, "0.99", "0.99"),
      Good(Kind::kMoney, "1.05", "1.05"),
      Good(Kind::kMoney, "10", "10.00"),
      Good(Kind::kMoney, "100.00", "100.00"),
      Good(Kind::kMoney, "1234.5", "1234.50"),
      Good(Kind::kMoney, "300000.00", "300000.00"),
      Good(Kind::kMoney, "10000000", "10000000.00"),
      Good(Kind::kMoney, "100000000000", "100000000000.00"),
      Good(Kind::kMoney, "999999999999", "999999999999.00"),
      Good(Kind::kMoney, "999999999999.99", "999999999999.99"),
      Good(Kind::kMoney, "-999999999999.99", "-999999999999.99"),
      // Money refusals of its own.
      Bad(Kind::kMoney, "1.234", ERROR_CODE_AMOUNT_MALFORMED),
      Bad(Kind::kMoney, "0.001", ERROR_CODE_AMOUNT_MALFORMED),
      Bad(Kind::kMoney, "-0.001", ERROR_CODE_AMOUNT_MALFORMED),
      Bad(Kind::kMoney, "1.000", ERROR_CODE_AMOUNT_MALFORMED),
      Bad(Kind::kMoney, "0.000000001", ERROR_CODE_AMOUNT_MALFORMED),
      Bad(Kind::kMoney, "1000000000000.00", ERROR_CODE_AMOUNT_TOO_LARGE),
      Bad(Kind::kMoney, "1000000000000", ERROR_CODE_AMOUNT_TOO_LARGE),
      Bad(Kind::kMoney, "-1000000000000.00", ERROR_CODE_AMOUNT_TOO_LARGE),
      Bad(Kind::kMoney, "9999999999999.99", ERROR_CODE_AMOUNT_TOO_LARGE),
      // Too large a rate, but a valid amount of money.
      Good(Kind::kMoney, "1000000.0", "1000000.00"),
      // Rate: canonical text drops trailing zeros down to 2 places.
      Good(Kind::kRate, "0.70", "0.70"),
      Good(Kind::kRate, "0.7", "0.70"),
      Good(Kind::kRate, "0.700000000", "0.70"),
      Good(Kind::kRate, "0.30", "0.30"),
      Good(Kind::kRate, "1.085", "1.085"),
      Good(Kind::kRate, "1.0850", "1.085"),
      Good(Kind::kRate, "0.000000001", "0.000000001"),
      Good(Kind::kRate, "-0.000000001", "-0.000000001"),
      Good(Kind::kRate, "0.123456789", "0.123456789"),
      Good(Kind::kRate, "0.05", "0.05"),
      Good(Kind::kRate, "0.01", "0.01"),
      Good(Kind::kRate, "0.5", "0.50"),
      Good(Kind::kRate, "-0.5", "-0.50"),
      Good(Kind::kRate, "1", "1.00"),
      Good(Kind::kRate, "1.0", "1.00"),
      Good(Kind::kRate, "1.100000000", "1.10"),
      Good(Kind::kRate, "0", "0.00"),
      Good(Kind::kRate, "-0", "0.00"),
      Good(Kind::kRate, "-0.000000000", "0.00"),
      Good(Kind::kRate, "100", "100.00"),
      Good(Kind::kRate, "999999", "999999.00"),
      Good(Kind::kRate, "999999.999999999", "999999.999999999"),
      Good(Kind::kRate, "-999999.999999999", "-999999.999999999"),
      // Rate refusals of its own.
      Bad(Kind::kRate, "0.0000000001", ERROR_CODE_AMOUNT_MALFORMED),
      Bad(Kind::kRate, "1.0000000000", ERROR_CODE_AMOUNT_MALFORMED),
      Bad(Kind::kRate, "1000000.0", ERROR_CODE_AMOUNT_TOO_LARGE),
      Bad(Kind::kRate, "1000000", ERROR_CODE_AMOUNT_TOO_LARGE),
      Bad(Kind::kRate, "-1000000", ERROR_CODE_AMOUNT_TOO_LARGE),
      Bad(Kind::kRate, "1000000.000000001", ERROR_CODE_AMOUNT_TOO_LARGE),
      Bad(Kind::kRate, "999999999999.99", ERROR_CODE_AMOUNT_TOO_LARGE),
  };
  for (const auto& [text, code] : CommonBadTexts()) {
    cases.push_back(Bad(Kind::kMoney, text, code));
    cases.push_back(Bad(Kind::kRate, text, code));
  }
  return cases;
}

class ParseTest : public testing::TestWithParam<ParseCase> {};

// Parses `text` as `kind`. On success sets `canonical` to its canonical text and `round_trips` to
// whether that text parses back to the same value and the same text.
Status ParseAs(Kind kind, const std::string& text, std::string& canonical, bool& round_trips) {
  if (kind == Kind::kMoney) {
    Result<Money> r = Money::Parse(text);
    if (!r.ok()) return r.status();
    canonical = r->ToString();
    Result<Money> again = Money::Parse(canonical);
    round_trips = again.ok() && *again == *r && again->ToString() == canonical;
    return Status::Ok();
  }
  Result<Rate> r = Rate::Parse(text);
  if (!r.ok()) return r.status();
  canonical = r->ToString();
  Result<Rate> again = Rate::Parse(canonical);
  round_trips = again.ok() && *again == *r && again->ToString() == canonical;
  return Status::Ok();
}

TEST_P(ParseTest, CanonicalFormOrExactRefusal) {
  const ParseCase& c = GetParam();
  SCOPED_TRACE(std::string(KindName(c.kind)) + "::Parse(\"" + Escaped(c.text) + "\")");
  std::string canonical;
  bool round_trips = false;
  const Status status = ParseAs(c.kind, c.text, canonical, round_trips);
  if (c.ok) {
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(canonical, c.canonical);
    EXPECT_TRUE(round_trips) << "the canonical text does not parse back to the same value";
  } else {
    ASSERT_FALSE(status.ok()) << "accepted as " << canonical;
    EXPECT_EQ(v1::ErrorCode_Name(status.code()), v1::ErrorCode_Name(c.code)) << status.ToString();
    EXPECT_FALSE(status.message().empty());
  }
}

std::string ParseCaseName(const testing::TestParamInfo<ParseCase>& info) {
  return std::string(KindName(info.param.kind)) + (info.param.ok ? "Good" : "Bad") +
         std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Table, ParseTest, testing::ValuesIn(AllParseCases()), ParseCaseName);

TEST(ParseTableTest, HasEnoughCases) { EXPECT_GE(AllParseCases().size(), 70u); }

// ---- Exact values behind the text.

Money M(std::string_view text) {
  Result<Money> r = Money::Parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : Money();
}

Rate R(std::string_view text) {
  Result<Rate> r = Rate::Parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : Rate();
}

TEST(MoneyTest, ParsesToWholePence) {
  EXPECT_EQ(M("12").pence(), Int(1200));
  EXPECT_EQ(M("12.5").pence(), Int(1250));
  EXPECT_EQ(M("-0.01").pence(), Int(-1));
  EXPECT_EQ(M("-0.00").pence(), Int(0));
  EXPECT_FALSE(M("-0.00").is_negative());
  EXPECT_TRUE(M("-0.00").is_zero());
  EXPECT_TRUE(M("-0.01").is_negative());
  EXPECT_FALSE(M("-0.01").is_zero());
  EXPECT_EQ(M("999999999999.99").pence(), Int(kAmountPenceMax));
  EXPECT_EQ(M("-999999999999.99").pence(), Int(-kAmountPenceMax));
}

TEST(RateTest, ParsesToWholeBillionths) {
  EXPECT_EQ(R("0.70").nanos(), Int(700'000'000));
  EXPECT_EQ(R("1.085").nanos(), Int(1'085'000'000));
  EXPECT_EQ(R("0.000000001").nanos(), Int(1));
  EXPECT_EQ(R("1").nanos(), Int(1'000'000'000));
  EXPECT_EQ(R("-0.5").nanos(), Int(-500'000'000));
  EXPECT_EQ(R("999999.999999999").nanos(), Int(999'999'999'999'999));
  EXPECT_TRUE(R("0.7") == R("0.700000000"));
  EXPECT_FALSE(R("0.7") == R("0.700000001"));
}

TEST(MoneyTest, DefaultIsZero) {
  Money zero;
  EXPECT_TRUE(zero.is_zero());
  EXPECT_EQ(zero.ToString(), "0.00");
  EXPECT_EQ(Rate().ToString(), "0.00");
}

TEST(MoneyTest, Arithmetic) {
  const Money a = M("12.34");
  const Money b = M("0.66");
  EXPECT_EQ((a + b).ToString(), "13.00");
  EXPECT_EQ((a - b).ToString(), "11.68");
  EXPECT_EQ((b - a).ToString(), "-11.68");
  EXPECT_EQ((-a).ToString(), "-12.34");
  EXPECT_EQ((-(-a)).ToString(), "12.34");
  EXPECT_EQ((a - a).ToString(), "0.00");
  EXPECT_FALSE((a - a).is_negative());
  EXPECT_EQ((-Money()).ToString(), "0.00");
  EXPECT_FALSE((-Money()).is_negative());
  EXPECT_EQ((M("-0.01") + M("0.01")).ToString(), "0.00");
  EXPECT_EQ((M("0.01") - M("0.02")).ToString(), "-0.01");

  Money sum;
  sum += a;
  sum += b;
  sum += M("-13.01");
  EXPECT_EQ(sum.ToString(), "-0.01");
  EXPECT_EQ(sum.pence(), Int(-1));
}

TEST(MoneyTest, Comparisons) {
  EXPECT_TRUE(M("1.00") == M("1"));
  EXPECT_FALSE(M("1.00") == M("1.01"));
  EXPECT_TRUE(M("1.00") != M("1.01"));
  EXPECT_TRUE(M("-0.01") < M("0"));
  EXPECT_FALSE(M("0") < M("-0.01"));
  EXPECT_TRUE(M("0.10") > M("0.09"));
  EXPECT_FALSE(M("0.10") > M("0.10"));
  EXPECT_FALSE(M("0.10") < M("0.10"));
  EXPECT_TRUE(M("-999999999999.99") < M("999999999999.99"));
}

TEST(MoneyTest, FromPence) {
  EXPECT_EQ(Money::FromPence(0).ToString(), "0.00");
  EXPECT_EQ(Money::FromPence(1).ToString(), "0.01");
  EXPECT_EQ(Money::FromPence(-1).ToString(), "-0.01");
  EXPECT_EQ(Money::FromPence(10).ToString(), "0.10");
  EXPECT_EQ(Money::FromPence(-99).ToString(), "-0.99");
  EXPECT_EQ(Money::FromPence(100).ToString(), "1.00");
  EXPECT_EQ(Money::FromPence(-123450).ToString(), "-1234.50");
  EXPECT_EQ(Money::FromPence(Int(kAmountPenceMax)).ToString(), "999999999999.99");
  EXPECT_EQ(Money::FromPence(Int(kBalancePenceMax)).ToString(), "100000000000000.00");
}

// IsText answers, without building a string, whether a text is exactly ToString(): a replay compares
// every recorded posting's amount with it.
TEST(MoneyTest, IsTextIsExactlyToString) {
  std::vector<Int> pence = {0, 1, -1, 9, 10, 99, 100, 101, -100, 123450, -123450,
                            Int(kAmountPenceMax), -Int(kAmountPenceMax), Int(kBalancePenceMax),
                            Int(std::numeric_limits<std::int64_t>::max() / 2),
                            Int(std::numeric_limits<std::int64_t>::max() / 2) + 1,
                            Int(std::numeric_limits<std::int64_t>::max()),
                            -Int(std::numeric_limits<std::int64_t>::max()) - 1,
                            Int(std::numeric_limits<std::int64_t>::max()) * 1000 + 7};
  for (std::int64_t n = -1000; n <= 1000; n += 7) pence.push_back(Int(n) * 1000003);
  for (const Int& p : pence) {
    const Money money = Money::FromPence(p);
    const std::string text = money.ToString();
    EXPECT_TRUE(money.IsText(text)) << text;
    EXPECT_FALSE(money.IsText(text + "0")) << text;
    EXPECT_FALSE(money.IsText(text.substr(0, text.size() - 1))) << text;
    EXPECT_FALSE(money.IsText("-" + text)) << text;
    EXPECT_FALSE(money.IsText("+" + text)) << text;
    EXPECT_FALSE(money.IsText("0" + text)) << text;
  }
  EXPECT_TRUE(Money::FromPence(5).IsText("0.05"));
  EXPECT_FALSE(Money::FromPence(5).IsText("0.5"));
  EXPECT_FALSE(Money::FromPence(5).IsText(".05"));
  EXPECT_FALSE(Money::FromPence(0).IsText("-0.00"));
  EXPECT_FALSE(Money::FromPence(100).IsText("1"));
  EXPECT_FALSE(Money::FromPence(100).IsText("1.0"));
  EXPECT_FALSE(Money::FromPence(100).IsText(""));
  EXPECT_TRUE(Money::FromPence(-123450).IsText("-1234.50"));
}

TEST(MoneyTest, ToRationalIsExact) {
  EXPECT_EQ(M("12.34").ToRational(), Rational(617, 50));
  EXPECT_EQ(M("-0.01").ToRational(), Rational(-1, 100));
  EXPECT_EQ(M("0").ToRational(), Rational(0));
  EXPECT_EQ(M("5").ToRational(), Rational(5));
  EXPECT_EQ(M("999999999999.99").ToRational(), Rational(Int(kAmountPenceMax), Int(100)));
  // A third of a pound is not a whole number of pence, but a third of 0.03 is 0.01.
  EXPECT_EQ(M("0.03").ToRational() / 3, M("0.01").ToRational());
}

TEST(RateTest, ToRationalIsExact) {
  EXPECT_EQ(R("0.70").ToRational(), Rational(7, 10));
  EXPECT_EQ(R("0.30").ToRational(), Rational(3, 10));
  EXPECT_EQ(R("1.085").ToRational(), Rational(217, 200));
  EXPECT_EQ(R("0.000000001").ToRational(), Rational(1, 1'000'000'000));
  EXPECT_EQ(R("-0.5").ToRational(), Rational(-1, 2));
  EXPECT_EQ(R("1").ToRational(), Rational(1));
  // 0.70 + 0.30 is exactly one: no binary floating point.
  EXPECT_EQ(R("0.70").ToRational() + R("0.30").ToRational(), Rational(1));
  EXPECT_EQ(R("0.1").ToRational() + R("0.2").ToRational(), R("0.3").ToRational());
}

TEST(RateTest, FromNanos) {
  EXPECT_EQ(Rate::FromNanos(1).ToString(), "0.000000001");
  EXPECT_EQ(Rate::FromNanos(-10).ToString(), "-0.00000001");
  EXPECT_EQ(Rate::FromNanos(1'000'000'000).ToString(), "1.00");
  EXPECT_EQ(Rate::FromNanos(1'500'000'000).ToString(), "1.50");
  EXPECT_EQ(Rate::FromNanos(1'234'000'000).ToString(), "1.234");
  EXPECT_EQ(Rate::FromNanos(Int("1000000000000000000000")).ToString(), "1000000000000.00");
}

// ---- FormatScaled and ParseScaled at other scales.

struct FormatCase {
  Int units;
  int places;
  int places_min;
  std::string expected;
};

TEST(FormatScaledTest, Table) {
  const std::vector<FormatCase> cases = {
      {0, 2, 2, "0.00"},
      {5, 2, 2, "0.05"},
      {-5, 2, 2, "-0.05"},
      {100, 2, 2, "1.00"},
      {100, 2, 0, "1"},
      {120, 2, 0, "1.2"},
      {-120, 2, 1, "-1.2"},
      {-100, 2, 1, "-1.0"},
      {123456, 3, 0, "123.456"},
      {123000, 3, 0, "123"},
      {123000, 3, 1, "123.0"},
      {123000, 3, 3, "123.000"},
      {7, 3, 0, "0.007"},
      {0, 3, 0, "0"},
      {0, 3, 1, "0.0"},
      {7, 0, 0, "7"},
      {-7, 0, 0, "-7"},
      {0, 0, 0, "0"},
      {1, 9, 2, "0.000000001"},
      {700'000'000, 9, 2, "0.70"},
      {1'000'000'000, 9, 2, "1.00"},
      {1'085'000'000, 9, 2, "1.085"},
      {1'085'000'000, 9, 9, "1.085000000"},
      {Int("123456789012345678901234567890"), 2, 2, "1234567890123456789012345678.90"},
      {Int("-123456789012345678901234567890"), 9, 2, "-123456789012345678901.23456789"},
      {Int("10000000000000000000000"), 4, 0, "1000000000000000000"},
      // Texts longer than the 48 characters formatted on the stack.
      {1, 60, 0, "0." + std::string(59, '0') + "1"},
      {Int("-1" + std::string(50, '0')), 2, 2, "-1" + std::string(48, '0') + ".00"},
  };
  for (const FormatCase& c : cases) {
    SCOPED_TRACE("FormatScaled(" + c.units.str() + ", " + std::to_string(c.places) + ", " +
                 std::to_string(c.places_min) + ")");
    EXPECT_EQ(FormatScaled(c.units, c.places, c.places_min), c.expected);
  }
}

TEST(ParseScaledTest, OtherScales) {
  Result<Int> whole = ParseScaled("123", 0, 3, "count");
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(*whole, Int(123));

  Result<Int> too_many = ParseScaled("1234", 0, 3, "count");
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.status().code(), ERROR_CODE_AMOUNT_TOO_LARGE);

  Result<Int> fraction = ParseScaled("1.5", 0, 3, "count");
  ASSERT_FALSE(fraction.ok());
  EXPECT_EQ(fraction.status().code(), ERROR_CODE_AMOUNT_MALFORMED);

  Result<Int> four = ParseScaled("-1.5", 4, 2, "index");
  ASSERT_TRUE(four.ok()) << four.status().ToString();
  EXPECT_EQ(*four, Int(-15000));

  Result<Int> wide = ParseScaled("12345678901234567890.5", 3, 20, "quantity");
  ASSERT_TRUE(wide.ok()) << wide.status().ToString();
  EXPECT_EQ(*wide, Int("12345678901234567890500"));
  EXPECT_EQ(FormatScaled(*wide, 3, 0), "12345678901234567890.5");
}

TEST(ParseScaledTest, MessageNamesTheQuantityAndStaysShort) {
  Result<Money> money = Money::Parse("1,000.00");
  ASSERT_FALSE(money.ok());
  EXPECT_NE(money.status().message().find("1,000.00"), std::string::npos)
      << money.status().message();

  const std::string huge(100'000, '9');
  Result<Rate> rate = Rate::Parse(huge);
  ASSERT_FALSE(rate.ok());
  EXPECT_EQ(rate.status().code(), ERROR_CODE_AMOUNT_MALFORMED);
  EXPECT_LT(rate.status().message().size(), 400u);
}

// ---- Limits and wide values.

TEST(WithinMagnitudeTest, AmountLimit) {
  EXPECT_TRUE(WithinMagnitude(Int(0), kAmountPenceMax));
  EXPECT_TRUE(WithinMagnitude(Int(kAmountPenceMax), kAmountPenceMax));
  EXPECT_TRUE(WithinMagnitude(Int(-kAmountPenceMax), kAmountPenceMax));
  EXPECT_FALSE(WithinMagnitude(Int(kAmountPenceMax) + 1, kAmountPenceMax));
  EXPECT_FALSE(WithinMagnitude(-Int(kAmountPenceMax) - 1, kAmountPenceMax));
  EXPECT_TRUE(WithinMagnitude(M("999999999999.99").pence(), kAmountPenceMax));
  EXPECT_FALSE(WithinMagnitude((M("999999999999.99") + M("0.01")).pence(), kAmountPenceMax));
}

TEST(WithinMagnitudeTest, BalanceLimit) {
  EXPECT_TRUE(WithinMagnitude(Int(kBalancePenceMax), kBalancePenceMax));
  EXPECT_TRUE(WithinMagnitude(Int(-kBalancePenceMax), kBalancePenceMax));
  EXPECT_FALSE(WithinMagnitude(Int(kBalancePenceMax) + 1, kBalancePenceMax));
  EXPECT_FALSE(WithinMagnitude(-Int(kBalancePenceMax) - 1, kBalancePenceMax));
  EXPECT_TRUE(WithinMagnitude(Int(kAmountPenceMax) * 100, kBalancePenceMax));
  EXPECT_FALSE(WithinMagnitude(Int("100000000000000000000000000000"), kBalancePenceMax));
  EXPECT_FALSE(WithinMagnitude(Int("-100000000000000000000000000000"), kBalancePenceMax));
}

TEST(WithinMagnitudeTest, ZeroAndInt64Limits) {
  EXPECT_TRUE(WithinMagnitude(Int(0), 0));
  EXPECT_FALSE(WithinMagnitude(Int(1), 0));
  EXPECT_FALSE(WithinMagnitude(Int(-1), 0));
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_TRUE(WithinMagnitude(Int(kMax), kMax));
  EXPECT_TRUE(WithinMagnitude(-Int(kMax), kMax));
  EXPECT_FALSE(WithinMagnitude(Int(kMax) + 1, kMax));
  EXPECT_FALSE(
      WithinMagnitude(-Int(kMax) - 1, kMax));  // INT64_MIN: its magnitude exceeds INT64_MAX.
}

TEST(MoneyTest, SumsNeverWrap) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  // One penny past INT64_MAX pence.
  const Money past = Money::FromPence(Int(kMax)) + Money::FromPence(1);
  EXPECT_EQ(past.pence(), Int("9223372036854775808"));
  EXPECT_EQ(past.ToString(), "92233720368547758.08");
  EXPECT_FALSE(past.is_negative());
  EXPECT_EQ((-past).ToString(), "-92233720368547758.08");
  EXPECT_EQ((-past - Money::FromPence(1)).ToString(), "-92233720368547758.09");

  // A thousand maximal balances: 10^19 pence, past INT64_MAX.
  Money balances;
  for (int i = 0; i < 1000; ++i) balances += Money::FromPence(Int(kBalancePenceMax));
  EXPECT_EQ(balances.pence(), Int("10000000000000000000"));
  EXPECT_EQ(balances.ToString(), "100000000000000000.00");
  EXPECT_FALSE(WithinMagnitude(balances.pence(), kBalancePenceMax));

  // A million maximal amounts, then a million minimal ones: back to zero exactly.
  const Money max_amount = M("999999999999.99");
  Money sum;
  for (int i = 0; i < 1'000'000; ++i) sum += max_amount;
  EXPECT_EQ(sum.pence(), Int("99999999999999000000"));
  EXPECT_EQ(sum.ToString(), "999999999999990000.00");
  const Money negated = -sum;
  EXPECT_EQ(negated.ToString(), "-999999999999990000.00");
  for (int i = 0; i < 1'000'000; ++i) sum = sum - max_amount;
  EXPECT_TRUE(sum.is_zero());
  EXPECT_EQ(sum.ToString(), "0.00");
}

TEST(MoneyTest, ToStringBeyondInt64IsExact) {
  const Money big = Money::FromPence(Int("123456789012345678901234567890123"));
  EXPECT_EQ(big.ToString(), "1234567890123456789012345678901.23");
  EXPECT_EQ((-big).ToString(), "-1234567890123456789012345678901.23");
  EXPECT_EQ((big + Money::FromPence(77)).ToString(), "1234567890123456789012345678902.00");
  EXPECT_EQ(Money::FromPence(Int("18446744073709551616")).ToString(),
            "184467440737095516.16");  // 2^64
  EXPECT_EQ(Money::FromPence(-Int("9223372036854775808")).ToString(),
            "-92233720368547758.08");  // INT64_MIN
}

}  // namespace
}  // namespace lcp

#include "ledger/base/periods.h"

#include <cstdio>

#include "ledger/base/check.h"
#include "ledger/base/text.h"

namespace lcp {
namespace {

bool AllDigits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return !text.empty();
}

int ToInt(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

}  // namespace

Result<int> ParseYear(std::string_view text) {
  // The message is built only on failure: every posting's period comes through here.
  auto quoted = [&] { return Quoted(text); };
  if (text.size() != 7 || text[4] != '/' || !AllDigits(text.substr(0, 4)) ||
      !AllDigits(text.substr(5, 2))) {
    return Status::Error(v1::ERROR_CODE_YEAR_MALFORMED,
                         "financial year " + quoted() + " is not written like \"2026/27\"");
  }
  const int start = ToInt(text.substr(0, 4));
  const int end = ToInt(text.substr(5, 2));
  if (start < kYearFirst || start > kYearLast) {
    return Status::Error(v1::ERROR_CODE_YEAR_MALFORMED,
                         "financial year " + quoted() + " must start between " +
                             std::to_string(kYearFirst) + " and " + std::to_string(kYearLast));
  }
  if (end != (start + 1) % 100) {
    return Status::Error(v1::ERROR_CODE_YEAR_MALFORMED,
                         "financial year " + quoted() +
                             " must end the year after it starts, as in \"" + FormatYear(start) +
                             "\"");
  }
  return start;
}

std::string FormatYear(int start_year) {
  LCP_CHECK(start_year >= kYearFirst && start_year <= kYearLast);
  const int end = (start_year + 1) % 100;
  std::string text = "0000/00";
  for (int i = 3, year = start_year; i >= 0; --i, year /= 10)
    text[static_cast<std::size_t>(i)] = static_cast<char>('0' + year % 10);
  text[5] = static_cast<char>('0' + end / 10);
  text[6] = static_cast<char>('0' + end % 10);
  return text;
}

Result<int> ParseMonth(std::string_view text) {
  if (text.size() == 3 && text[0] == 'M' && AllDigits(text.substr(1))) {
    const int month = ToInt(text.substr(1));
    if (month >= 1 && month <= kMonthsPerYear) return month;
  }
  return Status::Error(v1::ERROR_CODE_MONTH_MALFORMED,
                       "month " + Quoted(text) + " is not one of M01 (April) to M12 (March)");
}

std::string FormatMonth(int month) {
  LCP_CHECK(month >= 1 && month <= kMonthsPerYear);
  return {'M', static_cast<char>('0' + month / 10), static_cast<char>('0' + month % 10)};
}

std::string MonthLastDay(int start_year, int month) {
  LCP_CHECK(month >= 1 && month <= kMonthsPerYear);
  const int calendar_month = (month + 2) % 12 + 1;  // M01 is April, M10 January.
  const int year = month <= 9 ? start_year : start_year + 1;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int day = kDays[calendar_month - 1] + (calendar_month == 2 && leap ? 1 : 0);
  char text[11];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, calendar_month, day);
  return text;
}

}  // namespace lcp

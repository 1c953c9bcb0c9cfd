// NHS financial years ("2026/27", 1 April to 31 March) and their months ("M01" April to "M12" March).
#pragma once

#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace lcp {

inline constexpr int kYearFirst = 2000;
inline constexpr int kYearLast = 2999;
inline constexpr int kMonthsPerYear = 12;

// Parses "2026/27" into its starting calendar year, 2026. Refuses (YEAR_MALFORMED) anything else,
// including "2026/28" and years outside kYearFirst..kYearLast.
Result<int> ParseYear(std::string_view text);
// Formats 2026 as "2026/27".
std::string FormatYear(int start_year);

// Parses "M01".."M12" into 1..12. Refuses (MONTH_MALFORMED) anything else.
Result<int> ParseMonth(std::string_view text);
// Formats 4 as "M04".
std::string FormatMonth(int month);

// The calendar date of the last day of month `month` (1..12) of the year starting in `start_year`:
// (2027, 1) is "2027-04-30", (2027, 11) "2028-02-29".
std::string MonthLastDay(int start_year, int month);

}  // namespace lcp

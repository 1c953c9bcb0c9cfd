#include "ledger/rules/decision_clock.h"

#include <algorithm>
#include <cstdio>

namespace lcp {

std::int64_t UtcDay(std::int64_t seconds) {
  constexpr std::int64_t kSecondsPerDay = 86'400;
  // Floor division: a time before 1970 belongs to the day it falls in, not the one after.
  return seconds >= 0 ? seconds / kSecondsPerDay
                      : -((-seconds + kSecondsPerDay - 1) / kSecondsPerDay);
}

namespace {

// Days since 1970-01-01 of a civil date, and back (H. Hinnant's algorithms).
std::int64_t DaysFromCivil(std::int64_t y, std::int64_t m, std::int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

std::string FormatUtcDate(std::int64_t seconds) {
  const std::int64_t z = UtcDay(seconds) + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char text[64];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d));
  return text;
}

std::optional<std::int64_t> ParseUtcDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  std::int64_t parts[3] = {0, 0, 0};
  const std::size_t begin[3] = {0, 5, 8}, length[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (std::size_t j = begin[i]; j < begin[i] + length[i]; ++j) {
      if (text[j] < '0' || text[j] > '9') return std::nullopt;
      parts[i] = parts[i] * 10 + (text[j] - '0');
    }
  }
  const auto [y, m, d] = parts;
  if (y < 1970 || m < 1 || m > 12 || d < 1) return std::nullopt;
  constexpr std::int64_t kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  return DaysFromCivil(y, m, d) * 86'400;
}

DecisionClock ReadClock(std::int64_t started_at, const std::vector<ClockPause>& pauses,
                        std::optional<std::int64_t> decided_at, std::int64_t now,
                        std::uint32_t target_days) {
  const std::int64_t stop = UtcDay(decided_at.value_or(now));
  const std::int64_t start = UtcDay(started_at);
  DecisionClock clock;
  clock.decided = decided_at.has_value();
  clock.target_days = target_days;
  for (const ClockPause& pause : pauses) {
    const std::int64_t from = std::clamp(UtcDay(pause.asked_at), start, std::max(start, stop));
    const std::int64_t to = std::clamp(pause.answered_at ? UtcDay(*pause.answered_at) : stop, from,
                                       std::max(from, stop));
    clock.paused_days += to - from;
  }
  clock.elapsed_days = std::max<std::int64_t>(0, stop - start - clock.paused_days);
  clock.days_left = clock.target_days - clock.elapsed_days;
  clock.late = clock.days_left < 0;
  return clock;
}

}  // namespace lcp

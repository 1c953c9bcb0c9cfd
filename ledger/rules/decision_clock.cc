#include "ledger/rules/decision_clock.h"

#include <algorithm>

namespace lcp {

std::int64_t UtcDay(std::int64_t seconds) {
  constexpr std::int64_t kSecondsPerDay = 86'400;
  // Floor division: a time before 1970 belongs to the day it falls in, not the one after.
  return seconds >= 0 ? seconds / kSecondsPerDay
                      : -((-seconds + kSecondsPerDay - 1) / kSecondsPerDay);
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

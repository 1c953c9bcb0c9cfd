// The decision clock of a business case (DOMAIN.md "The reinvestment reserve and business cases",
// "Decision clock"): the year's agreement sets a target in days (56, eight weeks, by default); the
// clock starts when the last consent is recorded, pauses from each request for information to the
// proposer's answer, and stops at the decision. Days are calendar days between the entries'
// recorded times as UTC dates, so two entries on the same UTC date are 0 days apart whatever their
// times. Pure: the case commands record the times, and the case views and report read the clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lcp {

inline constexpr std::uint32_t kDecisionTargetDaysDefault = 56;

// A request for information (`asked_at`) and its answer (`answered_at`; none while unanswered),
// as recorded times in seconds since 1970 (UTC).
struct ClockPause {
  std::int64_t asked_at = 0;
  std::optional<std::int64_t> answered_at;
};

struct DecisionClock {
  std::int64_t elapsed_days = 0;  // From the start to the stop (or now), less the paused days.
  std::int64_t paused_days = 0;   // The pauses' days, an unanswered one to the stop (or now).
  std::int64_t target_days = 0;
  std::int64_t days_left = 0;  // target - elapsed; negative: days over.
  bool decided = false;        // Stopped by a decision.
  bool late = false;           // Elapsed beyond the target (decided late, or over while open).
};

// The UTC calendar date of `seconds` since 1970, as days since 1970-01-01.
std::int64_t UtcDay(std::int64_t seconds);

// The UTC date of `seconds` since 1970 as "2027-05-04", and back: the first second of a date
// written so (years 1970 to 9999), or nothing for any other text.
std::string FormatUtcDate(std::int64_t seconds);
std::optional<std::int64_t> ParseUtcDate(std::string_view text);

// The clock of a case started at `started_at` (the last consent), with its pauses in the order
// asked (each asked at or after the start, an answer at or after its request, at most the last
// unanswered), decided at `decided_at` or, while undecided, read at `now`.
DecisionClock ReadClock(std::int64_t started_at, const std::vector<ClockPause>& pauses,
                        std::optional<std::int64_t> decided_at, std::int64_t now,
                        std::uint32_t target_days);

}  // namespace lcp

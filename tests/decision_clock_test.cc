// The decision clock of a business case (ledger/rules/decision_clock.h) against hand-worked dates:
// calendar days between UTC dates, from the last consent to the decision, less the pauses from each
// request for information to its answer. The day counts were worked out on a calendar (and checked
// with `date -u -d ... +%s`): 1 June to 27 July 2026 is 29 + 27 = 56 days; to 6 August 66; to 31
// July 60; to 1 August 61.
#include "ledger/rules/decision_clock.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

namespace lcp {
namespace {

// Seconds since 1970 of a UTC time in 2026, from the days before each month of 2026 (not a leap
// year) and the day of the year 2026 begins on: 1 January 2026 is day 20,454 since 1970-01-01.
std::int64_t Utc2026(int month, int day, int hour, int minute) {
  constexpr int kDaysBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  const std::int64_t days = 20'454 + kDaysBefore[month - 1] + (day - 1);
  return days * 86'400 + hour * 3'600 + minute * 60;
}

const std::int64_t kLastConsent = Utc2026(6, 1, 15, 0);

TEST(DecisionClock, TheHelperAgreesWithTheCalendar) {
  // `date -u -d "2026-06-01 15:00" +%s` and `date -u -d "2026-07-27 09:00" +%s`.
  EXPECT_EQ(kLastConsent, 1'780'326'000);
  EXPECT_EQ(Utc2026(7, 27, 9, 0), 1'785'142'800);
}

TEST(DecisionClock, DecidedOnDay56IsOnTimeAndOnDay57Late) {
  const DecisionClock on_time =
      ReadClock(kLastConsent, {}, Utc2026(7, 27, 9, 0), Utc2026(12, 1, 0, 0), 56);
  EXPECT_TRUE(on_time.decided);
  EXPECT_EQ(on_time.elapsed_days, 56);
  EXPECT_EQ(on_time.paused_days, 0);
  EXPECT_EQ(on_time.days_left, 0);
  EXPECT_FALSE(on_time.late);
  // Half past midnight on the next day is a day later, though only 15.5 hours after the other.
  const DecisionClock late =
      ReadClock(kLastConsent, {}, Utc2026(7, 28, 0, 30), Utc2026(12, 1, 0, 0), 56);
  EXPECT_EQ(late.elapsed_days, 57);
  EXPECT_EQ(late.days_left, -1);
  EXPECT_TRUE(late.late);
}

TEST(DecisionClock, DaysAreCalendarDaysOfUtcDates) {
  // Two minutes apart across midnight: one day. Twenty-three hours apart on one date: none.
  EXPECT_EQ(ReadClock(Utc2026(6, 1, 23, 59), {}, Utc2026(6, 2, 0, 1), 0, 56).elapsed_days, 1);
  EXPECT_EQ(ReadClock(Utc2026(6, 1, 0, 10), {}, Utc2026(6, 1, 23, 10), 0, 56).elapsed_days, 0);
  EXPECT_EQ(UtcDay(0), 0);
  EXPECT_EQ(UtcDay(86'399), 0);
  EXPECT_EQ(UtcDay(86'400), 1);
  EXPECT_EQ(UtcDay(-1), -1);
}

TEST(DecisionClock, ATenDayPauseMovesTheTargetTenDays) {
  // Asked on 10 June, answered on 20 June: 10 days paused. Decided 6 August: 66 - 10 = 56.
  const std::vector<ClockPause> pause = {{Utc2026(6, 10, 11, 0), Utc2026(6, 20, 16, 0)}};
  const DecisionClock on_time =
      ReadClock(kLastConsent, pause, Utc2026(8, 6, 10, 0), Utc2026(12, 1, 0, 0), 56);
  EXPECT_EQ(on_time.paused_days, 10);
  EXPECT_EQ(on_time.elapsed_days, 56);
  EXPECT_FALSE(on_time.late);
  const DecisionClock late =
      ReadClock(kLastConsent, pause, Utc2026(8, 7, 10, 0), Utc2026(12, 1, 0, 0), 56);
  EXPECT_EQ(late.elapsed_days, 57);
  EXPECT_TRUE(late.late);
}

TEST(DecisionClock, SeveralPausesAddUp) {
  // 5 to 8 June (3 days), 15 to 16 June (1), asked and answered on 1 July (0): 4 days paused.
  // Decided 31 July: 60 - 4 = 56, on time.
  const std::vector<ClockPause> pauses = {{Utc2026(6, 5, 9, 0), Utc2026(6, 8, 9, 0)},
                                          {Utc2026(6, 15, 9, 0), Utc2026(6, 16, 17, 0)},
                                          {Utc2026(7, 1, 9, 0), Utc2026(7, 1, 17, 0)}};
  const DecisionClock clock =
      ReadClock(kLastConsent, pauses, Utc2026(7, 31, 12, 0), Utc2026(12, 1, 0, 0), 56);
  EXPECT_EQ(clock.paused_days, 4);
  EXPECT_EQ(clock.elapsed_days, 56);
  EXPECT_EQ(clock.days_left, 0);
  EXPECT_FALSE(clock.late);
}

TEST(DecisionClock, AnOpenCaseIsReadAtNowAndAnUnansweredRequestPausesItToNow) {
  // Asked 21 June, not answered; read on 1 July: 30 days, 10 of them paused, 36 left.
  const DecisionClock paused = ReadClock(kLastConsent, {{Utc2026(6, 21, 9, 0), std::nullopt}},
                                         std::nullopt, Utc2026(7, 1, 8, 0), 56);
  EXPECT_FALSE(paused.decided);
  EXPECT_EQ(paused.paused_days, 10);
  EXPECT_EQ(paused.elapsed_days, 20);
  EXPECT_EQ(paused.days_left, 36);
  EXPECT_FALSE(paused.late);
  // No pause, read on 1 August: 61 days, 5 over the target, late already.
  const DecisionClock over = ReadClock(kLastConsent, {}, std::nullopt, Utc2026(8, 1, 8, 0), 56);
  EXPECT_EQ(over.elapsed_days, 61);
  EXPECT_EQ(over.days_left, -5);
  EXPECT_TRUE(over.late);
  // Another agreement's target: 28 days.
  EXPECT_EQ(ReadClock(kLastConsent, {}, std::nullopt, Utc2026(8, 1, 8, 0), 28).days_left, -33);
}

// Dates as the case views write them, and as read_on is parsed: 1,800,000,000 seconds is
// 2027-01-15 08:00 UTC, whose day starts 8 hours earlier, at 1,799,971,200.
TEST(UtcDate, FormatsAndParsesCalendarDates) {
  EXPECT_EQ(FormatUtcDate(0), "1970-01-01");
  EXPECT_EQ(FormatUtcDate(1'800'000'000), "2027-01-15");
  EXPECT_EQ(ParseUtcDate("2027-01-15"), std::optional<std::int64_t>(1'799'971'200));
  EXPECT_EQ(FormatUtcDate(*ParseUtcDate("2028-02-29")), "2028-02-29");
  EXPECT_EQ(FormatUtcDate(*ParseUtcDate("2028-02-29") + 86'400), "2028-03-01");
  for (const char* bad : {"2027-02-29", "2027-13-01", "2027-7-01", "2027/07/01", "1969-12-31",
                          "2027-07-00", "2027-04-31", ""}) {
    EXPECT_FALSE(ParseUtcDate(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace lcp

// Financial years, months and the chart of accounts.
#include <gtest/gtest.h>

#include "ledger/base/accounts.h"
#include "ledger/base/periods.h"

namespace lcp {
namespace {

TEST(Periods, YearsParseAndFormat) {
  EXPECT_EQ(*ParseYear("2026/27"), 2026);
  EXPECT_EQ(*ParseYear("2099/00"), 2099);
  EXPECT_EQ(FormatYear(2026), "2026/27");
  EXPECT_EQ(FormatYear(2099), "2099/00");
  for (const char* bad : {"", "2026", "2026/2027", "2026-27", "2026/28", "2026/26", "1999/00",
                          "3000/01", "20a6/27", " 2026/27", "2026/27 ", "2026/7"}) {
    Result<int> year = ParseYear(bad);
    ASSERT_FALSE(year.ok()) << bad;
    EXPECT_EQ(year.status().code(), v1::ERROR_CODE_YEAR_MALFORMED) << bad;
  }
}

TEST(Periods, MonthsRunFromAprilToMarch) {
  EXPECT_EQ(*ParseMonth("M01"), 1);
  EXPECT_EQ(*ParseMonth("M12"), 12);
  EXPECT_EQ(FormatMonth(6), "M06");
  for (const char* bad : {"", "M1", "M00", "M13", "m01", "01", "M001", "April"}) {
    Result<int> month = ParseMonth(bad);
    ASSERT_FALSE(month.ok()) << bad;
    EXPECT_EQ(month.status().code(), v1::ERROR_CODE_MONTH_MALFORMED) << bad;
  }
}

TEST(Accounts, WellFormedPathsParseIntoTheirParts) {
  Result<AccountRef> spend = ParseAccount("practice:A81001:spend:PRESCRIBING");
  ASSERT_TRUE(spend.ok());
  EXPECT_EQ(spend->scope, Scope::kPractice);
  EXPECT_EQ(spend->party, "A81001");
  EXPECT_EQ(spend->category, "spend");
  EXPECT_EQ(spend->line, "PRESCRIBING");
  Result<AccountRef> payable = ParseAccount("provider:NLO01:payable");
  ASSERT_TRUE(payable.ok());
  EXPECT_EQ(payable->party, "NLO01");
  EXPECT_EQ(payable->line, "");
  EXPECT_TRUE(ParseAccount("lcp:cash").ok());
  EXPECT_TRUE(ParseAccount("lcp:encumbrance:MENTAL_HEALTH").ok());
  EXPECT_TRUE(ParseAccount("pct:allocation:AE").ok());
  EXPECT_TRUE(ParseAccount("pct:risk_share").ok());
  EXPECT_EQ(PracticeAccount("A81001", "budget", "AE"), "practice:A81001:budget:AE");
  EXPECT_EQ(PracticeAccount("A81001", "reinvestment"), "practice:A81001:reinvestment");
}

TEST(Accounts, MalformedPathsAreRefused) {
  for (const char* bad :
       {"", "lcp", "lcp:", "lcp:cash:AE", "lcp:cash:", "cash", "LCP:cash", "practice:A81001",
        "practice:A81001:spend", "practice:A81001:spend:AE:X", "practice:a81001:spend:AE",
        "practice:A8100:spend:AE", "practice:A81001:spend:ae", "practice:A81001:spend:1AE",
        "provider:R:payable", "provider:RX1", "provider:RX1:payable:AE", "pct:allocation",
        "pct:funding:AE", "practice::spend:AE", "lcp:cash ", "lcp:Cash"}) {
    Result<AccountRef> account = ParseAccount(bad);
    ASSERT_FALSE(account.ok()) << bad;
    EXPECT_EQ(account.status().code(), v1::ERROR_CODE_ACCOUNT_MALFORMED) << bad;
  }
  EXPECT_FALSE(ParseAccount("lcp:encumbrance:" + std::string(120, 'A')).ok());
}

TEST(Accounts, CodesAndLines) {
  EXPECT_TRUE(IsOdsPracticeCode("A81001"));
  EXPECT_FALSE(IsOdsPracticeCode("AB1001"));
  EXPECT_FALSE(IsOdsPracticeCode("A810011"));
  EXPECT_TRUE(IsProviderCode("RX1"));
  EXPECT_TRUE(IsProviderCode("NLO01"));
  EXPECT_TRUE(IsProviderCode("ABCDEFGH"));
  EXPECT_FALSE(IsProviderCode("ABCDEFGHI"));
  EXPECT_FALSE(IsProviderCode("rx1"));
  EXPECT_TRUE(IsBudgetLineName("MENTAL_HEALTH"));
  EXPECT_TRUE(IsBudgetLineName("A"));
  EXPECT_FALSE(IsBudgetLineName("_AE"));
  EXPECT_FALSE(IsBudgetLineName(std::string(33, 'A')));
}

}  // namespace
}  // namespace lcp

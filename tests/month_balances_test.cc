// Practices' balances to a month end (ledger/read/month_balances.h): each posting in its own
// period, only practices' accounts and the year asked, and the kept sums equal to summing from
// entry 1 as the journal grows, for an earlier head, and after a record that does not parse.
#include "ledger/read/month_balances.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::VectorRecords;

struct Leg {
  std::string account;
  std::string amount;
  std::string own_year = "";  // With own_month, the posting's own period; empty: the entry's.
  std::string own_month = "";
};

v1::JournalRecord Record(std::uint64_t seq, const std::string& year, const std::string& month,
                         const std::vector<Leg>& legs) {
  v1::JournalEntry entry;
  entry.mutable_period()->set_year(year);
  entry.mutable_period()->set_month(month);
  for (const Leg& leg : legs) {
    v1::Posting* posting = entry.add_postings();
    posting->set_account(leg.account);
    posting->mutable_amount()->set_value(leg.amount);
    if (!leg.own_year.empty()) {
      posting->mutable_period()->set_year(leg.own_year);
      posting->mutable_period()->set_month(leg.own_month);
    }
  }
  v1::JournalRecord record;
  record.set_seq(seq);
  record.set_body(entry.SerializeAsString());
  return record;
}

// "account=pence" rows.
std::vector<std::string> Rows(const Result<std::map<std::string, Int>>& balances) {
  EXPECT_TRUE(balances.ok()) << balances.status().ToString();
  std::vector<std::string> rows;
  if (!balances.ok()) return rows;
  for (const auto& [account, pence] : *balances) rows.push_back(account + "=" + pence.str());
  return rows;
}

class MonthBalancesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    records_ = {
        Record(1, "2026/27", "M01",
               {{"practice:A81001:budget:AE", "1000.00"}, {"pct:allocation:AE", "-1000.00"}}),
        Record(2, "2026/27", "M02",
               {{"practice:A81001:spend:AE", "10.50"}, {"provider:RX1:payable", "-10.50"}}),
        // A commitment for the next year's M01, in an entry of this year's M03.
        Record(3, "2026/27", "M03",
               {{"practice:A81002:spend:AE", "5.25"},
                {"practice:A81001:commitment:AE", "7.00", "2027/28", "M01"},
                {"lcp:encumbrance:AE", "-12.25"}}),
        Record(4, "2026/27", "M12",
               {{"practice:A81001:spend:AE", "-0.50"}, {"provider:RX1:payable", "0.50"}}),
    };
  }

  std::vector<v1::JournalRecord> records_;
};

TEST_F(MonthBalancesTest, EachPostingInItsOwnPeriodPracticesOnly) {
  const VectorRecords records(records_);
  EXPECT_EQ(Rows(SumPracticesToMonth(records, 4, 2026, 1)),
            (std::vector<std::string>{"practice:A81001:budget:AE=100000"}));
  EXPECT_EQ(
      Rows(SumPracticesToMonth(records, 4, 2026, 3)),
      (std::vector<std::string>{"practice:A81001:budget:AE=100000", "practice:A81001:spend:AE=1050",
                                "practice:A81002:spend:AE=525"}));
  EXPECT_EQ(
      Rows(SumPracticesToMonth(records, 4, 2026, 12)),
      (std::vector<std::string>{"practice:A81001:budget:AE=100000", "practice:A81001:spend:AE=1000",
                                "practice:A81002:spend:AE=525"}));
  EXPECT_EQ(Rows(SumPracticesToMonth(records, 4, 2027, 1)),
            (std::vector<std::string>{"practice:A81001:commitment:AE=700"}));
  // One practice's accounts.
  EXPECT_EQ(Rows(SumPracticesToMonth(records, 4, 2026, 3, "practice:A81002:")),
            (std::vector<std::string>{"practice:A81002:spend:AE=525"}));
  EXPECT_EQ(Rows(MonthBalances().PracticesToMonth(records, 4, 2026, 3, "practice:A81001:")),
            (std::vector<std::string>{"practice:A81001:budget:AE=100000",
                                      "practice:A81001:spend:AE=1050"}));
  // Entries 1..2 only.
  EXPECT_EQ(Rows(SumPracticesToMonth(records, 2, 2026, 12)),
            (std::vector<std::string>{"practice:A81001:budget:AE=100000",
                                      "practice:A81001:spend:AE=1050"}));
}

TEST_F(MonthBalancesTest, KeptSumsEqualSummingFromTheStartAsTheJournalGrows) {
  const VectorRecords records(records_);
  const MonthBalances kept;
  for (std::uint64_t head : {2u, 2u, 3u, 4u, 1u, 4u}) {
    for (int year : {2026, 2027}) {
      for (int month = 1; month <= 12; ++month) {
        EXPECT_EQ(Rows(kept.PracticesToMonth(records, head, year, month)),
                  Rows(SumPracticesToMonth(records, head, year, month)))
            << "head " << head << ", year " << year << ", month " << month;
      }
    }
  }
  // A later entry moves only the months it posts into.
  records_.push_back(
      Record(5, "2026/27", "M02",
             {{"practice:A81002:spend:AE", "1.00"}, {"provider:RX1:payable", "-1.00"}}));
  EXPECT_EQ(Rows(kept.PracticesToMonth(records, 5, 2026, 1)),
            (std::vector<std::string>{"practice:A81001:budget:AE=100000"}));
  EXPECT_EQ(
      Rows(kept.PracticesToMonth(records, 5, 2026, 2)),
      (std::vector<std::string>{"practice:A81001:budget:AE=100000", "practice:A81001:spend:AE=1050",
                                "practice:A81002:spend:AE=100"}));
  EXPECT_EQ(
      Rows(kept.PracticesToMonth(records, 5, 2026, 12)),
      (std::vector<std::string>{"practice:A81001:budget:AE=100000", "practice:A81001:spend:AE=1000",
                                "practice:A81002:spend:AE=625"}));
}

TEST_F(MonthBalancesTest, ARecordThatDoesNotParseIsRefusedAndNothingIsCountedTwice) {
  const VectorRecords records(records_);
  const MonthBalances kept;
  EXPECT_EQ(Rows(kept.PracticesToMonth(records, 2, 2026, 12)).size(), 2u);
  const v1::JournalRecord good = records_[2];
  records_[2].set_body("\xff\xff not an entry");
  Result<std::map<std::string, Int>> refused = kept.PracticesToMonth(records, 4, 2026, 12);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_RECORD_CORRUPT);
  EXPECT_EQ(refused.status().message(), "record 3 does not parse");
  records_[2] = good;
  EXPECT_EQ(
      Rows(kept.PracticesToMonth(records, 4, 2026, 12)),
      (std::vector<std::string>{"practice:A81001:budget:AE=100000", "practice:A81001:spend:AE=1000",
                                "practice:A81002:spend:AE=525"}));
}

}  // namespace
}  // namespace lcp

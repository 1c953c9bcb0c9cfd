// Reads as of a month end (GetNotices, ListMemberships, ListContracts, GetCaseReport with a month):
// the books as they stood at the end of the month's last day, from the ledger's past states
// (ledger/audit/past_states.h). Each figure below is worked out by hand from the dated entries.
#include "ledger/audit/past_states.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "ledger/engine/journal.h"
#include "ledger/read/queries.h"
#include "ledger/rules/decision_clock.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::VectorRecords;

const std::string kTermsSha256(64, 'a');

v1::Actor Finance() {
  v1::Actor actor;
  actor.set_principal_id("finance");
  actor.set_role(v1::ROLE_LCP_FINANCE);
  return actor;
}

template <typename T>
void ExpectRefused(const Result<T>& result, ErrorCode code, const std::string& message) {
  ASSERT_FALSE(result.ok()) << message;
  EXPECT_EQ(result.status().code(), code) << result.status().ToString();
  EXPECT_EQ(result.status().message(), message);
}

// A ledger whose entries are recorded on the days given, at noon UTC (13:00 in the UK in summer).
class Dated {
 public:
  const v1::JournalRecord& Submit(const std::string& day, const v1::Command& command) {
    v1::JournalEntry request =
        testing::Request(command, "key-" + std::to_string(journal_.head_seq() + 1));
    request.mutable_recorded_at()->set_seconds(*ParseUtcDate(day) + 12 * 3600);
    Result<v1::JournalRecord> record = journal_.Submit(request);
    EXPECT_TRUE(record.ok()) << day << ": " << record.status().ToString();
    records_->push_back(record.ok() ? *record : v1::JournalRecord());
    return records_->back();
  }

  // The books now, with their past states.
  Snapshot Now() const {
    auto records = std::make_shared<VectorRecords>(*records_);
    Snapshot snapshot = BorrowSnapshot(journal_.state(), records);
    snapshot.past = std::make_shared<PastStates>(records);
    return snapshot;
  }

  const std::vector<v1::JournalRecord>& records() const { return *records_; }

 private:
  Journal journal_;
  std::shared_ptr<std::vector<v1::JournalRecord>> records_ =
      std::make_shared<std::vector<v1::JournalRecord>>();
};

// 2026/27 with lines ELECTIVE (never run) and PRESCRIBING: the agreement and terms in April, the
// PRESCRIBING total confirmed on 20 April and its run on 4 May (three days after the 1 May
// deadline), Riverside's acknowledgement on 6 May, Riverside signing on 10 June and Hillview on
// 15 July.
class PastStatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    books_.Submit("2026-04-01", testing::RegisterPracticeCommand("A81001", "Riverside"));
    books_.Submit("2026-04-01", testing::RegisterPracticeCommand("A81002", "Hillview"));
    books_.Submit("2026-04-01", testing::OpenYearCommand("2026/27", {"ELECTIVE", "PRESCRIBING"}));
    const v1::JournalRecord& proposal = books_.Submit(
        "2026-04-02", testing::ProposeAgreementCommand("2026/27", testing::WorkedExampleTerms()));
    proposal_seq_ = proposal.seq();                                                          // 4
    books_.Submit("2026-04-03", testing::CosignAgreementCommand("2026/27", proposal_seq_));  // 5
    books_.Submit("2026-04-03", testing::RecordTermsCommand("2026/27", kTermsSha256));       // 6
    books_.Submit("2026-04-10", testing::WeightsCommand("2026/27", "PRESCRIBING"));
    books_.Submit("2026-04-10", testing::ListCommand("2026-03-01", "A81001", {{"MALE_0_4", 24}}));
    books_.Submit("2026-04-10", testing::ListCommand("2026-03-01", "A81002", {{"MALE_0_4", 19}}));
    books_.Submit("2026-04-20",
                  testing::ConfirmTotalCommand("2026/27", "PRESCRIBING", "2150.00"));  // 10
    run_seq_ = books_.Submit("2026-05-04", testing::RunCommand("2026/27", "M01", "PRESCRIBING", ""))
                   .seq();  // 11
    books_.Submit("2026-05-06",
                  testing::AcknowledgeCommand("2026/27", "PRESCRIBING", "A81001", run_seq_));
    books_.Submit("2026-06-10", testing::SignMembershipCommand("2026/27", "A81001", kTermsSha256,
                                                               proposal_seq_));  // 13
    books_.Submit("2026-07-15", testing::SignMembershipCommand("2026/27", "A81002", kTermsSha256,
                                                               proposal_seq_));  // 14
    ASSERT_EQ(books_.records().size(), 14u);
  }

  v1::GetNoticesResponse NoticesAt(const std::string& month) {
    v1::GetNoticesRequest request;
    request.set_month(month);
    Result<v1::GetNoticesResponse> notices = queries::GetNotices(books_.Now(), Finance(), request);
    EXPECT_TRUE(notices.ok()) << notices.status().ToString();
    return notices.ok() ? *notices : v1::GetNoticesResponse();
  }

  v1::ListMembershipsResponse MembersAt(const std::string& month) {
    v1::ListMembershipsRequest request;
    request.set_month(month);
    Result<v1::ListMembershipsResponse> members =
        queries::ListMemberships(books_.Now(), Finance(), request);
    EXPECT_TRUE(members.ok()) << members.status().ToString();
    return members.ok() ? *members : v1::ListMembershipsResponse();
  }

  Dated books_;
  std::uint64_t proposal_seq_ = 0;
  std::uint64_t run_seq_ = 0;
};

TEST_F(PastStatesTest, NoticesAtAMonthEndLeaveOutWhatCameLater) {
  // At the end of M01 (30 April): the total confirmed, no run yet and none overdue (the deadline
  // is 1 May); entries 1 to 10.
  const v1::GetNoticesResponse april = NoticesAt("M01");
  EXPECT_EQ(april.as_of_seq(), 10u);
  ASSERT_EQ(april.lines_size(), 2);
  EXPECT_EQ(april.lines(0).budget_line(), "ELECTIVE");
  EXPECT_FALSE(april.lines(0).overdue());
  EXPECT_EQ(april.lines(0).days_overdue(), 0u);
  EXPECT_EQ(april.lines(1).budget_line(), "PRESCRIBING");
  EXPECT_EQ(april.lines(1).confirmed_total().value(), "2150.00");
  EXPECT_EQ(april.lines(1).runs_size(), 0);
  EXPECT_FALSE(april.lines(1).overdue());

  // At the end of M02 (31 May): the run of 4 May, three days late, acknowledged by Riverside only;
  // ELECTIVE 30 days overdue (1 May to 31 May).
  const v1::GetNoticesResponse may = NoticesAt("M02");
  EXPECT_EQ(may.as_of_seq(), 12u);
  EXPECT_TRUE(may.lines(0).overdue());
  EXPECT_EQ(may.lines(0).days_overdue(), 30u);
  ASSERT_EQ(may.lines(1).runs_size(), 1);
  EXPECT_EQ(may.lines(1).runs(0).run_seq(), run_seq_);
  EXPECT_EQ(may.lines(1).runs(0).date(), "2026-05-04");
  EXPECT_EQ(may.lines(1).days_late(), 3u);
  EXPECT_FALSE(may.lines(1).on_time());
  EXPECT_EQ(may.lines(1).notified_count(), 2u);
  EXPECT_EQ(may.lines(1).acknowledged_count(), 1u);
  ASSERT_EQ(may.lines(1).unacknowledged_size(), 1);
  EXPECT_EQ(may.lines(1).unacknowledged(0), "A81002");

  // Now (the head, 15 July): ELECTIVE 75 days overdue (30 + 31 + 14).
  Result<v1::GetNoticesResponse> now = queries::GetNotices(books_.Now(), Finance(), {});
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->as_of_seq(), 14u);
  EXPECT_EQ(now->lines(0).days_overdue(), 75u);
  // A month end after the head reads the books now, overdue to that month's last day: M12 ends
  // on 31 March 2027, 334 days after 1 May 2026.
  const v1::GetNoticesResponse march = NoticesAt("M12");
  EXPECT_EQ(march.as_of_seq(), 14u);
  EXPECT_EQ(march.lines(0).days_overdue(), 334u);
}

TEST_F(PastStatesTest, MembershipAtAMonthEndCountsTheSignaturesByThen) {
  const v1::ListMembershipsResponse april = MembersAt("M01");
  EXPECT_EQ(april.as_of_seq(), 10u);
  EXPECT_EQ(april.agreement_seq(), proposal_seq_);
  ASSERT_EQ(april.terms_size(), 1);
  EXPECT_EQ(april.signed_count(), 0u);
  EXPECT_EQ(april.unsigned_count(), 2u);
  ASSERT_EQ(april.practices_size(), 2);
  EXPECT_EQ(april.practices(0).signed_seq(), 0u);

  const v1::ListMembershipsResponse june = MembersAt("M03");
  EXPECT_EQ(june.as_of_seq(), 13u);
  EXPECT_EQ(june.signed_count(), 1u);
  EXPECT_EQ(june.unsigned_count(), 1u);
  EXPECT_EQ(june.practices(0).signed_seq(), 13u);
  EXPECT_EQ(june.practices(0).signed_date(), "2026-06-10");
  EXPECT_TRUE(june.practices(0).signed_current());
  EXPECT_EQ(june.practices(1).signed_seq(), 0u);

  const v1::ListMembershipsResponse july = MembersAt("M04");
  EXPECT_EQ(july.as_of_seq(), 14u);
  EXPECT_EQ(july.signed_count(), 2u);
  EXPECT_EQ(july.unsigned_count(), 0u);
}

TEST_F(PastStatesTest, ContractsAndCaseReportAtAMonthEnd) {
  v1::ListContractsRequest contracts;
  contracts.set_month("M01");
  Result<v1::ListContractsResponse> listed =
      queries::ListContracts(books_.Now(), Finance(), contracts);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->as_of_seq(), 10u);
  EXPECT_EQ(listed->contracts_size(), 0);
  Result<v1::ListContractsResponse> now = queries::ListContracts(books_.Now(), Finance(), {});
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->as_of_seq(), 14u);

  // The case report at the end of M02 reads its clocks on 31 May.
  v1::GetCaseReportRequest report;
  report.set_year("2026/27");
  report.set_month("M02");
  Result<v1::GetCaseReportResponse> may = queries::GetCaseReport(books_.Now(), Finance(), report);
  ASSERT_TRUE(may.ok()) << may.status().ToString();
  EXPECT_EQ(may->as_of_seq(), 12u);
  EXPECT_EQ(may->read_on(), "2026-05-31");
  report.set_read_on("2026-05-31");
  ExpectRefused(queries::GetCaseReport(books_.Now(), Finance(), report),
                v1::ERROR_CODE_QUERY_INVALID,
                "ask with read_on or with a month, not both: a month reads the clocks on its last "
                "day");
}

TEST_F(PastStatesTest, Refusals) {
  v1::GetNoticesRequest request;
  request.set_month("M13");
  ExpectRefused(queries::GetNotices(books_.Now(), Finance(), request),
                v1::ERROR_CODE_MONTH_MALFORMED,
                "month \"M13\" is not one of M01 (April) to M12 (March)");
  request.set_month("M01");
  request.set_year("2027/28");
  ExpectRefused(queries::GetNotices(books_.Now(), Finance(), request), v1::ERROR_CODE_YEAR_NOT_OPEN,
                "financial year 2027/28 has not been opened");
  // A reader that keeps no past states (lcp-audit's) says so.
  Snapshot no_past = books_.Now();
  no_past.past = nullptr;
  v1::ListMembershipsRequest members;
  members.set_month("M01");
  ExpectRefused(queries::ListMemberships(no_past, Finance(), members), v1::ERROR_CODE_QUERY_INVALID,
                "this reader keeps no earlier states of the ledger; ask without a month for the "
                "books at entry 14");
}

TEST(PastStatesYear, AYearOpenedAfterTheMonthEndedWasNotOpenThen) {
  Dated books;
  books.Submit("2026-05-10", testing::RegisterPracticeCommand("A81001", "Riverside"));
  books.Submit("2026-05-10", testing::OpenYearCommand("2026/27", {"PRESCRIBING"}));
  v1::ListMembershipsRequest request;
  request.set_month("M01");
  ExpectRefused(queries::ListMemberships(books.Now(), Finance(), request),
                v1::ERROR_CODE_YEAR_NOT_OPEN,
                "financial year 2026/27 had not been opened by the end of M01 (2026-04-30)");
  request.set_month("M02");
  Result<v1::ListMembershipsResponse> may =
      queries::ListMemberships(books.Now(), Finance(), request);
  ASSERT_TRUE(may.ok());
  EXPECT_EQ(may->as_of_seq(), 2u);
}

TEST(PastStatesKept, APastStateIsTheStateReplayReachesAndIsKeptForTheNextAsk) {
  Dated books;
  books.Submit("2026-04-01", testing::RegisterPracticeCommand("A81001", "Riverside"));
  books.Submit("2026-04-01", testing::RegisterPracticeCommand("A81002", "Hillview"));
  books.Submit("2026-04-02", testing::OpenYearCommand("2026/27", {"PRESCRIBING"}));
  auto records = std::make_shared<VectorRecords>(books.records());
  const PastStates past(records);
  for (std::uint64_t seq = 0; seq <= 3; ++seq) {
    Result<std::shared_ptr<const Snapshot>> at = past.At(seq);
    ASSERT_TRUE(at.ok()) << at.status().ToString();
    EXPECT_EQ((*at)->head_seq, seq);
    EXPECT_EQ((*at)->practices->size(), seq == 0 ? 0u : seq == 1 ? 1u : 2u);
    EXPECT_EQ((*at)->years->size(), seq == 3 ? 1u : 0u);
    if (seq > 0) {
      EXPECT_EQ((*at)->head_hash, books.records()[seq - 1].hash());
    }
  }
  // The two asked for last are kept: the same state comes back, not a new replay.
  const std::shared_ptr<const Snapshot> three = *past.At(3);
  EXPECT_EQ(past.At(3)->get(), three.get());
  const std::shared_ptr<const Snapshot> two = *past.At(2);
  EXPECT_EQ(past.At(3)->get(), three.get());
  EXPECT_NE(past.At(1)->get(), nullptr);  // Now 1 and 3 are kept; 2 is let go.
  EXPECT_NE(past.At(2)->get(), two.get());
  // A record the source lacks is named.
  ExpectRefused(past.At(5), v1::ERROR_CODE_RECORD_CORRUPT,
                "record 4 cannot be read to replay the ledger to entry 5");
}

}  // namespace
}  // namespace lcp

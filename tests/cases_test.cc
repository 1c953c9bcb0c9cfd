// Business cases (DOMAIN.md "The reinvestment reserve and business cases"; rules version 7): the
// commands, their refusals, the holds on the reserve, the draw-downs' split and the decision clock,
// on the books of tests/data/rules6-export.lcpx. Those books settled 2026/27 with savings and
// opened 2027/28 (entry 33), which carried each practice's savings into it as its reserve: A81001
// 20,680.16, A81002 16,040.98, A81003 33,278.86. Provider NLO01 (COMMUNITY) is registered; 2027/28
// has no months closed and no agreement, so the decision target is the default, 56 days.
#include "ledger/rules/cases.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "ledger/audit/replay.h"
#include "ledger/base/accounts.h"
#include "ledger/base/rules_version.h"
#include "ledger/base/state_digest.h"
#include "ledger/engine/engine.h"
#include "ledger/engine/journal.h"
#include "ledger/read/queries.h"
#include "ledger/read/snapshot.h"
#include "ledger/rules/decision_clock.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

v1::Actor ActorOf(const std::string& id, v1::Role role, const std::string& ods = "") {
  v1::Actor actor;
  actor.set_principal_id(id);
  actor.set_role(role);
  actor.set_practice_ods_code(ods);
  return actor;
}

const v1::Actor kOfficer = ActorOf("finance.officer", v1::ROLE_LCP_FINANCE);
const v1::Actor kSecondOfficer = ActorOf("second.officer", v1::ROLE_LCP_FINANCE);
const v1::Actor kPct = ActorOf("pct.finance", v1::ROLE_PCT_FINANCE);
const v1::Actor kAdmin = ActorOf("admin", v1::ROLE_ADMIN);
v1::Actor PracticeActor(const std::string& ods) {
  return ActorOf("practice." + ods, v1::ROLE_PRACTICE, ods);
}

// Seconds since 1970 of 10:00 UTC on a date "2027-05-04", by the civil-days algorithm (H. Hinnant),
// written here apart from the code under test.
std::int64_t At(const std::string& date) {
  const std::int64_t y0 = std::stoi(date.substr(0, 4));
  const std::int64_t m = std::stoi(date.substr(5, 2));
  const std::int64_t d = std::stoi(date.substr(8, 2));
  const std::int64_t y = y0 - (m <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const std::int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + 10 * 3600;
}

struct Funding {
  std::string ods, amount;
};

v1::Command SubmitCommand(const std::string& id, const std::vector<Funding>& fundings,
                          const std::string& provider = "NLO01",
                          v1::ContractMode mode = v1::CONTRACT_MODE_BUY) {
  v1::Command command;
  v1::SubmitCase& c = *command.mutable_submit_case();
  c.set_case_id(id);
  c.set_title("Community diabetes clinic");
  c.set_purpose("A nurse-led diabetes clinic in the practices, to keep patients out of hospital.");
  for (const Funding& f : fundings) {
    v1::CaseFunding& funding = *c.add_fundings();
    funding.set_ods_code(f.ods);
    funding.mutable_amount()->set_value(f.amount);
  }
  c.set_provider_code(provider);
  c.set_mode(mode);
  return command;
}

v1::Command ConsentCommand(const std::string& id, const std::string& ods) {
  v1::Command command;
  command.mutable_consent_case()->set_case_id(id);
  command.mutable_consent_case()->set_ods_code(ods);
  return command;
}

v1::Command AskCommand(const std::string& id, const std::string& question) {
  v1::Command command;
  command.mutable_request_case_information()->set_case_id(id);
  command.mutable_request_case_information()->set_question(question);
  return command;
}

v1::Command AnswerCommand(const std::string& id, const std::string& answer) {
  v1::Command command;
  command.mutable_answer_case()->set_case_id(id);
  command.mutable_answer_case()->set_answer(answer);
  return command;
}

v1::Command DecideCommand(const std::string& id, v1::CaseDecision decision,
                          const std::string& reasons = "") {
  v1::Command command;
  command.mutable_decide_case()->set_case_id(id);
  command.mutable_decide_case()->set_decision(decision);
  command.mutable_decide_case()->set_reasons(reasons);
  return command;
}

v1::Command DrawDownCommand(const std::string& id, const std::string& invoice,
                            const std::string& amount, const std::string& year = "2027/28",
                            const std::string& month = "M01") {
  v1::Command command;
  v1::DrawDownCase& c = *command.mutable_draw_down_case();
  c.set_case_id(id);
  c.set_invoice_reference(invoice);
  c.mutable_amount()->set_value(amount);
  c.mutable_period()->set_year(year);
  c.mutable_period()->set_month(month);
  return command;
}

v1::Command CloseCommand(const std::string& id) {
  v1::Command command;
  command.mutable_close_case()->set_case_id(id);
  command.mutable_close_case()->set_reason("The clinic is running; the rest is not needed");
  return command;
}

v1::Command WithdrawCommand(const std::string& id) {
  v1::Command command;
  command.mutable_withdraw_case()->set_case_id(id);
  command.mutable_withdraw_case()->set_reason("Funded by the PCT instead");
  return command;
}

// The fixture's books, and commands recorded on them at given dates.
class CaseBooks {
 public:
  CaseBooks() {
    std::ifstream in(std::string(LCP_SOURCE_DIR) + "/tests/data/rules6-export.lcpx",
                     std::ios::binary);
    const AuditOutcome outcome = ReplayExport(in, journal_);
    EXPECT_TRUE(outcome.status.ok()) << outcome.status.ToString();
    EXPECT_EQ(outcome.records, 33u);
  }

  Result<v1::JournalRecord> Try(const v1::Actor& actor, const v1::Command& command,
                                const std::string& date) {
    v1::JournalEntry request;
    *request.mutable_command() = command;
    *request.mutable_actor() = actor;
    request.mutable_recorded_at()->set_seconds(At(date));
    request.set_idempotency_key("case-test-" + std::to_string(++keys_));
    Result<v1::JournalRecord> record = journal_.Submit(request);
    if (record.ok()) records_.push_back(*record);
    return record;
  }

  v1::JournalRecord Must(const v1::Actor& actor, const v1::Command& command,
                         const std::string& date) {
    Result<v1::JournalRecord> record = Try(actor, command, date);
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    return record.ok() ? *record : v1::JournalRecord();
  }

  // Expects `command` refused with `code` and `message`, and nothing recorded.
  void ExpectRefused(const v1::Actor& actor, const v1::Command& command, ErrorCode code,
                     const std::string& message, const std::string& date = "2027-09-01") {
    const std::uint64_t head = journal_.head_seq();
    const std::string digest = StateDigest(journal_.state());
    const Result<v1::JournalRecord> record = Try(actor, command, date);
    ASSERT_FALSE(record.ok());
    EXPECT_EQ(v1::ErrorCode_Name(record.status().code()), v1::ErrorCode_Name(code));
    EXPECT_EQ(record.status().message(), message);
    EXPECT_EQ(journal_.head_seq(), head);
    EXPECT_EQ(StateDigest(journal_.state()), digest);
  }

  const BusinessCase& Case(const std::string& id) const {
    return *journal_.state().cases.by_id.at(id);
  }

  // The case's clock, read on `date` while undecided.
  DecisionClock Clock(const std::string& id, const std::string& date) const {
    const BusinessCase& c = Case(id);
    std::vector<ClockPause> pauses;
    for (const CaseQuestion& q : c.questions) {
      pauses.push_back(ClockPause{q.asked_at, q.answered_seq == 0
                                                  ? std::nullopt
                                                  : std::optional<std::int64_t>(q.answered_at)});
    }
    return ReadClock(c.clock_started_at, pauses,
                     c.decided_seq == 0 ? std::nullopt : std::optional<std::int64_t>(c.decided_at),
                     At(date), c.target_days);
  }

  // A practice's reinvestment credit in a year, and its available reserve, in pounds.
  std::string Reserve(const std::string& ods, int year = 2027) const {
    const auto& balances = journal_.state().balances;
    auto in_year = balances.find(year);
    if (in_year == balances.end()) return "0.00";
    auto found = in_year->second.find(PracticeAccount(ods, "reinvestment"));
    return found == in_year->second.end() ? "0.00" : Money::FromPence(-found->second).ToString();
  }
  std::string Available(const std::string& ods) const {
    return Money::FromPence(AvailableReserve(journal_.state(), ods)).ToString();
  }

  Journal& journal() { return journal_; }
  const std::vector<v1::JournalRecord>& records() const { return records_; }

 private:
  Journal journal_;
  std::vector<v1::JournalRecord> records_;  // Those recorded here, after the fixture's.
  int keys_ = 0;
};

// A case two practices fund (A81001 1,000.00, A81002 500.00), proposed by A81001, and A81002's
// consent, both on `consent_date`.
void SubmitAndConsent(CaseBooks& books, const std::string& id, const std::string& consent_date) {
  books.Must(PracticeActor("A81001"),
             SubmitCommand(id, {{"A81001", "1000.00"}, {"A81002", "500.00"}}), consent_date);
  books.Must(PracticeActor("A81002"), ConsentCommand(id, "A81002"), consent_date);
}

// The clock starts at the last consent, 2027-05-04. Day 56 is 2027-06-29 (27 days to the end of May
// and 29 in June): decided then, on time; decided a day later, on day 57, late.
TEST(CaseClock, DecidedOnDay56IsOnTimeAndOnDay57Late) {
  CaseBooks books;
  SubmitAndConsent(books, "BC-1", "2027-05-04");
  SubmitAndConsent(books, "BC-2", "2027-05-04");
  const BusinessCase& before = books.Case("BC-1");
  EXPECT_EQ(before.state, v1::CASE_STATE_AWAITING_DECISION);
  EXPECT_EQ(before.clock_started_seq, 35u);
  EXPECT_EQ(before.target_days, 56u);
  books.Must(kOfficer, DecideCommand("BC-1", v1::CASE_DECISION_APPROVE), "2027-06-29");
  books.Must(kOfficer, DecideCommand("BC-2", v1::CASE_DECISION_REJECT, "Duplicates BC-1"),
             "2027-06-30");
  const DecisionClock on_time = books.Clock("BC-1", "2027-12-31");
  EXPECT_EQ(on_time.elapsed_days, 56);
  EXPECT_EQ(on_time.days_left, 0);
  EXPECT_TRUE(on_time.decided);
  EXPECT_FALSE(on_time.late);
  const DecisionClock late = books.Clock("BC-2", "2027-12-31");
  EXPECT_EQ(late.elapsed_days, 57);
  EXPECT_EQ(late.days_left, -1);
  EXPECT_TRUE(late.late);
  EXPECT_EQ(books.Case("BC-1").state, v1::CASE_STATE_APPROVED);
  EXPECT_EQ(books.Case("BC-1").decided_role, v1::ROLE_LCP_FINANCE);
  EXPECT_EQ(books.Case("BC-2").state, v1::CASE_STATE_REJECTED);
  EXPECT_EQ(books.Case("BC-2").reasons, "Duplicates BC-1");
}

// A ten-day pause (asked 2027-05-10, answered 2027-05-20) moves the target ten days: decided on
// 2027-07-09, 66 calendar days after the start, is 56 days on the clock and on time. Two pauses
// (2 + 3 days) on another case, and a third still open, count to the reading date.
TEST(CaseClock, PausesMoveTheTarget) {
  CaseBooks books;
  SubmitAndConsent(books, "BC-1", "2027-05-04");
  books.Must(kOfficer, AskCommand("BC-1", "Which nurses will staff it?"), "2027-05-10");
  EXPECT_EQ(books.Case("BC-1").state, v1::CASE_STATE_INFORMATION_REQUESTED);
  books.Must(PracticeActor("A81001"), AnswerCommand("BC-1", "Two practice nurses, 0.4 WTE each"),
             "2027-05-20");
  EXPECT_EQ(books.Case("BC-1").state, v1::CASE_STATE_AWAITING_DECISION);
  books.Must(kOfficer, DecideCommand("BC-1", v1::CASE_DECISION_APPROVE), "2027-07-09");
  const DecisionClock clock = books.Clock("BC-1", "2027-12-31");
  EXPECT_EQ(clock.paused_days, 10);
  EXPECT_EQ(clock.elapsed_days, 56);
  EXPECT_FALSE(clock.late);

  SubmitAndConsent(books, "BC-2", "2027-07-10");
  books.Must(kSecondOfficer, AskCommand("BC-2", "Costs?"), "2027-07-12");
  books.Must(PracticeActor("A81001"), AnswerCommand("BC-2", "Attached"), "2027-07-14");
  books.Must(kOfficer, AskCommand("BC-2", "Premises?"), "2027-07-20");
  books.Must(PracticeActor("A81001"), AnswerCommand("BC-2", "Our own"), "2027-07-23");
  books.Must(kOfficer, AskCommand("BC-2", "Evaluation?"), "2027-07-30");
  // Read on 2027-08-09: 30 calendar days, paused 2 + 3 + 10 (the open one) = 15, elapsed 15.
  const DecisionClock open = books.Clock("BC-2", "2027-08-09");
  EXPECT_EQ(open.paused_days, 15);
  EXPECT_EQ(open.elapsed_days, 15);
  EXPECT_EQ(open.days_left, 41);
  EXPECT_FALSE(open.decided);
  // The proposer never answers; the approver rejects on 2027-08-19: the open pause runs to the
  // decision (2 + 3 + 20 = 25 of 40 calendar days), so 15 days on the clock.
  books.Must(kOfficer, DecideCommand("BC-2", v1::CASE_DECISION_REJECT, "No answer"), "2027-08-19");
  const DecisionClock rejected = books.Clock("BC-2", "2027-12-31");
  EXPECT_TRUE(rejected.decided);
  EXPECT_EQ(rejected.paused_days, 25);
  EXPECT_EQ(rejected.elapsed_days, 15);
  EXPECT_EQ(books.Case("BC-2").state, v1::CASE_STATE_REJECTED);
  EXPECT_EQ(books.Case("BC-2").questions.back().answered_seq, 0u);
}

// The agreement in force for the case's year sets the target when the clock starts.
TEST(CaseClock, TheYearsAgreementSetsTheTarget) {
  CaseBooks books;
  v1::AgreementTerms terms = testing::WorkedExampleTerms();
  terms.clear_pooled_lines();
  terms.add_pooled_lines("COMMUNITY");
  terms.set_decision_target_days(30);
  books.Must(kOfficer, testing::ProposeAgreementCommand("2027/28", terms, 0, "Agreed in April"),
             "2027-04-10");
  books.Must(kPct, testing::CosignAgreementCommand("2027/28", 34), "2027-04-11");
  SubmitAndConsent(books, "BC-1", "2027-05-04");
  EXPECT_EQ(books.Case("BC-1").target_days, 30u);
  // 2027-06-04 is day 31.
  const DecisionClock clock = books.Clock("BC-1", "2027-06-04");
  EXPECT_EQ(clock.days_left, -1);
  EXPECT_TRUE(clock.late);
  terms.set_decision_target_days(367);
  books.ExpectRefused(kOfficer, testing::ProposeAgreementCommand("2027/28", terms, 34, "Longer"),
                      v1::ERROR_CODE_DECISION_TARGET_INVALID,
                      "the business cases' decision target is 1 to 366 days, or 0 for the "
                      "default of 56; 367 was given");
}

TEST(CaseDecision, RefusedWhileAFundingPracticeHasNotConsented) {
  CaseBooks books;
  books.Must(
      kOfficer,
      SubmitCommand("BC-1", {{"A81001", "1000.00"}, {"A81002", "500.00"}, {"A81003", "250.00"}}),
      "2027-05-01");
  books.Must(PracticeActor("A81003"), ConsentCommand("BC-1", "A81003"), "2027-05-02");
  EXPECT_EQ(books.Case("BC-1").state, v1::CASE_STATE_AWAITING_CONSENT);
  books.ExpectRefused(kSecondOfficer, DecideCommand("BC-1", v1::CASE_DECISION_APPROVE),
                      v1::ERROR_CODE_CASE_CONSENT_MISSING,
                      "case BC-1 cannot be decided before every funding practice consents; "
                      "awaiting A81001, A81002");
  books.ExpectRefused(kSecondOfficer, AskCommand("BC-1", "Why?"), v1::ERROR_CODE_CASE_STATE_INVALID,
                      "case BC-1 is AWAITING_CONSENT; information is asked for only while a case "
                      "awaits its decision");
  books.Must(PracticeActor("A81001"), ConsentCommand("BC-1", "A81001"), "2027-05-03");
  books.Must(PracticeActor("A81002"), ConsentCommand("BC-1", "A81002"), "2027-05-05");
  EXPECT_EQ(books.Case("BC-1").clock_started_at, At("2027-05-05"));
  books.Must(kSecondOfficer, DecideCommand("BC-1", v1::CASE_DECISION_APPROVE), "2027-05-06");
}

// Three practices fund 100.00 each. A draw-down of 100.00 splits 33.333... each: 33.33 each and the
// leftover penny, the remainders tied, to the lowest ODS code, A81001. The next, 200.00, splits by
// what each still holds (66.66 / 66.67 / 66.67), exactly; the case is then drawn in full.
TEST(CaseDrawDown, ThreeWaySplitWithATieGoesToTheLowerOdsCode) {
  CaseBooks books;
  books.Must(
      kOfficer,
      SubmitCommand("BC-1", {{"A81003", "100.00"}, {"A81002", "100.00"}, {"A81001", "100.00"}}),
      "2027-05-01");
  for (const std::string ods : {"A81001", "A81002", "A81003"}) {
    books.Must(PracticeActor(ods), ConsentCommand("BC-1", ods), "2027-05-02");
  }
  books.Must(kSecondOfficer, DecideCommand("BC-1", v1::CASE_DECISION_APPROVE), "2027-05-03");
  EXPECT_EQ(books.Available("A81001"), "20580.16");
  const v1::JournalRecord first =
      books.Must(kOfficer, DrawDownCommand("BC-1", "INV-1", "100.00"), "2027-05-10");
  EXPECT_EQ(testing::PostingsByPeriod(first),
            (std::vector<std::string>{"2027/28 M01 practice:A81001:reinvestment 33.34",
                                      "2027/28 M01 practice:A81002:reinvestment 33.33",
                                      "2027/28 M01 practice:A81003:reinvestment 33.33",
                                      "2027/28 M01 provider:NLO01:payable -100.00"}));
  const v1::JournalRecord second =
      books.Must(kOfficer, DrawDownCommand("BC-1", "INV-2", "200.00"), "2027-05-11");
  EXPECT_EQ(testing::PostingsByPeriod(second),
            (std::vector<std::string>{"2027/28 M01 practice:A81001:reinvestment 66.66",
                                      "2027/28 M01 practice:A81002:reinvestment 66.67",
                                      "2027/28 M01 practice:A81003:reinvestment 66.67",
                                      "2027/28 M01 provider:NLO01:payable -200.00"}));
  EXPECT_EQ(books.Reserve("A81001"), "20580.16");
  EXPECT_EQ(books.Reserve("A81002"), "15940.98");
  EXPECT_EQ(books.Reserve("A81003"), "33178.86");
  EXPECT_EQ(books.Available("A81001"), "20580.16");
  EXPECT_TRUE(books.journal().state().cases.held.empty());
  books.ExpectRefused(kOfficer, DrawDownCommand("BC-1", "INV-3", "0.01"),
                      v1::ERROR_CODE_DRAW_DOWN_EXCEEDS_APPROVED,
                      "case BC-1 was approved for 300.00 and 300.00 is drawn already, so 0.00 is "
                      "left; a draw-down of 0.01 would exceed it");
  books.ExpectRefused(kOfficer, testing::ReverseCommand(first.seq(), "2027/28", "M01", "Undo"),
                      v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE,
                      "entry " + std::to_string(first.seq()) +
                          " drew down a business case, whose figures follow its draw-downs; a "
                          "draw-down is never reversed (a provider's credit note is a journal "
                          "against its payable account)");
}

// Approval holds the funding; draw-downs move the reserve and release as much; a close releases
// the rest. A year opened after approval carries the reserve, holds and all, and the draw-downs
// follow it there.
TEST(CaseHolds, ApprovalHoldsDrawDownsMoveAndACloseReleases) {
  CaseBooks books;
  books.Must(PracticeActor("A81001"), SubmitCommand("BC-1", {{"A81001", "15000.00"}}),
             "2027-05-01");
  EXPECT_EQ(books.Case("BC-1").state, v1::CASE_STATE_AWAITING_DECISION);  // No one else consents.
  EXPECT_EQ(books.Available("A81001"), "20680.16");  // Nothing is held before the approval.
  books.Must(kOfficer, DecideCommand("BC-1", v1::CASE_DECISION_APPROVE), "2027-05-02");
  EXPECT_EQ(books.Available("A81001"), "5680.16");
  books.ExpectRefused(PracticeActor("A81001"), SubmitCommand("BC-2", {{"A81001", "5680.17"}}),
                      v1::ERROR_CODE_RESERVE_INSUFFICIENT,
                      "practice A81001's available reserve is 5680.16 (its reserve of 20680.16 "
                      "less 15000.00 held by approved cases), less than the 5680.17 it would give");
  books.Must(kOfficer, DrawDownCommand("BC-1", "INV-1", "5000.00"), "2027-05-10");
  EXPECT_EQ(books.Reserve("A81001"), "15680.16");
  EXPECT_EQ(books.Available("A81001"), "5680.16");

  // 2028/29 opens: 15,680.16 carried into it; 10,000.00 still held.
  books.Must(kAdmin, testing::OpenYearCommand("2028/29", {"COMMUNITY"}), "2027-06-01");
  EXPECT_EQ(books.Reserve("A81001", 2027), "0.00");
  EXPECT_EQ(books.Reserve("A81001", 2028), "15680.16");
  EXPECT_EQ(books.Available("A81001"), "5680.16");
  books.ExpectRefused(kOfficer, DrawDownCommand("BC-1", "INV-2", "1000.00", "2027/28", "M02"),
                      v1::ERROR_CODE_CASE_PERIOD_INVALID,
                      "the reserves are in the latest year, 2028/29; a draw-down goes into one of "
                      "its open months, not 2027/28 M02");
  books.Must(kOfficer, DrawDownCommand("BC-1", "INV-2", "1000.00", "2028/29", "M01"), "2027-06-02");
  EXPECT_EQ(books.Reserve("A81001", 2028), "14680.16");
  EXPECT_EQ(books.Available("A81001"), "5680.16");
  books.Must(kOfficer, CloseCommand("BC-1"), "2027-06-03");
  EXPECT_EQ(books.Case("BC-1").state, v1::CASE_STATE_CLOSED);
  EXPECT_EQ(books.Available("A81001"), "14680.16");
  books.ExpectRefused(kOfficer, DrawDownCommand("BC-1", "INV-3", "1.00", "2028/29", "M01"),
                      v1::ERROR_CODE_CASE_STATE_INVALID,
                      "case BC-1 is CLOSED; it was closed by entry " +
                          std::to_string(books.Case("BC-1").closed_seq) +
                          " and takes no more draw-downs");
}

// Who decides: a MAKE case, or one whose provider a member declared an interest in, by PCT
// finance; any other by an LCP finance officer; never the proposer.
TEST(CaseDecision, TheRightRoleDecidesAndNeverTheProposer) {
  CaseBooks books;
  books.Must(kOfficer, SubmitCommand("BUY-1", {{"A81003", "10.00"}}), "2027-05-01");
  books.Must(kOfficer,
             SubmitCommand("MAKE-1", {{"A81003", "10.00"}}, "NLO01", v1::CONTRACT_MODE_MAKE),
             "2027-05-01");
  books.Must(PracticeActor("A81003"), ConsentCommand("BUY-1", "A81003"), "2027-05-02");
  books.Must(PracticeActor("A81003"), ConsentCommand("MAKE-1", "A81003"), "2027-05-02");
  books.ExpectRefused(kOfficer, DecideCommand("BUY-1", v1::CASE_DECISION_APPROVE),
                      v1::ERROR_CODE_APPROVER_IS_PROPOSER,
                      "case BUY-1 was proposed by finance.officer; another principal approves it "
                      "(the approver is never the proposer)");
  books.ExpectRefused(kPct, DecideCommand("BUY-1", v1::CASE_DECISION_APPROVE),
                      v1::ERROR_CODE_CASE_APPROVER_ROLE_WRONG,
                      "case BUY-1 is decided by an LCP finance officer, because it is a BUY case "
                      "and no member declared an interest in its provider; an LCP_FINANCE "
                      "principal approves it");
  books.ExpectRefused(kSecondOfficer, DecideCommand("MAKE-1", v1::CASE_DECISION_APPROVE),
                      v1::ERROR_CODE_PCT_APPROVAL_REQUIRED,
                      "case MAKE-1 is decided by PCT finance, because it is a MAKE case; a "
                      "PCT_FINANCE principal approves it");
  books.Must(kPct, DecideCommand("MAKE-1", v1::CASE_DECISION_APPROVE), "2027-05-03");
  EXPECT_EQ(books.Case("MAKE-1").decided_role, v1::ROLE_PCT_FINANCE);
  // A declared interest in NLO01 moves BUY-1 to PCT finance.
  v1::Command interest;
  interest.mutable_declare_interest()->set_ods_code("A81002");
  interest.mutable_declare_interest()->set_provider_code("NLO01");
  interest.mutable_declare_interest()->set_description("A partner is on NLO01's board");
  const v1::JournalRecord declared = books.Must(PracticeActor("A81002"), interest, "2027-05-04");
  books.ExpectRefused(kSecondOfficer, DecideCommand("BUY-1", v1::CASE_DECISION_APPROVE),
                      v1::ERROR_CODE_PCT_APPROVAL_REQUIRED,
                      "case BUY-1 is decided by PCT finance, because practice A81002 declared an "
                      "interest in provider NLO01 (entry " +
                          std::to_string(declared.seq()) +
                          "); a PCT_FINANCE principal approves it");
  books.Must(kPct, DecideCommand("BUY-1", v1::CASE_DECISION_APPROVE), "2027-05-05");
}

// Every refusal with its code and message, and nothing recorded.
TEST(CaseRefusals, EachWithItsCodeAndNothingPosted) {
  CaseBooks books;
  // A provider registered under a practice's ODS code cannot be a case's payee.
  books.Must(kAdmin, testing::RegisterProviderCommand("A81002"), "2027-04-20");
  books.Must(PracticeActor("A81001"),
             SubmitCommand("BC-1", {{"A81001", "1000.00"}, {"A81002", "500.00"}}), "2027-05-01");
  books.ExpectRefused(kOfficer, SubmitCommand("BC-1", {{"A81001", "1.00"}}),
                      v1::ERROR_CODE_CASE_ALREADY_EXISTS,
                      "case BC-1 was submitted already, by entry 35");
  books.ExpectRefused(kOfficer, SubmitCommand("bc-2", {{"A81001", "1.00"}}),
                      v1::ERROR_CODE_CASE_ID_MALFORMED,
                      "case id \"bc-2\" must be 1 to 32 capital letters, digits, \"-\" and \"_\", "
                      "starting with a letter, like BC-2027-01");
  v1::Command long_purpose = SubmitCommand("BC-2", {{"A81001", "1.00"}});
  long_purpose.mutable_submit_case()->set_purpose(std::string(2001, 'x'));
  books.ExpectRefused(kOfficer, long_purpose, v1::ERROR_CODE_CASE_PURPOSE_INVALID,
                      "a case's purpose must be 1 to 2000 characters of UTF-8 text without "
                      "control characters");
  books.ExpectRefused(kOfficer, SubmitCommand("BC-2", {}), v1::ERROR_CODE_CASE_FUNDING_INVALID,
                      "a case is funded by 1 to 100 practices; 0 were given");
  books.ExpectRefused(kOfficer, SubmitCommand("BC-2", {{"A81001", "1.00"}, {"A81001", "2.00"}}),
                      v1::ERROR_CODE_CASE_FUNDING_INVALID, "practice A81001 is named twice");
  books.ExpectRefused(kOfficer, SubmitCommand("BC-2", {{"A81001", "0.00"}}),
                      v1::ERROR_CODE_CASE_FUNDING_INVALID,
                      "practice A81001's funding must be above 0.00");
  books.ExpectRefused(kOfficer, SubmitCommand("BC-2", {{"A81009", "1.00"}}),
                      v1::ERROR_CODE_PRACTICE_UNKNOWN,
                      "practice \"A81009\" is not a registered member");
  books.ExpectRefused(kOfficer, SubmitCommand("BC-2", {{"A81002", "16040.99"}}),
                      v1::ERROR_CODE_RESERVE_INSUFFICIENT,
                      "practice A81002's available reserve is 16040.98 (its reserve of 16040.98 "
                      "less 0.00 held by approved cases), less than the 16040.99 it would give");
  books.ExpectRefused(kOfficer, SubmitCommand("BC-2", {{"A81001", "1.00"}}, "A81002"),
                      v1::ERROR_CODE_CASE_PAYEE_INVALID,
                      "provider A81002 has a practice's ODS code; a reserve pays a service, never "
                      "a practice's income");
  books.ExpectRefused(kOfficer, SubmitCommand("BC-2", {{"A81001", "1.00"}}, "RX9"),
                      v1::ERROR_CODE_PROVIDER_UNKNOWN, "provider \"RX9\" is not registered");
  books.ExpectRefused(
      kOfficer, SubmitCommand("BC-2", {{"A81001", "1.00"}}, "NLO01", v1::CONTRACT_MODE_UNSPECIFIED),
      v1::ERROR_CODE_CONTRACT_MODE_INVALID,
      "a case is MAKE (a member or the LCP's provider arm delivers it) or BUY");
  books.ExpectRefused(PracticeActor("A81003"), SubmitCommand("BC-2", {{"A81001", "1.00"}}),
                      v1::ERROR_CODE_PERMISSION_DENIED,
                      "a practice proposes cases from its own reserve: A81003 is not among the "
                      "funding practices");
  // A practice that does not fund a case learns nothing of it, not even that it exists; the
  // insecure local administrator, who may consent for any practice, is told why.
  books.ExpectRefused(PracticeActor("A81003"), ConsentCommand("BC-1", "A81003"),
                      v1::ERROR_CODE_CASE_UNKNOWN,
                      "no business case \"BC-1\" was submitted (lcp case list shows them)");
  books.ExpectRefused(PracticeActor("A81003"), WithdrawCommand("BC-1"), v1::ERROR_CODE_CASE_UNKNOWN,
                      "no business case \"BC-1\" was submitted (lcp case list shows them)");
  books.ExpectRefused(ActorOf("local-admin", v1::ROLE_LOCAL_ADMIN),
                      ConsentCommand("BC-1", "A81003"), v1::ERROR_CODE_CASE_CONSENT_INVALID,
                      "practice \"A81003\" does not fund case BC-1; only its funding practices "
                      "consent");
  // Nor, proposing, does it see another practice's reserve, nor which entry took an id.
  books.ExpectRefused(PracticeActor("A81001"),
                      SubmitCommand("BC-2", {{"A81001", "1.00"}, {"A81002", "16040.99"}}),
                      v1::ERROR_CODE_RESERVE_INSUFFICIENT,
                      "practice A81002's available reserve does not cover the 16040.99 it would "
                      "give; ask it, or LCP finance, what it can give");
  books.ExpectRefused(PracticeActor("A81001"), SubmitCommand("BC-1", {{"A81001", "1.00"}}),
                      v1::ERROR_CODE_CASE_ALREADY_EXISTS,
                      "case BC-1 was submitted already; choose another id");
  books.ExpectRefused(PracticeActor("A81003"), ConsentCommand("BC-1", "A81002"),
                      v1::ERROR_CODE_PERMISSION_DENIED,
                      "a practice consents only for itself: you act for A81003");
  books.ExpectRefused(PracticeActor("A81001"), ConsentCommand("BC-1", "A81001"),
                      v1::ERROR_CODE_CASE_CONSENT_INVALID,
                      "practice A81001 consented to case BC-1 already, by entry 35");
  books.ExpectRefused(PracticeActor("A81001"), ConsentCommand("BC-9", "A81001"),
                      v1::ERROR_CODE_CASE_UNKNOWN,
                      "no business case \"BC-9\" was submitted (lcp case list shows them)");
  books.ExpectRefused(kOfficer, DrawDownCommand("BC-1", "INV-1", "1.00"),
                      v1::ERROR_CODE_CASE_STATE_INVALID,
                      "case BC-1 is AWAITING_CONSENT; only an approved case is drawn down");
  books.ExpectRefused(kOfficer, DecideCommand("BC-1", v1::CASE_DECISION_UNSPECIFIED),
                      v1::ERROR_CODE_CASE_DECISION_MISSING, "a decision is APPROVE or REJECT");
  books.Must(PracticeActor("A81002"), ConsentCommand("BC-1", "A81002"), "2027-05-02");
  books.ExpectRefused(kOfficer, DecideCommand("BC-1", v1::CASE_DECISION_REJECT),
                      v1::ERROR_CODE_CASE_PURPOSE_INVALID,
                      "a decision's reasons must be 1 to 2000 characters of UTF-8 text without "
                      "control characters");
  books.ExpectRefused(kOfficer, AnswerCommand("BC-1", "Unasked"), v1::ERROR_CODE_CASE_STATE_INVALID,
                      "case BC-1 is AWAITING_DECISION; no request for information awaits an "
                      "answer");
  books.Must(kOfficer, AskCommand("BC-1", "Who runs it?"), "2027-05-03");
  books.ExpectRefused(PracticeActor("A81002"), AnswerCommand("BC-1", "We do"),
                      v1::ERROR_CODE_CASE_NOT_PROPOSER,
                      "only the proposer of case BC-1 (practice.A81001) answers its questions");
  books.ExpectRefused(kOfficer, DecideCommand("BC-1", v1::CASE_DECISION_APPROVE),
                      v1::ERROR_CODE_CASE_STATE_INVALID,
                      "case BC-1 is INFORMATION_REQUESTED; it awaits the proposer's answer to the "
                      "question of entry 37 before it is approved (it may be rejected)");
  books.Must(PracticeActor("A81001"), AnswerCommand("BC-1", "Our nurses"), "2027-05-04");
  books.ExpectRefused(kOfficer, WithdrawCommand("BC-1"), v1::ERROR_CODE_CASE_NOT_PROPOSER,
                      "only the proposer of case BC-1 (practice.A81001) withdraws it");
  v1::Command no_reason = WithdrawCommand("BC-1");
  no_reason.mutable_withdraw_case()->clear_reason();
  books.ExpectRefused(PracticeActor("A81001"), no_reason, v1::ERROR_CODE_NARRATIVE_INVALID,
                      "a withdrawal needs a reason of 1 to 500 characters of UTF-8 text without "
                      "control characters");
  books.Must(kOfficer, DecideCommand("BC-1", v1::CASE_DECISION_APPROVE), "2027-05-05");
  books.ExpectRefused(PracticeActor("A81001"), WithdrawCommand("BC-1"),
                      v1::ERROR_CODE_CASE_STATE_INVALID,
                      "case BC-1 is APPROVED; only a case not yet decided is withdrawn (close an "
                      "approved one)");
  books.ExpectRefused(kOfficer, DrawDownCommand("BC-1", "INV-1", "1.00", "2026/27", "M12"),
                      v1::ERROR_CODE_YEAR_SETTLED,
                      "financial year 2026/27 was settled by entry 32 and is locked; nothing more "
                      "is posted or changed in it");
  books.ExpectRefused(kOfficer, DrawDownCommand("BC-1", "INV 1", "1.00"),
                      v1::ERROR_CODE_INVOICE_REFERENCE_INVALID,
                      "the invoice reference must be 1 to 64 printable ASCII characters without "
                      "spaces");
  books.ExpectRefused(kOfficer, DrawDownCommand("BC-1", "INV-1", "-1.00"),
                      v1::ERROR_CODE_PAYMENT_AMOUNT_INVALID,
                      "a draw-down's amount must be above 0.00; -1.00 was given");
  books.ExpectRefused(kOfficer, DrawDownCommand("BC-1", "INV-1", "1500.01"),
                      v1::ERROR_CODE_DRAW_DOWN_EXCEEDS_APPROVED,
                      "case BC-1 was approved for 1500.00 and 0.00 is drawn already, so 1500.00 "
                      "is left; a draw-down of 1500.01 would exceed it");
  books.Must(kOfficer, DrawDownCommand("BC-1", "INV-1", "1500.00"), "2027-05-06");
  books.ExpectRefused(kOfficer, DrawDownCommand("BC-1", "INV-1", "1.00"),
                      v1::ERROR_CODE_INVOICE_ALREADY_POSTED,
                      "invoice INV-1 from NLO01 was paid already by entry 40");
  // A reserve is never typed out to a practice's income: its account is reserved for journals.
  books.ExpectRefused(kOfficer,
                      testing::JournalCommand("2027/28", "M01",
                                              {{"practice:A81001:reinvestment", "100.00"},
                                               {"practice:A81001:income", "-100.00"}}),
                      v1::ERROR_CODE_ACCOUNT_RESERVED,
                      "account \"practice:A81001:reinvestment\" is moved only by the year's "
                      "settlement (SettleYear), which applies the risk-sharing agreement, and by "
                      "the carrying of reinvestment reserves into the next year; a saving, a "
                      "share or a reserve is never typed in");
}

// What Decide states for each case command: one PutCase (the draw-down also records its invoice and
// posts), and only the draw-down is irreversible.
TEST(CaseRules, EachCaseCommandsChangesAndReversibility) {
  CaseBooks books;
  constexpr std::size_t kInvoice = 5, kCase = 17;
  ASSERT_EQ(Change(PutCase{}).index(), kCase);
  ASSERT_EQ(Change(RecordInvoice{}).index(), kInvoice);
  struct Step {
    v1::Actor actor;
    v1::Command command;
    std::vector<std::size_t> kinds;
    Irreversible irreversible;
    bool posts;
  };
  const std::vector<Step> steps = {
      {kOfficer,
       SubmitCommand("BC-1", {{"A81001", "10.00"}, {"A81002", "10.00"}}),
       {kCase},
       Irreversible::kNo,
       false},
      {PracticeActor("A81001"),
       ConsentCommand("BC-1", "A81001"),
       {kCase},
       Irreversible::kNo,
       false},
      {PracticeActor("A81002"),
       ConsentCommand("BC-1", "A81002"),
       {kCase},
       Irreversible::kNo,
       false},
      {kSecondOfficer, AskCommand("BC-1", "Why?"), {kCase}, Irreversible::kNo, false},
      {kOfficer, AnswerCommand("BC-1", "Because"), {kCase}, Irreversible::kNo, false},
      {kSecondOfficer,
       DecideCommand("BC-1", v1::CASE_DECISION_APPROVE),
       {kCase},
       Irreversible::kNo,
       false},
      {kOfficer,
       DrawDownCommand("BC-1", "INV-1", "5.00"),
       {kInvoice, kCase},
       Irreversible::kCaseDrawDown,
       true},
      {kOfficer, CloseCommand("BC-1"), {kCase}, Irreversible::kNo, false},
      {kOfficer, SubmitCommand("BC-2", {{"A81001", "10.00"}}), {kCase}, Irreversible::kNo, false},
      {kOfficer, WithdrawCommand("BC-2"), {kCase}, Irreversible::kNo, false},
  };
  for (const Step& step : steps) {
    SCOPED_TRACE(step.command.ShortDebugString());
    v1::JournalEntry envelope;
    *envelope.mutable_actor() = step.actor;
    envelope.set_rules_version(kRulesVersionCurrent);
    envelope.mutable_recorded_at()->set_seconds(At("2027-05-01"));
    const Result<ChangeSet> changes = Decide(books.journal().state(), step.command, envelope);
    ASSERT_TRUE(changes.ok()) << changes.status().ToString();
    std::vector<std::size_t> kinds;
    for (const Change& change : changes->changes) kinds.push_back(change.index());
    EXPECT_EQ(kinds, step.kinds);
    EXPECT_EQ(changes->irreversible, step.irreversible);
    EXPECT_EQ(!changes->legs.empty(), step.posts);
    books.Must(step.actor, step.command, "2027-05-01");
  }
}

// A payee that has since become a practice's ODS code is never paid from a reserve: the provider
// A81009 is registered, a case paying it approved, and then practice A81009 registers.
TEST(CaseRefusals, ADrawDownToAPayeeThatIsNowAPracticeIsRefused) {
  CaseBooks books;
  books.Must(kAdmin, testing::RegisterProviderCommand("A81009"), "2027-04-20");
  books.Must(PracticeActor("A81001"), SubmitCommand("BC-1", {{"A81001", "100.00"}}, "A81009"),
             "2027-05-01");
  books.Must(kOfficer, DecideCommand("BC-1", v1::CASE_DECISION_APPROVE), "2027-05-02");
  books.Must(kAdmin, testing::RegisterPracticeCommand("A81009"), "2027-05-03");
  books.ExpectRefused(kOfficer, DrawDownCommand("BC-1", "INV-1", "10.00"),
                      v1::ERROR_CODE_CASE_PAYEE_INVALID,
                      "case BC-1's provider A81009 is now also a practice's ODS code; a reserve is "
                      "never paid to a practice");
  EXPECT_EQ(books.Reserve("A81001"), "20680.16");
}

// Case commands came in with rules 7: an entry that records an older version cannot hold one.
TEST(CaseRules, ACaseCommandUnderRules6IsRefused) {
  CaseBooks books;
  v1::JournalEntry envelope;
  *envelope.mutable_actor() = kOfficer;
  envelope.set_rules_version(6);
  envelope.mutable_recorded_at()->set_seconds(At("2027-05-01"));
  const Result<ChangeSet> decided =
      Decide(books.journal().state(), SubmitCommand("BC-1", {{"A81001", "1.00"}}), envelope);
  ASSERT_FALSE(decided.ok());
  EXPECT_EQ(decided.status().code(), v1::ERROR_CODE_CASE_RULES_NOT_IN_FORCE);
  EXPECT_EQ(decided.status().message(),
            "business cases came in with rules version 7; an entry recorded under rules 6 cannot "
            "hold one");
}

// The cases' records replay to the same state, holds and all.
TEST(CaseRules, CasesReplayToTheSameState) {
  CaseBooks books;
  SubmitAndConsent(books, "BC-1", "2027-05-04");
  books.Must(kOfficer, AskCommand("BC-1", "Who?"), "2027-05-05");
  books.Must(PracticeActor("A81001"), AnswerCommand("BC-1", "Us"), "2027-05-06");
  books.Must(kOfficer, DecideCommand("BC-1", v1::CASE_DECISION_APPROVE), "2027-05-07");
  books.Must(kOfficer, DrawDownCommand("BC-1", "INV-1", "700.00"), "2027-05-08");
  SubmitAndConsent(books, "BC-2", "2027-05-09");
  books.Must(PracticeActor("A81001"), WithdrawCommand("BC-2"), "2027-05-10");
  EXPECT_EQ(books.Case("BC-2").state, v1::CASE_STATE_WITHDRAWN);
  CaseBooks replayed;
  for (const v1::JournalRecord& record : books.records()) {
    const Status status = replayed.journal().Replay(record);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_EQ(StateDigest(replayed.journal().state()), StateDigest(books.journal().state()));
  // 700.00 of 1,500.00 drawn: quotas 466.666... and 233.333..., floors 466.66 and 233.33, the
  // leftover penny to the larger remainder (A81001's): parts 466.67 and 233.33, so the holds left
  // are 533.33 and 266.67.
  EXPECT_EQ(Money::FromPence(replayed.journal().state().cases.held.at("A81001")).ToString(),
            "533.33");
  EXPECT_EQ(Money::FromPence(replayed.journal().state().cases.held.at("A81002")).ToString(),
            "266.67");
}

// The case views and report (GetCase, ListCases, GetCaseReport), read on 2027-07-01. All clocks
// start on 2027-05-01 but O2's (2027-05-10). LCP finance decided L1 on day 10, L2 on day 20 and L3
// on day 57 (late); PCT finance the MAKE cases P1 on day 40 and P2 on day 51. O1 has a question
// open since 2027-05-05: 61 calendar days to 2027-07-01, 57 of them paused, so day 4, 52 left. O2
// is on day 52 (21 days of May, 30 of June, 1 of July), 4 left. W1 awaits A81002's consent.
TEST(CaseViews, ReportMediansLateCasesAndWhatAPracticeSees) {
  CaseBooks books;
  const std::string day = "2027-05-01";
  auto submit = [&](const std::string& id, const std::string& ods, v1::ContractMode mode) {
    books.Must(kOfficer, SubmitCommand(id, {{ods, "10.00"}}, "NLO01", mode), day);
  };
  for (const std::string id : {"L1", "L2", "O2"}) submit(id, "A81001", v1::CONTRACT_MODE_BUY);
  for (const std::string id : {"L3", "O1"}) submit(id, "A81002", v1::CONTRACT_MODE_BUY);
  for (const std::string id : {"P1", "P2"}) submit(id, "A81003", v1::CONTRACT_MODE_MAKE);
  books.Must(kOfficer, SubmitCommand("W1", {{"A81001", "10.00"}, {"A81002", "10.00"}}), day);
  for (const auto& [id, ods] :
       {std::pair("L1", "A81001"), std::pair("L2", "A81001"), std::pair("L3", "A81002"),
        std::pair("O1", "A81002"), std::pair("P1", "A81003"), std::pair("P2", "A81003"),
        std::pair("W1", "A81001")}) {
    books.Must(PracticeActor(ods), ConsentCommand(id, ods), day);
  }
  books.Must(kSecondOfficer, AskCommand("O1", "Which weeks?"), "2027-05-05");
  books.Must(PracticeActor("A81001"), ConsentCommand("O2", "A81001"), "2027-05-10");
  const v1::Command approve_l1 = DecideCommand("L1", v1::CASE_DECISION_APPROVE);
  books.Must(kSecondOfficer, approve_l1, "2027-05-11");
  books.Must(kSecondOfficer, DecideCommand("L2", v1::CASE_DECISION_REJECT, "No"), "2027-05-21");
  books.Must(kPct, DecideCommand("P1", v1::CASE_DECISION_APPROVE), "2027-06-10");
  books.Must(kPct, DecideCommand("P2", v1::CASE_DECISION_APPROVE), "2027-06-21");
  books.Must(kSecondOfficer, DecideCommand("L3", v1::CASE_DECISION_APPROVE), "2027-06-27");
  const Snapshot snapshot = BorrowSnapshot(books.journal().state(), nullptr);

  v1::GetCaseReportRequest report_request;
  report_request.set_read_on("2027-07-01");
  Result<v1::GetCaseReportResponse> report =
      queries::GetCaseReport(snapshot, kOfficer, report_request);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->read_on(), "2027-07-01");
  EXPECT_EQ(std::vector<std::string>(report->awaiting_consent().begin(),
                                     report->awaiting_consent().end()),
            std::vector<std::string>{"W1"});
  ASSERT_EQ(report->open_size(), 2);
  EXPECT_EQ(report->open(0).case_id(), "O2");
  EXPECT_EQ(report->open(0).clock().elapsed_days(), 52);
  EXPECT_EQ(report->open(0).clock().days_left(), 4);
  EXPECT_EQ(report->open(1).case_id(), "O1");
  EXPECT_EQ(report->open(1).state(), v1::CASE_STATE_INFORMATION_REQUESTED);
  EXPECT_EQ(report->open(1).clock().paused_days(), 57);
  EXPECT_EQ(report->open(1).clock().elapsed_days(), 4);
  EXPECT_EQ(report->open(1).clock().days_left(), 52);
  ASSERT_EQ(report->roles_size(), 2);
  const v1::CaseReportRoleRow& pct = report->roles(0);
  EXPECT_EQ(pct.role(), v1::ROLE_PCT_FINANCE);
  EXPECT_EQ(pct.decided(), 2);
  EXPECT_EQ(pct.median_days(), "45.5");
  EXPECT_EQ(pct.late(), 0);
  EXPECT_EQ(pct.open(), 0);
  const v1::CaseReportRoleRow& lcp = report->roles(1);
  EXPECT_EQ(lcp.role(), v1::ROLE_LCP_FINANCE);
  EXPECT_EQ(lcp.decided(), 3);
  EXPECT_EQ(lcp.median_days(), "20.0");
  EXPECT_EQ(lcp.late(), 1);
  EXPECT_EQ(std::vector<std::string>(lcp.late_case_ids().begin(), lcp.late_case_ids().end()),
            std::vector<std::string>{"L3"});
  EXPECT_EQ(lcp.open(), 2);
  EXPECT_EQ(lcp.open_over(), 0);

  // A practice's report covers only the cases it funds.
  Result<v1::GetCaseReportResponse> park =
      queries::GetCaseReport(snapshot, PracticeActor("A81003"), report_request);
  ASSERT_TRUE(park.ok()) << park.status().ToString();
  EXPECT_EQ(park->open_size(), 0);
  EXPECT_EQ(park->awaiting_consent_size(), 0);
  EXPECT_EQ(park->roles(0).decided(), 2);
  EXPECT_EQ(park->roles(1).decided(), 0);
  EXPECT_EQ(park->roles(1).median_days(), "");

  auto list = [&](const v1::Actor& actor, v1::ListCasesRequest request) {
    request.set_read_on("2027-07-01");
    Result<v1::ListCasesResponse> listed = queries::ListCases(snapshot, actor, request);
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    std::vector<std::string> ids;
    if (listed.ok()) {
      for (const v1::CaseView& view : listed->cases()) ids.push_back(view.case_id());
    }
    return ids;
  };
  v1::ListCasesRequest late;
  late.set_late(true);
  EXPECT_EQ(list(kOfficer, late), std::vector<std::string>{"L3"});
  v1::ListCasesRequest by_pct;
  by_pct.set_approver_role(v1::ROLE_PCT_FINANCE);
  EXPECT_EQ(list(kOfficer, by_pct), (std::vector<std::string>{"P1", "P2"}));
  v1::ListCasesRequest awaiting;
  awaiting.set_state(v1::CASE_STATE_AWAITING_DECISION);
  EXPECT_EQ(list(kOfficer, awaiting), std::vector<std::string>{"O2"});
  v1::ListCasesRequest funded_by;
  funded_by.set_ods_code("A81002");
  EXPECT_EQ(list(kOfficer, funded_by), (std::vector<std::string>{"L3", "O1", "W1"}));
  EXPECT_EQ(list(PracticeActor("A81002"), v1::ListCasesRequest()),
            (std::vector<std::string>{"L3", "O1", "W1"}));
  Result<v1::ListCasesResponse> other =
      queries::ListCases(snapshot, PracticeActor("A81003"), funded_by);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), v1::ERROR_CODE_PERMISSION_DENIED);

  // One case in full; a practice that does not fund a case learns nothing of it.
  v1::GetCaseRequest one;
  one.set_case_id("O1");
  one.set_read_on("2027-07-01");
  Result<v1::GetCaseResponse> o1 = queries::GetCase(snapshot, PracticeActor("A81002"), one);
  ASSERT_TRUE(o1.ok()) << o1.status().ToString();
  const v1::CaseView& view = o1->case_();
  EXPECT_EQ(view.state(), v1::CASE_STATE_INFORMATION_REQUESTED);
  EXPECT_EQ(view.year(), "2027/28");
  EXPECT_EQ(view.submitted_on(), "2027-05-01");
  EXPECT_EQ(view.clock().started_on(), "2027-05-01");
  EXPECT_EQ(view.approver_role(), v1::ROLE_LCP_FINANCE);
  EXPECT_EQ(view.approver_reason(),
            "it is a BUY case and no member declared an interest in its provider");
  ASSERT_EQ(view.questions_size(), 1);
  EXPECT_EQ(view.questions(0).asked_on(), "2027-05-05");
  EXPECT_EQ(view.questions(0).asked_by(), "second.officer");
  EXPECT_EQ(view.questions(0).answered_seq(), 0u);
  ASSERT_EQ(view.fundings_size(), 1);
  EXPECT_EQ(view.fundings(0).name(), "Hillview Surgery");
  EXPECT_EQ(view.fundings(0).amount().value(), "10.00");
  EXPECT_EQ(view.fundings(0).held().value(), "0.00");  // Not approved: nothing held.
  Result<v1::GetCaseResponse> hidden = queries::GetCase(snapshot, PracticeActor("A81003"), one);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.status().code(), v1::ERROR_CODE_CASE_UNKNOWN);
  EXPECT_EQ(hidden.status().message(), "no business case \"O1\" that practice A81003 funds");
  one.set_read_on("2027-13-01");
  Result<v1::GetCaseResponse> malformed = queries::GetCase(snapshot, kOfficer, one);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.status().code(), v1::ERROR_CODE_QUERY_INVALID);
  EXPECT_EQ(malformed.status().message(),
            "read_on \"2027-13-01\" is not a date written like 2027-07-01");
}

}  // namespace
}  // namespace lcp

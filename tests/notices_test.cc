// Budget notices and membership in the engine (DOMAIN.md "Budget notices", "Membership"): confirmed
// totals, INDICATIVE and FINAL runs against the year's deadline, budget transfers,
// acknowledgements, sign-ups and leaving, the journal's closed back doors, and rules versions: an
// export recorded under rules 1 (tests/data/rules1-export.lcpx, made by the binaries before this
// change) replays unchanged.
#include "ledger/rules/notices.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/audit/replay.h"
#include "ledger/base/chain.h"
#include "ledger/base/export_file.h"
#include "ledger/base/state_digest.h"
#include "ledger/engine/journal.h"
#include "ledger/read/queries.h"
#include "ledger/read/snapshot.h"
#include "ledger/rules/risk_sharing.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

// Times: 2026-04-20T09:00Z, and noon on the deadline, a day after it and 40 days after it.
constexpr std::int64_t kApril20 = 1'776'675'600;
constexpr std::int64_t kMay1Noon = 1'777'636'800;
constexpr std::int64_t kMay2Noon = 1'777'723'200;
constexpr std::int64_t kJune10Noon = 1'781'092'800;

v1::Actor ActorOf(const std::string& id, v1::Role role, const std::string& ods = "") {
  v1::Actor actor;
  actor.set_principal_id(id);
  actor.set_role(role);
  actor.set_practice_ods_code(ods);
  return actor;
}

const v1::Actor kAdmin = ActorOf("admin@lcp", v1::ROLE_ADMIN);
const v1::Actor kOfficer = ActorOf("finance.officer@lcp", v1::ROLE_LCP_FINANCE);
const v1::Actor kManager = ActorOf("budget.manager@lcp", v1::ROLE_LCP_FINANCE);
const v1::Actor kPct = ActorOf("pct.finance@pct", v1::ROLE_PCT_FINANCE);
const v1::Actor kPct2 = ActorOf("pct.deputy@pct", v1::ROLE_PCT_FINANCE);
const v1::Actor kRiverside = ActorOf("riverside@A81001", v1::ROLE_PRACTICE, "A81001");
const v1::Actor kHillview = ActorOf("hillview@A81002", v1::ROLE_PRACTICE, "A81002");

class Ledger {
 public:
  Result<v1::JournalRecord> Submit(const v1::Command& command, const v1::Actor& actor,
                                   std::int64_t at = kApril20) {
    v1::JournalEntry request;
    *request.mutable_command() = command;
    *request.mutable_actor() = actor;
    request.mutable_recorded_at()->set_seconds(at);
    request.set_idempotency_key("key-" + std::to_string(++keys_));
    if (rules != 0) return RecordUnder(rules, std::move(request));
    return journal.Submit(std::move(request));
  }
  // Records the entry as the binaries of rules version `version` did, deciding it under those
  // rules, and replays it: how a test reaches an older version's branch of a rule.
  Result<v1::JournalRecord> RecordUnder(std::uint32_t version, v1::JournalEntry entry) {
    entry.set_rules_version(version);
    Result<ChangeSet> changes = Decide(journal.state(), entry.command(), entry);
    if (!changes.ok()) return changes.status();
    RecordInEntry(*changes, entry);
    v1::JournalRecord record =
        MakeRecord(journal.head_seq() + 1, journal.head_hash(), entry.SerializeAsString());
    if (Status replayed = journal.Replay(record); !replayed.ok()) return replayed;
    return record;
  }
  std::uint64_t Must(const v1::Command& command, const v1::Actor& actor,
                     std::int64_t at = kApril20) {
    Result<v1::JournalRecord> record = Submit(command, actor, at);
    EXPECT_TRUE(record.ok()) << record.status().ToString();
    return record.ok() ? record->seq() : 0;
  }
  // Refused with `code`, and nothing recorded or posted.
  void Refused(const v1::Command& command, const v1::Actor& actor, ErrorCode code,
               const std::string& message_part = "") {
    const std::uint64_t head = journal.head_seq();
    const Balances balances = journal.state().balances;
    Result<v1::JournalRecord> record = Submit(command, actor);
    ASSERT_FALSE(record.ok()) << command.ShortDebugString();
    EXPECT_EQ(record.status().code(), code) << record.status().ToString();
    EXPECT_NE(record.status().message().find(message_part), std::string::npos)
        << record.status().message();
    EXPECT_EQ(journal.head_seq(), head);
    EXPECT_EQ(journal.state().balances, balances);
  }
  std::string Balance(const std::string& account, int year = 2026) const {
    auto found = journal.state().balances.find(year);
    if (found == journal.state().balances.end()) return "0.00";
    auto balance = found->second.find(account);
    return balance == found->second.end() ? "0.00" : Money::FromPence(balance->second).ToString();
  }
  Journal journal;
  std::uint32_t rules = 0;  // Nonzero: record every entry under this older rules version.

 private:
  int keys_ = 0;
};

v1::Command Practice(const std::string& ods) {
  v1::Command command;
  command.mutable_register_practice()->set_ods_code(ods);
  command.mutable_register_practice()->set_name("Practice " + ods);
  return command;
}

v1::Command OpenYear(const std::string& year, const std::string& deadline = "") {
  v1::Command command;
  command.mutable_open_year()->set_year(year);
  for (const char* line : {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}) {
    command.mutable_open_year()->add_budget_lines(line);
  }
  command.mutable_open_year()->set_notice_deadline(deadline);
  return command;
}

v1::Command Weights(const std::string& year, const std::string& line) {
  v1::Command command;
  auto& weights = *command.mutable_set_band_weights();
  weights.set_year(year);
  weights.set_budget_line(line);
  for (const char* sex : {"MALE", "FEMALE"}) {
    for (int age = 0; age < 95; age += 5) {
      auto& band = *weights.add_weights();
      band.set_band(std::string(sex) + "_" + std::to_string(age) + "_" + std::to_string(age + 4));
      band.mutable_weight()->set_value("1");
    }
    auto& last = *weights.add_weights();
    last.set_band(std::string(sex) + "_95+");
    last.mutable_weight()->set_value("1");
  }
  return command;
}

v1::Command List(const std::string& ods, std::int64_t patients,
                 const std::string& date = "2026-03-01") {
  v1::Command command;
  command.mutable_record_population()->set_extract_date(date);
  command.mutable_record_population()->set_ods_code(ods);
  auto& band = *command.mutable_record_population()->add_bands();
  band.set_band("FEMALE_30_34");
  band.set_patients(patients);
  return command;
}

v1::Command Confirm(const std::string& line, const std::string& total,
                    const std::string& reason = "", const std::string& year = "2026/27") {
  v1::Command command;
  auto& confirm = *command.mutable_confirm_line_total();
  confirm.set_year(year);
  confirm.set_budget_line(line);
  confirm.mutable_total()->set_value(total);
  confirm.set_reason(reason);
  return command;
}

v1::Command RunOf(const std::string& line, v1::NoticeKind kind, std::uint64_t revises = 0,
                  const std::string& total = "", const std::string& year = "2026/27") {
  v1::Command command;
  auto& run = *command.mutable_run_allocation();
  run.mutable_period()->set_year(year);
  run.mutable_period()->set_month("M01");
  run.set_budget_line(line);
  run.mutable_total()->set_value(total);
  run.set_revises_seq(revises);
  run.set_notice(kind);
  return command;
}

// A revision of a FINAL run: RunOf with its reason (rules 3).
v1::Command RevisionOf(const std::string& line, std::uint64_t revises, const std::string& reason) {
  v1::Command command = RunOf(line, v1::NOTICE_KIND_FINAL, revises);
  command.mutable_run_allocation()->set_reason(reason);
  return command;
}

v1::Command Journal2(const std::string& month, const std::string& debit, const std::string& credit,
                     const std::string& amount, std::uint64_t corrects = 0) {
  v1::Command command;
  auto& journal = *command.mutable_post_journal();
  journal.mutable_period()->set_year("2026/27");
  journal.mutable_period()->set_month(month);
  journal.set_narrative("Test");
  journal.set_corrects_seq(corrects);
  auto* first = journal.add_postings();
  first->set_account(debit);
  first->mutable_amount()->set_value(amount);
  auto* second = journal.add_postings();
  second->set_account(credit);
  second->mutable_amount()->set_value("-" + amount);
  return command;
}

v1::Command Reverse(std::uint64_t seq, const std::string& month) {
  v1::Command command;
  command.mutable_reverse_entry()->set_seq(seq);
  command.mutable_reverse_entry()->set_reason("Posted in error");
  command.mutable_reverse_entry()->mutable_period()->set_year("2026/27");
  command.mutable_reverse_entry()->mutable_period()->set_month(month);
  return command;
}

v1::Command Transfer(const std::string& ods, const std::string& from, const std::string& to,
                     const std::string& amount) {
  v1::Command command;
  auto& transfer = *command.mutable_propose_budget_transfer();
  transfer.set_year("2026/27");
  transfer.set_ods_code(ods);
  transfer.set_from_line(from);
  transfer.set_to_line(to);
  transfer.mutable_amount()->set_value(amount);
  transfer.set_reason("Community nursing moved out of the acute contract");
  return command;
}

v1::Command Approve(std::uint64_t seq, const std::string& month = "M01") {
  v1::Command command;
  command.mutable_approve_budget_transfer()->set_year("2026/27");
  command.mutable_approve_budget_transfer()->set_transfer_seq(seq);
  command.mutable_approve_budget_transfer()->mutable_period()->set_year("2026/27");
  command.mutable_approve_budget_transfer()->mutable_period()->set_month(month);
  return command;
}

v1::Command Acknowledge(const std::string& ods, const std::string& line, std::uint64_t run) {
  v1::Command command;
  auto& ack = *command.mutable_acknowledge_notice();
  ack.set_year("2026/27");
  ack.set_budget_line(line);
  ack.set_ods_code(ods);
  ack.set_run_seq(run);
  return command;
}

const std::string kTerms = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

v1::Command RecordTerms(const std::string& terms, const std::string& title,
                        const std::string& year = "2026/27") {
  v1::Command command;
  auto& record = *command.mutable_record_membership_terms();
  record.set_year(year);
  record.set_terms_sha256(terms);
  record.set_title(title);
  return command;
}

v1::Command Sign(const std::string& ods, std::uint64_t agreement, const std::string& terms = kTerms,
                 const std::string& year = "2026/27") {
  v1::Command command;
  auto& sign = *command.mutable_sign_membership();
  sign.set_ods_code(ods);
  sign.set_year(year);
  sign.set_terms_sha256(terms);
  sign.set_agreement_seq(agreement);
  return command;
}

v1::Command Leave(const std::string& ods, const std::string& last_year) {
  v1::Command command;
  command.mutable_leave_lcp()->set_ods_code(ods);
  command.mutable_leave_lcp()->set_last_year(last_year);
  command.mutable_leave_lcp()->set_reason("Merging with a practice in another LCP");
  return command;
}

// Three practices with 2, 1 and 1 patients (weights 1), 2026/27 open with the default deadline, and
// weights for ELECTIVE and COMMUNITY: 8 entries.
void SetUpThree(Ledger& ledger) {
  for (const char* ods : {"A81001", "A81002", "A81003"}) ledger.Must(Practice(ods), kAdmin);
  ledger.Must(OpenYear("2026/27"), kAdmin);
  ledger.Must(Weights("2026/27", "ELECTIVE"), kOfficer);
  ledger.Must(Weights("2026/27", "COMMUNITY"), kOfficer);
  ledger.Must(List("A81001", 2), kOfficer);
  ledger.Must(List("A81002", 1), kOfficer);
  ledger.Must(List("A81003", 1), kOfficer);
  ASSERT_EQ(ledger.journal.head_seq(), 9u);
}

// A block contract of 36.00 a year on COMMUNITY, attributed by capitation and approved: that
// commits 36.00 split by the COMMUNITY run's WP 2:1:1, 18.00 / 9.00 / 9.00 (against budgets
// of 20.00 / 10.00 / 10.00 from a run of 40.00).
void CommitC1(Ledger& ledger) {
  v1::Command provider;
  provider.mutable_register_provider()->set_code("RX1");
  provider.mutable_register_provider()->set_name("Community Trust");
  provider.mutable_register_provider()->set_kind(v1::PROVIDER_KIND_COMMUNITY);
  ledger.Must(provider, kAdmin);
  v1::Command contract;
  auto& register_contract = *contract.mutable_register_contract();
  register_contract.set_contract_id("C-1");
  register_contract.set_provider_code("RX1");
  register_contract.set_mode(v1::CONTRACT_MODE_BUY);
  register_contract.set_budget_line("COMMUNITY");
  register_contract.mutable_start()->set_year("2026/27");
  register_contract.mutable_start()->set_month("M01");
  register_contract.mutable_end()->set_year("2026/27");
  register_contract.mutable_end()->set_month("M12");
  register_contract.mutable_terms()->set_type(v1::CONTRACT_TYPE_BLOCK);
  register_contract.mutable_terms()->mutable_annual_value()->set_value("36.00");
  register_contract.set_attribution(v1::ATTRIBUTION_CAPITATION);
  register_contract.set_description("Community nursing");
  ledger.Must(contract, kOfficer);
  v1::Command approve;
  approve.mutable_approve_contract()->set_contract_id("C-1");
  approve.mutable_approve_contract()->mutable_period()->set_year("2026/27");
  approve.mutable_approve_contract()->mutable_period()->set_month("M01");
  ledger.Must(approve, kManager);
  ASSERT_EQ(ledger.Balance("practice:A81002:commitment:COMMUNITY"), "9.00");
}

TEST(UkDate, FollowsBritishSummerTime) {
  EXPECT_EQ(UkDate(1'777'676'399), "2026-05-01");  // 22:59:59 UTC is 23:59:59 BST.
  EXPECT_EQ(UkDate(1'777'676'400), "2026-05-02");  // 23:00 UTC is midnight BST.
  EXPECT_EQ(UkDate(1'800'055'800), "2027-01-15");  // 23:30 GMT in winter.
  EXPECT_EQ(UkDate(1'774'745'999), "2026-03-29");  // 00:59:59 GMT, just before BST starts.
  EXPECT_EQ(UkDate(1'792'884'600), "2026-10-25");  // 23:30 UTC on the 24th, still BST.
  EXPECT_EQ(UkDate(1'792'890'000), "2026-10-25");  // 01:00 UTC on the 25th: GMT again.
  EXPECT_EQ(UkDate(0), "1970-01-01");
  EXPECT_EQ(DaysBetween("2026-05-01", "2026-06-10"), 40);
  EXPECT_EQ(DaysBetween("2026-05-01", "2026-04-30"), -1);
  EXPECT_EQ(DaysBetween("2027-02-28", "2027-03-01"), 1);
  EXPECT_EQ(DaysBetween("2028-02-28", "2028-03-01"), 2);  // A leap year.
}

TEST(Notices, AYearRecordsItsNoticeDeadline) {
  Ledger ledger;
  ledger.Must(OpenYear("2026/27"), kAdmin);
  EXPECT_EQ(ledger.journal.state().years.at(2026).notice_deadline, "2026-05-01");
  ledger.Must(OpenYear("2027/28", "2027-05-14"), kAdmin);
  EXPECT_EQ(ledger.journal.state().years.at(2027).notice_deadline, "2027-05-14");
  for (const char* bad : {"2029-04-01", "2028-03-31", "2029-02-29", "1 May", "2028-5-01"}) {
    ledger.Refused(OpenYear("2028/29", bad), kAdmin, v1::ERROR_CODE_NOTICE_DEADLINE_INVALID,
                   "within 2028/29 (2028-04-01 to 2029-03-31)");
  }
  ledger.Must(OpenYear("2028/29", "2029-03-31"), kAdmin);
}

TEST(Notices, ARunAllocatesOnlyTheConfirmedTotal) {
  Ledger ledger;
  SetUpThree(ledger);
  ledger.Refused(RunOf("ELECTIVE", v1::NOTICE_KIND_INDICATIVE), kOfficer,
                 v1::ERROR_CODE_LINE_TOTAL_NOT_CONFIRMED,
                 "the PCT has not confirmed a total for 2026/27 ELECTIVE");
  ledger.Refused(Confirm("ELECTIVE", "100"), kOfficer, v1::ERROR_CODE_PERMISSION_DENIED);
  ledger.Refused(Confirm("ELECTIVE", "0"), kPct, v1::ERROR_CODE_ALLOCATION_TOTAL_INVALID);
  ledger.Refused(Confirm("MATERNITY", "100"), kPct, v1::ERROR_CODE_BUDGET_LINE_UNKNOWN);
  const std::uint64_t confirmed = ledger.Must(Confirm("ELECTIVE", "100.00"), kPct);
  EXPECT_EQ(confirmed, 10u);
  ledger.Refused(RunOf("ELECTIVE", v1::NOTICE_KIND_INDICATIVE, 0, "100.01"), kOfficer,
                 v1::ERROR_CODE_ALLOCATION_TOTAL_MISMATCH,
                 "not the total the PCT confirmed for 2026/27 ELECTIVE (100.00 at entry 10)");
  ledger.Refused(RunOf("ELECTIVE", v1::NOTICE_KIND_UNSPECIFIED), kOfficer,
                 v1::ERROR_CODE_NOTICE_KIND_MISSING);
  // The total may be given when it is the confirmed one, or left out.
  const std::uint64_t indicative =
      ledger.Must(RunOf("ELECTIVE", v1::NOTICE_KIND_INDICATIVE, 0, "100"), kOfficer, kMay1Noon);
  EXPECT_EQ(ledger.Balance("practice:A81001:budget:ELECTIVE"), "50.00");
  EXPECT_EQ(ledger.Balance("practice:A81002:budget:ELECTIVE"), "25.00");
  EXPECT_EQ(ledger.Balance("practice:A81003:budget:ELECTIVE"), "25.00");
  EXPECT_EQ(ledger.Balance("pct:allocation:ELECTIVE"), "-100.00");
  const AllocationRun& run = *ledger.journal.state().capitation.runs.at(indicative);
  EXPECT_EQ(run.kind, v1::NOTICE_KIND_INDICATIVE);
  EXPECT_EQ(run.recorded_at, kMay1Noon);
  // A changed total needs a reason, and a new run to move the budgets.
  ledger.Refused(
      Confirm("ELECTIVE", "120.00"), kPct, v1::ERROR_CODE_REASON_REQUIRED,
      "2026/27 ELECTIVE's total was confirmed as 100.00 at entry 10; say why it changes");
  ledger.Must(Confirm("ELECTIVE", "120.00", "Growth money from the PCT's final allocation"), kPct);
  EXPECT_EQ(ledger.Balance("practice:A81001:budget:ELECTIVE"), "50.00");
  const auto& totals = ledger.journal.state().notices.line_totals.at({2026, "ELECTIVE"});
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_EQ(totals[1].reason, "Growth money from the PCT's final allocation");
  EXPECT_EQ(totals[1].confirmed_by, "pct.finance@pct");
  const std::uint64_t final_run =
      ledger.Must(RunOf("ELECTIVE", v1::NOTICE_KIND_FINAL, indicative), kOfficer, kMay2Noon);
  EXPECT_EQ(ledger.Balance("practice:A81001:budget:ELECTIVE"), "60.00");
  EXPECT_EQ(ledger.Balance("practice:A81002:budget:ELECTIVE"), "30.00");
  EXPECT_EQ(ledger.Balance("pct:allocation:ELECTIVE"), "-120.00");
  ledger.Refused(RunOf("ELECTIVE", v1::NOTICE_KIND_INDICATIVE, final_run), kOfficer,
                 v1::ERROR_CODE_NOTICE_ALREADY_FINAL);
  // A FINAL notice is revised only with a reason on the record (rules 3).
  ledger.Refused(
      RunOf("ELECTIVE", v1::NOTICE_KIND_FINAL, final_run), kOfficer, v1::ERROR_CODE_REASON_REQUIRED,
      "2026/27 ELECTIVE's FINAL budget notice is the run at entry " + std::to_string(final_run) +
          "; a run that revises it says why (lcp capitation run --reason)");
  ledger.Refused(RevisionOf("ELECTIVE", final_run, "List\nrefresh"), kOfficer,
                 v1::ERROR_CODE_NARRATIVE_INVALID,
                 "a revision of a budget notice needs a reason of 1 to 500 characters");
  const Result<v1::JournalRecord> revision =
      ledger.Submit(RevisionOf("ELECTIVE", final_run, "Quarterly list refresh"), kOfficer);
  ASSERT_TRUE(revision.ok()) << revision.status().ToString();
  v1::JournalEntry recorded;
  ASSERT_TRUE(recorded.ParseFromString(revision->body()));
  EXPECT_EQ(recorded.command().run_allocation().reason(), "Quarterly list refresh");
  EXPECT_EQ(ledger.journal.state().capitation.runs.at(revision->seq())->revises_seq, final_run);
}

// The first notice against the deadline: on the day, one day after it, and 40 days after it.
TEST(Notices, TheFirstNoticeIsOnTimeOrLateByWholeUkDays) {
  struct Case {
    std::int64_t at;
    std::int64_t days_late;
  };
  for (const Case& c : {Case{kMay1Noon, 0}, Case{kMay2Noon, 1}, Case{kJune10Noon, 40}}) {
    Ledger ledger;
    SetUpThree(ledger);
    ledger.Must(Confirm("ELECTIVE", "100.00"), kPct);
    const std::uint64_t first =
        ledger.Must(RunOf("ELECTIVE", v1::NOTICE_KIND_INDICATIVE), kOfficer, c.at);
    ledger.Must(RunOf("ELECTIVE", v1::NOTICE_KIND_FINAL, first), kOfficer, c.at + 86400 * 60);
    // As the notices report says it: the first notice's lateness, not the later final one's.
    v1::GetNoticesRequest request;
    request.set_year("2026/27");
    Result<v1::GetNoticesResponse> notices =
        queries::GetNotices(BorrowSnapshot(ledger.journal.state(), nullptr), kOfficer, request);
    ASSERT_TRUE(notices.ok()) << notices.status().ToString();
    EXPECT_EQ(notices->lines(0).runs(0).run_seq(), first);
    EXPECT_EQ(notices->lines(0).days_late(), static_cast<std::uint32_t>(c.days_late));
    EXPECT_EQ(notices->lines(0).on_time(), c.days_late == 0);
  }
}

TEST(Notices, JournalsAndReversalsNeverMoveBudgetsOrTheSettlementsAccounts) {
  Ledger ledger;
  SetUpThree(ledger);
  ledger.Refused(
      Journal2("M01", "practice:A81001:budget:ELECTIVE", "pct:allocation:ELECTIVE", "10"), kOfficer,
      v1::ERROR_CODE_ACCOUNT_RESERVED,
      "is a budget, which moves only by the agreed method: an allocation run of the "
      "PCT's confirmed total (RunAllocation, lcp capitation run) or an approved budget "
      "transfer (ProposeBudgetTransfer, lcp budget transfer)");
  for (const char* account : {"practice:A81001:reinvestment", "practice:A81002:risk_share",
                              "pct:risk_share", "lcp:risk_pool"}) {
    ledger.Refused(Journal2("M01", account, "lcp:cash", "10"), kOfficer,
                   v1::ERROR_CODE_ACCOUNT_RESERVED,
                   "is moved only by the year's settlement (SettleYear)");
    ledger.Refused(Journal2("M01", "lcp:cash", account, "10"), kOfficer,
                   v1::ERROR_CODE_ACCOUNT_RESERVED);
  }
  ledger.Refused(Journal2("M01", "practice:A81003:budget:COMMUNITY", "lcp:cash", "10"), kOfficer,
                 v1::ERROR_CODE_ACCOUNT_RESERVED);
}

TEST(Notices, ACorrectionGoesIntoTheCurrentMonthOnly) {
  Ledger ledger;
  SetUpThree(ledger);
  const std::uint64_t invoice =
      ledger.Must(Journal2("M01", "practice:A81001:spend:ELECTIVE", "lcp:cash", "40"), kOfficer);
  // Posting ahead is allowed; correcting ahead is not.
  ledger.Must(Journal2("M03", "practice:A81002:spend:ELECTIVE", "lcp:cash", "5"), kOfficer);
  ledger.Refused(Journal2("M02", "practice:A81002:spend:ELECTIVE", "practice:A81001:spend:ELECTIVE",
                          "40", invoice),
                 kOfficer, v1::ERROR_CODE_CORRECTION_NOT_CURRENT_MONTH,
                 "a correction goes into the current month, the earliest still open (2026/27 M01), "
                 "not 2026/27 M02");
  ledger.Refused(Reverse(invoice, "M03"), kOfficer, v1::ERROR_CODE_CORRECTION_NOT_CURRENT_MONTH,
                 "a reversal goes into the current month");
  ledger.Must(Journal2("M01", "practice:A81002:spend:ELECTIVE", "practice:A81001:spend:ELECTIVE",
                       "40", invoice),
              kOfficer);
  v1::Command close;
  close.mutable_close_month()->mutable_period()->set_year("2026/27");
  close.mutable_close_month()->mutable_period()->set_month("M01");
  ledger.Must(close, kOfficer);
  ledger.Must(Reverse(invoice, "M02"), kOfficer);
  EXPECT_EQ(ledger.Balance("practice:A81001:spend:ELECTIVE"), "-40.00");
}

TEST(Notices, ATransferMovesBothLinesAndLaterRunsKeepIt) {
  Ledger ledger;
  SetUpThree(ledger);
  ledger.Must(Confirm("ELECTIVE", "100.00"), kPct);
  ledger.Must(Confirm("COMMUNITY", "40.00"), kPct);
  const std::uint64_t elective = ledger.Must(RunOf("ELECTIVE", v1::NOTICE_KIND_FINAL), kOfficer);
  const std::uint64_t community = ledger.Must(RunOf("COMMUNITY", v1::NOTICE_KIND_FINAL), kOfficer);
  ledger.Refused(Transfer("A81002", "ELECTIVE", "ELECTIVE", "1"), kOfficer,
                 v1::ERROR_CODE_BUDGET_TRANSFER_INVALID);
  ledger.Refused(Transfer("A81002", "ELECTIVE", "COMMUNITY", "25.01"), kOfficer,
                 v1::ERROR_CODE_BUDGET_INSUFFICIENT,
                 "A81002's budget on 2026/27 ELECTIVE is 25.00, less than the 25.01 to move");
  ledger.Refused(Transfer("", "ELECTIVE", "COMMUNITY", "100.01"), kOfficer,
                 v1::ERROR_CODE_BUDGET_INSUFFICIENT);
  ledger.Refused(Transfer("A81002", "ELECTIVE", "COMMUNITY", "1"), kPct,
                 v1::ERROR_CODE_PERMISSION_DENIED);
  // For every practice: 0.02 split by ELECTIVE budgets 50 / 25 / 25: quotas 0.01, 0.005, 0.005; the
  // leftover penny is a tie that goes to the lower ODS code.
  const std::uint64_t all = ledger.Must(Transfer("", "ELECTIVE", "COMMUNITY", "0.02"), kOfficer);
  const std::uint64_t one = ledger.Must(Transfer("A81003", "ELECTIVE", "COMMUNITY", "5"), kManager);
  EXPECT_EQ(ledger.Balance("practice:A81001:budget:ELECTIVE"), "50.00");  // Nothing until approved.
  ledger.Refused(Approve(all), kOfficer, v1::ERROR_CODE_PERMISSION_DENIED);
  ledger.Refused(Approve(999), kPct, v1::ERROR_CODE_BUDGET_TRANSFER_UNKNOWN);
  // LOCAL_ADMIN counts as every role, but never approves what it proposed.
  const v1::Actor local = ActorOf("local-admin", v1::ROLE_LOCAL_ADMIN);
  const std::uint64_t own = ledger.Must(Transfer("A81001", "ELECTIVE", "COMMUNITY", "1"), local);
  ledger.Refused(Approve(own), local, v1::ERROR_CODE_APPROVER_IS_PROPOSER);
  const Result<v1::JournalRecord> approved = ledger.Submit(Approve(all), kPct);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(approved->body()));
  std::vector<std::string> postings;
  for (const v1::Posting& posting : entry.postings()) {
    postings.push_back(posting.account() + " " + posting.amount().value());
  }
  EXPECT_EQ(postings, (std::vector<std::string>{
                          "practice:A81001:budget:ELECTIVE -0.01",
                          "practice:A81001:budget:COMMUNITY 0.01",
                          "practice:A81002:budget:ELECTIVE -0.01",
                          "practice:A81002:budget:COMMUNITY 0.01",
                          "pct:allocation:ELECTIVE 0.02",
                          "pct:allocation:COMMUNITY -0.02",
                      }));
  ledger.Refused(Approve(all), kPct2, v1::ERROR_CODE_BUDGET_TRANSFER_UNKNOWN,
                 "was approved already by entry " + std::to_string(approved->seq()));
  ledger.Must(Approve(one), kPct2);
  EXPECT_EQ(ledger.Balance("practice:A81003:budget:ELECTIVE"), "20.00");
  EXPECT_EQ(ledger.Balance("practice:A81003:budget:COMMUNITY"), "15.00");
  EXPECT_EQ(ledger.Balance("pct:allocation:ELECTIVE"), "-94.98");
  EXPECT_EQ(ledger.Balance("pct:allocation:COMMUNITY"), "-45.02");
  // Each approval confirmed both lines' new totals (rules 4), recorded at the approval's entry with
  // the transfer's reason: ELECTIVE 100.00 - 0.02 - 5.00, COMMUNITY 40.00 + 0.02 + 5.00.
  const std::vector<LineTotal>& elective_totals =
      ledger.journal.state().notices.line_totals.at({2026, "ELECTIVE"});
  ASSERT_EQ(elective_totals.size(), 3u);
  EXPECT_EQ(elective_totals[1].seq, approved->seq());
  EXPECT_EQ(elective_totals[1].transfer_seq, all);
  EXPECT_EQ(elective_totals[1].transferred_pence, -2);
  EXPECT_EQ(elective_totals[1].total_pence, 9'998);
  EXPECT_EQ(elective_totals[2].transfer_seq, one);
  EXPECT_EQ(elective_totals[2].total_pence, 9'498);
  EXPECT_EQ(elective_totals[2].confirmed_by, "pct.deputy@pct");
  EXPECT_EQ(ledger.journal.state().notices.line_totals.at({2026, "COMMUNITY"}).back().total_pence,
            4'502);
  // A transfer moves budget: reversing it is a budget journal, refused.
  ledger.Refused(Reverse(approved->seq(), "M01"), kOfficer, v1::ERROR_CODE_ACCOUNT_RESERVED);
  // A new run of the total in force, 94.98, splits 94.98 + 5.02 = 100.00 as before and keeps every
  // transfer: nothing changes.
  const std::uint64_t again =
      ledger.Must(RevisionOf("ELECTIVE", elective, "Same total, same lists"), kOfficer);
  EXPECT_EQ(ledger.journal.state().entries[again - 1].legs_count, 0u);
  const AllocationRun& run = *ledger.journal.state().capitation.runs.at(again);
  EXPECT_EQ(run.total_pence, 9'498);
  EXPECT_EQ(run.transferred_in_pence, -502);
  EXPECT_EQ(run.rows[0].transfers_pence, -1);
  EXPECT_EQ(run.rows[2].transfers_pence, -500);
  // The PCT confirms a new total, 200.00, transfers included: the run splits 200.00 + 5.02 =
  // 205.02 by WP 2:1:1, quotas 102.51 / 51.255 / 51.255; the floors leave a penny, and the tie of
  // the two .5 remainders goes to the lower ODS code, A81002: 102.51 / 51.26 / 51.25. With the
  // transfers (-0.01, -0.01, -5.00): 102.50 / 51.25 / 46.25, which sum to the confirmed 200.00.
  ledger.Must(Confirm("ELECTIVE", "200.00", "Final allocation"), kPct);
  ledger.Must(RevisionOf("ELECTIVE", again, "Final allocation"), kOfficer);
  EXPECT_EQ(ledger.Balance("practice:A81001:budget:ELECTIVE"), "102.50");
  EXPECT_EQ(ledger.Balance("practice:A81002:budget:ELECTIVE"), "51.25");
  EXPECT_EQ(ledger.Balance("practice:A81003:budget:ELECTIVE"), "46.25");
  EXPECT_EQ(ledger.Balance("pct:allocation:ELECTIVE"), "-200.00");
  // The transfers moved 5.02 into COMMUNITY's total (45.02). A new total below that leaves nothing
  // to split by weighted population: a run of it is refused, posting nothing.
  ledger.Must(Confirm("COMMUNITY", "5.00", "Services moved back to the trust"), kPct);
  ledger.Refused(RevisionOf("COMMUNITY", community, "Lower total"), kOfficer,
                 v1::ERROR_CODE_ALLOCATION_TOTAL_INVALID,
                 "the confirmed total for 2026/27 COMMUNITY, 5.00, is less than the 5.02 that "
                 "budget transfers moved into it");
}

// Before rules 4 a transfer between lines moved no confirmed total, needed none, and could take a
// budget below its commitments; entries recorded so replay as they were decided, and a later run
// under rules 4 splits the confirmed total whole, since no transfer moved it.
TEST(Notices, UnderRules3ATransferMovedNoTotalAndCouldUndercutCommitments) {
  Ledger ledger;
  ledger.rules = 3;
  SetUpThree(ledger);
  ledger.Must(Confirm("COMMUNITY", "40.00"), kPct);
  const std::uint64_t run = ledger.Must(RunOf("COMMUNITY", v1::NOTICE_KIND_FINAL), kOfficer);
  CommitC1(ledger);  // 9.00 of A81002's 10.00 on COMMUNITY.
  // ELECTIVE has no confirmed total, and 1.50 leaves A81002 8.50 against 9.00 committed.
  const std::uint64_t proposed =
      ledger.Must(Transfer("A81002", "COMMUNITY", "ELECTIVE", "1.50"), kOfficer);
  ledger.Must(Approve(proposed), kPct);
  EXPECT_EQ(ledger.Balance("practice:A81002:budget:COMMUNITY"), "8.50");
  EXPECT_EQ(ledger.journal.state().notices.line_totals.at({2026, "COMMUNITY"}).size(), 1u);
  EXPECT_FALSE(ledger.journal.state().notices.line_totals.contains({2026, "ELECTIVE"}));
  EXPECT_EQ(ledger.journal.state().rules_version, 3u);
  // Today's rules refuse the same transfer, and a run splits COMMUNITY's 40.00 whole: 20 / 10 / 10
  // plus A81002's -1.50 is what each has, so nothing is posted.
  ledger.rules = 0;
  ledger.Refused(Transfer("A81002", "COMMUNITY", "ELECTIVE", "0.01"), kOfficer,
                 v1::ERROR_CODE_LINE_TOTAL_NOT_CONFIRMED);
  ledger.Must(Confirm("ELECTIVE", "100.00"), kPct);
  ledger.Refused(Transfer("A81002", "COMMUNITY", "ELECTIVE", "0.01"), kOfficer,
                 v1::ERROR_CODE_BUDGET_COMMITTED,
                 "is 8.50, of which contracts commit 9.00; giving 0.01 would leave 8.49");
  const std::uint64_t again =
      ledger.Must(RevisionOf("COMMUNITY", run, "Same total, same lists"), kOfficer);
  EXPECT_EQ(ledger.journal.state().rules_version, kRulesVersionCurrent);
  EXPECT_EQ(ledger.journal.state().capitation.runs.at(again)->transferred_in_pence, 0);
  EXPECT_EQ(ledger.journal.state().entries[again - 1].legs_count, 0u);
}

// Between two practices on one line: the budget moves from one practice's account to the other's,
// the line's total and the PCT's allocation stay as they are, and later runs keep it.
TEST(Notices, ATransferBetweenPracticesOnOneLineLeavesTheLineTotal) {
  Ledger ledger;
  SetUpThree(ledger);
  ledger.Must(Confirm("ELECTIVE", "100.00"), kPct);
  const std::uint64_t elective = ledger.Must(RunOf("ELECTIVE", v1::NOTICE_KIND_FINAL), kOfficer);
  auto between = [](const std::string& from, const std::string& to, const std::string& amount,
                    const std::string& to_line = "") {
    v1::Command command = Transfer(from, "ELECTIVE", to_line, amount);
    command.mutable_propose_budget_transfer()->set_to_ods_code(to);
    return command;
  };
  ledger.Refused(between("A81002", "A81002", "1"), kOfficer, v1::ERROR_CODE_BUDGET_TRANSFER_INVALID,
                 "not from A81002 to itself");
  ledger.Refused(between("", "A81002", "1"), kOfficer, v1::ERROR_CODE_BUDGET_TRANSFER_INVALID,
                 "names the practice that gives the budget");
  ledger.Refused(between("A81002", "A81003", "1", "COMMUNITY"), kOfficer,
                 v1::ERROR_CODE_BUDGET_TRANSFER_INVALID, "propose two transfers");
  ledger.Refused(between("A81002", "A89999", "1"), kOfficer, v1::ERROR_CODE_PRACTICE_UNKNOWN);
  ledger.Refused(between("A81002", "A81003", "25.01"), kOfficer, v1::ERROR_CODE_BUDGET_INSUFFICIENT,
                 "A81002's budget on 2026/27 ELECTIVE is 25.00, less than the 25.01 to move");
  // Budgets 50 / 25 / 25; A81002 gives 7.50 of ELECTIVE to A81003 (the line named again is fine).
  const std::uint64_t proposed =
      ledger.Must(between("A81002", "A81003", "7.50", "ELECTIVE"), kOfficer);
  const Result<v1::JournalRecord> approved = ledger.Submit(Approve(proposed), kPct);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(approved->body()));
  std::vector<std::string> postings;
  for (const v1::Posting& posting : entry.postings()) {
    postings.push_back(posting.account() + " " + posting.amount().value());
  }
  EXPECT_EQ(postings, (std::vector<std::string>{"practice:A81002:budget:ELECTIVE -7.50",
                                                "practice:A81003:budget:ELECTIVE 7.50"}));
  EXPECT_EQ(ledger.Balance("pct:allocation:ELECTIVE"), "-100.00");
  const std::vector<LineTotal>& totals =
      ledger.journal.state().notices.line_totals.at({2026, "ELECTIVE"});
  ASSERT_EQ(totals.size(), 1u);  // No new confirmation: the line's total is unchanged.
  // A new run keeps it: 50 / 25 - 7.50 / 25 + 7.50, nothing to post.
  const std::uint64_t again =
      ledger.Must(RevisionOf("ELECTIVE", elective, "Same total, same lists"), kOfficer);
  EXPECT_EQ(ledger.journal.state().entries[again - 1].legs_count, 0u);
  EXPECT_EQ(ledger.journal.state().capitation.runs.at(again)->transferred_in_pence, 0);
  EXPECT_EQ(ledger.Balance("practice:A81002:budget:ELECTIVE"), "17.50");
  EXPECT_EQ(ledger.Balance("practice:A81003:budget:ELECTIVE"), "32.50");
  // Both practices see it among the year's transfers; A81001 does not.
  const Snapshot snapshot = BorrowSnapshot(ledger.journal.state(), nullptr);
  v1::GetNoticesRequest request;
  request.set_year("2026/27");
  for (const auto& [actor, seen] : std::vector<std::pair<v1::Actor, int>>{
           {kRiverside, 0},
           {kHillview, 1},
           {ActorOf("park@A81003", v1::ROLE_PRACTICE, "A81003"), 1}}) {
    const Result<v1::GetNoticesResponse> notices = queries::GetNotices(snapshot, actor, request);
    ASSERT_TRUE(notices.ok()) << notices.status().ToString();
    ASSERT_EQ(notices->transfers_size(), seen) << actor.principal_id();
    if (seen == 1) {
      EXPECT_EQ(notices->transfers(0).ods_code(), "A81002");
      EXPECT_EQ(notices->transfers(0).to_ods_code(), "A81003");
      EXPECT_EQ(notices->transfers(0).from_line(), "ELECTIVE");
      EXPECT_EQ(notices->transfers(0).to_line(), "ELECTIVE");
    }
  }
}

// Rules 4: a transfer between lines needs both lines' confirmed totals, and no transfer leaves a
// practice's budget below what contracts commit against it, when proposed or when approved.
TEST(Notices, ATransferNeedsConfirmedLinesAndKeepsTheCommitments) {
  Ledger ledger;
  SetUpThree(ledger);
  ledger.Must(Confirm("COMMUNITY", "40.00"), kPct);
  ledger.Must(RunOf("COMMUNITY", v1::NOTICE_KIND_FINAL), kOfficer);
  ledger.Refused(Transfer("A81002", "COMMUNITY", "ELECTIVE", "1"), kOfficer,
                 v1::ERROR_CODE_LINE_TOTAL_NOT_CONFIRMED,
                 "the PCT has not confirmed a total for 2026/27 ELECTIVE; a transfer between lines "
                 "moves both lines' confirmed totals");
  ledger.Must(Confirm("ELECTIVE", "100.00"), kPct);
  CommitC1(ledger);
  ASSERT_EQ(ledger.Balance("practice:A81002:commitment:COMMUNITY"), "9.00");
  ledger.Refused(Transfer("A81002", "COMMUNITY", "ELECTIVE", "1.01"), kOfficer,
                 v1::ERROR_CODE_BUDGET_COMMITTED,
                 "A81002's budget on 2026/27 COMMUNITY is 10.00, of which contracts commit 9.00; "
                 "giving 1.01 would leave 8.99, less than the commitments (move at most 1.00)");
  // For every practice, 4.04 splits 2.02 / 1.01 / 1.01 by budgets 20 / 10 / 10: A81001 first.
  ledger.Refused(Transfer("", "COMMUNITY", "ELECTIVE", "4.04"), kOfficer,
                 v1::ERROR_CODE_BUDGET_COMMITTED, "A81001's budget on 2026/27 COMMUNITY is 20.00");
  v1::Command to_park = Transfer("A81002", "COMMUNITY", "", "1.50");
  to_park.mutable_propose_budget_transfer()->set_to_ods_code("A81003");
  ledger.Refused(to_park, kOfficer, v1::ERROR_CODE_BUDGET_COMMITTED, "move at most 1.00");
  // Two proposals of 1.00 each fit alone; once the first is approved, the second no longer does.
  const std::uint64_t first =
      ledger.Must(Transfer("A81002", "COMMUNITY", "ELECTIVE", "1"), kOfficer);
  const std::uint64_t second =
      ledger.Must(Transfer("A81002", "COMMUNITY", "ELECTIVE", "1"), kOfficer);
  ledger.Must(Approve(first), kPct);
  ledger.Refused(Approve(second), kPct, v1::ERROR_CODE_BUDGET_COMMITTED,
                 "A81002's budget on 2026/27 COMMUNITY is 9.00, of which contracts commit 9.00");
  EXPECT_EQ(ledger.Balance("practice:A81002:budget:COMMUNITY"), "9.00");
  EXPECT_EQ(ledger.Balance("practice:A81002:budget:ELECTIVE"), "1.00");
}

TEST(Notices, APracticeAcknowledgesItsOwnLatestNotice) {
  Ledger ledger;
  SetUpThree(ledger);
  ledger.Must(Confirm("ELECTIVE", "100.00"), kPct);
  ledger.Must(Confirm("COMMUNITY", "40.00"), kPct);
  const std::uint64_t first = ledger.Must(RunOf("ELECTIVE", v1::NOTICE_KIND_INDICATIVE), kOfficer);
  const std::uint64_t community =
      ledger.Must(RunOf("COMMUNITY", v1::NOTICE_KIND_INDICATIVE), kOfficer);
  ledger.Refused(Acknowledge("A81002", "ELECTIVE", first), kRiverside,
                 v1::ERROR_CODE_PERMISSION_DENIED, "you act for A81001");
  ledger.Refused(Acknowledge("A81001", "ELECTIVE", first), kOfficer,
                 v1::ERROR_CODE_PERMISSION_DENIED);
  ledger.Refused(Acknowledge("A81001", "ELECTIVE", community), kRiverside,
                 v1::ERROR_CODE_NOTICE_UNKNOWN);
  const std::uint64_t ack =
      ledger.Must(Acknowledge("A81001", "ELECTIVE", first), kRiverside, kMay2Noon);
  ledger.Refused(Acknowledge("A81001", "ELECTIVE", first), kRiverside,
                 v1::ERROR_CODE_NOTICE_ALREADY_ACKNOWLEDGED,
                 "A81001 acknowledged the run at entry " + std::to_string(first) +
                     " already, at entry " + std::to_string(ack));
  const Acknowledgement& recorded =
      ledger.journal.state().notices.acknowledgements.at({first, "A81001"});
  EXPECT_EQ(recorded.seq, ack);
  EXPECT_EQ(recorded.recorded_at, kMay2Noon);
  const std::uint64_t revised =
      ledger.Must(RunOf("ELECTIVE", v1::NOTICE_KIND_FINAL, first), kOfficer);
  ledger.Refused(Acknowledge("A81002", "ELECTIVE", first), kHillview,
                 v1::ERROR_CODE_NOTICE_SUPERSEDED,
                 "was replaced by the run at entry " + std::to_string(revised));
  ledger.Must(Acknowledge("A81002", "ELECTIVE", revised), kHillview);
}

// An agreement for `year` pooling ELECTIVE: savings and overspends shared from the first pound at
// an LCP rate of 0.5, with no threshold or cap, all of the LCP's part by budget.
v1::Command ElectiveAgreement(const std::string& year, const std::string& reason = "") {
  v1::Command propose;
  auto& proposal = *propose.mutable_propose_agreement();
  proposal.set_year(year);
  proposal.set_reason(reason);
  proposal.mutable_terms()->add_pooled_lines("ELECTIVE");
  for (v1::ShareTerms* side : {proposal.mutable_terms()->mutable_savings(),
                               proposal.mutable_terms()->mutable_overspend()}) {
    side->set_mode(v1::SHARE_MODE_FIRST_POUND);
    side->add_bands()->mutable_lcp_rate()->set_value("0.5");
  }
  proposal.mutable_terms()->mutable_alpha_budget()->set_value("1");
  proposal.mutable_terms()->mutable_alpha_contribution()->set_value("0");
  return propose;
}

TEST(Membership, APracticeSignsTheAgreementInForceAndSignsAgainAfterItChanges) {
  Ledger ledger;
  SetUpThree(ledger);
  ledger.Refused(Sign("A81001", 0), kRiverside, v1::ERROR_CODE_AGREEMENT_MISSING);
  v1::Command propose = ElectiveAgreement("2026/27");
  auto& proposal = *propose.mutable_propose_agreement();
  const std::uint64_t agreement = ledger.Must(propose, kOfficer);
  v1::Command cosign;
  cosign.mutable_cosign_agreement()->set_year("2026/27");
  cosign.mutable_cosign_agreement()->set_proposal_seq(agreement);
  ledger.Must(cosign, kPct);
  ledger.Refused(Sign("A81002", agreement), kRiverside, v1::ERROR_CODE_PERMISSION_DENIED);
  ledger.Refused(Sign("A81001", agreement, "9F86D081"), kRiverside,
                 v1::ERROR_CODE_TERMS_HASH_MALFORMED);
  // Rules 5: the practice signs the terms the LCP recorded for the year, and no other document.
  ledger.Refused(Sign("A81001", agreement), kRiverside,
                 v1::ERROR_CODE_MEMBERSHIP_TERMS_NOT_IN_FORCE,
                 "no membership terms are recorded for 2026/27; LCP finance records them first");
  ledger.Refused(RecordTerms(kTerms, "Terms 2026/27"), kRiverside,
                 v1::ERROR_CODE_PERMISSION_DENIED);
  const std::uint64_t terms_seq = ledger.Must(RecordTerms(kTerms, "Terms 2026/27"), kOfficer);
  ledger.Refused(RecordTerms(kTerms, "Terms 2026/27 again"), kOfficer,
                 v1::ERROR_CODE_MEMBERSHIP_TERMS_UNCHANGED,
                 "those terms are in force for 2026/27 already, recorded at entry " +
                     std::to_string(terms_seq));
  ledger.Refused(Sign("A81001", agreement, std::string(64, 'c')), kRiverside,
                 v1::ERROR_CODE_MEMBERSHIP_TERMS_NOT_IN_FORCE,
                 "the membership terms in force for 2026/27 are \"Terms 2026/27\" (SHA-256 " +
                     kTerms + ", entry " + std::to_string(terms_seq) +
                     "), not the document cccccccc...");
  ledger.Refused(Sign("A81001", agreement + 1), kRiverside,
                 v1::ERROR_CODE_AGREEMENT_REVISION_MISMATCH,
                 "the agreement in force for 2026/27 is entry " + std::to_string(agreement));
  const std::uint64_t signed_seq = ledger.Must(Sign("A81001", agreement), kRiverside, kApril20);
  ledger.Refused(Sign("A81001", agreement), kRiverside, v1::ERROR_CODE_MEMBERSHIP_ALREADY_SIGNED);
  const Signature& signature = ledger.journal.state().notices.signatures.at({2026, "A81001"});
  EXPECT_EQ(signature.seq, signed_seq);
  EXPECT_EQ(signature.terms_sha256, kTerms);
  EXPECT_EQ(signature.agreement_seq, agreement);
  v1::ListMembershipsRequest request;
  request.set_year("2026/27");
  auto riverside = [&]() {
    const Snapshot snapshot = BorrowSnapshot(ledger.journal.state(), nullptr);
    Result<v1::ListMembershipsResponse> members =
        queries::ListMemberships(snapshot, kOfficer, request);
    EXPECT_TRUE(members.ok()) << members.status().ToString();
    return members.ok() ? *members : v1::ListMembershipsResponse();
  };
  EXPECT_TRUE(riverside().practices(0).signed_current());
  EXPECT_EQ(riverside().signed_count(), 1u);
  // New terms of membership replace the old: the signature on the old ones is stale, signing them
  // again is refused, and the practice signs the new ones; the latest signature stands.
  const std::string terms2(64, 'a');
  const std::uint64_t terms2_seq =
      ledger.Must(RecordTerms(terms2, "Terms 2026/27, version 2"), kManager);
  const v1::ListMembershipsResponse stale = riverside();
  ASSERT_EQ(stale.terms_size(), 2);
  EXPECT_EQ(stale.terms(0).seq(), terms_seq);
  EXPECT_EQ(stale.terms(1).seq(), terms2_seq);
  EXPECT_EQ(stale.terms(1).title(), "Terms 2026/27, version 2");
  EXPECT_EQ(stale.terms(1).terms_sha256(), terms2);
  EXPECT_EQ(stale.terms(1).recorded_by(), "budget.manager@lcp");
  EXPECT_EQ(stale.practices(0).terms_sha256(), kTerms);
  EXPECT_FALSE(stale.practices(0).signed_current());
  EXPECT_EQ(stale.signed_count(), 0u);
  ledger.Refused(Sign("A81001", agreement), kRiverside,
                 v1::ERROR_CODE_MEMBERSHIP_TERMS_NOT_IN_FORCE);
  ledger.Must(Sign("A81001", agreement, terms2), kRiverside);
  EXPECT_EQ(ledger.journal.state().notices.signatures.at({2026, "A81001"}).terms_sha256, terms2);
  EXPECT_TRUE(riverside().practices(0).signed_current());

  // The agreement is varied: the signature now names an agreement no longer in force, so the
  // practice appears as needing to sign again, and signs the new one.
  proposal.set_replaces_seq(agreement);
  proposal.set_reason("Cap lowered after the PCT's review");
  const std::uint64_t varied = ledger.Must(propose, kOfficer);
  cosign.mutable_cosign_agreement()->set_proposal_seq(varied);
  ledger.Must(cosign, kPct);
  const v1::ListMembershipsResponse after = riverside();
  EXPECT_EQ(after.agreement_seq(), varied);
  EXPECT_EQ(after.practices(0).ods_code(), "A81001");
  EXPECT_EQ(after.practices(0).agreement_seq(), agreement);  // What it signed, still on record.
  EXPECT_FALSE(after.practices(0).signed_current());
  EXPECT_EQ(after.signed_count(), 0u);
  EXPECT_EQ(after.unsigned_count(), 3u);
  ledger.Refused(Sign("A81001", agreement, terms2), kRiverside,
                 v1::ERROR_CODE_AGREEMENT_REVISION_MISMATCH,
                 "the agreement in force for 2026/27 is entry " + std::to_string(varied));
  ledger.Must(Sign("A81001", varied, terms2), kRiverside);
  EXPECT_TRUE(riverside().practices(0).signed_current());
  EXPECT_EQ(riverside().signed_count(), 1u);
}

TEST(Membership, APracticeLeavesAtAYearEndAndIsNoMemberOfLaterYears) {
  Ledger ledger;
  SetUpThree(ledger);
  ledger.Refused(Leave("A81003", "2026/27"), kRiverside, v1::ERROR_CODE_PERMISSION_DENIED);
  ledger.Refused(Leave("A81003", "2025/26"), kOfficer, v1::ERROR_CODE_YEAR_NOT_OPEN);
  // The LCP records it; it takes effect when the practice confirms it.
  const std::uint64_t pending = ledger.Must(Leave("A81003", "2026/27"), kOfficer);
  const MemberStatus& recorded = ledger.journal.state().notices.members.at("A81003");
  ASSERT_TRUE(recorded.pending.has_value());
  EXPECT_EQ(recorded.pending->seq, pending);
  EXPECT_FALSE(recorded.left.has_value());
  EXPECT_FALSE(ledger.journal.state().notices.LeftBefore("A81003", 2027));
  const v1::Actor park = ActorOf("parklane@A81003", v1::ROLE_PRACTICE, "A81003");
  const std::uint64_t left = ledger.Must(Leave("A81003", "2026/27"), park);
  EXPECT_TRUE(ledger.journal.state().notices.LeftBefore("A81003", 2027));
  EXPECT_FALSE(ledger.journal.state().notices.LeftBefore("A81003", 2026));
  EXPECT_FALSE(ledger.journal.state().notices.members.at("A81003").pending.has_value());
  ledger.Refused(Leave("A81003", "2027/28"), park, v1::ERROR_CODE_PRACTICE_LEFT,
                 "has left already, at the end of 2026/27 (entry " + std::to_string(left) + ")");
  // It still shares 2026/27; from 2027/28 it gets no allocation and is no member of the pool.
  ledger.Must(OpenYear("2027/28"), kAdmin);
  ledger.Must(Weights("2027/28", "ELECTIVE"), kOfficer);
  ledger.Must(Confirm("ELECTIVE", "90.00", "", "2027/28"), kPct);
  v1::Command run = RunOf("ELECTIVE", v1::NOTICE_KIND_FINAL, 0, "", "2027/28");
  const std::uint64_t later = ledger.Must(run, kOfficer);
  const AllocationRun& allocation = *ledger.journal.state().capitation.runs.at(later);
  ASSERT_EQ(allocation.rows.size(), 2u);
  EXPECT_EQ(ledger.Balance("practice:A81001:budget:ELECTIVE", 2027), "60.00");
  EXPECT_EQ(ledger.Balance("practice:A81002:budget:ELECTIVE", 2027), "30.00");
  EXPECT_EQ(ledger.Balance("practice:A81003:budget:ELECTIVE", 2027), "0.00");
  // The run says whom it left out: no row, no budget.
  v1::GetAllocationRequest allocation_request;
  allocation_request.set_run_seq(later);
  const Snapshot snapshot = BorrowSnapshot(ledger.journal.state(), nullptr);
  Result<v1::GetAllocationResponse> shown =
      queries::GetAllocation(snapshot, kOfficer, allocation_request);
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  EXPECT_EQ(std::vector<std::string>(shown->allocation().left_out().begin(),
                                     shown->allocation().left_out().end()),
            std::vector<std::string>{"A81003"});
  EXPECT_EQ(shown->allocation().practice_count(), 2u);
  ASSERT_EQ(shown->allocation().rows_size(), 2);
  EXPECT_EQ(shown->allocation().rows(1).ods_code(), "A81002");
  EXPECT_EQ(Members(ledger.journal.state().practices, ledger.journal.state().notices, 2027),
            (std::vector<std::string>{"A81001", "A81002"}));
  EXPECT_EQ(Members(ledger.journal.state().practices, ledger.journal.state().notices, 2026),
            (std::vector<std::string>{"A81001", "A81002", "A81003"}));
  ledger.Refused(Sign("A81003", 0, kTerms, "2027/28"), park, v1::ERROR_CODE_PRACTICE_LEFT);
  // Nor can budget be moved to it.
  v1::Command to_park = Transfer("A81001", "ELECTIVE", "", "1");
  to_park.mutable_propose_budget_transfer()->set_year("2027/28");
  to_park.mutable_propose_budget_transfer()->set_to_ods_code("A81003");
  ledger.Refused(to_park, kOfficer, v1::ERROR_CODE_PRACTICE_LEFT,
                 "A81003 left the LCP before 2027/28");

  // 2027/28's pool, by hand: an agreement pooling ELECTIVE (savings from the first pound, LCP rate
  // 0.5, no threshold or cap; all of the LCP's part by budget), and spend of 50.00 (Riverside) and
  // 20.00 (Hillview). B = 60.00 + 30.00 = 90.00, the members' budgets only; O = 70.00; V = 20.00,
  // savings. The LCP's exact share 0.5 x 20.00 = 10.00, the PCT's 10.00. The budget part, 10.00, by
  // budgets 60 : 30: quotas 6.666... and 3.333..., floors 6.66 and 3.33 leave a penny for the
  // larger remainder, Riverside's: 6.67 and 3.33. Park Lane is in no row.
  const std::uint64_t agreement =
      ledger.Must(ElectiveAgreement("2027/28", "Agreed after the year's first run"), kOfficer);
  v1::Command cosign;
  cosign.mutable_cosign_agreement()->set_year("2027/28");
  cosign.mutable_cosign_agreement()->set_proposal_seq(agreement);
  ledger.Must(cosign, kPct);
  for (const auto& [ods, amount] :
       std::vector<std::pair<std::string, std::string>>{{"A81001", "50"}, {"A81002", "20"}}) {
    v1::Command spend = Journal2("M01", "practice:" + ods + ":spend:ELECTIVE", "lcp:cash", amount);
    spend.mutable_post_journal()->mutable_period()->set_year("2027/28");
    ledger.Must(spend, kOfficer);
  }
  v1::GetRiskShareRequest share_request;
  share_request.set_year("2027/28");
  share_request.set_basis(v1::RISK_BASIS_PROJECTED);
  Result<v1::GetRiskShareResponse> pool = queries::GetRiskShare(
      BorrowSnapshot(ledger.journal.state(), nullptr), kOfficer, share_request);
  ASSERT_TRUE(pool.ok()) << pool.status().ToString();
  EXPECT_EQ(pool->pooled_budget().value(), "90.00");
  EXPECT_EQ(pool->outturn().value(), "70.00");
  EXPECT_EQ(pool->variance().value(), "20.00");
  EXPECT_EQ(pool->lcp_amount().value(), "10.00");
  EXPECT_EQ(pool->pct_amount().value(), "10.00");
  ASSERT_EQ(pool->members_size(), 2);
  EXPECT_EQ(pool->members(0).ods_code(), "A81001");
  EXPECT_EQ(pool->members(0).share().value(), "6.67");
  EXPECT_EQ(pool->members(1).ods_code(), "A81002");
  EXPECT_EQ(pool->members(1).share().value(), "3.33");
  // A practice with a budget in a later year cannot leave before it.
  ledger.Refused(Leave("A81002", "2026/27"), kHillview, v1::ERROR_CODE_PRACTICE_ALLOCATED_LATER,
                 "A81002 has a budget in 2027/28 (practice:A81002:budget:ELECTIVE), after 2026/27");
  ledger.Must(Leave("A81002", "2027/28"), kHillview);
}

// The notices report, the statement's budget sources and the membership list of a hand-worked
// ledger: ELECTIVE's first notice a day late, COMMUNITY's 40 days late, PRESCRIBING never sent,
// one acknowledgement, a transfer and one sign-up; the figures as the queries report them.
TEST(NoticeQueries, TheReportStatementAndMembershipSayWhatWasRecordedAndWhen) {
  Ledger ledger;
  SetUpThree(ledger);                                                // 1-9: lists of 2, 1, 1.
  ASSERT_EQ(ledger.Must(Confirm("ELECTIVE", "100.00"), kPct), 10u);  // 20 April.
  ASSERT_EQ(ledger.Must(RunOf("ELECTIVE", v1::NOTICE_KIND_INDICATIVE), kOfficer, kMay2Noon), 11u);
  ASSERT_EQ(ledger.Must(Acknowledge("A81001", "ELECTIVE", 11), kRiverside, kMay2Noon), 12u);
  ASSERT_EQ(ledger.Must(Confirm("COMMUNITY", "40.00"), kPct, kMay2Noon), 13u);
  ASSERT_EQ(ledger.Must(RunOf("COMMUNITY", v1::NOTICE_KIND_FINAL), kOfficer, kJune10Noon), 14u);
  ASSERT_EQ(ledger.Must(Transfer("A81002", "ELECTIVE", "COMMUNITY", "5.00"), kOfficer, kJune10Noon),
            15u);
  ASSERT_EQ(ledger.Must(Approve(15), kPct, kJune10Noon), 16u);
  const Snapshot snapshot = BorrowSnapshot(ledger.journal.state(), nullptr);
  EXPECT_EQ(snapshot.head_recorded_at, kJune10Noon);

  v1::GetNoticesRequest request;
  request.set_year("2026/27");
  Result<v1::GetNoticesResponse> all = queries::GetNotices(snapshot, kOfficer, request);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->year(), "2026/27");
  EXPECT_EQ(all->deadline(), "2026-05-01");
  EXPECT_EQ(all->as_of_seq(), 16u);
  ASSERT_EQ(all->lines_size(), 3);
  const v1::LineNotices& elective = all->lines(0);
  EXPECT_EQ(elective.budget_line(), "ELECTIVE");
  // The transfer's approval moved ELECTIVE's confirmed total by -5.00 (rules 4).
  EXPECT_EQ(elective.confirmed_total().value(), "95.00");
  ASSERT_EQ(elective.confirmations_size(), 2);
  EXPECT_EQ(elective.confirmations(0).seq(), 10u);
  EXPECT_EQ(elective.confirmations(0).date(), "2026-04-20");
  EXPECT_EQ(elective.confirmations(0).confirmed_by(), "pct.finance@pct");
  EXPECT_EQ(elective.confirmations(0).transfer_seq(), 0u);
  EXPECT_EQ(elective.confirmations(1).seq(), 16u);
  EXPECT_EQ(elective.confirmations(1).date(), "2026-06-10");
  EXPECT_EQ(elective.confirmations(1).total().value(), "95.00");
  EXPECT_EQ(elective.confirmations(1).transfer_seq(), 15u);
  EXPECT_EQ(elective.confirmations(1).transferred().value(), "-5.00");
  ASSERT_EQ(elective.runs_size(), 1);
  EXPECT_EQ(elective.runs(0).run_seq(), 11u);
  EXPECT_EQ(elective.runs(0).date(), "2026-05-02");
  EXPECT_EQ(elective.runs(0).kind(), v1::NOTICE_KIND_INDICATIVE);
  EXPECT_EQ(elective.runs(0).total().value(), "100.00");
  EXPECT_FALSE(elective.on_time());
  EXPECT_EQ(elective.days_late(), 1u);
  EXPECT_EQ(elective.notified_count(), 3u);
  EXPECT_EQ(elective.acknowledged_count(), 1u);
  EXPECT_EQ(
      std::vector<std::string>(elective.unacknowledged().begin(), elective.unacknowledged().end()),
      (std::vector<std::string>{"A81002", "A81003"}));
  const v1::LineNotices& prescribing = all->lines(1);
  EXPECT_EQ(prescribing.budget_line(), "PRESCRIBING");
  EXPECT_FALSE(prescribing.has_confirmed_total());
  EXPECT_EQ(prescribing.runs_size(), 0);
  EXPECT_TRUE(prescribing.overdue());
  EXPECT_EQ(prescribing.days_overdue(), 40u);  // 1 May to 10 June.
  const v1::LineNotices& community = all->lines(2);
  EXPECT_EQ(community.confirmed_total().value(), "45.00");
  EXPECT_EQ(community.days_late(), 40u);
  EXPECT_FALSE(community.on_time());
  EXPECT_EQ(community.runs(0).kind(), v1::NOTICE_KIND_FINAL);
  EXPECT_EQ(community.unacknowledged_size(), 3);
  ASSERT_EQ(all->transfers_size(), 1);
  EXPECT_EQ(all->transfers(0).seq(), 15u);
  EXPECT_EQ(all->transfers(0).ods_code(), "A81002");
  EXPECT_EQ(all->transfers(0).amount().value(), "5.00");
  EXPECT_EQ(all->transfers(0).proposed_by(), "finance.officer@lcp");
  EXPECT_EQ(all->transfers(0).approved_seq(), 16u);
  EXPECT_EQ(all->transfers(0).approved_by(), "pct.finance@pct");
  EXPECT_EQ(all->transfers(0).approved_date(), "2026-06-10");

  // A practice: the LCP-wide figures, its own acknowledgements, no other practice's transfers.
  Result<v1::GetNoticesResponse> own = queries::GetNotices(snapshot, kRiverside, request);
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->lines(0).unacknowledged_size(), 0);
  EXPECT_EQ(own->lines(0).acknowledged_count(), 1u);
  ASSERT_EQ(own->lines(2).unacknowledged_size(), 1);
  EXPECT_EQ(own->lines(2).unacknowledged(0), "A81001");
  EXPECT_EQ(own->transfers_size(), 0);

  // The statement: 100.00 split 2:1:1 less the 5.00 moved; 40.00 split 2:1:1 plus it.
  v1::GetStatementRequest statement_request;
  statement_request.set_ods_code("A81002");
  Result<v1::GetStatementResponse> hillview =
      queries::GetStatement(snapshot, kOfficer, statement_request);
  ASSERT_TRUE(hillview.ok()) << hillview.status().ToString();
  const v1::StatementLine& hillview_elective = hillview->practices(0).lines(0);
  EXPECT_EQ(hillview_elective.budget().value(), "20.00");
  const v1::BudgetSource& source = hillview_elective.source();
  EXPECT_EQ(source.run_seq(), 11u);
  EXPECT_EQ(source.recorded_date(), "2026-05-02");
  EXPECT_EQ(source.kind(), v1::NOTICE_KIND_INDICATIVE);
  EXPECT_EQ(source.confirmed_total().value(), "100.00");
  EXPECT_EQ(source.first_run_seq(), 11u);
  EXPECT_EQ(source.first_notice_date(), "2026-05-02");
  EXPECT_EQ(source.deadline(), "2026-05-01");
  EXPECT_FALSE(source.on_time());
  EXPECT_EQ(source.days_late(), 1u);
  EXPECT_EQ(source.acknowledged_seq(), 0u);
  EXPECT_EQ(source.transfers().value(), "-5.00");
  EXPECT_FALSE(hillview->practices(0).lines(1).has_source());  // PRESCRIBING: no run.
  EXPECT_EQ(hillview->practices(0).lines(2).budget().value(), "15.00");
  EXPECT_EQ(hillview->practices(0).lines(2).source().transfers().value(), "5.00");
  EXPECT_EQ(hillview->practices(0).lines(2).source().days_late(), 40u);
  Result<v1::GetStatementResponse> riverside = queries::GetStatement(snapshot, kRiverside, {});
  ASSERT_TRUE(riverside.ok());
  EXPECT_EQ(riverside->practices(0).lines(0).budget().value(), "50.00");
  EXPECT_EQ(riverside->practices(0).lines(0).source().acknowledged_seq(), 12u);
  EXPECT_EQ(riverside->practices(0).lines(0).source().acknowledged_date(), "2026-05-02");
  EXPECT_EQ(riverside->practices(0).lines(2).budget().value(), "20.00");
  EXPECT_EQ(riverside->practices(0).membership().signed_seq(), 0u);

  // Membership: nobody can sign before an agreement is in force; then Riverside signs, and
  // Hillview says it leaves after the year.
  v1::ListMembershipsRequest members_request;
  members_request.set_year("2026/27");
  Result<v1::ListMembershipsResponse> before =
      queries::ListMemberships(snapshot, kOfficer, members_request);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->agreement_seq(), 0u);
  EXPECT_EQ(before->signed_count(), 0u);
  EXPECT_EQ(before->unsigned_count(), 3u);
  ASSERT_EQ(ledger.Must(ElectiveAgreement("2026/27", "Agreed late"), kOfficer, kJune10Noon), 17u);
  v1::Command cosign;
  cosign.mutable_cosign_agreement()->set_year("2026/27");
  cosign.mutable_cosign_agreement()->set_proposal_seq(17);
  ASSERT_EQ(ledger.Must(cosign, kPct, kJune10Noon), 18u);
  ASSERT_EQ(ledger.Must(RecordTerms(kTerms, "Terms 2026/27"), kOfficer, kJune10Noon), 19u);
  ASSERT_EQ(ledger.Must(Sign("A81001", 17), kRiverside, kJune10Noon), 20u);
  ASSERT_EQ(ledger.Must(Leave("A81002", "2026/27"), kHillview, kJune10Noon), 21u);
  const Snapshot later = BorrowSnapshot(ledger.journal.state(), nullptr);
  Result<v1::ListMembershipsResponse> members =
      queries::ListMemberships(later, kOfficer, members_request);
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  EXPECT_EQ(members->agreement_seq(), 17u);
  ASSERT_EQ(members->terms_size(), 1);
  EXPECT_EQ(members->terms(0).seq(), 19u);
  EXPECT_EQ(members->terms(0).date(), "2026-06-10");
  EXPECT_EQ(members->terms(0).title(), "Terms 2026/27");
  EXPECT_EQ(members->signed_count(), 1u);
  EXPECT_EQ(members->unsigned_count(), 2u);
  ASSERT_EQ(members->practices_size(), 3);
  const v1::MembershipView& signed_up = members->practices(0);
  EXPECT_EQ(signed_up.ods_code(), "A81001");
  EXPECT_EQ(signed_up.signed_seq(), 20u);
  EXPECT_EQ(signed_up.signed_date(), "2026-06-10");
  EXPECT_EQ(signed_up.terms_sha256(), kTerms);
  EXPECT_EQ(signed_up.agreement_seq(), 17u);
  EXPECT_TRUE(signed_up.signed_current());
  EXPECT_EQ(members->practices(1).signed_seq(), 0u);
  EXPECT_EQ(members->practices(1).last_year(), "2026/27");
  EXPECT_FALSE(members->practices(1).left());  // A member until the year ends.
  Result<v1::ListMembershipsResponse> own_row =
      queries::ListMemberships(later, kRiverside, members_request);
  ASSERT_TRUE(own_row.ok());
  ASSERT_EQ(own_row->practices_size(), 1);
  EXPECT_EQ(own_row->practices(0).ods_code(), "A81001");
  // The risk share says who signed.
  v1::GetRiskShareRequest share_request;
  share_request.set_year("2026/27");
  Result<v1::GetRiskShareResponse> share = queries::GetRiskShare(later, kRiverside, share_request);
  ASSERT_TRUE(share.ok()) << share.status().ToString();
  ASSERT_EQ(share->members_size(), 1);
  EXPECT_EQ(share->members(0).membership().signed_seq(), 20u);
  EXPECT_EQ(share->members(0).membership().agreement_seq(), 17u);
}

// Replays the export tests/data/`file` into `journal`, which must hold `records` records.
void ReplayFixture(const std::string& file, std::uint64_t records, Journal& journal) {
  std::ifstream in(std::string(LCP_SOURCE_DIR) + "/tests/data/" + file, std::ios::binary);
  const AuditOutcome outcome = ReplayExport(in, journal);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.records, records);
}

// A balance of 2026/27, in pounds.
std::string Pounds2026(const Journal& journal, const std::string& account) {
  return Money::FromPence(journal.state().balances.at(2026).at(account)).ToString();
}

// The export made by the binaries of commit 7a1e213 (tests/data/make-rules1-export.sh): journals
// into budgets, savings and shares, a reversal of a typed budget, a run with a typed total, a
// correction two months ahead, contract payments, an agreement recorded late and the settlement.
std::string Rules1Export() {
  std::ifstream in(std::string(LCP_SOURCE_DIR) + "/tests/data/rules1-export.lcpx",
                   std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Replays the fixture's records 1 to `last` into `journal`, as recorded.
void ReplayRules1Through(std::uint64_t last, Journal& journal) {
  std::istringstream in(Rules1Export());
  ExportReader reader(in);
  ASSERT_TRUE(reader.ReadHeader().ok());
  while (journal.head_seq() < last) {
    Result<std::optional<v1::JournalRecord>> record = reader.Next();
    ASSERT_TRUE(record.ok() && record->has_value()) << "the fixture ends before entry " << last;
    ASSERT_TRUE(journal.Replay(**record).ok()) << "entry " << (**record).seq();
  }
}

// The fixture's figures, worked out by hand from tests/data/make-rules1-export.sh (and equal to
// what lcp-audit of commit 7a1e213 printed, tests/data/rules1-export.replay-7a1e213.txt). The
// capitation run shared its typed 3,000,000.00 as 908,999.63 / 1,379,940.83 / 711,059.54 (after the
// hand move of 5,000.00); outturns on the pooled COMMUNITY line are 9,000 + 880,000 = 889,000.00,
// 1,420,000.00 and 1,000 + 600,000 = 601,000.00, so B = 3,000,000.00, O = 2,910,000.00 and
// V = 90,000.00 (3%: the 1% threshold is met, the 5% cap of 150,000.00 does not bind). The LCP
// keeps 0.70 x 90,000 = 63,000.00 and the PCT recovers 27,000.00. Budget part 31,500.00 by budgets:
// quotas 9,544.496115 / 14,489.378715 / 7,466.12517, floors leave 2p for the two largest
// remainders (Hillview's .8715, Riverside's .6115): 9,544.50 / 14,489.38 / 7,466.12. Contribution
// part 31,500.00 by underspends 19,999.63 / none (Hillview overspent 40,059.17) / 110,059.54:
// quotas 4,843.859491 / 26,656.140509, the leftover penny to Riverside: 4,843.86 / 26,656.14.
// Shares: 14,388.36 / 14,489.38 / 34,122.26 (sum 63,000.00); Park Lane's reinvestment also holds
// the 2,500.00 typed in, and pct:risk_share the 2,500.00 typed in less the 27,000.00 recovered.
TEST(RulesVersion, AnExportRecordedUnderRules1ReplaysUnchanged) {
  Journal journal;
  {
    std::istringstream in(Rules1Export());
    const AuditOutcome outcome = ReplayExport(in, journal);
    ASSERT_TRUE(outcome.status.ok()) << outcome.status.ToString();
    EXPECT_EQ(outcome.records, 37u);
  }
  EXPECT_EQ(ToHex(journal.head_hash()),
            "70b0ed9c31d9e3cf9ee2edd0598b3d5d108cb01371cc3183fba1ade204085b22");
  EXPECT_EQ(journal.state().rules_version, 1u);
  auto pounds = [&](const std::string& account) { return Pounds2026(journal, account); };
  EXPECT_EQ(pounds("practice:A81001:budget:COMMUNITY"), "908999.63");
  EXPECT_EQ(pounds("practice:A81002:budget:COMMUNITY"), "1379940.83");
  EXPECT_EQ(pounds("practice:A81003:budget:COMMUNITY"), "711059.54");
  EXPECT_EQ(pounds("practice:A81001:spend:COMMUNITY"), "889000.00");
  EXPECT_EQ(pounds("practice:A81002:spend:COMMUNITY"), "1420000.00");
  EXPECT_EQ(pounds("practice:A81003:spend:COMMUNITY"), "601000.00");
  EXPECT_EQ(pounds("practice:A81001:reinvestment"), "-14388.36");
  EXPECT_EQ(pounds("practice:A81002:reinvestment"), "-14489.38");
  EXPECT_EQ(pounds("practice:A81003:reinvestment"), "-36622.26");
  EXPECT_EQ(pounds("practice:A81002:risk_share"), "700.00");
  EXPECT_EQ(pounds("pct:risk_share"), "-24500.00");
  EXPECT_EQ(pounds("lcp:risk_pool"), "90000.00");
  EXPECT_EQ(pounds("provider:NLO01:payable"), "-2910000.00");
  EXPECT_EQ(journal.state().capitation.runs.at(13)->kind, v1::NOTICE_KIND_UNSPECIFIED);
  EXPECT_EQ(journal.state().years.at(2026).settled_seq, 37u);
  // The whole state the fixture replays to, every field (ledger/base/state_digest.h), as recorded
  // when the fixture was made: a later change that replays this journal to any other state, in any
  // field, fails here.
  EXPECT_EQ(StateDigest(journal.state()),
            "8654b594a0d0c5fea997214b7e09c5fbc53df438c2e8c8dac1b4b7eef05c8ba2")
      << DescribeState(journal.state());
}

// The export made by the binaries of commit d30f81e under rules 2
// (tests/data/make-rules2-export.sh): confirmed totals, an INDICATIVE and a FINAL run, an
// acknowledgement, a transfer, a FINAL run revised with no reason and a journal of 5,000.00 into
// pct:allocation:COMMUNITY against cash, both of which rules 3 refuses. Its figures by hand: the
// weighted populations of the three lists are 4,661.16, 7,011.84 and 3,626.2184 (15,299.2184 in
// all, as the rules-1 fixture's run shows); the last run allocates the confirmed 3,050,000.00 in
// quotas 929,232.96003 / 1,397,856.50749 / 722,910.53248, whose floors leave one penny for
// Hillview's largest remainder: 929,232.96 / 1,397,856.51 / 722,910.53. Hillview's COMMUNITY budget
// holds the 20,000.00 it transferred to PRESCRIBING: 1,377,856.51.
TEST(RulesVersion, AnExportRecordedUnderRules2ReplaysUnchanged) {
  Journal journal;
  ASSERT_NO_FATAL_FAILURE(ReplayFixture("rules2-export.lcpx", 20u, journal));
  EXPECT_EQ(ToHex(journal.head_hash()),
            "40cb62b66ba0ab6740bb1b505e23b6c5a012196dd6e84eaacf6aefb16a569bbe");
  EXPECT_EQ(journal.state().rules_version, 2u);
  auto pounds = [&](const std::string& account) { return Pounds2026(journal, account); };
  EXPECT_EQ(pounds("practice:A81001:budget:COMMUNITY"), "929232.96");
  EXPECT_EQ(pounds("practice:A81002:budget:COMMUNITY"), "1377856.51");
  EXPECT_EQ(pounds("practice:A81003:budget:COMMUNITY"), "722910.53");
  EXPECT_EQ(pounds("practice:A81002:budget:PRESCRIBING"), "20000.00");
  EXPECT_EQ(pounds("pct:allocation:COMMUNITY"), "-3035000.00");  // Less 5,000.00 typed in.
  EXPECT_EQ(pounds("lcp:cash"), "5000.00");
  EXPECT_EQ(pounds("pct:allocation:PRESCRIBING"), "-20000.00");
  const AllocationRun& last = *journal.state().capitation.runs.at(19);
  EXPECT_EQ(last.kind, v1::NOTICE_KIND_FINAL);
  EXPECT_EQ(last.revises_seq, 13u);
  EXPECT_EQ(journal.state().capitation.runs.at(13)->kind, v1::NOTICE_KIND_FINAL);
  // The whole state, as recorded when the fixture was made.
  EXPECT_EQ(StateDigest(journal.state()),
            "7b4025cb3e2cb5ead2ea3d897e43e5a65bee9aaed1a2fb6bb329fdc909782138")
      << DescribeState(journal.state());

  // What rules 2 took, rules 3 refuses in a new entry, posting nothing.
  auto submit = [&](const v1::Command& command) {
    v1::JournalEntry request;
    *request.mutable_command() = command;
    *request.mutable_actor() = ActorOf("local-admin", v1::ROLE_LOCAL_ADMIN);
    request.mutable_recorded_at()->set_seconds(kJune10Noon);
    request.set_idempotency_key("rules3-" + std::to_string(journal.head_seq()));
    return journal.Submit(std::move(request));
  };
  // Entry 19 revised the FINAL run of entry 13 with no reason.
  v1::Command run = RunOf("COMMUNITY", v1::NOTICE_KIND_FINAL, 19);
  run.mutable_run_allocation()->mutable_period()->set_month("M02");
  const Result<v1::JournalRecord> unexplained = submit(run);
  ASSERT_FALSE(unexplained.ok());
  EXPECT_EQ(unexplained.status().code(), v1::ERROR_CODE_REASON_REQUIRED);
  // Entry 20 moved pct:allocation:COMMUNITY by a journal; neither a journal nor its reversal may.
  const Result<v1::JournalRecord> typed =
      submit(Journal2("M02", "lcp:cash", "pct:allocation:COMMUNITY", "1"));
  ASSERT_FALSE(typed.ok());
  EXPECT_EQ(typed.status().code(), v1::ERROR_CODE_ACCOUNT_RESERVED);
  EXPECT_NE(typed.status().message().find(
                "account \"pct:allocation:COMMUNITY\" is the PCT's allocation of the line, the "
                "other side of its practices' budgets: it moves only with them, by an allocation "
                "run of the confirmed total (lcp capitation run) or an approved transfer (lcp "
                "budget transfer)"),
            std::string::npos)
      << typed.status().message();
  const Result<v1::JournalRecord> reversal = submit(Reverse(20, "M02"));
  ASSERT_FALSE(reversal.ok());
  EXPECT_EQ(reversal.status().code(), v1::ERROR_CODE_ACCOUNT_RESERVED);
  EXPECT_NE(reversal.status().message().find("entry 20 cannot be reversed: account "
                                             "\"pct:allocation:COMMUNITY\" is the PCT's"),
            std::string::npos)
      << reversal.status().message();
  EXPECT_EQ(journal.head_seq(), 20u);
  run.mutable_run_allocation()->set_reason("List refresh");
  const Result<v1::JournalRecord> explained = submit(run);
  ASSERT_TRUE(explained.ok()) << explained.status().ToString();
  EXPECT_EQ(journal.state().rules_version, kRulesVersionCurrent);
  // Entry 16 approved a transfer between lines under rules 2, which moved no confirmed total; so a
  // run under today's rules splits the confirmed 3,050,000.00 whole, as entry 19 did: nothing
  // moves.
  EXPECT_EQ(journal.state().capitation.runs.at(explained->seq())->transferred_in_pence, 0);
  EXPECT_EQ(journal.state().entries[explained->seq() - 1].legs_count, 0u);
}

// The export made by the binaries of commit 36345d8 under rules 4
// (tests/data/make-rules4-export.sh): a transfer between lines that moved both confirmed totals, a
// transfer between two practices on one line, a new COMMUNITY total and a FINAL run of it, and two
// sign-ups on a terms document the LCP never recorded as the year's terms. Its figures by hand: the
// lists, weights and indices are the rules-2 fixture's, so WP is 4,661.16 / 7,011.84 / 3,626.2184;
// the transfer (entries 13-14) moved -20,000.00 into COMMUNITY's total and +20,000.00 into
// PRESCRIBING's; the PCT then confirmed COMMUNITY at 3,030,000.00 (entry 17), so the run of entry
// 18 splits 3,030,000.00 + 20,000.00 = 3,050,000.00: 929,232.96 / 1,397,856.51 / 722,910.53, as the
// rules-2 fixture's last run; with the transfers (+5,000.00 to Riverside from Park Lane, -20,000.00
// from Hillview): 934,232.96 / 1,377,856.51 / 717,910.53, which sum to the confirmed 3,030,000.00.
TEST(RulesVersion, AnExportRecordedUnderRules4ReplaysUnchanged) {
  Journal journal;
  ASSERT_NO_FATAL_FAILURE(ReplayFixture("rules4-export.lcpx", 22u, journal));
  EXPECT_EQ(ToHex(journal.head_hash()),
            "6c2f9373875cb919ceac9491eb990a934db7e80133f789ad6386ba63251b1c8d");
  EXPECT_EQ(journal.state().rules_version, 4u);
  auto pounds = [&](const std::string& account) { return Pounds2026(journal, account); };
  EXPECT_EQ(pounds("practice:A81001:budget:COMMUNITY"), "934232.96");
  EXPECT_EQ(pounds("practice:A81002:budget:COMMUNITY"), "1377856.51");
  EXPECT_EQ(pounds("practice:A81003:budget:COMMUNITY"), "717910.53");
  EXPECT_EQ(pounds("practice:A81002:budget:PRESCRIBING"), "20000.00");
  EXPECT_EQ(pounds("pct:allocation:COMMUNITY"), "-3030000.00");
  EXPECT_EQ(pounds("pct:allocation:PRESCRIBING"), "-20000.00");
  auto totals = [&](const std::string& line) {
    std::vector<std::string> out;
    for (const LineTotal& total : journal.state().notices.line_totals.at({2026, line})) {
      out.push_back(
          std::to_string(total.seq) + " " + Money::FromPence(total.total_pence).ToString() +
          (total.transfer_seq == 0 ? std::string()
                                   : " by " + std::to_string(total.transfer_seq) + " " +
                                         Money::FromPence(total.transferred_pence).ToString()));
    }
    return out;
  };
  EXPECT_EQ(totals("COMMUNITY"),
            (std::vector<std::string>{"10 3000000.00", "14 2980000.00 by 13 -20000.00",
                                      "17 3030000.00"}));
  EXPECT_EQ(totals("PRESCRIBING"),
            (std::vector<std::string>{"11 1500000.00", "14 1520000.00 by 13 20000.00"}));
  const AllocationRun& last = *journal.state().capitation.runs.at(18);
  EXPECT_EQ(last.total_pence, 303'000'000);
  EXPECT_EQ(last.transferred_in_pence, -2'000'000);
  EXPECT_EQ(last.rows[0].budget_pence, 92'923'296);
  EXPECT_EQ(last.rows[1].budget_pence, 139'785'651);
  EXPECT_EQ(last.rows[2].budget_pence, 72'291'053);
  EXPECT_EQ(journal.state().notices.transfers.at(15).to_ods_code, "A81001");
  EXPECT_EQ(journal.state().notices.signatures.size(), 2u);
  // The whole state, as recorded when the fixture was made.
  EXPECT_EQ(StateDigest(journal.state()),
            "0075173a044b45cba1847095681176ae93bdf246a8a15785482d0f01fa256b80")
      << DescribeState(journal.state());
}

// The export made by the binaries of commit d01185f under rules 5
// (tests/data/make-rules5-export.sh), before reserves are carried from year to year: 2026/27
// settled with savings, then 2027/28 opened, which carried nothing. Its figures by hand: budgets
// 929,232.96 / 1,397,856.51 / 722,910.53 (the rules-2 fixture's run of 3,050,000.00); spend
// 900,000.00 / 1,400,000.00 / 650,000.00, so B = 3,050,000.00, O = 2,950,000.00, V = 100,000.00
// (the 1% threshold of 30,500.00 is met, the 5% cap of 152,500.00 does not bind): the LCP keeps
// 0.70 x 100,000.00 = 70,000.00, the PCT recovers 30,000.00. Budget part 35,000.00 by budgets:
// quotas 10,663.329049 / 16,040.976344 / 8,295.694607, two pennies to the two largest remainders
// (Riverside's, Hillview's): 10,663.33 / 16,040.98 / 8,295.69. Contribution part 35,000.00 by
// underspends 29,232.96 / none (Hillview overspent 2,143.49) / 72,910.53: quotas 10,016.826329 /
// 24,983.173671, the penny to Riverside: 10,016.83 / 24,983.17. Shares 20,680.16 / 16,040.98 /
// 33,278.86, credited to 2026/27's reinvestment accounts and left there.
TEST(RulesVersion, AnExportRecordedUnderRules5ReplaysUnchanged) {
  Journal journal;
  ASSERT_NO_FATAL_FAILURE(ReplayFixture("rules5-export.lcpx", 33u, journal));
  EXPECT_EQ(ToHex(journal.head_hash()),
            "5cefc32dd73964cdae8e7a5811bbd3e313e5a81e12eb66c005cd0d85295849e5");
  EXPECT_EQ(journal.state().rules_version, 5u);
  auto pounds = [&](const std::string& account) { return Pounds2026(journal, account); };
  EXPECT_EQ(pounds("practice:A81001:reinvestment"), "-20680.16");
  EXPECT_EQ(pounds("practice:A81002:reinvestment"), "-16040.98");
  EXPECT_EQ(pounds("practice:A81003:reinvestment"), "-33278.86");
  EXPECT_EQ(pounds("pct:risk_share"), "-30000.00");
  EXPECT_EQ(pounds("lcp:risk_pool"), "100000.00");
  // 2027/28 is open, and nothing was carried into it.
  EXPECT_TRUE(journal.state().years.contains(2027));
  auto next = journal.state().balances.find(2027);
  EXPECT_TRUE(next == journal.state().balances.end() || next->second.empty());
  EXPECT_EQ(journal.state().entries.back().legs_count, 0u);
  // The whole state, as recorded when the fixture was made.
  EXPECT_EQ(StateDigest(journal.state()),
            "bccd0e7fbf0813154c8c9a257317d054f60594d4006126fc7fc6b1f5ef0ca148")
      << DescribeState(journal.state());
}

// Rules 6 on the books rules 5 left: 2026/27's savings sat in the settled year, and 2027/28 opened
// carrying nothing. The first year opened under rules 6, 2028/29, gathers them from 2026/27 (and
// nothing from 2027/28, which holds none): 20,680.16 / 16,040.98 / 33,278.86, 70,000.00 in all.
TEST(RulesVersion, AYearOpenedUnderRules6GathersTheReservesRules5LeftInASettledYear) {
  Journal journal;
  ASSERT_NO_FATAL_FAILURE(ReplayFixture("rules5-export.lcpx", 33u, journal));
  v1::JournalEntry request;
  request.mutable_command()->mutable_open_year()->set_year("2028/29");
  request.mutable_command()->mutable_open_year()->add_budget_lines("COMMUNITY");
  *request.mutable_actor() = ActorOf("local-admin", v1::ROLE_LOCAL_ADMIN);
  request.mutable_recorded_at()->set_seconds(1'900'000'000);
  request.set_idempotency_key("open-2028");
  const Result<v1::JournalRecord> opened = journal.Submit(request);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(opened->body()));
  EXPECT_EQ(entry.rules_version(), kRulesVersionCurrent);  // 6 or later: reserves are carried.
  EXPECT_EQ(lcp::testing::PostingsByPeriod(*opened),
            (std::vector<std::string>{"2026/27 M12 practice:A81001:reinvestment 20680.16",
                                      "2026/27 M12 practice:A81002:reinvestment 16040.98",
                                      "2026/27 M12 practice:A81003:reinvestment 33278.86",
                                      "2026/27 M12 lcp:reserve_carried_forward -70000.00",
                                      "2028/29 M01 practice:A81001:reinvestment -20680.16",
                                      "2028/29 M01 practice:A81002:reinvestment -16040.98",
                                      "2028/29 M01 practice:A81003:reinvestment -33278.86",
                                      "2028/29 M01 lcp:reserve_brought_forward 70000.00"}));
  EXPECT_EQ(Pounds2026(journal, "practice:A81001:reinvestment"), "0.00");
}

// The export made by the binaries of commit 3caac23, the last under rules 6
// (tests/data/make-rules6-export.sh): the same books as the rules-5 fixture, but 2027/28's opening
// (entry 33) carried the savings into it: 20,680.16 / 16,040.98 / 33,278.86 out of 2026/27's M12
// and into 2027/28's M01. Today's engine replays it unchanged.
TEST(RulesVersion, AnExportRecordedUnderRules6ReplaysUnchanged) {
  Journal journal;
  ASSERT_NO_FATAL_FAILURE(ReplayFixture("rules6-export.lcpx", 33u, journal));
  EXPECT_EQ(journal.state().rules_version, 6u);
  const auto& next = journal.state().balances.at(2027);
  EXPECT_EQ(Money::FromPence(next.at("practice:A81001:reinvestment")).ToString(), "-20680.16");
  EXPECT_EQ(Money::FromPence(next.at("practice:A81002:reinvestment")).ToString(), "-16040.98");
  EXPECT_EQ(Money::FromPence(next.at("practice:A81003:reinvestment")).ToString(), "-33278.86");
  EXPECT_EQ(Money::FromPence(next.at("lcp:reserve_brought_forward")).ToString(), "70000.00");
  EXPECT_EQ(Pounds2026(journal, "practice:A81001:reinvestment"), "0.00");
  EXPECT_TRUE(journal.state().cases.by_id.empty());
  // The whole state. Rules 7 adds business cases to the digest only when there are some (the older
  // fixtures' digests above still hold), so this is the digest of the state the fixture recorded.
  EXPECT_EQ(StateDigest(journal.state()),
            "76a86c7a97187adb2019e6c0f24f5629b87a8ffc31888d6345f1fdcd0ff8c37f")
      << DescribeState(journal.state());
}

// New entries after an old one follow rules 2: the back doors rules 1 left open are closed now.
// From entry 19 of the fixture, when M02 was its current month.
TEST(RulesVersion, NewEntriesAfterRules1EntriesFollowRules2) {
  Journal journal;
  ReplayRules1Through(19, journal);
  ASSERT_EQ(journal.head_seq(), 19u);
  auto submit = [&](const v1::Command& command) {
    v1::JournalEntry request;
    *request.mutable_command() = command;
    *request.mutable_actor() = ActorOf("local-admin", v1::ROLE_LOCAL_ADMIN);
    request.mutable_recorded_at()->set_seconds(kMay1Noon);
    request.set_idempotency_key("new-" + std::to_string(journal.head_seq()));
    return journal.Submit(std::move(request));
  };
  // Entry 14 moved budget by hand in M01; the current month is M02.
  const Result<v1::JournalRecord> reversal = submit(Reverse(14, "M02"));
  ASSERT_FALSE(reversal.ok());
  EXPECT_EQ(reversal.status().code(), v1::ERROR_CODE_ACCOUNT_RESERVED)
      << reversal.status().ToString();
  EXPECT_NE(reversal.status().message().find("entry 14 cannot be reversed: account "
                                             "\"practice:A81001:budget:COMMUNITY\" is a budget"),
            std::string::npos)
      << reversal.status().message();
  const Result<v1::JournalRecord> ahead = submit(Journal2(
      "M04", "practice:A81003:spend:COMMUNITY", "practice:A81001:spend:COMMUNITY", "1", 15));
  ASSERT_FALSE(ahead.ok());
  EXPECT_EQ(ahead.status().code(), v1::ERROR_CODE_CORRECTION_NOT_CURRENT_MONTH);
  v1::Command run = RunOf("COMMUNITY", v1::NOTICE_KIND_FINAL, 13, "3000000");
  run.mutable_run_allocation()->mutable_period()->set_month("M02");
  const Result<v1::JournalRecord> typed = submit(run);
  ASSERT_FALSE(typed.ok());
  EXPECT_EQ(typed.status().code(), v1::ERROR_CODE_LINE_TOTAL_NOT_CONFIRMED);
  const Result<v1::JournalRecord> current = submit(Journal2(
      "M02", "practice:A81003:spend:COMMUNITY", "practice:A81001:spend:COMMUNITY", "1", 15));
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(current->body()));
  EXPECT_EQ(entry.rules_version(), kRulesVersionCurrent);
  EXPECT_EQ(journal.state().rules_version, kRulesVersionCurrent);

  // The old and the new together replay: each entry under its own rules.
  Journal again;
  ReplayRules1Through(19, again);
  ASSERT_TRUE(again.Replay(*current).ok());
  EXPECT_EQ(again.head_hash(), journal.head_hash());
  // Entries 18 and 19 typed a saving and a share in M03; once M02 closes, M03 is the current month,
  // and reversing them there would move the settlement's accounts, so neither is reversed.
  v1::Command close;
  close.mutable_close_month()->mutable_period()->set_year("2026/27");
  close.mutable_close_month()->mutable_period()->set_month("M02");
  ASSERT_TRUE(submit(close).ok());
  const std::uint64_t head = journal.head_seq();
  for (const auto& [seq, account] : std::vector<std::pair<std::uint64_t, std::string>>{
           {18, "practice:A81003:reinvestment"}, {19, "practice:A81002:risk_share"}}) {
    const Result<v1::JournalRecord> undone = submit(Reverse(seq, "M03"));
    ASSERT_FALSE(undone.ok());
    EXPECT_EQ(undone.status().code(), v1::ERROR_CODE_ACCOUNT_RESERVED);
    EXPECT_NE(undone.status().message().find("entry " + std::to_string(seq) +
                                             " cannot be reversed: account \"" + account +
                                             "\" is moved only by the year's settlement"),
              std::string::npos)
        << undone.status().message();
  }
  EXPECT_EQ(journal.head_seq(), head);
}

// A record that claims rules older than an earlier entry's, or newer than this version knows, is
// refused on replay, even with a good chain.
TEST(RulesVersion, AReplayRefusesRulesThatGoBackOrAreUnknown) {
  Ledger ledger;
  ledger.Must(Practice("A81001"), kAdmin);
  const Result<v1::JournalRecord> second = ledger.Submit(Practice("A81002"), kAdmin);
  ASSERT_TRUE(second.ok());
  for (std::uint32_t rules : {1u, kRulesVersionCurrent + 1}) {
    Journal replay;
    std::istringstream in;
    const v1::JournalRecord first_record = [&] {
      Ledger fresh;
      return *fresh.Submit(Practice("A81001"), kAdmin);
    }();
    ASSERT_TRUE(replay.Replay(first_record).ok());
    v1::JournalEntry entry;
    ASSERT_TRUE(entry.ParseFromString(second->body()));
    entry.set_rules_version(rules);
    const v1::JournalRecord forged = MakeRecord(2, replay.head_hash(), entry.SerializeAsString());
    const Status status = replay.Replay(forged);
    EXPECT_EQ(status.code(), v1::ERROR_CODE_RULES_VERSION_UNKNOWN);
    EXPECT_NE(status.message().find(rules == 1 ? "older than the version " +
                                                     std::to_string(kRulesVersionCurrent) +
                                                     " of an earlier entry"
                                               : "which this lcpledger does not know"),
              std::string::npos)
        << status.ToString();
    EXPECT_EQ(replay.head_seq(), 1u);
  }
}

}  // namespace
}  // namespace lcp

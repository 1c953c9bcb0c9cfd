#include "tests/test_support.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "ledger/base/chain.h"
#include "ledger/base/export_file.h"
#include "ledger/base/periods.h"
#include "ledger/rules/capitation.h"
#include "ledger/rules/notices.h"
#include "ledger/rules/risk_sharing.h"

namespace lcp::testing {

v1::Command RegisterPracticeCommand(const std::string& ods, const std::string& name) {
  v1::Command command;
  command.mutable_register_practice()->set_ods_code(ods);
  command.mutable_register_practice()->set_name(name);
  return command;
}

v1::Command RegisterProviderCommand(const std::string& code, v1::ProviderKind kind,
                                    const std::string& name) {
  v1::Command command;
  command.mutable_register_provider()->set_code(code);
  command.mutable_register_provider()->set_name(name);
  command.mutable_register_provider()->set_kind(kind);
  return command;
}

v1::Command OpenYearCommand(const std::string& year, const std::vector<std::string>& lines) {
  v1::Command command;
  command.mutable_open_year()->set_year(year);
  for (const std::string& line : lines) command.mutable_open_year()->add_budget_lines(line);
  return command;
}

v1::Command JournalCommand(const std::string& year, const std::string& month,
                           const PostingList& postings, const std::string& narrative) {
  v1::Command command;
  v1::PostJournal* journal = command.mutable_post_journal();
  journal->mutable_period()->set_year(year);
  journal->mutable_period()->set_month(month);
  journal->set_narrative(narrative);
  for (const auto& [account, amount] : postings) {
    v1::Posting* posting = journal->add_postings();
    posting->set_account(account);
    posting->mutable_amount()->set_value(amount);
  }
  return command;
}

v1::Command ReverseCommand(std::uint64_t seq, const std::string& year, const std::string& month,
                           const std::string& reason) {
  v1::Command command;
  command.mutable_reverse_entry()->set_seq(seq);
  command.mutable_reverse_entry()->set_reason(reason);
  command.mutable_reverse_entry()->mutable_period()->set_year(year);
  command.mutable_reverse_entry()->mutable_period()->set_month(month);
  return command;
}

v1::Command WeightsCommand(const std::string& year, const std::string& line,
                           const std::string& weight,
                           const std::vector<std::pair<std::string, std::string>>& overrides) {
  v1::Command command;
  auto* weights = command.mutable_set_band_weights();
  weights->set_year(year);
  weights->set_budget_line(line);
  for (const std::string& band : BandLabels()) {
    v1::BandWeight* entry = weights->add_weights();
    entry->set_band(band);
    entry->mutable_weight()->set_value(weight);
    for (const auto& [name, value] : overrides) {
      if (name == band) entry->mutable_weight()->set_value(value);
    }
  }
  return command;
}

v1::Command ListCommand(const std::string& extract_date, const std::string& ods,
                        const std::vector<std::pair<std::string, std::int64_t>>& bands) {
  v1::Command command;
  auto* list = command.mutable_record_population();
  list->set_extract_date(extract_date);
  list->set_ods_code(ods);
  for (const auto& [band, patients] : bands) {
    v1::BandCount* count = list->add_bands();
    count->set_band(band);
    count->set_patients(patients);
  }
  return command;
}

v1::Command IndicesCommand(const std::string& year,
                           const std::vector<std::tuple<std::string, std::string, std::string>>& rows) {
  v1::Command command;
  auto* indices = command.mutable_set_practice_indices();
  indices->set_year(year);
  for (const auto& [ods, needs, factor] : rows) {
    v1::PracticeIndex* index = indices->add_practices();
    index->set_ods_code(ods);
    index->mutable_needs_index()->set_value(needs);
    if (!factor.empty()) index->mutable_market_forces_factor()->set_value(factor);
  }
  return command;
}

v1::Command RunCommand(const std::string& year, const std::string& month, const std::string& line,
                       const std::string& total, std::uint64_t revises_seq,
                       const std::string& extract_date, std::uint64_t weights_seq,
                       std::uint64_t indices_seq, v1::NoticeKind notice) {
  v1::Command command;
  auto* run = command.mutable_run_allocation();
  run->mutable_period()->set_year(year);
  run->mutable_period()->set_month(month);
  run->set_budget_line(line);
  run->mutable_total()->set_value(total);
  run->set_revises_seq(revises_seq);
  run->set_extract_date(extract_date);
  run->set_weights_seq(weights_seq);
  run->set_indices_seq(indices_seq);
  run->set_notice(notice);
  return command;
}

v1::Command ConfirmTotalCommand(const std::string& year, const std::string& line,
                                const std::string& total, const std::string& reason) {
  v1::Command command;
  v1::ConfirmLineTotal* confirm = command.mutable_confirm_line_total();
  confirm->set_year(year);
  confirm->set_budget_line(line);
  confirm->mutable_total()->set_value(total);
  confirm->set_reason(reason);
  return command;
}

v1::Command ProposeTransferCommand(const std::string& year, const std::string& from_line,
                                   const std::string& to_line, const std::string& amount,
                                   const std::string& ods, const std::string& reason) {
  v1::Command command;
  v1::ProposeBudgetTransfer* transfer = command.mutable_propose_budget_transfer();
  transfer->set_year(year);
  transfer->set_ods_code(ods);
  transfer->set_from_line(from_line);
  transfer->set_to_line(to_line);
  transfer->mutable_amount()->set_value(amount);
  transfer->set_reason(reason);
  return command;
}

v1::Command PracticeTransferCommand(const std::string& year, const std::string& line,
                                    const std::string& amount, const std::string& from_ods,
                                    const std::string& to_ods, const std::string& reason) {
  v1::Command command = ProposeTransferCommand(year, line, "", amount, from_ods, reason);
  command.mutable_propose_budget_transfer()->set_to_ods_code(to_ods);
  return command;
}

v1::Command AcknowledgeCommand(const std::string& year, const std::string& line,
                               const std::string& ods, std::uint64_t run_seq) {
  v1::Command command;
  v1::AcknowledgeNotice* acknowledge = command.mutable_acknowledge_notice();
  acknowledge->set_year(year);
  acknowledge->set_budget_line(line);
  acknowledge->set_ods_code(ods);
  acknowledge->set_run_seq(run_seq);
  return command;
}

v1::Command RecordTermsCommand(const std::string& year, const std::string& sha256,
                               const std::string& title) {
  v1::Command command;
  v1::RecordMembershipTerms* terms = command.mutable_record_membership_terms();
  terms->set_year(year);
  terms->set_terms_sha256(sha256);
  terms->set_title(title);
  return command;
}

v1::Command SignMembershipCommand(const std::string& year, const std::string& ods,
                                  const std::string& terms_sha256, std::uint64_t agreement_seq) {
  v1::Command command;
  v1::SignMembership* sign = command.mutable_sign_membership();
  sign->set_ods_code(ods);
  sign->set_year(year);
  sign->set_terms_sha256(terms_sha256);
  sign->set_agreement_seq(agreement_seq);
  return command;
}

v1::Command LeaveCommand(const std::string& ods, const std::string& last_year,
                         const std::string& reason) {
  v1::Command command;
  v1::LeaveLcp* leave = command.mutable_leave_lcp();
  leave->set_ods_code(ods);
  leave->set_last_year(last_year);
  leave->set_reason(reason);
  return command;
}

v1::Command ApproveTransferCommand(const std::string& year, std::uint64_t transfer_seq,
                                   const std::string& month) {
  v1::Command command;
  v1::ApproveBudgetTransfer* approve = command.mutable_approve_budget_transfer();
  approve->set_year(year);
  approve->set_transfer_seq(transfer_seq);
  approve->mutable_period()->set_year(year);
  approve->mutable_period()->set_month(month);
  return command;
}

v1::ShareTerms ShareTermsOf(const std::string& threshold, v1::ShareMode mode,
                            const std::vector<std::string>& bands, const std::string& cap) {
  v1::ShareTerms terms;
  terms.mutable_threshold()->set_value(threshold);
  terms.set_mode(mode);
  for (const std::string& band : bands) {
    v1::ShareBand* out = terms.add_bands();
    const std::size_t colon = band.find(':');
    if (colon == std::string::npos) {
      out->mutable_lcp_rate()->set_value(band);
    } else {
      out->mutable_upper_bound()->set_value(band.substr(0, colon));
      out->mutable_lcp_rate()->set_value(band.substr(colon + 1));
    }
  }
  if (!cap.empty()) terms.mutable_cap()->set_value(cap);
  return terms;
}

v1::AgreementTerms AgreementTermsOf(const std::vector<std::string>& pooled,
                                    const v1::ShareTerms& savings, const v1::ShareTerms& overspend,
                                    const std::string& alpha_budget,
                                    const std::string& alpha_contribution) {
  v1::AgreementTerms terms;
  for (const std::string& line : pooled) terms.add_pooled_lines(line);
  *terms.mutable_savings() = savings;
  *terms.mutable_overspend() = overspend;
  terms.mutable_alpha_budget()->set_value(alpha_budget);
  terms.mutable_alpha_contribution()->set_value(alpha_contribution);
  return terms;
}

v1::AgreementTerms WorkedExampleTerms() {
  return AgreementTermsOf(
      {"ELECTIVE", "PRESCRIBING"},
      ShareTermsOf("0.01", v1::SHARE_MODE_FIRST_POUND, {"0.70"}, "0.05"),
      ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"0.02:1.00", "0.05:0.50", "0.00"}, "0.03"),
      "0.5", "0.5");
}

v1::Command ProposeAgreementCommand(const std::string& year, const v1::AgreementTerms& terms,
                                    std::uint64_t replaces_seq, const std::string& reason) {
  v1::Command command;
  v1::ProposeAgreement* c = command.mutable_propose_agreement();
  c->set_year(year);
  *c->mutable_terms() = terms;
  c->set_replaces_seq(replaces_seq);
  c->set_reason(reason);
  return command;
}

v1::Command CosignAgreementCommand(const std::string& year, std::uint64_t proposal_seq) {
  v1::Command command;
  command.mutable_cosign_agreement()->set_year(year);
  command.mutable_cosign_agreement()->set_proposal_seq(proposal_seq);
  return command;
}

v1::Command CloseMonthCommand(const std::string& year, const std::string& month) {
  v1::Command command;
  command.mutable_close_month()->mutable_period()->set_year(year);
  command.mutable_close_month()->mutable_period()->set_month(month);
  return command;
}

v1::Command SettleYearCommand(const std::string& year) {
  v1::Command command;
  command.mutable_settle_year()->set_year(year);
  return command;
}

v1::JournalEntry Request(const v1::Command& command, const std::string& key) {
  v1::JournalEntry request;
  *request.mutable_command() = command;
  // Registrations and years are an administrator's; co-signatures PCT finance's; the rest a finance
  // officer's.
  const bool admin = command.has_register_practice() || command.has_register_provider() ||
                     command.has_open_year();
  const bool pct = command.has_cosign_agreement() || command.has_confirm_line_total() ||
                   command.has_approve_budget_transfer();
  // A practice acknowledges its notices, signs up and leaves for itself.
  const std::string practice =
      command.has_acknowledge_notice() ? command.acknowledge_notice().ods_code()
      : command.has_sign_membership()  ? command.sign_membership().ods_code()
      : command.has_leave_lcp()        ? command.leave_lcp().ods_code()
                                       : std::string();
  if (!practice.empty()) {
    request.mutable_actor()->set_principal_id("practice." + practice);
    request.mutable_actor()->set_role(v1::ROLE_PRACTICE);
    request.mutable_actor()->set_practice_ods_code(practice);
  } else {
    request.mutable_actor()->set_principal_id(admin ? "admin"
                                              : pct ? "pct.finance"
                                                    : "finance.officer");
    request.mutable_actor()->set_role(admin ? v1::ROLE_ADMIN
                                      : pct ? v1::ROLE_PCT_FINANCE
                                            : v1::ROLE_LCP_FINANCE);
  }
  request.mutable_recorded_at()->set_seconds(1'775'000'000);
  request.set_idempotency_key(key);
  return request;
}

v1::JournalRecord MustSubmit(Journal& journal, const v1::Command& command) {
  Result<v1::JournalRecord> record =
      journal.Submit(Request(command, "key-" + std::to_string(journal.head_seq() + 1)));
  EXPECT_TRUE(record.ok()) << record.status().ToString();
  return record.ok() ? *record : v1::JournalRecord();
}

bool MustConfirmTotal(Journal& journal, const std::string& year, const std::string& line,
                      const std::string& total) {
  Result<int> start_year = ParseYear(year);
  Result<Money> amount = Money::Parse(total);
  EXPECT_TRUE(start_year.ok() && amount.ok()) << year << " " << total;
  if (!start_year.ok() || !amount.ok()) return false;
  const auto& line_totals = journal.state().notices.line_totals;
  auto confirmed = line_totals.find({*start_year, line});
  if (confirmed != line_totals.end() && confirmed->second.back().total_pence == amount->pence()) {
    return false;
  }
  const std::string reason = confirmed == line_totals.end() ? "" : "Revised total";
  MustSubmit(journal, ConfirmTotalCommand(year, line, total, reason));
  return true;
}

v1::JournalRecord MustRun(Journal& journal, const v1::Command& run) {
  EXPECT_TRUE(run.has_run_allocation());
  const v1::RunAllocation& allocation = run.run_allocation();
  if (!allocation.total().value().empty()) {
    MustConfirmTotal(journal, allocation.period().year(), allocation.budget_line(),
                     allocation.total().value());
  }
  return MustSubmit(journal, run);
}

v1::JournalRecord MustGiveBudgets(Journal& journal, const std::string& year,
                                  const std::string& month, const std::string& line,
                                  const std::vector<std::pair<std::string, std::string>>& budgets) {
  Result<int> parsed_year = ParseYear(year);
  EXPECT_TRUE(parsed_year.ok()) << year;
  if (!parsed_year.ok()) return v1::JournalRecord();
  const int start_year = *parsed_year;
  const State& state = journal.state();
  EXPECT_FALSE(state.capitation.latest_indices.contains(start_year))
      << "practice indices would skew the budgets";
  // Weights of 1, so that each practice's weighted population is its list.
  bool weights_one = false;
  if (auto latest = state.capitation.latest_weights.find({start_year, line});
      latest != state.capitation.latest_weights.end()) {
    const WeightsVersion& weights = state.capitation.weights.at(latest->second);
    weights_one = std::all_of(weights.nanos.begin(), weights.nanos.end(),
                              [](const Int& nanos) { return nanos == 1'000'000'000; });
  }
  if (!weights_one) MustSubmit(journal, WeightsCommand(year, line));
  // Lists in the ratio of the budgets: each budget over the budgets' greatest common divisor.
  std::vector<std::pair<std::string, Int>> pence;
  Int total_pence = 0;
  Int divisor = 0;
  for (const auto& [ods, amount] : budgets) {
    Result<Money> money = Money::Parse(amount);
    EXPECT_TRUE(money.ok() && money->pence() >= 0) << ods << " " << amount;
    if (!money.ok()) return v1::JournalRecord();
    pence.emplace_back(ods, money->pence());
    total_pence += money->pence();
    divisor = boost::multiprecision::gcd(divisor, money->pence());
  }
  EXPECT_GT(total_pence, 0);
  // The run refuses a member practice without patients in the extract (POPULATION_MISSING).
  for (const auto& [ods, practice] : state.practices) {
    if (!IsMemberIn(state, ods, start_year)) continue;
    const bool named = std::any_of(pence.begin(), pence.end(), [&](const auto& budget) {
      return budget.first == ods && budget.second > 0;
    });
    EXPECT_TRUE(named) << ods << " is a member of " << year
                       << ": a run gives it a budget by its list, so name it with one above zero";
  }
  // A new extract date in the March before the year, earlier than any extract of the year itself.
  std::string extract_date;
  for (int day = 1; day <= 31 && extract_date.empty(); ++day) {
    const std::string date =
        std::to_string(start_year) + (day < 10 ? "-03-0" : "-03-") + std::to_string(day);
    if (!state.capitation.lists.contains(date)) extract_date = date;
  }
  EXPECT_FALSE(extract_date.empty());
  for (const auto& [ods, amount] : pence) {
    if (amount == 0) continue;
    // The patients, in bands of at most kBandPatientsMax each.
    std::int64_t patients = (amount / divisor).convert_to<std::int64_t>();
    std::vector<std::pair<std::string, std::int64_t>> bands;
    for (const std::string& band : BandLabels()) {
      if (patients == 0) break;
      const std::int64_t count = std::min(patients, kBandPatientsMax);
      bands.emplace_back(band, count);
      patients -= count;
    }
    EXPECT_EQ(patients, 0) << ods << "'s budget needs more patients than a list holds";
    MustSubmit(journal, ListCommand(extract_date, ods, bands));
  }
  MustConfirmTotal(journal, year, line, Money::FromPence(total_pence).ToString());
  std::uint64_t revises = 0;
  if (auto latest = state.capitation.latest_run.find({start_year, line});
      latest != state.capitation.latest_run.end()) {
    revises = latest->second;
  }
  return MustSubmit(journal, RunCommand(year, month, line, "", revises, extract_date));
}

void MustCloseMonthsThrough(Journal& journal, const std::string& year, const std::string& month) {
  Result<int> start_year = ParseYear(year);
  Result<int> last = ParseMonth(month);
  ASSERT_TRUE(start_year.ok() && last.ok()) << year << " " << month;
  for (;;) {
    const std::optional<std::pair<int, int>> next = NextMonthToClose(journal.state().years);
    ASSERT_TRUE(next.has_value()) << "no month is open";
    if (*next > std::pair(*start_year, *last)) return;
    const v1::JournalRecord record =
        MustSubmit(journal, CloseMonthCommand(FormatYear(next->first), FormatMonth(next->second)));
    ASSERT_NE(record.seq(), 0u);
  }
}

void SetUpStandardLedger(Journal& journal) {
  MustSubmit(journal, RegisterPracticeCommand("A81001", "Riverside Medical Centre"));
  MustSubmit(journal, RegisterPracticeCommand("A81002", "Hillview Surgery"));
  MustSubmit(journal, RegisterPracticeCommand("A81003", "Park Lane Practice"));
  MustSubmit(journal, RegisterProviderCommand("RX1"));
  MustSubmit(journal, OpenYearCommand("2026/27", {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}));
}

std::vector<v1::JournalRecord> SampleRecords() {
  std::vector<v1::JournalRecord> records;
  Journal journal;
  auto submit = [&](const v1::Command& command) { records.push_back(MustSubmit(journal, command)); };
  submit(RegisterPracticeCommand("A81001", "Riverside Medical Centre"));
  submit(RegisterPracticeCommand("A81002", "Hillview Surgery"));
  submit(RegisterPracticeCommand("A81003", "Park Lane Practice"));
  submit(RegisterProviderCommand("RX1"));
  submit(OpenYearCommand("2026/27", {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}));
  submit(JournalCommand("2026/27", "M01",
                        {{"practice:A81001:spend:PRESCRIBING", "1200000.00"},
                         {"practice:A81002:spend:PRESCRIBING", "950000.00"},
                         {"lcp:cash", "-2150000.00"}}));
  submit(JournalCommand(
      "2026/27", "M01",
      {{"practice:A81001:spend:ELECTIVE", "4250.10"}, {"provider:RX1:payable", "-4250.10"}}));
  submit(ReverseCommand(7, "2026/27", "M01"));
  submit(JournalCommand(
      "2026/27", "M01",
      {{"practice:A81002:spend:ELECTIVE", "4250.10"}, {"provider:RX1:payable", "-4250.10"}}));
  return records;
}

std::string TestName(const std::string& text) {
  std::string name;
  for (char c : text) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

std::string ExportBytes(const std::vector<v1::JournalRecord>& records) {
  std::ostringstream out;
  ExportWriter writer(out);
  const std::string first_prev = records.empty() ? GenesisHash() : records.front().prev_hash();
  const std::string head = records.empty() ? GenesisHash() : records.back().hash();
  const std::uint64_t first = records.empty() ? 0 : records.front().seq();
  const std::uint64_t last = records.empty() ? 0 : records.back().seq();
  EXPECT_TRUE(writer.WriteHeader(MakeExportHeader(first, last, first_prev, head)).ok());
  for (const v1::JournalRecord& record : records) EXPECT_TRUE(writer.WriteRecord(record).ok());
  EXPECT_TRUE(writer.Finish().ok());
  return out.str();
}

std::vector<std::string> PostingsByPeriod(const v1::JournalRecord& record) {
  v1::JournalEntry entry;
  EXPECT_TRUE(entry.ParseFromString(record.body()));
  std::vector<std::string> out;
  for (const v1::Posting& posting : entry.postings()) {
    const v1::Period& period = posting.has_period() ? posting.period() : entry.period();
    out.push_back(period.year() + " " + period.month() + " " + posting.account() + " " +
                  posting.amount().value());
  }
  return out;
}

std::string PostgresTestUrl() {
  const char* dir = std::getenv("LCP_TEST_POSTGRES_DIR");
  return dir == nullptr ? "" : PostgresUrlIn(dir);
}

std::string PostgresUrlIn(const std::string& dir) {
  std::ifstream in(std::filesystem::path(dir) / "url");
  std::string url;
  std::getline(in, url);
  return url;
}

std::string FreshLedgerName() {
  static std::atomic<int> next{0};
  return "t" + std::to_string(::getpid()) + "_" + std::to_string(next++);
}

}  // namespace lcp::testing

#include "tests/test_support.h"

#include "ledger/capitation.h"

#include <gtest/gtest.h>

#include <cctype>
#include <sstream>

#include "ledger/chain.h"
#include "ledger/export_file.h"

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
                       std::uint64_t indices_seq) {
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
  const bool pct = command.has_cosign_agreement();
  request.mutable_actor()->set_principal_id(admin ? "admin" : pct ? "pct.finance" : "finance.officer");
  request.mutable_actor()->set_role(admin ? v1::ROLE_ADMIN
                                    : pct ? v1::ROLE_PCT_FINANCE
                                          : v1::ROLE_LCP_FINANCE);
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
                        {{"practice:A81001:budget:PRESCRIBING", "1200000.00"},
                         {"practice:A81002:budget:PRESCRIBING", "950000.00"},
                         {"pct:allocation:PRESCRIBING", "-2150000.00"}}));
  submit(JournalCommand("2026/27", "M02",
                        {{"practice:A81001:spend:ELECTIVE", "4250.10"},
                         {"provider:RX1:payable", "-4250.10"}}));
  submit(ReverseCommand(7, "2026/27", "M02"));
  submit(JournalCommand("2026/27", "M02",
                        {{"practice:A81002:spend:ELECTIVE", "4250.10"},
                         {"provider:RX1:payable", "-4250.10"}}));
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

}  // namespace lcp::testing

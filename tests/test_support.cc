#include "tests/test_support.h"

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

v1::JournalEntry Request(const v1::Command& command, const std::string& key) {
  v1::JournalEntry request;
  *request.mutable_command() = command;
  // Registrations and years are an administrator's; journals and reversals a finance officer's.
  const bool admin = command.has_register_practice() || command.has_register_provider() ||
                     command.has_open_year();
  request.mutable_actor()->set_principal_id(admin ? "admin" : "finance.officer");
  request.mutable_actor()->set_role(admin ? v1::ROLE_ADMIN : v1::ROLE_LCP_FINANCE);
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

// lcp-sample-year: creates (or reopens) a ledger file, records a small sample year through the engine
// if the ledger is empty, and prints the trial balance and the chain head. It is the main job of
// scripts/run until the server exists.
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "ledger/chain.h"
#include "ledger/reports.h"
#include "services/book.h"
#include "services/storage/sqlite_store.h"

namespace {

using lcp::v1::Command;

Command Practice(const std::string& ods, const std::string& name) {
  Command command;
  command.mutable_register_practice()->set_ods_code(ods);
  command.mutable_register_practice()->set_name(name);
  return command;
}

Command Provider(const std::string& code, const std::string& name, lcp::v1::ProviderKind kind) {
  Command command;
  auto* c = command.mutable_register_provider();
  c->set_code(code);
  c->set_name(name);
  c->set_kind(kind);
  return command;
}

Command Journal(const std::string& month, const std::string& narrative,
                std::vector<std::pair<std::string, std::string>> postings) {
  Command command;
  auto* c = command.mutable_post_journal();
  c->mutable_period()->set_year("2026/27");
  c->mutable_period()->set_month(month);
  c->set_narrative(narrative);
  for (const auto& [account, amount] : postings) {
    auto* posting = c->add_postings();
    posting->set_account(account);
    posting->mutable_amount()->set_value(amount);
  }
  return command;
}

std::vector<Command> SampleYear() {
  std::vector<Command> commands;
  commands.push_back(Practice("A81001", "Riverside Medical Centre"));
  commands.push_back(Practice("A81002", "Hillview Surgery"));
  commands.push_back(Practice("A81003", "Park Lane Practice"));
  commands.push_back(Provider("RX1", "Northern Acute Hospitals NHS Foundation Trust",
                              lcp::v1::PROVIDER_KIND_FOUNDATION_TRUST));
  commands.push_back(
      Provider("NLO01", "Riverside Community Health", lcp::v1::PROVIDER_KIND_COMMUNITY));
  Command year;
  year.mutable_open_year()->set_year("2026/27");
  for (const char* line : {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}) {
    year.mutable_open_year()->add_budget_lines(line);
  }
  commands.push_back(year);
  commands.push_back(Journal("M01", "PCT prescribing allocation for 2026/27",
                             {{"practice:A81001:budget:PRESCRIBING", "1200000.00"},
                              {"practice:A81002:budget:PRESCRIBING", "950000.00"},
                              {"practice:A81003:budget:PRESCRIBING", "850000.00"},
                              {"pct:allocation:PRESCRIBING", "-3000000.00"}}));
  commands.push_back(Journal("M01", "PCT cash funding, first instalment",
                             {{"lcp:cash", "250000.00"}, {"pct:funding", "-250000.00"}}));
  commands.push_back(Journal("M02", "Community nursing invoice NLO01-0412",
                             {{"practice:A81001:spend:COMMUNITY", "10000.00"},
                              {"practice:A81002:spend:COMMUNITY", "8000.00"},
                              {"practice:A81003:spend:COMMUNITY", "6000.00"},
                              {"provider:NLO01:payable", "-24000.00"}}));
  commands.push_back(Journal("M02", "Payment of invoice NLO01-0412",
                             {{"provider:NLO01:payable", "24000.00"}, {"lcp:cash", "-24000.00"}}));
  commands.push_back(Journal("M03", "Physiotherapy invoice NLO01-0519",
                             {{"practice:A81002:spend:COMMUNITY", "1500.00"},
                              {"provider:NLO01:payable", "-1500.00"}}));
  Command reversal;
  reversal.mutable_reverse_entry()->set_seq(11);
  reversal.mutable_reverse_entry()->set_reason("Invoice NLO01-0519 was for a Park Lane patient");
  reversal.mutable_reverse_entry()->mutable_period()->set_year("2026/27");
  reversal.mutable_reverse_entry()->mutable_period()->set_month("M03");
  commands.push_back(reversal);
  commands.push_back(Journal("M03", "Physiotherapy invoice NLO01-0519, corrected",
                             {{"practice:A81003:spend:COMMUNITY", "1500.00"},
                              {"provider:NLO01:payable", "-1500.00"}}));
  return commands;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Records a sample year in a ledger file and prints its trial balance and chain head."};
  std::string data_dir = "lcp-data";
  app.add_option("--data-dir", data_dir, "Directory of the ledger file (created if missing)");
  CLI11_PARSE(app, argc, argv);

  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) {
    std::cerr << "lcp-sample-year: cannot create " << data_dir << ": " << error.message() << "\n";
    return 1;
  }
  const std::string path = (std::filesystem::path(data_dir) / "ledger.sqlite").string();
  auto store = lcp::SqliteStore::Open(path);
  if (!store.ok()) {
    std::cerr << "lcp-sample-year: " << store.status().ToString() << "\n";
    return 1;
  }
  auto book = lcp::Book::Open(std::move(store).value());
  if (!book.ok()) {
    std::cerr << "lcp-sample-year: " << book.status().ToString() << "\n";
    return 1;
  }
  lcp::Book& ledger = *book.value();
  std::cout << "Ledger file: " << path << "\n";
  if (ledger.journal().head_seq() != 0) {
    std::cout << "It already holds " << ledger.journal().head_seq()
              << " entries, all verified by replay; nothing new recorded.\n\n";
  } else {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now).count();
    int n = 0;
    for (const Command& command : SampleYear()) {
      lcp::v1::JournalEntry request;
      *request.mutable_command() = command;
      request.mutable_actor()->set_principal_id("lcp-sample-year");
      request.mutable_actor()->set_role(lcp::v1::ROLE_ADMIN);
      request.mutable_recorded_at()->set_seconds(seconds);
      request.set_idempotency_key("sample-2026-27-" + std::to_string(++n));
      auto record = ledger.Submit(std::move(request));
      if (!record.ok()) {
        std::cerr << "lcp-sample-year: entry " << n << " refused: " << record.status().ToString()
                  << "\n";
        return 1;
      }
    }
    std::cout << "Recorded a sample year: " << n << " entries.\n\n";
  }
  std::cout << lcp::FormatTrialBalances(lcp::TrialBalances(ledger.journal().state()));
  std::cout << "Chain head: seq " << ledger.journal().head_seq() << " hash "
            << lcp::ToHex(ledger.journal().head_hash()) << "\n";
  return 0;
}

// lcp-audit: the auditor's offline tool. It reads an export file (docs/export-format.md) and trusts
// nothing else; it links the ledger core and never talks to the server.
//
//   verify FILE    the chain, the header's counts and head, every month close's checkpoint
//   replay FILE    re-executes every command with the ledger's own engine, checking each recorded
//                  posting and principal, then prints the trial balance, the practices' statements
//                  and the risk shares, as the server reports them at the same head
//   diff OLD NEW   whether NEW extends OLD (the same records up to OLD's head), or where they part
//   convert --to hledger|beancount FILE
//                  the replayed postings as a journal those tools read, to cross-check the balances
//
// Exit codes: 0 every check held; 1 a check failed (the first failing record is named); 2 a wrong
// command line or a file that cannot be opened.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "clients/audit/convert.h"
#include "clients/lcp/case_output.h"
#include "clients/lcp/notices_output.h"
#include "clients/lcp/output.h"
#include "ledger/audit/replay.h"
#include "ledger/base/chain.h"
#include "ledger/base/export_file.h"
#include "ledger/base/periods.h"
#include "ledger/engine/journal.h"
#include "ledger/read/queries.h"
#include "ledger/read/reports.h"
#include "ledger/read/snapshot.h"

namespace lcp::audit {
namespace {

using client::Format;
using client::ToJson;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

std::optional<std::ifstream> Open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "lcp-audit: cannot open " << path << "\n";
    return std::nullopt;
  }
  return in;
}

std::string Range(const v1::ExportHeader& header) {
  if (header.record_count() == 0) return "no records";
  return std::to_string(header.record_count()) + " records (entries " +
         std::to_string(header.first_seq()) + " to " + std::to_string(header.last_seq()) + ")";
}

int Failed(const std::string& path, const AuditOutcome& outcome) {
  std::cerr << "lcp-audit: " << path << ": FAILED"
            << (outcome.failed_seq != 0 ? " at record " + std::to_string(outcome.failed_seq) : "")
            << ": " << v1::ErrorCode_Name(outcome.status.code()) << ": "
            << outcome.status.message() << "\n";
  return kExitFailed;
}

int Verify(const std::string& path) {
  std::optional<std::ifstream> in = Open(path);
  if (!in) return kExitUsage;
  const AuditOutcome outcome = VerifyExport(*in);
  if (!outcome.status.ok()) return Failed(path, outcome);
  std::cout << path << ": " << Range(outcome.header) << "\n"
            << "chain: every record links to the one before it and hashes correctly\n"
            << "header: counts and head hash " << ToHex(outcome.header.head_hash()) << " match\n"
            << "month-close checkpoints: " << outcome.checkpoints << " verified\n"
            << "rules: the records were decided under " << DescribeRulesVersions(outcome) << "\n"
            << "OK\n";
  return 0;
}

// Prints the replayed ledger's figures as the server reports them at the same head: the same
// queries (ledger/read/queries.h), asked as an auditor, over the replayed state and the export's
// records.
int Replay(const std::string& path, Format format) {
  std::optional<std::ifstream> in = Open(path);
  if (!in) return kExitUsage;
  Journal journal;
  const AuditOutcome outcome = ReplayExport(*in, journal);
  if (!outcome.status.ok()) return Failed(path, outcome);
  const Snapshot snapshot =
      BorrowSnapshot(journal.state(), std::make_shared<const ExportFileRecords>(path));
  const v1::Actor auditor = queries::Auditor();
  const v1::GetBalancesResponse balances = *queries::GetBalances(snapshot, auditor, {});
  const bool json = format == Format::kJson;
  if (json) {
    std::cout << ToJson(outcome.header) << "\n" << ToJson(balances) << "\n";
  } else {
    std::cout << path << ": " << Range(outcome.header)
              << " replayed: every command re-executed by the ledger's rules gave exactly its "
                 "recorded postings, and every recorded principal's role could issue it\n"
              << "rules: each record re-decided under its own, " << DescribeRulesVersions(outcome)
              << "\n"
              << "head: entry " << snapshot.head_seq << ", hash " << ToHex(snapshot.head_hash)
              << "\n\n"
              << FormatTrialBalances(TrialBalances(balances));
  }
  for (const auto& [start, year] : *snapshot.years) {
    v1::GetStatementRequest statement_request;
    statement_request.set_year(FormatYear(start));
    Result<v1::GetStatementResponse> statement =
        queries::GetStatement(snapshot, auditor, statement_request);
    if (!statement.ok()) {
      std::cerr << "lcp-audit: " << FormatYear(start)
                << ": statement: " << statement.status().ToString() << "\n";
      return kExitFailed;
    }
    std::cout << (json ? ToJson(*statement) + "\n" : "\n" + client::StatementTable(*statement));
    // The budget notices and the sign-ups, as `lcp budget notices` and `lcp membership list`
    // print them.
    v1::GetNoticesRequest notices_request;
    notices_request.set_year(FormatYear(start));
    Result<v1::GetNoticesResponse> notices =
        queries::GetNotices(snapshot, auditor, notices_request);
    v1::ListMembershipsRequest members_request;
    members_request.set_year(FormatYear(start));
    Result<v1::ListMembershipsResponse> members =
        queries::ListMemberships(snapshot, auditor, members_request);
    if (!notices.ok() || !members.ok()) {
      std::cerr << "lcp-audit: " << FormatYear(start)
                << ": notices: " << (notices.ok() ? members.status() : notices.status()).ToString()
                << "\n";
      return kExitFailed;
    }
    std::cout << (json ? ToJson(*notices) + "\n" + ToJson(*members) + "\n"
                       : "\n" + client::NoticesTable(*notices) + "\n" +
                             client::MembershipsTable(*members));
    // The reinvestment reserves, as `lcp reserve` prints them, for a year that has any.
    v1::GetReserveRequest reserve_request;
    reserve_request.set_year(FormatYear(start));
    Result<v1::GetReserveResponse> reserve =
        queries::GetReserve(snapshot, auditor, reserve_request);
    if (!reserve.ok()) {
      std::cerr << "lcp-audit: " << FormatYear(start)
                << ": reserve: " << reserve.status().ToString() << "\n";
      return kExitFailed;
    }
    const v1::ReserveStatement& reserves = reserve->totals();
    if (reserves.brought_forward().value() != "0.00" || reserves.settled().value() != "0.00" ||
        reserves.carried_forward().value() != "0.00" || reserves.balance().value() != "0.00") {
      std::cout << (json ? ToJson(*reserve) + "\n" : "\n" + client::ReserveTable(*reserve));
    }
    if (!year.agreement) continue;
    v1::GetRiskShareRequest share_request;
    share_request.set_year(FormatYear(start));
    share_request.set_basis(year.settled_seq != 0 ? v1::RISK_BASIS_SETTLED
                                                  : v1::RISK_BASIS_PROJECTED);
    Result<v1::GetRiskShareResponse> share =
        queries::GetRiskShare(snapshot, auditor, share_request);
    if (!share.ok()) {
      std::cerr << "lcp-audit: " << FormatYear(start)
                << ": risk share: " << share.status().ToString() << "\n";
      return kExitFailed;
    }
    std::cout << (json ? ToJson(*share) + "\n"
                       : "\n" + client::RiskShareTable(*share, /*explain=*/false));
  }
  // The business cases, as `lcp case report` prints it, when there are any: open clocks read on the
  // date of the export's last entry (an export knows no later day).
  if (!snapshot.cases->by_id.empty()) {
    Result<v1::GetCaseReportResponse> report =
        queries::GetCaseReport(snapshot, auditor, v1::GetCaseReportRequest());
    if (!report.ok()) {
      std::cerr << "lcp-audit: case report: " << report.status().ToString() << "\n";
      return kExitFailed;
    }
    std::cout << (json ? ToJson(*report) + "\n" : "\n" + client::CaseReportTable(*report));
  }
  return 0;
}

// Whether NEW holds OLD's records unchanged up to OLD's head.
int Diff(const std::string& old_path, const std::string& new_path) {
  for (const std::string& path : {old_path, new_path}) {
    std::optional<std::ifstream> in = Open(path);
    if (!in) return kExitUsage;
    const AuditOutcome outcome = VerifyExport(*in);
    if (!outcome.status.ok()) return Failed(path, outcome);
  }
  std::optional<std::ifstream> old_in = Open(old_path);
  std::optional<std::ifstream> new_in = Open(new_path);
  if (!old_in || !new_in) return kExitUsage;
  ExportReader old_reader(*old_in);
  ExportReader new_reader(*new_in);
  const v1::ExportHeader old_header = *old_reader.ReadHeader();
  const v1::ExportHeader new_header = *new_reader.ReadHeader();
  if (old_header.record_count() == 0) {
    std::cout << "OLD has no records; NEW holds " << Range(new_header) << "\n";
    return 0;
  }
  if (new_header.record_count() == 0 || new_header.first_seq() > old_header.first_seq() ||
      new_header.last_seq() < old_header.last_seq()) {
    std::cout << "NEW (" << Range(new_header) << ") does not cover OLD (" << Range(old_header)
              << "), so it cannot extend it\n";
    return kExitFailed;
  }
  std::optional<v1::JournalRecord> in_new;
  do {  // Skip NEW's records before OLD's first.
    in_new = *new_reader.Next();
  } while (in_new && in_new->seq() < old_header.first_seq());
  std::uint64_t same = 0;
  while (std::optional<v1::JournalRecord> in_old = *old_reader.Next()) {
    if (!in_new || in_new->hash() != in_old->hash() || in_new->body() != in_old->body()) {
      std::cout << "OLD and NEW part at record " << in_old->seq() << ": OLD's hash "
                << ToHex(in_old->hash()) << ", NEW's "
                << (in_new ? ToHex(in_new->hash()) : std::string("(none)")) << "; the "
                << same << " records before it are the same\n";
      return kExitFailed;
    }
    ++same;
    in_new = *new_reader.Next();
  }
  std::cout << "NEW extends OLD: the same " << same << " records up to OLD's head, entry "
            << old_header.last_seq() << " (hash " << ToHex(old_header.head_hash()) << "); NEW has "
            << new_header.last_seq() - old_header.last_seq() << " more, to entry "
            << new_header.last_seq() << " (hash " << ToHex(new_header.head_hash()) << ")\n";
  return 0;
}

// Replays the export (so that nothing unverified is converted), then writes its postings as a journal.
int ConvertExport(const std::string& path, JournalFormat format, const std::string& out_path) {
  {
    std::optional<std::ifstream> in = Open(path);
    if (!in) return kExitUsage;
    Journal journal;
    const AuditOutcome outcome = ReplayExport(*in, journal);
    if (!outcome.status.ok()) return Failed(path, outcome);
  }
  std::optional<std::ifstream> in = Open(path);
  if (!in) return kExitUsage;
  std::ofstream file;
  std::error_code same;
  if (!out_path.empty() && std::filesystem::exists(out_path) &&
      std::filesystem::equivalent(path, out_path, same)) {
    std::cerr << "lcp-audit: --out " << out_path << " is the export itself; name another file\n";
    return kExitUsage;
  }
  if (!out_path.empty()) {
    file.open(out_path, std::ios::trunc);
    if (!file) {
      std::cerr << "lcp-audit: cannot write " << out_path << "\n";
      return kExitUsage;
    }
  }
  Status status = Convert(*in, format, out_path.empty() ? std::cout : file);
  if (!status.ok()) {
    std::cerr << "lcp-audit: " << path << ": " << status.ToString() << "\n";
    return kExitFailed;
  }
  return 0;
}

int Main(int argc, char** argv) {
  CLI::App app{"lcp-audit: verify, replay and compare lcpledger exports offline"};
  app.require_subcommand(1);
  std::string output = "table";
  std::string file, old_file, new_file;
  int exit_code = 0;
  CLI::App* verify = app.add_subcommand("verify", "Check the chain, the header and the month-close checkpoints");
  verify->add_option("file", file, "The export file")->required();
  verify->callback([&] { exit_code = Verify(file); });
  CLI::App* replay = app.add_subcommand(
      "replay", "Re-execute every command and print the trial balance, statements and risk shares");
  replay->add_option("file", file, "The export file (a whole journal, from entry 1)")->required();
  replay->add_option("--output", output, "table or json (one JSON object per line)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  replay->callback([&] { exit_code = Replay(file, output == "json" ? Format::kJson : Format::kTable); });
  CLI::App* diff = app.add_subcommand("diff", "Whether NEW extends OLD, or where they part");
  diff->add_option("old", old_file, "The earlier export")->required();
  diff->add_option("new", new_file, "The later export")->required();
  diff->callback([&] { exit_code = Diff(old_file, new_file); });
  std::string to, out;
  CLI::App* convert = app.add_subcommand(
      "convert", "Write the replayed postings as an hledger or beancount journal (accounts by year)");
  convert->add_option("--to", to, "hledger or beancount")
      ->required()
      ->check(CLI::IsMember({"hledger", "beancount"}));
  convert->add_option("file", file, "The export file (a whole journal, from entry 1)")->required();
  convert->add_option("--out", out, "The journal file to write (default: standard output)");
  convert->callback([&] {
    exit_code = ConvertExport(file, to == "hledger" ? JournalFormat::kHledger : JournalFormat::kBeancount,
                              out);
  });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : kExitUsage;
  }
  return exit_code;
}

}  // namespace
}  // namespace lcp::audit

int main(int argc, char** argv) { return lcp::audit::Main(argc, argv); }

#include "clients/lcp/export_command.h"

#include <filesystem>
#include <fstream>
#include <memory>

#include "ledger/audit/replay.h"
#include "ledger/base/chain.h"
#include "ledger/base/export_file.h"

namespace lcp::client {
namespace {

struct Arguments {
  std::string out;
  std::uint64_t from = 0;
  std::uint64_t to = 0;
};

// Streams the export into `path` (through a temporary file, renamed once it is complete and checks
// out), then prints what it holds. Returns the exit code.
int Export(const Options& options, const Arguments& args) {
  std::optional<Connection> connection = MakeConnection(options);
  if (!connection) return kExitUsage;
  const std::string partial = args.out + ".partial";
  std::ofstream file(partial, std::ios::binary | std::ios::trunc);
  if (!file) {
    std::cerr << "lcp: cannot write " << partial << "\n";
    return kExitUsage;
  }
  ExportWriter writer(file);
  Status written = Status::Ok();
  bool have_header = false;
  v1::ExportRequest request;
  request.set_from_seq(args.from);
  request.set_to_seq(args.to);
  LedgerClient client(*connection);
  grpc::Status status = client.Export(request, [&](const v1::ExportResponse& response) {
    if (!have_header) {
      have_header = true;
      written = writer.WriteHeader(response.header());
    }
    for (const v1::JournalRecord& record : response.records()) {
      if (written.ok()) written = writer.WriteRecord(record);
    }
    return written.ok();
  });
  if (written.ok()) written = writer.Finish();
  file.close();
  if (!status.ok() && written.ok()) {
    std::filesystem::remove(partial);
    return Fail(options, status, client.last_error_code());
  }
  if (!written.ok()) {
    std::filesystem::remove(partial);
    std::cerr << "lcp: cannot write " << partial << ": " << written.ToString() << "\n";
    return kExitUnavailable;
  }
  // Check what arrived before calling it an export: the chain, the counts and the head.
  std::ifstream in(partial, std::ios::binary);
  const AuditOutcome outcome = VerifyExport(in);
  in.close();
  if (!outcome.status.ok()) {
    std::filesystem::remove(partial);
    std::cerr << "lcp: the export received does not verify: " << outcome.status.ToString() << "\n";
    return kExitUnavailable;
  }
  std::error_code renamed;
  std::filesystem::rename(partial, args.out, renamed);
  if (renamed) {
    std::filesystem::remove(partial, renamed);
    std::cerr << "lcp: cannot write " << args.out << ": " << renamed.message() << "\n";
    return kExitUsage;
  }
  const v1::ExportHeader& header = outcome.header;
  if (options.format() == Format::kJson) {
    std::cout << ToJson(header) << "\n";
  } else if (header.record_count() == 0) {
    std::cout << "exported 0 records (the journal is empty) to " << args.out << "\n";
  } else {
    std::cout << "exported " << header.record_count() << " records (entries " << header.first_seq()
              << " to " << header.last_seq() << ") to " << args.out << "\n"
              << "head: entry " << header.last_seq() << ", hash " << ToHex(header.head_hash())
              << "\n";
  }
  return 0;
}

}  // namespace

void AddExportCommand(CLI::App& app, Options& options, int& exit_code) {
  auto args = std::make_shared<Arguments>();
  CLI::App* command = app.add_subcommand(
      "export", "Write the journal (or a range of it) to an export file for lcp-audit (docs/export-format.md)");
  command->add_option("--out", args->out, "The file to write (replaced once the export is complete)")
      ->required();
  command->add_option("--from", args->from, "The first entry (default: 1)");
  command->add_option("--to", args->to, "The last entry (default: the head)");
  command->callback([&options, &exit_code, args] { exit_code = Export(options, *args); });
}

}  // namespace lcp::client

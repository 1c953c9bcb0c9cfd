// The auditor's throughput: a generated journal of N entries (default 1,000,000: registrations, a
// year, then two-posting journals) written as an export file, then checked as lcp-audit does: verify
// (the chain, the header, checkpoints) and replay (every command re-executed and its postings
// compared, every principal's role checked). Prints entries per second for each. Figures in
// docs/performance.md.
//   lcp-audit-bench [ENTRIES] [KEEP_PATH]   with KEEP_PATH, the export is left there (to profile
//                                          `lcp-audit replay KEEP_PATH` on its own)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/transaction.h"
#include "ledger/audit/replay.h"
#include "ledger/base/export_file.h"
#include "ledger/engine/journal.h"

namespace lcp {
namespace {

v1::JournalEntry Request(v1::Command command, std::uint64_t n) {
  v1::JournalEntry entry;
  *entry.mutable_command() = std::move(command);
  entry.mutable_actor()->set_principal_id("bench");
  entry.mutable_actor()->set_role(v1::ROLE_LOCAL_ADMIN);
  entry.mutable_recorded_at()->set_seconds(1'775'000'000 + static_cast<std::int64_t>(n));
  entry.set_idempotency_key("bench-" + std::to_string(n));
  return entry;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

int Main(int argc, char** argv) {
  const std::uint64_t entries = argc > 1 ? std::stoull(argv[1]) : 1'000'000;
  const bool keep = argc > 2;
  const std::filesystem::path path =
      keep ? std::filesystem::path(argv[2])
           : std::filesystem::temp_directory_path() /
                 ("lcp-audit-bench-" + std::to_string(getpid()) + ".lcpx");
  std::vector<v1::JournalRecord> records;
  records.reserve(entries);
  Journal journal;
  std::uint64_t n = 0;
  auto submit = [&](v1::Command command) {
    Result<v1::JournalRecord> record = journal.Submit(Request(std::move(command), ++n));
    if (!record.ok()) {
      std::fprintf(stderr, "set-up refused: %s\n", record.status().ToString().c_str());
      std::exit(1);
    }
    records.push_back(std::move(record).value());
  };
  for (const char* ods : {"A81001", "A81002"}) {
    v1::Command practice;
    practice.mutable_register_practice()->set_ods_code(ods);
    practice.mutable_register_practice()->set_name("Practice");
    submit(practice);
  }
  v1::Command provider;
  provider.mutable_register_provider()->set_code("RX1");
  provider.mutable_register_provider()->set_name("Acute");
  provider.mutable_register_provider()->set_kind(v1::PROVIDER_KIND_FOUNDATION_TRUST);
  submit(provider);
  v1::Command year;
  year.mutable_open_year()->set_year("2026/27");
  year.mutable_open_year()->add_budget_lines("AE");
  submit(year);
  auto start = std::chrono::steady_clock::now();
  while (records.size() < entries) {
    v1::Command command;
    bench::FillTransaction(n, command);
    submit(command);
  }
  const double generate = Seconds(start);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    ExportWriter writer(out);
    (void)writer.WriteHeader(MakeExportHeader(1, records.size(), records.front().prev_hash(),
                                              records.back().hash()));
    for (const v1::JournalRecord& record : records) (void)writer.WriteRecord(record);
    (void)writer.Finish();
  }
  records.clear();
  records.shrink_to_fit();
  const auto bytes = std::filesystem::file_size(path);
  std::printf("journal: %llu entries generated through Journal::Submit in %.2f s; export file %.1f MiB\n",
              static_cast<unsigned long long>(entries), generate, static_cast<double>(bytes) / 1048576.0);

  start = std::chrono::steady_clock::now();
  std::ifstream verify_in(path, std::ios::binary);
  const AuditOutcome verified = VerifyExport(verify_in);
  const double verify = Seconds(start);
  start = std::chrono::steady_clock::now();
  std::ifstream replay_in(path, std::ios::binary);
  Journal replayed;
  const AuditOutcome replay = ReplayExport(replay_in, replayed);
  const double replay_seconds = Seconds(start);
  if (!keep) std::filesystem::remove(path);
  if (!verified.status.ok() || !replay.status.ok()) {
    std::fprintf(stderr, "audit failed: %s %s\n", verified.status.ToString().c_str(),
                 replay.status.ToString().c_str());
    return 1;
  }
  std::printf("verify (chain, header, checkpoints): %.2f s, %.0f entries/s\n", verify,
              static_cast<double>(entries) / verify);
  std::printf("replay (verify and re-execute every command): %.2f s, %.0f entries/s\n", replay_seconds,
              static_cast<double>(entries) / replay_seconds);
  return 0;
}

}  // namespace
}  // namespace lcp

int main(int argc, char** argv) { return lcp::Main(argc, argv); }

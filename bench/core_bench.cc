// Micro-benchmarks of the write path's parts, without the network: the engine and chain
// (Journal::Submit), the SQLite group commit, and the two together (Book). Figures in
// docs/performance.md.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "bench/transaction.h"
#include "ledger/journal.h"
#include "services/book.h"
#include "services/storage/sqlite_store.h"

namespace lcp {
namespace {

v1::JournalEntry Request(v1::Command command, std::uint64_t n) {
  v1::JournalEntry entry;
  *entry.mutable_command() = std::move(command);
  entry.mutable_actor()->set_principal_id("bench");
  entry.mutable_actor()->set_role(v1::ROLE_LOCAL_ADMIN);  // Registers as well as posts.
  entry.mutable_recorded_at()->set_seconds(1'775'000'000);
  entry.set_idempotency_key("bench-" + std::to_string(n));
  return entry;
}

v1::Command Transaction(std::uint64_t n) {
  v1::Command command;
  bench::FillTransaction(n, command);
  return command;
}

template <typename Target>
void SetUp(Target& target) {
  v1::Command practice;
  practice.mutable_register_practice()->set_ods_code("A81001");
  practice.mutable_register_practice()->set_name("One");
  (void)target.Submit(Request(practice, 1'000'000'001));
  practice.mutable_register_practice()->set_ods_code("A81002");
  (void)target.Submit(Request(practice, 1'000'000'002));
  v1::Command provider;
  provider.mutable_register_provider()->set_code("RX1");
  provider.mutable_register_provider()->set_name("Acute");
  provider.mutable_register_provider()->set_kind(v1::PROVIDER_KIND_FOUNDATION_TRUST);
  (void)target.Submit(Request(provider, 1'000'000'003));
  v1::Command year;
  year.mutable_open_year()->set_year("2026/27");
  year.mutable_open_year()->add_budget_lines("AE");
  (void)target.Submit(Request(year, 1'000'000'004));
}

void BM_JournalSubmit(benchmark::State& state) {
  Journal journal;
  SetUp(journal);
  std::uint64_t n = 0;
  for (auto _ : state) {
    Result<v1::JournalRecord> record = journal.Submit(Request(Transaction(n), n));
    if (!record.ok()) state.SkipWithError(record.status().ToString().c_str());
    ++n;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JournalSubmit);

void BM_DecideOnly(benchmark::State& state) {
  Journal journal;
  SetUp(journal);
  const v1::Command command = Transaction(7);
  for (auto _ : state) {
    Result<Effects> effects = Decide(journal.state(), command);
    benchmark::DoNotOptimize(effects);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideOnly);

// Book: engine, chain and a durable SQLite commit of every 1,000 staged entries.
void BM_BookGroupCommit1000(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() / ("lcp-bench-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto book = std::move(Book::Open(std::move(SqliteStore::Open((dir / "l.sqlite").string())).value())).value();
  SetUp(*book);
  std::uint64_t n = 0;
  for (auto _ : state) {
    for (int i = 0; i < 1000; ++i, ++n) {
      if (!book->Stage(Request(Transaction(n), n)).ok()) state.SkipWithError("refused");
    }
    if (!book->Flush().ok()) state.SkipWithError("flush failed");
  }
  state.SetItemsProcessed(state.iterations() * 1000);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_BookGroupCommit1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace lcp

BENCHMARK_MAIN();

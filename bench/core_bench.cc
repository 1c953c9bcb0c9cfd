// Micro-benchmarks of the write path's parts, without the network: the engine and chain
// (Journal::Submit), the SQLite group commit, and the two together (Book). Figures in
// docs/performance.md.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "bench/transaction.h"
#include "ledger/base/periods.h"
#include "ledger/engine/journal.h"
#include "ledger/read/queries.h"
#include "ledger/read/snapshot.h"
#include "ledger/rules/capitation.h"
#include "ledger/rules/notices.h"
#include "ledger/rules/risk_sharing.h"
#include "services/book.h"
#include "services/storage/sqlite_store.h"

namespace lcp {
namespace {

// The envelope of an entry decided under the current rules.
const v1::JournalEntry& CurrentEnvelope() {
  static const v1::JournalEntry* const envelope = [] {
    auto* entry = new v1::JournalEntry();
    entry->set_rules_version(kRulesVersionCurrent);
    return entry;
  }();
  return *envelope;
}

v1::JournalEntry Request(v1::Command command, std::uint64_t n) {
  v1::JournalEntry entry;
  *entry.mutable_command() = std::move(command);
  entry.mutable_actor()->set_principal_id("bench");
  entry.mutable_actor()->set_role(v1::ROLE_LOCAL_ADMIN);  // Registers as well as posts.
  entry.mutable_recorded_at()->set_seconds(1'775'000'000);
  entry.set_idempotency_key("bench-" + std::to_string(n));
  return entry;
}

// A set-up step's record; a refused one ends the run, since every figure after it would be wrong.
v1::JournalRecord Check(const Result<v1::JournalRecord>& record) {
  if (!record.ok()) {
    std::fprintf(stderr, "set-up refused: %s\n", record.status().ToString().c_str());
    std::abort();
  }
  return *record;
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
    Result<ChangeSet> effects = Decide(journal.state(), command, CurrentEnvelope());
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

// Capitation at the scale of all of England: 6,500 practices, 40 bands, 7 budget lines, every input
// recorded through the journal; then one allocation run decided (the engine's whole computation:
// weighted populations, the exact largest-remainder split, the postings and their balance checks).
constexpr int kCapitationPractices = 6'500;
const char* const kCapitationLines[] = {"ELECTIVE", "NON_ELECTIVE", "OUTPATIENT", "AE",
                                        "PRESCRIBING", "COMMUNITY", "MENTAL_HEALTH"};

std::string Ods(int i) {
  char code[8];
  std::snprintf(code, sizeof code, "%c%05d", 'A' + i / 100'000, i % 100'000);
  return code;
}

Journal& CapitationJournal() {
  static Journal* journal = [] {
    auto* j = new Journal();
    std::uint64_t key = 2'000'000'000;
    for (int i = 0; i < kCapitationPractices; ++i) {
      v1::Command practice;
      practice.mutable_register_practice()->set_ods_code(Ods(i));
      practice.mutable_register_practice()->set_name("Practice " + std::to_string(i));
      (void)j->Submit(Request(practice, ++key));
    }
    v1::Command year;
    year.mutable_open_year()->set_year("2026/27");
    for (const char* line : kCapitationLines) year.mutable_open_year()->add_budget_lines(line);
    (void)j->Submit(Request(year, ++key));
    for (std::size_t l = 0; l < std::size(kCapitationLines); ++l) {
      v1::Command weights;
      weights.mutable_set_band_weights()->set_year("2026/27");
      weights.mutable_set_band_weights()->set_budget_line(kCapitationLines[l]);
      for (std::size_t b = 0; b < BandLabels().size(); ++b) {
        v1::BandWeight* weight = weights.mutable_set_band_weights()->add_weights();
        weight->set_band(BandLabels()[b]);
        weight->mutable_weight()->set_value("0." + std::to_string(100'000 + 3'517 * b + 911 * l));
      }
      (void)j->Submit(Request(weights, ++key));
    }
    v1::Command indices;
    indices.mutable_set_practice_indices()->set_year("2026/27");
    for (int i = 0; i < kCapitationPractices; ++i) {
      v1::Command list;
      list.mutable_record_population()->set_extract_date("2026-06-01");
      list.mutable_record_population()->set_ods_code(Ods(i));
      for (std::size_t b = 0; b < BandLabels().size(); ++b) {
        v1::BandCount* count = list.mutable_record_population()->add_bands();
        count->set_band(BandLabels()[b]);
        count->set_patients(static_cast<std::int64_t>(50 + (i * 37 + static_cast<int>(b) * 101) % 400));
      }
      (void)j->Submit(Request(list, ++key));
      v1::PracticeIndex* index = indices.mutable_set_practice_indices()->add_practices();
      index->set_ods_code(Ods(i));
      index->mutable_needs_index()->set_value("1." + std::to_string(100 + i % 900));
      index->mutable_market_forces_factor()->set_value("0.9" + std::to_string(10 + i % 89));
    }
    Result<v1::JournalRecord> set = j->Submit(Request(indices, ++key));
    if (!set.ok()) std::fprintf(stderr, "indices: %s\n", set.status().ToString().c_str());
    return j;
  }();
  return *journal;
}

// The PCT's confirmation of a line's 2026/27 total, which a run then allocates exactly (rules 2).
v1::Command ConfirmTotal(const std::string& line, const std::string& total) {
  v1::Command confirm;
  confirm.mutable_confirm_line_total()->set_year("2026/27");
  confirm.mutable_confirm_line_total()->set_budget_line(line);
  confirm.mutable_confirm_line_total()->mutable_total()->set_value(total);
  return confirm;
}

void BM_CapitationRunDecide6500Practices(benchmark::State& state) {
  static const Journal* const confirmed = [] {
    auto* j = new Journal(CapitationJournal());
    Check(j->Submit(Request(ConfirmTotal("PRESCRIBING", "9876543210.99"), 2'900'000'000)));
    return j;
  }();
  const Journal& journal = *confirmed;
  v1::Command run;
  run.mutable_run_allocation()->mutable_period()->set_year("2026/27");
  run.mutable_run_allocation()->mutable_period()->set_month("M01");
  run.mutable_run_allocation()->set_budget_line("PRESCRIBING");
  run.mutable_run_allocation()->mutable_total()->set_value("9876543210.99");
  run.mutable_run_allocation()->set_notice(v1::NOTICE_KIND_INDICATIVE);
  for (auto _ : state) {
    Result<ChangeSet> effects = Decide(journal.state(), run, CurrentEnvelope());
    if (!effects.ok()) state.SkipWithError(effects.status().ToString().c_str());
    benchmark::DoNotOptimize(effects);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CapitationRunDecide6500Practices)->Unit(benchmark::kMillisecond);

// The seven lines' runs, each through Journal::Submit (decide, record, hash, apply), as one finance
// officer would run them; a fresh copy of the journal each time.
void BM_CapitationSevenLinesSubmit6500Practices(benchmark::State& state) {
  std::uint64_t key = 3'000'000'000;
  for (auto _ : state) {
    state.PauseTiming();
    Journal journal = CapitationJournal();
    for (const char* line : kCapitationLines) {
      Check(journal.Submit(Request(ConfirmTotal(line, "1234567890.12"), ++key)));
    }
    state.ResumeTiming();
    for (const char* line : kCapitationLines) {
      v1::Command run;
      run.mutable_run_allocation()->mutable_period()->set_year("2026/27");
      run.mutable_run_allocation()->mutable_period()->set_month("M01");
      run.mutable_run_allocation()->set_budget_line(line);
      run.mutable_run_allocation()->mutable_total()->set_value("1234567890.12");
      run.mutable_run_allocation()->set_notice(v1::NOTICE_KIND_INDICATIVE);
      Result<v1::JournalRecord> record = journal.Submit(Request(run, ++key));
      if (!record.ok()) state.SkipWithError(record.status().ToString().c_str());
    }
  }
  state.SetItemsProcessed(state.iterations() * 7);
}
BENCHMARK(BM_CapitationSevenLinesSubmit6500Practices)->Unit(benchmark::kMillisecond);

// Contracts. A BLOCK contract on the England-scale journal's COMMUNITY line, attributed by capitation
// and approved, so that each payment splits among 6,500 practices and moves their 6,500 commitments.
v1::JournalEntry Approval(const std::string& id, std::uint64_t n) {
  v1::Command approve;
  approve.mutable_approve_contract()->set_contract_id(id);
  approve.mutable_approve_contract()->mutable_period()->set_year("2026/27");
  approve.mutable_approve_contract()->mutable_period()->set_month("M01");
  v1::JournalEntry request = Request(approve, n);
  request.mutable_actor()->set_principal_id("bench-approver");  // Not the proposer.
  return request;
}

v1::Command Contract(const std::string& id, const std::string& line, v1::Attribution attribution) {
  v1::Command command;
  v1::RegisterContract* c = command.mutable_register_contract();
  c->set_contract_id(id);
  c->set_provider_code("RX1");
  c->set_mode(v1::CONTRACT_MODE_BUY);
  c->set_budget_line(line);
  c->mutable_start()->set_year("2026/27");
  c->mutable_start()->set_month("M01");
  c->mutable_end()->set_year("2026/27");
  c->mutable_end()->set_month("M12");
  c->mutable_terms()->set_type(v1::CONTRACT_TYPE_BLOCK);
  c->mutable_terms()->mutable_annual_value()->set_value("900000000000.00");
  c->set_attribution(attribution);
  c->set_description("Bench");
  return command;
}

v1::Command Payment(const std::string& id, std::uint64_t n, bool activity) {
  v1::Command command;
  v1::PostPayment* p = command.mutable_post_payment();
  p->set_contract_id(id);
  p->mutable_period()->set_year("2026/27");
  p->mutable_period()->set_month("M02");
  p->mutable_amount()->set_value("1234.57");
  p->set_invoice_reference("INV-" + std::to_string(n));
  if (activity) {
    v1::PracticeAmount* a = p->add_practice_amounts();
    a->set_ods_code("A81001");
    a->mutable_amount()->set_value("1000.00");
    a = p->add_practice_amounts();
    a->set_ods_code("A81002");
    a->mutable_amount()->set_value("234.57");
  }
  return command;
}

Journal& ContractJournal() {
  static Journal* journal = [] {
    auto* j = new Journal(CapitationJournal());
    std::uint64_t key = 4'000'000'000;
    v1::Command provider;
    provider.mutable_register_provider()->set_code("RX1");
    provider.mutable_register_provider()->set_name("Acute");
    provider.mutable_register_provider()->set_kind(v1::PROVIDER_KIND_FOUNDATION_TRUST);
    Check(j->Submit(Request(provider, ++key)));
    Check(j->Submit(Request(ConfirmTotal("COMMUNITY", "987654321.00"), ++key)));
    v1::Command run;
    run.mutable_run_allocation()->mutable_period()->set_year("2026/27");
    run.mutable_run_allocation()->mutable_period()->set_month("M01");
    run.mutable_run_allocation()->set_budget_line("COMMUNITY");
    run.mutable_run_allocation()->mutable_total()->set_value("987654321.00");
    run.mutable_run_allocation()->set_notice(v1::NOTICE_KIND_INDICATIVE);
    Check(j->Submit(Request(run, ++key)));
    Check(j->Submit(Request(Contract("C-1", "COMMUNITY", v1::ATTRIBUTION_CAPITATION), ++key)));
    Check(j->Submit(Approval("C-1", ++key)));
    return j;
  }();
  return *journal;
}

void BM_PaymentCapitationDecide6500Practices(benchmark::State& state) {
  Journal& journal = ContractJournal();
  const v1::Command payment = Payment("C-1", 1, false);
  for (auto _ : state) {
    Result<ChangeSet> effects = Decide(journal.state(), payment, CurrentEnvelope());
    if (!effects.ok()) state.SkipWithError(effects.status().ToString().c_str());
    benchmark::DoNotOptimize(effects);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PaymentCapitationDecide6500Practices)->Unit(benchmark::kMillisecond);

// A small LCP's everyday payment: an ACTIVITY invoice naming two practices, through Journal::Submit
// (decide, record, hash, apply), one after another against one contract.
void BM_PaymentActivitySubmit(benchmark::State& state) {
  Journal journal;
  SetUp(journal);
  std::uint64_t key = 5'000'000'000;
  v1::Command weights;
  weights.mutable_set_band_weights()->set_year("2026/27");
  weights.mutable_set_band_weights()->set_budget_line("AE");
  for (const std::string& band : BandLabels()) {
    v1::BandWeight* weight = weights.mutable_set_band_weights()->add_weights();
    weight->set_band(band);
    weight->mutable_weight()->set_value("1");
  }
  Check(journal.Submit(Request(weights, ++key)));
  for (const char* ods : {"A81001", "A81002"}) {
    v1::Command list;
    list.mutable_record_population()->set_extract_date("2026-03-01");
    list.mutable_record_population()->set_ods_code(ods);
    v1::BandCount* count = list.mutable_record_population()->add_bands();
    count->set_band("FEMALE_30_34");
    count->set_patients(1000);
    Check(journal.Submit(Request(list, ++key)));
  }
  Check(journal.Submit(Request(ConfirmTotal("AE", "1000000.00"), ++key)));
  v1::Command run;
  run.mutable_run_allocation()->mutable_period()->set_year("2026/27");
  run.mutable_run_allocation()->mutable_period()->set_month("M01");
  run.mutable_run_allocation()->set_budget_line("AE");
  run.mutable_run_allocation()->mutable_total()->set_value("1000000.00");
  run.mutable_run_allocation()->set_notice(v1::NOTICE_KIND_INDICATIVE);
  Check(journal.Submit(Request(run, ++key)));
  Check(journal.Submit(Request(Contract("C-A", "AE", v1::ATTRIBUTION_ACTIVITY), ++key)));
  Check(journal.Submit(Approval("C-A", ++key)));
  std::uint64_t n = 0;
  for (auto _ : state) {
    Result<v1::JournalRecord> record = journal.Submit(Request(Payment("C-A", ++n, true), ++key));
    if (!record.ok()) state.SkipWithError(record.status().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PaymentActivitySubmit);

// Risk sharing at England's scale: the worked examples' terms on the COMMUNITY line of the contract
// journal (6,500 practices with budgets and commitments).
v1::Command AgreementProposal(const std::string& year) {
  v1::Command command;
  v1::ProposeAgreement* p = command.mutable_propose_agreement();
  p->set_year(year);
  v1::AgreementTerms* terms = p->mutable_terms();
  terms->add_pooled_lines("COMMUNITY");
  for (v1::ShareTerms* side : {terms->mutable_savings(), terms->mutable_overspend()}) {
    side->mutable_threshold()->set_value("0.01");
    side->set_mode(v1::SHARE_MODE_FIRST_POUND);
    side->add_bands()->mutable_upper_bound()->set_value("0.02");
    side->mutable_bands(0)->mutable_lcp_rate()->set_value("1");
    side->add_bands()->mutable_lcp_rate()->set_value("0.5");
    side->mutable_cap()->set_value("0.03");
  }
  terms->mutable_alpha_budget()->set_value("0.5");
  terms->mutable_alpha_contribution()->set_value("0.5");
  return command;
}

// What GetRiskShare computes for a projection: every practice's pooled figures from the balances,
// then the shares.
void BM_RiskShareProjection6500Practices(benchmark::State& state) {
  const Journal& journal = ContractJournal();
  Year year;
  year.start_year = 2026;
  year.line_set = {"COMMUNITY"};
  const AgreementTermsValue terms =
      *CheckAgreementTerms(year, AgreementProposal("2026/27").propose_agreement().terms());
  const auto& balances = journal.state().balances.at(2026);
  for (auto _ : state) {
    std::vector<MemberFigures> members =
        PooledFigures(Members(journal.state().practices, journal.state().notices, 2026), &balances,
                      terms.pooled_lines);
    Result<RiskShareOutcome> outcome = ComputeRiskShare(terms, members, /*projected=*/true);
    if (!outcome.ok()) state.SkipWithError(outcome.status().ToString().c_str());
    benchmark::DoNotOptimize(outcome);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RiskShareProjection6500Practices)->Unit(benchmark::kMillisecond);

// ContractJournal's year with one payment, an agreement in force and every month closed: ready to
// settle, with savings for every practice (the budgets are far above the one payment's spend).
const Journal& ClosedYearJournal() {
  static Journal* journal = [] {
    auto* j = new Journal(ContractJournal());
    std::uint64_t key = 6'000'000'000;
    Check(j->Submit(Request(Payment("C-1", 999'999, false), ++key)));
    const std::uint64_t proposal = j->head_seq() + 1;
    // The year has postings already, so the agreement is recorded late and needs a reason.
    v1::Command propose = AgreementProposal("2026/27");
    propose.mutable_propose_agreement()->set_reason("Terms agreed in March, recorded late");
    Check(j->Submit(Request(propose, ++key)));
    v1::Command cosign;
    cosign.mutable_cosign_agreement()->set_year("2026/27");
    cosign.mutable_cosign_agreement()->set_proposal_seq(proposal);
    v1::JournalEntry cosigned = Request(cosign, ++key);
    cosigned.mutable_actor()->set_principal_id("bench-pct");  // Not the proposer.
    Check(j->Submit(cosigned));
    for (int month = 1; month <= 12; ++month) {
      v1::Command close;
      close.mutable_close_month()->mutable_period()->set_year("2026/27");
      close.mutable_close_month()->mutable_period()->set_month(FormatMonth(month));
      Check(j->Submit(Request(close, ++key)));
    }
    return j;
  }();
  return *journal;
}

// The settlement of a year for 6,500 practices: the shares and the release of the contract's
// 6,500 commitments, decided (the postings built and their balances checked).
void BM_SettleYearDecide6500Practices(benchmark::State& state) {
  const Journal& journal = ClosedYearJournal();
  v1::Command settle;
  settle.mutable_settle_year()->set_year("2026/27");
  for (auto _ : state) {
    Result<ChangeSet> effects = Decide(journal.state(), settle, CurrentEnvelope());
    if (!effects.ok()) state.SkipWithError(effects.status().ToString().c_str());
    benchmark::DoNotOptimize(effects);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SettleYearDecide6500Practices)->Unit(benchmark::kMillisecond);

// The records of the entries a reserve statement reads (the settlement and the carries), by seq.
class KeptRecords final : public RecordSource {
 public:
  void Keep(const v1::JournalRecord& record) { records_[record.seq()] = record; }
  std::optional<v1::JournalRecord> Get(std::uint64_t seq) const override {
    auto found = records_.find(seq);
    if (found == records_.end()) return std::nullopt;
    return found->second;
  }
  std::vector<v1::JournalRecord> Range(std::uint64_t, std::size_t) const override { return {}; }

 private:
  std::map<std::uint64_t, v1::JournalRecord> records_;
};

// The closed year settled (6,500 savings shares), then 2027/28 opened: the carry of 6,500
// reserves, 13,002 postings. Keeps the two entries' records.
struct CarriedLedger {
  Journal journal;
  std::shared_ptr<KeptRecords> records = std::make_shared<KeptRecords>();
};
const CarriedLedger& ReservesCarried() {
  static CarriedLedger* ledger = [] {
    auto* l = new CarriedLedger{ClosedYearJournal()};
    std::uint64_t key = 7'000'000'000;
    v1::Command settle;
    settle.mutable_settle_year()->set_year("2026/27");
    l->records->Keep(Check(l->journal.Submit(Request(settle, ++key))));
    v1::Command open;
    open.mutable_open_year()->set_year("2027/28");
    open.mutable_open_year()->add_budget_lines("COMMUNITY");
    l->records->Keep(Check(l->journal.Submit(Request(open, ++key))));
    return l;
  }();
  return *ledger;
}

// Opening the next year decided: every practice's reserve read from the settled year's balances and
// carried, 13,002 postings and their balance checks.
void BM_OpenYearCarryDecide6500Practices(benchmark::State& state) {
  Journal journal(ClosedYearJournal());
  v1::Command settle;
  settle.mutable_settle_year()->set_year("2026/27");
  Check(journal.Submit(Request(settle, 7'100'000'000)));
  v1::Command open;
  open.mutable_open_year()->set_year("2027/28");
  open.mutable_open_year()->add_budget_lines("COMMUNITY");
  for (auto _ : state) {
    Result<ChangeSet> effects = Decide(journal.state(), open, CurrentEnvelope());
    if (!effects.ok() || effects->legs.size() != 13'002) {
      state.SkipWithError("the opening does not carry 6,500 reserves");
    }
    benchmark::DoNotOptimize(effects);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OpenYearCarryDecide6500Practices)->Unit(benchmark::kMillisecond);

// What GetReserve computes for every practice of England: for 2026/27 (Arg 2026) the settlement's
// and the carry's records read, for 2027/28 (Arg 2027) the carry's; 6,500 statements and the
// totals.
void BM_ReserveStatements6500Practices(benchmark::State& state) {
  const CarriedLedger& ledger = ReservesCarried();
  const Snapshot snapshot = BorrowSnapshot(ledger.journal.state(), ledger.records);
  v1::GetReserveRequest request;
  request.set_year(FormatYear(static_cast<int>(state.range(0))));
  for (auto _ : state) {
    Result<v1::GetReserveResponse> response =
        queries::GetReserve(snapshot, queries::Auditor(), request);
    if (!response.ok() || response->practices_size() != 6500) {
      state.SkipWithError("no statements for 6,500 practices");
    }
    benchmark::DoNotOptimize(response);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReserveStatements6500Practices)->Arg(2026)->Arg(2027)->Unit(benchmark::kMillisecond);

// Business cases at scale: 10,000 cases on the 6,500 reserves carried into 2027/28, each funded by
// one practice and consented; every 5th MAKE (PCT finance decides); 6,000 decided (approved) and
// 4,000 open, every 4th of those with a question unanswered. Their entries are a minute apart from
// 2027-01-15, so the clocks count real days.
const CarriedLedger& CasesRecorded() {
  static CarriedLedger* ledger = [] {
    auto* l = new CarriedLedger{ReservesCarried().journal};
    std::uint64_t key = 7'200'000'000;
    std::int64_t at = 1'800'000'000;
    auto submit = [&](v1::Command command, const char* principal) {
      v1::JournalEntry entry = Request(std::move(command), ++key);
      entry.mutable_actor()->set_principal_id(principal);
      at += 60;
      entry.mutable_recorded_at()->set_seconds(at);
      l->records->Keep(Check(l->journal.Submit(entry)));
    };
    for (int i = 0; i < 10'000; ++i) {
      char ods[8];
      std::snprintf(ods, sizeof ods, "A%05d", i % 6500);
      const std::string id = "BC-" + std::to_string(i);
      v1::Command command;
      v1::SubmitCase* c = command.mutable_submit_case();
      c->set_case_id(id);
      c->set_title("Case " + std::to_string(i));
      c->set_purpose("A service improvement");
      v1::CaseFunding* funding = c->add_fundings();
      funding->set_ods_code(ods);
      funding->mutable_amount()->set_value("1.00");
      c->set_provider_code("RX1");
      c->set_mode(i % 5 == 0 ? v1::CONTRACT_MODE_MAKE : v1::CONTRACT_MODE_BUY);
      submit(command, "officer");
      v1::Command consent;
      consent.mutable_consent_case()->set_case_id(id);
      consent.mutable_consent_case()->set_ods_code(ods);
      submit(consent, "practice");
      if (i % 10 < 6) {
        v1::Command decide;
        decide.mutable_decide_case()->set_case_id(id);
        decide.mutable_decide_case()->set_decision(v1::CASE_DECISION_APPROVE);
        submit(decide, "decider");
      } else if (i % 4 == 0) {
        v1::Command ask;
        ask.mutable_request_case_information()->set_case_id(id);
        ask.mutable_request_case_information()->set_question("Why?");
        submit(ask, "decider");
      }
    }
    return l;
  }();
  return *ledger;
}

// The case report over 10,000 cases (target under 50 ms): every case's clock, the open ones
// sorted, and per approving role the median days to decide.
void BM_CaseReport10000Cases(benchmark::State& state) {
  const CarriedLedger& ledger = CasesRecorded();
  const Snapshot snapshot = BorrowSnapshot(ledger.journal.state(), ledger.records);
  for (auto _ : state) {
    Result<v1::GetCaseReportResponse> report =
        queries::GetCaseReport(snapshot, queries::Auditor(), v1::GetCaseReportRequest());
    if (!report.ok() || report->open_size() != 4000 ||
        report->roles(0).decided() + report->roles(1).decided() != 6000) {
      state.SkipWithError("no report of 10,000 cases");
    }
    benchmark::DoNotOptimize(report);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CaseReport10000Cases)->Unit(benchmark::kMillisecond);

// Every one of the 10,000 cases in full (ListCases with no filter): the peer of the report, which
// reads the same clocks but builds 10,000 views.
void BM_ListCases10000Cases(benchmark::State& state) {
  const CarriedLedger& ledger = CasesRecorded();
  const Snapshot snapshot = BorrowSnapshot(ledger.journal.state(), ledger.records);
  for (auto _ : state) {
    Result<v1::ListCasesResponse> listed =
        queries::ListCases(snapshot, queries::Auditor(), v1::ListCasesRequest());
    if (!listed.ok() || listed->cases_size() != 10'000) {
      state.SkipWithError("no list of 10,000 cases");
    }
    benchmark::DoNotOptimize(listed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ListCases10000Cases)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace lcp

BENCHMARK_MAIN();

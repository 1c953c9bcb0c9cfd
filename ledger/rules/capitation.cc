#include "ledger/rules/capitation.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <iterator>
#include <map>
#include <set>

#include "ledger/base/accounts.h"
#include "ledger/base/apportion.h"
#include "ledger/base/periods.h"
#include "ledger/base/text.h"
#include "ledger/rules/checks.h"
#include "ledger/rules/notices.h"

namespace lcp {
namespace {

Status Refuse(ErrorCode code, std::string message) {
  return Status::Error(code, std::move(message));
}

// GCC's 128-bit integer: a band sum of patients x weight in billionths (below 2^79).
__extension__ using Int128 = __int128;

const std::array<std::string, kBandCount>& Labels() {
  static const std::array<std::string, kBandCount> labels = [] {
    std::array<std::string, kBandCount> out;
    std::size_t i = 0;
    for (const char* sex : {"MALE", "FEMALE"}) {
      for (int age = 0; age < 95; age += 5) {
        out[i++] = std::string(sex) + "_" + std::to_string(age) + "_" + std::to_string(age + 4);
      }
      out[i++] = std::string(sex) + "_95+";
    }
    return out;
  }();
  return labels;
}

// A rate above zero, or RATE_INVALID naming `what`.
Result<Int> PositiveRate(const std::string& text, const std::string& what) {
  Result<Rate> rate = Rate::Parse(text);
  if (!rate.ok()) {
    return Refuse(v1::ERROR_CODE_RATE_INVALID,
                  what + " " + Quoted(text) +
                      " is not a rate: a decimal like 1.085, at most 9 decimal places and 6 digits "
                      "before the point");
  }
  if (rate->nanos() <= 0) {
    return Refuse(v1::ERROR_CODE_RATE_INVALID, what + " " + Quoted(text) + " must be above zero");
  }
  return rate->nanos();
}

Result<const Year*> CheckYearAndLine(const State& state, const std::string& year_text,
                                     const std::string* line) {
  Result<const Year*> year = CheckOpenYear(state, year_text);
  if (!year.ok()) return year.status();
  if (line != nullptr && !(*year)->line_set.contains(*line)) {
    return Refuse(v1::ERROR_CODE_BUDGET_LINE_UNKNOWN,
                  "budget line " + Quoted(*line) + " is not one of " + year_text + "'s lines");
  }
  return *year;
}

std::string Pounds(const Int& pence) { return Money::FromPence(pence).ToString(); }

// Rounds numerator / denominator half up to `places` decimals and formats it.
std::string RoundedRatio(const Int& numerator, const Int& denominator, int places) {
  Int scale = 1;
  for (int i = 0; i < places; ++i) scale *= 10;
  const Int scaled = (numerator * scale * 2 + denominator) / (denominator * 2);
  return FormatScaled(scaled, places, 2);
}

// Marks `label` in `seen`; BAND_UNKNOWN for a label that is not a band, BAND_DUPLICATE for one seen.
Status MarkBand(const std::string& label, std::array<bool, kBandCount>& seen) {
  const int index = BandIndex(label);
  if (index < 0) {
    return Refuse(v1::ERROR_CODE_BAND_UNKNOWN,
                  "band " + Quoted(label) +
                      " is not an age-sex band: MALE_ or FEMALE_ and 0_4, 5_9, ..., 90_94 or 95+");
  }
  if (seen[static_cast<std::size_t>(index)]) {
    return Refuse(v1::ERROR_CODE_BAND_DUPLICATE, "band " + label + " is given twice");
  }
  seen[static_cast<std::size_t>(index)] = true;
  return Status::Ok();
}

}  // namespace

std::span<const std::string> BandLabels() { return Labels(); }

int BandIndex(std::string_view label) {
  const auto& labels = Labels();
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] == label) return static_cast<int>(i);
  }
  return -1;
}

bool IsExtractDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  const int year = std::stoi(std::string(text.substr(0, 4)));
  const int month = std::stoi(std::string(text.substr(5, 2)));
  const int day = std::stoi(std::string(text.substr(8, 2)));
  if (year < 1948 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

Result<ChangeSet> DecideSetBandWeights(const State& state, const v1::SetBandWeights& command) {
  Result<const Year*> year = CheckYearAndLine(state, command.year(), &command.budget_line());
  if (!year.ok()) return year.status();
  std::array<bool, kBandCount> seen{};
  WeightsVersion version;
  version.year = (*year)->start_year;
  version.line = command.budget_line();
  for (const v1::BandWeight& weight : command.weights()) {
    LCP_RETURN_IF_ERROR(MarkBand(weight.band(), seen));
    Result<Int> nanos = PositiveRate(weight.weight().value(), "the weight of band " + weight.band());
    if (!nanos.ok()) return nanos.status();
    version.nanos[static_cast<std::size_t>(BandIndex(weight.band()))] = std::move(nanos).value();
  }
  for (std::size_t i = 0; i < kBandCount; ++i) {
    if (!seen[i]) {
      return Refuse(v1::ERROR_CODE_BAND_WEIGHTS_INCOMPLETE,
                    "band " + Labels()[i] + " has no weight; a weights table gives all 40 bands");
    }
  }
  ChangeSet changes;
  changes.changes.push_back(PutWeights{std::move(version)});
  return changes;
}

Result<ChangeSet> DecideRecordPopulation(const State& state, const v1::RecordPopulation& command) {
  if (!IsExtractDate(command.extract_date())) {
    return Refuse(v1::ERROR_CODE_EXTRACT_DATE_MALFORMED,
                  "extract date " + Quoted(command.extract_date()) +
                      " is not a date written like 2026-06-01");
  }
  if (!IsOdsPracticeCode(command.ods_code())) {
    return Refuse(v1::ERROR_CODE_PRACTICE_CODE_MALFORMED,
                  "practice code " + Quoted(command.ods_code()) +
                      " is not an ODS code: one capital letter and five digits, like A81001");
  }
  if (!state.practices.contains(command.ods_code())) {
    return Refuse(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                  "practice " + command.ods_code() + " is not registered");
  }
  std::array<bool, kBandCount> seen{};
  for (const v1::BandCount& count : command.bands()) {
    LCP_RETURN_IF_ERROR(MarkBand(count.band(), seen));
    if (count.patients() < 0 || count.patients() > kBandPatientsMax) {
      return Refuse(v1::ERROR_CODE_PATIENT_COUNT_INVALID,
                    "band " + count.band() + " of practice " + command.ods_code() + " has " +
                        std::to_string(count.patients()) +
                        " patients; a count is a whole number from 0 to 10,000,000");
    }
  }
  std::int64_t total = 0;
  for (const v1::BandCount& count : command.bands()) total += count.patients();
  if (total == 0) {
    return Refuse(v1::ERROR_CODE_PRACTICE_POPULATION_MISSING,
                  "the list of practice " + command.ods_code() +
                      " has no patients; a list gives at least one band with patients");
  }
  auto extract = state.capitation.lists.find(command.extract_date());
  if (extract != state.capitation.lists.end() && extract->second.contains(command.ods_code())) {
    return Refuse(v1::ERROR_CODE_POPULATION_ALREADY_RECORDED,
                  "practice " + command.ods_code() + "'s list for extract " +
                      command.extract_date() + " is recorded already");
  }
  PutList list{command.extract_date(), command.ods_code()};
  for (const v1::BandCount& count : command.bands()) {
    list.counts[static_cast<std::size_t>(BandIndex(count.band()))] = count.patients();
  }
  ChangeSet changes;
  changes.changes.push_back(std::move(list));
  return changes;
}

Result<ChangeSet> DecideSetPracticeIndices(const State& state,
                                           const v1::SetPracticeIndices& command) {
  Result<const Year*> year = CheckYearAndLine(state, command.year(), nullptr);
  if (!year.ok()) return year.status();
  if (command.practices().empty()) {
    return Refuse(v1::ERROR_CODE_PRACTICE_UNKNOWN, "an indices version names at least one practice");
  }
  std::set<std::string> seen;
  IndicesVersion version;
  version.year = (*year)->start_year;
  for (const v1::PracticeIndex& index : command.practices()) {
    if (!state.practices.contains(index.ods_code())) {
      return Refuse(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                    "practice " + Quoted(index.ods_code()) + " is not registered");
    }
    if (!seen.insert(index.ods_code()).second) {
      return Refuse(v1::ERROR_CODE_PRACTICE_DUPLICATE,
                    "practice " + index.ods_code() + " is named twice");
    }
    Result<Int> needs = PositiveRate(index.needs_index().value(),
                                     "the needs index of practice " + index.ods_code());
    if (!needs.ok()) return needs.status();
    Int factor_nanos = 1'000'000'000;  // M is 1 when not given.
    if (!index.market_forces_factor().value().empty()) {
      Result<Int> factor = PositiveRate(index.market_forces_factor().value(),
                                        "the market-forces factor of practice " + index.ods_code());
      if (!factor.ok()) return factor.status();
      factor_nanos = std::move(factor).value();
    }
    version.by_practice.emplace(index.ods_code(),
                                std::pair(std::move(needs).value(), factor_nanos));
  }
  ChangeSet changes;
  changes.changes.push_back(PutIndices{std::move(version)});
  return changes;
}

namespace {

// What a run allocates and from which inputs, once every check has passed.
struct RunInputs {
  OpenPeriod period;
  std::string line;
  Money total;
  Int transferred_in_pence;  // What transfers between lines moved into the total (rules 4).
  v1::NoticeKind kind = v1::NOTICE_KIND_UNSPECIFIED;
  const WeightsVersion* weights = nullptr;
  std::uint64_t weights_seq = 0;
  std::string extract_date;
  const std::map<std::string, BandCounts>* lists = nullptr;
  const IndicesVersion* indices = nullptr;
  std::uint64_t indices_seq = 0;
  std::uint64_t revises_seq = 0;
};

// The total a run allocates and its notice kind. Under rules 1 the command gives the total; from
// kConfirmedTotalsAndNotices it is the PCT's confirmed total (the command may repeat it) and the
// run says INDICATIVE or FINAL.
Status CheckRunTotalAndKind(const State& state, const v1::RunAllocation& command, int year,
                            std::uint32_t rules, RunInputs& inputs) {
  const bool confirmed_totals = rules::InForce(rules, rules::kConfirmedTotalsAndNotices);
  const std::string year_line = FormatYear(year) + " " + inputs.line;
  std::optional<Money> total;
  if (!confirmed_totals || !command.total().value().empty()) {
    Result<Money> given = Money::Parse(command.total().value());
    if (!given.ok()) return given.status();
    if (given->pence() <= 0) {
      return Refuse(v1::ERROR_CODE_ALLOCATION_TOTAL_INVALID,
                    "the total to allocate must be above zero, not " + given->ToString());
    }
    total = *given;
  }
  if (!confirmed_totals) {
    inputs.total = *total;
    return Status::Ok();
  }
  auto confirmed = state.notices.line_totals.find({year, inputs.line});
  if (confirmed == state.notices.line_totals.end()) {
    return Refuse(v1::ERROR_CODE_LINE_TOTAL_NOT_CONFIRMED,
                  "the PCT has not confirmed a total for " + year_line +
                      "; a run allocates only the confirmed total (PCT finance: lcp budget "
                      "confirm-total)");
  }
  const LineTotal& in_force = confirmed->second.back();
  if (total && total->pence() != in_force.total_pence) {
    return Refuse(v1::ERROR_CODE_ALLOCATION_TOTAL_MISMATCH,
                  "the total given, " + total->ToString() +
                      ", is not the total the PCT confirmed for " + year_line + " (" +
                      Money::FromPence(in_force.total_pence).ToString() + " at entry " +
                      std::to_string(in_force.seq) +
                      "); leave the total out, or have PCT finance confirm a new one");
  }
  inputs.total = Money::FromPence(in_force.total_pence);
  if (rules::InForce(rules, rules::kTransfersMoveConfirmedTotals)) {
    for (const LineTotal& confirmation : confirmed->second) {
      inputs.transferred_in_pence += confirmation.transferred_pence;
    }
    if (inputs.transferred_in_pence > in_force.total_pence) {
      return Refuse(v1::ERROR_CODE_ALLOCATION_TOTAL_INVALID,
                    "the confirmed total for " + year_line + ", " + inputs.total.ToString() +
                        ", is less than the " +
                        Money::FromPence(inputs.transferred_in_pence).ToString() +
                        " that budget transfers moved into it; have PCT finance confirm a new "
                        "total");
    }
  }
  if (command.notice() != v1::NOTICE_KIND_INDICATIVE && command.notice() != v1::NOTICE_KIND_FINAL) {
    return Refuse(v1::ERROR_CODE_NOTICE_KIND_MISSING,
                  "say whether the run is an INDICATIVE or a FINAL budget notice");
  }
  inputs.kind = command.notice();
  return Status::Ok();
}

// The weights, lists and indices a run uses: those named, or the latest.
Status CheckRunSources(const Capitation& capitation, const v1::RunAllocation& command, int year,
                       RunInputs& inputs) {
  const std::string& line = inputs.line;
  inputs.weights_seq = command.weights_seq();
  if (inputs.weights_seq == 0) {
    auto latest = capitation.latest_weights.find({year, line});
    if (latest != capitation.latest_weights.end()) inputs.weights_seq = latest->second;
  }
  auto weights = capitation.weights.find(inputs.weights_seq);
  if (weights == capitation.weights.end() || weights->second.year != year ||
      weights->second.line != line) {
    return Refuse(v1::ERROR_CODE_WEIGHTS_UNKNOWN,
                  command.weights_seq() == 0
                      ? "no band weights are set for " + FormatYear(year) + " " + line + "; set them first"
                      : "entry " + std::to_string(command.weights_seq()) + " did not set band weights for " +
                            FormatYear(year) + " " + line);
  }
  inputs.weights = &weights->second;
  // By default, the latest extract dated no later than the year's last day (31 March).
  const std::string year_end = std::to_string(year + 1) + "-03-31";
  inputs.extract_date = command.extract_date();
  if (inputs.extract_date.empty()) {
    auto after = capitation.lists.upper_bound(year_end);
    if (after != capitation.lists.begin()) inputs.extract_date = std::prev(after)->first;
  }
  auto lists = capitation.lists.find(inputs.extract_date);
  if (lists == capitation.lists.end()) {
    return Refuse(v1::ERROR_CODE_EXTRACT_UNKNOWN,
                  command.extract_date().empty()
                      ? "no registered lists are recorded with an extract date up to " + year_end +
                            "; record them first"
                      : "no lists are recorded for extract " + Quoted(command.extract_date()));
  }
  inputs.lists = &lists->second;
  inputs.indices_seq = command.indices_seq();
  if (inputs.indices_seq == 0) {
    auto latest = capitation.latest_indices.find(year);
    if (latest != capitation.latest_indices.end()) inputs.indices_seq = latest->second;
  }
  if (inputs.indices_seq != 0) {
    auto found = capitation.indices.find(inputs.indices_seq);
    if (found == capitation.indices.end() || found->second.year != year) {
      return Refuse(v1::ERROR_CODE_INDICES_UNKNOWN, "entry " + std::to_string(inputs.indices_seq) +
                                                        " did not set practice indices for " +
                                                        FormatYear(year));
    }
    inputs.indices = &found->second;
  }
  return Status::Ok();
}

// The run this one revises must be the latest for the year and line (so that two officers'
// simultaneous runs are safe), no INDICATIVE run follows a FINAL one, and from
// kFinalRevisionNeedsReason a revision of a FINAL run says why.
Status CheckRunRevision(const Capitation& capitation, const v1::RunAllocation& command, int year,
                        std::uint32_t rules, RunInputs& inputs) {
  const std::string year_line = FormatYear(year) + " " + inputs.line;
  if (auto found = capitation.latest_run.find({year, inputs.line});
      found != capitation.latest_run.end()) {
    inputs.revises_seq = found->second;
  }
  if (command.revises_seq() != inputs.revises_seq) {
    return Refuse(v1::ERROR_CODE_ALLOCATION_REVISION_MISMATCH,
                  inputs.revises_seq == 0
                      ? "this is the first run for " + year_line +
                            "; it revises none (revises_seq 0), not entry " +
                            std::to_string(command.revises_seq())
                      : "the budgets in force for " + year_line + " come from the run at entry " +
                            std::to_string(inputs.revises_seq) +
                            "; name it as the run this one revises");
  }
  if (inputs.revises_seq != 0 && inputs.kind == v1::NOTICE_KIND_INDICATIVE &&
      capitation.runs.at(inputs.revises_seq)->kind == v1::NOTICE_KIND_FINAL) {
    return Refuse(v1::ERROR_CODE_NOTICE_ALREADY_FINAL,
                  year_line + " has a FINAL budget notice already (the run at entry " +
                      std::to_string(inputs.revises_seq) + "); a later run revises it as FINAL");
  }
  if (!rules::InForce(rules, rules::kFinalRevisionNeedsReason)) return Status::Ok();
  const bool revises_final = inputs.revises_seq != 0 &&
                             capitation.runs.at(inputs.revises_seq)->kind == v1::NOTICE_KIND_FINAL;
  if (revises_final && command.reason().empty()) {
    return Refuse(v1::ERROR_CODE_REASON_REQUIRED,
                  year_line + "'s FINAL budget notice is the run at entry " +
                      std::to_string(inputs.revises_seq) +
                      "; a run that revises it says why (lcp capitation run --reason)");
  }
  if (!command.reason().empty()) {
    LCP_RETURN_IF_ERROR(CheckReason(command.reason(), "a revision of a budget notice"));
  }
  return Status::Ok();
}

// Every check of a run, in the order its refusals are reported.
Result<RunInputs> CheckRun(const State& state, const v1::RunAllocation& command,
                           std::uint32_t rules) {
  Result<OpenPeriod> period = CheckPeriod(state, command.period());
  if (!period.ok()) return period.status();
  RunInputs inputs;
  inputs.period = *period;
  inputs.line = command.budget_line();
  const int year = period->year->start_year;
  if (!period->year->line_set.contains(inputs.line)) {
    return Refuse(
        v1::ERROR_CODE_BUDGET_LINE_UNKNOWN,
        "budget line " + Quoted(inputs.line) + " is not one of " + FormatYear(year) + "'s lines");
  }
  LCP_RETURN_IF_ERROR(CheckRunTotalAndKind(state, command, year, rules, inputs));
  LCP_RETURN_IF_ERROR(CheckRunSources(state.capitation, command, year, inputs));
  LCP_RETURN_IF_ERROR(CheckRunRevision(state.capitation, command, year, rules, inputs));
  return inputs;
}

// The run's rows: each member practice of the year by ODS code, its weighted population and the
// budget in force before the run, and the claims the total is apportioned by.
Result<std::shared_ptr<AllocationRun>> ComputeRunRows(const State& state, const RunInputs& inputs,
                                                      const v1::JournalEntry& envelope,
                                                      std::vector<Claim>& claims) {
  const int year = inputs.period.year->start_year;
  const std::string& line = inputs.line;
  auto run = std::make_shared<AllocationRun>();
  run->seq = state.last_seq() + 1;
  run->recorded_at = envelope.recorded_at().seconds();
  run->kind = inputs.kind;
  run->year = year;
  run->month = inputs.period.month;
  run->line = line;
  run->total_pence = inputs.total.pence();
  run->transferred_in_pence = inputs.transferred_in_pence;
  run->weights_seq = inputs.weights_seq;
  run->extract_date = inputs.extract_date;
  run->indices_seq = inputs.indices_seq;
  run->revises_seq = inputs.revises_seq;
  // The budgets in force: the balances of the practices' budget accounts for the line, whether earlier
  // runs or journals posted them, so that after the run each balance is exactly the run's budget.
  static const std::map<std::string, Int> kNoBalances;
  auto year_balances = state.balances.find(year);
  const std::map<std::string, Int>& balances =
      year_balances == state.balances.end() ? kNoBalances : year_balances->second;
  const Int one_nano = 1'000'000'000;
  run->rows.reserve(state.practices.size());
  claims.reserve(state.practices.size());
  std::vector<std::int64_t> nanos64(kBandCount);
  for (std::size_t b = 0; b < kBandCount; ++b) {
    nanos64[b] = inputs.weights->nanos[b].convert_to<std::int64_t>();  // At most 10^15.
  }
  for (const auto& [ods, practice] : state.practices) {
    if (state.notices.LeftBefore(ods, year)) continue;  // Not a member of the year.
    auto counts = inputs.lists->find(ods);
    std::int64_t patients = 0;
    Int128 weighted = 0;
    if (counts != inputs.lists->end()) {
      for (std::size_t b = 0; b < kBandCount; ++b) {
        patients += counts->second[b];
        weighted += static_cast<Int128>(counts->second[b]) * nanos64[b];
      }
    }
    if (patients == 0) {
      return Refuse(v1::ERROR_CODE_PRACTICE_POPULATION_MISSING,
                    "practice " + ods + " has no registered patients in extract " +
                        inputs.extract_date + "; record its list before running the allocation");
    }
    AllocationRow row;
    row.ods_code = ods;
    row.patients = patients;
    // 0 <= weighted < 40 * 10^7 * 10^15 < 2^79: split into two 64-bit halves for cpp_int.
    row.weighted_patients = (Int(static_cast<std::uint64_t>(weighted >> 64)) << 64) +
                            Int(static_cast<std::uint64_t>(weighted));
    row.needs_nanos = one_nano;
    row.market_forces_nanos = one_nano;
    if (inputs.indices != nullptr) {
      if (auto found = inputs.indices->by_practice.find(ods);
          found != inputs.indices->by_practice.end()) {
        row.needs_nanos = found->second.first;
        row.market_forces_nanos = found->second.second;
      }
    }
    row.weighted_population = row.weighted_patients * row.needs_nanos * row.market_forces_nanos;
    run->weighted_population_total += row.weighted_population;
    if (auto found = balances.find("practice:" + ods + ":budget:" + line); found != balances.end()) {
      row.previous_pence = found->second;
    }
    if (auto found = state.notices.transferred.find({year, line, ods});
        found != state.notices.transferred.end()) {
      row.transfers_pence = found->second;
    }
    claims.push_back(Claim{Rational(row.weighted_population),
                           static_cast<std::uint32_t>(run->rows.size())});
    run->rows.push_back(std::move(row));
  }
  if (run->rows.empty()) {
    return Refuse(v1::ERROR_CODE_PRACTICE_UNKNOWN, "no practices are registered to allocate to");
  }
  return run;
}

// Apportions the total over the rows and builds the change-set: each practice's budget moves to
// its new budget (plus the transfers it holds), the line's pct:allocation account takes the
// difference, and the run is recorded, posted or not.
Result<ChangeSet> BuildRunChanges(const State& state, std::shared_ptr<AllocationRun> run,
                                  const std::vector<Claim>& claims) {
  Result<std::vector<Money>> budgets =
      Apportion(Money::FromPence(run->total_pence - run->transferred_in_pence), claims);
  if (!budgets.ok()) return budgets.status();
  ChangeSet changes;
  changes.year = run->year;
  changes.month = run->month;
  Int moved = 0;
  const std::string suffix = ":budget:" + run->line;
  for (std::size_t i = 0; i < run->rows.size(); ++i) {
    AllocationRow& row = run->rows[i];
    row.budget_pence = (*budgets)[i].pence();
    const Int change = row.budget_pence + row.transfers_pence - row.previous_pence;
    if (change == 0) continue;
    moved += change;
    changes.legs.push_back(Leg{"practice:" + row.ods_code + suffix, Money::FromPence(change)});
  }
  if (moved != 0) {
    changes.legs.push_back(Leg{"pct:allocation:" + run->line, Money::FromPence(-moved)});
  }
  if (changes.legs.empty()) {
    changes.year = 0;  // Nothing changes: the run is recorded, nothing is posted.
    changes.month = 0;
  }
  LCP_RETURN_IF_ERROR(
      CheckBalanceLimits(state, run->year, changes.legs, /*distinct_accounts=*/true));
  changes.irreversible = Irreversible::kAllocation;
  changes.changes.push_back(RecordAllocation{std::move(run)});
  return changes;
}

}  // namespace

Result<ChangeSet> DecideRunAllocation(const State& state, const v1::RunAllocation& command,
                                      const v1::JournalEntry& envelope) {
  Result<RunInputs> inputs = CheckRun(state, command, RulesOf(envelope));
  if (!inputs.ok()) return inputs.status();
  std::vector<Claim> claims;
  Result<std::shared_ptr<AllocationRun>> run = ComputeRunRows(state, *inputs, envelope, claims);
  if (!run.ok()) return run.status();
  return BuildRunChanges(state, std::move(run).value(), claims);
}

void ToAllocationView(const AllocationRun& run, const Capitation& capitation,
                      const Notices& notices, std::string_view only_ods, v1::AllocationView& view) {
  for (const auto& [ods, member] : notices.members) {  // By ODS code.
    if (notices.LeftBefore(ods, run.year)) view.add_left_out(ods);
  }
  view.set_run_seq(run.seq);
  view.mutable_period()->set_year(FormatYear(run.year));
  view.mutable_period()->set_month(FormatMonth(run.month));
  view.set_budget_line(run.line);
  view.mutable_total()->set_value(Pounds(run.total_pence));
  view.mutable_transferred_in_total()->set_value(Pounds(run.transferred_in_pence));
  view.set_weights_seq(run.weights_seq);
  view.set_extract_date(run.extract_date);
  view.set_indices_seq(run.indices_seq);
  view.set_revises_seq(run.revises_seq);
  view.set_notice(run.kind);
  view.set_recorded_date(run.recorded_at == 0 ? std::string() : UkDate(run.recorded_at));
  view.mutable_weighted_population_total()->set_value(
      FormatScaled(run.weighted_population_total, 27, 0));
  view.set_practice_count(static_cast<std::uint32_t>(run.rows.size()));
  for (const AllocationRow& row : run.rows) {
    if (!only_ods.empty() && row.ods_code != only_ods) continue;
    v1::AllocationRow* out = view.add_rows();
    out->set_ods_code(row.ods_code);
    out->set_patients(row.patients);
    out->mutable_weighted_patients()->set_value(FormatScaled(row.weighted_patients, 9, 0));
    out->mutable_needs_index()->set_value(FormatScaled(row.needs_nanos, 9, 2));
    out->mutable_market_forces_factor()->set_value(FormatScaled(row.market_forces_nanos, 9, 2));
    out->mutable_weighted_population()->set_value(FormatScaled(row.weighted_population, 27, 0));
    out->mutable_share()->set_value(
        RoundedRatio(row.weighted_population, run.weighted_population_total, 9));
    out->mutable_budget()->set_value(Pounds(row.budget_pence));
    out->mutable_previous_budget()->set_value(Pounds(row.previous_pence));
    out->mutable_change()->set_value(
        Pounds(row.budget_pence + row.transfers_pence - row.previous_pence));
    out->mutable_transfers()->set_value(Pounds(row.transfers_pence));
    if (only_ods.empty()) continue;
    auto weights = capitation.weights.find(run.weights_seq);
    auto lists = capitation.lists.find(run.extract_date);
    if (weights == capitation.weights.end() || lists == capitation.lists.end()) continue;
    auto counts = lists->second.find(row.ods_code);
    if (counts == lists->second.end()) continue;
    for (std::size_t b = 0; b < kBandCount; ++b) {
      v1::BandDetail* band = out->add_bands();
      band->set_band(Labels()[b]);
      band->set_patients(counts->second[b]);
      band->mutable_weight()->set_value(FormatScaled(weights->second.nanos[b], 9, 2));
      band->mutable_weighted()->set_value(
          FormatScaled(Int(counts->second[b]) * weights->second.nanos[b], 9, 0));
    }
  }
}

}  // namespace lcp

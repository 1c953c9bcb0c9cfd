// Risk-adjusted capitation (DOMAIN.md "Risk-adjusted capitation"): the commands that record its
// inputs (band weights, registered lists, practice indices) and the allocation run that turns them
// into budgets, exact to the penny. Called by the engine (engine.h); pure like it.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/change_set.h"
#include "ledger/base/state.h"
#include "ledger/base/status.h"

namespace lcp {

inline constexpr std::int64_t kBandPatientsMax = 10'000'000;

// The 40 band labels in order: MALE_0_4 ... MALE_90_94, MALE_95+, then the same for FEMALE.
std::span<const std::string> BandLabels();
// The index of `label` in BandLabels(), or -1.
int BandIndex(std::string_view label);
// Whether `text` is a real date written YYYY-MM-DD.
bool IsExtractDate(std::string_view text);

Result<ChangeSet> DecideSetBandWeights(const State& state, const v1::SetBandWeights& command);
Result<ChangeSet> DecideRecordPopulation(const State& state, const v1::RecordPopulation& command);
Result<ChangeSet> DecideSetPracticeIndices(const State& state,
                                           const v1::SetPracticeIndices& command);
// Under rules 2 (base/rules_version.h) the total is the confirmed one, the run INDICATIVE or FINAL;
// `envelope` gives the rules and the recorded time.
Result<ChangeSet> DecideRunAllocation(const State& state, const v1::RunAllocation& command,
                                      const v1::JournalEntry& envelope);

// Fills `view` from `run`. With `only_ods`, only that practice's row, with its band-by-band detail
// (from `capitation`'s lists and weights). The practices left out are those `notices` says left
// before the run's year. REQUIRES: `run` is one of `capitation`'s runs, or was just decided on the
// state that holds `capitation` and `notices`.
void ToAllocationView(const AllocationRun& run, const Capitation& capitation,
                      const Notices& notices, std::string_view only_ods, v1::AllocationView& view);

}  // namespace lcp

#include "ledger/rules/reserve.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "ledger/base/accounts.h"
#include "ledger/base/check.h"
#include "ledger/base/periods.h"
#include "ledger/rules/checks.h"

namespace lcp {
namespace {

constexpr std::string_view kPracticePrefix = "practice:";
constexpr std::string_view kReinvestmentSuffix = ":reinvestment";

// Each practice's reinvestment balance in `year`'s books where it is not zero, by ODS code.
std::map<std::string, Int> ReinvestmentBalances(const State& state, int year) {
  std::map<std::string, Int> out;
  auto balances = state.balances.find(year);
  if (balances == state.balances.end()) return out;
  for (auto it = balances->second.lower_bound(std::string(kPracticePrefix));
       it != balances->second.end() && it->first.starts_with(kPracticePrefix); ++it) {
    const std::string_view ods = ReinvestmentPractice(it->first);
    if (!ods.empty() && it->second != 0) out.emplace(ods, it->second);
  }
  return out;
}

// A leg in `year` `month` of an entry that posts in `entry_year` `entry_month`: the leg carries a
// period of its own only when it differs from the entry's.
Leg LegIn(std::string account, const Int& pence, int year, int month, int entry_year,
          int entry_month) {
  Leg leg{std::move(account), Money::FromPence(pence)};
  if (year != entry_year || month != entry_month) {
    leg.year = year;
    leg.month = month;
  }
  return leg;
}

}  // namespace

std::string_view ReinvestmentPractice(std::string_view account) {
  if (!account.starts_with(kPracticePrefix) || !account.ends_with(kReinvestmentSuffix)) return {};
  const std::string_view ods = account.substr(
      kPracticePrefix.size(), account.size() - kPracticePrefix.size() - kReinvestmentSuffix.size());
  return IsOdsPracticeCode(ods) ? ods : std::string_view();
}

Status CarryReservesIntoOpenedYear(const State& state, Year& opened, ChangeSet& changes) {
  const int to = opened.start_year;
  std::vector<Leg> legs;
  std::map<std::string, Int> arriving;
  for (const auto& [from, year] : state.years) {
    if (from >= to) break;
    const std::map<std::string, Int> reserves = ReinvestmentBalances(state, from);
    if (reserves.empty()) continue;
    std::vector<Leg> leaving;
    Int carried = 0;
    for (const auto& [ods, balance] : reserves) {
      leaving.push_back(
          LegIn(PracticeAccount(ods, "reinvestment"), -balance, from, kMonthsPerYear, to, 1));
      carried += balance;
      arriving[ods] += balance;
    }
    if (carried != 0) {
      leaving.push_back(
          LegIn(std::string(kReserveCarriedForwardAccount), carried, from, kMonthsPerYear, to, 1));
    }
    LCP_RETURN_IF_ERROR(CheckBalanceLimits(state, from, leaving, /*distinct_accounts=*/true));
    legs.insert(legs.end(), leaving.begin(), leaving.end());
  }
  if (legs.empty()) return Status::Ok();
  std::vector<Leg> arrived;
  Int total = 0;
  for (const auto& [ods, balance] : arriving) {
    if (balance == 0) continue;
    arrived.push_back(Leg{PracticeAccount(ods, "reinvestment"), Money::FromPence(balance)});
    total += balance;
  }
  if (total != 0) {
    arrived.push_back(Leg{std::string(kReserveBroughtForwardAccount), Money::FromPence(-total)});
  }
  LCP_RETURN_IF_ERROR(CheckBalanceLimits(state, to, arrived, /*distinct_accounts=*/true));
  legs.insert(legs.end(), arrived.begin(), arrived.end());
  LCP_CHECK(changes.legs.empty() || (changes.year == to && changes.month == 1));
  changes.year = to;
  changes.month = 1;
  changes.legs.insert(changes.legs.end(), legs.begin(), legs.end());
  if (changes.irreversible == Irreversible::kNo)
    changes.irreversible = Irreversible::kReserveCarried;
  opened.reserve_carried_in.push_back(state.last_seq() + 1);
  return Status::Ok();
}

Status CarryReservesOnSettlement(const State& state, const Year& settled,
                                 const std::map<std::string, Int>& shares, ChangeSet& changes) {
  LCP_CHECK(!state.years.empty() && state.years.rbegin()->first > settled.start_year &&
            state.years.rbegin()->second.settled_seq == 0);
  const Year& latest = state.years.rbegin()->second;
  const int from = settled.start_year;
  const int to = latest.start_year;
  // Into the latest year's first month still open (its M12 once every month is closed).
  const int month = std::min(latest.closed_through() + 1, kMonthsPerYear);
  std::map<std::string, std::pair<Int, Int>> figures;  // ODS -> (balance, share).
  for (const auto& [ods, balance] : ReinvestmentBalances(state, from)) figures[ods].first = balance;
  for (const auto& [ods, share] : shares) figures[ods].second = share;
  std::vector<Leg> leaving;
  std::vector<Leg> arrived;
  Int carried = 0;
  for (const auto& [ods, figure] : figures) {
    const auto& [balance, share] = figure;
    if (balance != 0) {
      leaving.push_back(LegIn(PracticeAccount(ods, "reinvestment"), -balance, from, kMonthsPerYear,
                              from, kMonthsPerYear));
    }
    const Int reserve = balance + share;
    if (reserve != 0) {
      arrived.push_back(
          LegIn(PracticeAccount(ods, "reinvestment"), reserve, to, month, from, kMonthsPerYear));
    }
    carried += reserve;
  }
  if (arrived.empty() && leaving.empty()) return Status::Ok();
  if (carried != 0) {
    leaving.push_back(Leg{std::string(kReserveCarriedForwardAccount), Money::FromPence(carried)});
    arrived.push_back(LegIn(std::string(kReserveBroughtForwardAccount), -carried, to, month, from,
                            kMonthsPerYear));
  }
  LCP_RETURN_IF_ERROR(CheckBalanceLimits(state, from, leaving, /*distinct_accounts=*/true));
  LCP_RETURN_IF_ERROR(CheckBalanceLimits(state, to, arrived, /*distinct_accounts=*/true));
  changes.legs.insert(changes.legs.end(), leaving.begin(), leaving.end());
  changes.legs.insert(changes.legs.end(), arrived.begin(), arrived.end());
  Year after = latest;
  after.reserve_carried_in.push_back(state.last_seq() + 1);
  changes.changes.push_back(PutYear{std::move(after)});
  return Status::Ok();
}

}  // namespace lcp

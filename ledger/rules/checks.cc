#include "ledger/rules/checks.h"

#include <boost/container/small_vector.hpp>

#include "ledger/base/accounts.h"
#include "ledger/base/change_set.h"
#include "ledger/base/periods.h"
#include "ledger/base/text.h"

namespace lcp {
namespace {

Status Refuse(ErrorCode code, std::string message) {
  return Status::Error(code, std::move(message));
}

}  // namespace

Status CheckReason(const std::string& reason, const std::string& what) {
  if (IsPrintableText(reason, kNarrativeLengthMax)) return Status::Ok();
  return Refuse(v1::ERROR_CODE_NARRATIVE_INVALID,
                what + " needs a reason of 1 to " + std::to_string(kNarrativeLengthMax) +
                    " characters of UTF-8 text without control characters");
}

Result<const Year*> CheckOpenYear(const State& state, const std::string& year_text) {
  Result<int> start_year = ParseYear(year_text);
  if (!start_year.ok()) return start_year.status();
  auto year = state.years.find(*start_year);
  if (year == state.years.end()) {
    return Refuse(v1::ERROR_CODE_YEAR_NOT_OPEN,
                  "financial year " + year_text + " has not been opened; open it first");
  }
  if (year->second.settled_seq != 0) {
    return Refuse(v1::ERROR_CODE_YEAR_SETTLED,
                  "financial year " + year_text + " was settled by entry " +
                      std::to_string(year->second.settled_seq) +
                      " and is locked; nothing more is posted or changed in it");
  }
  return &year->second;
}

Result<OpenPeriod> CheckPeriod(const State& state, const v1::Period& period) {
  Result<int> start_year = ParseYear(period.year());
  if (!start_year.ok()) return start_year.status();
  Result<int> month = ParseMonth(period.month());
  if (!month.ok()) return month.status();
  Result<const Year*> year = CheckOpenYear(state, period.year());
  if (!year.ok()) return year.status();
  if ((*year)->is_closed(*month)) {
    return Refuse(v1::ERROR_CODE_MONTH_CLOSED,
                  period.year() + " " + period.month() + " is closed (months are closed through " +
                      FormatMonth((*year)->closed_through()) +
                      "); post into an open month, naming the entry it corrects");
  }
  return OpenPeriod{*year, *month};
}

// Checks that an account follows the chart and names a registered party and a line of `year`.
Status CheckAccount(const State& state, const Year& year, const std::string& path) {
  // A path posted to before was parsed then; its parts are kept (every posting comes through here).
  std::optional<AccountRef> known;
  if (auto number = state.account_numbers.find(path); number != state.account_numbers.end()) {
    if (const std::optional<AccountShape>& shape = state.numbered_accounts[number->second].shape) {
      known = shape->Over(path);
    }
  }
  Result<AccountRef> ref = known ? Result<AccountRef>(*known) : ParseAccount(path);
  if (!ref.ok()) return ref.status();
  // Codes are at most 8 characters, so the keys built here stay in the strings' own buffers.
  if (ref->scope == Scope::kPractice && !state.practices.contains(std::string(ref->party))) {
    return Refuse(v1::ERROR_CODE_PRACTICE_UNKNOWN, "account " + Quoted(path) + " names practice " +
                                                       std::string(ref->party) +
                                                       ", which is not registered");
  }
  if (ref->scope == Scope::kProvider && !state.providers.contains(std::string(ref->party))) {
    return Refuse(v1::ERROR_CODE_PROVIDER_UNKNOWN, "account " + Quoted(path) + " names provider " +
                                                       std::string(ref->party) +
                                                       ", which is not registered");
  }
  if (!ref->line.empty() && !year.line_set.contains(ref->line)) {
    return Refuse(v1::ERROR_CODE_BUDGET_LINE_UNKNOWN,
                  "account " + Quoted(path) + " names budget line " + std::string(ref->line) +
                      ", which " + FormatYear(year.start_year) + " does not have");
  }
  return Status::Ok();
}

Status CheckBalanceLimits(const State& state, int start_year, const std::vector<Leg>& legs,
                          bool distinct_accounts) {
  // The running balance of each leg's account after that leg. A journal has a handful of legs (at most
  // 256), so a linear search for an earlier leg on the same account beats building a map; an
  // allocation's legs (one per practice) name distinct accounts and skip the search.
  // On the stack for a journal's few legs: this runs for every command that posts.
  boost::container::small_vector<Int, 8> running(legs.size());
  auto year_balances = state.balances.find(start_year);
  for (std::size_t i = 0; i < legs.size(); ++i) {
    std::size_t earlier = i;
    for (std::size_t j = i; !distinct_accounts && j-- > 0;) {
      if (legs[j].account == legs[i].account) {
        earlier = j;
        break;
      }
    }
    if (earlier != i) {
      running[i] = running[earlier];
    } else if (year_balances != state.balances.end()) {
      auto existing = year_balances->second.find(legs[i].account);
      if (existing != year_balances->second.end()) running[i] = existing->second;
    }
    running[i] += legs[i].amount.pence();
    if (!WithinMagnitude(running[i], kBalancePenceMax)) {
      return Refuse(v1::ERROR_CODE_BALANCE_LIMIT_EXCEEDED,
                    "account \"" + legs[i].account + "\" would reach a balance beyond " +
                        Money::FromPence(kBalancePenceMax).ToString() + " in " +
                        FormatYear(start_year));
    }
  }
  return Status::Ok();
}

}  // namespace lcp

#include "ledger/read/reports.h"

#include <algorithm>

#include "ledger/base/periods.h"
#include "ledger/read/queries.h"

namespace lcp {

std::vector<TrialBalance> TrialBalances(const v1::GetBalancesResponse& balances) {
  std::vector<TrialBalance> result;
  std::string year_text;
  for (const v1::Balance& balance : balances.balances()) {
    if (result.empty() || balance.year() != year_text) {
      year_text = balance.year();
      result.emplace_back().start_year = *ParseYear(year_text);
    }
    TrialBalance& trial = result.back();
    const Money amount = *Money::Parse(balance.balance().value());
    if (amount.is_zero()) continue;
    TrialBalanceRow row{balance.account(), Money(), Money()};
    if (amount.is_negative()) {
      row.credit = -amount;
      trial.total_credit += row.credit;
    } else {
      row.debit = amount;
      trial.total_debit += row.debit;
    }
    trial.rows.push_back(std::move(row));
  }
  return result;
}

std::vector<TrialBalance> TrialBalances(const State& state) {
  return TrialBalances(
      *queries::GetBalances(BorrowSnapshot(state, nullptr), queries::Auditor(), {}));
}

std::string FormatTrialBalances(const std::vector<TrialBalance>& balances) {
  std::string out;
  auto pad_left = [](const std::string& text, std::size_t width) {
    return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
  };
  auto pad_right = [](const std::string& text, std::size_t width) {
    return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
  };
  for (const TrialBalance& balance : balances) {
    std::size_t width = 7;
    for (const TrialBalanceRow& row : balance.rows) width = std::max(width, row.account.size());
    const auto amount = [](const Money& money) { return money.is_zero() ? "" : money.ToString(); };
    out += "Trial balance " + FormatYear(balance.start_year) + "\n";
    out += pad_right("account", width) + "  " + pad_left("debit", 18) + "  " +
           pad_left("credit", 18) + "\n";
    for (const TrialBalanceRow& row : balance.rows) {
      out += pad_right(row.account, width) + "  " + pad_left(amount(row.debit), 18) + "  " +
             pad_left(amount(row.credit), 18) + "\n";
    }
    out += pad_right("total", width) + "  " + pad_left(balance.total_debit.ToString(), 18) + "  " +
           pad_left(balance.total_credit.ToString(), 18) + "\n";
    out += balance.balanced() ? "balanced\n\n" : "NOT BALANCED\n\n";
  }
  return out;
}

}  // namespace lcp

#include "ledger/reports.h"

#include <algorithm>

#include "ledger/periods.h"

namespace lcp {

std::vector<TrialBalance> TrialBalances(const State& state) {
  std::vector<TrialBalance> result;
  for (const auto& [start_year, accounts] : state.balances) {
    TrialBalance balance;
    balance.start_year = start_year;
    for (const auto& [account, pence] : accounts) {
      if (pence.is_zero()) continue;
      TrialBalanceRow row{account, Money(), Money()};
      if (pence.sign() > 0) {
        row.debit = Money::FromPence(pence);
        balance.total_debit += row.debit;
      } else {
        row.credit = Money::FromPence(-pence);
        balance.total_credit += row.credit;
      }
      balance.rows.push_back(std::move(row));
    }
    result.push_back(std::move(balance));
  }
  return result;
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

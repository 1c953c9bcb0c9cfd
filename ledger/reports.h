// Reports derived from the state alone, shared by the server, the sample tool and the auditor's replay.
#pragma once

#include <string>
#include <vector>

#include "ledger/decimal.h"
#include "ledger/state.h"

namespace lcp {

struct TrialBalanceRow {
  std::string account;
  Money debit;   // The balance when it is positive, else zero.
  Money credit;  // The magnitude of the balance when it is negative, else zero.
};

struct TrialBalance {
  int start_year = 0;
  std::vector<TrialBalanceRow> rows;  // Accounts in path order; zero balances left out.
  Money total_debit;
  Money total_credit;
  bool balanced() const { return total_debit == total_credit; }
};

// One trial balance per financial year that has postings, in year order.
std::vector<TrialBalance> TrialBalances(const State& state);

// The trial balances as a fixed-width text table.
std::string FormatTrialBalances(const std::vector<TrialBalance>& balances);

}  // namespace lcp

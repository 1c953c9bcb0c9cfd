// Reports derived from the ledger's figures, for the auditor's replay (lcp-audit).
#pragma once

#include <string>
#include <vector>

#include "lcp/v1/ledger_service.pb.h"
#include "ledger/base/decimal.h"
#include "ledger/base/state.h"

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

// One trial balance per financial year in `balances` (as GetBalances returns them: grouped by year,
// in year order), its accounts in the order given. REQUIRES: canonical years and amounts, as
// GetBalances writes them.
std::vector<TrialBalance> TrialBalances(const v1::GetBalancesResponse& balances);
// The same of every account in `state`, read through GetBalances as an auditor (queries.h).
std::vector<TrialBalance> TrialBalances(const State& state);

// The trial balances as a fixed-width text table.
std::string FormatTrialBalances(const std::vector<TrialBalance>& balances);

}  // namespace lcp

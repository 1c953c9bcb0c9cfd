// The transaction every benchmark sends: balanced two-posting journal number n, built in place.
#pragma once

#include <cstdint>
#include <string>

#include "lcp/v1/ledger.pb.h"

namespace lcp::bench {

inline void FillTransaction(std::uint64_t n, v1::Command& command) {
  auto* journal = command.mutable_post_journal();
  journal->mutable_period()->set_year("2026/27");
  journal->mutable_period()->set_month("M01");
  journal->set_narrative("load");
  const std::string amount = std::to_string(1 + n % 997) + "." + std::to_string(10 + n % 90);
  auto* debit = journal->add_postings();
  debit->set_account(n % 2 == 0 ? "practice:A81001:spend:AE" : "practice:A81002:spend:AE");
  debit->mutable_amount()->set_value(amount);
  auto* credit = journal->add_postings();
  credit->set_account("provider:RX1:payable");
  credit->mutable_amount()->set_value("-" + amount);
}

}  // namespace lcp::bench

// The rules in force, recorded per entry. Every journal entry records the rules version that
// decided it (JournalEntry.rules_version, covered by the entry's hash; absent means 1). The writer
// stamps kRulesVersionCurrent on every new entry; a replay, at the server's start-up and in
// lcp-audit, decides each entry under the version it records, so books recorded under older rules
// replay exactly as they were decided.
//
// A rule change is one constant below, named for what it changes and equal to the version that
// brings it in, and one branch where the rule lives: `if (rules::InForce(rules, rules::kX))`.
// docs/architecture.md ("Rules versions") says how to introduce one; docs/export-format.md keeps
// the history of versions.
#pragma once

#include <cstdint>

#include "lcp/v1/ledger.pb.h"

namespace lcp {

inline constexpr std::uint32_t kRulesVersionFirst = 1;
inline constexpr std::uint32_t kRulesVersionCurrent = 7;

// The rules version an entry records: 0 (not recorded) means 1.
inline std::uint32_t RulesOf(const v1::JournalEntry& envelope) {
  return envelope.rules_version() == 0 ? kRulesVersionFirst : envelope.rules_version();
}

namespace rules {

// Rules 2: budget notices (budgets move only by the agreed method; corrections in the current
// month).
// A journal may not move a practice's budget (practice:<ODS>:budget:<LINE>): it moves only by an
// allocation run of the PCT's confirmed total or an approved budget transfer.
inline constexpr std::uint32_t kBudgetAccountsReserved = 2;
// A journal may not move practice:<ODS>:reinvestment, practice:<ODS>:risk_share or pct:risk_share:
// they move only by the year's settlement. (lcp:risk_pool was the settlement's from rules 1.)
inline constexpr std::uint32_t kSettlementAccountsReserved = 2;
// A reversal may not move an account that a journal may not: an old typed budget is put right by a
// revision run or a transfer, not by reversing it.
inline constexpr std::uint32_t kReservedAccountsNotReversed = 2;
// A correction (a journal or a reversal) goes into the current month, the earliest still open.
inline constexpr std::uint32_t kCorrectionsInCurrentMonth = 2;
// An allocation run allocates exactly the PCT's confirmed total for its line, and says whether it
// is an INDICATIVE or a FINAL notice; an indicative run after a final one is refused.
inline constexpr std::uint32_t kConfirmedTotalsAndNotices = 2;

// Rules 3: a FINAL budget notice is revised only with a reason on the record; the PCT's allocation
// accounts move only with the budgets.
// A run that revises a FINAL run gives its reason (RunAllocation.reason; REASON_REQUIRED without).
inline constexpr std::uint32_t kFinalRevisionNeedsReason = 3;
// A journal or a reversal may not move pct:allocation:<LINE>, the other side of every budget on the
// line: it moves only with the budgets (an allocation run or an approved transfer).
inline constexpr std::uint32_t kAllocationAccountsReserved = 3;

// Rules 4: a budget transfer between lines moves both lines' confirmed totals, and no transfer
// undercuts what contracts commit.
// Approving a transfer between lines confirms both lines' new totals (each moved by the amount),
// which both lines need to have; a run splits its confirmed total less what such transfers moved
// into it, so that the practices' budgets sum to the confirmed total.
inline constexpr std::uint32_t kTransfersMoveConfirmedTotals = 4;
// A transfer may not leave a practice's budget on the from-line below its outstanding contract
// commitments there (BUDGET_COMMITTED).
inline constexpr std::uint32_t kTransfersKeepCommitments = 4;

// Rules 5: practices sign up on the membership terms the LCP recorded for the year.
// A sign-up names the year's terms in force (RecordMembershipTerms); before, any document's
// SHA-256.
inline constexpr std::uint32_t kSignUpOnRecordedTerms = 5;

// Rules 6: a practice's reinvestment reserve is carried into the next year, never left in a locked
// year.
// Opening a year carries every practice's reinvestment balance of the year before into it; a
// settlement when the next year is open already carries the practice's savings (and anything its
// reinvestment account still holds) into that year (ledger/rules/reserve.h).
inline constexpr std::uint32_t kReserveCarriedForward = 6;

// Rules 7: business cases spend reserves, on a decision clock.
// The case commands (SubmitCase ... DrawDownCase; ledger/rules/cases.h) exist, and an agreement may
// set the decision target (AgreementTerms.decision_target_days). Under older rules a case command
// is refused (CASE_RULES_NOT_IN_FORCE) and the target must be 0.
inline constexpr std::uint32_t kBusinessCases = 7;

// Whether the rule change introduced in version `change` is in force for an entry decided under
// `rules`.
constexpr bool InForce(std::uint32_t rules, std::uint32_t change) { return rules >= change; }

}  // namespace rules
}  // namespace lcp

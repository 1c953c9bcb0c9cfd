// Business cases (DOMAIN.md "The reinvestment reserve and business cases"; rules version 7,
// kBusinessCases): requests to spend practices' reinvestment reserves on a named service
// improvement, their consents, their decision on a clock (decision_clock.h), and the draw-downs
// that pay the case's provider from the reserves. Called by the engine (engine.h); pure like it.
// Each command computes the changed case as a new value (a PutCase change); Apply only installs it
// and keeps Cases::held, what approved cases hold of each practice's reserve.
//
// Where the money is. A practice's reserve is the credit on practice:<ODS>:reinvestment in the
// latest year (rules 6 carries it there). Approval holds each practice's funding: a memo against
// the reserve (Cases::held), as a contract's outstanding commitment is against a budget, so the
// reserve itself moves only when a draw-down pays the provider; and since the hold is not a
// posting, a reserve carried into a new year takes its holds with it. What a practice may still
// give to a new case, its available reserve, is its reserve less what approved cases hold of it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/change_set.h"
#include "ledger/base/state.h"
#include "ledger/base/status.h"
#include "ledger/rules/decision_clock.h"

namespace lcp {

inline constexpr std::size_t kCaseIdLengthMax = 32;
// A purpose, a question, an answer or a decision's reasons.
inline constexpr std::size_t kCaseTextLengthMax = 2000;
inline constexpr std::size_t kCaseFundingsMax = 100;
inline constexpr std::uint32_t kDecisionTargetDaysMax = 366;

// True for "BC-2027-01": 1 to 32 capital letters, digits, '-' and '_', starting with a letter.
bool IsCaseId(std::string_view id);

// Whether `ods` is one of the case's funding practices (the cases a practice may know of).
bool Funds(const BusinessCase& business_case, const std::string& ods);

// The role that decides the case: PCT_FINANCE for a MAKE case, or one whose provider or contract
// (or another contract with its provider) a member declared an interest in; LCP_FINANCE otherwise.
// When `why` is given, it is set to the reason in words.
v1::Role ApproverRole(const Contracts& contracts, const BusinessCase& business_case,
                      std::string* why = nullptr);

// A practice's reinvestment reserve in the latest year (the credit balance, in pence), and what it
// may still give to a new case: that less what approved cases hold of it.
Int ReserveOf(const State& state, const std::string& ods);
Int AvailableReserve(const State& state, const std::string& ods);

// The case's decision clock: from its last consent, paused by its questions, stopped by its
// decision or withdrawal, or read at `now` (seconds since 1970) while open. Before the clock
// starts, zeros.
DecisionClock ClockOf(const BusinessCase& business_case, std::int64_t now);

// The decision target (days) for a case of `start_year` whose clock starts now: the year's
// agreement in force, or the default.
std::uint32_t DecisionTargetOf(const State& state, int start_year);

Result<ChangeSet> DecideSubmitCase(const State& state, const v1::SubmitCase& command,
                                   const v1::JournalEntry& envelope);
Result<ChangeSet> DecideConsentCase(const State& state, const v1::ConsentCase& command,
                                    const v1::JournalEntry& envelope);
Result<ChangeSet> DecideRequestCaseInformation(const State& state,
                                               const v1::RequestCaseInformation& command,
                                               const v1::JournalEntry& envelope);
Result<ChangeSet> DecideAnswerCase(const State& state, const v1::AnswerCase& command,
                                   const v1::JournalEntry& envelope);
Result<ChangeSet> DecideDecideCase(const State& state, const v1::DecideCase& command,
                                   const v1::JournalEntry& envelope);
Result<ChangeSet> DecideWithdrawCase(const State& state, const v1::WithdrawCase& command,
                                     const v1::JournalEntry& envelope);
Result<ChangeSet> DecideCloseCase(const State& state, const v1::CloseCase& command,
                                  const v1::JournalEntry& envelope);
Result<ChangeSet> DecideDrawDownCase(const State& state, const v1::DrawDownCase& command,
                                     const v1::JournalEntry& envelope);

}  // namespace lcp

// Budget notices and membership (DOMAIN.md "Budget notices", "Membership"): the PCT's confirmed
// line totals, budget transfers between lines, practices' acknowledgements of their notices,
// sign-ups and leaving; and the UK dates that say when a notice was given. Called by the engine
// (engine.h); pure like it: the time of an entry comes in with its envelope.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/change_set.h"
#include "ledger/base/rules_version.h"
#include "ledger/base/state.h"
#include "ledger/base/status.h"

namespace lcp {

// The date in the UK ("2026-05-01") at `seconds` since 1970 UTC: GMT, or BST (UTC+1) from 01:00 UTC
// on the last Sunday of March to 01:00 UTC on the last Sunday of October.
std::string UkDate(std::int64_t seconds);
// Whole days from `from` to `to`, both "YYYY-MM-DD" real dates: negative when `to` is earlier.
std::int64_t DaysBetween(std::string_view from, std::string_view to);
// The default notice deadline of a year: 1 May of its start year, "2026-05-01".
std::string DefaultNoticeDeadline(int start_year);
// Whether `ods` is a member of year `start_year`: registered, and not left before it.
bool IsMemberIn(const State& state, const std::string& ods, int start_year);

Result<ChangeSet> DecideConfirmLineTotal(const State& state, const v1::ConfirmLineTotal& command,
                                         const v1::JournalEntry& envelope);
Result<ChangeSet> DecideProposeBudgetTransfer(const State& state,
                                              const v1::ProposeBudgetTransfer& command,
                                              const v1::JournalEntry& envelope);
Result<ChangeSet> DecideApproveBudgetTransfer(const State& state,
                                              const v1::ApproveBudgetTransfer& command,
                                              const v1::JournalEntry& envelope);
Result<ChangeSet> DecideAcknowledgeNotice(const State& state, const v1::AcknowledgeNotice& command,
                                          const v1::JournalEntry& envelope);
Result<ChangeSet> DecideSignMembership(const State& state, const v1::SignMembership& command,
                                       const v1::JournalEntry& envelope);
Result<ChangeSet> DecideLeaveLcp(const State& state, const v1::LeaveLcp& command,
                                 const v1::JournalEntry& envelope);
Result<ChangeSet> DecideRecordMembershipTerms(const State& state,
                                              const v1::RecordMembershipTerms& command,
                                              const v1::JournalEntry& envelope);

}  // namespace lcp

// Make-or-buy contracts (DOMAIN.md "Make-or-buy contracts"): registration, declared interests,
// approval (the governance rules), variations, payments against ceilings with their attribution to
// practices, and closing; and the commitments each of them moves. Called by the engine (engine.h);
// pure like it. Decide computes each changed contract as a new value (PutContract changes); Apply
// only installs them.
//
// The commitment rule, in one place: while a contract year is committed and the contract open, its
// outstanding commitment is max(0, value - paid), and each practice's part of it is the
// largest-remainder split of that amount by the weighted populations of the year's basis run. Every
// command posts the change of each practice's part.
#pragma once

#include <string>
#include <vector>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/change_set.h"
#include "ledger/base/state.h"
#include "ledger/base/status.h"

namespace lcp {

inline constexpr std::size_t kContractIdLengthMax = 32;
inline constexpr std::size_t kInvoiceReferenceLengthMax = 64;
inline constexpr int kContractMonthsMax = 60;
inline constexpr std::int64_t kCasesMax = 100'000'000;
// The most practices one ACTIVITY payment may name, and the most practices a basis run may have, so
// that a contract's entry stays far below kEntryBodyBytesMax.
inline constexpr std::size_t kContractPracticesMax = 20'000;
// The most postings one entry that rolls commitments forward may have.
inline constexpr std::size_t kRolloverPostingsMax = 100'000;

// The part of an annual amount that falls in months first..last (1..12) of a year: the annual amount
// split into 12 equal monthly quotas by largest remainder, the leftover units to the earliest months.
Int Prorate(const Int& annual, int first_month, int last_month);

// Whether a member has declared an interest in the contract or its provider.
bool IsConflicted(const Contracts& contracts, const Contract& contract);
// Whether the contract (or its variations) needs PCT_FINANCE approval: MAKE, or conflicted.
bool NeedsPctApproval(const Contracts& contracts, const Contract& contract);

Result<ChangeSet> DecideRegisterContract(const State& state, const v1::RegisterContract& command,
                                         const v1::Actor& actor);
Result<ChangeSet> DecideDeclareInterest(const State& state, const v1::DeclareInterest& command,
                                        const v1::Actor& actor);
Result<ChangeSet> DecideApproveContract(const State& state, const v1::ApproveContract& command,
                                        const v1::Actor& actor);
Result<ChangeSet> DecideVaryContract(const State& state, const v1::VaryContract& command,
                                     const v1::Actor& actor);
Result<ChangeSet> DecidePostPayment(const State& state, const v1::PostPayment& command);
Result<ChangeSet> DecideCloseContract(const State& state, const v1::CloseContract& command);

// The commitments that opening `year` makes: each approved, open contract that runs into the year
// is committed for it. Adds the merged legs (one per account) to `changes` and the changed
// contracts as PutContract changes. Refuses BUDGET_LINE_UNKNOWN when such a contract's line is not
// among the year's.
Status RollContractsForward(const State& state, const Year& year, ChangeSet& changes);

// The settlement of `year`: releases every contract's outstanding commitment in the year into its
// M12 (legs appended to `legs`, one per practice and contract) and marks each contract's year settled
// (appended to `changed`), so that nothing commits it again.
void ReleaseForSettlement(const State& state, int year, std::vector<Leg>& legs,
                          std::vector<std::shared_ptr<const Contract>>& changed);

// The terms as the wire carries them.
void ToTermsMessage(const ContractTermsValue& terms, v1::ContractTerms& message);

}  // namespace lcp

// The reinvestment reserve (DOMAIN.md, "The reinvestment reserve and business cases"): a practice's
// settled savings, practice:<ODS>:reinvestment, which under rules 6 (kReserveCarriedForward) are
// carried from year to year so that none is left in a locked year.
//
// The reserve lives in the latest year the ledger has. Opening a year after the latest carries into
// it every practice's reinvestment balance from every earlier year (under rules 6 only the year
// before holds any; books recorded under older rules may have left reserve in earlier settled
// years, and the first opening under rules 6 gathers it up). A settlement of a year that is not the
// latest carries the practice's savings, and whatever its reinvestment account there still holds,
// into the latest year, unless that year is settled already (it is locked; the savings then stay
// for the next opening to gather). Each carry posts, per practice, a leg in the year the reserve
// leaves (in that year's M12) and one in the year it arrives, so the posting names the year it
// comes from; each year balances through lcp:reserve_carried_forward (credit, in the year left) and
// lcp:reserve_brought_forward (debit, in the year reached).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "ledger/base/change_set.h"
#include "ledger/base/decimal.h"
#include "ledger/base/state.h"
#include "ledger/base/status.h"

namespace lcp {

// Appends to `changes` the legs that carry every earlier year's reinvestment balances into
// `opened`, the year being opened after every year the ledger has, and records the entry in
// opened.reserve_carried_in. `changes` posts in `opened`'s M01 (set here if it posts nothing yet).
// Refuses BALANCE_LIMIT_EXCEEDED only.
Status CarryReservesIntoOpenedYear(const State& state, Year& opened, ChangeSet& changes);

// For the settlement of `settled` when a later year is open and not settled: the legs that replace
// the shares' own (each practice's savings share, in pence, negative for a credit, in `shares`):
// each practice's reinvestment account in `settled` is emptied, and its balance there plus its
// share arrives in the latest year, in that year's first open month. Appends the legs to `changes`,
// and the latest year with the entry added to its reserve_carried_in, when anything is carried.
// `changes` posts in `settled`'s M12. Refuses BALANCE_LIMIT_EXCEEDED only.
Status CarryReservesOnSettlement(const State& state, const Year& settled,
                                 const std::map<std::string, Int>& shares, ChangeSet& changes);

// The reinvestment account's practice, or empty for any other account.
std::string_view ReinvestmentPractice(std::string_view account);

}  // namespace lcp

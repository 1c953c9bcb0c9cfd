// Reinvestment reserve statements (DOMAIN.md "The reinvestment reserve and business cases") as the
// wire carries them, built from a snapshot alone: what GetReserve returns. For the query
// (queries.h), which checks the caller and the year first and says which practice a PRACTICE
// caller may see (`only`; empty for every practice).
#pragma once

#include <string>

#include "lcp/v1/ledger_service.pb.h"
#include "ledger/base/state.h"
#include "ledger/base/status.h"
#include "ledger/read/snapshot.h"

namespace lcp {

// Everything GetReserve returns for `year`: the statements of `only` (a registered practice) or,
// when it is empty, of every registered practice and their totals. The carries and the settlement
// are read from their entries' records (RECORD_CORRUPT when one cannot be read); the balance from
// the snapshot's balances.
Status FillReserve(const Snapshot& snapshot, const Year& year, const std::string& only,
                   v1::GetReserveResponse& response);

}  // namespace lcp

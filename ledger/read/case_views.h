// Business cases as the wire carries them (GetCase, ListCases, GetCaseReport; DOMAIN.md "The
// reinvestment reserve and business cases"), built from a snapshot alone. Open cases' clocks are
// read at a given time, which the query takes from its request (the server fills in today).
#pragma once

#include <cstdint>
#include <string>

#include "lcp/v1/ledger_service.pb.h"
#include "ledger/base/state.h"
#include "ledger/read/snapshot.h"

namespace lcp {

// The role that decides the case: the one that did, once decided; otherwise the one it needs now.
v1::Role DeciderOf(const Snapshot& snapshot, const BusinessCase& business_case);

// The whole case, its clock read at `now` (seconds since 1970, UTC) while it is open.
void FillCaseView(const Snapshot& snapshot, const BusinessCase& business_case, std::int64_t now,
                  v1::CaseView& view);

// The case report over the cases `ods` funds (every case when it is empty), clocks read at `now`.
void FillCaseReport(const Snapshot& snapshot, const std::string& ods, std::int64_t now,
                    v1::GetCaseReportResponse& response);

// A case's figures for one funding practice (its part) or, with `ods` empty, for the whole case.
void FillCaseFigures(const BusinessCase& business_case, const std::string& ods,
                     v1::ReserveCaseView& view);

}  // namespace lcp

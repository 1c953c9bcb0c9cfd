// How lcp and lcp-audit print business cases (DOMAIN.md "The reinvestment reserve and business
// cases"): one case in full, a list of cases, the case report, and each practice's cases in its
// reserve statement. Protobuf alone, no gRPC.
#pragma once

#include <string>

#include "lcp/v1/ledger_service.pb.h"

namespace lcp::client {

// A case's state without its prefix: "AWAITING_DECISION".
std::string CaseStateName(v1::CaseState state);
// "PCT_FINANCE", "LCP_FINANCE".
std::string RoleText(v1::Role role);
// A case's clock in words: "not started (awaiting consent)", "started 2027-05-06; day 12 of 56, 3
// days paused, 44 days left", "decided on day 57 of 56: 1 day late", "stopped by the withdrawal on
// day 9 of 56".
std::string ClockText(const v1::CaseClockView& clock, v1::CaseState state);

// One case: what it is for, who funds it and consented, who decides and why, its clock, questions,
// decision, and its figures with each draw-down.
std::string CaseTable(const v1::GetCaseResponse& response);
// One line per case: id, state, approver, amount, drawn, held, clock.
std::string CasesTable(const v1::ListCasesResponse& response);
// Open cases with their clocks, most overdue first; per approving role the decided, the median days
// and the late cases; the cases awaiting consent.
std::string CaseReportTable(const v1::GetCaseReportResponse& response);
// The per-case lines of a reserve statement: each practice's part of each approved case.
std::string ReserveCasesText(const v1::GetReserveResponse& response);

}  // namespace lcp::client

// How lcp and lcp-audit print budget notices and membership (DOMAIN.md "Budget notices",
// "Membership"): the notices report, the membership list, and the lines a statement and a risk
// share add about where a budget came from and who signed up. Protobuf alone, no gRPC.
#pragma once

#include <cstdint>
#include <string>

#include "lcp/v1/ledger_service.pb.h"

namespace lcp::client {

// Per line: the deadline, the confirmed total, the first notice on time or how late (or overdue
// while no run), the latest run, acknowledgements and who has not acknowledged; then the transfers.
std::string NoticesTable(const v1::GetNoticesResponse& response);
// The year's budget transfers alone, in the order proposed, each approved or awaiting approval;
// with `pending_only`, only those awaiting PCT finance's approval.
std::string TransfersTable(const v1::GetNoticesResponse& response, bool pending_only);
// Who signed what for the year, who has not or must sign again, who left or is leaving.
std::string MembershipsTable(const v1::ListMembershipsResponse& response);
// One practice's sign-up for `year` in words: "signed agreement 7 on 2026-04-20 (terms sha256
// ab12cd34...)", or "has not signed for 2026/27", with any leaving.
std::string MembershipText(const v1::MembershipView& view, const std::string& year);
// Where a budget came from in words: the run, its date and kind, the confirmed total, the first
// notice against the deadline, the acknowledgement and the transfers.
std::string BudgetSourceText(const v1::BudgetSource& source);
// "on time", "1 day late", "3 days late".
std::string LatenessText(bool on_time, std::uint32_t days_late);

}  // namespace lcp::client

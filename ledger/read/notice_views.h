// Views of budget notices and membership (DOMAIN.md "Budget notices", "Membership") as the wire
// carries them, built from a snapshot alone: GetNotices, ListMemberships, and the parts of a
// statement and a risk share that say where a budget came from and who signed up. For the queries
// (queries.h), which check the caller and the year first and say which practice a PRACTICE caller
// may see (`only`; empty for every practice).
#pragma once

#include <cstdint>
#include <string>

#include "lcp/v1/ledger_service.pb.h"
#include "ledger/base/state.h"
#include "ledger/read/snapshot.h"

namespace lcp {

// The year's notice deadline: the one it was opened with, or for a year opened before deadlines
// were recorded the default (1 May of its start year).
std::string NoticeDeadlineOf(const Year& year);

// Practice `ods`'s sign-up for `year` and whether it left or is leaving.
// REQUIRES: `ods` is a registered practice.
void FillMembership(const Snapshot& snapshot, const Year& year, const std::string& ods,
                    v1::MembershipView& view);

// Sets, for every practice of a statement of `year` filled already (FillStatement), each line's
// source (the line's latest run, its first notice against the deadline, the practice's
// acknowledgement and transfers; left unset for a line with no run) and the membership.
void FillStatementNotices(const Snapshot& snapshot, const Year& year,
                          v1::GetStatementResponse& response);

// Sets the membership of every member of a risk share of `year` filled already.
void FillRiskShareMemberships(const Snapshot& snapshot, const Year& year,
                              v1::GetRiskShareResponse& response);

// Everything GetNotices returns for `year`, lines with no run overdue as of the UK date `today`
// ("" for none: an empty journal).
void FillNotices(const Snapshot& snapshot, const Year& year, const std::string& only,
                 const std::string& today, v1::GetNoticesResponse& response);

// Everything ListMemberships returns for `year`.
void FillMemberships(const Snapshot& snapshot, const Year& year, const std::string& only,
                     v1::ListMembershipsResponse& response);

}  // namespace lcp

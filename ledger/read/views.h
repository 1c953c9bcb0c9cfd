// Views of the ledger's figures as the wire carries them, built from the state alone: a practice's
// statement and a year's risk share, for the queries (queries.h) that the server and the auditor's
// replay (lcp-audit) both answer with.
#pragma once

#include <map>
#include <string>

#include "lcp/v1/ledger_service.pb.h"
#include "ledger/base/decimal.h"
#include "ledger/base/state.h"
#include "ledger/rules/risk_sharing.h"

namespace lcp {

// The statement of one practice (`only`), or of every practice and the LCP's totals (`only` empty),
// from a year's practice balances: per line budget, commitments, actual, forecast and variance, then
// TOTAL. Sets the year, the practices and the totals; the caller sets month and as_of_seq.
void FillStatement(const std::map<std::string, Practice>& practices, const Year& year,
                   const std::map<std::string, Int>& balances, const std::string& only,
                   v1::GetStatementResponse& response);

// A year's risk share, computed from the members' figures (with any what-ifs in them), for every
// member or one (`only`): everything GetRiskShare returns but as_of_seq and the what-ifs' echo.
// REQUIRES: the year has an agreement in force, and for `settled` a settlement.
Status FillRiskShareResponse(const std::map<std::string, Practice>& practices, const Year& year,
                             const std::vector<MemberFigures>& members, bool settled,
                             const std::string& only, v1::GetRiskShareResponse& response);

// The members' figures a year's risk share is computed from: every registered practice's now (a
// projection), or for `settled` those of the practices that shared the settlement.
std::vector<MemberFigures> RiskShareMembers(const std::map<std::string, Practice>& practices,
                                            const Notices& notices, const Year& year,
                                            const Balances& balances, bool settled);

// Every LCP-wide step of a risk share (all but the members, the request's echo and as_of_seq).
void FillRiskShare(const RiskShareOutcome& outcome, v1::GetRiskShareResponse& response);

// One member's row of a risk share.
void FillMember(const MemberOutcome& member, const std::string& name, v1::MemberRiskShare& out);

}  // namespace lcp

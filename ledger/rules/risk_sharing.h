// Risk sharing (DOMAIN.md "Risk sharing"), month close and year settlement: the agreement's terms and
// their checks, the risk-share computation with every step kept exact, and the four commands that
// propose and co-sign agreements, close months and settle years. Pure, like the engine that calls it.
//
// ComputeRiskShare is the one place the rules live: the server's projections and what-ifs, the
// settlement entry and the auditor's replay all go through it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/change_set.h"
#include "ledger/base/decimal.h"
#include "ledger/base/state.h"
#include "ledger/base/status.h"

namespace lcp {

inline constexpr std::size_t kShareBandsMax = 16;
// The most postings a settlement entry may have (one per member with a share, and the commitments it
// releases).
inline constexpr std::size_t kSettlementPostingsMax = 100'000;

// Checks the terms against `year` (its lines) and returns them as values. Refuses
// AGREEMENT_TERMS_INVALID, BUDGET_LINE_UNKNOWN for a pooled line the year lacks, and the decimal
// codes (AMOUNT_MALFORMED, AMOUNT_TOO_LARGE) for rates that do not parse.
Result<AgreementTermsValue> CheckAgreementTerms(const Year& year, const v1::AgreementTerms& message);
// The terms as the wire carries them.
void ToAgreementTermsMessage(const AgreementTermsValue& terms, v1::AgreementTerms& message);

// One member's figures on the pooled lines, in pence.
struct MemberFigures {
  std::string ods_code;
  Int budget;
  Int actual;
  Int commitments;
  Int what_if;  // Extra spend (or savings, negative) of a what-if.
};

// The members' figures on `lines` from one year's balances (null: none), in the order of `members`
// (ODS codes ascending).
std::vector<MemberFigures> PooledFigures(const std::vector<std::string>& members,
                                         const std::map<std::string, Int>* balances,
                                         const std::vector<std::string>& lines);
// The members who share a year's risk: every registered practice that had not left the LCP before
// the year, by ODS code.
std::vector<std::string> Members(const std::map<std::string, Practice>& practices,
                                 const Notices& notices, int start_year);

// Every step of the computation. Exact figures are rationals in pence; posted ones whole pence.
struct BandOutcome {
  Rational lower;
  std::optional<Rational> upper;  // None for the unbounded last band.
  Int lcp_rate_nanos;
  Rational in_band;
  Rational lcp;
};

struct MemberOutcome {
  std::string ods_code;
  Int budget;
  Int outturn;
  Int variance;            // budget - outturn.
  Int budget_basis;        // What the budget part goes by: max(0, budget) (see budget_by_contribution).
  Int contribution_basis;  // Its underspend or overspend when it qualifies (see contribution_by_budget).
  Int budget_share;
  Int contribution_share;
  Int share;
};

struct RiskShareOutcome {
  Int budget;       // B.
  Int actual;
  Int commitments;  // Counted in the outturn only when projected.
  Int what_if;
  Int outturn;      // O.
  Int variance;     // V = B - O.
  v1::RiskSide side = v1::RISK_SIDE_NONE;
  const ShareSideTerms* terms = nullptr;  // The applied side; null when V = 0.
  Rational threshold_amount;              // t x B.
  bool threshold_met = false;
  std::vector<BandOutcome> bands;
  Rational uncapped;
  std::optional<Rational> cap_amount;  // c x B; none with no cap.
  bool cap_binds = false;
  Rational lcp_exact;  // S.
  Int lcp;             // A: the LCP's whole-pence part of |V|.
  Int pct;             // |V| - A.
  Int budget_part;
  Int contribution_part;
  // When no member has a positive pooled budget, the budget part goes by the contribution basis; when
  // no member qualifies for the contribution part (impossible while V != 0), it goes by budget.
  bool budget_by_contribution = false;
  bool contribution_by_budget = false;
  Int budget_basis_total;
  Int contribution_basis_total;
  std::vector<MemberOutcome> members;  // By ODS code.
};

// Applies `terms` to the members' figures (by ODS code). `projected`: the outturn counts outstanding
// commitments (and what-ifs); otherwise actual spend only. Refuses only what Apportion refuses (more
// than kSplitPartiesMax members), so that a year can always be settled.
Result<RiskShareOutcome> ComputeRiskShare(const AgreementTermsValue& terms,
                                          const std::vector<MemberFigures>& members, bool projected);

// An exact amount in pence as pounds with as many places as it needs (at least 2): 30000000/1 pence
// as "300000.00", 7/2 pence as "0.035".
std::string ExactPounds(const Rational& pence);

Result<ChangeSet> DecideProposeAgreement(const State& state, const v1::ProposeAgreement& command,
                                         const v1::Actor& actor);
Result<ChangeSet> DecideCosignAgreement(const State& state, const v1::CosignAgreement& command,
                                        const v1::Actor& actor);
Result<ChangeSet> DecideCloseMonth(const State& state, const v1::CloseMonth& command,
                                   const v1::Actor& actor);
Result<ChangeSet> DecideSettleYear(const State& state, const v1::SettleYear& command,
                                   std::uint32_t rules);

// The next month to close: (start year, month) of the earliest open year whose M12 is open, or nullopt
// when every open year's M12 is closed.
std::optional<std::pair<int, int>> NextMonthToClose(const std::map<int, Year>& years);
// The year in progress: the year of the next month to close, or the latest when every month is
// closed. REQUIRES: `years` is not empty.
int CurrentYear(const std::map<int, Year>& years);

}  // namespace lcp

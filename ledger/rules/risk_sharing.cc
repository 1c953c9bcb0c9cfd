#include "ledger/rules/risk_sharing.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "ledger/base/accounts.h"
#include "ledger/base/apportion.h"
#include "ledger/base/periods.h"
#include "ledger/base/rules_version.h"
#include "ledger/base/text.h"
#include "ledger/rules/cases.h"
#include "ledger/rules/checks.h"
#include "ledger/rules/contracts.h"
#include "ledger/rules/decision_clock.h"
#include "ledger/rules/reserve.h"

namespace lcp {
namespace {

Status Refuse(ErrorCode code, std::string message) {
  return Status::Error(code, std::move(message));
}

const Int kNanosPerOne = 1'000'000'000;

Rational FromNanos(const Int& nanos) { return Rational(nanos, kNanosPerOne); }

// A rate of the terms, 0 or more (at most 1 when `at_most_one`); empty text gives `empty`.
Result<std::optional<Int>> TermsRate(const v1::Decimal& decimal, const std::string& what,
                                     std::optional<Int> empty, bool at_most_one) {
  if (decimal.value().empty()) return empty;
  Result<Rate> rate = Rate::Parse(decimal.value());
  if (!rate.ok()) return Refuse(rate.status().code(), what + ": " + rate.status().message());
  if (rate->nanos() < 0 || (at_most_one && rate->nanos() > kNanosPerOne)) {
    return Refuse(v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
                  what + " must be " + (at_most_one ? "from 0 to 1" : "0 or more") + ", not " +
                      decimal.value());
  }
  return std::optional<Int>(rate->nanos());
}

Result<ShareSideTerms> CheckSide(const v1::ShareTerms& message, const std::string& side) {
  ShareSideTerms terms;
  Result<std::optional<Int>> threshold =
      TermsRate(message.threshold(), "the " + side + " threshold", Int(0), true);
  if (!threshold.ok()) return threshold.status();
  terms.threshold_nanos = **threshold;
  terms.mode = message.mode();
  if (terms.mode == v1::SHARE_MODE_UNSPECIFIED || !v1::ShareMode_IsValid(terms.mode)) {
    return Refuse(v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
                  "the " + side + " mode must be FIRST_POUND or ABOVE_THRESHOLD");
  }
  const auto count = static_cast<std::size_t>(message.bands_size());
  if (count == 0 || count > kShareBandsMax) {
    return Refuse(v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
                  "the " + side + " side needs 1 to " + std::to_string(kShareBandsMax) +
                      " bands, the last unbounded; " + std::to_string(count) + " were given");
  }
  for (std::size_t i = 0; i < count; ++i) {
    const v1::ShareBand& band = message.bands(static_cast<int>(i));
    const std::string what = "the " + side + " band " + std::to_string(i + 1);
    const bool last = i + 1 == count;
    ShareBandTerms value;
    Result<std::optional<Int>> upper =
        TermsRate(band.upper_bound(), what + "'s upper bound", std::nullopt, false);
    if (!upper.ok()) return upper.status();
    if (last && upper->has_value()) {
      return Refuse(v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
                    what + " is the last, so it is unbounded: leave its upper bound empty");
    }
    if (!last) {
      if (!upper->has_value()) {
        return Refuse(v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
                      what + " needs an upper bound (a rate of B); only the last band is unbounded");
      }
      const Int previous = i == 0 ? Int(0) : *terms.bands.back().upper_nanos;
      if (**upper <= previous) {
        return Refuse(v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
                      what + "'s upper bound must be above " +
                          (i == 0 ? std::string("0") : "the previous band's, " +
                                                           Rate::FromNanos(previous).ToString()));
      }
      value.upper_nanos = **upper;
    }
    if (band.lcp_rate().value().empty()) {
      return Refuse(v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
                    what + " needs the LCP's share rate, from 0 to 1");
    }
    Result<std::optional<Int>> rate =
        TermsRate(band.lcp_rate(), what + "'s LCP share rate", std::nullopt, true);
    if (!rate.ok()) return rate.status();
    value.lcp_rate_nanos = **rate;
    terms.bands.push_back(std::move(value));
  }
  Result<std::optional<Int>> cap =
      TermsRate(message.cap(), "the " + side + " cap", std::nullopt, false);
  if (!cap.ok()) return cap.status();
  terms.cap_nanos = *cap;
  return terms;
}

void ToSideMessage(const ShareSideTerms& terms, v1::ShareTerms& message) {
  message.mutable_threshold()->set_value(Rate::FromNanos(terms.threshold_nanos).ToString());
  message.set_mode(terms.mode);
  for (const ShareBandTerms& band : terms.bands) {
    v1::ShareBand* out = message.add_bands();
    if (band.upper_nanos) out->mutable_upper_bound()->set_value(Rate::FromNanos(*band.upper_nanos).ToString());
    out->mutable_lcp_rate()->set_value(Rate::FromNanos(band.lcp_rate_nanos).ToString());
  }
  if (terms.cap_nanos) message.mutable_cap()->set_value(Rate::FromNanos(*terms.cap_nanos).ToString());
}

Rational Min(const Rational& a, const Rational& b) { return a < b ? a : b; }
Rational Max(const Rational& a, const Rational& b) { return a < b ? b : a; }

// The largest-remainder split of `pence` (0 or more) by `weights` (tie order: their order).
Result<std::vector<Int>> Split(const Int& pence, const std::vector<Rational>& weights) {
  std::vector<Int> parts(weights.size());
  if (pence == 0) return parts;
  std::vector<Claim> claims;
  claims.reserve(weights.size());
  for (std::size_t i = 0; i < weights.size(); ++i) {
    claims.push_back(Claim{weights[i], static_cast<std::uint32_t>(i)});
  }
  Result<std::vector<Money>> split = Apportion(Money::FromPence(pence), claims);
  if (!split.ok()) return split.status();
  for (std::size_t i = 0; i < parts.size(); ++i) parts[i] = (*split)[i].pence();
  return parts;
}

}  // namespace

Result<AgreementTermsValue> CheckAgreementTerms(const Year& year, const v1::AgreementTerms& message) {
  AgreementTermsValue terms;
  const auto count = static_cast<std::size_t>(message.pooled_lines_size());
  if (count == 0 || count > kBudgetLinesPerYearMax) {
    return Refuse(v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
                  "an agreement pools 1 to " + std::to_string(kBudgetLinesPerYearMax) +
                      " of the year's budget lines; " + std::to_string(count) + " were given");
  }
  std::set<std::string> seen;
  for (const std::string& line : message.pooled_lines()) {
    if (!year.line_set.contains(line)) {
      return Refuse(v1::ERROR_CODE_BUDGET_LINE_UNKNOWN,
                    "pooled line " + Quoted(line) + " is not one of " + FormatYear(year.start_year) +
                        "'s budget lines");
    }
    if (!seen.insert(line).second) {
      return Refuse(v1::ERROR_CODE_AGREEMENT_TERMS_INVALID, "pooled line " + line + " is named twice");
    }
    terms.pooled_lines.push_back(line);
  }
  Result<ShareSideTerms> savings = CheckSide(message.savings(), "savings");
  if (!savings.ok()) return savings.status();
  Result<ShareSideTerms> overspend = CheckSide(message.overspend(), "overspend");
  if (!overspend.ok()) return overspend.status();
  terms.savings = std::move(savings).value();
  terms.overspend = std::move(overspend).value();
  for (const auto& [decimal, what, slot] :
       {std::tuple(&message.alpha_budget(), "alpha_budget", &terms.alpha_budget_nanos),
        std::tuple(&message.alpha_contribution(), "alpha_contribution",
                   &terms.alpha_contribution_nanos)}) {
    if (decimal->value().empty()) {
      return Refuse(v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
                    std::string(what) + " is needed: a rate from 0 to 1 (the two sum to 1)");
    }
    Result<std::optional<Int>> rate = TermsRate(*decimal, what, std::nullopt, true);
    if (!rate.ok()) return rate.status();
    *slot = **rate;
  }
  if (terms.alpha_budget_nanos + terms.alpha_contribution_nanos != kNanosPerOne) {
    return Refuse(v1::ERROR_CODE_AGREEMENT_TERMS_INVALID,
                  "alpha_budget and alpha_contribution must sum to exactly 1; they sum to " +
                      Rate::FromNanos(terms.alpha_budget_nanos + terms.alpha_contribution_nanos)
                          .ToString());
  }
  if (message.decision_target_days() > kDecisionTargetDaysMax) {
    return Refuse(v1::ERROR_CODE_DECISION_TARGET_INVALID,
                  "the business cases' decision target is 1 to " +
                      std::to_string(kDecisionTargetDaysMax) + " days, or 0 for the default of " +
                      std::to_string(kDecisionTargetDaysDefault) + "; " +
                      std::to_string(message.decision_target_days()) + " was given");
  }
  terms.decision_target_days = message.decision_target_days();
  return terms;
}

void ToAgreementTermsMessage(const AgreementTermsValue& terms, v1::AgreementTerms& message) {
  for (const std::string& line : terms.pooled_lines) message.add_pooled_lines(line);
  ToSideMessage(terms.savings, *message.mutable_savings());
  ToSideMessage(terms.overspend, *message.mutable_overspend());
  message.mutable_alpha_budget()->set_value(Rate::FromNanos(terms.alpha_budget_nanos).ToString());
  message.mutable_alpha_contribution()->set_value(
      Rate::FromNanos(terms.alpha_contribution_nanos).ToString());
  message.set_decision_target_days(terms.decision_target_days);
}

std::vector<std::string> Members(const std::map<std::string, Practice>& practices,
                                 const Notices& notices, int start_year) {
  std::vector<std::string> members;
  members.reserve(practices.size());
  for (const auto& [code, practice] : practices) {
    if (!notices.LeftBefore(code, start_year)) members.push_back(code);
  }
  return members;
}

std::vector<MemberFigures> PooledFigures(const std::vector<std::string>& codes,
                                         const std::map<std::string, Int>* balances,
                                         const std::vector<std::string>& lines) {
  auto balance = [&](const std::string& account) {
    if (balances == nullptr) return Int(0);
    auto it = balances->find(account);
    return it == balances->end() ? Int(0) : it->second;
  };
  std::vector<MemberFigures> members;
  members.reserve(codes.size());
  for (const std::string& code : codes) {
    MemberFigures figures;
    figures.ods_code = code;
    for (const std::string& line : lines) {
      figures.budget += balance(PracticeAccount(code, "budget", line));
      figures.actual += balance(PracticeAccount(code, "spend", line));
      figures.commitments += balance(PracticeAccount(code, "commitment", line));
    }
    members.push_back(std::move(figures));
  }
  return members;
}

Result<RiskShareOutcome> ComputeRiskShare(const AgreementTermsValue& terms,
                                          const std::vector<MemberFigures>& members, bool projected) {
  RiskShareOutcome out;
  for (const MemberFigures& member : members) {
    MemberOutcome row;
    row.ods_code = member.ods_code;
    row.budget = member.budget;
    row.outturn = member.actual + (projected ? Int(member.commitments + member.what_if) : Int(0));
    row.variance = row.budget - row.outturn;
    out.budget += member.budget;
    out.actual += member.actual;
    out.commitments += member.commitments;
    out.what_if += member.what_if;
    out.outturn += row.outturn;
    out.members.push_back(std::move(row));
  }
  out.variance = out.budget - out.outturn;
  if (out.variance == 0) return out;
  out.side = out.variance > 0 ? v1::RISK_SIDE_SAVINGS : v1::RISK_SIDE_OVERSPEND;
  const ShareSideTerms& side = out.variance > 0 ? terms.savings : terms.overspend;
  out.terms = &side;
  const Int magnitude = boost::multiprecision::abs(out.variance);
  const Rational x(magnitude);
  const Rational b(out.budget);
  out.threshold_amount = FromNanos(side.threshold_nanos) * b;
  out.threshold_met = x >= out.threshold_amount;
  const Rational base =
      side.mode == v1::SHARE_MODE_ABOVE_THRESHOLD ? Max(out.threshold_amount, Rational(0)) : Rational(0);
  Rational lower = 0;
  for (const ShareBandTerms& band : side.bands) {
    BandOutcome step;
    step.lower = lower;
    step.lcp_rate_nanos = band.lcp_rate_nanos;
    if (band.upper_nanos) step.upper = Max(FromNanos(*band.upper_nanos) * b, lower);
    if (out.threshold_met) {
      const Rational top = step.upper ? Min(x, *step.upper) : x;
      step.in_band = Max(Rational(0), top - Max(lower, base));
    }
    step.lcp = FromNanos(band.lcp_rate_nanos) * step.in_band;
    out.uncapped += step.lcp;
    if (step.upper) lower = *step.upper;
    out.bands.push_back(std::move(step));
  }
  out.lcp_exact = out.uncapped;
  if (side.cap_nanos) {
    out.cap_amount = Max(Rational(0), FromNanos(*side.cap_nanos) * b);
    out.cap_binds = out.uncapped > *out.cap_amount;
    if (out.cap_binds) out.lcp_exact = *out.cap_amount;
  }
  // The LCP/PCT split of the whole |V|, the LCP first on a tie.
  Result<std::vector<Int>> lcp_pct = Split(magnitude, {out.lcp_exact, x - out.lcp_exact});
  if (!lcp_pct.ok()) return lcp_pct.status();
  out.lcp = (*lcp_pct)[0];
  out.pct = (*lcp_pct)[1];
  // The budget and contribution parts, the budget part first on a tie.
  Result<std::vector<Int>> parts = Split(
      out.lcp, {FromNanos(terms.alpha_budget_nanos), FromNanos(terms.alpha_contribution_nanos)});
  if (!parts.ok()) return parts.status();
  out.budget_part = (*parts)[0];
  out.contribution_part = (*parts)[1];
  // Among members, by ODS code (their order here) on ties. A negative pooled budget (journals can make
  // one) counts as none.
  const int sign = out.variance > 0 ? 1 : -1;
  std::vector<Rational> by_budget;
  std::vector<Rational> by_contribution;
  for (MemberOutcome& member : out.members) {
    member.budget_basis = member.budget > 0 ? member.budget : Int(0);
    out.budget_basis_total += member.budget_basis;
    by_budget.emplace_back(member.budget_basis);
    const Int own = member.variance * sign;  // Its own underspend (savings) or overspend.
    member.contribution_basis = own > 0 ? own : Int(0);
    out.contribution_basis_total += member.contribution_basis;
    by_contribution.emplace_back(member.contribution_basis);
  }
  // With V != 0 some member's own variance has V's sign, so at most one of the two bases is empty;
  // an empty one borrows the other, and no split is ever left without weights.
  if (out.contribution_basis_total == 0) {
    out.contribution_by_budget = true;
    by_contribution = by_budget;
    for (MemberOutcome& member : out.members) member.contribution_basis = member.budget_basis;
    out.contribution_basis_total = out.budget_basis_total;
  } else if (out.budget_basis_total == 0) {
    out.budget_by_contribution = true;
    by_budget = by_contribution;
    for (MemberOutcome& member : out.members) member.budget_basis = member.contribution_basis;
    out.budget_basis_total = out.contribution_basis_total;
  }
  Result<std::vector<Int>> budget_shares = Split(out.budget_part, by_budget);
  if (!budget_shares.ok()) return budget_shares.status();
  Result<std::vector<Int>> contribution_shares = Split(out.contribution_part, by_contribution);
  if (!contribution_shares.ok()) return contribution_shares.status();
  for (std::size_t i = 0; i < out.members.size(); ++i) {
    MemberOutcome& member = out.members[i];
    member.budget_share = (*budget_shares)[i];
    member.contribution_share = (*contribution_shares)[i];
    member.share = member.budget_share + member.contribution_share;
  }
  return out;
}

std::string ExactPounds(const Rational& pence) {
  const Rational pounds = pence / 100;
  const Int numerator = boost::multiprecision::numerator(pounds);
  const Int denominator = boost::multiprecision::denominator(pounds);
  Int scale = 1;
  for (int places = 0; places <= 60; ++places, scale *= 10) {
    if (scale % denominator == 0) {
      Int units = numerator * (scale / denominator);
      for (; places < 2; ++places) units *= 10;
      return FormatScaled(units, places, 2);
    }
  }
  // Not a finite decimal (no figure of the rules is one: rates are decimals): 60 places, truncated.
  return FormatScaled(numerator * scale / denominator, 61, 2);
}

std::optional<std::pair<int, int>> NextMonthToClose(const std::map<int, Year>& years) {
  for (const auto& [start_year, year] : years) {
    if (year.closed_through() < kMonthsPerYear) return std::pair(start_year, year.closed_through() + 1);
  }
  return std::nullopt;
}

int CurrentYear(const std::map<int, Year>& years) {
  const std::optional<std::pair<int, int>> next = NextMonthToClose(years);
  return next ? next->first : years.rbegin()->first;
}

Result<ChangeSet> DecideProposeAgreement(const State& state, const v1::ProposeAgreement& command,
                                         const v1::Actor& actor) {
  Result<const Year*> year = CheckOpenYear(state, command.year());
  if (!year.ok()) return year.status();
  Result<AgreementTermsValue> terms = CheckAgreementTerms(**year, command.terms());
  if (!terms.ok()) return terms.status();
  const std::optional<Agreement>& in_force = (*year)->agreement;
  const std::uint64_t in_force_seq = in_force ? in_force->proposal_seq : 0;
  if (command.replaces_seq() != in_force_seq) {
    return Refuse(v1::ERROR_CODE_AGREEMENT_REVISION_MISMATCH,
                  in_force ? "the agreement in force for " + command.year() + " is entry " +
                                 std::to_string(in_force_seq) + "; name it as the one replaced"
                           : command.year() + " has no agreement in force; replace none (0)");
  }
  // Terms are agreed before the year begins; once it has postings, any agreement (a first one recorded
  // late, or a replacement) is a variation, with its reason on the record.
  const bool variation = state.balances.contains((*year)->start_year);
  if (variation || !command.reason().empty()) {
    if (!IsPrintableText(command.reason(), kNarrativeLengthMax)) {
      return Refuse(v1::ERROR_CODE_NARRATIVE_INVALID,
                    std::string(variation ? command.year() +
                                                " has postings already, so this agreement varies "
                                                "the year's terms and needs a reason: "
                                          : "the reason must be: ") +
                        "1 to " + std::to_string(kNarrativeLengthMax) +
                        " characters of UTF-8 text without control characters");
    }
  }
  Year after = **year;
  after.pending = Agreement{state.last_seq() + 1, actor.principal_id(), 0, "", in_force_seq,
                            command.reason(), std::move(terms).value()};
  ChangeSet changes;
  changes.changes.push_back(PutYear{std::move(after)});
  return changes;
}

Result<ChangeSet> DecideCosignAgreement(const State& state, const v1::CosignAgreement& command,
                                        const v1::Actor& actor) {
  Result<const Year*> year = CheckOpenYear(state, command.year());
  if (!year.ok()) return year.status();
  const std::optional<Agreement>& pending = (*year)->pending;
  if (!pending || pending->proposal_seq != command.proposal_seq()) {
    return Refuse(v1::ERROR_CODE_AGREEMENT_PROPOSAL_UNKNOWN,
                  "entry " + std::to_string(command.proposal_seq()) +
                      " is not a proposal for " + command.year() + " awaiting co-signature" +
                      (pending ? "; the pending one is entry " + std::to_string(pending->proposal_seq)
                               : "; none is pending"));
  }
  // A proposal made before the year's first posting and co-signed after it varies the year's terms
  // all the same: it needs its reason on the record.
  if (pending->reason.empty() && state.balances.contains((*year)->start_year)) {
    return Refuse(v1::ERROR_CODE_NARRATIVE_INVALID,
                  "the proposal at entry " + std::to_string(pending->proposal_seq) +
                      " has no reason, and " + command.year() +
                      " has postings now, so co-signing it would vary the year's terms without "
                      "one; ask for it to be proposed again with a reason");
  }
  if (actor.principal_id() == pending->proposed_by) {
    return Refuse(v1::ERROR_CODE_COSIGNER_IS_PROPOSER,
                  "the proposal at entry " + std::to_string(pending->proposal_seq) +
                      " was made by " + pending->proposed_by +
                      "; another principal (PCT finance) must co-sign it");
  }
  Year after = **year;
  after.agreement = *pending;
  after.agreement->cosign_seq = state.last_seq() + 1;
  after.agreement->cosigned_by = actor.principal_id();
  after.pending.reset();
  ChangeSet changes;
  changes.changes.push_back(PutYear{std::move(after)});
  return changes;
}

Result<ChangeSet> DecideCloseMonth(const State& state, const v1::CloseMonth& command,
                                   const v1::Actor& actor) {
  Result<int> start_year = ParseYear(command.period().year());
  if (!start_year.ok()) return start_year.status();
  Result<int> month = ParseMonth(command.period().month());
  if (!month.ok()) return month.status();
  Result<const Year*> year = CheckOpenYear(state, command.period().year());
  if (!year.ok()) return year.status();
  const std::optional<std::pair<int, int>> next = NextMonthToClose(state.years);
  if (!next || *next != std::pair(*start_year, *month)) {
    const std::string which = command.period().year() + " " + command.period().month();
    return Refuse(v1::ERROR_CODE_MONTH_NOT_NEXT,
                  (*year)->is_closed(*month)
                      ? which + " is closed already"
                      : "months close in order; " + which + " cannot close before " +
                            FormatYear(next->first) + " " + FormatMonth(next->second));
  }
  Year after = **year;
  after.closes.push_back(MonthClose{*month, state.last_seq() + 1, state.last_seq(), state.head_hash,
                                    actor.principal_id()});
  ChangeSet changes;
  changes.checkpoint = Checkpoint{state.last_seq(), state.head_hash};
  changes.changes.push_back(PutYear{std::move(after)});
  return changes;
}

Result<ChangeSet> DecideSettleYear(const State& state, const v1::SettleYear& command,
                                   std::uint32_t rules) {
  Result<const Year*> found = CheckOpenYear(state, command.year());
  if (!found.ok()) return found.status();
  const Year& year = **found;
  if (year.closed_through() < kMonthsPerYear) {
    return Refuse(v1::ERROR_CODE_YEAR_NOT_CLOSED,
                  command.year() + " is settled after its M12 is closed; " +
                      (year.closed_through() == 0
                           ? std::string("no month is closed yet")
                           : "months are closed through " + FormatMonth(year.closed_through())));
  }
  if (!year.agreement) {
    return Refuse(v1::ERROR_CODE_AGREEMENT_MISSING,
                  command.year() + " has no risk-sharing agreement in force; propose one (lcp "
                                   "agreement propose) and have PCT finance co-sign it");
  }
  auto balances = state.balances.find(year.start_year);
  const std::vector<std::string> codes = Members(state.practices, state.notices, year.start_year);
  const std::vector<MemberFigures> members =
      PooledFigures(codes, balances == state.balances.end() ? nullptr : &balances->second,
                    year.agreement->terms.pooled_lines);
  Result<RiskShareOutcome> outcome =
      ComputeRiskShare(year.agreement->terms, members, /*projected=*/false);
  if (!outcome.ok()) return outcome.status();
  ChangeSet changes;
  changes.year = year.start_year;
  changes.month = kMonthsPerYear;
  // The year's closing entry: never reversed, whatever else it changes.
  changes.irreversible = Irreversible::kSettlement;
  const bool savings = outcome->side == v1::RISK_SIDE_SAVINGS;
  const int sign = savings ? -1 : 1;  // Savings are credited; an overspend is debited.
  // With a later year open and not settled, the savings go straight on into it, as the
  // practices' reserves (reserve.h); the year's reinvestment accounts are left empty. (A later year
  // settled first is locked: the savings stay here until the next year opens and gathers them.)
  const Year& latest = state.years.rbegin()->second;
  const bool carry = rules::InForce(rules, rules::kReserveCarriedForward) &&
                     latest.start_year > year.start_year && latest.settled_seq == 0;
  std::map<std::string, Int> carried_shares;
  for (const MemberOutcome& member : outcome->members) {
    if (member.share == 0) continue;
    if (savings && carry) {
      carried_shares.emplace(member.ods_code, member.share * sign);
      continue;
    }
    changes.legs.push_back(
        Leg{PracticeAccount(member.ods_code, savings ? "reinvestment" : "risk_share"),
            Money::FromPence(member.share * sign)});
  }
  if (outcome->pct != 0) {
    changes.legs.push_back(Leg{"pct:risk_share", Money::FromPence(outcome->pct * sign)});
  }
  if (outcome->variance != 0) {
    changes.legs.push_back(Leg{"lcp:risk_pool", Money::FromPence(outcome->variance)});
  }
  const auto carry_begin = static_cast<std::ptrdiff_t>(changes.legs.size());
  if (carry) {
    LCP_RETURN_IF_ERROR(CarryReservesOnSettlement(state, year, carried_shares, changes));
  }
  const auto carry_end = static_cast<std::ptrdiff_t>(changes.legs.size());
  // Commitments still outstanding are never paid in the year now: they are released.
  std::vector<Leg> released;
  std::vector<std::shared_ptr<const Contract>> contracts;
  ReleaseForSettlement(state, year.start_year, released, contracts);
  std::map<std::string, Int> merged;
  for (const Leg& leg : released) merged[leg.account] += leg.amount.pence();
  for (const auto& [account, pence] : merged) {
    if (pence != 0) changes.legs.push_back(Leg{account, Money::FromPence(pence)});
  }
  if (changes.legs.size() > kSettlementPostingsMax) {
    return Refuse(v1::ERROR_CODE_ENTRY_TOO_LARGE,
                  "settling " + command.year() + " would make " +
                      std::to_string(changes.legs.size()) + " postings, more than the " +
                      std::to_string(kSettlementPostingsMax) + " one entry may have");
  }
  if (carry_begin == carry_end) {
    LCP_RETURN_IF_ERROR(
        CheckBalanceLimits(state, year.start_year, changes.legs, /*distinct_accounts=*/true));
  } else {
    // The carry checked its legs in both years; the others all post in this year.
    std::vector<Leg> own(changes.legs.begin(), changes.legs.begin() + carry_begin);
    own.insert(own.end(), changes.legs.begin() + carry_end, changes.legs.end());
    LCP_RETURN_IF_ERROR(
        CheckBalanceLimits(state, year.start_year, own, /*distinct_accounts=*/true));
  }
  Year after = year;
  after.settled_seq = state.last_seq() + 1;
  after.settled_members = codes;
  changes.changes.push_back(PutYear{std::move(after)});
  AddContracts(changes, std::move(contracts));
  return changes;
}

}  // namespace lcp

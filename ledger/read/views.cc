#include "ledger/read/views.h"

#include <array>

#include "ledger/base/accounts.h"
#include "ledger/base/periods.h"

namespace lcp {
namespace {

std::string PenceText(const Int& pence) { return Money::FromPence(pence).ToString(); }

// A statement line from its three balances.
void FillStatementLine(const std::string& line, const Int& budget, const Int& commitments,
                       const Int& actual, v1::StatementLine& out) {
  out.set_budget_line(line);
  out.mutable_budget()->set_value(PenceText(budget));
  out.mutable_commitments()->set_value(PenceText(commitments));
  out.mutable_actual()->set_value(PenceText(actual));
  out.mutable_forecast()->set_value(PenceText(actual + commitments));
  out.mutable_variance()->set_value(PenceText(budget - actual - commitments));
}

void SetExact(const Rational& pence, v1::Decimal& out) { out.set_value(ExactPounds(pence)); }

}  // namespace

void FillStatement(const std::map<std::string, Practice>& practices, const Year& year,
                   const std::map<std::string, Int>& balances, const std::string& only,
                   v1::GetStatementResponse& response) {
  auto balance = [&](const std::string& account) {
    auto it = balances.find(account);
    return it == balances.end() ? Int(0) : it->second;
  };
  response.set_year(FormatYear(year.start_year));
  const std::vector<std::string>& lines = year.lines;
  std::vector<std::array<Int, 3>> lcp(lines.size() + 1);
  for (const auto& [code, practice] : practices) {
    if (!only.empty() && code != only) continue;
    v1::PracticeStatement* statement = response.add_practices();
    statement->set_ods_code(code);
    statement->set_name(practice.name);
    std::array<Int, 3> total;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::array<Int, 3> figures = {balance(PracticeAccount(code, "budget", lines[i])),
                                          balance(PracticeAccount(code, "commitment", lines[i])),
                                          balance(PracticeAccount(code, "spend", lines[i]))};
      FillStatementLine(lines[i], figures[0], figures[1], figures[2], *statement->add_lines());
      for (std::size_t k = 0; k < 3; ++k) {
        total[k] += figures[k];
        lcp[i][k] += figures[k];
        lcp[lines.size()][k] += figures[k];
      }
    }
    FillStatementLine("TOTAL", total[0], total[1], total[2], *statement->add_lines());
  }
  if (only.empty()) {
    for (std::size_t i = 0; i <= lines.size(); ++i) {
      FillStatementLine(i < lines.size() ? lines[i] : "TOTAL", lcp[i][0], lcp[i][1], lcp[i][2],
                        *response.add_lcp_totals());
    }
  }
}

void FillRiskShare(const RiskShareOutcome& outcome, v1::GetRiskShareResponse& response) {
  response.mutable_pooled_budget()->set_value(PenceText(outcome.budget));
  response.mutable_actual()->set_value(PenceText(outcome.actual));
  response.mutable_commitments()->set_value(PenceText(outcome.commitments));
  response.mutable_what_if_total()->set_value(PenceText(outcome.what_if));
  response.mutable_outturn()->set_value(PenceText(outcome.outturn));
  response.mutable_variance()->set_value(PenceText(outcome.variance));
  response.set_side(outcome.side);
  response.set_member_count(static_cast<std::uint32_t>(outcome.members.size()));
  response.mutable_lcp_amount()->set_value(PenceText(outcome.lcp));
  response.mutable_pct_amount()->set_value(PenceText(outcome.pct));
  response.mutable_budget_part()->set_value(PenceText(outcome.budget_part));
  response.mutable_contribution_part()->set_value(PenceText(outcome.contribution_part));
  response.set_contribution_by_budget(outcome.contribution_by_budget);
  response.set_budget_by_contribution(outcome.budget_by_contribution);
  response.mutable_budget_basis_total()->set_value(PenceText(outcome.budget_basis_total));
  response.mutable_contribution_basis_total()->set_value(PenceText(outcome.contribution_basis_total));
  if (outcome.terms == nullptr) return;  // V = 0: no side applies.
  const ShareSideTerms& side = *outcome.terms;
  response.mutable_threshold_rate()->set_value(Rate::FromNanos(side.threshold_nanos).ToString());
  SetExact(outcome.threshold_amount, *response.mutable_threshold_amount());
  response.set_threshold_met(outcome.threshold_met);
  response.set_mode(side.mode);
  for (const BandOutcome& band : outcome.bands) {
    v1::BandStep* step = response.add_bands();
    SetExact(band.lower, *step->mutable_lower());
    if (band.upper) SetExact(*band.upper, *step->mutable_upper());
    step->mutable_lcp_rate()->set_value(Rate::FromNanos(band.lcp_rate_nanos).ToString());
    SetExact(band.in_band, *step->mutable_amount_in_band());
    SetExact(band.lcp, *step->mutable_lcp_amount());
  }
  SetExact(outcome.uncapped, *response.mutable_lcp_share_uncapped());
  if (side.cap_nanos) {
    response.mutable_cap_rate()->set_value(Rate::FromNanos(*side.cap_nanos).ToString());
    SetExact(*outcome.cap_amount, *response.mutable_cap_amount());
  }
  response.set_cap_binds(outcome.cap_binds);
  SetExact(outcome.lcp_exact, *response.mutable_lcp_share_exact());
}

void FillMember(const MemberOutcome& member, const std::string& name, v1::MemberRiskShare& out) {
  out.set_ods_code(member.ods_code);
  out.set_name(name);
  out.mutable_budget()->set_value(PenceText(member.budget));
  out.mutable_outturn()->set_value(PenceText(member.outturn));
  out.mutable_variance()->set_value(PenceText(member.variance));
  out.mutable_contribution_basis()->set_value(PenceText(member.contribution_basis));
  out.mutable_budget_basis()->set_value(PenceText(member.budget_basis));
  out.mutable_budget_share()->set_value(PenceText(member.budget_share));
  out.mutable_contribution_share()->set_value(PenceText(member.contribution_share));
  out.mutable_share()->set_value(PenceText(member.share));
}

Status FillRiskShareResponse(const std::map<std::string, Practice>& practices, const Year& year,
                             const std::vector<MemberFigures>& members, bool settled,
                             const std::string& only, v1::GetRiskShareResponse& response) {
  const AgreementTermsValue& terms = year.agreement->terms;
  Result<RiskShareOutcome> outcome = ComputeRiskShare(terms, members, /*projected=*/!settled);
  if (!outcome.ok()) return outcome.status();
  response.set_year(FormatYear(year.start_year));
  response.set_basis(settled ? v1::RISK_BASIS_SETTLED : v1::RISK_BASIS_PROJECTED);
  response.set_agreement_seq(year.agreement->proposal_seq);
  ToAgreementTermsMessage(terms, *response.mutable_terms());
  if (settled) response.set_settlement_seq(year.settled_seq);
  FillRiskShare(*outcome, response);
  for (const MemberOutcome& member : outcome->members) {
    if (!only.empty() && member.ods_code != only) continue;
    FillMember(member, practices.at(member.ods_code).name, *response.add_members());
  }
  return Status::Ok();
}

std::vector<MemberFigures> RiskShareMembers(const std::map<std::string, Practice>& practices,
                                            const Notices& notices, const Year& year,
                                            const Balances& balances, bool settled) {
  auto found = balances.find(year.start_year);
  return PooledFigures(
      settled ? year.settled_members : Members(practices, notices, year.start_year),
      found == balances.end() ? nullptr : &found->second, year.agreement->terms.pooled_lines);
}

}  // namespace lcp

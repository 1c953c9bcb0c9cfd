#include "ledger/read/case_views.h"

#include <algorithm>
#include <map>
#include <vector>

#include "ledger/base/decimal.h"
#include "ledger/base/periods.h"
#include "ledger/rules/cases.h"
#include "ledger/rules/decision_clock.h"

namespace lcp {
namespace {

void SetPounds(v1::Decimal* decimal, const Int& pence) {
  decimal->set_value(Money::FromPence(pence).ToString());
}

bool Approved(const BusinessCase& business_case) {
  return business_case.state == v1::CASE_STATE_APPROVED ||
         business_case.state == v1::CASE_STATE_CLOSED;
}

bool Open(const BusinessCase& business_case) {
  return business_case.state == v1::CASE_STATE_AWAITING_DECISION ||
         business_case.state == v1::CASE_STATE_INFORMATION_REQUESTED;
}

void FillClock(const BusinessCase& business_case, std::int64_t now, v1::CaseClockView& view) {
  const DecisionClock clock = ClockOf(business_case, now);
  view.set_started(business_case.clock_started_seq != 0);
  if (business_case.clock_started_seq != 0) {
    view.set_started_on(FormatUtcDate(business_case.clock_started_at));
  }
  view.set_elapsed_days(clock.elapsed_days);
  view.set_paused_days(clock.paused_days);
  view.set_target_days(clock.target_days);
  view.set_days_left(clock.days_left);
  view.set_decided(clock.decided);
  view.set_late(clock.late);
}

// The median of `days` (sorted here) to one place: "28.0", "28.5".
std::string Median(std::vector<std::int64_t> days) {
  std::sort(days.begin(), days.end());
  const std::size_t n = days.size();
  const std::int64_t twice = n % 2 == 1 ? 2 * days[n / 2] : days[n / 2 - 1] + days[n / 2];
  return std::to_string(twice / 2) + (twice % 2 == 0 ? ".0" : ".5");
}

}  // namespace

v1::Role DeciderOf(const Snapshot& snapshot, const BusinessCase& business_case) {
  if (business_case.decided_role != v1::ROLE_UNSPECIFIED) return business_case.decided_role;
  return ApproverRole(*snapshot.contracts, business_case);
}

void FillCaseFigures(const BusinessCase& business_case, const std::string& ods,
                     v1::ReserveCaseView& view) {
  view.set_case_id(business_case.id);
  view.set_title(business_case.title);
  view.set_state(business_case.state);
  Int approved = 0, drawn = 0, held = 0;
  for (const CaseFundingPart& part : business_case.fundings) {
    if (!ods.empty() && part.ods_code != ods) continue;
    if (Approved(business_case)) approved += part.amount;
    drawn += part.drawn;
    held += business_case.HeldOf(part);
  }
  SetPounds(view.mutable_approved(), approved);
  SetPounds(view.mutable_drawn(), drawn);
  SetPounds(view.mutable_held(), held);
  for (const CaseDrawDown& draw_down : business_case.draw_downs) {
    Int amount = draw_down.amount;
    if (!ods.empty()) {
      auto part = std::find_if(draw_down.parts.begin(), draw_down.parts.end(),
                               [&](const auto& p) { return p.first == ods; });
      if (part == draw_down.parts.end()) continue;
      amount = part->second;
    }
    v1::CaseDrawDownView* row = view.add_draw_downs();
    row->set_seq(draw_down.seq);
    row->set_invoice_reference(draw_down.invoice_reference);
    row->mutable_period()->set_year(FormatYear(draw_down.year));
    row->mutable_period()->set_month(FormatMonth(draw_down.month));
    SetPounds(row->mutable_amount(), amount);
  }
}

void FillCaseView(const Snapshot& snapshot, const BusinessCase& business_case, std::int64_t now,
                  v1::CaseView& view) {
  view.set_case_id(business_case.id);
  view.set_title(business_case.title);
  view.set_purpose(business_case.purpose);
  view.set_year(FormatYear(business_case.year));
  view.set_state(business_case.state);
  view.set_mode(business_case.mode);
  view.set_provider_code(business_case.provider);
  view.set_contract_id(business_case.contract_id);
  view.set_proposed_by(business_case.proposed_by);
  view.set_proposer_role(business_case.proposer_role);
  view.set_proposer_ods_code(business_case.proposer_ods);
  view.set_submitted_seq(business_case.submitted_seq);
  view.set_submitted_on(FormatUtcDate(business_case.submitted_at));
  Int amount = 0;
  for (const CaseFundingPart& part : business_case.fundings) {
    v1::CaseFundingView* funding = view.add_fundings();
    funding->set_ods_code(part.ods_code);
    auto practice = snapshot.practices->find(part.ods_code);
    if (practice != snapshot.practices->end()) funding->set_name(practice->second.name);
    SetPounds(funding->mutable_amount(), part.amount);
    funding->set_consent_seq(part.consent_seq);
    SetPounds(funding->mutable_drawn(), part.drawn);
    SetPounds(funding->mutable_held(), business_case.HeldOf(part));
    amount += part.amount;
  }
  SetPounds(view.mutable_amount(), amount);
  std::string why;
  const v1::Role needed = ApproverRole(*snapshot.contracts, business_case, &why);
  if (business_case.decided_role != v1::ROLE_UNSPECIFIED) {
    view.set_approver_role(business_case.decided_role);
    view.set_approver_reason(
        business_case.decided_role == needed ? why : "decided as the case then needed");
  } else {
    view.set_approver_role(needed);
    view.set_approver_reason(why);
  }
  FillClock(business_case, now, *view.mutable_clock());
  for (const CaseQuestion& question : business_case.questions) {
    v1::CaseQuestionView* row = view.add_questions();
    row->set_asked_seq(question.asked_seq);
    row->set_asked_on(FormatUtcDate(question.asked_at));
    row->set_asked_by(question.asked_by);
    row->set_question(question.question);
    row->set_answered_seq(question.answered_seq);
    if (question.answered_seq != 0) row->set_answered_on(FormatUtcDate(question.answered_at));
    row->set_answer(question.answer);
  }
  view.set_decided_seq(business_case.decided_seq);
  if (business_case.decided_seq != 0) {
    view.set_decided_on(FormatUtcDate(business_case.decided_at));
  }
  view.set_decided_by(business_case.decided_by);
  view.set_reasons(business_case.reasons);
  FillCaseFigures(business_case, "", *view.mutable_figures());
  view.set_closed_seq(business_case.closed_seq);
  view.set_close_reason(business_case.close_reason);
}

void FillCaseReport(const Snapshot& snapshot, const std::string& ods, std::int64_t now,
                    v1::GetCaseReportResponse& response) {
  struct RoleFigures {
    std::vector<std::int64_t> days;
    std::vector<std::string> late;
    std::int64_t open = 0;
    std::int64_t open_over = 0;
  };
  std::map<v1::Role, RoleFigures> roles = {{v1::ROLE_PCT_FINANCE, {}}, {v1::ROLE_LCP_FINANCE, {}}};
  std::vector<v1::CaseReportOpenRow> open;
  for (const auto& [id, business_case] : snapshot.cases->by_id) {
    if (!ods.empty() && !Funds(*business_case, ods)) continue;
    if (business_case->state == v1::CASE_STATE_AWAITING_CONSENT) {
      response.add_awaiting_consent(id);
      continue;
    }
    const v1::Role role = DeciderOf(snapshot, *business_case);
    RoleFigures& figures = roles[role];
    const DecisionClock clock = ClockOf(*business_case, now);
    if (Open(*business_case)) {
      v1::CaseReportOpenRow row;
      row.set_case_id(id);
      row.set_title(business_case->title);
      row.set_state(business_case->state);
      row.set_approver_role(role);
      FillClock(*business_case, now, *row.mutable_clock());
      open.push_back(std::move(row));
      ++figures.open;
      if (clock.late) ++figures.open_over;
    } else if (clock.decided) {
      figures.days.push_back(clock.elapsed_days);
      if (clock.late) figures.late.push_back(id);
    }
  }
  std::stable_sort(open.begin(), open.end(), [](const auto& a, const auto& b) {
    return a.clock().days_left() < b.clock().days_left();
  });
  for (v1::CaseReportOpenRow& row : open) *response.add_open() = std::move(row);
  for (const v1::Role role : {v1::ROLE_PCT_FINANCE, v1::ROLE_LCP_FINANCE}) {
    const RoleFigures& figures = roles[role];
    v1::CaseReportRoleRow* row = response.add_roles();
    row->set_role(role);
    row->set_decided(static_cast<std::int64_t>(figures.days.size()));
    if (!figures.days.empty()) row->set_median_days(Median(figures.days));
    row->set_late(static_cast<std::int64_t>(figures.late.size()));
    for (const std::string& id : figures.late) row->add_late_case_ids(id);
    row->set_open(figures.open);
    row->set_open_over(figures.open_over);
  }
  response.set_as_of_seq(snapshot.head_seq);
  response.set_read_on(FormatUtcDate(now));
}

}  // namespace lcp

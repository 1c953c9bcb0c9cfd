#include "clients/lcp/case_output.h"

#include <string_view>

#include "clients/lcp/table.h"

namespace lcp::client {
namespace {

std::string Days(std::int64_t n) { return std::to_string(n) + (n == 1 ? " day" : " days"); }

std::string Modes(v1::ContractMode mode) {
  return mode == v1::CONTRACT_MODE_MAKE ? "MAKE" : mode == v1::CONTRACT_MODE_BUY ? "BUY" : "?";
}

std::string ClockCell(const v1::CaseClockView& clock) {
  if (!clock.started()) return "-";  // Awaiting consent, or withdrawn before it.
  std::string out =
      std::to_string(clock.elapsed_days()) + "/" + std::to_string(clock.target_days());
  if (clock.paused_days() != 0) out += " (+" + std::to_string(clock.paused_days()) + " paused)";
  if (clock.late()) out += " LATE";
  return out;
}

// The table's text without the spaces a padded last column leaves at the ends of its lines.
std::string Trimmed(const Table& table) {
  std::string out;
  for (const char c : table.Text()) {
    if (c == '\n') {
      while (!out.empty() && out.back() == ' ') out.pop_back();
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string CaseStateName(v1::CaseState state) {
  return v1::CaseState_Name(state).substr(std::string_view("CASE_STATE_").size());
}

std::string RoleText(v1::Role role) {
  return v1::Role_Name(role).substr(std::string_view("ROLE_").size());
}

std::string ClockText(const v1::CaseClockView& clock, v1::CaseState state) {
  const bool withdrawn = state == v1::CASE_STATE_WITHDRAWN;
  if (!clock.started()) {
    return withdrawn ? "never started (withdrawn before every funder consented)"
                     : "not started (awaiting consent)";
  }
  const std::string paused =
      clock.paused_days() == 0 ? std::string() : ", " + Days(clock.paused_days()) + " paused";
  const std::string day =
      "day " + std::to_string(clock.elapsed_days()) + " of " + std::to_string(clock.target_days());
  if (withdrawn) return "stopped by the withdrawal on " + day + paused;
  if (clock.decided()) {
    return "decided on " + day + paused + ": " +
           (clock.late() ? Days(-clock.days_left()) + " late" : std::string("on time"));
  }
  return "started " + clock.started_on() + "; " + day + paused + ", " +
         (clock.days_left() >= 0 ? Days(clock.days_left()) + " left"
                                 : Days(-clock.days_left()) + " over");
}

std::string CaseTable(const v1::GetCaseResponse& response) {
  const v1::CaseView& c = response.case_();
  std::string out = "case " + c.case_id() + ": " + c.title() + "\n";
  out += "  state: " + CaseStateName(c.state()) + " (as of entry " +
         std::to_string(response.as_of_seq()) + ", read on " + response.read_on() + ")\n";
  out += "  purpose: " + c.purpose() + "\n";
  out += "  " + Modes(c.mode()) + ", pays provider " + c.provider_code() +
         (c.contract_id().empty() ? std::string() : " (contract " + c.contract_id() + ")") + "\n";
  out += "  proposed by " + c.proposed_by() + " (" + RoleText(c.proposer_role()) +
         (c.proposer_ods_code().empty() ? std::string() : " " + c.proposer_ods_code()) +
         ") at entry " + std::to_string(c.submitted_seq()) + " on " + c.submitted_on() + ", in " +
         c.year() + "\n";
  out += "  decided by " + RoleText(c.approver_role()) + ": " + c.approver_reason() + "\n";
  out += "  clock: " + ClockText(c.clock(), c.state()) + "\n";
  Table fundings({FitLeft(8, "  "), FitLeft(4, "  "), Right(12, "  "), Left(10, "  "),
                  Right(12, "  "), Right(12, "  ")});
  fundings.Row({"practice", "name", "funding", "consent", "drawn", "held"});
  for (const v1::CaseFundingView& f : c.fundings()) {
    fundings.Row({f.ods_code(), f.name(), f.amount().value(),
                  f.consent_seq() == 0 ? "awaited" : "entry " + std::to_string(f.consent_seq()),
                  f.drawn().value(), f.held().value()});
  }
  fundings.Row({"total", "", c.amount().value(), "", c.figures().drawn().value(),
                c.figures().held().value()});
  out += Trimmed(fundings);
  for (const v1::CaseQuestionView& q : c.questions()) {
    out += "  asked by " + q.asked_by() + " at entry " + std::to_string(q.asked_seq()) + " on " +
           q.asked_on() + ": " + q.question() + "\n";
    out += q.answered_seq() == 0 ? std::string("    not answered yet (the clock is paused)\n")
                                 : "    answered at entry " + std::to_string(q.answered_seq()) +
                                       " on " + q.answered_on() + ": " + q.answer() + "\n";
  }
  if (c.decided_seq() != 0) {
    const bool withdrawn = c.state() == v1::CASE_STATE_WITHDRAWN;
    out += std::string("  ") + (withdrawn ? "withdrawn" : "decided") + " by " + c.decided_by() +
           " at entry " + std::to_string(c.decided_seq()) + " on " + c.decided_on() +
           (c.reasons().empty() ? std::string() : ": " + c.reasons()) + "\n";
  }
  for (const v1::CaseDrawDownView& d : c.figures().draw_downs()) {
    out += "  draw-down " + d.amount().value() + " at entry " + std::to_string(d.seq()) + " in " +
           d.period().year() + " " + d.period().month() + ", invoice " + d.invoice_reference() +
           "\n";
  }
  if (c.closed_seq() != 0) {
    out += "  closed at entry " + std::to_string(c.closed_seq()) + ": " + c.close_reason() + "\n";
  }
  return out;
}

std::string CasesTable(const v1::ListCasesResponse& response) {
  std::string out = "business cases as of entry " + std::to_string(response.as_of_seq()) +
                    ", read on " + response.read_on() + "\n";
  if (response.cases().empty()) return out + "  none\n";
  Table table({FitLeft(4, "  "), FitLeft(5, "  "), FitLeft(8, "  "), Right(12, "  "),
               Right(12, "  "), Right(12, "  "), FitLeft(5, "  ")});
  table.Row({"case", "state", "decides", "amount", "drawn", "held", "clock (days/target)"});
  for (const v1::CaseView& c : response.cases()) {
    table.Row({c.case_id(), CaseStateName(c.state()), RoleText(c.approver_role()),
               c.amount().value(), c.figures().drawn().value(), c.figures().held().value(),
               ClockCell(c.clock())});
  }
  return out + Trimmed(table);
}

std::string CaseReportTable(const v1::GetCaseReportResponse& response) {
  std::string out = "business case report as of entry " + std::to_string(response.as_of_seq()) +
                    ", read on " + response.read_on() + "\n";
  out += "open cases (awaiting a decision), most overdue first:\n";
  if (response.open().empty()) {
    out += "  none\n";
  } else {
    Table table({FitLeft(4, "  "), FitLeft(5, "  "), FitLeft(8, "  "), Right(8, "  "),
                 Right(7, "  "), Right(7, "  "), Right(10, "  "), FitLeft(4, "  ")});
    table.Row({"case", "state", "decides", "elapsed", "paused", "target", "left/over", ""});
    for (const v1::CaseReportOpenRow& row : response.open()) {
      const v1::CaseClockView& clock = row.clock();
      table.Row({row.case_id(), CaseStateName(row.state()), RoleText(row.approver_role()),
                 std::to_string(clock.elapsed_days()), std::to_string(clock.paused_days()),
                 std::to_string(clock.target_days()),
                 clock.days_left() >= 0 ? std::to_string(clock.days_left()) + " left"
                                        : std::to_string(-clock.days_left()) + " over",
                 clock.late() ? "LATE" : ""});
    }
    out += Trimmed(table);
  }
  out += "decisions by approving role:\n";
  Table roles({FitLeft(11, "  "), Right(7, "  "), Right(11, "  "), Right(5, "  "), Right(5, "  "),
               Right(9, "  "), FitLeft(4, "  ")});
  roles.Row({"role", "decided", "median days", "late", "open", "open over", "late cases"});
  for (const v1::CaseReportRoleRow& row : response.roles()) {
    std::string late;
    for (const std::string& id : row.late_case_ids()) late += (late.empty() ? "" : ", ") + id;
    roles.Row({RoleText(row.role()), std::to_string(row.decided()),
               row.median_days().empty() ? "-" : row.median_days(), std::to_string(row.late()),
               std::to_string(row.open()), std::to_string(row.open_over()), late});
  }
  out += Trimmed(roles);
  if (!response.awaiting_consent().empty()) {
    std::string ids;
    for (const std::string& id : response.awaiting_consent()) ids += (ids.empty() ? "" : ", ") + id;
    out += "awaiting consent (no clock yet): " + ids + "\n";
  }
  return out;
}

std::string ReserveCasesText(const v1::GetReserveResponse& response) {
  std::string out;
  for (const v1::ReserveStatement& s : response.practices()) {
    for (const v1::ReserveCaseView& c : s.cases()) {
      out += "  " + s.ods_code() + ": case " + c.case_id() + " (" + CaseStateName(c.state()) +
             ") approved " + c.approved().value() + ", drawn " + c.drawn().value() + ", held " +
             c.held().value() + "\n";
      for (const v1::CaseDrawDownView& d : c.draw_downs()) {
        out += "    drawn " + d.amount().value() + " at entry " + std::to_string(d.seq()) + " (" +
               d.period().year() + " " + d.period().month() + ", invoice " + d.invoice_reference() +
               ")\n";
      }
    }
  }
  return out;
}

}  // namespace lcp::client

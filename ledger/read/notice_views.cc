#include "ledger/read/notice_views.h"

#include <algorithm>
#include <limits>
#include <map>
#include <vector>

#include "ledger/base/decimal.h"
#include "ledger/base/periods.h"
#include "ledger/rules/notices.h"

namespace lcp {
namespace {

std::string PenceText(const Int& pence) { return Money::FromPence(pence).ToString(); }

// Whole days after the deadline a notice dated `date` came; 0 when on time.
std::uint32_t DaysLate(const std::string& deadline, const std::string& date) {
  const std::int64_t days = DaysBetween(deadline, date);
  return days <= 0 ? 0
                   : static_cast<std::uint32_t>(
                         std::min<std::int64_t>(days, std::numeric_limits<std::uint32_t>::max()));
}

// A line's runs for a year, oldest first (the first is its first notice, the last the one in
// force).
std::vector<const AllocationRun*> RunsOf(const Capitation& capitation, int year,
                                         const std::string& line) {
  std::vector<const AllocationRun*> runs;
  for (const auto& [seq, run] : capitation.runs) {
    if (run->year == year && run->line == line) runs.push_back(run.get());
  }
  return runs;
}

// The first and the latest run of a line; null when it has none.
struct FirstAndLatest {
  const AllocationRun* first = nullptr;
  const AllocationRun* latest = nullptr;
};

FirstAndLatest FirstAndLatestOf(const Capitation& capitation, int year, const std::string& line) {
  auto latest = capitation.latest_run.find({year, line});
  if (latest == capitation.latest_run.end()) return {};
  std::vector<const AllocationRun*> runs = RunsOf(capitation, year, line);
  return FirstAndLatest{runs.front(), capitation.runs.at(latest->second).get()};
}

void FillSource(const Snapshot& snapshot, const Year& year, const FirstAndLatest& runs,
                const std::string& ods, v1::BudgetSource& source) {
  const AllocationRun& latest = *runs.latest;
  source.set_run_seq(latest.seq);
  source.set_recorded_date(UkDate(latest.recorded_at));
  source.set_kind(latest.kind);
  source.mutable_confirmed_total()->set_value(PenceText(latest.total_pence));
  const std::string deadline = NoticeDeadlineOf(year);
  const std::string first_date = UkDate(runs.first->recorded_at);
  source.set_first_run_seq(runs.first->seq);
  source.set_first_notice_date(first_date);
  source.set_deadline(deadline);
  source.set_days_late(DaysLate(deadline, first_date));
  source.set_on_time(source.days_late() == 0);
  const Notices& notices = *snapshot.notices;
  if (auto ack = notices.acknowledgements.find({latest.seq, ods});
      ack != notices.acknowledgements.end()) {
    source.set_acknowledged_seq(ack->second.seq);
    source.set_acknowledged_date(UkDate(ack->second.recorded_at));
  }
  Int transfers;
  if (auto moved = notices.transferred.find({year.start_year, latest.line, ods});
      moved != notices.transferred.end()) {
    transfers = moved->second;
  }
  source.mutable_transfers()->set_value(PenceText(transfers));
}

void ToLineTotalView(const LineTotal& total, v1::LineTotalView& view) {
  view.set_seq(total.seq);
  view.set_date(UkDate(total.recorded_at));
  view.set_confirmed_by(total.confirmed_by);
  view.mutable_total()->set_value(PenceText(total.total_pence));
  view.set_reason(total.reason);
  if (total.transfer_seq != 0) {
    view.set_transfer_seq(total.transfer_seq);
    view.mutable_transferred()->set_value(PenceText(total.transferred_pence));
  }
}

void ToTransferView(const BudgetTransfer& transfer, v1::BudgetTransferView& view) {
  view.set_seq(transfer.seq);
  view.set_proposed_by(transfer.proposed_by);
  view.set_proposed_date(UkDate(transfer.proposed_at));
  view.set_ods_code(transfer.ods_code);
  view.set_to_ods_code(transfer.to_ods_code);
  view.set_from_line(transfer.from_line);
  view.set_to_line(transfer.to_line);
  view.mutable_amount()->set_value(PenceText(transfer.amount_pence));
  view.set_reason(transfer.reason);
  if (transfer.approved_seq != 0) {
    view.set_approved_seq(transfer.approved_seq);
    view.set_approved_by(transfer.approved_by);
    view.set_approved_date(UkDate(transfer.approved_at));
  }
}

// One line's notices: confirmations, runs, the first notice against the deadline (or how overdue
// it is on `today`, when that is set), and who has not acknowledged the latest run (of them, only
// `only` when it is set).
void FillLineNotices(const Snapshot& snapshot, const Year& year, const std::string& line,
                     const std::string& only, const std::string& today, v1::LineNotices& out) {
  const Notices& notices = *snapshot.notices;
  const std::string deadline = NoticeDeadlineOf(year);
  out.set_budget_line(line);
  if (auto totals = notices.line_totals.find({year.start_year, line});
      totals != notices.line_totals.end() && !totals->second.empty()) {
    out.mutable_confirmed_total()->set_value(PenceText(totals->second.back().total_pence));
    for (const LineTotal& total : totals->second) ToLineTotalView(total, *out.add_confirmations());
  }
  const std::vector<const AllocationRun*> runs =
      RunsOf(*snapshot.capitation, year.start_year, line);
  for (const AllocationRun* run : runs) {
    v1::NoticeRunView* view = out.add_runs();
    view->set_run_seq(run->seq);
    view->set_date(UkDate(run->recorded_at));
    view->set_kind(run->kind);
    view->mutable_total()->set_value(PenceText(run->total_pence));
  }
  if (runs.empty()) {
    if (!today.empty()) {
      const std::uint32_t overdue = DaysLate(deadline, today);
      out.set_overdue(overdue != 0);
      out.set_days_overdue(overdue);
    }
    return;
  }
  out.set_days_late(DaysLate(deadline, UkDate(runs.front()->recorded_at)));
  out.set_on_time(out.days_late() == 0);
  const AllocationRun& latest =
      *snapshot.capitation->runs.at(snapshot.capitation->latest_run.at({year.start_year, line}));
  std::uint32_t acknowledged = 0;
  for (const AllocationRow& row : latest.rows) {
    if (notices.acknowledgements.contains({latest.seq, row.ods_code})) {
      ++acknowledged;
    } else if (only.empty() || row.ods_code == only) {
      out.add_unacknowledged(row.ods_code);
    }
  }
  out.set_notified_count(static_cast<std::uint32_t>(latest.rows.size()));
  out.set_acknowledged_count(acknowledged);
}

}  // namespace

std::string NoticeDeadlineOf(const Year& year) {
  return year.notice_deadline.empty() ? DefaultNoticeDeadline(year.start_year)
                                      : year.notice_deadline;
}

void FillMembership(const Snapshot& snapshot, const Year& year, const std::string& ods,
                    v1::MembershipView& view) {
  const Notices& notices = *snapshot.notices;
  view.set_ods_code(ods);
  view.set_name(snapshot.practices->at(ods).name);
  if (auto found = notices.signatures.find({year.start_year, ods});
      found != notices.signatures.end()) {
    const Signature& signature = found->second;
    view.set_signed_seq(signature.seq);
    view.set_signed_date(UkDate(signature.recorded_at));
    view.set_terms_sha256(signature.terms_sha256);
    view.set_agreement_seq(signature.agreement_seq);
    const MembershipTerms* terms = notices.TermsInForce(year.start_year);
    view.set_signed_current(year.agreement &&
                            signature.agreement_seq == year.agreement->proposal_seq &&
                            (terms == nullptr || terms->terms_sha256 == signature.terms_sha256));
  }
  if (auto status = notices.members.find(ods); status != notices.members.end()) {
    if (status->second.left) view.set_last_year(FormatYear(status->second.left->last_year));
    if (status->second.pending) {
      view.set_pending_leave_seq(status->second.pending->seq);
      view.set_pending_last_year(FormatYear(status->second.pending->last_year));
    }
  }
  view.set_left(notices.LeftBefore(ods, year.start_year));
}

void FillStatementNotices(const Snapshot& snapshot, const Year& year,
                          v1::GetStatementResponse& response) {
  // The runs are looked up once per line, not once per practice and line.
  std::map<std::string, FirstAndLatest> by_line;
  for (const std::string& line : year.lines) {
    by_line[line] = FirstAndLatestOf(*snapshot.capitation, year.start_year, line);
  }
  for (v1::PracticeStatement& statement : *response.mutable_practices()) {
    for (v1::StatementLine& line : *statement.mutable_lines()) {
      auto runs = by_line.find(line.budget_line());  // Not the TOTAL line.
      if (runs == by_line.end() || runs->second.latest == nullptr) continue;
      FillSource(snapshot, year, runs->second, statement.ods_code(), *line.mutable_source());
    }
    FillMembership(snapshot, year, statement.ods_code(), *statement.mutable_membership());
  }
}

void FillRiskShareMemberships(const Snapshot& snapshot, const Year& year,
                              v1::GetRiskShareResponse& response) {
  for (v1::MemberRiskShare& member : *response.mutable_members()) {
    if (!snapshot.practices->contains(member.ods_code())) continue;
    FillMembership(snapshot, year, member.ods_code(), *member.mutable_membership());
  }
}

void FillNotices(const Snapshot& snapshot, const Year& year, const std::string& only,
                 const std::string& today, v1::GetNoticesResponse& response) {
  response.set_year(FormatYear(year.start_year));
  response.set_deadline(NoticeDeadlineOf(year));
  response.set_as_of_seq(snapshot.head_seq);
  for (const std::string& line : year.lines) {
    FillLineNotices(snapshot, year, line, only, today, *response.add_lines());
  }
  for (const auto& [seq, transfer] : snapshot.notices->transfers) {
    if (transfer.year != year.start_year) continue;
    if (!only.empty() && !transfer.ods_code.empty() && transfer.ods_code != only &&
        transfer.to_ods_code != only) {
      continue;
    }
    ToTransferView(transfer, *response.add_transfers());
  }
}

void FillMemberships(const Snapshot& snapshot, const Year& year, const std::string& only,
                     v1::ListMembershipsResponse& response) {
  response.set_year(FormatYear(year.start_year));
  if (year.agreement) response.set_agreement_seq(year.agreement->proposal_seq);
  if (auto terms = snapshot.notices->terms.find(year.start_year);
      terms != snapshot.notices->terms.end()) {
    for (const MembershipTerms& version : terms->second) {
      v1::MembershipTermsView* view = response.add_terms();
      view->set_seq(version.seq);
      view->set_date(UkDate(version.recorded_at));
      view->set_recorded_by(version.recorded_by);
      view->set_terms_sha256(version.terms_sha256);
      view->set_title(version.title);
    }
  }
  std::uint32_t signed_count = 0;
  std::uint32_t unsigned_count = 0;
  for (const auto& [code, practice] : *snapshot.practices) {
    v1::MembershipView view;
    FillMembership(snapshot, year, code, view);
    if (!view.left()) ++(view.signed_current() ? signed_count : unsigned_count);
    if (only.empty() || code == only) *response.add_practices() = std::move(view);
  }
  response.set_signed_count(signed_count);
  response.set_unsigned_count(unsigned_count);
}

}  // namespace lcp

#include "clients/lcp/notices_output.h"

#include "clients/lcp/table.h"

namespace lcp::client {
namespace {

std::string Days(std::uint32_t days) {
  return std::to_string(days) + (days == 1 ? " day" : " days");
}

std::string KindText(v1::NoticeKind kind) {
  switch (kind) {
    case v1::NOTICE_KIND_INDICATIVE:
      return "INDICATIVE";
    case v1::NOTICE_KIND_FINAL:
      return "FINAL";
    default:
      return "no kind (rules version 1)";
  }
}

// The first 8 hexadecimal digits of a SHA-256, enough to tell documents apart at a glance.
std::string ShortHash(const std::string& sha256) {
  return sha256.size() > 8 ? sha256.substr(0, 8) + "..." : sha256;
}

// "leaves after 2026/27", "left after 2025/26", a pending leaving; empty for none.
std::string LeavingText(const v1::MembershipView& view) {
  std::string out;
  if (!view.last_year().empty()) {
    out = view.left() ? "left the LCP after " + view.last_year()
                      : "leaves the LCP after " + view.last_year();
  }
  if (view.pending_leave_seq() != 0) {
    out += (out.empty() ? "" : "; ") + std::string("leaving after ") + view.pending_last_year() +
           " recorded by LCP finance (entry " + std::to_string(view.pending_leave_seq()) +
           "): the practice confirms it with lcp membership leave";
  }
  return out;
}

std::string SignedStatus(const v1::MembershipView& view) {
  if (view.left()) return "no member (left)";
  if (view.signed_current()) return "current";
  if (view.signed_seq() != 0) return "must sign again";
  return "has not signed";
}

std::string TransferText(const v1::BudgetTransferView& transfer) {
  const std::string what =
      transfer.to_ods_code().empty()
          ? " from " + transfer.from_line() + " to " + transfer.to_line() + " for " +
                (transfer.ods_code().empty() ? std::string("every practice") : transfer.ods_code())
          : " of " + transfer.from_line() + " from " + transfer.ods_code() + " to " +
                transfer.to_ods_code();
  std::string out = "entry " + std::to_string(transfer.seq()) + ": " + transfer.amount().value() +
                    what + ", proposed by " + transfer.proposed_by() + " on " +
                    transfer.proposed_date() + " (" + transfer.reason() + "); ";
  if (transfer.approved_seq() == 0) {
    return out + "awaiting PCT finance's approval (lcp budget approve-transfer " +
           std::to_string(transfer.seq()) + ")";
  }
  return out + "approved by " + transfer.approved_by() + " on " + transfer.approved_date() +
         " (entry " + std::to_string(transfer.approved_seq()) + ")";
}

// The first notice of a line: its date and lateness, or how overdue it is while there is none.
std::string FirstNoticeText(const v1::LineNotices& line) {
  if (line.runs().empty()) {
    return line.overdue() ? "none: overdue by " + Days(line.days_overdue()) : "none yet";
  }
  return line.runs(0).date() + ", " + LatenessText(line.on_time(), line.days_late());
}

}  // namespace

std::string LatenessText(bool on_time, std::uint32_t days_late) {
  return on_time ? "on time" : Days(days_late) + " late";
}

std::string NoticesTable(const v1::GetNoticesResponse& response) {
  std::string out = "budget notices for " + response.year() + ", as of entry " +
                    std::to_string(response.as_of_seq()) + "; notice deadline " +
                    response.deadline() + "\n";
  Table table(
      {FitLeft(4, "  "), Right(16, "  "), FitLeft(12, "  "), FitLeft(10, "  "), Left(0, "  ")});
  table.Row({"line", "confirmed total", "first notice", "latest run", "acknowledged"});
  std::string missing;
  std::string moved;
  for (const v1::LineNotices& line : response.lines()) {
    for (const v1::LineTotalView& total : line.confirmations()) {
      if (total.transfer_seq() == 0) continue;
      moved += "  " + line.budget_line() + ": " + total.transferred().value() +
               " by the transfer at entry " + std::to_string(total.transfer_seq()) +
               " (approved at entry " + std::to_string(total.seq()) + " by " +
               total.confirmed_by() + " on " + total.date() + "), to " + total.total().value() +
               "\n";
    }
    const std::string total =
        line.confirmations().empty() ? "not confirmed" : line.confirmed_total().value();
    std::string latest = "none";
    std::string acknowledged;
    if (!line.runs().empty()) {
      const v1::NoticeRunView& run = line.runs(line.runs_size() - 1);
      latest = "entry " + std::to_string(run.run_seq()) + ", " + KindText(run.kind()) + ", " +
               run.date();
      acknowledged = std::to_string(line.acknowledged_count()) + " of " +
                     std::to_string(line.notified_count());
    }
    table.Row({line.budget_line(), total, FirstNoticeText(line), latest, acknowledged});
    if (!line.unacknowledged().empty()) {
      std::string codes;
      for (const std::string& code : line.unacknowledged()) codes += " " + code;
      missing += "  " + line.budget_line() + " (entry " +
                 std::to_string(line.runs(line.runs_size() - 1).run_seq()) + "):" + codes + "\n";
    }
  }
  out += table.Text();
  if (!moved.empty()) out += "\nconfirmed totals moved by budget transfers:\n" + moved;
  if (!missing.empty()) {
    out += "\nnot acknowledged yet (each practice runs lcp budget acknowledge):\n" + missing;
  }
  return out + "\n" + TransfersTable(response, /*pending_only=*/false);
}

std::string TransfersTable(const v1::GetNoticesResponse& response, bool pending_only) {
  std::string lines;
  for (const v1::BudgetTransferView& transfer : response.transfers()) {
    if (pending_only && transfer.approved_seq() != 0) continue;
    lines += "  " + TransferText(transfer) + "\n";
  }
  const std::string what = pending_only ? "transfers awaiting approval:" : "transfers:";
  return what + (lines.empty() ? std::string(" none\n") : "\n" + lines);
}

std::string MembershipText(const v1::MembershipView& view, const std::string& year) {
  std::string out;
  if (view.left()) {
    out = "no member of " + year + ": left the LCP after " + view.last_year();
    return out;
  }
  if (view.signed_seq() == 0) {
    out = "has not signed for " + year;
  } else {
    out = "signed agreement " + std::to_string(view.agreement_seq()) + " on " + view.signed_date() +
          " (terms sha256 " + ShortHash(view.terms_sha256()) + ", entry " +
          std::to_string(view.signed_seq()) + ")";
    if (!view.signed_current()) out += "; must sign again: the agreement in force has changed";
  }
  const std::string leaving = LeavingText(view);
  return leaving.empty() ? out : out + "; " + leaving;
}

std::string MembershipsTable(const v1::ListMembershipsResponse& response) {
  std::string out = "membership for " + response.year() + ": ";
  out += response.agreement_seq() == 0
             ? std::string("no agreement in force yet, so nobody can sign")
             : "agreement in force entry " + std::to_string(response.agreement_seq());
  out += "; signed: " + std::to_string(response.signed_count()) +
         ", not signed: " + std::to_string(response.unsigned_count()) + "\n";
  if (response.terms().empty()) {
    out += "terms in force: none recorded (LCP finance: lcp membership terms)\n";
  }
  for (int i = 0; i < response.terms_size(); ++i) {
    const v1::MembershipTermsView& terms = response.terms(i);
    out += std::string(i + 1 == response.terms_size() ? "terms in force: " : "replaced terms: ") +
           "\"" + terms.title() + "\", sha256 " + terms.terms_sha256() + " (entry " +
           std::to_string(terms.seq()) + ", " + terms.date() + ")\n";
  }
  Table table({FitLeft(8, "  "), FitLeft(4, "  "), FitLeft(15, "  "), FitLeft(12, "  "),
               Right(9, "  "), Left(0, "  ")});
  table.Row({"practice", "name", "status", "terms sha256", "agreement", "signed"});
  std::string leaving;
  for (const v1::MembershipView& view : response.practices()) {
    const bool has_signed = view.signed_seq() != 0;
    table.Row({view.ods_code(), view.name(), SignedStatus(view),
               has_signed ? ShortHash(view.terms_sha256()) : "",
               has_signed ? std::to_string(view.agreement_seq()) : "",
               has_signed
                   ? view.signed_date() + " (entry " + std::to_string(view.signed_seq()) + ")"
                   : ""});
    const std::string text = LeavingText(view);
    if (!text.empty()) leaving += "  " + view.ods_code() + ": " + text + "\n";
  }
  out += table.Text();
  if (!leaving.empty()) out += "\nleaving:\n" + leaving;
  return out;
}

std::string BudgetSourceText(const v1::BudgetSource& source) {
  std::string out = "run at entry " + std::to_string(source.run_seq()) + " on " +
                    source.recorded_date() + ", " + KindText(source.kind()) + ", confirmed total " +
                    source.confirmed_total().value() + "; first notice " +
                    source.first_notice_date() + " " +
                    LatenessText(source.on_time(), source.days_late()) + " (deadline " +
                    source.deadline() + "); ";
  out += source.acknowledged_seq() == 0
             ? std::string("not acknowledged")
             : "acknowledged on " + source.acknowledged_date() + " (entry " +
                   std::to_string(source.acknowledged_seq()) + ")";
  if (source.transfers().value() != "0.00" && !source.transfers().value().empty()) {
    out += "; transfers " + source.transfers().value();
  }
  return out;
}

}  // namespace lcp::client

#include "ledger/rules/notices.h"

#include <algorithm>
#include <vector>

#include "ledger/base/accounts.h"
#include "ledger/base/apportion.h"
#include "ledger/base/periods.h"
#include "ledger/base/text.h"
#include "ledger/rules/capitation.h"
#include "ledger/rules/checks.h"

namespace lcp {
namespace {

Status Refuse(ErrorCode code, std::string message) {
  return Status::Error(code, std::move(message));
}

// Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's civil-calendar
// algorithms).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month, day;
};

Civil CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return Civil{static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

// Days since 1970 of the last Sunday of `month` (31 days: March or October) of `year`.
std::int64_t LastSunday(std::int64_t year, unsigned month) {
  const std::int64_t last = DaysFromCivil(year, month, 31);
  const std::int64_t weekday = ((last % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday.
  return last - weekday;
}

std::string FormatDate(const Civil& date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04lld-%02u-%02u", static_cast<long long>(date.year),
                date.month, date.day);
  return text;
}

bool ActsFor(const v1::Actor& actor, const std::string& ods) {
  return actor.role() != v1::ROLE_PRACTICE || actor.practice_ods_code() == ods;
}

Status CheckPractice(const State& state, const std::string& ods) {
  if (!state.practices.contains(ods)) {
    return Refuse(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                  "practice " + Quoted(ods) + " is not a registered member");
  }
  return Status::Ok();
}

Status CheckOwnPractice(const v1::Actor& actor, const std::string& ods, const std::string& what) {
  if (ActsFor(actor, ods)) return Status::Ok();
  return Refuse(
      v1::ERROR_CODE_PERMISSION_DENIED,
      "a practice " + what + " only for itself: you act for " + actor.practice_ods_code());
}

Status CheckLine(const Year& year, const std::string& line) {
  if (year.line_set.contains(line)) return Status::Ok();
  return Refuse(
      v1::ERROR_CODE_BUDGET_LINE_UNKNOWN,
      "budget line " + Quoted(line) + " is not one of " + FormatYear(year.start_year) + "'s lines");
}

Int BalanceOf(const State& state, int year, const std::string& account) {
  auto balances = state.balances.find(year);
  if (balances == state.balances.end()) return 0;
  auto found = balances->second.find(account);
  return found == balances->second.end() ? Int(0) : found->second;
}

Int BudgetOf(const State& state, int year, const std::string& ods, const std::string& line) {
  return BalanceOf(state, year, PracticeAccount(ods, "budget", line));
}

// From kTransfersKeepCommitments: what `ods` gives on the from-line leaves it at least its
// outstanding contract commitments there.
Status CheckCommitments(const State& state, const BudgetTransfer& transfer, const std::string& ods,
                        const Int& budget, const Int& part, std::uint32_t rules) {
  if (!rules::InForce(rules, rules::kTransfersKeepCommitments)) return Status::Ok();
  const Int committed =
      BalanceOf(state, transfer.year, PracticeAccount(ods, "commitment", transfer.from_line));
  if (budget - part >= committed) return Status::Ok();
  return Refuse(
      v1::ERROR_CODE_BUDGET_COMMITTED,
      ods + "'s budget on " + FormatYear(transfer.year) + " " + transfer.from_line + " is " +
          Money::FromPence(budget).ToString() + ", of which contracts commit " +
          Money::FromPence(committed).ToString() + "; giving " + Money::FromPence(part).ToString() +
          " would leave " + Money::FromPence(budget - part).ToString() +
          ", less than the commitments (move at most " +
          Money::FromPence(budget - committed > 0 ? budget - committed : Int(0)).ToString() + ")");
}

// Each practice's part of a transfer, by ODS code: the amount for one practice, or its
// largest-remainder split by the members' budgets on the from-line; refused when a budget is short
// or, from kTransfersKeepCommitments, when what is left would not cover its commitments.
Result<std::vector<std::pair<std::string, Int>>> TransferParts(const State& state,
                                                               const BudgetTransfer& transfer,
                                                               std::uint32_t rules) {
  const std::string from = FormatYear(transfer.year) + " " + transfer.from_line;
  const Money amount = Money::FromPence(transfer.amount_pence);
  if (!transfer.ods_code.empty()) {
    const Int budget = BudgetOf(state, transfer.year, transfer.ods_code, transfer.from_line);
    if (budget < transfer.amount_pence) {
      return Refuse(v1::ERROR_CODE_BUDGET_INSUFFICIENT,
                    transfer.ods_code + "'s budget on " + from + " is " +
                        Money::FromPence(budget).ToString() + ", less than the " +
                        amount.ToString() + " to move");
    }
    LCP_RETURN_IF_ERROR(
        CheckCommitments(state, transfer, transfer.ods_code, budget, transfer.amount_pence, rules));
    return std::vector<std::pair<std::string, Int>>{{transfer.ods_code, transfer.amount_pence}};
  }
  std::vector<std::string> codes;
  std::vector<Int> budgets;
  std::vector<Claim> claims;
  Int sum = 0;
  for (const auto& [ods, practice] : state.practices) {
    if (state.notices.LeftBefore(ods, transfer.year)) continue;
    const Int budget = BudgetOf(state, transfer.year, ods, transfer.from_line);
    if (budget <= 0) continue;
    sum += budget;
    claims.push_back(Claim{Rational(budget), static_cast<std::uint32_t>(codes.size())});
    codes.push_back(ods);
    budgets.push_back(budget);
  }
  if (sum < transfer.amount_pence) {
    return Refuse(v1::ERROR_CODE_BUDGET_INSUFFICIENT,
                  "the practices' budgets on " + from + " sum to " +
                      Money::FromPence(sum).ToString() + ", less than the " + amount.ToString() +
                      " to move");
  }
  Result<std::vector<Money>> parts = Apportion(amount, claims);
  if (!parts.ok()) return parts.status();
  std::vector<std::pair<std::string, Int>> out;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if ((*parts)[i].is_zero()) continue;
    LCP_RETURN_IF_ERROR(
        CheckCommitments(state, transfer, codes[i], budgets[i], (*parts)[i].pence(), rules));
    out.emplace_back(codes[i], (*parts)[i].pence());
  }
  return out;
}

// The confirmed totals of a line of the year, oldest first; null when none.
const std::vector<LineTotal>* LineTotalsOf(const State& state, int year, const std::string& line) {
  auto found = state.notices.line_totals.find({year, line});
  return found == state.notices.line_totals.end() || found->second.empty() ? nullptr
                                                                           : &found->second;
}

// From kTransfersMoveConfirmedTotals a transfer between lines moves both lines' confirmed totals,
// so both need one.
Status CheckTransferLinesConfirmed(const State& state, const BudgetTransfer& transfer,
                                   std::uint32_t rules) {
  if (!transfer.to_ods_code.empty() ||
      !rules::InForce(rules, rules::kTransfersMoveConfirmedTotals)) {
    return Status::Ok();
  }
  for (const std::string* line : {&transfer.from_line, &transfer.to_line}) {
    if (LineTotalsOf(state, transfer.year, *line) == nullptr) {
      return Refuse(v1::ERROR_CODE_LINE_TOTAL_NOT_CONFIRMED,
                    "the PCT has not confirmed a total for " + FormatYear(transfer.year) + " " +
                        *line +
                        "; a transfer between lines moves both lines' confirmed totals (PCT "
                        "finance: lcp budget confirm-total)");
    }
  }
  return Status::Ok();
}

// Checks the practices of a proposed transfer: the giver (or every practice) and, between
// practices, the receiver and the one line.
Status CheckTransferParties(const State& state, const v1::ProposeBudgetTransfer& command,
                            int start_year) {
  for (const std::string* ods : {&command.ods_code(), &command.to_ods_code()}) {
    if (ods->empty()) continue;
    LCP_RETURN_IF_ERROR(CheckPractice(state, *ods));
    if (state.notices.LeftBefore(*ods, start_year)) {
      return Refuse(v1::ERROR_CODE_PRACTICE_LEFT, *ods + " left the LCP before " + command.year());
    }
  }
  if (command.to_ods_code().empty()) {
    if (command.from_line() == command.to_line()) {
      return Refuse(v1::ERROR_CODE_BUDGET_TRANSFER_INVALID,
                    "a budget transfer moves budget between two different lines, not from " +
                        command.from_line() +
                        " to itself (to move budget between practices on one line, name the "
                        "receiving practice)");
    }
    return Status::Ok();
  }
  if (command.ods_code().empty()) {
    return Refuse(v1::ERROR_CODE_BUDGET_TRANSFER_INVALID,
                  "a transfer to practice " + command.to_ods_code() +
                      " names the practice that gives the budget");
  }
  if (command.ods_code() == command.to_ods_code()) {
    return Refuse(v1::ERROR_CODE_BUDGET_TRANSFER_INVALID,
                  "a transfer between practices moves budget from one practice to another, not "
                  "from " +
                      command.ods_code() + " to itself");
  }
  if (!command.to_line().empty() && command.to_line() != command.from_line()) {
    return Refuse(v1::ERROR_CODE_BUDGET_TRANSFER_INVALID,
                  "a transfer between practices stays on one line; it cannot also move budget "
                  "from " +
                      command.from_line() + " to " + command.to_line() +
                      " (propose two transfers)");
  }
  return Status::Ok();
}

constexpr std::size_t kTermsTitleLengthMax = 200;

bool IsLowerHex64(std::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// A membership terms document's SHA-256, as sha256sum prints it.
Status CheckTermsHash(const std::string& sha256) {
  if (IsLowerHex64(sha256)) return Status::Ok();
  return Refuse(v1::ERROR_CODE_TERMS_HASH_MALFORMED,
                "the membership terms' SHA-256 must be 64 lowercase hexadecimal characters (as "
                "sha256sum prints it), not " +
                    Quoted(sha256));
}

}  // namespace

std::string UkDate(std::int64_t seconds) {
  const std::int64_t day = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  const std::int64_t year = CivilFromDays(day).year;
  const std::int64_t summer_from = LastSunday(year, 3) * 86400 + 3600;
  const std::int64_t summer_to = LastSunday(year, 10) * 86400 + 3600;
  const std::int64_t local = seconds + (seconds >= summer_from && seconds < summer_to ? 3600 : 0);
  const std::int64_t local_day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  return FormatDate(CivilFromDays(local_day));
}

std::int64_t DaysBetween(std::string_view from, std::string_view to) {
  auto days = [](std::string_view date) {
    const auto number = [&](std::size_t at, std::size_t size) {
      unsigned value = 0;
      for (std::size_t i = at; i < at + size; ++i)
        value = value * 10 + static_cast<unsigned>(date[i] - '0');
      return value;
    };
    return DaysFromCivil(number(0, 4), number(5, 2), number(8, 2));
  };
  return days(to) - days(from);
}

std::string DefaultNoticeDeadline(int start_year) { return std::to_string(start_year) + "-05-01"; }

bool IsMemberIn(const State& state, const std::string& ods, int start_year) {
  return state.practices.contains(ods) && !state.notices.LeftBefore(ods, start_year);
}

Result<ChangeSet> DecideConfirmLineTotal(const State& state, const v1::ConfirmLineTotal& command,
                                         const v1::JournalEntry& envelope) {
  Result<const Year*> year = CheckOpenYear(state, command.year());
  if (!year.ok()) return year.status();
  LCP_RETURN_IF_ERROR(CheckLine(**year, command.budget_line()));
  Result<Money> total = Money::Parse(command.total().value());
  if (!total.ok()) return total.status();
  if (total->pence() <= 0) {
    return Refuse(v1::ERROR_CODE_ALLOCATION_TOTAL_INVALID,
                  "a line total must be above zero, not " + total->ToString());
  }
  const int start_year = (*year)->start_year;
  std::vector<LineTotal> totals;
  if (auto found = state.notices.line_totals.find({start_year, command.budget_line()});
      found != state.notices.line_totals.end()) {
    totals = found->second;
  }
  if (!totals.empty() && command.reason().empty()) {
    return Refuse(v1::ERROR_CODE_REASON_REQUIRED,
                  command.year() + " " + command.budget_line() + "'s total was confirmed as " +
                      Money::FromPence(totals.back().total_pence).ToString() + " at entry " +
                      std::to_string(totals.back().seq) + "; say why it changes");
  }
  if (!command.reason().empty()) {
    LCP_RETURN_IF_ERROR(CheckReason(command.reason(), "a confirmation"));
  }
  totals.push_back(LineTotal{state.last_seq() + 1, envelope.recorded_at().seconds(),
                             envelope.actor().principal_id(), total->pence(), command.reason(),
                             /*transfer_seq=*/0, /*transferred_pence=*/0});
  ChangeSet changes;
  changes.changes.push_back(PutLineTotals{start_year, command.budget_line(), std::move(totals)});
  return changes;
}

Result<ChangeSet> DecideProposeBudgetTransfer(const State& state,
                                              const v1::ProposeBudgetTransfer& command,
                                              const v1::JournalEntry& envelope) {
  Result<const Year*> year = CheckOpenYear(state, command.year());
  if (!year.ok()) return year.status();
  const int start_year = (*year)->start_year;
  LCP_RETURN_IF_ERROR(CheckLine(**year, command.from_line()));
  if (command.to_ods_code().empty() || !command.to_line().empty()) {
    LCP_RETURN_IF_ERROR(CheckLine(**year, command.to_line()));
  }
  LCP_RETURN_IF_ERROR(CheckTransferParties(state, command, start_year));
  Result<Money> amount = Money::Parse(command.amount().value());
  if (!amount.ok()) return amount.status();
  if (amount->pence() <= 0) {
    return Refuse(v1::ERROR_CODE_BUDGET_TRANSFER_INVALID,
                  "the amount to move must be above zero, not " + amount->ToString());
  }
  LCP_RETURN_IF_ERROR(CheckReason(command.reason(), "a budget transfer"));
  BudgetTransfer transfer;
  transfer.seq = state.last_seq() + 1;
  transfer.proposed_at = envelope.recorded_at().seconds();
  transfer.proposed_by = envelope.actor().principal_id();
  transfer.year = start_year;
  transfer.ods_code = command.ods_code();
  transfer.from_line = command.from_line();
  transfer.to_line = command.to_ods_code().empty() ? command.to_line() : command.from_line();
  transfer.to_ods_code = command.to_ods_code();
  transfer.amount_pence = amount->pence();
  transfer.reason = command.reason();
  const std::uint32_t rules = RulesOf(envelope);
  LCP_RETURN_IF_ERROR(CheckTransferLinesConfirmed(state, transfer, rules));
  Result<std::vector<std::pair<std::string, Int>>> parts = TransferParts(state, transfer, rules);
  if (!parts.ok()) return parts.status();
  ChangeSet changes;
  changes.changes.push_back(PutTransfer{std::move(transfer)});
  return changes;
}

Result<ChangeSet> DecideApproveBudgetTransfer(const State& state,
                                              const v1::ApproveBudgetTransfer& command,
                                              const v1::JournalEntry& envelope) {
  Result<const Year*> year = CheckOpenYear(state, command.year());
  if (!year.ok()) return year.status();
  Result<OpenPeriod> period = CheckPeriod(state, command.period());
  if (!period.ok()) return period.status();
  const int start_year = (*year)->start_year;
  if (period->year->start_year != start_year) {
    return Refuse(v1::ERROR_CODE_BUDGET_TRANSFER_INVALID,
                  "a transfer of " + command.year() + " is posted into a month of " +
                      command.year() + ", not of " + FormatYear(period->year->start_year));
  }
  auto found = state.notices.transfers.find(command.transfer_seq());
  if (found == state.notices.transfers.end() || found->second.year != start_year ||
      found->second.approved_seq != 0) {
    return Refuse(
        v1::ERROR_CODE_BUDGET_TRANSFER_UNKNOWN,
        "entry " + std::to_string(command.transfer_seq()) +
            (found != state.notices.transfers.end() && found->second.approved_seq != 0
                 ? " was approved already by entry " + std::to_string(found->second.approved_seq)
                 : " is not a budget transfer proposed for " + command.year()));
  }
  const v1::Actor& actor = envelope.actor();
  if (found->second.proposed_by == actor.principal_id()) {
    return Refuse(v1::ERROR_CODE_APPROVER_IS_PROPOSER,
                  "you proposed the transfer at entry " + std::to_string(command.transfer_seq()) +
                      "; another principal (PCT finance) approves it");
  }
  BudgetTransfer transfer = found->second;
  const std::uint32_t rules = RulesOf(envelope);
  LCP_RETURN_IF_ERROR(CheckTransferLinesConfirmed(state, transfer, rules));
  Result<std::vector<std::pair<std::string, Int>>> parts = TransferParts(state, transfer, rules);
  if (!parts.ok()) return parts.status();
  ChangeSet changes;
  changes.year = start_year;
  changes.month = period->month;
  for (const auto& [ods, pence] : *parts) {
    changes.legs.push_back(
        Leg{PracticeAccount(ods, "budget", transfer.from_line), Money::FromPence(-pence)});
    changes.legs.push_back(
        Leg{PracticeAccount(transfer.to_ods_code.empty() ? ods : transfer.to_ods_code, "budget",
                            transfer.to_line),
            Money::FromPence(pence)});
  }
  const std::uint64_t seq = state.last_seq() + 1;
  if (transfer.to_ods_code.empty()) {
    const Money amount = Money::FromPence(transfer.amount_pence);
    changes.legs.push_back(Leg{"pct:allocation:" + transfer.from_line, amount});
    changes.legs.push_back(Leg{"pct:allocation:" + transfer.to_line, -amount});
    if (rules::InForce(rules, rules::kTransfersMoveConfirmedTotals)) {
      // Each line's new total, confirmed by this approval.
      auto confirm = [&](const std::string& line, const Int& moved) {
        std::vector<LineTotal> totals = *LineTotalsOf(state, start_year, line);
        totals.push_back(LineTotal{seq, envelope.recorded_at().seconds(), actor.principal_id(),
                                   totals.back().total_pence + moved, transfer.reason, transfer.seq,
                                   moved});
        changes.changes.push_back(PutLineTotals{start_year, line, std::move(totals)});
      };
      confirm(transfer.from_line, -transfer.amount_pence);
      confirm(transfer.to_line, transfer.amount_pence);
    }
  }
  LCP_RETURN_IF_ERROR(CheckBalanceLimits(state, start_year, changes.legs));
  transfer.approved_seq = seq;
  transfer.approved_at = envelope.recorded_at().seconds();
  transfer.approved_by = actor.principal_id();
  transfer.moved = std::move(parts).value();
  changes.changes.push_back(PutTransfer{std::move(transfer)});
  return changes;
}

Result<ChangeSet> DecideAcknowledgeNotice(const State& state, const v1::AcknowledgeNotice& command,
                                          const v1::JournalEntry& envelope) {
  LCP_RETURN_IF_ERROR(CheckPractice(state, command.ods_code()));
  LCP_RETURN_IF_ERROR(
      CheckOwnPractice(envelope.actor(), command.ods_code(), "acknowledges budget notices"));
  Result<const Year*> year = CheckOpenYear(state, command.year());
  if (!year.ok()) return year.status();
  LCP_RETURN_IF_ERROR(CheckLine(**year, command.budget_line()));
  const int start_year = (*year)->start_year;
  const std::string year_line = command.year() + " " + command.budget_line();
  const Capitation& capitation = state.capitation;
  auto run = capitation.runs.find(command.run_seq());
  if (run == capitation.runs.end() || run->second->year != start_year ||
      run->second->line != command.budget_line()) {
    return Refuse(v1::ERROR_CODE_NOTICE_UNKNOWN, "entry " + std::to_string(command.run_seq()) +
                                                     " is not an allocation run for " + year_line);
  }
  const std::uint64_t latest = capitation.latest_run.at({start_year, command.budget_line()});
  if (latest != command.run_seq()) {
    return Refuse(v1::ERROR_CODE_NOTICE_SUPERSEDED,
                  "the run at entry " + std::to_string(command.run_seq()) +
                      " was replaced by the run at entry " + std::to_string(latest) +
                      "; acknowledge that one");
  }
  const std::vector<AllocationRow>& rows = run->second->rows;
  auto row = std::lower_bound(
      rows.begin(), rows.end(), command.ods_code(),
      [](const AllocationRow& r, const std::string& ods) { return r.ods_code < ods; });
  if (row == rows.end() || row->ods_code != command.ods_code()) {
    return Refuse(v1::ERROR_CODE_NOTICE_UNKNOWN, "the run at entry " +
                                                     std::to_string(command.run_seq()) + " gave " +
                                                     command.ods_code() + " no budget");
  }
  if (auto done = state.notices.acknowledgements.find({command.run_seq(), command.ods_code()});
      done != state.notices.acknowledgements.end()) {
    return Refuse(v1::ERROR_CODE_NOTICE_ALREADY_ACKNOWLEDGED,
                  command.ods_code() + " acknowledged the run at entry " +
                      std::to_string(command.run_seq()) + " already, at entry " +
                      std::to_string(done->second.seq));
  }
  ChangeSet changes;
  changes.changes.push_back(
      PutAcknowledgement{command.run_seq(), command.ods_code(),
                         Acknowledgement{state.last_seq() + 1, envelope.recorded_at().seconds()}});
  return changes;
}

Result<ChangeSet> DecideSignMembership(const State& state, const v1::SignMembership& command,
                                       const v1::JournalEntry& envelope) {
  LCP_RETURN_IF_ERROR(CheckPractice(state, command.ods_code()));
  LCP_RETURN_IF_ERROR(CheckOwnPractice(envelope.actor(), command.ods_code(), "signs up"));
  Result<const Year*> year = CheckOpenYear(state, command.year());
  if (!year.ok()) return year.status();
  const Year& open = **year;
  if (state.notices.LeftBefore(command.ods_code(), open.start_year)) {
    return Refuse(v1::ERROR_CODE_PRACTICE_LEFT,
                  command.ods_code() + " left the LCP at the end of " +
                      FormatYear(state.notices.members.at(command.ods_code()).left->last_year) +
                      ", before " + command.year());
  }
  LCP_RETURN_IF_ERROR(CheckTermsHash(command.terms_sha256()));
  if (!open.agreement) {
    return Refuse(v1::ERROR_CODE_AGREEMENT_MISSING,
                  command.year() +
                      " has no risk-sharing agreement in force to sign; LCP finance "
                      "proposes one and PCT finance co-signs it");
  }
  if (command.agreement_seq() != open.agreement->proposal_seq) {
    return Refuse(v1::ERROR_CODE_AGREEMENT_REVISION_MISMATCH,
                  "the agreement in force for " + command.year() + " is entry " +
                      std::to_string(open.agreement->proposal_seq) + ", not entry " +
                      std::to_string(command.agreement_seq()));
  }
  if (rules::InForce(RulesOf(envelope), rules::kSignUpOnRecordedTerms)) {
    const MembershipTerms* terms = state.notices.TermsInForce(open.start_year);
    if (terms == nullptr) {
      return Refuse(v1::ERROR_CODE_MEMBERSHIP_TERMS_NOT_IN_FORCE,
                    "no membership terms are recorded for " + command.year() +
                        "; LCP finance records them first (lcp membership terms)");
    }
    if (terms->terms_sha256 != command.terms_sha256()) {
      return Refuse(v1::ERROR_CODE_MEMBERSHIP_TERMS_NOT_IN_FORCE,
                    "the membership terms in force for " + command.year() + " are " +
                        Quoted(terms->title) + " (SHA-256 " + terms->terms_sha256 + ", entry " +
                        std::to_string(terms->seq) + "), not the document " +
                        command.terms_sha256().substr(0, 8) + "...");
    }
  }
  if (auto signed_before = state.notices.signatures.find({open.start_year, command.ods_code()});
      signed_before != state.notices.signatures.end() &&
      signed_before->second.terms_sha256 == command.terms_sha256() &&
      signed_before->second.agreement_seq == command.agreement_seq()) {
    return Refuse(v1::ERROR_CODE_MEMBERSHIP_ALREADY_SIGNED,
                  command.ods_code() + " signed these terms and this agreement for " +
                      command.year() + " already, at entry " +
                      std::to_string(signed_before->second.seq));
  }
  ChangeSet changes;
  changes.changes.push_back(
      PutSignature{open.start_year, command.ods_code(),
                   Signature{state.last_seq() + 1, envelope.recorded_at().seconds(),
                             command.terms_sha256(), command.agreement_seq()}});
  return changes;
}

Result<ChangeSet> DecideRecordMembershipTerms(const State& state,
                                              const v1::RecordMembershipTerms& command,
                                              const v1::JournalEntry& envelope) {
  Result<const Year*> year = CheckOpenYear(state, command.year());
  if (!year.ok()) return year.status();
  const int start_year = (*year)->start_year;
  LCP_RETURN_IF_ERROR(CheckTermsHash(command.terms_sha256()));
  if (!IsPrintableText(command.title(), kTermsTitleLengthMax)) {
    return Refuse(v1::ERROR_CODE_NARRATIVE_INVALID,
                  "the membership terms need a title of 1 to " +
                      std::to_string(kTermsTitleLengthMax) +
                      " characters of UTF-8 text without control characters");
  }
  std::vector<MembershipTerms> versions;
  if (auto found = state.notices.terms.find(start_year); found != state.notices.terms.end()) {
    versions = found->second;
  }
  if (!versions.empty() && versions.back().terms_sha256 == command.terms_sha256()) {
    return Refuse(v1::ERROR_CODE_MEMBERSHIP_TERMS_UNCHANGED,
                  "those terms are in force for " + command.year() +
                      " already, recorded at entry " + std::to_string(versions.back().seq) +
                      " as " + Quoted(versions.back().title));
  }
  versions.push_back(MembershipTerms{state.last_seq() + 1, envelope.recorded_at().seconds(),
                                     envelope.actor().principal_id(), command.terms_sha256(),
                                     command.title()});
  ChangeSet changes;
  changes.changes.push_back(PutMembershipTerms{start_year, std::move(versions)});
  return changes;
}

Result<ChangeSet> DecideLeaveLcp(const State& state, const v1::LeaveLcp& command,
                                 const v1::JournalEntry& envelope) {
  const v1::Actor& actor = envelope.actor();
  LCP_RETURN_IF_ERROR(CheckPractice(state, command.ods_code()));
  LCP_RETURN_IF_ERROR(CheckOwnPractice(actor, command.ods_code(), "leaves"));
  Result<int> last_year = ParseYear(command.last_year());
  if (!last_year.ok()) return last_year.status();
  if (auto open = state.years.find(*last_year); open != state.years.end()) {
    if (open->second.settled_seq != 0) {
      return Refuse(v1::ERROR_CODE_YEAR_SETTLED,
                    command.last_year() +
                        " is settled; a practice leaves at the end of a year "
                        "that is still open, or of a later one");
    }
  } else if (state.years.empty() || *last_year < state.years.rbegin()->first) {
    return Refuse(v1::ERROR_CODE_YEAR_NOT_OPEN,
                  command.last_year() +
                      " has not been opened; a practice leaves at the end of an "
                      "open year, or of a later one");
  }
  LCP_RETURN_IF_ERROR(CheckReason(command.reason(), "leaving"));
  MemberStatus status;
  if (auto found = state.notices.members.find(command.ods_code());
      found != state.notices.members.end()) {
    status = found->second;
  }
  if (status.left) {
    return Refuse(v1::ERROR_CODE_PRACTICE_LEFT,
                  command.ods_code() + " has left already, at the end of " +
                      FormatYear(status.left->last_year) + " (entry " +
                      std::to_string(status.left->seq) + ")");
  }
  for (auto later = state.balances.upper_bound(*last_year); later != state.balances.end();
       ++later) {
    const std::string prefix = PracticeAccount(command.ods_code(), "budget", "");
    for (auto account = later->second.lower_bound(prefix);
         account != later->second.end() && account->first.starts_with(prefix); ++account) {
      if (account->second != 0) {
        return Refuse(v1::ERROR_CODE_PRACTICE_ALLOCATED_LATER,
                      command.ods_code() + " has a budget in " + FormatYear(later->first) + " (" +
                          account->first + "), after " + command.last_year() +
                          "; it leaves at the end of that year or later");
      }
    }
  }
  Leaving leaving{state.last_seq() + 1, *last_year, command.reason(), actor.principal_id()};
  if (actor.role() == v1::ROLE_LCP_FINANCE) {
    status.pending = std::move(leaving);  // Until the practice confirms it.
  } else {
    status.left = std::move(leaving);
    status.pending.reset();
  }
  ChangeSet changes;
  changes.changes.push_back(PutMemberStatus{command.ods_code(), std::move(status)});
  return changes;
}

}  // namespace lcp

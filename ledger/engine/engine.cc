#include "ledger/engine/engine.h"

#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <variant>

#include "ledger/base/accounts.h"
#include "ledger/base/check.h"
#include "ledger/base/periods.h"
#include "ledger/base/rules_version.h"
#include "ledger/base/text.h"
#include "ledger/rules/capitation.h"
#include "ledger/rules/cases.h"
#include "ledger/rules/checks.h"
#include "ledger/rules/contracts.h"
#include "ledger/rules/notices.h"
#include "ledger/rules/reserve.h"
#include "ledger/rules/risk_sharing.h"

namespace lcp {
namespace {

Status Refuse(ErrorCode code, std::string message) {
  return Status::Error(code, std::move(message));
}

Result<ChangeSet> DecideRegisterPractice(const State& state, const v1::RegisterPractice& command) {
  if (!IsOdsPracticeCode(command.ods_code())) {
    return Refuse(v1::ERROR_CODE_PRACTICE_CODE_MALFORMED,
                  "practice code " + Quoted(command.ods_code()) +
                      " is not an ODS code: one capital letter and five digits, like A81001");
  }
  if (!IsPrintableText(command.name(), kNameLengthMax)) {
    return Refuse(v1::ERROR_CODE_NAME_INVALID,
                  "practice name must be 1 to " + std::to_string(kNameLengthMax) +
                      " characters of UTF-8 text without control characters");
  }
  if (state.practices.contains(command.ods_code())) {
    return Refuse(v1::ERROR_CODE_PRACTICE_ALREADY_REGISTERED,
                  "practice " + command.ods_code() + " is registered already");
  }
  ChangeSet changes;
  changes.changes.push_back(PutPractice{Practice{command.ods_code(), command.name()}});
  return changes;
}

Result<ChangeSet> DecideRegisterProvider(const State& state, const v1::RegisterProvider& command) {
  if (!IsProviderCode(command.code())) {
    return Refuse(v1::ERROR_CODE_PROVIDER_CODE_MALFORMED,
                  "provider code " + Quoted(command.code()) +
                      " must be 3 to 8 capital letters and digits starting with a letter, "
                      "like RX1 or NLO01");
  }
  if (!IsPrintableText(command.name(), kNameLengthMax)) {
    return Refuse(v1::ERROR_CODE_NAME_INVALID,
                  "provider name must be 1 to " + std::to_string(kNameLengthMax) +
                      " characters of UTF-8 text without control characters");
  }
  if (command.kind() == v1::PROVIDER_KIND_UNSPECIFIED ||
      !v1::ProviderKind_IsValid(command.kind())) {
    return Refuse(v1::ERROR_CODE_PROVIDER_KIND_MISSING,
                  "provider kind must be FOUNDATION_TRUST, COMMUNITY, INDEPENDENT or "
                  "LCP_PROVIDER_ARM");
  }
  if (state.providers.contains(command.code())) {
    return Refuse(v1::ERROR_CODE_PROVIDER_ALREADY_REGISTERED,
                  "provider " + command.code() + " is registered already");
  }
  ChangeSet changes;
  changes.changes.push_back(PutProvider{Provider{command.code(), command.name(), command.kind()}});
  return changes;
}

Result<ChangeSet> DecideOpenYear(const State& state, const v1::OpenYear& command,
                                 std::uint32_t rules) {
  Result<int> start_year = ParseYear(command.year());
  if (!start_year.ok()) return start_year.status();
  if (state.years.contains(*start_year)) {
    return Refuse(v1::ERROR_CODE_YEAR_ALREADY_OPEN,
                  "financial year " + command.year() + " is open already");
  }
  const auto line_count = static_cast<std::size_t>(command.budget_lines_size());
  if (line_count == 0 || line_count > kBudgetLinesPerYearMax) {
    return Refuse(v1::ERROR_CODE_BUDGET_LINE_COUNT_INVALID,
                  "a year needs 1 to " + std::to_string(kBudgetLinesPerYearMax) +
                      " budget lines; " + std::to_string(line_count) + " were given");
  }
  std::set<std::string, std::less<>> seen;
  for (const std::string& line : command.budget_lines()) {
    if (!IsBudgetLineName(line)) {
      return Refuse(v1::ERROR_CODE_BUDGET_LINE_MALFORMED,
                    "budget line " + Quoted(line) +
                        " must be 1 to 32 capital letters, digits and underscores, starting "
                        "with a letter, like PRESCRIBING");
    }
    if (!seen.insert(line).second) {
      return Refuse(v1::ERROR_CODE_BUDGET_LINE_DUPLICATE,
                    "budget line " + line + " is named twice");
    }
  }
  // Years are contiguous and months close in order across them, so a year is opened next to the
  // open ones, and never before a month already closed.
  if (!state.years.empty()) {
    const int first = state.years.begin()->first;
    const int last = state.years.rbegin()->first;
    if (*start_year != last + 1 && *start_year != first - 1) {
      return Refuse(v1::ERROR_CODE_YEAR_NOT_CONTIGUOUS,
                    "financial years are opened one after another, so that months close in order: "
                    "open " +
                        FormatYear(last + 1) + " (after " + FormatYear(last) + ")" +
                        (first > kYearFirst ? " or " + FormatYear(first - 1) + " (before " +
                                                  FormatYear(first) + ")"
                                            : std::string()) +
                        ", not " + command.year());
    }
  }
  for (auto later = state.years.upper_bound(*start_year); later != state.years.end(); ++later) {
    if (later->second.closed_through() > 0) {
      return Refuse(v1::ERROR_CODE_MONTH_CLOSED,
                    FormatYear(later->first) + " has closed months already, so the earlier year " +
                        command.year() + " can no longer be opened");
    }
  }
  std::string deadline = command.notice_deadline();
  if (deadline.empty()) {
    deadline = DefaultNoticeDeadline(*start_year);
  } else if (!IsExtractDate(deadline) || deadline < std::to_string(*start_year) + "-04-01" ||
             deadline > std::to_string(*start_year + 1) + "-03-31") {
    return Refuse(v1::ERROR_CODE_NOTICE_DEADLINE_INVALID,
                  "the notice deadline " + Quoted(deadline) + " must be a date written like " +
                      DefaultNoticeDeadline(*start_year) + " within " + command.year() + " (" +
                      std::to_string(*start_year) + "-04-01 to " + std::to_string(*start_year + 1) +
                      "-03-31)");
  }
  Year year;
  year.start_year = *start_year;
  year.notice_deadline = std::move(deadline);
  year.lines.assign(command.budget_lines().begin(), command.budget_lines().end());
  year.line_set = std::move(seen);
  ChangeSet changes;
  LCP_RETURN_IF_ERROR(RollContractsForward(state, year, changes));
  // A year opened after the latest becomes where the practices' reserves live.
  if (rules::InForce(rules, rules::kReserveCarriedForward) &&
      (state.years.empty() || year.start_year > state.years.rbegin()->first)) {
    LCP_RETURN_IF_ERROR(CarryReservesIntoOpenedYear(state, year, changes));
    if (changes.legs.size() > kRolloverPostingsMax) {
      return Refuse(v1::ERROR_CODE_ENTRY_TOO_LARGE,
                    "opening " + command.year() + " would commit contracts and carry reserves in " +
                        std::to_string(changes.legs.size()) + " postings, more than the " +
                        std::to_string(kRolloverPostingsMax) + " one entry may have");
    }
  }
  // The year goes in before the contracts committed into it.
  changes.changes.insert(changes.changes.begin(), PutYear{std::move(year)});
  return changes;
}

// Why a journal or a reversal may not move `account` under `rules`, or nothing when it may.
std::optional<Status> ReservedAccount(std::string_view account, std::uint32_t rules) {
  if (IsKeptByContracts(account)) {
    return Refuse(v1::ERROR_CODE_ACCOUNT_RESERVED,
                  "account " + Quoted(account) +
                      " is moved only by contracts, so that it always equals their outstanding "
                      "commitments; vary or close the contract instead");
  }
  if (IsKeptBySettlements(account, rules)) {
    return Refuse(v1::ERROR_CODE_ACCOUNT_RESERVED,
                  "account " + Quoted(account) +
                      " is moved only by the year's settlement (SettleYear), which applies the "
                      "risk-sharing agreement, and by the carrying of reinvestment reserves into "
                      "the next year; a saving, a share or a reserve is never typed in");
  }
  if (rules::InForce(rules, rules::kBudgetAccountsReserved) && IsKeptByBudgets(account)) {
    return Refuse(
        v1::ERROR_CODE_ACCOUNT_RESERVED,
        "account " + Quoted(account) +
            " is a budget, which moves only by the agreed method: an allocation run of "
            "the PCT's confirmed total (RunAllocation, lcp capitation run) or an approved "
            "budget transfer (ProposeBudgetTransfer, lcp budget transfer)");
  }
  if (rules::InForce(rules, rules::kAllocationAccountsReserved) && IsPctAllocation(account)) {
    return Refuse(v1::ERROR_CODE_ACCOUNT_RESERVED,
                  "account " + Quoted(account) +
                      " is the PCT's allocation of the line, the other side of its practices' "
                      "budgets: it moves only with them, by an allocation run of the confirmed "
                      "total (lcp capitation run) or an approved transfer (lcp budget transfer)");
  }
  return std::nullopt;
}

// A correction goes into the current month: the earliest month still open.
Status CheckCurrentMonth(const State& state, const OpenPeriod& period, std::uint32_t rules,
                         std::string_view what) {
  if (!rules::InForce(rules, rules::kCorrectionsInCurrentMonth)) return Status::Ok();
  const std::optional<std::pair<int, int>> current = NextMonthToClose(state.years);
  if (current && *current == std::pair(period.year->start_year, period.month)) return Status::Ok();
  return Refuse(v1::ERROR_CODE_CORRECTION_NOT_CURRENT_MONTH,
                std::string(what) + " goes into the current month, the earliest still open (" +
                    (current ? FormatYear(current->first) + " " + FormatMonth(current->second)
                             : std::string("none is open")) +
                    "), not " + FormatYear(period.year->start_year) + " " +
                    FormatMonth(period.month));
}

Result<ChangeSet> DecidePostJournal(const State& state, const v1::PostJournal& command,
                                    std::uint32_t rules) {
  Result<OpenPeriod> period = CheckPeriod(state, command.period());
  if (!period.ok()) return period.status();
  if (!IsPrintableText(command.narrative(), kNarrativeLengthMax)) {
    return Refuse(v1::ERROR_CODE_NARRATIVE_INVALID,
                  "a journal needs a narrative of 1 to " + std::to_string(kNarrativeLengthMax) +
                      " characters of UTF-8 text without control characters");
  }
  const auto count = static_cast<std::size_t>(command.postings_size());
  if (count < kPostingsPerJournalMin || count > kPostingsPerJournalMax) {
    return Refuse(v1::ERROR_CODE_POSTING_COUNT_INVALID,
                  "a journal needs " + std::to_string(kPostingsPerJournalMin) + " to " +
                      std::to_string(kPostingsPerJournalMax) + " postings; " +
                      std::to_string(count) + " were given");
  }
  if (command.corrects_seq() != 0) {
    const std::string which = "entry " + std::to_string(command.corrects_seq());
    if (command.corrects_seq() > state.last_seq()) {
      return Refuse(v1::ERROR_CODE_ENTRY_UNKNOWN,
                    "the journal corrects " + which + ", which does not exist; the journal has " +
                        std::to_string(state.last_seq()) + " entries");
    }
    const EntryFacts& corrected = state.entries[command.corrects_seq() - 1];
    if (!corrected.posted()) {
      return Refuse(v1::ERROR_CODE_ENTRY_HAS_NO_POSTINGS,
                    which + " posted nothing, so there is nothing to correct");
    }
    if (std::pair(period->year->start_year, period->month) <
        std::pair(corrected.year, corrected.month)) {
      return Refuse(v1::ERROR_CODE_CORRECTION_BACKDATED,
                    which + " was posted in " + FormatYear(corrected.year) + " " +
                        FormatMonth(corrected.month) +
                        "; a correction goes into that period or a later open one, never an "
                        "earlier one");
    }
    LCP_RETURN_IF_ERROR(CheckCurrentMonth(state, *period, rules, "a correction"));
  }
  ChangeSet changes;
  changes.year = period->year->start_year;
  changes.month = period->month;
  Money sum;
  for (const v1::Posting& posting : command.postings()) {
    if (posting.has_period()) {
      return Refuse(v1::ERROR_CODE_POSTING_PERIOD_NOT_ALLOWED,
                    "the posting to " + Quoted(posting.account()) +
                        " carries a period of its own; a journal's postings all go into the "
                        "journal's period, so leave it out");
    }
    LCP_RETURN_IF_ERROR(CheckAccount(state, *period->year, posting.account()));
    if (std::optional<Status> reserved = ReservedAccount(posting.account(), rules)) {
      return *std::move(reserved);
    }
    Result<Money> amount = Money::Parse(posting.amount().value());
    if (!amount.ok()) return amount.status();
    if (amount->is_zero()) {
      return Refuse(v1::ERROR_CODE_POSTING_ZERO,
                    "the posting to \"" + posting.account() + "\" is zero; leave it out");
    }
    sum += *amount;
    changes.legs.push_back(Leg{posting.account(), *amount});
  }
  if (!sum.is_zero()) {
    return Refuse(v1::ERROR_CODE_JOURNAL_UNBALANCED,
                  "the postings sum to " + sum.ToString() +
                      ", not 0.00: debits (positive) must equal credits (negative)");
  }
  LCP_RETURN_IF_ERROR(CheckBalanceLimits(state, changes.year, changes.legs));
  return changes;
}

Result<ChangeSet> DecideReverseEntry(const State& state, const v1::ReverseEntry& command,
                                     std::uint32_t rules) {
  Result<OpenPeriod> period = CheckPeriod(state, command.period());
  if (!period.ok()) return period.status();
  if (!IsPrintableText(command.reason(), kNarrativeLengthMax)) {
    return Refuse(v1::ERROR_CODE_NARRATIVE_INVALID,
                  "a reversal needs a reason of 1 to " + std::to_string(kNarrativeLengthMax) +
                      " characters of UTF-8 text without control characters");
  }
  const std::string which = "entry " + std::to_string(command.seq());
  if (command.seq() == 0 || command.seq() > state.last_seq()) {
    return Refuse(v1::ERROR_CODE_ENTRY_UNKNOWN, which + " does not exist; the journal has " +
                                                    std::to_string(state.last_seq()) + " entries");
  }
  const EntryFacts& original = state.entries[command.seq() - 1];
  if (original.reverses_seq != 0) {
    return Refuse(v1::ERROR_CODE_ENTRY_IS_REVERSAL,
                  which + " is itself the reversal of entry " +
                      std::to_string(original.reverses_seq) +
                      "; post a new journal instead of reversing a reversal");
  }
  if (original.irreversible == Irreversible::kAllocation) {
    return Refuse(v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE,
                  which +
                      " is a capitation allocation run; correct it with a new run, which posts "
                      "only the differences from it");
  }
  if (original.irreversible == Irreversible::kContract) {
    return Refuse(v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE,
                  which +
                      " moved a contract's commitments or payments, which the contract's own "
                      "figures follow; vary or close the contract instead (a journal may move "
                      "spend between practices)");
  }
  if (original.irreversible == Irreversible::kReserveCarried) {
    return Refuse(v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE,
                  which + " carried practices' reinvestment reserves into " +
                      FormatYear(original.year) +
                      "; a carry is never reversed, so that no reserve is left in a locked year");
  }
  if (original.irreversible == Irreversible::kCaseDrawDown) {
    return Refuse(v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE,
                  which +
                      " drew down a business case, whose figures follow its draw-downs; a "
                      "draw-down is never reversed (a provider's credit note is a journal "
                      "against its payable account)");
  }
  if (original.irreversible == Irreversible::kSettlement) {
    return Refuse(v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE,
                  which + " settled " + FormatYear(original.year) +
                      ", which is locked; a settlement is never reversed");
  }
  if (!original.posted()) {
    return Refuse(v1::ERROR_CODE_ENTRY_HAS_NO_POSTINGS,
                  which + " posted nothing, so there is nothing to reverse");
  }
  if (original.reversed_by != 0) {
    return Refuse(v1::ERROR_CODE_ENTRY_ALREADY_REVERSED,
                  which + " was reversed already by entry " + std::to_string(original.reversed_by));
  }
  if (std::pair(period->year->start_year, period->month) <
      std::pair(original.year, original.month)) {
    return Refuse(v1::ERROR_CODE_REVERSAL_BACKDATED,
                  which + " was posted in " + FormatYear(original.year) + " " +
                      FormatMonth(original.month) +
                      "; a reversal goes into that period or a later one, never an earlier one");
  }
  LCP_RETURN_IF_ERROR(CheckCurrentMonth(state, *period, rules, "a reversal"));
  ChangeSet changes;
  changes.year = period->year->start_year;
  changes.month = period->month;
  changes.reverses_seq = command.seq();
  for (Leg& leg : state.LegsOf(original)) {
    LCP_RETURN_IF_ERROR(CheckAccount(state, *period->year, leg.account));
    if (rules::InForce(rules, rules::kReservedAccountsNotReversed)) {
      if (std::optional<Status> reserved = ReservedAccount(leg.account, rules)) {
        return Refuse(v1::ERROR_CODE_ACCOUNT_RESERVED,
                      which + " cannot be reversed: " + reserved->message());
      }
    }
    changes.legs.push_back(Leg{std::move(leg.account), -leg.amount});
  }
  LCP_RETURN_IF_ERROR(CheckBalanceLimits(state, changes.year, changes.legs));
  changes.changes.push_back(MarkReversed{command.seq()});
  return changes;
}

// The business-case commands (rules 7).
Result<ChangeSet> DecideCaseCommand(const State& state, const v1::Command& command,
                                    const v1::JournalEntry& envelope) {
  if (!rules::InForce(RulesOf(envelope), rules::kBusinessCases)) {
    return Refuse(v1::ERROR_CODE_CASE_RULES_NOT_IN_FORCE,
                  "business cases came in with rules version " +
                      std::to_string(rules::kBusinessCases) + "; an entry recorded under rules " +
                      std::to_string(RulesOf(envelope)) + " cannot hold one");
  }
  switch (command.kind_case()) {
    case v1::Command::kSubmitCase:
      return DecideSubmitCase(state, command.submit_case(), envelope);
    case v1::Command::kConsentCase:
      return DecideConsentCase(state, command.consent_case(), envelope);
    case v1::Command::kRequestCaseInformation:
      return DecideRequestCaseInformation(state, command.request_case_information(), envelope);
    case v1::Command::kAnswerCase:
      return DecideAnswerCase(state, command.answer_case(), envelope);
    case v1::Command::kDecideCase:
      return DecideDecideCase(state, command.decide_case(), envelope);
    case v1::Command::kWithdrawCase:
      return DecideWithdrawCase(state, command.withdraw_case(), envelope);
    case v1::Command::kCloseCase:
      return DecideCloseCase(state, command.close_case(), envelope);
    case v1::Command::kDrawDownCase:
      return DecideDrawDownCase(state, command.draw_down_case(), envelope);
    default:
      break;
  }
  return Refuse(v1::ERROR_CODE_COMMAND_EMPTY, "the command names no action");
}

}  // namespace

Result<ChangeSet> Decide(const State& state, const v1::Command& command,
                         const v1::JournalEntry& envelope) {
  const v1::Actor& actor = envelope.actor();
  const std::uint32_t rules = RulesOf(envelope);
  switch (command.kind_case()) {
    case v1::Command::kRegisterPractice:
      return DecideRegisterPractice(state, command.register_practice());
    case v1::Command::kRegisterProvider:
      return DecideRegisterProvider(state, command.register_provider());
    case v1::Command::kOpenYear:
      return DecideOpenYear(state, command.open_year(), rules);
    case v1::Command::kPostJournal:
      return DecidePostJournal(state, command.post_journal(), rules);
    case v1::Command::kReverseEntry:
      return DecideReverseEntry(state, command.reverse_entry(), rules);
    case v1::Command::kSetBandWeights:
      return DecideSetBandWeights(state, command.set_band_weights());
    case v1::Command::kRecordPopulation:
      return DecideRecordPopulation(state, command.record_population());
    case v1::Command::kSetPracticeIndices:
      return DecideSetPracticeIndices(state, command.set_practice_indices());
    case v1::Command::kRunAllocation:
      return DecideRunAllocation(state, command.run_allocation(), envelope);
    case v1::Command::kRegisterContract:
      return DecideRegisterContract(state, command.register_contract(), actor);
    case v1::Command::kDeclareInterest:
      return DecideDeclareInterest(state, command.declare_interest(), actor);
    case v1::Command::kApproveContract:
      return DecideApproveContract(state, command.approve_contract(), actor);
    case v1::Command::kVaryContract:
      return DecideVaryContract(state, command.vary_contract(), actor);
    case v1::Command::kPostPayment:
      return DecidePostPayment(state, command.post_payment());
    case v1::Command::kCloseContract:
      return DecideCloseContract(state, command.close_contract());
    case v1::Command::kProposeAgreement:
      if (!rules::InForce(rules, rules::kBusinessCases) &&
          command.propose_agreement().terms().decision_target_days() != 0) {
        return Refuse(v1::ERROR_CODE_DECISION_TARGET_INVALID,
                      "a decision target came in with business cases, in rules version " +
                          std::to_string(rules::kBusinessCases));
      }
      return DecideProposeAgreement(state, command.propose_agreement(), actor);
    case v1::Command::kCosignAgreement:
      return DecideCosignAgreement(state, command.cosign_agreement(), actor);
    case v1::Command::kCloseMonth:
      return DecideCloseMonth(state, command.close_month(), actor);
    case v1::Command::kSettleYear:
      return DecideSettleYear(state, command.settle_year(), rules);
    case v1::Command::kConfirmLineTotal:
      return DecideConfirmLineTotal(state, command.confirm_line_total(), envelope);
    case v1::Command::kProposeBudgetTransfer:
      return DecideProposeBudgetTransfer(state, command.propose_budget_transfer(), envelope);
    case v1::Command::kApproveBudgetTransfer:
      return DecideApproveBudgetTransfer(state, command.approve_budget_transfer(), envelope);
    case v1::Command::kAcknowledgeNotice:
      return DecideAcknowledgeNotice(state, command.acknowledge_notice(), envelope);
    case v1::Command::kSignMembership:
      return DecideSignMembership(state, command.sign_membership(), envelope);
    case v1::Command::kLeaveLcp:
      return DecideLeaveLcp(state, command.leave_lcp(), envelope);
    case v1::Command::kRecordMembershipTerms:
      return DecideRecordMembershipTerms(state, command.record_membership_terms(), envelope);
    case v1::Command::kSubmitCase:
    case v1::Command::kConsentCase:
    case v1::Command::kRequestCaseInformation:
    case v1::Command::kAnswerCase:
    case v1::Command::kDecideCase:
    case v1::Command::kWithdrawCase:
    case v1::Command::kCloseCase:
    case v1::Command::kDrawDownCase:
      return DecideCaseCommand(state, command, envelope);
    case v1::Command::KIND_NOT_SET:
      break;
  }
  return Refuse(v1::ERROR_CODE_COMMAND_EMPTY, "the command names no action");
}

namespace {

// Puts `value` at `key` of `map`, logging in `undo` the step that puts back what was there (or
// takes the key out again) and counts the undo as one more change of `version`.
template <typename Map, typename Value>
void Put(State& state, Map State::*map, const typename Map::key_type& key, Value value,
         std::uint64_t State::*version, UndoLog* undo) {
  auto [slot, created] = (state.*map).try_emplace(key);
  if (undo != nullptr) {
    std::optional<typename Map::mapped_type> before;
    if (!created) before = std::move(slot->second);
    undo->push_back([map, key, before = std::move(before), version](State& s) {
      if (before) {
        (s.*map)[key] = *before;
      } else {
        (s.*map).erase(key);
      }
      if (version != nullptr) ++(s.*version);
    });
  }
  slot->second = std::move(value);
  if (version != nullptr) ++(state.*version);
}

// Stores `value` as version `seq` in `versions` and makes it the latest for `key` in `latest`,
// logging in `undo` the step that takes both back.
template <typename Value, typename Key>
void PutVersion(State& state, std::map<std::uint64_t, Value> Capitation::*versions,
                std::map<Key, std::uint64_t> Capitation::*latest, std::uint64_t seq, Value value,
                const Key& key, UndoLog* undo) {
  const bool added = (state.capitation.*versions).emplace(seq, std::move(value)).second;
  LCP_CHECK(added) << "a version " << seq << " exists already";
  auto [slot, created] = (state.capitation.*latest).try_emplace(key, seq);
  const std::uint64_t before = created ? 0 : slot->second;
  slot->second = seq;
  if (undo == nullptr) return;
  undo->push_back([versions, latest, seq, key, before](State& s) {
    (s.capitation.*versions).erase(seq);
    if (before == 0) {
      (s.capitation.*latest).erase(key);
    } else {
      (s.capitation.*latest)[key] = before;
    }
  });
}

// Counts one change of a version, and its undo as one more.
void Bump(State& state, std::uint64_t State::*version, UndoLog* undo) {
  ++(state.*version);
  if (undo != nullptr) undo->push_back([version](State& s) { ++(s.*version); });
}

// Applies one change as entry `seq`. One overload per kind of change; each logs its own inverse.
struct ChangeApplier {
  State& state;
  std::uint64_t seq;
  UndoLog* undo;

  void operator()(PutPractice& change) {
    const std::string code = change.practice.ods_code;
    Put(state, &State::practices, code, std::move(change.practice), &State::practices_version,
        undo);
  }
  void operator()(PutProvider& change) {
    const std::string code = change.provider.code;
    Put(state, &State::providers, code, std::move(change.provider), nullptr, undo);
  }
  void operator()(PutYear& change) {
    const int start_year = change.year.start_year;
    Put(state, &State::years, start_year, std::move(change.year), &State::years_version, undo);
  }
  void operator()(PutContract& change) {
    LCP_CHECK(change.contract != nullptr);
    std::shared_ptr<const Contract>& slot = state.contracts.by_id[change.contract->id];
    if (undo != nullptr) {
      undo->push_back([id = change.contract->id, before = slot](State& s) {
        if (before == nullptr) {
          s.contracts.by_id.erase(id);
        } else {
          s.contracts.by_id[id] = before;
        }
      });
    }
    slot = std::move(change.contract);
    Bump(state, &State::contracts_version, undo);
  }
  void operator()(AddInterest& change) {
    state.contracts.interests.push_back(std::move(change.interest));
    if (undo != nullptr) undo->push_back([](State& s) { s.contracts.interests.pop_back(); });
    Bump(state, &State::contracts_version, undo);
  }
  void operator()(RecordInvoice& change) {
    auto key = std::pair(std::move(change.provider), std::move(change.reference));
    const bool added = state.invoices.emplace(key, seq).second;
    LCP_CHECK(added) << "invoice " << key.first << " " << key.second << " is recorded already";
    if (undo != nullptr)
      undo->push_back([key = std::move(key)](State& s) { s.invoices.erase(key); });
    Bump(state, &State::contracts_version, undo);
  }
  void operator()(PutWeights& change) {
    const std::pair<int, std::string> key(change.weights.year, change.weights.line);
    PutVersion(state, &Capitation::weights, &Capitation::latest_weights, seq,
               std::move(change.weights), key, undo);
    Bump(state, &State::capitation_version, undo);
  }
  void operator()(PutList& change) {
    auto [extract, created] = state.capitation.lists.try_emplace(change.extract_date);
    const bool added = extract->second.emplace(change.ods_code, change.counts).second;
    LCP_CHECK(added) << "a list of " << change.ods_code << " at " << change.extract_date
                     << " is recorded already";
    if (undo != nullptr) {
      undo->push_back(
          [date = change.extract_date, ods = change.ods_code, created = created](State& s) {
            if (created) {
              s.capitation.lists.erase(date);
            } else {
              s.capitation.lists.at(date).erase(ods);
            }
          });
    }
    Bump(state, &State::capitation_version, undo);
  }
  void operator()(PutIndices& change) {
    const int year = change.indices.year;
    PutVersion(state, &Capitation::indices, &Capitation::latest_indices, seq,
               std::move(change.indices), year, undo);
    Bump(state, &State::capitation_version, undo);
  }
  void operator()(RecordAllocation& change) {
    LCP_CHECK(change.run != nullptr);
    LCP_CHECK_EQ(change.run->seq, seq);
    const std::pair<int, std::string> key(change.run->year, change.run->line);
    PutVersion(state, &Capitation::runs, &Capitation::latest_run, seq, std::move(change.run), key,
               undo);
    Bump(state, &State::capitation_version, undo);
  }
  void operator()(PutLineTotals& change) {
    PutNotice(&Notices::line_totals, std::pair(change.year, std::move(change.line)),
              std::move(change.totals));
  }
  void operator()(PutTransfer& change) {
    BudgetTransfer& transfer = change.transfer;
    if (transfer.approved_seq == seq) {
      for (const auto& [ods, pence] : transfer.moved) {
        AddTransferred(std::tuple(transfer.year, transfer.from_line, ods), -pence);
        AddTransferred(std::tuple(transfer.year, transfer.to_line,
                                  transfer.to_ods_code.empty() ? ods : transfer.to_ods_code),
                       pence);
      }
    }
    const std::uint64_t key = transfer.seq;
    PutNotice(&Notices::transfers, key, std::move(transfer));
  }
  void operator()(PutAcknowledgement& change) {
    PutNotice(&Notices::acknowledgements, std::pair(change.run_seq, std::move(change.ods_code)),
              std::move(change.acknowledgement));
  }
  void operator()(PutSignature& change) {
    PutNotice(&Notices::signatures, std::pair(change.year, std::move(change.ods_code)),
              std::move(change.signature));
  }
  void operator()(PutMemberStatus& change) {
    PutNotice(&Notices::members, std::move(change.ods_code), std::move(change.status));
  }
  void operator()(PutMembershipTerms& change) {
    PutNotice(&Notices::terms, change.year, std::move(change.versions));
  }
  void operator()(PutCase& change) {
    LCP_CHECK(change.business_case != nullptr);
    std::shared_ptr<const BusinessCase>& slot = state.cases.by_id[change.business_case->id];
    const std::shared_ptr<const BusinessCase> before = slot;
    if (before != nullptr) MoveHeld(state, *before, -1);
    MoveHeld(state, *change.business_case, +1);
    if (undo != nullptr) {
      undo->push_back([before, after = change.business_case](State& s) {
        MoveHeld(s, *after, -1);
        if (before == nullptr) {
          s.cases.by_id.erase(after->id);
        } else {
          MoveHeld(s, *before, +1);
          s.cases.by_id[after->id] = before;
        }
      });
    }
    slot = std::move(change.business_case);
    Bump(state, &State::cases_version, undo);
  }
  // Adds (sign +1) or takes away (-1) what `business_case` holds of each practice's reserve.
  static void MoveHeld(State& s, const BusinessCase& business_case, int sign) {
    for (const CaseFundingPart& part : business_case.fundings) {
      const Int held = business_case.HeldOf(part);
      if (held == 0) continue;
      auto [total, created] = s.cases.held.try_emplace(part.ods_code);
      total->second += sign > 0 ? held : Int(-held);
      if (total->second == 0) s.cases.held.erase(total);
    }
  }

  // Puts `value` at `key` of the notices' `map`, logging the step that puts back what was there.
  template <typename Map, typename Value>
  void PutNotice(Map Notices::*map, typename Map::key_type key, Value value) {
    auto [slot, created] = (state.notices.*map).try_emplace(key);
    if (undo != nullptr) {
      std::optional<typename Map::mapped_type> before;
      if (!created) before = slot->second;
      undo->push_back([map, key, before = std::move(before)](State& s) {
        if (before) {
          (s.notices.*map)[key] = *before;
        } else {
          (s.notices.*map).erase(key);
        }
      });
    }
    slot->second = std::move(value);
    Bump(state, &State::notices_version, undo);
  }
  void AddTransferred(const std::tuple<int, std::string, std::string>& key, const Int& pence) {
    // A total that comes back to zero is dropped, so that the map is the same however it got there.
    auto add = [](State& s, const std::tuple<int, std::string, std::string>& at,
                  const Int& amount) {
      auto [total, created] = s.notices.transferred.try_emplace(at);
      total->second += amount;
      if (total->second == 0) s.notices.transferred.erase(total);
    };
    add(state, key, pence);
    if (undo != nullptr) undo->push_back([key, pence, add](State& s) { add(s, key, -pence); });
  }

  void operator()(MarkReversed& change) {
    LCP_CHECK(change.seq >= 1 && change.seq < seq);
    std::uint64_t& reversed_by = state.entries[change.seq - 1].reversed_by;
    LCP_CHECK_EQ(reversed_by, 0u) << "entry " << change.seq << " is reversed already";
    reversed_by = seq;
    if (undo != nullptr) {
      undo->push_back(
          [original = change.seq](State& s) { s.entries[original - 1].reversed_by = 0; });
    }
  }
};

// The leg as the state keeps it, numbering its account if it is the first to name it.
KeptLeg Keep(State& state, const Leg& leg) {
  auto [number, added] = state.account_numbers.try_emplace(
      leg.account, static_cast<std::uint32_t>(state.numbered_accounts.size()));
  if (added) {
    Result<AccountRef> ref = ParseAccount(leg.account);
    state.numbered_accounts.push_back(
        {leg.account,
         ref.ok() ? std::optional(AccountShape::Of(leg.account, *ref)) : std::nullopt});
  }
  // The balance limit (CheckBalanceLimits) bounds every leg far inside 64 bits; one beyond it is a
  // bug.
  LCP_CHECK(leg.amount.pence() <= std::numeric_limits<std::int64_t>::max() &&
            leg.amount.pence() >= std::numeric_limits<std::int64_t>::min())
      << leg.account << " " << leg.amount.ToString();
  return KeptLeg{leg.amount.pence().convert_to<std::int64_t>(), number->second,
                 static_cast<std::int16_t>(leg.year), static_cast<std::int8_t>(leg.month)};
}

// Every transaction balances: the legs of each year (a leg's own period, or the entry's) sum to
// zero. Checked on the change-set Apply is about to fold in; the balances are kept per year, so a
// year's trial balance could not sum to zero otherwise.
void CheckLegsBalance(const ChangeSet& changes, std::uint64_t seq) {
  if (changes.legs.empty()) return;
  const int entry_year = changes.year;
  bool one_year = true;
  Int sum = 0;
  for (const Leg& leg : changes.legs) {
    if (leg.year != 0 && leg.year != entry_year) one_year = false;
    sum += leg.amount.pence();
  }
  LCP_CHECK_EQ(sum, 0) << "entry " << seq << "'s legs do not sum to zero";
  if (one_year) return;
  std::map<int, Int> by_year;
  for (const Leg& leg : changes.legs)
    by_year[leg.year != 0 ? leg.year : entry_year] += leg.amount.pence();
  for (const auto& [year, year_sum] : by_year) {
    LCP_CHECK_EQ(year_sum, 0) << "entry " << seq << "'s legs in " << FormatYear(year)
                              << " do not sum to zero";
  }
}

}  // namespace

void Apply(State& state, ChangeSet changes, UndoLog* undo) {
  const std::uint64_t seq = state.last_seq() + 1;
  LCP_CHECK(changes.legs.empty() || (changes.year != 0 && changes.month != 0));
  LCP_CHECK_EQ(
      changes.reverses_seq != 0,
      !changes.changes.empty() && std::holds_alternative<MarkReversed>(changes.changes.back()));
  CheckLegsBalance(changes, seq);
  ChangeApplier applier{state, seq, undo};
  for (Change& change : changes.changes) std::visit(applier, change);
  for (const Leg& leg : changes.legs) {
    const int y = leg.year != 0 ? leg.year : changes.year;
    auto [year, year_created] = state.balances.try_emplace(y);
    // Logged before the account's step so that it runs after it.
    if (year_created && undo != nullptr) {
      undo->push_back([y](State& s) { s.balances.erase(y); });
    }
    auto [balance, created] = year->second.try_emplace(leg.account);
    balance->second += leg.amount.pence();
    if (undo != nullptr)
      undo->push_back([y, leg, created = created](State& s) {
        auto& accounts = s.balances.at(y);
        if (created) {
          accounts.erase(leg.account);
        } else {
          accounts.at(leg.account) -= leg.amount.pence();
        }
      });
  }
  EntryFacts facts;
  facts.year = changes.year;
  facts.month = changes.month;
  facts.legs_begin = state.legs.size();
  facts.legs_count = static_cast<std::uint32_t>(changes.legs.size());
  facts.irreversible = changes.irreversible;
  facts.reverses_seq = changes.reverses_seq;
  for (const Leg& leg : changes.legs) state.legs.push_back(Keep(state, leg));
  state.entries.push_back(facts);
  if (undo != nullptr) {
    undo->push_back([](State& s) {
      s.legs.resize(s.entries.back().legs_begin);
      s.entries.pop_back();
    });
  }
  // A month close is a checkpoint of the whole state: the balances must be what the legs say.
  if (changes.checkpoint) {
    const std::optional<std::string> difference = BalancesDifferFromLegs(state);
    LCP_CHECK(!difference) << "at the month close of entry " << seq << ", " << *difference;
  }
}

void Undo(State& state, UndoLog& undo) {
  for (auto step = undo.rbegin(); step != undo.rend(); ++step) (*step)(state);
  undo.clear();
}

void RecordInEntry(const ChangeSet& changes, v1::JournalEntry& entry) {
  entry.clear_period();
  entry.clear_postings();
  entry.clear_checkpoint();
  entry.set_reverses_seq(changes.reverses_seq);
  if (changes.checkpoint) {
    entry.mutable_checkpoint()->set_seq(changes.checkpoint->seq);
    entry.mutable_checkpoint()->set_hash(changes.checkpoint->hash);
  }
  if (changes.legs.empty()) return;
  entry.mutable_period()->set_year(FormatYear(changes.year));
  entry.mutable_period()->set_month(FormatMonth(changes.month));
  for (const Leg& leg : changes.legs) {
    v1::Posting* posting = entry.add_postings();
    posting->set_account(leg.account);
    posting->mutable_amount()->set_value(leg.amount.ToString());
    if (leg.year != 0) {
      posting->mutable_period()->set_year(FormatYear(leg.year));
      posting->mutable_period()->set_month(FormatMonth(leg.month));
    }
  }
}

std::optional<std::string> BalancesDifferFromLegs(const State& state) {
  // The sum of the kept legs per (year, account number), then compared with the balances.
  std::map<std::pair<int, std::uint32_t>, Int> sums;
  for (const EntryFacts& entry : state.entries) {
    for (std::uint64_t i = entry.legs_begin; i < entry.legs_begin + entry.legs_count; ++i) {
      const KeptLeg& leg = state.legs[i];
      sums[{leg.year != 0 ? leg.year : entry.year, leg.account}] += leg.pence;
    }
  }
  std::size_t accounts = 0;
  for (const auto& [year, balances] : state.balances) {
    for (const auto& [account, balance] : balances) {
      ++accounts;
      auto number = state.account_numbers.find(account);
      Int legs = 0;
      if (number != state.account_numbers.end()) {
        auto sum = sums.find({year, number->second});
        if (sum != sums.end()) legs = sum->second;
      }
      if (legs != balance) {
        return FormatYear(year) + " " + account + ": balance " +
               Money::FromPence(balance).ToString() + ", legs " + Money::FromPence(legs).ToString();
      }
    }
  }
  if (accounts != sums.size()) {
    return std::to_string(sums.size()) + " accounts have legs, but " + std::to_string(accounts) +
           " have balances";
  }
  return std::nullopt;
}

}  // namespace lcp

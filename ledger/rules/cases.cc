#include "ledger/rules/cases.h"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "ledger/base/accounts.h"
#include "ledger/base/apportion.h"
#include "ledger/base/periods.h"
#include "ledger/base/text.h"
#include "ledger/rules/checks.h"
#include "ledger/rules/contracts.h"
#include "ledger/rules/decision_clock.h"

namespace lcp {
namespace {

Status Refuse(ErrorCode code, std::string message) {
  return Status::Error(code, std::move(message));
}

std::string Pounds(const Int& pence) { return Money::FromPence(pence).ToString(); }

std::string StateName(v1::CaseState state) {
  return v1::CaseState_Name(state).substr(std::string_view("CASE_STATE_").size());
}

std::int64_t RecordedAt(const v1::JournalEntry& envelope) {
  return envelope.recorded_at().seconds();
}

// The case `id`, as `actor` may know it: a practice learns nothing of a case it does not fund, not
// even that it exists (as GetCase).
Result<std::shared_ptr<const BusinessCase>> FindCase(const State& state, const std::string& id,
                                                     const v1::Actor& actor) {
  auto found = state.cases.by_id.find(id);
  if (found == state.cases.by_id.end() ||
      (actor.role() == v1::ROLE_PRACTICE && !Funds(*found->second, actor.practice_ods_code()))) {
    return Refuse(v1::ERROR_CODE_CASE_UNKNOWN,
                  "no business case " + Quoted(id) + " was submitted (lcp case list shows them)");
  }
  return found->second;
}

Status CheckCaseText(const std::string& text, const std::string& what) {
  if (IsPrintableText(text, kCaseTextLengthMax)) return Status::Ok();
  return Refuse(v1::ERROR_CODE_CASE_PURPOSE_INVALID,
                what + " must be 1 to " + std::to_string(kCaseTextLengthMax) +
                    " characters of UTF-8 text without control characters");
}

Status WrongState(const BusinessCase& business_case, const std::string& what) {
  return Refuse(v1::ERROR_CODE_CASE_STATE_INVALID,
                "case " + business_case.id + " is " + StateName(business_case.state) + "; " + what);
}

// The proposer, or for a practice's case any principal acting for that practice.
Status CheckProposer(const BusinessCase& business_case, const v1::Actor& actor,
                     const std::string& what) {
  if (actor.principal_id() == business_case.proposed_by) return Status::Ok();
  if (business_case.proposer_role == v1::ROLE_PRACTICE && actor.role() == v1::ROLE_PRACTICE &&
      actor.practice_ods_code() == business_case.proposer_ods) {
    return Status::Ok();
  }
  return Refuse(v1::ERROR_CODE_CASE_NOT_PROPOSER, "only the proposer of case " + business_case.id +
                                                      " (" + business_case.proposed_by + ") " +
                                                      what);
}

// The decision's rules: the role the case needs, and never the proposer. LOCAL_ADMIN (the insecure
// server's principal) counts as every role.
Status CheckApprover(const State& state, const BusinessCase& business_case, const v1::Actor& actor,
                     const std::string& what) {
  if (actor.principal_id() == business_case.proposed_by) {
    return Refuse(v1::ERROR_CODE_APPROVER_IS_PROPOSER,
                  "case " + business_case.id + " was proposed by " + business_case.proposed_by +
                      "; another principal " + what + " (the approver is never the proposer)");
  }
  if (actor.role() == v1::ROLE_LOCAL_ADMIN) return Status::Ok();
  std::string why;
  const v1::Role role = ApproverRole(state.contracts, business_case, &why);
  if (role == v1::ROLE_PCT_FINANCE && actor.role() != v1::ROLE_PCT_FINANCE) {
    return Refuse(v1::ERROR_CODE_PCT_APPROVAL_REQUIRED,
                  "case " + business_case.id + " is decided by PCT finance, because " + why +
                      "; a PCT_FINANCE principal " + what);
  }
  if (role == v1::ROLE_LCP_FINANCE && actor.role() != v1::ROLE_LCP_FINANCE) {
    return Refuse(v1::ERROR_CODE_CASE_APPROVER_ROLE_WRONG,
                  "case " + business_case.id + " is decided by an LCP finance officer, because " +
                      why + "; an LCP_FINANCE principal " + what);
  }
  return Status::Ok();
}

std::string RefuseFundingMessage(const State& state, const std::string& ods, const Int& asked) {
  const Int reserve = ReserveOf(state, ods);
  auto held = state.cases.held.find(ods);
  const Int held_pence = held == state.cases.held.end() ? Int(0) : held->second;
  return "practice " + ods + "'s available reserve is " + Pounds(reserve - held_pence) +
         " (its reserve of " + Pounds(reserve) + " less " + Pounds(held_pence) +
         " held by approved cases), less than the " + Pounds(asked) + " it would give";
}

// Every funding still within its practice's available reserve.
Status CheckFundingsAvailable(const State& state, const BusinessCase& business_case) {
  for (const CaseFundingPart& part : business_case.fundings) {
    if (part.amount > AvailableReserve(state, part.ods_code)) {
      return Refuse(v1::ERROR_CODE_RESERVE_INSUFFICIENT,
                    RefuseFundingMessage(state, part.ods_code, part.amount));
    }
  }
  return Status::Ok();
}

// Starts the clock when every funding practice has consented.
void StartClockIfConsented(const State& state, BusinessCase& business_case, std::uint64_t seq,
                           std::int64_t at) {
  for (const CaseFundingPart& part : business_case.fundings) {
    if (part.consent_seq == 0) return;
  }
  business_case.state = v1::CASE_STATE_AWAITING_DECISION;
  business_case.clock_started_seq = seq;
  business_case.clock_started_at = at;
  business_case.target_days = DecisionTargetOf(state, business_case.year);
}

// Records the entry that decides or withdraws the case, which stops its clock.
void StopClock(BusinessCase& business_case, const State& state, const v1::JournalEntry& envelope) {
  business_case.decided_seq = state.last_seq() + 1;
  business_case.decided_at = RecordedAt(envelope);
  business_case.decided_by = envelope.actor().principal_id();
}

ChangeSet ChangesPutting(std::shared_ptr<BusinessCase> business_case) {
  ChangeSet changes;
  changes.changes.push_back(PutCase{std::move(business_case)});
  return changes;
}

}  // namespace

bool Funds(const BusinessCase& business_case, const std::string& ods) {
  return std::any_of(business_case.fundings.begin(), business_case.fundings.end(),
                     [&](const CaseFundingPart& part) { return part.ods_code == ods; });
}

bool IsCaseId(std::string_view id) {
  if (id.empty() || id.size() > kCaseIdLengthMax || id[0] < 'A' || id[0] > 'Z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

v1::Role ApproverRole(const Contracts& contracts, const BusinessCase& business_case,
                      std::string* why) {
  if (business_case.mode == v1::CONTRACT_MODE_MAKE) {
    if (why != nullptr) *why = "it is a MAKE case";
    return v1::ROLE_PCT_FINANCE;
  }
  for (const Interest& interest : contracts.interests) {
    bool names_it =
        interest.provider == business_case.provider ||
        (!business_case.contract_id.empty() && interest.contract_id == business_case.contract_id);
    if (!names_it && !interest.contract_id.empty()) {
      auto contract = contracts.by_id.find(interest.contract_id);
      names_it =
          contract != contracts.by_id.end() && contract->second->provider == business_case.provider;
    }
    if (names_it) {
      if (why != nullptr) {
        *why = "practice " + interest.ods_code + " declared an interest in " +
               (interest.contract_id.empty() ? "provider " + interest.provider
                                             : "contract " + interest.contract_id) +
               " (entry " + std::to_string(interest.seq) + ")";
      }
      return v1::ROLE_PCT_FINANCE;
    }
  }
  if (why != nullptr) *why = "it is a BUY case and no member declared an interest in its provider";
  return v1::ROLE_LCP_FINANCE;
}

Int ReserveOf(const State& state, const std::string& ods) {
  if (state.years.empty()) return 0;
  auto balances = state.balances.find(state.years.rbegin()->first);
  if (balances == state.balances.end()) return 0;
  auto found = balances->second.find(PracticeAccount(ods, "reinvestment"));
  return found == balances->second.end() ? Int(0) : Int(-found->second);
}

Int AvailableReserve(const State& state, const std::string& ods) {
  auto held = state.cases.held.find(ods);
  return ReserveOf(state, ods) - (held == state.cases.held.end() ? Int(0) : held->second);
}

DecisionClock ClockOf(const BusinessCase& business_case, std::int64_t now) {
  if (business_case.clock_started_seq == 0) {
    DecisionClock clock;
    clock.target_days = business_case.target_days;
    return clock;
  }
  std::vector<ClockPause> pauses;
  for (const CaseQuestion& question : business_case.questions) {
    pauses.push_back(
        ClockPause{question.asked_at, question.answered_seq == 0
                                          ? std::nullopt
                                          : std::optional<std::int64_t>(question.answered_at)});
  }
  const std::optional<std::int64_t> stopped =
      business_case.decided_seq == 0 ? std::nullopt
                                     : std::optional<std::int64_t>(business_case.decided_at);
  DecisionClock clock =
      ReadClock(business_case.clock_started_at, pauses, stopped,
                std::max(now, business_case.clock_started_at), business_case.target_days);
  // A withdrawal stops the clock, but it is not a decision, and never late.
  if (business_case.state == v1::CASE_STATE_WITHDRAWN) {
    clock.decided = false;
    clock.late = false;
  }
  return clock;
}

std::uint32_t DecisionTargetOf(const State& state, int start_year) {
  auto year = state.years.find(start_year);
  if (year != state.years.end() && year->second.agreement &&
      year->second.agreement->terms.decision_target_days != 0) {
    return year->second.agreement->terms.decision_target_days;
  }
  return kDecisionTargetDaysDefault;
}

Result<ChangeSet> DecideSubmitCase(const State& state, const v1::SubmitCase& command,
                                   const v1::JournalEntry& envelope) {
  const v1::Actor& actor = envelope.actor();
  if (!IsCaseId(command.case_id())) {
    return Refuse(v1::ERROR_CODE_CASE_ID_MALFORMED,
                  "case id " + Quoted(command.case_id()) +
                      " must be 1 to 32 capital letters, digits, \"-\" and \"_\", starting with a "
                      "letter, like BC-2027-01");
  }
  if (auto existing = state.cases.by_id.find(command.case_id());
      existing != state.cases.by_id.end()) {
    // A practice learns only that the id is taken, not which entry took it.
    return Refuse(v1::ERROR_CODE_CASE_ALREADY_EXISTS,
                  "case " + command.case_id() + " was submitted already" +
                      (actor.role() == v1::ROLE_PRACTICE
                           ? std::string("; choose another id")
                           : ", by entry " + std::to_string(existing->second->submitted_seq)));
  }
  if (!IsPrintableText(command.title(), kNameLengthMax)) {
    return Refuse(v1::ERROR_CODE_NAME_INVALID,
                  "a case's title must be 1 to " + std::to_string(kNameLengthMax) +
                      " characters of UTF-8 text without control characters");
  }
  LCP_RETURN_IF_ERROR(CheckCaseText(command.purpose(), "a case's purpose"));
  if (state.years.empty()) {
    return Refuse(v1::ERROR_CODE_YEAR_NOT_OPEN,
                  "no financial year is open, so no practice has a reserve to fund a case");
  }
  const Year& latest = state.years.rbegin()->second;
  if (latest.settled_seq != 0) {
    return Refuse(v1::ERROR_CODE_YEAR_SETTLED,
                  "the latest year, " + FormatYear(latest.start_year) + ", was settled by entry " +
                      std::to_string(latest.settled_seq) +
                      "; open the next year, which brings the reserves into it, before submitting "
                      "a case");
  }
  if (command.mode() != v1::CONTRACT_MODE_MAKE && command.mode() != v1::CONTRACT_MODE_BUY) {
    return Refuse(v1::ERROR_CODE_CONTRACT_MODE_INVALID,
                  "a case is MAKE (a member or the LCP's provider arm delivers it) or BUY");
  }
  auto business_case = std::make_shared<BusinessCase>();
  switch (command.payee_case()) {
    case v1::SubmitCase::kProviderCode:
      if (!state.providers.contains(command.provider_code())) {
        return Refuse(v1::ERROR_CODE_PROVIDER_UNKNOWN,
                      "provider " + Quoted(command.provider_code()) + " is not registered");
      }
      business_case->provider = command.provider_code();
      break;
    case v1::SubmitCase::kContractId: {
      auto contract = state.contracts.by_id.find(command.contract_id());
      if (contract == state.contracts.by_id.end()) {
        return Refuse(v1::ERROR_CODE_CONTRACT_UNKNOWN,
                      "no contract " + Quoted(command.contract_id()) + " is registered");
      }
      if (contract->second->status == v1::CONTRACT_STATUS_CLOSED) {
        return Refuse(v1::ERROR_CODE_CASE_PAYEE_INVALID,
                      "contract " + command.contract_id() + " was closed by entry " +
                          std::to_string(contract->second->closed_seq) + "; a case cannot pay it");
      }
      if (contract->second->mode != command.mode()) {
        return Refuse(v1::ERROR_CODE_CONTRACT_MODE_INVALID,
                      "contract " + command.contract_id() + " is " +
                          v1::ContractMode_Name(contract->second->mode).substr(14) +
                          "; a case that pays it is too");
      }
      business_case->provider = contract->second->provider;
      business_case->contract_id = command.contract_id();
      break;
    }
    case v1::SubmitCase::PAYEE_NOT_SET:
      return Refuse(v1::ERROR_CODE_CASE_PAYEE_INVALID,
                    "a case names the provider or the contract its draw-downs pay");
  }
  if (state.practices.contains(business_case->provider)) {
    return Refuse(v1::ERROR_CODE_CASE_PAYEE_INVALID,
                  "provider " + business_case->provider +
                      " has a practice's ODS code; a reserve pays a service, never a practice's "
                      "income");
  }
  const auto count = static_cast<std::size_t>(command.fundings_size());
  if (count == 0 || count > kCaseFundingsMax) {
    return Refuse(v1::ERROR_CODE_CASE_FUNDING_INVALID,
                  "a case is funded by 1 to " + std::to_string(kCaseFundingsMax) + " practices; " +
                      std::to_string(count) + " were given");
  }
  if (actor.role() == v1::ROLE_PRACTICE &&
      std::none_of(
          command.fundings().begin(), command.fundings().end(),
          [&](const v1::CaseFunding& f) { return f.ods_code() == actor.practice_ods_code(); })) {
    return Refuse(v1::ERROR_CODE_PERMISSION_DENIED,
                  "a practice proposes cases from its own reserve: " + actor.practice_ods_code() +
                      " is not among the funding practices");
  }
  const std::uint64_t seq = state.last_seq() + 1;
  const std::int64_t now = RecordedAt(envelope);
  std::set<std::string> seen;
  for (const v1::CaseFunding& funding : command.fundings()) {
    const std::string& ods = funding.ods_code();
    if (!state.practices.contains(ods)) {
      return Refuse(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                    "practice " + Quoted(ods) + " is not a registered member");
    }
    if (!seen.insert(ods).second) {
      return Refuse(v1::ERROR_CODE_CASE_FUNDING_INVALID, "practice " + ods + " is named twice");
    }
    if (state.notices.LeftBefore(ods, latest.start_year)) {
      return Refuse(v1::ERROR_CODE_PRACTICE_LEFT, "practice " + ods + " left the LCP before " +
                                                      FormatYear(latest.start_year) +
                                                      "; it funds no new cases");
    }
    Result<Money> amount = Money::Parse(funding.amount().value());
    if (!amount.ok()) {
      return Refuse(amount.status().code(),
                    "practice " + ods + "'s funding: " + amount.status().message());
    }
    if (amount->pence() <= 0) {
      return Refuse(v1::ERROR_CODE_CASE_FUNDING_INVALID,
                    "practice " + ods + "'s funding must be above 0.00");
    }
    if (amount->pence() > AvailableReserve(state, ods)) {
      // A practice sees the figures of its own reserve only.
      return Refuse(v1::ERROR_CODE_RESERVE_INSUFFICIENT,
                    actor.role() == v1::ROLE_PRACTICE && ods != actor.practice_ods_code()
                        ? "practice " + ods + "'s available reserve does not cover the " +
                              Pounds(amount->pence()) +
                              " it would give; ask it, or LCP finance, what it can give"
                        : RefuseFundingMessage(state, ods, amount->pence()));
    }
    CaseFundingPart part;
    part.ods_code = ods;
    part.amount = amount->pence();
    business_case->fundings.push_back(std::move(part));
  }
  std::sort(
      business_case->fundings.begin(), business_case->fundings.end(),
      [](const CaseFundingPart& a, const CaseFundingPart& b) { return a.ods_code < b.ods_code; });
  business_case->id = command.case_id();
  business_case->title = command.title();
  business_case->purpose = command.purpose();
  business_case->year = latest.start_year;
  business_case->state = v1::CASE_STATE_AWAITING_CONSENT;
  business_case->mode = command.mode();
  business_case->proposed_by = actor.principal_id();
  business_case->proposer_role = actor.role();
  if (actor.role() == v1::ROLE_PRACTICE) business_case->proposer_ods = actor.practice_ods_code();
  business_case->submitted_seq = seq;
  business_case->submitted_at = now;
  for (CaseFundingPart& part : business_case->fundings) {
    if (part.ods_code == business_case->proposer_ods) {
      part.consent_seq = seq;
      part.consented_at = now;
    }
  }
  StartClockIfConsented(state, *business_case, seq, now);
  return ChangesPutting(std::move(business_case));
}

Result<ChangeSet> DecideConsentCase(const State& state, const v1::ConsentCase& command,
                                    const v1::JournalEntry& envelope) {
  const v1::Actor& actor = envelope.actor();
  if (actor.role() == v1::ROLE_PRACTICE && actor.practice_ods_code() != command.ods_code()) {
    return Refuse(v1::ERROR_CODE_PERMISSION_DENIED,
                  "a practice consents only for itself: you act for " + actor.practice_ods_code());
  }
  Result<std::shared_ptr<const BusinessCase>> found =
      FindCase(state, command.case_id(), envelope.actor());
  if (!found.ok()) return found.status();
  const BusinessCase& current = **found;
  if (current.state != v1::CASE_STATE_AWAITING_CONSENT) {
    return WrongState(current, "only a case awaiting consent takes one");
  }
  auto business_case = std::make_shared<BusinessCase>(current);
  auto part =
      std::find_if(business_case->fundings.begin(), business_case->fundings.end(),
                   [&](const CaseFundingPart& p) { return p.ods_code == command.ods_code(); });
  if (part == business_case->fundings.end()) {
    return Refuse(v1::ERROR_CODE_CASE_CONSENT_INVALID, "practice " + Quoted(command.ods_code()) +
                                                           " does not fund case " + current.id +
                                                           "; only its funding practices consent");
  }
  if (part->consent_seq != 0) {
    return Refuse(v1::ERROR_CODE_CASE_CONSENT_INVALID,
                  "practice " + command.ods_code() + " consented to case " + current.id +
                      " already, by entry " + std::to_string(part->consent_seq));
  }
  const std::uint64_t seq = state.last_seq() + 1;
  part->consent_seq = seq;
  part->consented_at = RecordedAt(envelope);
  StartClockIfConsented(state, *business_case, seq, RecordedAt(envelope));
  return ChangesPutting(std::move(business_case));
}

Result<ChangeSet> DecideRequestCaseInformation(const State& state,
                                               const v1::RequestCaseInformation& command,
                                               const v1::JournalEntry& envelope) {
  Result<std::shared_ptr<const BusinessCase>> found =
      FindCase(state, command.case_id(), envelope.actor());
  if (!found.ok()) return found.status();
  const BusinessCase& current = **found;
  if (current.state != v1::CASE_STATE_AWAITING_DECISION) {
    return WrongState(current, "information is asked for only while a case awaits its decision");
  }
  LCP_RETURN_IF_ERROR(CheckApprover(state, current, envelope.actor(), "asks for information"));
  LCP_RETURN_IF_ERROR(CheckCaseText(command.question(), "a question"));
  auto business_case = std::make_shared<BusinessCase>(current);
  CaseQuestion question;
  question.asked_seq = state.last_seq() + 1;
  question.asked_at = RecordedAt(envelope);
  question.asked_by = envelope.actor().principal_id();
  question.question = command.question();
  business_case->questions.push_back(std::move(question));
  business_case->state = v1::CASE_STATE_INFORMATION_REQUESTED;
  return ChangesPutting(std::move(business_case));
}

Result<ChangeSet> DecideAnswerCase(const State& state, const v1::AnswerCase& command,
                                   const v1::JournalEntry& envelope) {
  Result<std::shared_ptr<const BusinessCase>> found =
      FindCase(state, command.case_id(), envelope.actor());
  if (!found.ok()) return found.status();
  const BusinessCase& current = **found;
  if (current.state != v1::CASE_STATE_INFORMATION_REQUESTED) {
    return WrongState(current, "no request for information awaits an answer");
  }
  LCP_RETURN_IF_ERROR(CheckProposer(current, envelope.actor(), "answers its questions"));
  LCP_RETURN_IF_ERROR(CheckCaseText(command.answer(), "an answer"));
  auto business_case = std::make_shared<BusinessCase>(current);
  CaseQuestion& question = business_case->questions.back();
  question.answered_seq = state.last_seq() + 1;
  question.answered_at = RecordedAt(envelope);
  question.answer = command.answer();
  business_case->state = v1::CASE_STATE_AWAITING_DECISION;
  return ChangesPutting(std::move(business_case));
}

Result<ChangeSet> DecideDecideCase(const State& state, const v1::DecideCase& command,
                                   const v1::JournalEntry& envelope) {
  Result<std::shared_ptr<const BusinessCase>> found =
      FindCase(state, command.case_id(), envelope.actor());
  if (!found.ok()) return found.status();
  const BusinessCase& current = **found;
  if (command.decision() != v1::CASE_DECISION_APPROVE &&
      command.decision() != v1::CASE_DECISION_REJECT) {
    return Refuse(v1::ERROR_CODE_CASE_DECISION_MISSING, "a decision is APPROVE or REJECT");
  }
  if (current.state == v1::CASE_STATE_AWAITING_CONSENT) {
    std::string missing;
    for (const CaseFundingPart& part : current.fundings) {
      if (part.consent_seq == 0) missing += (missing.empty() ? "" : ", ") + part.ods_code;
    }
    return Refuse(v1::ERROR_CODE_CASE_CONSENT_MISSING,
                  "case " + current.id +
                      " cannot be decided before every funding practice "
                      "consents; awaiting " +
                      missing);
  }
  // With a question open, the approver may reject the case (the proposer may never answer: the
  // pause then runs to the decision), but approves only once it is answered.
  if (current.state == v1::CASE_STATE_INFORMATION_REQUESTED &&
      command.decision() == v1::CASE_DECISION_APPROVE) {
    return WrongState(current, "it awaits the proposer's answer to the question of entry " +
                                   std::to_string(current.questions.back().asked_seq) +
                                   " before it is approved (it may be rejected)");
  }
  if (current.state != v1::CASE_STATE_AWAITING_DECISION &&
      current.state != v1::CASE_STATE_INFORMATION_REQUESTED) {
    return WrongState(current,
                      "it was decided already, by entry " + std::to_string(current.decided_seq));
  }
  const bool approve = command.decision() == v1::CASE_DECISION_APPROVE;
  LCP_RETURN_IF_ERROR(
      CheckApprover(state, current, envelope.actor(), approve ? "approves it" : "rejects it"));
  if (!approve || !command.reasons().empty()) {
    LCP_RETURN_IF_ERROR(CheckCaseText(command.reasons(), "a decision's reasons"));
  }
  if (approve) LCP_RETURN_IF_ERROR(CheckFundingsAvailable(state, current));
  auto business_case = std::make_shared<BusinessCase>(current);
  business_case->state = approve ? v1::CASE_STATE_APPROVED : v1::CASE_STATE_REJECTED;
  StopClock(*business_case, state, envelope);
  business_case->decided_role = ApproverRole(state.contracts, current);
  business_case->reasons = command.reasons();
  return ChangesPutting(std::move(business_case));
}

Result<ChangeSet> DecideWithdrawCase(const State& state, const v1::WithdrawCase& command,
                                     const v1::JournalEntry& envelope) {
  Result<std::shared_ptr<const BusinessCase>> found =
      FindCase(state, command.case_id(), envelope.actor());
  if (!found.ok()) return found.status();
  const BusinessCase& current = **found;
  if (current.state != v1::CASE_STATE_AWAITING_CONSENT &&
      current.state != v1::CASE_STATE_AWAITING_DECISION &&
      current.state != v1::CASE_STATE_INFORMATION_REQUESTED) {
    return WrongState(current, "only a case not yet decided is withdrawn (close an approved one)");
  }
  LCP_RETURN_IF_ERROR(CheckProposer(current, envelope.actor(), "withdraws it"));
  LCP_RETURN_IF_ERROR(CheckReason(command.reason(), "a withdrawal"));
  auto business_case = std::make_shared<BusinessCase>(current);
  business_case->state = v1::CASE_STATE_WITHDRAWN;
  StopClock(*business_case, state, envelope);
  business_case->reasons = command.reason();
  return ChangesPutting(std::move(business_case));
}

Result<ChangeSet> DecideCloseCase(const State& state, const v1::CloseCase& command,
                                  const v1::JournalEntry& envelope) {
  Result<std::shared_ptr<const BusinessCase>> found =
      FindCase(state, command.case_id(), envelope.actor());
  if (!found.ok()) return found.status();
  const BusinessCase& current = **found;
  if (current.state != v1::CASE_STATE_APPROVED) {
    return WrongState(current, "only an approved case is closed");
  }
  LCP_RETURN_IF_ERROR(CheckReason(command.reason(), "a close"));
  auto business_case = std::make_shared<BusinessCase>(current);
  business_case->state = v1::CASE_STATE_CLOSED;
  business_case->closed_seq = state.last_seq() + 1;
  business_case->close_reason = command.reason();
  return ChangesPutting(std::move(business_case));
}

Result<ChangeSet> DecideDrawDownCase(const State& state, const v1::DrawDownCase& command,
                                     const v1::JournalEntry& envelope) {
  Result<std::shared_ptr<const BusinessCase>> found =
      FindCase(state, command.case_id(), envelope.actor());
  if (!found.ok()) return found.status();
  const BusinessCase& current = **found;
  if (current.state == v1::CASE_STATE_CLOSED) {
    return WrongState(current, "it was closed by entry " + std::to_string(current.closed_seq) +
                                   " and takes no more draw-downs");
  }
  if (current.state != v1::CASE_STATE_APPROVED) {
    return WrongState(current, "only an approved case is drawn down");
  }
  Result<OpenPeriod> period = CheckPeriod(state, command.period());
  if (!period.ok()) return period.status();
  const int latest = state.years.rbegin()->first;
  if (period->year->start_year != latest) {
    return Refuse(v1::ERROR_CODE_CASE_PERIOD_INVALID,
                  "the reserves are in the latest year, " + FormatYear(latest) +
                      "; a draw-down goes into one of its open months, not " +
                      command.period().year() + " " + command.period().month());
  }
  if (!IsPrintableAsciiToken(command.invoice_reference(), kInvoiceReferenceLengthMax)) {
    return Refuse(v1::ERROR_CODE_INVOICE_REFERENCE_INVALID,
                  "the invoice reference must be 1 to " +
                      std::to_string(kInvoiceReferenceLengthMax) +
                      " printable ASCII characters without spaces");
  }
  if (auto paid = state.invoices.find({current.provider, command.invoice_reference()});
      paid != state.invoices.end()) {
    return Refuse(v1::ERROR_CODE_INVOICE_ALREADY_POSTED,
                  "invoice " + command.invoice_reference() + " from " + current.provider +
                      " was paid already by entry " + std::to_string(paid->second));
  }
  if (state.practices.contains(current.provider)) {
    return Refuse(v1::ERROR_CODE_CASE_PAYEE_INVALID,
                  "case " + current.id + "'s provider " + current.provider +
                      " is now also a practice's ODS code; a reserve is never paid to a practice");
  }
  Result<Money> amount = Money::Parse(command.amount().value());
  if (!amount.ok()) return amount.status();
  if (amount->pence() <= 0) {
    return Refuse(v1::ERROR_CODE_PAYMENT_AMOUNT_INVALID,
                  "a draw-down's amount must be above 0.00; " + amount->ToString() + " was given");
  }
  Int held = 0;
  Int drawn = 0;
  std::vector<Claim> claims;
  for (std::size_t i = 0; i < current.fundings.size(); ++i) {
    const Int part_held = current.HeldOf(current.fundings[i]);
    held += part_held;
    drawn += current.fundings[i].drawn;
    claims.push_back(Claim{Rational(part_held), static_cast<std::uint32_t>(i)});
  }
  if (amount->pence() > held) {
    return Refuse(v1::ERROR_CODE_DRAW_DOWN_EXCEEDS_APPROVED,
                  "case " + current.id + " was approved for " + Pounds(held + drawn) + " and " +
                      Pounds(drawn) + " is drawn already, so " + Pounds(held) +
                      " is left; a draw-down of " + amount->ToString() + " would exceed it");
  }
  // In proportion to what each still holds, so that none is drawn beyond its funding: each part is
  // at most the ceiling of its quota, which is at most what it holds.
  Result<std::vector<Money>> parts = Apportion(*amount, claims);
  if (!parts.ok()) return parts.status();
  auto business_case = std::make_shared<BusinessCase>(current);
  CaseDrawDown draw_down;
  draw_down.seq = state.last_seq() + 1;
  draw_down.invoice_reference = command.invoice_reference();
  draw_down.year = period->year->start_year;
  draw_down.month = period->month;
  draw_down.amount = amount->pence();
  ChangeSet changes;
  changes.year = period->year->start_year;
  changes.month = period->month;
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const Int& pence = (*parts)[i].pence();
    if (pence == 0) continue;
    CaseFundingPart& part = business_case->fundings[i];
    if (pence > ReserveOf(state, part.ods_code)) {
      return Refuse(v1::ERROR_CODE_RESERVE_INSUFFICIENT,
                    "practice " + part.ods_code + "'s reserve in " + FormatYear(latest) + " is " +
                        Pounds(ReserveOf(state, part.ods_code)) + ", less than its part " +
                        Pounds(pence) + " of the draw-down");
    }
    part.drawn += pence;
    draw_down.parts.emplace_back(part.ods_code, pence);
    changes.legs.push_back(
        Leg{PracticeAccount(part.ods_code, "reinvestment"), Money::FromPence(pence)});
  }
  changes.legs.push_back(Leg{"provider:" + current.provider + ":payable", -*amount});
  for (const Leg& leg : changes.legs) {
    LCP_RETURN_IF_ERROR(CheckAccount(state, *period->year, leg.account));
  }
  LCP_RETURN_IF_ERROR(CheckBalanceLimits(state, changes.year, changes.legs, true));
  business_case->draw_downs.push_back(std::move(draw_down));
  changes.irreversible = Irreversible::kCaseDrawDown;
  changes.changes.push_back(RecordInvoice{current.provider, command.invoice_reference()});
  changes.changes.push_back(PutCase{std::move(business_case)});
  return changes;
}

}  // namespace lcp

#include "ledger/rules/contracts.h"

#include <algorithm>
#include <map>
#include <set>

#include "ledger/base/accounts.h"
#include "ledger/base/apportion.h"
#include "ledger/base/periods.h"
#include "ledger/base/text.h"
#include "ledger/rules/checks.h"

namespace lcp {
namespace {

Status Refuse(ErrorCode code, std::string message) {
  return Status::Error(code, std::move(message));
}

std::string Pounds(const Int& pence) { return Money::FromPence(pence).ToString(); }

bool IsContractId(std::string_view id) {
  if (id.empty() || id.size() > kContractIdLengthMax) return false;
  const auto upper_or_digit = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!upper_or_digit(id[0])) return false;
  return std::all_of(id.begin(), id.end(), [&](char c) {
    return upper_or_digit(c) || c == '-' || c == '_' || c == '/' || c == '.';
  });
}

// A month index counted from April 2000, for spans across years.
int MonthIndex(int start_year, int month) { return start_year * 12 + month - 1; }

// An amount of a contract's terms: empty means zero; a negative one is refused.
Result<Int> TermsMoney(const v1::Decimal& decimal, const std::string& what) {
  if (decimal.value().empty()) return Int(0);
  Result<Money> money = Money::Parse(decimal.value());
  if (!money.ok()) {
    return Refuse(money.status().code(), what + ": " + money.status().message());
  }
  if (money->is_negative()) {
    return Refuse(v1::ERROR_CODE_CONTRACT_TERMS_INVALID, what + " must not be negative");
  }
  return money->pence();
}

Result<ContractTermsValue> CheckTerms(const v1::ContractTerms& message) {
  ContractTermsValue terms;
  terms.type = message.type();
  if (terms.type == v1::CONTRACT_TYPE_UNSPECIFIED || !v1::ContractType_IsValid(terms.type)) {
    return Refuse(v1::ERROR_CODE_CONTRACT_TERMS_INVALID,
                  "the contract type must be BLOCK, COST_PER_CASE or COST_AND_VOLUME");
  }
  Result<Int> value = TermsMoney(message.annual_value(), "the annual value");
  if (!value.ok()) return value.status();
  Result<Int> price = TermsMoney(message.price(), "the price");
  if (!price.ok()) return price.status();
  Result<Int> ceiling = TermsMoney(message.annual_ceiling(), "the annual ceiling");
  if (!ceiling.ok()) return ceiling.status();
  terms.annual_value = *value;
  terms.price = *price;
  terms.annual_ceiling = *ceiling;
  terms.annual_volume = message.annual_volume();
  if (terms.annual_volume < 0 || terms.annual_volume > kCasesMax) {
    return Refuse(v1::ERROR_CODE_CONTRACT_TERMS_INVALID,
                  "the annual volume must be 0 to " + std::to_string(kCasesMax) + " cases");
  }
  auto invalid = [](const std::string& why) {
    return Refuse(v1::ERROR_CODE_CONTRACT_TERMS_INVALID, why);
  };
  switch (terms.type) {
    case v1::CONTRACT_TYPE_BLOCK:
      if (terms.annual_value <= 0) return invalid("a BLOCK contract needs an annual value above 0");
      if (terms.price != 0 || terms.annual_volume != 0 || terms.annual_ceiling != 0) {
        return invalid(
            "a BLOCK contract takes only an annual value: leave price, volume and ceiling empty (its "
            "ceiling is its value)");
      }
      terms.annual_ceiling = terms.annual_value;
      break;
    case v1::CONTRACT_TYPE_COST_PER_CASE:
      if (terms.price <= 0) return invalid("a COST_PER_CASE contract needs a price per case above 0");
      if (terms.annual_value != 0) {
        return invalid("a COST_PER_CASE contract takes no annual value: its value is price x volume");
      }
      if (terms.annual_ceiling <= 0 || terms.annual_ceiling < terms.price * terms.annual_volume) {
        return invalid("a COST_PER_CASE contract needs an annual ceiling above 0 and at least price x "
                       "volume (" + Pounds(terms.price * terms.annual_volume) + ")");
      }
      terms.annual_value = terms.price * terms.annual_volume;
      break;
    case v1::CONTRACT_TYPE_COST_AND_VOLUME:
      if (terms.annual_value <= 0) {
        return invalid("a COST_AND_VOLUME contract needs an annual block value above 0");
      }
      if (terms.annual_volume <= 0) {
        return invalid("a COST_AND_VOLUME contract needs the volume its block pays for (1 or more cases)");
      }
      if (terms.price <= 0) {
        return invalid("a COST_AND_VOLUME contract needs a marginal price per case above 0");
      }
      if (terms.annual_ceiling < terms.annual_value) {
        return invalid("a COST_AND_VOLUME contract needs an annual ceiling of at least its block value (" +
                       Pounds(terms.annual_value) + ")");
      }
      break;
    default:
      break;
  }
  if (!WithinMagnitude(terms.annual_ceiling, kAmountPenceMax)) {
    return Refuse(v1::ERROR_CODE_AMOUNT_TOO_LARGE, "the annual value or ceiling is above " +
                                                       Pounds(Int(kAmountPenceMax)));
  }
  return terms;
}

// The figures of `contract` for `year`, from `terms`, keeping what was paid.
ContractYear YearFigures(const Contract& contract, const ContractTermsValue& terms, int year,
                         const ContractYear* existing) {
  ContractYear figures;
  if (existing != nullptr) figures = *existing;
  figures.first_month = year == contract.start_year ? contract.start_month : 1;
  figures.last_month = year == contract.end_year ? contract.end_month : 12;
  figures.annual_value = terms.annual_value;
  figures.value = Prorate(terms.annual_value, figures.first_month, figures.last_month);
  figures.ceiling = Prorate(terms.annual_ceiling, figures.first_month, figures.last_month);
  figures.volume = static_cast<std::int64_t>(
      Prorate(Int(terms.annual_volume), figures.first_month, figures.last_month));
  figures.price = terms.price;
  return figures;
}

// The month a leg for `year` goes into, for a command in (period_year, period_month): the period
// itself in its own year, M12 of an earlier year and M01 of a later one.
int LegMonth(int year, int period_year, int period_month) {
  if (year == period_year) return period_month;
  return year < period_year ? kMonthsPerYear : 1;
}

// A contract's figures for `year`: those stored once the year was committed or paid, or else the
// current terms' share of the year.
ContractYear FiguresFor(const Contract& contract, int year) {
  auto existing = contract.years.find(year);
  if (existing != contract.years.end()) return existing->second;
  return YearFigures(contract, contract.terms, year, nullptr);
}

Int OutstandingOf(const ContractYear& year) {
  if (!year.committed || year.settled) return 0;
  return year.value > year.paid ? Int(year.value - year.paid) : Int(0);
}

// The run whose weighted populations split a line's money in `year`: the latest run for the year and
// line, or of the latest earlier year that has one.
Result<std::shared_ptr<const AllocationRun>> BasisRun(const State& state, int year,
                                                      const std::string& line) {
  const Capitation& capitation = state.capitation;
  for (auto it = capitation.latest_run.upper_bound({year, std::string(1, '\x7f')});
       it != capitation.latest_run.begin();) {
    --it;
    if (it->first.second != line) continue;
    std::shared_ptr<const AllocationRun> run = capitation.runs.at(it->second);
    if (run->rows.size() > kContractPracticesMax) {
      return Refuse(v1::ERROR_CODE_ATTRIBUTION_BASIS_MISSING,
                    "the allocation run at entry " + std::to_string(run->seq) + " has more than " +
                        std::to_string(kContractPracticesMax) +
                        " practices, more than a contract's entry may split among");
    }
    return run;
  }
  return Refuse(v1::ERROR_CODE_ATTRIBUTION_BASIS_MISSING,
                "no capitation allocation has been run for " + line + " in " + FormatYear(year) +
                    " or an earlier year, so the line's money cannot be split by weighted "
                    "population; run one first (lcp capitation run)");
}

// The largest-remainder split of `pence` by the run's weighted populations, in the run's row order.
std::vector<Int> SplitByRun(const Int& pence, const AllocationRun& run) {
  std::vector<Int> parts(run.rows.size());
  if (pence == 0) return parts;
  std::vector<Claim> claims;
  claims.reserve(run.rows.size());
  for (std::size_t i = 0; i < run.rows.size(); ++i) {
    claims.push_back(Claim{Rational(run.rows[i].weighted_population), static_cast<std::uint32_t>(i)});
  }
  // A run's weighted populations are positive and at most kSplitPartiesMax practices share them.
  Result<std::vector<Money>> split = Apportion(Money::FromPence(pence), claims);
  for (std::size_t i = 0; i < parts.size(); ++i) parts[i] = (*split)[i].pence();
  return parts;
}

// Collects a command's legs, each in its own period, and turns them into the command's change-set.
class Posting {
 public:
  Posting(int year, int month) : year_(year), month_(month) {}

  void Add(const std::string& account, const Int& pence, int year, int month) {
    if (pence == 0) return;
    Leg leg{account, Money::FromPence(pence)};
    if (year != year_ || month != month_) {
      leg.year = year;
      leg.month = month;
    }
    legs_.push_back(std::move(leg));
  }

  // Posts the change of a contract year's commitment from `before` to `after` (both totals), per
  // practice of the year's basis, in (year, month).
  //
  // The postings go into `month`, or the month of the year's latest commitment posting if that is
  // later, so that a release never comes before what it releases and no month end shows a negative
  // commitment; `figures.commitment_month` records the month used.
  void MoveCommitment(const Contract& contract, ContractYear& figures, const Int& before,
                      const Int& after, int year, int month) {
    if (before == after) return;
    month = std::max(month, figures.commitment_month);
    figures.commitment_month = month;
    const AllocationRun& basis = *figures.basis;
    const std::vector<Int> old_parts = SplitByRun(before, basis);
    const std::vector<Int> new_parts = SplitByRun(after, basis);
    for (std::size_t i = 0; i < basis.rows.size(); ++i) {
      Add(PracticeAccount(basis.rows[i].ods_code, "commitment", contract.line),
          new_parts[i] - old_parts[i], year, month);
    }
    Add("lcp:encumbrance:" + contract.line, before - after, year, month);
  }

  // The balance limits, year by year (the legs of one year name distinct accounts).
  Status CheckLimits(const State& state) const {
    const bool one_year = std::all_of(legs_.begin(), legs_.end(),
                                      [](const Leg& leg) { return leg.year == 0; });
    if (one_year) return CheckBalanceLimits(state, year_, legs_, /*distinct_accounts=*/true);
    std::map<int, std::vector<Leg>> by_year;
    for (const Leg& leg : legs_) by_year[leg.year == 0 ? year_ : leg.year].push_back(leg);
    for (const auto& [year, legs] : by_year) {
      LCP_RETURN_IF_ERROR(CheckBalanceLimits(state, year, legs, /*distinct_accounts=*/true));
    }
    return Status::Ok();
  }

  ChangeSet Finish(std::vector<std::shared_ptr<const Contract>> contracts) {
    ChangeSet changes;
    changes.year = year_;
    changes.month = month_;
    changes.legs = std::move(legs_);
    AddContracts(changes, std::move(contracts));
    return changes;
  }

 private:
  int year_;
  int month_;
  std::vector<Leg> legs_;
};

Result<std::shared_ptr<const Contract>> FindContract(const State& state, const std::string& id) {
  auto found = state.contracts.by_id.find(id);
  if (found == state.contracts.by_id.end()) {
    return Refuse(v1::ERROR_CODE_CONTRACT_UNKNOWN,
                  "no contract " + Quoted(id) + " is registered (lcp contract list shows them)");
  }
  return found->second;
}

Status CheckText(const std::string& text, std::size_t length_max, ErrorCode code,
                 const std::string& what) {
  if (IsPrintableText(text, length_max)) return Status::Ok();
  return Refuse(code, what + " must be 1 to " + std::to_string(length_max) +
                          " characters of UTF-8 text without control characters");
}

bool IsPct(const v1::Actor& actor) {
  return actor.role() == v1::ROLE_PCT_FINANCE || actor.role() == v1::ROLE_LOCAL_ADMIN;
}

// The approval rules of DOMAIN.md ("Make-or-buy contracts", governance), for the contract or its
// variation.
Status CheckApprover(const State& state, const Contract& contract, const std::string& proposer,
                     const std::string& what, const v1::Actor& actor) {
  if (actor.principal_id() == proposer) {
    return Refuse(v1::ERROR_CODE_APPROVER_IS_PROPOSER,
                  what + " was proposed by " + proposer +
                      "; another principal must approve it (the approver is never the proposer)");
  }
  if (NeedsPctApproval(state.contracts, contract) && !IsPct(actor)) {
    const std::string why = contract.mode == v1::CONTRACT_MODE_MAKE
                                ? "it is a MAKE contract"
                                : "a member has declared an interest in it or its provider";
    return Refuse(v1::ERROR_CODE_PCT_APPROVAL_REQUIRED,
                  what + " needs approval by PCT finance, because " + why +
                      "; ask a PCT_FINANCE principal to approve it");
  }
  return Status::Ok();
}

// Commits every year of `contract` that is open and not yet committed, each into LegMonth's month.
Status CommitOpenYears(const State& state, Contract& contract, Posting& posting, int period_year,
                       int period_month) {
  for (int year = contract.start_year; year <= contract.end_year; ++year) {
    auto open = state.years.find(year);
    if (open == state.years.end()) continue;
    const ContractYear* existing = nullptr;
    if (auto it = contract.years.find(year); it != contract.years.end()) existing = &it->second;
    if (existing != nullptr && existing->committed) continue;
    // A year whose month for the postings is closed (an earlier year's M12) is over: it is not
    // committed any more, and takes no payments.
    if (open->second.is_closed(LegMonth(year, period_year, period_month))) continue;
    if (!open->second.line_set.contains(contract.line)) {
      return Refuse(v1::ERROR_CODE_BUDGET_LINE_UNKNOWN,
                    "contract " + contract.id + " runs into " + FormatYear(year) + " on line " +
                        contract.line + ", which " + FormatYear(year) + " does not have");
    }
    Result<std::shared_ptr<const AllocationRun>> basis = BasisRun(state, year, contract.line);
    if (!basis.ok()) return basis.status();
    ContractYear figures = existing != nullptr ? *existing : YearFigures(contract, contract.terms, year, nullptr);
    figures.committed = true;
    figures.basis = *basis;
    figures.outstanding = OutstandingOf(figures);
    posting.MoveCommitment(contract, figures, 0, figures.outstanding, year,
                           LegMonth(year, period_year, period_month));
    contract.years[year] = std::move(figures);
  }
  return Status::Ok();
}

}  // namespace

Int Prorate(const Int& annual, int first_month, int last_month) {
  const Int quota = annual / kMonthsPerYear;
  const int leftover = static_cast<int>(annual % kMonthsPerYear);
  Int sum = quota * (last_month - first_month + 1);
  // Months 1..leftover get one unit more.
  const int extra = std::max(0, std::min(last_month, leftover) - first_month + 1);
  return sum + extra;
}

bool IsConflicted(const Contracts& contracts, const Contract& contract) {
  return std::any_of(contracts.interests.begin(), contracts.interests.end(),
                     [&](const Interest& interest) {
                       return interest.contract_id == contract.id ||
                              interest.provider == contract.provider;
                     });
}

bool NeedsPctApproval(const Contracts& contracts, const Contract& contract) {
  return contract.mode == v1::CONTRACT_MODE_MAKE || IsConflicted(contracts, contract);
}

Result<ChangeSet> DecideRegisterContract(const State& state, const v1::RegisterContract& command,
                                         const v1::Actor& actor) {
  if (!IsContractId(command.contract_id())) {
    return Refuse(v1::ERROR_CODE_CONTRACT_ID_MALFORMED,
                  "contract id " + Quoted(command.contract_id()) +
                      " must be 1 to 32 capital letters, digits, \"-\", \"_\", \"/\" and \".\", "
                      "starting with a letter or digit, like C-2026-001");
  }
  if (state.contracts.by_id.contains(command.contract_id())) {
    return Refuse(v1::ERROR_CODE_CONTRACT_ALREADY_REGISTERED,
                  "contract " + command.contract_id() + " is registered already");
  }
  if (!state.providers.contains(command.provider_code())) {
    return Refuse(v1::ERROR_CODE_PROVIDER_UNKNOWN,
                  "provider " + Quoted(command.provider_code()) +
                      " is not registered; register it first (lcp provider add)");
  }
  if (command.mode() == v1::CONTRACT_MODE_UNSPECIFIED || !v1::ContractMode_IsValid(command.mode())) {
    return Refuse(v1::ERROR_CODE_CONTRACT_MODE_INVALID, "the contract mode must be MAKE or BUY");
  }
  if (command.mode() == v1::CONTRACT_MODE_BUY &&
      state.providers.at(command.provider_code()).kind == v1::PROVIDER_KIND_LCP_PROVIDER_ARM) {
    return Refuse(v1::ERROR_CODE_CONTRACT_MODE_INVALID,
                  "provider " + command.provider_code() +
                      " is the LCP's own provider arm: a contract with it is MAKE, which PCT "
                      "finance approves");
  }
  Result<OpenPeriod> start = CheckPeriod(state, command.start());
  if (!start.ok()) {
    return Refuse(start.status().code(), "the contract's start: " + start.status().message());
  }
  if (!start->year->line_set.contains(command.budget_line())) {
    return Refuse(v1::ERROR_CODE_BUDGET_LINE_UNKNOWN,
                  "budget line " + Quoted(command.budget_line()) + " is not one of " +
                      FormatYear(start->year->start_year) + "'s lines");
  }
  Result<int> end_year = ParseYear(command.end().year());
  if (!end_year.ok()) {
    return Refuse(v1::ERROR_CODE_CONTRACT_TERM_INVALID,
                  "the contract's end: " + end_year.status().message());
  }
  Result<int> end_month = ParseMonth(command.end().month());
  if (!end_month.ok()) {
    return Refuse(v1::ERROR_CODE_CONTRACT_TERM_INVALID,
                  "the contract's end: " + end_month.status().message());
  }
  const int first = MonthIndex(start->year->start_year, start->month);
  const int last = MonthIndex(*end_year, *end_month);
  if (last < first || last - first + 1 > kContractMonthsMax) {
    return Refuse(v1::ERROR_CODE_CONTRACT_TERM_INVALID,
                  "a contract runs from its start month to the same or a later end month, at most " +
                      std::to_string(kContractMonthsMax) + " months");
  }
  Result<ContractTermsValue> terms = CheckTerms(command.terms());
  if (!terms.ok()) return terms.status();
  if (command.attribution() == v1::ATTRIBUTION_UNSPECIFIED ||
      !v1::Attribution_IsValid(command.attribution())) {
    return Refuse(v1::ERROR_CODE_ATTRIBUTION_MISSING,
                  "the attribution must be ACTIVITY (each payment names practices) or CAPITATION "
                  "(payments split by weighted population)");
  }
  LCP_RETURN_IF_ERROR(CheckText(command.description(), kNameLengthMax, v1::ERROR_CODE_NAME_INVALID,
                                "the contract's description"));
  auto contract = std::make_shared<Contract>();
  contract->id = command.contract_id();
  contract->provider = command.provider_code();
  contract->mode = command.mode();
  contract->line = command.budget_line();
  contract->start_year = start->year->start_year;
  contract->start_month = start->month;
  contract->end_year = *end_year;
  contract->end_month = *end_month;
  contract->terms = *terms;
  contract->attribution = command.attribution();
  contract->description = command.description();
  contract->registered_seq = state.last_seq() + 1;
  contract->proposed_by = actor.principal_id();
  contract->entry_seqs.push_back(contract->registered_seq);
  ChangeSet changes;
  AddContracts(changes, {std::move(contract)});
  return changes;
}

Result<ChangeSet> DecideDeclareInterest(const State& state, const v1::DeclareInterest& command,
                                        const v1::Actor& actor) {
  if (!state.practices.contains(command.ods_code())) {
    return Refuse(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                  "practice " + Quoted(command.ods_code()) + " is not a registered member");
  }
  if (actor.role() == v1::ROLE_PRACTICE && actor.practice_ods_code() != command.ods_code()) {
    return Refuse(v1::ERROR_CODE_PERMISSION_DENIED,
                  "a practice declares only its own interests: you act for " +
                      actor.practice_ods_code());
  }
  if (!command.clinician().empty()) {
    LCP_RETURN_IF_ERROR(CheckText(command.clinician(), kNameLengthMax, v1::ERROR_CODE_NAME_INVALID,
                                  "the clinician's name"));
  }
  Interest interest;
  interest.seq = state.last_seq() + 1;
  interest.ods_code = command.ods_code();
  interest.clinician = command.clinician();
  switch (command.subject_case()) {
    case v1::DeclareInterest::kContractId:
      if (!state.contracts.by_id.contains(command.contract_id())) {
        return Refuse(v1::ERROR_CODE_CONTRACT_UNKNOWN,
                      "no contract " + Quoted(command.contract_id()) + " is registered");
      }
      interest.contract_id = command.contract_id();
      break;
    case v1::DeclareInterest::kProviderCode:
      if (!state.providers.contains(command.provider_code())) {
        return Refuse(v1::ERROR_CODE_PROVIDER_UNKNOWN,
                      "provider " + Quoted(command.provider_code()) + " is not registered");
      }
      interest.provider = command.provider_code();
      break;
    case v1::DeclareInterest::SUBJECT_NOT_SET:
      return Refuse(v1::ERROR_CODE_INTEREST_SUBJECT_MISSING,
                    "a declaration names the contract or the provider the interest is in");
  }
  LCP_RETURN_IF_ERROR(CheckText(command.description(), kNarrativeLengthMax,
                                v1::ERROR_CODE_NARRATIVE_INVALID, "the interest's description"));
  interest.description = command.description();
  interest.declared_by = actor.principal_id();
  ChangeSet changes;
  changes.changes.push_back(AddInterest{std::move(interest)});
  return changes;
}

Result<ChangeSet> DecideApproveContract(const State& state, const v1::ApproveContract& command,
                                        const v1::Actor& actor) {
  Result<std::shared_ptr<const Contract>> found = FindContract(state, command.contract_id());
  if (!found.ok()) return found.status();
  const Contract& current = **found;
  Result<OpenPeriod> period = CheckPeriod(state, command.period());
  if (!period.ok()) return period.status();
  if (current.status == v1::CONTRACT_STATUS_CLOSED) {
    return Refuse(v1::ERROR_CODE_CONTRACT_CLOSED, "contract " + current.id + " is closed");
  }
  const int period_year = period->year->start_year;
  const std::uint64_t seq = state.last_seq() + 1;
  auto contract = std::make_shared<Contract>(current);
  contract->entry_seqs.push_back(seq);
  Posting posting(period_year, period->month);
  if (command.variation_seq() == 0) {
    if (current.status != v1::CONTRACT_STATUS_DRAFT) {
      return Refuse(v1::ERROR_CODE_CONTRACT_NOT_DRAFT,
                    "contract " + current.id + " was approved by entry " +
                        std::to_string(current.approved_seq) +
                        "; to change it, propose a variation (lcp contract vary) and approve that "
                        "by its entry number");
    }
    LCP_RETURN_IF_ERROR(
        CheckApprover(state, current, current.proposed_by, "contract " + current.id, actor));
    contract->status = v1::CONTRACT_STATUS_APPROVED;
    contract->approved_seq = seq;
    contract->approved_by = actor.principal_id();
    LCP_RETURN_IF_ERROR(CommitOpenYears(state, *contract, posting, period_year, period->month));
  } else {
    if (!current.pending || current.pending->seq != command.variation_seq()) {
      return Refuse(v1::ERROR_CODE_VARIATION_UNKNOWN,
                    "entry " + std::to_string(command.variation_seq()) +
                        " is not a variation of contract " + current.id + " awaiting approval" +
                        (current.pending ? "; the pending one is entry " +
                                               std::to_string(current.pending->seq)
                                         : "; none is pending"));
    }
    const Variation& variation = *current.pending;
    LCP_RETURN_IF_ERROR(CheckApprover(state, current, variation.proposed_by,
                                      "the variation at entry " + std::to_string(variation.seq),
                                      actor));
    contract->terms = variation.terms;
    contract->pending.reset();
    for (auto& [year, figures] : contract->years) {
      if (year < period_year) continue;
      ContractYear varied = YearFigures(*contract, contract->terms, year, &figures);
      if (varied.ceiling < varied.paid) {
        return Refuse(v1::ERROR_CODE_CONTRACT_TERMS_INVALID,
                      "the varied ceiling for " + FormatYear(year) + ", " + Pounds(varied.ceiling) +
                          ", is below the " + Pounds(varied.paid) + " paid in that year already");
      }
      varied.outstanding = OutstandingOf(varied);
      if (figures.committed) {
        posting.MoveCommitment(*contract, varied, figures.outstanding, varied.outstanding, year,
                               LegMonth(year, period_year, period->month));
      }
      figures = std::move(varied);
    }
  }
  LCP_RETURN_IF_ERROR(posting.CheckLimits(state));
  return posting.Finish({std::move(contract)});
}

Result<ChangeSet> DecideVaryContract(const State& state, const v1::VaryContract& command,
                                     const v1::Actor& actor) {
  Result<std::shared_ptr<const Contract>> found = FindContract(state, command.contract_id());
  if (!found.ok()) return found.status();
  const Contract& current = **found;
  if (current.status == v1::CONTRACT_STATUS_CLOSED) {
    return Refuse(v1::ERROR_CODE_CONTRACT_CLOSED, "contract " + current.id + " is closed");
  }
  if (current.status == v1::CONTRACT_STATUS_DRAFT) {
    return Refuse(v1::ERROR_CODE_CONTRACT_NOT_APPROVED,
                  "contract " + current.id +
                      " is a draft: a variation changes an approved contract (close the draft and "
                      "register it again to change it)");
  }
  Result<ContractTermsValue> terms = CheckTerms(command.terms());
  if (!terms.ok()) return terms.status();
  if (terms->type != current.terms.type) {
    return Refuse(v1::ERROR_CODE_CONTRACT_TERMS_INVALID,
                  "a variation keeps the contract's type, " +
                      v1::ContractType_Name(current.terms.type).substr(14));
  }
  // A variation pending approval is superseded; whether the new ceilings cover what was paid is
  // checked on approval, when the years it changes are known.
  LCP_RETURN_IF_ERROR(CheckText(command.reason(), kNarrativeLengthMax,
                                v1::ERROR_CODE_NARRATIVE_INVALID, "a variation's reason"));
  auto contract = std::make_shared<Contract>(current);
  const std::uint64_t seq = state.last_seq() + 1;
  contract->pending = Variation{seq, actor.principal_id(), *terms, command.reason()};
  contract->entry_seqs.push_back(seq);
  ChangeSet changes;
  AddContracts(changes, {std::move(contract)});
  return changes;
}

Result<ChangeSet> DecidePostPayment(const State& state, const v1::PostPayment& command) {
  Result<std::shared_ptr<const Contract>> found = FindContract(state, command.contract_id());
  if (!found.ok()) return found.status();
  const Contract& current = **found;
  Result<OpenPeriod> period = CheckPeriod(state, command.period());
  if (!period.ok()) return period.status();
  if (current.status == v1::CONTRACT_STATUS_DRAFT) {
    return Refuse(v1::ERROR_CODE_CONTRACT_NOT_APPROVED,
                  "contract " + current.id + " has not been approved; a payment needs an approved "
                                             "contract");
  }
  if (current.status == v1::CONTRACT_STATUS_CLOSED) {
    return Refuse(v1::ERROR_CODE_CONTRACT_CLOSED,
                  "contract " + current.id + " was closed by entry " +
                      std::to_string(current.closed_seq) + "; it takes no more payments");
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
  Result<Money> amount = Money::Parse(command.amount().value());
  if (!amount.ok()) return amount.status();
  if (amount->pence() <= 0) {
    return Refuse(v1::ERROR_CODE_PAYMENT_AMOUNT_INVALID,
                  "a payment's amount must be above 0.00; " + amount->ToString() + " was given");
  }
  const int year = period->year->start_year;
  if (year < current.start_year || year > current.end_year) {
    return Refuse(v1::ERROR_CODE_PAYMENT_YEAR_OUTSIDE_CONTRACT,
                  "contract " + current.id + " runs from " + FormatYear(current.start_year) + " " +
                      FormatMonth(current.start_month) + " to " + FormatYear(current.end_year) +
                      " " + FormatMonth(current.end_month) + "; it takes no payments in " +
                      FormatYear(year));
  }
  if (!period->year->line_set.contains(current.line)) {
    return Refuse(v1::ERROR_CODE_BUDGET_LINE_UNKNOWN,
                  FormatYear(year) + " does not have contract " + current.id + "'s line " +
                      current.line);
  }
  const ContractTermsValue& terms = current.terms;
  const std::int64_t cases = command.activity_count();
  if (cases < 0 || cases > kCasesMax) {
    return Refuse(v1::ERROR_CODE_ACTIVITY_COUNT_INVALID,
                  "the activity count must be 0 to " + std::to_string(kCasesMax) + " cases");
  }
  const ContractYear figures = FiguresFor(current, year);
  if (terms.type == v1::CONTRACT_TYPE_COST_PER_CASE) {
    if (cases == 0) {
      return Refuse(v1::ERROR_CODE_ACTIVITY_COUNT_INVALID,
                    "contract " + current.id + " is COST_PER_CASE: give the number of cases the "
                                               "invoice pays for");
    }
    if (amount->pence() != figures.price * cases) {
      return Refuse(v1::ERROR_CODE_ACTIVITY_COUNT_INVALID,
                    "contract " + current.id + " pays " + Pounds(figures.price) + " a case: " +
                        std::to_string(cases) + " cases cost " + Pounds(figures.price * cases) +
                        ", not " + amount->ToString());
    }
  }
  // Attribution: who the spend belongs to.
  std::vector<std::pair<std::string, Int>> spend;
  if (current.attribution == v1::ATTRIBUTION_ACTIVITY) {
    const auto count = static_cast<std::size_t>(command.practice_amounts_size());
    if (count == 0 || count > kContractPracticesMax) {
      return Refuse(v1::ERROR_CODE_ATTRIBUTION_INVALID,
                    "contract " + current.id + " is attributed by ACTIVITY: name 1 to " +
                        std::to_string(kContractPracticesMax) +
                        " practices and their amounts, which sum to the payment");
    }
    std::set<std::string> seen;
    Int sum = 0;
    for (const v1::PracticeAmount& part : command.practice_amounts()) {
      if (!state.practices.contains(part.ods_code())) {
        return Refuse(v1::ERROR_CODE_PRACTICE_UNKNOWN,
                      "practice " + Quoted(part.ods_code()) +
                          " is not a member of the LCP; a payment is attributed only to members");
      }
      if (!seen.insert(part.ods_code()).second) {
        return Refuse(v1::ERROR_CODE_ATTRIBUTION_INVALID,
                      "practice " + part.ods_code() + " is named twice");
      }
      Result<Money> share = Money::Parse(part.amount().value());
      if (!share.ok()) {
        return Refuse(share.status().code(),
                      "practice " + part.ods_code() + "'s amount: " + share.status().message());
      }
      if (share->pence() <= 0) {
        return Refuse(v1::ERROR_CODE_ATTRIBUTION_INVALID,
                      "practice " + part.ods_code() + "'s amount must be above 0.00");
      }
      sum += share->pence();
      spend.emplace_back(part.ods_code(), share->pence());
    }
    if (sum != amount->pence()) {
      return Refuse(v1::ERROR_CODE_ATTRIBUTION_UNBALANCED,
                    "the practices' amounts sum to " + Pounds(sum) + ", not the payment's " +
                        amount->ToString());
    }
  } else {
    if (command.practice_amounts_size() != 0) {
      return Refuse(v1::ERROR_CODE_ATTRIBUTION_INVALID,
                    "contract " + current.id +
                        " is attributed by CAPITATION: its payments are split by weighted "
                        "population, so name no practices");
    }
    Result<std::shared_ptr<const AllocationRun>> basis = BasisRun(state, year, current.line);
    if (!basis.ok()) return basis.status();
    const std::vector<Int> parts = SplitByRun(amount->pence(), **basis);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      spend.emplace_back((*basis)->rows[i].ods_code, parts[i]);
    }
  }
  // The ceiling, and for COST_AND_VOLUME what the cases earn.
  const Int paid_after = figures.paid + amount->pence();
  if (paid_after > figures.ceiling) {
    return Refuse(v1::ERROR_CODE_CEILING_EXCEEDED,
                  "contract " + current.id + "'s ceiling for " + FormatYear(year) + " is " +
                      Pounds(figures.ceiling) + "; " + Pounds(figures.paid) +
                      " is paid already, so at most " + Pounds(figures.ceiling - figures.paid) +
                      " more may be paid, not " + amount->ToString());
  }
  if (terms.type == v1::CONTRACT_TYPE_COST_AND_VOLUME) {
    const std::int64_t cases_after = figures.cases + cases;
    const Int earned =
        figures.value + figures.price * std::max<std::int64_t>(0, cases_after - figures.volume);
    if (paid_after > earned) {
      return Refuse(v1::ERROR_CODE_CEILING_EXCEEDED,
                    "contract " + current.id + " pays its block of " + Pounds(figures.value) +
                        " for " + std::to_string(figures.volume) + " cases in " +
                        FormatYear(year) + ", then " + Pounds(figures.price) +
                        " a case: with " + std::to_string(cases_after) +
                        " cases paid for, payments may reach " + Pounds(earned) + ", not " +
                        Pounds(paid_after));
    }
  }
  auto contract = std::make_shared<Contract>(current);
  contract->status = v1::CONTRACT_STATUS_ACTIVE;
  ++contract->payment_count;
  contract->last_payment_seq = state.last_seq() + 1;
  ContractYear after = figures;
  after.paid = paid_after;
  after.cases += cases;
  after.outstanding = OutstandingOf(after);
  Posting posting(year, period->month);
  for (const auto& [ods, pence] : spend) {
    posting.Add(PracticeAccount(ods, "spend", current.line), pence, year, period->month);
  }
  posting.Add("provider:" + current.provider + ":payable", -amount->pence(), year, period->month);
  if (after.committed) {
    posting.MoveCommitment(current, after, figures.outstanding, after.outstanding, year,
                           period->month);
  }
  contract->years[year] = std::move(after);
  LCP_RETURN_IF_ERROR(posting.CheckLimits(state));
  ChangeSet changes = posting.Finish({std::move(contract)});
  changes.changes.push_back(RecordInvoice{current.provider, command.invoice_reference()});
  return changes;
}

Result<ChangeSet> DecideCloseContract(const State& state, const v1::CloseContract& command) {
  Result<std::shared_ptr<const Contract>> found = FindContract(state, command.contract_id());
  if (!found.ok()) return found.status();
  const Contract& current = **found;
  Result<OpenPeriod> period = CheckPeriod(state, command.period());
  if (!period.ok()) return period.status();
  if (current.status == v1::CONTRACT_STATUS_CLOSED) {
    return Refuse(v1::ERROR_CODE_CONTRACT_CLOSED,
                  "contract " + current.id + " was closed already by entry " +
                      std::to_string(current.closed_seq));
  }
  LCP_RETURN_IF_ERROR(CheckText(command.reason(), kNarrativeLengthMax,
                                v1::ERROR_CODE_NARRATIVE_INVALID, "the reason for closing"));
  const int period_year = period->year->start_year;
  const std::uint64_t seq = state.last_seq() + 1;
  auto contract = std::make_shared<Contract>(current);
  contract->status = v1::CONTRACT_STATUS_CLOSED;
  contract->closed_seq = seq;
  contract->pending.reset();
  contract->entry_seqs.push_back(seq);
  Posting posting(period_year, period->month);
  for (auto& [year, figures] : contract->years) {
    if (figures.outstanding == 0) continue;
    const int month = LegMonth(year, period_year, period->month);
    // An earlier year whose M12 is closed keeps its commitment until its settlement releases it.
    if (state.years.at(year).is_closed(month)) continue;
    posting.MoveCommitment(*contract, figures, figures.outstanding, 0, year, month);
    figures.outstanding = 0;
  }
  LCP_RETURN_IF_ERROR(posting.CheckLimits(state));
  return posting.Finish({std::move(contract)});
}

Status RollContractsForward(const State& state, const Year& year, ChangeSet& changes) {
  Posting posting(year.start_year, 1);
  std::vector<std::shared_ptr<const Contract>> changed;
  for (const auto& [id, current] : state.contracts.by_id) {
    const bool open = current->status == v1::CONTRACT_STATUS_APPROVED ||
                      current->status == v1::CONTRACT_STATUS_ACTIVE;
    if (!open || year.start_year < current->start_year || year.start_year > current->end_year) {
      continue;
    }
    if (!year.line_set.contains(current->line)) {
      return Refuse(v1::ERROR_CODE_BUDGET_LINE_UNKNOWN,
                    "contract " + id + " runs into " + FormatYear(year.start_year) + " on line " +
                        current->line + "; open the year with that line too");
    }
    Result<std::shared_ptr<const AllocationRun>> basis = BasisRun(state, year.start_year, current->line);
    if (!basis.ok()) return basis.status();
    auto contract = std::make_shared<Contract>(*current);
    ContractYear figures = YearFigures(*contract, contract->terms, year.start_year, nullptr);
    figures.committed = true;
    figures.basis = *basis;
    figures.outstanding = OutstandingOf(figures);
    posting.MoveCommitment(*contract, figures, 0, figures.outstanding, year.start_year, 1);
    contract->years[year.start_year] = std::move(figures);
    contract->entry_seqs.push_back(state.last_seq() + 1);
    changed.push_back(std::move(contract));
  }
  if (changed.empty()) return Status::Ok();
  ChangeSet rolled = posting.Finish(std::move(changed));
  // Several contracts on one line move the same practices' accounts: one leg per account.
  std::map<std::string, Int> merged;
  for (const Leg& leg : rolled.legs) merged[leg.account] += leg.amount.pence();
  if (merged.size() > kRolloverPostingsMax) {
    return Refuse(v1::ERROR_CODE_ENTRY_TOO_LARGE,
                  "opening " + FormatYear(year.start_year) + " would commit contracts in " +
                      std::to_string(merged.size()) + " accounts, more than the " +
                      std::to_string(kRolloverPostingsMax) + " postings one entry may have");
  }
  std::vector<Leg> legs;
  for (const auto& [account, pence] : merged) {
    if (pence != 0) legs.push_back(Leg{account, Money::FromPence(pence)});
  }
  LCP_RETURN_IF_ERROR(CheckBalanceLimits(state, year.start_year, legs, /*distinct_accounts=*/true));
  changes.year = year.start_year;
  changes.month = 1;
  changes.legs = std::move(legs);
  changes.irreversible = rolled.irreversible;
  for (Change& change : rolled.changes) changes.changes.push_back(std::move(change));
  return Status::Ok();
}

void ReleaseForSettlement(const State& state, int year, std::vector<Leg>& legs,
                          std::vector<std::shared_ptr<const Contract>>& changed) {
  Posting posting(year, kMonthsPerYear);
  for (const auto& [id, current] : state.contracts.by_id) {
    auto figures = current->years.find(year);
    if (figures == current->years.end()) continue;
    auto contract = std::make_shared<Contract>(*current);
    ContractYear& released = contract->years.at(year);
    if (released.outstanding != 0) {
      posting.MoveCommitment(*contract, released, released.outstanding, 0, year, kMonthsPerYear);
    }
    released.outstanding = 0;
    released.settled = true;
    contract->entry_seqs.push_back(state.last_seq() + 1);
    changed.push_back(std::move(contract));
  }
  ChangeSet released = posting.Finish({});
  for (Leg& leg : released.legs) legs.push_back(std::move(leg));
}

void ToTermsMessage(const ContractTermsValue& terms, v1::ContractTerms& message) {
  message.set_type(terms.type);
  const bool has_value = terms.type != v1::CONTRACT_TYPE_COST_PER_CASE;
  const bool has_price = terms.type != v1::CONTRACT_TYPE_BLOCK;
  if (has_value) message.mutable_annual_value()->set_value(Pounds(terms.annual_value));
  if (has_price) {
    message.mutable_price()->set_value(Pounds(terms.price));
    message.mutable_annual_ceiling()->set_value(Pounds(terms.annual_ceiling));
    message.set_annual_volume(terms.annual_volume);
  }
}

}  // namespace lcp

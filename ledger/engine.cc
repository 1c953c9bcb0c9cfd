#include "ledger/engine.h"

#include <cassert>
#include <cstdlib>
#include <limits>
#include <set>

#include "ledger/accounts.h"
#include "ledger/capitation.h"
#include "ledger/checks.h"
#include "ledger/contracts.h"
#include "ledger/periods.h"
#include "ledger/risk_sharing.h"
#include "ledger/text.h"

namespace lcp {
namespace {

Status Refuse(ErrorCode code, std::string message) {
  return Status::Error(code, std::move(message));
}

Result<Effects> DecideRegisterPractice(const State& state, const v1::RegisterPractice& command) {
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
  return Effects{};
}

Result<Effects> DecideRegisterProvider(const State& state, const v1::RegisterProvider& command) {
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
  return Effects{};
}

Result<Effects> DecideOpenYear(const State& state, const v1::OpenYear& command) {
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
  // Years are contiguous and months close in order across them, so a year is opened next to the open
  // ones, and never before a month already closed.
  if (!state.years.empty()) {
    const int first = state.years.begin()->first;
    const int last = state.years.rbegin()->first;
    if (*start_year != last + 1 && *start_year != first - 1) {
      return Refuse(v1::ERROR_CODE_YEAR_NOT_CONTIGUOUS,
                    "financial years are opened one after another, so that months close in order: "
                    "open " + FormatYear(last + 1) + " (after " + FormatYear(last) + ")" +
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
  Year year;
  year.start_year = *start_year;
  year.line_set = std::move(seen);
  Effects effects;
  LCP_RETURN_IF_ERROR(RollContractsForward(state, year, effects));
  return effects;
}

Result<Effects> DecidePostJournal(const State& state, const v1::PostJournal& command) {
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
      return Refuse(v1::ERROR_CODE_ENTRY_UNKNOWN, "the journal corrects " + which +
                                                      ", which does not exist; the journal has " +
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
  }
  Effects effects;
  effects.year = period->year->start_year;
  effects.month = period->month;
  Money sum;
  for (const v1::Posting& posting : command.postings()) {
    if (posting.has_period()) {
      return Refuse(v1::ERROR_CODE_POSTING_PERIOD_NOT_ALLOWED,
                    "the posting to " + Quoted(posting.account()) +
                        " carries a period of its own; a journal's postings all go into the "
                        "journal's period, so leave it out");
    }
    LCP_RETURN_IF_ERROR(CheckAccount(state, *period->year, posting.account()));
    if (IsKeptByContracts(posting.account())) {
      return Refuse(v1::ERROR_CODE_ACCOUNT_RESERVED,
                    "account " + Quoted(posting.account()) +
                        " is moved only by contracts, so that it always equals their outstanding "
                        "commitments; vary or close the contract instead");
    }
    if (IsKeptBySettlements(posting.account())) {
      return Refuse(v1::ERROR_CODE_ACCOUNT_RESERVED,
                    "account " + Quoted(posting.account()) +
                        " is moved only by year settlements, so that the pool always nets to zero "
                        "once a year is settled");
    }
    Result<Money> amount = Money::Parse(posting.amount().value());
    if (!amount.ok()) return amount.status();
    if (amount->is_zero()) {
      return Refuse(v1::ERROR_CODE_POSTING_ZERO,
                    "the posting to \"" + posting.account() + "\" is zero; leave it out");
    }
    sum += *amount;
    effects.legs.push_back(Leg{posting.account(), *amount});
  }
  if (!sum.is_zero()) {
    return Refuse(v1::ERROR_CODE_JOURNAL_UNBALANCED,
                  "the postings sum to " + sum.ToString() +
                      ", not 0.00: debits (positive) must equal credits (negative)");
  }
  LCP_RETURN_IF_ERROR(CheckBalanceLimits(state, effects.year, effects.legs));
  return effects;
}

Result<Effects> DecideReverseEntry(const State& state, const v1::ReverseEntry& command) {
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
                  which + " is a capitation allocation run; correct it with a new run, which posts "
                          "only the differences from it");
  }
  if (original.irreversible == Irreversible::kContract) {
    return Refuse(v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE,
                  which + " moved a contract's commitments or payments, which the contract's own "
                          "figures follow; vary or close the contract instead (a journal may move "
                          "spend between practices)");
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
  if (std::pair(period->year->start_year, period->month) < std::pair(original.year, original.month)) {
    return Refuse(v1::ERROR_CODE_REVERSAL_BACKDATED,
                  which + " was posted in " + FormatYear(original.year) + " " +
                      FormatMonth(original.month) +
                      "; a reversal goes into that period or a later one, never an earlier one");
  }
  Effects effects;
  effects.year = period->year->start_year;
  effects.month = period->month;
  effects.reverses_seq = command.seq();
  for (Leg& leg : state.LegsOf(original)) {
    LCP_RETURN_IF_ERROR(CheckAccount(state, *period->year, leg.account));
    effects.legs.push_back(Leg{std::move(leg.account), -leg.amount});
  }
  LCP_RETURN_IF_ERROR(CheckBalanceLimits(state, effects.year, effects.legs));
  return effects;
}

}  // namespace

Result<Effects> Decide(const State& state, const v1::Command& command, const v1::Actor& actor) {
  switch (command.kind_case()) {
    case v1::Command::kRegisterPractice:
      return DecideRegisterPractice(state, command.register_practice());
    case v1::Command::kRegisterProvider:
      return DecideRegisterProvider(state, command.register_provider());
    case v1::Command::kOpenYear:
      return DecideOpenYear(state, command.open_year());
    case v1::Command::kPostJournal:
      return DecidePostJournal(state, command.post_journal());
    case v1::Command::kReverseEntry:
      return DecideReverseEntry(state, command.reverse_entry());
    case v1::Command::kSetBandWeights:
      return DecideSetBandWeights(state, command.set_band_weights());
    case v1::Command::kRecordPopulation:
      return DecideRecordPopulation(state, command.record_population());
    case v1::Command::kSetPracticeIndices:
      return DecideSetPracticeIndices(state, command.set_practice_indices());
    case v1::Command::kRunAllocation:
      return DecideRunAllocation(state, command.run_allocation());
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
      return DecideProposeAgreement(state, command.propose_agreement(), actor);
    case v1::Command::kCosignAgreement:
      return DecideCosignAgreement(state, command.cosign_agreement(), actor);
    case v1::Command::kCloseMonth:
      return DecideCloseMonth(state, command.close_month(), actor);
    case v1::Command::kSettleYear:
      return DecideSettleYear(state, command.settle_year());
    case v1::Command::KIND_NOT_SET:
      break;
  }
  return Refuse(v1::ERROR_CODE_COMMAND_EMPTY, "the command names no action");
}

namespace {

// The leg as the state keeps it, numbering its account if it is the first to name it.
KeptLeg Keep(State& state, const Leg& leg) {
  auto [number, added] = state.account_numbers.try_emplace(
      leg.account, static_cast<std::uint32_t>(state.numbered_accounts.size()));
  if (added) {
    Result<AccountRef> ref = ParseAccount(leg.account);
    state.numbered_accounts.push_back(
        {leg.account, ref.ok() ? std::optional(AccountShape::Of(leg.account, *ref)) : std::nullopt});
  }
  // The balance limit (CheckBalanceLimits) bounds every leg far inside 64 bits; one beyond it is a bug.
  if (leg.amount.pence() > std::numeric_limits<std::int64_t>::max() ||
      leg.amount.pence() < std::numeric_limits<std::int64_t>::min()) {
    std::abort();
  }
  return KeptLeg{leg.amount.pence().convert_to<std::int64_t>(), number->second,
                 static_cast<std::int16_t>(leg.year), static_cast<std::int8_t>(leg.month)};
}

}  // namespace

void Evolve(State& state, const v1::Command& command, Effects effects, UndoLog* undo) {
  const std::uint64_t seq = state.last_seq() + 1;
  switch (command.kind_case()) {
    case v1::Command::kRegisterPractice: {
      const auto& c = command.register_practice();
      state.practices.emplace(c.ods_code(), Practice{c.ods_code(), c.name()});
      ++state.practices_version;
      if (undo != nullptr)
        undo->push_back([code = c.ods_code()](State& s) {
          s.practices.erase(code);
          ++s.practices_version;  // An undo is a change too.
        });
      break;
    }
    case v1::Command::kRegisterProvider: {
      const auto& c = command.register_provider();
      state.providers.emplace(c.code(), Provider{c.code(), c.name(), c.kind()});
      if (undo != nullptr)
        undo->push_back([code = c.code()](State& s) { s.providers.erase(code); });
      break;
    }
    case v1::Command::kOpenYear: {
      const auto& c = command.open_year();
      Year year;
      year.start_year = *ParseYear(c.year());
      year.lines.assign(c.budget_lines().begin(), c.budget_lines().end());
      year.line_set.insert(year.lines.begin(), year.lines.end());
      if (undo != nullptr)
        undo->push_back([start_year = year.start_year](State& s) {
          s.years.erase(start_year);
          ++s.years_version;
        });
      state.years.emplace(year.start_year, std::move(year));
      ++state.years_version;
      break;
    }
    case v1::Command::kReverseEntry:
      assert(effects.reverses_seq == command.reverse_entry().seq());
      state.entries[effects.reverses_seq - 1].reversed_by = seq;
      if (undo != nullptr)
        undo->push_back([original = effects.reverses_seq](State& s) {
          s.entries[original - 1].reversed_by = 0;
        });
      break;
    case v1::Command::kSetBandWeights:
    case v1::Command::kRecordPopulation:
    case v1::Command::kSetPracticeIndices:
    case v1::Command::kRunAllocation:
      EvolveCapitation(state, command, effects, seq, undo);
      break;
    case v1::Command::kPostJournal:
    case v1::Command::kRegisterContract:
    case v1::Command::kDeclareInterest:
    case v1::Command::kApproveContract:
    case v1::Command::kVaryContract:
    case v1::Command::kPostPayment:
    case v1::Command::kCloseContract:
    case v1::Command::kProposeAgreement:
    case v1::Command::kCosignAgreement:
    case v1::Command::kCloseMonth:
    case v1::Command::kSettleYear:
    case v1::Command::KIND_NOT_SET:
      break;
  }
  if (effects.year_after) {
    Year& slot = state.years.at(effects.year_after->start_year);
    if (undo != nullptr) {
      undo->push_back([before = slot](State& s) {
        s.years.at(before.start_year) = before;
        ++s.years_version;
      });
    }
    slot = std::move(*effects.year_after);
    ++state.years_version;
  }
  EvolveContracts(state, effects, seq, undo);
  for (const Leg& leg : effects.legs) {
    const int y = leg.year != 0 ? leg.year : effects.year;
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
  const bool settlement = command.kind_case() == v1::Command::kSettleYear;
  const Irreversible irreversible = settlement                      ? Irreversible::kSettlement
                                    : effects.run != nullptr          ? Irreversible::kAllocation
                                    : !effects.contracts.empty()     ? Irreversible::kContract
                                                                     : Irreversible::kNo;
  EntryFacts facts;
  facts.year = effects.year;
  facts.month = effects.month;
  facts.legs_begin = state.legs.size();
  facts.legs_count = static_cast<std::uint32_t>(effects.legs.size());
  facts.irreversible = irreversible;
  facts.reverses_seq = effects.reverses_seq;
  for (const Leg& leg : effects.legs) state.legs.push_back(Keep(state, leg));
  state.entries.push_back(facts);
  if (undo != nullptr) {
    undo->push_back([](State& s) {
      s.legs.resize(s.entries.back().legs_begin);
      s.entries.pop_back();
    });
  }
}

void Undo(State& state, UndoLog& undo) {
  for (auto step = undo.rbegin(); step != undo.rend(); ++step) (*step)(state);
  undo.clear();
}

void RecordEffects(const Effects& effects, v1::JournalEntry& entry) {
  entry.clear_period();
  entry.clear_postings();
  entry.clear_checkpoint();
  entry.set_reverses_seq(effects.reverses_seq);
  if (effects.checkpoint) {
    entry.mutable_checkpoint()->set_seq(effects.checkpoint->first);
    entry.mutable_checkpoint()->set_hash(effects.checkpoint->second);
  }
  if (effects.legs.empty()) return;
  entry.mutable_period()->set_year(FormatYear(effects.year));
  entry.mutable_period()->set_month(FormatMonth(effects.month));
  for (const Leg& leg : effects.legs) {
    v1::Posting* posting = entry.add_postings();
    posting->set_account(leg.account);
    posting->mutable_amount()->set_value(leg.amount.ToString());
    if (leg.year != 0) {
      posting->mutable_period()->set_year(FormatYear(leg.year));
      posting->mutable_period()->set_month(FormatMonth(leg.month));
    }
  }
}

}  // namespace lcp

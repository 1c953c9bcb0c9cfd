#include "clients/lcp/output.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "clients/lcp/case_output.h"
#include "clients/lcp/notices_output.h"
#include "clients/lcp/table.h"
#include "ledger/base/chain.h"
#include "ledger/base/decimal.h"

namespace lcp::client {
namespace {

// Postings one a line: the account, the amount, and the period when it is not the entry's.
std::string Postings(const google::protobuf::RepeatedPtrField<v1::Posting>& postings,
                     const std::string& indent) {
  Table table({FitLeft(0, indent), Right(18, "  "), Left(0, "  ")});
  for (const v1::Posting& posting : postings) {
    if (posting.has_period()) {
      table.Row({posting.account(), posting.amount().value(),
                 "(in " + posting.period().year() + " " + posting.period().month() + ")"});
    } else {
      table.Row({posting.account(), posting.amount().value()});
    }
  }
  return table.Text();
}

std::string Describe(const v1::Command& command) {
  switch (command.kind_case()) {
    case v1::Command::kRegisterPractice:
      return "register practice " + command.register_practice().ods_code() + " " +
             command.register_practice().name();
    case v1::Command::kRegisterProvider:
      return "register provider " + command.register_provider().code() + " " +
             command.register_provider().name();
    case v1::Command::kOpenYear: {
      std::string lines;
      for (const std::string& line : command.open_year().budget_lines()) lines += " " + line;
      return "open year " + command.open_year().year() + ":" + lines;
    }
    case v1::Command::kPostJournal:
      return "journal: " + command.post_journal().narrative();
    case v1::Command::kReverseEntry:
      return "reverse entry " + std::to_string(command.reverse_entry().seq()) + ": " +
             command.reverse_entry().reason();
    case v1::Command::kSetBandWeights:
      return "band weights for " + command.set_band_weights().year() + " " +
             command.set_band_weights().budget_line();
    case v1::Command::kRecordPopulation:
      return "registered list of " + command.record_population().ods_code() + " at " +
             command.record_population().extract_date();
    case v1::Command::kSetPracticeIndices:
      return "practice indices for " + command.set_practice_indices().year() + " (" +
             std::to_string(command.set_practice_indices().practices_size()) + " practices)";
    case v1::Command::kRunAllocation: {
      const auto& run = command.run_allocation();
      return std::string(run.notice() == v1::NOTICE_KIND_FINAL        ? "final "
                         : run.notice() == v1::NOTICE_KIND_INDICATIVE ? "indicative "
                                                                      : "") +
             "capitation run " + run.period().year() + " " + run.budget_line() +
             (run.total().value().empty() ? std::string(" of the confirmed total")
                                          : " total " + run.total().value()) +
             (run.revises_seq() == 0 ? std::string()
                                     : ", revising entry " + std::to_string(run.revises_seq()));
    }
    case v1::Command::kRegisterContract: {
      const auto& c = command.register_contract();
      return "register contract " + c.contract_id() + " with " + c.provider_code() + " on " +
             c.budget_line();
    }
    case v1::Command::kDeclareInterest: {
      const auto& c = command.declare_interest();
      return "interest of " + c.ods_code() + (c.clinician().empty() ? "" : " (" + c.clinician() + ")") +
             " in " + (c.has_contract_id() ? "contract " + c.contract_id() : "provider " + c.provider_code());
    }
    case v1::Command::kApproveContract: {
      const auto& c = command.approve_contract();
      return c.variation_seq() == 0
                 ? "approve contract " + c.contract_id()
                 : "approve variation " + std::to_string(c.variation_seq()) + " of contract " +
                       c.contract_id();
    }
    case v1::Command::kVaryContract:
      return "propose a variation of contract " + command.vary_contract().contract_id();
    case v1::Command::kPostPayment: {
      const auto& c = command.post_payment();
      return "payment " + c.amount().value() + " on contract " + c.contract_id() + ", invoice " +
             c.invoice_reference();
    }
    case v1::Command::kCloseContract:
      return "close contract " + command.close_contract().contract_id();
    case v1::Command::kProposeAgreement: {
      const auto& c = command.propose_agreement();
      return "propose risk-sharing agreement for " + c.year() +
             (c.replaces_seq() == 0 ? std::string()
                                    : ", replacing entry " + std::to_string(c.replaces_seq()));
    }
    case v1::Command::kCosignAgreement:
      return "co-sign risk-sharing proposal " +
             std::to_string(command.cosign_agreement().proposal_seq()) + " for " +
             command.cosign_agreement().year();
    case v1::Command::kCloseMonth:
      return "close " + command.close_month().period().year() + " " +
             command.close_month().period().month();
    case v1::Command::kSettleYear:
      return "settle " + command.settle_year().year();
    case v1::Command::kConfirmLineTotal: {
      const auto& c = command.confirm_line_total();
      return "confirm " + c.year() + " " + c.budget_line() + " total " + c.total().value() +
             (c.reason().empty() ? std::string() : ": " + c.reason());
    }
    case v1::Command::kProposeBudgetTransfer: {
      const auto& c = command.propose_budget_transfer();
      if (!c.to_ods_code().empty()) {
        return "propose moving " + c.amount().value() + " of " + c.year() + " " + c.from_line() +
               " budget from " + c.ods_code() + " to " + c.to_ods_code() + ": " + c.reason();
      }
      return "propose moving " + c.amount().value() + " of " + c.year() + " budget from " +
             c.from_line() + " to " + c.to_line() + " for " +
             (c.ods_code().empty() ? std::string("every practice") : c.ods_code()) + ": " +
             c.reason();
    }
    case v1::Command::kApproveBudgetTransfer:
      return "approve budget transfer " +
             std::to_string(command.approve_budget_transfer().transfer_seq());
    case v1::Command::kAcknowledgeNotice: {
      const auto& c = command.acknowledge_notice();
      return c.ods_code() + " acknowledges the " + c.year() + " " + c.budget_line() +
             " notice of entry " + std::to_string(c.run_seq());
    }
    case v1::Command::kSignMembership: {
      const auto& c = command.sign_membership();
      return c.ods_code() + " signs up for " + c.year() + " (agreement " +
             std::to_string(c.agreement_seq()) + ")";
    }
    case v1::Command::kLeaveLcp: {
      const auto& c = command.leave_lcp();
      return c.ods_code() + " leaves after " + c.last_year() + ": " + c.reason();
    }
    case v1::Command::kRecordMembershipTerms: {
      const auto& c = command.record_membership_terms();
      return "membership terms for " + c.year() + ": " + c.title() + " (sha256 " +
             c.terms_sha256().substr(0, 8) + "...)";
    }
    case v1::Command::kSubmitCase: {
      const auto& c = command.submit_case();
      return "submit business case " + c.case_id() + ": " + c.title();
    }
    case v1::Command::kConsentCase:
      return command.consent_case().ods_code() + " consents to case " +
             command.consent_case().case_id();
    case v1::Command::kRequestCaseInformation:
      return "ask about case " + command.request_case_information().case_id() + ": " +
             command.request_case_information().question();
    case v1::Command::kAnswerCase:
      return "answer on case " + command.answer_case().case_id() + ": " +
             command.answer_case().answer();
    case v1::Command::kDecideCase: {
      const auto& c = command.decide_case();
      return std::string(c.decision() == v1::CASE_DECISION_APPROVE ? "approve" : "reject") +
             " case " + c.case_id() + (c.reasons().empty() ? std::string() : ": " + c.reasons());
    }
    case v1::Command::kWithdrawCase:
      return "withdraw case " + command.withdraw_case().case_id() + ": " +
             command.withdraw_case().reason();
    case v1::Command::kCloseCase:
      return "close case " + command.close_case().case_id() + ": " + command.close_case().reason();
    case v1::Command::kDrawDownCase: {
      const auto& c = command.draw_down_case();
      return "draw down " + c.amount().value() + " on case " + c.case_id() + ", invoice " +
             c.invoice_reference();
    }
    case v1::Command::KIND_NOT_SET:
      break;
  }
  return "(no command)";
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

std::string SubmitTable(const v1::SubmitRequest& request, const v1::SubmitResponse& response) {
  const bool dry = request.dry_run();
  std::string out = dry ? "dry run: nothing was posted; this is what would be\n" : "";
  for (int i = 0; i < response.results_size(); ++i) {
    const v1::CommandResult& result = response.results(i);
    const std::string key =
        i < request.commands_size() ? request.commands(i).idempotency_key() : std::string();
    if (result.has_accepted()) {
      const v1::Accepted& accepted = result.accepted();
      out += (accepted.duplicate() ? "already recorded: entry "
              : dry                ? "would be accepted: entry "
                                   : "accepted: entry ") +
             std::to_string(accepted.seq());
      if (accepted.has_period()) {
        out += " in " + accepted.period().year() + " " + accepted.period().month();
      }
      out += " (key " + key + ")";
      if (accepted.duplicate()) out += "; the same command was sent before, nothing new posted";
      // An allocation's postings are its table's change column.
      out += "\n" + (accepted.has_allocation() ? AllocationTable(accepted.allocation())
                                               : Postings(accepted.postings(), "  "));
    } else {
      out += "refused (key " + key + "): " + v1::ErrorCode_Name(result.refusal().code()) + ": " +
             result.refusal().message() + "\n";
    }
  }
  out += "journal head: entry " + std::to_string(response.head_seq()) + "\n";
  return out;
}

std::string BalancesTable(const v1::GetBalancesResponse& response) {
  Table table({Left(8), FitLeft(0, "  "), Right(18, "  ")});
  table.Row({"year", "account", "balance"});
  for (const v1::Balance& balance : response.balances()) {
    table.Row({balance.year(), balance.account(), balance.balance().value()});
  }
  return "as of entry " + std::to_string(response.as_of_seq()) + "\n" + table.Text() +
         (response.balances().empty() ? "(no balances)\n" : "");
}

std::string EntryLine(const v1::EntryView& view) {
  const v1::JournalEntry& entry = view.entry();
  const Table line(
      {Right(6), Left(0, "  "), Left(0, "  "), Left(0, "  "), Left(0, "  "), Left(0, "  ")});
  std::vector<std::string> cells = {
      std::to_string(view.seq()), google::protobuf::util::TimeUtil::ToString(entry.recorded_at()),
      entry.actor().principal_id(), entry.idempotency_key(), Describe(entry.command())};
  if (entry.postings_size() > 0) {
    cells.push_back("[" + entry.period().year() + " " + entry.period().month() + ", " +
                    std::to_string(entry.postings_size()) + " postings]");
  }
  return line.Line(cells);
}

std::string EntryDetail(const v1::EntryView& view) {
  const v1::JournalEntry& entry = view.entry();
  // Each field on a line of its own: its name, then its value.
  const Table field({Left(9, "  "), Left(0, "  ")});
  std::string out = "entry " + std::to_string(view.seq()) + "\n";
  out += field.Line({"recorded", google::protobuf::util::TimeUtil::ToString(entry.recorded_at())});
  out += field.Line(
      {"by", entry.actor().principal_id() + " (" + v1::Role_Name(entry.actor().role()) + ")"});
  out += field.Line({"key", entry.idempotency_key()});
  out += field.Line({"command", Describe(entry.command())});
  if (entry.reverses_seq() != 0) {
    out += field.Line({"reverses", "entry " + std::to_string(entry.reverses_seq())});
  }
  if (entry.postings_size() > 0) {
    out += field.Line({"period", entry.period().year() + " " + entry.period().month()});
    out += Postings(entry.postings(), "    ");
  }
  out += field.Line({"prev hash", ToHex(view.prev_hash())});
  out += field.Line({"hash", ToHex(view.hash())});
  return out;
}

namespace {

// The exact quota total x wp / wp_total in pounds, rounded down to 6 decimal places, from the
// canonical decimal texts (an explanation's step; the ledger keeps it exact).
std::string QuotaText(const std::string& total, const std::string& wp, const std::string& wp_total) {
  Result<Int> pence = ParseScaled(total, 2, 30, "total");
  Result<Int> numerator = ParseScaled(wp, 27, 60, "wp");
  Result<Int> denominator = ParseScaled(wp_total, 27, 60, "wp total");
  if (!pence.ok() || !numerator.ok() || !denominator.ok() || *denominator == 0) return "?";
  const Int micro_pounds = *pence * 10'000 * *numerator / *denominator;
  return FormatScaled(micro_pounds, 6, 6);
}

// The amount a run splits by weighted population: its total less what transfers between lines
// moved into it (rules 4).
std::string SplitText(const v1::AllocationView& view) {
  const std::string& moved = view.transferred_in_total().value();
  if (moved.empty() || moved == "0.00") return view.total().value();
  return Money::FromPence(Money::Parse(view.total().value())->pence() -
                          Money::Parse(moved)->pence())
      .ToString();
}

}  // namespace

std::string AllocationTable(const v1::AllocationView& view) {
  std::string out = "capitation run: entry " + std::to_string(view.run_seq()) + ", " +
                    view.period().year() + " " + view.period().month() + " " + view.budget_line() +
                    ", total " + view.total().value() +
                    (view.revises_seq() == 0 ? ", the first run"
                                             : ", revising the run at entry " +
                                                   std::to_string(view.revises_seq())) +
                    "\n";
  out += "inputs: weights of entry " + std::to_string(view.weights_seq()) + ", lists of " +
         view.extract_date() + ", " +
         (view.indices_seq() == 0 ? std::string("no indices (N = M = 1)")
                                  : "indices of entry " + std::to_string(view.indices_seq())) +
         "\n";
  out += std::to_string(view.practice_count()) + " practices, total weighted population " +
         view.weighted_population_total().value() + "\n";
  if (const std::string& moved = view.transferred_in_total().value();
      !moved.empty() && moved != "0.00") {
    out += "the total includes " + moved +
           " that budget transfers between lines moved into it; the run splits " + SplitText(view) +
           " by weighted population and each practice keeps its transfers\n";
  }
  if (!view.left_out().empty()) {
    std::string codes;
    for (const std::string& ods : view.left_out()) codes += (codes.empty() ? "" : ", ") + ods;
    out += "left out, having left the LCP before " + view.period().year() + ": " + codes + "\n";
  }
  Table table({Left(9), Right(10), Right(22), Right(13), Right(16), Right(16), Right(16)});
  table.Row(
      {"practice", "patients", "weighted population", "share", "budget", "previous", "change"});
  Int budget_sum = 0;
  Int previous_sum = 0;
  Int change_sum = 0;
  std::int64_t patients = 0;
  for (const v1::AllocationRow& row : view.rows()) {
    table.Row({row.ods_code(), std::to_string(row.patients()), row.weighted_population().value(),
               row.share().value(), row.budget().value(), row.previous_budget().value(),
               row.change().value()});
    budget_sum += Money::Parse(row.budget().value())->pence();
    previous_sum += Money::Parse(row.previous_budget().value())->pence();
    change_sum += Money::Parse(row.change().value())->pence();
    patients += row.patients();
  }
  if (view.rows_size() > 1) {
    table.Row({"total", std::to_string(patients), view.weighted_population_total().value(), "1",
               Money::FromPence(budget_sum).ToString(), Money::FromPence(previous_sum).ToString(),
               Money::FromPence(change_sum).ToString()});
  }
  return out + table.Text();
}

std::string AllocationExplanation(const v1::AllocationView& view) {
  if (view.rows_size() != 1) return "";
  const v1::AllocationRow& row = view.rows(0);
  std::string out = "How " + row.ods_code() + "'s " + view.period().year() + " " +
                    view.budget_line() + " budget was reached (run at entry " +
                    std::to_string(view.run_seq()) + "):\n";
  Table bands({Left(14, "  "), Right(10), Right(14), Right(20)});
  bands.Row({"band", "patients", "weight", "patients x weight"});
  for (const v1::BandDetail& band : row.bands()) {
    if (band.patients() == 0) continue;
    bands.Row({band.band(), std::to_string(band.patients()), band.weight().value(),
               band.weighted().value()});
  }
  out += bands.Text();
  Table steps({Left(52, "  "), Right(20)});
  auto step = [&](const std::string& what, const std::string& value) { steps.Row({what, value}); };
  step("registered patients (extract " + view.extract_date() + ")", std::to_string(row.patients()));
  step("weighted patients (sum of the bands)", row.weighted_patients().value());
  step("x needs index N", row.needs_index().value());
  step("x market-forces factor M", row.market_forces_factor().value());
  step("= weighted population WP", row.weighted_population().value());
  step("LCP total weighted population (" + std::to_string(view.practice_count()) + " practices)",
       view.weighted_population_total().value());
  step("share = WP / total (9 places)", row.share().value());
  const std::string split = SplitText(view);
  if (split != view.total().value()) {
    step("amount split = total " + view.total().value() + " - moved in by transfers " +
             view.transferred_in_total().value(),
         split);
  }
  step("quota = " + split + " x WP / total", QuotaText(split, row.weighted_population().value(),
                                                       view.weighted_population_total().value()));
  step("budget (largest-remainder split, to the penny)", row.budget().value());
  if (const std::string& transfers = row.transfers().value();
      !transfers.empty() && transfers != "0.00") {
    step("+ its approved budget transfers on the line", transfers);
  }
  step("budget in force before this run", row.previous_budget().value());
  step("change posted to practice:" + row.ods_code() + ":budget:" + view.budget_line(),
       row.change().value());
  return out + steps.Text();
}

std::string PracticesTable(const v1::ListPracticesResponse& response) {
  Table table({Left(0), Left(0, "  ")});
  for (const v1::PracticeView& practice : response.practices()) {
    table.Row({practice.ods_code(), practice.name()});
  }
  return table.Text();
}

std::string HeadTable(const v1::GetHeadResponse& response) {
  return Table({Left(5), Left(0, " ")})
      .Row({"entry", std::to_string(response.seq())})
      .Row({"hash", response.hash_hex()})
      .Text();
}

namespace {

// "BLOCK" for CONTRACT_TYPE_BLOCK: the enum value's name without its prefix.
std::string Short(const std::string& name, std::string_view prefix) {
  return name.starts_with(prefix) ? name.substr(prefix.size()) : name;
}

std::string TermsText(const v1::ContractTerms& terms) {
  const std::string type = Short(v1::ContractType_Name(terms.type()), "CONTRACT_TYPE_");
  switch (terms.type()) {
    case v1::CONTRACT_TYPE_BLOCK:
      return type + ": " + terms.annual_value().value() + " a year";
    case v1::CONTRACT_TYPE_COST_PER_CASE:
      return type + ": " + terms.price().value() + " a case, " +
             std::to_string(terms.annual_volume()) + " cases planned a year, ceiling " +
             terms.annual_ceiling().value() + " a year";
    case v1::CONTRACT_TYPE_COST_AND_VOLUME:
      return type + ": block " + terms.annual_value().value() + " for " +
             std::to_string(terms.annual_volume()) + " cases a year, then " +
             terms.price().value() + " a case, ceiling " + terms.annual_ceiling().value() + " a year";
    default:
      return type;
  }
}

std::string StatusText(v1::ContractStatus status) {
  return Short(v1::ContractStatus_Name(status), "CONTRACT_STATUS_");
}

std::string ModeText(v1::ContractMode mode) {
  return Short(v1::ContractMode_Name(mode), "CONTRACT_MODE_");
}

// Declared interests one a line: the entry, then the declaration.
Table InterestTable(const std::string& indent) { return Table({Right(6, indent), Left(0, "  ")}); }

std::vector<std::string> InterestRow(const v1::InterestView& interest) {
  return {std::to_string(interest.seq()),
          interest.ods_code() +
              (interest.clinician().empty() ? "" : " (" + interest.clinician() + ")") + " in " +
              (interest.contract_id().empty() ? "provider " + interest.provider_code()
                                              : "contract " + interest.contract_id()) +
              ": " + interest.description() + "  [recorded by " + interest.declared_by() + "]"};
}

std::string StatementRows(const google::protobuf::RepeatedPtrField<v1::StatementLine>& lines) {
  Table table({FitLeft(8, "  "), Right(17), Right(17), Right(17), Right(17), Right(17)});
  table.Row({"line", "budget", "commitments", "actual", "forecast", "variance"});
  for (const v1::StatementLine& line : lines) {
    table.Row({line.budget_line(), line.budget().value(), line.commitments().value(),
               line.actual().value(), line.forecast().value(), line.variance().value()});
  }
  return table.Text();
}

}  // namespace

std::string ContractDetail(const v1::ContractView& view) {
  std::string out = "contract " + view.contract_id() + ": " + view.description() + "\n";
  out += "  provider " + view.provider_code() + ", " + ModeText(view.mode()) + ", line " +
         view.budget_line() + ", " + view.start().year() + " " + view.start().month() + " to " +
         view.end().year() + " " + view.end().month() + "\n";
  out += "  " + TermsText(view.terms()) + "; attributed by " +
         Short(v1::Attribution_Name(view.attribution()), "ATTRIBUTION_") + "\n";
  out += "  status " + StatusText(view.status()) + "; proposed by " + view.proposed_by() +
         " (entry " + std::to_string(view.registered_seq()) + ")";
  if (view.approved_seq() != 0) {
    out += ", approved by " + view.approved_by() + " (entry " + std::to_string(view.approved_seq()) + ")";
  }
  if (view.closed_seq() != 0) out += ", closed (entry " + std::to_string(view.closed_seq()) + ")";
  out += "\n";
  out += std::string("  approval by: ") +
         (view.needs_pct_approval()
              ? (view.mode() == v1::CONTRACT_MODE_MAKE ? "PCT_FINANCE (a MAKE contract)"
                                                       : "PCT_FINANCE (an interest is declared)")
              : "LCP_FINANCE or PCT_FINANCE, not the proposer") +
         "\n";
  if (view.has_pending_variation()) {
    const v1::ContractVariationView& pending = view.pending_variation();
    out += "  variation awaiting approval: entry " + std::to_string(pending.seq()) + " by " +
           pending.proposed_by() + ": " + TermsText(pending.terms()) + " (" + pending.reason() +
           ")\n";
  }
  out += "  payments: " + std::to_string(view.payment_count()) +
         (view.payment_count() == 0 ? "" : " (the last at entry " + std::to_string(view.last_payment_seq()) + ")") +
         "\n";
  if (!view.years().empty()) {
    Table years({Left(8, "  "), Left(9), Right(16), Right(16), Right(16), Right(16), Right(16),
                 Right(10), Left(0, "  ")});
    years.Row({"year", "months", "value", "ceiling", "paid", "outstanding", "headroom", "cases",
               "committed"});
    for (const v1::ContractYearView& year : view.years()) {
      years.Row({year.year(), year.first_month() + "-" + year.last_month(), year.value().value(),
                 year.ceiling().value(), year.paid().value(), year.outstanding().value(),
                 year.headroom().value(), std::to_string(year.cases()),
                 year.committed()
                     ? "yes (split by run " + std::to_string(year.basis_run_seq()) + ")"
                     : "no"});
    }
    out += years.Text();
    // Each year's value month by month, runs of equal months together: "M01-M04 8333.34".
    for (const v1::ContractYearView& year : view.years()) {
      std::string months;
      for (int i = 0; i < year.schedule_size();) {
        int j = i;
        while (j + 1 < year.schedule_size() &&
               year.schedule(j + 1).amount().value() == year.schedule(i).amount().value()) {
          ++j;
        }
        months += (months.empty() ? "" : ", ") + year.schedule(i).month() +
                  (j > i ? "-" + year.schedule(j).month() : std::string()) + " " +
                  year.schedule(i).amount().value();
        i = j + 1;
      }
      if (!months.empty()) out += "  " + year.year() + " by month: " + months + "\n";
    }
  }
  if (!view.interests().empty()) {
    out += "  declared interests:\n";
    Table interests = InterestTable("  ");
    for (const v1::InterestView& interest : view.interests()) interests.Row(InterestRow(interest));
    out += interests.Text();
  }
  if (!view.entry_seqs().empty()) {
    out += "  entries (besides payments):";
    for (std::uint64_t seq : view.entry_seqs()) out += " " + std::to_string(seq);
    out += "\n";
  }
  return out;
}

std::string ContractsTable(const v1::ListContractsResponse& response) {
  if (response.contracts().empty()) return "no contracts\n";
  Table table({FitLeft(8), Left(9, "  "), Left(6), Left(16), Left(10), Right(16), Right(16),
               Left(0, "  ")});
  table.Row({"contract", "provider", "mode", "line", "status", "paid", "outstanding", "terms"});
  for (const v1::ContractView& view : response.contracts()) {
    Int paid = 0, outstanding = 0;
    for (const v1::ContractYearView& year : view.years()) {
      paid += Money::Parse(year.paid().value())->pence();
      outstanding += Money::Parse(year.outstanding().value())->pence();
    }
    table.Row({view.contract_id(), view.provider_code(), ModeText(view.mode()), view.budget_line(),
               StatusText(view.status()), Money::FromPence(paid).ToString(),
               Money::FromPence(outstanding).ToString(), TermsText(view.terms())});
  }
  return table.Text();
}

std::string InterestsTable(const v1::ListInterestsResponse& response) {
  if (response.interests().empty()) return "no declared interests\n";
  Table table = InterestTable("");
  table.Row({"entry", "declaration"});
  for (const v1::InterestView& interest : response.interests()) table.Row(InterestRow(interest));
  return table.Text();
}

std::string StatementTable(const v1::GetStatementResponse& response) {
  std::string out = "statement for " + response.year() +
                    (response.month().empty() ? ", as of entry " + std::to_string(response.as_of_seq())
                                              : ", " + response.month() + " month end (entry " +
                                                    std::to_string(response.as_of_seq()) + ")") +
                    "; variance = budget - forecast, positive is an underspend\n";
  for (const v1::PracticeStatement& practice : response.practices()) {
    out += "\n" + practice.ods_code() + " " + practice.name() + "\n" + StatementRows(practice.lines());
    // Where each budget came from, and the practice's sign-up for the year.
    for (const v1::StatementLine& line : practice.lines()) {
      if (line.has_source()) {
        out += "  " + line.budget_line() + " budget: " + BudgetSourceText(line.source()) + "\n";
      }
    }
    if (practice.has_membership()) {
      out += "  membership: " + MembershipText(practice.membership(), response.year()) + "\n";
    }
  }
  if (!response.lcp_totals().empty()) {
    out += "\nLCP (all practices)\n" + StatementRows(response.lcp_totals());
  }
  return out;
}

namespace {

std::string JoinWith(const google::protobuf::RepeatedPtrField<std::string>& items, const std::string& by) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : by) + item;
  return out;
}

std::string ShareModeText(v1::ShareMode mode) {
  return mode == v1::SHARE_MODE_ABOVE_THRESHOLD ? "ABOVE_THRESHOLD" : "FIRST_POUND";
}

std::string SideText(const v1::ShareTerms& terms) {
  std::string bands;
  for (const v1::ShareBand& band : terms.bands()) {
    bands += (bands.empty() ? "" : ", ") +
             (band.has_upper_bound() && !band.upper_bound().value().empty()
                  ? "to " + band.upper_bound().value() + " of B"
                  : std::string(terms.bands_size() == 1 ? "all" : "above")) +
             " LCP " + band.lcp_rate().value();
  }
  return "threshold " + terms.threshold().value() + " of B, " + ShareModeText(terms.mode()) +
         ", bands [" + bands + "], " +
         (terms.cap().value().empty() ? std::string("no cap") : "cap " + terms.cap().value() + " of B");
}

std::string AgreementViewText(const v1::AgreementView& view, const std::string& what) {
  std::string out = what + ": proposed by " + view.proposed_by() + " (entry " +
                    std::to_string(view.proposal_seq()) + ")";
  if (view.cosign_seq() != 0) {
    out += ", co-signed by " + view.cosigned_by() + " (entry " + std::to_string(view.cosign_seq()) + ")";
  }
  if (view.replaces_seq() != 0) out += ", replacing entry " + std::to_string(view.replaces_seq());
  out += "\n";
  if (!view.reason().empty()) out += "  reason: " + view.reason() + "\n";
  return out + AgreementTermsText(view.terms(), "  ");
}

}  // namespace

std::string AgreementTermsText(const v1::AgreementTerms& terms, const std::string& indent) {
  return indent + "pooled lines: " + JoinWith(terms.pooled_lines(), ", ") + "\n" + indent +
         "savings:   " + SideText(terms.savings()) + "\n" + indent +
         "overspend: " + SideText(terms.overspend()) + "\n" + indent + "members: alpha_budget " +
         terms.alpha_budget().value() + ", alpha_contribution " +
         terms.alpha_contribution().value() + "\n" +
         (terms.decision_target_days() == 0
              ? std::string()
              : indent + "business cases: decided within " +
                    std::to_string(terms.decision_target_days()) + " days\n");
}

std::string YearTable(const v1::GetYearResponse& response) {
  std::string out = "year " + response.year() + ": lines " + JoinWith(response.budget_lines(), ", ") + "\n";
  if (response.closed_months().empty()) {
    out += "no month closed yet";
  } else {
    out += "months closed through " +
           response.closed_months(response.closed_months_size() - 1).month();
  }
  out += response.next_month_to_close().empty()
             ? "; every month is closed\n"
             : "; next to close: " + response.next_month_to_close() + "\n";
  for (const v1::MonthCloseView& close : response.closed_months()) {
    out += "  " + close.month() + " closed at entry " + std::to_string(close.seq()) + " by " +
           close.closed_by() + "; checkpoint: entry " + std::to_string(close.checkpoint().seq()) +
           ", hash " + ToHex(close.checkpoint().hash()) + "\n";
  }
  out += response.settlement_seq() == 0
             ? "not settled\n"
             : "settled at entry " + std::to_string(response.settlement_seq()) + "; the year is locked\n";
  if (response.has_agreement()) {
    out += AgreementViewText(response.agreement(), "risk-sharing agreement in force");
  } else {
    out += "no risk-sharing agreement in force\n";
  }
  if (response.has_pending()) {
    out += AgreementViewText(response.pending(), "proposal awaiting PCT co-signature");
  }
  return out;
}

std::string RiskShareTable(const v1::GetRiskShareResponse& r, bool explain) {
  const bool settled = r.basis() == v1::RISK_BASIS_SETTLED;
  const bool savings = r.side() == v1::RISK_SIDE_SAVINGS;
  std::string out = "risk share for " + r.year() + ", " +
                    (settled ? "settled at entry " + std::to_string(r.settlement_seq()) +
                                   " (outturn = actual spend)"
                             : std::string("projected (outturn = actual spend + outstanding commitments)")) +
                    ", as of entry " + std::to_string(r.as_of_seq()) + "\n";
  out += "agreement in force: entry " + std::to_string(r.agreement_seq()) + "; pooled lines " +
         JoinWith(r.terms().pooled_lines(), ", ") + "\n";
  for (const v1::WhatIf& what_if : r.what_ifs()) {
    const std::string& amount = what_if.amount().value();
    out += "what if: " + what_if.ods_code() + " " + what_if.budget_line() + " " +
           (amount.starts_with("-") ? amount : "+" + amount) + " (not posted)\n";
  }
  const std::string kept = savings ? "kept for reinvestment" : "borne";
  const std::string pct = savings ? "recovered by the PCT" : "underwritten by the PCT";
  auto members_table = [&] {
    Table t({Left(10, "  "), Right(15), Right(15), Right(14), Right(14), Right(13), Right(13),
             Right(13)});
    t.Row({"practice", "budget", "outturn", "variance", "basis", "budget part", "contribution",
           "share"});
    for (const v1::MemberRiskShare& m : r.members()) {
      t.Row({m.ods_code(), m.budget().value(), m.outturn().value(), m.variance().value(),
             m.contribution_basis().value(), m.budget_share().value(),
             m.contribution_share().value(), m.share().value()});
    }
    return t.Text();
  };
  if (!explain) {
    out += "pool: budget " + r.pooled_budget().value() + ", outturn " + r.outturn().value() +
           ", variance " + r.variance().value() +
           (r.side() == v1::RISK_SIDE_NONE ? " (nothing to share)\n"
                                           : savings ? " (savings)\n" : " (overspend)\n");
    if (r.side() != v1::RISK_SIDE_NONE) {
      out += "LCP " + r.lcp_amount().value() + " " + kept + "; PCT " + r.pct_amount().value() + " " +
             (savings ? "recovered" : "underwritten") + "\n";
    }
    return out + members_table();
  }
  // The steps, numbered "1." to "12.", each printed as it is reached (a band's lines come between).
  const Table numbered({Right(3), Left(0, " ")});
  int n = 0;
  auto add = [&](const std::string& text) {
    ++n;
    out += numbered.Line({std::to_string(n) + ".", text});
  };
  add("Pooled budget B (members' budgets on " + JoinWith(r.terms().pooled_lines(), ", ") + "): " +
      r.pooled_budget().value());
  add(settled ? "Outturn O = actual spend " + r.outturn().value()
              : "Outturn O = actual " + r.actual().value() + " + commitments " +
                    r.commitments().value() +
                    (r.what_ifs().empty() ? std::string()
                                          : " + what-ifs " + r.what_if_total().value()) +
                    " = " + r.outturn().value());
  if (r.side() == v1::RISK_SIDE_NONE) {
    add("Variance V = B - O = 0.00: nothing to share");
    return out + members_table();
  }
  add("Variance V = B - O = " + r.variance().value() + ": " +
      (savings ? "an underspend, so the savings terms apply" : "an overspend, so the overspend terms apply"));
  const std::string abs_v = savings ? r.variance().value() : r.variance().value().substr(1);
  add("Threshold: t = " + r.threshold_rate().value() + ", t x B = " + r.threshold_amount().value() +
      "; |V| = " + abs_v + (r.threshold_met() ? " is at least that: met" : " is below it: not met, so the LCP shares nothing"));
  add("Bands, " + ShareModeText(r.mode()) +
      (r.mode() == v1::SHARE_MODE_ABOVE_THRESHOLD ? " (only the part of |V| above t x B shares):"
                                                  : " (from the first pound):"));
  for (int i = 0; i < r.bands_size(); ++i) {
    const v1::BandStep& band = r.bands(i);
    out += "      band " + std::to_string(i + 1) + ", " + band.lower().value() +
           (band.has_upper() && !band.upper().value().empty() ? " to " + band.upper().value()
                                                               : std::string(" and above")) +
           ": " + band.amount_in_band().value() + " x LCP " + band.lcp_rate().value() + " = " +
           band.lcp_amount().value() + "\n";
  }
  add("LCP's share before the cap: " + r.lcp_share_uncapped().value());
  if (r.cap_rate().value().empty()) {
    add("Cap: none");
  } else {
    add("Cap: c = " + r.cap_rate().value() + ", c x B = " + r.cap_amount().value() + "; " +
        (r.cap_binds() ? "binds, so the LCP's share is " + r.cap_amount().value()
                       : "does not bind"));
  }
  add("LCP's exact share S = " + r.lcp_share_exact().value() + " of |V| = " + abs_v +
      "; split by largest remainder: LCP " + r.lcp_amount().value() + " (" + kept + "), PCT " +
      r.pct_amount().value() + " (" + pct + ")");
  add("The LCP's " + r.lcp_amount().value() + " by alpha_budget " + r.terms().alpha_budget().value() +
      " and alpha_contribution " + r.terms().alpha_contribution().value() + ": budget part " +
      r.budget_part().value() + ", contribution part " + r.contribution_part().value());
  add("Budget part " + r.budget_part().value() +
      (r.budget_by_contribution()
           ? " as the contribution part, since no member has a positive pooled budget"
           : " by members' pooled budgets (" + r.budget_basis_total().value() + " in all" +
                 (r.budget_basis_total().value() == r.pooled_budget().value()
                      ? std::string(")")
                      : "; negative budgets count as 0)")));
  add("Contribution part " + r.contribution_part().value() +
      (r.contribution_by_budget()
           ? " by pooled budgets, since no member qualified"
           : (savings ? " by members' own underspends (" : " by members' own overspends (") +
                 r.contribution_basis_total().value() + " in all; " +
                 (savings ? "members that overspent get none)" : "members that underspent get none)")));
  if (r.members_size() == 1) {
    const v1::MemberRiskShare& m = r.members(0);
    add(m.ods_code() + " " + m.name() + ": budget " + m.budget().value() + ", outturn " +
        m.outturn().value() + ", variance " + m.variance().value());
    out += "      budget part:       " + m.budget_basis().value() + " / " +
           r.budget_basis_total().value() + " of " + r.budget_part().value() + " = " +
           m.budget_share().value() + "\n";
    out += "      contribution part: " + m.contribution_basis().value() + " / " +
           r.contribution_basis_total().value() + " of " + r.contribution_part().value() + " = " +
           m.contribution_share().value() + "\n";
    out += "      share: " + m.share().value() + " (" + kept + ")\n";
    out += "    (each part is a largest-remainder split: within a penny of its exact quota)\n";
    if (m.has_membership()) {
      out += "membership: " + m.ods_code() + " " + MembershipText(m.membership(), r.year()) + "\n";
    }
    return out;
  }
  add("Shares (" + kept + "; each part a largest-remainder split, ties to the lower ODS code):");
  out += members_table();
  std::string signed_up;
  for (const v1::MemberRiskShare& m : r.members()) {
    if (m.has_membership()) {
      signed_up += "  " + m.ods_code() + " " + MembershipText(m.membership(), r.year()) + "\n";
    }
  }
  if (!signed_up.empty()) out += "membership:\n" + signed_up;
  return out;
}

std::string ReserveTable(const v1::GetReserveResponse& response) {
  std::string out = "reinvestment reserves for " + response.year() + " (as of entry " +
                    std::to_string(response.as_of_seq()) + "): ";
  out += response.latest() ? std::string("the latest year, where the reserves are")
                           : std::string("an earlier year; the reserves are carried on");
  out += response.settlement_seq() == 0
             ? std::string("; not settled yet\n")
             : "; settled at entry " + std::to_string(response.settlement_seq()) + "\n";
  Table table({FitLeft(8, "  "), FitLeft(4, "  "), Right(15, "  "), Right(15, "  "),
               Right(15, "  "), Right(12, "  "), Right(12, "  "), Right(15, "  ")});
  table.Row(
      {"practice", "name", "brought fwd", "settled", "carried fwd", "held", "drawn", "available"});
  std::string carries;
  auto row = [&](const v1::ReserveStatement& s, const std::string& code, const std::string& name) {
    table.Row({code, name, s.brought_forward().value(), s.settled().value(),
               s.carried_forward().value(), s.held().value(), s.drawn().value(),
               s.available().value()});
  };
  for (const v1::ReserveStatement& s : response.practices()) {
    row(s, s.ods_code(), s.name());
    for (const v1::ReserveCarryView& carry : s.brought()) {
      carries += "  " + s.ods_code() + ": " + carry.amount().value() + " brought forward from " +
                 carry.year() + " (entry " + std::to_string(carry.seq()) + ")\n";
    }
    for (const v1::ReserveCarryView& carry : s.carried()) {
      carries += "  " + s.ods_code() + ": " + carry.amount().value() + " carried forward to " +
                 carry.year() + " (entry " + std::to_string(carry.seq()) + ")\n";
    }
    if (!s.last_year().empty()) {
      carries += "  " + s.ods_code() + ": left the LCP after " + s.last_year() +
                 "; keeps its reserve for the business cases it already funds, funds no new "
                 "ones, and is never paid it\n";
    }
  }
  if (response.has_totals()) row(response.totals(), "total", "");
  out += table.Text();
  if (!carries.empty()) out += "\n" + carries;
  const std::string cases = ReserveCasesText(response);
  if (!cases.empty()) out += "\nbusiness cases approved from these reserves:\n" + cases;
  return out;
}

}  // namespace lcp::client

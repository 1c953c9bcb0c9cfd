#include "clients/lcp/case_commands.h"

#include <iostream>
#include <memory>

#include "clients/lcp/case_output.h"
#include "clients/lcp/csv_import.h"
#include "ledger/base/text.h"
#include "ledger/rules/contracts.h"

namespace lcp::client {
namespace {

struct Arguments {
  std::string id;
  std::string title;
  std::string purpose;
  std::vector<std::string> fundings;  // ODS=AMOUNT.
  std::string provider;
  std::string contract;
  std::string mode;
  std::string practice;
  std::string text;  // A question, an answer, reasons or a reason.
  std::string amount;
  std::string invoice;
  std::string year;
  std::string month;
  std::string state;
  std::string approver;
  bool late = false;
  std::string on;
};

// Submits `command` with --key when given, or else `key`: a key made from what the command is, so
// that running the same command again is recognised and never recorded twice.
int SubmitWithKey(const Options& options, v1::Command command, const std::string& key) {
  Options keyed = options;
  if (keyed.key.empty()) keyed.key = key;
  return SubmitOne(keyed, std::move(command));
}

void AddIdArgument(CLI::App* command, std::string& id) {
  command->add_option("id", id, "The case id, e.g. BC-2027-01")->required();
}

void AddOnOption(CLI::App* command, std::string& on) {
  command->add_option("--on", on,
                      "Read open cases' clocks on this UTC date, e.g. 2027-07-01 (default: today)");
}

}  // namespace

void AddCaseCommands(CLI::App& app, Options& options, int& exit_code) {
  auto args = std::make_shared<Arguments>();
  CLI::App* group =
      app.add_subcommand("case",
                         "Business cases: spend practices' reinvestment reserves on a service, "
                         "decided on a clock")
          ->require_subcommand(1);

  // case submit
  CLI::App* submit = group->add_subcommand(
      "submit",
      "Submit a business case (LCP finance, or a practice for a case its own reserve funds)");
  AddIdArgument(submit, args->id);
  submit->add_option("--title", args->title, "A short title")->required();
  submit
      ->add_option("--purpose", args->purpose,
                   "The service improvement it pays for (up to 2,000 characters)")
      ->required();
  submit
      ->add_option("--fund", args->fundings,
                   "A funding practice and the amount from its reserve, ODS=AMOUNT (repeatable)")
      ->required();
  CLI::Option* provider =
      submit->add_option("--provider", args->provider, "The provider its draw-downs pay");
  CLI::Option* contract =
      submit->add_option("--contract", args->contract, "Or the contract whose provider they pay");
  provider->excludes(contract);
  submit->add_option("--mode", args->mode, "MAKE (a member or the provider arm delivers it) or BUY")
      ->required();
  AddKeyOption(submit, options);
  submit->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::Command command;
    v1::SubmitCase* c = command.mutable_submit_case();
    c->set_case_id(a.id);
    c->set_title(a.title);
    c->set_purpose(a.purpose);
    for (const std::string& funding : a.fundings) {
      const std::size_t equals = funding.find('=');
      if (equals == std::string::npos || equals == 0) {
        std::cerr << "lcp: --fund " << funding << " must be ODS=AMOUNT, e.g. A81001=10000.00\n";
        exit_code = kExitUsage;
        return;
      }
      v1::CaseFunding* part = c->add_fundings();
      part->set_ods_code(Upper(funding.substr(0, equals)));
      part->mutable_amount()->set_value(CanonicalAmount(funding.substr(equals + 1)));
    }
    if (a.provider.empty() == a.contract.empty()) {
      std::cerr << "lcp: give the --provider or the --contract the case pays\n";
      exit_code = kExitUsage;
      return;
    }
    if (!a.provider.empty()) c->set_provider_code(Upper(a.provider));
    if (!a.contract.empty()) c->set_contract_id(a.contract);
    v1::ContractMode mode = v1::CONTRACT_MODE_UNSPECIFIED;
    if (!ParseEnum(a.mode, "CONTRACT_MODE_", &v1::ContractMode_Parse, mode)) {
      std::cerr << "lcp: --mode must be MAKE or BUY\n";
      exit_code = kExitUsage;
      return;
    }
    c->set_mode(mode);
    exit_code = SubmitWithKey(options, command, "case:" + a.id);
  });

  // case consent
  CLI::App* consent = group->add_subcommand(
      "consent", "A funding practice consents to the case (the practice itself)");
  AddIdArgument(consent, args->id);
  consent->add_option("--practice", args->practice, "The consenting practice's ODS code")
      ->required();
  AddKeyOption(consent, options);
  consent->callback([&options, &exit_code, args] {
    v1::Command command;
    command.mutable_consent_case()->set_case_id(args->id);
    command.mutable_consent_case()->set_ods_code(Upper(args->practice));
    exit_code =
        SubmitWithKey(options, command, "consent:" + args->id + ":" + Upper(args->practice));
  });

  // case ask
  CLI::App* ask = group->add_subcommand(
      "ask", "Ask the proposer for information (the approver): the clock pauses until the answer");
  AddIdArgument(ask, args->id);
  ask->add_option("--question", args->text, "The question")->required();
  AddKeyOption(ask, options);
  ask->callback([&options, &exit_code, args] {
    v1::Command command;
    command.mutable_request_case_information()->set_case_id(args->id);
    command.mutable_request_case_information()->set_question(args->text);
    exit_code = SubmitOne(options, command);
  });

  // case answer
  CLI::App* answer = group->add_subcommand(
      "answer", "Answer the open question (the proposer): the clock runs again");
  AddIdArgument(answer, args->id);
  answer->add_option("--answer", args->text, "The answer")->required();
  AddKeyOption(answer, options);
  answer->callback([&options, &exit_code, args] {
    v1::Command command;
    command.mutable_answer_case()->set_case_id(args->id);
    command.mutable_answer_case()->set_answer(args->text);
    exit_code = SubmitOne(options, command);
  });

  // case approve / reject
  for (const bool approve : {true, false}) {
    CLI::App* decide = group->add_subcommand(
        approve ? "approve" : "reject",
        approve ? "Approve the case: its funding is held in the practices' reserves"
                : "Reject the case, with reasons the proposer sees");
    AddIdArgument(decide, args->id);
    CLI::Option* reasons = decide->add_option("--reasons", args->text, "Why");
    if (!approve) reasons->required();
    AddKeyOption(decide, options);
    decide->callback([&options, &exit_code, args, approve] {
      v1::Command command;
      command.mutable_decide_case()->set_case_id(args->id);
      command.mutable_decide_case()->set_decision(approve ? v1::CASE_DECISION_APPROVE
                                                          : v1::CASE_DECISION_REJECT);
      command.mutable_decide_case()->set_reasons(args->text);
      exit_code = SubmitWithKey(options, command, "decide:" + args->id);
    });
  }

  // case withdraw / close
  for (const bool withdraw : {true, false}) {
    CLI::App* end =
        group->add_subcommand(withdraw ? "withdraw" : "close",
                              withdraw ? "Withdraw the case before its decision (the proposer)"
                                       : "Close an approved case: what it still holds is released");
    AddIdArgument(end, args->id);
    end->add_option("--reason", args->text, "Why")->required();
    AddKeyOption(end, options);
    end->callback([&options, &exit_code, args, withdraw] {
      v1::Command command;
      if (withdraw) {
        command.mutable_withdraw_case()->set_case_id(args->id);
        command.mutable_withdraw_case()->set_reason(args->text);
      } else {
        command.mutable_close_case()->set_case_id(args->id);
        command.mutable_close_case()->set_reason(args->text);
      }
      exit_code =
          SubmitWithKey(options, command, (withdraw ? "withdraw:" : "close-case:") + args->id);
    });
  }

  // case drawdown
  CLI::App* drawdown = group->add_subcommand(
      "drawdown",
      "Pay the case's provider from the funding practices' reserves (the invoice reference is the "
      "idempotency key: a retry never pays twice)");
  AddIdArgument(drawdown, args->id);
  AddPeriodOptions(drawdown, args->year, args->month);
  drawdown->add_option("--amount", args->amount, "Amount, e.g. 12500.00")->required();
  drawdown->add_option("--invoice", args->invoice, "The provider's invoice reference")->required();
  drawdown->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    if (!IsPrintableAsciiToken(a.invoice, kInvoiceReferenceLengthMax)) {
      std::cerr << "lcp: --invoice must be 1 to " << kInvoiceReferenceLengthMax
                << " printable characters without spaces\n";
      exit_code = kExitUsage;
      return;
    }
    v1::Command command;
    v1::DrawDownCase* d = command.mutable_draw_down_case();
    d->set_case_id(a.id);
    SetPeriod(*d->mutable_period(), a.year, a.month);
    d->mutable_amount()->set_value(CanonicalAmount(a.amount));
    d->set_invoice_reference(a.invoice);
    exit_code = SubmitWithKey(options, command, "case-invoice:" + a.id + ":" + a.invoice);
  });

  // case show
  CLI::App* show = group->add_subcommand("show", "One case in full, with its clock");
  AddIdArgument(show, args->id);
  AddOnOption(show, args->on);
  show->callback([&options, &exit_code, args] {
    v1::GetCaseRequest request;
    request.set_case_id(args->id);
    request.set_read_on(args->on);
    exit_code = Query<v1::GetCaseResponse>(
        options,
        [&](LedgerClient& client, auto& response) { return client.GetCase(request, response); },
        [](const auto& response) { return CaseTable(response); });
  });

  // case list
  CLI::App* list = group->add_subcommand("list", "Cases, filtered");
  list->add_option("--state", args->state,
                   "awaiting_consent, awaiting_decision, information_requested, approved, "
                   "rejected, withdrawn or closed");
  list->add_option("--practice", args->practice, "Only cases this practice funds");
  list->add_option("--approver", args->approver, "Only cases PCT_FINANCE or LCP_FINANCE decides");
  list->add_flag("--late", args->late, "Only cases decided late, or open and over the target");
  AddOnOption(list, args->on);
  AddYearInProgressOption(list, args->year);
  AddMonthEndOption(list, args->month);
  list->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::ListCasesRequest request;
    if (!a.state.empty()) {
      v1::CaseState state = v1::CASE_STATE_UNSPECIFIED;
      if (!ParseEnum(a.state, "CASE_STATE_", &v1::CaseState_Parse, state)) {
        std::cerr << "lcp: --state " << a.state << " is not a case state\n";
        exit_code = kExitUsage;
        return;
      }
      request.set_state(state);
    }
    if (!a.approver.empty()) {
      v1::Role role = v1::ROLE_UNSPECIFIED;
      if (!ParseEnum(a.approver, "ROLE_", &v1::Role_Parse, role) ||
          (role != v1::ROLE_PCT_FINANCE && role != v1::ROLE_LCP_FINANCE)) {
        std::cerr << "lcp: --approver must be PCT_FINANCE or LCP_FINANCE\n";
        exit_code = kExitUsage;
        return;
      }
      request.set_approver_role(role);
    }
    request.set_ods_code(Upper(a.practice));
    request.set_late(a.late);
    request.set_read_on(a.on);
    request.set_year(a.year);
    request.set_month(a.month);
    exit_code = Query<v1::ListCasesResponse>(
        options,
        [&](LedgerClient& client, auto& response) { return client.ListCases(request, response); },
        [](const auto& response) { return CasesTable(response); });
  });

  // case report
  CLI::App* report = group->add_subcommand(
      "report", "Open cases' clocks, and per approving role the decided, median days and late");
  AddOnOption(report, args->on);
  AddYearInProgressOption(report, args->year);
  AddMonthEndOption(report, args->month);
  report->callback([&options, &exit_code, args] {
    v1::GetCaseReportRequest request;
    request.set_read_on(args->on);
    request.set_year(args->year);
    request.set_month(args->month);
    exit_code = Query<v1::GetCaseReportResponse>(
        options,
        [&](LedgerClient& client, auto& response) {
          return client.GetCaseReport(request, response);
        },
        [](const auto& response) { return CaseReportTable(response); });
  });
}

}  // namespace lcp::client

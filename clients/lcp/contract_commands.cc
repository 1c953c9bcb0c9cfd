#include "clients/lcp/contract_commands.h"

#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <fstream>
#include <memory>

#include "clients/lcp/csv_import.h"
#include "ledger/base/decimal.h"
#include "ledger/base/text.h"
#include "ledger/rules/contracts.h"

namespace lcp::client {
namespace {

// A progress bar on standard error when it is a terminal: "[#####.....] 500/1000 invoices".
void ShowProgress(std::size_t done, std::size_t total) {
  if (isatty(STDERR_FILENO) == 0 || total == 0) return;
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = done * kWidth / total;
  std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] " << done
            << "/" << total << " invoices" << (done == total ? "\n" : "") << std::flush;
}

// The idempotency key of an invoice: the contract (and so its provider) and the invoice reference.
std::string InvoiceKey(const v1::PostPayment& payment) {
  return "invoice:" + payment.contract_id() + ":" + payment.invoice_reference();
}

// "entry N" as named in a refusal's message ("... was used by entry 17 ..."), or "" when none is.
std::string EntryNamedIn(const std::string& message) {
  const std::size_t at = message.find("entry ");
  if (at == std::string::npos) return "";
  const std::size_t end = message.find_first_not_of("0123456789", at + 6);
  return message.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// True for the refusals that mean "this invoice was paid already, as something else".
bool PaidWithOtherDetails(v1::ErrorCode code) {
  return code == v1::ERROR_CODE_IDEMPOTENCY_KEY_REUSED || code == v1::ERROR_CODE_INVOICE_ALREADY_POSTED;
}

// Posts one invoice under its invoice key and prints the result; returns the exit code.
int PayInvoice(const Options& options, v1::Command command) {
  const v1::PostPayment& payment = command.post_payment();
  v1::SubmitRequest request;
  v1::CommandRequest* one = request.add_commands();
  one->set_idempotency_key(InvoiceKey(payment));
  *one->mutable_command() = command;
  std::optional<Connection> connection = MakeConnection(options);
  if (!connection) return kExitUsage;
  v1::SubmitResponse response;
  std::string error_code;
  grpc::Status status = LedgerClient(*connection).Submit(request, response, &error_code);
  if (status.ok()) {
    std::cout << (options.format() == Format::kJson ? ToJson(response) + "\n"
                                                    : SubmitTable(request, response));
    return 0;
  }
  v1::ErrorCode code = v1::ERROR_CODE_UNSPECIFIED;
  if (v1::ErrorCode_Parse(error_code, &code) && PaidWithOtherDetails(code)) {
    const std::string entry = EntryNamedIn(status.error_message());
    status = grpc::Status(status.error_code(),
                          error_code + ": invoice " + payment.invoice_reference() + " of contract " +
                              payment.contract_id() + " was paid already" +
                              (entry.empty() ? "" : " by " + entry) +
                              ", with other details than these; it is not paid twice");
  }
  const int exit = Fail(options, status, error_code, {one->idempotency_key()});
  std::cerr << (exit == kExitRefused
                    ? "lcp: nothing was posted\n"
                    : "lcp: it may or may not have been posted; run the same command again: the "
                      "invoice is recognised by its reference and never paid twice\n");
  return exit;
}

// Says why a line of a payments file was not posted.
void PrintPaymentProblem(const std::string& file, const PaymentProblem& problem) {
  const std::string prefix = (isatty(STDERR_FILENO) != 0 ? "\r" : "") + file + ":" +
                             std::to_string(problem.line) + ": invoice " +
                             problem.invoice_reference;
  const v1::Refusal& refusal = problem.refusal;
  if (problem.paid_with_other_details) {
    // Posted before, but not as this line says now (another month, amount, count or practices).
    const std::string entry = EntryNamedIn(refusal.message());
    std::cerr << prefix << " was posted already" << (entry.empty() ? "" : " by " + entry)
              << ", with other details than this line's (month, amount, cases or practices); "
                 "it is not posted again\n";
  } else {
    std::cerr << prefix << " refused: "
              << (refusal.code() == v1::ERROR_CODE_UNSPECIFIED
                      ? std::string()
                      : v1::ErrorCode_Name(refusal.code()) + ": ")
              << refusal.message() << "\n";
  }
}

// Posts a payments file (PostPayments), reporting each line not posted with its reason as each
// batch is answered, and then the totals. Returns the exit code.
int ImportPayments(const Options& options, const std::string& file, const std::string& year,
                   const std::string& month, std::size_t batch_size) {
  std::ifstream in(file);
  if (!in) {
    std::cerr << "lcp: cannot read " << file << "\n";
    return kExitUsage;
  }
  std::vector<CsvProblem> problems;
  std::vector<PaymentLine> lines = ParsePayments(in, problems);
  for (const CsvProblem& problem : problems) {
    std::cerr << file << ":" << problem.line << ": not posted: " << problem.message << "\n";
  }
  if (!problems.empty() && problems.front().line <= 1 && lines.empty()) return kExitUsage;
  std::optional<Connection> connection = MakeConnection(options);
  if (!connection) return kExitUsage;
  LedgerClient client(*connection);
  ShowProgress(0, lines.size());
  std::size_t reported = 0;
  const PaymentsPosted result = PostPayments(
      lines, year, month, batch_size, SubmitThrough(client), [&](const PaymentsPosted& so_far) {
        for (; reported < so_far.problems.size(); ++reported) {
          PrintPaymentProblem(file, so_far.problems[reported]);
        }
        ShowProgress(so_far.lines_done, lines.size());
      });
  if (!result.status.ok()) {
    if (IsTransient(result.status.error_code())) std::cerr << "\n";
    const int code = Fail(options, result.status, result.error_code);
    std::cerr << "lcp: stopped at line " << result.stopped_at_line << " of " << file << " after "
              << result.posted << " invoices were posted"
              << (code == kExitRefused ? "\n"
                                       : "; import the file again: invoices already posted are "
                                         "recognised and skipped\n");
    return code;
  }
  const std::size_t refused = problems.size() + result.refused;
  const std::string posted_amount = Money::FromPence(result.posted_pence).ToString();
  if (options.format() == Format::kJson) {
    std::cout << "{\"posted\":" << result.posted << ",\"postedAmount\":\"" << posted_amount
              << "\",\"alreadyPosted\":" << result.already
              << ",\"postedWithOtherDetails\":" << result.differing << ",\"refused\":" << refused
              << "}\n";
  } else {
    std::string summary = "posted " + std::to_string(result.posted) +
                          (result.posted == 1 ? " invoice (" : " invoices (") + posted_amount +
                          "), " + std::to_string(result.already) + " already posted and skipped, ";
    if (result.differing != 0) {
      summary +=
          std::to_string(result.differing) + " posted already with other details and skipped, ";
    }
    summary += std::to_string(refused) + " refused";
    std::cout << summary << "\n";
  }
  // An invoice posted with other details is not an error of the import, but neither is it what the
  // file says: a script must not take it for success.
  return refused == 0 && result.differing == 0 ? 0 : kExitRefused;
}

// What the commands' options are read into; shared by the callbacks, so it lives as long as they do.
struct Arguments {
  std::string contract_id, c_provider, c_mode, c_line, c_start_year, c_start_month, c_end_year,
      c_end_month, c_type, c_value, c_price, c_ceiling, c_attribution, c_description, c_status,
      c_year, c_month;
  std::int64_t c_volume = -1;
  std::string year, month, reason, file;
  std::uint64_t variation = 0;
  std::string amount, invoice;
  std::int64_t activity = 0;
  std::vector<std::string> practice_parts;
  std::string i_practice, i_clinician, i_contract, i_provider, i_description;
  std::string s_practice, s_year, s_month;
  std::size_t batch_size = 500;
};

// The terms options given, over `terms`.
void FillTerms(const Arguments& a, v1::ContractTerms& terms) {
  if (!a.c_value.empty()) terms.mutable_annual_value()->set_value(a.c_value);
  if (!a.c_price.empty()) terms.mutable_price()->set_value(a.c_price);
  if (a.c_volume >= 0) terms.set_annual_volume(a.c_volume);
  if (!a.c_ceiling.empty()) terms.mutable_annual_ceiling()->set_value(a.c_ceiling);
}

}  // namespace

PaymentsPosted PostPayments(const std::vector<PaymentLine>& lines, const std::string& year,
                            const std::string& month, std::size_t batch_size,
                            const SubmitFunction& submit, const PaymentsProgress& progress) {
  assert(batch_size > 0);
  PaymentsPosted result;
  for (std::size_t begin = 0; begin < lines.size(); begin += batch_size) {
    const std::size_t end = std::min(lines.size(), begin + batch_size);
    v1::SubmitRequest request;
    for (std::size_t i = begin; i < end; ++i) {
      v1::CommandRequest* command = request.add_commands();
      v1::PostPayment* payment = command->mutable_command()->mutable_post_payment();
      *payment = lines[i].payment;
      SetPeriod(*payment->mutable_period(), year, month);
      command->set_idempotency_key(InvoiceKey(*payment));
    }
    v1::SubmitResponse response;
    std::string error_code;
    grpc::Status status = submit(request, response, &error_code);
    // A batch of one that is refused fails the call with the refusal: report it as that line's.
    if (!status.ok() && end - begin == 1 && !IsTransient(status.error_code())) {
      v1::Refusal* refusal = response.add_results()->mutable_refusal();
      v1::ErrorCode code = v1::ERROR_CODE_UNSPECIFIED;
      std::string message = status.error_message();
      if (v1::ErrorCode_Parse(error_code, &code) && message.starts_with(error_code + ": ")) {
        message.erase(0, error_code.size() + 2);
      }
      refusal->set_code(code);
      refusal->set_message(message);
      status = grpc::Status::OK;
    }
    if (!status.ok()) {
      result.status = status;
      result.error_code = error_code;
      result.stopped_at_line = lines[begin].line;
      return result;
    }
    for (std::size_t i = begin; i < end; ++i) {
      const v1::CommandResult& outcome = response.results(static_cast<int>(i - begin));
      const v1::PostPayment& payment =
          request.commands(static_cast<int>(i - begin)).command().post_payment();
      if (outcome.has_refusal()) {
        const bool differing = PaidWithOtherDetails(outcome.refusal().code());
        ++(differing ? result.differing : result.refused);
        result.problems.push_back(PaymentProblem{lines[i].line, payment.invoice_reference(),
                                                 differing, outcome.refusal()});
      } else if (outcome.accepted().duplicate()) {
        ++result.already;
      } else {
        ++result.posted;
        result.posted_pence += Money::Parse(payment.amount().value())->pence();
      }
    }
    result.lines_done = end;
    if (progress) progress(result);
  }
  return result;
}

void AddContractCommands(CLI::App& app, Options& options, int& exit_code) {
  auto args = std::make_shared<Arguments>();
  auto key_option = [&options](CLI::App* command) { AddKeyOption(command, options); };
  // contract add|approve|vary|pay|close|show|list
  CLI::App* contract = app.add_subcommand("contract", "Make-or-buy contracts")->require_subcommand(1);
  CLI::App* contract_add = contract->add_subcommand("add", "Register a contract (as a DRAFT that you propose)");
  contract_add->add_option("id", args->contract_id, "Contract id, e.g. C-2026-001")->required();
  contract_add->add_option("--provider", args->c_provider, "Provider code, e.g. RX1")->required();
  contract_add->add_option("--mode", args->c_mode, "make or buy")->required();
  contract_add->add_option("--line", args->c_line, "Budget line, e.g. COMMUNITY")->required();
  contract_add->add_option("--start-year", args->c_start_year, "First month's year, e.g. 2026/27")->required();
  contract_add->add_option("--start-month", args->c_start_month, "First month, M01 to M12")->required();
  contract_add->add_option("--end-year", args->c_end_year, "Last month's year (default: the start year)");
  contract_add->add_option("--end-month", args->c_end_month, "Last month (default M12)");
  contract_add->add_option("--type", args->c_type, "block, cost_per_case or cost_and_volume")->required();
  contract_add->add_option("--value", args->c_value, "Annual value (BLOCK) or block value (COST_AND_VOLUME)");
  contract_add->add_option("--price", args->c_price, "Price per case (COST_PER_CASE), or above the volume");
  contract_add->add_option("--volume", args->c_volume, "Cases a year: planned, or paid for by the block");
  contract_add->add_option("--ceiling", args->c_ceiling, "Annual ceiling on payments (not for BLOCK)");
  contract_add->add_option("--attribution", args->c_attribution, "activity or capitation")->required();
  contract_add->add_option("--description", args->c_description, "What the service is")->required();
  key_option(contract_add);
  contract_add->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::Command command;
    v1::RegisterContract* c = command.mutable_register_contract();
    v1::ContractMode mode;
    v1::ContractType type;
    v1::Attribution attribution;
    if (!ParseEnum(a.c_mode, "CONTRACT_MODE_", &v1::ContractMode_Parse, mode) ||
        !ParseEnum(a.c_type, "CONTRACT_TYPE_", &v1::ContractType_Parse, type) ||
        !ParseEnum(a.c_attribution, "ATTRIBUTION_", &v1::Attribution_Parse, attribution)) {
      std::cerr << "lcp: --mode is make or buy; --type block, cost_per_case or cost_and_volume; "
                   "--attribution activity or capitation\n";
      exit_code = kExitUsage;
      return;
    }
    c->set_contract_id(a.contract_id);
    c->set_provider_code(a.c_provider);
    c->set_mode(mode);
    c->set_budget_line(a.c_line);
    SetPeriod(*c->mutable_start(), a.c_start_year, a.c_start_month);
    SetPeriod(*c->mutable_end(), a.c_end_year.empty() ? a.c_start_year : a.c_end_year,
              a.c_end_month.empty() ? "M12" : a.c_end_month);
    c->mutable_terms()->set_type(type);
    FillTerms(a, *c->mutable_terms());
    c->set_attribution(attribution);
    c->set_description(a.c_description);
    exit_code = SubmitOne(options, command);
  });

  CLI::App* contract_approve = contract->add_subcommand(
      "approve", "Approve a DRAFT contract, or with --variation a pending variation; commits its value");
  contract_approve->add_option("id", args->contract_id, "Contract id")->required();
  AddPeriodOptions(contract_approve, args->year, args->month, "the commitments go into");
  contract_approve->add_option("--variation", args->variation, "The entry of the variation to approve");
  key_option(contract_approve);
  contract_approve->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::Command command;
    command.mutable_approve_contract()->set_contract_id(a.contract_id);
    command.mutable_approve_contract()->set_variation_seq(a.variation);
    SetPeriod(*command.mutable_approve_contract()->mutable_period(), a.year, a.month);
    exit_code = SubmitOne(options, command);
  });

  CLI::App* contract_vary = contract->add_subcommand(
      "vary", "Propose a variation: new value, price, volume or ceiling (others stay as they are)");
  contract_vary->add_option("id", args->contract_id, "Contract id")->required();
  contract_vary->add_option("--value", args->c_value, "New annual or block value");
  contract_vary->add_option("--price", args->c_price, "New price per case");
  contract_vary->add_option("--volume", args->c_volume, "New annual volume");
  contract_vary->add_option("--ceiling", args->c_ceiling, "New annual ceiling");
  contract_vary->add_option("--reason", args->reason, "Why")->required();
  key_option(contract_vary);
  contract_vary->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    // The variation carries the whole terms: those in force, with the options given changed.
    v1::GetContractRequest get;
    get.set_contract_id(a.contract_id);
    std::optional<Connection> connection = MakeConnection(options);
    if (!connection) {
      exit_code = kExitUsage;
      return;
    }
    v1::GetContractResponse current;
    LedgerClient client(*connection);
    grpc::Status status = client.GetContract(get, current);
    if (!status.ok()) {
      exit_code = Fail(options, status, client.last_error_code());
      return;
    }
    v1::Command command;
    v1::VaryContract* vary = command.mutable_vary_contract();
    vary->set_contract_id(a.contract_id);
    *vary->mutable_terms() = current.contract().terms();
    if (vary->terms().type() == v1::CONTRACT_TYPE_BLOCK) vary->mutable_terms()->clear_annual_ceiling();
    if (vary->terms().type() == v1::CONTRACT_TYPE_COST_PER_CASE) vary->mutable_terms()->clear_annual_value();
    FillTerms(a, *vary->mutable_terms());
    vary->set_reason(a.reason);
    exit_code = SubmitOne(options, command);
  });

  CLI::App* contract_pay = contract->add_subcommand(
      "pay", "Post a payment (the invoice reference is the idempotency key: a retry never pays twice)");
  contract_pay->add_option("id", args->contract_id, "Contract id")->required();
  AddPeriodOptions(contract_pay, args->year, args->month);
  contract_pay->add_option("--amount", args->amount, "Amount, e.g. 12500.00")->required();
  contract_pay->add_option("--invoice", args->invoice, "The provider's invoice reference")->required();
  contract_pay->add_option("--activity", args->activity, "Cases the invoice pays for");
  contract_pay->add_option("--practice", args->practice_parts,
                           "For ACTIVITY contracts: ODS=AMOUNT, repeated, summing to the amount");
  contract_pay->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::Command command;
    v1::PostPayment* payment = command.mutable_post_payment();
    payment->set_contract_id(a.contract_id);
    SetPeriod(*payment->mutable_period(), a.year, a.month);
    payment->mutable_amount()->set_value(CanonicalAmount(a.amount));
    if (!IsPrintableAsciiToken(a.invoice, kInvoiceReferenceLengthMax)) {
      std::cerr << "lcp: --invoice must be 1 to " << kInvoiceReferenceLengthMax
                << " printable characters without spaces\n";
      exit_code = kExitUsage;
      return;
    }
    payment->set_invoice_reference(a.invoice);
    payment->set_activity_count(a.activity);
    for (const std::string& part : a.practice_parts) {
      const std::size_t equals = part.find('=');
      if (equals == std::string::npos || equals == 0) {
        std::cerr << "lcp: --practice " << part << " must be ODS=AMOUNT, e.g. A81001=120.00\n";
        exit_code = kExitUsage;
        return;
      }
      v1::PracticeAmount* line = payment->add_practice_amounts();
      line->set_ods_code(Upper(part.substr(0, equals)));
      line->mutable_amount()->set_value(CanonicalAmount(part.substr(equals + 1)));
    }
    exit_code = PayInvoice(options, std::move(command));
  });

  CLI::App* contract_close = contract->add_subcommand("close", "Close a contract, releasing its commitment");
  contract_close->add_option("id", args->contract_id, "Contract id")->required();
  AddPeriodOptions(contract_close, args->year, args->month, "the releases go into");
  contract_close->add_option("--reason", args->reason, "Why")->required();
  key_option(contract_close);
  contract_close->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::Command command;
    command.mutable_close_contract()->set_contract_id(a.contract_id);
    SetPeriod(*command.mutable_close_contract()->mutable_period(), a.year, a.month);
    command.mutable_close_contract()->set_reason(a.reason);
    exit_code = SubmitOne(options, command);
  });

  CLI::App* contract_show = contract->add_subcommand("show", "Show a contract: terms, approvals, figures by year");
  contract_show->add_option("id", args->contract_id, "Contract id")->required();
  contract_show->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::GetContractRequest request;
    request.set_contract_id(a.contract_id);
    exit_code = Query<v1::GetContractResponse>(
        options, [&](LedgerClient& client, auto& response) { return client.GetContract(request, response); },
        [](const auto& response) { return ContractDetail(response.contract()); });
  });

  CLI::App* contract_list = contract->add_subcommand("list", "List contracts");
  contract_list->add_option("--provider", args->c_provider, "Only this provider's");
  contract_list->add_option("--line", args->c_line, "Only this budget line's");
  contract_list->add_option("--mode", args->c_mode, "make or buy");
  contract_list->add_option("--status", args->c_status, "draft, approved, active or closed");
  AddYearInProgressOption(contract_list, args->c_year);
  AddMonthEndOption(contract_list, args->c_month);
  contract_list->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::ListContractsRequest request;
    request.set_provider_code(a.c_provider);
    request.set_budget_line(a.c_line);
    v1::ContractMode mode = v1::CONTRACT_MODE_UNSPECIFIED;
    v1::ContractStatus status = v1::CONTRACT_STATUS_UNSPECIFIED;
    if ((!a.c_mode.empty() && !ParseEnum(a.c_mode, "CONTRACT_MODE_", &v1::ContractMode_Parse, mode)) ||
        (!a.c_status.empty() && !ParseEnum(a.c_status, "CONTRACT_STATUS_", &v1::ContractStatus_Parse, status))) {
      std::cerr << "lcp: --mode is make or buy; --status draft, approved, active or closed\n";
      exit_code = kExitUsage;
      return;
    }
    request.set_mode(mode);
    request.set_status(status);
    request.set_year(a.c_year);
    request.set_month(a.c_month);
    exit_code = Query<v1::ListContractsResponse>(
        options, [&](LedgerClient& client, auto& response) { return client.ListContracts(request, response); },
        [](const auto& response) { return ContractsTable(response); });
  });

  // interest declare|list
  CLI::App* interest = app.add_subcommand("interest", "Declared interests in contracts and providers")
                           ->require_subcommand(1);
  CLI::App* interest_declare = interest->add_subcommand(
      "declare", "Declare a practice's (or a clinician's) interest in a contract or a provider");
  interest_declare->add_option("--practice", args->i_practice, "The member practice's ODS code")->required();
  interest_declare->add_option("--clinician", args->i_clinician, "The clinician, if the interest is one person's");
  CLI::Option* on_contract = interest_declare->add_option("--contract", args->i_contract, "The contract id");
  CLI::Option* on_provider = interest_declare->add_option("--provider", args->i_provider, "The provider code");
  on_contract->excludes(on_provider);
  interest_declare->add_option("--description", args->i_description, "What the interest is")->required();
  key_option(interest_declare);
  interest_declare->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::Command command;
    v1::DeclareInterest* declare = command.mutable_declare_interest();
    declare->set_ods_code(Upper(a.i_practice));
    declare->set_clinician(a.i_clinician);
    if (!a.i_contract.empty()) declare->set_contract_id(a.i_contract);
    if (!a.i_provider.empty()) declare->set_provider_code(a.i_provider);
    declare->set_description(a.i_description);
    exit_code = SubmitOne(options, command);
  });
  CLI::App* interest_list = interest->add_subcommand("list", "List declared interests");
  interest_list->add_option("--practice", args->i_practice, "Only this practice's");
  interest_list->add_option("--contract", args->i_contract, "Only those in this contract or its provider");
  interest_list->add_option("--provider", args->i_provider, "Only those in this provider");
  interest_list->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::ListInterestsRequest request;
    request.set_ods_code(a.i_practice);
    request.set_contract_id(a.i_contract);
    request.set_provider_code(a.i_provider);
    exit_code = Query<v1::ListInterestsResponse>(
        options, [&](LedgerClient& client, auto& response) { return client.ListInterests(request, response); },
        [](const auto& response) { return InterestsTable(response); });
  });

  // statement
  CLI::App* statement = app.add_subcommand(
      "statement", "Budget, commitments, actual spend, forecast outturn and variance per line");
  statement->add_option("--practice", args->s_practice, "One practice (a practice principal: its own)");
  AddYearInProgressOption(statement, args->s_year);
  statement->add_option("--month", args->s_month, "As of this month end, e.g. M06 (default: now)");
  statement->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::GetStatementRequest request;
    request.set_ods_code(a.s_practice);
    request.set_year(a.s_year);
    request.set_month(a.s_month);
    exit_code = Query<v1::GetStatementResponse>(
        options, [&](LedgerClient& client, auto& response) { return client.GetStatement(request, response); },
        [](const auto& response) { return StatementTable(response); });
  });

  // payments import
  CLI::App* payments = app.add_subcommand("payments", "Contract payments in bulk")->require_subcommand(1);
  CLI::App* payments_import = payments->add_subcommand(
      "import", "Post a month's invoices from a CSV file; safe to run again (posted invoices are skipped)");
  payments_import
      ->add_option("file", args->file, "The CSV file (docs/contracts.md, \"The payments file\")")
      ->required();
  AddPeriodOptions(payments_import, args->year, args->month);
  payments_import->add_option("--batch", args->batch_size, "Invoices per call")
      ->check(CLI::Range(1, 8192))
      ->capture_default_str();
  payments_import->callback([&options, &exit_code, args] {
    exit_code = ImportPayments(options, args->file, args->year, args->month, args->batch_size);
  });
}

}  // namespace lcp::client

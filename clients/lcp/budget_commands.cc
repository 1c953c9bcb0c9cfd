#include "clients/lcp/budget_commands.h"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>

#include "clients/lcp/notices_output.h"
#include "ledger/base/chain.h"

namespace lcp::client {
namespace {

// What the commands' options are read into; shared by the callbacks, so it lives as long as they
// do.
struct Arguments {
  std::string year;
  std::string month;
  std::string line;
  std::string total;
  std::string reason;
  std::string from_line;
  std::string to_line;
  std::string amount;
  std::string practice;
  std::string to_practice;
  std::uint64_t seq = 0;
  std::string terms_file;
  std::string terms_sha256;
  std::string title;
  std::uint64_t agreement_seq = 0;
  std::string last_year;
  bool pending = false;  // budget transfers --pending
};

int ConfirmTotal(const Options& options, const Arguments& a) {
  v1::Command command;
  v1::ConfirmLineTotal* confirm = command.mutable_confirm_line_total();
  confirm->set_year(a.year);
  confirm->set_budget_line(a.line);
  confirm->mutable_total()->set_value(a.total);
  confirm->set_reason(a.reason);
  return SubmitOne(options, std::move(command));
}

int ProposeTransfer(const Options& options, const Arguments& a) {
  if (a.to_line.empty() && a.to_practice.empty()) {
    std::cerr << "lcp: say where the budget goes: --to LINE (another line) or --to-practice ODS "
                 "(another practice on the same line)\n";
    return kExitUsage;
  }
  v1::Command command;
  v1::ProposeBudgetTransfer* transfer = command.mutable_propose_budget_transfer();
  transfer->set_year(a.year);
  transfer->set_ods_code(a.practice);
  transfer->set_from_line(a.from_line);
  transfer->set_to_line(a.to_line);
  transfer->set_to_ods_code(a.to_practice);
  transfer->mutable_amount()->set_value(a.amount);
  transfer->set_reason(a.reason);
  return SubmitOne(options, std::move(command));
}

int ApproveTransfer(const Options& options, const Arguments& a) {
  v1::Command command;
  v1::ApproveBudgetTransfer* approve = command.mutable_approve_budget_transfer();
  approve->set_year(a.year);
  approve->set_transfer_seq(a.seq);
  SetPeriod(*approve->mutable_period(), a.year, a.month);
  return SubmitOne(options, std::move(command));
}

int Acknowledge(const Options& options, const Arguments& a) {
  v1::Command command;
  v1::AcknowledgeNotice* acknowledge = command.mutable_acknowledge_notice();
  acknowledge->set_year(a.year);
  acknowledge->set_budget_line(a.line);
  acknowledge->set_ods_code(a.practice);
  acknowledge->set_run_seq(a.seq);
  return SubmitOne(options, std::move(command));
}

// The terms' hash given, or computed from the terms document; nullopt (said why) when the document
// cannot be read.
std::optional<std::string> TermsHash(const Arguments& a, const char* what) {
  if (a.terms_file.empty()) return a.terms_sha256;
  std::ifstream in(a.terms_file, std::ios::binary);
  std::optional<std::string> computed;
  if (in) computed = Sha256Hex(in);
  if (!computed) {
    std::cerr << "lcp: cannot read the terms document " << a.terms_file << "; nothing was " << what
              << "\n";
  }
  return computed;
}

// membership sign: the terms' hash given, or computed from the terms document.
int Sign(const Options& options, const Arguments& a) {
  const std::optional<std::string> hash = TermsHash(a, "signed");
  if (!hash) return kExitUsage;
  v1::Command command;
  v1::SignMembership* sign = command.mutable_sign_membership();
  sign->set_ods_code(a.practice);
  sign->set_year(a.year);
  sign->set_terms_sha256(*hash);
  sign->set_agreement_seq(a.agreement_seq);
  return SubmitOne(options, std::move(command));
}

// membership terms: LCP finance records the year's terms document (its hash and a title).
int RecordTerms(const Options& options, const Arguments& a) {
  const std::optional<std::string> hash = TermsHash(a, "recorded");
  if (!hash) return kExitUsage;
  v1::Command command;
  v1::RecordMembershipTerms* terms = command.mutable_record_membership_terms();
  terms->set_year(a.year);
  terms->set_terms_sha256(*hash);
  terms->set_title(a.title);
  return SubmitOne(options, std::move(command));
}

int Leave(const Options& options, const Arguments& a) {
  v1::Command command;
  v1::LeaveLcp* leave = command.mutable_leave_lcp();
  leave->set_ods_code(a.practice);
  leave->set_last_year(a.last_year);
  leave->set_reason(a.reason);
  return SubmitOne(options, std::move(command));
}

void AddBudgetGroup(CLI::App& app, Options& options, int& exit_code,
                    const std::shared_ptr<Arguments>& args) {
  CLI::App* budget =
      app.add_subcommand("budget",
                         "Budget notices: confirmed line totals, transfers between lines, "
                         "practices' acknowledgements")
          ->require_subcommand(1);

  CLI::App* confirm = budget->add_subcommand(
      "confirm-total", "Confirm the total the PCT gives the LCP for a year and line (PCT finance)");
  AddYearOption(confirm, args->year);
  confirm->add_option("--line", args->line, "The budget line, e.g. PRESCRIBING")->required();
  confirm->add_option("--total", args->total, "The line total, e.g. 3000000.00")->required();
  confirm->add_option("--reason", args->reason,
                      "Why the total changes (required once the line has a confirmed total)");
  AddKeyOption(confirm, options);
  confirm->callback([&options, &exit_code, args] { exit_code = ConfirmTotal(options, *args); });

  CLI::App* transfer = budget->add_subcommand(
      "transfer",
      "Propose moving budget from one line to another, or from one practice to another on a "
      "line (LCP finance; PCT finance approves it)");
  AddYearOption(transfer, args->year);
  transfer->add_option("--from", args->from_line, "The line the budget leaves")->required();
  transfer->add_option("--to", args->to_line, "The line the budget goes to");
  transfer->add_option("--to-practice", args->to_practice,
                       "The practice the budget goes to, on the same line (with --practice)");
  transfer->add_option("--amount", args->amount, "The amount in all, e.g. 25000.00")->required();
  transfer->add_option("--practice", args->practice,
                       "The practice that gives it (default: every practice, split by their "
                       "budgets on the from-line)");
  transfer->add_option("--reason", args->reason, "Why the budget moves")->required();
  AddKeyOption(transfer, options);
  transfer->callback([&options, &exit_code, args] { exit_code = ProposeTransfer(options, *args); });

  CLI::App* approve = budget->add_subcommand(
      "approve-transfer", "Approve a proposed budget transfer and post it (PCT finance)");
  approve->add_option("seq", args->seq, "The transfer's entry (lcp budget notices lists them)")
      ->required();
  AddPeriodOptions(approve, args->year, args->month);
  AddKeyOption(approve, options);
  approve->callback([&options, &exit_code, args] { exit_code = ApproveTransfer(options, *args); });

  CLI::App* acknowledge = budget->add_subcommand(
      "acknowledge", "Acknowledge a practice's budget notice: the latest run for a line");
  AddYearOption(acknowledge, args->year);
  acknowledge->add_option("--line", args->line, "The budget line")->required();
  acknowledge->add_option("--run", args->seq, "The run's entry (lcp budget notices shows it)")
      ->required();
  acknowledge->add_option("--practice", args->practice, "Your practice's ODS code")->required();
  AddKeyOption(acknowledge, options);
  acknowledge->callback([&options, &exit_code, args] { exit_code = Acknowledge(options, *args); });

  CLI::App* notices = budget->add_subcommand(
      "notices",
      "A year's notices: per line the deadline, confirmed total, first notice, latest "
      "run and who has not acknowledged it; then the transfers");
  AddYearInProgressOption(notices, args->year);
  AddMonthEndOption(notices, args->month);
  notices->callback([&options, &exit_code, args] {
    v1::GetNoticesRequest request;
    request.set_year(args->year);
    request.set_month(args->month);
    exit_code = Query<v1::GetNoticesResponse>(
        options,
        [&](LedgerClient& client, v1::GetNoticesResponse& response) {
          return client.GetNotices(request, response);
        },
        [](const v1::GetNoticesResponse& response) { return NoticesTable(response); });
  });

  CLI::App* transfers = budget->add_subcommand(
      "transfers",
      "A year's budget transfers: each proposal, its reason, and its approval or that it awaits "
      "one (a practice: those for it)");
  AddYearInProgressOption(transfers, args->year);
  transfers->add_flag("--pending", args->pending, "Only those awaiting PCT finance's approval");
  transfers->callback([&options, &exit_code, args] {
    v1::GetNoticesRequest request;
    request.set_year(args->year);
    const bool pending = args->pending;
    exit_code = Query<v1::GetNoticesResponse>(
        options,
        [&](LedgerClient& client, v1::GetNoticesResponse& response) {
          return client.GetNotices(request, response);
        },
        [pending](const v1::GetNoticesResponse& response) {
          return "budget transfers for " + response.year() + ", as of entry " +
                 std::to_string(response.as_of_seq()) + "\n" + TransfersTable(response, pending);
        });
  });
}

void AddMembershipGroup(CLI::App& app, Options& options, int& exit_code,
                        const std::shared_ptr<Arguments>& args) {
  CLI::App* membership =
      app.add_subcommand("membership", "Practices signing up for a year, and leaving the LCP")
          ->require_subcommand(1);

  // --terms FILE or --terms-sha256 HEX, one of them, for a command that names a terms document;
  // `run` runs once one is given.
  auto add_terms_document = [&exit_code, args](CLI::App* command, const char* file_help,
                                               std::function<int()> run) {
    CLI::Option* file = command->add_option("--terms", args->terms_file, file_help);
    CLI::Option* hash = command->add_option("--terms-sha256", args->terms_sha256,
                                            "The document's SHA-256, as sha256sum prints it");
    file->excludes(hash);
    command->callback([&exit_code, file, hash, run = std::move(run)] {
      if (file->count() == 0 && hash->count() == 0) {
        std::cerr
            << "lcp: give the terms document (--terms FILE) or its SHA-256 (--terms-sha256)\n";
        exit_code = kExitUsage;
        return;
      }
      exit_code = run();
    });
  };

  CLI::App* record = membership->add_subcommand(
      "terms",
      "Record the year's membership terms document (LCP finance); a new version replaces the old, "
      "and practices that signed the old one sign again");
  AddYearOption(record, args->year);
  add_terms_document(record, "The membership terms document (its SHA-256 is computed)",
                     [&options, args] { return RecordTerms(options, *args); });
  record->add_option("--title", args->title, "What the document is, e.g. \"Terms 2026/27, v2\"")
      ->required();
  AddKeyOption(record, options);

  CLI::App* sign = membership->add_subcommand(
      "sign", "Sign up for a year on the membership terms and the agreement in force (a practice)");
  AddYearOption(sign, args->year);
  sign->add_option("--practice", args->practice, "Your practice's ODS code")->required();
  add_terms_document(sign, "The membership terms document (its SHA-256 is computed and signed)",
                     [&options, args] { return Sign(options, *args); });
  sign->add_option("--agreement", args->agreement_seq,
                   "The agreement in force (its proposal entry; lcp agreement show)")
      ->required();
  AddKeyOption(sign, options);

  CLI::App* leave = membership->add_subcommand(
      "leave",
      "Leave the LCP at the end of a year (the practice; recorded by LCP finance, it "
      "awaits the practice's confirmation)");
  leave->add_option("--practice", args->practice, "The practice's ODS code")->required();
  leave->add_option("--last-year", args->last_year, "Its last year as a member, e.g. 2026/27")
      ->required();
  leave->add_option("--reason", args->reason, "Why it leaves")->required();
  AddKeyOption(leave, options);
  leave->callback([&options, &exit_code, args] { exit_code = Leave(options, *args); });

  CLI::App* list = membership->add_subcommand(
      "list", "Who signed what for a year, who has not or must sign again, who is leaving");
  AddYearInProgressOption(list, args->year);
  AddMonthEndOption(list, args->month);
  list->callback([&options, &exit_code, args] {
    v1::ListMembershipsRequest request;
    request.set_year(args->year);
    request.set_month(args->month);
    exit_code = Query<v1::ListMembershipsResponse>(
        options,
        [&](LedgerClient& client, v1::ListMembershipsResponse& response) {
          return client.ListMemberships(request, response);
        },
        [](const v1::ListMembershipsResponse& response) { return MembershipsTable(response); });
  });
}

}  // namespace

std::optional<std::string> Sha256Hex(std::istream& in) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  if (context == nullptr || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    return std::nullopt;
  }
  std::array<char, 64 * 1024> buffer;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    if (got > 0 &&
        EVP_DigestUpdate(context.get(), buffer.data(), static_cast<std::size_t>(got)) != 1) {
      return std::nullopt;
    }
  }
  if (in.bad()) return std::nullopt;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1) return std::nullopt;
  return ToHex(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

void AddBudgetCommands(CLI::App& app, Options& options, int& exit_code) {
  auto args = std::make_shared<Arguments>();
  AddBudgetGroup(app, options, exit_code, args);
  AddMembershipGroup(app, options, exit_code, args);
}

}  // namespace lcp::client

// lcp: the command-line client for finance officers and practices.
//
//   lcp [--server ADDR] [--output table|json] [--token-file FILE] [--ca-cert FILE]
//       [--client-cert FILE --client-key FILE] GROUP VERB ...
//
// The token (--token-file, or the token itself in LCP_TOKEN) is sent only over TLS; --ca-cert (or
// LCP_CA_CERT) names the CA that signed the server's certificate.
//
// Exit codes: 0 success; 1 the server refused a command (its message is printed); 2 the command line
// was wrong; 3 the server could not be reached or failed.
#include <google/protobuf/util/json_util.h>
#include <grpc/support/log.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include <unistd.h>

#include "clients/lcp/ledger_client.h"
#include "clients/lcp/csv_import.h"
#include "clients/lcp/output.h"
#include "ledger/contracts.h"
#include "ledger/decimal.h"
#include "ledger/text.h"

namespace lcp::client {
namespace {

constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnavailable = 3;

struct Options {
  std::string server = "127.0.0.1:50051";
  std::string output = "table";
  int timeout_seconds = 30;
  std::string key;
  std::string token_file;
  bool tls = false;
  std::string ca_cert;
  std::string client_cert;
  std::string client_key;
  std::string acting_as;
  Format format() const { return output == "json" ? Format::kJson : Format::kTable; }
};

// `text` as a JSON string literal.
std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A fresh idempotency key: "lcp-" and 24 random hexadecimal digits.
std::string NewKey() {
  std::random_device device;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string key = "lcp-";
  for (int i = 0; i < 24; ++i) key += "0123456789abcdef"[digit(device)];
  return key;
}

// True for failures that say nothing about the command itself: the server could not be reached, was
// busy or stopping, or failed. Such a command may or may not have been posted.
bool IsTransient(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DATA_LOSS:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
      return true;
    default:
      return false;
  }
}

// Reports a failed call: on standard error, and with --output json also as a JSON object on standard
// output. A refusal (the server said no, and why) exits 1; anything else exits 3.
int Fail(const Options& options, const grpc::Status& status, const std::string& error_code,
         const std::vector<std::string>& keys = {}) {
  const bool transient = IsTransient(status.error_code());
  if (options.format() == Format::kJson) {
    std::string json = "{\"error\":{\"grpcCode\":" + std::to_string(status.error_code()) +
                       ",\"errorCode\":\"" + error_code + "\",\"message\":" +
                       JsonString(status.error_message()) + ",\"idempotencyKeys\":[";
    for (std::size_t i = 0; i < keys.size(); ++i) json += (i ? "," : "") + JsonString(keys[i]);
    std::cout << json << "]}}\n";
  }
  if (!transient) {
    std::cerr << "lcp: refused: " << status.error_message() << "\n";
    return kExitRefused;
  }
  std::cerr << "lcp: cannot complete the call to the ledger server at " << options.server << ": "
            << status.error_message() << "\n";
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    std::cerr << (!options.tls && options.ca_cert.empty() && options.client_cert.empty()
                      ? "lcp: if the server uses TLS, give --ca-cert FILE (and your --token-file)\n"
                      : "lcp: if the server is running, check that --ca-cert is the CA that signed "
                        "its certificate and that --server names a host the certificate is for\n");
  }
  return kExitUnavailable;
}

// The whole of a small file, or nullopt.
std::optional<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The connection the options describe, or nullopt after saying on standard error what is wrong.
std::optional<Connection> MakeConnection(const Options& options) {
  Connection connection;
  connection.server = options.server;
  connection.timeout = std::chrono::seconds(options.timeout_seconds);
  auto fail = [](const std::string& message) {
    std::cerr << "lcp: " << message << "\n";
    return std::nullopt;
  };
  if (!options.token_file.empty()) {
    std::optional<std::string> token = ReadWhole(options.token_file);
    if (!token) return fail("cannot read --token-file " + options.token_file);
    connection.token = *token;
  } else if (const char* token = std::getenv("LCP_TOKEN"); token != nullptr) {
    connection.token = token;
  }
  // Surrounding white space (a final newline, say) is not part of the token. What is left goes into
  // a gRPC header, which takes printable ASCII only: anything else is not a token.
  std::string& token = connection.token;
  const std::size_t first = token.find_first_not_of(" \t\r\n");
  token = first == std::string::npos
              ? std::string()
              : token.substr(first, token.find_last_not_of(" \t\r\n") - first + 1);
  const bool printable = std::all_of(token.begin(), token.end(),
                                     [](char c) { return c > 0x20 && c < 0x7F; });
  if (!printable) {
    return fail(std::string("the token ") +
                (options.token_file.empty() ? "in LCP_TOKEN" : "in " + options.token_file) +
                " is not one token: a token is one line, \"lcp_\" and 64 hexadecimal digits, as "
                "lcp-ledgerd principal add printed it");
  }
  if (options.client_cert.empty() != options.client_key.empty()) {
    return fail("mutual TLS needs both --client-cert and --client-key");
  }
  connection.tls = options.tls || !options.ca_cert.empty() || !options.client_cert.empty();
  if (!options.ca_cert.empty()) {
    std::optional<std::string> pem = ReadWhole(options.ca_cert);
    if (!pem) return fail("cannot read --ca-cert " + options.ca_cert);
    connection.ca_pem = *pem;
  }
  if (!options.client_cert.empty()) {
    std::optional<std::string> cert = ReadWhole(options.client_cert);
    std::optional<std::string> key = ReadWhole(options.client_key);
    if (!cert) return fail("cannot read --client-cert " + options.client_cert);
    if (!key) return fail("cannot read --client-key " + options.client_key);
    connection.client_cert_pem = *cert;
    connection.client_key_pem = *key;
  }
  connection.acting_as = options.acting_as;
  if (!connection.acting_as.empty() && connection.tls) {
    return fail("--as names who acts on a server started with --insecure; over TLS you act as the "
                "principal your token names");
  }
  if (!connection.token.empty() && !connection.tls) {
    return fail("a token is sent only over TLS: give --ca-cert FILE (the CA that signed the "
                "server's certificate) or --tls, or unset LCP_TOKEN for a server started with "
                "--insecure");
  }
  return connection;
}

int SubmitAndPrint(const Options& options, v1::SubmitRequest& request) {
  std::vector<std::string> keys;
  for (v1::CommandRequest& command : *request.mutable_commands()) {
    if (command.idempotency_key().empty()) command.set_idempotency_key(NewKey());
    keys.push_back(command.idempotency_key());
  }
  std::optional<Connection> connection = MakeConnection(options);
  if (!connection) return kExitUsage;
  LedgerClient client(*connection);
  v1::SubmitResponse response;
  std::string error_code;
  grpc::Status status = client.Submit(request, response, &error_code);
  if (!status.ok()) {
    const int code = Fail(options, status, error_code, keys);
    const std::string key = keys.size() == 1 ? keys[0] : std::string("the same keys");
    if (code == kExitRefused) {
      std::cerr << "lcp: nothing was posted (key " << key << ")\n";
    } else {
      std::cerr << "lcp: it may or may not have been posted; retrying with --key " << key
                << " is safe: it never posts twice\n";
    }
    return code;
  }
  std::cout << (options.format() == Format::kJson ? ToJson(response) + "\n"
                                                  : SubmitTable(request, response));
  for (const v1::CommandResult& result : response.results()) {
    if (result.has_refusal()) return kExitRefused;
  }
  return 0;
}

int SubmitOne(const Options& options, v1::Command command) {
  v1::SubmitRequest request;
  v1::CommandRequest* one = request.add_commands();
  one->set_idempotency_key(options.key);  // Empty: SubmitAndPrint makes one.
  *one->mutable_command() = std::move(command);
  return SubmitAndPrint(options, request);
}

// A period from --year and --month.
void SetPeriod(v1::Period& period, const std::string& year, const std::string& month) {
  period.set_year(year);
  period.set_month(month);
}

// Makes a connection, calls the server with `call(client, response)`, and prints the response as
// JSON or with `table`. Returns the exit code.
template <typename Response, typename Call, typename Table>
int Query(const Options& options, Call call, Table table) {
  std::optional<Connection> connection = MakeConnection(options);
  if (!connection) return kExitUsage;
  LedgerClient client(*connection);
  Response response;
  grpc::Status status = call(client, response);
  if (!status.ok()) return Fail(options, status, "");
  std::cout << (options.format() == Format::kJson ? ToJson(response) + "\n" : table(response));
  return 0;
}

// Parses an enum value given without its prefix and in any case ("buy" for CONTRACT_MODE_BUY).
template <typename Enum>
bool ParseEnum(std::string text, const std::string& prefix,
               bool (*parse)(google::protobuf::ConstStringParam, Enum*), Enum& value) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return parse(prefix + text, &value) && static_cast<int>(value) != 0;
}

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

// Posts a payments file in batches (not all-or-nothing: each invoice stands alone), reporting each
// refused line with its reason. An invoice whose key was recorded before comes back as a duplicate and
// is reported as already posted, so the file can be imported again safely.
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
  std::size_t posted = 0, already = 0, differing = 0, refused = problems.size();
  Int posted_pence = 0;
  ShowProgress(0, lines.size());
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
    grpc::Status status = client.Submit(request, response, &error_code);
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
      if (IsTransient(status.error_code())) std::cerr << "\n";
      const int code = Fail(options, status, error_code);
      std::cerr << "lcp: stopped at line " << lines[begin].line << " of " << file << " after "
                << posted << " invoices were posted; import the file again: invoices already "
                   "posted are recognised and skipped\n";
      return code;
    }
    for (std::size_t i = begin; i < end; ++i) {
      const v1::CommandResult& result = response.results(static_cast<int>(i - begin));
      const v1::PostPayment& payment = request.commands(static_cast<int>(i - begin)).command().post_payment();
      const v1::ErrorCode code = result.has_refusal() ? result.refusal().code() : v1::ERROR_CODE_UNSPECIFIED;
      if (code == v1::ERROR_CODE_IDEMPOTENCY_KEY_REUSED || code == v1::ERROR_CODE_INVOICE_ALREADY_POSTED) {
        // Posted before, but not as this line says now (another month, amount, count or practices).
        ++differing;
        // Both refusals name the entry that posted it: "... entry N ...".
        const std::string& message = result.refusal().message();
        const std::size_t at = message.find("entry ");
        const std::string entry =
            at == std::string::npos
                ? std::string()
                : " by entry " + message.substr(at + 6, message.find_first_not_of("0123456789", at + 6) - at - 6);
        std::cerr << (isatty(STDERR_FILENO) != 0 ? "\r" : "") << file << ":" << lines[i].line
                  << ": invoice " << payment.invoice_reference() << " was posted already" << entry
                  << ", with other details than this line's (month, amount, cases or practices); "
                     "it is not posted again\n";
      } else if (result.has_refusal()) {
        ++refused;
        const v1::Refusal& refusal = result.refusal();
        std::cerr << (isatty(STDERR_FILENO) != 0 ? "\r" : "") << file << ":" << lines[i].line
                  << ": invoice " << payment.invoice_reference() << " refused: "
                  << (refusal.code() == v1::ERROR_CODE_UNSPECIFIED
                          ? std::string()
                          : v1::ErrorCode_Name(refusal.code()) + ": ")
                  << refusal.message() << "\n";
      } else if (result.accepted().duplicate()) {
        ++already;
      } else {
        ++posted;
        posted_pence += Money::Parse(payment.amount().value())->pence();
      }
    }
    ShowProgress(end, lines.size());
  }
  std::string summary = "posted " + std::to_string(posted) + " invoices (" +
                        Money::FromPence(posted_pence).ToString() + "), " + std::to_string(already) +
                        " already posted and skipped, ";
  if (differing != 0) {
    summary += std::to_string(differing) + " posted already with other details and skipped, ";
  }
  summary += std::to_string(refused) + " refused";
  if (options.format() == Format::kJson) {
    std::cout << "{\"posted\":" << posted << ",\"postedAmount\":\""
              << Money::FromPence(posted_pence).ToString() << "\",\"alreadyPosted\":" << already
              << ",\"postedWithOtherDetails\":" << differing << ",\"refused\":" << refused << "}\n";
  } else {
    std::cout << summary << "\n";
  }
  return refused == 0 ? 0 : kExitRefused;
}


bool ParseProviderKind(std::string text, v1::ProviderKind& kind) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return v1::ProviderKind_Parse("PROVIDER_KIND_" + text, &kind) &&
         kind != v1::PROVIDER_KIND_UNSPECIFIED;
}

}  // namespace

int Main(int argc, char** argv) {
  // gRPC's own log lines (a failed TLS handshake, say) repeat, less clearly, what lcp reports itself;
  // LCP_GRPC_LOG=1 keeps them for debugging.
  if (std::getenv("LCP_GRPC_LOG") == nullptr) gpr_set_log_function([](gpr_log_func_args*) {});
  Options options;
  CLI::App app{"lcp: post to and query an lcpledger server"};
  app.require_subcommand(1);
  app.add_option("--server", options.server, "Address of lcp-ledgerd")->capture_default_str();
  app.add_option("--output", options.output, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--timeout", options.timeout_seconds, "Seconds to wait for the server")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--token-file", options.token_file,
                 "File holding your bearer token (or give the token itself in LCP_TOKEN)");
  app.add_flag("--tls", options.tls,
               "Use TLS, trusting the system's CA certificates (implied by --ca-cert)");
  app.add_option("--ca-cert", options.ca_cert,
                 "Use TLS, trusting the CA in this PEM file to have signed the server's certificate")
      ->envname("LCP_CA_CERT");
  app.add_option("--client-cert", options.client_cert, "For mutual TLS: your certificate (PEM)")
      ->envname("LCP_CLIENT_CERT");
  app.add_option("--client-key", options.client_key, "For mutual TLS: your private key (PEM)")
      ->envname("LCP_CLIENT_KEY");
  app.add_option("--as", options.acting_as,
                 "On a server started with --insecure only: a name to act as (the entry records "
                 "local-admin/NAME), so that a proposer and an approver can differ")
      ->envname("LCP_AS");
  int exit_code = 0;
  auto key_option = [&](CLI::App* command) {
    command->add_option("--key", options.key,
                        "Idempotency key (retrying with the same key never posts twice); a new one "
                        "is generated when absent");
  };

  // practice add
  std::string ods, name;
  CLI::App* practice = app.add_subcommand("practice", "Member practices")->require_subcommand(1);
  CLI::App* practice_add = practice->add_subcommand("add", "Register a member practice");
  practice_add->add_option("ods", ods, "ODS code, e.g. A81001")->required();
  practice_add->add_option("name", name, "Practice name")->required();
  key_option(practice_add);
  practice_add->callback([&] {
    v1::Command command;
    command.mutable_register_practice()->set_ods_code(ods);
    command.mutable_register_practice()->set_name(name);
    exit_code = SubmitOne(options, command);
  });

  // provider add
  std::string code, kind_text;
  CLI::App* provider = app.add_subcommand("provider", "Providers")->require_subcommand(1);
  CLI::App* provider_add = provider->add_subcommand("add", "Register a provider");
  provider_add->add_option("code", code, "Provider code, e.g. RX1")->required();
  provider_add->add_option("name", name, "Provider name")->required();
  provider_add
      ->add_option("--kind", kind_text,
                   "foundation_trust, community, independent or lcp_provider_arm")
      ->required();
  key_option(provider_add);
  provider_add->callback([&] {
    v1::ProviderKind kind;
    if (!ParseProviderKind(kind_text, kind)) {
      std::cerr << "lcp: --kind must be foundation_trust, community, independent or "
                   "lcp_provider_arm\n";
      exit_code = kExitUsage;
      return;
    }
    v1::Command command;
    command.mutable_register_provider()->set_code(code);
    command.mutable_register_provider()->set_name(name);
    command.mutable_register_provider()->set_kind(kind);
    exit_code = SubmitOne(options, command);
  });

  // year open
  std::string year;
  std::vector<std::string> lines;
  CLI::App* year_group = app.add_subcommand("year", "Financial years")->require_subcommand(1);
  CLI::App* year_open = year_group->add_subcommand("open", "Open a financial year with its budget lines");
  year_open->add_option("year", year, "The year, e.g. 2026/27")->required();
  year_open->add_option("lines", lines, "Budget lines, e.g. PRESCRIBING COMMUNITY")->required();
  key_option(year_open);
  year_open->callback([&] {
    v1::Command command;
    command.mutable_open_year()->set_year(year);
    for (const std::string& line : lines) command.mutable_open_year()->add_budget_lines(line);
    exit_code = SubmitOne(options, command);
  });

  // journal post / reverse
  std::string month, narrative, reason;
  std::vector<std::string> postings;
  std::uint64_t seq = 0;
  CLI::App* journal = app.add_subcommand("journal", "Manual journals")->require_subcommand(1);
  CLI::App* journal_post = journal->add_subcommand("post", "Post a balanced journal");
  journal_post->add_option("--year", year, "Financial year, e.g. 2026/27")->required();
  journal_post->add_option("--month", month, "Month M01 (April) to M12 (March)")->required();
  journal_post->add_option("--narrative", narrative, "Why the journal is posted")->required();
  journal_post
      ->add_option("postings", postings,
                   "ACCOUNT=AMOUNT, debits positive and credits negative, e.g. lcp:cash=100.00 "
                   "pct:funding=-100.00")
      ->required();
  key_option(journal_post);
  journal_post->callback([&] {
    v1::Command command;
    v1::PostJournal* post = command.mutable_post_journal();
    SetPeriod(*post->mutable_period(), year, month);
    post->set_narrative(narrative);
    for (const std::string& text : postings) {
      const std::size_t equals = text.rfind('=');
      if (equals == std::string::npos || equals == 0) {
        std::cerr << "lcp: posting \"" << text << "\" must be ACCOUNT=AMOUNT\n";
        exit_code = kExitUsage;
        return;
      }
      v1::Posting* posting = post->add_postings();
      posting->set_account(text.substr(0, equals));
      posting->mutable_amount()->set_value(text.substr(equals + 1));
    }
    exit_code = SubmitOne(options, command);
  });
  CLI::App* journal_reverse = journal->add_subcommand("reverse", "Reverse an entry");
  journal_reverse->add_option("seq", seq, "Sequence number of the entry to reverse")->required();
  journal_reverse->add_option("--reason", reason, "Why it is reversed")->required();
  journal_reverse->add_option("--year", year, "Year to post the reversal into")->required();
  journal_reverse->add_option("--month", month, "Month to post the reversal into")->required();
  key_option(journal_reverse);
  journal_reverse->callback([&] {
    v1::Command command;
    command.mutable_reverse_entry()->set_seq(seq);
    command.mutable_reverse_entry()->set_reason(reason);
    SetPeriod(*command.mutable_reverse_entry()->mutable_period(), year, month);
    exit_code = SubmitOne(options, command);
  });

  // submit (a batch from a JSON file)
  std::string file;
  bool all_or_nothing = false;
  CLI::App* submit = app.add_subcommand(
      "submit", "Submit a batch of commands from a JSON file (a SubmitRequest in protobuf JSON)");
  submit->add_option("file", file, "The JSON file, or - for standard input")->required();
  submit->add_flag("--all-or-nothing", all_or_nothing, "Post every command or none");
  submit->add_option("--key", options.key,
                     "Key prefix: a command without an idempotencyKey gets PREFIX-N (N from 1), so "
                     "running the same file again never posts twice");
  submit->callback([&] {
    std::stringstream text;
    if (file == "-") {
      text << std::cin.rdbuf();
    } else {
      std::ifstream in(file);
      if (!in) {
        std::cerr << "lcp: cannot read " << file << "\n";
        exit_code = kExitUsage;
        return;
      }
      text << in.rdbuf();
    }
    v1::SubmitRequest request;
    auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &request);
    if (!parsed.ok()) {
      std::cerr << "lcp: " << file << " is not a SubmitRequest: " << parsed.ToString() << "\n";
      exit_code = kExitUsage;
      return;
    }
    if (all_or_nothing) request.set_all_or_nothing(true);
    for (int i = 0; i < request.commands_size(); ++i) {
      v1::CommandRequest& command = *request.mutable_commands(i);
      if (!command.idempotency_key().empty()) continue;
      if (options.key.empty()) {
        std::cerr << "lcp: command " << i + 1 << " of " << file
                  << " has no idempotencyKey: give every command one, or pass --key PREFIX, so "
                     "that running the file again cannot post twice\n";
        exit_code = kExitUsage;
        return;
      }
      command.set_idempotency_key(options.key + "-" + std::to_string(i + 1));
    }
    exit_code = SubmitAndPrint(options, request);
  });

  // practice list
  CLI::App* practice_list = practice->add_subcommand("list", "List the member practices");
  practice_list->callback([&] {
    std::optional<Connection> connection = MakeConnection(options);
    if (!connection) {
      exit_code = kExitUsage;
      return;
    }
    LedgerClient client(*connection);
    v1::ListPracticesResponse response;
    grpc::Status status = client.ListPractices(response);
    if (!status.ok()) {
      exit_code = Fail(options, status, "");
      return;
    }
    std::cout << (options.format() == Format::kJson ? ToJson(response) + "\n"
                                                    : PracticesTable(response));
  });

  // capitation weights|lists|indices|run|show
  CLI::App* capitation =
      app.add_subcommand("capitation", "Risk-adjusted capitation: inputs, runs, how budgets were reached")
          ->require_subcommand(1);
  std::string cap_year, cap_line, cap_file, cap_month, cap_total, cap_extract, cap_practice;
  std::uint64_t cap_weights = 0, cap_indices = 0, cap_run = 0;
  bool cap_dry_run = false;
  // Reports CSV problems, one per line, and says nothing was recorded.
  auto report_problems = [&](const std::vector<CsvProblem>& problems) {
    for (const CsvProblem& problem : problems) {
      std::cerr << "lcp: " << cap_file << (problem.line == 0 ? "" : ":" + std::to_string(problem.line))
                << ": " << problem.message << "\n";
    }
    std::cerr << "lcp: nothing was recorded; correct " << cap_file << " and run it again\n";
    exit_code = kExitUsage;
  };
  auto open_file = [&](std::ifstream& in) {
    in.open(cap_file, std::ios::binary);
    if (!in) {
      std::cerr << "lcp: cannot read " << cap_file << "\n";
      exit_code = kExitUsage;
      return false;
    }
    return true;
  };

  CLI::App* cap_weights_cmd =
      capitation->add_subcommand("weights", "Set a year's band weights for a line from a CSV file (band,weight)");
  cap_weights_cmd->add_option("file", cap_file, "The CSV file")->required();
  cap_weights_cmd->add_option("--year", cap_year, "The year, e.g. 2026/27")->required();
  cap_weights_cmd->add_option("--line", cap_line, "The budget line, e.g. PRESCRIBING")->required();
  key_option(cap_weights_cmd);
  cap_weights_cmd->callback([&] {
    std::ifstream in;
    if (!open_file(in)) return;
    std::vector<CsvProblem> problems;
    std::vector<v1::BandWeight> weights = ParseWeights(in, problems);
    if (!problems.empty()) return report_problems(problems);
    v1::Command command;
    command.mutable_set_band_weights()->set_year(cap_year);
    command.mutable_set_band_weights()->set_budget_line(cap_line);
    for (v1::BandWeight& weight : weights) {
      *command.mutable_set_band_weights()->add_weights() = std::move(weight);
    }
    exit_code = SubmitOne(options, command);
  });

  CLI::App* cap_indices_cmd = capitation->add_subcommand(
      "indices", "Set a year's needs indices and market-forces factors from a CSV file");
  cap_indices_cmd->add_option("file", cap_file, "The CSV file (ods_code,needs_index,market_forces_factor)")
      ->required();
  cap_indices_cmd->add_option("--year", cap_year, "The year, e.g. 2026/27")->required();
  key_option(cap_indices_cmd);
  cap_indices_cmd->callback([&] {
    std::ifstream in;
    if (!open_file(in)) return;
    std::vector<CsvProblem> problems;
    std::vector<v1::PracticeIndex> indices = ParseIndices(in, problems);
    if (!problems.empty()) return report_problems(problems);
    v1::Command command;
    command.mutable_set_practice_indices()->set_year(cap_year);
    for (v1::PracticeIndex& index : indices) {
      *command.mutable_set_practice_indices()->add_practices() = std::move(index);
    }
    exit_code = SubmitOne(options, command);
  });

  CLI::App* cap_lists_cmd = capitation->add_subcommand(
      "lists", "Record members' registered lists from NHS Digital's gp-reg-pat-prac-quin-age.csv");
  cap_lists_cmd->add_option("file", cap_file, "The CSV file")->required();
  cap_lists_cmd->callback([&] {
    std::ifstream in;
    if (!open_file(in)) return;
    std::optional<Connection> connection = MakeConnection(options);
    if (!connection) {
      exit_code = kExitUsage;
      return;
    }
    LedgerClient client(*connection);
    v1::ListPracticesResponse practices;
    grpc::Status status = client.ListPractices(practices);
    if (!status.ok()) {
      exit_code = Fail(options, status, "");
      return;
    }
    std::set<std::string> members;
    for (const v1::PracticeView& member : practices.practices()) members.insert(member.ods_code());
    ListsFile lists = ParseNhsLists(in, members);
    if (!lists.problems.empty()) return report_problems(lists.problems);
    std::vector<std::string> missing;
    for (const std::string& member : members) {
      if (!lists.lists.contains(member)) missing.push_back(member);
    }
    // One command per practice, keyed by extract and practice, so that running the file again posts
    // nothing twice; batches of up to 8,000, each all or nothing.
    std::size_t recorded = 0, already = 0;
    std::vector<std::string> refusals;
    constexpr std::size_t kBatch = 8'000;
    auto it = lists.lists.begin();
    while (it != lists.lists.end()) {
      v1::SubmitRequest request;
      request.set_all_or_nothing(true);
      for (std::size_t n = 0; n < kBatch && it != lists.lists.end(); ++n, ++it) {
        v1::CommandRequest* command = request.add_commands();
        command->set_idempotency_key("list-" + lists.extract_date + "-" + it->first);
        *command->mutable_command()->mutable_record_population() = it->second;
      }
      v1::SubmitResponse response;
      std::string error_code;
      status = client.Submit(request, response, &error_code);
      if (!status.ok()) {
        exit_code = Fail(options, status, error_code);
        std::cerr << "lcp: " << recorded + already << " lists were recorded before this"
                  << (exit_code == kExitUnavailable
                          ? "; running the file again is safe: nothing is recorded twice\n"
                          : "; the list above was not\n");
        return;
      }
      for (int i = 0; i < response.results_size(); ++i) {
        const v1::CommandResult& result = response.results(i);
        if (result.has_accepted()) {
          (result.accepted().duplicate() ? already : recorded) += 1;
        } else if (result.refusal().code() != v1::ERROR_CODE_BATCH_ABORTED) {
          refusals.push_back(request.commands(i).command().record_population().ods_code() + ": " +
                             v1::ErrorCode_Name(result.refusal().code()) + ": " +
                             result.refusal().message());
        }
      }
    }
    std::cout << "extract " << lists.extract_date << ": read " << lists.rows << " rows; recorded the lists of "
              << recorded << " member practices";
    if (already > 0) std::cout << " (" << already << " more were recorded already)";
    std::cout << "\n";
    std::cout << "checked " << lists.all_rows << " ALL rows against the bands\n";
    if (lists.non_member_rows > 0) {
      std::cout << "skipped " << lists.non_member_rows << " rows of " << lists.non_members.size()
                << " practices that are not members";
      std::size_t shown = 0;
      for (const std::string& other : lists.non_members) {
        if (shown++ == 5) {
          std::cout << ", ...";
          break;
        }
        std::cout << (shown == 1 ? ": " : ", ") << other;
      }
      std::cout << "\n";
    }
    if (!missing.empty()) {
      std::cout << "no rows for " << missing.size() << " member practice(s):";
      for (const std::string& member : missing) std::cout << " " << member;
      std::cout << " (an allocation on this extract will be refused until they have lists)\n";
    }
    for (const std::string& refusal : refusals) std::cerr << "lcp: refused: " << refusal << "\n";
    if (!refusals.empty()) exit_code = kExitRefused;
  });

  CLI::App* cap_run_cmd = capitation->add_subcommand(
      "run", "Run (or with --dry-run, preview) a capitation allocation for a year and line");
  cap_run_cmd->add_option("--year", cap_year, "The year, e.g. 2026/27")->required();
  cap_run_cmd->add_option("--month", cap_month, "The month to post into, M01 to M12")->required();
  cap_run_cmd->add_option("--line", cap_line, "The budget line")->required();
  cap_run_cmd->add_option("--total", cap_total, "The total T for the line, e.g. 3000000.00")->required();
  cap_run_cmd->add_option("--weights", cap_weights, "Weights version (entry seq); default the latest");
  cap_run_cmd->add_option("--extract", cap_extract, "Lists extract date; default the latest");
  cap_run_cmd->add_option("--indices", cap_indices, "Indices version (entry seq); default the latest");
  cap_run_cmd->add_flag("--dry-run", cap_dry_run, "Compute and show everything; post nothing");
  key_option(cap_run_cmd);
  cap_run_cmd->callback([&] {
    std::optional<Connection> connection = MakeConnection(options);
    if (!connection) {
      exit_code = kExitUsage;
      return;
    }
    // The run this one revises: the latest for the year and line, if any.
    std::uint64_t revises = 0;
    std::optional<v1::RunAllocation> retried;
    {
      LedgerClient client(*connection);
      v1::GetAllocationRequest latest;
      latest.set_year(cap_year);
      latest.set_budget_line(cap_line);
      v1::GetAllocationResponse response;
      grpc::Status status = client.GetAllocation(latest, response);
      if (status.ok()) {
        revises = response.allocation().run_seq();
      } else if (status.error_code() != grpc::StatusCode::NOT_FOUND) {
        exit_code = Fail(options, status, "");
        return;
      }
      // A retry with the key of the run now in force (its reply was lost): send what that run
      // recorded for the run it revised and the inputs it used (unless named here), so that the same
      // command comes back from the server as the original result, and a different command with the
      // same key is refused as IDEMPOTENCY_KEY_REUSED.
      if (revises != 0 && !options.key.empty() && !cap_dry_run) {
        v1::GetEntryRequest which;
        which.set_seq(revises);
        v1::GetEntryResponse entry;
        if (client.GetEntry(which, entry).ok() &&
            entry.entry().entry().idempotency_key() == options.key &&
            entry.entry().entry().command().has_run_allocation()) {
          retried = entry.entry().entry().command().run_allocation();
        }
      }
    }
    v1::SubmitRequest request;
    request.set_dry_run(true);
    v1::CommandRequest* one = request.add_commands();
    one->set_idempotency_key(options.key.empty() ? NewKey() : options.key);
    v1::RunAllocation* run = one->mutable_command()->mutable_run_allocation();
    SetPeriod(*run->mutable_period(), cap_year, cap_month);
    run->set_budget_line(cap_line);
    run->mutable_total()->set_value(cap_total);
    run->set_weights_seq(cap_weights);
    run->set_extract_date(cap_extract);
    run->set_indices_seq(cap_indices);
    run->set_revises_seq(revises);
    if (retried) {
      run->set_revises_seq(retried->revises_seq());
      if (cap_weights == 0) run->set_weights_seq(retried->weights_seq());
      if (cap_extract.empty()) run->set_extract_date(retried->extract_date());
      if (cap_indices == 0) run->set_indices_seq(retried->indices_seq());
      request.set_dry_run(false);
    } else if (!cap_dry_run) {
      // A dry run first names the inputs "latest" stands for; the run is then sent with them, so that
      // its journal entry says which weights, extract and indices it used. If the dry run fails,
      // nothing is sent.
      LedgerClient client(*connection);
      v1::SubmitResponse preview;
      std::string error_code;
      grpc::Status status = client.Submit(request, preview, &error_code);
      if (!status.ok()) {
        exit_code = Fail(options, status, error_code, {one->idempotency_key()});
        std::cerr << "lcp: nothing was posted\n";
        return;
      }
      if (preview.results_size() == 1 && preview.results(0).has_accepted() &&
          !preview.results(0).accepted().duplicate()) {
        const v1::AllocationView& used = preview.results(0).accepted().allocation();
        run->set_weights_seq(used.weights_seq());
        run->set_extract_date(used.extract_date());
        run->set_indices_seq(used.indices_seq());
      }
      request.set_dry_run(false);
    }
    exit_code = SubmitAndPrint(options, request);
  });

  CLI::App* cap_show_cmd = capitation->add_subcommand(
      "show", "Show a capitation run; with --practice (always, for a practice), how its budget was reached");
  cap_show_cmd->add_option("--year", cap_year, "The year, e.g. 2026/27");
  cap_show_cmd->add_option("--line", cap_line, "The budget line");
  cap_show_cmd->add_option("--run", cap_run, "A particular run (entry seq); default the latest");
  cap_show_cmd->add_option("--practice", cap_practice, "Only this practice, step by step");
  cap_show_cmd->callback([&] {
    if (cap_run == 0 && (cap_year.empty() || cap_line.empty())) {
      std::cerr << "lcp: give --year and --line (the latest run), or --run SEQ\n";
      exit_code = kExitUsage;
      return;
    }
    std::optional<Connection> connection = MakeConnection(options);
    if (!connection) {
      exit_code = kExitUsage;
      return;
    }
    LedgerClient client(*connection);
    v1::GetAllocationRequest request;
    request.set_year(cap_year);
    request.set_budget_line(cap_line);
    request.set_run_seq(cap_run);
    request.set_ods_code(cap_practice);
    v1::GetAllocationResponse response;
    grpc::Status status = client.GetAllocation(request, response);
    if (!status.ok()) {
      exit_code = Fail(options, status, "");
      return;
    }
    if (options.format() == Format::kJson) {
      std::cout << ToJson(response) << "\n";
      return;
    }
    std::cout << AllocationTable(response.allocation());
    if (response.allocation().rows_size() == 1 && response.allocation().rows(0).bands_size() > 0) {
      std::cout << "\n" << AllocationExplanation(response.allocation());
    }
  });

  // balances
  std::vector<std::string> accounts;
  std::string prefix;
  std::uint64_t as_of = 0;
  CLI::App* balances = app.add_subcommand("balances", "Account balances per financial year");
  balances->add_option("--account", accounts, "An exact account (repeatable)");
  balances->add_option("--prefix", prefix, "Every account starting with this, e.g. practice:A81001:");
  balances->add_option("--year", year, "Only this financial year");
  balances->add_option("--as-of", as_of, "As of this entry (default: the head)");
  balances->callback([&] {
    v1::GetBalancesRequest request;
    for (const std::string& account : accounts) request.add_accounts(account);
    request.set_account_prefix(prefix);
    request.set_year(year);
    request.set_as_of_seq(as_of);
    std::optional<Connection> connection = MakeConnection(options);
    if (!connection) {
      exit_code = kExitUsage;
      return;
    }
    LedgerClient client(*connection);
    v1::GetBalancesResponse response;
    grpc::Status status = client.GetBalances(request, response);
    if (!status.ok()) {
      exit_code = Fail(options, status, "");
      return;
    }
    std::cout << (options.format() == Format::kJson ? ToJson(response) + "\n"
                                                    : BalancesTable(response));
  });

  // entries [--follow], entry SEQ
  std::uint64_t from = 1;
  std::uint32_t limit = 100;
  bool follow = false;
  CLI::App* entries = app.add_subcommand("entries", "List journal entries");
  entries->add_option("--from", from, "First entry to show")->capture_default_str();
  entries->add_option("--limit", limit, "At most this many (without --follow)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  entries->add_flag("--follow", follow, "Keep showing new entries as they are recorded");
  entries->callback([&] {
    std::optional<Connection> connection = MakeConnection(options);
    if (!connection) {
      exit_code = kExitUsage;
      return;
    }
    LedgerClient client(*connection);
    auto print = [&](const v1::EntryView& view) {
      std::cout << (options.format() == Format::kJson ? ToJson(view) + "\n" : EntryLine(view))
                << std::flush;
    };
    grpc::Status status;
    if (follow) {
      v1::StreamEntriesRequest request;
      request.set_from_seq(from);
      request.set_follow(true);
      status = client.StreamEntries(request, [&](const v1::StreamEntriesResponse& response) {
        print(response.entry());
      });
    } else {
      v1::ListEntriesRequest request;
      request.set_from_seq(from);
      request.set_page_size(limit);
      v1::ListEntriesResponse response;
      status = client.ListEntries(request, response);
      if (status.ok()) {
        for (const v1::EntryView& view : response.entries()) print(view);
      }
    }
    if (!status.ok()) exit_code = Fail(options, status, "");
  });
  CLI::App* entry = app.add_subcommand("entry", "Show one journal entry in full");
  entry->add_option("seq", seq, "Its sequence number")->required();
  entry->callback([&] {
    std::optional<Connection> connection = MakeConnection(options);
    if (!connection) {
      exit_code = kExitUsage;
      return;
    }
    LedgerClient client(*connection);
    v1::GetEntryRequest request;
    request.set_seq(seq);
    v1::GetEntryResponse response;
    grpc::Status status = client.GetEntry(request, response);
    if (!status.ok()) {
      exit_code = Fail(options, status, "");
      return;
    }
    std::cout << (options.format() == Format::kJson ? ToJson(response) + "\n"
                                                    : EntryDetail(response.entry()));
  });

  // head
  CLI::App* head = app.add_subcommand("head", "Show the chain head: last entry and its hash");
  head->callback([&] {
    std::optional<Connection> connection = MakeConnection(options);
    if (!connection) {
      exit_code = kExitUsage;
      return;
    }
    LedgerClient client(*connection);
    v1::GetHeadResponse response;
    grpc::Status status = client.GetHead(response);
    if (!status.ok()) {
      exit_code = Fail(options, status, "");
      return;
    }
    std::cout << (options.format() == Format::kJson ? ToJson(response) + "\n"
                                                    : HeadTable(response));
  });

  // contract add|approve|vary|pay|close|show|list
  CLI::App* contract = app.add_subcommand("contract", "Make-or-buy contracts")->require_subcommand(1);
  std::string contract_id, c_provider, c_mode, c_line, c_start_year, c_start_month, c_end_year,
      c_end_month, c_type, c_value, c_price, c_ceiling, c_attribution, c_description, c_status;
  std::int64_t c_volume = -1;
  CLI::App* contract_add = contract->add_subcommand("add", "Register a contract (as a DRAFT that you propose)");
  contract_add->add_option("id", contract_id, "Contract id, e.g. C-2026-001")->required();
  contract_add->add_option("--provider", c_provider, "Provider code, e.g. RX1")->required();
  contract_add->add_option("--mode", c_mode, "make or buy")->required();
  contract_add->add_option("--line", c_line, "Budget line, e.g. COMMUNITY")->required();
  contract_add->add_option("--start-year", c_start_year, "First month's year, e.g. 2026/27")->required();
  contract_add->add_option("--start-month", c_start_month, "First month, M01 to M12")->required();
  contract_add->add_option("--end-year", c_end_year, "Last month's year (default: the start year)");
  contract_add->add_option("--end-month", c_end_month, "Last month (default M12)");
  contract_add->add_option("--type", c_type, "block, cost_per_case or cost_and_volume")->required();
  contract_add->add_option("--value", c_value, "Annual value (BLOCK) or block value (COST_AND_VOLUME)");
  contract_add->add_option("--price", c_price, "Price per case (COST_PER_CASE), or above the volume");
  contract_add->add_option("--volume", c_volume, "Cases a year: planned, or paid for by the block");
  contract_add->add_option("--ceiling", c_ceiling, "Annual ceiling on payments (not for BLOCK)");
  contract_add->add_option("--attribution", c_attribution, "activity or capitation")->required();
  contract_add->add_option("--description", c_description, "What the service is")->required();
  key_option(contract_add);
  auto fill_terms = [&](v1::ContractTerms& terms) {
    if (!c_value.empty()) terms.mutable_annual_value()->set_value(c_value);
    if (!c_price.empty()) terms.mutable_price()->set_value(c_price);
    if (c_volume >= 0) terms.set_annual_volume(c_volume);
    if (!c_ceiling.empty()) terms.mutable_annual_ceiling()->set_value(c_ceiling);
  };
  contract_add->callback([&] {
    v1::Command command;
    v1::RegisterContract* c = command.mutable_register_contract();
    v1::ContractMode mode;
    v1::ContractType type;
    v1::Attribution attribution;
    if (!ParseEnum(c_mode, "CONTRACT_MODE_", &v1::ContractMode_Parse, mode) ||
        !ParseEnum(c_type, "CONTRACT_TYPE_", &v1::ContractType_Parse, type) ||
        !ParseEnum(c_attribution, "ATTRIBUTION_", &v1::Attribution_Parse, attribution)) {
      std::cerr << "lcp: --mode is make or buy; --type block, cost_per_case or cost_and_volume; "
                   "--attribution activity or capitation\n";
      exit_code = kExitUsage;
      return;
    }
    c->set_contract_id(contract_id);
    c->set_provider_code(c_provider);
    c->set_mode(mode);
    c->set_budget_line(c_line);
    SetPeriod(*c->mutable_start(), c_start_year, c_start_month);
    SetPeriod(*c->mutable_end(), c_end_year.empty() ? c_start_year : c_end_year,
              c_end_month.empty() ? "M12" : c_end_month);
    c->mutable_terms()->set_type(type);
    fill_terms(*c->mutable_terms());
    c->set_attribution(attribution);
    c->set_description(c_description);
    exit_code = SubmitOne(options, command);
  });

  std::uint64_t variation = 0;
  CLI::App* contract_approve = contract->add_subcommand(
      "approve", "Approve a DRAFT contract, or with --variation a pending variation; commits its value");
  contract_approve->add_option("id", contract_id, "Contract id")->required();
  contract_approve->add_option("--year", year, "Year the commitments go into, e.g. 2026/27")->required();
  contract_approve->add_option("--month", month, "Month the commitments go into")->required();
  contract_approve->add_option("--variation", variation, "The entry of the variation to approve");
  key_option(contract_approve);
  contract_approve->callback([&] {
    v1::Command command;
    command.mutable_approve_contract()->set_contract_id(contract_id);
    command.mutable_approve_contract()->set_variation_seq(variation);
    SetPeriod(*command.mutable_approve_contract()->mutable_period(), year, month);
    exit_code = SubmitOne(options, command);
  });

  CLI::App* contract_vary = contract->add_subcommand(
      "vary", "Propose a variation: new value, price, volume or ceiling (others stay as they are)");
  contract_vary->add_option("id", contract_id, "Contract id")->required();
  contract_vary->add_option("--value", c_value, "New annual or block value");
  contract_vary->add_option("--price", c_price, "New price per case");
  contract_vary->add_option("--volume", c_volume, "New annual volume");
  contract_vary->add_option("--ceiling", c_ceiling, "New annual ceiling");
  contract_vary->add_option("--reason", reason, "Why")->required();
  key_option(contract_vary);
  contract_vary->callback([&] {
    // The variation carries the whole terms: those in force, with the options given changed.
    v1::GetContractRequest get;
    get.set_contract_id(contract_id);
    std::optional<Connection> connection = MakeConnection(options);
    if (!connection) {
      exit_code = kExitUsage;
      return;
    }
    v1::GetContractResponse current;
    grpc::Status status = LedgerClient(*connection).GetContract(get, current);
    if (!status.ok()) {
      exit_code = Fail(options, status, "");
      return;
    }
    v1::Command command;
    v1::VaryContract* vary = command.mutable_vary_contract();
    vary->set_contract_id(contract_id);
    *vary->mutable_terms() = current.contract().terms();
    if (vary->terms().type() == v1::CONTRACT_TYPE_BLOCK) vary->mutable_terms()->clear_annual_ceiling();
    if (vary->terms().type() == v1::CONTRACT_TYPE_COST_PER_CASE) vary->mutable_terms()->clear_annual_value();
    fill_terms(*vary->mutable_terms());
    vary->set_reason(reason);
    exit_code = SubmitOne(options, command);
  });

  std::string amount, invoice;
  std::int64_t activity = 0;
  std::vector<std::string> practice_parts;
  CLI::App* contract_pay = contract->add_subcommand(
      "pay", "Post a payment (the invoice reference is the idempotency key: a retry never pays twice)");
  contract_pay->add_option("id", contract_id, "Contract id")->required();
  contract_pay->add_option("--year", year, "Year, e.g. 2026/27")->required();
  contract_pay->add_option("--month", month, "Month, M01 to M12")->required();
  contract_pay->add_option("--amount", amount, "Amount, e.g. 12500.00")->required();
  contract_pay->add_option("--invoice", invoice, "The provider's invoice reference")->required();
  contract_pay->add_option("--activity", activity, "Cases the invoice pays for");
  contract_pay->add_option("--practice", practice_parts,
                           "For ACTIVITY contracts: ODS=AMOUNT, repeated, summing to the amount");
  contract_pay->callback([&] {
    v1::Command command;
    v1::PostPayment* payment = command.mutable_post_payment();
    payment->set_contract_id(contract_id);
    SetPeriod(*payment->mutable_period(), year, month);
    payment->mutable_amount()->set_value(CanonicalAmount(amount));
    if (!IsPrintableAsciiToken(invoice, kInvoiceReferenceLengthMax)) {
      std::cerr << "lcp: --invoice must be 1 to " << kInvoiceReferenceLengthMax
                << " printable characters without spaces\n";
      exit_code = kExitUsage;
      return;
    }
    payment->set_invoice_reference(invoice);
    payment->set_activity_count(activity);
    for (const std::string& part : practice_parts) {
      const std::size_t equals = part.find('=');
      if (equals == std::string::npos || equals == 0) {
        std::cerr << "lcp: --practice " << part << " must be ODS=AMOUNT, e.g. A81001=120.00\n";
        exit_code = kExitUsage;
        return;
      }
      v1::PracticeAmount* line = payment->add_practice_amounts();
      std::string practice_code = part.substr(0, equals);
      for (char& c : practice_code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      line->set_ods_code(practice_code);
      line->mutable_amount()->set_value(CanonicalAmount(part.substr(equals + 1)));
    }
    Options keyed = options;
    keyed.key = InvoiceKey(*payment);
    exit_code = SubmitOne(keyed, command);
  });

  CLI::App* contract_close = contract->add_subcommand("close", "Close a contract, releasing its commitment");
  contract_close->add_option("id", contract_id, "Contract id")->required();
  contract_close->add_option("--year", year, "Year the releases go into")->required();
  contract_close->add_option("--month", month, "Month the releases go into")->required();
  contract_close->add_option("--reason", reason, "Why")->required();
  key_option(contract_close);
  contract_close->callback([&] {
    v1::Command command;
    command.mutable_close_contract()->set_contract_id(contract_id);
    SetPeriod(*command.mutable_close_contract()->mutable_period(), year, month);
    command.mutable_close_contract()->set_reason(reason);
    exit_code = SubmitOne(options, command);
  });

  CLI::App* contract_show = contract->add_subcommand("show", "Show a contract: terms, approvals, figures by year");
  contract_show->add_option("id", contract_id, "Contract id")->required();
  contract_show->callback([&] {
    v1::GetContractRequest request;
    request.set_contract_id(contract_id);
    exit_code = Query<v1::GetContractResponse>(
        options, [&](LedgerClient& client, auto& response) { return client.GetContract(request, response); },
        [](const auto& response) { return ContractDetail(response.contract()); });
  });

  CLI::App* contract_list = contract->add_subcommand("list", "List contracts");
  contract_list->add_option("--provider", c_provider, "Only this provider's");
  contract_list->add_option("--line", c_line, "Only this budget line's");
  contract_list->add_option("--mode", c_mode, "make or buy");
  contract_list->add_option("--status", c_status, "draft, approved, active or closed");
  contract_list->callback([&] {
    v1::ListContractsRequest request;
    request.set_provider_code(c_provider);
    request.set_budget_line(c_line);
    v1::ContractMode mode = v1::CONTRACT_MODE_UNSPECIFIED;
    v1::ContractStatus status = v1::CONTRACT_STATUS_UNSPECIFIED;
    if ((!c_mode.empty() && !ParseEnum(c_mode, "CONTRACT_MODE_", &v1::ContractMode_Parse, mode)) ||
        (!c_status.empty() && !ParseEnum(c_status, "CONTRACT_STATUS_", &v1::ContractStatus_Parse, status))) {
      std::cerr << "lcp: --mode is make or buy; --status draft, approved, active or closed\n";
      exit_code = kExitUsage;
      return;
    }
    request.set_mode(mode);
    request.set_status(status);
    exit_code = Query<v1::ListContractsResponse>(
        options, [&](LedgerClient& client, auto& response) { return client.ListContracts(request, response); },
        [](const auto& response) { return ContractsTable(response); });
  });

  // interest declare|list
  CLI::App* interest = app.add_subcommand("interest", "Declared interests in contracts and providers")
                           ->require_subcommand(1);
  std::string i_practice, i_clinician, i_contract, i_provider, i_description;
  CLI::App* interest_declare = interest->add_subcommand(
      "declare", "Declare a practice's (or a clinician's) interest in a contract or a provider");
  interest_declare->add_option("--practice", i_practice, "The member practice's ODS code")->required();
  interest_declare->add_option("--clinician", i_clinician, "The clinician, if the interest is one person's");
  CLI::Option* on_contract = interest_declare->add_option("--contract", i_contract, "The contract id");
  CLI::Option* on_provider = interest_declare->add_option("--provider", i_provider, "The provider code");
  on_contract->excludes(on_provider);
  interest_declare->add_option("--description", i_description, "What the interest is")->required();
  key_option(interest_declare);
  interest_declare->callback([&] {
    v1::Command command;
    v1::DeclareInterest* declare = command.mutable_declare_interest();
    declare->set_ods_code(i_practice);
    declare->set_clinician(i_clinician);
    if (!i_contract.empty()) declare->set_contract_id(i_contract);
    if (!i_provider.empty()) declare->set_provider_code(i_provider);
    declare->set_description(i_description);
    exit_code = SubmitOne(options, command);
  });
  CLI::App* interest_list = interest->add_subcommand("list", "List declared interests");
  interest_list->add_option("--practice", i_practice, "Only this practice's");
  interest_list->add_option("--contract", i_contract, "Only those in this contract or its provider");
  interest_list->add_option("--provider", i_provider, "Only those in this provider");
  interest_list->callback([&] {
    v1::ListInterestsRequest request;
    request.set_ods_code(i_practice);
    request.set_contract_id(i_contract);
    request.set_provider_code(i_provider);
    exit_code = Query<v1::ListInterestsResponse>(
        options, [&](LedgerClient& client, auto& response) { return client.ListInterests(request, response); },
        [](const auto& response) { return InterestsTable(response); });
  });

  // statement
  std::string s_practice, s_year, s_month;
  CLI::App* statement = app.add_subcommand(
      "statement", "Budget, commitments, actual spend, forecast outturn and variance per line");
  statement->add_option("--practice", s_practice, "One practice (a practice principal: its own)");
  statement->add_option("--year", s_year, "The year (default: the latest open year)");
  statement->add_option("--month", s_month, "As of this month end, e.g. M06 (default: now)");
  statement->callback([&] {
    v1::GetStatementRequest request;
    request.set_ods_code(s_practice);
    request.set_year(s_year);
    request.set_month(s_month);
    exit_code = Query<v1::GetStatementResponse>(
        options, [&](LedgerClient& client, auto& response) { return client.GetStatement(request, response); },
        [](const auto& response) { return StatementTable(response); });
  });

  // payments import
  CLI::App* payments = app.add_subcommand("payments", "Contract payments in bulk")->require_subcommand(1);
  std::size_t batch_size = 500;
  CLI::App* payments_import = payments->add_subcommand(
      "import", "Post a month's invoices from a CSV file; safe to run again (posted invoices are skipped)");
  payments_import->add_option("file", file, "The CSV file (README \"Payments file\")")->required();
  payments_import->add_option("--year", year, "Year, e.g. 2026/27")->required();
  payments_import->add_option("--month", month, "Month, M01 to M12")->required();
  payments_import->add_option("--batch", batch_size, "Invoices per call")
      ->check(CLI::Range(1, 8192))
      ->capture_default_str();
  payments_import->callback([&] { exit_code = ImportPayments(options, file, year, month, batch_size); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : kExitUsage;
  }
  return exit_code;
}

}  // namespace lcp::client

int main(int argc, char** argv) { return lcp::client::Main(argc, argv); }

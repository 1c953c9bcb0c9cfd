#include "clients/lcp/cli.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace lcp::client {
namespace {

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

// The whole of a small file, or nullopt.
std::optional<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

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
         const std::vector<std::string>& keys) {
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

SubmitFunction SubmitThrough(LedgerClient& client) {
  return
      [&client](const v1::SubmitRequest& request, v1::SubmitResponse& response,
                std::string* error_code) { return client.Submit(request, response, error_code); };
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

void AddYearOption(CLI::App* command, std::string& year, const std::string& what) {
  command->add_option("--year", year, what + ", e.g. 2026/27")->required();
}

void AddYearInProgressOption(CLI::App* command, std::string& year) {
  command->add_option("--year", year, "The year, e.g. 2026/27 (default: the year in progress)");
}

void AddMonthEndOption(CLI::App* command, std::string& month) {
  command->add_option("--month", month,
                      "As the books stood at the end of this month's last day, M01 (April) to M12 "
                      "(March) of the year (default: now)");
}

void AddPeriodOptions(CLI::App* command, std::string& year, std::string& month,
                      const std::string& what) {
  command->add_option("--year", year, "The year " + what + ", e.g. 2026/27")->required();
  command->add_option("--month", month, "The month " + what + ", M01 (April) to M12 (March)")
      ->required();
}

void AddKeyOption(CLI::App* command, Options& options) {
  command->add_option("--key", options.key,
                      "Idempotency key (retrying with the same key never posts twice); a new one "
                      "is generated when absent");
}

}  // namespace lcp::client

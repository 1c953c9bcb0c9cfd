// What every lcp command shares: the global options, exit codes, the connection they describe, how a
// command is submitted and a reply printed, and how a failed call is reported.
#pragma once

#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "clients/lcp/csv_import.h"
#include "clients/lcp/ledger_client.h"
#include "clients/lcp/output.h"
#include "lcp/v1/ledger_service.pb.h"

namespace lcp::client {

// Exit codes: 0 success; 1 the server refused; 2 the command line was wrong; 3 the server could not
// be reached or failed.
inline constexpr int kExitRefused = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnavailable = 3;

// The options before the command group, shared by every command.
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

// A fresh idempotency key: "lcp-" and 24 random hexadecimal digits.
std::string NewKey();

// True for failures that say nothing about the command itself: the server could not be reached, was
// busy or stopping, or failed. Such a command may or may not have been posted.
bool IsTransient(grpc::StatusCode code);

// Reports a failed call on standard error (and with --output json as a JSON object on standard
// output); returns the exit code: 1 for a refusal, 3 for anything else.
int Fail(const Options& options, const grpc::Status& status, const std::string& error_code,
         const std::vector<std::string>& keys = {});

// The connection the options describe, or nullopt after saying on standard error what is wrong.
std::optional<Connection> MakeConnection(const Options& options);

// Sends one SubmitRequest and fills its response (and, when the call fails, the error code): a
// LedgerClient's Submit, or in a test a wrapper around one. The multi-step flows (a lists file, a
// payments file) send through one, so that a test can watch each batch or fail one.
using SubmitFunction = std::function<grpc::Status(const v1::SubmitRequest&, v1::SubmitResponse&,
                                                  std::string* error_code)>;

// `client`'s Submit as a SubmitFunction; `client` must outlive it.
SubmitFunction SubmitThrough(LedgerClient& client);

// Submits the request (every command without a key gets a fresh one) and prints the reply; returns the
// exit code.
int SubmitAndPrint(const Options& options, v1::SubmitRequest& request);
// The same for one command, with --key as its key when given.
int SubmitOne(const Options& options, v1::Command command);

// Adds --key to a command that posts.
void AddKeyOption(CLI::App* command, Options& options);

// --year and --month, declared here for every command so that each says the same. A required
// --year: `what` is what the year is ("The year", "The year the commitments go into"), to which the
// help adds the form, e.g. 2026/27.
void AddYearOption(CLI::App* command, std::string& year, const std::string& what = "The year");
// An optional --year: the year in progress (the one with the next month to close) when not given.
void AddYearInProgressOption(CLI::App* command, std::string& year);
// --month M06 for a read as of a month end: the books as they stood at the end of its last day.
void AddMonthEndOption(CLI::App* command, std::string& month);
// --year and --month, both required: the period a command posts into; `what` says what goes into it
// ("to post into", "the commitments go into").
void AddPeriodOptions(CLI::App* command, std::string& year, std::string& month,
                      const std::string& what = "to post into");

// A period from --year and --month.
void SetPeriod(v1::Period& period, const std::string& year, const std::string& month);

// Makes a connection, calls the server with `call(client, response)`, and prints the response as
// JSON or with `table`. Returns the exit code.
template <typename Response, typename Call, typename Table>
int Query(const Options& options, Call call, Table table) {
  std::optional<Connection> connection = MakeConnection(options);
  if (!connection) return kExitUsage;
  LedgerClient client(*connection);
  Response response;
  grpc::Status status = call(client, response);
  if (!status.ok()) return Fail(options, status, client.last_error_code());
  std::cout << (options.format() == Format::kJson ? ToJson(response) + "\n" : table(response));
  return 0;
}

// Parses an enum value given without its prefix and in any case ("buy" for CONTRACT_MODE_BUY).
template <typename Enum>
bool ParseEnum(std::string text, const std::string& prefix,
               bool (*parse)(google::protobuf::ConstStringParam, Enum*), Enum& value) {
  return parse(prefix + Upper(std::move(text)), &value) && static_cast<int>(value) != 0;
}

}  // namespace lcp::client

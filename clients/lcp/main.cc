// lcp: the command-line client for finance officers and practices.
//
//   lcp [--server ADDR] [--output table|json] [--token-file FILE] [--ca-cert FILE]
//       [--client-cert FILE --client-key FILE] [--as NAME] GROUP VERB ...
//
// This file holds the global options, the wiring of the command groups and the exit code. Each
// group is in its own file: practice_commands.cc (practice, provider), journal_commands.cc (year
// open, journal, submit; balances, entries, entry, head), capitation_commands.cc,
// contract_commands.cc (contract, interest, statement, payments), risk_commands.cc (agreement,
// month, year settle, share), budget_commands.cc (budget, membership) and export_command.cc; what
// every command shares is in cli.h.
//
// The token (--token-file, or the token itself in LCP_TOKEN) is sent only over TLS; --ca-cert (or
// LCP_CA_CERT) names the CA that signed the server's certificate.
//
// Exit codes: 0 success; 1 the server refused a command (its message is printed); 2 the command
// line was wrong; 3 the server could not be reached or failed.
#include <grpc/grpc.h>
#include <grpc/support/log.h>

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "clients/lcp/budget_commands.h"
#include "clients/lcp/capitation_commands.h"
#include "clients/lcp/case_commands.h"
#include "clients/lcp/cli.h"
#include "clients/lcp/contract_commands.h"
#include "clients/lcp/export_command.h"
#include "clients/lcp/journal_commands.h"
#include "clients/lcp/practice_commands.h"
#include "clients/lcp/risk_commands.h"

namespace lcp::client {
namespace {

// The options before the command group.
void AddGlobalOptions(CLI::App& app, Options& options) {
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
  app.add_option(
         "--ca-cert", options.ca_cert,
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
}

}  // namespace

int Main(int argc, char** argv) {
  // gRPC's own log lines (a failed TLS handshake, say) repeat, less clearly, what lcp reports
  // itself; LCP_GRPC_LOG=1 keeps them for debugging.
  if (std::getenv("LCP_GRPC_LOG") == nullptr) gpr_set_log_function([](gpr_log_func_args*) {});
  Options options;
  CLI::App app{"lcp: post to and query an lcpledger server"};
  app.require_subcommand(1);
  AddGlobalOptions(app, options);
  // The callback of the command given sets the exit code. The groups are added in the order
  // `lcp --help` lists them; the risk commands add `year settle` to the year group, so come after
  // it.
  int exit_code = 0;
  AddPracticeCommands(app, options, exit_code);
  AddJournalCommands(app, options, exit_code);
  AddCapitationCommands(app, options, exit_code);
  AddJournalViewCommands(app, options, exit_code);
  AddContractCommands(app, options, exit_code);
  AddRiskCommands(app, options, exit_code);
  AddBudgetCommands(app, options, exit_code);
  AddCaseCommands(app, options, exit_code);
  AddExportCommand(app, options, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : kExitUsage;
  }
  return exit_code;
}

}  // namespace lcp::client

// gRPC is started before anything else and shut down, waiting for it, before the process exits.
// Otherwise the release of the last channel starts gRPC's clean-up on a thread of its own ("which
// can happen in another thread", grpc.h), racing the exit and the checks that run at exit: under
// AddressSanitizer, what that thread still holds at the leak check, or frees after it, makes lcp
// exit 1 after it has printed its answer, more often the busier the machine.
int main(int argc, char** argv) {
  grpc_init();
  const int exit_code = lcp::client::Main(argc, argv);
  grpc_shutdown_blocking();
  return exit_code;
}

// lcp: the command-line client for finance officers and practices.
//
//   lcp [--server ADDR] [--output table|json] [--token-file FILE] [--ca-cert FILE]
//       [--client-cert FILE --client-key FILE] [--as NAME] GROUP VERB ...
//
// The contract groups (contract, interest, statement, payments) are in contract_commands.cc; what
// every command shares is in cli.h.
//
// The token (--token-file, or the token itself in LCP_TOKEN) is sent only over TLS; --ca-cert (or
// LCP_CA_CERT) names the CA that signed the server's certificate.
//
// Exit codes: 0 success; 1 the server refused a command (its message is printed); 2 the command line
// was wrong; 3 the server could not be reached or failed.
#include <google/protobuf/util/json_util.h>
#include <grpc/support/log.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <sstream>

#include "clients/lcp/cli.h"
#include "clients/lcp/contract_commands.h"
#include "clients/lcp/export_command.h"
#include "clients/lcp/risk_commands.h"
#include "clients/lcp/csv_import.h"
#include "clients/lcp/output.h"

namespace lcp::client {

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
  auto key_option = [&](CLI::App* command) { AddKeyOption(command, options); };

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
    if (!ParseEnum(kind_text, "PROVIDER_KIND_", &v1::ProviderKind_Parse, kind)) {
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
  std::uint64_t corrects = 0;
  journal_post->add_option("--corrects", corrects,
                           "The entry this journal corrects (one of a closed month, say)");
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
    post->set_corrects_seq(corrects);
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

  AddContractCommands(app, options, exit_code);
  AddRiskCommands(app, options, exit_code);
  AddExportCommand(app, options, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : kExitUsage;
  }
  return exit_code;
}

}  // namespace lcp::client

int main(int argc, char** argv) { return lcp::client::Main(argc, argv); }

#include "clients/lcp/capitation_commands.h"

#include <cassert>
#include <fstream>
#include <memory>
#include <optional>
#include <set>

namespace lcp::client {
namespace {

// What the commands' options are read into; shared by the callbacks, so it lives as long as they
// do.
struct Arguments {
  std::string file;
  std::string year;
  std::string line;
  std::string practice;
  std::uint64_t run_seq = 0;
  bool indicative = false;  // --indicative
  bool final = false;       // --final
  RunArguments run;
};

// Reports CSV problems, one per line, and says nothing was recorded; returns the exit code.
int ReportProblems(const std::string& file, const std::vector<CsvProblem>& problems) {
  for (const CsvProblem& problem : problems) {
    std::cerr << "lcp: " << file << (problem.line == 0 ? "" : ":" + std::to_string(problem.line))
              << ": " << problem.message << "\n";
  }
  std::cerr << "lcp: nothing was recorded; correct " << file << " and run it again\n";
  return kExitUsage;
}

// Opens `file`, or says it cannot be read.
bool OpenFile(const std::string& file, std::ifstream& in) {
  in.open(file, std::ios::binary);
  if (!in) {
    std::cerr << "lcp: cannot read " << file << "\n";
    return false;
  }
  return true;
}

// capitation weights: one SetBandWeights from a band,weight file.
int SetWeights(const Options& options, const Arguments& a) {
  std::ifstream in;
  if (!OpenFile(a.file, in)) return kExitUsage;
  std::vector<CsvProblem> problems;
  std::vector<v1::BandWeight> weights = ParseWeights(in, problems);
  if (!problems.empty()) return ReportProblems(a.file, problems);
  v1::Command command;
  command.mutable_set_band_weights()->set_year(a.year);
  command.mutable_set_band_weights()->set_budget_line(a.line);
  for (v1::BandWeight& weight : weights) {
    *command.mutable_set_band_weights()->add_weights() = std::move(weight);
  }
  return SubmitOne(options, command);
}

// capitation indices: one SetPracticeIndices from an indices file.
int SetIndices(const Options& options, const Arguments& a) {
  std::ifstream in;
  if (!OpenFile(a.file, in)) return kExitUsage;
  std::vector<CsvProblem> problems;
  std::vector<v1::PracticeIndex> indices = ParseIndices(in, problems);
  if (!problems.empty()) return ReportProblems(a.file, problems);
  v1::Command command;
  command.mutable_set_practice_indices()->set_year(a.year);
  for (v1::PracticeIndex& index : indices) {
    *command.mutable_set_practice_indices()->add_practices() = std::move(index);
  }
  return SubmitOne(options, command);
}

// What a lists file held besides the lists recorded: rows skipped and members without rows.
void PrintListsSummary(const ListsFile& lists, const ListsRecorded& result,
                       const std::set<std::string>& members) {
  std::cout << "extract " << lists.extract_date << ": read " << lists.rows
            << " rows; recorded the lists of " << result.recorded << " member practices";
  if (result.already > 0) std::cout << " (" << result.already << " more were recorded already)";
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
  std::vector<std::string> missing;
  for (const std::string& member : members) {
    if (!lists.lists.contains(member)) missing.push_back(member);
  }
  if (!missing.empty()) {
    std::cout << "no rows for " << missing.size() << " member practice(s):";
    for (const std::string& member : missing) std::cout << " " << member;
    std::cout << " (an allocation on this extract will be refused until they have lists)\n";
  }
}

// capitation lists: the members' lists from NHS Digital's file, in batches.
int RecordListsFile(const Options& options, const std::string& file) {
  std::ifstream in;
  if (!OpenFile(file, in)) return kExitUsage;
  std::optional<Connection> connection = MakeConnection(options);
  if (!connection) return kExitUsage;
  LedgerClient client(*connection);
  v1::ListPracticesResponse practices;
  grpc::Status status = client.ListPractices(practices);
  if (!status.ok()) return Fail(options, status, client.last_error_code());
  std::set<std::string> members;
  for (const v1::PracticeView& member : practices.practices()) members.insert(member.ods_code());
  ListsFile lists = ParseNhsLists(in, members);
  if (!lists.problems.empty()) return ReportProblems(file, lists.problems);
  const ListsRecorded result = RecordLists(lists, SubmitThrough(client));
  if (!result.status.ok()) {
    const int exit_code = Fail(options, result.status, result.error_code);
    std::cerr << "lcp: " << result.recorded + result.already << " lists were recorded before this"
              << (exit_code == kExitUnavailable
                      ? "; running the file again is safe: nothing is recorded twice\n"
                      : "; the list above was not\n");
    return exit_code;
  }
  PrintListsSummary(lists, result, members);
  for (const std::string& refusal : result.refusals)
    std::cerr << "lcp: refused: " << refusal << "\n";
  return result.refusals.empty() ? 0 : kExitRefused;
}

// capitation run: planned (PlanCapitationRun), then sent and printed.
int Run(const Options& options, RunArguments args) {
  std::optional<Connection> connection = MakeConnection(options);
  if (!connection) return kExitUsage;
  args.key = options.key;
  LedgerClient client(*connection);
  RunPlan plan = PlanCapitationRun(client, args);
  if (!plan.status.ok()) {
    if (!plan.preview_failed) return Fail(options, plan.status, plan.error_code);
    const int exit_code =
        Fail(options, plan.status, plan.error_code, {plan.request.commands(0).idempotency_key()});
    std::cerr << "lcp: nothing was posted\n";
    return exit_code;
  }
  return SubmitAndPrint(options, plan.request);
}

// capitation show: a run, or how one practice's budget was reached.
int Show(const Options& options, const Arguments& a) {
  if (a.run_seq == 0 && (a.year.empty() || a.line.empty())) {
    std::cerr << "lcp: give --year and --line (the latest run), or --run SEQ\n";
    return kExitUsage;
  }
  std::optional<Connection> connection = MakeConnection(options);
  if (!connection) return kExitUsage;
  v1::GetAllocationRequest request;
  request.set_year(a.year);
  request.set_budget_line(a.line);
  request.set_run_seq(a.run_seq);
  request.set_ods_code(a.practice);
  v1::GetAllocationResponse response;
  LedgerClient client(*connection);
  grpc::Status status = client.GetAllocation(request, response);
  if (!status.ok()) return Fail(options, status, client.last_error_code());
  if (options.format() == Format::kJson) {
    std::cout << ToJson(response) << "\n";
    return 0;
  }
  std::cout << AllocationTable(response.allocation());
  if (response.allocation().rows_size() == 1 && response.allocation().rows(0).bands_size() > 0) {
    std::cout << "\n" << AllocationExplanation(response.allocation());
  }
  return 0;
}

}  // namespace

ListsRecorded RecordLists(const ListsFile& lists, const SubmitFunction& submit,
                          std::size_t batch_size) {
  assert(batch_size > 0);
  ListsRecorded result;
  auto it = lists.lists.begin();
  while (it != lists.lists.end()) {
    v1::SubmitRequest request;
    request.set_all_or_nothing(true);
    for (std::size_t n = 0; n < batch_size && it != lists.lists.end(); ++n, ++it) {
      v1::CommandRequest* command = request.add_commands();
      command->set_idempotency_key("list-" + lists.extract_date + "-" + it->first);
      *command->mutable_command()->mutable_record_population() = it->second;
    }
    v1::SubmitResponse response;
    result.status = submit(request, response, &result.error_code);
    if (!result.status.ok()) return result;
    for (int i = 0; i < response.results_size(); ++i) {
      const v1::CommandResult& outcome = response.results(i);
      if (outcome.has_accepted()) {
        (outcome.accepted().duplicate() ? result.already : result.recorded) += 1;
      } else if (outcome.refusal().code() != v1::ERROR_CODE_BATCH_ABORTED) {
        result.refusals.push_back(request.commands(i).command().record_population().ods_code() +
                                  ": " + v1::ErrorCode_Name(outcome.refusal().code()) + ": " +
                                  outcome.refusal().message());
      }
    }
  }
  return result;
}

RunPlan PlanCapitationRun(LedgerClient& client, const RunArguments& args) {
  RunPlan plan;
  // The run this one revises: the latest for the year and line, if any.
  std::uint64_t revises = 0;
  std::optional<v1::RunAllocation> retried;
  v1::GetAllocationRequest latest;
  latest.set_year(args.year);
  latest.set_budget_line(args.line);
  v1::GetAllocationResponse in_force;
  grpc::Status status = client.GetAllocation(latest, in_force);
  if (status.ok()) {
    revises = in_force.allocation().run_seq();
  } else if (status.error_code() != grpc::StatusCode::NOT_FOUND) {
    plan.status = status;
    plan.error_code = client.last_error_code();
    return plan;
  }
  // A retry with the key of the run now in force (its reply was lost): send what that run recorded
  // for the run it revised and the inputs it used (unless named here), so that the same command
  // comes back from the server as the original result, and a different command with the same key is
  // refused as IDEMPOTENCY_KEY_REUSED.
  if (revises != 0 && !args.key.empty() && !args.dry_run) {
    v1::GetEntryRequest which;
    which.set_seq(revises);
    v1::GetEntryResponse entry;
    if (client.GetEntry(which, entry).ok() && entry.entry().entry().idempotency_key() == args.key &&
        entry.entry().entry().command().has_run_allocation()) {
      retried = entry.entry().entry().command().run_allocation();
    }
  }
  v1::SubmitRequest& request = plan.request;
  request.set_dry_run(true);
  v1::CommandRequest* one = request.add_commands();
  one->set_idempotency_key(args.key.empty() ? NewKey() : args.key);
  v1::RunAllocation* run = one->mutable_command()->mutable_run_allocation();
  SetPeriod(*run->mutable_period(), args.year, args.month);
  run->set_budget_line(args.line);
  if (!args.total.empty()) run->mutable_total()->set_value(args.total);
  run->set_notice(args.notice);
  run->set_reason(args.reason);
  run->set_weights_seq(args.weights_seq);
  run->set_extract_date(args.extract_date);
  run->set_indices_seq(args.indices_seq);
  run->set_revises_seq(revises);
  if (retried) {
    plan.retry = true;
    run->set_revises_seq(retried->revises_seq());
    if (args.weights_seq == 0) run->set_weights_seq(retried->weights_seq());
    if (args.extract_date.empty()) run->set_extract_date(retried->extract_date());
    if (args.indices_seq == 0) run->set_indices_seq(retried->indices_seq());
    request.set_dry_run(false);
  } else if (!args.dry_run) {
    // A dry run first names the inputs "latest" stands for; the run is then sent with them, so that
    // its journal entry says which weights, extract and indices it used. If the dry run fails,
    // nothing is sent.
    v1::SubmitResponse preview;
    plan.status = client.Submit(request, preview, &plan.error_code);
    if (!plan.status.ok()) {
      plan.preview_failed = true;
      return plan;
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
  return plan;
}

void AddCapitationCommands(CLI::App& app, Options& options, int& exit_code) {
  auto args = std::make_shared<Arguments>();
  CLI::App* capitation =
      app.add_subcommand("capitation",
                         "Risk-adjusted capitation: inputs, runs, how budgets were reached")
          ->require_subcommand(1);

  CLI::App* weights = capitation->add_subcommand(
      "weights", "Set a year's band weights for a line from a CSV file (band,weight)");
  weights->add_option("file", args->file, "The CSV file")->required();
  AddYearOption(weights, args->year);
  weights->add_option("--line", args->line, "The budget line, e.g. PRESCRIBING")->required();
  AddKeyOption(weights, options);
  weights->callback([&options, &exit_code, args] { exit_code = SetWeights(options, *args); });

  CLI::App* indices = capitation->add_subcommand(
      "indices", "Set a year's needs indices and market-forces factors from a CSV file");
  indices
      ->add_option("file", args->file, "The CSV file (ods_code,needs_index,market_forces_factor)")
      ->required();
  AddYearOption(indices, args->year);
  AddKeyOption(indices, options);
  indices->callback([&options, &exit_code, args] { exit_code = SetIndices(options, *args); });

  CLI::App* lists = capitation->add_subcommand(
      "lists", "Record members' registered lists from NHS Digital's gp-reg-pat-prac-quin-age.csv");
  lists->add_option("file", args->file, "The CSV file")->required();
  lists->callback(
      [&options, &exit_code, args] { exit_code = RecordListsFile(options, args->file); });

  CLI::App* run = capitation->add_subcommand(
      "run", "Run (or with --dry-run, preview) a capitation allocation for a year and line");
  RunArguments& r = args->run;
  AddPeriodOptions(run, r.year, r.month);
  run->add_option("--line", r.line, "The budget line")->required();
  run->add_option("--total", r.total,
                  "The total T for the line, e.g. 3000000.00 (default: the confirmed total; if "
                  "given it must equal it)");
  CLI::Option* indicative = run->add_flag(
      "--indicative", args->indicative,
      "The run gives the practices an INDICATIVE budget notice: an early budget that may change");
  run->add_flag("--final", args->final,
                "The run gives the practices the FINAL budget notice (a later run revises it, "
                "FINAL too)")
      ->excludes(indicative);
  run->add_option("--reason", r.reason,
                  "Why the budgets change (required to revise a FINAL notice)");
  run->add_option("--weights", r.weights_seq, "Weights version (entry seq); default the latest");
  run->add_option("--extract", r.extract_date, "Lists extract date; default the latest");
  run->add_option("--indices", r.indices_seq, "Indices version (entry seq); default the latest");
  run->add_flag("--dry-run", r.dry_run, "Compute and show everything; post nothing");
  AddKeyOption(run, options);
  run->callback([&options, &exit_code, args] {
    if (args->indicative == args->final) {
      std::cerr << "lcp: say which notice the run gives the practices: --indicative or --final\n";
      exit_code = kExitUsage;
      return;
    }
    args->run.notice = args->final ? v1::NOTICE_KIND_FINAL : v1::NOTICE_KIND_INDICATIVE;
    exit_code = Run(options, args->run);
  });

  CLI::App* show = capitation->add_subcommand("show",
                                              "Show a capitation run; with --practice (always, for "
                                              "a practice), how its budget was reached");
  show->add_option("--year", args->year, "The year, e.g. 2026/27");
  show->add_option("--line", args->line, "The budget line");
  show->add_option("--run", args->run_seq, "A particular run (entry seq); default the latest");
  show->add_option("--practice", args->practice, "Only this practice, step by step");
  show->callback([&options, &exit_code, args] { exit_code = Show(options, *args); });
}

}  // namespace lcp::client

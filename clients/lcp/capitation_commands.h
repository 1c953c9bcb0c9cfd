// lcp's capitation commands: capitation weights|indices|lists|run|show (docs/capitation.md),
// and the two flows behind them that take more than one call: recording a lists file in batches,
// and planning a run (which inputs "latest" stands for; what a retry under the same key must
// resend).
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "clients/lcp/cli.h"
#include "clients/lcp/csv_import.h"

namespace lcp::client {

// Adds `capitation` to `app`. Its callbacks read `options` and set `exit_code`; both must outlive
// the parse.
void AddCapitationCommands(CLI::App& app, Options& options, int& exit_code);

// Lists per call when recording a lists file: each call is all or nothing.
inline constexpr std::size_t kListsPerBatchMax = 8'000;

// What recording a lists file came to.
struct ListsRecorded {
  std::size_t recorded = 0;  // Lists posted by this import.
  std::size_t already = 0;   // Lists whose key was recorded before: nothing new was posted.
  // "ODS: ERROR_CODE_...: message", one for each list the server refused, in ODS order (the rest of
  // a refused batch, aborted with it, is not listed).
  std::vector<std::string> refusals;
  // OK, or the failed call that stopped the import (the batches before it stand) and its error
  // code.
  grpc::Status status;
  std::string error_code;
};

// Records `lists.lists`, one RecordPopulation per practice keyed "list-EXTRACT-ODS" (so that
// recording the same file again posts nothing twice), in all-or-nothing batches of `batch_size`
// through `submit`. Stops at the first failed call. REQUIRES: batch_size > 0.
ListsRecorded RecordLists(const ListsFile& lists, const SubmitFunction& submit,
                          std::size_t batch_size = kListsPerBatchMax);

// The options of `capitation run`.
struct RunArguments {
  std::string year;
  std::string month;
  std::string line;
  std::string total;  // Empty: the confirmed total.
  // INDICATIVE or FINAL (--indicative or --final).
  v1::NoticeKind notice = v1::NOTICE_KIND_UNSPECIFIED;
  std::string reason;             // Why: required to revise a FINAL run.
  std::uint64_t weights_seq = 0;  // 0: the latest.
  std::string extract_date;       // Empty: the latest.
  std::uint64_t indices_seq = 0;  // 0: the latest.
  bool dry_run = false;
  std::string key;  // Empty: a fresh key.
};

// What `capitation run` sends, worked out before anything is posted.
struct RunPlan {
  // OK, or the failed call and its refusal's error code: reading the run in force (then
  // `preview_failed` is false), or the dry run that names the inputs (`preview_failed`). Nothing
  // was posted.
  grpc::Status status;
  std::string error_code;
  bool preview_failed = false;
  // The run in force was recorded under `key`: this is a retry whose reply was lost, so the request
  // resends what that run recorded (the run it revised, and the inputs not named here).
  bool retry = false;
  // The request to send: one RunAllocation under its key, revising the run in force; a dry run with
  // --dry-run, else a run naming the inputs it uses.
  v1::SubmitRequest request;
};

// Reads the run in force for the year and line and, unless this is a dry run or a retry, previews
// the run to learn which weights, extract and indices "latest" stands for, so that the run's
// journal entry names them. Posts nothing.
RunPlan PlanCapitationRun(LedgerClient& client, const RunArguments& args);

}  // namespace lcp::client

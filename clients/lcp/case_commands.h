// `lcp case ...`: business cases (DOMAIN.md "The reinvestment reserve and business cases"): submit,
// consent, ask, answer, approve, reject, withdraw, close, drawdown, show, list and report.
#pragma once

#include <CLI/CLI.hpp>

#include "clients/lcp/cli.h"

namespace lcp::client {

void AddCaseCommands(CLI::App& app, Options& options, int& exit_code);

}  // namespace lcp::client

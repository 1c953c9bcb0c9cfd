// lcp's register commands: practice add|list and provider add (README.md, "Quick start").
#pragma once

#include <CLI/CLI.hpp>

#include "clients/lcp/cli.h"

namespace lcp::client {

// Adds `practice` and `provider` to `app`. Their callbacks read `options` and set `exit_code`; both
// must outlive the parse.
void AddPracticeCommands(CLI::App& app, Options& options, int& exit_code);

}  // namespace lcp::client

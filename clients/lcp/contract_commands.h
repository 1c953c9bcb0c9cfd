// lcp's contract commands: contract add|approve|vary|pay|close|show|list, interest declare|list,
// statement, and payments import (docs/contracts.md).
#pragma once

#include <CLI/CLI.hpp>

#include "clients/lcp/cli.h"

namespace lcp::client {

// Adds the commands to `app`. Their callbacks read `options` and set `exit_code`; both must outlive
// the parse.
void AddContractCommands(CLI::App& app, Options& options, int& exit_code);

}  // namespace lcp::client

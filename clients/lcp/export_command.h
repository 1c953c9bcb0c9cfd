// lcp export: the journal (or a range of it) into an export file for an auditor
// (docs/auditors.md).
#pragma once

#include <CLI/CLI.hpp>

#include "clients/lcp/cli.h"

namespace lcp::client {

// Adds `export` to `app`. Its callback reads `options` and sets `exit_code`; both must outlive the
// parse.
void AddExportCommand(CLI::App& app, Options& options, int& exit_code);

}  // namespace lcp::client

// lcp's journal commands: year open, journal post|reverse, submit (a batch from a JSON file), and
// the journal's views: balances, entries, entry and head (README.md, "Quick start").
#pragma once

#include <CLI/CLI.hpp>

#include "clients/lcp/cli.h"

namespace lcp::client {

// Adds `year` (with `open`), `journal` and `submit` to `app`. Their callbacks read `options` and
// set `exit_code`; both must outlive the parse.
void AddJournalCommands(CLI::App& app, Options& options, int& exit_code);

// Adds `balances`, `entries`, `entry` and `head` to `app`, the same way. (Two functions so that
// main.cc can keep the order in which `lcp --help` lists the groups.)
void AddJournalViewCommands(CLI::App& app, Options& options, int& exit_code);

}  // namespace lcp::client

// lcp's budget notice and membership commands (DOMAIN.md "Budget notices", "Membership"):
// budget confirm-total|transfer|approve-transfer|acknowledge|notices and membership
// sign|leave|list.
#pragma once

#include <CLI/CLI.hpp>
#include <istream>
#include <optional>
#include <string>

#include "clients/lcp/cli.h"

namespace lcp::client {

// Adds `budget` and `membership` to `app`. Their callbacks read `options` and set `exit_code`; both
// must outlive the parse.
void AddBudgetCommands(CLI::App& app, Options& options, int& exit_code);

// The SHA-256 of everything `in` holds, as 64 lowercase hexadecimal digits (as sha256sum prints
// it); nullopt when it cannot be read.
std::optional<std::string> Sha256Hex(std::istream& in);

}  // namespace lcp::client

// lcp's risk-sharing commands: agreement propose|cosign|show, month close, year settle and share
// (docs/risk-sharing.md).
#pragma once

#include <CLI/CLI.hpp>

#include "clients/lcp/cli.h"

namespace lcp::client {

// Adds the commands to `app`. Their callbacks read `options` and set `exit_code`; both must outlive
// the parse.
void AddRiskCommands(CLI::App& app, Options& options, int& exit_code);

// Parses "A81001:PRESCRIBING=+50000.00" (or "=-1200") into a what-if: the practice, the line and the
// amount without its "+". Returns nullopt when it is not of that shape.
std::optional<v1::WhatIf> ParseWhatIf(const std::string& text);

// Parses bands "0.02:1.00,0.05:0.50,0.00": each "UPPER:RATE", the last "RATE" (unbounded). Returns
// false when a band is empty.
bool ParseBands(const std::string& text, v1::ShareTerms& terms);

}  // namespace lcp::client

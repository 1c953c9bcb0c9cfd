#include "clients/lcp/risk_commands.h"

#include <memory>

#include "ledger/base/chain.h"

namespace lcp::client {
namespace {

// One side's options: --savings-threshold, --savings-mode, --savings-bands, --savings-cap.
struct SideArguments {
  std::string threshold = "0";
  std::string mode;
  std::string bands;
  std::string cap;
};

struct Arguments {
  std::string year;
  std::string month;
  std::string practice;
  std::vector<std::string> pooled;
  SideArguments savings;
  SideArguments overspend;
  std::string alpha_budget;
  std::string alpha_contribution;
  std::uint32_t decision_target_days = 0;
  std::int64_t replaces = -1;  // -1: the agreement in force, read from the server.
  std::string reason;
  std::uint64_t proposal = 0;
  std::vector<std::string> what_ifs;
  bool explain = false;
  bool settled = false;
};

void AddSideOptions(CLI::App* command, const std::string& side, SideArguments& args) {
  command->add_option("--" + side + "-threshold", args.threshold,
                      "Threshold rate t of B: nothing is shared while |V| < t x B")
      ->capture_default_str();
  command->add_option("--" + side + "-mode", args.mode, "FIRST_POUND or ABOVE_THRESHOLD")->required();
  command->add_option("--" + side + "-bands", args.bands,
                      "Bands UPPER:RATE,...,RATE as rates of B, the last unbounded, e.g. "
                      "0.02:1.00,0.05:0.50,0.00")
      ->required();
  command->add_option("--" + side + "-cap", args.cap, "Cap rate c of B (default: no cap)");
}

// The side's terms, or nullopt after saying what is wrong.
std::optional<v1::ShareTerms> SideTerms(const std::string& side, const SideArguments& args) {
  v1::ShareTerms terms;
  terms.mutable_threshold()->set_value(args.threshold);
  v1::ShareMode mode = v1::SHARE_MODE_UNSPECIFIED;
  if (!ParseEnum(args.mode, "SHARE_MODE_", &v1::ShareMode_Parse, mode)) {
    std::cerr << "lcp: --" << side << "-mode must be FIRST_POUND or ABOVE_THRESHOLD\n";
    return std::nullopt;
  }
  terms.set_mode(mode);
  if (!ParseBands(args.bands, terms)) {
    std::cerr << "lcp: --" << side << "-bands must be UPPER:RATE,...,RATE, e.g. 0.02:1.00,0.05:0.50,0.00\n";
    return std::nullopt;
  }
  if (!args.cap.empty()) terms.mutable_cap()->set_value(args.cap);
  return terms;
}

// Makes a connection and reads a year, or returns the exit code of the failure.
int ReadYear(const Options& options, const std::string& year, v1::GetYearResponse& response) {
  std::optional<Connection> connection = MakeConnection(options);
  if (!connection) return kExitUsage;
  v1::GetYearRequest request;
  request.set_year(year);
  LedgerClient client(*connection);
  grpc::Status status = client.GetYear(request, response);
  return status.ok() ? 0 : Fail(options, status, client.last_error_code());
}

// Submits `command` under `key` unless --key gave one.
int SubmitWithKey(const Options& options, v1::Command command, const std::string& key) {
  Options keyed = options;
  if (keyed.key.empty()) keyed.key = key;
  return SubmitOne(keyed, std::move(command));
}

}  // namespace

std::optional<v1::WhatIf> ParseWhatIf(const std::string& text) {
  const std::size_t colon = text.find(':');
  const std::size_t equals = text.find('=');
  if (colon == std::string::npos || equals == std::string::npos || equals < colon ||
      colon == 0 || equals == colon + 1 || equals + 1 >= text.size()) {
    return std::nullopt;
  }
  v1::WhatIf what_if;
  what_if.set_ods_code(Upper(text.substr(0, colon)));
  what_if.set_budget_line(Upper(text.substr(colon + 1, equals - colon - 1)));
  std::string amount = text.substr(equals + 1);
  if (amount[0] == '+') amount.erase(0, 1);
  if (amount.empty()) return std::nullopt;
  what_if.mutable_amount()->set_value(amount);
  return what_if;
}

bool ParseBands(const std::string& text, v1::ShareTerms& terms) {
  std::size_t begin = 0;
  while (begin <= text.size()) {
    std::size_t end = text.find(',', begin);
    if (end == std::string::npos) end = text.size();
    const std::string band = text.substr(begin, end - begin);
    if (band.empty()) return false;
    v1::ShareBand* out = terms.add_bands();
    const std::size_t colon = band.find(':');
    if (colon == std::string::npos) {
      out->mutable_lcp_rate()->set_value(band);
    } else {
      out->mutable_upper_bound()->set_value(band.substr(0, colon));
      out->mutable_lcp_rate()->set_value(band.substr(colon + 1));
    }
    begin = end + 1;
  }
  return true;
}

void AddRiskCommands(CLI::App& app, Options& options, int& exit_code) {
  auto args = std::make_shared<Arguments>();

  CLI::App* agreement = app.add_subcommand("agreement", "Risk-sharing agreements")->require_subcommand(1);

  // agreement propose
  CLI::App* propose = agreement->add_subcommand(
      "propose", "Propose a year's risk-sharing agreement, or a variation of the one in force (LCP "
                 "finance; in force once PCT finance co-signs it)");
  AddYearOption(propose, args->year);
  propose->add_option("--pooled", args->pooled, "The pooled budget lines, e.g. ELECTIVE,PRESCRIBING")
      ->required()
      ->delimiter(',');
  AddSideOptions(propose, "savings", args->savings);
  AddSideOptions(propose, "overspend", args->overspend);
  propose->add_option("--alpha-budget", args->alpha_budget,
                      "Share of the LCP's amount that goes to members by pooled budget")
      ->required();
  propose->add_option("--alpha-contribution", args->alpha_contribution,
                      "Share that goes by members' own underspends (savings) or overspends")
      ->required();
  propose->add_option("--decision-target-days", args->decision_target_days,
                      "Business cases are decided within this many days of their last consent, "
                      "1 to 366 (default: 56, eight weeks)");
  propose->add_option("--replaces", args->replaces,
                      "The agreement in force it replaces (its entry); required when one is in force");
  propose->add_option("--reason", args->reason,
                      "Why: required for a variation once the year has postings");
  AddKeyOption(propose, options);
  propose->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::Command command;
    v1::ProposeAgreement* p = command.mutable_propose_agreement();
    p->set_year(a.year);
    v1::AgreementTerms* terms = p->mutable_terms();
    for (const std::string& line : a.pooled) terms->add_pooled_lines(Upper(line));
    std::optional<v1::ShareTerms> savings = SideTerms("savings", a.savings);
    std::optional<v1::ShareTerms> overspend = SideTerms("overspend", a.overspend);
    if (!savings || !overspend) {
      exit_code = kExitUsage;
      return;
    }
    *terms->mutable_savings() = *savings;
    *terms->mutable_overspend() = *overspend;
    terms->mutable_alpha_budget()->set_value(a.alpha_budget);
    terms->mutable_alpha_contribution()->set_value(a.alpha_contribution);
    terms->set_decision_target_days(a.decision_target_days);
    p->set_reason(a.reason);
    if (a.replaces >= 0) {
      p->set_replaces_seq(static_cast<std::uint64_t>(a.replaces));
    } else {
      v1::GetYearResponse year;
      if (const int failed = ReadYear(options, a.year, year); failed != 0) {
        exit_code = failed;
        return;
      }
      if (year.has_agreement()) {
        // Naming the agreement replaced is the guard against two proposals crossing: never guessed.
        std::cerr << "lcp: " << year.year() << " has an agreement in force (entry "
                  << year.agreement().proposal_seq() << "); to vary it, give --replaces "
                  << year.agreement().proposal_seq() << " and a --reason\n";
        exit_code = kExitUsage;
        return;
      }
    }
    exit_code = SubmitOne(options, command);
  });

  // agreement cosign
  CLI::App* cosign = agreement->add_subcommand(
      "cosign", "Co-sign the proposal awaiting co-signature (PCT finance): it is then in force");
  AddYearOption(cosign, args->year);
  cosign->add_option("--proposal", args->proposal,
                     "The proposal's entry, as `lcp agreement show` prints it")
      ->required();
  AddKeyOption(cosign, options);
  cosign->callback([&options, &exit_code, args] {
    v1::Command command;
    command.mutable_cosign_agreement()->set_year(args->year);
    command.mutable_cosign_agreement()->set_proposal_seq(args->proposal);
    exit_code = SubmitWithKey(options, command,
                              "cosign:" + args->year + ":" + std::to_string(args->proposal));
  });

  // agreement show
  CLI::App* show = agreement->add_subcommand(
      "show", "A year's agreement in force, a proposal awaiting co-signature, month closes and settlement");
  AddYearInProgressOption(show, args->year);
  show->callback([&options, &exit_code, args] {
    v1::GetYearRequest request;
    request.set_year(args->year);
    exit_code = Query<v1::GetYearResponse>(
        options, [&](LedgerClient& client, auto& response) { return client.GetYear(request, response); },
        [](const auto& response) { return YearTable(response); });
  });

  // month close
  CLI::App* month = app.add_subcommand("month", "Month ends")->require_subcommand(1);
  CLI::App* close = month->add_subcommand(
      "close", "Close the next month: nothing more is posted into it; records a checkpoint of the "
               "chain head");
  AddYearInProgressOption(close, args->year);
  close->add_option("--month", args->month,
                    "The month to close, M01 to M12: the next one (named, so that a retry never "
                    "closes another)")
      ->required();
  AddKeyOption(close, options);
  close->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::GetYearResponse year;
    if (const int failed = ReadYear(options, a.year, year); failed != 0) {
      exit_code = failed;
      return;
    }
    const std::string which = Upper(a.month);
    v1::Command command;
    SetPeriod(*command.mutable_close_month()->mutable_period(), year.year(), which);
    exit_code = SubmitWithKey(options, command, "close:" + year.year() + ":" + which);
    if (exit_code != 0 || options.format() == Format::kJson) return;
    v1::GetYearResponse after;
    if (ReadYear(options, year.year(), after) != 0) return;
    for (const v1::MonthCloseView& closed : after.closed_months()) {
      if (closed.month() != which) continue;
      std::cout << year.year() << " " << which << " is closed (entry " << closed.seq()
                << "); checkpoint: entry " << closed.checkpoint().seq() << ", hash "
                << ToHex(closed.checkpoint().hash()) << "\n";
    }
  });

  // year settle
  CLI::App* year_group = app.get_subcommand("year");  // With `year open` (main.cc).
  CLI::App* settle = year_group->add_subcommand(
      "settle", "Settle a year after its M12 is closed: post the risk shares under the agreement in "
                "force; the year is then locked");
  AddYearOption(settle, args->year);
  AddKeyOption(settle, options);
  settle->callback([&options, &exit_code, args] {
    v1::Command command;
    command.mutable_settle_year()->set_year(args->year);
    exit_code = SubmitWithKey(options, command, "settle:" + args->year);
    if (exit_code != 0 || options.format() == Format::kJson) return;
    v1::GetRiskShareRequest request;
    request.set_year(args->year);
    request.set_basis(v1::RISK_BASIS_SETTLED);
    std::cout << "\n";
    exit_code = Query<v1::GetRiskShareResponse>(
        options,
        [&](LedgerClient& client, auto& response) { return client.GetRiskShare(request, response); },
        [](const auto& response) { return RiskShareTable(response, /*explain=*/false); });
  });

  // share
  CLI::App* share = app.add_subcommand(
      "share", "A year's risk share: projected (actual + commitments) or settled, every step with "
               "--explain, what-ifs that post nothing");
  AddYearInProgressOption(share, args->year);
  share->add_option("--practice", args->practice, "One practice (a practice principal: its own)");
  share->add_option("--what-if", args->what_ifs,
                    "Extra spend or savings, PRACTICE:LINE=+AMOUNT or =-AMOUNT (repeatable); "
                    "computed on a copy, never posted");
  share->add_flag("--explain", args->explain, "Show every step of the calculation");
  share->add_flag("--settled", args->settled, "The settlement's figures (a settled year only)");
  share->callback([&options, &exit_code, args] {
    Arguments& a = *args;
    v1::GetRiskShareRequest request;
    request.set_year(a.year);
    request.set_ods_code(Upper(a.practice));
    request.set_basis(a.settled ? v1::RISK_BASIS_SETTLED : v1::RISK_BASIS_PROJECTED);
    for (const std::string& text : a.what_ifs) {
      std::optional<v1::WhatIf> what_if = ParseWhatIf(text);
      if (!what_if) {
        std::cerr << "lcp: --what-if " << text
                  << " is not PRACTICE:LINE=+AMOUNT, e.g. A81001:PRESCRIBING=+50000.00\n";
        exit_code = kExitUsage;
        return;
      }
      *request.add_what_ifs() = *what_if;
    }
    const bool explain = a.explain;
    exit_code = Query<v1::GetRiskShareResponse>(
        options,
        [&](LedgerClient& client, auto& response) { return client.GetRiskShare(request, response); },
        [explain](const auto& response) { return RiskShareTable(response, explain); });
  });

  // reserve
  CLI::App* reserve = app.add_subcommand(
      "reserve",
      "Practices' reinvestment reserves for a year: brought forward (and from which year), "
      "settled, carried forward, held, drawn down, available");
  reserve->add_option("--year", args->year,
                      "The year, e.g. 2027/28 (default: the latest year opened, where the "
                      "reserves are)");
  reserve->add_option("--practice", args->practice, "One practice (a practice principal: its own)");
  reserve->callback([&options, &exit_code, args] {
    v1::GetReserveRequest request;
    request.set_year(args->year);
    request.set_ods_code(Upper(args->practice));
    exit_code = Query<v1::GetReserveResponse>(
        options,
        [&](LedgerClient& client, auto& response) { return client.GetReserve(request, response); },
        [](const auto& response) { return ReserveTable(response); });
  });
}

}  // namespace lcp::client

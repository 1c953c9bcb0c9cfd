#include "clients/lcp/journal_commands.h"

#include <google/protobuf/util/json_util.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace lcp::client {
namespace {

// What the commands' options are read into; shared by the callbacks, so it lives as long as they
// do.
struct Arguments {
  std::string year;
  std::string month;
  std::vector<std::string> lines;
  std::string notice_deadline;
  std::string narrative;
  std::string reason;
  std::vector<std::string> postings;
  std::uint64_t seq = 0;
  std::uint64_t corrects = 0;
  std::string file;
  bool all_or_nothing = false;
  std::vector<std::string> accounts;
  std::string prefix;
  std::uint64_t as_of = 0;
  std::uint64_t from = 1;
  std::uint32_t limit = 100;
  bool follow = false;
  std::string account;
};

// The journal `--year --month --narrative [--corrects] ACCOUNT=AMOUNT...` describes, or nullopt
// after saying which posting is not ACCOUNT=AMOUNT.
std::optional<v1::Command> JournalCommand(const Arguments& a) {
  v1::Command command;
  v1::PostJournal* post = command.mutable_post_journal();
  SetPeriod(*post->mutable_period(), a.year, a.month);
  post->set_narrative(a.narrative);
  post->set_corrects_seq(a.corrects);
  for (const std::string& text : a.postings) {
    const std::size_t equals = text.rfind('=');
    if (equals == std::string::npos || equals == 0) {
      std::cerr << "lcp: posting \"" << text << "\" must be ACCOUNT=AMOUNT\n";
      return std::nullopt;
    }
    v1::Posting* posting = post->add_postings();
    posting->set_account(text.substr(0, equals));
    posting->mutable_amount()->set_value(text.substr(equals + 1));
  }
  return command;
}

// Reads a SubmitRequest in protobuf JSON from `file` (- for standard input), gives every command
// without a key PREFIX-N from --key, submits it and prints the reply. Returns the exit code.
int SubmitFile(const Options& options, const std::string& file, bool all_or_nothing) {
  std::stringstream text;
  if (file == "-") {
    text << std::cin.rdbuf();
  } else {
    std::ifstream in(file);
    if (!in) {
      std::cerr << "lcp: cannot read " << file << "\n";
      return kExitUsage;
    }
    text << in.rdbuf();
  }
  v1::SubmitRequest request;
  auto parsed = google::protobuf::util::JsonStringToMessage(text.str(), &request);
  if (!parsed.ok()) {
    std::cerr << "lcp: " << file << " is not a SubmitRequest: " << parsed.ToString() << "\n";
    return kExitUsage;
  }
  if (all_or_nothing) request.set_all_or_nothing(true);
  for (int i = 0; i < request.commands_size(); ++i) {
    v1::CommandRequest& command = *request.mutable_commands(i);
    if (!command.idempotency_key().empty()) continue;
    if (options.key.empty()) {
      std::cerr << "lcp: command " << i + 1 << " of " << file
                << " has no idempotencyKey: give every command one, or pass --key PREFIX, so "
                   "that running the file again cannot post twice\n";
      return kExitUsage;
    }
    command.set_idempotency_key(options.key + "-" + std::to_string(i + 1));
  }
  return SubmitAndPrint(options, request);
}

// Prints entries from `from`: a page of at most `limit`, or with `follow` every entry as it is
// recorded, until the stream ends. Returns the exit code.
// Prints entries from `from`: up to `limit` of them, or with `follow` every one as it is recorded;
// with `account`, only those with a posting to it (pages are followed until `limit` are found or
// the journal's head is reached).
int ShowEntries(const Options& options, std::uint64_t from, std::uint32_t limit, bool follow,
                const std::string& account) {
  std::optional<Connection> connection = MakeConnection(options);
  if (!connection) return kExitUsage;
  LedgerClient client(*connection);
  auto print = [&](const v1::EntryView& view) {
    std::cout << (options.format() == Format::kJson ? ToJson(view) + "\n" : EntryLine(view))
              << std::flush;
  };
  grpc::Status status;
  if (follow) {
    v1::StreamEntriesRequest request;
    request.set_from_seq(from);
    request.set_follow(true);
    status = client.StreamEntries(
        request, [&](const v1::StreamEntriesResponse& response) { print(response.entry()); });
  } else {
    v1::ListEntriesRequest request;
    request.set_from_seq(from);
    request.set_account(account);
    std::uint32_t left = limit;
    while (left > 0) {
      request.set_page_size(left);
      v1::ListEntriesResponse response;
      status = client.ListEntries(request, response);
      if (!status.ok()) break;
      for (const v1::EntryView& view : response.entries()) print(view);
      left -= static_cast<std::uint32_t>(response.entries_size());
      if (account.empty() || response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
  }
  return status.ok() ? 0 : Fail(options, status, client.last_error_code());
}

}  // namespace

void AddJournalCommands(CLI::App& app, Options& options, int& exit_code) {
  auto args = std::make_shared<Arguments>();

  // year open (risk_commands.cc adds year settle)
  CLI::App* year = app.add_subcommand("year", "Financial years")->require_subcommand(1);
  CLI::App* year_open = year->add_subcommand("open", "Open a financial year with its budget lines");
  year_open->add_option("year", args->year, "The year, e.g. 2026/27")->required();
  year_open->add_option("lines", args->lines, "Budget lines, e.g. PRESCRIBING COMMUNITY")
      ->required();
  year_open->add_option("--notice-deadline", args->notice_deadline,
                        "The last day (UK time) a line's first budget notice is on time, "
                        "YYYY-MM-DD (default: 1 May of the year)");
  AddKeyOption(year_open, options);
  year_open->callback([&options, &exit_code, args] {
    v1::Command command;
    command.mutable_open_year()->set_year(args->year);
    command.mutable_open_year()->set_notice_deadline(args->notice_deadline);
    for (const std::string& line : args->lines) command.mutable_open_year()->add_budget_lines(line);
    exit_code = SubmitOne(options, command);
  });

  // journal post|reverse
  CLI::App* journal = app.add_subcommand("journal", "Manual journals")->require_subcommand(1);
  CLI::App* journal_post = journal->add_subcommand("post", "Post a balanced journal");
  AddPeriodOptions(journal_post, args->year, args->month);
  journal_post->add_option("--narrative", args->narrative, "Why the journal is posted")->required();
  journal_post->add_option("--corrects", args->corrects,
                           "The entry this journal corrects (one of a closed month, say)");
  journal_post
      ->add_option("postings", args->postings,
                   "ACCOUNT=AMOUNT, debits positive and credits negative, e.g. lcp:cash=100.00 "
                   "pct:funding=-100.00")
      ->required();
  AddKeyOption(journal_post, options);
  journal_post->callback([&options, &exit_code, args] {
    std::optional<v1::Command> command = JournalCommand(*args);
    exit_code = command ? SubmitOne(options, *std::move(command)) : kExitUsage;
  });

  CLI::App* journal_reverse = journal->add_subcommand("reverse", "Reverse an entry");
  journal_reverse->add_option("seq", args->seq, "Sequence number of the entry to reverse")
      ->required();
  journal_reverse->add_option("--reason", args->reason, "Why it is reversed")->required();
  AddPeriodOptions(journal_reverse, args->year, args->month, "to post the reversal into");
  AddKeyOption(journal_reverse, options);
  journal_reverse->callback([&options, &exit_code, args] {
    v1::Command command;
    command.mutable_reverse_entry()->set_seq(args->seq);
    command.mutable_reverse_entry()->set_reason(args->reason);
    SetPeriod(*command.mutable_reverse_entry()->mutable_period(), args->year, args->month);
    exit_code = SubmitOne(options, command);
  });

  // submit (a batch from a JSON file)
  CLI::App* submit = app.add_subcommand(
      "submit", "Submit a batch of commands from a JSON file (a SubmitRequest in protobuf JSON)");
  submit->add_option("file", args->file, "The JSON file, or - for standard input")->required();
  submit->add_flag("--all-or-nothing", args->all_or_nothing, "Post every command or none");
  submit->add_option("--key", options.key,
                     "Key prefix: a command without an idempotencyKey gets PREFIX-N (N from 1), so "
                     "running the same file again never posts twice");
  submit->callback([&options, &exit_code, args] {
    exit_code = SubmitFile(options, args->file, args->all_or_nothing);
  });
}

void AddJournalViewCommands(CLI::App& app, Options& options, int& exit_code) {
  auto args = std::make_shared<Arguments>();

  // balances
  CLI::App* balances = app.add_subcommand("balances", "Account balances per financial year");
  balances->add_option("--account", args->accounts, "An exact account (repeatable)");
  balances->add_option("--prefix", args->prefix,
                       "Every account starting with this, e.g. practice:A81001:");
  balances->add_option("--year", args->year, "Only this financial year");
  balances->add_option("--as-of", args->as_of, "As of this entry (default: the head)");
  balances->callback([&options, &exit_code, args] {
    v1::GetBalancesRequest request;
    for (const std::string& account : args->accounts) request.add_accounts(account);
    request.set_account_prefix(args->prefix);
    request.set_year(args->year);
    request.set_as_of_seq(args->as_of);
    exit_code = Query<v1::GetBalancesResponse>(
        options,
        [&](LedgerClient& client, auto& response) { return client.GetBalances(request, response); },
        [](const auto& response) { return BalancesTable(response); });
  });

  // entries [--follow]
  CLI::App* entries = app.add_subcommand("entries", "List journal entries");
  entries->add_option("--from", args->from, "First entry to show")->capture_default_str();
  entries->add_option("--limit", args->limit, "At most this many (without --follow)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  entries->add_flag("--follow", args->follow, "Keep showing new entries as they are recorded");
  entries
      ->add_option("--account", args->account,
                   "Only the entries with a posting to this account of the chart, e.g. "
                   "practice:A81001:spend:PRESCRIBING (the entries behind its balance)")
      ->excludes("--follow");
  entries->callback([&options, &exit_code, args] {
    exit_code = ShowEntries(options, args->from, args->limit, args->follow, args->account);
  });

  // entry SEQ
  CLI::App* entry = app.add_subcommand("entry", "Show one journal entry in full");
  entry->add_option("seq", args->seq, "Its sequence number")->required();
  entry->callback([&options, &exit_code, args] {
    v1::GetEntryRequest request;
    request.set_seq(args->seq);
    exit_code = Query<v1::GetEntryResponse>(
        options,
        [&](LedgerClient& client, auto& response) { return client.GetEntry(request, response); },
        [](const auto& response) { return EntryDetail(response.entry()); });
  });

  // head
  CLI::App* head = app.add_subcommand("head", "Show the chain head: last entry and its hash");
  head->callback([&options, &exit_code] {
    exit_code = Query<v1::GetHeadResponse>(
        options, [](LedgerClient& client, auto& response) { return client.GetHead(response); },
        [](const auto& response) { return HeadTable(response); });
  });
}

}  // namespace lcp::client

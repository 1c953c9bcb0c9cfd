#include "clients/lcp/output.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "ledger/chain.h"

namespace lcp::client {
namespace {

std::string PadLeft(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : std::string(width - text.size(), ' ') + text;
}

std::string PadRight(const std::string& text, std::size_t width) {
  return text.size() >= width ? text : text + std::string(width - text.size(), ' ');
}

std::string Postings(const google::protobuf::RepeatedPtrField<v1::Posting>& postings,
                     const std::string& indent) {
  std::size_t width = 0;
  for (const v1::Posting& posting : postings) width = std::max(width, posting.account().size());
  std::string out;
  for (const v1::Posting& posting : postings) {
    out += indent + PadRight(posting.account(), width) + "  " +
           PadLeft(posting.amount().value(), 18) + "\n";
  }
  return out;
}

std::string Describe(const v1::Command& command) {
  switch (command.kind_case()) {
    case v1::Command::kRegisterPractice:
      return "register practice " + command.register_practice().ods_code() + " " +
             command.register_practice().name();
    case v1::Command::kRegisterProvider:
      return "register provider " + command.register_provider().code() + " " +
             command.register_provider().name();
    case v1::Command::kOpenYear: {
      std::string lines;
      for (const std::string& line : command.open_year().budget_lines()) lines += " " + line;
      return "open year " + command.open_year().year() + ":" + lines;
    }
    case v1::Command::kPostJournal:
      return "journal: " + command.post_journal().narrative();
    case v1::Command::kReverseEntry:
      return "reverse entry " + std::to_string(command.reverse_entry().seq()) + ": " +
             command.reverse_entry().reason();
    case v1::Command::kSetBandWeights:
      return "band weights for " + command.set_band_weights().year() + " " +
             command.set_band_weights().budget_line();
    case v1::Command::kRecordPopulation:
      return "registered list of " + command.record_population().ods_code() + " at " +
             command.record_population().extract_date();
    case v1::Command::kSetPracticeIndices:
      return "practice indices for " + command.set_practice_indices().year() + " (" +
             std::to_string(command.set_practice_indices().practices_size()) + " practices)";
    case v1::Command::kRunAllocation: {
      const auto& run = command.run_allocation();
      return "capitation run " + run.period().year() + " " + run.budget_line() + " total " +
             run.total().value() +
             (run.revises_seq() == 0 ? std::string() : ", revising entry " + std::to_string(run.revises_seq()));
    }
    case v1::Command::KIND_NOT_SET:
      break;
  }
  return "(no command)";
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

std::string SubmitTable(const v1::SubmitRequest& request, const v1::SubmitResponse& response) {
  std::string out;
  for (int i = 0; i < response.results_size(); ++i) {
    const v1::CommandResult& result = response.results(i);
    const std::string key =
        i < request.commands_size() ? request.commands(i).idempotency_key() : std::string();
    if (result.has_accepted()) {
      const v1::Accepted& accepted = result.accepted();
      out += (accepted.duplicate() ? "already recorded: entry " : "accepted: entry ") +
             std::to_string(accepted.seq());
      if (accepted.has_period()) {
        out += " in " + accepted.period().year() + " " + accepted.period().month();
      }
      out += " (key " + key + ")";
      if (accepted.duplicate()) out += "; the same command was sent before, nothing new posted";
      out += "\n" + Postings(accepted.postings(), "  ");
    } else {
      out += "refused (key " + key + "): " + v1::ErrorCode_Name(result.refusal().code()) + ": " +
             result.refusal().message() + "\n";
    }
  }
  out += "journal head: entry " + std::to_string(response.head_seq()) + "\n";
  return out;
}

std::string BalancesTable(const v1::GetBalancesResponse& response) {
  std::size_t width = 7;
  for (const v1::Balance& balance : response.balances()) {
    width = std::max(width, balance.account().size());
  }
  std::string out = "as of entry " + std::to_string(response.as_of_seq()) + "\n";
  out += PadRight("year", 8) + "  " + PadRight("account", width) + "  " + PadLeft("balance", 18) +
         "\n";
  for (const v1::Balance& balance : response.balances()) {
    out += PadRight(balance.year(), 8) + "  " + PadRight(balance.account(), width) + "  " +
           PadLeft(balance.balance().value(), 18) + "\n";
  }
  if (response.balances().empty()) out += "(no balances)\n";
  return out;
}

std::string EntryLine(const v1::EntryView& view) {
  const v1::JournalEntry& entry = view.entry();
  std::string out = PadLeft(std::to_string(view.seq()), 6) + "  " +
                    google::protobuf::util::TimeUtil::ToString(entry.recorded_at()) + "  " +
                    entry.actor().principal_id() + "  " + entry.idempotency_key() + "  " +
                    Describe(entry.command());
  if (entry.postings_size() > 0) {
    out += "  [" + entry.period().year() + " " + entry.period().month() + ", " +
           std::to_string(entry.postings_size()) + " postings]";
  }
  return out + "\n";
}

std::string EntryDetail(const v1::EntryView& view) {
  const v1::JournalEntry& entry = view.entry();
  std::string out = "entry " + std::to_string(view.seq()) + "\n";
  out += "  recorded   " + google::protobuf::util::TimeUtil::ToString(entry.recorded_at()) + "\n";
  out += "  by         " + entry.actor().principal_id() + " (" +
         v1::Role_Name(entry.actor().role()) + ")\n";
  out += "  key        " + entry.idempotency_key() + "\n";
  out += "  command    " + Describe(entry.command()) + "\n";
  if (entry.reverses_seq() != 0) {
    out += "  reverses   entry " + std::to_string(entry.reverses_seq()) + "\n";
  }
  if (entry.postings_size() > 0) {
    out += "  period     " + entry.period().year() + " " + entry.period().month() + "\n";
    out += Postings(entry.postings(), "    ");
  }
  out += "  prev hash  " + ToHex(view.prev_hash()) + "\n";
  out += "  hash       " + ToHex(view.hash()) + "\n";
  return out;
}

std::string HeadTable(const v1::GetHeadResponse& response) {
  return "entry " + std::to_string(response.seq()) + "\nhash  " + response.hash_hex() + "\n";
}

}  // namespace lcp::client

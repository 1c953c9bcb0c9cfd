// Writes the binary seed corpora of the command, export and entry_body targets from the seeded
// ledger (fuzz_support.h), so that they stay valid inputs when the schema grows:
//   lcp-fuzz-seeds <fuzz/corpus>
// The text corpora (decimal, csv, principals) are written by hand.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "lcp/v1/ledger_service.pb.h"
#include "ledger/base/chain.h"
#include "ledger/base/export_file.h"

namespace {

bool Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) std::fprintf(stderr, "lcp-fuzz-seeds: cannot write %s\n", path.c_str());
  return static_cast<bool>(out);
}

std::string Export(const std::vector<lcp::v1::JournalRecord>& records) {
  std::ostringstream out;
  lcp::ExportWriter writer(out);
  const std::string first_prev = records.empty() ? lcp::GenesisHash() : records.front().prev_hash();
  const std::string head = records.empty() ? lcp::GenesisHash() : records.back().hash();
  const std::uint64_t first = records.empty() ? 0 : records.front().seq();
  const std::uint64_t last = records.empty() ? 0 : records.back().seq();
  (void)writer.WriteHeader(lcp::MakeExportHeader(first, last, first_prev, head));
  for (const lcp::v1::JournalRecord& record : records) (void)writer.WriteRecord(record);
  (void)writer.Finish();
  return out.str();
}

lcp::v1::Period Period(const std::string& year, const std::string& month) {
  lcp::v1::Period period;
  period.set_year(year);
  period.set_month(month);
  return period;
}

// One actor byte (an index into fuzz::Actors()) and a SubmitRequest.
std::string CommandInput(std::uint8_t actor, const lcp::v1::SubmitRequest& request) {
  return std::string(1, static_cast<char>(actor)) + request.SerializeAsString();
}

lcp::v1::SubmitRequest OneCommand(const lcp::v1::Command& command, const std::string& key) {
  lcp::v1::SubmitRequest request;
  lcp::v1::CommandRequest* one = request.add_commands();
  one->set_idempotency_key(key);
  *one->mutable_command() = command;
  return request;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: lcp-fuzz-seeds <fuzz/corpus>\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::vector<lcp::v1::JournalRecord>& records = lcp::fuzz::SeedRecords();
  bool ok = true;

  // Exports: the whole seeded journal, its first three records, and an empty one.
  ok &= Write(dir + "/export/seeded_journal", Export(records));
  ok &= Write(dir + "/export/first_three",
              Export(std::vector<lcp::v1::JournalRecord>(records.begin(), records.begin() + 3)));
  ok &= Write(dir + "/export/empty", Export({}));

  // Entry bodies: one of each kind of command in the seeded journal.
  for (std::size_t i = 0; i < records.size(); ++i) {
    ok &= Write(dir + "/entry_body/seed_" + std::to_string(i + 1), records[i].body());
  }

  // Commands against the seeded ledger, as the actor who may issue each (fuzz::Actors(): 0 admin,
  // 1 and 2 LCP finance, 3 PCT finance, 4 a practice).
  const std::vector<lcp::fuzz::SeedCommand> seeds = lcp::fuzz::SeedCommands();
  const auto actor_index = [](const lcp::v1::Actor& actor) {
    const std::vector<lcp::v1::Actor>& actors = lcp::fuzz::Actors();
    for (std::size_t i = 0; i < actors.size(); ++i) {
      if (actors[i].principal_id() == actor.principal_id()) return static_cast<std::uint8_t>(i);
    }
    return std::uint8_t{0};
  };
  // Each seed command again (most are refused now: already registered, already closed), which shows
  // the fuzzer every command's shape.
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    ok &= Write(dir + "/command/seed_" + std::to_string(i + 1),
                CommandInput(actor_index(seeds[i].actor),
                             OneCommand(seeds[i].command, "again-" + std::to_string(i + 1))));
  }
  lcp::v1::Command journal;
  {
    lcp::v1::PostJournal* c = journal.mutable_post_journal();
    *c->mutable_period() = Period("2026/27", "M02");
    c->set_narrative("An invoice");
    lcp::v1::Posting* spend = c->add_postings();
    spend->set_account("practice:A81001:spend:ELECTIVE");
    spend->mutable_amount()->set_value("4250.10");
    lcp::v1::Posting* payable = c->add_postings();
    payable->set_account("provider:RX1:payable");
    payable->mutable_amount()->set_value("-4250.10");
  }
  ok &= Write(dir + "/command/journal", CommandInput(1, OneCommand(journal, "j-1")));
  lcp::v1::Command reverse;
  reverse.mutable_reverse_entry()->set_seq(7);
  reverse.mutable_reverse_entry()->set_reason("Posted in error");
  *reverse.mutable_reverse_entry()->mutable_period() = Period("2026/27", "M02");
  ok &= Write(dir + "/command/reverse", CommandInput(1, OneCommand(reverse, "r-1")));
  lcp::v1::Command vary;
  vary.mutable_vary_contract()->set_contract_id("C-1");
  vary.mutable_vary_contract()->mutable_terms()->set_type(lcp::v1::CONTRACT_TYPE_BLOCK);
  vary.mutable_vary_contract()->mutable_terms()->mutable_annual_value()->set_value("150000.00");
  vary.mutable_vary_contract()->set_reason("Winter capacity");
  ok &= Write(dir + "/command/vary", CommandInput(1, OneCommand(vary, "v-1")));
  lcp::v1::Command close;
  *close.mutable_close_month()->mutable_period() = Period("2026/27", "M02");
  ok &= Write(dir + "/command/close_month", CommandInput(1, OneCommand(close, "c-2")));
  lcp::v1::Command settle;
  settle.mutable_settle_year()->set_year("2026/27");
  ok &= Write(dir + "/command/settle_refused", CommandInput(1, OneCommand(settle, "s-1")));
  // A batch, all or nothing, whose second command is refused; and the same as a dry run.
  lcp::v1::SubmitRequest batch = OneCommand(journal, "b-1");
  *batch.add_commands() = OneCommand(reverse, "b-2").commands(0);
  *batch.add_commands() = OneCommand(settle, "b-3").commands(0);
  batch.set_all_or_nothing(true);
  ok &= Write(dir + "/command/batch_aborted", CommandInput(1, batch));
  batch.set_all_or_nothing(false);
  batch.set_dry_run(true);
  ok &= Write(dir + "/command/dry_run", CommandInput(1, batch));
  return ok ? 0 : 1;
}

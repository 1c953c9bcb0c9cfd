// The promise that old books still replay, through the real programs: the export recorded under
// rules 1 by the binaries of commit 7a1e213 (tests/data/rules1-export.lcpx; the script that made it
// is beside it) verifies and replays in lcp-audit, is restored by lcp-ledgerd restore, and is
// served by a server that replays it at start-up, with the same head and figures. A record whose
// rules version this build does not know, or that goes back, is refused on replay and at start-up,
// and the version is covered by the entry's hash.
//
// The figures below follow from the script's commands by hand (tests/notices_test.cc,
// RulesVersion.AnExportRecordedUnderRules1ReplaysUnchanged, shows the settlement's working): the
// capitation run shared its typed 3,000,000.00; the practices' COMMUNITY spend is an invoice of
// 10,000.00 (1,000.00 of it moved from A81001 to A81003 by a correction) and the contract's two
// payments of 1,500,000.00 and 1,400,000.00, together 889,000.00 / 1,420,000.00 / 601,000.00; the
// settlement of the 90,000.00 underspend credits reinvestment 14,388.36 / 14,489.38 / 34,122.26
// (Park Lane's also holds 2,500.00 typed in) and pct:risk_share 27,000.00 (against 2,500.00 typed
// in), and debits lcp:risk_pool 90,000.00; 700.00 was typed into A81002's risk share.
#include "ledger/base/rules_version.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ledger/base/chain.h"
#include "ledger/base/export_file.h"
#include "services/storage/sqlite_store.h"
#include "tests/process.h"
#include "tests/service_fixture.h"

namespace lcp {
namespace {

using testing::RunResult;
using testing::ServerProcess;
using testing::TempDir;

const std::string kFixture = LCP_SOURCE_DIR "/tests/data/rules1-export.lcpx";
const std::string kHeadHash = "70b0ed9c31d9e3cf9ee2edd0598b3d5d108cb01371cc3183fba1ade204085b22";

// The fixture's records, as recorded.
std::vector<v1::JournalRecord> FixtureRecords() {
  std::ifstream in(kFixture, std::ios::binary);
  ExportReader reader(in);
  EXPECT_TRUE(reader.ReadHeader().ok());
  std::vector<v1::JournalRecord> records;
  while (true) {
    Result<std::optional<v1::JournalRecord>> record = reader.Next();
    EXPECT_TRUE(record.ok());
    if (!record.ok() || !*record) break;
    records.push_back(std::move(**record));
  }
  return records;
}

// The record after `head`, registering practice `ods`, recorded under `rules`, with a good hash.
v1::JournalRecord NextRecordUnderRules(const v1::JournalRecord& head, std::uint32_t rules,
                                       const std::string& ods = "A81009") {
  v1::JournalEntry entry;
  entry.mutable_command()->mutable_register_practice()->set_ods_code(ods);
  entry.mutable_command()->mutable_register_practice()->set_name("Later Practice");
  entry.mutable_actor()->set_principal_id("local-admin");
  entry.mutable_actor()->set_role(v1::ROLE_LOCAL_ADMIN);
  entry.mutable_recorded_at()->set_seconds(1'800'000'000);
  entry.set_idempotency_key("later-" + ods);
  entry.set_rules_version(rules);
  return MakeRecord(head.seq() + 1, head.hash(), entry.SerializeAsString());
}

// `text` with each run of spaces made one space: table columns without their padding.
std::string Squeezed(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  return out;
}

// Writes `records` into a new ledger file in `dir`, as lcp-ledgerd would have.
void WriteLedger(const std::filesystem::path& dir, const std::vector<v1::JournalRecord>& records) {
  std::filesystem::create_directories(dir);
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open((dir / "ledger.sqlite").string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Append(records).ok());
}

TEST(RulesVersionFixture, LcpAuditVerifiesAndReplaysItUnderRules1) {
  const RunResult verified = testing::Run(LCP_AUDIT_PATH, {"verify", kFixture});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.out.find("37 records (entries 1 to 37)"), std::string::npos) << verified.out;
  EXPECT_NE(verified.out.find("rules: the records were decided under rules version 1\n"),
            std::string::npos)
      << verified.out;

  const RunResult replayed = testing::Run(LCP_AUDIT_PATH, {"replay", kFixture});
  ASSERT_EQ(replayed.exit_code, 0) << replayed.err;
  for (const std::string& line : std::vector<std::string>{
           "rules: each record re-decided under its own, rules version 1\n",
           "head: entry 37, hash " + kHeadHash + "\n",
           "lcp:risk_pool                               90000.00                    \n",
           "pct:allocation:COMMUNITY                                      3000000.00\n",
           "pct:risk_share                                                  24500.00\n",
           "practice:A81001:reinvestment                                    14388.36\n",
           "practice:A81001:spend:COMMUNITY            889000.00                    \n",
           "practice:A81002:reinvestment                                    14489.38\n",
           "practice:A81002:risk_share                    700.00                    \n",
           "practice:A81003:reinvestment                                    36622.26\n",
           "practice:A81003:spend:COMMUNITY            601000.00                    \n",
           "provider:NLO01:payable                                        2910000.00\n",
           "total                                     6000700.00          6000700.00\n",
       }) {
    EXPECT_NE(replayed.out.find(line), std::string::npos) << line << "\nin\n" << replayed.out;
  }
}

TEST(RulesVersionFixture, RestoredAndServedWithTheSameHeadAndFigures) {
  TempDir dir;
  const std::string data = (dir.path() / "data").string();
  const RunResult restored =
      testing::Run(LCP_LEDGERD_PATH, {"restore", "--from", kFixture, "--data-dir", data});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_NE(restored.out.find("restored 37 entries (1 to 37, rules version 1) from " + kFixture),
            std::string::npos)
      << restored.out;
  EXPECT_NE(restored.out.find("head: entry 37, hash " + kHeadHash + "\n"), std::string::npos)
      << restored.out;

  {
    ServerProcess server(LCP_LEDGERD_PATH, dir.path() / "data");
    ASSERT_TRUE(server.started()) << server.Log();
    EXPECT_NE(server.Log().find("journal head 37 " + kHeadHash.substr(0, 8)), std::string::npos)
        << server.Log();
    const RunResult head = testing::Run(LCP_CLI_PATH, {"--server", server.address(), "head"});
    ASSERT_EQ(head.exit_code, 0) << head.err;
    EXPECT_NE(head.out.find("entry 37\nhash  " + kHeadHash), std::string::npos) << head.out;
    const RunResult balances =
        testing::Run(LCP_CLI_PATH, {"--server", server.address(), "balances"});
    ASSERT_EQ(balances.exit_code, 0) << balances.err;
    const std::string table = Squeezed(balances.out);
    for (const std::string& line : std::vector<std::string>{
             "2026/27 lcp:risk_pool 90000.00\n",
             "2026/27 pct:allocation:COMMUNITY -3000000.00\n",
             "2026/27 pct:risk_share -24500.00\n",
             "2026/27 practice:A81001:reinvestment -14388.36\n",
             "2026/27 practice:A81002:reinvestment -14489.38\n",
             "2026/27 practice:A81002:risk_share 700.00\n",
             "2026/27 practice:A81003:reinvestment -36622.26\n",
             "2026/27 practice:A81003:spend:COMMUNITY 601000.00\n",
             "2026/27 provider:NLO01:payable -2910000.00\n",
         }) {
      EXPECT_NE(table.find(line), std::string::npos) << line << "\nin\n" << table;
    }
    // The settlement, as the server reports it: each step of the hand working above.
    const RunResult share = testing::Run(
        LCP_CLI_PATH, {"--server", server.address(), "share", "--year", "2026/27", "--settled"});
    ASSERT_EQ(share.exit_code, 0) << share.err;
    const std::string shares = Squeezed(share.out);
    for (const std::string& line : std::vector<std::string>{
             "pool: budget 3000000.00, outturn 2910000.00, variance 90000.00 (savings)\n",
             "LCP 63000.00 kept for reinvestment; PCT 27000.00 recovered\n",
             " A81001 908999.63 889000.00 19999.63 19999.63 9544.50 4843.86 14388.36\n",
             " A81002 1379940.83 1420000.00 -40059.17 0.00 14489.38 0.00 14489.38\n",
             " A81003 711059.54 601000.00 110059.54 110059.54 7466.12 26656.14 34122.26\n",
         }) {
      EXPECT_NE(shares.find(line), std::string::npos) << line << "\nin\n" << shares;
    }
    EXPECT_EQ(server.StopWith(SIGTERM), 0);
  }

  // A restore writes only into an empty ledger.
  const RunResult again =
      testing::Run(LCP_LEDGERD_PATH, {"restore", "--from", kFixture, "--data-dir", data});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("nothing restored: ERROR_CODE_STORAGE_FAILURE: ledger file " + data +
                           "/ledger.sqlite holds 37 entries already; a restore writes only into "
                           "an empty ledger"),
            std::string::npos)
      << again.err;
}

TEST(RulesVersionFixture, AnExportThatDoesNotReplayIsNotRestored) {
  TempDir dir;
  // The fixture with a record 38 under a rules version this build does not know.
  std::vector<v1::JournalRecord> records = FixtureRecords();
  ASSERT_EQ(records.size(), 37u);
  records.push_back(NextRecordUnderRules(records.back(), kRulesVersionCurrent + 1));
  const std::filesystem::path file = dir.path() / "newer.lcpx";
  {
    std::ofstream out(file, std::ios::binary);
    ExportWriter writer(out);
    ASSERT_TRUE(
        writer
            .WriteHeader(MakeExportHeader(1, records.size(), GenesisHash(), records.back().hash()))
            .ok());
    for (const v1::JournalRecord& record : records) ASSERT_TRUE(writer.WriteRecord(record).ok());
    ASSERT_TRUE(writer.Finish().ok());
  }
  const std::string data = (dir.path() / "data").string();
  const RunResult restored =
      testing::Run(LCP_LEDGERD_PATH, {"restore", "--from", file.string(), "--data-dir", data});
  EXPECT_EQ(restored.exit_code, 1);
  EXPECT_NE(restored.err.find("nothing restored: ERROR_CODE_RULES_VERSION_UNKNOWN: " +
                              file.string() + ": not restored, it does not replay (record 38)"),
            std::string::npos)
      << restored.err;
  EXPECT_NE(restored.err.find("rules version " + std::to_string(kRulesVersionCurrent + 1) +
                              ", which this lcpledger does not know (it knows up to " +
                              std::to_string(kRulesVersionCurrent) + ")"),
            std::string::npos)
      << restored.err;
  EXPECT_FALSE(std::filesystem::exists(data + "/ledger.sqlite"));

  const RunResult verified = testing::Run(LCP_AUDIT_PATH, {"replay", file.string()});
  EXPECT_EQ(verified.exit_code, 1);
  EXPECT_NE(verified.err.find("ERROR_CODE_RULES_VERSION_UNKNOWN"), std::string::npos)
      << verified.err;
}

// The server replays its ledger file at start-up and refuses to serve one holding a record whose
// rules version it does not know, or one that goes back, naming the record.
TEST(RulesVersionFixture, TheServerRefusesToStartOnRulesItDoesNotKnowOrThatGoBack) {
  std::vector<v1::JournalRecord> records = FixtureRecords();
  ASSERT_EQ(records.size(), 37u);
  // Rules 2 after the fixture's rules 1 is the normal case; a record under rules 1 after it goes
  // back.
  std::vector<v1::JournalRecord> going_back = records;
  going_back.push_back(NextRecordUnderRules(going_back.back(), 2));
  going_back.push_back(NextRecordUnderRules(going_back.back(), 1, "A81010"));
  std::vector<v1::JournalRecord> newer = records;
  newer.push_back(NextRecordUnderRules(newer.back(), kRulesVersionCurrent + 1));
  struct Case {
    std::vector<v1::JournalRecord> records;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{
           Case{newer,
                "ERROR_CODE_RULES_VERSION_UNKNOWN: the stored journal does not verify: record 38: "
                "it was recorded under rules version " +
                    std::to_string(kRulesVersionCurrent + 1) +
                    ", which this lcpledger does not know (it knows up to " +
                    std::to_string(kRulesVersionCurrent) + "); replay it with a newer one"},
           Case{going_back,
                "ERROR_CODE_RULES_VERSION_UNKNOWN: the stored journal does not verify: record 39: "
                "it was recorded under rules "
                "version 1, older than the version 2 of an earlier entry; rules never go back"},
       }) {
    TempDir dir;
    WriteLedger(dir.path() / "data", c.records);
    ServerProcess server(LCP_LEDGERD_PATH, dir.path() / "data");
    EXPECT_FALSE(server.started());
    EXPECT_EQ(server.early_exit_code(), 2);
    EXPECT_NE(server.Log().find("refusing to start: "), std::string::npos) << server.Log();
    EXPECT_NE(server.Log().find(c.expected), std::string::npos) << server.Log();
  }
}

// The rules version is part of the entry's body, so changing it breaks the chain.
TEST(RulesVersionFixture, TheHashCoversTheRulesVersion) {
  const std::vector<v1::JournalRecord> records = FixtureRecords();
  v1::JournalRecord changed = records[4];
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(changed.body()));
  EXPECT_EQ(entry.rules_version(), 0u);  // Recorded before the field: rules 1.
  entry.set_rules_version(2);
  changed.set_body(entry.SerializeAsString());
  const Status link = VerifyLink(changed, records[3].seq(), records[3].hash());
  EXPECT_EQ(link.code(), v1::ERROR_CODE_CHAIN_BROKEN) << link.ToString();
}

}  // namespace
}  // namespace lcp

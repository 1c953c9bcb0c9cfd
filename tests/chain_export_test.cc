// The hash chain and the export file: a faithful export verifies and replays; every kind of tampering
// is caught at the sequence number where it happened.
#include <google/protobuf/stubs/logging.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "ledger/audit/replay.h"
#include "ledger/base/chain.h"
#include "ledger/base/export_file.h"
#include "ledger/engine/journal.h"
#include "ledger/read/reports.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::ExportBytes;
using testing::SampleRecords;

AuditOutcome Verify(const std::string& bytes) {
  std::istringstream in(bytes);
  return VerifyExport(in);
}

AuditOutcome Replay(const std::string& bytes) {
  std::istringstream in(bytes);
  Journal journal;
  return ReplayExport(in, journal);
}

void ExpectFailsAt(const AuditOutcome& outcome, std::uint64_t seq, ErrorCode code) {
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_EQ(outcome.failed_seq, seq) << outcome.status.ToString();
  EXPECT_EQ(v1::ErrorCode_Name(outcome.status.code()), v1::ErrorCode_Name(code))
      << outcome.status.ToString();
}

TEST(Chain, GenesisIsThirtyTwoZeroBytesAndHashIsSha256OfPrevAndBody) {
  EXPECT_EQ(GenesisHash(), std::string(32, '\0'));
  // SHA-256 of 32 zero bytes followed by "abc", computed independently with
  // `(head -c 32 /dev/zero; printf abc) | sha256sum`.
  EXPECT_EQ(ToHex(ChainHash(GenesisHash(), "abc")),
            "365aa7d8f7f9402c4b9434502b4cc89ddb09fe50d7cd95b493b834c62d5a5370");
}

TEST(Chain, RecordsLinkFromGenesis) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  ASSERT_EQ(records.size(), 9u);
  EXPECT_EQ(records[0].seq(), 1u);
  EXPECT_EQ(records[0].prev_hash(), GenesisHash());
  for (std::size_t i = 1; i < records.size(); ++i) {
    EXPECT_EQ(records[i].prev_hash(), records[i - 1].hash());
    EXPECT_EQ(records[i].hash(), ChainHash(records[i].prev_hash(), records[i].body()));
  }
}

TEST(Export, FaithfulExportVerifiesAndReplaysToTheSameBalances) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  const std::string bytes = ExportBytes(records);
  AuditOutcome verified = Verify(bytes);
  ASSERT_TRUE(verified.status.ok()) << verified.status.ToString();
  EXPECT_EQ(verified.records, 9u);

  std::istringstream in(bytes);
  Journal replayed;
  AuditOutcome outcome = ReplayExport(in, replayed);
  ASSERT_TRUE(outcome.status.ok()) << outcome.status.ToString();
  EXPECT_EQ(replayed.head_seq(), 9u);
  EXPECT_EQ(replayed.head_hash(), records.back().hash());
  std::vector<TrialBalance> balances = TrialBalances(replayed.state());
  ASSERT_EQ(balances.size(), 1u);
  // 1,200,000.00 + 950,000.00 of budgets, 4,250.10 of spend, 4,250.10 reversed: the spend account
  // nets to zero and A81002 carries the corrected invoice.
  EXPECT_EQ(balances[0].total_debit.ToString(), "2154250.10");
  EXPECT_EQ(balances[0].total_credit.ToString(), "2154250.10");
  EXPECT_EQ(replayed.state().balances.at(2026).at("practice:A81001:spend:ELECTIVE"), 0);
  EXPECT_EQ(replayed.state().balances.at(2026).at("practice:A81002:spend:ELECTIVE"), 425010);
}

TEST(Export, EmptyJournalVerifies) {
  AuditOutcome outcome = Verify(ExportBytes({}));
  EXPECT_TRUE(outcome.status.ok()) << outcome.status.ToString();
  EXPECT_EQ(outcome.records, 0u);
}

TEST(Export, RangeVerifiesButDoesNotReplay) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  std::vector<v1::JournalRecord> range(records.begin() + 3, records.end());
  const std::string bytes = ExportBytes(range);
  AuditOutcome verified = Verify(bytes);
  EXPECT_TRUE(verified.status.ok()) << verified.status.ToString();
  EXPECT_EQ(verified.records, 6u);
  AuditOutcome replayed = Replay(bytes);
  EXPECT_EQ(replayed.status.code(), v1::ERROR_CODE_EXPORT_MALFORMED);
  EXPECT_NE(replayed.status.message().find("starts at record 4"), std::string::npos);
}

TEST(Tamper, FlippedBodyByteIsCaughtAtItsRecord) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  std::string body = records[6].body();
  body[body.size() / 2] = static_cast<char>(body[body.size() / 2] ^ 0x01);
  records[6].set_body(body);
  ExpectFailsAt(Verify(ExportBytes(records)), 7, v1::ERROR_CODE_CHAIN_BROKEN);
  ExpectFailsAt(Replay(ExportBytes(records)), 7, v1::ERROR_CODE_CHAIN_BROKEN);
}

TEST(Tamper, FlippedByteInTheFileIsCaughtAtItsRecord) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  std::string bytes = ExportBytes(records);
  const std::size_t at = bytes.find(records[4].body());
  ASSERT_NE(at, std::string::npos);
  bytes[at + 3] = static_cast<char>(bytes[at + 3] ^ 0x20);
  AuditOutcome outcome = Verify(bytes);
  EXPECT_FALSE(outcome.status.ok());
  EXPECT_EQ(outcome.failed_seq, 5u) << outcome.status.ToString();
}

TEST(Tamper, ChangedAmountWithRecomputedHashBreaksTheNextLinkAndFailsReplay) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(records[6].body()));
  entry.mutable_postings(0)->mutable_amount()->set_value("4205.10");
  entry.mutable_postings(1)->mutable_amount()->set_value("-4205.10");
  records[6] = MakeRecord(7, records[5].hash(), entry.SerializeAsString());
  // The chain alone: record 7 now hashes correctly, so record 8 no longer follows it.
  ExpectFailsAt(Verify(ExportBytes(records)), 8, v1::ERROR_CODE_CHAIN_BROKEN);
  // Re-executing record 7 gives postings of 4,250.10, not the recorded 4,205.10.
  AuditOutcome replayed = Replay(ExportBytes(records));
  ExpectFailsAt(replayed, 7, v1::ERROR_CODE_REPLAY_MISMATCH);
  EXPECT_NE(replayed.status.message().find("4205.10"), std::string::npos);
}

TEST(Tamper, RechainedForgeryStillFailsReplay) {
  // A forger who rewrites every later hash too defeats the chain check, but not re-execution.
  std::vector<v1::JournalRecord> records = SampleRecords();
  v1::JournalEntry entry;
  ASSERT_TRUE(entry.ParseFromString(records[5].body()));
  entry.mutable_postings(1)->set_account("practice:A81003:budget:PRESCRIBING");
  std::string prev = records[4].hash();
  for (std::size_t i = 5; i < records.size(); ++i) {
    std::string body = i == 5 ? entry.SerializeAsString() : records[i].body();
    records[i] = MakeRecord(i + 1, prev, body);
    prev = records[i].hash();
  }
  EXPECT_TRUE(Verify(ExportBytes(records)).status.ok());
  ExpectFailsAt(Replay(ExportBytes(records)), 6, v1::ERROR_CODE_REPLAY_MISMATCH);
}

TEST(Tamper, RemovedRecordIsCaughtWhereItWas) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  std::vector<v1::JournalRecord> removed = records;
  removed.erase(removed.begin() + 3);  // Record 4.
  // The forger's header matches the shorter file; the gap is still found.
  std::string bytes = ExportBytes(removed);
  std::istringstream in(bytes);
  AuditOutcome outcome = VerifyExport(in);
  ExpectFailsAt(outcome, 4, v1::ERROR_CODE_CHAIN_BROKEN);
  EXPECT_NE(outcome.status.message().find("found sequence number 5 where 4 should follow 3"),
            std::string::npos)
      << outcome.status.message();
}

TEST(Tamper, RemovedLastRecordIsCaughtByTheHeader) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  std::vector<v1::JournalRecord> shorter(records.begin(), records.end() - 1);
  // The original header promises 9 records; only 8 follow it.
  std::ostringstream out;
  ExportWriter writer(out);
  ASSERT_TRUE(writer.WriteHeader(MakeExportHeader(1, 9, GenesisHash(), records.back().hash())).ok());
  for (const auto& record : shorter) ASSERT_TRUE(writer.WriteRecord(record).ok());
  ExpectFailsAt(Verify(out.str()), 9, v1::ERROR_CODE_EXPORT_MALFORMED);
}

TEST(Tamper, SwappedRecordsAreCaughtAtTheFirst) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  std::swap(records[2], records[3]);
  ExpectFailsAt(Verify(ExportBytes(records)), 3, v1::ERROR_CODE_CHAIN_BROKEN);
  ExpectFailsAt(Replay(ExportBytes(records)), 3, v1::ERROR_CODE_CHAIN_BROKEN);
}

TEST(Tamper, TruncatedFileIsCaughtAtTheCutRecord) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  const std::string bytes = ExportBytes(records);
  // Cut inside the last record.
  ExpectFailsAt(Verify(bytes.substr(0, bytes.size() - 10)), 9, v1::ERROR_CODE_EXPORT_MALFORMED);
  // Cut inside the header.
  AuditOutcome header_cut = Verify(bytes.substr(0, 5));
  EXPECT_EQ(header_cut.status.code(), v1::ERROR_CODE_EXPORT_MALFORMED);
  EXPECT_EQ(header_cut.failed_seq, 0u);
  // Nothing at all.
  AuditOutcome empty = Verify("");
  EXPECT_EQ(empty.status.code(), v1::ERROR_CODE_EXPORT_MALFORMED);
  EXPECT_NE(empty.status.message().find("the file is empty"), std::string::npos);
}

TEST(Tamper, ForgedHeaderIsCaught) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  {
    std::ostringstream out;
    ExportWriter writer(out);
    std::string wrong_head = records.back().hash();
    wrong_head[0] = static_cast<char>(wrong_head[0] ^ 1);
    ASSERT_TRUE(writer.WriteHeader(MakeExportHeader(1, 9, GenesisHash(), wrong_head)).ok());
    for (const auto& record : records) ASSERT_TRUE(writer.WriteRecord(record).ok());
    AuditOutcome outcome = Verify(out.str());
    ExpectFailsAt(outcome, 9, v1::ERROR_CODE_EXPORT_MALFORMED);
    EXPECT_NE(outcome.status.message().find("head hash"), std::string::npos);
  }
  {
    v1::ExportHeader header = MakeExportHeader(1, 9, GenesisHash(), records.back().hash());
    header.set_record_count(10);
    std::ostringstream out;
    ExportWriter writer(out);
    ASSERT_TRUE(writer.WriteHeader(header).ok());
    AuditOutcome outcome = Verify(out.str());
    EXPECT_EQ(outcome.status.code(), v1::ERROR_CODE_EXPORT_MALFORMED);
    EXPECT_NE(outcome.status.message().find("do not agree"), std::string::npos);
  }
  {
    v1::ExportHeader header = MakeExportHeader(1, 9, GenesisHash(), records.back().hash());
    header.set_format("someone-elses-format");
    std::ostringstream out;
    ExportWriter writer(out);
    ASSERT_TRUE(writer.WriteHeader(header).ok());
    EXPECT_NE(Verify(out.str()).status.message().find("not an lcpledger export"),
              std::string::npos);
  }
}

TEST(Tamper, WholeJournalMustStartFromGenesis) {
  // Records that chain among themselves from an invented starting hash are not a whole journal.
  std::vector<v1::JournalRecord> records;
  std::string prev(32, 'X');
  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    records.push_back(MakeRecord(seq, prev, "body " + std::to_string(seq)));
    prev = records.back().hash();
  }
  AuditOutcome outcome = Verify(ExportBytes(records));
  EXPECT_EQ(outcome.status.code(), v1::ERROR_CODE_EXPORT_MALFORMED);
  EXPECT_NE(outcome.status.message().find("must start from the genesis hash"), std::string::npos)
      << outcome.status.message();
}

TEST(Tamper, ExtraRecordBeyondTheHeaderIsCaught) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  std::ostringstream out;
  ExportWriter writer(out);
  ASSERT_TRUE(writer.WriteHeader(MakeExportHeader(1, 8, GenesisHash(), records[7].hash())).ok());
  for (const auto& record : records) ASSERT_TRUE(writer.WriteRecord(record).ok());
  ExpectFailsAt(Verify(out.str()), 9, v1::ERROR_CODE_EXPORT_MALFORMED);
}

TEST(Tamper, AbsurdSizePrefixIsRefusedWithoutReadingIt) {
  std::string bytes = ExportBytes(SampleRecords());
  // Append a record whose size prefix claims 2^28 bytes.
  bytes += std::string("\x80\x80\x80\x80\x01", 5);
  AuditOutcome outcome = Verify(bytes);
  ExpectFailsAt(outcome, 10, v1::ERROR_CODE_EXPORT_MALFORMED);
  EXPECT_NE(outcome.status.message().find("268435456 bytes"), std::string::npos)
      << outcome.status.message();
}

TEST(Tamper, UnparsableBodyWithValidHashIsCorrupt) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  records.push_back(MakeRecord(10, records.back().hash(), std::string("\xff\xff\xff", 3)));
  // The chain alone holds (the forger hashed the garbage), but the body is no journal entry: verify
  // and re-execution both name the record.
  ExpectFailsAt(Verify(ExportBytes(records)), 10, v1::ERROR_CODE_RECORD_CORRUPT);
  ExpectFailsAt(Replay(ExportBytes(records)), 10, v1::ERROR_CODE_RECORD_CORRUPT);
}

// A month close whose checkpoint names another head than the record before it fails verify at that
// record, even when the forger recomputed every hash after it.
TEST(Tamper, ACheckpointNamingAnotherHeadFailsVerify) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  v1::JournalEntry close;
  close.mutable_command()->mutable_close_month()->mutable_period()->set_year("2026/27");
  close.mutable_command()->mutable_close_month()->mutable_period()->set_month("M01");
  close.mutable_checkpoint()->set_seq(9);
  close.mutable_checkpoint()->set_hash(records[7].hash());  // Entry 8's, not 9's.
  records.push_back(MakeRecord(10, records.back().hash(), close.SerializeAsString()));
  const AuditOutcome outcome = Verify(ExportBytes(records));
  ExpectFailsAt(outcome, 10, v1::ERROR_CODE_CHAIN_BROKEN);
  EXPECT_TRUE(outcome.status.message().starts_with(
      "record 10: its month-close checkpoint names entry 9 with hash "))
      << outcome.status.message();
  // Named rightly, it verifies, and is counted.
  close.mutable_checkpoint()->set_hash(records[8].hash());
  records.back() = MakeRecord(10, records[8].hash(), close.SerializeAsString());
  const AuditOutcome good = Verify(ExportBytes(records));
  ASSERT_TRUE(good.status.ok()) << good.status.ToString();
  EXPECT_EQ(good.checkpoints, 1u);
}

// A month close without a checkpoint fails verify at that record, though its chain holds.
TEST(Tamper, AMonthCloseWithoutACheckpointFailsVerify) {
  std::vector<v1::JournalRecord> records = SampleRecords();
  v1::JournalEntry close;
  close.mutable_command()->mutable_close_month()->mutable_period()->set_year("2026/27");
  close.mutable_command()->mutable_close_month()->mutable_period()->set_month("M01");
  records.push_back(MakeRecord(10, records.back().hash(), close.SerializeAsString()));
  const AuditOutcome outcome = Verify(ExportBytes(records));
  ExpectFailsAt(outcome, 10, v1::ERROR_CODE_CHAIN_BROKEN);
  EXPECT_EQ(outcome.status.message(),
            "record 10: it closes a month but records no checkpoint of the chain head");
}

// Corrupt exports of every kind are refused with a clear code, never a crash, and never pass: seeded
// random byte flips, insertions, deletions and truncations of a real export.
TEST(Tamper, RandomCorruptionsNeverPassAndNeverCrash) {
  const std::string original = ExportBytes(SampleRecords());
  std::mt19937_64 random(20261123);
  int refused = 0;
  int unchanged = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = original;
    std::uniform_int_distribution<std::size_t> position(0, bytes.size() - 1);
    switch (round % 4) {
      case 0: {
        const std::size_t at = position(random);
        bytes[at] = static_cast<char>(bytes[at] ^ static_cast<char>(1 + random() % 255));
        break;
      }
      case 1:
        bytes.insert(position(random), 1, static_cast<char>(random() % 256));
        break;
      case 2:
        bytes.erase(position(random), 1 + random() % 8);
        break;
      case 3:
        bytes.resize(position(random));
        break;
    }
    if (bytes == original) {
      ++unchanged;
      continue;
    }
    AuditOutcome verified = Verify(bytes);
    AuditOutcome replayed = Replay(bytes);
    ASSERT_FALSE(verified.status.ok() && replayed.status.ok()) << "round " << round;
    EXPECT_NE(replayed.status.code(), v1::ERROR_CODE_UNSPECIFIED);
    ++refused;
  }
  EXPECT_GT(refused, 2900);
  EXPECT_LT(unchanged, 100);
}


// A journal long enough that a replay hands it between its stages in many batches (more than are in
// flight at once): the standard ledger, then journals alternating between two practices, with every
// 700th amount written "12.5" (which the postings record as "12.50").
std::vector<v1::JournalRecord> LongRecords(std::size_t count) {
  std::vector<v1::JournalRecord> records;
  Journal journal;
  auto submit = [&](const v1::Command& command) { records.push_back(testing::MustSubmit(journal, command)); };
  submit(testing::RegisterPracticeCommand("A81001", "Riverside Medical Centre"));
  submit(testing::RegisterPracticeCommand("A81002", "Hillview Surgery"));
  submit(testing::RegisterProviderCommand("RX1"));
  submit(testing::OpenYearCommand("2026/27", {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}));
  while (records.size() < count) {
    const std::size_t n = records.size();
    const std::string amount = n % 700 == 0 ? "12.5" : std::to_string(1 + n % 997) + ".0" + std::to_string(n % 10);
    submit(testing::JournalCommand(
        "2026/27", "M01",
        {{n % 2 == 0 ? "practice:A81001:spend:ELECTIVE" : "practice:A81002:spend:ELECTIVE", amount},
         {"provider:RX1:payable", "-" + amount}}));
  }
  return records;
}

// The replay the staged one must agree with: one record at a time through Journal::Replay, with the
// file's own checks (the header's count and head) after the last.
AuditOutcome ReplayOneByOne(const std::string& bytes) {
  AuditOutcome outcome;
  std::istringstream in(bytes);
  ExportReader reader(in);
  Result<v1::ExportHeader> header = reader.ReadHeader();
  if (!header.ok()) {
    outcome.status = header.status();
    return outcome;
  }
  outcome.header = *header;
  if (header->record_count() != 0 && header->first_seq() != 1) {
    outcome.status = Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED, "not from record 1");
    return outcome;
  }
  Journal journal;
  std::string last_hash = header->first_prev_hash();
  while (true) {
    const std::uint64_t position = 1 + outcome.records;
    Result<std::optional<v1::JournalRecord>> next = reader.Next();
    if (!next.ok()) {
      outcome.failed_seq = position;
      outcome.status = Status::Error(next.status().code(),
                                     "record " + std::to_string(position) + ": " + next.status().message());
      return outcome;
    }
    if (!next->has_value()) break;
    if (outcome.records == header->record_count()) {
      outcome.failed_seq = position;
      outcome.status = Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED, "more records than the header");
      return outcome;
    }
    Status status = journal.Replay(**next);
    if (!status.ok()) {
      outcome.failed_seq = position;
      outcome.status = std::move(status);
      return outcome;
    }
    last_hash = (*next)->hash();
    ++outcome.records;
  }
  if (outcome.records != header->record_count()) {
    outcome.failed_seq = 1 + outcome.records;
    outcome.status = Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED, "fewer records than the header");
  } else if (last_hash != header->head_hash()) {
    outcome.failed_seq = header->last_seq();
    outcome.status = Status::Error(v1::ERROR_CODE_EXPORT_MALFORMED, "another head");
  }
  return outcome;
}

// The staged replay reports exactly what a replay record by record reports: the same record, code and
// (for failures inside a record) message, whichever of its stages finds the failure, with failures
// placed in the first batch, in the middle and near the end of a long journal.
TEST(StagedReplay, ReportsTheFirstFailureAsARecordByRecordReplayDoes) {
  const std::vector<v1::JournalRecord> records = LongRecords(5000);
  const std::string original = ExportBytes(records);
  {
    const AuditOutcome staged = Replay(original);
    ASSERT_TRUE(staged.status.ok()) << staged.status.ToString();
    EXPECT_EQ(staged.records, 5000u);
  }
  // Re-chains records[at..] after `replace` changed them, so that only re-execution can tell.
  auto rechain = [](std::vector<v1::JournalRecord> changed, std::size_t at) {
    for (std::size_t i = at; i < changed.size(); ++i) {
      changed[i] = MakeRecord(changed[i].seq(), i == 0 ? GenesisHash() : changed[i - 1].hash(),
                              changed[i].body());
    }
    return changed;
  };
  auto with_body = [&](std::vector<v1::JournalRecord> changed, std::size_t at, const std::string& body) {
    changed[at].set_body(body);
    return changed;
  };
  auto amount_changed = [&](std::size_t at) {
    v1::JournalEntry entry;
    EXPECT_TRUE(entry.ParseFromString(records[at].body()));
    entry.mutable_postings(0)->mutable_amount()->set_value("999.99");
    return entry.SerializeAsString();
  };
  auto principal_changed = [&](std::size_t at) {
    v1::JournalEntry entry;
    EXPECT_TRUE(entry.ParseFromString(records[at].body()));
    entry.mutable_actor()->set_role(v1::ROLE_PRACTICE);
    entry.mutable_actor()->set_practice_ods_code("A81001");
    return entry.SerializeAsString();
  };
  struct Case {
    std::string name;
    std::string bytes;
    std::uint64_t failed_seq;
    ErrorCode code;
  };
  std::vector<Case> cases;
  for (std::size_t at : {std::size_t{6}, std::size_t{1500}, std::size_t{4990}}) {
    const std::string where = " at " + std::to_string(at + 1);
    // The engine finds it (postings differ), the checker finds it (a practice may not post
    // journals), the reader finds it (the link after an altered body).
    cases.push_back({"amount rechained" + where,
                     ExportBytes(rechain(with_body(records, at, amount_changed(at)), at)), at + 1,
                     v1::ERROR_CODE_REPLAY_MISMATCH});
    cases.push_back({"principal rechained" + where,
                     ExportBytes(rechain(with_body(records, at, principal_changed(at)), at)), at + 1,
                     v1::ERROR_CODE_REPLAY_MISMATCH});
    cases.push_back({"amount not rechained" + where, ExportBytes(with_body(records, at, amount_changed(at))),
                     at + 1, v1::ERROR_CODE_CHAIN_BROKEN});
    cases.push_back({"garbage rechained" + where,
                     ExportBytes(rechain(with_body(records, at, "\xff\xff"), at)), at + 1,
                     v1::ERROR_CODE_RECORD_CORRUPT});
  }
  // Two failures: the earlier wins, whichever stage finds each. An engine failure at 2000 and a
  // checker failure at 2001; a reader failure at 3001 (its body altered, its hash not) and an engine
  // failure at 3002.
  {
    auto changed = with_body(records, 2000, principal_changed(2000));
    changed = with_body(changed, 1999, amount_changed(1999));
    cases.push_back({"engine before checker", ExportBytes(rechain(changed, 1999)), 2000,
                     v1::ERROR_CODE_REPLAY_MISMATCH});
    auto chained = rechain(with_body(records, 3001, amount_changed(3001)), 3001);
    chained[3000].set_body(amount_changed(3000));
    cases.push_back({"reader before engine", ExportBytes(chained), 3001, v1::ERROR_CODE_CHAIN_BROKEN});
  }
  // The file's own checks after the last record: a header that promises one record more.
  {
    std::ostringstream out;
    ExportWriter writer(out);
    ASSERT_TRUE(writer.WriteHeader(MakeExportHeader(1, 5001, GenesisHash(), records.back().hash())).ok());
    for (const v1::JournalRecord& record : records) ASSERT_TRUE(writer.WriteRecord(record).ok());
    ASSERT_TRUE(writer.Finish().ok());
    cases.push_back({"a header for one record more", out.str(), 5001, v1::ERROR_CODE_EXPORT_MALFORMED});
  }
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const AuditOutcome staged = Replay(c.bytes);
    const AuditOutcome reference = ReplayOneByOne(c.bytes);
    ExpectFailsAt(staged, c.failed_seq, c.code);
    if (c.failed_seq != 5001) {
      EXPECT_EQ(staged.status.message(), reference.status.message());
    }
    EXPECT_EQ(staged.status.code(), reference.status.code()) << staged.status.ToString();
    EXPECT_EQ(staged.failed_seq, reference.failed_seq) << staged.status.ToString();
    EXPECT_EQ(staged.records, reference.records);
  }
}

// Random damage to a long export: the staged replay stops where a record-by-record replay stops,
// with the same code, and never hangs or crashes however early a later stage stops the others.
TEST(StagedReplay, AgreesWithARecordByRecordReplayOnRandomDamage) {
  const std::string original = ExportBytes(LongRecords(3000));
  std::mt19937_64 random(20261204);
  for (int round = 0; round < 120; ++round) {
    std::string bytes = original;
    std::uniform_int_distribution<std::size_t> position(0, bytes.size() - 1);
    switch (round % 3) {
      case 0: {
        const std::size_t at = position(random);
        bytes[at] = static_cast<char>(bytes[at] ^ static_cast<char>(1 + random() % 255));
        break;
      }
      case 1:
        bytes.erase(position(random), 1 + random() % 400);
        break;
      case 2:
        bytes.resize(position(random));
        break;
    }
    SCOPED_TRACE("round " + std::to_string(round));
    const AuditOutcome staged = Replay(bytes);
    const AuditOutcome reference = ReplayOneByOne(bytes);
    EXPECT_EQ(staged.status.code(), reference.status.code()) << staged.status.ToString();
    EXPECT_EQ(staged.failed_seq, reference.failed_seq) << staged.status.ToString();
    EXPECT_EQ(staged.records, reference.records);
  }
}

// A forged file of large records with valid hashes cannot make a replay or a verify hold it all in
// memory: the reader stops reading ahead at a bound of bytes, not only of records. 300 records of
// 1 MiB whose bodies are no journal entries: both fail at record 1, and the process's peak memory
// grows by far less than the file.
TEST(StagedReplay, BoundsTheBytesItReadsAhead) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("lcp-chain-export-test-" + std::to_string(::getpid()) + ".lcpx");
  constexpr std::uint64_t kRecords = 300;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    ExportWriter writer(out);
    const std::string body(1 << 20, '\xff');
    std::string prev = GenesisHash();
    std::vector<std::string> hashes;
    for (std::uint64_t seq = 1; seq <= kRecords; ++seq) {
      prev = ChainHash(prev, body);
      hashes.push_back(prev);
    }
    ASSERT_TRUE(writer.WriteHeader(MakeExportHeader(1, kRecords, GenesisHash(), hashes.back())).ok());
    prev = GenesisHash();
    for (std::uint64_t seq = 1; seq <= kRecords; ++seq) {
      v1::JournalRecord record = MakeRecord(seq, prev, body);
      prev = record.hash();
      ASSERT_TRUE(writer.WriteRecord(record).ok());
    }
    ASSERT_TRUE(writer.Finish().ok());
  }
  auto peak_mib = [] {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;  // Linux gives KiB.
  };
  const long before = peak_mib();
  {
    std::ifstream in(path, std::ios::binary);
    Journal journal;
    ExpectFailsAt(ReplayExport(in, journal), 1, v1::ERROR_CODE_RECORD_CORRUPT);
  }
  {
    std::ifstream in(path, std::ios::binary);
    ExpectFailsAt(VerifyExport(in), 1, v1::ERROR_CODE_RECORD_CORRUPT);
  }
  const long grown = peak_mib() - before;
  std::filesystem::remove(path);
#if defined(__SANITIZE_THREAD__)
  (void)grown;  // ThreadSanitizer's shadow memory multiplies what the process holds; no bound here.
#else
  EXPECT_LT(grown, 160) << "MiB; the file is " << kRecords << " MiB";
#endif
}

// The walk names the first unknown field in declaration order, whatever kind of field holds it: here
// the bands (field 3) before the cap (field 4), and the threshold (field 1) before both.
TEST(UnknownFields, TheWalkNamesTheFirstInDeclarationOrder) {
  v1::ShareTerms terms;
  terms.add_bands()->mutable_lcp_rate()->set_value("1");
  terms.mutable_bands(0)->GetReflection()->MutableUnknownFields(terms.mutable_bands(0))->AddVarint(77, 1);
  terms.mutable_cap()->GetReflection()->MutableUnknownFields(terms.mutable_cap())->AddVarint(88, 1);
  EXPECT_EQ(UnknownFieldPath(terms), "field 77 of lcp.v1.ShareBand");
  terms.mutable_threshold()->GetReflection()->MutableUnknownFields(terms.mutable_threshold())->AddVarint(66, 1);
  EXPECT_EQ(UnknownFieldPath(terms), "field 66 of lcp.v1.Decimal");
  terms.clear_threshold();
  terms.clear_bands();
  EXPECT_EQ(UnknownFieldPath(terms), "field 88 of lcp.v1.Decimal");
  terms.clear_cap();
  EXPECT_EQ(UnknownFieldPath(terms), "");
}

// The check of a stored body for fields this ledger never writes reads the bytes without parsing
// them; it must answer exactly as the walk of the parsed message does, for known fields, unknown ones
// at any depth, known numbers arriving with another wire type, and bytes that are barely a message.
TEST(UnknownFields, TheScanOfTheBytesNeverMissesWhatTheWalkOfTheParsedEntryFinds) {
  std::vector<std::string> bodies;
  for (const v1::JournalRecord& record : SampleRecords()) bodies.push_back(record.body());
  // Encodings of a field: tag (number << 3 | wire type) then a payload of that wire type.
  auto varint = [](std::uint64_t value) {
    std::string out;
    while (value >= 0x80) {
      out += static_cast<char>((value & 0x7F) | 0x80);
      value >>= 7;
    }
    out += static_cast<char>(value);
    return out;
  };
  auto field = [&](std::uint64_t number, int wire_type) {
    std::string out = varint(number << 3 | static_cast<std::uint64_t>(wire_type));
    switch (wire_type) {
      case 0: return out + varint(300);
      case 1: return out + std::string(8, 'x');
      case 5: return out + std::string(4, 'y');
      default: return out + varint(3) + "abc";
    }
  };
  // Known: every top-level field of the entry as it is. Unknown: a number the entry lacks, at the top
  // and inside a posting's amount; a known number with another wire type; a two-byte tag.
  const std::string base = bodies[6];  // An invoice: a journal with two postings.
  v1::JournalEntry parsed;
  ASSERT_TRUE(parsed.ParseFromString(base));
  std::vector<std::pair<std::string, bool>> cases = {
      {base, false},
      {base + field(99, 0), true},
      {base + field(99, 2), true},
      {base + field(4, 0), true},   // idempotency_key (a string) as a varint.
      {base + field(4, 2), false},  // ... and as what it is: a later value replaces the first.
      {base + field(20000, 5), true},
      {base + field(1, 5), true},
  };
  // A posting whose amount (a Decimal) carries an unknown field 7, three messages deep.
  {
    v1::JournalEntry entry = parsed;
    std::string amount = entry.postings(0).amount().SerializeAsString() + field(7, 0);
    v1::Posting posting = entry.postings(0);
    posting.clear_amount();
    std::string posting_bytes = posting.SerializeAsString() + varint(2 << 3 | 2) + varint(amount.size()) + amount;
    entry.clear_postings();
    std::string bytes = entry.SerializeAsString() + varint(6 << 3 | 2) + varint(posting_bytes.size()) + posting_bytes;
    cases.emplace_back(bytes, true);
  }
  for (const auto& [bytes, unknown] : cases) {
    v1::JournalEntry entry;
    ASSERT_TRUE(entry.ParseFromString(bytes));
    EXPECT_EQ(!UnknownFieldPath(entry).empty(), unknown) << ToHex(bytes);
    EXPECT_EQ(EntryBodyHasUnknownFields(bytes), unknown) << ToHex(bytes);
  }
  // The one way the two differ: a command naming one kind with an unknown field in it, then another
  // kind, which replaces the first as protobuf parses. The bytes hold an unknown field; the parsed
  // entry does not, and the replay's check (which confirms the scan with the walk) lets it through.
  {
    const std::string practice_with_unknown = field(99, 0);
    const std::string command = varint(1 << 3 | 2) + varint(practice_with_unknown.size()) +
                                practice_with_unknown + varint(19 << 3 | 2) + varint(0);
    v1::Command kinds;
    ASSERT_TRUE(kinds.ParseFromString(command));
    ASSERT_NE(kinds.kind_case(), v1::Command::kRegisterPractice);
    const std::string bytes = varint(1 << 3 | 2) + varint(command.size()) + command;
    v1::JournalEntry entry;
    ASSERT_TRUE(entry.ParseFromString(bytes));
    EXPECT_TRUE(UnknownFieldPath(entry).empty());
    EXPECT_TRUE(EntryBodyHasUnknownFields(bytes));
  }
  // Random damage to every body: wherever the damaged bytes still parse, the two agree. (Protobuf
  // logs each string it refuses as invalid UTF-8; those bodies do not parse and are not counted.)
  google::protobuf::LogSilencer quiet;
  std::mt19937_64 random(4242);
  int parsed_count = 0;
  int with_unknown = 0;
  int scan_agrees = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string bytes = bodies[static_cast<std::size_t>(round) % bodies.size()];
    const int changes = 1 + static_cast<int>(random() % 3);
    for (int k = 0; k < changes; ++k) {
      std::uniform_int_distribution<std::size_t> position(0, bytes.size() - 1);
      switch (random() % 4) {
        case 0: bytes[position(random)] = static_cast<char>(random()); break;
        case 1: bytes.insert(position(random), 1, static_cast<char>(random())); break;
        case 2: bytes.erase(position(random), 1); break;
        case 3: bytes += field(1 + random() % 40, static_cast<int>(std::array{0, 1, 2, 5}[random() % 4])); break;
      }
      if (bytes.empty()) bytes = "x";
    }
    v1::JournalEntry entry;
    if (!entry.ParseFromString(bytes)) continue;
    ++parsed_count;
    const bool unknown = !UnknownFieldPath(entry).empty();
    with_unknown += unknown;
    // Never a miss: where the walk finds an unknown field, so does the scan (which a replay then
    // confirms with the walk).
    if (unknown) {
      ASSERT_TRUE(EntryBodyHasUnknownFields(bytes)) << "round " << round << ": " << ToHex(bytes);
    }
    scan_agrees += EntryBodyHasUnknownFields(bytes) == unknown;
  }
  // Both kinds were seen often enough to mean something.
  EXPECT_GT(parsed_count, 3000);
  EXPECT_GT(with_unknown, 1000);
  EXPECT_GT(parsed_count - with_unknown, 500);
  // And almost always both say the same; a difference needs a replaced oneof member.
  EXPECT_GT(scan_agrees, parsed_count * 99 / 100);
}

}  // namespace
}  // namespace lcp

// Risk sharing end to end through the real lcp-ledgerd and lcp: DOMAIN.md's worked examples (1 as the
// books stand, 2 as a what-if on them), a what-if that leaves the chain head where it was, months
// closed in order, a correction naming the entry it corrects, the refusals of an early settlement and
// of anything after it, and the settlement's postings. Then the auditor's side: the year exported
// with lcp export, and lcp-audit's verify, replay (whose figures must equal the server's, byte for
// byte) and diff against an earlier export.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "lcp/v1/ledger_service.pb.h"
#include "tests/process.h"
#include "tests/service_fixture.h"

namespace lcp {
namespace {

using testing::Run;
using testing::RunResult;
using testing::ServerProcess;
using testing::TempDir;

RunResult Lcp(const ServerProcess& server, std::vector<std::string> args) {
  args.insert(args.begin(), {"--server", server.address()});
  return Run(LCP_CLI_PATH, args);
}

void MustRun(const ServerProcess& server, const std::vector<std::string>& args) {
  RunResult result = Lcp(server, args);
  ASSERT_EQ(result.exit_code, 0) << result.err;
}

v1::GetRiskShareResponse Share(const ServerProcess& server, std::vector<std::string> args) {
  args.insert(args.begin(), {"--output", "json", "share"});
  RunResult result = Lcp(server, args);
  EXPECT_EQ(result.exit_code, 0) << result.err;
  v1::GetRiskShareResponse response;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(result.out, &response).ok()) << result.out;
  return response;
}

RunResult Audit(const std::vector<std::string>& args) { return Run(LCP_AUDIT_PATH, args); }

// The hash of entry `seq`, in hexadecimal, as lcp entry prints it.
std::string ToHexOfEntry(const ServerProcess& server, std::uint64_t seq) {
  const RunResult entry = Lcp(server, {"entry", std::to_string(seq)});
  const std::size_t at = entry.out.find("\n  hash ");
  EXPECT_NE(at, std::string::npos) << entry.out;
  const std::size_t start = entry.out.find_first_not_of(' ', at + 8);
  return entry.out.substr(start, 64);
}

std::vector<std::string> MemberShares(const v1::GetRiskShareResponse& response) {
  std::vector<std::string> shares;
  for (const v1::MemberRiskShare& member : response.members()) {
    shares.push_back(member.ods_code() + " " + member.share().value());
  }
  return shares;
}

// Weights for `line`: every band of the example file at 1 except those in `special`.
std::string WriteWeights(const std::filesystem::path& dir, const std::string& line,
                         const std::map<std::string, std::string>& special) {
  std::ifstream in(LCP_SOURCE_DIR "/docs/examples/weights-prescribing.csv");
  const auto path = dir / ("weights-" + line + ".csv");
  std::ofstream out(path);
  std::string text;
  std::getline(in, text);
  out << text << "\n";
  while (std::getline(in, text)) {
    const std::string band = text.substr(0, text.find(','));
    const auto weight = special.find(band);
    out << band << "," << (weight == special.end() ? "1" : weight->second) << "\n";
  }
  return path.string();
}

// The worked examples' agreement, proposed (6) and co-signed (7) before anything is posted, then
// worked example 1's books by the agreed method: each practice has 1,000 patients, all in one band
// of its own (A81001 FEMALE_0_4, A81002 FEMALE_5_9, A81003 FEMALE_10_14), weighted 6 / 5 / 4 for
// ELECTIVE and 2 / 2 / 1 for PRESCRIBING (entries 8 and 9; the lists are 10-12), so the confirmed
// totals 7,500,000 (13) and 2,500,000 (14), run as indicative notices (15 and 16), give budgets
// 4,000,000 / 3,500,000 / 2,500,000 exactly; then outturns 3,800,000 / 3,550,000 / 2,350,000 on
// ELECTIVE and PRESCRIBING (entry 17).
void SetUpWorkedExample(const ServerProcess& server, const std::filesystem::path& dir) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"practice", "add", "A81001", "Riverside Medical Centre"},
        {"practice", "add", "A81002", "Hillview Surgery"},
        {"practice", "add", "A81003", "Park Lane Practice"},
        {"provider", "add", "RX1", "Riverside Hospitals", "--kind", "foundation_trust"},
        {"year", "open", "2026/27", "ELECTIVE", "PRESCRIBING", "COMMUNITY"},
        {"--as", "officer", "agreement", "propose", "--year", "2026/27", "--pooled",
         "ELECTIVE,PRESCRIBING", "--savings-threshold", "0.01", "--savings-mode", "first_pound",
         "--savings-bands", "0.70", "--savings-cap", "0.05", "--overspend-threshold", "0",
         "--overspend-mode", "first_pound", "--overspend-bands", "0.02:1.00,0.05:0.50,0.00",
         "--overspend-cap", "0.03", "--alpha-budget", "0.5", "--alpha-contribution", "0.5"}}) {
    MustRun(server, args);
  }
  // The proposer cannot co-sign, even as the insecure local administrator.
  RunResult own = Lcp(server, {"--as", "officer", "agreement", "cosign", "--year", "2026/27",
                               "--proposal", "6"});
  EXPECT_EQ(own.exit_code, 1);
  EXPECT_NE(own.err.find("ERROR_CODE_COSIGNER_IS_PROPOSER: the proposal at entry 6 was made by "
                         "local-admin/officer"),
            std::string::npos)
      << own.err;
  const auto lists = dir / "lists.csv";
  {
    std::ofstream out(lists);
    out << "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,"
           "NUMBER_OF_PATIENTS\n";
    // Every band of every practice has a row, 0 but for the practice's own band.
    for (const auto& [ods, own_band] : std::vector<std::pair<std::string, std::string>>{
             {"A81001", "FEMALE_0_4"}, {"A81002", "FEMALE_5_9"}, {"A81003", "FEMALE_10_14"}}) {
      std::ifstream bands(LCP_SOURCE_DIR "/docs/examples/weights-prescribing.csv");
      std::string text;
      std::getline(bands, text);  // band,weight
      while (std::getline(bands, text)) {
        const std::string band = text.substr(0, text.find(','));
        const std::size_t sex_end = band.find('_');
        out << "General Practice,01MAR2026,GP," << ods << ",E38000051,TS18 1HU,"
            << band.substr(0, sex_end) << "," << band.substr(sex_end + 1) << ","
            << (band == own_band ? "1000" : "0") << "\n";
      }
    }
  }
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--as", "pct", "agreement", "cosign", "--year", "2026/27",
                                 "--proposal", "6"},
        {"capitation", "weights",
         WriteWeights(dir, "ELECTIVE",
                      {{"FEMALE_0_4", "6"}, {"FEMALE_5_9", "5"}, {"FEMALE_10_14", "4"}}),
         "--year", "2026/27", "--line", "ELECTIVE"},
        {"capitation", "weights",
         WriteWeights(dir, "PRESCRIBING",
                      {{"FEMALE_0_4", "2"}, {"FEMALE_5_9", "2"}, {"FEMALE_10_14", "1"}}),
         "--year", "2026/27", "--line", "PRESCRIBING"},
        {"capitation", "lists", lists.string()},
        {"budget", "confirm-total", "--year", "2026/27", "--line", "ELECTIVE", "--total",
         "7500000"},
        {"budget", "confirm-total", "--year", "2026/27", "--line", "PRESCRIBING", "--total",
         "2500000"},
        {"capitation", "run", "--year", "2026/27", "--month", "M01", "--line", "ELECTIVE",
         "--indicative"},
        {"capitation", "run", "--year", "2026/27", "--month", "M01", "--line", "PRESCRIBING",
         "--indicative"},
        {"journal", "post", "--year", "2026/27", "--month", "M02", "--narrative", "Invoices",
         "practice:A81001:spend:ELECTIVE=2900000", "practice:A81001:spend:PRESCRIBING=900000",
         "practice:A81002:spend:ELECTIVE=2600000", "practice:A81002:spend:PRESCRIBING=950000",
         "practice:A81003:spend:ELECTIVE=1850000", "practice:A81003:spend:PRESCRIBING=500000",
         "provider:RX1:payable=-9700000"}}) {
    MustRun(server, args);
  }
  // The budgets are the worked example's, to the penny.
  RunResult budgets = Lcp(server, {"balances", "--prefix", "practice:", "--year", "2026/27"});
  for (const char* line : {"2026/27   practice:A81001:budget:ELECTIVE             3000000.00\n",
                           "2026/27   practice:A81001:budget:PRESCRIBING          1000000.00\n",
                           "2026/27   practice:A81002:budget:ELECTIVE             2500000.00\n",
                           "2026/27   practice:A81002:budget:PRESCRIBING          1000000.00\n",
                           "2026/27   practice:A81003:budget:ELECTIVE             2000000.00\n",
                           "2026/27   practice:A81003:budget:PRESCRIBING           500000.00\n"}) {
    EXPECT_NE(budgets.out.find(line), std::string::npos) << line << "\n" << budgets.out;
  }
}

TEST(RiskSharingEndToEnd, TheWorkedExamplesProjectedAsWhatIfsAndSettled) {
  TempDir dir;
  ServerProcess server(LCP_LEDGERD_PATH, dir.path() / "data");
  ASSERT_TRUE(server.started()) << server.Log();
  SetUpWorkedExample(server, dir.path());

  // Worked example 1, projected (no commitments, so the outturn is the actual spend).
  const v1::GetRiskShareResponse savings = Share(server, {});
  EXPECT_EQ(savings.pooled_budget().value(), "10000000.00");
  EXPECT_EQ(savings.outturn().value(), "9700000.00");
  EXPECT_EQ(savings.variance().value(), "300000.00");
  EXPECT_EQ(savings.side(), v1::RISK_SIDE_SAVINGS);
  EXPECT_EQ(savings.threshold_amount().value(), "100000.00");
  EXPECT_TRUE(savings.threshold_met());
  EXPECT_EQ(savings.cap_amount().value(), "500000.00");
  EXPECT_FALSE(savings.cap_binds());
  EXPECT_EQ(savings.lcp_amount().value(), "210000.00");
  EXPECT_EQ(savings.pct_amount().value(), "90000.00");
  EXPECT_EQ(savings.budget_part().value(), "105000.00");
  EXPECT_EQ(savings.contribution_part().value(), "105000.00");
  EXPECT_EQ(MemberShares(savings), (std::vector<std::string>{"A81001 102000.00", "A81002 36750.00",
                                                             "A81003 71250.00"}));
  EXPECT_EQ(savings.members(1).contribution_share().value(), "0.00");

  // Worked example 2 as a what-if: 900,000.00 more spend makes outturns 4.3 / 3.7 / 2.6 million.
  const RunResult head = Lcp(server, {"head"});
  const v1::GetRiskShareResponse overspend =
      Share(server, {"--what-if", "A81001:ELECTIVE=+500000", "--what-if", "A81002:PRESCRIBING=+150000",
                     "--what-if", "a81003:elective=+250000.00"});
  EXPECT_EQ(overspend.what_if_total().value(), "900000.00");
  EXPECT_EQ(overspend.variance().value(), "-600000.00");
  EXPECT_EQ(overspend.side(), v1::RISK_SIDE_OVERSPEND);
  ASSERT_EQ(overspend.bands_size(), 3);
  EXPECT_EQ(overspend.bands(0).lcp_amount().value(), "200000.00");
  EXPECT_EQ(overspend.bands(1).lcp_amount().value(), "150000.00");
  EXPECT_EQ(overspend.bands(2).lcp_amount().value(), "0.00");
  EXPECT_EQ(overspend.lcp_share_uncapped().value(), "350000.00");
  EXPECT_TRUE(overspend.cap_binds());
  EXPECT_EQ(overspend.lcp_amount().value(), "300000.00");
  EXPECT_EQ(overspend.pct_amount().value(), "300000.00");
  EXPECT_EQ(MemberShares(overspend), (std::vector<std::string>{"A81001 135000.00", "A81002 102500.00",
                                                               "A81003 62500.00"}));
  // The what-if posted nothing: the head is where it was, and the plain projection is unchanged.
  EXPECT_EQ(Lcp(server, {"head"}).out, head.out);
  EXPECT_EQ(Share(server, {}).variance().value(), "300000.00");

  // The explanation a practice reads names every step.
  RunResult explained = Lcp(server, {"share", "--practice", "A81001", "--explain"});
  ASSERT_EQ(explained.exit_code, 0) << explained.err;
  for (const char* step :
       {" 4. Threshold: t = 0.01, t x B = 100000.00; |V| = 300000.00 is at least that: met\n",
        "      band 1, 0.00 and above: 300000.00 x LCP 0.70 = 210000.00\n",
        " 7. Cap: c = 0.05, c x B = 500000.00; does not bind\n",
        "      budget part:       4000000.00 / 10000000.00 of 105000.00 = 42000.00\n",
        "      contribution part: 200000.00 / 350000.00 of 105000.00 = 60000.00\n",
        "      share: 102000.00 (kept for reinvestment)\n"}) {
    EXPECT_NE(explained.out.find(step), std::string::npos) << step << explained.out;
  }

  // Months close in order; nothing goes into a closed month; a correction names the entry.
  MustRun(server, {"month", "close", "--month", "M01"});
  MustRun(server, {"month", "close", "--month", "M02"});
  RunResult closed = Lcp(server, {"journal", "post", "--year", "2026/27", "--month", "M02",
                                  "--narrative", "Moved", "practice:A81001:spend:ELECTIVE=-100",
                                  "practice:A81002:spend:ELECTIVE=100"});
  EXPECT_EQ(closed.exit_code, 1);
  EXPECT_NE(closed.err.find("ERROR_CODE_MONTH_CLOSED: 2026/27 M02 is closed"), std::string::npos)
      << closed.err;
  MustRun(server, {"journal", "post", "--year", "2026/27", "--month", "M03", "--narrative",
                   "Invoice 17 was Hillview's", "--corrects", "17",
                   "practice:A81001:spend:ELECTIVE=-100", "practice:A81002:spend:ELECTIVE=100"});
  for (const char* month : {"M03", "M04", "M05", "M06", "M07", "M08", "M09", "M10", "M11"}) {
    MustRun(server, {"month", "close", "--month", month});
  }
  RunResult early = Lcp(server, {"year", "settle", "--year", "2026/27"});
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_NE(early.err.find("ERROR_CODE_YEAR_NOT_CLOSED: 2026/27 is settled after its M12 is closed; "
                           "months are closed through M11"),
            std::string::npos)
      << early.err;
  RunResult m12 = Lcp(server, {"month", "close", "--month", "M12"});
  ASSERT_EQ(m12.exit_code, 0) << m12.err;
  EXPECT_NE(m12.out.find("2026/27 M12 is closed (entry 30); checkpoint: entry 29, hash "),
            std::string::npos)
      << m12.out;

  // Settled: the moved 100.00 changes the members' underspends (A81001 200,100, A81002 -50,100), so
  // the contribution part splits 105,000 by 200,100 : 150,000: exact quotas 60,012.85 135/389 and
  // 44,987.14 254/389 pence-wise, so the leftover penny goes to A81003: 60,012.85 / 44,987.15.
  RunResult settled = Lcp(server, {"year", "settle", "--year", "2026/27"});
  ASSERT_EQ(settled.exit_code, 0) << settled.err;
  EXPECT_NE(settled.out.find("accepted: entry 31 in 2026/27 M12 (key settle:2026/27)\n"
                             "  practice:A81001:reinvestment          -102012.85\n"
                             "  practice:A81002:reinvestment           -36750.00\n"
                             "  practice:A81003:reinvestment           -71237.15\n"
                             "  pct:risk_share                         -90000.00\n"
                             "  lcp:risk_pool                          300000.00\n"),
            std::string::npos)
      << settled.out;
  const v1::GetRiskShareResponse final_share = Share(server, {"--settled"});
  EXPECT_EQ(final_share.settlement_seq(), 31u);
  EXPECT_EQ(MemberShares(final_share), (std::vector<std::string>{"A81001 102012.85", "A81002 36750.00",
                                                                 "A81003 71237.15"}));
  // Locked: nothing more for 2026/27.
  RunResult after = Lcp(server, {"journal", "post", "--year", "2026/27", "--month", "M12",
                                 "--narrative", "Late", "lcp:cash=1", "pct:funding=-1"});
  EXPECT_EQ(after.exit_code, 1);
  EXPECT_NE(
      after.err.find("ERROR_CODE_YEAR_SETTLED: financial year 2026/27 was settled by entry 31"),
      std::string::npos)
      << after.err;
  RunResult what_if_settled = Lcp(server, {"share", "--settled", "--what-if", "A81001:ELECTIVE=+1"});
  EXPECT_EQ(what_if_settled.exit_code, 1);
  EXPECT_NE(what_if_settled.err.find("what-ifs apply to projections only"), std::string::npos);

  // The next year: opened next to the last (not after a gap); it is now the year in progress, which
  // the commands default to; a practice registered now has no part in 2026/27's settlement.
  RunResult gap = Lcp(server, {"year", "open", "2028/29", "ELECTIVE"});
  EXPECT_EQ(gap.exit_code, 1);
  EXPECT_NE(gap.err.find("ERROR_CODE_YEAR_NOT_CONTIGUOUS"), std::string::npos) << gap.err;
  MustRun(server, {"year", "open", "2027/28", "ELECTIVE", "PRESCRIBING"});
  MustRun(server, {"practice", "add", "A81004", "New Road Surgery"});
  RunResult next = Lcp(server, {"month", "close", "--month", "M01"});
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_NE(next.out.find("2027/28 M01 is closed (entry "), std::string::npos) << next.out;
  EXPECT_EQ(Lcp(server, {"share"}).exit_code, 1);  // 2027/28 has no agreement yet.
  EXPECT_EQ(MemberShares(Share(server, {"--settled", "--year", "2026/27"})),
            (std::vector<std::string>{"A81001 102012.85", "A81002 36750.00", "A81003 71237.15"}));

  // A business case on Riverside's reserve, approved by another principal and half drawn down in
  // M02 (M01 is closed): 51,006.43 of its 102,012.85 held, the rest drawn.
  MustRun(server, {"case", "submit", "BC-1", "--title", "Clinic", "--purpose", "A clinic", "--fund",
                   "A81001=102012.85", "--provider", "RX1", "--mode", "buy"});
  MustRun(server, {"case", "consent", "BC-1", "--practice", "A81001"});
  MustRun(server, {"--as", "decider", "case", "approve", "BC-1"});
  const RunResult drawn = Lcp(server, {"case", "drawdown", "BC-1", "--year", "2027/28", "--month",
                                       "M02", "--amount", "51006.42", "--invoice", "RX1-900"});
  ASSERT_EQ(drawn.exit_code, 0) << drawn.err;
  EXPECT_NE(drawn.out.find("  practice:A81001:reinvestment            51006.42\n"),
            std::string::npos)
      << drawn.out;

  // The auditor's side. An export of the first 31 entries (to the settlement), and one of the
  // whole.
  const std::string early_file = (dir.path() / "early.lcpx").string();
  const std::string whole_file = (dir.path() / "whole.lcpx").string();
  RunResult exported = Lcp(server, {"export", "--out", early_file, "--to", "31"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_TRUE(
      exported.out.starts_with("exported 31 records (entries 1 to 31) to " + early_file + "\n"))
      << exported.out;
  exported = Lcp(server, {"export", "--out", whole_file});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const RunResult head_now = Lcp(server, {"head"});
  // lcp head prints "entry N\nhash  H\n"; the export names the same head.
  const std::string head_seq = head_now.out.substr(6, head_now.out.find('\n') - 6);
  const std::string head_hash = head_now.out.substr(head_now.out.find("hash  ") + 6, 64);
  EXPECT_NE(exported.out.find("head: entry " + head_seq + ", hash " + head_hash), std::string::npos)
      << exported.out;

  const RunResult verified = Audit({"verify", whole_file});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.out.find("month-close checkpoints: 13 verified\n"), std::string::npos)
      << verified.out;
  EXPECT_EQ(Audit({"diff", early_file, whole_file}).out,
            "NEW extends OLD: the same 31 records up to OLD's head, entry 31 (hash " +
                ToHexOfEntry(server, 31) + "); NEW has " +
                std::to_string(std::stoi(head_seq) - 31) + " more, to entry " + head_seq +
                " (hash " + head_hash + ")\n");
  RunResult backwards = Audit({"diff", whole_file, early_file});
  EXPECT_EQ(backwards.exit_code, 1);

  // Replay: the very figures the server reports at the same head.
  const RunResult replayed = Audit({"replay", whole_file, "--output", "json"});
  ASSERT_EQ(replayed.exit_code, 0) << replayed.err;
  std::vector<std::string> lines;
  for (std::size_t at = 0, end; (end = replayed.out.find('\n', at)) != std::string::npos; at = end + 1) {
    lines.push_back(replayed.out.substr(at, end - at + 1));
  }
  // The header, the balances, then per year its statement, its notices report, its membership list,
  // its reinvestment reserves (for a year that has any) and (with an agreement) its risk share;
  // then the case report, read on the last entry's date.
  ASSERT_EQ(lines.size(), 12u) << replayed.out;
  EXPECT_EQ(lines[1], Lcp(server, {"--output", "json", "balances"}).out);
  EXPECT_EQ(lines[2], Lcp(server, {"--output", "json", "statement", "--year", "2026/27"}).out);
  EXPECT_EQ(lines[3],
            Lcp(server, {"--output", "json", "budget", "notices", "--year", "2026/27"}).out);
  EXPECT_EQ(lines[4],
            Lcp(server, {"--output", "json", "membership", "list", "--year", "2026/27"}).out);
  EXPECT_EQ(lines[5], Lcp(server, {"--output", "json", "reserve", "--year", "2026/27"}).out);
  EXPECT_EQ(lines[6],
            Lcp(server, {"--output", "json", "share", "--settled", "--year", "2026/27"}).out);
  EXPECT_EQ(lines[7], Lcp(server, {"--output", "json", "statement", "--year", "2027/28"}).out);
  EXPECT_EQ(lines[8],
            Lcp(server, {"--output", "json", "budget", "notices", "--year", "2027/28"}).out);
  EXPECT_EQ(lines[9],
            Lcp(server, {"--output", "json", "membership", "list", "--year", "2027/28"}).out);
  EXPECT_EQ(lines[10], Lcp(server, {"--output", "json", "reserve", "--year", "2027/28"}).out);
  EXPECT_NE(lines[10].find("\"held\":{\"value\":\"51006.43\"}"), std::string::npos) << lines[10];
  const std::size_t read_on = lines[11].find("\"readOn\":\"");
  ASSERT_NE(read_on, std::string::npos) << lines[11];
  EXPECT_EQ(lines[11], Lcp(server, {"--output", "json", "case", "report", "--on",
                                    lines[11].substr(read_on + 10, 10)})
                           .out);
}

}  // namespace
}  // namespace lcp

// The capitation CSV files lcp reads: the NHS Digital five-year band layout, weights and indices. Every
// problem is reported with its line number.
#include "clients/lcp/csv_import.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace lcp::client {
namespace {

const char* kHeader =
    "PUBLICATION,EXTRACT_DATE,ORG_TYPE,ORG_CODE,ONS_CODE,POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS\n";

std::string Row(const std::string& ods, const std::string& sex, const std::string& age,
                const std::string& count, const std::string& date = "01JUN2026") {
  return "General Practice," + date + ",GP," + ods + ",E38000051,\"TS18 1HU\"," + sex + "," + age + "," +
         count + "\n";
}

const char* const kAges[] = {"0_4",   "5_9",   "10_14", "15_19", "20_24", "25_29", "30_34",
                             "35_39", "40_44", "45_49", "50_54", "55_59", "60_64", "65_69",
                             "70_74", "75_79", "80_84", "85_89", "90_94", "95+"};

// All 40 band rows of a practice, each band with `count` patients except those in `except`.
std::string AllBands(const std::string& ods, int count, const std::string& date = "01JUN2026",
                     const std::set<std::string>& except = {}) {
  std::string rows;
  for (const char* sex : {"MALE", "FEMALE"}) {
    for (const char* age : kAges) {
      if (except.contains(std::string(sex) + "_" + age)) continue;
      rows += Row(ods, sex, age, std::to_string(count), date);
    }
  }
  return rows;
}

TEST(NhsLists, TheFixtureInDocsReadsAsDocumented) {
  std::ifstream in(LCP_SOURCE_DIR "/docs/examples/gp-reg-pat-prac-quin-age.csv");
  ASSERT_TRUE(in);
  ListsFile file = ParseNhsLists(in, {"A81001", "A81002", "A81003", "A89999"});
  ASSERT_TRUE(file.problems.empty()) << file.problems.front().message;
  EXPECT_EQ(file.extract_date, "2026-06-01");
  EXPECT_EQ(file.rows, 172u);
  EXPECT_EQ(file.lists.size(), 3u);
  EXPECT_EQ(file.all_rows, 9u);
  EXPECT_EQ(file.non_member_rows, 43u);
  EXPECT_EQ(file.non_members, (std::set<std::string>{"A81004"}));
  const v1::RecordPopulation& list = file.lists.at("A81002");
  EXPECT_EQ(list.extract_date(), "2026-06-01");
  ASSERT_EQ(list.bands_size(), 40);
  EXPECT_EQ(list.bands(0).band(), "MALE_0_4");
  EXPECT_EQ(list.bands(0).patients(), 326);
  EXPECT_EQ(list.bands(39).band(), "FEMALE_95+");
  std::int64_t total = 0;
  for (const v1::BandCount& band : list.bands()) total += band.patients();
  EXPECT_EQ(total, 7304);
}

TEST(NhsLists, DatesInEitherStyleAndBandsAgainstAllRows) {
  std::stringstream in;
  in << kHeader << AllBands("A81001", 2, "2026-06-01") << Row("A81001", "ALL", "ALL", "80", "2026-06-01")
     << Row("A81001", "MALE", "ALL", "40", "2026-06-01") << Row("A81001", "ALL", "95+", "4", "2026-06-01");
  ListsFile file = ParseNhsLists(in, {"A81001"});
  ASSERT_TRUE(file.problems.empty()) << file.problems.front().message;
  EXPECT_EQ(file.all_rows, 3u);
  ASSERT_EQ(file.lists.at("A81001").bands_size(), 40);
  EXPECT_EQ(NormalizeExtractDate("01jun2026"), "2026-06-01");
  EXPECT_EQ(NormalizeExtractDate("15DEC2025"), "2025-12-15");
  EXPECT_EQ(NormalizeExtractDate("2026-06-01"), "2026-06-01");
  EXPECT_EQ(NormalizeExtractDate("1JUN2026"), "");
  EXPECT_EQ(NormalizeExtractDate("01XYZ2026"), "");
}

TEST(NhsLists, EveryBadLineIsReportedWithItsNumber) {
  std::stringstream in;
  in << kHeader                                        // 1
     << Row("A81001", "MALE", "0_4", "10")             // 2
     << Row("A81001", "MALE", "0_4", "-3")             // 3 negative
     << Row("A81001", "MALE", "5_9", "2.5")            // 4 fractional
     << Row("A81001", "MALE", "100+", "1")             // 5 unknown band
     << Row("A81001", "OTHER", "0_4", "1")             // 6 unknown sex
     << Row("A81001", "MALE", "0_4", "4")              // 7 twice
     << Row("A81001", "FEMALE", "0_4", "1", "01JUL2026")  // 8 another extract
     << "General Practice,01JUN2026,GP,A81001\n"       // 9 short
     << Row("A81001", "ALL", "ALL", "99")              // 10 not checked: A81001 has bad rows
     << Row("A81001", "MALE", "10_14", "1", "32JUN")   // 11 bad date
     << Row("B99999", "MALE", "0_4", "-1");            // 12 a non-member's bad count is still bad
  ListsFile file = ParseNhsLists(in, {"A81001"});
  std::vector<std::string> got;
  for (const CsvProblem& problem : file.problems) got.push_back(std::to_string(problem.line) + " " + problem.message);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "3 NUMBER_OF_PATIENTS \"-3\" is not a whole number of patients (no signs, decimals or separators)",
                     "4 NUMBER_OF_PATIENTS \"2.5\" is not a whole number of patients (no signs, decimals or separators)",
                     "5 AGE_GROUP_5 \"100+\" is not a five-year band (0_4 ... 90_94, 95+) or ALL",
                     "6 SEX \"OTHER\" is not MALE, FEMALE or ALL",
                     "7 A81001 has a second MALE 0_4 row",
                     "8 EXTRACT_DATE 2026-07-01 differs from 2026-06-01 (line 2); a file holds one extract",
                     "9 expected 9 comma-separated fields, found 4",
                     "11 EXTRACT_DATE \"32JUN\" is not a date like 01JUN2026 or 2026-06-01",
                     "12 NUMBER_OF_PATIENTS \"-1\" is not a whole number of patients (no signs, decimals or separators)"}));
}

TEST(NhsLists, AnAllRowThatTheBandsDoNotAddUpToIsReported) {
  std::stringstream in;
  in << kHeader << AllBands("A81001", 1) << Row("A81001", "ALL", "0_4", "2") << Row("A81001", "ALL", "ALL", "41");
  ListsFile file = ParseNhsLists(in, {"A81001"});
  ASSERT_EQ(file.problems.size(), 1u);
  EXPECT_EQ(file.problems[0].line, 43u);
  EXPECT_EQ(file.problems[0].message, "A81001's ALL ALL row says 41 patients, but its bands add up to 40");
}

// A member practice whose rows leave out bands would be recorded with zeros in their place, for good:
// it is a problem, and so is a member with only ALL rows; counts beyond a band's limit and impossible
// dates are caught here, with their line, not by the server.
TEST(NhsLists, MissingBandsHugeCountsAndImpossibleDatesAreProblems) {
  std::stringstream in;
  in << kHeader << AllBands("A81001", 3, "01JUN2026", {"MALE_5_9", "FEMALE_95+"})  // Lines 2-39.
     << Row("A81002", "ALL", "ALL", "0")                                            // Line 40.
     << AllBands("A81003", 1);                                                       // Lines 41-80.
  ListsFile file = ParseNhsLists(in, {"A81001", "A81002", "A81003"});
  std::vector<std::string> got;
  for (const CsvProblem& problem : file.problems) got.push_back(std::to_string(problem.line) + " " + problem.message);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "2 A81001 has no row for 2 of the 40 MALE and FEMALE bands (MALE_5_9, "
                     "FEMALE_95+); a practice's rows give every band, 0 where it has none",
                     "40 A81002 has no row for 40 of the 40 MALE and FEMALE bands (MALE_0_4, MALE_5_9, "
                     "MALE_10_14, ...); a practice's rows give every band, 0 where it has none"}));
  std::stringstream zeros;
  zeros << kHeader << AllBands("A81001", 0);
  ListsFile empty = ParseNhsLists(zeros, {"A81001"});
  ASSERT_EQ(empty.problems.size(), 1u);
  EXPECT_EQ(empty.problems[0].line, 2u);
  EXPECT_EQ(empty.problems[0].message, "A81001 has no patients in any band; a member's list needs some");
  std::stringstream bad;
  bad << kHeader << Row("A81001", "MALE", "0_4", "10000001") << Row("A81001", "MALE", "5_9", "1", "31JUN2026");
  ListsFile refused = ParseNhsLists(bad, {"A81001"});
  ASSERT_EQ(refused.problems.size(), 2u);
  EXPECT_EQ(refused.problems[0].message,
            "NUMBER_OF_PATIENTS 10000001 is more than the 10,000,000 patients a band may have");
  EXPECT_EQ(refused.problems[1].line, 3u);
  EXPECT_EQ(refused.problems[1].message,
            "EXTRACT_DATE \"31JUN2026\" is not a date like 01JUN2026 or 2026-06-01");
}

TEST(NhsLists, AHeaderWithoutTheColumnsIsRefused) {
  std::stringstream in("ORG_CODE,SEX,AGE,COUNT\nA81001,MALE,0_4,1\n");
  ListsFile file = ParseNhsLists(in, {"A81001"});
  ASSERT_FALSE(file.problems.empty());
  EXPECT_EQ(file.problems.front().line, 1u);
  EXPECT_NE(file.problems.front().message.find("the header has no EXTRACT_DATE column"), std::string::npos);
  std::stringstream empty;
  EXPECT_EQ(ParseNhsLists(empty, {}).problems.front().message,
            "the file is empty; expected the NHS Digital header line");
}

TEST(SimpleCsv, WeightsAndIndices) {
  std::stringstream weights("\xEF\xBB\xBF" "band,weight\r\nMALE_0_4,0.45\r\n\r\nfemale_95+ , 3.40\nMALE_5_9\n");
  std::vector<CsvProblem> problems;
  std::vector<v1::BandWeight> parsed = ParseWeights(weights, problems);
  ASSERT_EQ(parsed.size(), 2u);
  EXPECT_EQ(parsed[1].band(), "FEMALE_95+");
  EXPECT_EQ(parsed[1].weight().value(), "3.40");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 5u);
  EXPECT_EQ(problems[0].message, "expected 2 comma-separated fields: band,weight");

  std::stringstream indices("ods_code,needs_index,market_forces_factor\nA81001,1.085,0.97\nA81002,0.96,\nA81003,1.1\n");
  problems.clear();
  std::vector<v1::PracticeIndex> rows = ParseIndices(indices, problems);
  ASSERT_TRUE(problems.empty());
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].market_forces_factor().value(), "0.97");
  EXPECT_FALSE(rows[1].has_market_forces_factor());
  EXPECT_FALSE(rows[2].has_market_forces_factor());
  std::stringstream wrong("ods,needs\nA81001,1\n");
  problems.clear();
  ParseIndices(wrong, problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].message, "the header must be ods_code,needs_index,market_forces_factor");
}

// The payments file: amounts made canonical (so that "50000" and "50000.00" are the same invoice),
// ODS codes upper case, and each bad line reported with its number and left out.
TEST(Payments, LinesBecomeCommandsAndBadLinesAreNamed) {
  std::istringstream in(
      "contract_id,invoice_reference,amount,activity_count,practice_amounts\r\n"
      "C-1,INV-1,50000,,\n"
      "C-2,INV-2,12.5,3,a81001=10;A81002=2.50\n"
      "C-2,INV 3,1.00,,\n"
      "C-2,INV-4,1.00,two,\n"
      "C-2,INV-5,1.00,,A81001:1.00\n"
      "C-1,INV-6,1.001\n"
      "C-1,INV-7\n");
  std::vector<CsvProblem> problems;
  const std::vector<PaymentLine> lines = ParsePayments(in, problems);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].line, 2u);
  EXPECT_EQ(lines[0].payment.amount().value(), "50000.00");
  EXPECT_EQ(lines[0].payment.activity_count(), 0);
  EXPECT_EQ(lines[1].payment.activity_count(), 3);
  ASSERT_EQ(lines[1].payment.practice_amounts_size(), 2);
  EXPECT_EQ(lines[1].payment.practice_amounts(0).ods_code(), "A81001");
  EXPECT_EQ(lines[1].payment.practice_amounts(0).amount().value(), "10.00");
  EXPECT_EQ(lines[1].payment.amount().value(), "12.50");
  // An amount the ledger would refuse is left as written, for the server's precise refusal.
  EXPECT_EQ(lines[2].line, 7u);
  EXPECT_EQ(lines[2].payment.amount().value(), "1.001");
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0].line, 4u);
  EXPECT_EQ(problems[0].message,
            "invoice_reference \"INV 3\" must be 1 to 64 printable characters without spaces");
  EXPECT_EQ(problems[1].line, 5u);
  EXPECT_EQ(problems[1].message, "activity_count two is not a whole number of cases");
  EXPECT_EQ(problems[2].line, 6u);
  EXPECT_EQ(problems[2].message,
            "practice_amounts part \"A81001:1.00\" must be ODS=AMOUNT, as in A81001=120.00;A81002=80.00");
  EXPECT_EQ(problems[3].line, 8u);
  EXPECT_EQ(problems[3].message,
            "expected 3 or 5 comma-separated fields: "
            "contract_id,invoice_reference,amount,activity_count,practice_amounts");
}

}  // namespace
}  // namespace lcp::client

// The read queries (ledger/read/queries.h) without a server: exact replies over a small ledger, and
// each refusal with its exact code and message, for the roles that may and may not ask.
#include "ledger/read/queries.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "ledger/base/chain.h"
#include "ledger/engine/journal.h"
#include "ledger/read/reports.h"
#include "ledger/read/snapshot.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::VectorRecords;

v1::Actor ActorOf(v1::Role role, const std::string& id, const std::string& ods = "") {
  v1::Actor actor;
  actor.set_principal_id(id);
  actor.set_role(role);
  actor.set_practice_ods_code(ods);
  return actor;
}

const v1::Actor kFinance = ActorOf(v1::ROLE_LCP_FINANCE, "finance");
const v1::Actor kRiverside = ActorOf(v1::ROLE_PRACTICE, "riverside", "A81001");
const v1::Actor kAuditor = queries::Auditor();

template <typename T>
void ExpectRefused(const Result<T>& result, ErrorCode code, const std::string& message) {
  ASSERT_FALSE(result.ok()) << message;
  EXPECT_EQ(result.status().code(), code) << result.status().ToString();
  EXPECT_EQ(result.status().message(), message);
}

// Balances as "year account=amount" rows.
std::vector<std::string> Rows(const v1::GetBalancesResponse& response) {
  std::vector<std::string> rows;
  for (const v1::Balance& balance : response.balances()) {
    rows.push_back(balance.year() + " " + balance.account() + "=" + balance.balance().value());
  }
  return rows;
}

// Practices A81001 and A81002, provider RX1, the year 2026/27 with PRESCRIBING (entries 1-4), the
// budgets in M01 by an indicative run of a confirmed total (5-9), practice A81003 (10) and an
// invoice of A81002's in M02 (11).
class QueriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const v1::Command& command :
         {testing::RegisterPracticeCommand("A81001", "Riverside Medical Centre"),
          testing::RegisterPracticeCommand("A81002", "Hillview Surgery"),
          testing::RegisterProviderCommand("RX1"),
          testing::OpenYearCommand("2026/27", {"PRESCRIBING"}),
          // Weights of 1 and lists in the ratio 1200:950, so that a run of a confirmed 2150.00
          // gives A81001 1200.00 and A81002 950.00.
          testing::WeightsCommand("2026/27", "PRESCRIBING"),
          testing::ListCommand("2026-03-01", "A81001", {{"MALE_0_4", 24}}),
          testing::ListCommand("2026-03-01", "A81002", {{"MALE_0_4", 19}}),
          testing::ConfirmTotalCommand("2026/27", "PRESCRIBING", "2150.00"),
          testing::RunCommand("2026/27", "M01", "PRESCRIBING", "")}) {
      Submit(command);
    }
    // Registered after the run: no budget.
    Submit(testing::RegisterPracticeCommand("A81003", "Park Lane Practice"));
    Submit(testing::JournalCommand(
        "2026/27", "M02",
        {{"practice:A81002:spend:PRESCRIBING", "310.25"}, {"provider:RX1:payable", "-310.25"}}));
    ASSERT_EQ(records_.size(), 11u);
  }

  void Submit(const v1::Command& command) {
    records_.push_back(testing::MustSubmit(journal_, command));
  }

  Snapshot Now() const {
    return BorrowSnapshot(journal_.state(), std::make_shared<VectorRecords>(records_));
  }

  Journal journal_;
  std::vector<v1::JournalRecord> records_;
};

TEST_F(QueriesTest, BalancesAtTheHeadByPrefixAndByName) {
  v1::GetBalancesRequest request;
  Result<v1::GetBalancesResponse> all = queries::GetBalances(Now(), kFinance, request);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->as_of_seq(), 11u);
  EXPECT_EQ(Rows(*all),
            (std::vector<std::string>{"2026/27 pct:allocation:PRESCRIBING=-2150.00",
                                      "2026/27 practice:A81001:budget:PRESCRIBING=1200.00",
                                      "2026/27 practice:A81002:budget:PRESCRIBING=950.00",
                                      "2026/27 practice:A81002:spend:PRESCRIBING=310.25",
                                      "2026/27 provider:RX1:payable=-310.25"}));

  // Named accounts come sorted, once each, posted to or not.
  request.add_accounts("provider:RX1:payable");
  request.add_accounts("practice:A81003:spend:PRESCRIBING");
  request.add_accounts("provider:RX1:payable");
  Result<v1::GetBalancesResponse> named = queries::GetBalances(Now(), kFinance, request);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(Rows(*named),
            (std::vector<std::string>{"2026/27 practice:A81003:spend:PRESCRIBING=0.00",
                                      "2026/27 provider:RX1:payable=-310.25"}));

  // A practice's empty prefix covers its own and the LCP-wide accounts only.
  Result<v1::GetBalancesResponse> own = queries::GetBalances(Now(), kRiverside, {});
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(Rows(*own),
            (std::vector<std::string>{"2026/27 pct:allocation:PRESCRIBING=-2150.00",
                                      "2026/27 practice:A81001:budget:PRESCRIBING=1200.00"}));
}

TEST_F(QueriesTest, BalancesAsOfAnEarlierEntryAreSummedFromTheRecords) {
  v1::GetBalancesRequest request;
  request.set_account_prefix("practice:A81002:");
  request.set_as_of_seq(9);  // The run.
  Result<v1::GetBalancesResponse> earlier = queries::GetBalances(Now(), kAuditor, request);
  ASSERT_TRUE(earlier.ok()) << earlier.status().ToString();
  EXPECT_EQ(earlier->as_of_seq(), 9u);
  EXPECT_EQ(Rows(*earlier),
            (std::vector<std::string>{"2026/27 practice:A81002:budget:PRESCRIBING=950.00"}));
  request.set_as_of_seq(8);  // The confirmed total, which posts nothing.
  Result<v1::GetBalancesResponse> before_postings = queries::GetBalances(Now(), kAuditor, request);
  ASSERT_TRUE(before_postings.ok());
  EXPECT_EQ(before_postings->balances_size(), 0);

  request.set_as_of_seq(12);
  ExpectRefused(queries::GetBalances(Now(), kAuditor, request), v1::ERROR_CODE_QUERY_INVALID,
                "as_of_seq 12 is beyond the head, 11");
  request.set_as_of_seq(9);
  request.set_account_prefix("practice:A81001:");
  ExpectRefused(queries::GetBalances(Now(), kRiverside, request), v1::ERROR_CODE_PERMISSION_DENIED,
                "role PRACTICE reads balances as of the head only; leave as_of_seq at 0");
}

TEST_F(QueriesTest, BalanceRefusals) {
  v1::GetBalancesRequest other;
  other.add_accounts("practice:A81002:budget:PRESCRIBING");
  ExpectRefused(
      queries::GetBalances(Now(), kRiverside, other), v1::ERROR_CODE_PERMISSION_DENIED,
      "role PRACTICE (practice A81001) may read only accounts under \"practice:A81001:...\", "
      "\"lcp:...\" and \"pct:...\"; account \"practice:A81002:budget:PRESCRIBING\" is not "
      "among them");
  v1::GetBalancesRequest prefix;
  prefix.set_account_prefix("provider:");
  ExpectRefused(
      queries::GetBalances(Now(), kRiverside, prefix), v1::ERROR_CODE_PERMISSION_DENIED,
      "role PRACTICE (practice A81001) may read only accounts under \"practice:A81001:...\", "
      "\"lcp:...\" and \"pct:...\"; prefix \"provider:\" is not among them");
  v1::GetBalancesRequest both;
  both.add_accounts("lcp:cash");
  both.set_account_prefix("lcp:");
  ExpectRefused(queries::GetBalances(Now(), kFinance, both), v1::ERROR_CODE_QUERY_INVALID,
                "give exact accounts or an account prefix, not both");
  v1::GetBalancesRequest too_many;
  for (int i = 0; i <= queries::kBalanceAccountsMax; ++i) too_many.add_accounts("lcp:cash");
  ExpectRefused(queries::GetBalances(Now(), kFinance, too_many), v1::ERROR_CODE_QUERY_INVALID,
                "at most 1000 accounts may be named at once");
  v1::GetBalancesRequest year;
  year.set_year("2026-27");
  EXPECT_EQ(queries::GetBalances(Now(), kFinance, year).status().code(),
            v1::ERROR_CODE_YEAR_MALFORMED);
}

TEST_F(QueriesTest, EntriesAreForRolesThatReadTheJournal) {
  const std::string denied =
      "role PRACTICE may not read journal entries, which carry other practices' detail; read "
      "balances instead (GetBalances)";
  v1::GetEntryRequest eleven;
  eleven.set_seq(11);
  ExpectRefused(queries::GetEntry(Now(), kRiverside, eleven), v1::ERROR_CODE_PERMISSION_DENIED,
                denied);
  ExpectRefused(queries::ListEntries(Now(), kRiverside, {}), v1::ERROR_CODE_PERMISSION_DENIED,
                denied);
  ExpectRefused(queries::ExportHeaderFor(Now(), kRiverside, {}, 0),
                v1::ERROR_CODE_PERMISSION_DENIED, denied);
  EXPECT_EQ(queries::StartStreamEntries(Now(), kRiverside, {}).message(), denied);
  EXPECT_TRUE(queries::StartStreamEntries(Now(), kAuditor, {}).ok());

  Result<v1::GetEntryResponse> entry = queries::GetEntry(Now(), kAuditor, eleven);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->entry().seq(), 11u);
  EXPECT_EQ(entry->entry().hash(), records_[10].hash());
  EXPECT_EQ(entry->entry().prev_hash(), records_[9].hash());
  EXPECT_EQ(entry->entry().entry().postings(0).amount().value(), "310.25");
  v1::GetEntryRequest twelve;
  twelve.set_seq(12);
  ExpectRefused(queries::GetEntry(Now(), kFinance, twelve), v1::ERROR_CODE_ENTRY_UNKNOWN,
                "entry 12 does not exist; the journal has 11 entries");

  Result<v1::StreamEntriesResponse> streamed = queries::StreamedEntry(Now(), 3);
  ASSERT_TRUE(streamed.ok());
  EXPECT_EQ(streamed->entry().seq(), 3u);
  EXPECT_EQ(streamed->entry().entry().command().register_provider().code(), "RX1");
}

TEST_F(QueriesTest, ListEntriesPagesThroughTheJournal) {
  v1::ListEntriesRequest request;
  request.set_page_size(3);
  std::vector<std::uint64_t> seqs;
  std::vector<std::string> tokens;
  do {
    Result<v1::ListEntriesResponse> page = queries::ListEntries(Now(), kFinance, request);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const v1::EntryView& view : page->entries()) seqs.push_back(view.seq());
    tokens.push_back(page->next_page_token());
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
  EXPECT_EQ(tokens, (std::vector<std::string>{"4", "7", "10", ""}));

  request.set_page_token("abc");
  ExpectRefused(queries::ListEntries(Now(), kFinance, request), v1::ERROR_CODE_QUERY_INVALID,
                "page_token abc is not one this server returned; start again without it");
  request.clear_page_token();
  request.set_page_size(queries::kPageSizeMax + 1);
  ExpectRefused(queries::ListEntries(Now(), kFinance, request), v1::ERROR_CODE_QUERY_INVALID,
                "page_size may be at most 1000");
}

// The entries behind a balance: those with a posting to the account named (its whole name), a page
// at a time; and entries with their postings cut to a few.
TEST_F(QueriesTest, ListEntriesOfOneAccountAndWithAFewPostingsEach) {
  auto seqs_of = [&](const std::string& account, std::uint32_t page_size) {
    v1::ListEntriesRequest request;
    request.set_account(account);
    request.set_page_size(page_size);
    std::vector<std::string> pages;
    do {
      Result<v1::ListEntriesResponse> page = queries::ListEntries(Now(), kAuditor, request);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      std::string seqs;
      for (const v1::EntryView& view : page->entries()) seqs += std::to_string(view.seq()) + " ";
      pages.push_back(seqs + "next " + page->next_page_token());
      request.set_page_token(page->next_page_token());
    } while (!request.page_token().empty());
    return pages;
  };
  // The run (9) budgets both practices; the invoice (11) is A81002's spend, owed to RX1, whose
  // registration (3) names RX1 but posts nothing.
  EXPECT_EQ(seqs_of("practice:A81002:budget:PRESCRIBING", 0),
            (std::vector<std::string>{"9 next "}));
  EXPECT_EQ(seqs_of("pct:allocation:PRESCRIBING", 0), (std::vector<std::string>{"9 next "}));
  EXPECT_EQ(seqs_of("provider:RX1:payable", 0), (std::vector<std::string>{"11 next "}));
  // Both budget entries, one a page: the page after the run goes on from entry 10.
  EXPECT_EQ(seqs_of("practice:A81001:budget:PRESCRIBING", 1),
            (std::vector<std::string>{"9 next 10", "next "}));
  EXPECT_EQ(seqs_of("practice:A81003:spend:PRESCRIBING", 0), (std::vector<std::string>{"next "}));
  // The whole name of an account of the chart only: a practice's code is not one.
  v1::ListEntriesRequest partial;
  partial.set_account("practice:A81002");
  Result<v1::ListEntriesResponse> refused = queries::ListEntries(Now(), kAuditor, partial);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_QUERY_INVALID);
  EXPECT_TRUE(refused.status().message().starts_with(
      "account \"practice:A81002\" is not an account of the chart: "))
      << refused.status().message();

  // With an account, the postings kept are its own first.
  v1::ListEntriesRequest own;
  own.set_account("practice:A81002:budget:PRESCRIBING");
  own.set_postings_max(1);
  Result<v1::ListEntriesResponse> run = queries::ListEntries(Now(), kAuditor, own);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->entries_size(), 1);
  ASSERT_EQ(run->entries(0).entry().postings_size(), 1);
  EXPECT_EQ(run->entries(0).entry().postings(0).account(), "practice:A81002:budget:PRESCRIBING");
  EXPECT_EQ(run->entries(0).entry().postings(0).amount().value(), "950.00");
  EXPECT_EQ(run->entries(0).postings_left_out(), 2u);

  v1::ListEntriesRequest few;
  few.set_from_seq(9);
  few.set_page_size(3);
  few.set_postings_max(1);
  Result<v1::ListEntriesResponse> cut = queries::ListEntries(Now(), kFinance, few);
  ASSERT_TRUE(cut.ok()) << cut.status().ToString();
  ASSERT_EQ(cut->entries_size(), 3);
  // The run's first posting of three; the registration has none; the invoice's first of two.
  EXPECT_EQ(cut->entries(0).entry().postings_size(), 1);
  EXPECT_EQ(cut->entries(0).entry().postings(0).account(), "practice:A81001:budget:PRESCRIBING");
  EXPECT_EQ(cut->entries(0).postings_left_out(), 2u);
  EXPECT_EQ(cut->entries(0).hash(), records_[8].hash());
  EXPECT_EQ(cut->entries(1).entry().postings_size(), 0);
  EXPECT_EQ(cut->entries(1).postings_left_out(), 0u);
  EXPECT_EQ(cut->entries(2).entry().postings_size(), 1);
  EXPECT_EQ(cut->entries(2).postings_left_out(), 1u);
  few.set_postings_max(0);
  Result<v1::ListEntriesResponse> whole = queries::ListEntries(Now(), kFinance, few);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->entries(0).entry().postings_size(), 3);

  few.set_postings_max(queries::kPageSizeMax + 1);
  ExpectRefused(queries::ListEntries(Now(), kFinance, few), v1::ERROR_CODE_QUERY_INVALID,
                "postings_max may be at most 1000");
  few.set_postings_max(0);
  few.set_account("practice:" + std::string(120, 'A'));
  ExpectRefused(queries::ListEntries(Now(), kFinance, few), v1::ERROR_CODE_QUERY_INVALID,
                "account may be at most 128 characters");
  ExpectRefused(queries::ListEntries(Now(), kRiverside, few), v1::ERROR_CODE_PERMISSION_DENIED,
                "role PRACTICE may not read journal entries, which carry other practices' detail; "
                "read balances instead (GetBalances)");
}

TEST_F(QueriesTest, HeadPracticesAndYear) {
  Result<v1::GetHeadResponse> head = queries::GetHead(Now(), kRiverside, {});
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->seq(), 11u);
  EXPECT_EQ(head->hash(), records_[10].hash());
  EXPECT_EQ(head->hash_hex(), ToHex(records_[10].hash()));

  Result<v1::ListPracticesResponse> practices = queries::ListPractices(Now(), kRiverside, {});
  ASSERT_TRUE(practices.ok());
  ASSERT_EQ(practices->practices_size(), 3);
  EXPECT_EQ(practices->practices(2).ods_code(), "A81003");
  EXPECT_EQ(practices->practices(2).name(), "Park Lane Practice");

  Result<v1::GetYearResponse> year = queries::GetYear(Now(), kRiverside, {});
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->year(), "2026/27");
  EXPECT_EQ(year->budget_lines_size(), 1);
  EXPECT_EQ(year->next_month_to_close(), "M01");
  EXPECT_TRUE(year->has_postings());
  EXPECT_FALSE(year->has_agreement());
  v1::GetYearRequest later;
  later.set_year("2027/28");
  ExpectRefused(queries::GetYear(Now(), kRiverside, later), v1::ERROR_CODE_YEAR_NOT_OPEN,
                "financial year 2027/28 has not been opened");
}

TEST_F(QueriesTest, StatementsAtTheHeadAndToAMonthEnd) {
  Result<v1::GetStatementResponse> all = queries::GetStatement(Now(), kFinance, {});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->year(), "2026/27");
  EXPECT_EQ(all->as_of_seq(), 11u);
  ASSERT_EQ(all->practices_size(), 3);
  EXPECT_EQ(all->practices(1).lines(0).actual().value(), "310.25");
  EXPECT_EQ(all->practices(1).lines(0).variance().value(), "639.75");
  ASSERT_EQ(all->lcp_totals_size(), 2);
  EXPECT_EQ(all->lcp_totals(1).budget_line(), "TOTAL");
  EXPECT_EQ(all->lcp_totals(1).forecast().value(), "310.25");
  EXPECT_EQ(all->lcp_totals(1).variance().value(), "1839.75");

  // A practice gets its own, and no LCP totals.
  Result<v1::GetStatementResponse> own = queries::GetStatement(Now(), kRiverside, {});
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->practices_size(), 1);
  EXPECT_EQ(own->practices(0).ods_code(), "A81001");
  EXPECT_EQ(own->practices(0).lines(0).budget().value(), "1200.00");
  EXPECT_EQ(own->lcp_totals_size(), 0);

  // To M01's end: the invoice of M02 (entry 11) is left out.
  v1::GetStatementRequest m01;
  m01.set_month("M01");
  m01.set_ods_code("A81002");
  Result<v1::GetStatementResponse> earlier = queries::GetStatement(Now(), kFinance, m01);
  ASSERT_TRUE(earlier.ok());
  EXPECT_EQ(earlier->month(), "M01");
  EXPECT_EQ(earlier->practices(0).lines(0).actual().value(), "0.00");
  EXPECT_EQ(earlier->practices(0).lines(0).budget().value(), "950.00");

  v1::GetStatementRequest other;
  other.set_ods_code("A81002");
  ExpectRefused(
      queries::GetStatement(Now(), kRiverside, other), v1::ERROR_CODE_PERMISSION_DENIED,
      "role PRACTICE (practice A81001) may read only its own statement, not \"A81002\"'s");
  // Whether or not the practice exists.
  other.set_ods_code("B99999");
  ExpectRefused(
      queries::GetStatement(Now(), kRiverside, other), v1::ERROR_CODE_PERMISSION_DENIED,
      "role PRACTICE (practice A81001) may read only its own statement, not \"B99999\"'s");
  ExpectRefused(queries::GetStatement(Now(), kFinance, other), v1::ERROR_CODE_PRACTICE_UNKNOWN,
                "practice \"B99999\" is not a registered member");
  v1::GetStatementRequest month;
  month.set_month("M13");
  EXPECT_EQ(queries::GetStatement(Now(), kFinance, month).status().code(),
            v1::ERROR_CODE_MONTH_MALFORMED);
}

TEST_F(QueriesTest, RiskShareFollowsWhoIsAsking) {
  ExpectRefused(queries::GetRiskShare(Now(), kFinance, {}), v1::ERROR_CODE_AGREEMENT_MISSING,
                "2026/27 has no risk-sharing agreement in force yet");
  // Savings: t 0.01, one band LCP 0.70, cap 0.05 of B (107.50, which binds); alphas 0.5 / 0.5.
  const v1::AgreementTerms terms = testing::AgreementTermsOf(
      {"PRESCRIBING"}, testing::ShareTermsOf("0.01", v1::SHARE_MODE_FIRST_POUND, {"0.70"}, "0.05"),
      testing::ShareTermsOf("0", v1::SHARE_MODE_FIRST_POUND, {"1"}, ""), "0.5", "0.5");
  Submit(testing::ProposeAgreementCommand("2026/27", terms, 0, "Late"));
  Submit(testing::CosignAgreementCommand("2026/27", 12));

  Result<v1::GetRiskShareResponse> own = queries::GetRiskShare(Now(), kRiverside, {});
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->as_of_seq(), 13u);
  EXPECT_EQ(own->basis(), v1::RISK_BASIS_PROJECTED);
  EXPECT_EQ(own->variance().value(), "1839.75");
  EXPECT_TRUE(own->cap_binds());
  EXPECT_EQ(own->lcp_amount().value(), "107.50");
  EXPECT_EQ(own->pct_amount().value(), "1732.25");
  EXPECT_EQ(own->member_count(), 3u);
  ASSERT_EQ(own->members_size(), 1);
  EXPECT_EQ(own->members(0).budget_share().value(), "30.00");
  EXPECT_EQ(own->members(0).contribution_share().value(), "35.06");
  EXPECT_EQ(own->members(0).share().value(), "65.06");
  Result<v1::GetRiskShareResponse> all = queries::GetRiskShare(Now(), kAuditor, {});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->members_size(), 3);
  EXPECT_EQ(all->members(1).share().value(), "42.44");
  EXPECT_EQ(all->members(2).share().value(), "0.00");

  v1::GetRiskShareRequest what_if;
  v1::WhatIf* extra = what_if.add_what_ifs();
  extra->set_ods_code("A81002");
  extra->set_budget_line("PRESCRIBING");
  extra->mutable_amount()->set_value("5");
  ExpectRefused(queries::GetRiskShare(Now(), kRiverside, what_if), v1::ERROR_CODE_PERMISSION_DENIED,
                "role PRACTICE (practice A81001) may ask what-ifs only of its own spend, not "
                "\"A81002\"'s");
  Result<v1::GetRiskShareResponse> asked = queries::GetRiskShare(Now(), kFinance, what_if);
  ASSERT_TRUE(asked.ok()) << asked.status().ToString();
  ASSERT_EQ(asked->what_ifs_size(), 1);
  EXPECT_EQ(asked->what_ifs(0).amount().value(), "5.00");
  EXPECT_EQ(asked->what_if_total().value(), "5.00");
  EXPECT_EQ(asked->variance().value(), "1834.75");
  extra->set_budget_line("ELECTIVE");
  ExpectRefused(
      queries::GetRiskShare(Now(), kFinance, what_if), v1::ERROR_CODE_QUERY_INVALID,
      "what-if line \"ELECTIVE\" is not pooled in 2026/27, so it does not change the risk "
      "share");
  v1::GetRiskShareRequest settled;
  settled.set_basis(v1::RISK_BASIS_SETTLED);
  ExpectRefused(queries::GetRiskShare(Now(), kFinance, settled), v1::ERROR_CODE_YEAR_NOT_SETTLED,
                "2026/27 has not been settled yet; ask for the PROJECTED share");
}

TEST_F(QueriesTest, ContractsAllocationsAndInterestsWhenThereAreNone) {
  v1::GetContractRequest contract;
  contract.set_contract_id("C-NONE");
  ExpectRefused(queries::GetContract(Now(), kAuditor, contract), v1::ERROR_CODE_CONTRACT_UNKNOWN,
                "no contract \"C-NONE\" is registered");
  Result<v1::ListContractsResponse> contracts = queries::ListContracts(Now(), kRiverside, {});
  ASSERT_TRUE(contracts.ok());
  EXPECT_EQ(contracts->contracts_size(), 0);
  Result<v1::ListInterestsResponse> interests = queries::ListInterests(Now(), kRiverside, {});
  ASSERT_TRUE(interests.ok());
  EXPECT_EQ(interests->interests_size(), 0);

  v1::GetAllocationRequest allocation;
  allocation.set_year("2026/27");
  allocation.set_budget_line("PRESCRIBING");
  allocation.set_budget_line("ELECTIVE");
  ExpectRefused(queries::GetAllocation(Now(), kFinance, allocation), v1::ERROR_CODE_ENTRY_UNKNOWN,
                "no capitation run for 2026/27 \"ELECTIVE\" yet");
  allocation.set_budget_line("PRESCRIBING");
  Result<v1::GetAllocationResponse> latest = queries::GetAllocation(Now(), kFinance, allocation);
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  allocation.set_run_seq(10);
  ExpectRefused(queries::GetAllocation(Now(), kFinance, allocation), v1::ERROR_CODE_ENTRY_UNKNOWN,
                "entry 10 is not a capitation run");
  allocation.set_ods_code("A81002");
  ExpectRefused(queries::GetAllocation(Now(), kRiverside, allocation),
                v1::ERROR_CODE_PERMISSION_DENIED,
                "role PRACTICE (practice A81001) may read only its own row of an allocation, not "
                "\"A81002\"'s");
}

TEST_F(QueriesTest, ExportHeadersNameTheRecordsAsked) {
  Result<v1::ExportHeader> whole = queries::ExportHeaderFor(Now(), kAuditor, {}, 1'790'000'000);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  EXPECT_EQ(whole->first_seq(), 1u);
  EXPECT_EQ(whole->last_seq(), 11u);
  EXPECT_EQ(whole->record_count(), 11u);
  EXPECT_EQ(whole->first_prev_hash(), GenesisHash());
  EXPECT_EQ(whole->head_hash(), records_[10].hash());
  EXPECT_EQ(whole->exported_at().seconds(), 1'790'000'000);
  v1::ExportRequest part;
  part.set_from_seq(3);
  part.set_to_seq(5);
  Result<v1::ExportHeader> three = queries::ExportHeaderFor(Now(), kFinance, part, 0);
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(three->record_count(), 3u);
  EXPECT_EQ(three->first_prev_hash(), records_[1].hash());
  EXPECT_EQ(three->head_hash(), records_[4].hash());
  part.set_from_seq(5);
  part.set_to_seq(3);
  ExpectRefused(
      queries::ExportHeaderFor(Now(), kFinance, part, 0), v1::ERROR_CODE_QUERY_INVALID,
      "the journal has entries 1 to 11; an export runs from from_seq to to_seq within them, "
      "not 5 to 3");
  part.set_to_seq(12);
  ExpectRefused(
      queries::ExportHeaderFor(Now(), kFinance, part, 0), v1::ERROR_CODE_QUERY_INVALID,
      "the journal has entries 1 to 11; an export runs from from_seq to to_seq within them, "
      "not 5 to 12");

  Journal empty;
  v1::ExportRequest none;
  none.set_from_seq(2);
  ExpectRefused(queries::ExportHeaderFor(BorrowSnapshot(empty.state(), nullptr), kFinance, none, 0),
                v1::ERROR_CODE_QUERY_INVALID,
                "the journal is empty; export it whole (from_seq and to_seq 0)");
  Result<v1::ExportHeader> nothing =
      queries::ExportHeaderFor(BorrowSnapshot(empty.state(), nullptr), kFinance, {}, 0);
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(nothing->record_count(), 0u);
  EXPECT_EQ(nothing->head_hash(), GenesisHash());
}

// lcp-audit's snapshot: the replayed state, and the export file's records read from the file.
TEST_F(QueriesTest, AnExportFileServesTheRecordsOfAnAuditorsSnapshot) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("queries_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
       ".lcpx");
  {
    std::ofstream out(path, std::ios::binary);
    out << testing::ExportBytes(records_);
  }
  auto file = std::make_shared<const ExportFileRecords>(path.string());
  std::vector<v1::JournalRecord> middle = file->Range(3, 2);
  ASSERT_EQ(middle.size(), 2u);
  EXPECT_EQ(middle[0].seq(), 3u);
  EXPECT_EQ(middle[1].hash(), records_[3].hash());
  EXPECT_EQ(file->Range(6, 10).size(), 6u);
  ASSERT_TRUE(file->Get(7).has_value());
  EXPECT_EQ(file->Get(7)->body(), records_[6].body());
  EXPECT_FALSE(file->Get(12).has_value());
  EXPECT_FALSE(file->Get(0).has_value());

  const Snapshot snapshot = BorrowSnapshot(journal_.state(), file);
  v1::GetBalancesRequest request;
  request.add_accounts("practice:A81002:spend:PRESCRIBING");
  request.set_as_of_seq(6);
  Result<v1::GetBalancesResponse> earlier = queries::GetBalances(snapshot, kAuditor, request);
  ASSERT_TRUE(earlier.ok()) << earlier.status().ToString();
  EXPECT_EQ(Rows(*earlier),
            (std::vector<std::string>{"2026/27 practice:A81002:spend:PRESCRIBING=0.00"}));
  std::filesystem::remove(path);
}

TEST_F(QueriesTest, TheTrialBalanceIsTheAuditorsBalances) {
  std::vector<TrialBalance> trial = TrialBalances(journal_.state());
  ASSERT_EQ(trial.size(), 1u);
  EXPECT_EQ(trial[0].start_year, 2026);
  ASSERT_EQ(trial[0].rows.size(), 5u);
  EXPECT_EQ(trial[0].rows[0].account, "pct:allocation:PRESCRIBING");
  EXPECT_EQ(trial[0].rows[0].credit.ToString(), "2150.00");
  EXPECT_EQ(trial[0].rows[0].debit.ToString(), "0.00");
  EXPECT_EQ(trial[0].total_debit.ToString(), "2460.25");
  EXPECT_EQ(trial[0].total_credit.ToString(), "2460.25");
  EXPECT_TRUE(trial[0].balanced());
}

}  // namespace
}  // namespace lcp

// Make-or-buy contracts through the journal: commitments, payments against ceilings, attribution,
// governance, variations, closing, years that open later, and every refusal with nothing posted.
//
// The figures are worked by hand from DOMAIN.md. The basis of every split below is a COMMUNITY
// allocation whose weighted populations are 500, 300 and 200 (A81001, A81002, A81003), so a
// capitation split gives 50%, 30% and 20% of an amount, with leftover pence by largest remainder.
#include "ledger/rules/contracts.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "ledger/base/accounts.h"
#include "ledger/base/chain.h"
#include "ledger/base/periods.h"
#include "ledger/engine/journal.h"
#include "tests/test_support.h"

namespace lcp {
namespace {

using testing::ListCommand;
using testing::MustRun;
using testing::MustSubmit;
using testing::RunCommand;
using testing::WeightsCommand;

v1::Actor Actor(const std::string& id, v1::Role role, const std::string& ods = "") {
  v1::Actor actor;
  actor.set_principal_id(id);
  actor.set_role(role);
  actor.set_practice_ods_code(ods);
  return actor;
}

const v1::Actor kOfficer = Actor("finance.officer", v1::ROLE_LCP_FINANCE);
const v1::Actor kSecondOfficer = Actor("second.officer", v1::ROLE_LCP_FINANCE);
const v1::Actor kPct = Actor("pct.finance", v1::ROLE_PCT_FINANCE);

Result<v1::JournalRecord> SubmitAs(Journal& journal, const v1::Command& command, const v1::Actor& actor) {
  v1::JournalEntry request = testing::Request(command, "key-" + std::to_string(journal.head_seq() + 1));
  *request.mutable_actor() = actor;
  return journal.Submit(request);
}

v1::JournalRecord MustSubmitAs(Journal& journal, const v1::Command& command, const v1::Actor& actor) {
  Result<v1::JournalRecord> record = SubmitAs(journal, command, actor);
  EXPECT_TRUE(record.ok()) << record.status().ToString();
  return record.ok() ? *record : v1::JournalRecord();
}

std::string Balance(const Journal& journal, const std::string& account, int year = 2026) {
  auto balances = journal.state().balances.find(year);
  if (balances == journal.state().balances.end()) return "0.00";
  auto it = balances->second.find(account);
  return Money::FromPence(it == balances->second.end() ? Int(0) : it->second).ToString();
}

// "account amount [year month]" for each posting of a record.
std::vector<std::string> Postings(const v1::JournalRecord& record) {
  v1::JournalEntry entry;
  EXPECT_TRUE(entry.ParseFromString(record.body()));
  std::vector<std::string> out;
  for (const v1::Posting& posting : entry.postings()) {
    std::string text = posting.account() + " " + posting.amount().value();
    if (posting.has_period()) text += " " + posting.period().year() + " " + posting.period().month();
    out.push_back(text);
  }
  return out;
}

v1::Period Period(const std::string& year, const std::string& month) {
  v1::Period period;
  period.set_year(year);
  period.set_month(month);
  return period;
}

struct ContractSpec {
  std::string id = "C-1";
  std::string provider = "RX1";
  v1::ContractMode mode = v1::CONTRACT_MODE_BUY;
  std::string line = "COMMUNITY";
  std::string start_year = "2026/27", start_month = "M01";
  std::string end_year = "2026/27", end_month = "M12";
  v1::ContractType type = v1::CONTRACT_TYPE_BLOCK;
  std::string value = "120000.00", price, ceiling;
  std::int64_t volume = 0;
  v1::Attribution attribution = v1::ATTRIBUTION_CAPITATION;
};

v1::ContractTerms Terms(v1::ContractType type, const std::string& value, const std::string& price,
                        std::int64_t volume, const std::string& ceiling) {
  v1::ContractTerms terms;
  terms.set_type(type);
  terms.mutable_annual_value()->set_value(value);
  terms.mutable_price()->set_value(price);
  terms.set_annual_volume(volume);
  terms.mutable_annual_ceiling()->set_value(ceiling);
  return terms;
}

v1::Command Register(const ContractSpec& spec) {
  v1::Command command;
  v1::RegisterContract* c = command.mutable_register_contract();
  c->set_contract_id(spec.id);
  c->set_provider_code(spec.provider);
  c->set_mode(spec.mode);
  c->set_budget_line(spec.line);
  *c->mutable_start() = Period(spec.start_year, spec.start_month);
  *c->mutable_end() = Period(spec.end_year, spec.end_month);
  *c->mutable_terms() = Terms(spec.type, spec.value, spec.price, spec.volume, spec.ceiling);
  c->set_attribution(spec.attribution);
  c->set_description("District nursing");
  return command;
}

v1::Command Approve(const std::string& id, const std::string& year = "2026/27",
                    const std::string& month = "M01", std::uint64_t variation = 0) {
  v1::Command command;
  command.mutable_approve_contract()->set_contract_id(id);
  command.mutable_approve_contract()->set_variation_seq(variation);
  *command.mutable_approve_contract()->mutable_period() = Period(year, month);
  return command;
}

v1::Command Pay(const std::string& id, const std::string& amount, const std::string& invoice,
                std::int64_t cases = 0, const std::vector<std::pair<std::string, std::string>>& parts = {},
                const std::string& year = "2026/27", const std::string& month = "M03") {
  v1::Command command;
  v1::PostPayment* p = command.mutable_post_payment();
  p->set_contract_id(id);
  *p->mutable_period() = Period(year, month);
  p->mutable_amount()->set_value(amount);
  p->set_invoice_reference(invoice);
  p->set_activity_count(cases);
  for (const auto& [ods, part] : parts) {
    v1::PracticeAmount* line = p->add_practice_amounts();
    line->set_ods_code(ods);
    line->mutable_amount()->set_value(part);
  }
  return command;
}

v1::Command Vary(const std::string& id, const v1::ContractTerms& terms) {
  v1::Command command;
  command.mutable_vary_contract()->set_contract_id(id);
  *command.mutable_vary_contract()->mutable_terms() = terms;
  command.mutable_vary_contract()->set_reason("Extra capacity for winter");
  return command;
}

v1::Command Close(const std::string& id, const std::string& month = "M09") {
  v1::Command command;
  command.mutable_close_contract()->set_contract_id(id);
  *command.mutable_close_contract()->mutable_period() = Period("2026/27", month);
  command.mutable_close_contract()->set_reason("Service ended");
  return command;
}

v1::Command Interest(const std::string& ods, const std::string& contract, const std::string& provider) {
  v1::Command command;
  v1::DeclareInterest* d = command.mutable_declare_interest();
  d->set_ods_code(ods);
  d->set_clinician("Dr A. Patel");
  if (!contract.empty()) d->set_contract_id(contract);
  if (!provider.empty()) d->set_provider_code(provider);
  d->set_description("Partner holds shares in the provider");
  return command;
}

// The standard ledger (entries 1-5: A81001-A81003, RX1, 2026/27) and a COMMUNITY allocation of
// 1,000,000.00 by weighted populations 500 / 300 / 200 (entries 6-11: weights, three lists, the
// PCT's confirmed total and the run), and a provider arm LCP01 (12).
Journal ContractLedger() {
  Journal journal;
  testing::SetUpStandardLedger(journal);
  MustSubmit(journal, WeightsCommand("2026/27", "COMMUNITY"));
  MustSubmit(journal, ListCommand("2026-03-01", "A81001", {{"FEMALE_30_34", 500}}));
  MustSubmit(journal, ListCommand("2026-03-01", "A81002", {{"FEMALE_30_34", 300}}));
  MustSubmit(journal, ListCommand("2026-03-01", "A81003", {{"FEMALE_30_34", 200}}));
  MustRun(journal, RunCommand("2026/27", "M01", "COMMUNITY", "1000000.00"));
  MustSubmit(journal, testing::RegisterProviderCommand("LCP01", v1::PROVIDER_KIND_LCP_PROVIDER_ARM));
  return journal;
}

const Contract& Get(const Journal& journal, const std::string& id) {
  return *journal.state().contracts.by_id.at(id);
}

TEST(Prorate, SplitsAnAnnualAmountIntoTwelveMonthsByLargestRemainder) {
  // 100,000.00 a year: 8,333.34 in M01-M04 and 8,333.33 in M05-M12.
  EXPECT_EQ(Prorate(Int(10'000'000), 1, 1), 833'334);
  EXPECT_EQ(Prorate(Int(10'000'000), 5, 5), 833'333);
  EXPECT_EQ(Prorate(Int(10'000'000), 1, 12), 10'000'000);
  EXPECT_EQ(Prorate(Int(10'000'000), 7, 12), 4'999'998);
  EXPECT_EQ(Prorate(Int(10'000'000), 1, 6), 5'000'002);
  EXPECT_EQ(Prorate(Int(11), 1, 12), 11);  // 11 pence: one each to M01-M11, none to M12.
  EXPECT_EQ(Prorate(Int(11), 12, 12), 0);
}

TEST(Contracts, ABlockContractIsCommittedPaidAndClosed) {
  Journal journal = ContractLedger();
  const v1::JournalRecord registered = MustSubmitAs(journal, Register(ContractSpec{}), kOfficer);
  EXPECT_TRUE(Postings(registered).empty());
  EXPECT_EQ(Get(journal, "C-1").status, v1::CONTRACT_STATUS_DRAFT);
  EXPECT_EQ(Get(journal, "C-1").proposed_by, "finance.officer");

  // Approval commits 120,000.00, split 50/30/20 by weighted population.
  const v1::JournalRecord approved = MustSubmitAs(journal, Approve("C-1"), kSecondOfficer);
  EXPECT_EQ(Postings(approved), (std::vector<std::string>{
                                    "practice:A81001:commitment:COMMUNITY 60000.00",
                                    "practice:A81002:commitment:COMMUNITY 36000.00",
                                    "practice:A81003:commitment:COMMUNITY 24000.00",
                                    "lcp:encumbrance:COMMUNITY -120000.00"}));
  EXPECT_EQ(Get(journal, "C-1").status, v1::CONTRACT_STATUS_APPROVED);

  // A payment of 10,000.01 becomes spend by the same split (the odd penny to A81001, the largest
  // remainder: quotas 5000.005, 3000.003, 2000.002) and releases as much commitment.
  const v1::JournalRecord paid = MustSubmitAs(journal, Pay("C-1", "10000.01", "INV-1"), kOfficer);
  EXPECT_EQ(Postings(paid), (std::vector<std::string>{
                                "practice:A81001:spend:COMMUNITY 5000.01",
                                "practice:A81002:spend:COMMUNITY 3000.00",
                                "practice:A81003:spend:COMMUNITY 2000.00",
                                "provider:RX1:payable -10000.01",
                                "practice:A81001:commitment:COMMUNITY -5000.01",
                                "practice:A81002:commitment:COMMUNITY -3000.00",
                                "practice:A81003:commitment:COMMUNITY -2000.00",
                                "lcp:encumbrance:COMMUNITY 10000.01"}));
  // Outstanding 109,999.99 splits into quotas 54,999.995 / 32,999.997 / 21,999.998 (pence with
  // remainders .5, .7, .8): floors 54,999.99, 32,999.99, 21,999.99 and the 2 leftover pence to the
  // largest remainders, A81003 and A81002. Each practice's commitment is that split; the postings
  // above are the changes from the split of 120,000.00.
  EXPECT_EQ(Balance(journal, "practice:A81001:commitment:COMMUNITY"), "54999.99");
  EXPECT_EQ(Balance(journal, "practice:A81002:commitment:COMMUNITY"), "33000.00");
  EXPECT_EQ(Balance(journal, "practice:A81003:commitment:COMMUNITY"), "22000.00");
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY"), "-109999.99");
  EXPECT_EQ(Get(journal, "C-1").status, v1::CONTRACT_STATUS_ACTIVE);
  EXPECT_EQ(Get(journal, "C-1").years.at(2026).paid, 1'000'001);

  // Closing releases the rest.
  const v1::JournalRecord closed = MustSubmitAs(journal, Close("C-1"), kOfficer);
  EXPECT_EQ(Postings(closed), (std::vector<std::string>{
                                  "practice:A81001:commitment:COMMUNITY -54999.99",
                                  "practice:A81002:commitment:COMMUNITY -33000.00",
                                  "practice:A81003:commitment:COMMUNITY -22000.00",
                                  "lcp:encumbrance:COMMUNITY 109999.99"}));
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY"), "0.00");
  EXPECT_EQ(Get(journal, "C-1").status, v1::CONTRACT_STATUS_CLOSED);
  Result<v1::JournalRecord> late = SubmitAs(journal, Pay("C-1", "1.00", "INV-2"), kOfficer);
  EXPECT_EQ(late.status().code(), v1::ERROR_CODE_CONTRACT_CLOSED);
}

TEST(Contracts, ApprovalFollowsTheGovernanceRules) {
  Journal journal = ContractLedger();
  MustSubmitAs(journal, Register(ContractSpec{}), kOfficer);
  // The proposer may not approve, in any role.
  Result<v1::JournalRecord> own = SubmitAs(journal, Approve("C-1"), kOfficer);
  EXPECT_EQ(own.status().code(), v1::ERROR_CODE_APPROVER_IS_PROPOSER);
  EXPECT_EQ(own.status().message(),
            "contract C-1 was proposed by finance.officer; another principal must approve it (the "
            "approver is never the proposer)");

  // A MAKE contract needs PCT finance: another LCP officer is refused, PCT finance approves.
  ContractSpec make;
  make.id = "C-MAKE";
  make.provider = "LCP01";
  make.mode = v1::CONTRACT_MODE_MAKE;
  MustSubmitAs(journal, Register(make), kOfficer);
  const std::string head = journal.head_hash();
  Result<v1::JournalRecord> lcp = SubmitAs(journal, Approve("C-MAKE"), kSecondOfficer);
  EXPECT_EQ(lcp.status().code(), v1::ERROR_CODE_PCT_APPROVAL_REQUIRED);
  EXPECT_EQ(lcp.status().message(),
            "contract C-MAKE needs approval by PCT finance, because it is a MAKE contract; ask a "
            "PCT_FINANCE principal to approve it");
  EXPECT_EQ(journal.head_hash(), head);  // Nothing was posted.
  MustSubmitAs(journal, Approve("C-MAKE"), kPct);
  EXPECT_EQ(Get(journal, "C-MAKE").approved_by, "pct.finance");

  // A BUY contract on which a practice declared an interest needs PCT finance too; the declaration
  // may be the practice's own, or recorded by a finance officer.
  ContractSpec conflicted;
  conflicted.id = "C-2";
  MustSubmitAs(journal, Register(conflicted), kOfficer);
  MustSubmitAs(journal, Interest("A81002", "C-2", ""), Actor("hillview", v1::ROLE_PRACTICE, "A81002"));
  EXPECT_TRUE(NeedsPctApproval(journal.state().contracts, Get(journal, "C-2")));
  EXPECT_FALSE(NeedsPctApproval(journal.state().contracts, Get(journal, "C-1")));
  EXPECT_EQ(SubmitAs(journal, Approve("C-2"), kSecondOfficer).status().code(),
            v1::ERROR_CODE_PCT_APPROVAL_REQUIRED);
  MustSubmitAs(journal, Approve("C-2"), kPct);

  // An interest in the provider makes every contract with it conflicted, the approved C-1 included.
  MustSubmitAs(journal, Interest("A81003", "", "RX1"), kOfficer);
  EXPECT_TRUE(NeedsPctApproval(journal.state().contracts, Get(journal, "C-1")));
  MustSubmitAs(journal, Approve("C-1"), kPct);

  // A practice declares only its own interests.
  Result<v1::JournalRecord> other =
      SubmitAs(journal, Interest("A81001", "C-1", ""), Actor("hillview", v1::ROLE_PRACTICE, "A81002"));
  EXPECT_EQ(other.status().code(), v1::ERROR_CODE_PERMISSION_DENIED);
  EXPECT_EQ(journal.state().contracts.interests.size(), 2u);
}

TEST(Contracts, ActivityPaymentsNamePracticesWhoseAmountsSumToThePayment) {
  Journal journal = ContractLedger();
  ContractSpec spec;
  spec.attribution = v1::ATTRIBUTION_ACTIVITY;
  MustSubmitAs(journal, Register(spec), kOfficer);
  MustSubmitAs(journal, Approve("C-1"), kSecondOfficer);
  const v1::JournalRecord paid = MustSubmitAs(
      journal, Pay("C-1", "700.00", "INV-9", 0, {{"A81003", "650.00"}, {"A81001", "50.00"}}), kOfficer);
  // Spend where the activity was; commitment released by the commitment's own split (350/210/140).
  EXPECT_EQ(Postings(paid), (std::vector<std::string>{
                                "practice:A81003:spend:COMMUNITY 650.00",
                                "practice:A81001:spend:COMMUNITY 50.00",
                                "provider:RX1:payable -700.00",
                                "practice:A81001:commitment:COMMUNITY -350.00",
                                "practice:A81002:commitment:COMMUNITY -210.00",
                                "practice:A81003:commitment:COMMUNITY -140.00",
                                "lcp:encumbrance:COMMUNITY 700.00"}));
  Result<v1::JournalRecord> short_sum =
      SubmitAs(journal, Pay("C-1", "700.00", "INV-10", 0, {{"A81001", "699.99"}}), kOfficer);
  EXPECT_EQ(short_sum.status().code(), v1::ERROR_CODE_ATTRIBUTION_UNBALANCED);
  EXPECT_EQ(short_sum.status().message(),
            "the practices' amounts sum to 699.99, not the payment's 700.00");
  Result<v1::JournalRecord> stranger =
      SubmitAs(journal, Pay("C-1", "700.00", "INV-10", 0, {{"B99999", "700.00"}}), kOfficer);
  EXPECT_EQ(stranger.status().code(), v1::ERROR_CODE_PRACTICE_UNKNOWN);
  Result<v1::JournalRecord> again =
      SubmitAs(journal, Pay("C-1", "700.00", "INV-9", 0, {{"A81001", "700.00"}}), kOfficer);
  EXPECT_EQ(again.status().code(), v1::ERROR_CODE_INVOICE_ALREADY_POSTED);
  EXPECT_EQ(again.status().message(), "invoice INV-9 from RX1 was paid already by entry 15");
}

TEST(Contracts, CostPerCasePaymentsStopAtTheCeiling) {
  Journal journal = ContractLedger();
  ContractSpec spec;
  spec.type = v1::CONTRACT_TYPE_COST_PER_CASE;
  spec.value = "";
  spec.price = "250.00";
  spec.volume = 100;  // Committed value 25,000.00.
  spec.ceiling = "30000.00";
  MustSubmitAs(journal, Register(spec), kOfficer);
  const v1::JournalRecord approved = MustSubmitAs(journal, Approve("C-1"), kSecondOfficer);
  EXPECT_EQ(Postings(approved).back(), "lcp:encumbrance:COMMUNITY -25000.00");
  Result<v1::JournalRecord> wrong = SubmitAs(journal, Pay("C-1", "1000.00", "I-1", 3), kOfficer);
  EXPECT_EQ(wrong.status().code(), v1::ERROR_CODE_ACTIVITY_COUNT_INVALID);
  EXPECT_EQ(wrong.status().message(), "contract C-1 pays 250.00 a case: 3 cases cost 750.00, not 1000.00");
  // 110 cases (27,500.00) pay off the commitment and 2,500.00 beyond it; the commitment stops at 0.
  MustSubmitAs(journal, Pay("C-1", "27500.00", "I-1", 110), kOfficer);
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY"), "0.00");
  EXPECT_EQ(Balance(journal, "practice:A81001:spend:COMMUNITY"), "13750.00");
  // 10 more cases reach the ceiling exactly; one more is refused and posts nothing.
  MustSubmitAs(journal, Pay("C-1", "2500.00", "I-2", 10), kOfficer);
  const std::string head = journal.head_hash();
  Result<v1::JournalRecord> over = SubmitAs(journal, Pay("C-1", "250.00", "I-3", 1), kOfficer);
  EXPECT_EQ(over.status().code(), v1::ERROR_CODE_CEILING_EXCEEDED);
  EXPECT_EQ(over.status().message(),
            "contract C-1's ceiling for 2026/27 is 30000.00; 30000.00 is paid already, so at most "
            "0.00 more may be paid, not 250.00");
  EXPECT_EQ(journal.head_hash(), head);
  EXPECT_EQ(Balance(journal, "provider:RX1:payable"), "-30000.00");
}

TEST(Contracts, CostAndVolumePaysTheMarginalPriceOnlyBeyondTheVolume) {
  Journal journal = ContractLedger();
  ContractSpec spec;
  spec.type = v1::CONTRACT_TYPE_COST_AND_VOLUME;
  spec.value = "10000.00";  // The block, for 100 cases.
  spec.volume = 100;
  spec.price = "80.00";
  spec.ceiling = "12000.00";
  MustSubmitAs(journal, Register(spec), kOfficer);
  MustSubmitAs(journal, Approve("C-1"), kSecondOfficer);
  MustSubmitAs(journal, Pay("C-1", "10000.00", "B-1", 100), kOfficer);
  // 5 cases beyond the volume earn 400.00, not 800.00.
  Result<v1::JournalRecord> greedy = SubmitAs(journal, Pay("C-1", "800.00", "M-1", 5), kOfficer);
  EXPECT_EQ(greedy.status().code(), v1::ERROR_CODE_CEILING_EXCEEDED);
  EXPECT_EQ(greedy.status().message(),
            "contract C-1 pays its block of 10000.00 for 100 cases in 2026/27, then 80.00 a case: "
            "with 105 cases paid for, payments may reach 10400.00, not 10800.00");
  MustSubmitAs(journal, Pay("C-1", "400.00", "M-1", 5), kOfficer);
  EXPECT_EQ(Get(journal, "C-1").years.at(2026).cases, 105);
  // 20 more cases would earn 1,600.00, but the ceiling leaves 1,600.00 exactly; 21 would not fit.
  Result<v1::JournalRecord> capped = SubmitAs(journal, Pay("C-1", "1680.00", "M-2", 21), kOfficer);
  EXPECT_EQ(capped.status().code(), v1::ERROR_CODE_CEILING_EXCEEDED);
  MustSubmitAs(journal, Pay("C-1", "1600.00", "M-2", 20), kOfficer);
}

TEST(Contracts, AVariationMovesTheCommitmentByTheDifference) {
  Journal journal = ContractLedger();
  MustSubmitAs(journal, Register(ContractSpec{}), kOfficer);
  MustSubmitAs(journal, Approve("C-1"), kSecondOfficer);
  MustSubmitAs(journal, Pay("C-1", "10000.00", "INV-1"), kOfficer);
  const v1::JournalRecord proposed =
      MustSubmitAs(journal, Vary("C-1", Terms(v1::CONTRACT_TYPE_BLOCK, "150000.00", "", 0, "")), kOfficer);
  EXPECT_TRUE(Postings(proposed).empty());
  // Nothing moves until the variation is approved, by someone else, naming its entry.
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY"), "-110000.00");
  EXPECT_EQ(SubmitAs(journal, Approve("C-1", "2026/27", "M04", proposed.seq()), kOfficer).status().code(),
            v1::ERROR_CODE_APPROVER_IS_PROPOSER);
  EXPECT_EQ(SubmitAs(journal, Approve("C-1", "2026/27", "M04", 99), kSecondOfficer).status().code(),
            v1::ERROR_CODE_VARIATION_UNKNOWN);
  const v1::JournalRecord approved =
      MustSubmitAs(journal, Approve("C-1", "2026/27", "M04", proposed.seq()), kSecondOfficer);
  EXPECT_EQ(Postings(approved), (std::vector<std::string>{
                                    "practice:A81001:commitment:COMMUNITY 15000.00",
                                    "practice:A81002:commitment:COMMUNITY 9000.00",
                                    "practice:A81003:commitment:COMMUNITY 6000.00",
                                    "lcp:encumbrance:COMMUNITY -30000.00"}));
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY"), "-140000.00");
  EXPECT_EQ(Get(journal, "C-1").terms.annual_value, 15'000'000);
  EXPECT_FALSE(Get(journal, "C-1").pending.has_value());
  // A ceiling below what was paid is refused when the variation is approved.
  const v1::JournalRecord below =
      MustSubmitAs(journal, Vary("C-1", Terms(v1::CONTRACT_TYPE_BLOCK, "9999.99", "", 0, "")), kOfficer);
  Result<v1::JournalRecord> refused =
      SubmitAs(journal, Approve("C-1", "2026/27", "M05", below.seq()), kSecondOfficer);
  EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_CONTRACT_TERMS_INVALID);
  EXPECT_EQ(refused.status().message(),
            "the varied ceiling for 2026/27, 9999.99, is below the 10000.00 paid in that year already");
}

TEST(Contracts, AContractIntoALaterYearIsCommittedWhenThatYearOpens) {
  Journal journal = ContractLedger();
  ContractSpec spec;
  spec.start_month = "M07";
  spec.end_year = "2027/28";
  spec.end_month = "M06";
  spec.value = "100000.00";
  MustSubmitAs(journal, Register(spec), kOfficer);
  // Only 2026/27 is open. 100,000.00 a year is 8,333.34 a month in M01-M04 and 8,333.33 after, so
  // M07-M12 is 49,999.98: quotas 24,999.99 / 14,999.994 / 9,999.996, the leftover penny to A81003.
  const v1::JournalRecord approved = MustSubmitAs(journal, Approve("C-1", "2026/27", "M06"), kSecondOfficer);
  EXPECT_EQ(Postings(approved), (std::vector<std::string>{
                                    "practice:A81001:commitment:COMMUNITY 24999.99",
                                    "practice:A81002:commitment:COMMUNITY 14999.99",
                                    "practice:A81003:commitment:COMMUNITY 10000.00",
                                    "lcp:encumbrance:COMMUNITY -49999.98"}));
  EXPECT_EQ(Get(journal, "C-1").years.size(), 1u);
  // Opening 2027/28 commits M01-M06, 50,000.02, into its M01, split by the latest run (2026/27's):
  // quotas 25,000.01 / 15,000.006 / 10,000.004, the leftover penny to A81002.
  const v1::JournalRecord opened =
      MustSubmit(journal, testing::OpenYearCommand("2027/28", {"COMMUNITY", "PRESCRIBING"}));
  EXPECT_EQ(Postings(opened), (std::vector<std::string>{
                                  "lcp:encumbrance:COMMUNITY -50000.02",
                                  "practice:A81001:commitment:COMMUNITY 25000.01",
                                  "practice:A81002:commitment:COMMUNITY 15000.01",
                                  "practice:A81003:commitment:COMMUNITY 10000.00"}));
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY", 2027), "-50000.02");
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY", 2026), "-49999.98");
  // An OpenYear without the line that a running contract needs is refused.
  ContractSpec longer = spec;
  longer.id = "C-2";
  longer.end_year = "2028/29";
  MustSubmitAs(journal, Register(longer), kOfficer);
  MustSubmitAs(journal, Approve("C-2", "2026/27", "M06"), kSecondOfficer);
  Result<v1::JournalRecord> refused =
      journal.Submit(testing::Request(testing::OpenYearCommand("2028/29", {"PRESCRIBING"}), "y3"));
  EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_BUDGET_LINE_UNKNOWN);
  EXPECT_EQ(refused.status().message(),
            "contract C-2 runs into 2028/29 on line COMMUNITY; open the year with that line too");
}

TEST(Contracts, AnApprovalCommitsEveryOpenYearEachInItsOwnPeriod) {
  Journal journal = ContractLedger();
  MustSubmit(journal, testing::OpenYearCommand("2027/28", {"COMMUNITY"}));
  ContractSpec spec;
  spec.start_month = "M10";
  spec.end_year = "2027/28";
  spec.end_month = "M03";
  spec.value = "12.00";  // 1.00 a month.
  MustSubmitAs(journal, Register(spec), kOfficer);
  const v1::JournalRecord approved = MustSubmitAs(journal, Approve("C-1", "2026/27", "M08"), kSecondOfficer);
  EXPECT_EQ(Postings(approved), (std::vector<std::string>{
                                    "practice:A81001:commitment:COMMUNITY 1.50",
                                    "practice:A81002:commitment:COMMUNITY 0.90",
                                    "practice:A81003:commitment:COMMUNITY 0.60",
                                    "lcp:encumbrance:COMMUNITY -3.00",
                                    "practice:A81001:commitment:COMMUNITY 1.50 2027/28 M01",
                                    "practice:A81002:commitment:COMMUNITY 0.90 2027/28 M01",
                                    "practice:A81003:commitment:COMMUNITY 0.60 2027/28 M01",
                                    "lcp:encumbrance:COMMUNITY -3.00 2027/28 M01"}));
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY", 2026), "-3.00");
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY", 2027), "-3.00");
}

// A capitation payment's parts always sum to the payment, and each is within a penny of its exact
// quota, whatever the amount: every amount from 0.01 to 10.00 against weights 500 / 300 / 200.
TEST(Contracts, CapitationAttributionSumsExactly) {
  Journal journal = ContractLedger();
  MustSubmitAs(journal, Register(ContractSpec{}), kOfficer);
  MustSubmitAs(journal, Approve("C-1"), kSecondOfficer);
  Int total = 0;
  for (int pence = 1; pence <= 1000; ++pence) {
    const std::string amount = Money::FromPence(pence).ToString();
    const v1::JournalRecord paid = MustSubmitAs(journal, Pay("C-1", amount, "I-" + amount), kOfficer);
    v1::JournalEntry entry;
    ASSERT_TRUE(entry.ParseFromString(paid.body()));
    std::map<std::string, Int> posted;  // A part of 0.00 is not posted.
    for (const v1::Posting& posting : entry.postings()) {
      posted[posting.account()] = Money::Parse(posting.amount().value())->pence();
    }
    Int spend = 0;
    const int shares[] = {5, 3, 2};
    const char* const practices[] = {"A81001", "A81002", "A81003"};
    for (int i = 0; i < 3; ++i) {
      const Int part = posted[PracticeAccount(practices[i], "spend", "COMMUNITY")];
      spend += part;
      // |part - pence x share / 10| < 1 penny, in tenths of a penny.
      const Int error = part * 10 - pence * shares[i];
      EXPECT_LT(error < 0 ? Int(-error) : error, 10) << amount << " " << i;
    }
    EXPECT_EQ(spend, pence) << amount;
    total += pence;
  }
  EXPECT_EQ(Balance(journal, "provider:RX1:payable"), Money::FromPence(-total).ToString());
  Int spent = 0;
  for (const std::string ods : {"A81001", "A81002", "A81003"}) {
    spent += Money::Parse(Balance(journal, "practice:" + ods + ":spend:COMMUNITY"))->pence();
  }
  EXPECT_EQ(spent, total);
  // 500,500 pence paid of 12,000,000 committed: the commitments sum to the rest.
  Int committed = 0;
  for (const std::string ods : {"A81001", "A81002", "A81003"}) {
    committed += Money::Parse(Balance(journal, "practice:" + ods + ":commitment:COMMUNITY"))->pence();
  }
  EXPECT_EQ(committed, 12'000'000 - 500'500);
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY"), "-114995.00");
}

// Each year keeps its own figures: an approval in a later year commits the earlier open year too (into
// its M12), a variation approved in 2027/28 leaves 2026/27's value and ceiling alone, and closing in
// 2027/28 releases both years.
TEST(Contracts, EachYearKeepsItsFiguresAndEveryYearIsCommittedAndReleased) {
  Journal journal = ContractLedger();
  MustSubmit(journal, testing::OpenYearCommand("2027/28", {"COMMUNITY"}));
  ContractSpec spec;
  spec.end_year = "2027/28";
  MustSubmitAs(journal, Register(spec), kOfficer);
  const v1::JournalRecord approved = MustSubmitAs(journal, Approve("C-1", "2027/28", "M01"), kSecondOfficer);
  EXPECT_EQ(Postings(approved), (std::vector<std::string>{
                                    "practice:A81001:commitment:COMMUNITY 60000.00 2026/27 M12",
                                    "practice:A81002:commitment:COMMUNITY 36000.00 2026/27 M12",
                                    "practice:A81003:commitment:COMMUNITY 24000.00 2026/27 M12",
                                    "lcp:encumbrance:COMMUNITY -120000.00 2026/27 M12",
                                    "practice:A81001:commitment:COMMUNITY 60000.00",
                                    "practice:A81002:commitment:COMMUNITY 36000.00",
                                    "practice:A81003:commitment:COMMUNITY 24000.00",
                                    "lcp:encumbrance:COMMUNITY -120000.00"}));
  const v1::JournalRecord varied =
      MustSubmitAs(journal, Vary("C-1", Terms(v1::CONTRACT_TYPE_BLOCK, "240000.00", "", 0, "")), kOfficer);
  const v1::JournalRecord doubled =
      MustSubmitAs(journal, Approve("C-1", "2027/28", "M02", varied.seq()), kSecondOfficer);
  EXPECT_EQ(Postings(doubled).back(), "lcp:encumbrance:COMMUNITY -120000.00");
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY", 2026), "-120000.00");
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY", 2027), "-240000.00");
  // 2026/27 still pays against 120,000.00: a payment releases as much commitment.
  MustSubmitAs(journal, Pay("C-1", "1.00", "I-1"), kOfficer);
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY", 2026), "-119999.00");
  Result<v1::JournalRecord> over = SubmitAs(journal, Pay("C-1", "120000.00", "I-2"), kOfficer);
  EXPECT_EQ(over.status().code(), v1::ERROR_CODE_CEILING_EXCEEDED);
  EXPECT_EQ(Get(journal, "C-1").years.at(2026).ceiling, 12'000'000);
  EXPECT_EQ(Get(journal, "C-1").years.at(2027).ceiling, 24'000'000);
  // Closing in 2027/28 releases both years, the earlier into its M12.
  v1::Command close = Close("C-1");
  *close.mutable_close_contract()->mutable_period() = Period("2027/28", "M03");
  const v1::JournalRecord closed = MustSubmitAs(journal, close, kOfficer);
  EXPECT_EQ(Postings(closed).at(3), "lcp:encumbrance:COMMUNITY 119999.00 2026/27 M12");
  EXPECT_EQ(Postings(closed).back(), "lcp:encumbrance:COMMUNITY 240000.00");
  for (int year : {2026, 2027}) {
    EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY", year), "0.00") << year;
    for (const std::string ods : {"A81001", "A81002", "A81003"}) {
      EXPECT_EQ(Balance(journal, "practice:" + ods + ":commitment:COMMUNITY", year), "0.00") << ods;
    }
  }
}

// A pending variation that payments have made impossible to approve is superseded by a new one.
TEST(Contracts, ANewVariationSupersedesAPendingOne) {
  Journal journal = ContractLedger();
  MustSubmitAs(journal, Register(ContractSpec{}), kOfficer);
  MustSubmitAs(journal, Approve("C-1"), kSecondOfficer);
  MustSubmitAs(journal, Pay("C-1", "40000.00", "I-1"), kOfficer);
  const v1::JournalRecord first =
      MustSubmitAs(journal, Vary("C-1", Terms(v1::CONTRACT_TYPE_BLOCK, "50000.00", "", 0, "")), kOfficer);
  MustSubmitAs(journal, Pay("C-1", "20000.00", "I-2"), kOfficer);
  Result<v1::JournalRecord> stale = SubmitAs(journal, Approve("C-1", "2026/27", "M04", first.seq()), kPct);
  EXPECT_EQ(stale.status().code(), v1::ERROR_CODE_CONTRACT_TERMS_INVALID);
  EXPECT_EQ(stale.status().message(),
            "the varied ceiling for 2026/27, 50000.00, is below the 60000.00 paid in that year already");
  const v1::JournalRecord second =
      MustSubmitAs(journal, Vary("C-1", Terms(v1::CONTRACT_TYPE_BLOCK, "70000.00", "", 0, "")), kOfficer);
  EXPECT_EQ(SubmitAs(journal, Approve("C-1", "2026/27", "M04", first.seq()), kPct).status().code(),
            v1::ERROR_CODE_VARIATION_UNKNOWN);
  const v1::JournalRecord approved = MustSubmitAs(journal, Approve("C-1", "2026/27", "M04", second.seq()), kPct);
  // Outstanding goes from 60,000.00 (120,000.00 - 60,000.00) to 10,000.00.
  EXPECT_EQ(Postings(approved).back(), "lcp:encumbrance:COMMUNITY 50000.00");
  EXPECT_EQ(Balance(journal, "lcp:encumbrance:COMMUNITY"), "-10000.00");
}

// Replaying every record of a ledger with contracts (approval into two years, payment, variation,
// close) re-executes each command and gets the same postings, chain, balances and contracts; a
// group taken back leaves no trace of them.
TEST(Contracts, ReplayReproducesEveryPostingAndAGroupTakenBackLeavesNoTrace) {
  Journal journal;
  std::vector<v1::JournalRecord> records;
  auto keep = [&](const v1::JournalRecord& record) { records.push_back(record); };
  keep(MustSubmit(journal, testing::RegisterPracticeCommand("A81001")));
  keep(MustSubmit(journal, testing::RegisterPracticeCommand("A81002")));
  keep(MustSubmit(journal, testing::RegisterProviderCommand("RX1")));
  keep(MustSubmit(journal, testing::OpenYearCommand("2026/27", {"COMMUNITY"})));
  keep(MustSubmit(journal, testing::OpenYearCommand("2027/28", {"COMMUNITY"})));
  keep(MustSubmit(journal, WeightsCommand("2026/27", "COMMUNITY")));
  keep(MustSubmit(journal, ListCommand("2026-03-01", "A81001", {{"FEMALE_30_34", 2}})));
  keep(MustSubmit(journal, ListCommand("2026-03-01", "A81002", {{"FEMALE_30_34", 1}})));
  keep(MustSubmit(journal, testing::ConfirmTotalCommand("2026/27", "COMMUNITY", "1000.00")));
  keep(MustSubmit(journal, RunCommand("2026/27", "M01", "COMMUNITY", "1000.00")));
  ContractSpec spec;
  spec.end_year = "2027/28";
  keep(MustSubmitAs(journal, Register(spec), kOfficer));
  keep(MustSubmitAs(journal, Approve("C-1"), kSecondOfficer));
  keep(MustSubmitAs(journal, Pay("C-1", "333.33", "I-1"), kOfficer));
  keep(MustSubmitAs(journal, Vary("C-1", Terms(v1::CONTRACT_TYPE_BLOCK, "100000.00", "", 0, "")), kOfficer));
  keep(MustSubmitAs(journal, Approve("C-1", "2026/27", "M05", journal.head_seq()), kPct));
  keep(MustSubmitAs(journal, Interest("A81001", "C-1", ""), kOfficer));

  // Everything the next commands change is taken back with the group.
  const std::string head = journal.head_hash();
  const Balances balances = journal.state().balances;
  const std::shared_ptr<const Contract> before = journal.state().contracts.by_id.at("C-1");
  journal.BeginGroup();
  MustSubmitAs(journal, Pay("C-1", "1.00", "I-2"), kOfficer);
  ContractSpec other = spec;
  other.id = "C-2";
  MustSubmitAs(journal, Register(other), kOfficer);
  MustSubmitAs(journal, Close("C-1"), kOfficer);
  MustSubmitAs(journal, Interest("A81002", "C-2", ""), kOfficer);
  journal.EndGroup(/*keep=*/false);
  EXPECT_EQ(journal.head_hash(), head);
  EXPECT_EQ(journal.state().balances, balances);
  EXPECT_EQ(journal.state().contracts.by_id.at("C-1"), before);
  EXPECT_FALSE(journal.state().contracts.by_id.contains("C-2"));
  EXPECT_EQ(journal.state().contracts.interests.size(), 1u);
  EXPECT_FALSE(journal.state().invoices.contains({"RX1", "I-2"}));

  keep(MustSubmitAs(journal, Close("C-1"), kOfficer));
  Journal replayer;
  for (const v1::JournalRecord& record : records) {
    Status status = replayer.Replay(record);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  EXPECT_EQ(replayer.head_hash(), journal.head_hash());
  EXPECT_EQ(replayer.state().balances, journal.state().balances);
  const Contract& replayed = *replayer.state().contracts.by_id.at("C-1");
  EXPECT_EQ(replayed.status, v1::CONTRACT_STATUS_CLOSED);
  EXPECT_EQ(replayed.years.at(2027).value, 10'000'000);
  EXPECT_EQ(replayed.years.at(2026).paid, 33'333);
  // Both years' commitments were released: the encumbrance nets to zero in each.
  EXPECT_EQ(Balance(replayer, "lcp:encumbrance:COMMUNITY", 2026), "0.00");
  EXPECT_EQ(Balance(replayer, "lcp:encumbrance:COMMUNITY", 2027), "0.00");

  // A record whose recorded approver is the proposer does not replay: the approval, entry 12.
  v1::JournalEntry forged;
  ASSERT_TRUE(forged.ParseFromString(records[11].body()));
  ASSERT_TRUE(forged.command().has_approve_contract());
  forged.mutable_actor()->set_principal_id("finance.officer");
  Journal partial;
  for (std::size_t i = 0; i < 11; ++i) ASSERT_TRUE(partial.Replay(records[i]).ok());
  Status refused = partial.Replay(MakeRecord(12, partial.head_hash(), forged.SerializeAsString()));
  EXPECT_EQ(refused.code(), v1::ERROR_CODE_REPLAY_MISMATCH);
  EXPECT_NE(refused.message().find("APPROVER_IS_PROPOSER"), std::string::npos) << refused.message();
}

struct ContractRefusal {
  std::string name;
  v1::Command command;
  v1::Actor actor;
  ErrorCode code;
  std::string message;
};

// Set-up for the refusals (entries 1-12 of ContractLedger, then):
//   C-1      DRAFT, proposed by finance.officer (13)
//   C-A      BLOCK 120,000.00, CAPITATION, approved (14, 15), invoice PAID-1 paid (16)
//   C-ACT    BLOCK, ACTIVITY, approved (17, 18)
//   C-CPC    COST_PER_CASE 250.00, approved (19, 20)
//   C-CLOSED approved and closed (21, 22, 23)
//   C-VAR    approved (24, 25), a variation (26) superseded by another (27)
//   C-MAKE   MAKE with LCP01, DRAFT (28)
//   C-ELEC   on ELECTIVE, which has no allocation run, DRAFT (29)
//   2026/27 and 2027/28 open (30)
Journal RefusalLedger() {
  Journal journal = ContractLedger();
  auto contract = [&](const std::string& id, auto&& adjust, bool approve) {
    ContractSpec spec;
    spec.id = id;
    adjust(spec);
    MustSubmitAs(journal, Register(spec), kOfficer);
    if (approve) MustSubmitAs(journal, Approve(id), spec.mode == v1::CONTRACT_MODE_MAKE ? kPct : kSecondOfficer);
  };
  auto same = [](ContractSpec&) {};
  contract("C-1", same, false);
  contract("C-A", same, true);
  MustSubmitAs(journal, Pay("C-A", "100.00", "PAID-1"), kOfficer);
  contract("C-ACT", [](ContractSpec& c) { c.attribution = v1::ATTRIBUTION_ACTIVITY; }, true);
  contract("C-CPC", [](ContractSpec& c) {
    c.type = v1::CONTRACT_TYPE_COST_PER_CASE;
    c.value = "";
    c.price = "250.00";
    c.volume = 10;
    c.ceiling = "5000.00";
  }, true);
  contract("C-CLOSED", same, true);
  MustSubmitAs(journal, Close("C-CLOSED"), kOfficer);
  contract("C-VAR", same, true);
  MustSubmitAs(journal, Vary("C-VAR", Terms(v1::CONTRACT_TYPE_BLOCK, "1.00", "", 0, "")), kOfficer);
  MustSubmitAs(journal, Vary("C-VAR", Terms(v1::CONTRACT_TYPE_BLOCK, "2.00", "", 0, "")), kOfficer);
  contract("C-MAKE", [](ContractSpec& c) {
    c.mode = v1::CONTRACT_MODE_MAKE;
    c.provider = "LCP01";
  }, false);
  contract("C-ELEC", [](ContractSpec& c) { c.line = "ELECTIVE"; }, false);
  MustSubmit(journal, testing::OpenYearCommand("2027/28", {"COMMUNITY"}));
  return journal;
}

std::vector<ContractRefusal> ContractRefusals() {
  auto reg = [](auto&& adjust) {
    ContractSpec spec;
    spec.id = "C-NEW";
    adjust(spec);
    return Register(spec);
  };
  v1::Command no_mode = reg([](ContractSpec& c) { c.mode = v1::CONTRACT_MODE_UNSPECIFIED; });
  v1::Command no_attribution = reg([](ContractSpec& c) { c.attribution = v1::ATTRIBUTION_UNSPECIFIED; });
  v1::Command no_subject = Interest("A81001", "", "");
  v1::Command journal_with_period =
      testing::JournalCommand("2026/27", "M01", {{"lcp:cash", "1.00"}, {"pct:funding", "-1.00"}});
  *journal_with_period.mutable_post_journal()->mutable_postings(0)->mutable_period() =
      Period("2027/28", "M01");
  const v1::Actor practice = Actor("hillview", v1::ROLE_PRACTICE, "A81002");
  return {
      {"id malformed", reg([](ContractSpec& c) { c.id = "c 1"; }), kOfficer,
       v1::ERROR_CODE_CONTRACT_ID_MALFORMED, "contract id \"c 1\" must be 1 to 32 capital letters"},
      {"registered already", reg([](ContractSpec& c) { c.id = "C-A"; }), kOfficer,
       v1::ERROR_CODE_CONTRACT_ALREADY_REGISTERED, "contract C-A is registered already"},
      {"provider unknown", reg([](ContractSpec& c) { c.provider = "RZZ"; }), kOfficer,
       v1::ERROR_CODE_PROVIDER_UNKNOWN, "provider \"RZZ\" is not registered"},
      {"mode missing", no_mode, kOfficer, v1::ERROR_CODE_CONTRACT_MODE_INVALID, "MAKE or BUY"},
      {"buy from the provider arm", reg([](ContractSpec& c) { c.provider = "LCP01"; }), kOfficer,
       v1::ERROR_CODE_CONTRACT_MODE_INVALID,
       "provider LCP01 is the LCP's own provider arm: a contract with it is MAKE, which PCT "
       "finance approves"},
      {"start year not open", reg([](ContractSpec& c) { c.start_year = "2030/31"; }), kOfficer,
       v1::ERROR_CODE_YEAR_NOT_OPEN,
       "the contract's start: financial year 2030/31 has not been opened"},
      {"line unknown", reg([](ContractSpec& c) { c.line = "DENTAL"; }), kOfficer,
       v1::ERROR_CODE_BUDGET_LINE_UNKNOWN, "budget line \"DENTAL\" is not one of 2026/27's lines"},
      {"end before start", reg([](ContractSpec& c) { c.end_month = "M00"; }), kOfficer,
       v1::ERROR_CODE_CONTRACT_TERM_INVALID, "the contract's end: "},
      {"too long", reg([](ContractSpec& c) { c.end_year = "2031/32"; }), kOfficer,
       v1::ERROR_CODE_CONTRACT_TERM_INVALID, "at most 60 months"},
      {"block with a price", reg([](ContractSpec& c) { c.price = "1.00"; }), kOfficer,
       v1::ERROR_CODE_CONTRACT_TERMS_INVALID, "a BLOCK contract takes only an annual value"},
      {"value malformed", reg([](ContractSpec& c) { c.value = "1.001"; }), kOfficer,
       v1::ERROR_CODE_AMOUNT_MALFORMED, "the annual value: "},
      {"ceiling below plan", reg([](ContractSpec& c) {
         c.type = v1::CONTRACT_TYPE_COST_PER_CASE;
         c.value = "";
         c.price = "10.00";
         c.volume = 10;
         c.ceiling = "99.99";
       }),
       kOfficer, v1::ERROR_CODE_CONTRACT_TERMS_INVALID, "at least price x volume (100.00)"},
      {"attribution missing", no_attribution, kOfficer, v1::ERROR_CODE_ATTRIBUTION_MISSING,
       "ACTIVITY (each payment names practices) or CAPITATION"},
      {"description empty", reg([](ContractSpec&) {}), kOfficer, v1::ERROR_CODE_NAME_INVALID,
       "the contract's description must be 1 to 200"},
      {"approve unknown", Approve("C-NONE"), kSecondOfficer, v1::ERROR_CODE_CONTRACT_UNKNOWN,
       "no contract \"C-NONE\" is registered"},
      {"approve twice", Approve("C-A"), kPct, v1::ERROR_CODE_CONTRACT_NOT_DRAFT,
       "contract C-A was approved by entry 15"},
      {"approve own", Approve("C-1"), kOfficer, v1::ERROR_CODE_APPROVER_IS_PROPOSER,
       "contract C-1 was proposed by finance.officer"},
      {"approve make as lcp", Approve("C-MAKE"), kSecondOfficer,
       v1::ERROR_CODE_PCT_APPROVAL_REQUIRED, "because it is a MAKE contract"},
      {"approve closed", Approve("C-CLOSED"), kPct, v1::ERROR_CODE_CONTRACT_CLOSED,
       "contract C-CLOSED is closed"},
      {"approve without a basis", Approve("C-ELEC"), kSecondOfficer,
       v1::ERROR_CODE_ATTRIBUTION_BASIS_MISSING,
       "no capitation allocation has been run for ELECTIVE in 2026/27 or an earlier year"},
      {"approve in a closed year", Approve("C-1", "2025/26"), kSecondOfficer,
       v1::ERROR_CODE_YEAR_NOT_OPEN, "financial year 2025/26 has not been opened"},
      {"variation unknown", Approve("C-A", "2026/27", "M02", 3), kPct,
       v1::ERROR_CODE_VARIATION_UNKNOWN,
       "entry 3 is not a variation of contract C-A awaiting approval; none is pending"},
      {"vary a draft", Vary("C-1", Terms(v1::CONTRACT_TYPE_BLOCK, "1.00", "", 0, "")), kOfficer,
       v1::ERROR_CODE_CONTRACT_NOT_APPROVED, "contract C-1 is a draft"},
      {"approve a superseded variation", Approve("C-VAR", "2026/27", "M02", 26), kPct,
       v1::ERROR_CODE_VARIATION_UNKNOWN,
       "entry 26 is not a variation of contract C-VAR awaiting approval; the pending one is "
       "entry 27"},
      {"journal to a commitment",
       testing::JournalCommand("2026/27", "M02",
                               {{"practice:A81001:commitment:COMMUNITY", "1.00"},
                                {"lcp:encumbrance:COMMUNITY", "-1.00"}}),
       kOfficer, v1::ERROR_CODE_ACCOUNT_RESERVED,
       "account \"practice:A81001:commitment:COMMUNITY\" is moved only by contracts"},
      {"journal to the encumbrance",
       testing::JournalCommand("2026/27", "M02",
                               {{"lcp:cash", "1.00"}, {"lcp:encumbrance:COMMUNITY", "-1.00"}}),
       kOfficer, v1::ERROR_CODE_ACCOUNT_RESERVED, "vary or close the contract instead"},
      {"vary the type",
       Vary("C-A", Terms(v1::CONTRACT_TYPE_COST_AND_VOLUME, "1.00", "1.00", 1, "1.00")), kOfficer,
       v1::ERROR_CODE_CONTRACT_TERMS_INVALID, "a variation keeps the contract's type, BLOCK"},
      {"pay a draft", Pay("C-1", "1.00", "I-9"), kOfficer, v1::ERROR_CODE_CONTRACT_NOT_APPROVED,
       "contract C-1 has not been approved"},
      {"pay a closed contract", Pay("C-CLOSED", "1.00", "I-9"), kOfficer,
       v1::ERROR_CODE_CONTRACT_CLOSED,
       "contract C-CLOSED was closed by entry 23; it takes no more payments"},
      {"pay over the ceiling", Pay("C-A", "119900.01", "I-9"), kOfficer,
       v1::ERROR_CODE_CEILING_EXCEEDED,
       "contract C-A's ceiling for 2026/27 is 120000.00; 100.00 is paid already, so at most "
       "119900.00 more may be paid, not 119900.01"},
      {"invoice paid", Pay("C-A", "1.00", "PAID-1"), kOfficer,
       v1::ERROR_CODE_INVOICE_ALREADY_POSTED,
       "invoice PAID-1 from RX1 was paid already by entry 16"},
      {"invoice malformed", Pay("C-A", "1.00", "INV 1"), kOfficer,
       v1::ERROR_CODE_INVOICE_REFERENCE_INVALID, "the invoice reference must be 1 to 64"},
      {"amount zero", Pay("C-A", "0.00", "I-9"), kOfficer, v1::ERROR_CODE_PAYMENT_AMOUNT_INVALID,
       "a payment's amount must be above 0.00; 0.00 was given"},
      {"amount malformed", Pay("C-A", "1,000.00", "I-9"), kOfficer, v1::ERROR_CODE_AMOUNT_MALFORMED,
       ""},
      {"year outside", Pay("C-A", "1.00", "I-9", 0, {}, "2027/28", "M01"), kOfficer,
       v1::ERROR_CODE_PAYMENT_YEAR_OUTSIDE_CONTRACT,
       "contract C-A runs from 2026/27 M01 to 2026/27 M12; it takes no payments in 2027/28"},
      {"capitation with practices", Pay("C-A", "1.00", "I-9", 0, {{"A81001", "1.00"}}), kOfficer,
       v1::ERROR_CODE_ATTRIBUTION_INVALID, "is attributed by CAPITATION"},
      {"activity without practices", Pay("C-ACT", "1.00", "I-9"), kOfficer,
       v1::ERROR_CODE_ATTRIBUTION_INVALID, "is attributed by ACTIVITY: name 1 to 20000 practices"},
      {"activity practice twice",
       Pay("C-ACT", "2.00", "I-9", 0, {{"A81001", "1.00"}, {"A81001", "1.00"}}), kOfficer,
       v1::ERROR_CODE_ATTRIBUTION_INVALID, "practice A81001 is named twice"},
      {"activity negative part",
       Pay("C-ACT", "1.00", "I-9", 0, {{"A81001", "2.00"}, {"A81002", "-1.00"}}), kOfficer,
       v1::ERROR_CODE_ATTRIBUTION_INVALID, "practice A81002's amount must be above 0.00"},
      {"activity non-member", Pay("C-ACT", "1.00", "I-9", 0, {{"B12345", "1.00"}}), kOfficer,
       v1::ERROR_CODE_PRACTICE_UNKNOWN, "practice \"B12345\" is not a member of the LCP"},
      {"activity unbalanced",
       Pay("C-ACT", "3.00", "I-9", 0, {{"A81001", "1.00"}, {"A81002", "1.00"}}), kOfficer,
       v1::ERROR_CODE_ATTRIBUTION_UNBALANCED, "sum to 2.00, not the payment's 3.00"},
      {"cases missing", Pay("C-CPC", "250.00", "I-9"), kOfficer,
       v1::ERROR_CODE_ACTIVITY_COUNT_INVALID, "give the number of cases the invoice pays for"},
      {"cases negative", Pay("C-CPC", "250.00", "I-9", -1), kOfficer,
       v1::ERROR_CODE_ACTIVITY_COUNT_INVALID, "the activity count must be 0 to 100000000 cases"},
      {"close twice", Close("C-CLOSED"), kOfficer, v1::ERROR_CODE_CONTRACT_CLOSED,
       "contract C-CLOSED was closed already by entry 23"},
      {"close without reason",
       [] {
         v1::Command c = Close("C-A");
         c.mutable_close_contract()->clear_reason();
         return c;
       }(),
       kOfficer, v1::ERROR_CODE_NARRATIVE_INVALID, "the reason for closing must be"},
      {"interest without subject", no_subject, kOfficer, v1::ERROR_CODE_INTEREST_SUBJECT_MISSING,
       "a declaration names the contract or the provider"},
      {"interest of a stranger", Interest("B12345", "C-A", ""), kOfficer,
       v1::ERROR_CODE_PRACTICE_UNKNOWN, "practice \"B12345\" is not a registered member"},
      {"interest in an unknown contract", Interest("A81001", "C-NONE", ""), kOfficer,
       v1::ERROR_CODE_CONTRACT_UNKNOWN, "no contract \"C-NONE\" is registered"},
      {"interest for another practice", Interest("A81001", "C-A", ""), practice,
       v1::ERROR_CODE_PERMISSION_DENIED,
       "a practice declares only its own interests: you act for A81002"},
      {"journal posting with a period", journal_with_period, kOfficer,
       v1::ERROR_CODE_POSTING_PERIOD_NOT_ALLOWED, "carries a period of its own"},
  };
}

TEST(ContractRefusal, EachIsPreciseAndPostsNothing) {
  std::vector<ContractRefusal> refusals = ContractRefusals();
  // The description of "description empty" is cleared here, where the builder cannot reach it.
  for (ContractRefusal& refusal : refusals) {
    if (refusal.name == "description empty") {
      refusal.command.mutable_register_contract()->clear_description();
    }
  }
  const Journal base = RefusalLedger();
  ASSERT_EQ(base.head_seq(), 30u);
  for (const ContractRefusal& refusal : refusals) {
    SCOPED_TRACE(refusal.name);
    Journal journal = base;
    Result<v1::JournalRecord> result = SubmitAs(journal, refusal.command, refusal.actor);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(v1::ErrorCode_Name(result.status().code()), v1::ErrorCode_Name(refusal.code));
    EXPECT_NE(result.status().message().find(refusal.message), std::string::npos)
        << result.status().message();
    EXPECT_EQ(journal.head_hash(), base.head_hash());
    EXPECT_EQ(journal.state().balances, base.state().balances);
  }
}

// Opening a year that would commit contracts in more accounts than one entry may hold is refused.
TEST(ContractRefusal, ARolloverTooLargeForOneEntryIsRefused) {
  State state;
  auto run = std::make_shared<AllocationRun>();
  run->seq = 1;
  for (std::size_t i = 0; i < kContractPracticesMax; ++i) {
    char ods[8];
    std::snprintf(ods, sizeof ods, "A%05zu", i);
    run->rows.push_back(AllocationRow{ods, 1, 1, 1, 1, 1, 0, 0, 0});
  }
  Year next;
  next.start_year = 2027;
  const std::size_t lines = kRolloverPostingsMax / kContractPracticesMax + 1;
  for (std::size_t l = 0; l < lines; ++l) {
    const std::string line = "LINE" + std::to_string(l);
    next.line_set.insert(line);
    state.capitation.runs[1] = run;
    state.capitation.latest_run[{2026, line}] = 1;
    auto contract = std::make_shared<Contract>();
    contract->id = "C-" + std::to_string(l);
    contract->line = line;
    contract->status = v1::CONTRACT_STATUS_APPROVED;
    contract->start_year = 2026;
    contract->start_month = 1;
    contract->end_year = 2027;
    contract->end_month = 12;
    contract->terms.type = v1::CONTRACT_TYPE_BLOCK;
    contract->terms.annual_value = 100'000'000;
    contract->terms.annual_ceiling = 100'000'000;
    state.contracts.by_id[contract->id] = contract;
  }
  ChangeSet effects;
  Status status = RollContractsForward(state, next, effects);
  EXPECT_EQ(status.code(), v1::ERROR_CODE_ENTRY_TOO_LARGE);
  EXPECT_EQ(status.message(), "opening 2027/28 would commit contracts in " +
                                  std::to_string(lines * (kContractPracticesMax + 1)) +
                                  " accounts, more than the 100000 postings one entry may have");
  EXPECT_TRUE(effects.legs.empty());
}

// Every contract code is covered here (engine_test checks that every engine code is covered somewhere).
TEST(ContractRefusal, CoversEveryContractCode) {
  std::set<int> covered;
  for (const ContractRefusal& refusal : ContractRefusals()) covered.insert(refusal.code);
  covered.insert(v1::ERROR_CODE_ENTRY_TOO_LARGE);  // The test above.
  for (int code = v1::ERROR_CODE_CONTRACT_ID_MALFORMED; code <= v1::ERROR_CODE_ACCOUNT_RESERVED; ++code) {
    if (!v1::ErrorCode_IsValid(code)) continue;  // 222 is reserved.
    EXPECT_TRUE(covered.contains(code)) << v1::ErrorCode_Name(static_cast<ErrorCode>(code));
  }
}

// A contract's entries cannot be reversed; vary or close the contract instead.
TEST(ContractRefusal, ContractEntriesAreNotReversible) {
  Journal journal = RefusalLedger();
  Result<v1::JournalRecord> refused =
      SubmitAs(journal, testing::ReverseCommand(16, "2026/27", "M04"), kOfficer);
  EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_ENTRY_NOT_REVERSIBLE);
  EXPECT_EQ(
      refused.status().message(),
      "entry 16 moved a contract's commitments or payments, which the contract's own figures "
      "follow; vary or close the contract instead (a journal may move spend between practices)");
}

}  // namespace
}  // namespace lcp

#include "fuzz/fuzz_support.h"

#include <google/protobuf/stubs/logging.h>

#include <cstdio>
#include <cstdlib>

#include "ledger/base/decimal.h"
#include "ledger/base/state_digest.h"
#include "ledger/rules/capitation.h"

namespace lcp::fuzz {
namespace {

// protobuf logs every string field that is not UTF-8 as it refuses it: noise in a fuzzer's output.
const bool kProtobufQuiet = [] {
  google::protobuf::SetLogHandler(nullptr);
  return true;
}();

v1::Actor MakeActor(const std::string& id, v1::Role role, const std::string& practice = "") {
  v1::Actor actor;
  actor.set_principal_id(id);
  actor.set_role(role);
  actor.set_practice_ods_code(practice);
  return actor;
}

v1::Period Period(const std::string& year, const std::string& month) {
  v1::Period period;
  period.set_year(year);
  period.set_month(month);
  return period;
}

void SetDecimal(v1::Decimal* decimal, const std::string& value) { decimal->set_value(value); }

v1::ShareTerms Share(const std::string& threshold, const std::vector<std::string>& bands,
                     const std::string& cap) {
  v1::ShareTerms terms;
  SetDecimal(terms.mutable_threshold(), threshold);
  terms.set_mode(v1::SHARE_MODE_FIRST_POUND);
  for (const std::string& band : bands) {
    v1::ShareBand* out = terms.add_bands();
    const std::size_t colon = band.find(':');
    if (colon == std::string::npos) {
      SetDecimal(out->mutable_lcp_rate(), band);
    } else {
      SetDecimal(out->mutable_upper_bound(), band.substr(0, colon));
      SetDecimal(out->mutable_lcp_rate(), band.substr(colon + 1));
    }
  }
  SetDecimal(terms.mutable_cap(), cap);
  return terms;
}

}  // namespace

const std::vector<v1::Actor>& Actors() {
  static const std::vector<v1::Actor> actors = {
      MakeActor("admin", v1::ROLE_ADMIN),
      MakeActor("finance.officer", v1::ROLE_LCP_FINANCE),
      MakeActor("finance.second", v1::ROLE_LCP_FINANCE),
      MakeActor("pct.finance", v1::ROLE_PCT_FINANCE),
      MakeActor("riverside", v1::ROLE_PRACTICE, "A81001"),
      MakeActor("auditor", v1::ROLE_AUDITOR),
      MakeActor("local-admin", v1::ROLE_LOCAL_ADMIN),
      MakeActor("nobody", v1::ROLE_UNSPECIFIED),
  };
  return actors;
}

v1::JournalEntry Envelope(const v1::Actor& actor, const std::string& key) {
  v1::JournalEntry envelope;
  *envelope.mutable_actor() = actor;
  envelope.mutable_recorded_at()->set_seconds(1'775'000'000);
  envelope.set_idempotency_key(key);
  return envelope;
}

std::vector<SeedCommand> SeedCommands() {
  const std::vector<v1::Actor>& actors = Actors();
  const v1::Actor& admin = actors[0];
  const v1::Actor& officer = actors[1];
  const v1::Actor& pct = actors[3];
  const v1::Actor& riverside = actors[4];
  std::vector<SeedCommand> seeds;
  auto add = [&](const v1::Actor& actor) -> v1::Command& {
    seeds.push_back(SeedCommand{v1::Command(), actor});
    return seeds.back().command;
  };
  const std::vector<std::pair<std::string, std::string>> practices = {
      {"A81001", "Riverside Medical Centre"},
      {"A81002", "Hillview Surgery"},
      {"A81003", "Park Lane Practice"}};
  for (const auto& [ods, name] : practices) {
    v1::RegisterPractice* c = add(admin).mutable_register_practice();
    c->set_ods_code(ods);
    c->set_name(name);
  }
  {
    v1::RegisterProvider* c = add(admin).mutable_register_provider();
    c->set_code("RX1");
    c->set_name("A Trust");
    c->set_kind(v1::PROVIDER_KIND_FOUNDATION_TRUST);
  }
  {
    v1::RegisterProvider* c = add(admin).mutable_register_provider();
    c->set_code("ARM1");
    c->set_name("The LCP's own arm");
    c->set_kind(v1::PROVIDER_KIND_LCP_PROVIDER_ARM);
  }
  {
    v1::OpenYear* c = add(admin).mutable_open_year();
    c->set_year("2026/27");
    for (const char* line : {"ELECTIVE", "PRESCRIBING", "COMMUNITY"}) c->add_budget_lines(line);
  }
  {
    v1::SetBandWeights* c = add(officer).mutable_set_band_weights();
    c->set_year("2026/27");
    c->set_budget_line("PRESCRIBING");
    for (const std::string& band : BandLabels()) {
      v1::BandWeight* weight = c->add_weights();
      weight->set_band(band);
      SetDecimal(weight->mutable_weight(), band == "FEMALE_70_74" ? "2.5" : "1");
    }
  }
  const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::int64_t>>>>
      lists = {{"A81001", {{"FEMALE_70_74", 100}, {"MALE_0_4", 50}}},
               {"A81002", {{"MALE_30_34", 300}}},
               {"A81003", {{"FEMALE_0_4", 1}}}};
  for (const auto& [ods, bands] : lists) {
    v1::RecordPopulation* c = add(officer).mutable_record_population();
    c->set_extract_date("2026-06-01");
    c->set_ods_code(ods);
    for (const auto& [band, patients] : bands) {
      v1::BandCount* count = c->add_bands();
      count->set_band(band);
      count->set_patients(patients);
    }
  }
  {
    v1::SetPracticeIndices* c = add(officer).mutable_set_practice_indices();
    c->set_year("2026/27");
    for (const char* ods : {"A81001", "A81002", "A81003"}) {
      v1::PracticeIndex* index = c->add_practices();
      index->set_ods_code(ods);
      SetDecimal(index->mutable_needs_index(), "1.05");
      SetDecimal(index->mutable_market_forces_factor(), "0.98");
    }
  }
  // Budgets by the agreed method: the PCT confirms the line's total and a final run shares it.
  {
    v1::ConfirmLineTotal* c = add(pct).mutable_confirm_line_total();
    c->set_year("2026/27");
    c->set_budget_line("PRESCRIBING");
    SetDecimal(c->mutable_total(), "601.00");
  }
  {
    v1::RunAllocation* c = add(officer).mutable_run_allocation();
    *c->mutable_period() = Period("2026/27", "M02");
    c->set_budget_line("PRESCRIBING");
    SetDecimal(c->mutable_total(), "601.00");
    c->set_notice(v1::NOTICE_KIND_FINAL);
  }
  const auto run_seq = static_cast<std::uint64_t>(seeds.size());
  {
    v1::AcknowledgeNotice* c = add(riverside).mutable_acknowledge_notice();
    c->set_year("2026/27");
    c->set_budget_line("PRESCRIBING");
    c->set_ods_code("A81001");
    c->set_run_seq(run_seq);
  }
  {
    v1::ProposeBudgetTransfer* c = add(officer).mutable_propose_budget_transfer();
    c->set_year("2026/27");
    c->set_ods_code("A81002");
    c->set_to_ods_code("A81003");  // Between practices: COMMUNITY has no confirmed total.
    c->set_from_line("PRESCRIBING");
    SetDecimal(c->mutable_amount(), "1.00");
    c->set_reason("Patients moved to Park Lane's list");
  }
  {
    v1::ApproveBudgetTransfer* c = add(pct).mutable_approve_budget_transfer();
    c->set_year("2026/27");
    c->set_transfer_seq(static_cast<std::uint64_t>(seeds.size()) - 1);  // The proposal's seq.
    *c->mutable_period() = Period("2026/27", "M02");
  }
  {
    v1::RegisterContract* c = add(officer).mutable_register_contract();
    c->set_contract_id("C-1");
    c->set_provider_code("RX1");
    c->set_mode(v1::CONTRACT_MODE_BUY);
    c->set_budget_line("PRESCRIBING");
    *c->mutable_start() = Period("2026/27", "M01");
    *c->mutable_end() = Period("2026/27", "M12");
    c->mutable_terms()->set_type(v1::CONTRACT_TYPE_BLOCK);
    SetDecimal(c->mutable_terms()->mutable_annual_value(), "120000.00");
    c->set_attribution(v1::ATTRIBUTION_CAPITATION);
    c->set_description("District nursing");
  }
  {
    v1::ApproveContract* c = add(pct).mutable_approve_contract();
    c->set_contract_id("C-1");
    *c->mutable_period() = Period("2026/27", "M02");
  }
  {
    v1::PostPayment* c = add(officer).mutable_post_payment();
    c->set_contract_id("C-1");
    *c->mutable_period() = Period("2026/27", "M03");
    SetDecimal(c->mutable_amount(), "10000.00");
    c->set_invoice_reference("INV-1");
  }
  {
    v1::RecordMembershipTerms* c = add(officer).mutable_record_membership_terms();
    c->set_year("2026/27");
    c->set_terms_sha256(std::string(64, 'a'));
    c->set_title("Membership terms 2026/27");
  }
  {
    v1::ProposeAgreement* c = add(officer).mutable_propose_agreement();
    c->set_year("2026/27");
    v1::AgreementTerms* terms = c->mutable_terms();
    terms->add_pooled_lines("ELECTIVE");
    terms->add_pooled_lines("PRESCRIBING");
    *terms->mutable_savings() = Share("0.01", {"0.70"}, "0.05");
    *terms->mutable_overspend() = Share("0", {"0.02:1.00", "0.05:0.50", "0.00"}, "0.03");
    SetDecimal(terms->mutable_alpha_budget(), "0.5");
    SetDecimal(terms->mutable_alpha_contribution(), "0.5");
    c->set_reason("Risk sharing for the year");
  }
  {
    v1::CosignAgreement* c = add(pct).mutable_cosign_agreement();
    c->set_year("2026/27");
    c->set_proposal_seq(static_cast<std::uint64_t>(seeds.size()) - 1);  // The proposal's seq.
  }
  {
    v1::SignMembership* c = add(riverside).mutable_sign_membership();
    c->set_ods_code("A81001");
    c->set_year("2026/27");
    c->set_terms_sha256(std::string(64, 'a'));
    c->set_agreement_seq(static_cast<std::uint64_t>(seeds.size()) - 2);  // The proposal's seq.
  }
  *add(officer).mutable_close_month()->mutable_period() = Period("2026/27", "M01");
  return seeds;
}

const std::vector<v1::JournalRecord>& SeedRecords() {
  static const std::vector<v1::JournalRecord> records = [] {
    std::vector<v1::JournalRecord> out;
    Journal journal;
    int n = 0;
    for (const SeedCommand& seed : SeedCommands()) {
      Result<v1::JournalRecord> record =
          journal.Submit(seed.command, Envelope(seed.actor, "seed-" + std::to_string(++n)),
                         Journal::FieldCheck::kCheck);
      if (!record.ok()) {
        std::fprintf(stderr, "fuzz: seed command %d refused: %s\n", n,
                     record.status().ToString().c_str());
        std::abort();
      }
      out.push_back(*std::move(record));
    }
    return out;
  }();
  return records;
}

std::string StateDigest(const Journal& journal) { return DescribeState(journal.state()); }

void Require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz: invariant broken: %s\n", what);
  std::abort();
}

void Require(bool condition, const std::string& what) { Require(condition, what.c_str()); }

}  // namespace lcp::fuzz

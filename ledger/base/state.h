// The ledger's state: everything the engine needs to decide the next command, derived only by folding
// the engine over the journal (engine.h). Ordered containers (but for one index that is only looked
// up), so that nothing depends on hashing or insertion order.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "lcp/v1/ledger.pb.h"
#include "ledger/base/accounts.h"
#include "ledger/base/decimal.h"
#include "ledger/base/key_index.h"

namespace lcp {

struct Practice {
  std::string ods_code;
  std::string name;
};

struct Provider {
  std::string code;
  std::string name;
  v1::ProviderKind kind = v1::PROVIDER_KIND_UNSPECIFIED;
};

// Risk sharing (DOMAIN.md "Risk sharing"; ledger/rules/risk_sharing.h). Rates in billionths.
struct ShareBandTerms {
  std::optional<Int> upper_nanos;  // None on the last, unbounded band.
  Int lcp_rate_nanos;
  bool operator==(const ShareBandTerms& other) const = default;
};

struct ShareSideTerms {
  Int threshold_nanos;
  v1::ShareMode mode = v1::SHARE_MODE_UNSPECIFIED;
  std::vector<ShareBandTerms> bands;
  std::optional<Int> cap_nanos;  // None: no cap.
  bool operator==(const ShareSideTerms& other) const = default;
};

struct AgreementTermsValue {
  std::vector<std::string> pooled_lines;  // In the order given.
  ShareSideTerms savings;
  ShareSideTerms overspend;
  Int alpha_budget_nanos;
  Int alpha_contribution_nanos;
  std::uint32_t decision_target_days = 0;  // Business cases' target; 0: the default (rules 7).
  bool operator==(const AgreementTermsValue& other) const = default;
};

// A proposal, or once co-signed the agreement in force.
struct Agreement {
  std::uint64_t proposal_seq = 0;
  std::string proposed_by;
  std::uint64_t cosign_seq = 0;  // 0 while pending.
  std::string cosigned_by;
  std::uint64_t replaces_seq = 0;
  std::string reason;
  AgreementTermsValue terms;
};

struct MonthClose {
  int month = 0;
  std::uint64_t seq = 0;              // The CloseMonth entry.
  std::uint64_t checkpoint_seq = 0;   // The entry before it, and its hash.
  std::string checkpoint_hash;
  std::string closed_by;
};

struct Year {
  int start_year = 0;
  std::vector<std::string> lines;  // In the order they were given.
  std::set<std::string, std::less<>> line_set;  // Looked up by string_view too.
  std::vector<MonthClose> closes;  // The months closed, M01 first; closes.size() is the last closed.
  std::string notice_deadline;     // "2026-05-01": the last UK date a first notice is on time.
  std::uint64_t settled_seq = 0;   // The SettleYear entry; 0 while not settled.
  std::vector<std::string> settled_members;  // Who shared the settlement, by ODS code.
  std::optional<Agreement> agreement;  // In force.
  std::optional<Agreement> pending;    // Awaiting co-signature.
  // The entries that carried practices' reinvestment reserves into this year from the one before
  // (rules 6): its opening, and the earlier year's settlement when that came after the opening.
  std::vector<std::uint64_t> reserve_carried_in;

  int closed_through() const { return static_cast<int>(closes.size()); }
  bool is_closed(int month) const { return month <= closed_through(); }
};

// One leg of a transaction as the engine computes it.
struct Leg {
  std::string account;
  Money amount;
  // The leg's own period when it differs from its entry's (a contract's commitment for a later year);
  // 0 for the entry's.
  int year = 0;
  int month = 0;
  bool operator==(const Leg& other) const = default;
};

// Why an entry cannot be reversed.
enum class Irreversible : std::uint8_t {
  kNo,
  kAllocation,
  kContract,
  kSettlement,
  kReserveCarried,
  kCaseDrawDown
};

// A leg as the state keeps it for every entry, in 16 bytes (a Leg takes 80 and an allocation for its
// account): the account by its number in State::numbered_accounts, and the amount in pence. The balance
// limit keeps every balance within 10^16 pence, so a leg, which moves one, is within 2 x 10^16, far
// inside 64 bits.
struct KeptLeg {
  std::int64_t pence = 0;
  std::uint32_t account = 0;
  std::int16_t year = 0;  // As Leg: the leg's own period, or 0 for the entry's.
  std::int8_t month = 0;
};

// What the engine remembers of each accepted entry.
struct EntryFacts {
  int year = 0;   // The start year of the postings' period; 0 when the entry posts nothing.
  int month = 0;  // 1..12; 0 when the entry posts nothing.
  std::uint64_t legs_begin = 0;  // Its legs are State::legs[legs_begin, legs_begin + legs_count).
  std::uint32_t legs_count = 0;
  Irreversible irreversible = Irreversible::kNo;
  std::uint64_t reverses_seq = 0;  // For a reversal, the entry it reverses.
  std::uint64_t reversed_by = 0;   // The reversal of this entry, once there is one.

  bool posted() const { return legs_count != 0; }
};

// Capitation (DOMAIN.md "Risk-adjusted capitation"; ledger/rules/capitation.h).
inline constexpr std::size_t kBandCount = 40;
using BandCounts = std::array<std::int64_t, kBandCount>;  // Patients by band index.

struct WeightsVersion {
  int year = 0;
  std::string line;
  std::array<Int, kBandCount> nanos;  // Each band's weight in billionths.
};

struct IndicesVersion {
  int year = 0;
  // N and M in billionths, by ODS code.
  std::map<std::string, std::pair<Int, Int>> by_practice;
};

struct AllocationRow {
  std::string ods_code;
  std::int64_t patients = 0;
  Int weighted_patients;    // Sum of patients x weight, in 10^-9.
  Int needs_nanos;          // N in 10^-9.
  Int market_forces_nanos;  // M in 10^-9.
  Int weighted_population;  // WP in 10^-27.
  Int budget_pence;         // Its split of the total.
  Int transfers_pence;  // Net approved budget transfers on the line; its budget is budget + these.
  Int previous_pence;
};

struct AllocationRun {
  std::uint64_t seq = 0;
  std::int64_t recorded_at = 0;  // The entry's recorded time, seconds since 1970 (UTC).
  v1::NoticeKind kind = v1::NOTICE_KIND_UNSPECIFIED;  // UNSPECIFIED under rules version 1.
  int year = 0;
  int month = 0;
  std::string line;
  Int total_pence;
  // What approved transfers between lines moved into the confirmed total (rules 4; 0 before): the
  // run splits total_pence - transferred_in_pence.
  Int transferred_in_pence;
  std::uint64_t weights_seq = 0;
  std::string extract_date;
  std::uint64_t indices_seq = 0;
  std::uint64_t revises_seq = 0;
  Int weighted_population_total;  // In 10^-27.
  std::vector<AllocationRow> rows;  // By ODS code.
};

struct Capitation {
  std::map<std::uint64_t, WeightsVersion> weights;                     // By the seq that set them.
  std::map<std::pair<int, std::string>, std::uint64_t> latest_weights;  // (year, line) -> seq.
  std::map<std::string, std::map<std::string, BandCounts>> lists;       // Extract date -> ODS -> counts.
  std::map<std::uint64_t, IndicesVersion> indices;                      // By the seq that set them.
  std::map<int, std::uint64_t> latest_indices;                          // Year -> seq.
  std::map<std::uint64_t, std::shared_ptr<const AllocationRun>> runs;   // By seq.
  std::map<std::pair<int, std::string>, std::uint64_t> latest_run;      // (year, line) -> seq.
};

// Make-or-buy contracts (DOMAIN.md "Make-or-buy contracts"; ledger/rules/contracts.h). Money in
// pence.
struct ContractTermsValue {
  v1::ContractType type = v1::CONTRACT_TYPE_UNSPECIFIED;
  Int annual_value;
  Int price;
  std::int64_t annual_volume = 0;
  Int annual_ceiling;
  bool operator==(const ContractTermsValue& other) const = default;
};

// A contract's figures for one financial year, fixed when the year is first committed or paid.
struct ContractYear {
  int first_month = 1;  // The months of the year the contract runs in.
  int last_month = 12;
  Int annual_value;     // The annual value of the terms the year's figures come from.
  Int value;            // The committed value for the year: annual_value's part for its months.
  Int ceiling;
  std::int64_t volume = 0;
  Int price;
  bool committed = false;
  bool settled = false;  // The year was settled: its outstanding commitment was released for good.
  // The run whose weighted populations split the commitment (set when committed).
  std::shared_ptr<const AllocationRun> basis;
  Int paid;
  std::int64_t cases = 0;
  Int outstanding;  // max(0, value - paid) while committed and open; 0 otherwise.
  // The month (1..12) of the year's latest commitment posting; 0 before the first.
  int commitment_month = 0;
};

struct Variation {
  std::uint64_t seq = 0;
  std::string proposed_by;
  ContractTermsValue terms;
  std::string reason;
};

struct Contract {
  std::string id;
  std::string provider;
  v1::ContractMode mode = v1::CONTRACT_MODE_UNSPECIFIED;
  std::string line;
  int start_year = 0, start_month = 0, end_year = 0, end_month = 0;
  ContractTermsValue terms;
  v1::Attribution attribution = v1::ATTRIBUTION_UNSPECIFIED;
  std::string description;
  v1::ContractStatus status = v1::CONTRACT_STATUS_DRAFT;
  std::uint64_t registered_seq = 0;
  std::string proposed_by;
  std::uint64_t approved_seq = 0;
  std::string approved_by;
  std::uint64_t closed_seq = 0;
  std::optional<Variation> pending;
  std::uint64_t payment_count = 0;
  std::uint64_t last_payment_seq = 0;
  // The entries that registered, approved, varied, committed (a year's opening) or closed it; not its
  // payments, which would make every payment copy a growing list.
  std::vector<std::uint64_t> entry_seqs;
  std::map<int, ContractYear> years;  // By start year, for the years committed or paid so far.
};

struct Interest {
  std::uint64_t seq = 0;
  std::string ods_code;
  std::string clinician;
  std::string contract_id;  // Exactly one of these two is set.
  std::string provider;
  std::string description;
  std::string declared_by;
};

struct Contracts {
  // Each contract is replaced, never changed in place, so that copies for readers and undo steps share
  // the unchanged ones.
  std::map<std::string, std::shared_ptr<const Contract>> by_id;
  std::vector<Interest> interests;  // In the order declared.
};

// Budget notices and membership (DOMAIN.md "Budget notices", "Membership"; ledger/rules/notices.h).
// Times are entries' recorded times in seconds since 1970 (UTC).
struct LineTotal {
  std::uint64_t seq = 0;  // The ConfirmLineTotal entry (or the ApproveBudgetTransfer entry).
  std::int64_t recorded_at = 0;
  std::string confirmed_by;
  Int total_pence;
  std::string reason;
  // From rules 4, a transfer between lines moves both lines' totals: the transfer (its proposal's
  // seq; 0 for the PCT's own confirmation) and what it moved into this line (negative: out of it).
  std::uint64_t transfer_seq = 0;
  Int transferred_pence;
};

struct BudgetTransfer {
  std::uint64_t seq = 0;  // The ProposeBudgetTransfer entry.
  std::int64_t proposed_at = 0;
  std::string proposed_by;
  int year = 0;
  std::string ods_code;  // Empty for every practice.
  std::string from_line;
  std::string to_line;      // The from-line again for a transfer between practices.
  std::string to_ods_code;  // Between practices: who receives it; empty between lines.
  Int amount_pence;
  std::string reason;
  std::uint64_t approved_seq = 0;  // 0 while pending.
  std::int64_t approved_at = 0;
  std::string approved_by;
  std::vector<std::pair<std::string, Int>>
      moved;  // Once approved: pence per practice, by ODS code.
};

struct Acknowledgement {
  std::uint64_t seq = 0;  // The AcknowledgeNotice entry.
  std::int64_t recorded_at = 0;
};

// A version of a year's membership terms (RecordMembershipTerms).
struct MembershipTerms {
  std::uint64_t seq = 0;
  std::int64_t recorded_at = 0;
  std::string recorded_by;
  std::string terms_sha256;
  std::string title;
};

struct Signature {
  std::uint64_t seq = 0;  // The SignMembership entry.
  std::int64_t recorded_at = 0;
  std::string terms_sha256;
  std::uint64_t agreement_seq = 0;  // The agreement's proposal seq.
};

struct Leaving {
  std::uint64_t seq = 0;  // The LeaveLcp entry.
  int last_year = 0;      // Start year of the practice's last year as a member.
  std::string reason;
  std::string recorded_by;
};

// A practice's leaving: in effect, and one recorded by LCP_FINANCE awaiting the practice's own.
struct MemberStatus {
  std::optional<Leaving> left;
  std::optional<Leaving> pending;
};

struct Notices {
  // (year, line) -> every confirmation of the line total, oldest first; the last is in force.
  std::map<std::pair<int, std::string>, std::vector<LineTotal>> line_totals;
  std::map<std::uint64_t, BudgetTransfer> transfers;  // By the proposal's seq.
  // (year, line, ODS) -> net approved transfers in pence (to the line positive).
  std::map<std::tuple<int, std::string, std::string>, Int> transferred;
  // (run seq, ODS) -> the practice's acknowledgement of that run.
  std::map<std::pair<std::uint64_t, std::string>, Acknowledgement> acknowledgements;
  // (year, ODS) -> the practice's latest sign-up for the year.
  std::map<std::pair<int, std::string>, Signature> signatures;
  std::map<std::string, MemberStatus> members;  // By ODS code; only practices that leave.
  // Year -> every version of its membership terms, oldest first; the last is in force.
  std::map<int, std::vector<MembershipTerms>> terms;

  // The year's membership terms in force, or null while none is recorded.
  const MembershipTerms* TermsInForce(int start_year) const {
    auto found = terms.find(start_year);
    return found == terms.end() || found->second.empty() ? nullptr : &found->second.back();
  }

  // Whether practice `ods` left the LCP before year `start_year` (its last year is earlier).
  bool LeftBefore(const std::string& ods, int start_year) const {
    auto found = members.find(ods);
    return found != members.end() && found->second.left &&
           found->second.left->last_year < start_year;
  }
};

// Business cases (DOMAIN.md "The reinvestment reserve and business cases"; ledger/rules/cases.h).
// Money in pence; times are entries' recorded times in seconds since 1970 (UTC).
struct CaseFundingPart {
  std::string ods_code;
  Int amount;
  std::uint64_t consent_seq = 0;  // The submission for the proposing practice; 0 while awaited.
  std::int64_t consented_at = 0;
  Int drawn;
};

struct CaseQuestion {
  std::uint64_t asked_seq = 0;
  std::int64_t asked_at = 0;
  std::string asked_by;
  std::string question;
  std::uint64_t answered_seq = 0;  // 0 while unanswered.
  std::int64_t answered_at = 0;
  std::string answer;
};

struct CaseDrawDown {
  std::uint64_t seq = 0;
  std::string invoice_reference;
  int year = 0;
  int month = 0;
  Int amount;
  std::vector<std::pair<std::string, Int>> parts;  // By ODS code; only the parts above zero.
};

struct BusinessCase {
  std::string id;
  std::string title;
  std::string purpose;
  int year = 0;  // The latest year when submitted.
  v1::CaseState state = v1::CASE_STATE_UNSPECIFIED;
  v1::ContractMode mode = v1::CONTRACT_MODE_UNSPECIFIED;
  std::string provider;
  std::string contract_id;  // Empty when it names a provider only.
  std::string proposed_by;
  v1::Role proposer_role = v1::ROLE_UNSPECIFIED;
  std::string proposer_ods;  // For a PRACTICE proposer.
  std::uint64_t submitted_seq = 0;
  std::int64_t submitted_at = 0;
  std::vector<CaseFundingPart> fundings;  // By ODS code.
  std::uint64_t clock_started_seq = 0;    // The last consent; 0 before.
  std::int64_t clock_started_at = 0;
  std::uint32_t target_days = 0;  // Fixed when the clock starts.
  std::vector<CaseQuestion> questions;
  std::uint64_t decided_seq = 0;  // The decision or withdrawal; 0 before.
  std::int64_t decided_at = 0;
  std::string decided_by;
  v1::Role decided_role = v1::ROLE_UNSPECIFIED;
  std::string reasons;
  std::vector<CaseDrawDown> draw_downs;
  std::uint64_t closed_seq = 0;
  std::string close_reason;

  // What the case holds of `part` now: its funding less its draw-downs while APPROVED, else 0.
  Int HeldOf(const CaseFundingPart& part) const {
    return state == v1::CASE_STATE_APPROVED ? Int(part.amount - part.drawn) : Int(0);
  }
};

struct Cases {
  // Each case is replaced, never changed in place (as contracts are).
  std::map<std::string, std::shared_ptr<const BusinessCase>> by_id;
  // By ODS code: what approved cases hold of the practice's reserve (no zero entries), kept by
  // Apply.
  std::map<std::string, Int> held;
};

// Balances in pence: by financial year (start year), then by account path.
using Balances = std::map<int, std::map<std::string, Int>>;

struct State {
  std::map<std::string, Practice> practices;  // By ODS code.
  std::map<std::string, Provider> providers;  // By code.
  std::map<int, Year> years;                  // By start year.
  Balances balances;
  std::vector<EntryFacts> entries;  // entries[seq - 1].
  std::vector<KeptLeg> legs;        // Every entry's legs, in entry order.
  // The accounts legs name, by number, numbered in the order first posted. The numbers never leave the
  // state (LegsOf gives paths back), and an undone entry leaves its accounts numbered, which changes
  // nothing.
  struct NumberedAccount {
    std::string path;
    // Its parts, so that CheckAccount need not parse a path it has seen; empty for a path
    // ParseAccount refuses (the engine never posts to one).
    std::optional<AccountShape> shape;
  };
  std::vector<NumberedAccount> numbered_accounts;
  absl::flat_hash_map<std::string, std::uint32_t> account_numbers;  // Looked up, never walked.
  // The entry that recorded each idempotency key (key_index.h).
  KeyIndex keys;
  Capitation capitation;
  Contracts contracts;
  // (provider, invoice reference) -> the payment's entry.
  std::map<std::pair<std::string, std::string>, std::uint64_t> invoices;
  Notices notices;
  Cases cases;
  // Count changes to `practices`, `years`, `capitation`, `contracts`, `notices` and `cases` (an
  // undo is one more), so that readers' copies are refreshed only then.
  std::uint64_t practices_version = 0;
  std::uint64_t years_version = 0;
  std::uint64_t capitation_version = 0;
  std::uint64_t contracts_version = 0;
  std::uint64_t notices_version = 0;
  std::uint64_t cases_version = 0;
  // The hash of the last entry (the chain head), kept by the Journal; a month close records it.
  std::string head_hash;
  // The last entry's rules version (1 or more; 0 before the first entry) and recorded time (seconds
  // since 1970, UTC), kept by the Journal: a replay refuses a rules version that goes back, and the
  // server never records a time before the last one.
  std::uint32_t rules_version = 0;
  std::int64_t last_recorded_at = 0;

  std::uint64_t last_seq() const { return entries.size(); }

  // An entry's legs as the engine computed them.
  std::vector<Leg> LegsOf(const EntryFacts& entry) const {
    std::vector<Leg> out;
    out.reserve(entry.legs_count);
    for (std::uint64_t i = entry.legs_begin; i < entry.legs_begin + entry.legs_count; ++i) {
      const KeptLeg& leg = legs[i];
      out.push_back(Leg{numbered_accounts[leg.account].path, Money::FromPence(Int(leg.pence)), leg.year, leg.month});
    }
    return out;
  }
};

}  // namespace lcp

#include "ledger/base/state_digest.h"

#include <openssl/evp.h>

#include <sstream>
#include <tuple>
#include <type_traits>
#include <utility>

#include "ledger/base/chain.h"

namespace lcp {
namespace {

// Writes values as text: numbers, text (length-prefixed, so that no two values run together),
// containers with their sizes, and each record of the state field by field. A record's overload
// takes it apart with a structured binding of all its fields: a field added to the record and not
// named here is a compile error ("N names provided ... but T has N+1 members").
class Writer {
 public:
  std::string text() const { return out_.str(); }

  template <typename T>
  Writer& operator<<(const T& value) {
    Put(value);
    return *this;
  }
  Writer& Line(const char* name) {
    out_ << "\n" << name << ":";
    return *this;
  }

 private:
  template <typename T>
  void Put(const T& value) requires std::is_integral_v<T> || std::is_enum_v<T> {
    if constexpr (std::is_enum_v<T>) {
      out_ << ' ' << static_cast<long long>(value);
    } else if constexpr (std::is_same_v<T, bool>) {
      out_ << (value ? " t" : " f");
    } else {
      out_ << ' ' << +value;
    }
  }
  void Put(const std::string& value) { out_ << ' ' << value.size() << '"' << value << '"'; }
  void Put(const Int& value) { out_ << ' ' << value.str(); }
  void Put(const Money& value) { out_ << ' ' << value.ToString(); }
  template <typename T>
  void Put(const std::optional<T>& value) {
    if (!value) {
      out_ << " none";
      return;
    }
    out_ << " some";
    Put(*value);
  }
  template <typename T>
  void Put(const std::shared_ptr<const T>& value) {
    if (!value) {
      out_ << " null";
      return;
    }
    out_ << " {";
    Put(*value);
    out_ << " }";
  }
  template <typename T>
  void PutRange(const T& range) {
    out_ << " [" << range.size();
    for (const auto& element : range) Put(element);
    out_ << " ]";
  }
  template <typename T>
  void Put(const std::vector<T>& value) {
    PutRange(value);
  }
  template <typename T, std::size_t N>
  void Put(const std::array<T, N>& value) {
    PutRange(value);
  }
  template <typename T, typename C>
  void Put(const std::set<T, C>& value) {
    PutRange(value);
  }
  template <typename K, typename V>
  void Put(const std::map<K, V>& value) {
    PutRange(value);
  }
  template <typename A, typename B>
  void Put(const std::pair<A, B>& value) {
    Put(value.first);
    Put(value.second);
  }
  template <typename... T>
  void Put(const std::tuple<T...>& value) {
    PutParts(value, std::index_sequence_for<T...>{});
  }
  template <typename Tuple, std::size_t... I>
  void PutParts(const Tuple& value, std::index_sequence<I...>) {
    (Put(std::get<I>(value)), ...);
  }

  void Put(const Practice& value) {
    const auto& [ods_code, name] = value;
    *this << ods_code << name;
  }
  void Put(const Provider& value) {
    const auto& [code, name, kind] = value;
    *this << code << name << kind;
  }
  void Put(const ShareBandTerms& value) {
    const auto& [upper_nanos, lcp_rate_nanos] = value;
    *this << upper_nanos << lcp_rate_nanos;
  }
  void Put(const ShareSideTerms& value) {
    const auto& [threshold_nanos, mode, bands, cap_nanos] = value;
    *this << threshold_nanos << mode << bands << cap_nanos;
  }
  void Put(const AgreementTermsValue& value) {
    const auto& [pooled_lines, savings, overspend, alpha_budget_nanos, alpha_contribution_nanos,
                 decision_target_days] = value;
    *this << pooled_lines << savings << overspend << alpha_budget_nanos << alpha_contribution_nanos;
    // Added with rules 7, written only when set, so that terms without it keep their digest.
    if (decision_target_days != 0) *this << std::string("decision target") << decision_target_days;
  }
  void Put(const Agreement& value) {
    const auto& [proposal_seq, proposed_by, cosign_seq, cosigned_by, replaces_seq, reason, terms] =
        value;
    *this << proposal_seq << proposed_by << cosign_seq << cosigned_by << replaces_seq << reason
          << terms;
  }
  void Put(const MonthClose& value) {
    const auto& [month, seq, checkpoint_seq, checkpoint_hash, closed_by] = value;
    *this << month << seq << checkpoint_seq << ToHex(checkpoint_hash) << closed_by;
  }
  void Put(const Year& value) {
    const auto& [start_year, lines, line_set, closes, notice_deadline, settled_seq, settled_members,
                 agreement, pending, reserve_carried_in] = value;
    *this << start_year << lines << line_set << closes << notice_deadline << settled_seq
          << settled_members << agreement << pending;
    // Added with rules 6, written only when set (as AllocationRun's transferred in).
    if (!reserve_carried_in.empty())
      *this << std::string("reserve carried in") << reserve_carried_in;
  }
  void Put(const EntryFacts& value) {
    const auto& [year, month, legs_begin, legs_count, irreversible, reverses_seq, reversed_by] =
        value;
    *this << year << month << legs_begin << legs_count << irreversible << reverses_seq
          << reversed_by;
  }
  void Put(const WeightsVersion& value) {
    const auto& [year, line, nanos] = value;
    *this << year << line << nanos;
  }
  void Put(const IndicesVersion& value) {
    const auto& [year, by_practice] = value;
    *this << year << by_practice;
  }
  void Put(const AllocationRow& value) {
    const auto& [ods_code, patients, weighted_patients, needs_nanos, market_forces_nanos,
                 weighted_population, budget_pence, transfers_pence, previous_pence] = value;
    *this << ods_code << patients << weighted_patients << needs_nanos << market_forces_nanos
          << weighted_population << budget_pence << transfers_pence << previous_pence;
  }
  void Put(const AllocationRun& value) {
    const auto& [seq, recorded_at, kind, year, month, line, total_pence, transferred_in_pence,
                 weights_seq, extract_date, indices_seq, revises_seq, weighted_population_total,
                 rows] = value;
    *this << seq << recorded_at << kind << year << month << line << total_pence << weights_seq
          << extract_date << indices_seq << revises_seq << weighted_population_total << rows;
    // Added with rules 4, written only when set, so that a state without it (every state reached
    // under older rules) keeps its digest. Tagged, so it cannot be read as the next record.
    if (transferred_in_pence != 0) *this << std::string("transferred in") << transferred_in_pence;
  }
  void Put(const ContractTermsValue& value) {
    const auto& [type, annual_value, price, annual_volume, annual_ceiling] = value;
    *this << type << annual_value << price << annual_volume << annual_ceiling;
  }
  void Put(const ContractYear& value) {
    const auto& [first_month, last_month, annual_value, value_pence, ceiling, volume, price,
                 committed, settled, basis, paid, cases, outstanding, commitment_month] = value;
    // The basis run by its entry: the run itself is in the capitation runs.
    *this << first_month << last_month << annual_value << value_pence << ceiling << volume << price
          << committed << settled << (basis ? basis->seq : 0) << paid << cases << outstanding
          << commitment_month;
  }
  void Put(const Variation& value) {
    const auto& [seq, proposed_by, terms, reason] = value;
    *this << seq << proposed_by << terms << reason;
  }
  void Put(const Contract& value) {
    const auto& [id, provider, mode, line, start_year, start_month, end_year, end_month, terms,
                 attribution, description, status, registered_seq, proposed_by, approved_seq,
                 approved_by, closed_seq, pending, payment_count, last_payment_seq, entry_seqs,
                 years] = value;
    *this << id << provider << mode << line << start_year << start_month << end_year << end_month
          << terms << attribution << description << status << registered_seq << proposed_by
          << approved_seq << approved_by << closed_seq << pending << payment_count
          << last_payment_seq << entry_seqs << years;
  }
  void Put(const Interest& value) {
    const auto& [seq, ods_code, clinician, contract_id, provider, description, declared_by] = value;
    *this << seq << ods_code << clinician << contract_id << provider << description << declared_by;
  }
  void Put(const LineTotal& value) {
    const auto& [seq, recorded_at, confirmed_by, total_pence, reason, transfer_seq,
                 transferred_pence] = value;
    *this << seq << recorded_at << confirmed_by << total_pence << reason;
    // Added with rules 4, written only when set (see AllocationRun).
    if (transfer_seq != 0) *this << std::string("by transfer") << transfer_seq << transferred_pence;
  }
  void Put(const BudgetTransfer& value) {
    const auto& [seq, proposed_at, proposed_by, year, ods_code, from_line, to_line, to_ods_code,
                 amount_pence, reason, approved_seq, approved_at, approved_by, moved] = value;
    *this << seq << proposed_at << proposed_by << year << ods_code << from_line << to_line
          << amount_pence << reason << approved_seq << approved_at << approved_by << moved;
    // Added after rules 3, written only when set (see AllocationRun).
    if (!to_ods_code.empty()) *this << std::string("to practice") << to_ods_code;
  }
  void Put(const Acknowledgement& value) {
    const auto& [seq, recorded_at] = value;
    *this << seq << recorded_at;
  }
  void Put(const MembershipTerms& value) {
    const auto& [seq, recorded_at, recorded_by, terms_sha256, title] = value;
    *this << seq << recorded_at << recorded_by << terms_sha256 << title;
  }
  void Put(const Signature& value) {
    const auto& [seq, recorded_at, terms_sha256, agreement_seq] = value;
    *this << seq << recorded_at << terms_sha256 << agreement_seq;
  }
  void Put(const Leaving& value) {
    const auto& [seq, last_year, reason, recorded_by] = value;
    *this << seq << last_year << reason << recorded_by;
  }
  void Put(const MemberStatus& value) {
    const auto& [left, pending] = value;
    *this << left << pending;
  }
  void Put(const CaseFundingPart& value) {
    const auto& [ods_code, amount, consent_seq, consented_at, drawn] = value;
    *this << ods_code << amount << consent_seq << consented_at << drawn;
  }
  void Put(const CaseQuestion& value) {
    const auto& [asked_seq, asked_at, asked_by, question, answered_seq, answered_at, answer] =
        value;
    *this << asked_seq << asked_at << asked_by << question << answered_seq << answered_at << answer;
  }
  void Put(const CaseDrawDown& value) {
    const auto& [seq, invoice_reference, year, month, amount, parts] = value;
    *this << seq << invoice_reference << year << month << amount << parts;
  }
  void Put(const BusinessCase& value) {
    const auto& [id, title, purpose, year, state, mode, provider, contract_id, proposed_by,
                 proposer_role, proposer_ods, submitted_seq, submitted_at, fundings,
                 clock_started_seq, clock_started_at, target_days, questions, decided_seq,
                 decided_at, decided_by, decided_role, reasons, draw_downs, closed_seq,
                 close_reason] = value;
    *this << id << title << purpose << year << state << mode << provider << contract_id
          << proposed_by << proposer_role << proposer_ods << submitted_seq << submitted_at
          << fundings << clock_started_seq << clock_started_at << target_days << questions
          << decided_seq << decided_at << decided_by << decided_role << reasons << draw_downs
          << closed_seq << close_reason;
  }

  std::ostringstream out_;
};

}  // namespace

std::string DescribeState(const State& state) {
  const auto& [practices, providers, years, balances, entries, legs, numbered_accounts,
               account_numbers, keys, capitation, contracts, invoices, notices, cases,
               practices_version, years_version, capitation_version, contracts_version,
               notices_version, cases_version, head_hash, rules_version, last_recorded_at] = state;
  // Not state, by design: the counters that tell readers' copies to refresh (an undo counts as one
  // more change), and the numbering of accounts (an undone entry leaves its accounts numbered; legs
  // are written below by path, not by number).
  (void)practices_version;
  (void)years_version;
  (void)capitation_version;
  (void)contracts_version;
  (void)notices_version;
  (void)cases_version;
  (void)account_numbers;
  Writer out;
  out.Line("practices") << practices;
  out.Line("providers") << providers;
  out.Line("years") << years;
  out.Line("balances") << balances;
  out.Line("entries") << entries;
  out.Line("legs") << static_cast<std::uint64_t>(legs.size());
  for (const KeptLeg& leg : legs) {
    const auto& [pence, account, year, month] = leg;
    out << numbered_accounts.at(account).path << pence << year << month;
  }
  out.Line("keys") << keys.size();
  for (std::uint64_t seq = 1; seq <= keys.size(); ++seq) out << std::string(keys.KeyOf(seq));
  {
    const auto& [weights, latest_weights, lists, indices, latest_indices, runs, latest_run] =
        capitation;
    out.Line("weights") << weights;
    out.Line("latest weights") << latest_weights;
    out.Line("lists") << lists;
    out.Line("indices") << indices;
    out.Line("latest indices") << latest_indices;
    out.Line("runs") << runs;
    out.Line("latest run") << latest_run;
  }
  {
    const auto& [by_id, interests] = contracts;
    out.Line("contracts") << by_id;
    out.Line("interests") << interests;
  }
  out.Line("invoices") << invoices;
  {
    const auto& [line_totals, transfers, transferred, acknowledgements, signatures, members,
                 terms] = notices;
    out.Line("line totals") << line_totals;
    out.Line("transfers") << transfers;
    out.Line("transferred") << transferred;
    out.Line("acknowledgements") << acknowledgements;
    out.Line("signatures") << signatures;
    out.Line("members") << members;
    // Added with rules 5, written only when set, so that a state without it keeps its digest.
    if (!terms.empty()) out.Line("membership terms") << terms;
  }
  {
    // Added with rules 7, written only when set, so that a state without cases keeps its digest.
    // `held` follows from the cases, and is written so that a fault in keeping it shows.
    const auto& [by_id, held] = cases;
    if (!by_id.empty()) out.Line("cases") << by_id << held;
  }
  out.Line("head") << ToHex(head_hash);
  out.Line("rules version") << rules_version;
  out.Line("last recorded at") << last_recorded_at;
  return out.text() + "\n";
}

std::string StateDigest(const State& state) {
  const std::string text = DescribeState(state);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  return ToHex(std::string_view(reinterpret_cast<const char*>(digest), size));
}

}  // namespace lcp

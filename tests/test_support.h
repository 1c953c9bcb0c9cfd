// Builders shared by the test suites: commands, requests and a small standard ledger.
#pragma once

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "lcp/v1/ledger.pb.h"
#include "ledger/engine/journal.h"
#include "ledger/read/snapshot.h"

namespace lcp::testing {

using PostingList = std::vector<std::pair<std::string, std::string>>;

v1::Command RegisterPracticeCommand(const std::string& ods, const std::string& name = "A Practice");
v1::Command RegisterProviderCommand(const std::string& code,
                                    v1::ProviderKind kind = v1::PROVIDER_KIND_FOUNDATION_TRUST,
                                    const std::string& name = "A Provider");
v1::Command OpenYearCommand(const std::string& year, const std::vector<std::string>& lines);
v1::Command JournalCommand(const std::string& year, const std::string& month,
                           const PostingList& postings, const std::string& narrative = "Test");
v1::Command ReverseCommand(std::uint64_t seq, const std::string& year, const std::string& month,
                           const std::string& reason = "Posted in error");

// Capitation inputs. Weights: every band `weight`, except those in `overrides` (band -> weight).
v1::Command WeightsCommand(const std::string& year, const std::string& line,
                           const std::string& weight = "1",
                           const std::vector<std::pair<std::string, std::string>>& overrides = {});
// A list: band -> patients.
v1::Command ListCommand(const std::string& extract_date, const std::string& ods,
                        const std::vector<std::pair<std::string, std::int64_t>>& bands);
// Indices: (ODS, N, M) triples; M "" leaves it unset.
v1::Command IndicesCommand(const std::string& year,
                           const std::vector<std::tuple<std::string, std::string, std::string>>& rows);
// An allocation run. Under rules version 2 `total` must be the total confirmed for the year and
// line
// ("" takes it), and the run says INDICATIVE or FINAL: INDICATIVE unless told.
v1::Command RunCommand(const std::string& year, const std::string& month, const std::string& line,
                       const std::string& total, std::uint64_t revises_seq = 0,
                       const std::string& extract_date = "", std::uint64_t weights_seq = 0,
                       std::uint64_t indices_seq = 0,
                       v1::NoticeKind notice = v1::NOTICE_KIND_INDICATIVE);

// Budget notices. PCT finance confirms a line total; a reason is required when it replaces one.
v1::Command ConfirmTotalCommand(const std::string& year, const std::string& line,
                                const std::string& total, const std::string& reason = "");
v1::Command ProposeTransferCommand(const std::string& year, const std::string& from_line,
                                   const std::string& to_line, const std::string& amount,
                                   const std::string& ods = "",
                                   const std::string& reason = "Moved to where it is spent");
// A transfer of `amount` of `line`'s budget from practice `from_ods` to practice `to_ods`.
v1::Command PracticeTransferCommand(const std::string& year, const std::string& line,
                                    const std::string& amount, const std::string& from_ods,
                                    const std::string& to_ods,
                                    const std::string& reason = "Patients moved to another list");
v1::Command ApproveTransferCommand(const std::string& year, std::uint64_t transfer_seq,
                                   const std::string& month);
// A practice's own commands: acknowledging the notice of the run at `run_seq`, signing up for a
// year (the terms' SHA-256 and the agreement's entry) and leaving at the end of `last_year`.
v1::Command AcknowledgeCommand(const std::string& year, const std::string& line,
                               const std::string& ods, std::uint64_t run_seq);
// LCP finance records a year's membership terms (from rules 5 a sign-up names the version in
// force).
v1::Command RecordTermsCommand(const std::string& year, const std::string& sha256,
                               const std::string& title = "Membership terms");
v1::Command SignMembershipCommand(const std::string& year, const std::string& ods,
                                  const std::string& terms_sha256, std::uint64_t agreement_seq);
v1::Command LeaveCommand(const std::string& ods, const std::string& last_year,
                         const std::string& reason = "Merging with a practice in another LCP");

// Risk sharing. Bands are "UPPER:RATE" or, for the last, unbounded band, "RATE"; cap "" for none.
v1::ShareTerms ShareTermsOf(const std::string& threshold, v1::ShareMode mode,
                            const std::vector<std::string>& bands, const std::string& cap);
v1::AgreementTerms AgreementTermsOf(const std::vector<std::string>& pooled,
                                    const v1::ShareTerms& savings, const v1::ShareTerms& overspend,
                                    const std::string& alpha_budget,
                                    const std::string& alpha_contribution);
// DOMAIN.md's worked examples' terms on ELECTIVE and PRESCRIBING: savings t 0.01, FIRST_POUND, one
// band LCP 0.70, cap 0.05; overspend t 0, FIRST_POUND, bands to 2% LCP 1.00, to 5% LCP 0.50, then
// 0.00, cap 0.03; alpha_budget = alpha_contribution = 0.5.
v1::AgreementTerms WorkedExampleTerms();
// The reason is required once the year has postings.
v1::Command ProposeAgreementCommand(const std::string& year, const v1::AgreementTerms& terms,
                                    std::uint64_t replaces_seq = 0, const std::string& reason = "");
v1::Command CosignAgreementCommand(const std::string& year, std::uint64_t proposal_seq);
v1::Command CloseMonthCommand(const std::string& year, const std::string& month);
v1::Command SettleYearCommand(const std::string& year);

// A request as the server would build it, with a fixed time and the actor whose role issues such a
// command: "admin" (ADMIN) for registrations and years, "pct.finance" (PCT_FINANCE) for
// co-signatures, confirmed line totals and approved budget transfers, "practice.<ODS>" (PRACTICE,
// acting for the command's practice) for acknowledgements, sign-ups and leaving, "finance.officer"
// (LCP_FINANCE) otherwise.
v1::JournalEntry Request(const v1::Command& command, const std::string& key);

// Submits `command` with a fresh key; fails the test if it is refused.
v1::JournalRecord MustSubmit(Journal& journal, const v1::Command& command);

// Confirms `total` for the year and line (as "pct.finance") unless it is the total in force
// already; a replaced total gets the reason "Revised total". Fails the test if it is refused.
// Returns whether it submitted an entry.
bool MustConfirmTotal(Journal& journal, const std::string& year, const std::string& line,
                      const std::string& total);

// Submits the allocation run `run` (a RunCommand), first confirming its total with MustConfirmTotal
// when it gives one; fails the test if either is refused. Returns the run's record.
v1::JournalRecord MustRun(Journal& journal, const v1::Command& run);

// Gives practices exact budgets on a line by the agreed method, the only one rules version 2
// allows: weights of 1 for the line (set unless the latest are all 1), lists in the ratio of
// `budgets` (ODS, amount) at a new extract date in March of the year's start year, the sum
// confirmed as the line total and an INDICATIVE run in `month` that names that extract and revises
// the line's latest run. A run shares the total among every member practice by its list, so every
// practice that is a member of the year must be named, each with a budget above zero (the test
// fails otherwise). Adds at most 3 entries (weights, total, run) and one list per practice.
// REQUIRES: the year has no practice indices. Returns the run's record.
v1::JournalRecord MustGiveBudgets(Journal& journal, const std::string& year,
                                  const std::string& month, const std::string& line,
                                  const std::vector<std::pair<std::string, std::string>>& budgets);

// Closes the months of the ledger in order up to and including `month` of `year` (a correction goes
// into the earliest month still open).
void MustCloseMonthsThrough(Journal& journal, const std::string& year, const std::string& month);

// A journal holding practices A81001, A81002, A81003, provider RX1 and the year 2026/27 with lines
// ELECTIVE, PRESCRIBING and COMMUNITY (5 entries, nothing posted).
void SetUpStandardLedger(Journal& journal);

// The standard ledger and then, all in M01 (a correction goes into the current month): prescribing
// spend paid from cash (entry 6), an invoice (7), its reversal (8), and a corrected invoice (9).
// Returns the 9 records.
std::vector<v1::JournalRecord> SampleRecords();

// The libpq URL of the tests' throw-away PostgreSQL cluster (ctest's fixture "postgres" starts
// it and sets LCP_TEST_POSTGRES_DIR, whose url file holds it); "" outside ctest.
std::string PostgresTestUrl();
// The URL in cluster folder `dir`'s url file ("" if there is none).
std::string PostgresUrlIn(const std::string& dir);
// A ledger name no other test of any process uses: "t<pid>_<n>".
std::string FreshLedgerName();

// A test name from free text: letters and digits kept, anything else an underscore.
std::string TestName(const std::string& text);

// An export of `records` with a header that matches them, as bytes.
std::string ExportBytes(const std::vector<v1::JournalRecord>& records);

// Each posting of `record` as "YEAR MONTH ACCOUNT AMOUNT", in the posting's own period or the
// entry's.
std::vector<std::string> PostingsByPeriod(const v1::JournalRecord& record);

// The records of a test, in memory, for a snapshot (BorrowSnapshot): `records` must outlive it.
class VectorRecords final : public RecordSource {
 public:
  explicit VectorRecords(const std::vector<v1::JournalRecord>& records) : records_(records) {}
  std::optional<v1::JournalRecord> Get(std::uint64_t seq) const override {
    if (seq == 0 || seq > records_.size()) return std::nullopt;
    return records_[seq - 1];
  }
  std::vector<v1::JournalRecord> Range(std::uint64_t from_seq, std::size_t count) const override {
    std::vector<v1::JournalRecord> out;
    for (std::uint64_t seq = from_seq == 0 ? 1 : from_seq;
         seq <= records_.size() && out.size() < count; ++seq) {
      out.push_back(records_[seq - 1]);
    }
    return out;
  }

 private:
  const std::vector<v1::JournalRecord>& records_;
};

}  // namespace lcp::testing

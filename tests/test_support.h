// Builders shared by the test suites: commands, requests and a small standard ledger.
#pragma once

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ledger/journal.h"
#include "lcp/v1/ledger.pb.h"

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
v1::Command RunCommand(const std::string& year, const std::string& month, const std::string& line,
                       const std::string& total, std::uint64_t revises_seq = 0,
                       const std::string& extract_date = "", std::uint64_t weights_seq = 0,
                       std::uint64_t indices_seq = 0);

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
// command: "admin" (ADMIN) for registrations and years, "pct.finance" (PCT_FINANCE) for co-signatures,
// "finance.officer" (LCP_FINANCE) otherwise.
v1::JournalEntry Request(const v1::Command& command, const std::string& key);

// Submits `command` with a fresh key; fails the test if it is refused.
v1::JournalRecord MustSubmit(Journal& journal, const v1::Command& command);

// A journal holding practices A81001, A81002, A81003, provider RX1 and the year 2026/27 with lines
// ELECTIVE, PRESCRIBING and COMMUNITY (5 entries, nothing posted).
void SetUpStandardLedger(Journal& journal);

// The standard ledger and then: a prescribing allocation (entry 6), an invoice (7), its reversal (8),
// and a corrected invoice (9). Returns the 9 records.
std::vector<v1::JournalRecord> SampleRecords();

// A test name from free text: letters and digits kept, anything else an underscore.
std::string TestName(const std::string& text);

// An export of `records` with a header that matches them, as bytes.
std::string ExportBytes(const std::vector<v1::JournalRecord>& records);

}  // namespace lcp::testing

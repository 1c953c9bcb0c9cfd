// The ledger's read queries, one function per read RPC of LedgerService, over a published Snapshot
// and free of gRPC: the server's handlers authenticate the caller, call one of these and translate
// the Result into a gRPC status (services/ledger_service.cc); the auditor's replay (lcp-audit)
// calls the same functions, as an AUDITOR, for the figures it prints; tests call them with no
// server at all.
//
// Every query first checks the caller's role against what it asks (PERMISSION_DENIED; the refusal
// never says whether a record the caller may not see exists), then the request (QUERY_INVALID,
// YEAR_MALFORMED and so on), then reads the snapshot. The Actor is the authenticated caller.
#pragma once

#include <cstdint>

#include "lcp/v1/ledger_service.pb.h"
#include "ledger/base/status.h"
#include "ledger/read/snapshot.h"

namespace lcp::queries {

// Page sizes of ListEntries.
inline constexpr std::uint32_t kPageSizeDefault = 100;
inline constexpr std::uint32_t kPageSizeMax = 1'000;
// ListEntries with an account: the longest name asked for, and how many entries one page looks at.
inline constexpr std::size_t kAccountFilterMax = 128;
inline constexpr std::uint64_t kAccountScanMax = 100'000;
// The most exact accounts one GetBalances may name.
inline constexpr int kBalanceAccountsMax = 1'000;
// The most what-ifs one GetRiskShare may carry.
inline constexpr int kWhatIfsMax = 1'000;

// Balances at the head, or for a role that reads the journal as of an earlier entry (summed from
// the records), of the accounts the caller may read: named ones (reported for every open year,
// posted to or not) or those under a prefix.
Result<v1::GetBalancesResponse> GetBalances(const Snapshot& snapshot, const v1::Actor& actor,
                                            const v1::GetBalancesRequest& request);
// One journal entry (roles that read the journal).
Result<v1::GetEntryResponse> GetEntry(const Snapshot& snapshot, const v1::Actor& actor,
                                      const v1::GetEntryRequest& request);
// A page of journal entries (roles that read the journal).
Result<v1::ListEntriesResponse> ListEntries(const Snapshot& snapshot, const v1::Actor& actor,
                                            const v1::ListEntriesRequest& request);
Result<v1::GetHeadResponse> GetHead(const Snapshot& snapshot, const v1::Actor& actor,
                                    const v1::GetHeadRequest& request);
Result<v1::ListPracticesResponse> ListPractices(const Snapshot& snapshot, const v1::Actor& actor,
                                                const v1::ListPracticesRequest& request);
// A capitation run: every row, or for a practice its own row, and the totals.
Result<v1::GetAllocationResponse> GetAllocation(const Snapshot& snapshot, const v1::Actor& actor,
                                                const v1::GetAllocationRequest& request);
Result<v1::GetContractResponse> GetContract(const Snapshot& snapshot, const v1::Actor& actor,
                                            const v1::GetContractRequest& request);
Result<v1::ListContractsResponse> ListContracts(const Snapshot& snapshot, const v1::Actor& actor,
                                                const v1::ListContractsRequest& request);
Result<v1::ListInterestsResponse> ListInterests(const Snapshot& snapshot, const v1::Actor& actor,
                                                const v1::ListInterestsRequest& request);
// A year's statement, at the head or to a month's end (summed from the records): every practice's
// and the LCP's totals, or for a practice its own.
Result<v1::GetStatementResponse> GetStatement(const Snapshot& snapshot, const v1::Actor& actor,
                                              const v1::GetStatementRequest& request);
Result<v1::GetYearResponse> GetYear(const Snapshot& snapshot, const v1::Actor& actor,
                                    const v1::GetYearRequest& request);
// A year's risk share, projected (with any what-ifs) or settled.
Result<v1::GetRiskShareResponse> GetRiskShare(const Snapshot& snapshot, const v1::Actor& actor,
                                              const v1::GetRiskShareRequest& request);
// A year's budget notices: per line the confirmed total, the runs, the first notice against the
// deadline and who has not acknowledged the latest run; then the transfers. A PRACTICE caller sees
// the LCP-wide figures and only its own acknowledgement and transfers.
Result<v1::GetNoticesResponse> GetNotices(const Snapshot& snapshot, const v1::Actor& actor,
                                          const v1::GetNoticesRequest& request);
// A year's membership: every practice's sign-up, or for a practice its own.
Result<v1::ListMembershipsResponse> ListMemberships(const Snapshot& snapshot,
                                                    const v1::Actor& actor,
                                                    const v1::ListMembershipsRequest& request);

// A year's reinvestment reserve statements (reserve_views.h): every practice's and the totals, or
// one practice's; a PRACTICE caller only its own. The year is the latest opened when none is named.
Result<v1::GetReserveResponse> GetReserve(const Snapshot& snapshot, const v1::Actor& actor,
                                          const v1::GetReserveRequest& request);

// Business cases (case_views.h). A PRACTICE caller sees only the cases it funds. Open cases' clocks
// are read on the request's read_on date ("2027-07-01"; QUERY_INVALID when malformed), or on the
// head entry's date when it is empty (the server fills in today); a date before the head entry's
// reads as the head entry's.
Result<v1::GetCaseResponse> GetCase(const Snapshot& snapshot, const v1::Actor& actor,
                                    const v1::GetCaseRequest& request);
Result<v1::ListCasesResponse> ListCases(const Snapshot& snapshot, const v1::Actor& actor,
                                        const v1::ListCasesRequest& request);
Result<v1::GetCaseReportResponse> GetCaseReport(const Snapshot& snapshot, const v1::Actor& actor,
                                                const v1::GetCaseReportRequest& request);

// PERMISSION_DENIED unless `actor`'s role reads the journal: checked when a stream starts and again
// whenever the principals have been re-read while it runs.
Status MayReadJournal(const v1::Actor& actor);
// Whether a StreamEntries call may start.
Status StartStreamEntries(const Snapshot& snapshot, const v1::Actor& actor,
                          const v1::StreamEntriesRequest& request);
// The entry `seq` as a stream carries it; RECORD_CORRUPT when it cannot be read.
// REQUIRES: 1 <= seq <= snapshot.head_seq.
Result<v1::StreamEntriesResponse> StreamedEntry(const Snapshot& snapshot, std::uint64_t seq);
// The header of the export an ExportRequest asks for (the records it names follow it, read from
// snapshot.records), stamped `exported_at_seconds`; or why it is refused.
Result<v1::ExportHeader> ExportHeaderFor(const Snapshot& snapshot, const v1::Actor& actor,
                                         const v1::ExportRequest& request,
                                         std::int64_t exported_at_seconds);

// The actor an offline reader such as lcp-audit reads as: an AUDITOR ("lcp-audit"), who reads every
// figure and the journal.
v1::Actor Auditor();

// Fills `view` from a stored record. Returns false if its body does not parse.
bool ToEntryView(const v1::JournalRecord& record, v1::EntryView& view);

}  // namespace lcp::queries

// How lcp prints replies: a table for people, or protobuf JSON for scripts.
#pragma once

#include <google/protobuf/message.h>

#include <string>

#include "lcp/v1/ledger_service.pb.h"

namespace lcp::client {

enum class Format { kTable, kJson };

// The message as protobuf JSON on one line (fields with default values included).
std::string ToJson(const google::protobuf::Message& message);

// The result of a Submit, one block per command, with the key each command was sent with.
std::string SubmitTable(const v1::SubmitRequest& request, const v1::SubmitResponse& response);
std::string BalancesTable(const v1::GetBalancesResponse& response);
// One line per entry: seq, recorded time, actor, key, what it did, how many postings.
std::string EntryLine(const v1::EntryView& view);
// An entry in full, with its postings.
std::string EntryDetail(const v1::EntryView& view);
std::string HeadTable(const v1::GetHeadResponse& response);
// A capitation run: its inputs, and a row per practice with the totals.
std::string AllocationTable(const v1::AllocationView& view);
// How one practice's budget was reached, step by step. REQUIRES: the view holds that practice's row
// with its band detail.
std::string AllocationExplanation(const v1::AllocationView& view);
std::string PracticesTable(const v1::ListPracticesResponse& response);
// A contract in full: terms, status, governance, interests, and its figures year by year.
std::string ContractDetail(const v1::ContractView& view);
// One line per contract.
std::string ContractsTable(const v1::ListContractsResponse& response);
std::string InterestsTable(const v1::ListInterestsResponse& response);
// Per practice, per line: budget, commitments, actual, forecast and variance; then the LCP totals.
std::string StatementTable(const v1::GetStatementResponse& response);

// A risk-sharing agreement's terms, one side per line.
std::string AgreementTermsText(const v1::AgreementTerms& terms, const std::string& indent);
// A year: its months closed with their checkpoints, its settlement, its agreement and a pending
// proposal.
std::string YearTable(const v1::GetYearResponse& response);
// A risk share: the pool's figures, the LCP/PCT split and the members' shares; with `explain`, every
// step of the calculation with its exact figures.
std::string RiskShareTable(const v1::GetRiskShareResponse& response, bool explain);
// A year's reinvestment reserve statements, as `lcp reserve` and `lcp-audit replay` print them.
std::string ReserveTable(const v1::GetReserveResponse& response);

}  // namespace lcp::client

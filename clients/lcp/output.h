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

}  // namespace lcp::client

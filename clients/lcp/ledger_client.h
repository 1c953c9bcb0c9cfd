// A small class that owns the LedgerService stub: one method per RPC, each with the client's deadline.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "lcp/v1/ledger_service.grpc.pb.h"

namespace lcp::client {

// How to reach the server and who the caller is.
struct Connection {
  std::string server;
  std::chrono::seconds timeout{30};
  // The bearer token sent with every call; empty to send none.
  std::string token;
  // TLS when set: the PEM of the CA that signed the server's certificate (empty: the system's roots),
  // and for mutual TLS the client's certificate chain and key.
  bool tls = false;
  std::string ca_pem;
  std::string client_cert_pem;
  std::string client_key_pem;
  // For a server started with --insecure: who the local administrator acts as (metadata
  // "lcp-acting-as"), so that a proposer and an approver can differ. Empty to send none.
  std::string acting_as;
};

class LedgerClient {
 public:
  explicit LedgerClient(const Connection& connection);

  grpc::Status Submit(const v1::SubmitRequest& request, v1::SubmitResponse& response,
                      std::string* error_code);
  grpc::Status GetBalances(const v1::GetBalancesRequest& request, v1::GetBalancesResponse& response);
  grpc::Status GetEntry(const v1::GetEntryRequest& request, v1::GetEntryResponse& response);
  grpc::Status ListEntries(const v1::ListEntriesRequest& request, v1::ListEntriesResponse& response);
  grpc::Status GetHead(v1::GetHeadResponse& response);
  grpc::Status ListPractices(v1::ListPracticesResponse& response);
  grpc::Status GetAllocation(const v1::GetAllocationRequest& request,
                             v1::GetAllocationResponse& response);
  grpc::Status GetContract(const v1::GetContractRequest& request, v1::GetContractResponse& response);
  grpc::Status ListContracts(const v1::ListContractsRequest& request,
                             v1::ListContractsResponse& response);
  grpc::Status ListInterests(const v1::ListInterestsRequest& request,
                             v1::ListInterestsResponse& response);
  grpc::Status GetStatement(const v1::GetStatementRequest& request,
                            v1::GetStatementResponse& response);
  grpc::Status GetYear(const v1::GetYearRequest& request, v1::GetYearResponse& response);
  grpc::Status GetRiskShare(const v1::GetRiskShareRequest& request,
                            v1::GetRiskShareResponse& response);
  grpc::Status GetNotices(const v1::GetNoticesRequest& request, v1::GetNoticesResponse& response);
  grpc::Status ListMemberships(const v1::ListMembershipsRequest& request,
                               v1::ListMembershipsResponse& response);
  grpc::Status GetReserve(const v1::GetReserveRequest& request, v1::GetReserveResponse& response);
  grpc::Status GetCase(const v1::GetCaseRequest& request, v1::GetCaseResponse& response);
  grpc::Status ListCases(const v1::ListCasesRequest& request, v1::ListCasesResponse& response);
  grpc::Status GetCaseReport(const v1::GetCaseReportRequest& request,
                             v1::GetCaseReportResponse& response);
  // Calls `on_response` for each message of an export until the stream ends (without a deadline: an
  // export of a large journal takes as long as it takes).
  grpc::Status Export(const v1::ExportRequest& request,
                      const std::function<bool(const v1::ExportResponse&)>& on_response);
  // Calls `on_entry` for each streamed entry until the stream ends (without a deadline when following).
  grpc::Status StreamEntries(const v1::StreamEntriesRequest& request,
                             const std::function<void(const v1::StreamEntriesResponse&)>& on_entry);

  // The ErrorCode name (for example "ERROR_CODE_PRACTICE_UNKNOWN") the server sent with the last
  // call's refusal, in the trailing metadata "lcp-error-code"; empty when it succeeded or failed
  // without one (the server could not be reached).
  const std::string& last_error_code() const { return last_error_code_; }

 private:
  // Sets the deadline and the credentials of a call.
  void Prepare(grpc::ClientContext& context, bool deadline = true) const;
  // Records the refusal's error code of a finished call and returns its status.
  grpc::Status Finished(const grpc::ClientContext& context, grpc::Status status);
  // One unary call of `method` with the deadline and credentials.
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (v1::LedgerService::Stub::*method)(grpc::ClientContext*,
                                                                    const Request&, Response*),
                    const Request& request, Response& response) {
    grpc::ClientContext context;
    Prepare(context);
    return Finished(context, (stub_.get()->*method)(&context, request, &response));
  }

  std::unique_ptr<v1::LedgerService::Stub> stub_;
  std::chrono::seconds timeout_;
  std::string authorization_;
  std::string acting_as_;
  std::string last_error_code_;
};

}  // namespace lcp::client

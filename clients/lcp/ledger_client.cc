#include "clients/lcp/ledger_client.h"

namespace lcp::client {

LedgerClient::LedgerClient(const Connection& connection)
    : timeout_(connection.timeout),
      authorization_(connection.token.empty() ? "" : "Bearer " + connection.token),
      acting_as_(connection.acting_as) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  arguments.SetMaxSendMessageSize(64 * 1024 * 1024);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (connection.tls) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = connection.ca_pem;
    ssl.pem_cert_chain = connection.client_cert_pem;
    ssl.pem_private_key = connection.client_key_pem;
    credentials = grpc::SslCredentials(ssl);
  }
  stub_ = v1::LedgerService::NewStub(
      grpc::CreateCustomChannel(connection.server, credentials, arguments));
}

void LedgerClient::Prepare(grpc::ClientContext& context, bool deadline) const {
  if (deadline) context.set_deadline(std::chrono::system_clock::now() + timeout_);
  if (!authorization_.empty()) context.AddMetadata("authorization", authorization_);
  if (!acting_as_.empty()) context.AddMetadata("lcp-acting-as", acting_as_);
}

grpc::Status LedgerClient::Finished(const grpc::ClientContext& context, grpc::Status status) {
  last_error_code_.clear();
  if (!status.ok()) {
    const auto& trailers = context.GetServerTrailingMetadata();
    auto it = trailers.find("lcp-error-code");
    if (it != trailers.end()) last_error_code_.assign(it->second.data(), it->second.size());
  }
  return status;
}

grpc::Status LedgerClient::Submit(const v1::SubmitRequest& request, v1::SubmitResponse& response,
                                  std::string* error_code) {
  grpc::Status status = Call(&v1::LedgerService::Stub::Submit, request, response);
  if (error_code != nullptr) *error_code = last_error_code_;
  return status;
}

grpc::Status LedgerClient::GetBalances(const v1::GetBalancesRequest& request,
                                       v1::GetBalancesResponse& response) {
  return Call(&v1::LedgerService::Stub::GetBalances, request, response);
}

grpc::Status LedgerClient::GetEntry(const v1::GetEntryRequest& request,
                                    v1::GetEntryResponse& response) {
  return Call(&v1::LedgerService::Stub::GetEntry, request, response);
}

grpc::Status LedgerClient::ListEntries(const v1::ListEntriesRequest& request,
                                       v1::ListEntriesResponse& response) {
  return Call(&v1::LedgerService::Stub::ListEntries, request, response);
}

grpc::Status LedgerClient::GetHead(v1::GetHeadResponse& response) {
  return Call(&v1::LedgerService::Stub::GetHead, v1::GetHeadRequest(), response);
}

grpc::Status LedgerClient::ListPractices(v1::ListPracticesResponse& response) {
  return Call(&v1::LedgerService::Stub::ListPractices, v1::ListPracticesRequest(), response);
}

grpc::Status LedgerClient::GetAllocation(const v1::GetAllocationRequest& request,
                                         v1::GetAllocationResponse& response) {
  return Call(&v1::LedgerService::Stub::GetAllocation, request, response);
}

grpc::Status LedgerClient::GetContract(const v1::GetContractRequest& request,
                                       v1::GetContractResponse& response) {
  return Call(&v1::LedgerService::Stub::GetContract, request, response);
}

grpc::Status LedgerClient::ListContracts(const v1::ListContractsRequest& request,
                                         v1::ListContractsResponse& response) {
  return Call(&v1::LedgerService::Stub::ListContracts, request, response);
}

grpc::Status LedgerClient::ListInterests(const v1::ListInterestsRequest& request,
                                         v1::ListInterestsResponse& response) {
  return Call(&v1::LedgerService::Stub::ListInterests, request, response);
}

grpc::Status LedgerClient::GetStatement(const v1::GetStatementRequest& request,
                                        v1::GetStatementResponse& response) {
  return Call(&v1::LedgerService::Stub::GetStatement, request, response);
}

grpc::Status LedgerClient::GetYear(const v1::GetYearRequest& request, v1::GetYearResponse& response) {
  return Call(&v1::LedgerService::Stub::GetYear, request, response);
}

grpc::Status LedgerClient::GetRiskShare(const v1::GetRiskShareRequest& request,
                                        v1::GetRiskShareResponse& response) {
  return Call(&v1::LedgerService::Stub::GetRiskShare, request, response);
}

grpc::Status LedgerClient::GetNotices(const v1::GetNoticesRequest& request,
                                      v1::GetNoticesResponse& response) {
  return Call(&v1::LedgerService::Stub::GetNotices, request, response);
}

grpc::Status LedgerClient::ListMemberships(const v1::ListMembershipsRequest& request,
                                           v1::ListMembershipsResponse& response) {
  return Call(&v1::LedgerService::Stub::ListMemberships, request, response);
}

grpc::Status LedgerClient::GetReserve(const v1::GetReserveRequest& request,
                                      v1::GetReserveResponse& response) {
  return Call(&v1::LedgerService::Stub::GetReserve, request, response);
}

grpc::Status LedgerClient::GetCase(const v1::GetCaseRequest& request,
                                   v1::GetCaseResponse& response) {
  return Call(&v1::LedgerService::Stub::GetCase, request, response);
}

grpc::Status LedgerClient::ListCases(const v1::ListCasesRequest& request,
                                     v1::ListCasesResponse& response) {
  return Call(&v1::LedgerService::Stub::ListCases, request, response);
}

grpc::Status LedgerClient::GetCaseReport(const v1::GetCaseReportRequest& request,
                                         v1::GetCaseReportResponse& response) {
  return Call(&v1::LedgerService::Stub::GetCaseReport, request, response);
}

grpc::Status LedgerClient::Export(const v1::ExportRequest& request,
                                  const std::function<bool(const v1::ExportResponse&)>& on_response) {
  grpc::ClientContext context;
  Prepare(context, /*deadline=*/false);
  std::unique_ptr<grpc::ClientReader<v1::ExportResponse>> reader = stub_->Export(&context, request);
  v1::ExportResponse response;
  while (reader->Read(&response)) {
    if (!on_response(response)) {
      context.TryCancel();
      break;
    }
  }
  return Finished(context, reader->Finish());
}

grpc::Status LedgerClient::StreamEntries(
    const v1::StreamEntriesRequest& request,
    const std::function<void(const v1::StreamEntriesResponse&)>& on_entry) {
  grpc::ClientContext context;
  Prepare(context, /*deadline=*/!request.follow());
  std::unique_ptr<grpc::ClientReader<v1::StreamEntriesResponse>> reader =
      stub_->StreamEntries(&context, request);
  v1::StreamEntriesResponse response;
  while (reader->Read(&response)) on_entry(response);
  return Finished(context, reader->Finish());
}

}  // namespace lcp::client

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

grpc::Status LedgerClient::Submit(const v1::SubmitRequest& request, v1::SubmitResponse& response,
                                  std::string* error_code) {
  grpc::ClientContext context;
  Prepare(context);
  grpc::Status status = stub_->Submit(&context, request, &response);
  if (error_code != nullptr) {
    const auto& trailers = context.GetServerTrailingMetadata();
    auto it = trailers.find("lcp-error-code");
    if (it != trailers.end()) error_code->assign(it->second.data(), it->second.size());
  }
  return status;
}

grpc::Status LedgerClient::GetBalances(const v1::GetBalancesRequest& request,
                                       v1::GetBalancesResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->GetBalances(&context, request, &response);
}

grpc::Status LedgerClient::GetEntry(const v1::GetEntryRequest& request,
                                    v1::GetEntryResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->GetEntry(&context, request, &response);
}

grpc::Status LedgerClient::ListEntries(const v1::ListEntriesRequest& request,
                                       v1::ListEntriesResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->ListEntries(&context, request, &response);
}

grpc::Status LedgerClient::GetHead(v1::GetHeadResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->GetHead(&context, v1::GetHeadRequest(), &response);
}

grpc::Status LedgerClient::ListPractices(v1::ListPracticesResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->ListPractices(&context, v1::ListPracticesRequest(), &response);
}

grpc::Status LedgerClient::GetAllocation(const v1::GetAllocationRequest& request,
                                         v1::GetAllocationResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->GetAllocation(&context, request, &response);
}

grpc::Status LedgerClient::GetContract(const v1::GetContractRequest& request,
                                       v1::GetContractResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->GetContract(&context, request, &response);
}

grpc::Status LedgerClient::ListContracts(const v1::ListContractsRequest& request,
                                         v1::ListContractsResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->ListContracts(&context, request, &response);
}

grpc::Status LedgerClient::ListInterests(const v1::ListInterestsRequest& request,
                                         v1::ListInterestsResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->ListInterests(&context, request, &response);
}

grpc::Status LedgerClient::GetStatement(const v1::GetStatementRequest& request,
                                        v1::GetStatementResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->GetStatement(&context, request, &response);
}

grpc::Status LedgerClient::GetYear(const v1::GetYearRequest& request, v1::GetYearResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->GetYear(&context, request, &response);
}

grpc::Status LedgerClient::GetRiskShare(const v1::GetRiskShareRequest& request,
                                        v1::GetRiskShareResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->GetRiskShare(&context, request, &response);
}

grpc::Status LedgerClient::GetNotices(const v1::GetNoticesRequest& request,
                                      v1::GetNoticesResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->GetNotices(&context, request, &response);
}

grpc::Status LedgerClient::ListMemberships(const v1::ListMembershipsRequest& request,
                                           v1::ListMembershipsResponse& response) {
  grpc::ClientContext context;
  Prepare(context);
  return stub_->ListMemberships(&context, request, &response);
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
  return reader->Finish();
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
  return reader->Finish();
}

}  // namespace lcp::client

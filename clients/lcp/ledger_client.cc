#include "clients/lcp/ledger_client.h"

namespace lcp::client {

LedgerClient::LedgerClient(const std::string& server, std::chrono::seconds timeout)
    : timeout_(timeout) {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  arguments.SetMaxSendMessageSize(64 * 1024 * 1024);
  stub_ = v1::LedgerService::NewStub(
      grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), arguments));
}

void LedgerClient::SetDeadline(grpc::ClientContext& context) const {
  context.set_deadline(std::chrono::system_clock::now() + timeout_);
}

grpc::Status LedgerClient::Submit(const v1::SubmitRequest& request, v1::SubmitResponse& response,
                                  std::string* error_code) {
  grpc::ClientContext context;
  SetDeadline(context);
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
  SetDeadline(context);
  return stub_->GetBalances(&context, request, &response);
}

grpc::Status LedgerClient::GetEntry(const v1::GetEntryRequest& request,
                                    v1::GetEntryResponse& response) {
  grpc::ClientContext context;
  SetDeadline(context);
  return stub_->GetEntry(&context, request, &response);
}

grpc::Status LedgerClient::ListEntries(const v1::ListEntriesRequest& request,
                                       v1::ListEntriesResponse& response) {
  grpc::ClientContext context;
  SetDeadline(context);
  return stub_->ListEntries(&context, request, &response);
}

grpc::Status LedgerClient::GetHead(v1::GetHeadResponse& response) {
  grpc::ClientContext context;
  SetDeadline(context);
  return stub_->GetHead(&context, v1::GetHeadRequest(), &response);
}

grpc::Status LedgerClient::StreamEntries(
    const v1::StreamEntriesRequest& request,
    const std::function<void(const v1::StreamEntriesResponse&)>& on_entry) {
  grpc::ClientContext context;
  if (!request.follow()) SetDeadline(context);
  std::unique_ptr<grpc::ClientReader<v1::StreamEntriesResponse>> reader =
      stub_->StreamEntries(&context, request);
  v1::StreamEntriesResponse response;
  while (reader->Read(&response)) on_entry(response);
  return reader->Finish();
}

}  // namespace lcp::client

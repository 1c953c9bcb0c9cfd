// The gRPC handlers of LedgerService: thin, each authenticates the caller, turns the request into a
// sequencer call (Submit) or a query over the latest snapshot (ledger/read/queries.h), and the
// result into a reply or a refusal (services/grpc_status.h).
#pragma once

#include <grpcpp/support/message_allocator.h>

#include <chrono>

#include "lcp/v1/ledger_service.grpc.pb.h"
#include "ledger/rules/decision_clock.h"
#include "services/auth.h"
#include "services/sequencer.h"

namespace lcp {

// The largest request the server accepts, in bytes.
inline constexpr int kRequestBytesMax = 64 * 1024 * 1024;

// `request` with read_on set to today by the server's clock (UTC) when the caller left it empty
// and asked for no month end: the "today" of the business-case reads, for gRPC and the web view's
// API alike.
template <typename Request>
Request ReadOnToday(Request request, const Sequencer& sequencer) {
  bool as_of_month = false;  // A month end reads its clocks on its last day instead.
  if constexpr (requires { request.month(); }) as_of_month = !request.month().empty();
  if (request.read_on().empty() && !as_of_month) {
    const auto now = sequencer.Now().time_since_epoch();
    request.set_read_on(
        FormatUtcDate(std::chrono::duration_cast<std::chrono::seconds>(now).count()));
  }
  return request;
}

// Allocates each Submit's request and response on one protobuf arena, freed whole when the call ends:
// a batch of 1,000 commands is otherwise tens of thousands of small allocations and frees.
class SubmitArenaAllocator final
    : public grpc::MessageAllocator<v1::SubmitRequest, v1::SubmitResponse> {
 public:
  grpc::MessageHolder<v1::SubmitRequest, v1::SubmitResponse>* AllocateMessages() override;
};

// Every call is first authenticated (UNAUTHENTICATED if it cannot be), then checked against the
// caller's role (PERMISSION_DENIED; ledger/rules/permissions.h), before anything about the ledger
// is looked at, so that a refusal never says whether a record the caller may not see exists.
class LedgerServiceImpl final : public v1::LedgerService::CallbackService {
 public:
  LedgerServiceImpl(Sequencer& sequencer, const Authenticator& authenticator)
      : sequencer_(sequencer), authenticator_(authenticator) {
    SetMessageAllocatorFor_Submit(&submit_allocator_);
  }

  grpc::ServerUnaryReactor* Submit(grpc::CallbackServerContext* context,
                                   const v1::SubmitRequest* request,
                                   v1::SubmitResponse* response) override;
  grpc::ServerUnaryReactor* GetBalances(grpc::CallbackServerContext* context,
                                        const v1::GetBalancesRequest* request,
                                        v1::GetBalancesResponse* response) override;
  grpc::ServerUnaryReactor* GetEntry(grpc::CallbackServerContext* context,
                                     const v1::GetEntryRequest* request,
                                     v1::GetEntryResponse* response) override;
  grpc::ServerUnaryReactor* ListEntries(grpc::CallbackServerContext* context,
                                        const v1::ListEntriesRequest* request,
                                        v1::ListEntriesResponse* response) override;
  grpc::ServerWriteReactor<v1::StreamEntriesResponse>* StreamEntries(
      grpc::CallbackServerContext* context, const v1::StreamEntriesRequest* request) override;
  grpc::ServerWriteReactor<v1::ExportResponse>* Export(grpc::CallbackServerContext* context,
                                                       const v1::ExportRequest* request) override;
  grpc::ServerUnaryReactor* GetHead(grpc::CallbackServerContext* context,
                                    const v1::GetHeadRequest* request,
                                    v1::GetHeadResponse* response) override;
  grpc::ServerUnaryReactor* ListPractices(grpc::CallbackServerContext* context,
                                          const v1::ListPracticesRequest* request,
                                          v1::ListPracticesResponse* response) override;
  grpc::ServerUnaryReactor* GetAllocation(grpc::CallbackServerContext* context,
                                          const v1::GetAllocationRequest* request,
                                          v1::GetAllocationResponse* response) override;
  grpc::ServerUnaryReactor* GetContract(grpc::CallbackServerContext* context,
                                        const v1::GetContractRequest* request,
                                        v1::GetContractResponse* response) override;
  grpc::ServerUnaryReactor* ListContracts(grpc::CallbackServerContext* context,
                                          const v1::ListContractsRequest* request,
                                          v1::ListContractsResponse* response) override;
  grpc::ServerUnaryReactor* ListInterests(grpc::CallbackServerContext* context,
                                          const v1::ListInterestsRequest* request,
                                          v1::ListInterestsResponse* response) override;
  grpc::ServerUnaryReactor* GetStatement(grpc::CallbackServerContext* context,
                                         const v1::GetStatementRequest* request,
                                         v1::GetStatementResponse* response) override;
  grpc::ServerUnaryReactor* GetYear(grpc::CallbackServerContext* context,
                                    const v1::GetYearRequest* request,
                                    v1::GetYearResponse* response) override;
  grpc::ServerUnaryReactor* GetRiskShare(grpc::CallbackServerContext* context,
                                         const v1::GetRiskShareRequest* request,
                                         v1::GetRiskShareResponse* response) override;
  grpc::ServerUnaryReactor* GetNotices(grpc::CallbackServerContext* context,
                                       const v1::GetNoticesRequest* request,
                                       v1::GetNoticesResponse* response) override;
  grpc::ServerUnaryReactor* ListMemberships(grpc::CallbackServerContext* context,
                                            const v1::ListMembershipsRequest* request,
                                            v1::ListMembershipsResponse* response) override;
  grpc::ServerUnaryReactor* GetReserve(grpc::CallbackServerContext* context,
                                       const v1::GetReserveRequest* request,
                                       v1::GetReserveResponse* response) override;
  grpc::ServerUnaryReactor* GetCase(grpc::CallbackServerContext* context,
                                    const v1::GetCaseRequest* request,
                                    v1::GetCaseResponse* response) override;
  grpc::ServerUnaryReactor* ListCases(grpc::CallbackServerContext* context,
                                      const v1::ListCasesRequest* request,
                                      v1::ListCasesResponse* response) override;
  grpc::ServerUnaryReactor* GetCaseReport(grpc::CallbackServerContext* context,
                                          const v1::GetCaseReportRequest* request,
                                          v1::GetCaseReportResponse* response) override;

 private:
  Sequencer& sequencer_;
  const Authenticator& authenticator_;
  SubmitArenaAllocator submit_allocator_;
};

}  // namespace lcp

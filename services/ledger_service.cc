#include "services/ledger_service.h"

#include <chrono>
#include <mutex>

#include "ledger/read/queries.h"
#include "services/grpc_status.h"

namespace lcp {
namespace {

// Finishes a unary call with `status`, naming its ErrorCode in the trailing metadata.
void FinishWith(grpc::CallbackServerContext* context, grpc::ServerUnaryReactor* reactor,
                const Status& status) {
  reactor->Finish(status.ok() ? grpc::Status::OK : RefusalFor(*context, status));
}

// Answers a unary call: authenticates the caller, runs `body(actor)` and finishes the call with the
// status it returns (UNAUTHENTICATED without running it when the caller is not known).
template <typename Body>
grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context,
                                 const Authenticator& authenticator, Body body) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  Result<v1::Actor> actor = authenticator.Authenticate(*context);
  FinishWith(context, reactor, actor.ok() ? body(*actor) : actor.status());
  return reactor;
}

// Answers a read: authenticates the caller, runs `query` (ledger/read/queries.h) over the latest
// snapshot, and sends its reply or its refusal.
template <typename Request, typename Response>
grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context,
                                const Authenticator& authenticator, const Sequencer& sequencer,
                                Result<Response> (*query)(const Snapshot&, const v1::Actor&,
                                                          const Request&),
                                const Request& request, Response* response) {
  return Answer(context, authenticator, [&](const v1::Actor& actor) -> Status {
    Result<Response> result = query(*sequencer.snapshot(), actor, request);
    if (!result.ok()) return result.status();
    *response = std::move(result).value();
    return Status::Ok();
  });
}

// Each Submit's request and response on one arena (SubmitArenaAllocator).
class ArenaHolder final : public grpc::MessageHolder<v1::SubmitRequest, v1::SubmitResponse> {
 public:
  ArenaHolder() : arena_(Options()) {
    set_request(google::protobuf::Arena::CreateMessage<v1::SubmitRequest>(&arena_));
    set_response(google::protobuf::Arena::CreateMessage<v1::SubmitResponse>(&arena_));
  }
  void Release() override { delete this; }

 private:
  static google::protobuf::ArenaOptions Options() {
    google::protobuf::ArenaOptions options;
    options.start_block_size = 64 * 1024;
    options.max_block_size = 4 * 1024 * 1024;
    return options;
  }
  google::protobuf::Arena arena_;
};

}  // namespace

grpc::MessageHolder<v1::SubmitRequest, v1::SubmitResponse>*
SubmitArenaAllocator::AllocateMessages() {
  return new ArenaHolder();
}

grpc::ServerUnaryReactor* LedgerServiceImpl::Submit(grpc::CallbackServerContext* context,
                                                    const v1::SubmitRequest* request,
                                                    v1::SubmitResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  Result<v1::Actor> actor = authenticator_.Authenticate(*context);
  SubmitCall call;
  Status checked = actor.ok() ? CheckSubmit(*actor, *request, call) : actor.status();
  if (!checked.ok()) {
    FinishWith(context, reactor, checked);
    return reactor;
  }
  call.request = request;
  call.response = response;
  call.actor = std::move(actor).value();
  call.done = [context, reactor](const Status& status) { FinishWith(context, reactor, status); };
  Status queued = sequencer_.Enqueue(std::move(call));
  if (!queued.ok()) FinishWith(context, reactor, queued);
  return reactor;
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetBalances(grpc::CallbackServerContext* context,
                                                         const v1::GetBalancesRequest* request,
                                                         v1::GetBalancesResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::GetBalances, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetEntry(grpc::CallbackServerContext* context,
                                                      const v1::GetEntryRequest* request,
                                                      v1::GetEntryResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::GetEntry, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::ListEntries(grpc::CallbackServerContext* context,
                                                         const v1::ListEntriesRequest* request,
                                                         v1::ListEntriesResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::ListEntries, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetHead(grpc::CallbackServerContext* context,
                                                     const v1::GetHeadRequest* request,
                                                     v1::GetHeadResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::GetHead, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::ListPractices(grpc::CallbackServerContext* context,
                                                           const v1::ListPracticesRequest* request,
                                                           v1::ListPracticesResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::ListPractices, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetAllocation(grpc::CallbackServerContext* context,
                                                           const v1::GetAllocationRequest* request,
                                                           v1::GetAllocationResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::GetAllocation, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetContract(grpc::CallbackServerContext* context,
                                                         const v1::GetContractRequest* request,
                                                         v1::GetContractResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::GetContract, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::ListContracts(grpc::CallbackServerContext* context,
                                                           const v1::ListContractsRequest* request,
                                                           v1::ListContractsResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::ListContracts, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::ListInterests(grpc::CallbackServerContext* context,
                                                           const v1::ListInterestsRequest* request,
                                                           v1::ListInterestsResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::ListInterests, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetStatement(grpc::CallbackServerContext* context,
                                                          const v1::GetStatementRequest* request,
                                                          v1::GetStatementResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::GetStatement, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetYear(grpc::CallbackServerContext* context,
                                                     const v1::GetYearRequest* request,
                                                     v1::GetYearResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::GetYear, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetRiskShare(grpc::CallbackServerContext* context,
                                                          const v1::GetRiskShareRequest* request,
                                                          v1::GetRiskShareResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::GetRiskShare, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetNotices(grpc::CallbackServerContext* context,
                                                        const v1::GetNoticesRequest* request,
                                                        v1::GetNoticesResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::GetNotices, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::ListMemberships(
    grpc::CallbackServerContext* context, const v1::ListMembershipsRequest* request,
    v1::ListMembershipsResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::ListMemberships, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetReserve(grpc::CallbackServerContext* context,
                                                        const v1::GetReserveRequest* request,
                                                        v1::GetReserveResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::GetReserve, *request, response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetCase(grpc::CallbackServerContext* context,
                                                     const v1::GetCaseRequest* request,
                                                     v1::GetCaseResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::GetCase,
               ReadOnToday(*request, sequencer_), response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::ListCases(grpc::CallbackServerContext* context,
                                                       const v1::ListCasesRequest* request,
                                                       v1::ListCasesResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::ListCases,
               ReadOnToday(*request, sequencer_), response);
}

grpc::ServerUnaryReactor* LedgerServiceImpl::GetCaseReport(grpc::CallbackServerContext* context,
                                                           const v1::GetCaseReportRequest* request,
                                                           v1::GetCaseReportResponse* response) {
  return Serve(context, authenticator_, sequencer_, &queries::GetCaseReport,
               ReadOnToday(*request, sequencer_), response);
}

namespace {

// Writes entries from a sequence number up to the durable head, then finishes, or with `follow`
// waits for the sequencer to publish more.
//
// A stream outlives the principals file it was authenticated against: whenever the file has been
// re-read since (SIGHUP), the caller's credentials are checked again before the next entry is
// written, so a revoked principal's follow stream ends instead of receiving more.
class EntryStreamer final : public grpc::ServerWriteReactor<v1::StreamEntriesResponse> {
 public:
  EntryStreamer(Sequencer& sequencer, const Authenticator& authenticator,
                grpc::CallbackServerContext* context, std::uint64_t from_seq, bool follow)
      : sequencer_(sequencer),
        authenticator_(authenticator),
        context_(context),
        credentials_(authenticator.CredentialsOf(*context)),
        generation_(authenticator.generation()),
        next_(from_seq == 0 ? 1 : from_seq),
        follow_(follow) {
    if (follow_) {
      follower_ = sequencer_.Subscribe([this] { Wake(); });
      if (follower_ == 0) {
        std::lock_guard lock(mutex_);
        RefuseLocked(Status::Error(
            v1::ERROR_CODE_SERVER_BUSY,
            std::to_string(kFollowersMax) + " streams are following already; retry later"));
        return;
      }
    }
    Wake();
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mutex_);
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the stream was cancelled"));
      return;
    }
    WriteNextLocked();
  }

  void OnCancel() override {
    std::lock_guard lock(mutex_);
    if (!writing_) FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
    cancelled_ = true;
  }

  void OnDone() override {
    if (follower_ != 0) sequencer_.Unsubscribe(follower_);
    delete this;
  }

 private:
  void Wake() {
    std::lock_guard lock(mutex_);
    if (!writing_) WriteNextLocked();
  }

  void WriteNextLocked() {
    if (finished_) return;
    if (cancelled_) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
      return;
    }
    const std::shared_ptr<const Snapshot> snapshot = sequencer_.snapshot();
    if (next_ <= snapshot->head_seq) {
      if (const std::uint64_t now = authenticator_.generation(); now != generation_) {
        generation_ = now;
        Result<v1::Actor> reader = authenticator_.Authenticate(credentials_);
        Status may = reader.ok() ? queries::MayReadJournal(*reader) : reader.status();
        if (!may.ok()) {
          RefuseLocked(may);
          return;
        }
      }
      Result<v1::StreamEntriesResponse> entry = queries::StreamedEntry(*snapshot, next_);
      if (!entry.ok()) {
        RefuseLocked(entry.status());
        return;
      }
      response_ = std::move(entry).value();
      ++next_;
      writing_ = true;
      StartWrite(&response_);
      return;
    }
    if (!follow_) {
      FinishLocked(grpc::Status::OK);
    } else if (sequencer_.stopping()) {
      RefuseLocked(Status::Error(v1::ERROR_CODE_SERVER_STOPPING,
                                 "the server is stopping; resume from entry " +
                                     std::to_string(next_) + " once it is back"));
    }
  }

  void FinishLocked(const grpc::Status& status) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  // Ends the stream with a refusal, through the one ErrorCode to gRPC status mapping.
  void RefuseLocked(const Status& status) {
    if (!finished_) FinishLocked(RefusalFor(*context_, status));
  }

  Sequencer& sequencer_;
  const Authenticator& authenticator_;
  grpc::CallbackServerContext* const context_;
  const Credentials credentials_;
  std::mutex mutex_;
  std::uint64_t generation_;  // GUARDED_BY(mutex_)
  std::uint64_t next_;        // GUARDED_BY(mutex_)
  const bool follow_;
  std::uint64_t follower_ = 0;
  bool writing_ = false;                // GUARDED_BY(mutex_)
  bool finished_ = false;               // GUARDED_BY(mutex_)
  bool cancelled_ = false;              // GUARDED_BY(mutex_)
  v1::StreamEntriesResponse response_;  // GUARDED_BY(mutex_)
};

// A stream refused before it started.
template <typename Response>
class RefusedStream final : public grpc::ServerWriteReactor<Response> {
 public:
  RefusedStream(grpc::CallbackServerContext* context, const Status& status) {
    this->Finish(RefusalFor(*context, status));
  }
  void OnDone() override { delete this; }
};

}  // namespace

namespace {

// The most record bytes one ExportResponse carries (a single larger record goes alone).
constexpr std::size_t kExportChunkBytes = 1024 * 1024;

// Writes an export of records first..last, fixed when the call starts: the header, then the records
// in messages of about kExportChunkBytes.
class ExportStreamer final : public grpc::ServerWriteReactor<v1::ExportResponse> {
 public:
  ExportStreamer(std::shared_ptr<const Snapshot> snapshot, v1::ExportHeader header)
      : snapshot_(std::move(snapshot)), next_(header.first_seq()), last_(header.last_seq()) {
    *response_.mutable_header() = std::move(header);
    StartWrite(&response_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the export was cancelled"));
      return;
    }
    response_.Clear();
    std::size_t bytes = 0;
    while (next_ != 0 && next_ <= last_ && bytes < kExportChunkBytes) {
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(256, last_ - next_ + 1));
      for (v1::JournalRecord& record : snapshot_->records->Range(next_, want)) {
        bytes += record.ByteSizeLong();
        *response_.add_records() = std::move(record);
        ++next_;
        if (bytes >= kExportChunkBytes) break;
      }
    }
    if (response_.records().empty()) {
      Finish(grpc::Status::OK);
      return;
    }
    StartWrite(&response_);
  }

  void OnDone() override { delete this; }

 private:
  const std::shared_ptr<const Snapshot> snapshot_;  // Its records are the export's.
  std::uint64_t next_;                              // 0 when the export has no records.
  const std::uint64_t last_;
  v1::ExportResponse response_;
};

}  // namespace

grpc::ServerWriteReactor<v1::ExportResponse>* LedgerServiceImpl::Export(
    grpc::CallbackServerContext* context, const v1::ExportRequest* request) {
  Result<v1::Actor> actor = authenticator_.Authenticate(*context);
  const std::shared_ptr<const Snapshot> snapshot = sequencer_.snapshot();
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  Result<v1::ExportHeader> header =
      actor.ok()
          ? queries::ExportHeaderFor(*snapshot, *actor, *request,
                                     std::chrono::duration_cast<std::chrono::seconds>(now).count())
          : Result<v1::ExportHeader>(actor.status());
  if (!header.ok()) return new RefusedStream<v1::ExportResponse>(context, header.status());
  return new ExportStreamer(snapshot, std::move(header).value());
}

grpc::ServerWriteReactor<v1::StreamEntriesResponse>* LedgerServiceImpl::StreamEntries(
    grpc::CallbackServerContext* context, const v1::StreamEntriesRequest* request) {
  Result<v1::Actor> actor = authenticator_.Authenticate(*context);
  Status may = actor.ok() ? queries::StartStreamEntries(*sequencer_.snapshot(), *actor, *request)
                          : actor.status();
  if (!may.ok()) return new RefusedStream<v1::StreamEntriesResponse>(context, may);
  return new EntryStreamer(sequencer_, authenticator_, context, request->from_seq(),
                           request->follow());
}

}  // namespace lcp

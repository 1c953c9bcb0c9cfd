#include "services/grpc_status.h"

namespace lcp {

grpc::StatusCode GrpcCodeFor(ErrorCode code) {
  switch (code) {
    case v1::ERROR_CODE_UNSPECIFIED:
      return grpc::StatusCode::OK;
    case v1::ERROR_CODE_COMMAND_EMPTY:
    case v1::ERROR_CODE_AMOUNT_MALFORMED:
    case v1::ERROR_CODE_AMOUNT_TOO_LARGE:
    case v1::ERROR_CODE_PRACTICE_CODE_MALFORMED:
    case v1::ERROR_CODE_PROVIDER_CODE_MALFORMED:
    case v1::ERROR_CODE_PROVIDER_KIND_MISSING:
    case v1::ERROR_CODE_NAME_INVALID:
    case v1::ERROR_CODE_YEAR_MALFORMED:
    case v1::ERROR_CODE_MONTH_MALFORMED:
    case v1::ERROR_CODE_BUDGET_LINE_MALFORMED:
    case v1::ERROR_CODE_BUDGET_LINE_DUPLICATE:
    case v1::ERROR_CODE_BUDGET_LINE_COUNT_INVALID:
    case v1::ERROR_CODE_ACCOUNT_MALFORMED:
    case v1::ERROR_CODE_POSTING_COUNT_INVALID:
    case v1::ERROR_CODE_POSTING_ZERO:
    case v1::ERROR_CODE_JOURNAL_UNBALANCED:
    case v1::ERROR_CODE_NARRATIVE_INVALID:
    case v1::ERROR_CODE_IDEMPOTENCY_KEY_INVALID:
    case v1::ERROR_CODE_ACTOR_INVALID:
    case v1::ERROR_CODE_UNKNOWN_FIELDS:
    case v1::ERROR_CODE_SPLIT_WEIGHTS_INVALID:
    case v1::ERROR_CODE_BATCH_EMPTY:
    case v1::ERROR_CODE_BATCH_TOO_LARGE:
    case v1::ERROR_CODE_QUERY_INVALID:
    case v1::ERROR_CODE_EXPORT_MALFORMED:
      return grpc::StatusCode::INVALID_ARGUMENT;
    case v1::ERROR_CODE_PRACTICE_UNKNOWN:
    case v1::ERROR_CODE_PROVIDER_UNKNOWN:
    case v1::ERROR_CODE_BUDGET_LINE_UNKNOWN:
    case v1::ERROR_CODE_ENTRY_UNKNOWN:
      return grpc::StatusCode::NOT_FOUND;
    case v1::ERROR_CODE_PRACTICE_ALREADY_REGISTERED:
    case v1::ERROR_CODE_PROVIDER_ALREADY_REGISTERED:
    case v1::ERROR_CODE_YEAR_ALREADY_OPEN:
    case v1::ERROR_CODE_IDEMPOTENCY_KEY_REUSED:
      return grpc::StatusCode::ALREADY_EXISTS;
    case v1::ERROR_CODE_YEAR_NOT_OPEN:
    case v1::ERROR_CODE_BALANCE_LIMIT_EXCEEDED:
    case v1::ERROR_CODE_ENTRY_ALREADY_REVERSED:
    case v1::ERROR_CODE_ENTRY_HAS_NO_POSTINGS:
    case v1::ERROR_CODE_ENTRY_IS_REVERSAL:
    case v1::ERROR_CODE_REVERSAL_BACKDATED:
      return grpc::StatusCode::FAILED_PRECONDITION;
    case v1::ERROR_CODE_BATCH_ABORTED:
      return grpc::StatusCode::ABORTED;
    case v1::ERROR_CODE_PERMISSION_DENIED:
      return grpc::StatusCode::PERMISSION_DENIED;
    case v1::ERROR_CODE_UNAUTHENTICATED:
      return grpc::StatusCode::UNAUTHENTICATED;
    case v1::ERROR_CODE_SERVER_BUSY:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case v1::ERROR_CODE_SERVER_STOPPING:
    case v1::ERROR_CODE_STORAGE_FAILURE:
      return grpc::StatusCode::UNAVAILABLE;
    case v1::ERROR_CODE_RECORD_CORRUPT:
    case v1::ERROR_CODE_CHAIN_BROKEN:
    case v1::ERROR_CODE_REPLAY_MISMATCH:
      return grpc::StatusCode::DATA_LOSS;
    case v1::ErrorCode_INT_MIN_SENTINEL_DO_NOT_USE_:
    case v1::ErrorCode_INT_MAX_SENTINEL_DO_NOT_USE_:
      break;
  }
  return grpc::StatusCode::INTERNAL;
}

grpc::Status ToGrpcStatus(const Status& status) {
  return grpc::Status(GrpcCodeFor(status.code()), status.ToString());
}

}  // namespace lcp

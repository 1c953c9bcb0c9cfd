// The one place where the ledger's ErrorCodes become gRPC status codes.
#pragma once

#include <grpcpp/grpcpp.h>

#include "ledger/base/status.h"

namespace lcp {

// The trailing metadata key that names the ErrorCode of a failed call, e.g. "ERROR_CODE_YEAR_NOT_OPEN".
inline constexpr char kErrorCodeMetadataKey[] = "lcp-error-code";

// INVALID_ARGUMENT for malformed input, NOT_FOUND for unknown practices, providers, lines and entries,
// ALREADY_EXISTS for duplicates, FAILED_PRECONDITION for commands that do not fit the ledger's state,
// ABORTED for the untouched commands of a refused all-or-nothing batch, RESOURCE_EXHAUSTED for a busy
// server, UNAVAILABLE for a stopping one, DATA_LOSS for a journal that does not verify.
grpc::StatusCode GrpcCodeFor(ErrorCode code);

// A gRPC status whose message is "ERROR_CODE_NAME: message".
// REQUIRES: !status.ok().
grpc::Status ToGrpcStatus(const Status& status);

// How a call refused with `status` ends, unary or stream: ToGrpcStatus(status), with the ErrorCode
// named in the call's trailing metadata (kErrorCodeMetadataKey). REQUIRES: !status.ok().
grpc::Status RefusalFor(grpc::ServerContextBase& context, const Status& status);

}  // namespace lcp

// Errors as values: every fallible function of the ledger core returns a Status or a Result<T>. The code
// is one of the proto's ErrorCode values, so that the server and clients can tell every refusal apart;
// the message says, in words a finance officer can act on, what to change.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/check.h"

namespace lcp {

using ErrorCode = ::lcp::v1::ErrorCode;

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  // REQUIRES: code is not ERROR_CODE_UNSPECIFIED.
  static Status Error(ErrorCode code, std::string message) {
    LCP_CHECK(code != v1::ERROR_CODE_UNSPECIFIED);
    return Status(code, std::move(message));
  }

  bool ok() const { return code_ == v1::ERROR_CODE_UNSPECIFIED; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "ERROR_CODE_NAME: message", or "OK".
  std::string ToString() const;

 private:
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code_ = v1::ERROR_CODE_UNSPECIFIED;
  std::string message_;
};

// Either a value or an error Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design.
  // REQUIRES: !status.ok().
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design.
    LCP_CHECK(!status_.ok());
  }

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  // REQUIRES: ok().
  const T& value() const& {
    LCP_CHECK(ok());
    return *value_;
  }
  T& value() & {
    LCP_CHECK(ok());
    return *value_;
  }
  T&& value() && {
    LCP_CHECK(ok());
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace lcp

// Returns early from the enclosing function when `expr` (a Status) is an error.
#define LCP_RETURN_IF_ERROR(expr)          \
  do {                                     \
    ::lcp::Status lcp_status_ = (expr);    \
    if (!lcp_status_.ok()) return lcp_status_; \
  } while (false)

#include "ledger/base/status.h"

namespace lcp {

std::string Status::ToString() const {
  if (ok()) return "OK";
  return v1::ErrorCode_Name(code_) + ": " + message_;
}

}  // namespace lcp

// The web view's JSON API: one GET route per unary read RPC of LedgerService, /api/v1/<Method>,
// answering exactly what the gRPC call answers. The request is the RPC's request message, built
// from the query string (one parameter per field, named as in the proto or in its JSON name; a
// message field's value is that message in protobuf's JSON mapping; a repeated field repeats its
// parameter); the reply is the response message in protobuf's JSON mapping with every field
// printed, as `lcp --output json` prints it. The same query functions answer both
// (ledger/read/queries.h), with the same actor, so the two can never differ. Free of HTTP:
// services/web/web_server.cc serves it.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lcp/v1/ledger_service.pb.h"
#include "ledger/base/status.h"
#include "services/sequencer.h"

namespace lcp::web {

// A query string's parameters, in order, decoded.
using Params = std::vector<std::pair<std::string, std::string>>;

// The parameters of a URL's query (what follows '?'): split at each '&', then at the first '=',
// each part percent-decoded ('+' is a space). Every parameter is kept, repeated ones too, as a gRPC
// request's repeated field keeps every value. QUERY_INVALID for a malformed escape.
Result<Params> ParseQuery(std::string_view query);

class JsonApi {
 public:
  explicit JsonApi(const Sequencer& sequencer) : sequencer_(sequencer) {}

  // The methods served, in the order the service declares them: every unary method of
  // lcp.v1.LedgerService but Submit.
  static std::vector<std::string> Methods();
  static bool Serves(std::string_view method);

  // Answers `method` for `actor`: the response as JSON, or the refusal (QUERY_INVALID for a
  // parameter that names no field or does not parse as the field's type).
  // REQUIRES: Serves(method).
  Result<std::string> Call(std::string_view method, const Params& params,
                           const v1::Actor& actor) const;

  // Builds `request` from `params` (exposed for tests).
  static Status ParseRequest(const Params& params, google::protobuf::Message& request);

 private:
  const Sequencer& sequencer_;
};

// The JSON of `message` as the API and `lcp --output json` print it: every field, defaults too.
std::string ToJson(const google::protobuf::Message& message);

// The HTTP status of a refusal: 400 for a malformed request, 401 unauthenticated, 403 refused by
// role, 404 unknown, 409 for what does not fit the ledger's state, 429 busy, 503 stopping, and 500
// otherwise. Its body is {"error":{"code":"ERROR_CODE_...","message":"..."}}.
int HttpStatusFor(const Status& status);
std::string ErrorJson(const Status& status);

}  // namespace lcp::web

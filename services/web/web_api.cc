#include "services/web/web_api.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <map>
#include <set>

#include "ledger/read/queries.h"
#include "services/grpc_status.h"
#include "services/ledger_service.h"

namespace lcp::web {
namespace {

namespace pb = google::protobuf;

// The most parameters one request may carry (a what-if is one each; GetRiskShare takes 1,000).
constexpr std::size_t kParamsMax = 1'100;

Status Invalid(std::string message) {
  return Status::Error(v1::ERROR_CODE_QUERY_INVALID, std::move(message));
}

// `text` as a JSON string, quotes included.
std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

const pb::FieldDescriptor* FieldNamed(const pb::Descriptor& type, std::string_view name) {
  for (int i = 0; i < type.field_count(); ++i) {
    const pb::FieldDescriptor* field = type.field(i);
    if (field->name() == name || field->json_name() == name) return field;
  }
  return nullptr;
}

std::string FieldNames(const pb::Descriptor& type) {
  std::string names;
  for (int i = 0; i < type.field_count(); ++i) names += (i ? ", " : "") + type.field(i)->name();
  return names.empty() ? "none" : names;
}

using Handler = Result<std::string> (*)(const Sequencer&, const Params&, const v1::Actor&);

template <typename Request, typename Response,
          Result<Response> (*Query)(const Snapshot&, const v1::Actor&, const Request&)>
Result<std::string> Handle(const Sequencer& sequencer, const Params& params,
                           const v1::Actor& actor) {
  Request request;
  if (Status parsed = JsonApi::ParseRequest(params, request); !parsed.ok()) return parsed;
  Result<Response> answer = Query(*sequencer.snapshot(), actor, request);
  if (!answer.ok()) return answer.status();
  return ToJson(*answer);
}

// The reads that need "today" get it as their gRPC twins do (ReadOnToday).
template <typename Request, typename Response,
          Result<Response> (*Query)(const Snapshot&, const v1::Actor&, const Request&)>
Result<std::string> HandleToday(const Sequencer& sequencer, const Params& params,
                                const v1::Actor& actor) {
  Request request;
  if (Status parsed = JsonApi::ParseRequest(params, request); !parsed.ok()) return parsed;
  Result<Response> answer =
      Query(*sequencer.snapshot(), actor, ReadOnToday(std::move(request), sequencer));
  if (!answer.ok()) return answer.status();
  return ToJson(*answer);
}

#define LCP_ROUTE(Name) \
  { #Name, &Handle < v1::Name##Request, v1::Name##Response, &queries::Name> }
#define LCP_ROUTE_TODAY(Name) \
  { #Name, &HandleToday < v1::Name##Request, v1::Name##Response, &queries::Name> }

const std::map<std::string, Handler, std::less<>>& Routes() {
  static const auto* const routes = new std::map<std::string, Handler, std::less<>>{
      LCP_ROUTE(GetBalances),   LCP_ROUTE(GetEntry),        LCP_ROUTE(ListEntries),
      LCP_ROUTE(GetHead),       LCP_ROUTE(ListPractices),   LCP_ROUTE(GetAllocation),
      LCP_ROUTE(GetContract),   LCP_ROUTE(ListContracts),   LCP_ROUTE(ListInterests),
      LCP_ROUTE(GetStatement),  LCP_ROUTE(GetYear),         LCP_ROUTE(GetRiskShare),
      LCP_ROUTE(GetNotices),    LCP_ROUTE(ListMemberships), LCP_ROUTE(GetReserve),
      LCP_ROUTE_TODAY(GetCase), LCP_ROUTE_TODAY(ListCases), LCP_ROUTE_TODAY(GetCaseReport),
  };
  return *routes;
}

#undef LCP_ROUTE
#undef LCP_ROUTE_TODAY

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> Decoded(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
      const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return Invalid("the query has a malformed escape at " + JsonString(text.substr(i, 3)) +
                       ": a '%' is followed by two hexadecimal digits");
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return out;
}

}  // namespace

Result<Params> ParseQuery(std::string_view query) {
  Params params;
  std::size_t at = 0;
  while (at < query.size()) {
    std::size_t end = query.find('&', at);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(at, end - at);
    at = end + 1;
    if (pair.empty()) continue;
    if (params.size() == kParamsMax) {
      return Invalid("too many parameters: at most " + std::to_string(kParamsMax));
    }
    const std::size_t equals = pair.find('=');
    Result<std::string> name = Decoded(pair.substr(0, equals));
    if (!name.ok()) return name.status();
    Result<std::string> value =
        Decoded(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    if (!value.ok()) return value.status();
    params.emplace_back(std::move(name).value(), std::move(value).value());
  }
  return params;
}

std::vector<std::string> JsonApi::Methods() {
  const pb::ServiceDescriptor* service =
      pb::DescriptorPool::generated_pool()->FindServiceByName("lcp.v1.LedgerService");
  LCP_CHECK(service != nullptr);
  std::vector<std::string> methods;
  for (int i = 0; i < service->method_count(); ++i) {
    if (Routes().count(service->method(i)->name()) != 0)
      methods.push_back(service->method(i)->name());
  }
  return methods;
}

bool JsonApi::Serves(std::string_view method) { return Routes().find(method) != Routes().end(); }

Result<std::string> JsonApi::Call(std::string_view method, const Params& params,
                                  const v1::Actor& actor) const {
  const auto route = Routes().find(method);
  LCP_CHECK(route != Routes().end());
  return route->second(sequencer_, params, actor);
}

Status JsonApi::ParseRequest(const Params& params, pb::Message& request) {
  const pb::Descriptor& type = *request.GetDescriptor();
  if (params.size() > kParamsMax) {
    return Invalid("too many parameters: at most " + std::to_string(kParamsMax));
  }
  // Scalars first, as one JSON object (so protobuf's JSON mapping parses every value as gRPC's
  // JSON clients would send it); then each message, parsed on its own into its field.
  std::map<const pb::FieldDescriptor*, std::vector<const std::string*>> scalars;
  std::vector<std::pair<const pb::FieldDescriptor*, const std::string*>> messages;
  std::set<const pb::FieldDescriptor*> singular_seen;
  for (const auto& [name, value] : params) {
    const pb::FieldDescriptor* field = FieldNamed(type, name);
    if (field == nullptr) {
      return Invalid("the parameter " + JsonString(name) + " names no field of " +
                     type.full_name() + " (its fields: " + FieldNames(type) + ")");
    }
    if (!field->is_repeated() && !singular_seen.insert(field).second) {
      return Invalid("the parameter " + JsonString(field->name()) + " is given twice");
    }
    if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_BOOL && value != "true" &&
        value != "false") {
      return Invalid("the parameter " + JsonString(name) + " is true or false, not " +
                     JsonString(value));
    }
    if (field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      messages.emplace_back(field, &value);
    } else {
      scalars[field].push_back(&value);
    }
  }
  std::string json = "{";
  for (const auto& [field, values] : scalars) {
    const bool boolean = field->cpp_type() == pb::FieldDescriptor::CPPTYPE_BOOL;
    auto literal = [boolean](const std::string& value) {
      return boolean ? value : JsonString(value);
    };
    json += (json.size() > 1 ? "," : "") + JsonString(field->json_name()) + ":";
    if (field->is_repeated()) {
      json += "[";
      for (std::size_t i = 0; i < values.size(); ++i) json += (i ? "," : "") + literal(*values[i]);
      json += "]";
    } else {
      json += literal(*values.front());
    }
  }
  json += "}";
  pb::util::JsonParseOptions strict;
  if (pb::util::Status parsed = pb::util::JsonStringToMessage(json, &request, strict);
      !parsed.ok()) {
    return Invalid("the parameters do not fit " + type.full_name() + ": " +
                   std::string(parsed.message()));
  }
  const pb::Reflection& reflection = *request.GetReflection();
  for (const auto& [field, value] : messages) {
    pb::Message* into = field->is_repeated() ? reflection.AddMessage(&request, field)
                                             : reflection.MutableMessage(&request, field);
    if (pb::util::Status parsed = pb::util::JsonStringToMessage(*value, into, strict);
        !parsed.ok()) {
      return Invalid("the parameter " + JsonString(field->name()) + " is not a " +
                     field->message_type()->full_name() +
                     " in JSON: " + std::string(parsed.message()));
    }
  }
  return Status::Ok();
}

std::string ToJson(const pb::Message& message) {
  pb::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  (void)pb::util::MessageToJsonString(message, &json, options);
  return json;
}

int HttpStatusFor(const Status& status) {
  switch (GrpcCodeFor(status.code())) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    default:
      return 500;
  }
}

std::string ErrorJson(const Status& status) {
  return "{\"error\":{\"code\":" + JsonString(v1::ErrorCode_Name(status.code())) +
         ",\"message\":" + JsonString(status.message()) + "}}";
}

}  // namespace lcp::web

// The web view's query-string parser (services/web/web_api.h) on arbitrary parameters. The first
// byte picks one of the served reads; the rest is "name=value" pairs separated by '&'. Asserts:
// nothing crashes; every request is either built or refused as QUERY_INVALID with a message; a
// request built from parameters parses again, to the same message, from the parameters its own
// fields give.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "services/web/web_api.h"

using lcp::fuzz::Require;
namespace pb = google::protobuf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const std::vector<std::string> methods = lcp::web::JsonApi::Methods();
  const pb::ServiceDescriptor* service =
      pb::DescriptorPool::generated_pool()->FindServiceByName("lcp.v1.LedgerService");
  const pb::MethodDescriptor* method = service->FindMethodByName(methods[data[0] % methods.size()]);
  std::unique_ptr<pb::Message> request(
      pb::MessageFactory::generated_factory()->GetPrototype(method->input_type())->New());

  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  lcp::web::Params params;
  std::size_t at = 0;
  while (at <= text.size()) {
    std::size_t end = text.find('&', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view pair = text.substr(at, end - at);
    const std::size_t equals = pair.find('=');
    if (!pair.empty()) {
      params.emplace_back(
          std::string(pair.substr(0, equals)),
          equals == std::string_view::npos ? "" : std::string(pair.substr(equals + 1)));
    }
    at = end + 1;
  }
  const lcp::Status status = lcp::web::JsonApi::ParseRequest(params, *request);
  if (!status.ok()) {
    Require(status.code() == lcp::v1::ERROR_CODE_QUERY_INVALID && !status.message().empty(),
            "a refusal is QUERY_INVALID with a message: " + status.ToString());
    return 0;
  }
  // The parameters of its own scalar fields give the same request again (messages as JSON).
  lcp::web::Params again;
  const pb::Reflection& reflection = *request->GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  reflection.ListFields(*request, &fields);
  for (const pb::FieldDescriptor* field : fields) {
    const int count = field->is_repeated() ? reflection.FieldSize(*request, field) : 1;
    for (int i = 0; i < count; ++i) {
      std::string value;
      switch (field->cpp_type()) {
        case pb::FieldDescriptor::CPPTYPE_STRING:
          value = field->is_repeated() ? reflection.GetRepeatedString(*request, field, i)
                                       : reflection.GetString(*request, field);
          break;
        case pb::FieldDescriptor::CPPTYPE_MESSAGE:
          value = lcp::web::ToJson(field->is_repeated()
                                       ? reflection.GetRepeatedMessage(*request, field, i)
                                       : reflection.GetMessage(*request, field));
          // Text that is not UTF-8 has no JSON form to send again.
          if (value.empty()) return 0;
          break;
        default:
          // Numbers, bools and enums: their JSON text, quotes removed.
          continue;
      }
      again.emplace_back(field->name(), value);
    }
  }
  std::unique_ptr<pb::Message> rebuilt(request->New());
  const lcp::Status reparsed = lcp::web::JsonApi::ParseRequest(again, *rebuilt);
  Require(reparsed.ok(),
          "a built request's own strings and messages parse again: " + reparsed.ToString());
  return 0;
}

// The principals file reader (services/auth.h) on arbitrary text. Asserts: nothing crashes; a
// refusal names its line; a file that parses is found again by id and by token hash, and the lines
// Principals writes for it parse back to the same principals.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "services/auth.h"

using lcp::fuzz::Require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  std::optional<lcp::Principals> principals = lcp::Principals::Parse(text, &error);
  if (!principals) {
    Require(error.starts_with("line "), "a refusal names its line: " + error);
    return 0;
  }
  std::string written;
  for (const lcp::Principal& principal : principals->all()) {
    Require(principals->ById(principal.actor.principal_id()) == &principal, "found by id");
    if (!principal.token_sha256.empty()) {
      Require(principals->ByTokenHash(principal.token_sha256) == &principal, "found by token hash");
    }
    written += lcp::Principals::Line(principal);
  }
  std::string again_error;
  std::optional<lcp::Principals> again = lcp::Principals::Parse(written, &again_error);
  Require(again.has_value(), "the lines written parse again: " + again_error);
  Require(again->all().size() == principals->all().size(), "as many principals again");
  for (std::size_t i = 0; i < again->all().size(); ++i) {
    const lcp::Principal& a = principals->all()[i];
    const lcp::Principal& b = again->all()[i];
    Require(a.actor.SerializeAsString() == b.actor.SerializeAsString() &&
                a.token_sha256 == b.token_sha256,
            "the same principal again: " + lcp::Principals::Line(a));
  }
  return 0;
}

// The journal-entry body scanner on arbitrary bytes: EntryBodyHasUnknownFields, which reads a body
// without parsing it, against protobuf's parse and UnknownFieldPath, and Journal::CheckBody, which
// a replay runs on every record. Asserts: nothing crashes; for a body that parses, a field that
// UnknownFieldPath finds is one the scanner finds too (the scanner may say more, never less).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.h"
#include "ledger/engine/journal.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const bool scanner_unknown = lcp::EntryBodyHasUnknownFields(body);
  lcp::v1::JournalEntry parsed;
  if (parsed.ParseFromArray(data, static_cast<int>(size))) {
    const std::string path = lcp::UnknownFieldPath(parsed);
    lcp::fuzz::Require(path.empty() || scanner_unknown,
                       "the scanner finds the unknown field UnknownFieldPath finds: " + path);
  }
  lcp::v1::JournalRecord record;
  record.set_seq(1);
  record.set_body(std::string(body));
  lcp::v1::JournalEntry entry;
  const lcp::Status checked = lcp::Journal::CheckBody(record, entry);
  if (checked.ok()) {
    lcp::fuzz::Require(lcp::UnknownFieldPath(entry).empty(),
                       "a body that passes has no unknown field");
  }
  return 0;
}

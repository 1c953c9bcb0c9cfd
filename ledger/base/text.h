// Checks on free text that comes in with commands.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lcp {

// True when `text` is well-formed UTF-8 (protobuf refuses to parse strings that are not, so nothing
// that is not may ever be stored).
bool IsValidUtf8(std::string_view text);

// True when `text` has 1 to `length_max` bytes, is valid UTF-8 and has no control characters (C0, DEL,
// C1) and no line or paragraph separators (U+2028, U+2029).
bool IsPrintableText(std::string_view text, std::size_t length_max);

// True when `text` has 1 to `length_max` bytes, all printable ASCII (0x21 to 0x7e, no spaces).
bool IsPrintableAsciiToken(std::string_view text, std::size_t length_max);

// `text` in quotation marks for a message: at most `shown_max` bytes of it (then "..."), with control
// bytes, non-ASCII bytes, quotes and backslashes written as \xNN, so a message is always one printable
// line whatever came in.
std::string Quoted(std::string_view text, std::size_t shown_max = 48);

}  // namespace lcp

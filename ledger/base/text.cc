#include "ledger/base/text.h"

#include <cstdint>

namespace lcp {

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<std::uint8_t>(text[i]);
    std::size_t extra = 0;
    std::uint32_t code_point = 0;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      extra = 1;
      code_point = lead & 0x1Fu;
    } else if ((lead & 0xF0) == 0xE0) {
      extra = 2;
      code_point = lead & 0x0Fu;
    } else if ((lead & 0xF8) == 0xF0) {
      extra = 3;
      code_point = lead & 0x07u;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<std::uint8_t>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3Fu);
    }
    // Overlong forms, surrogates and values beyond Unicode are not UTF-8.
    static constexpr std::uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (code_point < kMinForLength[extra]) return false;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;
    if (code_point > 0x10FFFF) return false;
    i += extra + 1;
  }
  return true;
}

bool IsPrintableText(std::string_view text, std::size_t length_max) {
  if (text.empty() || text.size() > length_max || !IsValidUtf8(text)) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<std::uint8_t>(text[i]);
    if (byte < 0x20 || byte == 0x7F) return false;  // C0 controls and DEL.
    const auto next = i + 1 < text.size() ? static_cast<std::uint8_t>(text[i + 1]) : 0;
    if (byte == 0xC2 && next >= 0x80 && next <= 0x9F) return false;  // C1 controls.
    // U+2028 and U+2029, the line and paragraph separators.
    if (byte == 0xE2 && next == 0x80 && i + 2 < text.size()) {
      const auto third = static_cast<std::uint8_t>(text[i + 2]);
      if (third == 0xA8 || third == 0xA9) return false;
    }
  }
  return true;
}

bool IsPrintableAsciiToken(std::string_view text, std::size_t length_max) {
  if (text.empty() || text.size() > length_max) return false;
  for (char c : text) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

std::string Quoted(std::string_view text, std::size_t shown_max) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string shown = "\"";
  for (char c : text.substr(0, shown_max)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x7F || c == '"' || c == '\\') {
      shown += "\\x";
      shown += kHex[byte >> 4];
      shown += kHex[byte & 0x0F];
    } else {
      shown += c;
    }
  }
  if (text.size() > shown_max) shown += "...";
  return shown + "\"";
}

}  // namespace lcp

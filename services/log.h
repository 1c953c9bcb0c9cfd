// The server's log: one line per event worth an operator's attention (start, stop, refused batch,
// failure), to standard error, each with a UTC timestamp. Nothing per request by default.
#pragma once

#include <string_view>

namespace lcp {

void LogLine(std::string_view line);

}  // namespace lcp

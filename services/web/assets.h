// The web view's own files (services/web/assets/), compiled into the server by
// services/web/embed.cmake, so that nothing is read from disk or fetched at run time.
#pragma once

#include <optional>
#include <string_view>

namespace lcp::web {

// The file `name` ("app.js"), or nullopt.
std::optional<std::string_view> Asset(std::string_view name);

}  // namespace lcp::web

#include "services/log.h"

#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace lcp {

void LogLine(std::string_view line) {
  static std::mutex mutex;
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  std::lock_guard lock(mutex);
  std::fprintf(stderr, "%s lcp-ledgerd: %.*s\n", stamp, static_cast<int>(line.size()), line.data());
  std::fflush(stderr);
}

}  // namespace lcp

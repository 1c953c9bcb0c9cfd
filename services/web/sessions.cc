#include "services/web/sessions.h"

#include <openssl/rand.h>

#include <algorithm>

namespace lcp::web {

SessionStore::SessionStore(std::chrono::seconds idle, std::chrono::seconds lifetime, Clock clock)
    : idle_(idle), lifetime_(lifetime), clock_(std::move(clock)) {}

std::string SessionStore::Start(std::string principal_id, std::optional<std::string> token_sha256) {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (const unsigned char byte : bytes) {
    id += kHex[byte >> 4];
    id += kHex[byte & 0xf];
  }
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  auto least_recent = [&](auto&& counts) {
    auto oldest = sessions_.end();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (counts(it->second) &&
          (oldest == sessions_.end() || it->second.last_used < oldest->second.last_used)) {
        oldest = it;
      }
    }
    return oldest;
  };
  const auto own = [&](const Session& session) { return session.principal_id == principal_id; };
  const auto count = static_cast<std::size_t>(std::count_if(
      sessions_.begin(), sessions_.end(), [&](const auto& s) { return own(s.second); }));
  if (count >= kSessionsPerPrincipalMax) sessions_.erase(least_recent(own));
  if (sessions_.size() >= kSessionsMax)
    sessions_.erase(least_recent([](const Session&) { return true; }));
  sessions_[id] = Session{std::move(principal_id), std::move(token_sha256), now, now};
  return id;
}

std::optional<Session> SessionStore::Use(std::string_view id) {
  const auto now = clock_();
  std::lock_guard lock(mutex_);
  const auto found = sessions_.find(id);
  if (found == sessions_.end()) return std::nullopt;
  Session& session = found->second;
  if (now - session.last_used > idle_ || now - session.started > lifetime_) {
    sessions_.erase(found);
    return std::nullopt;
  }
  session.last_used = now;
  return session;
}

void SessionStore::End(std::string_view id) {
  std::lock_guard lock(mutex_);
  if (const auto found = sessions_.find(id); found != sessions_.end()) sessions_.erase(found);
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace lcp::web

// The web view's sign-in sessions. A person signs in once with a token (or a client certificate);
// the server keeps a session and gives the browser only its random id, in an HttpOnly cookie, so
// the token never reaches the page's script. A session remembers which principal signed in and
// the SHA-256 of the token it used, never the token, and ends when it has been idle too long, has
// lived too long, is signed out, or (checked at each request by Authenticator::Reauthenticate) its
// principal was revoked or given a new token.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace lcp::web {

struct Session {
  std::string principal_id;
  // The SHA-256 of the token it signed in with, or nullopt when it signed in by client certificate.
  std::optional<std::string> token_sha256;
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point last_used;
};

class SessionStore {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  // The most sessions one principal keeps at once (its browsers and devices); beyond it, its least
  // recently used ends, so that nobody can sign others out by signing in again and again.
  static constexpr std::size_t kSessionsPerPrincipalMax = 20;
  // The most sessions kept at once, whoever they are; beyond it the least recently used ends.
  static constexpr std::size_t kSessionsMax = 10'000;

  SessionStore(std::chrono::seconds idle, std::chrono::seconds lifetime, Clock clock);

  // Starts a session; returns its id (64 hexadecimal digits from OpenSSL's random generator), or ""
  // if the generator fails.
  std::string Start(std::string principal_id, std::optional<std::string> token_sha256);
  // The live session `id` names, marking it used now; nullopt (and the session forgotten) when it
  // is unknown, idle longer than `idle` or older than `lifetime`.
  std::optional<Session> Use(std::string_view id);
  void End(std::string_view id);
  std::size_t size() const;

 private:
  const std::chrono::seconds idle_;
  const std::chrono::seconds lifetime_;
  const Clock clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Session, std::less<>> sessions_;  // GUARDED_BY(mutex_)
};

}  // namespace lcp::web

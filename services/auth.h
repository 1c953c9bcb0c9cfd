// Who is calling. The principals file lists who may call a server with TLS: each principal's id, role,
// practice (for PRACTICE) and the SHA-256 of its bearer token (tokens themselves are never stored).
// The Authenticator names the actor of each call from its bearer token or client certificate, or
// refuses it with UNAUTHENTICATED. A server without TLS (--insecure) has no principals: every caller
// is the local administrator.
#pragma once

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/status.h"

namespace lcp {

// Tokens are "lcp_" and 64 lower-case hexadecimal digits: 256 bits from OpenSSL's random generator.
inline constexpr std::string_view kTokenPrefix = "lcp_";
inline constexpr std::size_t kTokenLength = 4 + 64;
// The id of the local administrator of an --insecure server.
inline constexpr std::string_view kLocalAdminId = "local-admin";

// The whole of the regular file at `path` (at most 16 MiB), or nullopt with `error` set ("cannot read
// PATH: ...", "PATH is not a regular file").
std::optional<std::string> ReadRegularFile(const std::string& path, std::string* error);

// A new token. Returns "" if the random generator fails.
std::string NewToken();
// The SHA-256 of `token`, as 64 lower-case hexadecimal digits: what the principals file stores.
std::string TokenHash(std::string_view token);
// Whether `token` has the shape of a token this server issues.
bool IsWellFormedToken(std::string_view token);

struct Principal {
  v1::Actor actor;           // Its id, role and (for PRACTICE) practice.
  std::string token_sha256;  // 64 hexadecimal digits, or "" when it authenticates only by certificate.
};

class Principals {
 public:
  // Parses a principals file (the format is in docs/server.md, "Principals"): the whole file or
  // nothing. On failure returns nullopt and sets `error` to "line N: what is wrong".
  static std::optional<Principals> Parse(std::string_view text, std::string* error);
  // Reads and parses `path`.
  static std::optional<Principals> Load(const std::string& path, std::string* error);

  const Principal* ByTokenHash(std::string_view hash) const;
  const Principal* ById(std::string_view id) const;
  const std::vector<Principal>& all() const { return all_; }

  // The file's line for `principal`.
  static std::string Line(const Principal& principal);

 private:
  std::vector<Principal> all_;
  std::map<std::string, std::size_t, std::less<>> by_hash_;
  std::map<std::string, std::size_t, std::less<>> by_id_;
};

// The text a new principals file starts with: what each field is.
extern const std::string_view kPrincipalsFileHeader;

// Adds a principal to the principals file at `path` (creating it, mode 0600), replacing the file
// atomically (a new file renamed over it, the directory synced) while holding an exclusive lock on
// `path`.lock, so that concurrent adds and revokes never lose one another's changes. Returns its token (empty for a certificate-only principal) or, with an empty token and
// `error` set, why nothing was added.
struct AddedPrincipal {
  bool ok = false;
  std::string token;
  std::string error;
};
AddedPrincipal AddPrincipal(const std::string& path, const v1::Actor& actor, bool certificate_only);
// Removes principal `id` from the file. Returns "" or why nothing was removed.
std::string RevokePrincipal(const std::string& path, const std::string& id);

// What a call presents: the "authorization" metadata, and the common name of its verified client
// certificate.
struct Credentials {
  std::optional<std::string> authorization;
  std::optional<std::string> certificate_name;
  // The metadata "lcp-acting-as": on an insecure server only, a name for the local administrator, so
  // that the rules that tell principals apart (a contract's approver is not its proposer) can be tried
  // on a test server. The actor becomes "local-admin/<name>", still with role LOCAL_ADMIN.
  std::optional<std::string> acting_as;
};

// The metadata key of Credentials::acting_as.
inline constexpr std::string_view kActingAsMetadataKey = "lcp-acting-as";

class Authenticator {
 public:
  // Every call is the local administrator (a server started with --insecure).
  static std::unique_ptr<Authenticator> Insecure();
  // Calls must present a token from `principals`, or with `client_certificates` a verified client
  // certificate whose common name is a principal's id (and, if they also send a token, that
  // principal's token).
  static std::unique_ptr<Authenticator> WithPrincipals(std::shared_ptr<const Principals> principals,
                                                       bool client_certificates);

  // Takes a re-read principals file into use and counts a new generation. Unary calls already
  // authenticated finish as they began; follow streams check again before their next entry.
  void Replace(std::shared_ptr<const Principals> principals);
  bool insecure() const { return insecure_; }
  // How many times Replace has been called.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // What the call presents (nothing in insecure mode).
  Credentials CredentialsOf(const grpc::ServerContextBase& context) const;
  // The actor of a call, or UNAUTHENTICATED.
  Result<v1::Actor> Authenticate(const grpc::ServerContextBase& context) const;
  Result<v1::Actor> Authenticate(const Credentials& credentials) const;
  // The same from its parts: the value of the "authorization" metadata (nullopt if absent) and the
  // common name of the verified client certificate (nullopt if none).
  Result<v1::Actor> Authenticate(std::optional<std::string_view> authorization,
                                 std::optional<std::string_view> certificate_name) const;
  // The actor of a web session again, at each of its requests (services/web/sessions.h): the
  // principal `principal_id` it signed in as, if the principals file in force still lists it with
  // the token whose SHA-256 is `token_sha256` (nullopt for a session signed in by client
  // certificate, whose connection the web server checks presents the same one). So a principal
  // revoked, or given a new token, by a re-read file (SIGHUP) ends its sessions. On an insecure
  // server, the local administrator.
  Result<v1::Actor> Reauthenticate(std::string_view principal_id,
                                   std::optional<std::string_view> token_sha256) const;

 private:
  Authenticator(bool insecure, std::shared_ptr<const Principals> principals,
                bool client_certificates);
  std::shared_ptr<const Principals> principals() const;

  const bool insecure_;
  const bool client_certificates_;
  std::atomic<std::uint64_t> generation_{0};
  mutable std::mutex mutex_;
  std::shared_ptr<const Principals> principals_;  // GUARDED_BY(mutex_)
};

}  // namespace lcp

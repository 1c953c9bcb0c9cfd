#include "services/auth.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ledger/base/accounts.h"
#include "ledger/base/text.h"
#include "ledger/engine/journal.h"
#include "ledger/rules/permissions.h"

namespace lcp {
namespace {

constexpr std::string_view kHexDigits = "0123456789abcdef";

std::string Hex(const unsigned char* bytes, std::size_t size) {
  std::string hex;
  hex.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    hex += kHexDigits[bytes[i] >> 4];
    hex += kHexDigits[bytes[i] & 0xF];
  }
  return hex;
}

bool IsLowerHex(std::string_view text, std::size_t length) {
  return text.size() == length &&
         text.find_first_not_of(kHexDigits) == std::string_view::npos;
}

Status Unauthenticated(const std::string& message) {
  return Status::Error(v1::ERROR_CODE_UNAUTHENTICATED, message);
}

std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t at = 0;
  while (true) {
    at = line.find_first_not_of(" \t", at);
    if (at == std::string_view::npos) break;
    const std::size_t end = std::min(line.find_first_of(" \t", at), line.size());
    fields.push_back(line.substr(at, end - at));
    at = end;
  }
  return fields;
}

// Writes `text` to `path` through a new temporary file in the same directory (mode 0600), synced and
// renamed over it, then syncs the directory: readers see the old file or the new one, never a part,
// and the new one survives a crash once this returns "". Returns "" or what failed.
std::string WriteAtomically(const std::string& path, const std::string& text) {
  std::string temporary = path + ".XXXXXX";
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) return "cannot create a temporary file beside " + path + ": " + std::strerror(errno);
  auto fail = [&](const std::string& what) {
    const std::string reason = std::strerror(errno);
    ::close(fd);
    ::unlink(temporary.c_str());
    return what + ": " + reason;
  };
  if (::fchmod(fd, 0600) != 0) return fail("cannot set the mode of " + temporary);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("cannot write " + temporary);
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot sync " + temporary);
  if (::close(fd) != 0) {
    ::unlink(temporary.c_str());
    return "cannot close " + temporary;
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    return "cannot replace " + path + ": " + reason;
  }
  const std::string directory = std::filesystem::path(path).parent_path().string();
  const int dir_fd = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return "";
}

// An exclusive lock on `path`.lock for a read-modify-write of the principals file; released when it
// goes out of scope.
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    fd_ = ::open((path + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (fd_ < 0) error_ = "cannot lock " + path + ".lock: " + std::strerror(errno);
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // Closing releases the lock.
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  std::string error_;
};

// What is wrong with `id` as a principal's id, or "".
std::string IdProblem(const std::string& id) {
  if (!IsPrintableAsciiToken(id, kPrincipalIdLengthMax) || id.starts_with('#')) {
    return "the id " + Quoted(id) +
           " is not 1 to 128 printable ASCII characters without spaces, not starting with #";
  }
  if (id == kLocalAdminId) {
    return "the id \"local-admin\" is reserved for the local administrator of an insecure server";
  }
  return "";
}

// The file's text; "" with `missing` set when it does not exist (and `missing` is given).
std::optional<std::string> ReadFile(const std::string& path, bool* missing, std::string* error) {
  struct stat info;
  if (missing != nullptr && ::stat(path.c_str(), &info) != 0 && errno == ENOENT) {
    *missing = true;
    return std::string();
  }
  return ReadRegularFile(path, error);
}

}  // namespace

std::optional<std::string> ReadRegularFile(const std::string& path, std::string* error) {
  constexpr std::uintmax_t kFileBytesMax = 16 * 1024 * 1024;
  std::error_code code;
  const std::filesystem::file_status status = std::filesystem::status(path, code);
  if (code) {
    *error = "cannot read " + path + ": " + code.message();
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(status)) {
    *error = path + " is not a regular file";
    return std::nullopt;
  }
  const std::uintmax_t size = std::filesystem::file_size(path, code);
  if (code || size > kFileBytesMax) {
    *error = "cannot read " + path + (code ? ": " + code.message() : ": larger than 16 MiB");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    *error = "cannot read " + path;
    return std::nullopt;
  }
  return text.str();
}

const std::string_view kPrincipalsFileHeader =
    "# lcpledger principals: one per line, four fields separated by spaces:\n"
    "#   id  role  practice  token-sha256\n"
    "# role is ADMIN, LCP_FINANCE, PCT_FINANCE, PRACTICE or AUDITOR; practice is the ODS code for\n"
    "# PRACTICE and - otherwise; token-sha256 is the SHA-256 of the principal's token in hexadecimal,\n"
    "# or - for a principal that signs in only with a client certificate whose common name is its id.\n"
    "# Delete a principal's line and send lcp-ledgerd SIGHUP to revoke it.\n";

std::string NewToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
  return std::string(kTokenPrefix) + Hex(bytes, sizeof bytes);
}

std::string TokenHash(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(token.data(), token.size(), digest, &size, EVP_sha256(), nullptr);
  return Hex(digest, size);
}

bool IsWellFormedToken(std::string_view token) {
  return token.size() == kTokenLength && token.starts_with(kTokenPrefix) &&
         IsLowerHex(token.substr(kTokenPrefix.size()), kTokenLength - kTokenPrefix.size());
}

std::optional<Principals> Principals::Parse(std::string_view text, std::string* error) {
  Principals principals;
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const std::size_t end = std::min(text.find('\n'), text.size());
    std::string_view line = text.substr(0, end);
    text.remove_prefix(std::min(end + 1, text.size()));
    if (line.ends_with('\r')) line.remove_suffix(1);
    const std::vector<std::string_view> fields = Fields(line);
    if (fields.empty() || fields[0].starts_with('#')) continue;
    auto fail = [&](const std::string& what) {
      *error = "line " + std::to_string(line_number) + ": " + what;
      return std::nullopt;
    };
    if (fields.size() != 4) {
      return fail("expected 4 fields (id role practice token-sha256), found " +
                  std::to_string(fields.size()));
    }
    Principal principal;
    const std::string id(fields[0]);
    if (std::string problem = IdProblem(id); !problem.empty()) return fail(problem);
    const v1::Role role = RoleNamed(fields[1]);
    const RoleRights* rights = RightsOf(role);
    if (rights == nullptr || !rights->grantable) {
      return fail("the role " + Quoted(fields[1]) +
                  " is not ADMIN, LCP_FINANCE, PCT_FINANCE, PRACTICE or AUDITOR");
    }
    const std::string practice = fields[2] == "-" ? "" : std::string(fields[2]);
    if (role == v1::ROLE_PRACTICE && !IsOdsPracticeCode(practice)) {
      return fail("a PRACTICE principal needs its practice's ODS code (like A81001), not " +
                  Quoted(fields[2]));
    }
    if (role != v1::ROLE_PRACTICE && !practice.empty()) {
      return fail("only a PRACTICE principal names a practice; write - for role " +
                  std::string(fields[1]));
    }
    const std::string hash = fields[3] == "-" ? "" : std::string(fields[3]);
    if (!hash.empty() && !IsLowerHex(hash, 64)) {
      return fail("the token hash is not 64 lower-case hexadecimal digits (or -)");
    }
    if (principals.by_id_.contains(id)) return fail("principal " + Quoted(id) + " is listed twice");
    if (!hash.empty() && principals.by_hash_.contains(hash)) {
      return fail("the token hash of " + Quoted(id) + " is another principal's too");
    }
    principal.actor.set_principal_id(id);
    principal.actor.set_role(role);
    principal.actor.set_practice_ods_code(practice);
    principal.token_sha256 = hash;
    const std::size_t index = principals.all_.size();
    principals.by_id_.emplace(id, index);
    if (!hash.empty()) principals.by_hash_.emplace(hash, index);
    principals.all_.push_back(std::move(principal));
  }
  return principals;
}

std::optional<Principals> Principals::Load(const std::string& path, std::string* error) {
  std::optional<std::string> text = ReadFile(path, nullptr, error);
  if (!text) return std::nullopt;
  std::string parse_error;
  std::optional<Principals> principals = Parse(*text, &parse_error);
  if (!principals) *error = path + ": " + parse_error;
  return principals;
}

const Principal* Principals::ByTokenHash(std::string_view hash) const {
  auto it = by_hash_.find(hash);
  return it == by_hash_.end() ? nullptr : &all_[it->second];
}

const Principal* Principals::ById(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &all_[it->second];
}

std::string Principals::Line(const Principal& principal) {
  const v1::Actor& actor = principal.actor;
  return actor.principal_id() + " " + RoleName(actor.role()) + " " +
         (actor.practice_ods_code().empty() ? "-" : actor.practice_ods_code()) + " " +
         (principal.token_sha256.empty() ? "-" : principal.token_sha256) + "\n";
}

AddedPrincipal AddPrincipal(const std::string& path, const v1::Actor& actor, bool certificate_only) {
  AddedPrincipal added;
  if (std::string problem = IdProblem(actor.principal_id()); !problem.empty()) {
    added.error = problem;
    return added;
  }
  FileLock lock(path);
  if (!lock.error().empty()) {
    added.error = lock.error();
    return added;
  }
  bool missing = false;
  std::optional<std::string> text = ReadFile(path, &missing, &added.error);
  if (!text) return added;
  if (missing) *text = std::string(kPrincipalsFileHeader);
  if (!text->empty() && !text->ends_with('\n')) *text += '\n';
  std::string parse_error;
  std::optional<Principals> existing = Principals::Parse(*text, &parse_error);
  if (!existing) {
    added.error = path + " is not a valid principals file (" + parse_error + "); fix it first";
    return added;
  }
  if (existing->ById(actor.principal_id()) != nullptr) {
    added.error = "there is a principal " + Quoted(actor.principal_id()) +
                  " already; revoke it first to replace it";
    return added;
  }
  Principal principal;
  principal.actor = actor;
  if (!certificate_only) {
    added.token = NewToken();
    if (added.token.empty()) {
      added.error = "the random generator failed; no principal was added";
      return added;
    }
    principal.token_sha256 = TokenHash(added.token);
  }
  // The new file must parse as a whole, which checks the new line's id, role and practice.
  const std::string updated = *text + Principals::Line(principal);
  if (!Principals::Parse(updated, &parse_error)) {
    added.error = parse_error.substr(parse_error.find(": ") + 2);
    added.token.clear();
    return added;
  }
  added.error = WriteAtomically(path, updated);
  if (!added.error.empty()) {
    added.token.clear();
    return added;
  }
  added.ok = true;
  return added;
}

std::string RevokePrincipal(const std::string& path, const std::string& id) {
  FileLock lock(path);
  if (!lock.error().empty()) return lock.error();
  std::string error;
  std::optional<std::string> text = ReadFile(path, nullptr, &error);
  if (!text) return error;
  std::string parse_error;
  std::optional<Principals> principals = Principals::Parse(*text, &parse_error);
  if (!principals) return path + " is not a valid principals file (" + parse_error + "); fix it first";
  if (principals->ById(id) == nullptr) return "no principal " + Quoted(id) + " in " + path;
  std::string kept;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const std::size_t end = std::min(rest.find('\n'), rest.size());
    const std::string_view line = rest.substr(0, std::min(end + 1, rest.size()));
    rest.remove_prefix(line.size());
    const std::vector<std::string_view> fields = Fields(line.substr(0, end));
    if (!fields.empty() && !fields[0].starts_with('#') && fields[0] == id) continue;
    kept += line;
  }
  return WriteAtomically(path, kept);
}

Authenticator::Authenticator(bool insecure, std::shared_ptr<const Principals> principals,
                             bool client_certificates)
    : insecure_(insecure),
      client_certificates_(client_certificates),
      principals_(std::move(principals)) {}

std::unique_ptr<Authenticator> Authenticator::Insecure() {
  return std::unique_ptr<Authenticator>(new Authenticator(true, nullptr, false));
}

std::unique_ptr<Authenticator> Authenticator::WithPrincipals(
    std::shared_ptr<const Principals> principals, bool client_certificates) {
  return std::unique_ptr<Authenticator>(
      new Authenticator(false, std::move(principals), client_certificates));
}

void Authenticator::Replace(std::shared_ptr<const Principals> principals) {
  std::lock_guard lock(mutex_);
  principals_ = std::move(principals);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

std::shared_ptr<const Principals> Authenticator::principals() const {
  std::lock_guard lock(mutex_);
  return principals_;
}

Credentials Authenticator::CredentialsOf(const grpc::ServerContextBase& context) const {
  Credentials credentials;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find(std::string(kActingAsMetadataKey)); it != metadata.end()) {
    credentials.acting_as.emplace(it->second.data(), it->second.size());
  }
  if (insecure_) return credentials;
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    credentials.authorization.emplace(it->second.data(), it->second.size());
  }
  if (client_certificates_) {
    std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
    if (auth != nullptr && auth->IsPeerAuthenticated()) {
      std::vector<grpc::string_ref> names = auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME);
      if (!names.empty()) credentials.certificate_name.emplace(names.front().data(), names.front().size());
    }
  }
  return credentials;
}

Result<v1::Actor> Authenticator::Authenticate(const grpc::ServerContextBase& context) const {
  return Authenticate(CredentialsOf(context));
}

Result<v1::Actor> Authenticator::Authenticate(const Credentials& credentials) const {
  std::optional<std::string_view> authorization;
  std::optional<std::string_view> certificate_name;
  if (credentials.authorization) authorization = *credentials.authorization;
  if (credentials.certificate_name) certificate_name = *credentials.certificate_name;
  if (credentials.acting_as) {
    if (!insecure_) {
      return Unauthenticated(
          "the metadata \"lcp-acting-as\" names who acts on a server started with --insecure "
          "only; here the caller is the principal its token names (leave --as out)");
    }
    const std::string& name = *credentials.acting_as;
    const bool valid = !name.empty() && name.size() <= 64 &&
                       std::all_of(name.begin(), name.end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) || c == '.' ||
                                c == '-' || c == '_' || c == '@';
                       });
    if (!valid) {
      return Unauthenticated("the name in \"lcp-acting-as\" must be 1 to 64 letters, digits, "
                             "\".\", \"-\", \"_\" and \"@\"");
    }
    v1::Actor actor;
    actor.set_principal_id(std::string(kLocalAdminId) + "/" + name);
    actor.set_role(v1::ROLE_LOCAL_ADMIN);
    return actor;
  }
  return Authenticate(authorization, certificate_name);
}

Result<v1::Actor> Authenticator::Reauthenticate(
    std::string_view principal_id, std::optional<std::string_view> token_sha256) const {
  if (insecure_) return Authenticate(std::nullopt, std::nullopt);
  // Held for as long as `principal` points into it: a SIGHUP may replace the file meanwhile.
  const std::shared_ptr<const Principals> in_force = principals();
  const Principal* principal = in_force->ById(principal_id);
  if (principal == nullptr || (token_sha256 && principal->token_sha256 != *token_sha256)) {
    return Unauthenticated("the session's principal " + Quoted(principal_id) +
                           " was revoked or given a new token; sign in again");
  }
  return principal->actor;
}

Result<v1::Actor> Authenticator::Authenticate(
    std::optional<std::string_view> authorization,
    std::optional<std::string_view> certificate_name) const {
  if (insecure_) {
    v1::Actor actor;
    actor.set_principal_id(std::string(kLocalAdminId));
    actor.set_role(v1::ROLE_LOCAL_ADMIN);
    return actor;
  }
  std::shared_ptr<const Principals> principals = this->principals();
  const Principal* by_certificate = nullptr;
  if (certificate_name) {
    by_certificate = principals->ById(*certificate_name);
    if (by_certificate == nullptr) {
      return Unauthenticated("the client certificate's common name " + Quoted(*certificate_name) +
                             " is not a principal of this server; ask the ledger administrator to "
                             "add it");
    }
  }
  if (!authorization) {
    if (by_certificate != nullptr) return by_certificate->actor;
    return Unauthenticated(
        "the call carries no credentials: send the metadata \"authorization: Bearer <token>\" "
        "(lcp --token-file FILE, or LCP_TOKEN)");
  }
  // RFC 6750: the scheme is case-insensitive, then one space, then the token.
  constexpr std::string_view kScheme = "bearer ";
  std::string_view value = *authorization;
  bool bearer = value.size() > kScheme.size();
  for (std::size_t i = 0; bearer && i < kScheme.size(); ++i) {
    bearer = std::tolower(static_cast<unsigned char>(value[i])) == kScheme[i];
  }
  if (!bearer) {
    return Unauthenticated("the authorization metadata is not \"Bearer <token>\"");
  }
  const std::string_view token = value.substr(kScheme.size());
  if (!IsWellFormedToken(token)) {
    return Unauthenticated("the bearer token is malformed: a token is \"lcp_\" and 64 lower-case "
                           "hexadecimal digits, as lcp-ledgerd principal add printed it");
  }
  const Principal* by_token = principals->ByTokenHash(TokenHash(token));
  if (by_token == nullptr) {
    return Unauthenticated("the bearer token is not recognised: it was revoked or never issued "
                           "by this server; ask the ledger administrator for a token");
  }
  if (by_certificate != nullptr && by_certificate != by_token) {
    return Unauthenticated("the bearer token and the client certificate belong to different "
                           "principals; send one principal's credentials");
  }
  return by_token->actor;
}

}  // namespace lcp

// Principals files, tokens and the Authenticator: what is accepted, and the exact refusal for each
// way a credential can be wrong.
#include "services/auth.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "tests/service_fixture.h"

namespace lcp {
namespace {

using testing::TempDir;

std::string Token(char digit) { return "lcp_" + std::string(64, digit); }

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Tokens, ShapeAndHash) {
  // SHA-256 test vector (FIPS 180-2): the hash is of the token's bytes, in lower-case hex.
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string a = NewToken();
  const std::string b = NewToken();
  EXPECT_TRUE(IsWellFormedToken(a)) << a;
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 68u);
  EXPECT_TRUE(IsWellFormedToken(Token('0')));
  EXPECT_FALSE(IsWellFormedToken(Token('A')));                  // Upper case.
  EXPECT_FALSE(IsWellFormedToken("lcp_" + std::string(63, '0')));  // Short.
  EXPECT_FALSE(IsWellFormedToken("abc_" + std::string(64, '0')));  // Prefix.
  EXPECT_FALSE(IsWellFormedToken(""));
}

TEST(PrincipalsFile, ParsesCommentsBlankLinesAndCrLf) {
  const std::string text = std::string(kPrincipalsFileHeader) + "\n" +
                           "finance.officer@lcp LCP_FINANCE - " + TokenHash(Token('1')) + "\r\n" +
                           "  riverside@A81001\tPRACTICE A81001 " + TokenHash(Token('2')) + "\n" +
                           "audit@nao AUDITOR - -";  // No final newline; certificate only.
  std::string error;
  std::optional<Principals> principals = Principals::Parse(text, &error);
  ASSERT_TRUE(principals) << error;
  ASSERT_EQ(principals->all().size(), 3u);
  const Principal* practice = principals->ByTokenHash(TokenHash(Token('2')));
  ASSERT_NE(practice, nullptr);
  EXPECT_EQ(practice->actor.principal_id(), "riverside@A81001");
  EXPECT_EQ(practice->actor.role(), v1::ROLE_PRACTICE);
  EXPECT_EQ(practice->actor.practice_ods_code(), "A81001");
  const Principal* auditor = principals->ById("audit@nao");
  ASSERT_NE(auditor, nullptr);
  EXPECT_EQ(auditor->token_sha256, "");
  EXPECT_EQ(principals->ByTokenHash(TokenHash(Token('3'))), nullptr);
  EXPECT_EQ(Principals::Line(*practice),
            "riverside@A81001 PRACTICE A81001 " + TokenHash(Token('2')) + "\n");
}

TEST(PrincipalsFile, EveryBadLineIsRefusedWithItsNumber) {
  const std::string hash = TokenHash(Token('1'));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"a ADMIN -", "line 2: expected 4 fields (id role practice token-sha256), found 3"},
      {"a ADMIN - " + hash + " extra", "line 2: expected 4 fields (id role practice token-sha256), found 5"},
      {"a ROOT - " + hash, "line 2: the role \"ROOT\" is not ADMIN, LCP_FINANCE, PCT_FINANCE, PRACTICE or AUDITOR"},
      {"a LOCAL_ADMIN - " + hash, "line 2: the role \"LOCAL_ADMIN\" is not ADMIN, LCP_FINANCE, PCT_FINANCE, PRACTICE or AUDITOR"},
      {"a PRACTICE - " + hash, "line 2: a PRACTICE principal needs its practice's ODS code (like A81001), not \"-\""},
      {"a PRACTICE a81001 " + hash, "line 2: a PRACTICE principal needs its practice's ODS code (like A81001), not \"a81001\""},
      {"a AUDITOR A81001 " + hash, "line 2: only a PRACTICE principal names a practice; write - for role AUDITOR"},
      {"a ADMIN - " + hash.substr(1), "line 2: the token hash is not 64 lower-case hexadecimal digits (or -)"},
      {"a ADMIN - " + Token('1'), "line 2: the token hash is not 64 lower-case hexadecimal digits (or -)"},
      {std::string(129, 'x') + " ADMIN - -", "line 2: the id \"" + std::string(48, 'x') + "...\" is not 1 to 128 printable ASCII characters without spaces, not starting with #"},
      {"local-admin ADMIN - -", "line 2: the id \"local-admin\" is reserved for the local administrator of an insecure server"},
      {"dup ADMIN - -", "line 2: principal \"dup\" is listed twice"},
      {"b AUDITOR - " + TokenHash(Token('9')), "line 2: the token hash of \"b\" is another principal's too"},
  };
  for (const auto& [line, message] : cases) {
    SCOPED_TRACE(line);
    const std::string text = "dup LCP_FINANCE - " + TokenHash(Token('9')) + "\n" + line + "\n";
    std::string error;
    EXPECT_FALSE(Principals::Parse(text, &error));
    EXPECT_EQ(error, message);
  }
}

TEST(PrincipalsFile, AddPrintsATokenOnceAndStoresOnlyItsHash) {
  TempDir dir;
  const std::string path = (dir.path() / "principals").string();
  v1::Actor finance;
  finance.set_principal_id("finance.officer@lcp");
  finance.set_role(v1::ROLE_LCP_FINANCE);
  AddedPrincipal added = AddPrincipal(path, finance, false);
  ASSERT_TRUE(added.ok) << added.error;
  EXPECT_TRUE(IsWellFormedToken(added.token));
  const std::string text = ReadAll(path);
  EXPECT_TRUE(text.starts_with(kPrincipalsFileHeader));
  EXPECT_TRUE(text.ends_with("finance.officer@lcp LCP_FINANCE - " + TokenHash(added.token) + "\n"));
  EXPECT_EQ(text.find(added.token), std::string::npos);
  struct stat info;
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  v1::Actor practice;
  practice.set_principal_id("riverside@A81001");
  practice.set_role(v1::ROLE_PRACTICE);
  practice.set_practice_ods_code("A81001");
  AddedPrincipal certificate = AddPrincipal(path, practice, true);
  ASSERT_TRUE(certificate.ok) << certificate.error;
  EXPECT_EQ(certificate.token, "");
  EXPECT_TRUE(ReadAll(path).ends_with("riverside@A81001 PRACTICE A81001 -\n"));

  // Refusals change nothing.
  const std::string before = ReadAll(path);
  AddedPrincipal again = AddPrincipal(path, finance, false);
  EXPECT_FALSE(again.ok);
  EXPECT_EQ(again.token, "");
  EXPECT_EQ(again.error,
            "there is a principal \"finance.officer@lcp\" already; revoke it first to replace it");
  v1::Actor no_practice;
  no_practice.set_principal_id("hillview");
  no_practice.set_role(v1::ROLE_PRACTICE);
  AddedPrincipal refused = AddPrincipal(path, no_practice, false);
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.error,
            "a PRACTICE principal needs its practice's ODS code (like A81001), not \"-\"");
  EXPECT_EQ(ReadAll(path), before);

  // Revoking removes exactly that principal's line.
  EXPECT_EQ(RevokePrincipal(path, "nobody"), "no principal \"nobody\" in " + path);
  EXPECT_EQ(RevokePrincipal(path, "finance.officer@lcp"), "");
  const std::string after = ReadAll(path);
  EXPECT_EQ(after, std::string(kPrincipalsFileHeader) + "riverside@A81001 PRACTICE A81001 -\n");
  std::string error;
  std::optional<Principals> loaded = Principals::Load(path, &error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_EQ(loaded->ByTokenHash(TokenHash(added.token)), nullptr);
  EXPECT_FALSE(Principals::Load((dir.path() / "missing").string(), &error));
  EXPECT_EQ(error, "cannot read " + (dir.path() / "missing").string() + ": No such file or directory");
  EXPECT_FALSE(Principals::Load(dir.path().string(), &error));
  EXPECT_EQ(error, dir.path().string() + " is not a regular file");

  // An id that the file would read as a comment is refused, not added and lost.
  v1::Actor comment;
  comment.set_principal_id("#x");
  comment.set_role(v1::ROLE_AUDITOR);
  AddedPrincipal hidden = AddPrincipal(path, comment, false);
  EXPECT_FALSE(hidden.ok);
  EXPECT_EQ(hidden.error,
            "the id \"#x\" is not 1 to 128 printable ASCII characters without spaces, not "
            "starting with #");
}

// Adds at the same moment each keep their principal: the read-modify-write holds a lock.
TEST(PrincipalsFile, ConcurrentAddsLoseNothing) {
  TempDir dir;
  const std::string path = (dir.path() / "principals").string();
  constexpr int kAdders = 16;
  std::vector<std::thread> adders;
  std::vector<AddedPrincipal> added(kAdders);
  for (int i = 0; i < kAdders; ++i) {
    adders.emplace_back([&, i] {
      v1::Actor actor;
      actor.set_principal_id("auditor-" + std::to_string(i));
      actor.set_role(v1::ROLE_AUDITOR);
      added[static_cast<std::size_t>(i)] = AddPrincipal(path, actor, false);
    });
  }
  for (std::thread& adder : adders) adder.join();
  std::string error;
  std::optional<Principals> principals = Principals::Load(path, &error);
  ASSERT_TRUE(principals) << error;
  EXPECT_EQ(principals->all().size(), static_cast<std::size_t>(kAdders));
  for (int i = 0; i < kAdders; ++i) {
    ASSERT_TRUE(added[static_cast<std::size_t>(i)].ok) << added[static_cast<std::size_t>(i)].error;
    const Principal* principal = principals->ByTokenHash(TokenHash(added[static_cast<std::size_t>(i)].token));
    ASSERT_NE(principal, nullptr) << i;
    EXPECT_EQ(principal->actor.principal_id(), "auditor-" + std::to_string(i));
  }
  // No temporary file is left beside it.
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 2);  // principals and principals.lock.
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    std::optional<Principals> principals = Principals::Parse(
        "finance LCP_FINANCE - " + TokenHash(Token('1')) + "\n" +
            "riverside PRACTICE A81001 " + TokenHash(Token('2')) + "\n" +
            "certified AUDITOR - -\n",
        &error);
    ASSERT_TRUE(principals) << error;
    authenticator_ = Authenticator::WithPrincipals(
        std::make_shared<const Principals>(std::move(principals).value()), true);
  }

  void ExpectRefused(std::optional<std::string_view> authorization,
                     std::optional<std::string_view> certificate, const std::string& message) {
    Result<v1::Actor> actor = authenticator_->Authenticate(authorization, certificate);
    ASSERT_FALSE(actor.ok());
    EXPECT_EQ(actor.status().code(), v1::ERROR_CODE_UNAUTHENTICATED);
    EXPECT_EQ(actor.status().message(), message);
  }

  std::unique_ptr<Authenticator> authenticator_;
};

TEST_F(AuthenticatorTest, KnownTokensNameTheirPrincipal) {
  const std::string bearer = "Bearer " + Token('2');
  Result<v1::Actor> actor = authenticator_->Authenticate(bearer, std::nullopt);
  ASSERT_TRUE(actor.ok()) << actor.status().ToString();
  EXPECT_EQ(actor->principal_id(), "riverside");
  EXPECT_EQ(actor->role(), v1::ROLE_PRACTICE);
  EXPECT_EQ(actor->practice_ods_code(), "A81001");
  // The scheme is case-insensitive (RFC 6750).
  const std::string lower = "bearer " + Token('1');
  EXPECT_EQ(authenticator_->Authenticate(lower, std::nullopt)->principal_id(), "finance");
  EXPECT_FALSE(authenticator_->insecure());
}

TEST_F(AuthenticatorTest, MissingMalformedAndUnknownTokensAreRefused) {
  ExpectRefused(std::nullopt, std::nullopt,
                "the call carries no credentials: send the metadata \"authorization: Bearer "
                "<token>\" (lcp --token-file FILE, or LCP_TOKEN)");
  const std::string not_bearer = "the authorization metadata is not \"Bearer <token>\"";
  ExpectRefused("", std::nullopt, not_bearer);
  ExpectRefused("Bearer ", std::nullopt, not_bearer);
  ExpectRefused("Basic " + Token('1'), std::nullopt, not_bearer);
  ExpectRefused(Token('1'), std::nullopt, not_bearer);
  const std::string malformed =
      "the bearer token is malformed: a token is \"lcp_\" and 64 lower-case hexadecimal digits, as "
      "lcp-ledgerd principal add printed it";
  ExpectRefused("Bearer  " + Token('1'), std::nullopt, malformed);
  ExpectRefused("Bearer " + Token('1') + "\n", std::nullopt, malformed);
  ExpectRefused("Bearer lcp_123", std::nullopt, malformed);
  ExpectRefused("Bearer " + Token('F'), std::nullopt, malformed);
  ExpectRefused("Bearer " + Token('7'), std::nullopt,
                "the bearer token is not recognised: it was revoked or never issued by this "
                "server; ask the ledger administrator for a token");
}

TEST_F(AuthenticatorTest, ARevokedTokenStopsWorkingOnceTheFileIsReplaced) {
  const std::string bearer = "Bearer " + Token('1');
  ASSERT_TRUE(authenticator_->Authenticate(bearer, std::nullopt).ok());
  std::string error;
  std::optional<Principals> without = Principals::Parse(
      "riverside PRACTICE A81001 " + TokenHash(Token('2')) + "\n", &error);
  ASSERT_TRUE(without) << error;
  authenticator_->Replace(std::make_shared<const Principals>(std::move(without).value()));
  ExpectRefused(bearer, std::nullopt,
                "the bearer token is not recognised: it was revoked or never issued by this "
                "server; ask the ledger administrator for a token");
  EXPECT_TRUE(authenticator_->Authenticate("Bearer " + Token('2'), std::nullopt).ok());
}

TEST_F(AuthenticatorTest, ClientCertificatesNameTheirPrincipal) {
  Result<v1::Actor> actor = authenticator_->Authenticate(std::nullopt, "certified");
  ASSERT_TRUE(actor.ok()) << actor.status().ToString();
  EXPECT_EQ(actor->role(), v1::ROLE_AUDITOR);
  // A certificate and the same principal's token agree.
  EXPECT_EQ(authenticator_->Authenticate("Bearer " + Token('1'), "finance")->principal_id(), "finance");
  ExpectRefused(std::nullopt, "stranger",
                "the client certificate's common name \"stranger\" is not a principal of this "
                "server; ask the ledger administrator to add it");
  ExpectRefused("Bearer " + Token('2'), "finance",
                "the bearer token and the client certificate belong to different principals; send "
                "one principal's credentials");
}

TEST(InsecureAuthenticator, EveryCallerIsTheLocalAdministrator) {
  std::unique_ptr<Authenticator> insecure = Authenticator::Insecure();
  EXPECT_TRUE(insecure->insecure());
  for (std::optional<std::string_view> authorization :
       {std::optional<std::string_view>(), std::optional<std::string_view>("Bearer junk")}) {
    Result<v1::Actor> actor = insecure->Authenticate(authorization, std::nullopt);
    ASSERT_TRUE(actor.ok());
    EXPECT_EQ(actor->principal_id(), "local-admin");
    EXPECT_EQ(actor->role(), v1::ROLE_LOCAL_ADMIN);
    EXPECT_EQ(actor->practice_ods_code(), "");
  }
}

// On an insecure server "lcp-acting-as" names who the local administrator acts as, so that a
// proposer and an approver can differ; the role stays LOCAL_ADMIN.
TEST(InsecureAuthenticator, ActingAsNamesTheLocalAdministrator) {
  std::unique_ptr<Authenticator> insecure = Authenticator::Insecure();
  Credentials credentials;
  credentials.acting_as = "pct.finance@pct";
  Result<v1::Actor> actor = insecure->Authenticate(credentials);
  ASSERT_TRUE(actor.ok());
  EXPECT_EQ(actor->principal_id(), "local-admin/pct.finance@pct");
  EXPECT_EQ(actor->role(), v1::ROLE_LOCAL_ADMIN);
  for (const std::string& bad : std::vector<std::string>{"", "two words", std::string(65, 'a'), "new\nline"}) {
    credentials.acting_as = bad;
    Result<v1::Actor> refused = insecure->Authenticate(credentials);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_UNAUTHENTICATED);
  }
}

}  // namespace
}  // namespace lcp

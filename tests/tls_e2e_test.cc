// End to end over TLS: the real lcp-ledgerd and lcp with certificates made during the test by
// scripts/dev-certs (OpenSSL). A finance officer, a practice and an auditor each with their own token;
// a client that does not trust the server's certificate; a token revoked by SIGHUP; mutual TLS; and
// the start-up refusals that keep the server off the network without TLS.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/process.h"
#include "tests/service_fixture.h"

namespace lcp {
namespace {


using testing::RunResult;
using testing::ServerProcess;
using testing::TempDir;

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certs_ = dir_.path() / "certs";
    RunResult made = testing::Run("/bin/bash", {LCP_SOURCE_DIR "/scripts/dev-certs", certs_.string(),
                                       "finance.officer@lcp", "stranger"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    // A second, unrelated CA: a client that trusts only it does not trust the server.
    RunResult other = testing::Run("/bin/bash", {LCP_SOURCE_DIR "/scripts/dev-certs",
                                        (dir_.path() / "other").string()});
    ASSERT_EQ(other.exit_code, 0) << other.err;
    principals_ = (dir_.path() / "principals").string();
    for (const auto& [id, role] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"admin@lcp", {"--role", "ADMIN"}},
             {"finance.officer@lcp", {"--role", "LCP_FINANCE"}},
             {"riverside@A81001", {"--role", "PRACTICE", "--practice", "A81001"}},
             {"auditor@nao", {"--role", "AUDITOR"}}}) {
      std::vector<std::string> args = {"principal", "add", "--principals", principals_, "--id", id};
      args.insert(args.end(), role.begin(), role.end());
      RunResult added = testing::Run(LCP_LEDGERD_PATH, args);
      ASSERT_EQ(added.exit_code, 0) << added.err;
      EXPECT_NE(added.err.find("its token, shown this once"), std::string::npos) << added.err;
      const std::string token = added.out.substr(0, added.out.find('\n'));
      ASSERT_EQ(token.size(), 68u) << added.out;
      const auto file = dir_.path() / (id + ".token");
      std::ofstream(file) << token << "\n";
      token_files_[id] = file.string();
      tokens_[id] = token;
    }
  }

  std::vector<std::string> TlsArgs(bool client_ca = false) const {
    std::vector<std::string> args = {"--tls-cert", (certs_ / "server.pem").string(), "--tls-key",
                                     (certs_ / "server.key").string(), "--principals", principals_};
    if (client_ca) {
      args.push_back("--client-ca");
      args.push_back((certs_ / "ca.pem").string());
    }
    return args;
  }

  // lcp as `id` (by its token file), trusting the test CA.
  RunResult Lcp(const ServerProcess& server, const std::string& id, std::vector<std::string> args) {
    std::vector<std::string> full = {"--server", server.address(), "--ca-cert",
                                     (certs_ / "ca.pem").string()};
    if (!id.empty()) {
      full.push_back("--token-file");
      full.push_back(token_files_.at(id));
    }
    full.insert(full.end(), args.begin(), args.end());
    return testing::Run(LCP_CLI_PATH, full);
  }

  TempDir dir_;
  std::filesystem::path certs_;
  std::string principals_;
  std::map<std::string, std::string> token_files_;
  std::map<std::string, std::string> tokens_;
};

TEST_F(TlsTest, TheFileKeepsOnlyHashesOfTheTokens) {
  const std::string text = ReadAll(principals_);
  for (const auto& [id, token] : tokens_) {
    EXPECT_EQ(text.find(token), std::string::npos) << id;
    EXPECT_NE(text.find(id + " "), std::string::npos) << id;
  }
  RunResult list = testing::Run(LCP_LEDGERD_PATH, {"principal", "list", "--principals", principals_});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_EQ(list.out,
            "id                               role         practice  signs in with\n"
            "admin@lcp                        ADMIN        -         token\n"
            "finance.officer@lcp              LCP_FINANCE  -         token\n"
            "riverside@A81001                 PRACTICE     A81001    token\n"
            "auditor@nao                      AUDITOR      -         token\n");
}

TEST_F(TlsTest, FinanceOfficerPracticeAndAuditorEachWithTheirOwnToken) {
  ServerProcess server(LCP_LEDGERD_PATH, dir_.path() / "data", TlsArgs());
  ASSERT_TRUE(server.started()) << server.Log();
  EXPECT_NE(server.Log().find("TLS on; 4 principals from " + principals_), std::string::npos)
      << server.Log();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"practice", "add", "A81001", "Riverside Medical Centre"},
        {"practice", "add", "A81002", "Hillview Surgery"},
        {"year", "open", "2026/27", "PRESCRIBING"}}) {
    RunResult result = Lcp(server, "admin@lcp", args);
    ASSERT_EQ(result.exit_code, 0) << result.err;
  }
  RunResult posted = Lcp(server, "finance.officer@lcp",
                         {"journal", "post", "--year", "2026/27", "--month", "M01", "--narrative",
                          "Prescribing invoices", "practice:A81001:spend:PRESCRIBING=1200000",
                          "practice:A81002:spend:PRESCRIBING=950000", "lcp:cash=-2150000", "--key",
                          "prescribing-2026-04"});
  ASSERT_EQ(posted.exit_code, 0) << posted.err;
  EXPECT_NE(posted.out.find("accepted: entry 4"), std::string::npos) << posted.out;

  // The practice reads its own figures and the LCP-wide ones, nothing else.
  RunResult own = Lcp(server, "riverside@A81001", {"balances"});
  ASSERT_EQ(own.exit_code, 0) << own.err;
  EXPECT_EQ(own.out,
            "as of entry 4\n"
            "year      account                                       balance\n"
            "2026/27   lcp:cash                                  -2150000.00\n"
            "2026/27   practice:A81001:spend:PRESCRIBING          1200000.00\n");
  RunResult other = Lcp(server, "riverside@A81001", {"balances", "--prefix", "practice:A81002:"});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_NE(other.err.find("lcp: refused: ERROR_CODE_PERMISSION_DENIED: role PRACTICE (practice "
                           "A81001) may read only accounts under"),
            std::string::npos)
      << other.err;
  RunResult journal = Lcp(server, "riverside@A81001", {"entries"});
  EXPECT_EQ(journal.exit_code, 1);
  RunResult practice_posts = Lcp(server, "riverside@A81001",
                                 {"journal", "post", "--year", "2026/27", "--month", "M01",
                                  "--narrative", "x", "lcp:cash=1", "pct:funding=-1"});
  EXPECT_EQ(practice_posts.exit_code, 1);
  EXPECT_NE(practice_posts.err.find("ERROR_CODE_PERMISSION_DENIED: role PRACTICE may not post a "
                                    "journal; ask a principal with role LCP_FINANCE"),
            std::string::npos)
      << practice_posts.err;

  // The auditor reads the journal, which names who did what, and may post nothing.
  RunResult entries = Lcp(server, "auditor@nao", {"--output", "json", "entry", "4"});
  ASSERT_EQ(entries.exit_code, 0) << entries.err;
  EXPECT_NE(entries.out.find("\"principalId\":\"finance.officer@lcp\",\"role\":\"ROLE_LCP_FINANCE\""),
            std::string::npos)
      << entries.out;
  RunResult auditor_posts = Lcp(server, "auditor@nao", {"practice", "add", "A81003", "Park Lane"});
  EXPECT_EQ(auditor_posts.exit_code, 1);
  EXPECT_NE(auditor_posts.err.find("ERROR_CODE_PERMISSION_DENIED: role AUDITOR may not submit "
                                   "commands: it reads only; nothing was posted"),
            std::string::npos)
      << auditor_posts.err;
  RunResult head = Lcp(server, "auditor@nao", {"head"});
  EXPECT_NE(head.out.find("entry 4\nhash  "), std::string::npos) << head.out;

  // Without a token: UNAUTHENTICATED, exit 1.
  RunResult anonymous = Lcp(server, "", {"head"});
  EXPECT_EQ(anonymous.exit_code, 1);
  EXPECT_NE(anonymous.err.find("lcp: refused: ERROR_CODE_UNAUTHENTICATED: the call carries no "
                               "credentials"),
            std::string::npos)
      << anonymous.err;
  // LCP_TOKEN works as well as --token-file: lcp run through env(1).
  RunResult by_env = testing::Run("/usr/bin/env", {"LCP_TOKEN=" + tokens_.at("auditor@nao"), LCP_CLI_PATH,
                                          "--server", server.address(), "--ca-cert",
                                          (certs_ / "ca.pem").string(), "head"});
  EXPECT_EQ(by_env.exit_code, 0) << by_env.err;
  // A token is never sent without TLS.
  RunResult plain = testing::Run(LCP_CLI_PATH, {"--server", server.address(), "--token-file",
                                       token_files_.at("auditor@nao"), "head"});
  EXPECT_EQ(plain.exit_code, 2);
  EXPECT_NE(plain.err.find("lcp: a token is sent only over TLS"), std::string::npos) << plain.err;
}

// A token file that is not one token (two lines, say) is refused by lcp before anything is sent: a
// gRPC header cannot carry a newline, and gRPC aborts the process on one.
TEST_F(TlsTest, ATokenFileThatIsNotOneTokenIsAUsageError) {
  ServerProcess server(LCP_LEDGERD_PATH, dir_.path() / "data", TlsArgs());
  ASSERT_TRUE(server.started()) << server.Log();
  const auto two_lines = dir_.path() / "two-lines.token";
  std::ofstream(two_lines) << "$ lcp-ledgerd principal add\n" << tokens_.at("auditor@nao") << "\n";
  RunResult result = testing::Run(LCP_CLI_PATH, {"--server", server.address(), "--ca-cert",
                                                 (certs_ / "ca.pem").string(), "--token-file",
                                                 two_lines.string(), "head"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "lcp: the token in " + two_lines.string() +
                            " is not one token: a token is one line, \"lcp_\" and 64 hexadecimal "
                            "digits, as lcp-ledgerd principal add printed it\n");
  // Surrounding white space is forgiven.
  const auto padded = dir_.path() / "padded.token";
  std::ofstream(padded) << "  " << tokens_.at("auditor@nao") << "\r\n\n";
  RunResult ok = testing::Run(LCP_CLI_PATH, {"--server", server.address(), "--ca-cert",
                                             (certs_ / "ca.pem").string(), "--token-file",
                                             padded.string(), "head"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  RunResult missing = testing::Run(LCP_CLI_PATH, {"--server", server.address(), "--ca-cert",
                                                  (certs_ / "ca.pem").string(), "--token-file",
                                                  (dir_.path() / "nope").string(), "head"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("lcp: cannot read --token-file"), std::string::npos) << missing.err;
}

TEST_F(TlsTest, AClientThatDoesNotTrustTheServersCertificateIsRefused) {
  ServerProcess server(LCP_LEDGERD_PATH, dir_.path() / "data", TlsArgs());
  ASSERT_TRUE(server.started()) << server.Log();
  RunResult untrusting = testing::Run(
      LCP_CLI_PATH, {"--server", server.address(), "--ca-cert",
                     (dir_.path() / "other" / "ca.pem").string(), "--token-file",
                     token_files_.at("admin@lcp"), "practice", "add", "A81001", "Riverside"});
  EXPECT_EQ(untrusting.exit_code, 3);
  EXPECT_NE(untrusting.err.find("lcp: cannot complete the call to the ledger server"),
            std::string::npos)
      << untrusting.err;
  // A client without TLS does not get through either.
  RunResult plain = testing::Run(LCP_CLI_PATH, {"--server", server.address(), "head"});
  EXPECT_EQ(plain.exit_code, 3);
  EXPECT_NE(plain.err.find("if the server uses TLS, give --ca-cert FILE"), std::string::npos)
      << plain.err;
  // Nothing was posted.
  RunResult head = Lcp(server, "auditor@nao", {"head"});
  ASSERT_EQ(head.exit_code, 0) << head.err;
  EXPECT_NE(head.out.find("entry 0\nhash  0000"), std::string::npos) << head.out;
}

TEST_F(TlsTest, HealthNeedsNoToken) {
  ServerProcess server(LCP_LEDGERD_PATH, dir_.path() / "data", TlsArgs());
  ASSERT_TRUE(server.started()) << server.Log();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadAll(certs_ / "ca.pem");
  auto channel = grpc::CreateChannel(server.address(), grpc::SslCredentials(ssl));
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = health->Check(&context, grpc::health::v1::HealthCheckRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(TlsTest, ATokenRevokedAndReloadedBySighupStopsWorking) {
  ServerProcess server(LCP_LEDGERD_PATH, dir_.path() / "data", TlsArgs());
  ASSERT_TRUE(server.started()) << server.Log();
  ASSERT_EQ(Lcp(server, "finance.officer@lcp", {"head"}).exit_code, 0);
  RunResult revoked = testing::Run(LCP_LEDGERD_PATH, {"principal", "revoke", "--principals", principals_,
                                             "--id", "finance.officer@lcp"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  // Until the server re-reads the file, the token still works.
  ASSERT_EQ(Lcp(server, "finance.officer@lcp", {"head"}).exit_code, 0);
  server.Signal(SIGHUP);
  for (int i = 0; i < 500 && server.Log().find("SIGHUP: re-read") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(server.Log().find("SIGHUP: re-read " + principals_ + ": 3 principals"), std::string::npos)
      << server.Log();
  RunResult refused = Lcp(server, "finance.officer@lcp", {"head"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("ERROR_CODE_UNAUTHENTICATED: the bearer token is not recognised: it "
                             "was revoked or never issued"),
            std::string::npos)
      << refused.err;
  EXPECT_EQ(Lcp(server, "auditor@nao", {"head"}).exit_code, 0);

  // A broken file is not taken into use: the principals loaded before stay in force.
  std::ofstream(principals_, std::ios::app) << "broken line\n";
  server.Signal(SIGHUP);
  for (int i = 0; i < 500 && server.Log().find("NOT re-read") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(server.Log().find("SIGHUP: the principals file was NOT re-read: " + principals_ +
                              ": line 10: expected 4 fields (id role practice token-sha256), "
                              "found 2; the principals loaded before stay in force"),
            std::string::npos)
      << server.Log();
  EXPECT_EQ(Lcp(server, "auditor@nao", {"head"}).exit_code, 0);
  EXPECT_EQ(server.StopWith(SIGTERM), 0);
}

TEST_F(TlsTest, MutualTlsNamesThePrincipalByItsCertificate) {
  ServerProcess server(LCP_LEDGERD_PATH, dir_.path() / "data", TlsArgs(/*client_ca=*/true));
  ASSERT_TRUE(server.started()) << server.Log();
  EXPECT_NE(server.Log().find("TLS on, client certificates required"), std::string::npos);
  auto with_certificate = [&](const std::string& name, std::vector<std::string> args) {
    std::vector<std::string> full = {"--server", server.address(), "--ca-cert",
                                     (certs_ / "ca.pem").string(), "--client-cert",
                                     (certs_ / (name + ".pem")).string(), "--client-key",
                                     (certs_ / (name + ".key")).string()};
    full.insert(full.end(), args.begin(), args.end());
    return testing::Run(LCP_CLI_PATH, full);
  };
  // The certificate alone names finance.officer@lcp; no token needed.
  RunResult head = with_certificate("finance.officer@lcp", {"head"});
  EXPECT_EQ(head.exit_code, 0) << head.err;
  RunResult denied = with_certificate("finance.officer@lcp", {"practice", "add", "A81001", "R"});
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_NE(denied.err.find("role LCP_FINANCE may not register a practice"), std::string::npos)
      << denied.err;
  // A certificate from the right CA whose name is no principal.
  RunResult stranger = with_certificate("stranger", {"head"});
  EXPECT_EQ(stranger.exit_code, 1);
  EXPECT_NE(stranger.err.find("ERROR_CODE_UNAUTHENTICATED: the client certificate's common name "
                              "\"stranger\" is not a principal of this server"),
            std::string::npos)
      << stranger.err;
  // No certificate at all: the handshake fails, token or not.
  RunResult without = Lcp(server, "admin@lcp", {"head"});
  EXPECT_EQ(without.exit_code, 3);
  // A certificate with a principal's name, signed by another CA: the handshake fails.
  RunResult other_dir = testing::Run("/bin/bash", {LCP_SOURCE_DIR "/scripts/dev-certs",
                                                   (dir_.path() / "other").string(),
                                                   "finance.officer@lcp"});
  ASSERT_EQ(other_dir.exit_code, 0) << other_dir.err;
  RunResult foreign = testing::Run(
      LCP_CLI_PATH,
      {"--server", server.address(), "--ca-cert", (certs_ / "ca.pem").string(), "--client-cert",
       (dir_.path() / "other" / "finance.officer@lcp.pem").string(), "--client-key",
       (dir_.path() / "other" / "finance.officer@lcp.key").string(), "head"});
  EXPECT_EQ(foreign.exit_code, 3) << foreign.err;
}

TEST_F(TlsTest, FollowingTheJournalOverTls) {
  ServerProcess server(LCP_LEDGERD_PATH, dir_.path() / "data", TlsArgs());
  ASSERT_TRUE(server.started()) << server.Log();
  ASSERT_EQ(Lcp(server, "admin@lcp", {"practice", "add", "A81001", "Riverside"}).exit_code, 0);
  ASSERT_EQ(Lcp(server, "admin@lcp", {"practice", "add", "A81002", "Hillview"}).exit_code, 0);
  // lcp entries --follow runs until stopped: timeout(1) stops it after a second.
  RunResult follow = testing::Run(
      "/usr/bin/timeout", {"2", LCP_CLI_PATH, "--server", server.address(), "--ca-cert",
                           (certs_ / "ca.pem").string(), "--token-file",
                           token_files_.at("auditor@nao"), "entries", "--follow"});
  EXPECT_EQ(follow.exit_code, 124) << follow.err;  // Stopped by timeout, not failed.
  EXPECT_NE(follow.out.find("admin@lcp"), std::string::npos) << follow.out << follow.err;
  EXPECT_NE(follow.out.find("register practice A81002 Hillview"), std::string::npos) << follow.out;
  EXPECT_EQ(follow.err, "");
}

// Signals arriving close together, while the server is busy with the previous one, never reach a
// gRPC thread (which would kill the process): every SIGHUP re-reads, and SIGTERM still drains.
TEST_F(TlsTest, ABurstOfSighupsThenSigtermStopsCleanly) {
  ServerProcess server(LCP_LEDGERD_PATH, dir_.path() / "data", TlsArgs());
  ASSERT_TRUE(server.started()) << server.Log();
  for (int i = 0; i < 300; ++i) server.Signal(SIGHUP);
  server.Signal(SIGTERM);
  EXPECT_EQ(server.StopWith(SIGTERM), 0) << server.Log();
  EXPECT_NE(server.Log().find("stopping on SIGTERM: draining in-flight requests"), std::string::npos)
      << server.Log();
  EXPECT_NE(server.Log().find("stopped: journal head 0"), std::string::npos) << server.Log();
}

TEST_F(TlsTest, BadCertificatesKeysAndPrincipalsFilesAreRefusedBeforeTheLedgerIsOpened) {
  const auto data = dir_.path() / "data";
  const std::string garbage = (dir_.path() / "garbage.pem").string();
  std::ofstream(garbage) << "not a certificate\n";
  auto start = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", data.string(), "--listen", "127.0.0.1:0"});
    return testing::Run(LCP_LEDGERD_PATH, args);
  };
  const std::string cert = (certs_ / "server.pem").string();
  const std::string key = (certs_ / "server.key").string();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--tls-cert", garbage, "--tls-key", key, "--principals", principals_},
       "refusing to start: --tls-cert holds no PEM certificate"},
      {{"--tls-cert", cert, "--tls-key", garbage, "--principals", principals_},
       "refusing to start: --tls-key holds no PEM private key"},
      {{"--tls-cert", cert, "--tls-key", (certs_ / "stranger.key").string(), "--principals",
        principals_},
       "refusing to start: --tls-key is not the private key of the certificate in --tls-cert"},
      {{"--tls-cert", cert, "--tls-key", key, "--principals", principals_, "--client-ca", garbage},
       "refusing to start: --client-ca " + garbage + " holds no PEM certificate"},
      {{"--tls-cert", cert, "--tls-key", key, "--principals", dir_.path().string()},
       "refusing to start: " + dir_.path().string() + " is not a regular file"},
      {{"--tls-cert", (dir_.path() / "nope.pem").string(), "--tls-key", key, "--principals",
        principals_},
       "refusing to start: cannot read --tls-cert " + (dir_.path() / "nope.pem").string()},
  };
  for (const auto& [args, message] : cases) {
    RunResult result = start(args);
    EXPECT_EQ(result.exit_code, 1) << message;
    EXPECT_NE(result.err.find(message), std::string::npos) << result.err;
  }
  EXPECT_FALSE(std::filesystem::exists(data));
}

TEST(ServerStart, RefusesToServeWithoutTlsUnlessInsecureAndOnLoopback) {
  TempDir dir;
  auto start = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", (dir.path() / "data").string()});
    return testing::Run(LCP_LEDGERD_PATH, args);
  };
  RunResult neither = start({"--listen", "127.0.0.1:0"});
  EXPECT_EQ(neither.exit_code, 1);
  EXPECT_NE(neither.err.find("refusing to start: give --tls-cert, --tls-key and --principals, or "
                             "--insecure"),
            std::string::npos)
      << neither.err;
  RunResult named = start({"--listen", "127.attacker.example:0", "--insecure"});
  EXPECT_EQ(named.exit_code, 1);
  EXPECT_NE(named.err.find("--insecure listens only on loopback"), std::string::npos) << named.err;
  for (const std::string loopback : {"127.0.0.2:0", "[::1]:0", "localhost:0"}) {
    TempDir other;
    RunResult accepted = testing::Run(
        "/usr/bin/timeout", {"1", LCP_LEDGERD_PATH, "--data-dir", (other.path() / "d").string(),
                             "--listen", loopback, "--insecure"});
    EXPECT_EQ(accepted.err.find("--insecure listens only on loopback"), std::string::npos)
        << loopback << ": " << accepted.err;
  }
  RunResult everywhere = start({"--listen", "0.0.0.0:0", "--insecure"});
  EXPECT_EQ(everywhere.exit_code, 1);
  EXPECT_NE(everywhere.err.find("refusing to start: --insecure listens only on loopback "
                                "(127.0.0.1, ::1 or localhost), not 0.0.0.0:0"),
            std::string::npos)
      << everywhere.err;
  RunResult no_principals = start({"--listen", "127.0.0.1:0", "--tls-cert", "a.pem", "--tls-key",
                                   "a.key"});
  EXPECT_EQ(no_principals.exit_code, 1);
  EXPECT_NE(no_principals.err.find("with TLS, --principals FILE names who may call"),
            std::string::npos)
      << no_principals.err;
  RunResult half = start({"--listen", "127.0.0.1:0", "--tls-cert", "a.pem"});
  EXPECT_EQ(half.exit_code, 1);
  EXPECT_NE(half.err.find("TLS needs both --tls-cert and --tls-key"), std::string::npos);
  RunResult tokens_in_clear = start({"--insecure", "--principals", "p"});
  EXPECT_EQ(tokens_in_clear.exit_code, 1);
  EXPECT_NE(tokens_in_clear.err.find("--principals and --client-ca need TLS"), std::string::npos);
  // Nothing was created: the refusals come before the ledger is opened.
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "data"));

  // Insecure mode says so loudly.
  ServerProcess insecure(LCP_LEDGERD_PATH, dir.path() / "insecure");
  ASSERT_TRUE(insecure.started()) << insecure.Log();
  EXPECT_NE(insecure.Log().find("WARNING: INSECURE MODE: no TLS and no authentication; every caller "
                                "is the local administrator"),
            std::string::npos)
      << insecure.Log();
}

}  // namespace
}  // namespace lcp

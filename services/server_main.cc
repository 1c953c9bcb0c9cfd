// lcp-ledgerd: the ledger's gRPC server. Opens (or creates) the ledger file in --data-dir, or the
// ledger --ledger in the PostgreSQL database --store names, replays and verifies it, and serves
// LedgerService, the standard health service and server reflection on
// --listen until SIGTERM or SIGINT, which drain in-flight requests and stop it cleanly. SIGHUP
// re-reads the principals file.
//
// Either TLS (--tls-cert, --tls-key, --principals; --client-ca to require client certificates) or
// --insecure (no TLS, loopback only, every caller the local administrator).
//
//   lcp-ledgerd principal add|revoke|list --principals FILE ...   manages the principals file.
//   lcp-ledgerd restore --from EXPORT --data-dir DIR   writes a verified export into an empty
//   ledger.
//   lcp-ledgerd migrate --from DIR_OR_URL --to DIR_OR_URL   copies a ledger between stores.
#include <arpa/inet.h>
#include <google/protobuf/util/time_util.h>
#include <grpc/support/log.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "ledger/base/accounts.h"
#include "ledger/base/chain.h"
#include "ledger/rules/permissions.h"
#include "services/auth.h"
#include "services/book.h"
#include "services/ledger_service.h"
#include "services/log.h"
#include "services/migrate.h"
#include "services/restore.h"
#include "services/sequencer.h"
#include "services/storage/open_store.h"
#include "services/storage/postgres_store.h"
#include "services/web/web_server.h"

namespace {

std::atomic<bool> fatal_failure{false};

// Linking gRPC's reflection library registers its plugin with every ServerBuilder by a static
// initializer, so turning reflection off means taking the plugin out again.
class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments* /*arguments*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    std::erase_if(*plugins, [](const std::unique_ptr<grpc::ServerBuilderPlugin>& plugin) {
      return plugin->name() == "proto_server_reflection";
    });
  }
};

// Writes the address the server listens on to `path`, atomically, for scripts that wait for it.
bool WriteReadyFile(const std::string& path, const std::string& address) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << address << "\n";
    if (!out) return false;
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  return !error;
}

// The contents of a PEM file, or nullopt.
std::optional<std::string> ReadPem(const std::string& path) {
  std::string unused;
  return lcp::ReadRegularFile(path, &unused);
}

// Whether `listen` ("host:port") names a loopback address: "localhost", or an IPv4 literal in
// 127.0.0.0/8, or the IPv6 literal ::1. Other names are refused, whatever they resolve to now.
bool IsLoopback(const std::string& listen) {
  std::string host = listen.substr(0, listen.rfind(':'));
  if (host.starts_with("ipv4:")) host = host.substr(5);
  if (host.starts_with("ipv6:")) host = host.substr(5);
  if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
  if (host == "localhost") return true;
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6;
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

// "" if `cert` (a PEM certificate chain) and `key` (a PEM private key) parse and belong together;
// otherwise what is wrong.
std::string CheckKeyPair(const std::string& cert, const std::string& key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(
      BIO_new_mem_buf(cert.data(), static_cast<int>(cert.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> x509(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (x509 == nullptr) return "--tls-cert holds no PEM certificate";
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
      BIO_new_mem_buf(key.data(), static_cast<int>(key.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (pkey == nullptr) return "--tls-key holds no PEM private key (an encrypted key is not supported)";
  if (X509_check_private_key(x509.get(), pkey.get()) != 1) {
    return "--tls-key is not the private key of the certificate in --tls-cert";
  }
  return "";
}

// Whether `pem` holds at least one PEM certificate.
bool HoldsCertificate(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> x509(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  return x509 != nullptr;
}

struct PrincipalOptions {
  std::string file;
  std::string id;
  std::string role;
  std::string practice;
  bool certificate_only = false;
};

int AddPrincipalCommand(const PrincipalOptions& options) {
  lcp::v1::Actor actor;
  actor.set_principal_id(options.id);
  actor.set_role(lcp::RoleNamed(options.role));
  actor.set_practice_ods_code(options.practice);
  if (actor.role() == lcp::v1::ROLE_UNSPECIFIED || !lcp::RightsOf(actor.role())->grantable) {
    std::cerr << "lcp-ledgerd: --role must be ADMIN, LCP_FINANCE, PCT_FINANCE, PRACTICE or AUDITOR\n";
    return 2;
  }
  lcp::AddedPrincipal added = lcp::AddPrincipal(options.file, actor, options.certificate_only);
  if (!added.ok) {
    std::cerr << "lcp-ledgerd: no principal added: " << added.error << "\n";
    return 1;
  }
  std::cerr << "added principal " << options.id << " (" << options.role
            << (options.practice.empty() ? "" : " " + options.practice) << ") to " << options.file
            << " (a running lcp-ledgerd takes it into use on SIGHUP)\n";
  if (options.certificate_only) {
    std::cerr << "it signs in with a client certificate whose common name is " << options.id << "\n";
  } else {
    std::cerr << "its token, shown this once (the file keeps only its SHA-256):\n";
    std::cout << added.token << "\n";
  }
  return 0;
}

int RevokePrincipalCommand(const PrincipalOptions& options) {
  const std::string error = lcp::RevokePrincipal(options.file, options.id);
  if (!error.empty()) {
    std::cerr << "lcp-ledgerd: nothing revoked: " << error << "\n";
    return 1;
  }
  std::cerr << "removed principal " << options.id << " from " << options.file
            << "; send lcp-ledgerd SIGHUP and its token stops working\n";
  return 0;
}

int ListPrincipalsCommand(const PrincipalOptions& options) {
  std::string error;
  std::optional<lcp::Principals> principals = lcp::Principals::Load(options.file, &error);
  if (!principals) {
    std::cerr << "lcp-ledgerd: " << error << "\n";
    return 1;
  }
  std::cout << "id                               role         practice  signs in with\n";
  for (const lcp::Principal& principal : principals->all()) {
    char line[512];
    std::snprintf(line, sizeof line, "%-32s %-12s %-9s %s\n",
                  principal.actor.principal_id().c_str(),
                  lcp::RoleName(principal.actor.role()).c_str(),
                  principal.actor.practice_ods_code().empty()
                      ? "-"
                      : principal.actor.practice_ods_code().c_str(),
                  principal.token_sha256.empty() ? "client certificate" : "token");
    std::cout << line;
  }
  return 0;
}

// The time in a --clock-file: its first line, RFC 3339 ("2026-05-02T09:30:00Z"). A file that cannot
// be read or parsed gives the system clock, and says so in the log.
std::chrono::system_clock::time_point ReadClockFile(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  google::protobuf::Timestamp time;
  if (!in || !google::protobuf::util::TimeUtil::FromString(text, &time)) {
    lcp::LogLine("--clock-file " + path + " holds no RFC 3339 time; using the system clock");
    return std::chrono::system_clock::now();
  }
  return std::chrono::system_clock::time_point(
      std::chrono::seconds(time.seconds()) +
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(time.nanos())));
}

// The signals the server takes by sigwait: SIGINT and SIGTERM stop it, SIGHUP re-reads its
// principals.
sigset_t ServerSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  return signals;
}

}  // namespace

// lcp-ledgerd restore: 0 when the export was written, 1 when it was refused (it does not replay, or
// the ledger is not empty) or could not be written.
int RestoreCommand(const std::string& from, const std::string& data_dir) {
  // main blocked these for its sigwait; a restore has none, so Ctrl-C must stop it as usual.
  const sigset_t signals = ServerSignals();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) {
    std::cerr << "lcp-ledgerd: nothing restored: cannot create " << data_dir << ": "
              << error.message() << "\n";
    return 1;
  }
  const std::string path = (std::filesystem::path(data_dir) / "ledger.sqlite").string();
  const lcp::Result<lcp::RestoreSummary> restored = lcp::RestoreFromExport(from, path);
  if (!restored.ok()) {
    std::cerr << "lcp-ledgerd: nothing restored: " << restored.status().ToString() << "\n";
    return 1;
  }
  std::cout << "restored " << restored->records << " entries (1 to " << restored->records << ", "
            << restored->rules << ") from " << from << " into " << path << "\nhead: entry "
            << restored->records << ", hash " << lcp::ToHex(restored->head_hash)
            << "\nstart lcp-ledgerd with --data-dir " << data_dir
            << "; it replays and verifies every entry again as it opens the file\n";
  return 0;
}

// lcp-ledgerd migrate: 0 when the ledger was copied and verified on the other side, 1 otherwise.
int MigrateCommand(const std::string& from, const std::string& from_ledger, const std::string& to,
                   const std::string& to_ledger) {
  const sigset_t signals = ServerSignals();
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  const lcp::Result<lcp::MigrateSummary> migrated =
      lcp::MigrateLedger(from, from_ledger, to, to_ledger);
  if (!migrated.ok()) {
    std::cerr << "lcp-ledgerd: not migrated: " << migrated.status().ToString() << "\n";
    return 1;
  }
  std::cout << "migrated " << migrated->records << " entries from "
            << lcp::DescribeStore(from, from_ledger) << " to " << lcp::DescribeStore(to, to_ledger)
            << "\nhead: entry " << migrated->records << ", hash " << lcp::ToHex(migrated->head_hash)
            << "\nverified on the target: every entry replayed, the same head\n";
  return 0;
}

int main(int argc, char** argv) {
  // Signals are taken by sigwait below, never by a handler in another thread. They are blocked
  // first of all, so that every thread started later (gRPC starts its own as soon as credentials
  // are made) inherits the mask and a SIGHUP or SIGTERM can never reach one of them and kill the
  // process.
  const sigset_t signals = ServerSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // gRPC's own log lines (one per failed TLS handshake, say) would let any client fill the log;
  // LCP_GRPC_LOG=1 keeps them for debugging.
  if (std::getenv("LCP_GRPC_LOG") == nullptr) gpr_set_log_function([](gpr_log_func_args*) {});

  CLI::App app{"lcp-ledgerd: the lcpledger gRPC server"};
  std::string data_dir;
  std::string listen = "127.0.0.1:50051";
  std::string ready_file;
  bool reflection = true;
  bool insecure = false;
  std::string tls_cert;
  std::string tls_key;
  std::string client_ca;
  std::string principals_file;
  std::string store_url;
  std::string ledger_name = "main";
  app.add_option("--data-dir", data_dir, "Directory of the ledger file ledger.sqlite (created if missing)");
  app.add_option(
      "--store", store_url,
      "Keep the ledger in PostgreSQL instead: a libpq URL, postgresql://USER@HOST:PORT/DB "
      "(docs/postgresql.md)");
  app.add_option("--ledger", ledger_name,
                 "With --store: the ledger's name, its schema lcp_NAME (one database holds many)")
      ->capture_default_str();
  app.add_option("--listen", listen, "Address to listen on (host:port; port 0 picks a free one)")
      ->capture_default_str();
  app.add_option("--ready-file", ready_file,
                 "Once serving, write the address actually listened on to this file");
  app.add_flag("!--no-reflection", reflection, "Turn off gRPC server reflection");
  app.add_option("--tls-cert", tls_cert, "The server's certificate chain (PEM)");
  app.add_option("--tls-key", tls_key, "The server's private key (PEM)");
  app.add_option("--client-ca", client_ca,
                 "Require client certificates signed by this CA (PEM); a certificate's common name "
                 "names its principal");
  app.add_option("--principals", principals_file,
                 "The principals file: who may call, in which role (re-read on SIGHUP)");
  lcp::web::WebOptions web;
  std::string web_ready_file;
  app.add_option("--web-listen", web.listen,
                 "Also serve the web view and its JSON API on this address (host:port; port 0 "
                 "picks a free one), over the same TLS certificate (docs/web.md)");
  app.add_option("--web-ready-file", web_ready_file,
                 "Once serving, write the web view's address actually listened on to this file");
  int web_session_minutes = 30;
  app.add_option("--web-session-minutes", web_session_minutes,
                 "A web session ends after this many minutes without a request (at most 12 hours "
                 "in all)")
      ->check(CLI::Range(1, 720))
      ->capture_default_str();
  std::string clock_file;
  app.add_option("--clock-file", clock_file,
                 "For tests and demos, with --insecure only: record entries at the time written in "
                 "this file (RFC 3339, e.g. 2026-05-02T09:30:00Z), read at each round, instead of "
                 "the system clock");
  app.add_flag("--insecure", insecure,
               "No TLS and no authentication: loopback only, every caller the local administrator");

  PrincipalOptions principal_options;
  CLI::App* principal = app.add_subcommand("principal", "Manage the principals file");
  principal->require_subcommand(1);
  CLI::App* principal_add =
      principal->add_subcommand("add", "Add a principal and print its new token, once");
  principal_add->add_option("--principals", principal_options.file, "The principals file")->required();
  principal_add->add_option("--id", principal_options.id, "Its id, e.g. finance.officer@lcp")->required();
  principal_add->add_option("--role", principal_options.role,
                            "ADMIN, LCP_FINANCE, PCT_FINANCE, PRACTICE or AUDITOR")
      ->required();
  principal_add->add_option("--practice", principal_options.practice,
                            "For PRACTICE: the practice's ODS code");
  principal_add->add_flag("--certificate-only", principal_options.certificate_only,
                          "No token: it signs in with a client certificate whose common name is its id");
  CLI::App* principal_revoke =
      principal->add_subcommand("revoke", "Remove a principal (takes effect on SIGHUP)");
  principal_revoke->add_option("--principals", principal_options.file, "The principals file")
      ->required();
  principal_revoke->add_option("--id", principal_options.id, "Its id")->required();
  CLI::App* principal_list = principal->add_subcommand("list", "List the principals");
  principal_list->add_option("--principals", principal_options.file, "The principals file")
      ->required();
  std::string restore_from;
  std::string restore_dir;
  CLI::App* restore = app.add_subcommand(
      "restore",
      "Write the entries of an export (lcp export) into a new, empty ledger: the export is "
      "verified "
      "and replayed whole first, as lcp-audit replay does, and nothing is written unless it "
      "replays");
  restore->add_option("--from", restore_from, "The export file")->required();
  restore
      ->add_option("--data-dir", restore_dir,
                   "Directory of the ledger file ledger.sqlite (created if missing; it must "
                   "hold no entries)")
      ->required();
  std::string migrate_from;
  std::string migrate_to;
  std::string migrate_from_ledger = "main";
  std::string migrate_to_ledger = "main";
  CLI::App* migrate = app.add_subcommand(
      "migrate",
      "Copy a ledger between stores (a data directory or a postgresql:// URL) into an empty one, "
      "then replay and verify it there; neither may be in use by a server");
  migrate->add_option("--from", migrate_from, "The data directory or postgresql:// URL to copy")
      ->required();
  migrate->add_option("--to", migrate_to, "The data directory or postgresql:// URL to copy into")
      ->required();
  migrate->add_option("--from-ledger", migrate_from_ledger, "With a --from URL: the ledger's name")
      ->capture_default_str();
  migrate->add_option("--to-ledger", migrate_to_ledger, "With a --to URL: the ledger's name")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (restore->parsed()) return RestoreCommand(restore_from, restore_dir);
  if (migrate->parsed()) {
    return MigrateCommand(migrate_from, migrate_from_ledger, migrate_to, migrate_to_ledger);
  }
  if (principal_add->parsed()) return AddPrincipalCommand(principal_options);
  if (principal_revoke->parsed()) return RevokePrincipalCommand(principal_options);
  if (principal_list->parsed()) return ListPrincipalsCommand(principal_options);

  // How callers are known: checked before anything is opened.
  auto refuse = [](const std::string& why) {
    lcp::LogLine("refusing to start: " + why);
    return 1;
  };
  if (data_dir.empty() == store_url.empty()) {
    return refuse(
        "give the ledger's place: --data-dir DIR (SQLite) or --store postgresql://... "
        "(PostgreSQL), one of them");
  }
  if (!store_url.empty() && !lcp::IsPostgresUrl(store_url)) {
    return refuse("--store takes a postgresql:// URL; a SQLite ledger is --data-dir DIR");
  }
  const bool tls = !tls_cert.empty() || !tls_key.empty();
  if (tls && (tls_cert.empty() || tls_key.empty())) {
    return refuse("TLS needs both --tls-cert and --tls-key");
  }
  if (tls && insecure) return refuse("--insecure and TLS exclude each other; choose one");
  if (tls && principals_file.empty()) {
    return refuse("with TLS, --principals FILE names who may call (lcp-ledgerd principal add)");
  }
  if (!tls && !insecure) {
    return refuse("give --tls-cert, --tls-key and --principals, or --insecure to serve without TLS "
                  "or authentication on loopback (for trying it out)");
  }
  if (insecure && (!principals_file.empty() || !client_ca.empty())) {
    return refuse("--principals and --client-ca need TLS (tokens must not travel in clear)");
  }
  if (!clock_file.empty() && !insecure) {
    return refuse(
        "--clock-file sets the time entries are recorded at, for tests and demos; a server "
        "with TLS always uses the system clock");
  }
  if (insecure && !IsLoopback(listen)) {
    return refuse("--insecure listens only on loopback (127.0.0.1, ::1 or localhost), not " + listen);
  }
  if (insecure && !web.listen.empty() && !IsLoopback(web.listen)) {
    return refuse(
        "--insecure serves the web view only on loopback (127.0.0.1, ::1 or localhost), "
        "not " +
        web.listen);
  }
  if (web.listen.empty() && !web_ready_file.empty()) {
    return refuse("--web-ready-file needs --web-listen");
  }
  web.tls_cert = tls_cert;
  web.tls_key = tls_key;
  web.client_ca = client_ca;
  web.session_idle = std::chrono::minutes(web_session_minutes);
  std::unique_ptr<lcp::Authenticator> authenticator;
  std::shared_ptr<grpc::ServerCredentials> credentials;
  std::size_t principal_count = 0;
  if (tls) {
    std::string error;
    std::optional<lcp::Principals> principals = lcp::Principals::Load(principals_file, &error);
    if (!principals) return refuse(error);
    principal_count = principals->all().size();
    std::optional<std::string> cert = ReadPem(tls_cert);
    std::optional<std::string> key = ReadPem(tls_key);
    if (!cert) return refuse("cannot read --tls-cert " + tls_cert);
    if (!key) return refuse("cannot read --tls-key " + tls_key);
    if (std::string wrong = CheckKeyPair(*cert, *key); !wrong.empty()) return refuse(wrong);
    grpc::SslServerCredentialsOptions ssl(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    if (!client_ca.empty()) {
      std::optional<std::string> ca = ReadPem(client_ca);
      if (!ca) return refuse("cannot read --client-ca " + client_ca);
      if (!HoldsCertificate(*ca)) return refuse("--client-ca " + client_ca + " holds no PEM certificate");
      ssl.pem_root_certs = *ca;
      ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    credentials = grpc::SslServerCredentials(ssl);
    authenticator = lcp::Authenticator::WithPrincipals(
        std::make_shared<const lcp::Principals>(std::move(principals).value()), !client_ca.empty());
  } else {
    credentials = grpc::InsecureServerCredentials();
    authenticator = lcp::Authenticator::Insecure();
  }

  const std::string where = store_url.empty() ? data_dir : store_url;
  const std::string path = lcp::DescribeStore(where, ledger_name);
  auto store = lcp::OpenStore(where, ledger_name);
  if (!store.ok()) {
    lcp::LogLine("refusing to start: " + store.status().ToString());
    return 1;
  }
  auto log = std::make_shared<lcp::EntryLog>();
  std::vector<lcp::v1::JournalRecord> recovered;
  auto book = lcp::Book::Open(std::move(store).value(), [&](const lcp::v1::JournalRecord& record) {
    recovered.push_back(record);
    if (recovered.size() == 4096) log->Append(std::exchange(recovered, {}));
  });
  if (!book.ok()) {
    lcp::LogLine("refusing to start: " + path + ": " + book.status().ToString());
    return 2;
  }
  log->Append(std::move(recovered));
  const std::uint64_t head_seq = (*book)->journal().head_seq();
  const std::string head_hash = lcp::ToHex((*book)->journal().head_hash());

  lcp::Sequencer::Clock clock = [] { return std::chrono::system_clock::now(); };
  if (!clock_file.empty()) clock = [clock_file] { return ReadClockFile(clock_file); };
  lcp::Sequencer sequencer(
      std::move(book).value(), log,
      [](const lcp::Status& status) {
        lcp::LogLine("stopping: the ledger's store failed: " + status.ToString());
        fatal_failure = true;
        kill(getpid(), SIGTERM);
      },
      std::move(clock));
  lcp::LedgerServiceImpl service(sequencer, *authenticator);

  grpc::EnableDefaultHealthCheckService(true);
  if (reflection) grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, credentials, &port);
  builder.RegisterService(&service);
  builder.SetMaxReceiveMessageSize(lcp::kRequestBytesMax);
  // Keepalive pings find clients that vanished without closing, so their follow streams end.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  if (!reflection) builder.SetOption(std::make_unique<WithoutReflection>());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    lcp::LogLine("refusing to start: cannot listen on " + listen);
    return 1;
  }
  const std::string address = listen.substr(0, listen.rfind(':')) + ":" + std::to_string(port);
  server->GetHealthCheckService()->SetServingStatus(true);
  lcp::LogLine("started: listening on " + address + ", ledger " + path + ", journal head " +
               std::to_string(head_seq) + " " + head_hash + " (verified by replay)" +
               (reflection ? "" : ", reflection off"));
  if (tls) {
    lcp::LogLine("TLS on" +
                 std::string(client_ca.empty() ? "" : ", client certificates required") + "; " +
                 std::to_string(principal_count) + " principals from " + principals_file +
                 " (SIGHUP re-reads it)");
  } else {
    lcp::LogLine("WARNING: INSECURE MODE: no TLS and no authentication; every caller is the local "
                 "administrator (principal local-admin, role LOCAL_ADMIN, which may do everything) "
                 "and the journal records it so. Loopback only; never use this for real books.");
  }
  std::unique_ptr<lcp::web::WebServer> web_server;
  if (!web.listen.empty()) {
    lcp::Result<std::unique_ptr<lcp::web::WebServer>> started =
        lcp::web::WebServer::Start(web, sequencer, *authenticator);
    if (!started.ok()) {
      lcp::LogLine("stopping: " + started.status().message());
      sequencer.BeginStop();
      server->Shutdown();
      sequencer.Stop();
      return 1;
    }
    web_server = std::move(started).value();
    lcp::LogLine("web view: " + std::string(tls ? "https://" : "http://") + web_server->address() +
                 "/ (sign in at /signin; sessions end after " +
                 std::to_string(web_session_minutes) + " idle minutes)");
    if (!web_ready_file.empty() && !WriteReadyFile(web_ready_file, web_server->address())) {
      lcp::LogLine("cannot write --web-ready-file " + web_ready_file);
    }
  }
  if (!ready_file.empty() && !WriteReadyFile(ready_file, address)) {
    lcp::LogLine("cannot write --ready-file " + ready_file);
  }

  int signal_number = 0;
  while (true) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) break;
    if (!tls) {
      lcp::LogLine("SIGHUP: nothing to re-read in insecure mode");
      continue;
    }
    std::string reason;
    std::optional<lcp::Principals> principals = lcp::Principals::Load(principals_file, &reason);
    if (!principals) {
      lcp::LogLine("SIGHUP: the principals file was NOT re-read: " + reason +
                   "; the principals loaded before stay in force");
      continue;
    }
    const std::size_t count = principals->all().size();
    authenticator->Replace(std::make_shared<const lcp::Principals>(std::move(principals).value()));
    lcp::LogLine("SIGHUP: re-read " + principals_file + ": " + std::to_string(count) + " principals");
  }
  lcp::LogLine(fatal_failure ? std::string("stopping after the storage failure")
                             : std::string("stopping on ") +
                                   (signal_number == SIGINT ? "SIGINT" : "SIGTERM") +
                                   ": draining in-flight requests");
  server->GetHealthCheckService()->SetServingStatus(false);
  if (web_server) web_server->Stop();
  sequencer.BeginStop();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(10));
  sequencer.Stop();
  std::shared_ptr<const lcp::Snapshot> last = sequencer.snapshot();
  lcp::LogLine("stopped: journal head " + std::to_string(last->head_seq) + " " +
               lcp::ToHex(last->head_hash));
  return fatal_failure ? 3 : 0;
}

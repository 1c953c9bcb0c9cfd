#include "services/web/web_server.h"

#include <httplib.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>

#include "ledger/read/queries.h"
#include "services/log.h"
#include "services/web/assets.h"
#include "services/web/sessions.h"
#include "services/web/web_api.h"

namespace lcp::web {
namespace {

constexpr char kSecureCookie[] = "__Host-lcp_session";
// An insecure server speaks plain HTTP, where a browser keeps no Secure cookie.
constexpr char kPlainCookie[] = "lcp_session";

// Every response: no inline script, nothing from elsewhere, no framing, no sniffing, no caching.
const httplib::Headers& SecurityHeaders() {
  static const auto* const headers = new httplib::Headers{
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      // Not "no-referrer": under it a browser sends "Origin: null" with a form's POST, and the
      // sign-in form's origin check could not tell its own page from any other.
      {"Referrer-Policy", "same-origin"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  };
  return *headers;
}

std::string HtmlEscaped(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string AssetText(std::string_view name) {
  std::optional<std::string_view> asset = Asset(name);
  LCP_CHECK(asset.has_value());
  return std::string(*asset);
}

// `page` with its "<!--MESSAGE-->" replaced by `message`, escaped.
std::string WithMessage(std::string page, std::string_view message) {
  const std::string marker = "<!--MESSAGE-->";
  const std::size_t at = page.find(marker);
  LCP_CHECK(at != std::string::npos);
  return page.replace(at, marker.size(), HtmlEscaped(message));
}

// The application page for `actor`: app.html with the signed-in principal and role filled in, so
// that the script shows the pages the role may read (the API decides what it may read).
std::string AppPage(const v1::Actor& actor) {
  std::string page = AssetText("app.html");
  for (const auto& [marker, value] :
       {std::pair<std::string, std::string>{"<!--ROLE-->", v1::Role_Name(actor.role())},
        {"<!--PRINCIPAL-->", actor.principal_id()},
        {"<!--PRACTICE-->", actor.practice_ods_code()},
        {"<!--READS-JOURNAL-->", queries::MayReadJournal(actor).ok() ? "true" : "false"}}) {
    const std::size_t at = page.find(marker);
    LCP_CHECK(at != std::string::npos);
    page.replace(at, marker.size(), HtmlEscaped(value));
  }
  return page;
}

// The common name of the connection's verified client certificate, if any.
std::optional<std::string> CertificateName(const httplib::Request& request) {
  if (request.ssl == nullptr) return std::nullopt;
  X509* certificate = SSL_get1_peer_certificate(request.ssl);
  if (certificate == nullptr) return std::nullopt;
  char name[256];
  const int length = X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName,
                                               name, sizeof name);
  X509_free(certificate);
  if (length < 0) return std::nullopt;
  return std::string(name, static_cast<std::size_t>(length));
}

std::string CookieValue(const httplib::Request& request, std::string_view name) {
  const std::string header = request.get_header_value("Cookie");
  std::size_t at = 0;
  while (at < header.size()) {
    std::size_t end = header.find(';', at);
    if (end == std::string::npos) end = header.size();
    std::string_view pair = std::string_view(header).substr(at, end - at);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    at = end + 1;
  }
  return "";
}

std::string Trimmed(std::string text) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && space(text.back())) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && space(text[start])) ++start;
  return text.substr(start);
}

bool IsApi(const httplib::Request& request) { return request.path.rfind("/api/", 0) == 0; }

// Whether `host` (a Host header) names this machine's loopback interface on `port`: an insecure
// server answers nothing else, so that a page of another site whose name an attacker points at
// 127.0.0.1 (DNS rebinding) cannot sign in as the local administrator.
bool IsLoopbackHost(std::string_view host, int port) {
  const std::string suffix = ":" + std::to_string(port);
  for (const std::string_view name : {"127.0.0.1", "localhost", "[::1]"}) {
    if (host == std::string(name) + suffix) return true;
  }
  return false;
}

// The query part of a request's target ("/api/v1/GetStatement?year=2026/27" -> "year=2026/27").
std::string_view QueryOf(const httplib::Request& request) {
  const std::string_view target = request.target;
  const std::size_t question = target.find('?');
  return question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
}

Status Unauthenticated(std::string message) {
  return Status::Error(v1::ERROR_CODE_UNAUTHENTICATED, std::move(message));
}

}  // namespace

struct WebServer::Impl {
  Impl(const WebOptions& options, const Sequencer& ledger, const Authenticator& callers)
      : authenticator(callers),
        api(ledger),
        sessions(options.session_idle, options.session_lifetime,
                 [] { return std::chrono::steady_clock::now(); }),
        tls(!options.tls_cert.empty()),
        lifetime(options.session_lifetime) {}

  int port = 0;

  const Authenticator& authenticator;
  JsonApi api;
  SessionStore sessions;
  const bool tls;
  const std::chrono::seconds lifetime;
  std::string chart_js;
  std::unique_ptr<httplib::Server> http;

  const char* cookie() const { return tls ? kSecureCookie : kPlainCookie; }

  // The signed-in actor of a request, or UNAUTHENTICATED (the session then forgotten).
  Result<v1::Actor> SignedIn(const httplib::Request& request) {
    const std::string id = CookieValue(request, cookie());
    if (id.empty()) return Unauthenticated("not signed in: sign in at /signin");
    std::optional<Session> session = sessions.Use(id);
    if (!session) return Unauthenticated("the session has ended: sign in again at /signin");
    // Signed in by certificate, each request must present it again; with a token, a certificate
    // that comes with it must be the same principal's, as for gRPC.
    const std::optional<std::string> certificate = CertificateName(request);
    if (tls && (session->token_sha256 ? certificate && *certificate != session->principal_id
                                      : certificate != session->principal_id)) {
      sessions.End(id);
      return Unauthenticated(
          "this session was signed in as another principal than the client certificate names: "
          "sign in again at /signin");
    }
    std::optional<std::string_view> token;
    if (session->token_sha256) token = *session->token_sha256;
    Result<v1::Actor> actor = authenticator.Reauthenticate(session->principal_id, token);
    if (!actor.ok()) sessions.End(id);
    return actor;
  }

  // Whether a POST comes from a page of this view (a browser always sends Origin with one).
  bool SameOrigin(const httplib::Request& request) const {
    const std::string origin = request.get_header_value("Origin");
    const std::string host = request.get_header_value("Host");
    return !origin.empty() && !host.empty() && origin == (tls ? "https://" : "http://") + host;
  }

  // Refuses a request: JSON for the API, a page otherwise (a page that needs a session sends the
  // browser to the sign-in form instead).
  void Refuse(const httplib::Request& request, httplib::Response& response, int http_status,
              const Status& status) const {
    response.status = http_status;
    if (IsApi(request)) {
      response.set_content(ErrorJson(status), "application/json");
    } else if (http_status == 401 && (request.method == "GET" || request.method == "HEAD")) {
      response.status = 303;
      response.set_header("Location", "/signin");
    } else {
      response.set_content(WithMessage(AssetText("refused.html"), status.message()),
                           "text/html; charset=utf-8");
    }
  }

  void Register();
};

void WebServer::Impl::Register() {
  httplib::Server& server = *http;
  server.set_payload_max_length(kWebBodyBytesMax);
  // An idle connection holds one of the pool's threads until it times out.
  server.set_keep_alive_timeout(5);
  server.set_keep_alive_max_count(100);
  server.new_task_queue = [] { return new httplib::ThreadPool(kWebThreads); };
  // Before anything is read of a body: who the request is for, its body's size, and its method.
  server.set_pre_routing_handler(
      [this](const httplib::Request& request, httplib::Response& response) {
        auto refuse = [&](int status, const std::string& why) {
          response.set_header("Connection", "close");
          Refuse(request, response, status, Status::Error(v1::ERROR_CODE_QUERY_INVALID, why));
          return httplib::Server::HandlerResponse::Handled;
        };
        if (!tls && !IsLoopbackHost(request.get_header_value("Host"), port)) {
          return refuse(421,
                        "this insecure server answers only requests addressed to 127.0.0.1, "
                        "localhost or [::1] on its port");
        }
        // cpp-httplib bounds a body only by its Content-Length (set_payload_max_length: 413, the
        // body skipped unread): one sent in chunks, or compressed, could be any size once read.
        if (request.has_header("Transfer-Encoding")) {
          return refuse(411, "send the body with a Content-Length, not in chunks");
        }
        if (request.has_header("Content-Encoding"))
          return refuse(415, "send the body uncompressed");
        const bool form = request.path == "/signin" || request.path == "/signout";
        const bool allowed = request.method == "GET" || request.method == "HEAD" ||
                             (request.method == "POST" && form);
        if (allowed) return httplib::Server::HandlerResponse::Unhandled;
        response.set_header("Allow", form ? "GET, HEAD, POST" : "GET, HEAD");
        Refuse(request, response, 405,
               Status::Error(v1::ERROR_CODE_QUERY_INVALID,
                             "method " + request.method +
                                 " is not allowed here: the web view reads only "
                                 "(GET); only the sign-in and sign-out forms are posted"));
        return httplib::Server::HandlerResponse::Handled;
      });
  server.set_post_routing_handler([this](const httplib::Request&, httplib::Response& response) {
    for (const auto& [name, value] : SecurityHeaders()) response.set_header(name, value);
    if (tls) response.set_header("Strict-Transport-Security", "max-age=31536000");
    if (!response.has_header("Cache-Control")) response.set_header("Cache-Control", "no-store");
  });
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& request, httplib::Response& response) {
        if (!response.body.empty() || response.status == 303) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        const std::string what = response.status == 404   ? "no such page: " + request.path
                                 : response.status == 413 ? "the request is too large"
                                 : response.status == 414 ? "the address is too long"
                                                          : "the request is malformed";
        Refuse(request, response, response.status,
               Status::Error(v1::ERROR_CODE_QUERY_INVALID, what));
        return httplib::Server::HandlerResponse::Handled;
      }));

  server.Get("/static/(app\\.js|app\\.css|chart\\.js)", [this](const httplib::Request& request,
                                                               httplib::Response& response) {
    const std::string name = request.matches[1];
    const bool script = name != "app.css";
    const std::string type = script ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
    response.set_header("Cache-Control", "no-cache");
    response.set_content(name == "chart.js" ? chart_js : AssetText(name), type);
  });

  // No icon: answered without a body rather than as a missing page.
  server.Get("/favicon.ico",
             [](const httplib::Request&, httplib::Response& response) { response.status = 204; });

  server.Get("/signin", [this](const httplib::Request& request, httplib::Response& response) {
    std::string message;
    if (SignedIn(request).ok()) message = "You are signed in; signing in again replaces it.";
    response.set_content(WithMessage(AssetText("signin.html"), message),
                         "text/html; charset=utf-8");
  });

  server.Post("/signin", [this](const httplib::Request& request, httplib::Response& response) {
    auto again = [&](int status, const std::string& message) {
      response.status = status;
      response.set_content(WithMessage(AssetText("signin.html"), message),
                           "text/html; charset=utf-8");
    };
    if (!SameOrigin(request)) {
      return again(403, "The sign-in form must be sent from this server's own sign-in page.");
    }
    Result<Params> form = ParseQuery(request.body);
    if (!form.ok()) return again(400, form.status().message());
    std::string token;
    for (const auto& [name, value] : *form) {
      if (name == "token") token = Trimmed(value);
    }
    std::optional<std::string> authorization;
    if (!token.empty()) authorization = "Bearer " + token;
    const std::optional<std::string> certificate = CertificateName(request);
    Result<v1::Actor> actor = authenticator.Authenticate(authorization, certificate);
    if (!actor.ok()) {
      LogLine("web: a sign-in was refused: " + actor.status().message());
      return again(401, "Not signed in: " + actor.status().message());
    }
    std::optional<std::string> token_sha256;
    if (authorization && !authenticator.insecure()) token_sha256 = TokenHash(token);
    // A session the browser already had ends: one browser, one session.
    if (const std::string old = CookieValue(request, cookie()); !old.empty()) sessions.End(old);
    const std::string id = sessions.Start(actor->principal_id(), token_sha256);
    if (id.empty()) return again(503, "The server could not start a session; try again.");
    LogLine("web: " + actor->principal_id() + " signed in" +
            (token_sha256  ? " with a token"
             : certificate ? " with a client certificate"
                           : ""));
    const std::string lifetime_seconds = std::to_string(lifetime.count());
    response.set_header("Set-Cookie", std::string(cookie()) + "=" + id +
                                          "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                          lifetime_seconds + (tls ? "; Secure" : ""));
    response.status = 303;
    response.set_header("Location", "/");
  });

  server.Post("/signout", [this](const httplib::Request& request, httplib::Response& response) {
    if (!SameOrigin(request)) {
      return Refuse(request, response, 403,
                    Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                                  "the sign-out form must be sent from this server's own pages"));
    }
    const std::string id = CookieValue(request, cookie());
    if (!id.empty()) sessions.End(id);
    response.set_header("Set-Cookie", std::string(cookie()) +
                                          "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                          (tls ? "; Secure" : ""));
    response.status = 303;
    response.set_header("Location", "/signin");
  });

  server.Get("/", [this](const httplib::Request& request, httplib::Response& response) {
    Result<v1::Actor> actor = SignedIn(request);
    if (!actor.ok()) return Refuse(request, response, 401, actor.status());
    // A practice's home is its statement; every other role's, the partnership's variance.
    response.status = 303;
    response.set_header("Location", actor->role() == v1::ROLE_PRACTICE
                                        ? "/practice/" + actor->practice_ods_code() + "/statement"
                                        : "/partnership/variance");
  });

  // The partnership's pages and the journal: for every role but PRACTICE, which reads only its own
  // practice's pages (and whose API calls for the whole partnership are refused the same way).
  server.Get(
      "/(partnership/(variance|notices|members|cases|contracts)|journal|journal/[0-9]{1,19})",
      [this](const httplib::Request& request, httplib::Response& response) {
        Result<v1::Actor> actor = SignedIn(request);
        if (!actor.ok()) return Refuse(request, response, 401, actor.status());
        // Whoever may read the journal reads the whole partnership (every role but PRACTICE);
        // the API's own checks decide each read.
        if (Status journal = queries::MayReadJournal(*actor); !journal.ok()) {
          return Refuse(
              request, response, 403,
              actor->role() != v1::ROLE_PRACTICE
                  ? journal
                  : Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                                  "role PRACTICE (practice " + actor->practice_ods_code() +
                                      ") reads only its own pages, not the "
                                      "partnership's or the journal"));
        }
        response.set_content(AppPage(*actor), "text/html; charset=utf-8");
      });

  server.Get("/practice/([A-Za-z0-9]{1,16})/(statement|risk|budget|reserve)",
             [this](const httplib::Request& request, httplib::Response& response) {
               Result<v1::Actor> actor = SignedIn(request);
               if (!actor.ok()) return Refuse(request, response, 401, actor.status());
               const std::string ods = request.matches[1];
               if (actor->role() == v1::ROLE_PRACTICE && actor->practice_ods_code() != ods) {
                 return Refuse(
                     request, response, 403,
                     Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                                   "role PRACTICE (practice " + actor->practice_ods_code() +
                                       ") may read only its own pages, not " + ods + "'s"));
               }
               response.set_content(AppPage(*actor), "text/html; charset=utf-8");
             });

  server.Get("/api/v1/([A-Za-z]+)",
             [this](const httplib::Request& request, httplib::Response& response) {
               Result<v1::Actor> actor = SignedIn(request);
               if (!actor.ok()) return Refuse(request, response, 401, actor.status());
               const std::string method = request.matches[1];
               if (!JsonApi::Serves(method)) {
                 return Refuse(request, response, 404,
                               Status::Error(v1::ERROR_CODE_QUERY_INVALID,
                                             "no read method " + method +
                                                 " (the API serves the read RPCs of "
                                                 "lcp.v1.LedgerService; docs/web.md lists them)"));
               }
               // Parsed here rather than by cpp-httplib, which drops a repeated parameter with
               // the same value and keeps only the last part of a value holding '='.
               Result<Params> params = ParseQuery(QueryOf(request));
               if (!params.ok()) return Refuse(request, response, 400, params.status());
               Result<std::string> answer = api.Call(method, *params, *actor);
               if (!answer.ok())
                 return Refuse(request, response, HttpStatusFor(answer.status()), answer.status());
               response.set_content(*answer, "application/json");
             });
}

WebServer::WebServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebServer::~WebServer() { Stop(); }

void WebServer::Stop() {
  if (impl_ && impl_->http) impl_->http->stop();
  if (thread_.joinable()) thread_.join();
}

Result<std::unique_ptr<WebServer>> WebServer::Start(const WebOptions& options,
                                                    const Sequencer& sequencer,
                                                    const Authenticator& authenticator) {
  auto fail = [](std::string why) {
    return Status::Error(v1::ERROR_CODE_QUERY_INVALID, "the web view: " + std::move(why));
  };
  auto impl = std::make_unique<Impl>(options, sequencer, authenticator);
  std::ifstream chart(options.chart_js, std::ios::binary);
  std::ostringstream chart_text;
  chart_text << chart.rdbuf();
  if (!chart || chart_text.str().empty()) {
    return fail("cannot read Chart.js at " + options.chart_js +
                " (Debian's package libjs-chart.js installs it)");
  }
  impl->chart_js = chart_text.str();
  if (impl->tls) {
    impl->http = std::make_unique<httplib::SSLServer>(
        options.tls_cert.c_str(), options.tls_key.c_str(),
        options.client_ca.empty() ? nullptr : options.client_ca.c_str());
  } else {
    impl->http = std::make_unique<httplib::Server>();
  }
  if (!impl->http->is_valid()) {
    return fail("cannot use the certificate, key or client CA given for TLS");
  }
  impl->Register();
  const std::size_t colon = options.listen.rfind(':');
  if (colon == std::string::npos)
    return fail("--web-listen needs host:port, not " + options.listen);
  std::string host = options.listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    port = std::stoi(options.listen.substr(colon + 1));
  } catch (const std::exception&) {
    return fail("--web-listen needs a port number, not " + options.listen);
  }
  if (port < 0 || port > 65535) return fail("--web-listen port out of range: " + options.listen);
  if (port == 0) {
    port = impl->http->bind_to_any_port(host);
    if (port < 0) return fail("cannot listen on " + options.listen);
  } else if (!impl->http->bind_to_port(host, port)) {
    return fail("cannot listen on " + options.listen);
  }
  impl->port = port;
  auto server = std::unique_ptr<WebServer>(new WebServer(std::move(impl)));
  server->address_ = options.listen.substr(0, colon) + ":" + std::to_string(port);
  httplib::Server* http = server->impl_->http.get();
  server->thread_ = std::thread([http] { http->listen_after_bind(); });
  // stop() does nothing until the server runs: wait for it, so that a stop right after the start
  // is never lost.
  for (int i = 0; i < 5'000 && !http->is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return server;
}

}  // namespace lcp::web

// The web view: a read-only HTTP(S) server, in lcp-ledgerd's process on its own port
// (--web-listen), that serves the practices' pages (services/web/assets), Chart.js from Debian's
// libjs-chart.js, and the JSON API (web_api.h), through cpp-httplib.
//
//   GET  /signin, POST /signin      the sign-in form: a token (or the connection's client
//                                   certificate) starts a session (sessions.h), kept in the cookie
//                                   "__Host-lcp_session" (HttpOnly, Secure, SameSite=Strict)
//   POST /signout                   ends it
//   GET  /                          the signed-in principal's home: a practice's own statement, or
//                                   for other roles the list of practices
//   GET  /practice/ODS/PAGE         PAGE: statement, risk, budget or reserve
//   GET  /api/v1/METHOD?FIELD=...   a read RPC (web_api.h); a refusal is JSON with the HTTP status
//                                   HttpStatusFor gives
//   GET  /static/NAME               the pages' script, style sheet and Chart.js
//
// Every page and API call needs a live session and is authorised exactly as its gRPC twin; any
// other method is refused (405), and each POST must come from the view's own origin (403). Every
// response forbids framing and sniffing and carries a Content-Security-Policy that allows no
// inline script.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "ledger/base/status.h"
#include "services/auth.h"
#include "services/sequencer.h"

namespace lcp::web {

struct WebOptions {
  std::string listen;  // host:port; port 0 picks a free one.
  // The server's certificate and key (PEM files), as gRPC's; empty only on an insecure server,
  // which serves plain HTTP on loopback and signs everyone in as the local administrator.
  std::string tls_cert;
  std::string tls_key;
  // When set, every connection must present a client certificate signed by this CA, as gRPC's.
  std::string client_ca;
  std::chrono::seconds session_idle{std::chrono::minutes(30)};
  std::chrono::seconds session_lifetime{std::chrono::hours(12)};
  // Chart.js 3 (UMD), served as /static/chart.js.
  std::string chart_js = "/usr/share/javascript/chart.js/chart.min.js";
};

// The threads that answer requests; an idle keep-alive connection holds one for up to 5 seconds.
inline constexpr std::size_t kWebThreads = 16;

// The largest request body (the sign-in form) accepted, in bytes; a request line's URL is at most
// 8,192 bytes (414 beyond).
inline constexpr std::size_t kWebBodyBytesMax = 16 * 1024;

class WebServer {
 public:
  // Listens and starts serving on a thread of its own; or why it cannot.
  static Result<std::unique_ptr<WebServer>> Start(const WebOptions& options,
                                                  const Sequencer& sequencer,
                                                  const Authenticator& authenticator);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // The address listened on, with the port actually bound.
  const std::string& address() const { return address_; }
  // Stops accepting and waits for requests in progress.
  void Stop();

 private:
  struct Impl;
  explicit WebServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string address_;
  std::thread thread_;
};

}  // namespace lcp::web

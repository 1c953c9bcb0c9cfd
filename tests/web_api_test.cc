// The web view's JSON API and sign-in against the real lcp-ledgerd (over TLS, with --web-listen) on
// the sample books of tests/web/sample_books.sh: every route answers exactly what its gRPC twin
// answers, refusals included; sessions start, end, expire and are revoked; what is not a read is
// refused. And, in process, the parts free of HTTP: the request parser, the route list and the
// session store.
#include "services/web/web_api.h"

#include <google/protobuf/text_format.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "lcp/v1/ledger_service.grpc.pb.h"
#include "services/web/sessions.h"
#include "tests/process.h"
#include "tests/service_fixture.h"

namespace lcp {
namespace {

namespace pb = google::protobuf;
using testing::RunResult;
using testing::ServerProcess;
using testing::TempDir;

// A server that refuses a request before reading its body closes the connection under the client's
// write: the write must fail, not kill the test with SIGPIPE.
[[maybe_unused]] const bool kSigpipeIgnored = [] {
  signal(SIGPIPE, SIG_IGN);
  return true;
}();

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---- In process.

TEST(JsonApiRoutes, EveryUnaryReadOfTheServiceAndNothingElse) {
  // Worked out from the service's descriptor, apart from the code under test: the unary methods
  // but Submit, the one command.
  const pb::ServiceDescriptor* service =
      pb::DescriptorPool::generated_pool()->FindServiceByName("lcp.v1.LedgerService");
  ASSERT_NE(service, nullptr);
  std::vector<std::string> reads;
  for (int i = 0; i < service->method_count(); ++i) {
    const pb::MethodDescriptor* method = service->method(i);
    if (!method->client_streaming() && !method->server_streaming() && method->name() != "Submit") {
      reads.push_back(method->name());
    }
  }
  EXPECT_EQ(reads.size(), 18u);
  EXPECT_EQ(web::JsonApi::Methods(), reads);
  EXPECT_FALSE(web::JsonApi::Serves("Submit"));
  EXPECT_FALSE(web::JsonApi::Serves("Export"));
  EXPECT_FALSE(web::JsonApi::Serves("StreamEntries"));
}

TEST(JsonApiParse, FieldsByProtoOrJsonNameRepeatedAndMessages) {
  v1::GetRiskShareRequest request;
  ASSERT_TRUE(
      web::JsonApi::ParseRequest(
          {{"year", "2027/28"},
           {"odsCode", "A81001"},
           {"basis", "RISK_BASIS_PROJECTED"},
           {"what_ifs", R"({"odsCode":"A81001","budgetLine":"COMMUNITY","amount":{"value":"5"}})"},
           {"whatIfs",
            R"({"ods_code":"A81001","budget_line":"COMMUNITY","amount":{"value":"-2.50"}})"}},
          request)
          .ok());
  v1::GetRiskShareRequest expected;
  ASSERT_TRUE(pb::TextFormat::ParseFromString(
      R"(year: "2027/28" ods_code: "A81001" basis: RISK_BASIS_PROJECTED
         what_ifs { ods_code: "A81001" budget_line: "COMMUNITY" amount { value: "5" } }
         what_ifs { ods_code: "A81001" budget_line: "COMMUNITY" amount { value: "-2.50" } })",
      &expected));
  EXPECT_EQ(request.SerializeAsString(), expected.SerializeAsString()) << request.DebugString();

  v1::GetBalancesRequest balances;
  ASSERT_TRUE(
      web::JsonApi::ParseRequest(
          {{"accounts", "lcp:cash"}, {"accounts", "pct:allocation:COMMUNITY"}, {"as_of_seq", "12"}},
          balances)
          .ok());
  EXPECT_EQ(balances.accounts_size(), 2);
  EXPECT_EQ(balances.accounts(1), "pct:allocation:COMMUNITY");
  EXPECT_EQ(balances.as_of_seq(), 12u);

  v1::ListCasesRequest cases;
  ASSERT_TRUE(web::JsonApi::ParseRequest({{"late", "true"}}, cases).ok());
  EXPECT_TRUE(cases.late());
}

// The refusal of `params` as a request of type T.
template <typename T>
std::string Refusal(const web::Params& params) {
  T request;
  const Status status = web::JsonApi::ParseRequest(params, request);
  EXPECT_EQ(status.code(), v1::ERROR_CODE_QUERY_INVALID);
  return status.message();
}

TEST(JsonApiParse, WhatDoesNotFitIsRefusedSayingWhy) {
  EXPECT_EQ(Refusal<v1::GetStatementRequest>({{"bogus", "1"}}),
            "the parameter \"bogus\" names no field of lcp.v1.GetStatementRequest (its fields: "
            "year, month, ods_code)");
  EXPECT_EQ(Refusal<v1::GetStatementRequest>({{"year", "2026/27"}, {"year", "2027/28"}}),
            "the parameter \"year\" is given twice");
  EXPECT_EQ(Refusal<v1::GetStatementRequest>({{"ods_code", "A81001"}, {"odsCode", "A81002"}}),
            "the parameter \"ods_code\" is given twice");
  for (const std::string seq : {"twelve", "-1", "1.5", "1\",\"x\":\"2"}) {
    // A value that would break out of its JSON string is only ever a string.
    EXPECT_EQ(Refusal<v1::GetEntryRequest>({{"seq", seq}})
                  .rfind("the parameters do not fit lcp.v1.GetEntryRequest: ", 0),
              0u)
        << seq;
  }
  EXPECT_EQ(Refusal<v1::GetRiskShareRequest>({{"what_ifs", "{not json"}})
                .rfind("the parameter \"what_ifs\" is not a lcp.v1.WhatIf in JSON: ", 0),
            0u);
  EXPECT_EQ(Refusal<v1::GetRiskShareRequest>({{"what_ifs", R"({"odsCode":"A","extra":1})"}})
                .rfind("the parameter \"what_ifs\" is not a lcp.v1.WhatIf in JSON: ", 0),
            0u);
  EXPECT_EQ(Refusal<v1::GetRiskShareRequest>({{"basis", "RISK_BASIS_GUESSED"}})
                .rfind("the parameters do not fit lcp.v1.GetRiskShareRequest: ", 0),
            0u);
  EXPECT_EQ(Refusal<v1::ListCasesRequest>({{"late", "yes"}}),
            "the parameter \"late\" is true or false, not \"yes\"");
  web::Params many(1'101, {"what_ifs", "{}"});
  EXPECT_EQ(Refusal<v1::GetRiskShareRequest>(many), "too many parameters: at most 1100");
}

TEST(JsonApiParse, TheQueryStringKeepsEveryParameterAsSent) {
  Result<web::Params> params =
      web::ParseQuery("what_ifs=a&what_ifs=a&x=b%3Dc=d&name=Park+Lane%2FSurgery&&empty=&bare");
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  EXPECT_EQ(*params, (web::Params{{"what_ifs", "a"},
                                  {"what_ifs", "a"},
                                  {"x", "b=c=d"},
                                  {"name", "Park Lane/Surgery"},
                                  {"empty", ""},
                                  {"bare", ""}}));
  EXPECT_TRUE(web::ParseQuery("")->empty());
  for (const std::string bad : {"a=%", "a=%4", "a=%zz", "%g1=b"}) {
    Result<web::Params> refused = web::ParseQuery(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), v1::ERROR_CODE_QUERY_INVALID);
    EXPECT_NE(refused.status().message().find("malformed escape"), std::string::npos);
  }
  std::string many;
  for (int i = 0; i < 1'101; ++i) many += "a=1&";
  EXPECT_EQ(web::ParseQuery(many).status().message(), "too many parameters: at most 1100");
}

TEST(JsonApiStatus, RefusalsMapToHttp) {
  auto http = [](v1::ErrorCode code) { return web::HttpStatusFor(Status::Error(code, "x")); };
  EXPECT_EQ(http(v1::ERROR_CODE_QUERY_INVALID), 400);
  EXPECT_EQ(http(v1::ERROR_CODE_UNAUTHENTICATED), 401);
  EXPECT_EQ(http(v1::ERROR_CODE_PERMISSION_DENIED), 403);
  EXPECT_EQ(http(v1::ERROR_CODE_PRACTICE_UNKNOWN), 404);
  EXPECT_EQ(http(v1::ERROR_CODE_YEAR_NOT_OPEN), 409);
  EXPECT_EQ(http(v1::ERROR_CODE_CASE_ALREADY_EXISTS), 409);
  EXPECT_EQ(http(v1::ERROR_CODE_SERVER_BUSY), 429);
  EXPECT_EQ(http(v1::ERROR_CODE_SERVER_STOPPING), 503);
  EXPECT_EQ(http(v1::ERROR_CODE_STORAGE_FAILURE), 503);
  EXPECT_EQ(http(v1::ERROR_CODE_CHAIN_BROKEN), 500);
  EXPECT_EQ(web::ErrorJson(Status::Error(v1::ERROR_CODE_PERMISSION_DENIED, "a \"b\"\n")),
            R"({"error":{"code":"ERROR_CODE_PERMISSION_DENIED","message":"a \"b\"\u000a"}})");
}

TEST(Sessions, EndWhenIdleTooLongOldOrSignedOut) {
  auto now = std::chrono::steady_clock::time_point{};
  web::SessionStore sessions(std::chrono::minutes(30), std::chrono::hours(12), [&] { return now; });
  const std::string id = sessions.Start("riverside@lcp", std::string(64, 'a'));
  ASSERT_EQ(id.size(), 64u);
  EXPECT_NE(sessions.Start("riverside@lcp", std::nullopt), id);
  EXPECT_FALSE(sessions.Use("not-a-session"));
  now += std::chrono::minutes(30);
  ASSERT_TRUE(sessions.Use(id));  // 30 minutes idle: still live.
  EXPECT_EQ(sessions.Use(id)->principal_id, "riverside@lcp");
  now += std::chrono::minutes(30) + std::chrono::seconds(1);
  EXPECT_FALSE(sessions.Use(id));  // Idle too long: ended, and forgotten.
  EXPECT_EQ(sessions.size(), 1u);

  const std::string busy = sessions.Start("officer@lcp", std::nullopt);
  for (int half_hour = 1; half_hour <= 24; ++half_hour) {
    now += std::chrono::minutes(30);
    ASSERT_TRUE(sessions.Use(busy)) << half_hour;
  }
  now += std::chrono::seconds(1);
  EXPECT_FALSE(sessions.Use(busy));  // Used every few minutes, but older than 12 hours.

  const std::string ended = sessions.Start("officer@lcp", std::nullopt);
  sessions.End(ended);
  EXPECT_FALSE(sessions.Use(ended));
}

TEST(Sessions, NobodySignsOthersOutBySigningInAgainAndAgain) {
  auto now = std::chrono::steady_clock::time_point{};
  web::SessionStore sessions(std::chrono::minutes(30), std::chrono::hours(12), [&] { return now; });
  const std::string other = sessions.Start("hillview@lcp", std::nullopt);
  std::vector<std::string> own;
  for (int i = 0; i < 25; ++i) {
    now += std::chrono::seconds(1);
    own.push_back(sessions.Start("riverside@lcp", std::nullopt));
  }
  // Riverside keeps its 20 most recent; Hillview's session is untouched.
  EXPECT_EQ(sessions.size(), 21u);
  EXPECT_TRUE(sessions.Use(other));
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(sessions.Use(own[static_cast<std::size_t>(i)])) << i;
  for (int i = 5; i < 25; ++i) EXPECT_TRUE(sessions.Use(own[static_cast<std::size_t>(i)])) << i;
}

// ---- Against the real server.

class WebTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RunResult books = testing::Run("/bin/bash", {LCP_SOURCE_DIR "/tests/web/sample_books.sh",
                                                 LCP_BUILD_DIR, (dir_.path() / "data").string()});
    ASSERT_EQ(books.exit_code, 0) << books.err;
    certs_ = dir_.path() / "certs";
    RunResult made = testing::Run(
        "/bin/bash", {LCP_SOURCE_DIR "/scripts/dev-certs", certs_.string(), "officer@lcp"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    principals_ = (dir_.path() / "principals").string();
    for (const auto& [id, role] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"officer@lcp", {"--role", "LCP_FINANCE"}},
             {"riverside@lcp", {"--role", "PRACTICE", "--practice", "A81001"}},
             {"auditor@nao", {"--role", "AUDITOR"}}}) {
      std::vector<std::string> args = {"principal", "add", "--principals", principals_, "--id", id};
      args.insert(args.end(), role.begin(), role.end());
      RunResult added = testing::Run(LCP_LEDGERD_PATH, args);
      ASSERT_EQ(added.exit_code, 0) << added.err;
      tokens_[id] = added.out.substr(0, added.out.find('\n'));
    }
  }

  void Start(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--tls-cert",       (certs_ / "server.pem").string(),
                                     "--tls-key",        (certs_ / "server.key").string(),
                                     "--principals",     principals_,
                                     "--web-listen",     "127.0.0.1:0",
                                     "--web-ready-file", (dir_.path() / "web.ready").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ServerProcess>(LCP_LEDGERD_PATH, dir_.path() / "data", args);
    ASSERT_TRUE(server_->started()) << server_->Log();
    for (int i = 0; i < 500 && !std::filesystem::exists(dir_.path() / "web.ready"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::string address = ReadAll(dir_.path() / "web.ready");
    while (!address.empty() && address.back() == '\n') address.pop_back();
    web_port_ = std::stoi(address.substr(address.rfind(':') + 1));
    origin_ = "https://127.0.0.1:" + std::to_string(web_port_);
  }

  std::unique_ptr<httplib::SSLClient> Client(const std::string& certificate = "") {
    auto client = certificate.empty()
                      ? std::make_unique<httplib::SSLClient>("127.0.0.1", web_port_)
                      : std::make_unique<httplib::SSLClient>(
                            "127.0.0.1", web_port_, (certs_ / (certificate + ".pem")).string(),
                            (certs_ / (certificate + ".key")).string());
    client->set_ca_cert_path((certs_ / "ca.pem").string().c_str());
    client->enable_server_certificate_verification(true);
    return client;
  }

  // Signs in with `token` (from the view's own origin); returns the cookie to send, or "".
  std::string SignIn(const std::string& token, const std::string& certificate = "") {
    auto client = Client(certificate);
    httplib::Headers headers = {{"Origin", origin_}};
    auto response = client->Post("/signin", headers, httplib::Params{{"token", token}});
    if (!response || response->status != 303) return "";
    const std::string cookie = response->get_header_value("Set-Cookie");
    return cookie.substr(0, cookie.find(';'));
  }

  httplib::Result Get(const std::string& path, const std::string& cookie,
                      const std::string& certificate = "") {
    httplib::Headers headers;
    if (!cookie.empty()) headers.emplace("Cookie", cookie);
    return Client(certificate)->Get(path, headers);
  }

  // The gRPC twin: `method` with the request in text format, as `token`'s principal; the response
  // as the API prints it, or "GRPC_CODE ERROR_CODE" when refused.
  std::string Grpc(const std::string& method, const std::string& request_text,
                   const std::string& token) {
    const pb::MethodDescriptor* descriptor =
        pb::DescriptorPool::generated_pool()->FindMethodByName("lcp.v1.LedgerService." + method);
    EXPECT_NE(descriptor, nullptr) << method;
    if (descriptor == nullptr) return "";
    auto* factory = pb::MessageFactory::generated_factory();
    std::unique_ptr<pb::Message> request(factory->GetPrototype(descriptor->input_type())->New());
    std::unique_ptr<pb::Message> response(factory->GetPrototype(descriptor->output_type())->New());
    EXPECT_TRUE(pb::TextFormat::ParseFromString(request_text, request.get())) << request_text;
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = ReadAll(certs_ / "ca.pem");
    auto channel = grpc::CreateChannel(server_->address(), grpc::SslCredentials(ssl));
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    const std::string path = "/lcp.v1.LedgerService/" + method;
    grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC, channel);
    grpc::Status status = grpc::internal::BlockingUnaryCall<pb::Message, pb::Message>(
        channel.get(), rpc, &context, *request, response.get());
    if (!status.ok()) {
      const auto& trailers = context.GetServerTrailingMetadata();
      const auto code = trailers.find("lcp-error-code");
      return std::to_string(status.error_code()) + " " +
             (code == trailers.end() ? "" : std::string(code->second.data(), code->second.size()));
    }
    return web::ToJson(*response);
  }

  TempDir dir_;
  std::filesystem::path certs_;
  std::string principals_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<ServerProcess> server_;
  int web_port_ = 0;
  std::string origin_;
};

struct Twin {
  std::string method;
  std::string query;    // The API's query string.
  std::string request;  // The same request in protobuf's text format, for gRPC.
};

// One of each read, and several refusals, for a principal.
const std::vector<Twin>& Twins() {
  static const auto* const twins = new std::vector<Twin>{
      {"GetBalances", "account_prefix=practice:A81001&year=2027/28",
       "account_prefix: 'practice:A81001' year: '2027/28'"},
      {"GetBalances", "accounts=lcp:cash&accounts=practice:A81001:spend:COMMUNITY",
       "accounts: 'lcp:cash' accounts: 'practice:A81001:spend:COMMUNITY'"},
      {"GetEntry", "seq=37", "seq: 37"},
      {"GetEntry", "seq=9999", "seq: 9999"},
      {"ListEntries", "from_seq=30&page_size=5", "from_seq: 30 page_size: 5"},
      {"ListEntries", "account=practice:A81002:spend:COMMUNITY&postings_max=1&page_size=2",
       "account: 'practice:A81002:spend:COMMUNITY' postings_max: 1 page_size: 2"},
      {"ListEntries", "page_token=37&postings_max=2", "page_token: '37' postings_max: 2"},
      {"GetHead", "", ""},
      {"ListPractices", "", ""},
      {"GetAllocation", "year=2027/28&budget_line=COMMUNITY&run_seq=37",
       "year: '2027/28' budget_line: 'COMMUNITY' run_seq: 37"},
      {"GetAllocation", "year=2027/28&budget_line=COMMUNITY&ods_code=A81001",
       "year: '2027/28' budget_line: 'COMMUNITY' ods_code: 'A81001'"},
      {"GetContract", "contract_id=C-NONE", "contract_id: 'C-NONE'"},
      {"ListContracts", "", ""},
      {"ListInterests", "provider_code=NLO01", "provider_code: 'NLO01'"},
      {"GetStatement", "ods_code=A81001&month=M02", "ods_code: 'A81001' month: 'M02'"},
      {"GetStatement", "year=2026/27", "year: '2026/27'"},
      {"GetStatement", "ods_code=A81002", "ods_code: 'A81002'"},
      {"GetStatement", "month=M13", "month: 'M13'"},
      {"GetYear", "year=2027/28", "year: '2027/28'"},
      {"GetYear", "year=2031/32", "year: '2031/32'"},
      {"GetRiskShare",
       "ods_code=A81001&what_ifs=%7B%22odsCode%22%3A%22A81001%22%2C%22budgetLine%22%3A%22COMMUNITY"
       "%22%2C%22amount%22%3A%7B%22value%22%3A%22500000%22%7D%7D",
       "ods_code: 'A81001' what_ifs { ods_code: 'A81001' budget_line: 'COMMUNITY' "
       "amount { value: '500000' } }"},
      {"GetRiskShare", "year=2026/27&basis=RISK_BASIS_SETTLED",
       "year: '2026/27' basis: RISK_BASIS_SETTLED"},
      {"GetNotices", "year=2027/28", "year: '2027/28'"},
      {"ListMemberships", "year=2026/27", "year: '2026/27'"},
      {"GetReserve", "ods_code=A81001", "ods_code: 'A81001'"},
      {"GetReserve", "", ""},
      {"GetCase", "case_id=BC-2027-01&read_on=2027-07-01",
       "case_id: 'BC-2027-01' read_on: '2027-07-01'"},
      {"GetCase", "case_id=BC-NONE", "case_id: 'BC-NONE'"},
      {"ListCases", "ods_code=A81001&read_on=2027-07-01",
       "ods_code: 'A81001' read_on: '2027-07-01'"},
      {"ListCases", "", ""},
      {"GetCaseReport", "read_on=2027-08-10", "read_on: '2027-08-10'"},
  };
  return *twins;
}

// The HTTP status the API gives for a gRPC status code (web_api.h).
int HttpFor(int grpc_code) {
  switch (grpc_code) {
    case grpc::INVALID_ARGUMENT:
      return 400;
    case grpc::UNAUTHENTICATED:
      return 401;
    case grpc::PERMISSION_DENIED:
      return 403;
    case grpc::NOT_FOUND:
      return 404;
    case grpc::FAILED_PRECONDITION:
      return 409;
    default:
      return 500;
  }
}

TEST_F(WebTest, EveryRouteAnswersWhatItsGrpcTwinAnswers) {
  Start();
  std::set<std::string> covered;
  int refusals = 0;
  for (const std::string id : {"officer@lcp", "riverside@lcp", "auditor@nao"}) {
    const std::string cookie = SignIn(tokens_.at(id));
    ASSERT_FALSE(cookie.empty()) << id;
    for (const Twin& twin : Twins()) {
      SCOPED_TRACE(id + " " + twin.method + "?" + twin.query);
      const std::string expected = Grpc(twin.method, twin.request, tokens_.at(id));
      auto got =
          Get("/api/v1/" + twin.method + (twin.query.empty() ? "" : "?" + twin.query), cookie);
      ASSERT_TRUE(got);
      covered.insert(twin.method);
      if (expected.front() == '{') {
        EXPECT_EQ(got->status, 200) << got->body;
        EXPECT_EQ(got->body, expected);
        EXPECT_EQ(got->get_header_value("Content-Type"), "application/json");
      } else {
        ++refusals;
        const int grpc_code = std::stoi(expected.substr(0, expected.find(' ')));
        EXPECT_EQ(got->status, HttpFor(grpc_code)) << expected << " " << got->body;
        const std::string code = expected.substr(expected.find(' ') + 1);
        EXPECT_EQ(got->body.rfind("{\"error\":{\"code\":\"" + code + "\",\"message\":\"", 0), 0u)
            << got->body;
      }
    }
  }
  EXPECT_EQ(covered.size(), 18u);
  // The unknown entry, contract, year, case and month for each; A81002's statement for the
  // practice.
  EXPECT_GE(refusals, 16);
  // What a practice may not read is refused with 403, not found.
  const std::string practice = SignIn(tokens_.at("riverside@lcp"));
  auto other = Get("/api/v1/GetReserve?ods_code=A81002", practice);
  EXPECT_EQ(other->status, 403);
  EXPECT_EQ(
      other->body,
      R"({"error":{"code":"ERROR_CODE_PERMISSION_DENIED","message":"role PRACTICE (practice A81001) may read only its own reserve, not \"A81002\"'s"}})");
  // The figures themselves, worked out from sample_books.sh: Riverside's spend in M01 and M02.
  auto statement = Get("/api/v1/GetStatement?month=M02", practice);
  EXPECT_NE(statement->body.find(R"("actual":{"value":"155000.50"})"), std::string::npos)
      << statement->body;
  // A name that is an HTML element is JSON text, and the page shows it as text.
  const std::string officer = SignIn(tokens_.at("officer@lcp"));
  auto practices = Get("/api/v1/ListPractices", officer);
  EXPECT_NE(practices->body.find(
                R"({"odsCode":"Y99999","name":"\u003cscript\u003ealert(1)\u003c/script\u003e"})"),
            std::string::npos)
      << practices->body;
  EXPECT_EQ(practices->get_header_value("X-Content-Type-Options"), "nosniff");
}

TEST_F(WebTest, NothingIsServedWithoutASessionAndOnlyReadsAreAllowed) {
  Start();
  for (const std::string path : {"/api/v1/GetHead", "/api/v1/GetStatement?ods_code=A81001"}) {
    auto response = Get(path, "");
    EXPECT_EQ(response->status, 401) << path;
    EXPECT_EQ(
        response->body,
        R"({"error":{"code":"ERROR_CODE_UNAUTHENTICATED","message":"not signed in: sign in at /signin"}})");
    auto forged = Get(path, "__Host-lcp_session=" + std::string(64, '0'));
    EXPECT_EQ(forged->status, 401);
    EXPECT_NE(forged->body.find("the session has ended"), std::string::npos);
  }
  // A page sends the browser to the sign-in form.
  auto page = Get("/practice/A81001/statement", "");
  EXPECT_EQ(page->status, 303);
  EXPECT_EQ(page->get_header_value("Location"), "/signin");
  // The sign-in page, the script and the style sheet need no session; Chart.js is Debian's.
  auto signin = Get("/signin", "");
  EXPECT_EQ(signin->status, 200);
  EXPECT_NE(signin->body.find("<form method=\"post\" action=\"/signin\""), std::string::npos);
  auto chart = Get("/static/chart.js", "");
  EXPECT_EQ(chart->status, 200);
  EXPECT_EQ(chart->body, ReadAll("/usr/share/javascript/chart.js/chart.min.js"));
  EXPECT_EQ(chart->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  // Every response forbids inline script, framing and sniffing.
  for (const auto* response : {&signin, &chart, &page}) {
    EXPECT_EQ((*response)->get_header_value("Content-Security-Policy"),
              "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
              "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    EXPECT_EQ((*response)->get_header_value("X-Frame-Options"), "DENY");
    EXPECT_EQ((*response)->get_header_value("X-Content-Type-Options"), "nosniff");
  }
  const std::string cookie = SignIn(tokens_.at("officer@lcp"));
  ASSERT_FALSE(cookie.empty());
  auto unknown = Get("/api/v1/Submit", cookie);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_NE(unknown->body.find("no read method Submit"), std::string::npos);
  EXPECT_EQ(Get("/nowhere", cookie)->status, 404);
  auto client = Client();
  httplib::Headers headers = {{"Cookie", cookie}, {"Origin", origin_}};
  for (const std::string method : {"POST", "PUT", "DELETE", "PATCH"}) {
    httplib::Request request;
    request.method = method;
    request.path = "/api/v1/GetHead";
    request.headers = headers;
    auto response = client->send(request);
    ASSERT_TRUE(response) << method;
    EXPECT_EQ(response->status, 405) << method;
    EXPECT_EQ(response->get_header_value("Allow"), "GET, HEAD");
  }
  // Malformed and oversized requests.
  auto malformed = Get("/api/v1/GetEntry?seq=twelve", cookie);
  EXPECT_EQ(malformed->status, 400);
  EXPECT_NE(malformed->body.find("ERROR_CODE_QUERY_INVALID"), std::string::npos);
  auto long_url = Get("/api/v1/GetHead?x=" + std::string(9000, 'a'), cookie);
  ASSERT_TRUE(long_url);
  EXPECT_EQ(long_url->status, 414);
  auto big = client->Post("/signin", {{"Origin", origin_}}, std::string(17 * 1024, 'a'),
                          "application/x-www-form-urlencoded");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  // A body in chunks, or compressed, would be read whatever its size: refused before it is read,
  // and the connection closed. Closed with the body unread, the connection may be reset before the
  // client reads the refusal (TCP discards it), so the client sees the 411 or 415, or the
  // connection cut; either way the server read nothing of the body and goes on serving.
  auto chunked = Client()->Post(
      "/signin", {{"Origin", origin_}},
      [](std::size_t offset, httplib::DataSink& sink) {
        if (offset == 0) {
          const std::string chunk = "token=";
          sink.write(chunk.data(), chunk.size());
        } else {
          sink.done();
        }
        return true;
      },
      "application/x-www-form-urlencoded");
  if (chunked) {
    EXPECT_EQ(chunked->status, 411);
  }
  auto encoded = Client()->Post("/signin", {{"Origin", origin_}, {"Content-Encoding", "gzip"}},
                                std::string(100, 'a'), "application/x-www-form-urlencoded");
  if (encoded) {
    EXPECT_EQ(encoded->status, 415);
  }
  EXPECT_NE(server_->Log().find("web view:"), std::string::npos);
  EXPECT_EQ(Get("/signin", "")->status, 200);
  // A page asked for by HEAD without a session goes to the sign-in form too.
  auto head = Client()->Head("/practice/A81001/statement");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 303);
}

TEST_F(WebTest, SignInFromTheViewsOwnOriginSignOutAndRevocation) {
  Start();
  auto client = Client();
  // Not from the view's own page: refused, and no session.
  for (const std::string origin : {"", "https://evil.example", "null"}) {
    httplib::Headers headers;
    if (!origin.empty()) headers.emplace("Origin", origin);
    auto response =
        client->Post("/signin", headers, httplib::Params{{"token", tokens_.at("officer@lcp")}});
    EXPECT_EQ(response->status, 403) << origin;
    EXPECT_FALSE(response->has_header("Set-Cookie"));
  }
  // A wrong token is refused with the reason, escaped into the page.
  auto wrong = client->Post("/signin", {{"Origin", origin_}},
                            httplib::Params{{"token", "lcp_" + std::string(64, 'f')}});
  EXPECT_EQ(wrong->status, 401);
  EXPECT_NE(wrong->body.find("the bearer token is not recognised"), std::string::npos);
  EXPECT_FALSE(wrong->has_header("Set-Cookie"));
  auto malformed = client->Post("/signin", {{"Origin", origin_}},
                                httplib::Params{{"token", "<b>not a token</b>"}});
  EXPECT_EQ(malformed->status, 401);
  EXPECT_EQ(malformed->body.find("<b>"), std::string::npos);

  auto signed_in = client->Post("/signin", {{"Origin", origin_}},
                                httplib::Params{{"token", tokens_.at("riverside@lcp") + "\n"}});
  ASSERT_EQ(signed_in->status, 303);
  EXPECT_EQ(signed_in->get_header_value("Location"), "/");
  const std::string set_cookie = signed_in->get_header_value("Set-Cookie");
  EXPECT_NE(set_cookie.find("; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure"),
            std::string::npos)
      << set_cookie;
  EXPECT_EQ(set_cookie.rfind("__Host-lcp_session=", 0), 0u);
  EXPECT_EQ(set_cookie.find(tokens_.at("riverside@lcp")), std::string::npos);
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  auto home = Get("/", cookie);
  EXPECT_EQ(home->status, 303);
  EXPECT_EQ(home->get_header_value("Location"), "/practice/A81001/statement");
  EXPECT_EQ(Get("/practice/A81001/risk", cookie)->status, 200);
  auto other = Get("/practice/A81002/risk", cookie);
  EXPECT_EQ(other->status, 403);
  EXPECT_NE(other->body.find("may read only its own pages, not A81002&#39;s"), std::string::npos);

  // Sign-out must come from the view's own origin too; then the session is gone.
  auto forged = client->Post("/signout", {{"Cookie", cookie}, {"Origin", "https://evil.example"}},
                             "", "application/x-www-form-urlencoded");
  EXPECT_EQ(forged->status, 403);
  EXPECT_EQ(Get("/api/v1/GetHead", cookie)->status, 200);
  auto out = client->Post("/signout", {{"Cookie", cookie}, {"Origin", origin_}}, "",
                          "application/x-www-form-urlencoded");
  EXPECT_EQ(out->status, 303);
  EXPECT_EQ(out->get_header_value("Location"), "/signin");
  EXPECT_NE(out->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/GetHead", cookie)->status, 401);

  // A token revoked and the file re-read (SIGHUP) ends its sessions; others go on.
  const std::string officer = SignIn(tokens_.at("officer@lcp"));
  const std::string auditor = SignIn(tokens_.at("auditor@nao"));
  EXPECT_EQ(Get("/api/v1/GetHead", officer)->status, 200);
  RunResult revoked = testing::Run(LCP_LEDGERD_PATH, {"principal", "revoke", "--principals",
                                                      principals_, "--id", "officer@lcp"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  server_->Signal(SIGHUP);
  for (int i = 0; i < 500 && server_->Log().find("SIGHUP: re-read") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto gone = Get("/api/v1/GetHead", officer);
  EXPECT_EQ(gone->status, 401);
  EXPECT_NE(gone->body.find("officer@lcp\\\" was revoked or given a new token"), std::string::npos)
      << gone->body;
  EXPECT_EQ(Get("/api/v1/GetHead", officer)->status, 401);
  EXPECT_EQ(Get("/api/v1/GetHead", auditor)->status, 200);

  // Given a new token (revoked and added again under the same id): the old token's sessions end.
  ASSERT_EQ(testing::Run(LCP_LEDGERD_PATH, {"principal", "revoke", "--principals", principals_,
                                            "--id", "auditor@nao"})
                .exit_code,
            0);
  ASSERT_EQ(testing::Run(LCP_LEDGERD_PATH, {"principal", "add", "--principals", principals_, "--id",
                                            "auditor@nao", "--role", "AUDITOR"})
                .exit_code,
            0);
  server_->Signal(SIGHUP);
  for (int i = 0; i < 500; ++i) {
    const std::string log = server_->Log();
    const std::size_t first = log.find("SIGHUP: re-read");
    if (first != std::string::npos && log.find("SIGHUP: re-read", first + 1) != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(Get("/api/v1/GetHead", auditor)->status, 401);
}

TEST_F(WebTest, ThePartnershipsPagesAndTheJournalAreForEveryRoleButPractice) {
  Start();
  const std::vector<std::string> pages = {"/partnership/variance",
                                          "/partnership/notices",
                                          "/partnership/members",
                                          "/partnership/cases",
                                          "/partnership/contracts",
                                          "/journal",
                                          "/journal/37"};
  // Without a session: to the sign-in form.
  for (const std::string& page : pages) {
    auto response = Get(page, "");
    EXPECT_EQ(response->status, 303) << page;
    EXPECT_EQ(response->get_header_value("Location"), "/signin") << page;
  }
  // A practice: refused, saying why.
  const std::string practice = SignIn(tokens_.at("riverside@lcp"));
  ASSERT_FALSE(practice.empty());
  for (const std::string& page : pages) {
    auto response = Get(page, practice);
    EXPECT_EQ(response->status, 403) << page;
    EXPECT_NE(response->body.find("role PRACTICE (practice A81001) reads only its own pages, not "
                                  "the partnership&#39;s or the journal"),
              std::string::npos)
        << page;
  }
  // Its own pages name it and its role.
  auto own = Get("/practice/A81001/statement", practice);
  EXPECT_NE(own->body.find("<meta name=\"lcp-role\" content=\"ROLE_PRACTICE\">"),
            std::string::npos);
  EXPECT_NE(own->body.find("<meta name=\"lcp-practice\" content=\"A81001\">"), std::string::npos);
  EXPECT_NE(own->body.find("<span id=\"principal\">riverside@lcp</span>"), std::string::npos);
  EXPECT_NE(own->body.find("<meta name=\"lcp-reads-journal\" content=\"false\">"),
            std::string::npos);
  // Every other role: the page, its home being the variance page.
  for (const auto& [id, role] : std::vector<std::pair<std::string, std::string>>{
           {"officer@lcp", "ROLE_LCP_FINANCE"}, {"auditor@nao", "ROLE_AUDITOR"}}) {
    const std::string cookie = SignIn(tokens_.at(id));
    ASSERT_FALSE(cookie.empty()) << id;
    auto home = Get("/", cookie);
    EXPECT_EQ(home->status, 303) << id;
    EXPECT_EQ(home->get_header_value("Location"), "/partnership/variance") << id;
    for (const std::string& page : pages) {
      auto response = Get(page, cookie);
      EXPECT_EQ(response->status, 200) << id << " " << page;
      EXPECT_NE(response->body.find("<meta name=\"lcp-role\" content=\"" + role + "\">"),
                std::string::npos)
          << id << " " << page;
      EXPECT_NE(response->body.find("<meta name=\"lcp-practice\" content=\"\">"),
                std::string::npos);
      EXPECT_NE(response->body.find("<meta name=\"lcp-reads-journal\" content=\"true\">"),
                std::string::npos);
    }
    // No such page; a journal entry named by anything but its number; only reads.
    EXPECT_EQ(Get("/partnership/everything", cookie)->status, 404);
    EXPECT_EQ(Get("/journal/first", cookie)->status, 404);
    EXPECT_EQ(Get("/journal/" + std::string(20, '9'), cookie)->status, 404);
    auto posted = Client()->Post("/journal", {{"Cookie", cookie}, {"Origin", origin_}}, "",
                                 "application/x-www-form-urlencoded");
    ASSERT_TRUE(posted);
    EXPECT_EQ(posted->status, 405);
  }
}

TEST_F(WebTest, MutualTlsSignsInByCertificate) {
  Start({"--client-ca", (certs_ / "ca.pem").string()});
  // The certificate names officer@lcp: no token needed.
  const std::string cookie = SignIn("", "officer@lcp");
  ASSERT_FALSE(cookie.empty()) << server_->Log();
  auto head = Get("/api/v1/GetHead", cookie, "officer@lcp");
  EXPECT_EQ(head->status, 200) << head->body;
  EXPECT_NE(server_->Log().find("web: officer@lcp signed in with a client certificate"),
            std::string::npos);
  // Without a client certificate, no connection at all.
  EXPECT_FALSE(Get("/signin", ""));
}

TEST(WebStart, RefusedWithoutLoopbackWhenInsecureAndSaysWhy) {
  TempDir dir;
  RunResult refused = testing::Run(LCP_LEDGERD_PATH, {"--data-dir", (dir.path() / "data").string(),
                                                      "--insecure", "--web-listen", "0.0.0.0:0"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("--insecure serves the web view only on loopback"), std::string::npos)
      << refused.err;
  RunResult orphan =
      testing::Run(LCP_LEDGERD_PATH, {"--data-dir", (dir.path() / "data").string(), "--insecure",
                                      "--web-ready-file", (dir.path() / "web.ready").string()});
  EXPECT_EQ(orphan.exit_code, 1);
  EXPECT_NE(orphan.err.find("--web-ready-file needs --web-listen"), std::string::npos);
}

TEST(WebStart, AnInsecureServerServesPlainHttpOnLoopback) {
  TempDir dir;
  ServerProcess server(
      LCP_LEDGERD_PATH, dir.path() / "data",
      {"--web-listen", "127.0.0.1:0", "--web-ready-file", (dir.path() / "web.ready").string()});
  ASSERT_TRUE(server.started()) << server.Log();
  std::string address = ReadAll(dir.path() / "web.ready");
  httplib::Client client("127.0.0.1", std::stoi(address.substr(address.rfind(':') + 1)));
  const std::string origin = "http://127.0.0.1:" + address.substr(address.rfind(':') + 1);
  // No token: everyone is the local administrator, and the cookie cannot be Secure over HTTP.
  auto signed_in = client.Post("/signin", {{"Origin", origin.substr(0, origin.find('\n'))}},
                               httplib::Params{{"token", ""}});
  ASSERT_TRUE(signed_in);
  ASSERT_EQ(signed_in->status, 303) << signed_in->body;
  const std::string set_cookie = signed_in->get_header_value("Set-Cookie");
  EXPECT_EQ(set_cookie.rfind("lcp_session=", 0), 0u);
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos);
  auto head =
      client.Get("/api/v1/GetHead", {{"Cookie", set_cookie.substr(0, set_cookie.find(';'))}});
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "{\"seq\":\"0\",\"hash\":\"" + std::string(43, 'A') + "=\",\"hashHex\":\"" +
                            std::string(64, '0') + "\"}");
}

}  // namespace
}  // namespace lcp

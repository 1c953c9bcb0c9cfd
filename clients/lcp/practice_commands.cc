#include "clients/lcp/practice_commands.h"

#include <memory>

namespace lcp::client {
namespace {

// What the commands' options are read into; shared by the callbacks, so it lives as long as they
// do.
struct Arguments {
  std::string ods;
  std::string code;
  std::string name;
  std::string kind;
};

}  // namespace

void AddPracticeCommands(CLI::App& app, Options& options, int& exit_code) {
  auto args = std::make_shared<Arguments>();

  // practice add|list
  CLI::App* practice = app.add_subcommand("practice", "Member practices")->require_subcommand(1);
  CLI::App* practice_add = practice->add_subcommand("add", "Register a member practice");
  practice_add->add_option("ods", args->ods, "ODS code, e.g. A81001")->required();
  practice_add->add_option("name", args->name, "Practice name")->required();
  AddKeyOption(practice_add, options);
  practice_add->callback([&options, &exit_code, args] {
    v1::Command command;
    command.mutable_register_practice()->set_ods_code(args->ods);
    command.mutable_register_practice()->set_name(args->name);
    exit_code = SubmitOne(options, command);
  });

  CLI::App* practice_list = practice->add_subcommand("list", "List the member practices");
  practice_list->callback([&options, &exit_code] {
    exit_code = Query<v1::ListPracticesResponse>(
        options,
        [](LedgerClient& client, auto& response) { return client.ListPractices(response); },
        [](const auto& response) { return PracticesTable(response); });
  });

  // provider add
  CLI::App* provider = app.add_subcommand("provider", "Providers")->require_subcommand(1);
  CLI::App* provider_add = provider->add_subcommand("add", "Register a provider");
  provider_add->add_option("code", args->code, "Provider code, e.g. RX1")->required();
  provider_add->add_option("name", args->name, "Provider name")->required();
  provider_add
      ->add_option("--kind", args->kind,
                   "foundation_trust, community, independent or lcp_provider_arm")
      ->required();
  AddKeyOption(provider_add, options);
  provider_add->callback([&options, &exit_code, args] {
    v1::ProviderKind kind;
    if (!ParseEnum(args->kind, "PROVIDER_KIND_", &v1::ProviderKind_Parse, kind)) {
      std::cerr << "lcp: --kind must be foundation_trust, community, independent or "
                   "lcp_provider_arm\n";
      exit_code = kExitUsage;
      return;
    }
    v1::Command command;
    command.mutable_register_provider()->set_code(args->code);
    command.mutable_register_provider()->set_name(args->name);
    command.mutable_register_provider()->set_kind(kind);
    exit_code = SubmitOne(options, command);
  });
}

}  // namespace lcp::client

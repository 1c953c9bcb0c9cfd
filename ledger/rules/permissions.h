// Who may do what. One table, kRoleRights (permissions.cc), says for every role which commands it may
// issue and what it may read; the server checks calls against it and the journal checks every entry
// against it, on the way in and again on replay, so an export whose records name a role that could
// not have issued their command does not verify. README.md ("Who may do what") prints the same table.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "lcp/v1/ledger.pb.h"
#include "ledger/base/status.h"

namespace lcp {

// What a role may read of the balances.
enum class BalanceScope {
  kEverything,
  // Its own practice's accounts ("practice:<ODS>:...") and the LCP-wide ones ("lcp:...", "pct:...").
  kOwnPracticeAndLcpWide,
};

struct RoleRights {
  v1::Role role;
  std::string_view name;    // As the README and principals files write it: "LCP_FINANCE".
  std::uint64_t commands;   // Bit (1 << v1::Command::KindCase) for each kind of command it may issue.
  BalanceScope balances;    // GetBalances.
  bool reads_journal;       // GetEntry, ListEntries, StreamEntries.
  bool grantable;           // May be given to a principal in a principals file.
};

// Every role but ROLE_UNSPECIFIED, in enum order.
std::span<const RoleRights> AllRoleRights();
// The rights of `role`; null for ROLE_UNSPECIFIED and values outside the enum.
const RoleRights* RightsOf(v1::Role role);
// The role named `name` ("PRACTICE"), or ROLE_UNSPECIFIED.
v1::Role RoleNamed(std::string_view name);
// "LCP_FINANCE", or "UNSPECIFIED".
std::string RoleName(v1::Role role);

// What a command kind does, for messages: "post a journal".
std::string_view CommandKindText(v1::Command::KindCase kind);

// Whether `role` may issue at least one kind of command.
bool MayIssueAnyCommand(v1::Role role);

// PERMISSION_DENIED unless `actor`'s role may issue `command` (a command with no kind passes: the
// engine refuses it as COMMAND_EMPTY). The message names the role and who may issue it.
Status CheckMayIssue(const v1::Actor& actor, const v1::Command& command);

// Whether `actor` may read the balance of `account`.
bool MayReadAccount(const v1::Actor& actor, std::string_view account);
// Whether some account that `actor` may read starts with `prefix`.
bool MayReadSomeAccountWithPrefix(const v1::Actor& actor, std::string_view prefix);
// What `actor` may read, in words, for PERMISSION_DENIED messages.
std::string ReadableAccountsText(const v1::Actor& actor);

}  // namespace lcp

#include "ledger/rules/permissions.h"

#include <array>

namespace lcp {
namespace {

using Kind = v1::Command::KindCase;

constexpr std::uint64_t Bit(Kind kind) { return std::uint64_t{1} << static_cast<int>(kind); }

constexpr std::uint64_t kAdminCommands =
    Bit(Kind::kRegisterPractice) | Bit(Kind::kRegisterProvider) | Bit(Kind::kOpenYear);
constexpr std::uint64_t kFinanceCommands =
    Bit(Kind::kPostJournal) | Bit(Kind::kReverseEntry) | Bit(Kind::kSetBandWeights) |
    Bit(Kind::kRecordPopulation) | Bit(Kind::kSetPracticeIndices) | Bit(Kind::kRunAllocation) |
    Bit(Kind::kRegisterContract) | Bit(Kind::kDeclareInterest) | Bit(Kind::kApproveContract) |
    Bit(Kind::kVaryContract) | Bit(Kind::kPostPayment) | Bit(Kind::kCloseContract) |
    Bit(Kind::kProposeAgreement) | Bit(Kind::kCloseMonth) | Bit(Kind::kSettleYear) |
    Bit(Kind::kProposeBudgetTransfer) | Bit(Kind::kLeaveLcp) | Bit(Kind::kRecordMembershipTerms) |
    Bit(Kind::kSubmitCase) | Bit(Kind::kRequestCaseInformation) | Bit(Kind::kAnswerCase) |
    Bit(Kind::kDecideCase) | Bit(Kind::kWithdrawCase) | Bit(Kind::kCloseCase) |
    Bit(Kind::kDrawDownCase);
// PCT finance approves contracts and variations (and alone may approve MAKE or conflicted ones),
// co-signs risk-sharing agreements, confirms line totals, approves budget transfers, and decides
// MAKE and conflicted business cases (asking for information first if it needs to).
constexpr std::uint64_t kPctCommands =
    Bit(Kind::kApproveContract) | Bit(Kind::kCosignAgreement) | Bit(Kind::kConfirmLineTotal) |
    Bit(Kind::kApproveBudgetTransfer) | Bit(Kind::kRequestCaseInformation) | Bit(Kind::kDecideCase);
// A practice declares its own interests, acknowledges its notices, signs up and leaves, and
// proposes, consents to, answers for and withdraws business cases funded by its own reserve (the
// engine checks that it acts for itself).
constexpr std::uint64_t kPracticeCommands =
    Bit(Kind::kDeclareInterest) | Bit(Kind::kAcknowledgeNotice) | Bit(Kind::kSignMembership) |
    Bit(Kind::kLeaveLcp) | Bit(Kind::kSubmitCase) | Bit(Kind::kConsentCase) |
    Bit(Kind::kAnswerCase) | Bit(Kind::kWithdrawCase);

// The permission matrix. README.md ("Who may do what") prints it; keep the two the same.
constexpr std::array<RoleRights, 6> kRoleRights = {{
    // role               name            commands          balances journal grantable
    {v1::ROLE_ADMIN, "ADMIN", kAdminCommands, BalanceScope::kEverything, true, true},
    {v1::ROLE_LCP_FINANCE, "LCP_FINANCE", kFinanceCommands, BalanceScope::kEverything, true, true},
    {v1::ROLE_PCT_FINANCE, "PCT_FINANCE", kPctCommands, BalanceScope::kEverything, true, true},
    {v1::ROLE_PRACTICE, "PRACTICE", kPracticeCommands, BalanceScope::kOwnPracticeAndLcpWide, false,
     true},
    {v1::ROLE_AUDITOR, "AUDITOR", 0, BalanceScope::kEverything, true, true},
    {v1::ROLE_LOCAL_ADMIN, "LOCAL_ADMIN",
     kAdminCommands | kFinanceCommands | kPctCommands | kPracticeCommands,
     BalanceScope::kEverything, true, false},
}};

constexpr std::array<std::string_view, 2> kLcpWidePrefixes = {"lcp:", "pct:"};

std::string OwnPrefix(const v1::Actor& actor) {
  return "practice:" + actor.practice_ods_code() + ":";
}

// Every prefix under which `actor` may read, or empty for everything. REQUIRES: the role is known.
std::vector<std::string> ReadablePrefixes(const v1::Actor& actor) {
  const RoleRights* rights = RightsOf(actor.role());
  if (rights->balances == BalanceScope::kEverything) return {};
  std::vector<std::string> prefixes = {OwnPrefix(actor)};
  prefixes.insert(prefixes.end(), kLcpWidePrefixes.begin(), kLcpWidePrefixes.end());
  return prefixes;
}

}  // namespace

std::span<const RoleRights> AllRoleRights() { return kRoleRights; }

const RoleRights* RightsOf(v1::Role role) {
  for (const RoleRights& rights : kRoleRights) {
    if (rights.role == role) return &rights;
  }
  return nullptr;
}

v1::Role RoleNamed(std::string_view name) {
  for (const RoleRights& rights : kRoleRights) {
    if (rights.name == name) return rights.role;
  }
  return v1::ROLE_UNSPECIFIED;
}

std::string RoleName(v1::Role role) {
  const RoleRights* rights = RightsOf(role);
  return rights == nullptr ? "UNSPECIFIED" : std::string(rights->name);
}

std::string_view CommandKindText(v1::Command::KindCase kind) {
  switch (kind) {
    case Kind::kRegisterPractice:
      return "register a practice";
    case Kind::kRegisterProvider:
      return "register a provider";
    case Kind::kOpenYear:
      return "open a year";
    case Kind::kPostJournal:
      return "post a journal";
    case Kind::kReverseEntry:
      return "reverse an entry";
    case Kind::kSetBandWeights:
      return "set band weights";
    case Kind::kRecordPopulation:
      return "record a registered list";
    case Kind::kSetPracticeIndices:
      return "set practice indices";
    case Kind::kRunAllocation:
      return "run a capitation allocation";
    case Kind::kRegisterContract:
      return "register a contract";
    case Kind::kDeclareInterest:
      return "declare an interest";
    case Kind::kApproveContract:
      return "approve a contract or variation";
    case Kind::kVaryContract:
      return "propose a contract variation";
    case Kind::kPostPayment:
      return "post a contract payment";
    case Kind::kCloseContract:
      return "close a contract";
    case Kind::kProposeAgreement:
      return "propose a risk-sharing agreement";
    case Kind::kCosignAgreement:
      return "co-sign a risk-sharing agreement";
    case Kind::kCloseMonth:
      return "close a month";
    case Kind::kSettleYear:
      return "settle a year";
    case Kind::kConfirmLineTotal:
      return "confirm a line total";
    case Kind::kProposeBudgetTransfer:
      return "propose a budget transfer";
    case Kind::kApproveBudgetTransfer:
      return "approve a budget transfer";
    case Kind::kAcknowledgeNotice:
      return "acknowledge a budget notice";
    case Kind::kSignMembership:
      return "sign up for a year";
    case Kind::kLeaveLcp:
      return "leave the LCP";
    case Kind::kRecordMembershipTerms:
      return "record the membership terms";
    case Kind::kSubmitCase:
      return "submit a business case";
    case Kind::kConsentCase:
      return "consent to a business case";
    case Kind::kRequestCaseInformation:
      return "ask a business case's proposer for information";
    case Kind::kAnswerCase:
      return "answer a question on a business case";
    case Kind::kDecideCase:
      return "decide a business case";
    case Kind::kWithdrawCase:
      return "withdraw a business case";
    case Kind::kCloseCase:
      return "close a business case";
    case Kind::kDrawDownCase:
      return "draw down a business case";
    case Kind::KIND_NOT_SET:
      break;
  }
  return "issue an empty command";
}

bool MayIssueAnyCommand(v1::Role role) {
  const RoleRights* rights = RightsOf(role);
  return rights != nullptr && rights->commands != 0;
}

Status CheckMayIssue(const v1::Actor& actor, const v1::Command& command) {
  const Kind kind = command.kind_case();
  if (kind == Kind::KIND_NOT_SET) return Status::Ok();
  const RoleRights* rights = RightsOf(actor.role());
  if (rights != nullptr && (rights->commands & Bit(kind)) != 0) return Status::Ok();
  std::string who;
  for (const RoleRights& other : kRoleRights) {
    if (other.grantable && (other.commands & Bit(kind)) != 0) {
      who += (who.empty() ? "" : " or ") + std::string(other.name);
    }
  }
  return Status::Error(v1::ERROR_CODE_PERMISSION_DENIED,
                       "role " + RoleName(actor.role()) + " may not " +
                           std::string(CommandKindText(kind)) + "; ask a principal with role " +
                           who);
}

bool MayReadAccount(const v1::Actor& actor, std::string_view account) {
  // Called for every account a balance query scans, so it builds no strings.
  const RoleRights* rights = RightsOf(actor.role());
  if (rights == nullptr) return false;
  if (rights->balances == BalanceScope::kEverything) return true;
  for (std::string_view prefix : kLcpWidePrefixes) {
    if (account.starts_with(prefix)) return true;
  }
  constexpr std::string_view kPracticeScope = "practice:";
  const std::string& ods = actor.practice_ods_code();
  if (ods.empty() || !account.starts_with(kPracticeScope)) return false;
  const std::string_view rest = account.substr(kPracticeScope.size());
  return rest.starts_with(ods) && rest.size() > ods.size() && rest[ods.size()] == ':';
}

bool MayReadSomeAccountWithPrefix(const v1::Actor& actor, std::string_view prefix) {
  if (RightsOf(actor.role()) == nullptr) return false;
  const std::vector<std::string> prefixes = ReadablePrefixes(actor);
  if (prefixes.empty()) return true;
  for (const std::string& readable : prefixes) {
    // Either the asked-for prefix lies inside a readable subtree, or it covers one.
    if (prefix.starts_with(readable) || std::string_view(readable).starts_with(prefix)) return true;
  }
  return false;
}

std::string ReadableAccountsText(const v1::Actor& actor) {
  if (RightsOf(actor.role()) == nullptr) return "no accounts";
  const std::vector<std::string> prefixes = ReadablePrefixes(actor);
  if (prefixes.empty()) return "every account";
  std::string text;
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == prefixes.size() ? " and " : ", ") + ("\"" + prefixes[i] + "...\"");
  }
  return "only accounts under " + text;
}

}  // namespace lcp

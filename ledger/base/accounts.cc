#include "ledger/base/accounts.h"

#include <array>
#include <vector>

#include "ledger/base/rules_version.h"
#include "ledger/base/text.h"

namespace lcp {
namespace {

constexpr std::array kCategoryTable = {
    CategorySpec{Scope::kPractice, "budget", true, "the practice's budget on the line (debit)"},
    CategorySpec{Scope::kPractice, "commitment", true,
                 "commitments outstanding on the line (debit)"},
    CategorySpec{Scope::kPractice, "spend", true, "actual spend on the line (debit)"},
    CategorySpec{Scope::kPractice, "reinvestment", false,
                 "retained savings held for reinvestment in services (credit)"},
    CategorySpec{Scope::kPractice, "risk_share", false, "overspend borne by the practice (debit)"},
    CategorySpec{Scope::kProvider, "payable", false, "amounts owed to the provider (credit)"},
    CategorySpec{Scope::kLcp, "cash", false, "the partnership's bank account (debit)"},
    CategorySpec{Scope::kLcp, "encumbrance", true,
                 "the contra of commitments on the line (credit)"},
    CategorySpec{Scope::kLcp, "reserve", false, "the partnership's contingency reserve (credit)"},
    CategorySpec{Scope::kLcp, "reserve_carried_forward", false,
                 "practices' reinvestment reserves carried out of the year into the next (credit)"},
    CategorySpec{Scope::kLcp, "reserve_brought_forward", false,
                 "practices' reinvestment reserves brought into the year from the one before "
                 "(debit)"},
    CategorySpec{Scope::kLcp, "risk_pool", false,
                 "the pooled variance a settlement shared out: debit for savings, credit for an "
                 "overspend"},
    CategorySpec{Scope::kPct, "allocation", true,
                 "the PCT's allocation on the line, the contra of budgets (credit)"},
    CategorySpec{Scope::kPct, "funding", false, "cash the PCT has paid the LCP (credit)"},
    CategorySpec{Scope::kPct, "risk_share", false,
                 "the PCT's recovery of savings or underwriting of overspend"},
};

// Up to kSegmentsMax segments of a path; more than that is never a valid account.
constexpr std::size_t kSegmentsMax = 5;
struct Segments {
  std::array<std::string_view, kSegmentsMax> parts;
  std::size_t count = 0;
  bool too_many = false;
  std::size_t size() const { return count; }
  std::string_view operator[](std::size_t i) const { return parts[i]; }
};

Segments Split(std::string_view path) {
  Segments segments;
  std::size_t begin = 0;
  while (true) {
    if (segments.count == kSegmentsMax) {
      segments.too_many = true;
      return segments;
    }
    const std::size_t colon = path.find(':', begin);
    if (colon == std::string_view::npos) {
      segments.parts[segments.count++] = path.substr(begin);
      return segments;
    }
    segments.parts[segments.count++] = path.substr(begin, colon - begin);
    begin = colon + 1;
  }
}

bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

Status Malformed(std::string_view path, std::string_view why) {
  return Status::Error(v1::ERROR_CODE_ACCOUNT_MALFORMED,
                       "account " + Quoted(path, kAccountLengthMax) + " " + std::string(why) +
                           " (see \"Chart of accounts\" in docs/concepts.md)");
}

}  // namespace

std::span<const CategorySpec> Categories() { return kCategoryTable; }

bool IsOdsPracticeCode(std::string_view code) {
  if (code.size() != 6 || !IsUpper(code[0])) return false;
  for (std::size_t i = 1; i < code.size(); ++i) {
    if (!IsDigit(code[i])) return false;
  }
  return true;
}

bool IsProviderCode(std::string_view code) {
  if (code.size() < 3 || code.size() > 8 || !IsUpper(code[0])) return false;
  for (char c : code) {
    if (!IsUpper(c) && !IsDigit(c)) return false;
  }
  return true;
}

bool IsBudgetLineName(std::string_view name) {
  if (name.empty() || name.size() > 32 || !IsUpper(name[0])) return false;
  for (char c : name) {
    if (!IsUpper(c) && !IsDigit(c) && c != '_') return false;
  }
  return true;
}

Result<AccountRef> ParseAccount(std::string_view path) {
  if (path.empty()) return Malformed(path, "is empty");
  if (path.size() > kAccountLengthMax) {
    return Malformed(path, "is longer than " + std::to_string(kAccountLengthMax) + " characters");
  }
  const Segments segments = Split(path);
  if (segments.too_many) return Malformed(path, "has too many parts");
  AccountRef ref;
  std::size_t next = 1;
  if (segments[0] == "practice") {
    ref.scope = Scope::kPractice;
    if (segments.size() < 2 || !IsOdsPracticeCode(segments[1])) {
      return Malformed(path, "must name a practice by ODS code, as in practice:A81001:spend:AE");
    }
    ref.party = segments[1];
    next = 2;
  } else if (segments[0] == "provider") {
    ref.scope = Scope::kProvider;
    if (segments.size() < 2 || !IsProviderCode(segments[1])) {
      return Malformed(path, "must name a provider by code, as in provider:RX1:payable");
    }
    ref.party = segments[1];
    next = 2;
  } else if (segments[0] == "lcp") {
    ref.scope = Scope::kLcp;
  } else if (segments[0] == "pct") {
    ref.scope = Scope::kPct;
  } else {
    return Malformed(path, "must start with practice:, provider:, lcp: or pct:");
  }
  if (segments.size() <= next) return Malformed(path, "has no category");

  const std::string_view category = segments[next];
  const CategorySpec* spec = nullptr;
  for (const CategorySpec& candidate : kCategoryTable) {
    if (candidate.scope == ref.scope && candidate.name == category) spec = &candidate;
  }
  if (spec == nullptr) {
    std::string known;
    for (const CategorySpec& candidate : kCategoryTable) {
      if (candidate.scope != ref.scope) continue;
      if (!known.empty()) known += ", ";
      known += candidate.name;
    }
    return Malformed(path, "has an unknown category; here it may be one of: " + known);
  }
  ref.category = category;
  const std::size_t expected = next + (spec->per_line ? 2 : 1);
  if (segments.size() != expected) {
    return Malformed(path, spec->per_line ? "must end with exactly one budget line"
                                          : "must not have anything after its category");
  }
  if (spec->per_line) {
    if (!IsBudgetLineName(segments[next + 1])) {
      return Malformed(path, "ends with a malformed budget line name");
    }
    ref.line = segments[next + 1];
  }
  return ref;
}

AccountShape AccountShape::Of(std::string_view path, const AccountRef& ref) {
  auto begin = [&](std::string_view part) {
    return static_cast<std::uint8_t>(part.empty() ? 0 : part.data() - path.data());
  };
  AccountShape shape;
  shape.scope = ref.scope;
  shape.party_begin = begin(ref.party);
  shape.party_size = static_cast<std::uint8_t>(ref.party.size());
  shape.category_begin = begin(ref.category);
  shape.category_size = static_cast<std::uint8_t>(ref.category.size());
  shape.line_begin = begin(ref.line);
  shape.line_size = static_cast<std::uint8_t>(ref.line.size());
  return shape;
}

bool IsKeptBySettlements(std::string_view path, std::uint32_t rules) {
  if (path == "lcp:risk_pool") return true;
  // In the chart from rules 6; a journal never could move them.
  if (path == kReserveCarriedForwardAccount || path == kReserveBroughtForwardAccount) return true;
  if (!rules::InForce(rules, rules::kSettlementAccountsReserved)) return false;
  if (path == "pct:risk_share") return true;
  if (!path.starts_with("practice:")) return false;
  return path.ends_with(":reinvestment") || path.ends_with(":risk_share");
}

bool IsKeptByBudgets(std::string_view path) {
  return path.starts_with("practice:") && path.find(":budget:") != std::string_view::npos;
}

bool IsPctAllocation(std::string_view path) { return path.starts_with("pct:allocation:"); }

bool IsKeptByContracts(std::string_view path) {
  if (path.starts_with("lcp:encumbrance:")) return true;
  return path.starts_with("practice:") && path.find(":commitment:") != std::string_view::npos;
}

std::string PracticeAccount(std::string_view ods, std::string_view category, std::string_view line) {
  std::string path = "practice:" + std::string(ods) + ":" + std::string(category);
  if (!line.empty()) path += ":" + std::string(line);
  return path;
}

}  // namespace lcp

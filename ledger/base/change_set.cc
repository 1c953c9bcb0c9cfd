#include "ledger/base/change_set.h"

#include <utility>

namespace lcp {

void AddContracts(ChangeSet& changes, std::vector<std::shared_ptr<const Contract>> contracts) {
  if (contracts.empty()) return;
  if (changes.irreversible == Irreversible::kNo) changes.irreversible = Irreversible::kContract;
  for (std::shared_ptr<const Contract>& contract : contracts) {
    changes.changes.push_back(PutContract{std::move(contract)});
  }
}

}  // namespace lcp

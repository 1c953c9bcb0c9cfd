#include "ledger/base/key_index.h"

#include <utility>

#include "ledger/base/check.h"

namespace lcp {

KeyIndex::KeyIndex() : storage_(std::make_unique<Storage>()), table_(EmptyTable(storage_.get())) {}

KeyIndex::KeyIndex(const KeyIndex& other)
    : storage_(std::make_unique<Storage>(*other.storage_)), table_(EmptyTable(storage_.get())) {
  // The table's hash and equality must read this index's storage, so it is built anew.
  table_.reserve(storage_->ends.size());
  for (std::uint64_t seq = 1; seq <= storage_->ends.size(); ++seq) table_.insert(seq);
}

KeyIndex& KeyIndex::operator=(const KeyIndex& other) {
  if (this != &other) *this = KeyIndex(other);
  return *this;
}

KeyIndex::KeyIndex(KeyIndex&& other)
    : storage_(std::move(other.storage_)), table_(std::move(other.table_)) {
  other.storage_ = std::make_unique<Storage>();
  other.table_ = EmptyTable(other.storage_.get());
}

KeyIndex& KeyIndex::operator=(KeyIndex&& other) {
  if (this != &other) {
    // The table moves with the storage its functions point at.
    storage_ = std::move(other.storage_);
    table_ = std::move(other.table_);
    other.storage_ = std::make_unique<Storage>();
    other.table_ = EmptyTable(other.storage_.get());
  }
  return *this;
}

KeyIndex::~KeyIndex() = default;

std::uint64_t KeyIndex::Find(std::string_view key) const {
  auto found = table_.find(key);
  return found == table_.end() ? 0 : *found;
}

std::uint64_t KeyIndex::Claim(std::string_view key, std::uint64_t seq) {
  LCP_CHECK(seq == size() + 1);
  bool claimed = false;
  // One probe, which both finds an earlier entry and makes room for this one.
  auto slot = table_.lazy_emplace(key, [&](const Table::constructor& construct) {
    storage_->text.append(key);
    storage_->ends.push_back(storage_->text.size());
    construct(seq);
    claimed = true;
  });
  return claimed ? 0 : *slot;
}

void KeyIndex::UnclaimLast() {
  LCP_CHECK(size() > 0);
  const std::uint64_t seq = size();
  table_.erase(seq);
  storage_->ends.pop_back();
  storage_->text.resize(storage_->ends.empty() ? 0 : storage_->ends.back());
}

void KeyIndex::Reserve(std::size_t keys) {
  table_.reserve(keys);
  storage_->ends.reserve(keys);
}

bool KeyIndex::operator==(const KeyIndex& other) const {
  return storage_->ends == other.storage_->ends && storage_->text == other.storage_->text;
}

}  // namespace lcp

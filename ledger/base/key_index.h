// Which entry recorded each idempotency key. It is the one index that grows with every entry and is
// looked up at a random place by every command and every replayed entry, so it is kept compact: the
// keys back to back in one buffer, in entry order, and a hash table of entry numbers (8 bytes each)
// whose hash and equality read the key from that buffer. A table of std::string keys took about five
// times the memory, and a replay spent a sixth of its time waiting for it.
//
// Entries claim keys in order, one each: entry n's key is the nth. Looked up, never walked, so
// nothing can depend on hashing order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"

namespace lcp {

class KeyIndex {
 public:
  KeyIndex();
  KeyIndex(const KeyIndex& other);
  KeyIndex& operator=(const KeyIndex& other);
  // A moved-from index is empty.
  KeyIndex(KeyIndex&& other);
  KeyIndex& operator=(KeyIndex&& other);
  ~KeyIndex();

  // The entry that recorded `key`, or 0 if none did.
  std::uint64_t Find(std::string_view key) const;
  // Records `key` as entry `seq`'s, unless an earlier entry recorded it: returns that entry, or 0
  // when the key is now `seq`'s. REQUIRES: seq == size() + 1.
  std::uint64_t Claim(std::string_view key, std::uint64_t seq);
  // Takes back the newest claim, so that an all-or-nothing group can be undone newest first.
  // REQUIRES: size() > 0.
  void UnclaimLast();
  // Asks the processor to start fetching what Find(key) or Claim(key, ...) will read.
  void Prefetch(std::string_view key) const { table_.prefetch(key); }
  // Makes room for `keys` keys in all (a hint).
  void Reserve(std::size_t keys);

  // The number of keys claimed: the last entry that claimed one.
  std::uint64_t size() const { return storage_->ends.size(); }
  // The key entry `seq` recorded. REQUIRES: 1 <= seq <= size().
  std::string_view KeyOf(std::uint64_t seq) const { return storage_->KeyOf(seq); }

  // The same keys for the same entries.
  bool operator==(const KeyIndex& other) const;

 private:
  struct Storage {
    std::string text;                // Every key, back to back, in entry order.
    std::vector<std::uint64_t> ends;  // ends[n - 1]: where entry n's key ends in `text`.

    std::string_view KeyOf(std::uint64_t seq) const {
      const std::uint64_t begin = seq == 1 ? 0 : ends[seq - 2];
      return std::string_view(text).substr(begin, ends[seq - 1] - begin);
    }
  };
  // The table's hash and equality take an entry number or a key, and read an entry's key from the
  // storage, whose address stays fixed while the KeyIndex lives (it is moved by pointer).
  struct Hash {
    using is_transparent = void;
    const Storage* storage;
    std::size_t operator()(std::string_view key) const { return absl::Hash<std::string_view>{}(key); }
    std::size_t operator()(std::uint64_t seq) const { return (*this)(storage->KeyOf(seq)); }
  };
  struct Eq {
    using is_transparent = void;
    const Storage* storage;
    bool operator()(std::uint64_t a, std::uint64_t b) const { return a == b; }
    bool operator()(std::uint64_t seq, std::string_view key) const { return storage->KeyOf(seq) == key; }
    bool operator()(std::string_view key, std::uint64_t seq) const { return storage->KeyOf(seq) == key; }
  };
  using Table = absl::flat_hash_set<std::uint64_t, Hash, Eq>;

  static Table EmptyTable(const Storage* storage) { return Table(0, Hash{storage}, Eq{storage}); }

  std::unique_ptr<Storage> storage_;
  Table table_;
};

}  // namespace lcp

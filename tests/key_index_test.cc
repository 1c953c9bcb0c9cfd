// The idempotency-key index: claims in entry order, finds, refuses a second claim, undoes the newest,
// and copies and moves without sharing or losing keys.
#include "ledger/base/key_index.h"

#include <gtest/gtest.h>

#include <string>

namespace lcp {
namespace {

TEST(KeyIndex, ClaimsFindsAndNamesTheEarlierEntry) {
  KeyIndex keys;
  EXPECT_EQ(keys.size(), 0u);
  EXPECT_EQ(keys.Find("inv-1"), 0u);
  EXPECT_EQ(keys.Claim("inv-1", 1), 0u);
  EXPECT_EQ(keys.Claim("inv-2", 2), 0u);
  EXPECT_EQ(keys.Claim("", 3), 0u);  // An empty key is a key like any other.
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys.Find("inv-1"), 1u);
  EXPECT_EQ(keys.Find("inv-2"), 2u);
  EXPECT_EQ(keys.Find(""), 3u);
  EXPECT_EQ(keys.Find("inv-"), 0u);
  EXPECT_EQ(keys.Find("inv-12"), 0u);
  EXPECT_EQ(keys.KeyOf(2), "inv-2");
  EXPECT_EQ(keys.KeyOf(3), "");

  // A second claim of a key names the first entry and records nothing.
  EXPECT_EQ(keys.Claim("inv-2", 4), 2u);
  EXPECT_EQ(keys.Claim("", 4), 3u);
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys.Claim("inv-3", 4), 0u);
  EXPECT_EQ(keys.Find("inv-3"), 4u);
}

TEST(KeyIndex, KeysThatShareBytesStayApart) {
  // Back to back in one buffer, "ab" + "c" and "a" + "bc" must not be confused.
  KeyIndex keys;
  EXPECT_EQ(keys.Claim("ab", 1), 0u);
  EXPECT_EQ(keys.Claim("c", 2), 0u);
  EXPECT_EQ(keys.Find("abc"), 0u);
  EXPECT_EQ(keys.Find("a"), 0u);
  EXPECT_EQ(keys.Claim("a", 3), 0u);
  EXPECT_EQ(keys.Claim("bc", 4), 0u);
  EXPECT_EQ(keys.Find("ab"), 1u);
  EXPECT_EQ(keys.Find("c"), 2u);
  EXPECT_EQ(keys.Find("a"), 3u);
  EXPECT_EQ(keys.Find("bc"), 4u);
  const std::string with_nul("x\0y", 3);
  EXPECT_EQ(keys.Claim(with_nul, 5), 0u);
  EXPECT_EQ(keys.Find(with_nul), 5u);
  EXPECT_EQ(keys.Find("x"), 0u);
}

TEST(KeyIndex, UnclaimTakesBackTheNewestOnly) {
  KeyIndex keys;
  ASSERT_EQ(keys.Claim("a", 1), 0u);
  ASSERT_EQ(keys.Claim("bb", 2), 0u);
  ASSERT_EQ(keys.Claim("ccc", 3), 0u);
  keys.UnclaimLast();
  EXPECT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys.Find("ccc"), 0u);
  EXPECT_EQ(keys.Find("bb"), 2u);
  keys.UnclaimLast();
  EXPECT_EQ(keys.Find("bb"), 0u);
  EXPECT_EQ(keys.Find("a"), 1u);
  // The numbers are free again, for other keys.
  EXPECT_EQ(keys.Claim("dddd", 2), 0u);
  EXPECT_EQ(keys.KeyOf(2), "dddd");
  EXPECT_EQ(keys.Claim("bb", 3), 0u);
  EXPECT_EQ(keys.Find("bb"), 3u);
  KeyIndex same;
  ASSERT_EQ(same.Claim("a", 1), 0u);
  ASSERT_EQ(same.Claim("dddd", 2), 0u);
  ASSERT_EQ(same.Claim("bb", 3), 0u);
  EXPECT_EQ(keys, same);
}

TEST(KeyIndex, AMillionKeysThroughEveryGrowthOfTheTable) {
  KeyIndex keys;
  constexpr std::uint64_t kKeys = 1'000'000;
  for (std::uint64_t n = 1; n <= kKeys; ++n) {
    ASSERT_EQ(keys.Claim("key-" + std::to_string(n), n), 0u) << n;
  }
  for (std::uint64_t n = 1; n <= kKeys; n += 997) {
    EXPECT_EQ(keys.Find("key-" + std::to_string(n)), n);
    EXPECT_EQ(keys.Claim("key-" + std::to_string(n), kKeys + 1), n);
  }
  EXPECT_EQ(keys.Find("key-0"), 0u);
  EXPECT_EQ(keys.Find("key-1000001"), 0u);
  EXPECT_EQ(keys.size(), kKeys);
}

TEST(KeyIndex, CopiesAreIndependentAndMovesKeepEverything) {
  KeyIndex keys;
  ASSERT_EQ(keys.Claim("a", 1), 0u);
  ASSERT_EQ(keys.Claim("b", 2), 0u);
  KeyIndex copy = keys;
  EXPECT_EQ(copy, keys);
  ASSERT_EQ(copy.Claim("c", 3), 0u);
  EXPECT_EQ(keys.Find("c"), 0u);  // The original does not see the copy's claim,
  EXPECT_EQ(copy.Find("c"), 3u);
  EXPECT_FALSE(copy == keys);
  ASSERT_EQ(keys.Claim("z", 3), 0u);  // nor the copy the original's.
  EXPECT_EQ(copy.Find("z"), 0u);
  EXPECT_EQ(copy.Find("a"), 1u);

  KeyIndex moved = std::move(copy);
  EXPECT_EQ(moved.Find("c"), 3u);
  EXPECT_EQ(moved.Find("a"), 1u);
  EXPECT_EQ(moved.Claim("d", 4), 0u);
  EXPECT_EQ(copy.size(), 0u);  // NOLINT(bugprone-use-after-move): a moved-from index is empty.
  EXPECT_EQ(copy.Find("a"), 0u);
  EXPECT_EQ(copy.Claim("a", 1), 0u);

  KeyIndex assigned;
  assigned = moved;
  EXPECT_EQ(assigned, moved);
  EXPECT_EQ(assigned.Find("d"), 4u);
  assigned = std::move(keys);
  EXPECT_EQ(assigned.Find("z"), 3u);
  EXPECT_EQ(assigned.Find("d"), 0u);
}

}  // namespace
}  // namespace lcp

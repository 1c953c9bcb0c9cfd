#include "ledger/read/month_balances.h"

#include "ledger/read/snapshot.h"

namespace lcp {
namespace {

// Adds the postings of entries from_seq..to_seq into `year`'s practice accounts to `accounts`.
Status AddPostings(const RecordSource& records, std::uint64_t from_seq, std::uint64_t to_seq,
                   int year, std::map<std::string, MonthSums>& accounts) {
  return ForEachPosting(records, from_seq, to_seq,
                        [&](int posted_year, int month, const v1::Posting& posting) {
                          if (posted_year != year || !posting.account().starts_with("practice:")) {
                            return;
                          }
                          const auto index = static_cast<std::size_t>(month - 1);
                          MonthSums& sums = accounts[posting.account()];
                          sums.by_month[index] += Money::Parse(posting.amount().value())->pence();
                          ++sums.postings[index];
                        });
}

// The balances to the end of `month` of the accounts starting with `prefix`, less `newer` (the sums
// of entries after the head asked for, when `accounts` holds more than it): an account appears when
// a posting into those months remains.
std::map<std::string, Int> ToMonth(const std::map<std::string, MonthSums>& accounts, int month,
                                   std::string_view prefix,
                                   const std::map<std::string, MonthSums>* newer = nullptr) {
  const auto months = static_cast<std::size_t>(month);
  std::map<std::string, Int> balances;
  for (auto it = accounts.lower_bound(std::string(prefix));
       it != accounts.end() && it->first.starts_with(prefix); ++it) {
    const auto& [name, sums] = *it;
    const MonthSums* later = nullptr;
    if (newer != nullptr) {
      if (auto found = newer->find(name); found != newer->end()) later = &found->second;
    }
    std::uint64_t postings = 0;
    Int balance;
    for (std::size_t m = 0; m < months; ++m) {
      postings += sums.postings[m] - (later ? later->postings[m] : 0);
      balance += sums.by_month[m];
      if (later) balance -= later->by_month[m];
    }
    if (postings > 0) balances.emplace(name, std::move(balance));
  }
  return balances;
}

}  // namespace

Result<std::map<std::string, Int>> SumPracticesToMonth(const RecordSource& records,
                                                       std::uint64_t head_seq, int year, int month,
                                                       std::string_view prefix) {
  std::map<std::string, MonthSums> accounts;
  LCP_RETURN_IF_ERROR(AddPostings(records, 1, head_seq, year, accounts));
  return ToMonth(accounts, month, prefix);
}

Result<std::map<std::string, Int>> MonthBalances::PracticesToMonth(const RecordSource& records,
                                                                   std::uint64_t head_seq, int year,
                                                                   int month,
                                                                   std::string_view prefix) const {
  std::lock_guard lock(mutex_);
  Year& kept = years_[year];
  if (head_seq < kept.through_seq) {
    std::map<std::string, MonthSums> newer;
    LCP_RETURN_IF_ERROR(AddPostings(records, head_seq + 1, kept.through_seq, year, newer));
    return ToMonth(kept.accounts, month, prefix, &newer);
  }
  if (head_seq > kept.through_seq) {
    Status added = AddPostings(records, kept.through_seq + 1, head_seq, year, kept.accounts);
    if (!added.ok()) {
      // Part of the range may have been added: forget the year rather than count it twice.
      years_.erase(year);
      return added;
    }
    kept.through_seq = head_seq;
  }
  return ToMonth(kept.accounts, month, prefix);
}

}  // namespace lcp

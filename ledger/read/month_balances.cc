#include "ledger/read/month_balances.h"

#include <algorithm>

#include "ledger/base/periods.h"
#include "ledger/read/snapshot.h"

namespace lcp {
namespace {

// Adds the postings of entries from_seq..to_seq into `year`'s practice accounts to `accounts`.
Status AddPostings(const RecordSource& records, std::uint64_t from_seq, std::uint64_t to_seq,
                   int year, std::map<std::string, MonthSums>& accounts) {
  constexpr std::size_t kChunk = 4096;
  for (std::uint64_t from = from_seq; from <= to_seq; from += kChunk) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, to_seq - from + 1));
    for (const v1::JournalRecord& record : records.Range(from, want)) {
      v1::JournalEntry entry;
      if (!entry.ParseFromString(record.body())) {
        return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                             "record " + std::to_string(record.seq()) + " does not parse");
      }
      for (const v1::Posting& posting : entry.postings()) {
        if (!posting.account().starts_with("practice:")) continue;
        const v1::Period& period = posting.has_period() ? posting.period() : entry.period();
        if (*ParseYear(period.year()) != year) continue;
        const auto index = static_cast<std::size_t>(*ParseMonth(period.month()) - 1);
        MonthSums& sums = accounts[posting.account()];
        sums.by_month[index] += Money::Parse(posting.amount().value())->pence();
        ++sums.postings[index];
      }
    }
  }
  return Status::Ok();
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

// Practices' balances as of a month end, for statements "as of M06" (queries::GetStatement).
// Summing every posting of the journal for each such statement costs the whole journal every time,
// and a practice's statement page asks for every month end of the year. A MonthBalances keeps, for
// each year asked for, every practice account's sum per month of that year, built from the records
// once and then extended by only the entries recorded since it was last asked: a statement to a
// month end costs the entries since, and a pass over the year's practice accounts.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "ledger/base/decimal.h"
#include "ledger/base/status.h"

namespace lcp {

class RecordSource;

// The balances of the "practice:" accounts of financial year `year` (its start year) from the
// postings of entries 1..head_seq into month `month` (1 to 12) of that year or an earlier month,
// each posting in its own period (Posting.period, else its entry's). An account appears when it has
// a posting in those months; with `prefix`, only the accounts whose names start with it
// ("practice:A81001:"). RECORD_CORRUPT when a record does not parse.
Result<std::map<std::string, Int>> SumPracticesToMonth(const RecordSource& records,
                                                       std::uint64_t head_seq, int year, int month,
                                                       std::string_view prefix = "");

// One account's sums per month of a year, and how many postings made each.
struct MonthSums {
  std::array<Int, 12> by_month;
  std::array<std::uint32_t, 12> postings{};
};

// SumPracticesToMonth's answers, with what was summed kept between calls. Records never change once
// written, so the sums of entries 1..N stay true and a later call reads only the entries after N;
// a call for an earlier head (a snapshot older than the latest one asked about) takes the kept sums
// less the entries after its head. Safe to call from many threads (one sums at a time).
class MonthBalances {
 public:
  Result<std::map<std::string, Int>> PracticesToMonth(const RecordSource& records,
                                                      std::uint64_t head_seq, int year, int month,
                                                      std::string_view prefix = "") const;

 private:
  struct Year {
    std::uint64_t through_seq = 0;  // Entries 1..through_seq are summed.
    std::map<std::string, MonthSums> accounts;
  };

  mutable std::mutex mutex_;
  mutable std::map<int, Year> years_;  // GUARDED_BY(mutex_)
};

}  // namespace lcp

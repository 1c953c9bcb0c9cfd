// An export's postings as a plain-text accounting journal, for hledger or beancount, so that an
// auditor can cross-check lcp-audit's balances with another tool. Every account is prefixed with its
// financial year (balances are kept per year), and an entry whose postings fall in several periods
// (a contract's commitment for another year) becomes one transaction per period, each balanced.
#pragma once

#include <istream>
#include <ostream>
#include <string>

#include "ledger/base/status.h"

namespace lcp::audit {

enum class JournalFormat { kHledger, kBeancount };

// Writes the postings of every record of `in` (an export already verified and replayed) to `out`.
// Fails (RECORD_CORRUPT, EXPORT_MALFORMED) only on a file that does not read.
Status Convert(std::istream& in, JournalFormat format, std::ostream& out);

// The account as the format writes it: "2026/27:practice:A81001:budget:ELECTIVE" for hledger,
// "Assets:FY2026-27:Practice:A81001:Budget:ELECTIVE" for beancount.
std::string ConvertedAccount(JournalFormat format, int start_year, const std::string& account);

}  // namespace lcp::audit

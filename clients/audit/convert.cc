#include "clients/audit/convert.h"

#include <algorithm>
#include <set>
#include <vector>

#include "ledger/base/chain.h"
#include "ledger/base/decimal.h"
#include "ledger/base/export_file.h"
#include "ledger/base/periods.h"
#include "ledger/rules/permissions.h"

namespace lcp::audit {
namespace {

// The first day of a financial month: M01 of 2026/27 is 2026-04-01, M12 is 2027-03-01.
std::string MonthDate(int start_year, int month) {
  const int calendar_month = (month + 2) % 12 + 1;
  const int calendar_year = month <= 9 ? start_year : start_year + 1;
  const std::string mm = (calendar_month < 10 ? "0" : "") + std::to_string(calendar_month);
  return std::to_string(calendar_year) + "-" + mm + "-01";
}

// "risk_share" as a beancount component: "Risk-share".
std::string BeancountComponent(std::string part) {
  for (char& c : part) {
    if (c == '_') c = '-';
  }
  if (!part.empty() && part[0] >= 'a' && part[0] <= 'z') part[0] = static_cast<char>(part[0] - 'a' + 'A');
  return part;
}

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Description(const v1::JournalEntry& entry) {
  std::string text(CommandKindText(entry.command().kind_case()));
  if (entry.command().has_post_journal()) text += ": " + entry.command().post_journal().narrative();
  if (entry.command().has_reverse_entry()) {
    text += " " + std::to_string(entry.command().reverse_entry().seq()) + ": " +
            entry.command().reverse_entry().reason();
  }
  return text;
}

}  // namespace

std::string ConvertedAccount(JournalFormat format, int start_year, const std::string& account) {
  if (format == JournalFormat::kHledger) return FormatYear(start_year) + ":" + account;
  std::string out = "Assets:FY" + std::to_string(start_year) + "-" +
                    std::string(FormatYear(start_year)).substr(5, 2);
  std::size_t begin = 0;
  while (begin <= account.size()) {
    std::size_t end = account.find(':', begin);
    if (end == std::string::npos) end = account.size();
    out += ":" + BeancountComponent(account.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

Status Convert(std::istream& in, JournalFormat format, std::ostream& out) {
  ExportReader reader(in);
  Result<v1::ExportHeader> header = reader.ReadHeader();
  if (!header.ok()) return header.status();
  const bool hledger = format == JournalFormat::kHledger;
  const std::string comment = "; ";
  out << comment << "lcpledger export: entries " << header->first_seq() << " to " << header->last_seq()
      << ", head " << ToHex(header->head_hash()) << "\n"
      << comment << "Converted by lcp-audit. Every account starts with its financial year, whose\n"
      << comment << "balances it holds; amounts are signed as in the ledger (debits positive).\n\n";
  std::set<std::string> opened;
  std::string transactions;
  while (true) {
    Result<std::optional<v1::JournalRecord>> next = reader.Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) break;
    const v1::JournalRecord& record = **next;
    v1::JournalEntry entry;
    if (!entry.ParseFromString(record.body())) {
      return Status::Error(v1::ERROR_CODE_RECORD_CORRUPT,
                           "record " + std::to_string(record.seq()) + " does not parse");
    }
    if (entry.postings().empty()) continue;
    // The postings by their own period, in the order they first appear.
    std::vector<std::pair<std::pair<int, int>, std::vector<const v1::Posting*>>> periods;
    for (const v1::Posting& posting : entry.postings()) {
      const v1::Period& period = posting.has_period() ? posting.period() : entry.period();
      const std::pair<int, int> key(*ParseYear(period.year()), *ParseMonth(period.month()));
      auto group = std::find_if(periods.begin(), periods.end(),
                                [&](const auto& p) { return p.first == key; });
      if (group == periods.end()) group = periods.insert(periods.end(), {key, {}});
      group->second.push_back(&posting);
    }
    for (const auto& [period, postings] : periods) {
      const std::string date = MonthDate(period.first, period.second);
      const std::string what = "entry " + std::to_string(record.seq()) + ": " + Description(entry);
      transactions += hledger ? date + " (" + std::to_string(record.seq()) + ") " + what + "\n"
                              : date + " * " + Quote(what) + "\n";
      for (const v1::Posting* posting : postings) {
        const std::string account = ConvertedAccount(format, period.first, posting->account());
        opened.insert(account);
        transactions += "    " + account + "  " + posting->amount().value() + " GBP\n";
      }
      transactions += "\n";
    }
  }
  if (!hledger) {
    out << "option \"operating_currency\" \"GBP\"\n\n";
    for (const std::string& account : opened) out << "2000-01-01 open " << account << " GBP\n";
    out << "\n";
  }
  out << transactions;
  return out ? Status::Ok()
             : Status::Error(v1::ERROR_CODE_STORAGE_FAILURE, "the journal could not be written");
}

}  // namespace lcp::audit

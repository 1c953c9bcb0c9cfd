// The CSV readers lcp runs on files a user gives it (clients/lcp/csv_import.h): the first byte
// picks the reader ('0' lists, '1' weights, '2' indices, '3' payments; any byte, by its two low
// bits), the rest is the file. Asserts: nothing crashes; every problem names a line within the
// file; amounts made canonical stay so; the date and case helpers are idempotent.
#include <cstddef>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "clients/lcp/csv_import.h"
#include "fuzz/fuzz_support.h"

namespace {

using lcp::fuzz::Require;

void CheckProblems(const std::vector<lcp::client::CsvProblem>& problems, std::size_t lines) {
  for (const lcp::client::CsvProblem& problem : problems) {
    Require(problem.line <= lines + 1, "a problem's line " + std::to_string(problem.line) +
                                           " is within the file's " + std::to_string(lines));
    Require(!problem.message.empty(), "a problem says what is wrong");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::size_t lines = 1;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  std::istringstream in(text);
  std::vector<lcp::client::CsvProblem> problems;
  switch (data[0] & 3) {
    case 0: {
      const lcp::client::ListsFile lists =
          lcp::client::ParseNhsLists(in, {"A81001", "A81002", "A81003"});
      CheckProblems(lists.problems, lines);
      break;
    }
    case 1:
      lcp::client::ParseWeights(in, problems);
      break;
    case 2:
      lcp::client::ParseIndices(in, problems);
      break;
    default:
      for (const lcp::client::PaymentLine& payment : lcp::client::ParsePayments(in, problems)) {
        Require(payment.line >= 1 && payment.line <= lines, "a payment's line is in the file");
        const std::string& amount = payment.payment.amount().value();
        Require(lcp::client::CanonicalAmount(amount) == amount, "a payment's amount is canonical");
      }
      break;
  }
  CheckProblems(problems, lines);
  const std::string canonical = lcp::client::CanonicalAmount(text);
  Require(lcp::client::CanonicalAmount(canonical) == canonical, "CanonicalAmount is idempotent");
  const std::string date = lcp::client::NormalizeExtractDate(text);
  Require(date.empty() || (date.size() == 10 && lcp::client::NormalizeExtractDate(date) == date),
          "NormalizeExtractDate gives YYYY-MM-DD or nothing: " + date);
  const std::string upper = lcp::client::Upper(text);
  Require(lcp::client::Upper(upper) == upper && upper.size() == text.size(), "Upper is idempotent");
  return 0;
}

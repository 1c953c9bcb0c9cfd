// The CSV files lcp reads for capitation: the NHS Digital "Patients Registered at a GP Practice"
// five-year band file (gp-reg-pat-prac-quin-age.csv), and the simple weights and indices files of
// docs/capitation.md. Parsing only: every problem is reported with its line number, and the
// caller records nothing when there is any.
#pragma once

#include <cstddef>
#include <istream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lcp/v1/ledger.pb.h"

namespace lcp::client {

// `text` in ASCII upper case, as ODS codes, bands and enum names are written.
std::string Upper(std::string text);

struct CsvProblem {
  std::size_t line = 0;  // 1-based; 0 for the file as a whole.
  std::string message;
};

struct ListsFile {
  std::string extract_date;  // YYYY-MM-DD.
  // One command per member practice with rows, by ODS code.
  std::map<std::string, v1::RecordPopulation> lists;
  std::size_t rows = 0;              // Data lines read.
  std::size_t non_member_rows = 0;   // Rows of practices that are not members, skipped.
  std::set<std::string> non_members;
  std::size_t all_rows = 0;          // SEX or AGE_GROUP_5 "ALL" rows: checked, not recorded.
  std::vector<CsvProblem> problems;
};

// Reads the NHS Digital file. `members` are the registered practices' ODS codes.
ListsFile ParseNhsLists(std::istream& in, const std::set<std::string>& members);

// Reads a weights file: a header "band,weight", then one line per band.
std::vector<v1::BandWeight> ParseWeights(std::istream& in, std::vector<CsvProblem>& problems);

// Reads an indices file: a header "ods_code,needs_index,market_forces_factor" (the last column may be
// left empty, or left out), then one line per practice.
std::vector<v1::PracticeIndex> ParseIndices(std::istream& in, std::vector<CsvProblem>& problems);

// One invoice of a payments file, as the command it becomes (its period is set by the caller).
struct PaymentLine {
  std::size_t line = 0;
  v1::PostPayment payment;
};

// Reads a payments file: a header "contract_id,invoice_reference,amount,activity_count,
// practice_amounts" (the last two columns may be left empty, or left out), then one invoice per line.
// practice_amounts, for ACTIVITY contracts, is "A81001=120.00;A81002=80.00". Amounts are made canonical
// and ODS codes upper case. Lines with problems (an invoice reference that could not be a key, a
// malformed count or part) are reported and left out; the others are returned in file order.
std::vector<PaymentLine> ParsePayments(std::istream& in, std::vector<CsvProblem>& problems);

// An amount as the ledger writes it ("50000" as "50000.00"), so that the same invoice written two ways
// is the same command; text that is not an amount is left for the server to refuse.
std::string CanonicalAmount(const std::string& text);

// "01JUN2026" or "2026-06-01" as "2026-06-01"; "" when it is neither.
std::string NormalizeExtractDate(const std::string& text);

}  // namespace lcp::client

#include "clients/lcp/csv_import.h"

#include <algorithm>
#include <array>
#include <optional>

#include "ledger/base/decimal.h"
#include "ledger/base/text.h"
#include "ledger/rules/capitation.h"
#include "ledger/rules/contracts.h"

namespace lcp::client {

std::string Upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

namespace {

// Splits one CSV line: commas, and fields in double quotes (with "" for a quote). Returns nullopt for
// an unterminated quote.
std::optional<std::vector<std::string>> SplitCsv(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  if (quoted) return std::nullopt;
  for (std::string& field : fields) {
    const std::size_t first = field.find_first_not_of(" \t");
    const std::size_t last = field.find_last_not_of(" \t");
    field = first == std::string::npos ? "" : field.substr(first, last - first + 1);
  }
  return fields;
}

// Reads lines, dropping a final carriage return and a leading byte-order mark.
bool ReadLine(std::istream& in, std::string& line, std::size_t& number) {
  if (!std::getline(in, line)) return false;
  ++number;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
  return true;
}


// The whole number in `text` (digits only), or nullopt.
std::optional<std::int64_t> WholeNumber(const std::string& text) {
  if (text.empty() || text.size() > 12 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(text);
}

constexpr std::array<const char*, 20> kAges = {"0_4",   "5_9",   "10_14", "15_19", "20_24",
                                               "25_29", "30_34", "35_39", "40_44", "45_49",
                                               "50_54", "55_59", "60_64", "65_69", "70_74",
                                               "75_79", "80_84", "85_89", "90_94", "95+"};

int AgeIndex(const std::string& age) {
  for (std::size_t i = 0; i < kAges.size(); ++i) {
    if (age == kAges[i]) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace

std::string NormalizeExtractDate(const std::string& text) {
  static constexpr std::array<const char*, 12> kMonths = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  auto digits = [](const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' && digits(text.substr(0, 4)) &&
      digits(text.substr(5, 2)) && digits(text.substr(8, 2))) {
    return text;
  }
  if (text.size() == 9 && digits(text.substr(0, 2)) && digits(text.substr(5, 4))) {
    const std::string month = Upper(text.substr(2, 3));
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
      if (month == kMonths[i]) {
        const std::string mm = (i + 1 < 10 ? "0" : "") + std::to_string(i + 1);
        return text.substr(5, 4) + "-" + mm + "-" + text.substr(0, 2);
      }
    }
  }
  return "";
}

ListsFile ParseNhsLists(std::istream& in, const std::set<std::string>& members) {
  ListsFile file;
  std::string line;
  std::size_t number = 0;
  std::set<std::string> with_problems;  // Their ALL rows are not checked: a bad row would repeat.
  std::string current_ods;              // The practice of the line being read, once known.
  auto problem = [&](std::size_t at, const std::string& message) {
    file.problems.push_back({at, message});
    if (!current_ods.empty()) with_problems.insert(current_ods);
  };
  if (!ReadLine(in, line, number)) {
    problem(0, "the file is empty; expected the NHS Digital header line");
    return file;
  }
  const std::optional<std::vector<std::string>> header = SplitCsv(line);
  std::map<std::string, std::size_t> column;
  if (header) {
    for (std::size_t i = 0; i < header->size(); ++i) column[Upper((*header)[i])] = i;
  }
  for (const char* name : {"EXTRACT_DATE", "ORG_CODE", "SEX", "AGE_GROUP_5", "NUMBER_OF_PATIENTS"}) {
    if (!column.contains(name)) {
      problem(1, std::string("the header has no ") + name +
                     " column; expected PUBLICATION, EXTRACT_DATE, ORG_TYPE, ORG_CODE, ONS_CODE, "
                     "POSTCODE, SEX, AGE_GROUP_5, NUMBER_OF_PATIENTS");
    }
  }
  if (!file.problems.empty()) return file;
  const std::size_t width = header->size();
  // Counts by practice: [sex 0 male, 1 female][age], and the ALL rows to check them against.
  struct Seen {
    std::array<std::array<std::optional<std::int64_t>, 20>, 2> bands;
    std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, std::size_t>> all_rows;
    std::size_t first_line = 0;
  };
  std::map<std::string, Seen> seen;
  std::size_t date_line = 0;
  while (ReadLine(in, line, number)) {
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ++file.rows;
    current_ods.clear();
    const std::optional<std::vector<std::string>> fields = SplitCsv(line);
    if (!fields || fields->size() != width) {
      problem(number, "expected " + std::to_string(width) + " comma-separated fields, found " +
                          (fields ? std::to_string(fields->size()) : std::string("an unclosed quote")));
      continue;
    }
    const std::string ods = Upper((*fields)[column["ORG_CODE"]]);
    current_ods = ods;
    const std::string date = NormalizeExtractDate((*fields)[column["EXTRACT_DATE"]]);
    if (date.empty() || !IsExtractDate(date)) {
      problem(number, "EXTRACT_DATE \"" + (*fields)[column["EXTRACT_DATE"]] +
                          "\" is not a date like 01JUN2026 or 2026-06-01");
      continue;
    }
    if (file.extract_date.empty()) {
      file.extract_date = date;
      date_line = number;
    } else if (date != file.extract_date) {
      problem(number, "EXTRACT_DATE " + date + " differs from " + file.extract_date + " (line " +
                          std::to_string(date_line) + "); a file holds one extract");
      continue;
    }

    const std::string sex = Upper((*fields)[column["SEX"]]);
    const std::string age = Upper((*fields)[column["AGE_GROUP_5"]]);
    const std::string& count_text = (*fields)[column["NUMBER_OF_PATIENTS"]];
    if (sex != "MALE" && sex != "FEMALE" && sex != "ALL") {
      problem(number, "SEX \"" + (*fields)[column["SEX"]] + "\" is not MALE, FEMALE or ALL");
      continue;
    }
    const int age_index = AgeIndex(age);
    if (age_index < 0 && age != "ALL") {
      problem(number, "AGE_GROUP_5 \"" + (*fields)[column["AGE_GROUP_5"]] +
                          "\" is not a five-year band (0_4 ... 90_94, 95+) or ALL");
      continue;
    }
    const std::optional<std::int64_t> count = WholeNumber(count_text);
    if (!count) {
      problem(number, "NUMBER_OF_PATIENTS \"" + count_text +
                          "\" is not a whole number of patients (no signs, decimals or separators)");
      continue;
    }
    if (*count > kBandPatientsMax && sex != "ALL" && age != "ALL") {
      problem(number, "NUMBER_OF_PATIENTS " + count_text +
                          " is more than the 10,000,000 patients a band may have");
      continue;
    }
    if (!members.contains(ods)) {
      ++file.non_member_rows;
      file.non_members.insert(ods);
      continue;
    }
    Seen& practice = seen[ods];
    if (practice.first_line == 0) practice.first_line = number;
    if (sex == "ALL" || age == "ALL") {
      ++file.all_rows;
      if (!practice.all_rows.emplace(std::pair(sex, age), std::pair(*count, number)).second) {
        problem(number, ods + " has a second " + sex + " " + age + " row");
      }
      continue;
    }
    auto& slot = practice.bands[sex == "MALE" ? 0 : 1][static_cast<std::size_t>(age_index)];
    if (slot) {
      problem(number, ods + " has a second " + sex + " " + age + " row");
      continue;
    }
    slot = *count;
  }
  current_ods.clear();
  for (const auto& [ods, practice] : seen) {
    // Each ALL row must equal the sum of the bands it covers.
    for (const auto& [key, value] : practice.all_rows) {
      if (with_problems.contains(ods)) break;
      const auto& [sex, age] = key;
      std::int64_t sum = 0;
      for (int s = 0; s < 2; ++s) {
        if (sex != "ALL" && sex != (s == 0 ? "MALE" : "FEMALE")) continue;
        for (std::size_t a = 0; a < kAges.size(); ++a) {
          if (age != "ALL" && age != kAges[a]) continue;
          sum += practice.bands[static_cast<std::size_t>(s)][a].value_or(0);
        }
      }
      if (sum != value.first) {
        problem(value.second, ods + "'s " + sex + " " + age + " row says " +
                                  std::to_string(value.first) + " patients, but its bands add up to " +
                                  std::to_string(sum));
      }
    }
    // Every band, or the list would be recorded with zeros in place of the missing ones, for good.
    std::vector<std::string> missing;
    for (int s = 0; s < 2; ++s) {
      for (std::size_t a = 0; a < kAges.size(); ++a) {
        if (!practice.bands[static_cast<std::size_t>(s)][a]) {
          missing.push_back(std::string(s == 0 ? "MALE_" : "FEMALE_") + kAges[a]);
        }
      }
    }
    if (!missing.empty() && !with_problems.contains(ods)) {
      std::string names;
      for (std::size_t i = 0; i < missing.size() && i < 3; ++i) names += (i ? ", " : "") + missing[i];
      problem(practice.first_line, ods + " has no row for " + std::to_string(missing.size()) +
                                       " of the 40 MALE and FEMALE bands (" + names +
                                       (missing.size() > 3 ? ", ..." : "") +
                                       "); a practice's rows give every band, 0 where it has none");
      continue;
    }
    std::int64_t patients = 0;
    for (const auto& sex : practice.bands) {
      for (const auto& count : sex) patients += count.value_or(0);
    }
    if (patients == 0 && !with_problems.contains(ods)) {
      problem(practice.first_line, ods + " has no patients in any band; a member's list needs some");
      continue;
    }
    v1::RecordPopulation list;
    list.set_extract_date(file.extract_date);
    list.set_ods_code(ods);
    for (int s = 0; s < 2; ++s) {
      for (std::size_t a = 0; a < kAges.size(); ++a) {
        const auto& count = practice.bands[static_cast<std::size_t>(s)][a];
        if (!count) continue;
        v1::BandCount* band = list.add_bands();
        band->set_band(std::string(s == 0 ? "MALE_" : "FEMALE_") + kAges[a]);
        band->set_patients(*count);
      }
    }
    if (list.bands_size() > 0) file.lists.emplace(ods, std::move(list));
  }
  std::sort(file.problems.begin(), file.problems.end(),
            [](const CsvProblem& a, const CsvProblem& b) { return a.line < b.line; });
  return file;
}

namespace {

// Reads a two- or three-column file with the given header; calls `row` with each line's fields.
template <typename Row>
void ReadSimpleCsv(std::istream& in, const std::vector<std::string>& header, std::size_t required,
                   std::vector<CsvProblem>& problems, Row row) {
  std::string line;
  std::size_t number = 0;
  std::string expected;
  for (const std::string& name : header) expected += (expected.empty() ? "" : ",") + name;
  if (!ReadLine(in, line, number)) {
    problems.push_back({0, "the file is empty; expected the header " + expected});
    return;
  }
  std::optional<std::vector<std::string>> fields = SplitCsv(line);
  bool header_ok = fields && fields->size() >= required && fields->size() <= header.size();
  for (std::size_t i = 0; header_ok && i < fields->size(); ++i) {
    header_ok = Upper((*fields)[i]) == Upper(header[i]);
  }
  if (!header_ok) {
    problems.push_back({1, "the header must be " + expected});
    return;
  }
  while (ReadLine(in, line, number)) {
    if (line.find_first_not_of(" \t") == std::string::npos || line.starts_with('#')) continue;
    fields = SplitCsv(line);
    if (!fields || fields->size() < required || fields->size() > header.size()) {
      problems.push_back({number, "expected " + std::to_string(required) +
                                      (required == header.size() ? "" : " or " + std::to_string(header.size())) +
                                      " comma-separated fields: " + expected});
      continue;
    }
    fields->resize(header.size());
    row(number, *fields);
  }
}

}  // namespace

std::vector<v1::BandWeight> ParseWeights(std::istream& in, std::vector<CsvProblem>& problems) {
  std::vector<v1::BandWeight> weights;
  ReadSimpleCsv(in, {"band", "weight"}, 2, problems,
                [&](std::size_t, const std::vector<std::string>& fields) {
                  v1::BandWeight weight;
                  weight.set_band(Upper(fields[0]));
                  weight.mutable_weight()->set_value(fields[1]);
                  weights.push_back(std::move(weight));
                });
  return weights;
}

std::vector<v1::PracticeIndex> ParseIndices(std::istream& in, std::vector<CsvProblem>& problems) {
  std::vector<v1::PracticeIndex> indices;
  ReadSimpleCsv(in, {"ods_code", "needs_index", "market_forces_factor"}, 2, problems,
                [&](std::size_t, const std::vector<std::string>& fields) {
                  v1::PracticeIndex index;
                  index.set_ods_code(Upper(fields[0]));
                  index.mutable_needs_index()->set_value(fields[1]);
                  if (!fields[2].empty()) index.mutable_market_forces_factor()->set_value(fields[2]);
                  indices.push_back(std::move(index));
                });
  return indices;
}

std::string CanonicalAmount(const std::string& text) {
  Result<Money> money = Money::Parse(text);
  return money.ok() ? money->ToString() : text;
}

std::vector<PaymentLine> ParsePayments(std::istream& in, std::vector<CsvProblem>& problems) {
  std::vector<PaymentLine> payments;
  ReadSimpleCsv(
      in, {"contract_id", "invoice_reference", "amount", "activity_count", "practice_amounts"}, 3,
      problems, [&](std::size_t number, const std::vector<std::string>& fields) {
        PaymentLine line;
        line.line = number;
        v1::PostPayment& payment = line.payment;
        payment.set_contract_id(fields[0]);
        if (!IsPrintableAsciiToken(fields[1], kInvoiceReferenceLengthMax)) {
          problems.push_back({number, "invoice_reference \"" + fields[1] + "\" must be 1 to " +
                                          std::to_string(kInvoiceReferenceLengthMax) +
                                          " printable characters without spaces"});
          return;
        }
        payment.set_invoice_reference(fields[1]);
        payment.mutable_amount()->set_value(CanonicalAmount(fields[2]));
        if (!fields[3].empty()) {
          std::optional<std::int64_t> cases = WholeNumber(fields[3]);
          if (!cases) {
            problems.push_back({number, "activity_count " + fields[3] + " is not a whole number of cases"});
            return;
          }
          payment.set_activity_count(*cases);
        }
        std::size_t begin = 0;
        const std::string& parts = fields[4];
        while (begin < parts.size()) {
          std::size_t end = parts.find(';', begin);
          if (end == std::string::npos) end = parts.size();
          const std::string part = parts.substr(begin, end - begin);
          const std::size_t equals = part.find('=');
          if (equals == std::string::npos || equals == 0 || equals + 1 == part.size()) {
            problems.push_back({number, "practice_amounts part \"" + part +
                                            "\" must be ODS=AMOUNT, as in A81001=120.00;A81002=80.00"});
            return;
          }
          v1::PracticeAmount* amount = payment.add_practice_amounts();
          amount->set_ods_code(Upper(part.substr(0, equals)));
          amount->mutable_amount()->set_value(CanonicalAmount(part.substr(equals + 1)));
          begin = end + 1;
        }
        payments.push_back(std::move(line));
      });
  return payments;
}

}  // namespace lcp::client

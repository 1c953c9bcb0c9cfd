#include "clients/lcp/table.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace lcp::client {

Column Left(std::size_t width, std::string before) {
  return Column{Align::kLeft, width, false, std::move(before)};
}

Column Right(std::size_t width, std::string before) {
  return Column{Align::kRight, width, false, std::move(before)};
}

Column FitLeft(std::size_t min_width, std::string before) {
  return Column{Align::kLeft, min_width, true, std::move(before)};
}

Table::Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

Table& Table::Row(std::vector<std::string> cells) {
  assert(cells.size() <= columns_.size());
  for (std::size_t i = 0; i < std::min(cells.size(), columns_.size()); ++i) {
    Column& column = columns_[i];
    if (column.fit) column.width = std::max(column.width, cells[i].size());
  }
  rows_.push_back(std::move(cells));
  return *this;
}

std::string Table::Text() const {
  std::string out;
  for (const std::vector<std::string>& row : rows_) out += Line(row);
  return out;
}

std::string Table::Line(const std::vector<std::string>& cells) const {
  std::string out;
  const std::size_t count = std::min(cells.size(), columns_.size());
  for (std::size_t i = 0; i < count; ++i) {
    const Column& column = columns_[i];
    const std::string& cell = cells[i];
    const std::size_t pad = cell.size() >= column.width ? 0 : column.width - cell.size();
    out += column.before;
    if (column.align == Align::kRight) out.append(pad, ' ');
    out += cell;
    if (column.align == Align::kLeft) out.append(pad, ' ');
  }
  return out + "\n";
}

}  // namespace lcp::client

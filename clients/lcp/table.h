// A small table writer for lcp's views: columns of text, each aligned left or right in a width that
// is fixed or grows to the widest cell. Pure standard C++, so that lcp-audit can print through it
// without gRPC.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace lcp::client {

enum class Align { kLeft, kRight };

struct Column {
  Align align = Align::kLeft;
  // At least this wide: a shorter cell is padded with spaces, a longer one is printed whole (never
  // cut), pushing the rest of its row to the right.
  std::size_t width = 0;
  // When set, the column is as wide as its widest cell (the header's included), if that is wider.
  bool fit = false;
  // Printed before each cell of the column: the row's indent for the first column, the gap from the
  // column to its left for the others.
  std::string before;
};

// A column of the given width, left or right aligned, with `before` printed before each cell.
Column Left(std::size_t width, std::string before = {});
Column Right(std::size_t width, std::string before = {});
// A left-aligned column as wide as its widest cell, and at least `min_width`.
Column FitLeft(std::size_t min_width, std::string before = {});

class Table {
 public:
  explicit Table(std::vector<Column> columns);

  // Adds a row (a header is the first row). A row may have fewer cells than there are columns: it
  // ends after its last cell, and the columns after that print nothing, not even their `before`.
  // REQUIRES: no more cells than columns.
  Table& Row(std::vector<std::string> cells);

  // Every row, each ending in a newline, with each fit column as wide as its widest cell.
  std::string Text() const;

  // One row on its own, ending in a newline, at the widths of the rows added so far: for a view
  // that prints row by row (a streamed entry, a numbered step).
  std::string Line(const std::vector<std::string>& cells) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace lcp::client

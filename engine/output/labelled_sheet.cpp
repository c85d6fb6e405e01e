// draw_labelled_sheet: layout of the text bands around the image grid.
#include "engine/output/labelled_sheet.h"

#include <algorithm>
#include <sstream>

#include "engine/core/error.h"

namespace nsrg {
namespace {

constexpr TextColor kInk{0.1f, 0.1f, 0.1f};
constexpr TextColor kHeaderInk{0.0f, 0.0f, 0.0f};
constexpr int kMaxRowLabelWidth = 140;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Height of `image` fitted into a size x size square.
int fitted_height(const Image& image, int size) {
  if (image.width <= 0 || image.height <= 0) return 0;
  return image.height >= image.width
             ? size
             : std::max(1, int(double(image.height) * size / image.width + 0.5));
}

// Copies `image`, fitted into a size x size square and centred horizontally (and vertically
// unless `top_aligned`), onto `sheet` at (left, top).
void place(Image& sheet, const Image& image, int left, int top, int size,
           bool top_aligned = false) {
  if (image.width <= 0 || image.height <= 0) return;
  const Image fitted = resize_longest_side(image, size);
  left += (size - fitted.width) / 2;
  if (!top_aligned) top += (size - fitted.height) / 2;
  for (int y = 0; y < fitted.height; ++y)
    std::copy_n(&fitted.rgb[size_t(y) * fitted.width * 3], size_t(fitted.width) * 3,
                &sheet.at(left, top + y, 0));
}

Image plain_grid(const LabelledSheet& sheet) {
  const int columns = std::max<int>(sheet.columns, int(sheet.inputs.size()));
  std::vector<const Image*> cells(size_t(columns), nullptr);
  std::copy(sheet.inputs.begin(), sheet.inputs.end(), cells.begin());
  const size_t rows = sheet.cells.size() / size_t(sheet.columns);
  for (size_t row = 0; row < rows; ++row)
    for (int column = 0; column < columns; ++column)
      cells.push_back(column < sheet.columns ? sheet.cells[row * sheet.columns + column] : nullptr);
  return compose_grid(cells, columns, sheet.cell_size, sheet.gap);
}

}  // namespace

Image draw_labelled_sheet(const LabelledSheet& sheet, const TextDrawer* text) {
  NSRG_CHECK(sheet.columns >= 1 && sheet.cells.size() % size_t(sheet.columns) == 0, "sheet of ",
             sheet.cells.size(), " cells in ", sheet.columns, " columns");
  if (text == nullptr) return plain_grid(sheet);
  const int rows = int(sheet.cells.size()) / sheet.columns;
  const int gap = sheet.gap, cell = sheet.cell_size, line = text->line_height();

  int label_width = 0;
  for (const std::string& label : sheet.row_labels)
    label_width = std::max(label_width, text->width(label));
  label_width = std::min(label_width, kMaxRowLabelWidth);
  const int grid_left = label_width > 0 ? 3 * gap + label_width : gap;
  const int columns = std::max<int>(sheet.columns, int(sheet.inputs.size()));
  const int width = grid_left + columns * (cell + gap);

  size_t column_label_lines = 0;
  for (const std::string& label : sheet.column_labels)
    column_label_lines = std::max(column_label_lines, lines_of(label).size());
  const int header_height = int(sheet.header_lines.size()) * line;
  // Inputs sit at the top of their cells with the caption right below.
  int inputs_tallest = 0;
  for (const Image* input : sheet.inputs)
    inputs_tallest = std::max(inputs_tallest, fitted_height(*input, cell));
  const int inputs_height = sheet.inputs.empty() ? 0 : inputs_tallest + line + line / 2 + gap;
  const int labels_height = int(column_label_lines) * line;
  const int grid_top = gap + header_height + gap + inputs_height + labels_height;
  const int height = grid_top + rows * (cell + gap);

  Image out;
  out.width = width;
  out.height = height;
  out.rgb.assign(size_t(width) * height * 3, 1.0f);

  int y = gap;
  for (const std::string& header : sheet.header_lines) {
    text->draw(out, gap, y, text->fit(header, width - 2 * gap), kHeaderInk);
    y += line;
  }
  y += gap;
  for (size_t i = 0; i < sheet.inputs.size(); ++i) {
    const int left = grid_left + int(i) * (cell + gap);
    place(out, *sheet.inputs[i], left, y, cell, true);
    if (i < sheet.input_captions.size()) {
      const std::string caption = text->fit(sheet.input_captions[i], cell);
      text->draw(out, left + (cell - text->width(caption)) / 2,
                 y + fitted_height(*sheet.inputs[i], cell), caption, kInk);
    }
  }
  y += inputs_height;
  for (int column = 0; column < sheet.columns && column < int(sheet.column_labels.size());
       ++column) {
    const int left = grid_left + column * (cell + gap);
    int line_top = y;
    for (const std::string& label_line : lines_of(sheet.column_labels[size_t(column)])) {
      const std::string fitted = text->fit(label_line, cell);
      text->draw(out, left + (cell - text->width(fitted)) / 2, line_top, fitted, kInk);
      line_top += line;
    }
  }
  for (int row = 0; row < rows; ++row) {
    const int top = grid_top + row * (cell + gap);
    if (row < int(sheet.row_labels.size())) {
      const std::string label = text->fit(sheet.row_labels[size_t(row)], label_width);
      text->draw(out, grid_left - 2 * gap - text->width(label), top + (cell - line) / 2, label,
                 kInk);
    }
    for (int column = 0; column < sheet.columns; ++column)
      if (const Image* image = sheet.cells[size_t(row) * sheet.columns + column])
        place(out, *image, grid_left + column * (cell + gap), top, cell);
  }
  return out;
}

}  // namespace nsrg

// compose_grid: a contact sheet of images, each fitted into a square cell on white.
#include <algorithm>

#include "engine/core/error.h"
#include "engine/image/image.h"

namespace nsrg {

Image compose_grid(const std::vector<const Image*>& cells, int columns, int cell_size, int gap) {
  NSRG_CHECK(!cells.empty(), "compose_grid needs at least one cell");
  NSRG_CHECK(columns >= 1 && cell_size >= 1 && gap >= 0, "compose_grid columns ", columns,
             ", cell_size ", cell_size, ", gap ", gap);
  const int cols = std::min<int>(columns, static_cast<int>(cells.size()));
  const int rows = static_cast<int>((cells.size() + cols - 1) / cols);
  Image sheet;
  sheet.width = cols * cell_size + (cols + 1) * gap;
  sheet.height = rows * cell_size + (rows + 1) * gap;
  sheet.rgb.assign(static_cast<size_t>(sheet.width) * sheet.height * 3, 1.0f);

  for (size_t index = 0; index < cells.size(); ++index) {
    const Image* cell = cells[index];
    if (cell == nullptr || cell->width <= 0 || cell->height <= 0) continue;
    const Image fitted = resize_longest_side(*cell, cell_size);
    const int column = static_cast<int>(index % cols), row = static_cast<int>(index / cols);
    const int left = gap + column * (cell_size + gap) + (cell_size - fitted.width) / 2;
    const int top = gap + row * (cell_size + gap) + (cell_size - fitted.height) / 2;
    for (int y = 0; y < fitted.height; ++y)
      std::copy_n(&fitted.rgb[static_cast<size_t>(y) * fitted.width * 3], fitted.width * 3,
                  &sheet.at(left, top + y, 0));
  }
  return sheet;
}

}  // namespace nsrg

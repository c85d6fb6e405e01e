// A contact sheet with drawn labels: header text (content, style, settings), a first row of
// the input images with captions, then a grid with a label above each column (variant and
// seed) and beside each row (style layer). Without a font it is the plain grid of
// compose_grid: the same images, no text.
#pragma once

#include <string>
#include <vector>

#include "engine/image/image.h"
#include "engine/image/text_drawing.h"

namespace nsrg {

struct LabelledSheet {
  std::vector<std::string> header_lines;
  std::vector<const Image*> inputs;  // content, then style images (may be empty)
  std::vector<std::string> input_captions;
  int columns = 1;
  std::vector<std::string> column_labels;  // per column; '\n' separates the lines
  std::vector<std::string> row_labels;     // per row
  std::vector<const Image*> cells;         // row-major, rows x columns; null = blank
  int cell_size = 160;
  int gap = 4;
};

// Draws the sheet; `text` null gives the label-less grid. White background, dark text.
Image draw_labelled_sheet(const LabelledSheet& sheet, const TextDrawer* text);

}  // namespace nsrg

// RenderSession::write_contact_sheet: the labelled sheet of the run (header, inputs, a row
// per style-layer set starting with its un-randomized render, a column per variant).
#include <iostream>

#include "engine/core/error.h"
#include "engine/render/labelled_sheet.h"
#include "engine/render/output_names.h"
#include "engine/render/render_session.h"
#include "engine/render/run_description.h"

namespace nsrg {

void RenderSession::write_contact_sheet() {
  const int variants = config_.variants;
  const bool with_reference = !references_.empty();
  LabelledSheet sheet;
  sheet.header_lines = run_description_lines(config_);
  sheet.inputs.push_back(&content_image());
  sheet.input_captions.push_back("content");
  for (size_t i = 0; i < config_.style_images.size(); ++i) {
    sheet.inputs.push_back(&style_image(i));
    sheet.input_captions.push_back(config_.style_images.size() == 1 ? "style"
                                                                    : msg("style ", i + 1));
  }
  sheet.columns = variants + (with_reference ? 1 : 0);
  if (with_reference) sheet.column_labels.push_back(msg("original (none)\nseed ", config_.seed));
  for (int v = 0; v < variants; ++v)
    sheet.column_labels.push_back(msg(variant_letters(v), "\nseed ", config_.seed + uint64_t(v)));

  std::vector<Image> finals;
  finals.reserve(images_.size() + references_.size());
  const size_t rows = images_.size() / size_t(variants);
  for (size_t row = 0; row < rows; ++row) {
    sheet.row_labels.push_back(layers_label(images_[row * size_t(variants)].style_layers));
    if (with_reference) {
      finals.push_back(read_image(references_[row].path));
      sheet.cells.push_back(&finals.back());
    }
    for (int v = 0; v < variants; ++v) {
      finals.push_back(read_image(images_[row * size_t(variants) + size_t(v)].path));
      sheet.cells.push_back(&finals.back());
    }
  }

  std::unique_ptr<TextDrawer> text;
  try {
    text = std::make_unique<TextDrawer>(label_font_path(), 13);
  } catch (const UserError& error) {
    // The renders are done and worth keeping: a sheet without labels (the gallery page
    // still names every image) rather than no sheet.
    log_ << "warning: contact sheet without labels: " << error.what()
         << " (install fonts-dejavu-core or set NSRG_FONT to a TrueType font)" << std::endl;
  }
  write_image(contact_sheet_path_, draw_labelled_sheet(sheet, text.get()));
}

}  // namespace nsrg

// write_contact_sheet: the run's images read back and laid out with their labels.
#include "engine/output/contact_sheet.h"

#include <algorithm>
#include <memory>
#include <ostream>

#include "engine/core/error.h"
#include "engine/output/labelled_sheet.h"
#include "engine/output/output_names.h"
#include "engine/output/output_plan.h"
#include "engine/output/run_description.h"

namespace nsrg {

void write_contact_sheet(const RenderConfig& config, const Image& content,
                         const std::vector<Image>& styles, const RunRecord& record,
                         const std::string& path, std::ostream& log) {
  const size_t columns = sheet_columns(config);
  const bool with_reference = !record.references.empty();
  LabelledSheet sheet;
  sheet.header_lines = run_description_lines(config);
  sheet.inputs.push_back(&content);
  sheet.input_captions.push_back("content");
  // A style image shown once: a replayed blend of two members of one family lists its root
  // image once per parent.
  std::vector<const Image*> shown;
  for (const Image& style : styles)
    if (std::none_of(shown.begin(), shown.end(), [&](const Image* earlier) {
          return earlier->width == style.width && earlier->height == style.height &&
                 earlier->rgb == style.rgb;
        }))
      shown.push_back(&style);
  for (size_t i = 0; i < shown.size(); ++i) {
    sheet.inputs.push_back(shown[i]);
    sheet.input_captions.push_back(shown.size() == 1 ? "style" : msg("style ", i + 1));
  }
  const std::vector<RenderedImage>& images = record.images;
  sheet.columns = int(columns) + (with_reference ? 1 : 0);
  if (with_reference) sheet.column_labels.push_back(msg("original (none)\nseed ", config.seed));
  for (size_t v = 0; v < columns; ++v)
    sheet.column_labels.push_back(
        config.path.given && v < images.size() && images[v].frame
            ? frame_label(*images[v].frame)
            : msg(variant_letters(int(v)), "\nseed ", config.seed + uint64_t(v)));

  std::vector<Image> finals;
  finals.reserve(images.size() + record.references.size());
  const size_t rows = images.size() / columns;
  for (size_t row = 0; row < rows; ++row) {
    sheet.row_labels.push_back(layers_label(images[row * columns].style_layers));
    if (with_reference) {
      finals.push_back(read_image(record.references[row].path));
      sheet.cells.push_back(&finals.back());
    }
    for (size_t v = 0; v < columns; ++v) {
      finals.push_back(read_image(images[row * columns + v].path));
      sheet.cells.push_back(&finals.back());
    }
  }

  std::unique_ptr<TextDrawer> text;
  try {
    text = std::make_unique<TextDrawer>(label_font_path(), 13);
  } catch (const UserError& error) {
    // The renders are done and worth keeping: a sheet without labels (the gallery page
    // still names every image) rather than no sheet.
    log << "warning: contact sheet without labels: " << error.what()
        << " (install fonts-dejavu-core or set NSRG_FONT to a TrueType font)" << std::endl;
  }
  write_image(path, draw_labelled_sheet(sheet, text.get()));
}

}  // namespace nsrg

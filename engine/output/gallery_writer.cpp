// write_gallery: the run's images, labels and commands as index.html.
#include "engine/output/gallery_writer.h"

#include <cstdio>
#include <filesystem>

#include "engine/core/atomic_file.h"
#include "engine/output/gallery_page.h"
#include "engine/output/output_names.h"
#include "engine/output/output_plan.h"
#include "engine/output/rerender_command.h"
#include "engine/output/run_description.h"

namespace nsrg {

void write_gallery(const RenderConfig& config, const RenderOutputs& outputs,
                   const RunRecord& record) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::path(outputs.gallery).parent_path();
  std::error_code error;
  const std::string working_folder = fs::current_path(error).string();
  const auto relative = [&](const std::string& path) {
    return fs::path(path).lexically_relative(folder).string();
  };
  const auto entry = [&](const RenderedImage& image, bool reference) {
    GalleryImage g;
    g.src = relative(image.path);
    g.layer = layers_label(image.style_layers);
    g.reference = reference;
    g.variant = reference ? kReferenceVariant : variant_letters(image.variant);
    g.seed = image.seed;
    g.mode = image.mode;
    g.range = reference ? "-" : range_text(config.randomization_for(image.style_layers.front()));
    g.total = image.final_losses.total;
    g.content = image.final_losses.content;
    g.style = image.final_losses.style;
    g.tv = image.final_losses.tv;
    g.command = rerender_command(config, image.style_layers, image.seed, reference,
                                 with_stem_suffix(image.path, "_alone"), working_folder);
    if (image.draw && image.draw->nearest_distance) {
      char distance[128];
      std::snprintf(distance, sizeof distance, "%.4g from the nearest sibling, %d redraw%s%s",
                    *image.draw->nearest_distance, image.draw->redraws,
                    image.draw->redraws == 1 ? "" : "s",
                    image.draw->gave_up ? ", gave up: below the minimum" : "");
      g.distance = distance;
    }
    if (image.frame) {  // a frame needs the frames before it: the whole path again
      char place[96];
      std::snprintf(place, sizeof place, ", t %.3f, segment %d at %.3f", image.frame->t,
                    image.frame->segment, image.frame->segment_t);
      g.frame = frame_digits(image.frame->index) + place;
      g.command =
          rerender_command(config, image.style_layers, image.seed, false,
                           with_stem_suffix(outputs.path_template, "_alone"), working_folder);
    }
    return g;
  };

  GalleryPage page;
  page.title = "nsrg-engine: " + fs::path(run_base_path(outputs.path_template)).stem().string();
  page.description = run_description_lines(config);
  page.summary_src = relative(outputs.summary);
  page.sheet_src = outputs.contact_sheet.empty() ? "" : relative(outputs.contact_sheet);
  page.animation_src = record.animation.empty() ? "" : relative(record.animation);
  const std::vector<RenderedImage>& images = record.images;
  const size_t variants = sheet_columns(config);
  for (size_t row = 0; row * variants < images.size(); ++row) {
    GalleryRow gallery_row;
    gallery_row.layer = layers_label(images[row * variants].style_layers);
    if (row < record.references.size())
      gallery_row.images.push_back(entry(record.references[row], true));
    for (size_t v = 0; v < variants && row * variants + v < images.size(); ++v)
      gallery_row.images.push_back(entry(images[row * variants + v], false));
    page.rows.push_back(std::move(gallery_row));
  }
  write_bytes_atomically(outputs.gallery, gallery_html(page));
}

}  // namespace nsrg

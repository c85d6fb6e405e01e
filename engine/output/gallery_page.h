// The gallery page of a run (index.html beside the contact sheet): plain HTML and CSS, no
// script and nothing fetched from the network; images are referenced by relative paths.
// Every image is shown with its layer, variant, seed, mode, range, final losses and the
// command line that renders it again alone (with randomize.min_distance also its distance to
// the nearest sibling and the redraws it took); a morph path's animated WebP above its frames.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nsrg {

struct GalleryImage {
  std::string src;         // relative to the page's folder
  bool reference = false;  // the row's un-randomized render
  std::string layer, variant, mode, range;
  std::string frame;  // a path frame: "003, t 0.375, segment 1 at 0.5"; empty otherwise
  // randomize.min_distance's choice: "0.42 from the nearest sibling, 2 redraws" (", gave up:
  // below the minimum" when it did); empty without min_distance or for a row's first variant.
  std::string distance;
  uint64_t seed = 0;
  double total = 0, content = 0, style = 0, tv = 0;  // final losses
  std::string command;
};

struct GalleryRow {
  std::string layer;
  std::vector<GalleryImage> images;  // the un-randomized reference first, when there is one
};

struct GalleryPage {
  std::string title;
  std::vector<std::string> description;  // the run's header lines
  std::string sheet_src;                 // the contact sheet, relative
  std::string animation_src;             // a path's animated WebP, relative; empty: none
  std::string summary_src;               // the summary JSON, relative (the full settings and
                                         // the model's own description)
  std::vector<GalleryRow> rows;
};

// The page as UTF-8 HTML; all text is escaped.
std::string gallery_html(const GalleryPage& page);

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(const std::string& text);

// A relative file path as a URL path: each byte outside [A-Za-z0-9-._~/] percent-encoded.
std::string url_path(const std::string& relative_path);

}  // namespace nsrg

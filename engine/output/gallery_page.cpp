// gallery_html: the run's images as one static page.
#include "engine/output/gallery_page.h"

#include <cstdio>
#include <sstream>

namespace nsrg {
namespace {

const char kStyle[] =
    R"(body { font-family: "DejaVu Sans", sans-serif; margin: 1.5em; color: #111; background: #f7f7f7; }
h1 { font-size: 1.3em; margin: 0 0 .3em; }
ul.run { list-style: none; padding: 0; margin: 0 0 1em; font-size: .9em; color: #333; }
img.sheet { max-width: 100%; border: 1px solid #ccc; }
section.row { margin: 1.2em 0; }
section.row h2 { font-size: 1.1em; margin: 0 0 .4em; }
figure { display: inline-block; vertical-align: top; width: 272px; margin: 0 8px 8px 0; padding: 6px; background: #fff; border: 1px solid #ddd; }
figure img { display: block; width: 256px; height: auto; margin: 0 auto 4px; }
figure.reference { border-color: #888; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 0 .6em; margin: 0; font-size: .8em; }
dt { color: #666; }
dd { margin: 0; }
code.command { display: block; margin-top: 4px; padding: 4px; font-size: .72em; background: #eef; word-break: break-all; user-select: all; }
p.note { font-size: .85em; color: #444; })";

// Only on a page with a path's animation (the pages of other runs stay as they were).
const char kAnimationStyle[] =
    "\nimg.animation { width: 384px; max-width: 100%; height: auto; border: 1px solid #ccc; }";

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

void field(std::ostringstream& out, const char* name, const std::string& value) {
  out << "<dt>" << name << "</dt><dd class=\"" << name << "\">" << html_escape(value) << "</dd>";
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string url_path(const std::string& relative_path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string url;
  for (unsigned char c : relative_path) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      url += char(c);
    } else {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 15];
    }
  }
  return url;
}

std::string gallery_html(const GalleryPage& page) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>"
      << html_escape(page.title) << "</title>\n<style>\n"
      << kStyle << (page.animation_src.empty() ? "" : kAnimationStyle)
      << "\n</style>\n</head>\n<body>\n<h1>" << html_escape(page.title) << "</h1>\n"
      << "<ul class=\"run\">\n";
  for (const std::string& line : page.description) out << "<li>" << html_escape(line) << "</li>\n";
  if (!page.summary_src.empty())
    out << "<li class=\"summary\">every setting, the timings and the model's full description: "
        << "<a href=\"" << html_escape(url_path(page.summary_src)) << "\">"
        << html_escape(page.summary_src) << "</a></li>\n";
  out << "</ul>\n";
  if (!page.sheet_src.empty())
    out << "<p><a href=\"" << html_escape(url_path(page.sheet_src))
        << "\"><img class=\"sheet\" src=\"" << html_escape(url_path(page.sheet_src))
        << "\" alt=\"contact sheet\"></a></p>\n";
  if (!page.animation_src.empty())
    out << "<p><a href=\"" << html_escape(url_path(page.animation_src))
        << "\"><img class=\"animation\" src=\"" << html_escape(url_path(page.animation_src))
        << "\" alt=\"the path's frames as an animation\"></a></p>\n"
        << "<p class=\"note\">A path's frames render in order, each from the one before it: a "
           "frame's command renders the whole path again.</p>\n";
  out << "<p class=\"note\">Each command renders that image again alone, from the folder the run "
         "was started in; add <code>--set image_size=N</code> for another size.</p>\n";
  for (const GalleryRow& row : page.rows) {
    out << "<section class=\"row\" data-layer=\"" << html_escape(row.layer) << "\">\n<h2>"
        << html_escape(row.layer) << "</h2>\n";
    for (const GalleryImage& image : row.images) {
      out << "<figure class=\"image" << (image.reference ? " reference" : "") << "\" data-layer=\""
          << html_escape(image.layer) << "\" data-variant=\"" << html_escape(image.variant)
          << "\" data-seed=\"" << image.seed << "\">\n<img src=\""
          << html_escape(url_path(image.src)) << "\" alt=\""
          << html_escape(image.layer + " variant " + image.variant + ", seed " +
                         std::to_string(image.seed))
          << "\">\n<figcaption><dl>";
      field(out, "layer", image.layer);
      field(out, "variant", image.reference ? image.variant + " (un-randomized)" : image.variant);
      if (!image.frame.empty()) field(out, "frame", image.frame);
      if (!image.distance.empty()) field(out, "distance", image.distance);
      field(out, "seed", std::to_string(image.seed));
      field(out, "mode", image.mode);
      field(out, "range", image.range);
      field(out, "losses",
            "total " + number(image.total) + ", content " + number(image.content) + ", style " +
                number(image.style) + ", tv " + number(image.tv));
      out << "</dl>\n<code class=\"command\">" << html_escape(image.command)
          << "</code></figcaption>\n</figure>\n";
    }
    out << "</section>\n";
  }
  out << "</body>\n</html>\n";
  return out.str();
}

}  // namespace nsrg

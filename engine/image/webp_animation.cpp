// write_animated_webp: libwebpmux's animation encoder, lossless, behind RAII holders.
#include "engine/image/webp_animation.h"

#include <webp/encode.h>
#include <webp/mux.h>

#include <memory>

#include "engine/core/atomic_file.h"
#include "engine/core/error.h"
#include "engine/image/codec_limits.h"

namespace nsrg {
namespace {

struct EncoderDeleter {
  void operator()(WebPAnimEncoder* encoder) const { WebPAnimEncoderDelete(encoder); }
};
using EncoderHandle = std::unique_ptr<WebPAnimEncoder, EncoderDeleter>;

// A WebPPicture that frees its pixels when it goes.
class Picture {
 public:
  Picture() { NSRG_CHECK(WebPPictureInit(&picture_), "WebPPictureInit: libwebp version mismatch"); }
  ~Picture() { WebPPictureFree(&picture_); }
  Picture(const Picture&) = delete;
  Picture& operator=(const Picture&) = delete;
  WebPPicture* get() { return &picture_; }

 private:
  WebPPicture picture_;
};

// The assembled file's bytes, freed by libwebp.
class AssembledData {
 public:
  AssembledData() { WebPDataInit(&data_); }
  ~AssembledData() { WebPDataClear(&data_); }
  AssembledData(const AssembledData&) = delete;
  AssembledData& operator=(const AssembledData&) = delete;
  WebPData* get() { return &data_; }

 private:
  WebPData data_;
};

}  // namespace

void write_animated_webp(const std::string& path, const std::vector<Image>& frames, int frame_ms) {
  NSRG_CHECK(!frames.empty(), "write_animated_webp: no frames for ", path);
  NSRG_CHECK(frame_ms >= 1, "write_animated_webp: frame duration ", frame_ms, " ms");
  const int width = frames.front().width, height = frames.front().height;
  WebPAnimEncoderOptions options;
  NSRG_CHECK(WebPAnimEncoderOptionsInit(&options),
             "WebPAnimEncoderOptionsInit: libwebp version mismatch");
  options.anim_params.loop_count = 0;  // forever
  options.allow_mixed = 0;             // every frame lossless
  const EncoderHandle encoder(WebPAnimEncoderNew(width, height, &options));
  if (!encoder) throw UserError(msg(path, ": the WebP animation encoder could not be created"));
  WebPConfig config;
  NSRG_CHECK(WebPConfigInit(&config), "WebPConfigInit: libwebp version mismatch");
  config.lossless = 1;
  config.quality = 75;  // lossless: the effort spent on a smaller file
  config.method = 4;
  NSRG_CHECK(WebPValidateConfig(&config), "WebPValidateConfig refused the lossless settings");

  int timestamp_ms = 0;
  for (const Image& frame : frames) {
    NSRG_CHECK(frame.width == width && frame.height == height, "write_animated_webp: a ",
               frame.width, "x", frame.height, " frame in a ", width, "x", height, " animation");
    const std::vector<unsigned char> rgb = codecs::to_rgb8(frame);
    Picture picture;
    picture.get()->use_argb = 1;
    picture.get()->width = width;
    picture.get()->height = height;
    if (!WebPPictureImportRGB(picture.get(), rgb.data(), width * 3))
      throw UserError(msg(path, ": out of memory importing a frame for the WebP encoder"));
    if (!WebPAnimEncoderAdd(encoder.get(), picture.get(), timestamp_ms, &config))
      throw UserError(
          msg(path, ": the WebP encoder failed: ", WebPAnimEncoderGetError(encoder.get())));
    timestamp_ms += frame_ms;
  }
  // The end marker gives the last frame its duration.
  if (!WebPAnimEncoderAdd(encoder.get(), nullptr, timestamp_ms, nullptr))
    throw UserError(
        msg(path, ": the WebP encoder failed: ", WebPAnimEncoderGetError(encoder.get())));
  AssembledData data;
  if (!WebPAnimEncoderAssemble(encoder.get(), data.get()))
    throw UserError(msg(path, ": the WebP animation could not be assembled: ",
                        WebPAnimEncoderGetError(encoder.get())));
  write_bytes_atomically(
      path, std::string(reinterpret_cast<const char*>(data.get()->bytes), data.get()->size));
}

}  // namespace nsrg

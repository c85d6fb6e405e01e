// note_file_name and comma_list (tools/convert_common/source_note.h): the pieces of the
// converters' nsrg.source note.
#include "tools/convert_common/source_note.h"

#include <gtest/gtest.h>

namespace nsrg {
namespace {

TEST(NoteFileName, DropsTheFolders) {
  EXPECT_EQ(note_file_name("models/vgg19.caffemodel"), "vgg19.caffemodel");
  EXPECT_EQ(note_file_name("/a/b/vgg19-dcbb9e9d.pth"), "vgg19-dcbb9e9d.pth");
  EXPECT_EQ(note_file_name("vgg16.pth"), "vgg16.pth");
  EXPECT_EQ(note_file_name("folder/"), "");
}

TEST(NoteFileName, ReplacesInvalidUtf8ByteByByte) {
  // A lone lead byte and a stray continuation byte become '?'; valid UTF-8 and ASCII stay.
  EXPECT_EQ(note_file_name("dir/\xC3x\x80-d\xC3\xA9.pth"), "?x?-d\xC3\xA9.pth");
}

TEST(CommaList, JoinsWithCommaAndSpace) {
  EXPECT_EQ(comma_list({}), "");
  EXPECT_EQ(comma_list({"fc6"}), "fc6");
  EXPECT_EQ(comma_list({"fc6", "fc7", "fc8"}), "fc6, fc7, fc8");
}

}  // namespace
}  // namespace nsrg

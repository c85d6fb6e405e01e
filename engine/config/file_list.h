// FileList: when a config key's list of files must be given (config_fields.h visitors).
#pragma once

namespace nsrg::config_detail {

// When a list of files must be given: always (style images; kept styles), never
// (style.targets replaces style.images; [path] does), or not at all (may be absent or empty;
// OptionalOmittedWhenEmpty: the same, and written to the summary only when it names files,
// so that configs without the key keep their hash).
enum class FileList {
  Required,
  RequiredKeptStyles,
  Forbidden,
  ForbiddenByPath,
  Optional,
  OptionalOmittedWhenEmpty
};

}  // namespace nsrg::config_detail

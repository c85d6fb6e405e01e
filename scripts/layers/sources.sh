# shellcheck shell=bash
# Sourced by scripts/check_layers.sh: the checks of the source files (check_sources): every
# file's folder has a row, every #include goes down the order, CUDA stays in its rows.
# Needs the table (scripts/layers/table.sh), `finding` and `host_device_header`.

declare -A file_row=()
declare -A unplaced=()
files=()

is_cuda_header() {
  case $1 in
    cuda*.h | cudnn*.h | cublas*.h | cusolver*.h | curand*.h | cufft*.h | cusparse*.h | \
      thrust/* | cub/* | cuda/*) return 0 ;;
  esac
  return 1
}

# One record per #include ("I<TAB>file<TAB>line<TAB>< or \"<TAB>path") and per CUDA keyword
# outside comments ("K<TAB>file<TAB>line<TAB>keyword"), for all files in one pass.
scan_sources() {
  awk '
    FNR == 1 { in_comment = 0 }
    {
      line = $0
      if (match(line, /^[ \t]*#[ \t]*include[ \t]*[<"]/)) {
        rest = substr(line, RSTART + RLENGTH - 1)
        kind = substr(rest, 1, 1)
        close_char = (kind == "<") ? ">" : "\""
        rest = substr(rest, 2)
        end = index(rest, close_char)
        if (end > 1) print "I\t" FILENAME "\t" FNR "\t" kind "\t" substr(rest, 1, end - 1)
      }
      code = ""
      while (line != "") {
        if (in_comment) {
          end = index(line, "*/")
          if (!end) { line = ""; break }
          line = substr(line, end + 2); in_comment = 0
        } else {
          open_block = index(line, "/*"); open_line = index(line, "//")
          if (open_line && (!open_block || open_line < open_block)) {
            code = code substr(line, 1, open_line - 1); line = ""
          } else if (open_block) {
            code = code substr(line, 1, open_block - 1) " "
            line = substr(line, open_block + 2); in_comment = 1
          } else {
            code = code line; line = ""
          }
        }
      }
      while (match(code, /__(global|device|host|shared|constant)__/)) {
        before = (RSTART > 1) ? substr(code, RSTART - 1, 1) : " "
        after = substr(code, RSTART + RLENGTH, 1)
        if (before !~ /[A-Za-z0-9_]/ && after !~ /[A-Za-z0-9_]/)
          print "K\t" FILENAME "\t" FNR "\t" substr(code, RSTART, RLENGTH)
        code = substr(code, RSTART + RLENGTH)
      }
    }
  ' "$@"
}

# Checks the project header at repository path $2 (already resolved) for the include at $1.
check_project_include() {
  local where=$1 target=$2 from=$3 shown=$4
  row_of_file "$target"
  if [ -z "$row" ]; then
    finding "$where: includes \"$shown\": folder ${target%/*} has no place in the layer order (docs/design.md, Layers)"
  elif [ "$row" != "$from" ] && [[ ${uses[$from]} != *" $row "* ]]; then
    finding "$where: includes \"$shown\": $from may not use $row (docs/design.md, Layers)"
  fi
}

# Finds the source files under the table's top folders (sets `files` and `file_row`) and
# reports each folder without a row and each CUDA source outside the CUDA rows.
place_sources() {
  local top file row folder
  for top in $tops; do
    [ -d "$top" ] || continue
    while IFS= read -r file; do files+=("$file"); done < <(
      find "$top" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.c' -o -name '*.cc' \
        -o -name '*.cpp' -o -name '*.cu' -o -name '*.cuh' \) | sort)
  done

  for file in "${files[@]}"; do
    row_of_file "$file"
    if [ -z "$row" ]; then
      folder=${file%/*}
      if [ -z "${unplaced[$folder]+set}" ]; then
        unplaced[$folder]=1
        finding "$file: folder $folder has no place in the layer order (docs/design.md, Layers)"
      fi
      continue
    fi
    file_row[$file]=$row
    if [[ $file == *.cu || $file == *.cuh ]] && [ -z "${cuda_ok[$row]+set}${anything[$row]+set}" ]; then
      finding "$file: a CUDA source in $row, which may not use the CUDA headers (docs/design.md, Layers)"
    fi
  done
}

# Reports every #include and CUDA keyword of the placed files that breaks the order.
check_sources() {
  local record file line kind path from where cuda dir candidate normal row
  if [ "${#files[@]}" -gt 0 ]; then
    while IFS=$'\t' read -r record file line kind path; do
      from=${file_row[$file]:-}
      [ -n "$from" ] || continue                     # reported above
      [ -z "${anything[$from]+set}" ] || continue
      where=$file:$line
      cuda=${cuda_ok[$from]+set}
      if [ "$record" = K ]; then
        if [ -z "$cuda" ] && [ "$file" != "$host_device_header" ]; then
          finding "$where: $kind in $from, which may not use the CUDA headers (only NSRG_HOST_DEVICE of $host_device_header; docs/design.md, Layers)"
        fi
        continue
      fi
      if [ "$kind" = "<" ]; then
        if [[ $path == */* ]] && [ -n "${is_top[${path%%/*}]+set}" ]; then
          finding "$where: includes <$path>: a project header in angle brackets; write \"$path\" (docs/design.md, Layers)"
        elif [ -z "$cuda" ] && is_cuda_header "$path"; then
          finding "$where: includes <$path>: $from may not use the CUDA headers (docs/design.md, Layers)"
        fi
        continue
      fi
      dir=${file%/*}
      if [[ $path == ./* || $path == ../* || -f "$dir/$path" ]]; then
        candidate=$dir/$path                         # the including file's folder
      else
        candidate=$path                              # the repository root
      fi
      if ! normalize "$candidate"; then
        finding "$where: includes \"$path\": it climbs out of the repository"
        continue
      fi
      if [ -n "${is_top[${normal%%/*}]+set}" ] && [[ $normal == */* ]]; then
        check_project_include "$where" "$normal" "$from" "$path"
      elif [[ $candidate == "$dir/"* && $path == */* ]]; then
        finding "$where: includes \"$path\": $normal is outside the layered folders"
      elif [ -z "$cuda" ] && is_cuda_header "$path"; then
        finding "$where: includes \"$path\": $from may not use the CUDA headers (docs/design.md, Layers)"
      fi                                             # else not ours (e.g. toml++/toml.h)
    done < <(scan_sources "${files[@]}")
  fi
}

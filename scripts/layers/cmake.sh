# shellcheck shell=bash
# Sourced by scripts/check_layers.sh: the check of the CMake links (check_cmake_links): each
# target in a row's folder links only the nsrg_* libraries of the folders its row lists, and
# CUDA libraries only where the row allows the CUDA headers. Needs the table
# (scripts/layers/table.sh) and `finding`.

declare -A target_folder=() target_file=() target_links=() aggregate=() cmake_var=()

# "call<TAB>arguments" for each call the check reads in CMakeLists.txt $1, comments removed,
# function bodies skipped.
cmake_calls() {
  awk '
    { sub(/#.*/, ""); text = text " " $0 }
    END {
      pattern = "(^|[^A-Za-z0-9_])(nsrg_library|nsrg_converter|add_library|add_executable|target_link_libraries|set|function|endfunction)[ \t]*[(]"
      while (match(text, pattern)) {
        head = substr(text, RSTART, RLENGTH)
        text = substr(text, RSTART + RLENGTH)
        sub(/^[^A-Za-z0-9_]/, "", head); sub(/[ \t]*[(]$/, "", head)
        end = index(text, ")")
        args = substr(text, 1, end - 1)
        text = substr(text, end + 1)
        gsub(/[ \t]+/, " ", args); sub(/^ /, "", args); sub(/ $/, "", args)
        if (head == "function") { in_function = 1; continue }
        if (head == "endfunction") { in_function = 0; continue }
        if (!in_function) print head "\t" args
      }
    }
  ' "$1"
}

# shellcheck disable=SC2016 # CMake's ${VAR} are matched as written
# Sets `expanded` to the path word $1 of a CMakeLists.txt in folder $2, relative to the root.
expand_path() {
  local word=$1 dir=$2 name
  word=${word//'${CMAKE_CURRENT_SOURCE_DIR}'/$dir}
  word=${word//'${PROJECT_SOURCE_DIR}'/.}
  while [[ $word =~ \$\{([A-Za-z0-9_]+)\} ]] && [ -n "${cmake_var[${BASH_REMATCH[1]}]+set}" ]; do
    name=${BASH_REMATCH[1]}
    word=${word//"\${$name}"/${cmake_var[$name]}}
  done
  [[ $word == ./* || -n ${is_top[${word%%/*}]+set} ]] || word=$dir/$word
  normalize "$word" || normal=$word
  expanded=$normal
}

# Sets `listed` to the words of the arguments $1 after the keyword $2, up to the next keyword
# (a word of capitals).
words_after() {
  local word taking=0
  listed=""
  for word in $1; do
    if [ "$word" = "$2" ]; then
      taking=1
    elif [[ $word =~ ^[A-Z_]+$ ]]; then
      taking=0
    elif [ "$taking" = 1 ]; then
      listed+=" $word"
    fi
  done
}

# Reads the targets of CMakeLists.txt $1.
# shellcheck disable=SC2016 # CMake's ${VAR} are matched as written
read_cmake_file() {
  local cmake_file=$1 dir=${1%/*} call args target
  local -a words sources
  while IFS=$'\t' read -r call args; do
    read -ra words <<<"$args"
    [ "${#words[@]}" -gt 0 ] || continue
    target=${words[0]}
    case $call in
      set)
        if [[ ${words[1]:-} == *'${CMAKE_CURRENT_SOURCE_DIR}'* ]]; then
          expand_path "${words[1]}" "$dir"
          cmake_var[$target]=$expanded
        fi
        ;;
      nsrg_library)
        expand_path "${words[1]}" "$dir"
        target_folder[$target]=$expanded
        target_file[$target]=$cmake_file
        words_after "$args" LINK
        target_links[$target]+=$listed
        ;;
      nsrg_converter)
        target=nsrg_$target
        target_folder[$target]=$dir
        target_file[$target]=$cmake_file
        words_after "$args" LINK
        target_links[$target]+=$listed
        ;;
      add_library | add_executable)
        sources=("${words[@]:1}")
        if [ "${sources[0]:-}" = INTERFACE ]; then
          aggregate[$target]=1
          target_file[$target]=$cmake_file
          continue
        fi
        case ${sources[0]:-} in STATIC | SHARED | MODULE | OBJECT) sources=("${sources[@]:1}") ;; esac
        target_folder[$target]=$dir
        if [ "${#sources[@]}" -eq 1 ]; then
          expand_path "${sources[0]}" "$dir"
          [ -z "${layer[$expanded]+set}" ] || target_folder[$target]=$expanded
        fi
        target_file[$target]=$cmake_file
        ;;
      target_link_libraries)
        target_links[$target]+=" ${words[*]:1}"
        ;;
    esac
  done < <(cmake_calls "$cmake_file")
}

# Sets `libraries` to the nsrg_* libraries target $1 links, interface libraries opened up.
declare -A opened=()
project_libraries() {
  local word library
  for word in ${target_links[$1]:-}; do
    while [[ $word =~ (nsrg_[A-Za-z0-9_]+)(.*) ]]; do
      library=${BASH_REMATCH[1]}
      word=${BASH_REMATCH[2]}
      if [ -n "${aggregate[$library]+set}" ]; then
        if [ -z "${opened[$library]+set}" ]; then
          opened[$library]=1
          project_libraries "$library"
        fi
      else
        libraries+=" $library"
      fi
    done
  done
}

# Reads the CMakeLists.txt under the table's top folders but the `anything` rows' (sets
# `cmake_files`) and reports every link that goes up or sideways.
check_cmake_links() {
  local top file cmake_file target folder where row from libraries library to word
  cmake_files=()
  for top in $tops; do
    [ -d "$top" ] || continue
    [ -z "${anything[$top]+set}" ] || continue
    while IFS= read -r file; do cmake_files+=("$file"); done < <(find "$top" -name CMakeLists.txt | sort)
  done
  for cmake_file in "${cmake_files[@]}"; do read_cmake_file "$cmake_file"; done

  for target in $(printf '%s\n' "${!target_folder[@]}" | sort); do
    folder=${target_folder[$target]}
    where=${target_file[$target]}
    row_of_file "$folder/CMakeLists.txt"           # (a one-file row too: engine/main.cpp)
    from=$row
    if [ -z "$from" ]; then
      finding "$where: $target: folder $folder has no place in the layer order (docs/design.md, Layers)"
      continue
    fi
    libraries=""
    opened=()
    project_libraries "$target"
    for library in $libraries; do
      if [ -z "${target_folder[$library]+set}" ]; then
        finding "$where: $target links $library, which no CMakeLists.txt of the layered folders defines (as the check reads them)"
        continue
      fi
      row_of_file "${target_folder[$library]}/CMakeLists.txt"
      to=$row
      [ -n "$to" ] || continue                       # reported as its own target
      if [ "$to" != "$from" ] && [[ ${uses[$from]} != *" $to "* ]]; then
        finding "$where: $target links $library: $from may not use $to (docs/design.md, Layers)"
      fi
    done
    if [ -z "${cuda_ok[$from]+set}" ]; then
      for word in ${target_links[$target]:-}; do
        if [[ $word == CUDA::* || $word == *CUDNN* || $word == *cudnn* ]]; then
          finding "$where: $target links $word: $from may not use the CUDA headers (docs/design.md, Layers)"
        fi
      done
    fi
  done
}

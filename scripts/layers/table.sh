# shellcheck shell=bash
# Sourced by scripts/check_layers.sh: the Layers table of docs/design.md read into arrays
# (read_layer_table), and where a repository path stands in it (row_of_file, normalize).
# Needs `design` (the page) and `table_error` from the caller.

declare -A layer=()     # row -> its number; a row is a folder, one file, or the top of a ** row
declare -A uses=()      # row -> " folder folder ... " it may use
declare -A cuda_ok=()   # rows that may use the CUDA headers
declare -A anything=()  # rows that may use anything
declare -A below=()     # ** rows: they cover every folder below them too
declare -A row_named=() # name used in "may use" (the last component) -> row
declare -A may_use_text=()
declare -A is_top=()
rows=()

# "number<TAB>folder cell<TAB>may use cell" for each row of the first table under "## Layers".
table_rows() {
  awk -F'|' '
    /^## / { in_layers = ($0 ~ /^## Layers[[:space:]]*$/); table = 0; next }
    !in_layers { next }
    /^\|/ {
      table = 1
      number = $2; folder = $3; may = $(NF - 1)
      gsub(/^[[:space:]]+|[[:space:]]+$/, "", number)
      gsub(/^[[:space:]]+|[[:space:]]+$/, "", folder)
      gsub(/^[[:space:]]+|[[:space:]]+$/, "", may)
      if (number == "layer" || number ~ /^-+$/) next
      print number "\t" folder "\t" may
      next
    }
    table { in_layers = 0 }
  ' "$design"
}

# Reads and checks the table: numbers, backquoted folders, unique folders and names, every
# name a row's with a lower number. Sets the arrays above, `rows` and `tops` (the first
# components of the rows' folders: the folders the check walks).
read_layer_table() {
  local number cell may folder name text used
  local -a names
  [ -f "$design" ] || table_error "no such file"
  while IFS=$'\t' read -r number cell may; do
    [[ $number =~ ^[0-9]+$ ]] || table_error "row '$cell': '$number' is not a layer number"
    [[ $cell =~ ^\`([^\`]+)\`$ ]] || table_error "row $number: the folder '$cell' is not in backquotes"
    folder=${BASH_REMATCH[1]}
    if [[ $folder == */\*\* ]]; then
      folder=${folder%/\*\*}
      below[$folder]=1
    fi
    [ -z "${layer[$folder]+set}" ] || table_error "$folder has two rows"
    name=${folder##*/}
    [ -z "${row_named[$name]+set}" ] || table_error "$folder and ${row_named[$name]} share the name '$name'"
    layer[$folder]=$number
    row_named[$name]=$folder
    may_use_text[$folder]=$may
    is_top[${folder%%/*}]=1
    rows+=("$folder")
  done < <(table_rows)
  [ "${#rows[@]}" -gt 0 ] || table_error "no table under '## Layers'"

  for folder in "${rows[@]}"; do
    uses[$folder]=" "
    text=${may_use_text[$folder]}
    while [[ $text =~ ^(.*)\([^\)]*\)(.*)$ ]]; do text=${BASH_REMATCH[1]}${BASH_REMATCH[2]}; done
    IFS=, read -ra names <<<"$text"
    for name in "${names[@]}"; do
      [[ $name =~ ^[[:space:]]*(.*[^[:space:]])[[:space:]]*$ ]] && name=${BASH_REMATCH[1]} || name=""
      case $name in
        '' | nothing) ;;
        anything) anything[$folder]=1 ;;
        'CUDA headers') cuda_ok[$folder]=1 ;;
        *)
          used=${row_named[$name]:-}
          [ -n "$used" ] || table_error "$folder may use '$name', which is no row's name"
          [ "${layer[$used]}" -lt "${layer[$folder]}" ] ||
            table_error "$folder (layer ${layer[$folder]}) may use $used (layer ${layer[$used]}), which is not lower"
          uses[$folder]+="$used "
          ;;
      esac
    done
  done
  tops=$(printf '%s\n' "${!is_top[@]}" | sort)
}

# Sets `row` to the row that holds the repository path $1 (a file), or "".
row_of_file() {
  local path=$1 dir
  row=""
  if [ -n "${layer[$path]+set}" ]; then
    row=$path  # a one-file row
    return
  fi
  dir=${path%/*}
  [ "$dir" != "$path" ] || return 0
  if [ -n "${layer[$dir]+set}" ]; then
    row=$dir
    return
  fi
  while [[ $dir == */* ]]; do
    dir=${dir%/*}
    if [ -n "${below[$dir]+set}" ]; then
      row=$dir
      return
    fi
  done
}

# Sets `normal` to $1 with "." and ".." folded away; fails when it climbs above the root.
normalize() {
  local -a pieces kept=()
  local part
  IFS=/ read -ra pieces <<<"$1"
  for part in "${pieces[@]}"; do
    case $part in
      '' | .) ;;
      ..)
        [ "${#kept[@]}" -gt 0 ] || return 1
        unset 'kept[-1]'
        ;;
      *) kept+=("$part") ;;
    esac
  done
  local IFS=/
  normal="${kept[*]}"
}

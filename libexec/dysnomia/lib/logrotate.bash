# shellcheck shell=bash
# Size-based rotation of a daemon's log (docs/activation.md, "Logs"), sourced by the process module.
#
# dy_log_rotate FILE MAX_BYTES KEEP: when FILE holds MAX_BYTES or more, FILE.(KEEP-1) → FILE.KEEP, …,
# FILE → FILE.1 (FILE.KEEP is dropped; KEEP 0 drops FILE). Called before a daemon starts, so no
# process of ours is writing FILE while it is renamed. MAX_BYTES 0 turns rotation off.
dy_log_rotate() {
  local file=$1 max=$2 keep=$3 size i
  ((max > 0)) || return 0
  [[ -s $file ]] || return 0
  size=$(stat -c %s -- "$file")
  ((size >= max)) || return 0
  if ((keep == 0)); then
    rm -f -- "$file"
    return 0
  fi
  rm -f -- "$file.$keep"
  for ((i = keep - 1; i >= 1; i--)); do
    if [[ -e $file.$i ]]; then mv -f -- "$file.$i" "$file.$((i + 1))"; fi
  done
  mv -f -- "$file" "$file.1"
}

# dy_log_limits MAX KEEP: the rotation limits (the process config's logMaxBytes/logKeep, else the
# container properties of those names, else 10 MiB and 5 files) as LOG_MAX_BYTES and LOG_KEEP.
# Returns 1 (CONFIG_ERR) when one is not a non-negative integer.
# shellcheck disable=SC2034 # LOG_MAX_BYTES, LOG_KEEP and CONFIG_ERR are read by the process module
dy_log_limits() {
  local max=${1:-10485760} keep=${2:-5}
  if [[ ! $max =~ ^[0-9]{1,15}$ ]]; then
    CONFIG_ERR="logMaxBytes must be a number of bytes, got \"$max\""
    return 1
  fi
  if [[ ! $keep =~ ^[0-9]{1,4}$ ]]; then
    CONFIG_ERR="logKeep must be a number of files (0-9999), got \"$keep\""
    return 1
  fi
  LOG_MAX_BYTES=$((10#$max)) LOG_KEEP=$((10#$keep))
}

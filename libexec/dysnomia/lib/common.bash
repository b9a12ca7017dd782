# shellcheck shell=bash
# Shared plumbing of our Dysnomia modules (process, echo, wrapper), sourced by each of them.
#
# A module is an executable called as `MODULE OPERATION COMPONENT CONTAINER` with the container
# properties in its environment (docs/activation.md). These helpers parse that into DY_* variables,
# implement the naming rules of the original Dysnomia (composeUtilityVariables), the activation flags,
# and error reporting: a failure prints "<type>: <message>" on stderr and exits 1.
#
# Only bash builtins here: module processes start for every operation, so every fork counts.

# Byte semantics for patterns and [[ =~ ]], whatever the caller's locale (not exported unless the
# caller exported it; the daemon's environment is built from /proc/$$/environ anyway).
LC_ALL=C
set -f  # no globbing, except where a function turns it on for a moment

DY_OPERATIONS=' activate deactivate lock unlock snapshot restore collect-garbage shell '

# Cleanup hook a module may set (a function name), run by dy_fail before the message is printed.
DY_ON_FAIL=''

# dy_fail MESSAGE: report and exit 1.
dy_fail() {
  trap - ERR
  if [[ -n $DY_ON_FAIL ]]; then
    local hook=$DY_ON_FAIL
    DY_ON_FAIL=''
    "$hook" || true
  fi
  printf '%s: %s\n' "$DY_TYPE" "$1" >&2
  exit 1
}

# An unexpected failure of a command (set -e): report it like any other failure, with a call stack
# when DYSNOMIA_DEBUG is set.
dy_internal_error() {
  local status=$1 line=$2 command=$3
  if [[ -n ${DYSNOMIA_DEBUG:-} ]]; then
    local i
    for ((i = 1; i < ${#FUNCNAME[@]}; i++)); do
      printf '    at %s (%s:%s)\n' "${FUNCNAME[i]}" "${BASH_SOURCE[i]}" "${BASH_LINENO[i - 1]}" >&2
    done
  fi
  dy_fail "internal error: '$command' failed with status $status (line $line)"
}

dy_setup() {
  DY_TYPE=$1
  set -eEuo pipefail
  trap 'dy_internal_error "$?" "$LINENO" "$BASH_COMMAND"' ERR
}

# dy_normalize PATH: path.resolve semantics (absolute, ".", ".." and "//" folded, no trailing
# slash), without touching the file system. Sets REPLY.
dy_normalize() {
  local input=$1 part
  if [[ $input != /* ]]; then
    if [[ -z ${DY_CWD:-} ]]; then
      # The physical working directory, as node's process.cwd(): `cd -P .` sets PWD to it.
      cd -P . && DY_CWD=$PWD
    fi
    input=$DY_CWD/$input
  fi
  if [[ $input != *//* && $input != */. && $input != */./* && $input != */.. && $input != */../* && $input != */ ]]; then
    REPLY=$input
    return 0
  fi
  local -a parts kept=()
  local IFS=/
  # shellcheck disable=SC2206 # split on "/" on purpose; globbing is off
  parts=($input)
  for part in "${parts[@]}"; do
    case $part in
      '' | .) ;;
      ..) if ((${#kept[@]} > 0)); then unset 'kept[${#kept[@]}-1]'; fi ;;
      *) kept+=("$part") ;;
    esac
  done
  REPLY=/${kept[*]}
}

# dy_basename PATH: path.basename (trailing slashes ignored). Sets REPLY.
dy_basename() {
  local p=$1
  while [[ $p == */ && $p != / ]]; do p=${p%/}; done
  REPLY=${p##*/}
}

# A Nix store path basename starts with a 32-character hash and a dash: strip those.
dy_strip_hash() {
  if [[ $1 =~ ^[0-9a-df-np-sv-z]{32}- ]]; then REPLY=${1:33}; else REPLY=$1; fi
}

dy_is_root() { ((EUID == 0)); }

# dy_init TYPE ARGS...: parse `OPERATION COMPONENT [CONTAINER]` and derive the names:
#   DY_OP, DY_COMPONENT (absolute), DY_CONTAINER_ARG, DY_STATEDIR, DY_COMPONENT_NAME, DY_CONTAINER_NAME
dy_init() {
  dy_setup "$1"
  shift
  DY_OP=${1:-}
  local component=${2:-}
  DY_CONTAINER_ARG=${3:-}
  if [[ -z $DY_OP || -z $component ]]; then
    dy_fail "usage: $DY_TYPE OPERATION COMPONENT [CONTAINER]"
  fi
  [[ $DY_OPERATIONS == *" $DY_OP "* ]] || dy_fail "unknown operation \"$DY_OP\""
  dy_normalize "$component"
  DY_COMPONENT=$REPLY
  dy_basename "$DY_COMPONENT"
  dy_strip_hash "$REPLY"
  DY_COMPONENT_NAME=$REPLY
  if [[ -n $DY_CONTAINER_ARG ]]; then
    dy_basename "$DY_CONTAINER_ARG"
    dy_strip_hash "$REPLY"
    DY_CONTAINER_NAME=$REPLY
  else
    DY_CONTAINER_NAME=$DY_TYPE
  fi
  # DYSNOMIA_STATEDIR, else /var/state/dysnomia for root and ~/.dysnomia for everybody else.
  if [[ -n ${DYSNOMIA_STATEDIR:-} ]]; then
    dy_normalize "$DYSNOMIA_STATEDIR"
    DY_STATEDIR=$REPLY
  elif dy_is_root; then
    DY_STATEDIR=/var/state/dysnomia
  else
    local home=${HOME:-}
    if [[ -z $home ]]; then
      local entry
      entry=$(getent passwd "$EUID") || true
      IFS=: read -r _ _ _ _ _ home _ <<<"$entry"
    fi
    DY_STATEDIR=$home/.dysnomia
  fi
}

# dy_mkdirs DIR...: create the missing ones (one mkdir for all of them, none when they exist).
dy_mkdirs() {
  local dir missing=()
  for dir in "$@"; do [[ -d $dir ]] || missing+=("$dir"); done
  if ((${#missing[@]} > 0)); then mkdir -p -- "${missing[@]}"; fi
}

# markComponentAsActive: touch $STATEDIR/activated/<container>/<component>, or move the garbage flag
# there (as the original).
dy_mark_active() {
  local activated=$DY_STATEDIR/activated/$DY_CONTAINER_NAME/$DY_COMPONENT_NAME
  local garbage=$DY_STATEDIR/garbage/$DY_CONTAINER_NAME/$DY_COMPONENT_NAME
  dy_mkdirs "${activated%/*}"
  if [[ -e $garbage ]] && mv -f -- "$garbage" "$activated" 2>/dev/null; then return 0; fi
  if [[ -e $activated && -s $activated ]]; then
    touch -- "$activated"
  else
    : >"$activated"  # creates it, or updates the time stamps of the empty flag
  fi
}

# unmarkComponentAsActive.
dy_unmark_active() {
  rm -f -- "$DY_STATEDIR/activated/$DY_CONTAINER_NAME/$DY_COMPONENT_NAME"
}

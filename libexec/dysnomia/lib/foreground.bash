# shellcheck shell=bash disable=SC2034 # sets variables the sourcing process module reads
# Foreground processes and supervision for the process module (docs/activation.md, "Foreground
# processes" and "Supervision"). Sourced by libexec/dysnomia/process only when a component or its
# service asks for either, so that every other operation pays nothing for it.
#
# Settings, from <component>/etc/dysnomia/process first, then the module's variables (container
# properties, and the service's settings the deployment passes the same way):
#   foregroundProcess=COMMAND   run COMMAND (words as process=) in the foreground; the module daemonises it
#   foregroundProcess=1|true    the component's process (process= or bin/) runs in the foreground
#   foreground=1|true           (config file only) the same
#   restart=no|on-failure|always, restartDelay (s, 1), restartMaxDelay (s, 30), restartLimit (5),
#   restartReset (s, 60: a run at least that long starts a new failure streak)

# resolve_run_mode FILE: FOREGROUND (1 or empty), FG_CMD (the command, when one is given), RESTART (empty, on-failure or
# always) and RESTART_ARGS (what the supervisor is given). Returns 1 (CONFIG_ERR) on a bad setting.
resolve_run_mode() {
  local file=$1 value where
  FOREGROUND='' RESTART=''
  if [[ -n ${KV[foregroundProcess]:-} ]]; then
    value=${KV[foregroundProcess]} where="foregroundProcess in $file"
  elif [[ -n ${KV[foreground]:-} ]]; then
    value=${KV[foreground]} where="foreground in $file"
  else
    value=${foregroundProcess:-} where='the foregroundProcess setting'
  fi
  case $value in
    '' | 0 | false | no) ;;
    1 | true | yes) FOREGROUND=1 ;;
    *)
      [[ $where != foreground\ * ]] || {
        CONFIG_ERR="$where must be 1/true or 0/false, got \"$value\""
        return 1
      }
      split_words "$value" || return 1
      if ((${#WORDS[@]} == 0)); then
        CONFIG_ERR="$where is empty"
        return 1
      fi
      FG_CMD=("${WORDS[@]}")
      if [[ ${FG_CMD[0]} == */* && ${FG_CMD[0]} != /* ]]; then
        dy_normalize "$DY_COMPONENT/${FG_CMD[0]}"
        FG_CMD[0]=$REPLY
      fi
      SOURCE=$where
      FOREGROUND=1
      ;;
  esac
  value=${KV[restart]:-${restart:-no}}
  case $value in
    no) return 0 ;;
    on-failure | always) RESTART=$value ;;
    *)
      CONFIG_ERR="restart must be no, on-failure or always, got \"$value\""
      return 1
      ;;
  esac
  if [[ -z $FOREGROUND ]]; then
    CONFIG_ERR="restart=$RESTART needs a process that stays in the foreground, which the supervisor runs: set foregroundProcess (the command, or 1 when the component's process already runs in the foreground)"
    return 1
  fi
  local delay max reset limit=${KV[restartLimit]:-${restartLimit:-5}}
  seconds restartDelay "${KV[restartDelay]:-}" "${restartDelay:-}" 1 || return 1
  delay=$((SEC_US / 1000))
  seconds restartMaxDelay "${KV[restartMaxDelay]:-}" "${restartMaxDelay:-}" 30 || return 1
  max=$((SEC_US / 1000))
  seconds restartReset "${KV[restartReset]:-}" "${restartReset:-}" 60 || return 1
  reset=$((SEC_US / 1000))
  if ! [[ $limit =~ ^[0-9]{1,6}$ ]]; then
    CONFIG_ERR="restartLimit must be a whole number of restarts, got \"$limit\""
    return 1
  fi
  ((delay > 0)) || delay=1
  ((max >= delay)) || max=$delay
  RESTART_ARGS=("$RESTART" "$delay" "$max" "$((10#$limit))" "$reset")
}

# supervise_command: LAUNCH becomes the supervisor running CMD; it keeps its status (the restart
# count, read by src/activation/supervision.ts) in SUPERVISOR_FILE.
supervise_command() {
  local status=$SUPERVISOR_FILE
  dy_mkdirs "${status%/*}"
  if [[ -e $status ]]; then rm -f -- "$status"; fi
  LAUNCH=("$BASH" -p "$DY_LIB/supervisor" "$status" "${RESTART_ARGS[@]}" -- "${CMD[@]}")
}

# shellcheck disable=SC2317 # called through poll
fg_settled() { starter_exited || { proc_stat "$STARTER" && [[ $ST_SESSION == "$STARTER" ]]; }; }

# foreground_started: the starter is the daemon (a foreground process, or the supervisor running
# one). It must still run; the module writes its PID file and records it.
foreground_started() {
  # Wait until it leads its own session (setsid has run; a moment after the fork), so that the record's
  # session and group are right from the start, or until it has ended.
  poll "$START_US" fg_settled || true
  if starter_exited; then
    local status=0
    wait "$STARTER" || status=$?
    clean_up_and_fail "${CMD[*]} ended at once (exit status $status), although it was declared to stay in the foreground; output in $LOG_FILE"
  fi
  printf '%s\n' "$STARTER" >"$PID_FILE"
  write_record "$STARTER" "$STARTER_START" "$STARTER"
}

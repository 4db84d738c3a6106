#!/usr/bin/env bash
# The launcher's signals and progress (issue 10), on the JDK in JAVA_HOME (default: java on PATH):
# - SIGTERM, then SIGINT, sent to the launcher's process id alone stop the run within a few
#   seconds: status 143 / 130, exactly one line on stderr ("hebb4j: stopped by SIGTERM"), and no
#   process of the run left (the JVM, the stderr filter);
# - on a pseudo-terminal (script(1)) the progress line, redrawn with '\r', shows while the run
#   is still going.
# Run by .ci/run after the Maven tests; about 20 s.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in pgrep:procps script:bsdutils; do
  if ! command -v "${tool%:*}" >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tool#*:}"
    else
      echo "launcher-test: needs ${tool%:*} (package ${tool#*:})" >&2
      exit 1
    fi
  fi
done
tmp="$(mktemp -d)"
group=""    # the process group of a run under way (its launcher's pid), killed on a failure
spid=""     # the script(1) under way, whose child (the run) is killed on a failure
cleanup() {
  if [ -n "$group" ]; then kill -KILL -- -"$group" 2>/dev/null || true; fi
  if [ -n "$spid" ]; then   # script's child leads its own session and process group
    for c in $(pgrep -P "$spid"); do kill -KILL -- -"$c" 2>/dev/null || true; done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "launcher-test: $*" >&2
  exit 1
}

# Polls (every 0.1 s, at most $1 seconds) until the command in the other arguments succeeds.
within() {
  local tenths=$(($1 * 10))
  shift
  for ((i = 0; i < tenths; i++)); do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  return 1
}

# True when a JVM of process group $1 runs hebb4j's main: its worker threads exist.
in_main() {
  local p
  for p in $(pgrep -g "$1"); do
    if grep -qs '^hebb4j-worker' /proc/"$p"/task/*/comm; then return 0; fi
  done
  return 1
}

gone() {
  ! kill -0 "$1" 2>/dev/null
}

./hebb4j info >/dev/null || fail "./hebb4j info failed"   # builds the jar if needed

# A run that takes minutes: stopped long before its end.
run=(emergence --rules sgd --gammas 0 --seeds 1 --steps 1000000 --threads 2)

# Job control: every background job gets its own process group (the launcher's pid is the
# group id) and keeps SIGINT (without it, a script's background jobs ignore SIGINT).
set -m
for case in TERM:143 INT:130; do
  sig="${case%:*}" want="${case#*:}"
  ./hebb4j "${run[@]}" --out "$tmp/run-$sig" >"$tmp/out-$sig" 2>"$tmp/err-$sig" &
  pid=$!
  group="$pid"
  within 60 in_main "$pid" || fail "SIG$sig: the run did not start within 60 s"
  kill -"$sig" "$pid"
  within 10 gone "$pid" || fail "SIG$sig: the launcher is still running 10 s later"
  set +e
  wait "$pid"
  status=$?
  set -e
  within 5 eval '! pgrep -g "$pid" >/dev/null' \
    || fail "SIG$sig: processes of the run remain: $(pgrep -a -g "$pid")"
  [ "$status" = "$want" ] || fail "SIG$sig: exit status $status, expected $want"
  err="$(cat "$tmp/err-$sig")"
  [ "$err" = "hebb4j: stopped by SIG$sig" ] \
    || fail "SIG$sig: stderr is not one line 'hebb4j: stopped by SIG$sig': $(cat -A <<<"$err")"
  group=""
  echo "launcher-test: SIG$sig to the launcher: status $status, '$err', no process left"
done
set +m

# Progress through the launcher on a pseudo-terminal, before the run ends. script -e returns
# the command's status. script runs the command with $SHELL -c (/bin/sh when SHELL is unset, as
# in CI), and dash does not exec a lone command: the explicit exec makes script's child the
# launcher, which execs java, so that script's child is the JVM whatever the shell.
SHELL=/bin/bash script -qfec "exec ./hebb4j ${run[*]} --out $tmp/run-pty" /dev/null >"$tmp/pty" 2>&1 &
spid=$!
progress() { grep -saq 'emergence: *[0-9.]*%' "$tmp/pty"; }
if ! within 60 progress; then
  fail "no progress on the terminal within 60 s: $(cat -A "$tmp/pty" | head -c 400)"
fi
jvm="$(pgrep -P "$spid")" || fail "the run ended before its progress was seen"
[ "$(wc -w <<<"$jvm")" = 1 ] || fail "script has more than one child: $jvm"
grep -qs '^hebb4j-worker' /proc/"$jvm"/task/*/comm \
  || fail "script's child is not the JVM: $(ps -o pid=,args= -p "$jvm")"
kill -TERM "$jvm"
within 10 gone "$spid" || fail "under script: still running 10 s after SIGTERM"
set +e
wait "$spid"
status=$?
set -e
spid=""
[ "$status" = 143 ] || fail "under script: exit status $status, expected 143"
grep -aq 'hebb4j: stopped by SIGTERM' "$tmp/pty" || fail "under script: no stop message"
echo "launcher-test: progress reached the pseudo-terminal: $(tr '\r' '\n' <"$tmp/pty" \
  | grep -a '%' | tail -n 1 | tr -s ' ')"
echo "launcher-test: passed"

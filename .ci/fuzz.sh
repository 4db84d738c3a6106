#!/usr/bin/env bash
# Fuzzes every reader and the CLI for a fixed time each (README: Fuzzing), on the JDK of
# JAVA_HOME. Usage: .ci/fuzz.sh [SECONDS_PER_TARGET [TARGET...]]  (default 20 s, every target).
# A finding (crash, hang over 10 s, out-of-memory) fails the run; Jazzer has then written the
# input to src/test/resources/org/hebb4j/fuzz/FuzzTargetsInputs/TARGET/, the corpus that
# `mvn test` replays: fix the reader and commit the file with the fix. The corpus Jazzer grows
# while it fuzzes stays in .cifuzz-corpus/ (not committed; kept between runs on one machine).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(idx cifar10 vectorJson safetensors checkpoint npy npz cli)
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Compile with the fuzz profile and replay the corpus under Jazzer (its regression mode), then
# fuzz each target in a JVM of its own (Jazzer fuzzes one test per JVM), started directly:
# Maven's start-up would cost more than a short fuzzing run.
mvn -B -q -Pfuzz test -Dtest=FuzzTargets dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/fuzz-classpath.txt 2>&1 | { grep -v '^WARNING: Using incubator' || true; }
cp="target/test-classes:target/classes:$(cat target/fuzz-classpath.txt)"
# Jazzer loads its agent at run time (allowed explicitly: JDK 21+ warn, a future JDK refuses by
# default; JDK 17 ignores the flag) and its native library (JDK 22+ warn about System.load).
flags=(--add-modules jdk.incubator.vector -Xmx2g -XX:+IgnoreUnrecognizedVMOptions
  -XX:+EnableDynamicAgentLoading)
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
# Two targets at a time (FUZZ_JOBS): Jazzer fuzzes on one thread, CI has two cores.
jobs="${FUZZ_JOBS:-2}"
fuzz() {
  local t="$1" start
  start=$(date +%s)
  if JAZZER_FUZZ=1 "$java" "${flags[@]}" -cp "$cp" org.hebb4j.fuzz.FuzzMain "$t" \
      "${seconds}s" 10 >"$logs/$t.log" 2>&1; then
    local runs
    runs="$(grep -Eo 'Done [0-9]+ runs' "$logs/$t.log" | tail -n 1 | grep -Eo '[0-9]+' || echo '?')"
    echo "fuzz $t: $runs executions in $seconds s, no finding ($(( $(date +%s) - start )) s)" \
      >"$logs/$t.result"
  else
    { echo "fuzz $t: FINDING (the input is in src/test/resources/org/hebb4j/fuzz/)"
      grep -E 'Test unit written|Caused by|Exception|Error|timeout' "$logs/$t.log" \
        | head -n 20 || tail -n 40 "$logs/$t.log"; } >"$logs/$t.result"
    return 1
  fi
}
status=0
pids=()
for t in "${targets[@]}"; do
  if [ ${#pids[@]} -ge "$jobs" ]; then
    wait "${pids[0]}" || status=1
    pids=("${pids[@]:1}")
  fi
  fuzz "$t" &
  pids+=($!)
done
for p in "${pids[@]}"; do
  wait "$p" || status=1
done
for t in "${targets[@]}"; do
  cat "$logs/$t.result"
done
exit $status

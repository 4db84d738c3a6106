#!/usr/bin/env bash
# Fuzzes every reader and the CLI for a fixed time each (README: Fuzzing), on the JDK of
# JAVA_HOME. Usage: .ci/fuzz.sh [SECONDS_PER_TARGET [TARGET...]]  (default 25 s, every target).
# A finding (crash, hang, out-of-memory) fails the run; Jazzer has then written the input to
# src/test/resources/org/hebb4j/fuzz/FuzzTargetsInputs/TARGET/, the corpus that `mvn test`
# replays: fix the reader and commit the file with the fix. The corpus Jazzer grows while it
# fuzzes stays in .cifuzz-corpus/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-25}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(idx cifar10 vectorJson safetensors npy npz cli)

# Compile once (and replay the corpus under Jazzer: regression mode), then fuzz each target in
# a JVM of its own: Jazzer fuzzes one test per JVM. A single input running over 10 s is a hang;
# the JUnit timeout of the same setting is only Jazzer's (mode disabled), not the whole run's.
mvn -B -q -Pfuzz test -Dtest='FuzzTargets' 2>&1 | { grep -v '^WARNING: Using incubator' || true; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
for t in "${targets[@]}"; do
  start=$(date +%s)
  if ! JAZZER_FUZZ=1 mvn -B -o -Pfuzz surefire:test -Dtest="FuzzTargets#$t" \
      -Djazzer.max_duration="${seconds}s" \
      -Djunit.jupiter.execution.timeout.testtemplate.method.default=10s \
      -Djunit.jupiter.execution.timeout.mode=disabled >"$log" 2>&1; then
    status=1
    echo "fuzz $t: FINDING (see below; the input is under src/test/resources/org/hebb4j/fuzz/)"
    grep -E '^(==|Caused by|java\.|\s+at org\.hebb4j)|crash-|timeout-|oom-|FuzzTestFinding' \
      "$log" | head -n 40 || tail -n 60 "$log"
    continue
  fi
  runs="$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 \
    | grep -Eo '[0-9]+ runs' || echo '? runs')"
  echo "fuzz $t: ${runs% runs} executions in ${seconds} s, no finding ($(( $(date +%s) - start )) s)"
done
exit $status

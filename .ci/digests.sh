#!/usr/bin/env bash
# The same bits on every path: trains a short `emergence` run and a short `hebbcnn` run (with
# --save) on the scalar kernels and on the vector kernels at 128-, 256- and 512-bit widths, on the
# JDK in JAVA_HOME, and prints one SHA-256 per output file (the saved weights and the CSV outputs;
# run.txt, config.txt and table.txt, which name the kernels or hold timings, are left out).
# Exits 1, naming the first differing file and configuration, when any configuration's digests
# differ from the scalar ones; with a file argument, also writes the digest list there (so that
# two JDKs' lists can be diffed, as .ci/run does). README.md, "Checking the digests".
#
# usage: .ci/digests.sh [DIGEST_LIST_FILE]
# env:   JAVA_HOME (the JDK), HEBB4J_DATA (Fashion-MNIST folder, default
#        /usr/share/datasets/fashion-mnist)
set -euo pipefail
cd "$(dirname "$0")/.."
list_file="${1:-}"
data="${HEBB4J_DATA:-/usr/share/datasets/fashion-mnist}"
[ -d "$data" ] || { echo ".ci/digests.sh: no data folder $data (set HEBB4J_DATA)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The default emergence run (all five rules), shortened: one seed, 60 steps, a small net and set.
emergence=(emergence --seeds 1 --steps 60 --gammas 0,5e-4 --hidden 32 --train 2048 --val 256
  --batch 64 --threads 2 --save)
# The triangle variant of the Hebbian CNN on 400 Fashion-MNIST images, small layers.
hebbcnn=(hebbcnn --variant triangle --data "$data" --train-limit 400 --test-limit 200
  --channels 8,12,16 --burn-in 2 --batch 50 --threads 2 --save)

configs=(scalar vector128 vector256 vector512)
flag() {
  case "$1" in
    scalar) echo "-Dhebb4j.simd=false" ;;
    vector*) echo "-Dhebb4j.vectorBits=${1#vector}" ;;
  esac
}

java_version="$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1 | head -n1)"
for c in "${configs[@]}"; do
  for run in emergence hebbcnn; do
    dir="$work/$c/$run"
    if [ "$run" = emergence ]; then args=("${emergence[@]}"); else args=("${hebbcnn[@]}"); fi
    start=$SECONDS
    if ! ./hebb4j "$(flag "$c")" "${args[@]}" --out "$dir" >"$work/$c-$run.log" 2>&1; then
      echo ".ci/digests.sh: $run on $c failed:" >&2
      tail -n 20 "$work/$c-$run.log" >&2
      exit 1
    fi
    echo "  $run on $c ($java_version): $((SECONDS - start)) s" >&2
  done
  # one line per file: "sha256  run/file", in a fixed order
  (cd "$work/$c" && find emergence hebbcnn -type f \( -name '*.csv' -o -name '*.safetensors' \) \
    | LC_ALL=C sort | xargs sha256sum) >"$work/$c.sha256"
done

for c in "${configs[@]:1}"; do
  if ! cmp -s "$work/scalar.sha256" "$work/$c.sha256"; then
    first="$(diff "$work/scalar.sha256" "$work/$c.sha256" | grep -m1 '^[<>]' | awk '{print $3}')"
    echo ".ci/digests.sh: $c differs from scalar, first at ${first:-(file list)}" >&2
    diff "$work/scalar.sha256" "$work/$c.sha256" >&2 || true
    exit 1
  fi
done
cat "$work/scalar.sha256"
echo "one digest per file across ${configs[*]} ($java_version)" >&2
if [ -n "$list_file" ]; then
  cp "$work/scalar.sha256" "$list_file"
fi

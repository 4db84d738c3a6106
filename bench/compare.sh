#!/usr/bin/env bash
# hebb4j against numpy/OpenBLAS and PyTorch (Debian's python3-torch, when installed), in one run,
# same sizes, same thread counts, same timing method (warm-up, then timed calls). torch must run on
# OpenBLAS (apt-get install libopenblas0-pthread): on the reference BLAS it is refused (exit 2)
# unless TORCH_ANY_BLAS=1.
#   bench/compare.sh                 # SGEMM at 256, 1024, 2048; SRE MLP and transformer steps;
#                                    # Hebbian-CNN and SoftHebb batches
#   SIZES="1024" SECONDS_EACH=5 bench/compare.sh
#   PARTS="gemm" bench/compare.sh    # only some of: gemm sre transformer hebbcnn softhebb
#   ROUNDS=3 bench/compare.sh        # repeat each hebb4j/numpy/torch measurement, alternating
#   NUMPY_CORES="auto SkylakeX" ...   # OpenBLAS kernel sets to time numpy with (OPENBLAS_CORETYPE)
# OpenBLAS picks its kernels by CPU model, and picks AVX2 (Haswell) kernels on CPUs it does not
# know, AVX-512 ones included (AMD Zen 5, say). So on a CPU with AVX-512 numpy is also timed with
# OPENBLAS_CORETYPE=SkylakeX, and the numpy column is whichever kernel set was faster (named in
# the last column).
# JAVA_HOME chooses the JDK. Every cell is "median best" over the timed calls; with ROUNDS > 1 the
# median is the median of the rounds' medians and best the best of all. The ratios compare
# medians with medians and bests with bests. See BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${SIZES:-256 1024 2048}"
threads="${THREADS:-1 2}"
secs="${SECONDS_EACH:-3}"
parts="${PARTS:-gemm sre transformer hebbcnn softhebb}"
rounds="${ROUNDS:-1}"

numpy_py=""
for py in python3 /usr/bin/python3; do
  if "$py" -c "import numpy" 2>/dev/null; then numpy_py="$py"; break; fi
done
torch_py=""
for py in python3 /usr/bin/python3; do
  if "$py" -c "import torch" 2>/dev/null; then torch_py="$py"; break; fi
done

./hebb4j info 2>/dev/null | sed -n '2p;4p'
numpy_cores="${NUMPY_CORES:-}"
if [ -n "$numpy_py" ] && [ -z "$numpy_cores" ]; then
  numpy_cores="auto"
  auto_core=$("$numpy_py" bench/py/openblas_core.py 2>/dev/null || echo unknown)
  if grep -qw avx512f /proc/cpuinfo 2>/dev/null \
      && ! [[ "$auto_core" =~ ^(SkylakeX|Cooperlake|SapphireRapids)$ ]]; then
    numpy_cores+=" SkylakeX"
  fi
fi
[ -n "$numpy_py" ] && echo "numpy    $("$numpy_py" -c 'import numpy; print(numpy.__version__)') ($numpy_py)" \
  || echo "numpy    not found (no numpy comparison)"
if [ -n "$torch_py" ]; then
  echo "torch    $("$torch_py" -c 'import torch; print(torch.__version__)') ($torch_py)"
  # Debian's torch runs its dense products on whatever libblas.so.3 is installed. On the reference
  # BLAS (unoptimized loops) every torch ratio would flatter hebb4j about tenfold: refuse it.
  torch_blas="$("$torch_py" bench/py/torch_blas.py 2>/dev/null || echo "unknown (bench/py/torch_blas.py failed)")"
  echo "torch BLAS $torch_blas"
  if [[ "$torch_blas" != openblas* && "$torch_blas" != mkl* ]]; then
    if [ "${TORCH_ANY_BLAS:-0}" = 1 ]; then
      echo "WARNING: torch is not on OpenBLAS or MKL; its column is NOT a fair comparison" >&2
    else
      echo "compare.sh: torch runs on '$torch_blas', not OpenBLAS or MKL, so its timings would" \
        "flatter hebb4j; install libopenblas0-pthread (or set TORCH_ANY_BLAS=1 to time it anyway)" >&2
      exit 2
    fi
  fi
else
  echo "torch    not installed (apt-get install python3-torch libopenblas0-pthread to compare)"
fi
[ -n "$numpy_py" ] && echo "OpenBLAS kernels: $(for c in $numpy_cores; do
  if [ "$c" = auto ]; then printf 'auto = %s ' "$("$numpy_py" bench/py/openblas_core.py 2>/dev/null)"
  else printf '%s ' "$(OPENBLAS_CORETYPE=$c "$numpy_py" bench/py/openblas_core.py 2>/dev/null)"; fi
done)"
echo "rounds   $rounds, ${secs} s warm-up + ${secs} s timed per measurement"

# "median best" lines in, one "median best" out: median of medians; best is the max (higher is
# better) or the min (lower is better) of the bests.
combine() {
  local lines med best
  lines=$(grep -E '^[0-9.]+ [0-9.]+$' || true)
  [ -z "$lines" ] && { echo "- -"; return; }
  med=$(cut -d' ' -f1 <<<"$lines" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  if [ "$1" = max ]; then best=$(cut -d' ' -f2 <<<"$lines" | sort -g | tail -1)
  else best=$(cut -d' ' -f2 <<<"$lines" | sort -g | head -1); fi
  echo "$med $best"
}
# ratio A B for "median best" pairs: "A.med/B.med A.best/B.best"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ")
  if (x[1] == "-" || y[1] == "-" || x[1] == "" || y[1] == "") { print "- -"; exit }
  printf "%.2f %.2f\n", x[1] / y[1], x[2] / y[2] }'; }
# hebb4j's bench line "  V UNIT median, W best ..." to "V W"
hebb() { sed -n "s|^ *\([0-9.]*\) $1 median, \([0-9.]*\) best.*|\1 \2|p"; }
cell() { printf '%17s' "$1"; }
# np_run CORE CMD...: CMD with OpenBLAS forced to kernel set CORE ("auto": its own choice).
# best_core max|min: reads "core<TAB>lines" rows and prints "median best core" for the core with
# the better median.
np_run() {
  local core="$1"; shift
  if [ "$core" = auto ]; then "$@"; else OPENBLAS_CORETYPE="$core" "$@"; fi
}
best_core() {
  local dir="$1" best="" bestc="" line
  while IFS=$'\t' read -r core lines; do
    line=$(printf '%b' "$lines" | combine "$dir")
    [ "${line%% *}" = "-" ] && continue
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" -v d="$dir" \
        'BEGIN { exit !((d == "max") ? a > b : a < b) }'; then best="$line"; bestc="$core"; fi
  done
  [ -z "$best" ] && { echo "- - -"; return; }
  echo "$best $bestc"
}

if [[ " $parts " == *" gemm "* ]]; then
  echo
  echo "SGEMM, GFLOP/s, median best (higher is better)"
  printf '%-6s %-3s %17s %17s %17s %17s %17s  %s\n' size thr hebb4j numpy torch hebb4j/numpy hebb4j/torch "numpy kernels"
  for t in $threads; do
    for n in $sizes; do
      hs=""; ts=""; declare -A ns=()
      for r in $(seq "$rounds"); do
        hs+="$(./hebb4j bench gemm --size "$n" --threads "$t" --seconds "$secs" 2>/dev/null | hebb GFLOP/s)"$'\n'
        for core in $numpy_cores; do
          ns[$core]+="$(OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t np_run "$core" "$numpy_py" bench/py/gemm.py numpy "$n" "$t" "$secs")\n"
        done
        [ -n "$torch_py" ] && ts+="$(OMP_NUM_THREADS=$t "$torch_py" bench/py/gemm.py torch "$n" "$t" "$secs")"$'\n'
      done
      h=$(printf '%s' "$hs" | combine max); tr=$(printf '%s' "$ts" | combine max)
      npc=$(for core in $numpy_cores; do printf '%s\t%s\n' "$core" "${ns[$core]}"; done | best_core max)
      np="${npc% *}"; unset ns
      printf '%-6s %-3s %s %s %s %s %s  %s\n' "$n" "$t" "$(cell "$h")" "$(cell "$np")" "$(cell "$tr")" \
        "$(cell "$(ratio "$h" "$np")")" "$(cell "$(ratio "$h" "$tr")")" "${npc##* }"
    done
  done
fi

if [[ " $parts " == *" sre "* ]]; then
  echo
  echo "SRE training step (32-128-32 tanh MLP, batch 256, SGD), ms/step, median best (lower is better)"
  printf '%-3s %17s %17s %17s %17s %17s  %s\n' thr hebb4j numpy torch numpy/hebb4j torch/hebb4j "numpy kernels"
  for t in $threads; do
    hs=""; ts=""; declare -A ns=()
    for r in $(seq "$rounds"); do
      hs+="$(./hebb4j bench sre --threads "$t" --seconds "$secs" 2>/dev/null | hebb ms/step)"$'\n'
      for core in $numpy_cores; do
        ns[$core]+="$(cd bench/py && OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t np_run "$core" "$numpy_py" sre_step.py numpy "$t" "$secs")\n"
      done
      [ -n "$torch_py" ] && ts+="$(cd bench/py && OMP_NUM_THREADS=$t "$torch_py" sre_step.py torch "$t" "$secs")"$'\n'
    done
    h=$(printf '%s' "$hs" | combine min); tr=$(printf '%s' "$ts" | combine min)
    npc=$(for core in $numpy_cores; do printf '%s\t%s\n' "$core" "${ns[$core]}"; done | best_core min)
    np="${npc% *}"; unset ns
    printf '%-3s %s %s %s %s %s  %s\n' "$t" "$(cell "$h")" "$(cell "$np")" "$(cell "$tr")" \
      "$(cell "$(ratio "$np" "$h")")" "$(cell "$(ratio "$tr" "$h")")" "${npc##* }"
  done
fi

if [[ " $parts " == *" transformer "* ]]; then
  # The transformer of spec/transformer.md (4 tokens, 4 heads, 2 pre-LN blocks, FFN 128), batch
  # 256, SGD; torch: the same network as nn.Modules, autograd, torch.optim.SGD
  # (bench/py/transformer_step.py). GFLOP/s on the step's 156.8 MFLOP (spec/transformer.md#cost).
  # The FMA peak of one core, measured by bench/fma_peak.c when gcc can build it for this CPU
  # (AVX2 + FMA3; its 512-bit FMAs on an AVX-512 CPU, whose vectors the kernels use), or
  # PEAK_GFLOPS (per core) from the environment; "% peak" is hebb4j's GFLOP/s over threads x that
  # peak.
  peak="${PEAK_GFLOPS:-}"
  isa="-mavx2 -mfma"
  grep -qw avx512f /proc/cpuinfo 2>/dev/null && isa="-mavx512f"
  # shellcheck disable=SC2086
  if [ -z "$peak" ] && grep -qw fma /proc/cpuinfo 2>/dev/null && command -v gcc >/dev/null \
      && gcc -O2 $isa -o target/fma_peak bench/fma_peak.c 2>/dev/null; then
    peak=$(target/fma_peak | awk '$1 > p { p = $1 } END { print p }')
  fi
  echo
  echo "FMA peak of one core: ${peak:-unknown (set PEAK_GFLOPS)} GFLOP/s (bench/fma_peak.c; BENCHMARKS.md)"
  echo "SRE transformer training step (4 tokens, 4 heads, 2 pre-LN blocks, FFN 128, batch 256, SGD), ms/step, median best (lower is better)"
  printf '%-3s %17s %17s %17s %17s %17s %17s\n' thr hebb4j torch torch/hebb4j "hebb4j GFLOP/s" "torch GFLOP/s" "hebb4j % peak"
  gflops() { awk -v a="$1" 'BEGIN { split(a, x, " "); if (x[1] == "-" || x[1] == "") { print "- -"; exit }
    printf "%.1f %.1f\n", 156.8 / x[1], 156.8 / x[2] }'; }
  percent() { awk -v a="$1" -v p="$peak" -v t="$2" 'BEGIN { split(a, x, " ")
    if (x[1] == "-" || x[1] == "" || p == "") { print "- -"; exit }
    printf "%.0f %.0f\n", 100 * x[1] / (p * t), 100 * x[2] / (p * t) }'; }
  for t in $threads; do
    hs=""; ts=""
    for r in $(seq "$rounds"); do
      hs+="$(./hebb4j bench transformer --threads "$t" --seconds "$secs" 2>/dev/null | hebb ms/step)"$'\n'
      [ -n "$torch_py" ] && ts+="$(cd bench/py && OMP_NUM_THREADS=$t "$torch_py" transformer_step.py "$t" "$secs")"$'\n'
    done
    h=$(printf '%s' "$hs" | combine min); tr=$(printf '%s' "$ts" | combine min)
    printf '%-3s %s %s %s %s %s %s\n' "$t" "$(cell "$h")" "$(cell "$tr")" "$(cell "$(ratio "$tr" "$h")")" \
      "$(cell "$(gflops "$h")")" "$(cell "$(gflops "$tr")")" "$(cell "$(percent "$(gflops "$h")" "$t")")"
  done
fi

if [[ " $parts " == *" hebbcnn "* ]]; then
  echo
  echo "Hebbian-CNN training batch (paper net, batch 100, 28x28), ms/batch, median best (lower is better)"
  printf '%-16s %-3s %17s %17s %17s\n' variant thr hebb4j torch torch/hebb4j
  for v in plain triangle+pruning; do
    for t in $threads; do
      hs=""; ts=""
      for r in $(seq "$rounds"); do
        hs+="$(./hebb4j bench hebbcnn --variant "$v" --threads "$t" --seconds "$secs" 2>/dev/null | hebb ms/batch)"$'\n'
        [ -n "$torch_py" ] && ts+="$(cd bench/py && OMP_NUM_THREADS=$t "$torch_py" hebbcnn_batch.py "$v" "$t" "$secs")"$'\n'
      done
      h=$(printf '%s' "$hs" | combine min); tr=$(printf '%s' "$ts" | combine min)
      printf '%-16s %-3s %s %s %s\n' "$v" "$t" "$(cell "$h")" "$(cell "$tr")" "$(cell "$(ratio "$tr" "$h")")"
    done
  done
fi

if [[ " $parts " == *" softhebb "* ]]; then
  echo
  echo "SoftHebb training batch (paper net, batch 10, 1x28x28), ms/batch, median best (lower is better)"
  printf '%-3s %17s %17s %17s\n' thr hebb4j torch torch/hebb4j
  for t in $threads; do
    hs=""; ts=""
    for r in $(seq "$rounds"); do
      hs+="$(./hebb4j bench hebbcnn --variant softhebb --threads "$t" --seconds "$secs" 2>/dev/null | hebb ms/batch)"$'\n'
      [ -n "$torch_py" ] && ts+="$(cd bench/py && OMP_NUM_THREADS=$t "$torch_py" softhebb_batch.py "$t" "$secs")"$'\n'
    done
    h=$(printf '%s' "$hs" | combine min); tr=$(printf '%s' "$ts" | combine min)
    printf '%-3s %s %s %s\n' "$t" "$(cell "$h")" "$(cell "$tr")" "$(cell "$(ratio "$tr" "$h")")"
  done
fi

#!/usr/bin/env bash
# hebb4j against numpy/OpenBLAS (and PyTorch when Debian's python3-torch is installed), in one
# run, same sizes, same thread counts, same timing method (median after a warm-up):
#   bench/compare.sh                 # SGEMM at 256, 1024, 2048; SRE step; Hebbian-CNN batch
#   SIZES="1024" SECONDS_EACH=5 bench/compare.sh
#   PARTS="gemm" bench/compare.sh    # only some of: gemm sre hebbcnn
# JAVA_HOME chooses the JDK. Prints a table of GFLOP/s and ratios. See BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${SIZES:-256 1024 2048}"
threads="${THREADS:-1 2}"
secs="${SECONDS_EACH:-3}"
parts="${PARTS:-gemm sre hebbcnn}"

numpy_py=""
for py in python3 /usr/bin/python3; do
  if "$py" -c "import numpy" 2>/dev/null; then numpy_py="$py"; break; fi
done
torch_py=""
for py in python3 /usr/bin/python3; do
  if "$py" -c "import torch" 2>/dev/null; then torch_py="$py"; break; fi
done

./hebb4j info 2>/dev/null | sed -n '2p;4p'
[ -n "$numpy_py" ] && echo "numpy    $("$numpy_py" -c 'import numpy; print(numpy.__version__)') ($numpy_py)" \
  || echo "numpy    not found (no numpy comparison)"
[ -n "$torch_py" ] && echo "torch    $("$torch_py" -c 'import torch; print(torch.__version__)') ($torch_py)" \
  || echo "torch    not installed (apt-get install python3-torch to compare)"
ratio() { [ "$2" = "-" ] || [ -z "$2" ] && echo "-" || awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
median() { sed -n "s|^ *\([0-9.]*\) $1 median.*|\1|p"; }

if [[ " $parts " == *" gemm "* ]]; then
  echo
  echo "SGEMM, GFLOP/s (higher is better)"
  printf '%-8s %-7s %10s %10s %10s %12s %12s\n' size threads hebb4j numpy torch hebb4j/numpy hebb4j/torch
  for t in $threads; do
    for n in $sizes; do
      h=$(./hebb4j bench gemm --size "$n" --threads "$t" --seconds "$secs" 2>/dev/null | median GFLOP/s)
      np="-"; tr="-"
      [ -n "$numpy_py" ] && np=$(OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t "$numpy_py" bench/py/gemm.py numpy "$n" "$t" "$secs")
      [ -n "$torch_py" ] && tr=$(OMP_NUM_THREADS=$t "$torch_py" bench/py/gemm.py torch "$n" "$t" "$secs")
      printf '%-8s %-7s %10s %10s %10s %12s %12s\n' "$n" "$t" "$h" "$np" "$tr" "$(ratio "$h" "$np")" "$(ratio "$h" "$tr")"
    done
  done
fi

if [[ " $parts " == *" sre "* ]]; then
  echo
  echo "SRE training step (32-128-32 tanh MLP, batch 256, SGD), ms/step (lower is better)"
  printf '%-7s %10s %10s %10s %12s %12s\n' threads hebb4j numpy torch numpy/hebb4j torch/hebb4j
  for t in $threads; do
    h=$(./hebb4j bench sre --threads "$t" --seconds "$secs" 2>/dev/null | median ms/step)
    np="-"; tr="-"
    [ -n "$numpy_py" ] && np=$(cd bench/py && OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t "$numpy_py" sre_step.py numpy "$t" "$secs")
    [ -n "$torch_py" ] && tr=$(cd bench/py && OMP_NUM_THREADS=$t "$torch_py" sre_step.py torch "$t" "$secs")
    printf '%-7s %10s %10s %10s %12s %12s\n' "$t" "$h" "$np" "$tr" "$(ratio "$np" "$h")" "$(ratio "$tr" "$h")"
  done
fi

if [[ " $parts " == *" hebbcnn "* ]]; then
  echo
  echo "Hebbian-CNN training batch (paper net, batch 100, 28x28), ms/batch (lower is better)"
  printf '%-18s %-7s %10s %10s %12s\n' variant threads hebb4j torch torch/hebb4j
  for v in plain triangle+pruning; do
    for t in $threads; do
      h=$(./hebb4j bench hebbcnn --variant "$v" --threads "$t" --seconds "$secs" 2>/dev/null | median ms/batch)
      tr="-"
      [ -n "$torch_py" ] && tr=$(cd bench/py && OMP_NUM_THREADS=$t "$torch_py" hebbcnn_batch.py "$v" "$t" "$secs")
      printf '%-18s %-7s %10s %10s %12s\n' "$v" "$t" "$h" "$tr" "$(ratio "$tr" "$h")"
    done
  done
fi

#!/usr/bin/env bash
# hebb4j against numpy/OpenBLAS (and PyTorch when Debian's python3-torch is installed), in one
# run, same sizes, same thread counts, same timing method (median after a warm-up):
#   bench/compare.sh                 # SGEMM at 256, 1024, 2048 on 1 and 2 threads
#   SIZES="1024" SECONDS_EACH=5 bench/compare.sh
# JAVA_HOME chooses the JDK. Prints a table of GFLOP/s and ratios. See BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${SIZES:-256 1024 2048}"
threads="${THREADS:-1 2}"
secs="${SECONDS_EACH:-3}"

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
echo
printf '%-8s %-7s %10s %10s %10s %12s %12s\n' size threads hebb4j numpy torch hebb4j/numpy hebb4j/torch
for t in $threads; do
  for n in $sizes; do
    h=$(./hebb4j bench gemm --size "$n" --threads "$t" --seconds "$secs" 2>/dev/null \
        | sed -n 's/^ *\([0-9.]*\) GFLOP\/s median.*/\1/p')
    np="-"; tr="-"
    if [ -n "$numpy_py" ]; then
      np=$(OPENBLAS_NUM_THREADS=$t OMP_NUM_THREADS=$t "$numpy_py" bench/py/gemm.py numpy "$n" "$t" "$secs")
    fi
    if [ -n "$torch_py" ]; then
      tr=$(OMP_NUM_THREADS=$t "$torch_py" bench/py/gemm.py torch "$n" "$t" "$secs")
    fi
    ratio() { [ "$2" = "-" ] && echo "-" || awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
    printf '%-8s %-7s %10s %10s %10s %12s %12s\n' "$n" "$t" "$h" "$np" "$tr" \
      "$(ratio "$h" "$np")" "$(ratio "$h" "$tr")"
  done
done

#!/bin/bash
# The TF parity suite, one file per process (a single process grows past 8 GB), against
# the TensorFlow in the Python given (default /tmp/benchvenv/bin/python; it needs
# tensorflow, tf_keras, tf_slim, tensorflow-estimator, pytest, pytest-timeout, hypothesis,
# scipy, h5py). Logs and a summary line per file go to the directory given (default
# /tmp/tf_parity); a file already logged there is skipped, so a run can be resumed.
#
#     bash tests/run_tf_parity.sh [PYTHON] [LOGDIR]
py=${1:-/tmp/benchvenv/bin/python}
out=${2:-/tmp/tf_parity}
cd "$(dirname "$0")/.." || exit 1
mkdir -p "$out"
for f in tests/test_tf_parity_*.py; do
  b=$(basename "$f" .py)
  [ -f "$out/$b.log" ] && continue
  start=$(date +%s)
  TF_USE_LEGACY_KERAS=1 PYTHONPATH=$PWD timeout 1200 "$py" -m pytest -n 0 -o addopts="" -q \
    -p no:cacheprovider -p no:warnings -rfE --timeout=600 "$f" > "$out/$b.tmp" 2>&1
  rc=$?
  mv "$out/$b.tmp" "$out/$b.log"
  echo "$b rc=$rc $(( $(date +%s) - start ))s $(tail -1 "$out/$b.log")" >> "$out/summary.txt"
done
grep -v " rc=0 " "$out/summary.txt" || echo "every file clean"

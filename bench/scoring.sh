#!/usr/bin/env bash
# Text metrics (length + difficulty + positivity + toxicity) on N texts of 100 to 400 words:
# `evolab score` (release) beside the Python originals (textstat 0.7.3, NLTK 3.8.1 VADER,
# tox-block 0.1.2 in Keras/TensorFlow 2.15), on the same machine in the same run, plus
# evolab's peak memory at N and 5·N texts to show that scoring streams.
#   bench/scoring.sh [N]            (default N = 10000)
# EVOLAB_BIN=path/to/evolab uses that binary instead of building the release one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-10000}"
target="${CARGO_TARGET_DIR:-$root/target}"
bin="${EVOLAB_BIN:-$target/release/evolab}"
if [ -z "${EVOLAB_BIN:-}" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p evolab-cli
fi
"$bin" data fetch >/dev/null

venv="$target/bench-venv"
if [ ! -f "$venv/.ready" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check \
    "textstat==0.7.3" "pyphen==0.15.0" "setuptools<81" "nltk==3.8.1" \
    "tensorflow-cpu==2.15.1" "keras-preprocessing==1.1.2" "numpy==1.26.4" "h5py==3.12.1"
  touch "$venv/.ready"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
data="$("$bin" data list | sed -n 's/^data directory: //p')"
# Zipf-sampled sentences over a real frequency-ranked vocabulary, so per-word caches hit
# about as often as on real prose (see make_corpus.py).
vocab="$data/tox-block-0.1.2/vocab.json"
python3 "$root/bench/make_corpus.py" "$n" "$work/corpus.jsonl" 0 --vocab "$vocab"
python3 "$root/bench/make_corpus.py" "$((5 * n))" "$work/corpus5.jsonl" 1 --vocab "$vocab"
metrics=length,difficulty,positivity,toxicity

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "corpus: $n texts, $(wc -c < "$work/corpus.jsonl") bytes"
for threads in 1 "$(nproc)"; do
  echo "== evolab score, $threads thread(s)"
  /usr/bin/time -f "wall %e s, peak RSS %M KiB" \
    "$bin" score "$work/corpus.jsonl" --metrics "$metrics" --threads "$threads" -o "$work/evolab.jsonl"
done
echo "== evolab score, lexicon metrics only (length, difficulty, positivity), $(nproc) threads"
/usr/bin/time -f "wall %e s, peak RSS %M KiB" \
  "$bin" score "$work/corpus.jsonl" --metrics length,difficulty,positivity -o /dev/null
echo "== evolab score, $((5 * n)) texts, $(nproc) threads (memory must not grow with N)"
/usr/bin/time -f "wall %e s, peak RSS %M KiB" \
  "$bin" score "$work/corpus5.jsonl" --metrics "$metrics" -o /dev/null
echo "== Python originals (one process; TensorFlow uses its own thread pool)"
/usr/bin/time -f "wall %e s, peak RSS %M KiB" \
  "$venv/bin/python" "$root/bench/score_python.py" "$work/corpus.jsonl" "$data"
echo "== evolab's checksums, to compare with the Python ones above (fog, VADER, toxicity, length)"
python3 - "$work/evolab.jsonl" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
total = lambda key: sum(r[key] or 0 for r in rows)
print([round(total("difficulty"), 2), round(total("positivity"), 4),
       round(total("toxicity"), 4), total("length")])
PY

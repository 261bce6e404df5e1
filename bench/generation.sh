#!/usr/bin/env bash
# Throughput of one culture generation on the embedded engine: all agents decoded together in
# one llama.cpp context ("batched") versus one request at a time ("sequential", the pattern
# of the original Python code). Each case runs in its own process so its peak RSS is its own.
#
#   bench/generation.sh [AGENTS...]        default: 1 4 16 32
#   THREADS=1 MAX_TOKENS=64 CONTEXT=2048 bench/generation.sh 16
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p evolab-cli
bin="${CARGO_TARGET_DIR:-$root/target}/release/evolab"
"$bin" model fetch >/dev/null

threads="${THREADS:-1}"
max_tokens="${MAX_TOKENS:-64}"
context="${CONTEXT:-2048}"
agents=("$@")
[ ${#agents[@]} -gt 0 ] || agents=(1 4 16 32)

echo "# $(date -u +%F) $(nproc) cores, threads=$threads, max_tokens=$max_tokens, context=$context"
echo "| agents | mode | tokens | seconds | tokens/s | peak RSS (MiB) |"
echo "|---:|---|---:|---:|---:|---:|"
for n in "${agents[@]}"; do
  for mode in batched sequential; do
    "$bin" bench generation --agents "$n" --mode "$mode" --threads "$threads" \
      --max-tokens "$max_tokens" --context "$context" | tail -n 1
  done
done

#!/usr/bin/env bash
# Wall time of the bilevel sweeps, one thread each, on this machine:
# - `evolab bilevel run --preset classification` beside the same sweep written as a PyTorch
#   training loop (bench/bilevel_torch.py);
# - the theory preset's inner sweep (144 policy-gradient runs of 4,000 steps; the outer
#   solvers cut to one step) beside it in PyTorch (bench/bilevel_theory_torch.py, about
#   15 minutes), and the whole theory preset.
#
#   RL_VENV=/path/to/venv bench/bilevel.sh      # a venv with torch (bench/rl_python_env.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
cargo build --quiet --release -p evolab-cli --no-default-features --manifest-path "$root/Cargo.toml"
evolab="$target/release/evolab"
venv="${RL_VENV:-$target/rl-venv}"
"$root/bench/rl_python_env.sh" "$venv" >/dev/null
"$evolab" data fetch sklearn-datasets >/dev/null
data="${EVOLAB_DATA:-$HOME/.cache/evolab/data}/sklearn-1.5.2"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT

# GNU time writes its line to a file (-o): evolab's progress on stderr is discarded.
timed() { local label="$1"; shift; /usr/bin/time -o "$home/time" -f "$label: %e s wall, %M KB peak" "$@"; cat "$home/time"; }
timed "evolab classification sweep" "$evolab" --home "$home" bilevel run --preset classification --name c 2>/dev/null | tail -6
timed "pytorch classification sweep" "$venv/bin/python" "$root/bench/bilevel_torch.py" "$data"
sed 's/^outer_steps = .*/outer_steps = 1/; s/^inner_steps = .*/inner_steps = 1/' \
  "$root/presets/bilevel-theory.toml" > "$home/theory-inner.toml"
timed "evolab theory inner sweep" "$evolab" --home "$home" bilevel run "$home/theory-inner.toml" --name ti 2>/dev/null | tail -1
timed "pytorch theory inner sweep" "$venv/bin/python" "$root/bench/bilevel_theory_torch.py"
timed "evolab theory preset" "$evolab" --home "$home" bilevel run --preset theory --name t 2>/dev/null | tail -1

#!/usr/bin/env bash
# PPO training throughput and reservoir update throughput, evolab against the Python
# tools the paper used (Stable-Baselines3 PPO, ReservoirPy), side by side on this machine.
#
#   bench/ppo.sh [STEPS]        # PPO steps per run, default 50000
#
# The Python tools live in a venv made by bench/rl_python_env.sh ($RL_VENV, default
# <target>/rl-venv; see that script for reusing an installed torch).
#
# Each PPO run is single-threaded: SB3 with one torch thread, evolab with its one training
# thread. Both train CartPole-v1 with SB3's default hyperparameters, on raw observations
# and through a 100-unit reservoir fed [observation; one-hot previous action; reward].
# Prints one JSON line per measurement, then a summary table.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
steps="${1:-50000}"
target="${CARGO_TARGET_DIR:-$root/target}"
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_WAIT_POLICY=passive

cargo build --quiet --release -p evolab-cli --no-default-features --manifest-path "$root/Cargo.toml"
evolab="$target/release/evolab"
venv="${RL_VENV:-$target/rl-venv}"
"$root/bench/rl_python_env.sh" "$venv" >/dev/null
python="$venv/bin/python"

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
run() { echo "$1" >&2; eval "$1" | tee -a "$out"; }
for mode in raw reservoir; do
  run "$python $root/bench/ppo_sb3.py --mode $mode --steps $steps --seed 0"
  flags=""; [ "$mode" = reservoir ] && flags="--units 100 --spectral-radius 0.9 --leak-rate 0.3"
  run "$evolab rl train --env CartPole-v1 --steps $steps --seed 0 --eval-episodes 0 --json $flags"
  [ "$mode" = reservoir ] && run "$evolab rl train --env CartPole-v1 --steps $steps --seed 0 --eval-episodes 0 --json $flags --precision f32"
done
run "$python $root/bench/reservoir_python.py --steps 100000 --repeats 3"
run "$evolab bench reservoir --steps 1000000"

"$python" - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print("\nPPO on CartPole-v1, environment steps per second (one thread):")
for r in rows:
    if r.get("tool") == "sb3":
        print(f"  SB3 {r['mode']:<47} {r['steps_per_s']:>10,.0f}   last-10 return {r['last10_mean_return']:.1f}")
    elif "observer" in r:
        label = r['observer'].split(', ρ')[0]
        print(f"  evolab {label:<44.44} {r['steps_per_second']:>10,.0f}   last-10 return {r['last_mean']:.1f}")
print("Reservoir updates per second (100 units, 7 inputs):")
for r in rows:
    if "variant" in r or (r.get("tool", "").startswith(("reservoirpy", "numpy"))):
        name = r["tool"] + ("-" + r["variant"] if "variant" in r else "")
        print(f"  {name:<51} {r['steps_per_s']:>10,.0f}")
PY

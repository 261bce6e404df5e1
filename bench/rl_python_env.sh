#!/usr/bin/env bash
# Creates the Python venv for the PPO/reservoir side-by-side benchmarks
# (bench/ppo_sb3.py, bench/reservoir_python.py): SB3 PPO, gymnasium, reservoirpy and a
# torch used on CPU only.
#
#   bench/rl_python_env.sh [VENV_DIR]      # default: ${CARGO_TARGET_DIR:-target}/rl-venv
#   EVOLAB_TORCH_SITE=/some/venv/lib/python3.11/site-packages bench/rl_python_env.sh
#
# Idempotent: a finished venv holds a `.ready` marker and is left alone.
#
# torch: the registry only has the CUDA build for Linux, whose import needs the CUDA
# runtime wheels (about 4 GB with triton) even on a CPU-only machine. If EVOLAB_TORCH_SITE
# names a site-packages that already holds torch $torch_version and its CUDA wheels for
# the same Python, that torch is linked instead of downloaded; otherwise it is installed
# with its dependencies. The benchmark runs it on the CPU with one thread either way.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${1:-${CARGO_TARGET_DIR:-$root/target}/rl-venv}"
python="${PYTHON:-python3}"
torch_version="2.15.0"

if [ -f "$venv/.ready" ]; then
  echo "$venv is ready"
  exit 0
fi

"$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip install --quiet)
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"

torch_deps=(filelock "typing-extensions>=4.13.0" "setuptools>=77.0.3" "sympy>=1.13.3"
  "networkx>=2.5.1" jinja2 "fsspec>=0.8.5")
if [ -n "${EVOLAB_TORCH_SITE:-}" ] && [ -d "$EVOLAB_TORCH_SITE/torch-$torch_version.dist-info" ]; then
  # The site-packages as a .pth path: torch finds its CUDA wheels there too.
  echo "$EVOLAB_TORCH_SITE" > "$site/evolab-torch-site.pth"
  "${pip[@]}" "${torch_deps[@]}"
else
  "${pip[@]}" --no-cache-dir "torch==$torch_version"
fi

"${pip[@]}" numpy==1.26.4 gymnasium==1.3.0 reservoirpy==0.4.2 cloudpickle
# --no-deps: pip's resolver otherwise installs the CUDA/triton requirements of the torch
# already present. SB3's other requirements (gymnasium, numpy, cloudpickle) are installed above.
"${pip[@]}" --no-deps stable-baselines3==2.9.2

# pip check would flag the CUDA wheels deliberately left out; check imports instead.
"$venv/bin/python" -c '
import torch, numpy, gymnasium, stable_baselines3, reservoirpy
torch.set_num_threads(1)
torch.nn.Linear(4, 2)(torch.zeros(4))
print("torch", torch.__version__, "numpy", numpy.__version__, "gymnasium", gymnasium.__version__,
      "sb3", stable_baselines3.__version__, "reservoirpy", reservoirpy.__version__)'
touch "$venv/.ready"

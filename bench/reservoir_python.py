"""Python side of the reservoir-step benchmark: steps per second of a 100-unit leaky tanh
reservoir with 7 inputs (CartPole obs 4 + one-hot action 2 + reward 1), driven one step at
a time as a gym wrapper drives it.

    python bench/reservoir_python.py --steps 100000

Prints one JSON line per variant:
  reservoirpy-step   Reservoir.step(u) (same as node(u)): the fastest public per-step call
                     in reservoirpy 0.4.2; it validates the input shape on every call
  reservoirpy-run1   Reservoir.run(u[None]) per step: what run-based wrappers pay
  reservoirpy-_step  Reservoir._step(state, u): private, no validation; the floor of the node
  numpy-sparse       x = (1-a)x + a*tanh(W x + Win u + b) with scipy.sparse CSR W and Win
  numpy-dense        the same with dense numpy matrices
Inputs are drawn before timing, so only the reservoir update is timed. Single thread;
each variant reports the best of --repeats runs (default 3).
"""

import argparse
import json
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from scipy import sparse  # noqa: E402
from reservoirpy.mat_gen import bernoulli  # noqa: E402
from reservoirpy.nodes import Reservoir  # noqa: E402

UNITS, INPUTS, LEAK, SR = 100, 7, 0.3, 0.9


def timed(name, steps, loop, repeats):
    seconds = float("inf")
    for _ in range(repeats):  # best of N: the machine is shared, noise only slows a run
        start = time.perf_counter()
        loop()
        seconds = min(seconds, time.perf_counter() - start)
    print(json.dumps({"tool": name, "steps": steps, "seconds": round(seconds, 3),
                      "steps_per_s": round(steps / seconds, 1)}), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=100000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeats", type=int, default=3)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    inputs = rng.uniform(-1.0, 1.0, (a.steps, INPUTS))

    bias = bernoulli(UNITS, connectivity=0.1, seed=rng)
    node = Reservoir(UNITS, lr=LEAK, sr=SR, input_scaling=1.0, rc_connectivity=0.1,
                     input_connectivity=0.1, bias=bias, input_dim=INPUTS, seed=a.seed)
    node.initialize(inputs[0])

    def run_step():
        for u in inputs:
            node.step(u)

    def run_run1():
        for u in inputs:
            node.run(u[None, :])

    def run_private():
        state = node.state
        for u in inputs:
            state = node._step(state, u)

    node.reset()
    timed("reservoirpy-step", a.steps, run_step, a.repeats)
    node.reset()
    timed("reservoirpy-run1", a.steps, run_run1, a.repeats)
    node.reset()
    timed("reservoirpy-_step", a.steps, run_private, a.repeats)

    # Own matrices, same recipe: density-0.1 normal W rescaled to SR, ±1 W_in, ±1 bias.
    w = rng.normal(size=(UNITS, UNITS)) * (rng.random((UNITS, UNITS)) < 0.1)
    w *= SR / np.max(np.abs(np.linalg.eigvals(w)))
    w_in = rng.choice([-1.0, 1.0], (UNITS, INPUTS)) * (rng.random((UNITS, INPUTS)) < 0.1)
    b = rng.choice([-1.0, 1.0], UNITS) * (rng.random(UNITS) < 0.1)

    def numpy_loop(w, w_in):
        def loop():
            x = np.zeros(UNITS)
            for u in inputs:
                x = (1.0 - LEAK) * x + LEAK * np.tanh(w @ x + w_in @ u + b)
        return loop

    timed("numpy-sparse", a.steps, numpy_loop(sparse.csr_array(w), sparse.csr_array(w_in)), a.repeats)
    timed("numpy-dense", a.steps, numpy_loop(w, w_in), a.repeats)


if __name__ == "__main__":
    main()

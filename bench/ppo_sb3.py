"""Python side of the PPO benchmark: SB3 PPO (all defaults) on CartPole-v1, on raw
observations or on the state of a reservoirpy reservoir driven by them.

Measures the wall time of `model.learn` alone (one env, one torch thread, CPU) and the
mean return of the last 10 training episodes; prints one JSON line.

    python bench/ppo_sb3.py --mode raw --steps 50000 --seed 0
    python bench/ppo_sb3.py --mode reservoir --sr 0.9 --leak 0.3 --mask-velocity

The venv comes from bench/rl_python_env.sh. Reservoir (spec §2): 100 units, W normal with
density 0.1 rescaled to spectral radius sr, W_in ±1 with density 0.1 scaled by 1.0, bias
±1 with density 0.1, leaky tanh update; input [obs ; one-hot previous action ; previous
reward], zero state at reset, policy sees the 100-dim state as Box(-1, 1).
"""

import argparse
import json
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from reservoirpy.mat_gen import bernoulli  # noqa: E402
from reservoirpy.nodes import Reservoir  # noqa: E402
from stable_baselines3 import PPO  # noqa: E402
from stable_baselines3.common.monitor import Monitor  # noqa: E402


class MaskVelocity(gym.ObservationWrapper):
    """Partial observability: CartPole without cart velocity (1) and pole velocity (3)."""

    KEEP = [0, 2]

    def __init__(self, env):
        super().__init__(env)
        box = env.observation_space
        self.observation_space = gym.spaces.Box(box.low[self.KEEP], box.high[self.KEEP], dtype=box.dtype)

    def observation(self, obs):
        return obs[self.KEEP]


class ReservoirObs(gym.Wrapper):
    """Replaces the observation by the state of a reservoir fed [obs ; one-hot a_prev ; r_prev]."""

    def __init__(self, env, units, sr, leak, seed):
        super().__init__(env)
        self.n_actions = env.action_space.n
        input_dim = env.observation_space.shape[0] + self.n_actions + 1
        # Reservoir's own bias initializer is always called with connectivity 1.0, so the
        # sparse ±1 bias is drawn here and passed as an array.
        bias = bernoulli(units, connectivity=0.1, seed=np.random.default_rng([seed, 1]))
        self.node = Reservoir(units, lr=leak, sr=sr, input_scaling=1.0, rc_connectivity=0.1,
                              input_connectivity=0.1, bias=bias, input_dim=input_dim, seed=seed)
        self.node.initialize(np.zeros(input_dim))
        self.observation_space = gym.spaces.Box(-1.0, 1.0, (units,), dtype=np.float32)

    def _drive(self, obs, action, reward):
        u = np.zeros(self.node.input_dim)
        u[: len(obs)] = obs
        if action is not None:
            u[len(obs) + int(action)] = 1.0
        u[-1] = reward
        return self.node.step(u).astype(np.float32)

    def reset(self, **kwargs):
        obs, info = self.env.reset(**kwargs)
        self.node.reset()
        return self._drive(obs, None, 0.0), info

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        return self._drive(obs, action, reward), reward, terminated, truncated, info


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mode", choices=["raw", "reservoir"], default="raw")
    p.add_argument("--steps", type=int, default=50000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sr", type=float, default=0.9)
    p.add_argument("--leak", type=float, default=0.3)
    p.add_argument("--units", type=int, default=100)
    p.add_argument("--mask-velocity", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(1)

    monitor = Monitor(gym.make("CartPole-v1"))
    env = MaskVelocity(monitor) if a.mask_velocity else monitor
    if a.mode == "reservoir":
        env = ReservoirObs(env, a.units, a.sr, a.leak, a.seed)

    model = PPO("MlpPolicy", env, seed=a.seed, device="cpu", verbose=0)
    start = time.perf_counter()
    model.learn(total_timesteps=a.steps)
    seconds = time.perf_counter() - start

    returns = monitor.get_episode_rewards()
    print(json.dumps({
        "tool": "sb3", "mode": a.mode, "mask_velocity": a.mask_velocity, "seed": a.seed,
        "steps": model.num_timesteps, "seconds": round(seconds, 3),
        "steps_per_s": round(model.num_timesteps / seconds, 1),
        "episodes": len(returns),
        "last10_mean_return": float(np.mean(returns[-10:])) if returns else None,
    }))


if __name__ == "__main__":
    main()

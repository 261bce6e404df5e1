"""Plays gymnasium episodes for evolab's environment tests and prints them as JSON.

Input on stdin: {"env": ID, "episodes": [{"seed": S or null, "actions": [...],
"policy": null or a name in POLICIES}, ...]} (an action is an int for discrete spaces, a list
of floats, sent as float32, for continuous ones). The episodes run one after the other on one
environment made with gymnasium.make(ID); each starts with reset(seed=S) (null continues the
random stream) and ends when the actions run out or the episode terminates or is truncated.
With a policy the actions are chosen from the observation instead, for at most len(actions)
steps (balance: push towards the side the pole leans to; rock: push the mountain car along
its velocity; swing: torque the acrobot's second joint along its angular velocity).
Output: one object per episode with the observations (reset's first), rewards and flags.
"""
import json
import sys

import gymnasium as gym
import numpy as np


def balance(obs):
    return int(obs[2] + 0.5 * obs[3] > 0)


def rock(obs):
    return 2 if obs[1] >= 0 else 0


def rock_continuous(obs):
    return np.array([1.3 if obs[1] >= 0 else -1.3], dtype=np.float32)


def swing(obs):
    return 2 if obs[5] > 0 else 0


POLICIES = {"balance": balance, "rock": rock, "rock_continuous": rock_continuous, "swing": swing}


def main():
    request = json.load(sys.stdin)
    env = gym.make(request["env"])
    out = []
    for episode in request["episodes"]:
        obs, _ = env.reset(seed=episode["seed"])
        record = {"observations": [obs.tolist()], "rewards": [], "terminated": [], "truncated": []}
        for action in episode["actions"]:
            if episode.get("policy"):
                action = POLICIES[episode["policy"]](obs)
            elif isinstance(action, list):
                action = np.array(action, dtype=np.float32)
            obs, reward, terminated, truncated, _ = env.step(action)
            record["observations"].append(np.asarray(obs, dtype=np.float32).tolist())
            record["rewards"].append(float(reward))
            record["terminated"].append(bool(terminated))
            record["truncated"].append(bool(truncated))
            if terminated or truncated:
                break
        out.append(record)
    json.dump({"gymnasium": gym.__version__, "numpy": np.__version__, "episodes": out}, sys.stdout)


if __name__ == "__main__":
    main()

"""PyTorch side of the bilevel theory benchmark: the inner sweep of
`evolab bilevel run --preset theory` written as the original's training loop (a diagonal
Gaussian policy N(m, diag exp(2l)), REINFORCE against R_u(y_hat, y) = -u |y_hat - y|^2 with an
entropy bonus, or the pathwise estimator, Adam at lr 1e-2) with the same targets, entropy
weights, rewards, estimators, group sizes, seeds and step count. One thread. Prints one
JSON line with the wall time and the learned-to-theoretical variance ratios.

    python bench/bilevel_theory_torch.py [--steps 4000]
"""

import argparse
import json
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

MEAN, STD, CORRELATION = np.array([2.0, -1.0]), np.array([0.5, 1.0]), 0.6
LAMBDAS, REWARDS, GROUPS, SEEDS = [0.5, 2.0], [0.5, 2.0], [2, 5, 20], [0, 1, 2]
ESTIMATORS = ["none", "leave-one-out", "pathwise", "min-shift-biased"]


def targets(rng, count):
    corr = np.array([[1.0, CORRELATION], [CORRELATION, 1.0]])
    cov = corr * np.outer(STD, STD)
    return torch.tensor(rng.multivariate_normal(MEAN, cov, size=count), dtype=torch.float64)


def train(y, lam, u, estimator, group, steps, seed):
    torch.manual_seed(seed)
    mean = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    log_std = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([mean, log_std], lr=1e-2)
    variances = []
    for step in range(steps):
        dist = torch.distributions.Normal(mean, log_std.exp())
        entropy = dist.entropy().sum()
        if estimator == "pathwise":
            samples = dist.rsample((group, y.shape[0]))
            loss = -(-u * ((samples - y) ** 2).sum(-1)).mean() - lam * entropy
        else:
            samples = dist.sample((group, y.shape[0]))                  # G x B x n
            reward = -u * ((samples - y) ** 2).sum(-1)                  # G x B
            if estimator == "leave-one-out":
                reward = reward - (reward.sum(0, keepdim=True) - reward) / (group - 1)
            elif estimator == "min-shift-biased":
                reward = reward - reward.min(0, keepdim=True).values
            log_prob = dist.log_prob(samples).sum(-1)
            loss = -(reward * log_prob).mean() - lam * entropy
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step >= steps - steps // 4:
            variances.append((2 * log_std.detach()).exp().mean().item())
    return float(np.mean(variances))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=4000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    start = time.perf_counter()
    ratios = {}
    for seed in SEEDS:
        y = targets(np.random.default_rng(seed), 50)
        for lam in LAMBDAS:
            for u in REWARDS:
                for estimator in ESTIMATORS:
                    for group in GROUPS:
                        v = train(y, lam, u, estimator, group, args.steps, seed)
                        ratios.setdefault(estimator, []).append(v / (lam / (2 * u)))
    wall = time.perf_counter() - start
    print(json.dumps({
        "runs": len(SEEDS) * len(LAMBDAS) * len(REWARDS) * len(ESTIMATORS) * len(GROUPS),
        "steps": args.steps,
        "wall_s": round(wall, 2),
        "mean_variance_ratio": {k: round(float(np.mean(v)), 3) for k, v in ratios.items()},
    }))


if __name__ == "__main__":
    main()

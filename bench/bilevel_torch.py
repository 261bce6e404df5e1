"""PyTorch side of the bilevel classification benchmark: the training loop of the paper's
classification experiment (multiclass logistic regression, full-batch Adam at lr 1e-2 for
100 epochs, cross-entropy or policy gradient with G = 50 samples per input, the one-hot
reward 0 / -2β, entropy bonus λ = 0.1) over the same data sets, methods and seeds as
`evolab bilevel run --preset classification`. One thread. Prints one JSON line.

    python bench/bilevel_torch.py DATA_DIR [--seeds 10]

DATA_DIR holds iris.csv, wine_data.csv, breast_cancer.csv and digits.csv.gz as
`evolab data fetch sklearn-datasets` installs them (<data>/sklearn-1.5.2).
"""

import argparse
import gzip
import json
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        lines = [l for l in f.read().splitlines() if l.strip()]
    if not path.endswith(".gz"):
        lines = lines[1:]
    rows = np.array([[float(v) for v in l.split(",")] for l in lines])
    return rows[:, :-1], rows[:, -1].astype(int)


def split(y, rng):
    parts = [[], [], []]
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        a, b = round(0.64 * len(idx)), round(0.80 * len(idx))
        parts[0] += list(idx[:a]); parts[1] += list(idx[a:b]); parts[2] += list(idx[b:])
    return [np.array(sorted(p)) for p in parts]


def train(x, y, xv, yv, classes, method, beta, seed):
    torch.manual_seed(seed)
    model = torch.nn.Linear(x.shape[1], classes)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    x, y = torch.tensor(x, dtype=torch.float32), torch.tensor(y)
    xv, yv = torch.tensor(xv, dtype=torch.float32), torch.tensor(yv)
    best, best_state = float("inf"), None
    for _ in range(100):
        logits = model(x)
        if method == "nll":
            loss = torch.nn.functional.cross_entropy(logits, y)
        else:
            dist = torch.distributions.Categorical(logits=logits)
            samples = dist.sample((50,))                       # G x B
            reward = torch.where(samples == y, 0.0, -2.0 * beta)
            loo = (reward.sum(0, keepdim=True) - reward) / 49.0  # leave-one-out baseline
            loss = -((reward - loo) * dist.log_prob(samples)).mean() - 0.1 * dist.entropy().mean()
        opt.zero_grad(); loss.backward(); opt.step()
        with torch.no_grad():
            v = torch.nn.functional.cross_entropy(model(xv), yv).item()
        if v < best:
            best, best_state = v, {k: t.clone() for k, t in model.state_dict().items()}
    model.load_state_dict(best_state)
    return model


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("data_dir")
    p.add_argument("--seeds", type=int, default=10)
    a = p.parse_args()
    torch.set_num_threads(1)
    files = {"iris": "iris.csv", "wine": "wine_data.csv",
             "breast-cancer": "breast_cancer.csv", "digits": "digits.csv.gz"}
    start = time.perf_counter()
    accuracies = {}
    for name, file in files.items():
        X, y = load(os.path.join(a.data_dir, file))
        classes = int(y.max()) + 1
        p_c = np.bincount(y) / len(y)
        beta_star = 0.1 * classes / (2 * (1 - (p_c ** 2).sum()))
        for method, beta in [("nll", None), ("pg β×1", beta_star), ("pg β×2", 2 * beta_star)]:
            acc = []
            for seed in range(a.seeds):
                tr, va, te = split(y, np.random.default_rng(seed))
                mu, sd = X[tr].mean(0), X[tr].std(0)
                sd[sd == 0] = 1.0
                Z = (X - mu) / sd
                model = train(Z[tr], y[tr], Z[va], y[va], classes, method, beta, seed)
                with torch.no_grad():
                    pred = model(torch.tensor(Z[te], dtype=torch.float32)).argmax(1).numpy()
                acc.append(float((pred == y[te]).mean()))
            accuracies[f"{name} {method}"] = round(float(np.mean(acc)), 4)
    seconds = time.perf_counter() - start
    print(json.dumps({"tool": "pytorch", "runs": 12 * a.seeds, "seconds": round(seconds, 2),
                      "mean_accuracy": accuracies}))


if __name__ == "__main__":
    main()

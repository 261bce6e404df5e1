"""Reference attractor fits from scipy.stats.linregress and scipy.stats.t.

stdin: JSON list of datasets [{"x": [...], "y": [...]}, ...]
stdout: JSON list of {"a", "b", "se_a", "r_squared", "p_tost", "p_orig"}.
"""
import json
import sys

from scipy import stats

out = []
for ds in json.load(sys.stdin):
    fit = stats.linregress(ds["x"], ds["y"])
    a, se = fit.slope, fit.stderr
    t = stats.t(len(ds["x"]) - 2)
    out.append({
        "a": fit.slope,
        "b": fit.intercept,
        "se_a": se,
        "r_squared": fit.rvalue ** 2,
        "p_tost": max(t.cdf((a - 1) / se), t.sf((a + 1) / se)),
        "p_orig": (1 - t.cdf((a - 1) / se)) + t.cdf((a + 1) / se),
    })
json.dump(out, sys.stdout)

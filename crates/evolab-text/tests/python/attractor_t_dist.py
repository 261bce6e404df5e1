"""Reference values of the Student-t distribution from scipy.

stdin: JSON {"cdf": [[t, df], ...], "ppf": [[p, df, our_quantile], ...]}
stdout: JSON {"cdf", "sf", "pdf", "ppf", "cdf_at_ours", "sf_at_ours"}: lists of floats written
as repr strings so that no precision is lost in transit (df = "inf" means the normal
distribution). cdf_at_ours / sf_at_ours evaluate scipy's CDF at evolab's quantile, because
scipy's own ppf is less exact than its cdf (about 1e-11 relative, capped at 1e100).
"""
import json
import sys

from scipy import stats


def dist(df):
    return stats.norm() if df == "inf" else stats.t(float(df))


def r(v):
    return repr(float(v))


req = json.load(sys.stdin)
out = {k: [] for k in ["cdf", "sf", "pdf", "ppf", "cdf_at_ours", "sf_at_ours"]}
for t, df in req["cdf"]:
    d = dist(df)
    out["cdf"].append(r(d.cdf(t)))
    out["sf"].append(r(d.sf(t)))
    out["pdf"].append(r(d.pdf(t)))
for p, df, ours in req["ppf"]:
    d = dist(df)
    ours = float(ours)
    out["ppf"].append(r(d.ppf(p)))
    out["cdf_at_ours"].append(r(d.cdf(ours)))
    out["sf_at_ours"].append(r(d.sf(ours)))
json.dump(out, sys.stdout)

"""Reference values of the Student-t distribution from scipy (and mpmath where scipy's own
numbers run out).

stdin: JSON {"cdf": [[t, df], ...], "ppf": [[p, df, our_quantile], ...]}
stdout: JSON {"cdf", "sf", "pdf", "ppf", "mp_tail"}: lists of floats written as repr strings so
that no precision is lost in transit (df = "inf" means the normal distribution).

scipy's ppf is less exact than its cdf (about 1e-11 relative), is capped at 1e100, and its cdf
underflows beyond |t| ~ 1e154. Where scipy's ppf disagrees with ours by more than 1e-10,
mp_tail is P(T > |ours|) at 40 significant digits (with ours = ±inf: at the largest double),
so that the test can check our quantile by its tail; elsewhere it is "nan".
"""
import json
import sys

import mpmath as mp
from scipy import stats

mp.mp.dps = 40
LARGEST = 1.7976931348623157e308


def dist(df):
    return stats.norm() if df == "inf" else stats.t(float(df))


def mp_tail(t, df):
    t = mp.mpf(abs(t))
    if df == "inf":
        return mp.ncdf(-t)
    nu = mp.mpf(df)
    return mp.betainc(nu / 2, mp.mpf(1) / 2, 0, nu / (nu + t * t), regularized=True) / 2


def r(v):
    return repr(float(v))


req = json.load(sys.stdin)
out = {k: [] for k in ["cdf", "sf", "pdf", "ppf", "mp_tail"]}
for t, df in req["cdf"]:
    d = dist(df)
    out["cdf"].append(r(d.cdf(t)))
    out["sf"].append(r(d.sf(t)))
    out["pdf"].append(r(d.pdf(t)))
for p, df, ours in req["ppf"]:
    ours = float(ours)
    ppf = float(dist(df).ppf(p))
    out["ppf"].append(r(ppf))
    if abs(ours - ppf) <= 1e-10 * abs(ppf) or abs(ours - ppf) <= 1e-15:
        out["mp_tail"].append("nan")
    else:
        out["mp_tail"].append(r(mp_tail(min(abs(ours), LARGEST), df)))
json.dump(out, sys.stdout)

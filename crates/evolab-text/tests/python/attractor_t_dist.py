"""Reference values of the Student-t distribution from scipy.

stdin: JSON {"cdf": [[t, df], ...], "ppf": [[p, df], ...]}
stdout: JSON {"cdf": [...], "sf": [...], "pdf": [...], "ppf": [...]} (floats as repr strings
so that no precision is lost in transit; df = "inf" means the normal distribution).
"""
import json
import sys

from scipy import stats


def dist(df):
    return stats.norm() if df == "inf" else stats.t(float(df))


req = json.load(sys.stdin)
out = {"cdf": [], "sf": [], "pdf": [], "ppf": []}
for t, df in req["cdf"]:
    d = dist(df)
    out["cdf"].append(repr(float(d.cdf(t))))
    out["sf"].append(repr(float(d.sf(t))))
    out["pdf"].append(repr(float(d.pdf(t))))
for p, df in req["ppf"]:
    out["ppf"].append(repr(float(dist(df).ppf(p))))
json.dump(out, sys.stdout)

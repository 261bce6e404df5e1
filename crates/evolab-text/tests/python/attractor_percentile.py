"""numpy.percentile (linear interpolation) of each sample. stdin: JSON [[values, pct], ...]."""
import json
import sys

import numpy as np

json.dump([float(np.percentile(v, p)) for v, p in json.load(sys.stdin)], sys.stdout)

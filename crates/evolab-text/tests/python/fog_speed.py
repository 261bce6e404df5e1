"""Times textstat 0.7.3's gunning_fog on a JSON array of texts (CPU time, one pass).

Companion of `examples/fog_speed.rs`; run it with the reference venv's python.
"""

import json
import sys
import time
import warnings

warnings.simplefilter("ignore")  # textstat imports the deprecated pkg_resources

import textstat  # noqa: E402

texts = json.load(open(sys.argv[1], encoding="utf-8"))
start = time.process_time()
total = sum(textstat.gunning_fog(text) for text in texts)
cpu = time.process_time() - start
print(
    f"textstat cpu: {len(texts) / cpu:.0f} texts/s ({cpu / len(texts) * 1e6:.0f} µs per text), "
    f"checksum {total:.2f}"
)

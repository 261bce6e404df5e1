"""Times textstat 0.7.3's gunning_fog on a JSON array of texts, or JSONL with a "text"
field (CPU time, one pass).

Companion of `examples/scorer_speed.rs fog`; run it with a python that has textstat 0.7.3.
"""

import json
import sys
import time
import warnings

warnings.simplefilter("ignore")  # textstat imports the deprecated pkg_resources

import textstat  # noqa: E402

with open(sys.argv[1], encoding="utf-8") as f:
    raw = f.read()
try:
    texts = json.loads(raw)
except json.JSONDecodeError:
    texts = [json.loads(line)["text"] for line in raw.splitlines() if line.strip()]
start = time.process_time()
total = sum(textstat.gunning_fog(text) for text in texts)
cpu = time.process_time() - start
print(
    f"textstat cpu: {len(texts) / cpu:.0f} texts/s ({cpu / len(texts) * 1e6:.0f} µs per text), "
    f"checksum {total:.2f}"
)

"""Reference polarity and subjectivity from TextBlob 0.17.1 (`TextBlob(text).sentiment`,
the default PatternAnalyzer with the en-sentiment.xml bundled in the wheel).

stdin (UTF-8): one JSON string per line.
stdout: per text one line "polarity subjectivity" (Python reprs, exact round trip), then
a final line "seconds S": the fastest of three scoring passes
(thread CPU time).
"""
import json
import sys
import time

from textblob import TextBlob

lines = sys.stdin.buffer.read().decode("utf-8").split("\n")
texts = [json.loads(line) for line in lines if line.strip()]
TextBlob("warm up the lazily loaded lexicon").sentiment
scores = [TextBlob(t).sentiment for t in texts]
# CPU time of this thread per pass, the fastest of three: the machine is shared.
elapsed = float("inf")
for _ in range(3):
    start = time.thread_time()
    for t in texts:
        TextBlob(t).sentiment
    elapsed = min(elapsed, time.thread_time() - start)
out = [f"{s.polarity!r} {s.subjectivity!r}" for s in scores]
out.append(f"seconds {elapsed!r}")
sys.stdout.write("\n".join(out) + "\n")

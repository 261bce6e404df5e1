"""Reference polarity and subjectivity from TextBlob 0.17.1 (`TextBlob(text).sentiment`,
the default PatternAnalyzer with the en-sentiment.xml bundled in the wheel).

stdin (UTF-8): one JSON string per line.
stdout: per text one line "polarity subjectivity" (Python reprs, exact round trip), then
a final line "seconds S" with the time TextBlob spent scoring.
"""
import json
import sys
import time

from textblob import TextBlob

lines = sys.stdin.buffer.read().decode("utf-8").split("\n")
texts = [json.loads(line) for line in lines if line.strip()]
TextBlob("warm up the lazily loaded lexicon").sentiment
start = time.perf_counter()
scores = [TextBlob(t).sentiment for t in texts]
elapsed = time.perf_counter() - start
out = [f"{s.polarity!r} {s.subjectivity!r}" for s in scores]
out.append(f"seconds {elapsed!r}")
sys.stdout.write("\n".join(out) + "\n")

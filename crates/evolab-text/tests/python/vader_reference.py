"""Reference VADER scores from NLTK 3.8.1 for evolab's comparison test.

argv[1]: path of vader_lexicon.txt (vaderSentiment 3.3.2).
stdin (UTF-8): one JSON string per line.
stdout: per text one line "neg neu pos compound" (Python reprs, so the doubles round-trip
exactly), then a final line "seconds S": the fastest of three scoring passes
(thread CPU time).
"""
import json
import os
import sys
import time

from nltk.sentiment.vader import SentimentIntensityAnalyzer

analyzer = SentimentIntensityAnalyzer(lexicon_file="file:" + os.path.abspath(sys.argv[1]))
lines = sys.stdin.buffer.read().decode("utf-8").split("\n")
texts = [json.loads(line) for line in lines if line.strip()]
scores = [analyzer.polarity_scores(t) for t in texts]
# CPU time of this thread per pass, the fastest of three: the machine is shared.
elapsed = float("inf")
for _ in range(3):
    start = time.thread_time()
    for t in texts:
        analyzer.polarity_scores(t)
    elapsed = min(elapsed, time.thread_time() - start)
out = [" ".join(repr(s[k]) for k in ("neg", "neu", "pos", "compound")) for s in scores]
out.append(f"seconds {elapsed!r}")
sys.stdout.write("\n".join(out) + "\n")

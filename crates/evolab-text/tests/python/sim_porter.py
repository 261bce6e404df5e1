"""NLTK 3.8.1 PorterStemmer() (NLTK_EXTENSIONS mode) on one word per input line."""
import sys

from nltk.stem.porter import PorterStemmer

stemmer = PorterStemmer()
words = sys.stdin.buffer.read().decode("utf-8").split("\n")
stems = [stemmer.stem(w) for w in words if w]
sys.stdout.buffer.write(("\n".join(stems) + "\n").encode("utf-8"))

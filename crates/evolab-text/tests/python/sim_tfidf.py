"""scikit-learn reference for evolab's TF-IDF: reads a JSON list of texts on stdin and
prints the vocabulary, idf and cosine matrix of TfidfVectorizer(stop_words='english')."""
import json
import sys

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

texts = json.loads(sys.stdin.buffer.read().decode("utf-8"))
vectorizer = TfidfVectorizer(stop_words="english")
x = vectorizer.fit_transform(texts)
cosine = (x @ x.T).toarray()
json.dump(
    {
        "stop_words": sorted(ENGLISH_STOP_WORDS),
        "vocabulary": vectorizer.get_feature_names_out().tolist(),
        "idf": vectorizer.idf_.tolist(),
        "cosine": cosine.tolist(),
        "tokens": [vectorizer.build_tokenizer()(t.lower()) for t in texts],
    },
    sys.stdout,
)

#!/usr/bin/env python3
"""The Python scorers the papers' pipelines use, timed on a JSONL corpus, for
docs/benchmarks.md: textstat 0.7.3 Gunning fog, NLTK 3.8.1 VADER (lexicon of
vaderSentiment 3.3.2), the tox-block 0.1.2 BiLSTM in Keras, and length.

usage: score_python.py CORPUS.jsonl DATA_DIR
DATA_DIR is evolab's data directory (`evolab data list` prints it): the lexicons and the
tox-block files are read from there, the same bytes evolab reads.
Prints one JSON object with texts/s per scorer and overall.
"""
import json
import os
import pickle
import re
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main():
    corpus, data = sys.argv[1], sys.argv[2]
    texts = [json.loads(line)["text"] for line in open(corpus, encoding="utf-8")]
    texts = [re.sub(r"#\w+", "", t) for t in texts]
    timings = {}

    import textstat
    t0 = time.perf_counter()
    fog = [textstat.gunning_fog(t) for t in texts]
    timings["difficulty (textstat)"] = time.perf_counter() - t0

    from nltk.sentiment.vader import SentimentIntensityAnalyzer
    lexicon = os.path.join(data, "vadersentiment-3.3.2", "vader_lexicon.txt")
    vader = SentimentIntensityAnalyzer(lexicon_file="file:" + os.path.abspath(lexicon))
    t0 = time.perf_counter()
    pos = [vader.polarity_scores(t)["compound"] for t in texts]
    timings["positivity (NLTK VADER)"] = time.perf_counter() - t0

    import tensorflow as tf

    class TokenSequencer:
        def __setstate__(self, state):
            self.__dict__.update(state)

    class EncoderUnpickler(pickle.Unpickler):
        def find_class(self, module, name):
            if name == "TokenSequencer":
                return TokenSequencer
            return super().find_class(module, name)

    tox_dir = os.path.join(data, "tox-block-0.1.2")
    t0 = time.perf_counter()
    with open(os.path.join(tox_dir, "encoder_0.1.2.pkl"), "rb") as f:
        seq = EncoderUnpickler(f).load()
    model = tf.keras.models.load_model(os.path.join(tox_dir, "lstm_model_0.1.2.h5"), compile=False)
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    padded = tf.keras.preprocessing.sequence.pad_sequences(
        seq.tokenizer.texts_to_sequences(texts), maxlen=seq.max_sequence_length)
    tox = model.predict(padded, batch_size=256, verbose=0)[:, 0]
    timings["toxicity (tox-block, Keras)"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    lengths = [len(t) for t in texts]
    timings["length"] = time.perf_counter() - t0

    total = sum(timings.values())
    print(json.dumps({
        "texts": len(texts),
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "texts_per_second": {k: round(len(texts) / v, 1) for k, v in timings.items() if v > 0},
        "all_four_texts_per_second": round(len(texts) / total, 1),
        "toxicity_model_load_seconds": round(load, 2),
        "threads": {"tensorflow_intra": tf.config.threading.get_intra_op_parallelism_threads()},
        "checksum": [round(sum(fog), 2), round(sum(pos), 4), round(float(sum(tox)), 4), sum(lengths)],
    }, indent=1))


if __name__ == "__main__":
    main()

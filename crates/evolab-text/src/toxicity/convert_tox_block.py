"""Converts tox-block 0.1.2's Keras files into files evolab's Rust scorer reads.

Usage: python3 convert_tox_block.py DIR

DIR holds lstm_model_0.1.2.h5 and encoder_0.1.2.pkl (as fetched by `evolab data fetch
tox-block`); weights.safetensors and vocab.json are written next to them. Only h5py and numpy
are needed: the pickled Keras Tokenizer is read without Keras, and the safetensors file is
written by hand, so the conversion never imports TensorFlow.

The architecture is checked against what the Rust forward pass implements; any difference
stops the conversion rather than producing a model that silently computes something else.
"""

import json
import os
import pickle
import struct
import sys

import h5py
import numpy as np

MODEL_FILE = "lstm_model_0.1.2.h5"
ENCODER_FILE = "encoder_0.1.2.pkl"
WEIGHTS_OUT = "weights.safetensors"
VOCAB_OUT = "vocab.json"
# Bumped whenever the output layout changes; the Rust loader refuses other values.
FORMAT = "1"


class Fail(Exception):
    pass


class PickledObject:
    """Stands in for the pickled tox-block and Keras classes: only their attributes are kept."""

    def __setstate__(self, state):
        self.__dict__.update(state)


class AttributesOnly(pickle.Unpickler):
    # The encoder pickle names these classes; nothing else may be constructed while loading it.
    STAND_INS = {
        ("tox_block.data_processing.preprocessors", "TokenSequencer"),
        ("keras_preprocessing.text", "Tokenizer"),
    }
    ALLOWED = {
        ("collections", "OrderedDict"),
        ("collections", "defaultdict"),
        ("builtins", "int"),
    }

    def find_class(self, module, name):
        if (module, name) in self.STAND_INS:
            return PickledObject
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise Fail(f"{ENCODER_FILE} refers to {module}.{name}, which a tox-block 0.1.2 encoder does not")


def encodable(word):
    # A word holding a lone surrogate cannot come out of a Rust string, so it can never match.
    try:
        word.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def read_vocab(path):
    with open(path, "rb") as f:
        sequencer = AttributesOnly(f).load()
    tok = getattr(sequencer, "tokenizer", None)
    if tok is None:
        raise Fail(f"{path}: no tokenizer inside the pickled TokenSequencer")
    config = {
        "lower": tok.lower,
        "filters": tok.filters,
        "split": tok.split,
        "char_level": tok.char_level,
        "oov_token": tok.oov_token,
        "num_words": tok.num_words,
        "maxlen": sequencer.max_sequence_length,
        # TokenSequencer.transform calls pad_sequences with its defaults.
        "padding": "pre",
        "truncating": "pre",
    }
    if tok.char_level or tok.oov_token is not None or not tok.num_words:
        raise Fail(f"{path}: unexpected tokenizer settings {config}")
    if not isinstance(tok.split, str) or len(tok.split) != 1:
        raise Fail(f"{path}: unexpected split string {tok.split!r}")
    # Words ranked at or past num_words are dropped exactly like unknown words (there is no
    # OOV token), so only the ones the model can see are kept.
    words = {
        w: int(i) for w, i in tok.word_index.items() if 0 < int(i) < tok.num_words and encodable(w)
    }
    if len(set(words.values())) != len(words):
        raise Fail(f"{path}: word_index maps two words to one index")
    return config, words


def expect(cond, what):
    if not cond:
        raise Fail(f"{MODEL_FILE}: {what}")


def check_architecture(cfg):
    layers = [l for l in cfg["config"]["layers"]]
    kinds = [l["class_name"] for l in layers]
    expect(
        kinds == ["InputLayer", "Embedding", "Bidirectional", "GlobalMaxPooling1D", "Dense", "Dropout", "Dense"],
        f"unexpected layer sequence {kinds}",
    )
    inp, emb, bi, _pool, dense, _drop, out = (l["config"] for l in layers)
    expect(inp["batch_input_shape"][1] == 100, "input length is not 100")
    expect(emb["mask_zero"] is False, "embedding masks zeros")
    expect(bi["merge_mode"] == "concat", "bidirectional merge is not concat")
    lstm = bi["layer"]
    expect(lstm["class_name"] == "LSTM", "recurrent layer is not an LSTM")
    lc = lstm["config"]
    expect(lc["activation"] == "tanh", "LSTM activation is not tanh")
    expect(lc["recurrent_activation"] == "hard_sigmoid", "LSTM recurrent activation is not hard_sigmoid")
    expect(lc["return_sequences"] is True, "LSTM does not return sequences")
    expect(lc["use_bias"] is True, "LSTM has no bias")
    expect(not lc.get("go_backwards") and not lc.get("stateful"), "LSTM runs backwards or is stateful")
    expect(dense["activation"] == "relu" and dense["use_bias"], "hidden dense layer is not relu with bias")
    expect(out["activation"] == "sigmoid" and out["use_bias"] and out["units"] == 6, "output layer is not 6 sigmoids")


def read_weights(path):
    tensors = {}
    with h5py.File(path, "r") as f:
        keras_version = f.attrs.get("keras_version", b"")
        if isinstance(keras_version, bytes):
            keras_version = keras_version.decode()
        cfg = f.attrs["model_config"]
        if isinstance(cfg, bytes):
            cfg = cfg.decode()
        check_architecture(json.loads(cfg))
        w = f["model_weights"]
        names = {
            "embedding": "embedding/embedding/embeddings:0",
            "forward.kernel": "bidirectional/bidirectional/forward_lstm/kernel:0",
            "forward.recurrent_kernel": "bidirectional/bidirectional/forward_lstm/recurrent_kernel:0",
            "forward.bias": "bidirectional/bidirectional/forward_lstm/bias:0",
            "backward.kernel": "bidirectional/bidirectional/backward_lstm/kernel:0",
            "backward.recurrent_kernel": "bidirectional/bidirectional/backward_lstm/recurrent_kernel:0",
            "backward.bias": "bidirectional/bidirectional/backward_lstm/bias:0",
            "dense.kernel": "dense/dense/kernel:0",
            "dense.bias": "dense/dense/bias:0",
            "output.kernel": "dense_1/dense_1/kernel:0",
            "output.bias": "dense_1/dense_1/bias:0",
        }
        for name, h5name in names.items():
            if h5name not in w:
                raise Fail(f"{path}: no weight {h5name}")
            tensors[name] = np.asarray(w[h5name], dtype="<f4")
    return keras_version, tensors


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    for name, arr in tensors.items():
        size = arr.size * 4
        header[name] = {"dtype": "F32", "shape": list(arr.shape), "data_offsets": [offset, offset + size]}
        offset += size
    blob = json.dumps(header, separators=(",", ":")).encode()
    blob += b" " * (-len(blob) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(blob)))
        f.write(blob)
        for arr in tensors.values():
            f.write(np.ascontiguousarray(arr, dtype="<f4").tobytes())


def replace_atomically(path, write):
    tmp = path + ".partial"
    write(tmp)
    os.replace(tmp, path)


def main():
    if len(sys.argv) != 2:
        raise Fail("usage: convert_tox_block.py DIR")
    folder = sys.argv[1]
    config, words = read_vocab(os.path.join(folder, ENCODER_FILE))
    keras_version, tensors = read_weights(os.path.join(folder, MODEL_FILE))
    vocab_size = tensors["embedding"].shape[0]
    if max(words.values()) >= vocab_size:
        raise Fail(f"vocabulary index {max(words.values())} is past the embedding's {vocab_size} rows")
    metadata = {
        "format": FORMAT,
        "source": "tox-block 0.1.2 " + MODEL_FILE,
        "keras_version": keras_version,
        # Keras 2 (which saved this model) defines hard_sigmoid as clip(0.2 x + 0.5, 0, 1).
        "recurrent_activation": "hard_sigmoid_keras2",
        "gate_order": "i,f,c,o",
    }
    replace_atomically(os.path.join(folder, WEIGHTS_OUT), lambda p: write_safetensors(p, tensors, metadata))

    def write_vocab(p):
        with open(p, "w", encoding="utf-8") as f:
            json.dump({"format": FORMAT, "config": config, "word_index": words}, f, ensure_ascii=False)

    replace_atomically(os.path.join(folder, VOCAB_OUT), write_vocab)
    print(f"wrote {WEIGHTS_OUT} ({len(tensors)} tensors) and {VOCAB_OUT} ({len(words)} words)")


if __name__ == "__main__":
    try:
        main()
    except (Fail, OSError, KeyError, pickle.UnpicklingError) as e:
        print(f"convert_tox_block: {e}", file=sys.stderr)
        sys.exit(1)

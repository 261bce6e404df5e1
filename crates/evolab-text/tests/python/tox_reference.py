"""Reference outputs of tox-block 0.1.2 computed by Keras itself.

stdin: {"model": path to lstm_model_0.1.2.h5, "encoder": path to encoder_0.1.2.pkl,
        "texts": [...]}
stdout: {"sequences": [[100 ints] per text], "outputs": [[6 floats] per text], "versions": {...}}

The encoder is tox-block's pickled TokenSequencer; tox-block itself is not installed (it would
pull in an unpinned TensorFlow), so its class is replaced by a stand-in that keeps the
attributes, while the pickled tokenizer is rebuilt as the real keras_preprocessing Tokenizer it
was saved from. TokenSequencer.transform is then texts_to_sequences followed by pad_sequences
with maxlen only, as here; prediction.make_predictions feeds that to model.predict and (before
its optional rescaling, which evolab does not apply) that is the output compared.
"""

import json
import os
import pickle
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import keras_preprocessing  # noqa: E402
import keras_preprocessing.text  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


class TokenSequencer:
    def __setstate__(self, state):
        self.__dict__.update(state)


class EncoderUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("tox_block.data_processing.preprocessors", "TokenSequencer"):
            return TokenSequencer
        return super().find_class(module, name)


def main():
    request = json.load(sys.stdin)
    with open(request["encoder"], "rb") as f:
        sequencer = EncoderUnpickler(f).load()
    assert isinstance(sequencer.tokenizer, keras_preprocessing.text.Tokenizer)
    texts = request["texts"]
    sequences = sequencer.tokenizer.texts_to_sequences(texts)
    padded = tf.keras.preprocessing.sequence.pad_sequences(sequences, maxlen=sequencer.max_sequence_length)
    model = tf.keras.models.load_model(request["model"], compile=False)
    outputs = model.predict(padded, batch_size=64, verbose=0)
    json.dump(
        {
            "sequences": padded.astype(np.int64).tolist(),
            "outputs": outputs.astype(np.float64).tolist(),
            "versions": {
                "tensorflow": tf.__version__,
                "keras": keras.__version__,
                "keras_preprocessing": keras_preprocessing.__version__,
                "recurrent_activation": model.layers[2].forward_layer.recurrent_activation.__name__,
            },
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()

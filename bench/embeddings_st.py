"""The sentence-transformers side of bench/embeddings.sh, and the benchmark's texts.

    python embeddings_st.py texts OUT N SEED      write N texts of 100-400 words, one a line
    python embeddings_st.py encode MODEL_DIR TEXTS THREADS
                                                  time SentenceTransformer.encode(batch_size=32)

`texts` needs only the standard library; `encode` needs torch and sentence-transformers.
"""

import random
import sys
import time

WORDS = """
the of and to in a is that for it as was with be by on not he this are or his from at
which but have an they you were her she there been one all we their has would when if
so no will more can out up about into them some could time only new other people than
first very after most also made over did many before must through back years where much
your way well down should because each just those how too little state good world
still own see men work long get here between both life being under never day same
another know while last might great old year off come since against go came right used
take three states himself few house use during without again place around however home
small found thought went say part once general high upon school every don does got
united left number course war until always away something fact though water less public
put think almost hand enough far took head yet government system better set told nothing
night end why called didn eyes find going look asked later knew point next program city
business give group toward young days let room president side social given present order
national possible rather second face per among form important often things looked early
white case john become large big need four within felt along children saw best church
ever least power development light thing seemed family interest want members mind country
area others done turned although open god service certain kind problem began different
door thus help sense means whole matter perhaps itself york times human law line above
name example action company hands local show whether five history gave today either act
feet across taken past quite anything seen having death experience body word half really
week car field money words already information tell together college shall sometimes
evolution culture story chain memory teacher river mountain garden kitchen letter music
""".split()


def make_texts(out, n, seed):
    rng = random.Random(seed)
    with open(out, "w", encoding="utf-8") as f:
        for _ in range(n):
            words = [rng.choice(WORDS) for _ in range(rng.randint(100, 400))]
            sentences, i = [], 0
            while i < len(words):
                k = rng.randint(6, 20)
                chunk = words[i : i + k]
                sentences.append(" ".join(chunk).capitalize() + ".")
                i += k
            f.write(" ".join(sentences) + "\n")


def encode(model_dir, texts_file, threads):
    import torch
    import sentence_transformers
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    model = SentenceTransformer(model_dir, device="cpu")
    with open(texts_file, encoding="utf-8") as f:
        texts = f.read().splitlines()
    model.encode(texts[:32], batch_size=32)
    start = time.perf_counter()
    vectors = model.encode(texts, batch_size=32)
    seconds = time.perf_counter() - start
    print(
        f"sentence-transformers {sentence_transformers.__version__} torch {torch.__version__}: "
        f"{len(texts)} texts in {seconds:.2f} s = {len(texts) / seconds:.1f} texts/s "
        f"(checksum {float(vectors[:, 0].sum()):.6f})"
    )


if __name__ == "__main__":
    if sys.argv[1] == "texts":
        make_texts(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == "encode":
        encode(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)

#!/usr/bin/env python3
"""Writes a deterministic benchmark corpus: JSONL, one text of 100 to 400 words per line.

Texts mix two kinds of sentences:
- sentences written for evolab, in varied registers (news, science, stories, angry and
  friendly comments), so that every scorer takes its usual paths: sentence splitting, long
  words, boosters and negations, insults;
- with --vocab, three sentences in four are drawn word by word from a frequency-ranked
  vocabulary (tox-block's vocab.json: the 20,000 commonest words of Wikipedia talk-page
  comments) with Zipf's law, p(rank) proportional to 1/rank. Their words vary the way real
  prose does, so per-word caches (textstat's, pyphen's) hit about as often as on real text;
  from the written sentences alone (a few hundred distinct words) they hit almost always.

usage: make_corpus.py N OUT.jsonl [SEED] [--vocab VOCAB.json]
"""
import argparse
import bisect
import itertools
import json
import random

SENTENCES = [
    "The committee met on Tuesday to discuss the new budget for the regional hospital.",
    "Researchers reported that the treatment reduced symptoms in most of the participants.",
    "Heavy rain flooded several streets in the old town, and the bridge was closed overnight.",
    "Officials said the investigation would continue until every witness had been heard.",
    "The unprecedented computational requirements of contemporary language models necessitate careful optimisation.",
    "We characterise the asymptotic behaviour of the estimator under heterogeneous sampling conditions.",
    "Phylogenetic analyses suggest that the lineage diverged approximately forty million years ago.",
    "Our experiments demonstrate a statistically significant improvement over established baselines.",
    "Once upon a time, a small fox lived at the edge of a quiet forest.",
    "Every morning she walked to the river and watched the fishermen mend their nets.",
    "The dragon was not as frightening as the villagers had believed.",
    "He opened the old wooden box and found a map drawn in faded ink.",
    "I absolutely love this place, the staff were wonderful and the food was amazing!",
    "This is the worst service I have ever had, and I will never come back.",
    "Honestly, the movie was kind of boring, but the music was great.",
    "You are an idiot and nobody wants to read your stupid comments.",
    "Shut up, you pathetic loser, go away!",
    "Thanks so much for your help, it really made my day :)",
    "The results were not good, but they were not terrible either.",
    "WOW, this is REALLY impressive work!!!",
    "The market fell sharply after the announcement, wiping out a week of gains.",
    "Dr. Smith arrived at 9 a.m. and left before noon.",
    "Prices rose by 3.5 percent in October, the fastest pace in two years.",
    "Nobody expected the quiet librarian to win the national chess championship.",
    "The spacecraft entered orbit after a journey of nearly seven months.",
    "Critics argue that the policy will hurt small businesses and rural communities.",
    "She laughed, then cried, then laughed again at the absurdity of it all.",
    "Without doubt, the new bridge is a remarkable feat of engineering.",
    "The children built a castle of sand that the tide slowly reclaimed.",
    "I hate waiting in line, it is such a terrible waste of time.",
    "The hypothesis was rejected because the confidence interval included zero.",
    "A gentle breeze carried the smell of bread from the bakery down the lane.",
    "Volunteers distributed blankets and hot meals to families affected by the storm.",
    "The algorithm converges quickly when the learning rate is small enough.",
    "They argued for hours about whether the painting was a forgery.",
    "What a disgusting, horrible thing to say to someone who is grieving.",
    "Isn't it strange how quickly we forget the things that once mattered most?",
    "The orchestra played late into the night, and nobody wanted to leave.",
    "Unemployment remained stable, although wages continued to stagnate.",
    "The old man smiled and said that happiness is a choice we make every day.",
]


def zipf_sentences(vocab_path, rng):
    """An endless stream of sentences of Zipf-distributed words from vocab.json."""
    with open(vocab_path, encoding="utf-8") as f:
        ranked = sorted(json.load(f)["word_index"].items(), key=lambda kv: kv[1])
    words = [w for w, _ in ranked]
    cumulative = list(itertools.accumulate(1.0 / rank for rank in range(1, len(words) + 1)))
    total = cumulative[-1]
    while True:
        n = rng.randint(6, 28)
        picked = [words[bisect.bisect(cumulative, rng.random() * total)] for _ in range(n)]
        if n > 12 and rng.random() < 0.5:
            picked[n // 2] += ","
        end = rng.choices([".", "!", "?"], weights=[8, 1, 1])[0]
        yield picked[0][:1].upper() + " ".join(picked)[1:] + end


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out")
    parser.add_argument("seed", type=int, nargs="?", default=0)
    parser.add_argument("--vocab", help="tox-block's vocab.json, for Zipf-sampled sentences")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    drawn = zipf_sentences(args.vocab, rng) if args.vocab else None
    with open(args.out, "w", encoding="utf-8") as f:
        for i in range(args.n):
            target = rng.randint(100, 400)
            words, parts = 0, []
            while words < target:
                if drawn is not None and rng.random() < 0.75:
                    s = next(drawn)
                else:
                    s = rng.choice(SENTENCES)
                parts.append(s)
                words += len(s.split())
            f.write(json.dumps({"id": i, "text": " ".join(parts)}) + "\n")


if __name__ == "__main__":
    main()

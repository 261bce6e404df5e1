#!/usr/bin/env python3
"""Writes a deterministic benchmark corpus: JSONL, one text of 100 to 400 words per line.

Texts are assembled from a pool of sentences written for evolab, in varied registers (news,
science, stories, angry and friendly comments), so that every scorer takes its usual paths:
sentence splitting, long words, boosters and negations, insults.

usage: make_corpus.py N OUT.jsonl [SEED]
"""
import json
import random
import sys

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


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            target = rng.randint(100, 400)
            words, parts = 0, []
            while words < target:
                s = rng.choice(SENTENCES)
                parts.append(s)
                words += len(s.split())
            f.write(json.dumps({"id": i, "text": " ".join(parts)}) + "\n")


if __name__ == "__main__":
    main()

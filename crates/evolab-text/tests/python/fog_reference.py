"""Reference values for evolab's Gunning fog: textstat 0.7.3 with pyphen 0.15.0.

Reads JSON {"texts": [...], "words": [...], "unicode": bool} on stdin and writes JSON with,
per text, textstat's fog index (as repr, so the double round-trips exactly) and the counts
behind it; per word, textstat's syllable_count and pyphen's en_US hyphenation positions;
and, if asked, Python's own character tables (\\w, \\s, lower()) that textstat relies on.
"""

import json
import re
import sys
import unicodedata
import warnings

warnings.simplefilter("ignore")  # textstat imports the deprecated pkg_resources

import pyphen  # noqa: E402
import textstat  # noqa: E402


def ranges(predicate):
    out, start = [], None
    for cp in range(sys.maxunicode + 2):
        inside = cp <= sys.maxunicode and predicate(chr(cp))
        if inside and start is None:
            start = cp
        elif not inside and start is not None:
            out.append([start, cp - 1])
            start = None
    return out


def unicode_tables():
    word, space = re.compile(r"\w"), re.compile(r"\s")
    lower = []
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if unicodedata.category(c) != "Cs" and c.lower() != c:
            lower.append([cp, c.lower()])
    return {
        "version": unicodedata.unidata_version,
        "word": ranges(lambda c: word.match(c) is not None),
        "space": ranges(lambda c: space.match(c) is not None),
        "split_space": ranges(lambda c: c.isspace()),
        "unassigned": ranges(lambda c: unicodedata.category(c) == "Cn"),
        "lower": lower,
    }


def main():
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    hyphenator = pyphen.Pyphen(lang="en_US")
    out = {
        "texts": [
            {
                "fog": repr(textstat.gunning_fog(text)),
                "words": textstat.lexicon_count(text),
                "sentences": textstat.sentence_count(text),
                "difficult": textstat.difficult_words(text, syllable_threshold=3),
            }
            for text in request["texts"]
        ],
        "words": [
            {
                "syllables": textstat.syllable_count(word),
                "positions": [int(p) for p in hyphenator.positions(word)],
            }
            for word in request["words"]
        ],
    }
    if request.get("unicode"):
        out["unicode"] = unicode_tables()
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()

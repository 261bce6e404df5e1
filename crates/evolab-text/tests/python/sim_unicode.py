"""Python's character classes that evolab's tokenizers reproduce: the code points of re's
Unicode \\w, those unassigned in this Python's Unicode version, str.isspace, and every
single-character str.lower that changes the character."""
import json
import re
import sys
import unicodedata

word = re.compile(r"\w")


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


json.dump(
    {
        "unicode_version": unicodedata.unidata_version,
        "word": ranges(lambda c: word.match(c) is not None),
        "unassigned": ranges(lambda c: unicodedata.category(c) == "Cn"),
        "space": ranges(str.isspace),
        "lower": {
            str(cp): chr(cp).lower()
            for cp in range(sys.maxunicode + 1)
            if not 0xD800 <= cp <= 0xDFFF and chr(cp).lower() != chr(cp)
        },
    },
    sys.stdout,
)

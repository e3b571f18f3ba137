"""Which notes have nearly the same name: a typo, a word form, one word more
or less (`ai_safety_and_existence_risk` and `ai_safety_and_existential_risk`),
not a series (`Part 1`, `Part 2`) nor two things (`C Functions`, `C++
Functions`). `near-duplicate-note` reports such pairs when their notes agree;
`vaultlint links` lists them.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain

from .suggest import normalize, score

# A key shared by more names than this says little (short, common names).
MAX_BUCKET = 50
_NUMBER = re.compile(r"\d+")
# The characters of a name that are neither letters, digits, spaces nor the
# punctuation that separates words: `+` in `C++`, `#` in `C#`, `&`, `?`.
_SYMBOL = re.compile(r"[^\w\s\-_.,:;'’\"()\[\]{}/\\–—]")


def name_of(path: str) -> str:
    """A note's name: its file name less `.md`."""
    base = posixpath.basename(path)
    return base[:-3] if base.lower().endswith(".md") else base


def _keys(norm: str) -> list[str]:
    """The keys a name is bucketed by: itself, its words sorted, and from
    three words on itself less each word (a name may give a key twice)."""
    words = norm.split()
    keys = ["=" + norm, "~" + " ".join(sorted(words)), "-" + norm]
    if len(words) >= 3:
        # Each word cut out of the name with the space after it (the last,
        # with the space before): no list of words made again a key.
        at = 0
        for word in words[:-1]:
            end = at + len(word) + 1
            keys.append("-" + norm[:at] + norm[end:])
            at = end
        keys.append("-" + norm[: at - 1])
    return keys


# Words whose presence changes nothing (`the_impact_of...`, `impact_of...`).
ARTICLES = frozenset({"the", "a", "an"})
# Words that give a name a direction: `x for y` is not `y for x`.
ORDERED = frozenset("for of in on to vs versus with from by into about over under between".split())


def _topics(words: list[str]) -> list[tuple[str, ...]]:
    """`x and y` says what `y and x` says; `x for y` does not say `y for x`."""
    parts, part = [], []
    for w in words:
        if w == "and":
            parts.append(tuple(part))
            part = []
        else:
            part.append(w)
    parts.append(tuple(part))
    return sorted(parts)


def same_words(a: str, b: str) -> bool:
    """Whether two normalised names say the same thing: the same words but
    for articles, in an order that only swaps the sides of an `and`; or one
    word each that is a variant of the other (`existence`/`existential`, a
    typo). `Meeting Template` and `Meeting Type Template`, `data` and
    `transactions`, `x for y` and `y for x` differ in meaning."""
    wa = [w for w in a.split() if w not in ARTICLES]
    wb = [w for w in b.split() if w not in ARTICLES]
    if wa == wb:
        return True
    only_a = list((Counter(wa) - Counter(wb)).elements())
    only_b = list((Counter(wb) - Counter(wa)).elements())
    if not only_a and not only_b:
        return not ORDERED.intersection(wa) or _topics(wa) == _topics(wb)
    if len(only_a) == len(only_b) == 1 and _variants(only_a[0], only_b[0]):
        return [only_b[0] if w == only_a[0] else w for w in wa] == wb
    return False


def _variants(a: str, b: str) -> bool:
    """One word mistyped (`safty`) or in another form (`existence`,
    `existential`; `networking`, `networks`), not another word (`inflation`,
    `information`)."""
    common = len(posixpath.commonprefix([a, b]))
    shorter = min(len(a), len(b))
    if common >= 5 and common >= 0.75 * shorter:
        return True
    if shorter < 4:
        return False
    from rapidfuzz.distance import Levenshtein  # (imported when needed: see vaultlint.suggest)

    return Levenshtein.distance(a, b) <= 1


def near_duplicates(paths: Iterable[str], min_score: float, same_folder: bool = False) -> list[tuple[str, str, float]]:
    """(first path, second path, score) of each pair of notes with
    near-identical names (in one folder, with `same_folder`), in path order."""
    paths = sorted(p for p in paths if p.lower().endswith(".md"))
    if not same_folder:
        return sorted(_near_duplicates(paths, min_score))
    # One folder at a time: the keys of 100,000 names at once take 200 MB,
    # and a vault then compares a few names, not every name sharing a key.
    by_folder: dict[str, list[str]] = {}
    for path in paths:
        by_folder.setdefault(path.rpartition("/")[0], []).append(path)
    return sorted(pair for group in by_folder.values() for pair in _in_folder(tuple(group), min_score))


@lru_cache(maxsize=8192)
def _in_folder(paths: tuple[str, ...], min_score: float) -> tuple[tuple[str, str, float], ...]:
    """`_near_duplicates` of one folder's notes, kept by the folder's paths:
    a process that holds a vault open (the workspace) makes again, after a
    note is added or renamed, only the pairs of the folders that changed
    (at 100,000 generated notes in some 400 folders: 0.09 s instead of 1.6 s)."""
    return tuple(_near_duplicates(list(paths), min_score))


def _near_duplicates(paths: list[str], min_score: float) -> list[tuple[str, str, float]]:
    """`near_duplicates` among `paths` (sorted), unsorted."""
    names = [name_of(p) for p in paths]
    norms = [normalize(n) for n in names]
    symbols = [sorted(_SYMBOL.findall(n)) for n in names]
    keyed = [_keys(norm) if norm else [] for norm in norms]
    # Nearly every key is one name's: counted in C, only the others bucketed.
    counts = Counter(chain.from_iterable(keyed))
    buckets: dict[str, list[int]] = {}
    for i, keys in enumerate(keyed):
        for key in keys:
            if counts[key] > 1:
                ids = buckets.setdefault(key, [])
                if not ids or ids[-1] != i:
                    ids.append(i)
    seen: set[tuple[int, int]] = set()
    out = []
    for ids in buckets.values():
        if len(ids) < 2 or len(ids) > MAX_BUCKET:
            continue
        for x, i in enumerate(ids):
            for j in ids[x + 1 :]:
                if (i, j) in seen:
                    continue
                seen.add((i, j))
                if names[i].casefold() == names[j].casefold():
                    continue  # the same name in two folders: ambiguous, not near
                if norms[i] != norms[j] and _NUMBER.sub("#", norms[i]) == _NUMBER.sub("#", norms[j]):
                    continue  # a series
                if symbols[i] != symbols[j]:
                    continue  # `C Functions` and `C++ Functions`, `Bash &` and `Bash &&`: two things
                s = score(norms[i], norms[j])
                if s >= min_score and same_words(norms[i], norms[j]):
                    out.append((paths[i], paths[j], round(float(s), 1)))
    return out

"""Fuzzy suggestions: the names a user probably meant, best first.

Shared by every rule that suggests a name (link targets, headings,
front-matter keys and values). The public interface is `Suggester(choices)`
and `suggester.suggest(query, limit)`, returning `Candidate`s with a score
from 0 to 100; `is_clear_winner` says when the best one is sure enough for
an `unsafe` fix.

How a name is compared
    Both sides are *normalised*: Unicode NFKC, case folded, every run of
    `_`, `-`, spaces and punctuation made one space, and each word reduced
    to a crude singular (`measures` -> `measure`, `policies` -> `policy`).
    So `AI Safety Measures`, `ai_safety_measure` and `ai-safety-measures`
    are the same name (score 100). The score is the best of rapidfuzz's
    `ratio` (edit distance on the whole name: typos) and `token_sort_ratio`
    (the same with the words sorted: swapped words). Partial and
    token-set scorers are not used: they score a short name inside a long
    one (`notion` in `counting_puzzle_involving_pi`) as a near match, which
    is how absurd suggestions happen.

    The ten best by letters are then ranked again by their words: the
    final score is the mean of the letter score and a word score (an F1
    over the words, a word matching its typo or its other form,
    `existence`/`existential`). So `introduction to publish` finds
    `introduction to obsidian publish` before `introduction to obsidian
    sync`, and a name that merely shares letters with the query falls below
    the cutoff instead of being suggested. Names of one word keep their
    letter score. Letters may score up to 10 under the cutoff when the
    words make up for it (a word dropped from a short name).

Why candidates are pruned
    Scoring every name for every broken link is quadratic (10,000 broken
    links over 100,000 names). An index maps each word, its first three
    letters and its last three letters to the names holding it; a query is
    scored only against the names that hold two of its four rarest words
    (three from five words on); for a query of two words, the names with a
    word beginning or ending like each of its words (like either, when that
    finds nothing); for one word, a word beginning or ending like it.
    Postings are met as sets, or as bitmaps when both are large (common
    words). rapidfuzz then drops the names whose length cannot reach the
    cutoff before comparing letters. Vaults of up to 5,000 names are not
    pruned. Results are cached by query.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import operator
import os
import re
import unicodedata
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

# rapidfuzz (its import is a tenth of vaultlint's) is imported on first
# use: a pre-commit run whose links' suggestions are kept never needs it.
fuzz = process = OSA = None


def _import_rapidfuzz() -> None:
    global fuzz, process, OSA
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import OSA

_SEPARATORS = re.compile(r"[\W_]+")
# `_SEPARATORS` in ASCII: every character but a letter or a digit.
_ASCII_SEPARATORS = {c: " " for c in range(128) if not chr(c).isalnum()}
_ONE = re.compile("1")
# Up to this many names, every name is scored (in C, about a millisecond):
# pruning would only lose the typos in short names (`Kyto` for `Kyoto`).
SMALL = 5000
# How many of the best by letters are ranked again by their words.
RERANK = 10
LETTER_SLACK = 10


@functools.lru_cache(maxsize=1 << 16)  # a vault's names share their words
def _singular(word: str) -> str:
    """A crude singular, enough to make plural and singular compare equal."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalize(text: str) -> str:
    """The form names are compared in (see the module docstring)."""
    if text.isascii():  # most names: NFKC changes nothing, and a table finds the separators faster
        return " ".join(map(_singular, text.lower().translate(_ASCII_SEPARATORS).split()))
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(map(_singular, _SEPARATORS.sub(" ", text).split()))


def _word_keys(word: str) -> tuple[str, str, str]:
    """A word is found by itself, its first three and its last three letters,
    so that a typo in one end of it still meets the name."""
    return "=" + word, "<" + word[:3], ">" + word[-3:]


def score(a: str, b: str) -> float:
    """How alike two normalised names are, 0..100, by their letters."""
    if fuzz is None:
        _import_rapidfuzz()
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


@functools.lru_cache(maxsize=1 << 16)
def words_alike(a: str, b: str) -> bool:
    """One word mistyped (`ntoes`: one edit, two in words of eight letters
    or more), or in another form (`existence`, `existential`: the same
    first letters, five at least and three quarters of the shorter word).
    `derivative` and `antiderivative` are two words."""
    if OSA is None:
        _import_rapidfuzz()
    shorter = min(len(a), len(b))
    if shorter >= 3 and OSA.distance(a, b) <= (2 if shorter >= 8 else 1):
        return True
    if shorter < 5 or a[:5] != b[:5]:  # (most pairs: no call to commonprefix, slow)
        return False
    return len(os.path.commonprefix([a, b])) >= 0.75 * shorter


def word_score(a: str, b: str) -> float | None:
    """How many words two normalised names share, 0..100 (an F1 over the
    words; a word matches a word it is a typo of); None for names of one
    word, where the letters say it all."""
    wa, wb = a.split(), b.split()
    if len(wa) < 2 or len(wb) < 2:
        return None

    def matched(words, others):
        return sum(1 for w in words if w in others or any(words_alike(w, o) for o in others))

    recall, precision = matched(wa, wb) / len(wa), matched(wb, wa) / len(wb)
    return 0.0 if not recall + precision else 200 * recall * precision / (recall + precision)


def _or(value: float | None, default: float) -> float:
    return default if value is None else value


@dataclass(frozen=True, slots=True)
class Candidate:
    value: str  # what the suggestion would write
    score: float  # 0..100


def is_clear_winner(candidates: tuple[Candidate, ...], min_score: float, min_margin: float) -> bool:
    """Whether the best candidate scores at least `min_score` and at least
    `min_margin` above the second: sure enough for an unsafe fix."""
    if not candidates:
        return False
    second = candidates[1].score if len(candidates) > 1 else 0.0
    return candidates[0].score >= min_score and candidates[0].score - second >= min_margin


# Characters that make a name another name (`C++`, `Bash &&`, `Rust ?`,
# `C#`): every symbol (Unicode categories S*), and these signs.
_SIGNS = frozenset("#&?!%@*")
_DIGITS = re.compile(r"\d+")


def _signs(name: str) -> str:
    return "".join(sorted(c for c in name if c in _SIGNS or unicodedata.category(c)[0] == "S"))


def _typo_of(a: str, b: str) -> bool:
    """Whether word `b` is word `a` mistyped or in another form: the same
    first letter (or the first two swapped, `lpugins`), and one edit (two
    from eight letters on), or a long common beginning (`existence`,
    `existential`; see `words_alike`). Another beginning is how languages
    make an opposite or another thing of a word (`internal`/`external`,
    `increase`/`decrease`, `serialize`/`deserialize`, `sync`/`async`,
    `get`/`set`); two edits in a short word make another word
    (`min`/`max`)."""
    if a[:1] != b[:1]:
        return len(a) == len(b) > 2 and a[:2] == b[1::-1] and a[2:] == b[2:]
    return words_alike(a, b)


def same_name(query: str, name: str) -> bool:
    """Whether `name` is `query` written otherwise (case, separators,
    plural, word order, typos, one word more or less in a long name)
    rather than the name of another thing, the evidence an automatic
    fix needs beyond a high score. No word list: the words that differ
    must be typos of each other (`_typo_of`), the numbers (`2023-06`,
    `TLS 1.0`, `3d`) and signs (`C++`, `C#`) must be the same, and a word
    left over is allowed only beside three shared words or more, and
    three in four of the longer name's words."""
    if _signs(query) != _signs(name):
        return False
    qn, nn = normalize(query), normalize(name)
    if sorted(_DIGITS.findall(qn)) != sorted(_DIGITS.findall(nn)):
        return False
    qw, nw = qn.split(), nn.split()
    if qn.replace(" ", "") == nn.replace(" ", ""):  # `anarcho-capitalism`, `anarchocapitalism`
        return True
    left = list(nw)
    unpaired = []
    for w in qw:
        if w in left:
            left.remove(w)
        else:
            unpaired.append(w)
    for w in list(unpaired):
        match = next((o for o in left if _typo_of(w, o)), None)
        if match is not None:
            left.remove(match)
            unpaired.remove(w)
    over = len(unpaired) + len(left)
    if over == 0:
        return True
    shared = len(qw) - len(unpaired)
    return over == 1 and shared >= 3 and shared >= 0.75 * max(len(qw), len(nw))


def _holds(ids: array, i: int) -> bool:
    """Whether the ascending `ids` hold `i` (a binary search, in C)."""
    at = bisect.bisect_left(ids, i)
    return at < len(ids) and ids[at] == i


_NONZERO_TO_ONE = bytes([0] + [1] * 255)
_BITS_OF_BYTE = [tuple(b for b in range(8) if value >> b & 1) for value in range(256)]


def _members(bits: int) -> set[int]:
    """The numbers of the bits set in a bitmap."""
    if not bits:
        return set()
    if bits.bit_count() <= 200:
        # Few: the bytes that are not zero, found in C (each made 1, then
        # found by `find`, which looks for one byte fast; a pattern would
        # try every byte), then their bits (writing 100,000 bits out as
        # text costs more).
        data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
        marks = data.translate(_NONZERO_TO_ONE)
        found = []
        at = marks.find(1)
        while at != -1:
            found.append(at)
            at = marks.find(1, at + 1)
        return {at * 8 + b for at in found for b in _BITS_OF_BYTE[data[at]]}
    # Bit i of `bits` is character i of its reversed binary string.
    return {m.start() for m in _ONE.finditer(bin(bits)[:1:-1])}


class Suggester:
    """Ranks `choices` (what a suggestion would write) against a query.

    `cutoff` is the lowest score worth showing at all: below it a
    suggestion is more often wrong than right (see benchmarks/suggestions.py).
    """

    def __init__(self, choices: Iterable[str], *, cutoff: float = 80.0):
        _import_rapidfuzz()
        self.choices = list(dict.fromkeys(choices))
        self.cutoff = cutoff
        self._normalized = [normalize(c) for c in self.choices]
        # Each name with its words sorted: `token_sort_ratio` is `ratio` on
        # these, and sorting once here saves sorting at every query.
        self._sorted = [" ".join(sorted(n.split())) for n in self._normalized]
        # key -> the names holding it, ascending, as 4-byte integers: sets
        # of Python ints would take a hundred megabytes at 100,000 names,
        # in every worker process.
        # Made word by word: a vault's names hold far fewer distinct words
        # than words (582 in 500,000 at 100,000 generated names), and each
        # word's keys are made once, their names merged in C.
        by_word: dict[str, list[int]] = {}
        for i, norm in enumerate(self._normalized):
            for word in norm.split():
                by_word.setdefault(word, []).append(i)
        postings: dict[str, list[list[int]]] = {}
        for word, ids in by_word.items():
            for key in _word_keys(word):
                postings.setdefault(key, []).append(ids)
        # (A set: a name may hold a key twice, through two words or one twice.)
        self._index: dict[str, array] = {key: array("I", sorted(set().union(*held)))
                                         for key, held in postings.items()}
        self._bitmaps: dict[str, int] = {}
        self._flagmaps: dict[str, bytes] = {}
        self._up_to_length: list[int] | None = None  # see _length_band
        self._cache: dict[tuple[str, int], tuple[Candidate, ...]] = {}

    # -- kept from run to run (Context.memo's `lasting`) ---------------------
    def to_data(self) -> tuple:
        """The index as plain data (marshal writes it; building it again
        costs a second and a half at 100,000 names, reading it a tenth)."""
        return (self.choices, self.cutoff, self._normalized, self._sorted,
                {key: ids.tobytes() for key, ids in self._index.items()})

    @classmethod
    def from_data(cls, data: tuple) -> Suggester:
        choices, cutoff, normalized, sorted_words, index = data
        if not (len(choices) == len(normalized) == len(sorted_words)):
            raise ValueError("not a suggester's data")
        _import_rapidfuzz()
        self = cls.__new__(cls)
        self.choices, self.cutoff, self._normalized, self._sorted = choices, cutoff, normalized, sorted_words
        self._index = {}
        for key, raw in index.items():
            ids = array("I")
            ids.frombytes(raw)
            self._index[key] = ids
        self._bitmaps, self._flagmaps, self._up_to_length, self._cache = {}, {}, None, {}
        return self

    def suggest(self, query: str, limit: int = 3) -> tuple[Candidate, ...]:
        key = (query, limit)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._suggest(normalize(query), limit)
        return hit

    def _candidates(self, norm: str, loose: bool = False) -> set[int] | None:
        """The names that can score above the cutoff, roughly: those holding
        two of the query's four rarest words (a typo in one or two words
        still leaves two); for a query of one word, the names with a word
        that begins or ends like it; for two words, the names with a word
        beginning or ending like each of them (`loose`: like either, the
        second chance when the first finds nothing). None: every name."""
        if len(self.choices) <= SMALL:
            return None
        words = list(dict.fromkeys(norm.split()))
        near = [[k for k in _word_keys(w) if k in self._index] for w in words]
        band = self._length_band(len(norm))
        if len(words) == 2 and not loose:
            return self._meet(itertools.product(*near), band)
        if len(words) < 3:
            return self._union([k for keys in near for k in keys], band)
        meets = sorted((k for k in ("=" + w for w in words) if k in self._index), key=lambda k: len(self._index[k]))
        rarest = meets[:4]
        if len(rarest) < 2:
            return self._union([k for keys in near for k in keys if k[0] != "="], band)
        # From five words on, a name holding only two of the rarest is at
        # best a distant second (none was a top-3 answer in the benchmark).
        return self._meet(itertools.combinations(rarest, 2 if len(words) < 5 else 3), band)

    def _length_band(self, length: int) -> int:
        """The names whose length lets their letters score the rank's floor
        against a query of `length` letters, as a bitmap: `ratio` is
        2*matches/(sum of lengths), so a name shorter than about half the
        query or longer than about twice it cannot reach it. Cutting them
        here changes no answer (rapidfuzz would skip them) and spares
        listing them (a 2-word query can touch a fifth of the vault)."""
        if self._up_to_length is None:
            by_length: dict[int, list[int]] = {}
            for i, name in enumerate(self._normalized):
                by_length.setdefault(len(name), []).append(i)
            cumulative, bits = [], 0
            for n in range(max(by_length, default=0) + 1):
                bits |= self._bits(by_length.get(n, ()))
                cumulative.append(bits)
            self._up_to_length = cumulative
        ratio = (self.cutoff - LETTER_SLACK) / 100
        # One letter wider each way: floating point must not cut a name
        # that scores the floor exactly.
        lo = math.ceil(length * ratio / (2 - ratio)) - 1
        hi = math.floor(length * (2 - ratio) / ratio) + 1
        table = self._up_to_length
        upper = table[min(hi, len(table) - 1)]
        return upper & ~table[lo - 1] if 0 < lo <= len(table) else upper if lo <= 0 else 0

    def _union(self, keys: list[str], band: int) -> set[int]:
        """The names holding any of `keys`, within `band`."""
        bits = 0
        for k in keys:
            bits |= self._bitmap(k)
        return _members(bits & band)

    def _meet(self, groups: Iterable[tuple[str, ...]], band: int) -> set[int]:
        """The names holding every key of any of `groups`. Meeting sets costs
        the smallest one, thousands of look-ups for common words; so large
        sets meet as bitmaps (Python ints, one bit a name: an `&` over
        100,000 names takes microseconds), made on first use and only for
        sets of more than one name in 256, so no bigger than the set."""
        out: set[int] = set()
        bits = 0
        large = len(self.choices) // 256
        for keys in groups:
            keys = sorted(keys, key=lambda k: len(self._index[k]))
            if len(self._index[keys[0]]) > large:
                bits |= functools.reduce(operator.and_, (self._bitmap(k) for k in keys))
                continue
            # The few names of the rarest key, kept if every other key
            # holds them: looked up in its bitmap when large, else by a
            # binary search in its list.
            ids = self._index[keys[0]]
            for k in keys[1:]:
                other = self._index[k]
                if len(other) > large:
                    flags = self._flags(k)
                    ids = [i for i in ids if flags[i >> 3] >> (i & 7) & 1]
                else:
                    ids = [i for i in ids if _holds(other, i)]
            out.update(ids)
        if out:
            bits |= self._bits(out)
        return _members(bits & band)

    def _bitmap(self, key: str) -> int:
        bits = self._bitmaps.get(key)
        if bits is None:
            bits = self._bitmaps[key] = self._bits(self._index[key])
        return bits

    def _flags(self, key: str) -> bytes:
        """The names holding `key` as bytes, a bit a name, for testing one
        name at a time."""
        flags = self._flagmaps.get(key)
        if flags is None:
            flags = self._flagmaps[key] = bytes(self._flag_bytes(self._index[key]))
        return flags

    def _flag_bytes(self, ids: Iterable[int]) -> bytearray:
        flags = bytearray(len(self.choices) // 8 + 1)
        for i in ids:
            flags[i >> 3] |= 1 << (i & 7)
        return flags

    def _bits(self, ids: Iterable[int]) -> int:
        return int.from_bytes(self._flag_bytes(ids), "little")

    def _suggest(self, norm: str, limit: int) -> tuple[Candidate, ...]:
        if not norm or limit <= 0:
            return ()
        candidates = self._candidates(norm)
        ranked = self._rank(norm, candidates)
        if not ranked and candidates is not None and len(norm.split()) == 2:  # (None: every name was scored)
            ranked = self._rank(norm, self._candidates(norm, loose=True))
        out: list[Candidate] = []
        seen: set[str] = set()
        for i, s in ranked:
            value = self.choices[i]
            if value not in seen:
                seen.add(value)
                out.append(Candidate(value, round(float(s), 1)))
            if len(out) == limit:
                break
        return tuple(out)

    def _rank(self, norm: str, ids: set[int] | None) -> list[tuple[int, float]]:
        """The names among `ids` (None: every name) scoring at least the
        cutoff, best first."""
        # Letters may score a little under the cutoff when the words make up
        # for it (a word dropped from a short name). rapidfuzz skips names
        # whose length cannot reach `floor` before comparing their letters.
        floor = self.cutoff - LETTER_SLACK
        # Every name is scored as listed: a set of them, sorted and picked,
        # would cost more than the scoring.
        every = ids is None
        ids = range(len(self.choices)) if every else sorted(ids)
        if not ids:
            return []
        best: dict[int, float] = {}
        sorted_norm = " ".join(sorted(norm.split()))
        # `score`, in C: `ratio`, then `token_sort_ratio` as `ratio` on the
        # names with their words sorted.
        # Picked in C: a list comprehension costs as much as the scoring.
        pick = None if every else operator.itemgetter(*ids)
        for query, names in ((norm, self._normalized), (sorted_norm, self._sorted)):
            chosen = names if pick is None else pick(names) if len(ids) > 1 else [names[ids[0]]]
            for _name, s, j in process.extract(query, chosen, scorer=fuzz.ratio,
                                               processor=None, limit=None, score_cutoff=floor):
                best[j] = max(s, best.get(j, 0.0))
        # The best by letters are ranked again with their words: `introduction
        # to publish` is `introduction to obsidian publish` with a word
        # dropped, more than it is `introduction to obsidian sync`. Among
        # equal scores the shorter, then the first listed.
        normalized = self._normalized

        def order(hit: tuple[int, float]) -> tuple[float, int, int]:
            return -hit[1], len(normalized[hit[0]]), hit[0]

        top = sorted(((ids[j], s) for j, s in best.items()), key=order)[:RERANK]
        blended = [(i, (s + _or(word_score(norm, normalized[i]), s)) / 2) for i, s in top]
        return sorted(((i, s) for i, s in blended if s >= self.cutoff), key=order)

"""Fuzzy suggestions with rapidfuzz, shared by every rule that suggests a
name: link targets, headings, front-matter keys and enum values.

Scoring compares normalised forms (case, `_`/`-`/space and punctuation
ignored) so that `Ai Safety` and `ai_safety` are the same name to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

_SEPARATORS = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    return _SEPARATORS.sub(" ", text.casefold()).strip()


@dataclass(frozen=True, slots=True)
class Candidate:
    value: str  # what the suggestion would write
    score: float  # 0..100


class Suggester:
    """Ranks `choices` (what a suggestion would write) against a query."""

    def __init__(self, choices: Iterable[str], *, cutoff: float = 60.0):
        self.choices = list(dict.fromkeys(choices))
        self._normalized = [normalize(c) for c in self.choices]
        self.cutoff = cutoff
        self._cache: dict[tuple[str, int], tuple[Candidate, ...]] = {}

    def suggest(self, query: str, limit: int = 3) -> tuple[Candidate, ...]:
        key = (query, limit)
        hit = self._cache.get(key)
        if hit is None:
            hits = process.extract(
                normalize(query), self._normalized, scorer=fuzz.WRatio,
                processor=None, limit=limit, score_cutoff=self.cutoff,
            )
            hit = tuple(Candidate(self.choices[i], score) for _v, score, i in hits)
            self._cache[key] = hit
        return hit

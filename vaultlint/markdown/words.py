"""Counts in English words: "1 link", "2 links", "1 fix", "3 fixes"."""

from __future__ import annotations


def counted(n: int, one: str, many: str | None = None) -> str:
    """`n` and the noun that goes with it: `one` for 1, else `many` (by
    default `one` with an s)."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"

"""The built-in rule catalogue, `rules/`: its pages are read by
`vaultlint.testing` (the harness a plugin's pages use too)."""

from __future__ import annotations

from pathlib import Path

from vaultlint.testing import Example, read_pages

PAGES = Path(__file__).resolve().parent.parent / "rules"


def all_examples() -> list[Example]:
    return [ex for page in read_pages(PAGES) for ex in page.examples]

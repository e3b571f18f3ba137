"""Applying fixes to a note's text.

An edit replaces `text[start:end]`; everything outside the edited ranges is
kept character for character (line endings, trailing spaces, the missing
final newline). Edits that overlap one already taken are left for the next
pass, as ruff does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .diagnostics import Applicability, Diagnostic, Edit, Fix


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    if fix is None or fix.applicability is Applicability.DISPLAY_ONLY:
        return False
    return fix.applicability is Applicability.SAFE or unsafe


def choose_fixes(diagnostics: Iterable[Diagnostic], unsafe: bool = False) -> tuple[list[Fix], list[Fix]]:
    """(fixes to apply now, fixes that overlap them and wait for a later pass).

    A fix is taken whole or not at all; fixes are taken in text order."""
    fixes = sorted(
        (d.fix for d in diagnostics if allowed(d.fix, unsafe)),
        key=lambda f: min((e.start for e in f.edits), default=0),
    )
    taken: list[Fix] = []
    waiting: list[Fix] = []
    spans: list[tuple[int, int]] = []
    for fix in fixes:
        if any(_overlaps(e, s) for e in fix.edits for s in spans):
            waiting.append(fix)
            continue
        taken.append(fix)
        spans.extend((e.start, e.end) for e in fix.edits)
    return taken, waiting


def _overlaps(edit: Edit, span: tuple[int, int]) -> bool:
    s, e = span
    # Two insertions at one point also conflict: their order would be a guess.
    return edit.start < e and s < edit.end or edit.start == edit.end == s or (edit.start == s and edit.end == e)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """The text with the (non-overlapping) edits applied."""
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        out.append(text[pos:edit.start])
        out.append(edit.content)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)

"""Adversarial lines are scanned in linear time.

Every regular expression that runs over a note's text, and the scanner and
note parser as a whole, are fed long runs of what could make them backtrack
(`[`, `[[`, `|`, `#`, `<a `, backticks, `%%`, `$`, spaces before a `#`...),
at 6 KB and at 100 KB. Linear work grows 16-fold between the two; a
quadratic scan grows 256-fold (and on a 10 MB line would run for hours).
The tests assert on that ratio, never on seconds.

Cases marked "once quadratic" are inputs that took seconds to minutes at
100 KB before the scanner was fixed.
"""

from __future__ import annotations

import gc
import re
import time

import pytest

from vaultlint.engine import suppressions
from vaultlint.markdown import note as note_module
from vaultlint.markdown import scanner, stamps

SMALL, BIG = 6_250, 100_000
LINEAR = BIG / SMALL  # 16
LIMIT = 4 * LINEAR  # far from quadratic (256), far enough above noise
FAST_ENOUGH = 0.002  # seconds: no quadratic scan of 100 KB is this fast

# (prefix, unit repeated to the size, suffix): the worst cases.
ADVERSARIAL = {
    "[": ("", "[", "x"),
    "[[": ("", "[[", "x"),
    "]]": ("", "]]", "x"),
    "![[": ("", "![[", "x"),
    "[[ then |": ("[[", "|", "x"),
    "[[a|": ("", "[[a|", "x"),
    "#": ("", "#", "x"),
    "# lines": ("", "#\n", "x"),
    "heading, spaces, #x": ("# a", " ", "#x"),  # once quadratic (minutes)
    "heading, ' #' runs": ("# a", " #", "x"),
    "heading, tabs": ("#", "\t", "#x"),
    "<a ": ("", "<a ", "x"),
    "<a class": ("", '<a class="yt-timestamp" data-t="', "x"),
    "<!--": ("", "<!--", "x"),
    "< no comment": ("", "<! ", "x"),
    "backtick": ("", "`", "x"),
    "`` runs": ("", "`` ", "x"),  # once quadratic
    "code spans": ("", "`x` ", "x"),  # once quadratic
    "indented ``x": ("", "  ``x", "x"),  # once quadratic
    "fences": ("", "```\n", "x"),
    "tildes": ("", "~ ", "x"),
    "%%": ("", "%%", "x"),
    "% ": ("", "% ", "x"),
    "$": ("", "$", "x"),
    "$ ": ("", "$ ", "x"),
    "$a ": ("", "$a ", "x"),  # once quadratic (minutes)
    "a$ ": ("", "a$ ", "x"),
    "$$": ("", "$$", "x"),
    "[a](": ("", "[a](", "x"),
    "[a](b": ("", "[a](b", "x"),
    "[a](b (": ("", "[a](b (", "x"),
    "[](": ("", "[](", "x"),
    "](": ("", "](", "x"),
    "[x](<": ("[x](<", "a", "x"),
    "[x](u 'title": ("[x](u '", "a", "x"),
    "spaces": ("", " ", "x"),
    "tabs": ("", "\t", "x"),
    " ^a": ("", " ^a", "x"),
    "^a then spaces": ("^a", " ", "x"),
    "]]^a": ("", "]]^a", "x"),
    "newlines": ("", "\n", "x"),
    "CRs": ("", "\r", "x"),
    "CRLF": ("", "\r\n", "x"),
    "indented code": ("", "\n    x", "x"),
    "list items": ("", "\n- ", "x"),
    "dashes": ("", "-", "x"),
    "--- lines": ("", "---\n", "x"),
    "backslashes": ("", "\\", "x"),
    "letters": ("", "a", "x"),
    "digits": ("", "0", "x"),
    "colons": ("", "00:", "x"),
    "[[#t=": ("", "[[v#t=", "x"),
    "[0:": ("", "[0:", "x"),
    "quote marks": ("", "> ", "# x"),
    "quoted fences": ("", "> ```\n", "x"),
    "setext under list items": ("", "- a\n-\n", "x"),
    "setext under one paragraph": ("", "a\n", "\n==="),
    "escaped brackets": ("", "\\[", "x](y)"),
    "%% vaultlint- and --": ("%% vaultlint-disable", " -- ", "%%"),
    "%% vaultlint- and spaces": ("%% vaultlint-disable x", " ", "x%%"),
}


def make(case: str, size: int) -> str:
    prefix, unit, suffix = ADVERSARIAL[case]
    return prefix + (unit * (size // len(unit) + 1))[:size] + suffix


def best_time(func, arg, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()  # CPU time: other processes on a busy machine do not count
        func(arg)
        best = min(best, time.process_time() - start)
    return best


def growth(func, case: str) -> tuple[float, float]:
    """(seconds at SMALL, seconds at BIG), the best of a few runs each."""
    gc.disable()  # a collection in one timing but not the other is noise
    try:
        small = best_time(func, make(case, SMALL), 3)
        mid = best_time(func, make(case, 4 * SMALL), 1)
        if mid > 10 * max(small, 1e-5) and mid > FAST_ENOUGH:
            # Clearly quadratic already: 100 KB would take minutes.
            return small, mid * 16
        return small, best_time(func, make(case, BIG), 2)
    finally:
        gc.enable()


def assert_linear(func, cases, what: str) -> None:
    slow = []
    for case in cases:
        for _attempt in range(3):  # a busy machine makes one timing noisy, not three
            small, big = growth(func, case)
            ratio = big / max(small, 1e-6)
            if big < FAST_ENOUGH or ratio < LIMIT:
                break
        else:
            slow.append(f"{case!r}: {small * 1e3:.2f} ms at {SMALL:,} chars, {big * 1e3:.1f} ms at {BIG:,}"
                        f" (x{ratio:.0f}; linear is x{LINEAR:.0f})")
    assert not slow, f"{what} is not linear on:\n" + "\n".join(slow)


# -- each pattern on its own ----------------------------------------------------

# Patterns the code only ever `match`es at one place (a line start, a URL);
# every other pattern is searched through the whole text and tested so.
MATCHED_ONLY = {"_SCHEME", "_LIST_ITEM", "_DIRECTIVE", "_SIMPLE_LINE", "_NOT_PARAGRAPH", "_BLOCK_START"}


def text_patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern of the modules that read a note's whole text,
    the stamp presets and the default stamp pattern."""
    found = {}
    for module in (scanner, note_module, suppressions):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = value
    for name, (regex, _example) in stamps.PRESETS.items():
        found[f"stamp preset {name}"] = re.compile(regex)
    return found


PATTERNS = text_patterns()


def test_every_text_pattern_is_covered():
    assert {"scanner._WIKI", "scanner._MD_LINK", "scanner._HEADING", "scanner._BLOCK_ID",
            "note._FM_BOUNDARY", "stamp preset yt-timestamp"} <= set(PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear(name):
    pattern = PATTERNS[name]
    if name.rsplit(".", 1)[-1] in MATCHED_ONLY:
        def run(text):
            pattern.match(text)
    else:
        def run(text):
            for _ in pattern.finditer(text):
                pass
    assert_linear(run, ADVERSARIAL, name)


# -- the scanner and the note parser as a whole ------------------------------------

STAMP = re.compile(scanner.DEFAULT_STAMP_PATTERN)


@pytest.mark.parametrize("case", sorted(ADVERSARIAL))
def test_scan_is_linear(case):
    assert_linear(lambda text: scanner.scan(text, 0, STAMP), [case], "scanner.scan")


@pytest.mark.parametrize("case", ["%% vaultlint- and --", "%% vaultlint- and spaces", "%%", "<!--"])
def test_suppression_comments_are_linear(case):
    def run(text):
        suppressions.directives(note_module.parse("n.md", text, False, STAMP))

    assert_linear(run, [case], "suppression comments")


@pytest.mark.parametrize("case", ["dashes", "--- lines", "colons", "[", "spaces", "newlines", "CRs"])
def test_front_matter_split_is_linear(case):
    # An opening `---` and then the worst case, with or without a close.
    assert_linear(lambda text: note_module.split_frontmatter("---\n" + text), [case], "split_frontmatter")
    assert_linear(lambda text: note_module.split_frontmatter("---\n" + text + "\n---\n"), [case], "split_frontmatter")

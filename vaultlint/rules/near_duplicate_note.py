"""near-duplicate-note: two notes with nearly the same name whose notes agree: one topic written twice.

What it checks
    Pairs of notes whose names differ only by a typo, a word form or one
    word (`ai_safety_and_existence_risk` and
    `ai_safety_and_existential_risk`), by case or separators (`AI Safety`
    and `ai_safety`), by singular and plural, or by word order, AND whose
    notes give some evidence beyond their names. Names alone are not
    evidence: `Statistics` and `Statistic`, `Redis Sets` and `Redis SET`,
    `inline-code-copy` and `copy-inline-code` (two plugins) are two things
    each. The evidence, named in the message, is one of:

    - one of the notes holds next to nothing (fewer than five words in its
      text and properties): it was made by following a link with the other
      spelling (`..., and it is nearly empty`);
    - both have the same value under one property, a value that names one
      thing only: a URL, or one word of six characters or more mixing
      letters and digits (`..., and both have `videoId: 9AAhTLa0dT0``);
    - their texts are the same but for their names' words and numbers
      (no more than three words or 5% differ): a note copied and renamed.
      Two notes made from one template (a community wiki's plugin pages)
      share most of their words but not these.

    Names are compared as `vaultlint.suggest` compares them; a pair is a
    candidate when it scores at least `min-score` AND its names hold the
    same words but for articles (`the`, `a`), in any order unless a word
    such as `for`, `of`, `in` gives the name a direction (then only the
    sides of an `and` may swap), or differ in one word that is a variant
    of the other. `Meeting Template` and `Meeting Type Template` are two
    things; so are `..._data_in_notion` and `..._transactions_in_notion`,
    `inflation` and `information`, and `accounting_for_biology` and
    `biology_for_accounting`. A variant shares its first letters with the
    other word (at least five, and three quarters of the shorter:
    `existence`, `existential`) or is one typo away from it. Names whose
    symbols differ are never a pair (`C Functions` and `C++ Functions`,
    `Bash &` and `Bash &&`, `Rust ?` and `Rust`); separators are not
    symbols (`RedShift: OLED` and `RedShift - OLED` are one name). Not
    reported either: notes with the very same name in two folders (that is
    `ambiguous-link`'s business), and names that differ only in their
    numbers (`2023-06` and `2023-07`, `Chapter 1` and `Chapter 2`), which
    are series, not duplicates.

    The problem is reported on the second note of the pair (in path order),
    naming the first.

Why
    Two notes on one topic split what is known about it: links go to one or
    the other, and each holds half the story. Generated vaults are prone to
    it (one generator run writes `existence`, the next `existential`).

Options
    min-score (number, default 80)
        How alike the names must be (0-100).
    scope ("folder" or "vault", default "folder")
        Where the twin of a note is looked for. A note written twice is
        written twice into the same place (one generator run, one
        channel's folder); across folders, near names usually name related
        but different things: Obsidian's own help has
        `User interface/Workspace` (the window layout) and
        `Plugins/Workspaces` (the plugin that saves layouts). `vaultlint
        links` lists the pairs of names of the whole vault either way.
    evidence ("notes" or "names", default "notes")
        "names" reports every pair of near names, without asking the notes:
        for a generated vault whose note names are its topics, where two
        names for one topic are the mistake even when the two texts,
        written from two videos, share nothing (tubegraph's
        `multiagentic_systems_in_ai` and `multiagent_systems_in_ai`).

Example
    `dwarkeshpatel/ai_safety_and_existence_risk.md` next to
    `dwarkeshpatel/ai_safety_and_existential_risk.md`, both with
    `videoId: 9AAhTLa0dT0`:

        dwarkeshpatel/ai_safety_and_existential_risk.md:1:1: near-duplicate-note
        `ai_safety_and_existential_risk` is nearly the name of
        `dwarkeshpatel/ai_safety_and_existence_risk.md`, and both have `videoId: 9AAhTLa0dT0`

Fix safety
    No fix: merging two notes is `vaultlint mv --merge`'s job, and a person
    decides which name stays.

Speed
    Pairs are found through shared keys (the normalised name, its words
    sorted, and the name with any one word left out), never by comparing
    every name with every other. They depend on the names only, so they are
    kept in the cache until a note is added, removed or renamed (1.5 s to
    find at 100,000 notes), and found once for all the passes of `fix`.
    Only the notes of those pairs are then read (a few hundred of 100,000,
    not kept); the result is kept in the cache until one of them changes.
"""

from __future__ import annotations

import re
from itertools import islice

from vaultlint.diagnostics import Diagnostic
from vaultlint.markdown.note import NoteReadError
from vaultlint.rule import Rule, Severity
from vaultlint.vault.near_names import name_of, near_duplicates


def _pairs_from(data) -> list[tuple[str, str, float]]:
    """The pairs as the cache kept them (see `Context.memo`)."""
    if not isinstance(data, list) or not all(
        isinstance(p, tuple) and len(p) == 3 and type(p[0]) is type(p[1]) is str for p in data
    ):
        raise ValueError("not near-duplicate pairs")
    return data


# A note with fewer words than this (body and property values) holds next to nothing.
STUB_WORDS = 5
# Two texts are one when, their names' words aside, they differ in no more
# words than this, or this share of the longer (a copy, a number changed).
SAME_TEXT_WORDS, SAME_TEXT_SHARE = 3, 0.05
_LETTERS = re.compile(r"[^\W\d_]+")
_ANY_WORD = re.compile(r"\w+")


def _value_words(data) -> list[str]:
    """The words of a note's property values (not of its keys)."""
    out: list[str] = []
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            out += _ANY_WORD.findall(value)
        elif isinstance(value, dict):
            stack += value.values()
        elif isinstance(value, list):
            stack += value
    return out


def _identifiers(data) -> dict[str, str]:
    """The property values that name one thing and nothing else: a URL, or
    one word of six characters or more mixing letters and digits (a
    `videoId`, a DOI, a uid; not a date, a tag or a flag)."""
    out = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if not isinstance(value, str) or not isinstance(key, str):
                continue
            value = value.strip()
            if "://" in value and " " not in value:
                out[key] = value
            elif (
                len(value) >= 6
                and not any(c.isspace() for c in value)
                and any(c.isdigit() for c in value)
                and sum(c.isalpha() for c in value) >= 2
            ):
                out[key] = value
    return out


def evidence(first, second) -> str | None:
    """What the two notes (parsed) say beyond their names: that one of them
    holds next to nothing (a note made by following a link with the other
    spelling), that they name the same thing in their properties, or that
    their texts are the same but for their names; None when nothing does.
    Names alone are not evidence: `Statistics` and `Statistic`, `Redis
    Sets` and `Redis SET`, `inline-code-copy` and `copy-inline-code` may
    well be two things, and two notes made from one template share most of
    their words."""
    sizes = []
    for note in (first, second):
        # (Counted up to STUB_WORDS: a note of 10,000 words need not be split.)
        words = islice(_ANY_WORD.finditer(note.text, note.body_start), STUB_WORDS)
        sizes.append(sum(1 for _w in words) + len(_value_words(note.data)))
    if sizes[0] < STUB_WORDS and sizes[1] < STUB_WORDS:
        return "both are nearly empty"
    if sizes[1] < STUB_WORDS:
        return "it is nearly empty"
    if sizes[0] < STUB_WORDS:
        return f"`{name_of(first.path)}` is nearly empty"
    ids = _identifiers(first.data)
    for key, value in _identifiers(second.data).items():
        if ids.get(key) == value:
            return f"both have `{key}: {value}`"
    long_a, long_b = len(first.text) - first.body_start, len(second.text) - second.body_start
    if abs(long_a - long_b) > 0.2 * max(long_a, long_b) + 200:
        return None  # too unlike in length to be one text (a quick test, before the words are found)
    names = set(_LETTERS.findall(name_of(first.path).casefold() + " " + name_of(second.path).casefold()))
    a, b = ([w for w in _LETTERS.findall(n.text[n.body_start :].casefold()) if w not in names] for n in (first, second))
    most = max(SAME_TEXT_WORDS, int(SAME_TEXT_SHARE * max(len(a), len(b))))
    if abs(len(a) - len(b)) <= most:
        from rapidfuzz.distance import Levenshtein  # (imported when needed: see vaultlint.suggest)

        if Levenshtein.distance(a, b, score_cutoff=most) <= most:
            return "their texts are the same but for their names"
    return None


class NearDuplicateNote(Rule):
    name = "near-duplicate-note"
    severity = Severity.INFO
    options = {
        "min-score": {"type": "number", "minimum": 0, "maximum": 100, "default": 80},
        "scope": {"enum": ["folder", "vault"], "default": "folder"},
        "evidence": {"enum": ["notes", "names"], "default": "notes"},
    }

    def check_vault(self, ctx):
        min_score, scope = self.options["min-score"], self.options["scope"]
        # The pairs of names depend on the names only: kept in the cache.
        # What the notes say of them is read each time the rule runs (the
        # engine keeps its result while the notes it read are unchanged).
        pairs = ctx.memo(
            f"near-duplicates:{scope}:{min_score}",
            lambda: near_duplicates(ctx.vault.note_paths, min_score, scope == "folder"),
            lasting=(list, _pairs_from),
        )
        for first, second, _s in pairs:
            if second not in ctx.checked:
                continue
            message = f"`{name_of(second)}` is nearly the name of `{first}`"
            if self.options["evidence"] == "notes":
                try:
                    found = evidence(ctx.vault.glance(first), ctx.vault.glance(second))
                except NoteReadError:
                    continue  # (reported on its own)
                if found is None:
                    continue
                message += f", and {found}"
            yield Diagnostic(second, 1, 1, 1, 1, self.name, self.severity, message, suggestions=(first,))

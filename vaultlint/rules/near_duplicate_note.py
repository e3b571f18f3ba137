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

import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain, islice

from vaultlint.diagnostics import Diagnostic
from vaultlint.markdown.note import NoteReadError
from vaultlint.rule import Rule, Severity
from vaultlint.vault.suggest import normalize, score

# A key shared by more names than this says little (short, common names).
MAX_BUCKET = 50
_NUMBER = re.compile(r"\d+")
# The characters of a name that are neither letters, digits, spaces nor the
# punctuation that separates words: `+` in `C++`, `#` in `C#`, `&`, `?`.
_SYMBOL = re.compile(r"[^\w\s\-_.,:;'’\"()\[\]{}/\\–—]")


def _name(path: str) -> str:
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
    names = [_name(p) for p in paths]
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
        return f"`{_name(first.path)}` is nearly empty"
    ids = _identifiers(first.data)
    for key, value in _identifiers(second.data).items():
        if ids.get(key) == value:
            return f"both have `{key}: {value}`"
    long_a, long_b = len(first.text) - first.body_start, len(second.text) - second.body_start
    if abs(long_a - long_b) > 0.2 * max(long_a, long_b) + 200:
        return None  # too unlike in length to be one text (a quick test, before the words are found)
    names = set(_LETTERS.findall(_name(first.path).casefold() + " " + _name(second.path).casefold()))
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
            message = f"`{_name(second)}` is nearly the name of `{first}`"
            if self.options["evidence"] == "notes":
                try:
                    found = evidence(ctx.vault.glance(first), ctx.vault.glance(second))
                except NoteReadError:
                    continue  # (reported on its own)
                if found is None:
                    continue
                message += f", and {found}"
            yield Diagnostic(second, 1, 1, 1, 1, self.name, self.severity, message, suggestions=(first,))

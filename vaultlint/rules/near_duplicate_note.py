"""near-duplicate-note: two notes whose names are nearly the same, probably one topic written twice.

What it checks
    Pairs of notes whose names differ only by a typo, a word form or one
    word (`ai_safety_and_existence_risk` and
    `ai_safety_and_existential_risk`), by case or separators (`AI Safety`
    and `ai_safety`), by singular and plural, or by word order. Names are
    compared as `vaultlint.suggest` compares them; a pair is reported when
    it scores at least `min-score` AND its names hold the same words but
    for articles (`the`, `a`), in any order unless a word such as `for`,
    `of`, `in` gives the name a direction (then only the sides of an `and`
    may swap), or differ in one word that is a variant of the other.
    `Meeting Template` and `Meeting Type Template` are two things; so are
    `..._data_in_notion` and `..._transactions_in_notion`, `inflation` and
    `information`, and `accounting_for_biology` and `biology_for_accounting`
    (while `ai_alignment_and_safety` and `ai_safety_and_alignment` are one).
    A variant shares its first letters with the other word (at least five,
    and three quarters of the shorter: `existence`, `existential`) or is one
    typo away from it. Not reported: notes with the very
    same name in two folders (that is `ambiguous-link`'s business), and
    names that differ only in their numbers (`2023-06` and `2023-07`,
    `Chapter 1` and `Chapter 2`), which are series, not duplicates.

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
        links` lists the pairs of the whole vault either way.

Example
    `dwarkeshpatel/ai_safety_and_existence_risk.md` next to
    `dwarkeshpatel/ai_safety_and_existential_risk.md`:

        dwarkeshpatel/ai_safety_and_existential_risk.md:1:1: near-duplicate-note
        `ai_safety_and_existential_risk` is nearly the name of `dwarkeshpatel/ai_safety_and_existence_risk.md`

Fix safety
    No fix: merging two notes is `vaultlint mv --merge`'s job, and a person
    decides which name stays.

Speed
    Pairs are found through shared keys (the normalised name, its words
    sorted, and the name with any one word left out), never by comparing
    every name with every other. They depend on the names only, so they are
    kept in the cache until a note is added, removed or renamed (1.5 s to
    find at 100,000 notes), and found once for all the passes of `fix`.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from itertools import chain

from vaultlint.diagnostics import Diagnostic
from vaultlint.rule import Rule, Severity
from vaultlint.suggest import normalize, score

# A key shared by more names than this says little (short, common names).
MAX_BUCKET = 50
_NUMBER = re.compile(r"\d+")


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
        keys.append("-" + norm[:at - 1])
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
    return sorted(pair for group in by_folder.values() for pair in _near_duplicates(group, min_score))


def _near_duplicates(paths: list[str], min_score: float) -> list[tuple[str, str, float]]:
    """`near_duplicates` among `paths` (sorted), unsorted."""
    names = [_name(p) for p in paths]
    norms = [normalize(n) for n in names]
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
                s = score(norms[i], norms[j])
                if s >= min_score and same_words(norms[i], norms[j]):
                    out.append((paths[i], paths[j], round(float(s), 1)))
    return out


def _pairs_from(data) -> list[tuple[str, str, float]]:
    """The pairs as the cache kept them (see `Context.memo`)."""
    if not isinstance(data, list) or not all(
            isinstance(p, tuple) and len(p) == 3 and type(p[0]) is type(p[1]) is str for p in data):
        raise ValueError("not near-duplicate pairs")
    return data


class NearDuplicateNote(Rule):
    name = "near-duplicate-note"
    severity = Severity.INFO
    options = {
        "min-score": {"type": "number", "minimum": 0, "maximum": 100, "default": 80},
        "scope": {"enum": ["folder", "vault"], "default": "folder"},
    }

    def check_vault(self, ctx):
        min_score, scope = self.options["min-score"], self.options["scope"]
        pairs = ctx.memo(f"near-duplicates:{scope}:{min_score}",
                         lambda: near_duplicates(ctx.vault.note_paths, min_score, scope == "folder"),
                         lasting=(list, _pairs_from))
        for first, second, _s in pairs:
            if second not in ctx.checked:
                continue
            yield Diagnostic(
                second, 1, 1, 1, 1, self.name, self.severity,
                f"`{_name(second)}` is nearly the name of `{first}`",
                suggestions=(first,),
            )

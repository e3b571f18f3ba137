"""How far the link suggestions can be trusted.

    python -m benchmarks.suggestions [--synthetic 20000] [--per-kind 300] [--seed 0] [--sweep] [--score-only]

Takes the names of real vaults (each folder of ../shared/corpora that is
there: the notes that real links point at) and of a synthetic vault
(`benchmarks.generate.topic_names`), breaks them the way people and
generators do, asks `vaultlint.suggest.Suggester` for the name meant, and
prints, per kind of break:

- top-1 and top-3: the name meant is the best suggestion / among the three
  best;
- unsafe-ok: the best suggestion is right AND sure enough for an `unsafe`
  fix (broken-link's `unsafe-score` and `unsafe-margin`), so
  `vaultlint fix --unsafe-fixes` repairs the link;
- unsafe-wrong: the best suggestion is WRONG and still sure enough for an
  unsafe fix, the number that must stay near zero: automatic fixes applied
  wrong, as broken-link decides them (`sure_target`: the score, the margin,
  and the name being the same name written otherwise).

The kinds: `typo` (a letter changed, dropped, doubled or two swapped),
`drop-word`, `swap-words`, `plural` (a word made plural or singular),
`separators` (`_`, space and `-` exchanged), `title-case` (`Some Title
Case` with spaces, as Quartz vaults write links), `renamed` (the note was
renamed: its old name is asked for and the right answer is no confident
suggestion; top-1 counts "nothing above the cutoff"), and two kinds where
the link names another thing than any note, so that any automatic fix is
wrong (suggesting is fine: top-1 and top-3 are not counted): `other-word`
(a word replaced by another word of the vault with the same first letter
and about as long, `sinking funds` for `savings funds`) and `opposite` (a
word replaced by its opposite, `internal` for `external`, from an English
list kept here for the benchmark only). `--score-only` decides the fixes by
the score and margin alone, as broken-link did before it compared the
words, for comparison. `--sweep` prints the
unsafe-wrong and unsafe-ok rates over a grid of score and margin
thresholds, the table the defaults were chosen from. `--scale N` times
10,000 queries over N synthetic names.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.generate import topic_names
from vaultlint.checks.link_targets import sure_target
from vaultlint.rules.broken_link import BrokenLink
from vaultlint.vault.index import Status, Vault
from vaultlint.vault.suggest import Candidate, Suggester, is_clear_winner, normalize, words_alike

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
KINDS = ("typo", "drop-word", "swap-words", "plural", "separators", "title-case", "renamed", "other-word", "opposite")
# The truth of a link that names another thing than any note: no automatic fix is right.
ANOTHER = ""
OPPOSITES = dict(p for a, b in (
    ("internal", "external"), ("before", "after"), ("min", "max"), ("minimum", "maximum"), ("enable", "disable"),
    ("input", "output"), ("import", "export"), ("increase", "decrease"), ("upper", "lower"), ("inbound", "outbound"),
    ("encrypt", "decrypt"), ("encode", "decode"), ("open", "close"), ("start", "end"), ("show", "hide"),
    ("first", "last"), ("left", "right"), ("push", "pull"), ("upload", "download"), ("include", "exclude"),
    ("private", "public"), ("online", "offline"), ("positive", "negative"), ("major", "minor"),
    ("forward", "backward"), ("inner", "outer"), ("inside", "outside"), ("serialize", "deserialize"),
    ("valid", "invalid"), ("visible", "invisible"), ("lock", "unlock"), ("mount", "unmount"), ("get", "set"),
    ("add", "remove"), ("success", "failure"), ("true", "false"), ("rise", "fall"), ("growth", "decline"),
    ("supply", "demand"), ("micro", "macro"), ("war", "peace"), ("ancient", "modern"), ("east", "west"),
    ("north", "south"), ("past", "future"), ("early", "late"), ("advantages", "disadvantages"),
    ("benefits", "risks"), ("strengths", "weaknesses"), ("rich", "poor"), ("high", "low"),
) for p in ((a, b), (b, a)))


def _words(name: str) -> tuple[list[str], str]:
    for sep in ("_", " ", "-"):
        if sep in name:
            return name.split(sep), sep
    return [name], "_"


def typo(name: str, rng: random.Random) -> str | None:
    letters = [i for i, c in enumerate(name) if c.isalnum()]
    if len(letters) < 4:
        return None
    i = rng.choice(letters[1:-1])
    how = rng.randrange(4)
    if how == 0:  # a letter changed
        return name[:i] + rng.choice("aeioustrnl") + name[i + 1 :]
    if how == 1:  # dropped
        return name[:i] + name[i + 1 :]
    if how == 2:  # doubled
        return name[:i] + name[i] + name[i:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # swapped


def drop_word(name: str, rng: random.Random) -> str | None:
    words, sep = _words(name)
    if len(words) < 3:
        return None
    del words[rng.randrange(len(words))]
    return sep.join(words)


def swap_words(name: str, rng: random.Random) -> str | None:
    words, sep = _words(name)
    if len(words) < 2:
        return None
    i = rng.randrange(len(words) - 1)
    words[i], words[i + 1] = words[i + 1], words[i]
    return sep.join(words)


def plural(name: str, rng: random.Random) -> str | None:
    words, sep = _words(name)
    long = [i for i, w in enumerate(words) if len(w) > 3 and w.isalpha()]
    if not long:
        return None
    i = rng.choice(long)
    w = words[i]
    words[i] = w[:-1] if w.endswith("s") and not w.endswith("ss") else w + "s"
    return sep.join(words)


def separators(name: str, rng: random.Random) -> str | None:
    words, sep = _words(name)
    if len(words) < 2:
        return None
    return rng.choice([s for s in ("_", " ", "-") if s != sep]).join(words)


def title_case(name: str, rng: random.Random) -> str | None:
    words, _sep = _words(name)
    out = " ".join(words)
    out = out[:1].upper() + out[1:] if rng.random() < 0.5 else " ".join(w[:1].upper() + w[1:] for w in words)
    return out if out != name else None


def opposite(name: str, rng: random.Random) -> str | None:
    words, sep = _words(name)
    found = [i for i, w in enumerate(words) if w.lower() in OPPOSITES]
    if not found:
        return None
    i = rng.choice(found)
    other = OPPOSITES[words[i].lower()]
    words[i] = other.capitalize() if words[i][:1].isupper() else other
    return sep.join(words)


def other_word(vocabulary: dict[str, list[str]]) -> Callable[[str, random.Random], str | None]:
    """A word of the name replaced by another word of the vault's that begins
    with the same letter and is about as long, and no typo of it."""

    def make(name: str, rng: random.Random) -> str | None:
        words, sep = _words(name)
        long = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
        if not long:
            return None
        i = rng.choice(long)
        w = words[i].lower()
        others = [o for o in vocabulary.get(w[0], ()) if abs(len(o) - len(w)) <= 2 and not words_alike(w, o)]
        if not others:
            return None
        words[i] = rng.choice(others)
        return sep.join(words)

    return make


def vocabulary_of(names: list[str]) -> dict[str, list[str]]:
    """The words of the names (four letters or more), by first letter."""
    words = sorted({w.lower() for n in names for w in _words(n)[0] if len(w) >= 4 and w.isalpha()})
    out: dict[str, list[str]] = {}
    for w in words:
        out.setdefault(w[0], []).append(w)
    return out


BREAKS: dict[str, Callable[[str, random.Random], str | None]] = {
    "typo": typo, "drop-word": drop_word, "swap-words": swap_words, "plural": plural,
    "separators": separators, "title-case": title_case,
}


def linked_names(root: Path) -> list[str]:
    """The names of the notes that real links of this vault lead to, one per
    link (a note linked often is asked for often, as in real use)."""
    vault = Vault(root)
    out = []
    for path in vault.note_paths:
        try:
            links = vault.note(path).links
        except Exception:
            continue
        for link in links:
            if not link.target or link.embed:
                continue
            res = vault.resolve(link, path)
            if res.status is not Status.MISSING and res.path and res.path.lower().endswith(".md"):
                out.append(res.path.rsplit("/", 1)[-1][:-3])
    return out


def note_names(root: Path) -> list[str]:
    return [p.rsplit("/", 1)[-1][:-3] for p in Vault(root).note_paths]


class Tally:
    def __init__(self, score_only: bool = False):
        # kind, truth, query, suggestions
        self.cases: list[tuple[str, str | None, str, tuple[Candidate, ...]]] = []
        self.score_only = score_only

    def add(self, kind: str, truth: str | None, query: str, got: tuple[Candidate, ...]) -> None:
        self.cases.append((kind, truth, query, got))

    def sure(self, query: str, got: tuple[Candidate, ...], score: float, margin: float) -> bool:
        """Whether broken-link would apply the best suggestion automatically."""
        if self.score_only:
            return is_clear_winner(got, score, margin)
        return sure_target(query, got, score, margin)

    def rates(self, kind: str | None, score: float, margin: float) -> dict[str, float]:
        cases = [c for c in self.cases if kind is None or c[0] == kind]
        n = len(cases) or 1
        judged = len(cases)  # the cases with a right suggestion to find
        top1 = top3 = ok = wrong = 0
        for _k, truth, query, got in cases:
            values = [c.value for c in got]
            if truth is None:
                top1 += not got
                top3 += not got
            elif truth == ANOTHER:
                judged -= 1
            else:
                top1 += bool(values) and values[0] == truth
                top3 += truth in values[:3]
            if self.sure(query, got, score, margin):
                if values[0] == truth:
                    ok += 1
                else:
                    wrong += 1
        return {"n": len(cases), "top1": top1 / judged if judged else None,
                "top3": top3 / judged if judged else None, "ok": ok / (judged or 1),
                "wrong": wrong / n, "wrong_n": wrong}


def run_dataset(label: str, names: list[str], queries: list[str], per_kind: int, seed: int, tally: Tally) -> None:
    rng = random.Random(f"{seed}:{label}")
    distinct = list(dict.fromkeys(names))
    renamed = set(rng.sample(distinct, min(per_kind, max(1, len(distinct) // 10))))
    suggester = Suggester(n for n in distinct if n not in renamed)
    # A name is known by its words in any order: the suggester takes a name
    # with its words reordered for the same name.
    keys = {_key(n) for n in distinct}
    breaks = {**BREAKS, "other-word": other_word(vocabulary_of(distinct)), "opposite": opposite}
    for kind, make in breaks.items():
        made = 0
        for _ in range(per_kind * 20):
            if made == per_kind:
                break
            truth = rng.choice(queries)
            if truth in renamed:
                continue
            query = make(truth, rng)
            if query is None or query.casefold() == truth.casefold():
                continue
            # A break that lands on another real name is not a broken link.
            if _key(query) in keys and _key(query) != _key(truth):
                continue
            tally.add(kind, ANOTHER if kind in ("other-word", "opposite") else truth, query,
                      suggester.suggest(query, 3))
            made += 1
    others = {_key(n) for n in distinct if n not in renamed}
    for name in sorted(renamed):
        if _key(name) not in others:  # (else another note has its name, reordered)
            tally.add("renamed", None, name, suggester.suggest(name, 3))


def _key(name: str) -> str:
    return " ".join(sorted(normalize(name).split()))


def print_table(title: str, tally: Tally, score: float, margin: float) -> None:
    print(f"\n{title}  (unsafe fix when score >= {score:g} and margin >= {margin:g})")
    if title == "all datasets":
        print("(top-1, top-3 and unsafe-ok over the kinds with a right answer; unsafe-wrong: the rate, how many)")
    print(f"{'kind':<12}{'n':>6}{'top-1':>8}{'top-3':>8}{'unsafe-ok':>11}{'unsafe-wrong':>14}")
    for kind in (*KINDS, None):
        r = tally.rates(kind, score, margin)
        if not r["n"]:
            continue
        top = "".join(f"{'-':>8}" if r[k] is None else f"{r[k]:>8.1%}" for k in ("top1", "top3"))
        print(f"{kind or 'all':<12}{r['n']:>6}{top}{r['ok']:>11.1%}{r['wrong']:>9.2%} {r['wrong_n']:>4}")


def sweep(tally: Tally) -> None:
    print("\nthreshold sweep over all datasets: unsafe-ok / unsafe-wrong")
    margins = (0, 2, 4, 6, 8, 10)
    print(f"{'score':>6}" + "".join(f"{'margin ' + str(m):>16}" for m in margins))
    for score in range(80, 101, 2):
        cells = []
        for m in margins:
            r = tally.rates(None, score, m)
            cells.append(f"{r['ok']:>8.1%}/{r['wrong']:<6.2%}")
        print(f"{score:>6}" + "".join(f"{c:>16}" for c in cells))


def scale(n: int, seed: int) -> None:
    names = topic_names(n, seed)
    rng = random.Random(seed)
    queries = [typo(rng.choice(names), rng) or "x" for _ in range(10_000)]
    t0 = time.perf_counter()
    suggester = Suggester(names)
    t1 = time.perf_counter()
    for q in queries:
        suggester.suggest(q, 3)
    t2 = time.perf_counter()
    print(f"\nscale: {n} names indexed in {t1 - t0:.1f}s; 10,000 broken links suggested in {t2 - t1:.1f}s "
          f"({(t2 - t1) / 10:.2f} ms each)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suggestions", description=__doc__.split("\n")[0])
    parser.add_argument("--synthetic", type=int, default=20_000, help="names in the synthetic vault (0: none)")
    parser.add_argument("--per-kind", type=int, default=300, help="broken links per kind and dataset")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--sweep", action="store_true", help="print the threshold grid")
    parser.add_argument("--scale", type=int, default=0, help="time 10,000 suggestions over this many names")
    parser.add_argument("--score-only", action="store_true",
                        help="decide automatic fixes by score and margin alone (broken-link before it compared words)")
    args = parser.parse_args(argv)

    defaults = BrokenLink.options
    score, margin = defaults["unsafe-score"]["default"], defaults["unsafe-margin"]["default"]
    every = Tally(args.score_only)
    datasets = []
    if args.corpora.is_dir():
        for root in sorted(p for p in args.corpora.iterdir() if p.is_dir()):
            datasets.append((root.name, note_names(root), linked_names(root)))
    if args.synthetic:
        names = topic_names(args.synthetic, args.seed)
        datasets.append((f"synthetic-{args.synthetic}", names, names))
    for label, names, queries in datasets:
        if not queries:
            continue
        tally = Tally(args.score_only)
        t0 = time.perf_counter()
        run_dataset(label, names, queries, args.per_kind, args.seed, tally)
        elapsed = time.perf_counter() - t0
        print_table(f"{label}: {len(set(names))} names, {len(tally.cases)} broken links, {elapsed:.1f}s",
                    tally, score, margin)
        every.cases.extend(tally.cases)
    print_table("all datasets", every, score, margin)
    if args.sweep:
        sweep(every)
    if args.scale:
        scale(args.scale, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

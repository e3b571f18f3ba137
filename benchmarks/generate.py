"""Synthetic vaults in the seed's format, deterministic for a seed.

    python -m benchmarks.generate DIR --notes 10000 [--seed 0]

    from benchmarks.generate import generate
    truth = generate(Path("bench-vaults/10000"), 10_000, seed=0)

The vault looks like the seed (`seeds/tubegraph`): one folder per channel
holding the channel's note and its topic notes, snake_case file names, a
`title`/`videoId` front-matter, `From: [[Channel]] <br/>`, headings,
paragraphs and lists holding wiki-links with aliases and YouTube stamps
(`<a class="yt-timestamp" data-t="01:49:50">[01:49:50]</a>`). Each note is
4-8 KB with about 15 links and 25 stamps.

What is injected, and recorded in `truth.json` (a dot-file at the root, which
no linter reads as a note: `.truth.json`):

- about 10% of the links are broken; half of those are near-misspellings of
  an existing name (`intended` names it), half name no note at all. As in
  real vaults, a broken target recurs: notes that were never written are
  wanted by many notes, and a generator repeats its misspellings. Targets are
  drawn, weighted by rank, from pools that hold one name per 20 notes each, so a
  vault of N notes has about N/10 distinct broken targets (~10,000 at
  100,000 notes, the figure issue 8 sets its targets for; tubegraph-sample's
  4,635 broken links name 2,184 targets in 739 notes, and the share of repeats
  grows with the vault);
- about 0.5% of the stamps are wrong (minutes above 59, or a label that
  differs from `data-t`);
- code blocks and inline code hold link-like and stamp-like text that is
  NOT a link or stamp (a linter that reports it is wrong).

Every note `i` is made from its own `random.Random(f"{seed}:{i}")`, so a
vault is the same for a seed whatever the order notes are written in, and
notes can be generated in parallel.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

VERSION = 2  # bump when the output changes, so cached vaults are remade
TRUTH_FILE = ".truth.json"
NOTES_PER_CHANNEL = 250
LINKS_PER_NOTE = 15
STAMPS_PER_NOTE = 25
BROKEN_SHARE = 0.10
BAD_STAMP_SHARE = 0.005
# Distinct broken targets per note, for each kind (misspelt, never written).
BROKEN_POOL_SHARE = 0.05

WORDS = """
ai safety alignment risk existential governance coordination international strategic progress forecasting
ethics deployment development systems interpretability security measures competition global models learning
neural networks training data compute scaling laws economics growth history science physics mathematics
probability statistics inference bayesian causal graphs linear algebra calculus geometry topology number
theory prime fourier series heat equation quaternions rotations quantum mechanics entropy information
compression coding cryptography blockchain markets finance accounting taxes audit spreadsheets databases
queries indexes performance memory caching distributed consensus protocols networking routing latency
energy climate carbon batteries solar nuclear fusion fission semiconductors chips lithography foundries
supply chains manufacturing robotics automation labor wages inflation monetary policy central banks debt
trade tariffs geopolitics china taiwan japan europe india history empires war diplomacy treaties nuclear
weapons biology genetics evolution proteins folding medicine vaccines epidemics neuroscience consciousness
philosophy language translation writing rhetoric education universities research funding startups venture
capital product design user interfaces software engineering testing debugging compilers interpreters
python rust types concurrency parallelism gpus tensors gradients optimization convex stochastic descent
reinforcement agents planning search games chess wordle puzzles visual proofs animation graphics rendering
""".split()
# Deliberate near-duplicates, so that misspellings like the seed's own
# (`existence` for `existential`) occur.
WORD_VARIANTS = {
    "existential": "existence", "governance": "government", "alignment": "aligned", "systems": "system",
    "models": "model", "measures": "measure", "markets": "market", "rotations": "rotation",
    "equation": "equations", "networks": "network", "development": "developing", "strategic": "strategy",
}
JOINERS = ["and", "of", "in", "for", "with", "vs"]
HEADINGS = ["Overview", "Background", "Key Ideas", "Examples", "Challenges", "Open Questions", "Applications",
            "Criticism", "Related Work", "Methods", "Results", "Implications"]
CODE_LANGS = ["python", "text", "bash", ""]


@dataclass
class BrokenLink:
    path: str  # the note holding the link
    line: int  # 1-based
    target: str  # as written
    intended: str | None  # the existing name it misspells; None when it names nothing


@dataclass
class BadStamp:
    path: str
    line: int
    time: str
    label: str


@dataclass
class Truth:
    version: int
    seed: int
    notes: int  # how many notes, channel notes included
    links: int
    stamps: int
    broken: list[BrokenLink] = field(default_factory=list)
    bad_stamps: list[BadStamp] = field(default_factory=list)
    decoy_links: int = 0  # link-like text in code, which is not a link

    def save(self, root: Path) -> None:
        (root / TRUTH_FILE).write_text(json.dumps(asdict(self)), encoding="utf-8")

    @classmethod
    def load(cls, root: Path) -> Truth | None:
        try:
            data = json.loads((root / TRUTH_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        data["broken"] = [BrokenLink(**b) for b in data["broken"]]
        data["bad_stamps"] = [BadStamp(**b) for b in data["bad_stamps"]]
        return cls(**data)


# --------------------------------------------------------------------------
# Names


def channel_names(count: int, seed: int) -> list[str]:
    rng = random.Random(f"{seed}:channels")
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        name = "".join(rng.sample(WORDS, 2)) + str(rng.randrange(10, 99))
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def topic_names(count: int, seed: int) -> list[str]:
    """`count` distinct snake_case topic names such as
    `ai_safety_and_existential_risk`."""
    rng = random.Random(f"{seed}:names")
    vocabulary = WORDS + list(WORD_VARIANTS)
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < count:
        left = rng.sample(vocabulary, rng.randint(1, 3))
        right = rng.sample(vocabulary, rng.randint(1, 3))
        name = "_".join([*left, rng.choice(JOINERS), *right])
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def misspell(name: str, rng: random.Random) -> str:
    """A near-miss of a name, as people mistype or misremember it."""
    words = name.split("_")
    kind = rng.randrange(5)
    variants = [i for i, w in enumerate(words) if w in WORD_VARIANTS]
    if kind == 0 and variants:  # existential -> existence
        i = rng.choice(variants)
        words[i] = WORD_VARIANTS[words[i]]
        return "_".join(words)
    if kind == 1 and len(words) > 2:  # a word dropped
        del words[rng.randrange(1, len(words))]
        return "_".join(words)
    if kind == 2:  # a word added
        words.insert(rng.randrange(len(words) + 1), rng.choice(WORDS))
        return "_".join(words)
    i = rng.randrange(1, len(name) - 1)
    if kind == 3:  # two letters swapped
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + name[i + 1 :]  # a letter dropped


# --------------------------------------------------------------------------
# Text


def stamp(time: str, label: str | None = None) -> str:
    return f'<a class="yt-timestamp" data-t="{time}">[{time if label is None else label}]</a>'


def clock_time(seconds: int, *, bad_minutes: bool = False) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m + 60 if bad_minutes else m:02d}:{s:02d}"


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 18))
    words[0] = words[0].capitalize()
    return " ".join(words)


class Vault:
    """The names of a vault to be, and how to write its note `i`."""

    def __init__(self, notes: int, seed: int):
        self.seed = seed
        self.channels = channel_names(max(1, -(-notes // NOTES_PER_CHANNEL)), seed)
        self.topics = topic_names(max(0, notes - len(self.channels)), seed)
        self.paths: list[str] = [f"{c}/{c}.md" for c in self.channels]
        self.paths += [f"{self.channels[i % len(self.channels)]}/{t}.md" for i, t in enumerate(self.topics)]
        self.names = {t.casefold() for t in self.topics} | {c.casefold() for c in self.channels}
        # The pools of broken targets: (misspelling, the name it misspells)
        # and names never written; drawn from with weights 1/sqrt(rank)
        # (the most wanted name takes ~1% of the draws, as in tubegraph-sample).
        rng = random.Random(f"{seed}:broken")
        size = max(1, round(notes * BROKEN_POOL_SHARE))
        self.typos: list[tuple[str, str]] = []
        typos_seen: set[str] = set()
        for _ in range(size * 3):
            if len(self.typos) == size or not self.topics:
                break
            real = self.topics[rng.randrange(len(self.topics))]
            wrong = misspell(real, rng)
            if wrong.casefold() not in self.names and wrong not in typos_seen:
                typos_seen.add(wrong)
                self.typos.append((wrong, real))
        self.wanted = sorted({self.missing_name(rng) for _ in range(size)})
        rng.shuffle(self.wanted)
        self.typo_weights = list(itertools.accumulate((k + 1) ** -0.5 for k in range(len(self.typos))))
        self.wanted_weights = list(itertools.accumulate((k + 1) ** -0.5 for k in range(len(self.wanted))))

    def missing_name(self, rng: random.Random) -> str:
        while True:
            name = "_".join(rng.sample(WORDS, rng.randint(2, 5)))
            if name.casefold() not in self.names:
                return name

    def note(self, i: int) -> tuple[str, str, list[BrokenLink], list[BadStamp], int, int, int]:
        """(path, text, broken links, bad stamps, links, stamps, decoys) of note `i`."""
        rng = random.Random(f"{self.seed}:{i}")
        path = self.paths[i]
        channel = path.split("/", 1)[0]
        name = path.rsplit("/", 1)[-1][:-3]
        lines = ["---", f"title: {name.replace('_', ' ').capitalize()}", f"videoId: {rng.randbytes(8).hex()[:11]}",
                 "---", "", f"From: [[{channel.capitalize()}]] <br/>", ""]
        broken: list[BrokenLink] = []
        bad: list[BadStamp] = []
        size = rng.randint(4000, 6800)  # the last block may add up to ~1.2 KB
        links = stamps = decoys = 0
        clock = rng.randrange(0, 600)
        headings = rng.sample(HEADINGS, rng.randint(3, 6))
        written = sum(len(x) + 1 for x in lines)
        section = 0
        while written < size or links < 3:
            block: list[str] = []
            if section < len(headings) and (written > size * section / len(headings)):
                block += [f"## {headings[section]}", ""]
                section += 1
            kind = rng.random()
            items = [sentence(rng) for _ in range(rng.randint(1, 4) if kind < 0.25 else rng.randint(2, 5))]
            for j, text in enumerate(items):
                if rng.random() < LINKS_PER_NOTE / 33:
                    target, alias, intended = self._link(rng)
                    text += f" [[{target} | {alias}]]" if alias else f" [[{target}]]"
                    links += 1
                    if intended is not False:
                        broken.append(BrokenLink(path, len(lines) + len(block) + (j if kind < 0.25 else 0) + 1,
                                                 target, intended))
                if rng.random() < min(0.9, STAMPS_PER_NOTE / 33):
                    clock += rng.randrange(5, 120)
                    time = label = clock_time(clock)
                    if rng.random() < BAD_STAMP_SHARE:  # an impossible time, or a label that disagrees
                        if rng.random() < 0.5:
                            time = label = clock_time(clock, bad_minutes=True)
                        else:
                            label = clock_time(clock + 60)
                        line = len(lines) + len(block) + (j if kind < 0.25 else 0) + 1
                        bad.append(BadStamp(path, line, time, label))
                    text += f" {stamp(time, label)}"
                    stamps += 1
                items[j] = text + "."
            if kind < 0.25:
                block += [f"- {t}" for t in items]
            elif kind < 0.32:
                lang = rng.choice(CODE_LANGS)
                block += [" ".join(items), "", f"```{lang}",
                          f"# not a link: [[{self.missing_name(rng)}]] nor {stamp(clock_time(clock))}",
                          "print('[[also_not_a_link]]')", "```"]
                decoys += 2
            elif kind < 0.36:
                block.append(" ".join(items) + f" Write `[[{self.missing_name(rng)}]]` to link.")
                decoys += 1
            else:
                block.append(" ".join(items))
            block.append("")
            lines += block
            written += sum(len(x) + 1 for x in block)
        return path, "\n".join(lines), broken, bad, links, stamps, decoys

    def _link(self, rng: random.Random) -> tuple[str, str | None, str | None | bool]:
        """(target, alias, intended): intended is False for a working link,
        the misspelt name for a near-miss, None for a name that is nowhere."""
        real = self.topics[rng.randrange(len(self.topics))] if self.topics else self.channels[0]
        alias = real.replace("_", " ") if rng.random() < 0.6 else None
        if rng.random() >= BROKEN_SHARE:
            return real, alias, False
        if rng.random() < 0.5 and self.typos:
            wrong, meant = rng.choices(self.typos, cum_weights=self.typo_weights)[0]
            return wrong, meant.replace("_", " ") if alias else None, meant
        return rng.choices(self.wanted, cum_weights=self.wanted_weights)[0], alias, None


def generate(root: Path, notes: int, seed: int = 0, *, progress=None) -> Truth:
    """Write a vault of `notes` notes under `root` (made if need be) and its
    `.truth.json`; returns the truth."""
    root = Path(root)
    vault = Vault(notes, seed)
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    (root / ".obsidian" / "app.json").write_text("{}", encoding="utf-8")
    for channel in vault.channels:
        (root / channel).mkdir(exist_ok=True)
    truth = Truth(VERSION, seed, len(vault.paths), 0, 0)
    for i in range(len(vault.paths)):
        path, text, broken, bad, links, stamps, decoys = vault.note(i)
        (root / path).write_text(text, encoding="utf-8")
        truth.broken += broken
        truth.bad_stamps += bad
        truth.links += links
        truth.stamps += stamps
        truth.decoy_links += decoys
        if progress is not None and i % 1000 == 0:
            progress(i, len(vault.paths))
    truth.save(root)
    return truth


def ensure(root: Path, notes: int, seed: int = 0, *, progress=None) -> Truth:
    """The vault at `root`, generated unless it is already there for the
    same size, seed and generator version."""
    truth = Truth.load(root)
    if truth is not None and (truth.version, truth.seed, truth.notes) == (VERSION, seed, notes):
        return truth
    if root.exists() and any(root.iterdir()):
        import shutil

        shutil.rmtree(root)
    return generate(root, notes, seed, progress=progress)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    truth = ensure(args.root, args.notes, args.seed)
    print(f"{args.root}: {truth.notes} notes, {truth.links} links ({len(truth.broken)} broken), "
          f"{truth.stamps} stamps ({len(truth.bad_stamps)} wrong), {truth.decoy_links} link-like texts in code",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

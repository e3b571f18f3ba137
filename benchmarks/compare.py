"""Does a change alter what vaultlint says? Compare its outputs with a commit's.

    python -m benchmarks.compare BASE [--new REV] [--vault DIR]... [--notes N] [--quick] [--show-diff]

A restructure must change no result a user sees. This script runs the same
sequence of commands with the code of commit BASE and with the code of the
working tree (or of commit `--new`), on copies of the shared corpora
(`../shared/corpora/*`, when they are there) and on a generated vault, and
compares every command's standard output, standard error and exit code.

For each vault, in a fresh copy made a git repository, the sequence is:

- cold: every output format (and `--statistics`, text and JSON), each run
  with the cache removed first;
- warm: the same again, each run after the last left its cache;
- no-cache: `check --no-cache`;
- changed: one note edited (a broken link and a heading added), every format;
- staged: one note edited and `git add`-ed, then `check --staged NOTE`;
  one note that others link to removed with `git rm`, then `check --staged`;
- fix: `fix --diff` and `fix --unsafe-fixes --diff` (nothing is written);
- links: the `links` view, text and JSON.

Both sides run at the same paths, one after the other, so paths in outputs
agree. The code of a commit is taken with `git archive` into a temporary
folder put first on PYTHONPATH, so whatever vaultlint is installed is not
used. Exit code: 0 when every output is the same, 1 when one differs, 2 on
a usage error.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPORA = REPO.parent / "shared" / "corpora"
FORMATS = ("text", "concise", "full", "json", "github", "sarif", "junit")
QUICK_FORMATS = ("text", "json")


@dataclass(frozen=True)
class Outcome:
    """What one command printed and how it exited."""

    stdout: bytes
    stderr: bytes
    code: int


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout


def export_code(rev: str, into: Path) -> Path:
    """The `vaultlint` package of commit `rev`, written below `into`."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev, "vaultlint"], cwd=REPO, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


class Side:
    """One version of vaultlint, run as `python -m vaultlint` from its source folder."""

    def __init__(self, name: str, source: Path):
        self.name = name
        self.env = {**os.environ, "PYTHONPATH": str(source), "PYTHONHASHSEED": "0"}
        # A terminal is never attached, but CI variables change nothing either.
        self.env.pop("CI", None)
        self.env.pop("GITHUB_ACTIONS", None)

    def run(self, args: list[str], cwd: Path) -> Outcome:
        done = subprocess.run([sys.executable, "-m", "vaultlint", *args], cwd=cwd, env=self.env,
                              capture_output=True, stdin=subprocess.DEVNULL)
        return Outcome(done.stdout, done.stderr, done.returncode)


def _commit_all(vault: Path, message: str) -> None:
    _git("add", "-A", cwd=vault)
    _git("-c", "user.name=compare", "-c", "user.email=compare@example.invalid", "commit", "-q",
         "--allow-empty", "-m", message, cwd=vault)


def _notes(vault: Path) -> list[Path]:
    """The vault's Markdown notes, dot-folders left out as vaultlint leaves them."""
    notes = vault.rglob("*.md")
    return sorted(p for p in notes if not any(part.startswith(".") for part in p.relative_to(vault).parts))


def _linked_note(vault: Path, notes: list[Path]) -> Path:
    """A note whose name other notes write in a wiki-link, so that removing it breaks links."""
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in notes[:400]]
    for note in notes:
        if any(f"[[{note.stem}" in text for other, text in zip(notes, texts, strict=False) if other != note):
            return note
    return notes[-1]


def sequence(side: Side, source_vault: Path, work: Path, formats: tuple[str, ...]) -> dict[str, Outcome]:
    """Every step's outcome for one side on a fresh copy of the vault at `work`."""
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(source_vault, work, ignore=shutil.ignore_patterns(".vaultlint_cache", ".git"))
    for path in work.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    _git("init", "-q", cwd=work)
    _commit_all(work, "vault")
    cache = work / ".vaultlint_cache"
    out: dict[str, Outcome] = {}

    def run(step: str, *args: str) -> None:
        out[step] = side.run(list(args), work)

    variants = [(f, ["--output-format", f]) for f in formats]
    variants += [("statistics", ["--statistics"]), ("statistics-json", ["--statistics", "--output-format", "json"])]
    for name, args in variants:
        shutil.rmtree(cache, ignore_errors=True)
        run(f"cold {name}", "check", *args)
    for name, args in variants:
        run(f"warm {name}", "check", *args)
    run("no-cache text", "check", "--no-cache")

    notes = _notes(work)
    if notes:
        edited = notes[0]
        with open(edited, "a", encoding="utf-8", newline="") as f:
            f.write("\n\n## A heading added by the comparison\n\nSee [[a note the comparison made up]].\n")
        for name, args in variants:
            run(f"changed {name}", "check", *args)
        _commit_all(work, "edited")

        staged = notes[len(notes) // 2]
        with open(staged, "a", encoding="utf-8", newline="") as f:
            f.write("\nAlso [[another made-up note]].\n")
        rel = staged.relative_to(work).as_posix()
        _git("add", rel, cwd=work)
        run("staged text", "check", "--staged", rel)
        run("staged json", "check", "--staged", "--output-format", "json", rel)
        _commit_all(work, "staged")
        removed = _linked_note(work, notes)
        _git("rm", "-q", removed.relative_to(work).as_posix(), cwd=work)
        run("staged removal", "check", "--staged")
        _commit_all(work, "removed")

    run("fix --diff", "fix", "--diff")
    run("fix --unsafe-fixes --diff", "fix", "--unsafe-fixes", "--diff")
    run("links text", "links")
    run("links json", "links", "--output-format", "json")
    return out


def _differences(old: Outcome, new: Outcome) -> list[str]:
    return [what for what in ("stdout", "stderr", "code") if getattr(old, what) != getattr(new, what)]


def _diff_excerpt(old: bytes, new: bytes, lines: int = 30) -> str:
    before, after = (text.decode("utf-8", "replace").splitlines() for text in (old, new))
    diff = difflib.unified_diff(before, after, "base", "new", lineterm="", n=1)
    return "\n".join(line for _, line in zip(range(lines), diff, strict=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the commit to compare with (e.g. HEAD, a hash)")
    parser.add_argument("--new", help="a commit to compare instead of the working tree")
    parser.add_argument("--vault", action="append", type=Path, default=None,
                        help="a vault to compare on (repeatable; default: every shared corpus and a generated vault)")
    parser.add_argument("--notes", type=int, default=2000, help="notes in the generated vault (0: none)")
    parser.add_argument("--quick", action="store_true", help="only the text and JSON formats")
    parser.add_argument("--show-diff", action="store_true", help="print an excerpt of each difference")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="vaultlint-compare-") as tmp:
        tmp = Path(tmp)
        try:
            base = Side(f"base {args.base}", export_code(args.base, tmp / "base"))
            new = (Side(f"new {args.new}", export_code(args.new, tmp / "new")) if args.new
                   else Side("working tree", REPO))
        except subprocess.CalledProcessError as e:
            print(f"compare: cannot read the code of that commit: {e.stderr.decode().strip()}", file=sys.stderr)
            return 2
        vaults = list(args.vault or [])
        if not args.vault:
            if CORPORA.is_dir():
                vaults += sorted(p for p in CORPORA.iterdir() if p.is_dir())
            if args.notes:
                from benchmarks.generate import generate

                generate(tmp / "generated", args.notes, seed=0)
                vaults.append(tmp / "generated")
        formats = QUICK_FORMATS if args.quick else FORMATS
        differing = 0
        total = 0
        for vault in vaults:
            if not vault.is_dir():
                print(f"compare: no folder {vault}", file=sys.stderr)
                return 2
            work = tmp / "work" / vault.name
            old = sequence(base, vault, work, formats)
            now = sequence(new, vault, work, formats)
            for step in old:
                total += 1
                what = _differences(old[step], now[step])
                if what:
                    differing += 1
                    print(f"{vault.name}: {step}: DIFFERENT ({', '.join(what)})")
                    if args.show_diff:
                        for part in what:
                            if part == "code":
                                print(f"    exit code {old[step].code} -> {now[step].code}")
                            else:
                                print(_diff_excerpt(getattr(old[step], part), getattr(now[step], part)))
            print(f"{vault.name}: {len(old) - sum(1 for s in old if _differences(old[s], now[s]))} of {len(old)} "
                  "outputs the same", flush=True)
        print(f"{total - differing} of {total} outputs the same ({base.name} against {new.name})")
        return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())

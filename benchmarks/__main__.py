"""`python -m benchmarks`: time `vaultlint check` on synthetic vaults of 10k
and 100k notes against the floor, in one run.

    python -m benchmarks                       # 10k and 100k notes
    python -m benchmarks --sizes 10000 --repeat 3

For each size it generates the vault once (kept under `bench-vaults/`,
gitignored), then times, each in a fresh process:

- floor: walk, read, decode, one regex for links and one for stamps
  (`benchmarks/floor.py`), the least any linter must do;
- stat floor: walk and stat every note, the least a run that keeps what it
  learnt must do to know which notes changed (the warm and one-changed runs
  are also given as a ratio to it);
- cold: `vaultlint check VAULT` with no cache (it is removed first; this run
  writes it);
- no-cache: `vaultlint check --no-cache VAULT` (up to 20,000 notes);
- warm: the same again, nothing changed;
- text out, json out, sarif out, junit out, github out, full out: a warm
  `vaultlint check --output-format FORMAT VAULT` whose output is made again
  (the text the cache kept of the last result is dropped first: a run that
  finds it prints it without making it), also as a ratio to `text out`'s
  time and memory: each format is written as it is made, and should cost
  about what the text does;
- one changed: one note edited (a sentence added), then `vaultlint check
  NOTE`; one changed+link: the sentence holds a new broken link (its
  suggestions need every name of the vault) and a stamp;
- pre-commit, pre-commit+link: the same edits, then as pre-commit runs the
  hook: `git add NOTE`, then `vaultlint check --staged NOTE` from the vault's
  top (the vault is made a git repository with every file committed, once);
- fix one: `vaultlint fix --unsafe-fixes --diff NOTE` on a note with a
  misspelt link, after a check (what the `vaultlint-fix` hook does, but
  writing nothing, so that every run finds the same);
- fix vault: `vaultlint fix --diff VAULT` after a check (the safe fixes);
- suggestions: in this process, the link suggester asked for every distinct
  broken target of the vault, as a share of a cold run: an upper bound, since
  a cold run over worker processes spreads these questions over them.

The package is byte-compiled first, as `pip install` leaves an installed
copy (a machine with PYTHONDONTWRITEBYTECODE set would otherwise compile it
in every run). Each row's time is the fastest of `--repeat` runs that
nothing watches. Its peak memory comes from one more run of the same kind,
made first (it also leaves the vault in the page cache for the timed runs):
the largest sum of the proportional set size (PSS: resident memory, a page
shared by n processes counted 1/n in each) of the process and its children
(a process pool), sampled every 10 ms. Reading a process's PSS walks its
page tables: sampled so often, the watching took much of a core of two and
slowed the pooled cold runs by a fifth, so it is kept out of the timed runs.
The ratio to the floor is the figure to compare across machines.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .generate import Truth, ensure

REPO = Path(__file__).resolve().parent.parent
CACHE_DIR = ".vaultlint_cache"
NO_CACHE_MAX = 20_000  # above, the --no-cache run (a second cold run) is skipped: it takes long
FORMATS = ("text", "json", "sarif", "junit", "github", "full")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    seconds: float
    peak_mb: float
    exit_code: int


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def _pss(pid: int) -> int:
    """Proportional set size: resident bytes, a page shared by n processes
    counted 1/n in each (forked workers share most of their parent's pages;
    their resident sizes added up would count those pages again and again)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:  # no smaps_rollup (an old kernel): resident size
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0


def tree_memory(pid: int) -> int:
    """Memory of a process and all its descendants (PSS, see `_pss`)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _pss(p)
        stack += _children(p)
    return total


def timed(args: list[str], *, cwd: Path = REPO, watch: bool = False) -> Run:
    run = _timed(args, cwd=cwd, watch=watch)
    memory = f"{run.peak_mb:6.0f} MB" if watch else "         "
    print(f"  {run.seconds:8.2f} s {memory}  {' '.join(args[2:])}", file=sys.stderr, flush=True)
    return run


def _timed(args: list[str], *, cwd: Path, watch: bool) -> Run:
    """Run a command, its output thrown away: its wall time, and when
    watched its peak memory (a watched run is not timed: see the module's
    docstring)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_memory(proc.pid))
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    if watch:
        sampler.start()
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    if watch:
        sampler.join()
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)} failed ({proc.returncode}):\n{stderr.decode(errors='replace')}")
    return Run(seconds, peak / 2**20, proc.returncode)


def measured(run_once: Callable[[bool], Run], repeat: int) -> Run:
    """The fastest of `repeat` runs of `run_once(watch=False)`, with the
    peak memory of one run before them, watched (which also leaves the
    vault's files in the page cache for them: the first read of 800 MB
    would otherwise time the disk)."""
    peak_mb = run_once(True).peak_mb
    fastest = min((run_once(False) for _ in range(repeat)), key=lambda r: r.seconds)
    return Run(fastest.seconds, peak_mb, fastest.exit_code)


def forget_texts(root: Path) -> None:
    """Drop the output the cache kept of the last result (and its file), so
    that the next warm run makes its output again."""
    import sqlite3

    from vaultlint.engine.store import BLOBS, FILE

    db = sqlite3.connect(root / CACHE_DIR / FILE)
    try:
        with db:
            blobs = [name for (name,) in db.execute("SELECT blob FROM result_texts")]
            db.execute("DELETE FROM result_texts")
    finally:
        db.close()
    for name in blobs:
        (root / CACHE_DIR / BLOBS / name).unlink(missing_ok=True)


def vaultlint(*args: str) -> list[str]:
    return [sys.executable, "-m", "vaultlint", "check", *args]


def fixing(*args: str) -> list[str]:
    return [sys.executable, "-m", "vaultlint", "fix", "--diff", *args]


def suggestion_seconds(root: Path, truth: Truth, sample: int = 5000) -> tuple[float, int, float]:
    """Time to suggest for every distinct broken target with the rule's own
    suggester (index built once, then a sample of `sample` targets, scaled
    to all); and the top-1 accuracy on the near-misspellings sampled."""
    from vaultlint.api import open_vault
    from vaultlint.checks.link_targets import link_suggester, suggest_target
    from vaultlint.rule import Context

    config, vault = open_vault([root])
    ctx = Context(vault, config, [])
    targets = sorted({b.target for b in truth.broken})
    asked = targets[:: max(1, len(targets) // sample)]
    start = time.perf_counter()
    link_suggester(ctx, False)  # the index of note names, as the first broken link builds it
    built = time.perf_counter()
    got = {t: suggest_target(ctx, t, 3) for t in asked}
    seconds = (built - start) + (time.perf_counter() - built) * len(targets) / len(asked)
    misses = [b for b in truth.broken if b.intended and b.target in got]
    right = sum(1 for b in misses if got[b.target] and got[b.target][0].value == b.intended)
    return seconds, len(targets), right / max(1, len(misses))


def edit_one(root: Path, truth: Truth, new_link: bool) -> tuple[Path, bytes]:
    """Append a sentence to one note: plain prose, or with a new broken link
    (whose suggestions need the whole vault's names) and a stamp."""
    note = root / truth.broken[len(truth.broken) // 2].path
    original = note.read_bytes()
    added = (b'\nEdited: see [[a_note_nobody_wrote]] at <a class="yt-timestamp" data-t="00:01:02">[00:01:02]</a>.\n'
             if new_link else b"\nEdited: one more sentence of prose.\n")
    note.write_bytes(original + added)
    return note, original


GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}


def git(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=root, env={**os.environ, **GIT_ENV},
                          capture_output=True, check=False)


def as_git_repository(root: Path) -> bool:
    """Make the vault a git repository with every file committed, as a vault
    under pre-commit is (once: it is kept with the vault); False without git."""
    if shutil.which("git") is None:
        return False
    # (The vault's own repository: the one around it, this one, ignores it.)
    if not (root / ".git").is_dir() or git(root, "rev-parse", "--verify", "-q", "HEAD").returncode != 0:
        print(f"  committing {root} to git (once)", file=sys.stderr)
        for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "generated")):
            if git(root, *args).returncode != 0:
                return False
    return True


def bench(size: int, seed: int, repeat: int, vaults: Path) -> list[tuple[str, Run | float, str]]:
    root = vaults / f"{size}-{seed}"
    print(f"\n== {size} notes ({root})", file=sys.stderr)
    truth = ensure(root, size, seed, progress=lambda i, n: print(f"  generating {i}/{n}", end="\r", file=sys.stderr))

    def of(args: list[str]) -> Callable[[bool], Run]:
        return lambda watch: timed(args, watch=watch)

    floor = [sys.executable, "-m", "benchmarks.floor"]
    rows: list[tuple[str, Run | float, str]] = [
        ("floor", measured(of([*floor, str(root)]), repeat), ""),
        ("stat floor", measured(of([*floor, "--stat", str(root)]), repeat), ""),
    ]

    def cold(watch: bool) -> Run:
        shutil.rmtree(root / CACHE_DIR, ignore_errors=True)
        return timed(vaultlint(str(root)), watch=watch)

    rows.append(("cold", measured(cold, repeat), f"vaultlint check {root} (cache removed)"))
    if size <= NO_CACHE_MAX:
        rows.append(("cold --no-cache", measured(of(vaultlint("--no-cache", str(root))), repeat),
                     f"vaultlint check --no-cache {root}"))
    rows.append(("warm", measured(of(vaultlint(str(root))), repeat), f"vaultlint check {root}"))
    for form in FORMATS:
        def output(watch: bool, form=form) -> Run:
            forget_texts(root)
            return timed(vaultlint("--output-format", form, str(root)), watch=watch)

        rows.append((f"{form} out", measured(output, repeat),
                     f"vaultlint check --output-format {form} {root} (warm, the output made again)"))
    in_git = as_git_repository(root)
    for name, new_link in (("one changed", False), ("one changed+link", True)):
        rows += edited(root, truth, new_link, name, in_git, repeat)
    timed(vaultlint(str(root)))  # (the cache as a check leaves it, after the edits undone)
    misspelt = root / next(b.path for b in truth.broken if b.intended is not None)
    rows.append(("fix one", measured(of(fixing("--unsafe-fixes", str(misspelt))), repeat),
                 f"vaultlint fix --unsafe-fixes --diff {misspelt}"))
    rows.append(("fix vault", measured(of(fixing(str(root))), repeat), f"vaultlint fix --diff {root}"))
    seconds, targets, accuracy = suggestion_seconds(root, truth)
    rows.append(("suggestions", seconds, f"{targets} distinct broken targets (timed on a sample of 5000), "
                                         f"top-1 on near-misses {accuracy:.1%}"))
    return rows


def edited(root: Path, truth: Truth, new_link: bool, name: str, in_git: bool, repeat: int) -> list:
    """The rows of one note edited: `check NOTE`, and the pre-commit run."""
    note, original = edit_one(root, truth, new_link)
    rel = note.relative_to(root).as_posix()

    def changed(watch: bool) -> Run:
        note.write_bytes(note.read_bytes() + b"\n")  # the same edit again, as a new change
        return timed(vaultlint(str(note)), watch=watch)

    def staged(watch: bool) -> Run:
        note.write_bytes(note.read_bytes() + b"\n")
        git(root, "add", rel)
        return timed(vaultlint("--staged", rel), cwd=root, watch=watch)

    try:
        rows = [(name, measured(changed, repeat), f"vaultlint check {note}")]
        if in_git:
            rows.append((name.replace("one changed", "pre-commit"), measured(staged, repeat),
                         f"git add {rel}; vaultlint check --staged {rel} (in {root})"))
        return rows
    finally:
        note.write_bytes(original)
        if in_git:
            git(root, "add", rel)


def table(size: int, rows) -> str:
    floor, stat_floor = rows[0][1].seconds, rows[1][1].seconds
    out = [f"\n{size:,} notes",
           f"{'run':<16} {'seconds':>8} {'notes/s':>9} {'peak MB':>8} {'x floor':>8} {'x stat':>7}  command"]
    text_out = next((r for n, r, _ in rows if n == "text out"), None)
    for name, run, command in rows:
        if isinstance(run, Run):
            rate = size / run.seconds
            to_stat = f"{run.seconds / stat_floor:7.2f}" if name.startswith(("warm", "one", "pre", "fix")) else " " * 7
            if name.endswith(" out") and text_out is not None and name != "text out":
                command = (f"x text out: {run.seconds / text_out.seconds:.2f} time, "
                           f"{run.peak_mb / max(text_out.peak_mb, 1):.2f} memory; {command}")
            out.append(f"{name:<16} {run.seconds:8.2f} {rate:9,.0f} {run.peak_mb:8.0f} "
                       f"{run.seconds / floor:8.2f} {to_stat}  {command}")
        else:
            cold = next(r.seconds for n, r, _ in rows if n == "cold")
            share = f"{run / cold:.0%} of a cold run (in one process)"
            out.append(f"{name:<16} {run:8.2f} {'':>9} {'':>8} {'':>8}  {share}; {command}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated note counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1,
                        help="timed runs of each kind, the fastest counts (and one more for its memory)")
    parser.add_argument("--vaults", type=Path, default=REPO / "bench-vaults", help="where vaults are kept")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores", file=sys.stderr)
    compileall.compile_dir(REPO / "vaultlint", quiet=1)
    reports = []
    for size in (int(s) for s in args.sizes.split(",")):
        reports.append(table(size, bench(size, args.seed, args.repeat, args.vaults)))
        print(reports[-1], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

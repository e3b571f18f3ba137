"""`python -m benchmarks.workspace`: the workspace's latencies on a generated
vault (the one `python -m benchmarks` uses, under bench-vaults/).

    python -m benchmarks.workspace --notes 10000
    python -m benchmarks.workspace --notes 100000 --edits 100

Rows, for the targets of the workspace (issue 18):

- open warm: `Workspace.open` in a fresh process after a `vaultlint check`
  made the cache (the time to the first `check` of a note answered), and
  that process's peak memory (its maximum resident set size);
- edit: the unsaved text of a note changed (a sentence added, with a new
  broken link every other time), then `check` of that note: median and p95;
- add / rename: a note written or renamed on disk, the workspace told, and
  the note checked (the vault's names changed: links resolve again);
- broken link after a rename: then a note given a link that leads nowhere,
  checked: its suggestions come from a suggester made anew for the new names.

The floor of `python -m benchmarks` (walk, read and match every note) is
measured in the same run, for the ratio across machines.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .floor import floor
from .generate import ensure

REPO = Path(__file__).resolve().parent.parent

_OPEN = """
import json, resource, sys, time
t = time.perf_counter()
from vaultlint.workspace import Workspace
ws = Workspace.open(sys.argv[1])
ws.check(ws.notes()[0])
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def open_warm(root: Path, repeat: int) -> tuple[float, float]:
    made = subprocess.run([sys.executable, "-m", "vaultlint", "check", str(root)], cwd=REPO,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if made.returncode not in (0, 1):
        sys.exit(f"vaultlint check {root} failed ({made.returncode}): {made.stderr}")
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", _OPEN, str(root)], cwd=REPO, capture_output=True, text=True,
                             check=True)
        runs.append(json.loads(out.stdout))
    best = min(runs, key=lambda r: r["seconds"])
    return best["seconds"], max(r["peak_mb"] for r in runs)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def live(root: Path, edits: int, seed: int) -> dict[str, list[float]]:
    from vaultlint.workspace import Workspace

    ws = Workspace.open(root)
    rng = random.Random(seed)
    notes = ws.notes()
    times: dict[str, list[float]] = {"edit": [], "add": [], "rename": [], "broken link after a rename": []}
    for i in range(edits):
        path = rng.choice(notes)
        text = ws.text(path) + (f"\nA sentence more, about [[Nowhere {i}]].\n" if i % 2 else "\nA sentence more.\n")
        start = time.perf_counter()
        ws.update(path, text)
        ws.check(path)
        times["edit"].append(time.perf_counter() - start)
        ws.close(path)
        ws.check(path)
    for i in range(max(3, edits // 10)):
        # A note added, then renamed: the names change, so the links
        # elsewhere resolve again; checked, the note itself and one that
        # links to an existing note (what an editor shows).
        linked = rng.choice(notes)
        name = f"Added note {i}"
        file = root / f"{name}.md"
        file.write_text(f"# {name}\n\nA link to [[{Path(linked).stem}]].\n", encoding="utf-8")
        start = time.perf_counter()
        ws.update(file.name)
        ws.check(file.name)
        times["add"].append(time.perf_counter() - start)
        renamed = root / f"Renamed note {i}.md"
        file.rename(renamed)
        start = time.perf_counter()
        ws.rename(file.name, renamed.name)
        ws.check(renamed.name)
        times["rename"].append(time.perf_counter() - start)
        # A note with a link that leads nowhere, checked after the names
        # changed: its suggestions are asked of a suggester made anew.
        start = time.perf_counter()
        ws.update(linked, ws.text(linked) + f"\n[[Nowhere near {i}]]\n")
        ws.check(linked)
        times["broken link after a rename"].append(time.perf_counter() - start)
        ws.close(linked)
        renamed.unlink()
        ws.remove(renamed.name)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.workspace", description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    root = REPO / "bench-vaults" / f"{args.notes}-{args.seed}"
    ensure(root, args.notes, args.seed)
    start = time.perf_counter()
    floor(str(root))
    floor_seconds = time.perf_counter() - start
    open_seconds, open_mb = open_warm(root, args.repeat)
    times = live(root, args.edits, args.seed)
    print(f"workspace, {args.notes} notes (floor {floor_seconds:.2f} s)")
    print(f"  {'open warm':<28} {open_seconds:8.3f} s  {open_seconds / floor_seconds:5.2f}x floor  "
          f"{open_mb:6.0f} MB peak")
    for name, values in times.items():
        print(f"  {name:<28} {statistics.median(values) * 1000:8.1f} ms median  "
              f"{percentile(values, 0.95) * 1000:8.1f} ms p95  ({len(values)} runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

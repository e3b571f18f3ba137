"""`python -m benchmarks.mcp`: the MCP server's answer to "would this note
be clean here?" on a generated vault (the one `python -m benchmarks` uses,
under bench-vaults/), as an agent sees it.

    python -m benchmarks.mcp --notes 10000
    python -m benchmarks.mcp --notes 100000 --calls 100

The vault is made warm first (`vaultlint check` writes its cache), then
`python -m vaultlint mcp VAULT` is started by the SDK's own stdio client,
as an MCP client starts it, and asked `check` with the text of a note (a
sentence added to a random note, with a new broken link every other call)
at that note's path. Rows: the time from launch to the first answer, and
each call's round trip (the JSON-RPC over pipes included): median and p95.
The same calls made in the process (`VaultTools.check`, no protocol) are
timed too, to tell the protocol's share from vaultlint's.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .generate import ensure
from .workspace import percentile

REPO = Path(__file__).resolve().parent.parent


def _drafts(root: Path, calls: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    notes = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))
    out = []
    for i in range(calls):
        path = rng.choice(notes)
        text = (root / path).read_text(encoding="utf-8")
        out.append((path, text + (f"\nA sentence more, about [[Nowhere {i}]].\n" if i % 2 else "\nA sentence more.\n")))
    return out


async def _over_stdio(root: Path, drafts: list[tuple[str, str]]) -> tuple[float, list[float]]:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(command=sys.executable, args=["-m", "vaultlint", "mcp", str(root), "--read-only"],
                                   cwd=str(REPO))
    start = time.perf_counter()
    times = []
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        first = await session.call_tool("check", {"path": drafts[0][0], "text": drafts[0][1]})
        launched = time.perf_counter() - start
        if getattr(first, "is_error", None) or getattr(first, "isError", None):
            sys.exit(f"check failed: {first.content[0].text}")
        for path, text in drafts:
            began = time.perf_counter()
            await session.call_tool("check", {"path": path, "text": text})
            times.append(time.perf_counter() - began)
    return launched, times


def _in_process(root: Path, drafts: list[tuple[str, str]]) -> list[float]:
    from vaultlint.agent.tools import VaultTools

    tools = VaultTools.open(root, read_only=True)
    tools.check(path=drafts[0][0], text=drafts[0][1])
    times = []
    for path, text in drafts:
        began = time.perf_counter()
        tools.check(path=path, text=text)
        times.append(time.perf_counter() - began)
    return times


def main(argv: list[str] | None = None) -> int:
    import anyio

    parser = argparse.ArgumentParser(prog="python -m benchmarks.mcp", description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    root = REPO / "bench-vaults" / f"{args.notes}-{args.seed}"
    ensure(root, args.notes, args.seed)
    made = subprocess.run([sys.executable, "-m", "vaultlint", "check", str(root)], cwd=REPO,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if made.returncode not in (0, 1):
        sys.exit(f"vaultlint check {root} failed ({made.returncode}): {made.stderr}")
    drafts = _drafts(root, args.calls, args.seed)
    launched, stdio = anyio.run(_over_stdio, root, drafts)
    local = _in_process(root, drafts)
    print(f"mcp check of one note's text, {args.notes} notes, warm")
    print(f"  {'launch to first answer':<28} {launched:8.3f} s")
    for name, values in (("over stdio", stdio), ("in process", local)):
        print(f"  {name:<28} {statistics.median(values) * 1000:8.1f} ms median  "
              f"{percentile(values, 0.95) * 1000:8.1f} ms p95  ({len(values)} calls)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The language server's latency and memory on a generated vault.

    python -m benchmarks.lsp --notes 10000 [--seed 0] [--edits 50] [--debounce 0]

A client (pytest-lsp's, as the tests use) launches `python -m vaultlint
server` on the vault `benchmarks.generate` makes (kept under
`bench-vaults/`), warms the cache with one start, then measures on a
second start:

- start: from launching the server to the first diagnostics of a note
  opened right after `initialize` (the vault opened from the cache);
- didChange -> publishDiagnostics: an edit that adds a broken link, then
  one that takes it away, `--edits` times, one at a time; median and p95
  (the debounce, `--debounce` ms, is 0 by default: what is measured is the
  work; the server's default waits only when edits come faster than 100 ms);
- completion after `[[` with a few letters typed: median;
- peak memory: the server process's largest proportional set size, sampled.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig, client_capabilities

from .__main__ import tree_memory
from .generate import ensure

REPO = Path(__file__).resolve().parent.parent


async def start(root: Path, debounce: int):
    client = await ClientServerConfig(server_command=[sys.executable, "-m", "vaultlint", "server"]).start()
    await client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(root.as_uri(), root.name)],
        initialization_options={"debounce": debounce}))
    return client


async def diagnostics(client, uri: str) -> None:
    while client.diagnostics.get(uri) is None:
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def stop(client) -> None:
    await client.shutdown_session()
    await client.stop()


async def run(root: Path, edits: int, debounce: int) -> dict[str, float]:
    notes = sorted(p for p in root.rglob("*.md") if ".vaultlint_cache" not in p.parts)
    note = notes[len(notes) // 2]
    text = note.read_text(encoding="utf-8")
    uri = note.resolve().as_uri()

    async def open_note(client) -> None:
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri, "markdown", 1, text)))
        await diagnostics(client, uri)

    warm = await start(root, debounce)  # (the cache made, if it was not)
    await open_note(warm)
    await stop(warm)

    began = time.perf_counter()
    client = await start(root, debounce)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_memory(client._server.pid))
            time.sleep(0.02)

    threading.Thread(target=sample, daemon=True).start()
    await open_note(client)
    first = time.perf_counter() - began

    changes = []
    lines = text.count("\n")
    for i in range(edits):
        new = text + (f"\n[[Nowhere at all {i}]]\n" if i % 2 == 0 else "")
        client.diagnostics.pop(uri, None)
        t = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(i + 2, uri), [types.TextDocumentContentChangeWholeDocument(new)]))
        await diagnostics(client, uri)
        changes.append(time.perf_counter() - t)
        await asyncio.sleep(0.12)  # (an edit at a time, as a person types and pauses)

    completions = []
    stems = [p.stem for p in notes[:: max(len(notes) // 8, 1)]][:8]
    for prefix in ["", *(stem[:4] for stem in stems)]:  # (nothing typed yet, then a name begun)
        typed = text + f"\n[[{prefix}"
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(1000, uri), [types.TextDocumentContentChangeWholeDocument(typed)]))
        t = time.perf_counter()
        got = await client.text_document_completion_async(types.CompletionParams(
            types.TextDocumentIdentifier(uri), types.Position(lines + 1, 2 + len(prefix))))
        completions.append(time.perf_counter() - t)
        assert got is not None and got.items, prefix
    done.set()
    await stop(client)
    changes.sort()
    return {
        "start to first diagnostics (s)": first,
        "didChange -> publishDiagnostics median (ms)": statistics.median(changes) * 1000,
        "didChange -> publishDiagnostics p95 (ms)": changes[int(len(changes) * 0.95) - 1] * 1000,
        "completion after [[ median (ms)": statistics.median(completions) * 1000,
        "peak memory (MB)": peak[0] / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--debounce", type=int, default=0, help="the server's debounce, in ms")
    parser.add_argument("--vaults", type=Path, default=REPO / "bench-vaults")
    args = parser.parse_args()
    root = args.vaults / f"{args.notes}-{args.seed}"
    ensure(root, args.notes, args.seed)
    figures = asyncio.run(run(root, args.edits, args.debounce))
    print(f"vaultlint server on {args.notes:,} notes ({root}):")
    for name, value in figures.items():
        print(f"  {name:48} {value:10.1f}")


if __name__ == "__main__":
    main()

"""`vaultlint check --watch`: the vault checked once, then again as files
change, through the same workspace the language server holds (so a change
re-checks only the notes it makes stale), printing what appeared (`+`) and
what went away (`-`) since the last check, and a summary line.

A problem is the same problem while its note, rule and message stay the
same, wherever it moves in the note (a line added above it does not make
it new). Files are watched with watchfiles (the `watch` extra); hidden
files and folders (`.git/`, `.vaultlint_cache/`) are not the vault's,
`.vaultlint.toml` and `.obsidian/` reload the config (a broken config is
said, and the last good one kept). Ctrl-C ends the watch with exit 0: it is
how a watch ends, not a run cut short.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from ..config.schema import ConfigError
from ..config.settings import CONFIG_NAME
from ..diagnostics import Diagnostic
from ..output.formats import diagnostic_lines, summary
from ..registry import PluginError
from ..workspace import Workspace

Key = tuple[str, str, str]


def _key(d: Diagnostic) -> Key:
    return (d.path, d.rule, d.message)


def differences(before: list[Diagnostic], after: list[Diagnostic]) -> tuple[list[Diagnostic], list[Diagnostic]]:
    """(appeared, went away): the problems of `after` not in `before`, and
    the other way round, counted (two equal problems in a note are two)."""
    old, new = Counter(map(_key, before)), Counter(map(_key, after))
    appeared, gone = [], []
    for d in after:
        if old[_key(d)] > 0:
            old[_key(d)] -= 1
        else:
            appeared.append(d)
    for d in before:
        if new[_key(d)] > 0:
            new[_key(d)] -= 1
        else:
            gone.append(d)
    return appeared, gone


class Watch:
    """The workspace of one vault and the problems last shown."""

    def __init__(self, ws: Workspace, say: Callable[[str], None]):
        self.ws, self.say = ws, say
        self.shown = ws.check()

    def start(self) -> None:
        for line in diagnostic_lines(self.shown):
            self.say(line)
        self.say(f"{summary(self.shown, len(self.ws.notes()))}; watching {self.ws.root} (Ctrl-C to stop)")

    def changed(self, files: Iterable[tuple[str, Path]]) -> None:
        """Take in the files that changed (("added" | "modified" | "deleted", absolute path)) and say what changed."""
        ws = self.ws
        seen = False
        for what, file in files:
            try:
                rel = Path(os.path.abspath(file)).relative_to(ws.root).as_posix()
            except ValueError:
                continue
            if rel == CONFIG_NAME or rel.startswith(".obsidian/"):
                try:
                    ws.reload_config()
                except (ConfigError, PluginError) as exc:
                    self.say(f"vaultlint: error: {exc} (the last good config is kept)")
                seen = True
                continue
            if any(part.startswith(".") for part in rel.split("/")):
                continue
            seen = True
            if what == "deleted" and rel in set(ws.files()):
                ws.remove(rel)
            elif what == "deleted":
                ws.rescan()  # (a folder)
            elif Path(file).is_dir():
                ws.rescan()
            else:
                ws.update(rel)
        if not seen:
            return
        now = ws.check()
        appeared, gone = differences(self.shown, now)
        self.shown = now
        if not appeared and not gone:
            return
        for line in diagnostic_lines(gone):
            self.say(f"- {line}")
        for line in diagnostic_lines(appeared):
            self.say(f"+ {line}")
        self.say(f"{summary(now, len(ws.notes()))} (+{len(appeared)} -{len(gone)})")


def watch(root: Path, say: Callable[[str], None], *, config_file=None, select=None, ignore=None, plugins=True,
          use_cache=True, stop: threading.Event | None = None) -> None:
    """Check the vault at `root`, then again at each change until `stop` is
    set or Ctrl-C (KeyboardInterrupt, left to the caller)."""
    import watchfiles

    names = {watchfiles.Change.added: "added", watchfiles.Change.modified: "modified",
             watchfiles.Change.deleted: "deleted"}
    ws = Workspace.open(root, config_file=config_file, plugins=plugins, use_cache=use_cache, select=select,
                        ignore=ignore)
    watching = Watch(ws, say)
    watching.start()

    def wanted(change, path: str) -> bool:
        try:
            rel = Path(path).relative_to(ws.root).as_posix()
        except ValueError:
            return False
        return rel == CONFIG_NAME or rel.startswith(".obsidian/") or \
            not any(part.startswith(".") for part in rel.split("/"))

    for changes in watchfiles.watch(ws.root, watch_filter=wanted, stop_event=stop, debounce=100, step=20,
                                    raise_interrupt=True):
        watching.changed(sorted((names[c], Path(p)) for c, p in changes))

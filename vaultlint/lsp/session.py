"""What the language server holds between messages: the open documents, one
`vaultlint.workspace.Workspace` per vault root, and which roots are trusted.

It knows nothing of pygls (`server.py` wires it to the protocol): each method
takes the protocol's parameters and returns what to send, so that every
call runs on one thread (the workspace is not thread-safe) and the server
writes to the client from its own loop.

A document belongs to the vault whose root vaultlint finds for it as the
command line does (`vaultlint.vault.index.locate_root`: the nearest folder
with `.obsidian/` or `.vaultlint.toml`, else the top of its git work tree),
else to the client's workspace folder that holds it; a document in none of
these is outside any vault: it is said once on the log and gets no
diagnostics. Nothing here writes a file; the workspace keeps vaultlint's
cache (`.vaultlint_cache/`) as `vaultlint check` does, unless the client
passes the initialization option `"cache": false`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types

from ..api import UsageError
from ..config.schema import ConfigError
from ..config.settings import CONFIG_NAME, plugins_refused
from ..diagnostics import Diagnostic
from ..markdown.note import NoteReadError
from ..registry import PluginError
from ..vault.index import locate_root
from ..workspace import Workspace
from .convert import UTF16, LineIndex, apply_change, path_to_uri, to_lsp, uri_to_path

# Say(level, message, show): a message for the client's log, or shown to the user when `show`.
Say = Callable[[types.MessageType, str, bool], None]
Publication = tuple[str, int | None, list[types.Diagnostic]]

_LINE_IN_ERROR = re.compile(r"\bline (\d+)")


@dataclass
class Document:
    uri: str
    text: str
    version: int | None
    file: Path | None
    root: Path | None = None
    path: str | None = None  # vault-relative, "/"-separated
    index: LineIndex | None = None

    def lines(self, encoding: str) -> LineIndex:
        if self.index is None or self.index.text is not self.text or self.index.encoding != encoding:
            self.index = LineIndex(self.text, encoding)
        return self.index


class OutsideVault(Exception):
    """The document is in no vault: the request has no answer."""


class Session:
    def __init__(self, say: Say, trusted: Iterable[str | os.PathLike] = ()):
        self.say = say
        self.encoding: str = UTF16
        self.trust_all = False
        self.trusted = [Path(p).expanduser().resolve() for p in trusted]
        self.use_cache = True
        self.folders: list[Path] = []
        self.docs: dict[str, Document] = {}
        self.spaces: dict[Path, Workspace] = {}
        self.broken: dict[Path, str] = {}  # root -> why its workspace could not open (a bad config)
        self.pending: set[tuple[Path, str]] = set()  # notes whose diagnostics are to be published again
        self._told_outside: set[Path] = set()
        self._results: dict[str, str] = {}  # uri -> the resultId of the last pulled report

    # -- start --------------------------------------------------------------
    def initialize(self, params: types.InitializeParams, encoding: str) -> None:
        self.encoding = encoding or UTF16
        options = params.initialization_options
        if options is not None and not isinstance(options, dict):
            self.say(types.MessageType.Warning, "vaultlint: initializationOptions is not an object; ignored", False)
            options = {}
        options = options or {}
        if options.get("trusted") is True:
            self.trust_all = True
        roots = options.get("trustedRoots", [])
        if isinstance(roots, list):
            for root in roots:
                if isinstance(root, str):
                    self.trusted.append(Path(uri_to_path(root) or root).expanduser().resolve())
        if options.get("cache") is False:
            self.use_cache = False
        for folder in params.workspace_folders or []:
            if (path := uri_to_path(folder.uri)) is not None:
                self.folders.append(path.resolve())
        if not self.folders and params.root_uri and (path := uri_to_path(params.root_uri)) is not None:
            self.folders.append(path.resolve())

    def is_trusted(self, root: Path) -> bool:
        if plugins_refused():
            return False
        return self.trust_all or any(root == t or t in root.parents for t in self.trusted)

    # -- vaults ---------------------------------------------------------------
    def root_for(self, file: Path) -> Path | None:
        """The vault root of a file (see the module's docstring), or None."""
        folder = file.parent
        while not folder.is_dir() and folder != folder.parent:
            folder = folder.parent
        root, how = locate_root([folder])
        if how in ("marker", "git"):
            return root
        for wf in sorted(self.folders, key=lambda f: len(f.parts), reverse=True):
            if wf == folder or wf in folder.parents:
                return wf
        return None

    def workspace(self, root: Path) -> Workspace | None:
        """The open workspace of `root`, opened now if need be (None when its
        config is bad: the error is published on the config file)."""
        ws = self.spaces.get(root)
        if ws is not None or root in self.broken:
            return ws
        trusted = self.is_trusted(root)
        try:
            # One process: the engine's pool forks workers, and a process forked while the server's
            # other threads hold locks (the protocol's writer, logging) can wait on them for ever.
            ws = Workspace.open(root, plugins=trusted, use_cache=self.use_cache, jobs=1)
        except (ConfigError, PluginError, UsageError) as exc:
            self.broken[root] = str(exc)
            self.say(types.MessageType.Error, f"vaultlint: {root}: {exc}", True)
            return None
        self.spaces[root] = ws
        for doc in self.docs.values():  # what was typed before the vault was open
            if doc.root == root and doc.path is not None and doc.path.endswith(".md"):
                ws.update(doc.path, doc.text)
        self._tell_untrusted(ws, trusted)
        return ws

    def _tell_untrusted(self, ws: Workspace, trusted: bool) -> None:
        unloaded = ws.config.unloaded_plugins if not trusted else []
        if unloaded:
            names = ", ".join(f"`{p}`" for p in unloaded)
            self.say(types.MessageType.Warning,
                     f"vaultlint: {ws.root} is not a trusted folder: its plugins {names} were not loaded and their "
                     "rules do not run (trust it with the initialization option `trustedRoots` or "
                     "`vaultlint server --trust ROOT`)", True)

    def locate(self, uri: str) -> tuple[Workspace, str, Document]:
        """The workspace and vault path of an open document (OutsideVault
        when it has none)."""
        doc = self.docs.get(uri)
        if doc is None:
            doc = self._document(uri, None, None)
            if doc.file is not None and doc.file.is_file():
                try:
                    doc.text = doc.file.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    pass
        if doc.root is None or doc.path is None:
            raise OutsideVault(uri)
        ws = self.workspace(doc.root)
        if ws is None:
            raise OutsideVault(uri)
        return ws, doc.path, doc

    def _document(self, uri: str, text: str | None, version: int | None) -> Document:
        file = uri_to_path(uri)
        doc = Document(uri, text or "", version, file)
        if file is None:
            return doc
        file = Path(os.path.abspath(file))
        doc.file = file
        root = self.root_for(file)
        if root is None:
            if file.parent not in self._told_outside:
                self._told_outside.add(file.parent)
                self.say(types.MessageType.Info, f"vaultlint: {file} is in no vault (no .obsidian/ nor "
                         ".vaultlint.toml above it, nor a git work tree): not checked", False)
            return doc
        doc.root = root
        try:
            doc.path = file.relative_to(root).as_posix()
        except ValueError:  # (a symbolic link resolved elsewhere)
            doc.root = None
        return doc

    # -- documents --------------------------------------------------------------
    def open(self, item: types.TextDocumentItem) -> list[Publication]:
        doc = self._document(item.uri, item.text, item.version)
        self.docs[item.uri] = doc
        if doc.root is None or doc.path is None:
            return []
        if doc.path == CONFIG_NAME:
            return self._config_publication(doc.root)
        ws = self.workspace(doc.root)
        if ws is None:  # (its config is bad: said on the config file)
            return self._config_publication(doc.root)
        if doc.path.endswith(".md"):
            self._changed(doc.root, ws.update(doc.path, doc.text))
        self.pending.add((doc.root, doc.path))
        return self.flush()

    def change(self, params: types.DidChangeTextDocumentParams) -> None:
        doc = self.docs.get(params.text_document.uri)
        if doc is None:
            self.say(types.MessageType.Warning,
                     f"vaultlint: didChange for {params.text_document.uri}, which is not open; ignored", False)
            return
        for change in params.content_changes:
            doc.text = apply_change(doc.text, change, self.encoding)
        doc.version = params.text_document.version
        if doc.root is None or doc.path is None or not doc.path.endswith(".md"):
            return
        ws = self.spaces.get(doc.root)
        if ws is not None:
            self._changed(doc.root, ws.update(doc.path, doc.text))
            self.pending.add((doc.root, doc.path))

    def close(self, uri: str) -> list[Publication]:
        doc = self.docs.pop(uri, None)
        if doc is None or doc.root is None or doc.path is None:
            return []
        self.pending.discard((doc.root, doc.path))
        ws = self.spaces.get(doc.root)
        if ws is not None and doc.path.endswith(".md"):
            self._changed(doc.root, ws.close(doc.path))
        return [(uri, None, []), *self.flush()]

    def saved(self, uri: str) -> list[Publication]:
        doc = self.docs.get(uri)
        if doc is not None and doc.root is not None and doc.path == CONFIG_NAME:
            return self.config_changed(doc.root)
        return []

    def _changed(self, root: Path, paths: Iterable[str]) -> None:
        self.pending.update((root, p) for p in paths)

    def open_documents(self, root: Path) -> list[Document]:
        return [d for d in self.docs.values() if d.root == root and d.path is not None]

    def flush(self) -> list[Publication]:
        """The diagnostics of the open notes that changes made stale."""
        if not self.pending:
            return []
        pending, self.pending = self.pending, set()
        out = []
        for doc in list(self.docs.values()):
            if doc.root is not None and (doc.root, doc.path) in pending and doc.path != CONFIG_NAME:
                out.append((doc.uri, doc.version, self.diagnostics(doc)))
        return out

    def diagnostics(self, doc: Document) -> list[types.Diagnostic]:
        ws = self.spaces.get(doc.root) if doc.root is not None else None
        if ws is None or doc.path is None:
            return []
        found = ws.check(doc.path)
        index = doc.lines(self.encoding)
        return [to_lsp(d, index) for d in found]

    def check(self, uri: str) -> tuple[Workspace, str, Document, list[Diagnostic]]:
        ws, path, doc = self.locate(uri)
        return ws, path, doc, ws.check(path)

    # -- the files on disk --------------------------------------------------------
    def watched(self, changes: list[types.FileEvent]) -> list[Publication]:
        out: list[Publication] = []
        for change in changes:
            file = uri_to_path(change.uri)
            if file is None:
                continue
            file = Path(os.path.abspath(file))
            root = next((r for r in sorted(self.spaces, key=lambda r: len(r.parts), reverse=True)
                         if r in file.parents), None)
            root = root or next((r for r in self.broken if r in file.parents), None)
            if root is None:
                continue
            rel = file.relative_to(root).as_posix()
            if rel == CONFIG_NAME or rel.startswith(".obsidian/"):
                out += self.config_changed(root)
                continue
            ws = self.spaces.get(root)
            if ws is None or any(part.startswith(".") for part in rel.split("/")):
                continue  # (hidden files are no part of a vault: .git, the cache)
            held = any(d.root == root and d.path == rel for d in self.docs.values())
            if change.type == types.FileChangeType.Deleted:
                if rel in set(ws.files()):
                    self._changed(root, ws.remove(rel))
                else:
                    self._changed(root, ws.rescan())  # (a folder)
            elif file.is_dir():
                self._changed(root, ws.rescan())
            elif not held or change.type == types.FileChangeType.Created:
                text = next((d.text for d in self.docs.values() if d.root == root and d.path == rel), None)
                self._changed(root, ws.update(rel, text))
        return out + self.flush()

    def renamed(self, files: list[types.FileRename]) -> list[Publication]:
        for item in files:
            old, new = uri_to_path(item.old_uri), uri_to_path(item.new_uri)
            if old is None or new is None:
                continue
            old, new = Path(os.path.abspath(old)), Path(os.path.abspath(new))
            for root, ws in self.spaces.items():
                if root in old.parents and root in new.parents:
                    a, b = old.relative_to(root).as_posix(), new.relative_to(root).as_posix()
                    if a in set(ws.files()):
                        self._changed(root, ws.rename(a, b))
                    else:
                        self._changed(root, ws.rescan())
        return self.flush()

    def moves(self, old_uri: str, new_uri: str) -> tuple[Workspace, str, str] | None:
        """The workspace and the vault paths of a file about to move within one vault (None: not ours)."""
        old, new = uri_to_path(old_uri), uri_to_path(new_uri)
        if old is None or new is None:
            return None
        old, new = Path(os.path.abspath(old)), Path(os.path.abspath(new))
        root = self.root_for(old if old.suffix else old / "x.md")
        if root is None or root not in new.parents:
            return None
        ws = self.workspace(root)
        if ws is None:
            return None
        return ws, old.relative_to(root).as_posix(), new.relative_to(root).as_posix()

    # -- the config ----------------------------------------------------------------
    def config_changed(self, root: Path) -> list[Publication]:
        """`.vaultlint.toml` (or `.obsidian/`) changed: read it again. A bad
        config is a diagnostic on its file; the workspace keeps the last good one."""
        ws = self.spaces.get(root)
        if ws is None:
            self.broken.pop(root, None)
            ws = self.workspace(root)
            if ws is not None:
                self._changed(root, [d.path for d in self.open_documents(root)])
        else:
            try:
                self._changed(root, ws.reload_config())
                self.broken.pop(root, None)
                self._tell_untrusted(ws, self.is_trusted(root))
            except (ConfigError, PluginError) as exc:
                self.broken[root] = str(exc)
                self.say(types.MessageType.Error, f"vaultlint: {root / CONFIG_NAME}: {exc}", False)
        return self._config_publication(root) + self.flush()

    def _config_publication(self, root: Path) -> list[Publication]:
        uri = path_to_uri(root / CONFIG_NAME)
        doc = self.docs.get(uri)
        error = self.broken.get(root)
        if error is None:
            return [(uri, doc.version if doc else None, [])]
        line = 0
        if (m := _LINE_IN_ERROR.search(error)) is not None:
            line = max(int(m.group(1)) - 1, 0)
        diagnostic = types.Diagnostic(
            range=types.Range(types.Position(line, 0), types.Position(line + 1, 0)),
            message=error, severity=types.DiagnosticSeverity.Error, source="vaultlint", code="config")
        return [(uri, doc.version if doc else None, [diagnostic])]

    # -- the pull model -------------------------------------------------------------
    def pull_document(self, uri: str, previous: str | None):
        try:
            ws, path, doc = self.locate(uri)
        except OutsideVault:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        if path == CONFIG_NAME:
            return types.RelatedFullDocumentDiagnosticReport(items=self._config_publication(doc.root)[0][2])
        items = self.diagnostics(doc) if uri in self.docs else self._disk_diagnostics(ws, path)
        result = _result_id(items)
        if previous == result:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result)
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result)

    def _disk_diagnostics(self, ws: Workspace, path: str) -> list[types.Diagnostic]:
        found = ws.check(path)
        if not found:
            return []
        try:
            index = LineIndex(ws.text(path), self.encoding)
        except NoteReadError:
            index = LineIndex("", self.encoding)
        return [to_lsp(d, index) for d in found]

    def pull_workspace(self, previous: list[types.PreviousResultId]) -> types.WorkspaceDiagnosticReport:
        before = {p.uri: p.value for p in previous or []}
        for root in self.folders:  # the client's folders that are vaults
            if root not in self.spaces and root not in self.broken and (
                    self.root_for(root / "x.md") == root):
                self.workspace(root)
        reports: list = []
        for root, ws in list(self.spaces.items()):
            by_path: dict[str, list[Diagnostic]] = {}
            for d in ws.check():
                by_path.setdefault(d.path, []).append(d)
            for path, found in by_path.items():
                uri = path_to_uri(root / path)
                doc = self.docs.get(uri)
                try:
                    text = doc.text if doc is not None else ws.text(path)
                except NoteReadError:
                    text = ""
                index = LineIndex(text, self.encoding)
                items = [to_lsp(d, index) for d in found]
                result = _result_id(items)
                version = doc.version if doc is not None else None
                if before.get(uri) == result:
                    reports.append(types.WorkspaceUnchangedDocumentDiagnosticReport(
                        uri=uri, version=version, result_id=result))
                else:
                    reports.append(types.WorkspaceFullDocumentDiagnosticReport(
                        uri=uri, version=version, items=items, result_id=result))
            for uri in before:  # notes that had problems and have none now
                file = uri_to_path(uri)
                if file is not None and root in file.parents and file.relative_to(root).as_posix() not in by_path:
                    reports.append(types.WorkspaceFullDocumentDiagnosticReport(uri=uri, version=None, items=[]))
        return types.WorkspaceDiagnosticReport(items=reports)


def _result_id(items: list[types.Diagnostic]) -> str:
    digest = hashlib.blake2b(digest_size=8)
    for d in items:
        digest.update(repr((d.range, d.message, d.code)).encode())
    return digest.hexdigest()

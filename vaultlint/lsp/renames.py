"""Renames, as edits the client applies (the server writes no file):

- `workspace/willRenameFiles`: a file or folder about to be renamed in the
  editor; the answer rewrites every link to it as `vaultlint mv` would
  (the same plan, `vaultlint.fix.move.plan`, made on the workspace's vault,
  unsaved buffers included), before the client renames the file;
- `textDocument/rename` on a heading: the heading's text, and every
  `[[note#heading]]` link to it (in this note too: `[[#heading]]`);
- `textDocument/rename` on a link's target: the note is renamed (a rename
  operation in the edit) and every link to it rewritten as by `vaultlint mv`.
"""

from __future__ import annotations

import posixpath
import re

from lsprotocol import types

from ..fix import move as move_module
from ..markdown.note import NoteReadError
from ..rules.broken_heading import subpath_span
from ..vault.index import heading_key
from ..workspace import Workspace
from .actions import text_edits
from .convert import LineIndex, path_to_uri
from .navigation import heading_at, last_part, link_at, target_of

_NOT_IN_HEADINGS = re.compile(r"[\[\]|#^]")


class RenameRefused(Exception):
    """The rename cannot be done; the message says why (sent as the request's error)."""


def moved_links(ws: Workspace, moves: list[tuple[str, str]], encoding: str) -> dict[str, list[types.TextEdit]]:
    """uri -> the edits that keep every link leading where it led once each
    (old, new) vault path is renamed. Edits are of the notes' current texts
    at their old places (the client applies them before it renames)."""
    out: dict[str, list[types.TextEdit]] = {}
    for old, new in moves:
        try:
            planned = move_module.plan(ws.vault, old, new)
        except move_module.MoveError as exc:
            raise RenameRefused(str(exc)) from None
        for path, text in planned.texts.items():
            before = planned.originals[path].text
            out.setdefault(path_to_uri(ws.root / path), []).extend(text_edits(before, text, encoding))
    return out


def heading_span(text: str, heading) -> tuple[int, int]:
    """Where a heading's text is written in its line (after the `#` marks, before closing ones)."""
    line = text[heading.start:heading.end]
    at = line.find(heading.text) if heading.text else -1
    if at == -1:
        at = len(line)
    return heading.start + at, heading.start + at + len(heading.text)


def prepare(ws: Workspace, path: str, offset: int, encoding: str) -> types.PrepareRenamePlaceholder | None:
    note = ws.note(path)
    index = LineIndex(note.text, encoding)
    heading = heading_at(note, offset)
    if heading is not None and heading.text:
        s, e = heading_span(note.text, heading)
        return types.PrepareRenamePlaceholder(index.range(s, e), heading.text)
    link = link_at(note, offset)
    if link is not None and link.target:
        target = target_of(ws, path, link)
        if target is not None:
            name = posixpath.basename(target.path)
            return types.PrepareRenamePlaceholder(index.range(link.target_start, link.target_end),
                                                  name[:-3] if name.endswith(".md") else name)
    return None


def rename(ws: Workspace, path: str, offset: int, new_name: str, encoding: str) -> types.WorkspaceEdit:
    note = ws.note(path)
    heading = heading_at(note, offset)
    if heading is not None and heading.text:
        return _rename_heading(ws, path, heading, new_name, encoding)
    link = link_at(note, offset)
    if link is not None and link.target:
        target = target_of(ws, path, link)
        if target is None:
            raise RenameRefused(f"`{link.target}` leads to no file: nothing to rename")
        return _rename_file(ws, target.path, new_name, encoding)
    raise RenameRefused("vaultlint renames a heading (with the links to it) or the note a link names")


def _rename_heading(ws: Workspace, path: str, heading, new_name: str, encoding: str) -> types.WorkspaceEdit:
    new = " ".join(new_name.split())
    if not new or _NOT_IN_HEADINGS.search(new):
        raise RenameRefused("a heading that links name cannot be empty nor hold [ ] | # ^")
    key = heading_key(heading.text)
    edits: dict[str, list[types.TextEdit]] = {}
    note = ws.note(path)
    s, e = heading_span(note.text, heading)
    uri = path_to_uri(ws.root / path)
    edits[uri] = [types.TextEdit(LineIndex(note.text, encoding).range(s, e), new)]
    sources = [(source, link) for source, link in ws.backlinks(path)]
    sources += [(path, link) for link in note.links if not link.target]
    indexes: dict[str, tuple] = {}
    for source, link in sources:
        if not link.subpath or link.is_block_ref or heading_key(last_part(link.subpath)) != key:
            continue
        try:
            if source not in indexes:
                linking = ws.note(source)
                indexes[source] = (linking, LineIndex(linking.text, encoding))
        except NoteReadError:
            continue
        linking, index = indexes[source]
        span = subpath_span(linking, link)
        if span is None:
            continue
        written = linking.text[span[0]:span[1]]
        # Only the last part of a nested `#A#B` names the heading.
        at = written.rfind(last_part(link.subpath))
        start = span[0] + (at if at != -1 else 0)
        end = start + len(last_part(link.subpath)) if at != -1 else span[1]
        edits.setdefault(path_to_uri(ws.root / source), []).append(types.TextEdit(index.range(start, end), new))
    return types.WorkspaceEdit(changes=edits)


def _rename_file(ws: Workspace, old: str, new_name: str, encoding: str) -> types.WorkspaceEdit:
    new_name = new_name.strip()
    if not new_name or "/" in new_name.strip("/") and new_name.startswith(".."):
        raise RenameRefused("give the new name of the note (a name, or a path in the vault)")
    folder = posixpath.dirname(old)
    suffix = posixpath.splitext(old)[1]
    new = new_name if "/" in new_name else posixpath.join(folder, new_name)
    if suffix and not new.endswith(suffix):
        new += suffix
    new = posixpath.normpath(new)
    if new.startswith("../") or new == old:
        raise RenameRefused(f"{new_name}: not a new place in the vault")
    if (ws.root / new).exists():
        raise RenameRefused(f"{new} exists already")
    changes = moved_links(ws, [(old, new)], encoding)
    document_changes: list = [
        types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None), edits)
        for uri, edits in changes.items()]
    document_changes.append(types.RenameFile(old_uri=path_to_uri(ws.root / old), new_uri=path_to_uri(ws.root / new)))
    return types.WorkspaceEdit(document_changes=document_changes)

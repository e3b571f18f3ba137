"""Going from a link to what it names: definition, references (backlinks),
hover, the outline of a note's headings and the vault's notes as symbols.

Every answer comes from the workspace: a link is resolved as the link
rules resolve it (`Workspace.resolve`), so "go to definition" goes where
`vaultlint check` says the link leads.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from ..markdown.note import Note, NoteReadError
from ..markdown.scanner import BlockId, Heading, Link
from ..vault.index import Status, heading_key
from ..workspace import Workspace
from .convert import LineIndex, path_to_uri

HOVER_LINES = 20
HOVER_CHARACTERS = 2000
SYMBOLS_LIMIT = 200


def link_at(note: Note, offset: int) -> Link | None:
    """The link whose text holds `offset` (its last character too: the cursor just after `]]`)."""
    for link in note.links:
        if link.start <= offset <= link.end:
            return link
    return None


def heading_at(note: Note, offset: int) -> Heading | None:
    for heading in note.body.headings:
        if heading.start <= offset <= heading.end:
            return heading
    return None


def last_part(subpath: str) -> str:
    """The heading a `#A#B` subpath names: its last part."""
    parts = [p for p in subpath.split("#") if p.strip()]
    return parts[-1] if parts else ""


def find_heading(note: Note, subpath: str) -> Heading | None:
    """The heading a link's `#A#B` subpath names (its last part, as Obsidian compares headings)."""
    if not last_part(subpath):
        return None
    wanted = heading_key(last_part(subpath))
    return next((h for h in note.body.headings if heading_key(h.text) == wanted), None)


def find_block(note: Note, subpath: str) -> BlockId | None:
    wanted = subpath.lstrip("^").strip()
    return next((b for b in note.body.block_ids if b.id == wanted), None)


def section_end(note: Note, heading: Heading) -> int:
    """Where the section under `heading` ends: at the next heading of its level or above, or the note's end."""
    after = [h.start for h in note.body.headings if h.start > heading.start and h.level <= heading.level]
    return min(after) if after else len(note.text)


class Target:
    """Where a link leads: the file, and the span in it (the heading's or block's), if any."""

    def __init__(self, ws: Workspace, path: str, start: int = 0, end: int = 0, note: Note | None = None,
                 heading: Heading | None = None, block: BlockId | None = None):
        self.ws, self.path, self.start, self.end = ws, path, start, end
        self.note, self.heading, self.block = note, heading, block

    @property
    def uri(self) -> str:
        return path_to_uri(self.ws.root / self.path)


def target_of(ws: Workspace, source: str, link: Link) -> Target | None:
    """Where `link`, written in the note `source`, leads (None: nowhere)."""
    path = source if not link.target else ws.resolve(link.target, source, link.subpath).path
    if path is None:
        return None
    if not path.endswith(".md"):
        return Target(ws, path)
    try:
        note = ws.note(path)
    except NoteReadError:
        return Target(ws, path)
    if link.subpath:
        if link.is_block_ref:
            block = find_block(note, link.subpath)
            if block is not None:
                return Target(ws, path, block.start, block.end, note, block=block)
        else:
            heading = find_heading(note, link.subpath)
            if heading is not None:
                return Target(ws, path, heading.start, heading.end, note, heading=heading)
    return Target(ws, path, 0, 0, note)


def definition(ws: Workspace, path: str, offset: int, encoding: str) -> types.Location | None:
    link = link_at(ws.note(path), offset)
    if link is None:
        return None
    target = target_of(ws, path, link)
    if target is None:
        return None
    index = LineIndex(target.note.text if target.note is not None else "", encoding)
    return types.Location(target.uri, index.range(target.start, target.end))


def references(ws: Workspace, path: str, offset: int, encoding: str, include_declaration: bool):
    """The links to what is at `offset`: the target of the link there, the
    heading there (links to that heading only), or else the note itself."""
    note = ws.note(path)
    wanted, heading = path, heading_at(note, offset)
    link = link_at(note, offset)
    if link is not None:
        target = target_of(ws, path, link)
        if target is None:
            return []
        wanted, heading = target.path, target.heading
    found = list(ws.backlinks(wanted))
    if wanted.endswith(".md"):
        try:  # (links inside the note, `[[#Heading]]`, are no backlinks)
            found += [(wanted, link) for link in ws.note(wanted).links if not link.target]
        except NoteReadError:
            pass
    if heading is not None:
        key = heading_key(heading.text)
        found = [(s, link) for s, link in found
                 if link.subpath and not link.is_block_ref and heading_key(last_part(link.subpath)) == key]
    out = []
    indexes: dict[str, LineIndex] = {}
    for source, link in found:
        if source not in indexes:
            indexes[source] = LineIndex(ws.text(source), encoding)
        out.append(types.Location(path_to_uri(ws.root / source), indexes[source].range(link.start, link.end)))
    if include_declaration and heading is not None and wanted.endswith(".md"):
        index = LineIndex(ws.text(wanted), encoding)
        out.insert(0, types.Location(path_to_uri(ws.root / wanted), index.range(heading.start, heading.end)))
    return out


def hover(ws: Workspace, path: str, offset: int, encoding: str) -> types.Hover | None:
    note = ws.note(path)
    link = link_at(note, offset)
    if link is None:
        return None
    index = LineIndex(note.text, encoding)
    span = index.range(link.start, link.end)
    target = target_of(ws, path, link)
    if target is None:
        status = ws.resolve(link.target, path, link.subpath).status if link.target else Status.MISSING
        text = f"`{link.target}`: no such file in the vault ({status.value})"
        return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), span)
    if target.note is None:
        text = f"**{target.path}**"
    else:
        target_note = target.note
        if target.heading is not None:
            body = target_note.text[target.heading.start:section_end(target_note, target.heading)]
        elif target.block is not None:
            start = target_note.text.rfind("\n\n", 0, target.block.start)
            body = target_note.text[start + 2 if start != -1 else target_note.body_start:target.block.end]
        else:
            body = target_note.text[target_note.body_start:]
        lines = body.strip("\n").splitlines()[:HOVER_LINES]
        body = "\n".join(lines)[:HOVER_CHARACTERS]
        text = f"**{target.path}**\n\n---\n\n{body}"
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), span)


def document_symbols(ws: Workspace, path: str, encoding: str) -> list[types.DocumentSymbol]:
    """The headings as an outline: each under the nearest heading above it of a lower level."""
    note = ws.note(path)
    index = LineIndex(note.text, encoding)
    top: list[types.DocumentSymbol] = []
    stack: list[tuple[int, types.DocumentSymbol]] = []
    for heading in note.body.headings:
        end = section_end(note, heading)
        while end > heading.end and note.text[end - 1] in "\r\n":
            end -= 1
        symbol = types.DocumentSymbol(
            name=heading.text.strip() or "(empty heading)", detail="#" * heading.level,
            kind=types.SymbolKind.String, range=index.range(heading.start, max(end, heading.end)),
            selection_range=index.range(heading.start, heading.end), children=[])
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        (stack[-1][1].children if stack else top).append(symbol)
        stack.append((heading.level, symbol))
    return top


def workspace_symbols(spaces: list[Workspace], query: str) -> list[types.WorkspaceSymbol]:
    """The notes whose names hold the query's characters in order (as editors' pickers match), shortest first."""
    wanted = query.casefold()
    found = []
    for ws in spaces:
        for path in ws.notes():
            name = path.rsplit("/", 1)[-1][:-3]
            folded = name.casefold()
            if _in_order(wanted, folded):
                found.append((not folded.startswith(wanted), wanted not in folded, len(name), path, ws))
    found.sort(key=lambda f: f[:4])
    out = []
    for *_rank, path, ws in found[:SYMBOLS_LIMIT]:
        folder, _, base = path.rpartition("/")
        out.append(types.WorkspaceSymbol(
            name=base[:-3], kind=types.SymbolKind.File, container_name=folder or None,
            location=types.Location(path_to_uri(Path(ws.root) / path), types.Range(types.Position(0, 0),
                                                                                    types.Position(0, 0)))))
    return out


def _in_order(wanted: str, text: str) -> bool:
    at = 0
    for c in wanted:
        at = text.find(c, at)
        if at == -1:
            return False
        at += 1
    return True

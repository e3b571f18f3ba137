"""Completion inside links and front-matter.

- after `[[`: the vault's notes and their aliases (an alias inserts
  `Note|alias`, as Obsidian does); after `![[` attachments too;
- after `[[Note#`: that note's headings; after `[[Note#^`: its block ids;
- at the start of a line of the front-matter: the property names
  `.obsidian/types.json` declares.

Names are ranked: those that begin with what was typed (shortest first),
then those that hold it, then the closest by rapidfuzz's ratio; at most
`LIMIT` are sent, marked incomplete so that the client asks again as the
user types. A note whose name another file shares is inserted with its
path, so the link leads where the user chose.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from lsprotocol import types

from ..checks.obsidian_types import declared_types
from ..markdown.note import NoteReadError
from ..workspace import Workspace
from .convert import LineIndex

LIMIT = 50
# The link being written, from its `[[` to the cursor: embed mark, target, `#`, subpath.
_OPEN_LINK = re.compile(r"(!?)\[\[([^\[\]|#]*)(?:(#)([^\[\]|]*))?$")
_PROPERTY = re.compile(r"^([\w-]*)$")
_NOT_IN_LINKS = re.compile(r"[\[\]|#^]+")


@dataclass(frozen=True, slots=True)
class Entry:
    folded: str
    label: str
    insert: str
    kind: types.CompletionItemKind
    detail: str
    attachment: bool = False


class Names:
    """The names a link may be completed with, sorted by their folded form."""

    def __init__(self, ws: Workspace):
        stems = Counter(_stem(p).casefold() for p in ws.files())
        entries = []
        for path in ws.files():
            stem = _stem(path)
            note = path.endswith(".md")
            name = stem if note else path.rsplit("/", 1)[-1]
            unique = stems[stem.casefold()] == 1
            insert = name if unique else (path[:-3] if note else path)
            kind = types.CompletionItemKind.File if note else types.CompletionItemKind.Reference
            entries.append(Entry(name.casefold(), name, insert, kind, path, attachment=not note))
        for path, aliases in ws.vault.every_alias or ():
            stem = _stem(path)
            target = stem if stems[stem.casefold()] == 1 else path[:-3]
            for alias in aliases:
                if alias and not _NOT_IN_LINKS.search(alias):
                    entries.append(Entry(alias.casefold(), alias, f"{target}|{alias}",
                                         types.CompletionItemKind.Text, f"alias of {path}"))
        entries.sort(key=lambda e: (e.folded, e.label))
        self.entries = entries
        self.folded = [e.folded for e in entries]

    def rank(self, typed: str, attachments: bool, limit: int = LIMIT) -> tuple[list[Entry], bool]:
        """The best `limit` entries for what was typed; and whether there were more."""
        wanted = typed.strip().casefold()
        usable = (lambda e: True) if attachments else (lambda e: not e.attachment)
        if not wanted:
            out = [e for e in self.entries if usable(e)]
            return out[:limit], len(out) > limit
        at = bisect.bisect_left(self.folded, wanted)
        prefix = []
        while at < len(self.folded) and self.folded[at].startswith(wanted):
            if usable(self.entries[at]):
                prefix.append(self.entries[at])
            at += 1
        prefix.sort(key=lambda e: (len(e.label), e.folded))
        out, seen = prefix[:limit], set(map(id, prefix[:limit]))
        if len(out) < limit:
            inside = [e for e in self.entries if wanted in e.folded and id(e) not in seen and usable(e)]
            inside.sort(key=lambda e: (e.folded.find(wanted), len(e.label)))
            out += inside[:limit - len(out)]
            seen.update(map(id, out))
        if len(out) < limit:
            from rapidfuzz import fuzz, process

            for _name, _score, i in process.extract(wanted, self.folded, scorer=fuzz.QRatio, limit=limit * 2,
                                                    score_cutoff=50):
                entry = self.entries[i]
                if id(entry) not in seen and usable(entry):
                    out.append(entry)
                    seen.add(id(entry))
                    if len(out) >= limit:
                        break
        return out, len(prefix) > limit or len(out) >= limit


def _stem(path: str) -> str:
    base = path.rsplit("/", 1)[-1]
    return base[:-3] if base.lower().endswith(".md") else base


_names: dict[int, tuple[tuple[int, int], Names]] = {}


def names_of(ws: Workspace) -> Names:
    """The workspace's names, made again when its files or aliases changed
    (the workspace makes a new vault then, and a new alias list)."""
    key = (id(ws.vault), id(ws.vault.every_alias))
    held = _names.get(id(ws))
    if held is None or held[0] != key:
        held = (key, Names(ws))
        _names[id(ws)] = held
    return held[1]


def complete(ws: Workspace, path: str, text: str, offset: int, encoding: str) -> types.CompletionList | None:
    index = LineIndex(text, encoding)
    position = index.position(offset)
    line_start = index.starts[position.line]
    before = text[line_start:offset]
    after = text[offset:index.line_end(position.line)]
    m = _OPEN_LINK.search(before)
    if m is not None:
        return _link_completion(ws, path, m, index, offset, after)
    if _in_frontmatter(text, line_start) and (p := _PROPERTY.match(before)) is not None:
        return _property_completion(ws, p.group(1), index, offset)
    return None


def _link_completion(ws, path, m: re.Match, index: LineIndex, offset: int, after: str) -> types.CompletionList:
    embed, target, hash_mark, subpath = m.group(1), m.group(2), m.group(3), m.group(4)
    closing = "" if after.startswith(("]]", "|", "#")) else "]]"
    if hash_mark is None:
        start = offset - len(target)
        found, more = names_of(ws).rank(target, attachments=bool(embed))
        items = [_item(e.label, e.insert + closing, e.kind, e.detail, index, start, offset, i)
                 for i, e in enumerate(found)]
        return types.CompletionList(is_incomplete=more, items=items)
    start = offset - len(subpath)
    linked = path if not target.strip() else ws.resolve(target.strip(), path).path
    items = []
    if linked is not None and linked.endswith(".md"):
        try:
            note = ws.note(linked)
        except NoteReadError:
            note = None
        if note is not None and subpath.startswith("^"):
            items = [_item(f"^{b.id}", f"^{b.id}{closing}", types.CompletionItemKind.Reference, linked, index, start,
                           offset, i) for i, b in enumerate(note.body.block_ids)]
        elif note is not None:
            items = [_item(h.text, " ".join(_NOT_IN_LINKS.sub(" ", h.text).split()) + closing,
                           types.CompletionItemKind.Field, "#" * h.level, index, start, offset, i)
                     for i, h in enumerate(note.body.headings) if h.text.strip()]
    return types.CompletionList(is_incomplete=False, items=items)


def _item(label, insert, kind, detail, index: LineIndex, start: int, end: int, rank: int) -> types.CompletionItem:
    return types.CompletionItem(
        label=label, kind=kind, detail=detail, sort_text=f"{rank:05d}", filter_text=label,
        text_edit=types.TextEdit(index.range(start, end), insert))


def _in_frontmatter(text: str, line_start: int) -> bool:
    """Whether the line at `line_start` is inside the front-matter block (which may not be closed yet)."""
    if not text.startswith("---") or line_start == 0:
        return False
    first = text.find("\n")
    if first == -1 or text[:first].rstrip() != "---":
        return False
    closing = re.compile(r"^(---|\.\.\.)[ \t]*\r?$", re.M).search(text, first + 1)
    return closing is None or line_start <= closing.start()


def _property_completion(ws, typed: str, index: LineIndex, offset: int) -> types.CompletionList:
    names = declared_types(ws.root)
    items = [_item(name, f"{name}: ", types.CompletionItemKind.Property, kind, index, offset - len(typed), offset, i)
             for i, (name, kind) in enumerate(sorted(names.items())) if name.casefold().startswith(typed.casefold())]
    return types.CompletionList(is_incomplete=False, items=items)

"""The vault's links as a whole: who links where, what is missing, what is
alone, what is ambiguous, what is written twice. Shared by the rules that
need the whole graph (`orphan-note`) and by `vaultlint links`, the
maintenance view:

    vaultlint links [PATH] [--top 20] [--output-format json]

prints the most wanted missing notes (targets ranked by how many links
point at them, with the notes linking there), the orphans (notes no other
note links to), the ambiguous names (several files fit one link) and the
near-duplicate notes (names that differ by a typo or a word form).
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field

from ..markdown.note import Note, NoteReadError
from ..markdown.scanner import Link
from .index import Status, Vault, slugify

# The kinds of file whose links are links (`Note.kind`): Markdown notes and
# canvases. The link rules check them, and the graph counts their links.
LINKING = ("markdown", "canvas")


@dataclass
class Missing:
    """A link target that resolves to nothing, and who wants it."""

    target: str  # as most often written
    links: int = 0
    notes: dict[str, int] = field(default_factory=dict)  # linking note -> links from it
    spellings: dict[str, int] = field(default_factory=dict)


@dataclass
class LinkGraph:
    inbound: dict[str, set[str]]  # file -> the other notes linking to it
    missing: dict[str, Missing]  # normalised target -> who wants it
    ambiguous: dict[str, tuple[str, ...]]  # target as written -> the files that fit
    notes: list[str]  # every readable note


@dataclass(slots=True)
class NoteLinks:
    """A note's links sorted by what the link rules ask of them, each
    target looked up once for all of them."""

    missing: list[Link] = field(default_factory=list)  # no file fits the target
    several: list[tuple[Link, tuple[str, ...]]] = field(default_factory=list)  # and the files that fit
    to_heading: list[Link] = field(default_factory=list)  # with a heading part (`#Heading`)
    to_block: list[Link] = field(default_factory=list)  # with a block part (`#^id`)


def note_links(note: Note, ctx) -> NoteLinks:
    """The links of `note` (front-matter and body) as `NoteLinks`, made once
    per note for the rules that check it."""
    return ctx.of_note(note, "links", lambda note: _sort_links(note, ctx.vault))


def _sort_links(note: Note, vault: Vault) -> NoteLinks:
    out = NoteLinks()
    find, source = vault.candidates, note.path
    for link in note.links:
        target, sub = link.target, link.subpath
        if target:
            found = find(target, source)
            if not found:
                out.missing.append(link)
            elif len(found) > 1:
                out.several.append((link, found))
        if sub:
            (out.to_block if sub[0] == "^" else out.to_heading).append(link)
    return out


def missing_key(vault: Vault, target: str) -> str:
    """One key for the spellings of one missing note (`Foo`, `foo.md`)."""
    name = target.replace("\\", "/").strip()
    if name.lower().endswith(".md"):
        name = name[:-3]
    if vault.resolution == "slug":  # `Some Name` and `some_name` are one page
        return slugify(name)
    return vault.key(name)


def link_graph(vault: Vault) -> LinkGraph:
    """Resolve every link of every note (and canvas) once."""
    inbound: dict[str, set[str]] = defaultdict(set)
    missing: dict[str, Missing] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    notes = []
    for path in vault.checked_paths:
        try:
            note = vault.note(path)
        except NoteReadError:
            continue
        if note.kind not in LINKING:
            continue
        if note.kind == LINKING[0]:  # (a canvas links to notes, but is no note to be an orphan)
            notes.append(path)
        for link in note.links:
            if not link.target:
                continue
            res = vault.resolve(link, path)
            if res.status is Status.MISSING:
                entry = missing.setdefault(missing_key(vault, link.target), Missing(link.target))
                entry.links += 1
                entry.notes[path] = entry.notes.get(path, 0) + 1
                entry.spellings[link.target] = entry.spellings.get(link.target, 0) + 1
                continue
            if res.path != path:
                inbound[res.path].add(path)
            if is_ambiguous(vault, link.target, path, res.candidates):
                ambiguous.setdefault(link.target, res.candidates)
    for entry in missing.values():
        entry.target = max(entry.spellings, key=lambda s: (entry.spellings[s], s))
    return LinkGraph(dict(inbound), missing, ambiguous, notes)


def is_ambiguous(vault: Vault, target: str, source: str, candidates: tuple[str, ...]) -> bool:
    """Several files fit, and the link does not spell the path of one of them
    (names that differ only in case are ambiguous even then)."""
    if len(candidates) < 2:
        return False
    spelled = [p for p in candidates if _spells(vault, target, source, p)]
    return len(spelled) != 1  # none spelled, or several that differ only in case


def _spells(vault: Vault, target: str, source: str, path: str) -> bool:
    target = target.replace("\\", "/").lstrip("/")
    stem = path[:-3] if path.lower().endswith(".md") else path
    folder = posixpath.dirname(source)
    options = {target, f"{folder}/{target}" if folder else target}
    return any(vault.key(o) in (vault.key(path), vault.key(stem)) for o in options)


def qualified(path: str, others) -> str:
    """The shortest path suffix (without `.md`) that names `path` and none
    of `others`: how to write a link that means this file only."""
    stem = path[:-3] if path.lower().endswith(".md") else path
    parts = stem.split("/")
    for n in range(1, len(parts) + 1):
        suffix = "/".join(parts[-n:])
        clash = [o for o in others if o != path and _ends_with(o, suffix)]
        if not clash:
            return suffix
    return stem  # only the case differs: the full path, as written on disk


def _ends_with(path: str, suffix: str) -> bool:
    stem = path[:-3] if path.lower().endswith(".md") else path
    stem, suffix = stem.casefold(), suffix.casefold()
    return stem == suffix or stem.endswith("/" + suffix)

"""`vaultlint mv`: rename a note, a folder or an attachment and rewrite every
link to it, as Obsidian does inside the app.

The plan is made before anything moves. Every link of every note is
resolved twice: in the vault as it is, and in the vault as it will be (the
same index over the renamed file list). A link whose target moves, or whose
meaning the move would change (a short name that another file now shares),
is rewritten in its own style: a short name stays short when it is still
unique and is qualified with its path when not; a path from the root stays
one, a relative path is recomputed from the note's new folder, `.md` is kept
or left out as it was, a Markdown link stays percent-encoded (or in its
`<...>` form); the alias and the `#heading` or `#^block` part are never
touched. Links that did not resolve before are left as they are.

`merge` uses the same machinery without moving a file: links to DUP are
rewritten to KEEP, and both texts stay for the keeper to combine.
"""

from __future__ import annotations

import copy
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ..diagnostics import Edit
from ..formats.canvas import CANVAS, json_string_text
from ..markdown.note import Note, NoteReadError
from ..markdown.scanner import Link
from ..markdown.words import counted
from ..vault.index import HIDDEN_PREFIX, Vault
from .fixer import apply_edits, unified_diff
from .writer import WriteRefused, inside, write_note

# Characters a wiki-link target cannot hold.
_WIKI_FORBIDDEN = set("|#[]^")
# What stays as written in a Markdown link's URL (the rest is %-encoded;
# parentheses too, since an unbalanced one would end the link).
_URL_SAFE = "/!$&'*+,;=:@~"


class MoveError(Exception):
    """The move cannot be done; nothing was changed."""


@dataclass
class Move:
    root: Path
    mapping: dict[str, str]  # every file that moves: old path -> new path
    folder: tuple[str, str] | None = None  # (old, new) when a whole folder moves
    merge: bool = False
    originals: dict[str, Note] = field(default_factory=dict)  # notes whose links change, by old path
    texts: dict[str, str] = field(default_factory=dict)  # their new texts, by old path
    links: int = 0  # links rewritten
    relinked: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # old path -> [(link as written, now)]
    warnings: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # the renames done
    baseline: tuple[str, int] | None = None  # (the baseline file, how many of its entries changed with the move)

    def new_path(self, path: str) -> str:
        return self.mapping.get(path, path) if not self.merge else path

    def renames(self) -> list[tuple[str, str]]:
        if self.merge:
            return []
        return [self.folder] if self.folder else list(self.mapping.items())

    def diff(self) -> str:
        out = [f"rename {old} -> {new}\n" for old, new in self.renames()]
        for path in sorted(self.texts):
            out.append(unified_diff(self.new_path(path), self.originals[path].text, self.texts[path]))
        return "".join(out)

    def summary(self, dry_run: bool = False) -> str:
        notes = len(self.texts)
        verb = "Would rewrite" if dry_run else "Rewrote"
        moved = ""
        if self.renames():
            old, new = self.renames()[0]
            files = f" ({counted(len(self.mapping), 'file')})" if self.folder else ""
            moved = f"{'Would move' if dry_run else 'Moved'} {old} to {new}{files}; "
            verb = verb.lower()
        text = f"{moved}{verb} {self.links} link{_s(self.links)} in {notes} note{_s(notes)}."
        if self.baseline is not None and self.baseline[1]:
            file, n = self.baseline
            text += (f"\n{n} {'entry' if n == 1 else 'entries'} of the baseline {file} "
                     f"{'would follow' if dry_run else 'followed'} the move.")
        if self.merge:
            dup, keep = next(iter(self.mapping.items()))
            text += (f"\nLinks to {dup} now lead to {keep}. Both texts are left as they were: "
                     f"combine what {dup} adds into {keep}, then delete {dup}.")
        return "\n".join([text, *(f"warning: {w}" for w in self.warnings)])


def _s(n: int) -> str:
    return "" if n == 1 else "s"


# --------------------------------------------------------------------------
# Planning


def plan(vault: Vault, old: str, new: str, *, merge: bool = False) -> Move:
    """What moving `old` to `new` (vault-relative paths) will do."""
    mapping, folder = _mapping(vault, old, new, merge)
    move = Move(vault.root, mapping, folder, merge)
    after = _renamed(vault, move)
    for path in vault.checked_paths:  # (the notes, and the canvases: file nodes and cards link)
        try:
            note = vault.note(path)
        except NoteReadError:
            continue
        rewritten = [(link, e) for link in note.links if (e := _rewrite(vault, after, move, note, link)) is not None]
        if rewritten:
            edits = [e for _link, e in rewritten]
            move.originals[path] = note
            move.texts[path] = apply_edits(note.text, edits)
            move.links += len(edits)
            # (What a baseline's entries for the note hold of its links: see `baseline.Baseline.moved`.)
            move.relinked[path] = [
                (note.text[link.start : link.end],
                 note.text[link.start : e.start] + e.content + note.text[e.end : link.end])
                for link, e in rewritten if link.start <= e.start <= e.end <= link.end
            ]
    return move


def _mapping(vault: Vault, old: str, new: str, merge: bool) -> tuple[dict[str, str], tuple[str, str] | None]:
    """(every file that moves: old path -> new path, (old, new) when a folder moves)."""
    old, new = old.strip("/"), new.strip("/")
    if merge:
        for path in (old, new):
            if path not in vault.files:
                raise MoveError(f"{path}: not a file of the vault")
        if old == new:
            raise MoveError("a note cannot be merged into itself")
        return {old: new}, None
    if any(part.startswith(HIDDEN_PREFIX) for part in new.split("/")):
        raise MoveError(f"{new}: Obsidian does not see files in dot-folders; links to it would break")
    if old in vault.files:
        if _is_folder(vault, new):
            new = f"{new}/{old.rsplit('/', 1)[-1]}"
        elif old.lower().endswith(".md") and not new.lower().endswith(".md"):
            new += ".md"
        if new in vault.files or (vault.root / new).exists():
            raise MoveError(f"{new} already exists")
        return {old: new}, None
    prefix = old + "/"
    inner = [f for f in vault.files if f.startswith(prefix)]
    if not (vault.root / old).is_dir():
        raise MoveError(f"{old}: no such note, attachment or folder in the vault")
    if _is_folder(vault, new):
        new = f"{new}/{old.rsplit('/', 1)[-1]}"
    if (vault.root / new).exists():
        raise MoveError(f"{new} already exists")
    if new == old or new.startswith(prefix):
        raise MoveError(f"cannot move {old} into itself")
    return {f: new + f[len(old):] for f in inner}, (old, new)


def _is_folder(vault: Vault, path: str) -> bool:
    return path == "" or (vault.root / path).is_dir()


def _renamed(vault: Vault, move: Move) -> Vault:
    """The vault's index as it will be after the move (no file is read)."""
    if move.merge:
        return vault
    after = copy.copy(vault)
    after.files = sorted(move.mapping.get(f, f) for f in vault.files)
    after._notes = {}
    after._index()
    return after


# --------------------------------------------------------------------------
# Rewriting one link


def _rewrite(before: Vault, after: Vault, move: Move, note: Note, link: Link) -> Edit | None:
    """The edit that keeps `link` leading where it led, or None."""
    if not link.target:
        return None  # a link inside the note: it moves with it
    found = before.find(link.target, note.path)
    if not found:
        return None  # broken before the move: not ours to guess
    target = move.mapping.get(found[0], found[0])
    source = move.new_path(note.path)
    if link.kind == CANVAS:  # a file node names its file by its path from the root, in every vault
        return None if target == found[0] else target_edit(note, link, target)
    now = after.find(link.target, source)
    if now and now[0] == target and (len(now) == 1 or len(found) > 1) \
            and _from_root(after, link.target) == _from_root(before, link.target):
        return None  # still leads there, as surely, written the same way
    written = _target_for(before, after, link, note.path, source, target)
    if written is None or not (check := after.find(written, source)) or check[0] != target:
        move.warnings.append(f"{note.path}: cannot rewrite `{link.target}` to lead to {target}; left as it was")
        return None
    if move.merge and link.subpath and not link.is_block_ref:
        _warn_missing_heading(after, move, note, link, target)
    if link.kind != "markdown" and _WIKI_FORBIDDEN & set(written):
        move.warnings.append(f"{note.path}: {target} cannot be named in a wiki-link; `{link.target}` left as it was")
        return None
    return target_edit(note, link, written)


def target_edit(note: Note, link: Link, target: str) -> Edit:
    """The edit that makes `link` name `target` (a name or a path, as links
    write them) in the link's own syntax: %-encoded in a Markdown link,
    unless it is in the `<...>` form."""
    if link.kind == "markdown" and note.text[link.target_start - 1:link.target_start] != "<":
        target = quote(target, safe=_URL_SAFE)
    if note.kind == CANVAS:  # inside a JSON string of the canvas
        target = json_string_text(target)
    return note.edit(link.target_start, link.target_end, target)


def _exists(vault: Vault, path: str) -> bool:
    """Is `path` (from the root, `.md` optional) a file of the vault?"""
    return vault.exact(vault.key(posixpath.normpath(path.replace("\\", "/").lstrip("/")))) is not None


def _from_root(vault: Vault, target: str) -> bool:
    """Is `target` a path from the vault root to a file?"""
    return "/" in target.strip("/") and _exists(vault, target)


def _target_for(before: Vault, after: Vault, link: Link, old_source: str, source: str, target: str) -> str | None:
    """`target` written in the style of `link`, as seen from `source`."""
    written = link.target.replace("\\", "/")
    is_note = target.lower().endswith(".md")
    keep_ext = not is_note or written.lower().endswith(".md")
    full = target if keep_ext else target[:-3]
    folder = posixpath.dirname(source)
    relative = posixpath.relpath(full, folder or ".")
    if written.startswith("/"):
        return "/" + full
    if written.startswith(("./", "../")):
        return "./" + relative if written.startswith("./") and not relative.startswith("../") else relative
    markdown = link.kind == "markdown"
    if "/" in written and _from_root(before, written):
        return full
    if _exists(before, posixpath.join(posixpath.dirname(old_source), written)) and ("/" in written or markdown):
        # Written from the note's folder (a Markdown link is a relative URL): so it stays,
        # unless a wiki-link would have to climb out of the folder.
        if markdown or not relative.startswith("../"):
            return relative
    if "/" in written:
        return full
    name = full.rsplit("/", 1)[-1]
    return name if after.find(name, source) == [target] else full


def _warn_missing_heading(after: Vault, move: Move, note: Note, link: Link, target: str) -> None:
    try:
        keep = after.note(target)
    except NoteReadError:
        return
    if not after.heading_path_exists(keep, link.subpath):
        move.warnings.append(f"{note.path}: `#{link.subpath}` is not a heading of {target} (yet): copy it over")


# --------------------------------------------------------------------------
# Doing it


def apply(move: Move) -> None:
    """Write the notes whose links change (each atomically, and only if it
    did not change since it was read), then move the files. In that order a
    run cut short is finished by running the same command again: the links
    already rewritten wait for the file, the others are rewritten then."""
    try:
        _apply(move)
    except KeyboardInterrupt:
        from .fixer import Interrupted

        n, moved = len(move.written), len(move.moved)
        done = f"{n} of the {len(move.texts)} notes to rewrite {'was' if n == 1 else 'were'} rewritten"
        if not moved:
            done += ", nothing was moved yet: run the same command again to finish"
        else:
            done += f", {moved} of the {len(move.renames())} files moved"
        raise Interrupted(done) from None


def _apply(move: Move) -> None:
    root = move.root
    for _old, new in move.renames():
        if (root / new).exists():
            raise MoveError(f"{new} already exists")
    for path in sorted(move.texts):
        note = move.originals[path]
        try:
            if write_note(root, path, move.texts[path], note.bom, note.text):
                move.written.append(move.new_path(path))
        except WriteRefused as exc:
            move.warnings.append(str(exc))
        except OSError as exc:  # a disk full, a note without write permission: said, as a refusal is
            move.warnings.append(f"{path}: {exc.strerror or exc}")
    if len(move.written) < len(move.texts):
        raise MoveError("\n".join([*move.warnings, "nothing was moved: run the same command again"]))
    for old, new in move.renames():
        # The folders are resolved, not the names: a symlink moves as itself.
        source, dest = (inside(root, posixpath.dirname(p)) / posixpath.basename(p) for p in (old, new))
        if dest.exists():
            raise MoveError(f"{new} already exists; nothing was moved: run the same command again")
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.rename(source, dest)
        except OSError as exc:
            raise MoveError(f"cannot move {old} to {new}: {exc.strerror or exc}; the links to it are rewritten "
                            "already: run the same command again once the cause is gone") from None
        move.moved.append(new)


def vault_path(root: Path, given: str | os.PathLike) -> str:
    """A path given on the command line as a vault-relative "/" path; never
    one that leads outside the vault."""
    absolute = Path(os.path.abspath(given))
    try:
        rel = absolute.relative_to(Path(os.path.abspath(root)))
    except ValueError:
        try:
            rel = absolute.resolve().relative_to(root.resolve())
        except ValueError:
            raise MoveError(f"{given} is outside the vault {root}") from None
    try:
        inside(root, rel.parent)  # the name itself may be a symlink: it moves as one
    except WriteRefused:
        raise MoveError(f"{given} leads outside the vault {root}") from None
    return rel.as_posix().strip("/") if rel.as_posix() != "." else ""

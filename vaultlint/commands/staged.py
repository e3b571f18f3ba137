"""Linting what a commit changes, as a pre-commit hook does.

pre-commit passes only the notes being committed (deleted files never), and
may split them across runs. `vaultlint check --staged NOTE...` therefore:

- checks exactly the notes given (none given: none), their links resolved
  against the whole vault as it will be after the commit (pre-commit has
  stashed what is not staged);
- adds the problems the commit causes elsewhere: a note or attachment
  deleted or renamed in git's staging area, or a heading or block id that a
  changed note no longer has, leaves the links to it in other notes broken;
  those links are reported too, in the notes that hold them, saying what
  the commit did.

Between two commits (pre-commit's `pre-push` stage sets PRE_COMMIT_FROM_REF
and PRE_COMMIT_TO_REF) the changes are those of the range.

Which notes changed since the cache learnt them comes from git's index, not
from a stat of every note (see `cache.moved_staged`): pre-commit has stashed
what is not staged, so the working tree holds what the index holds.

Finding those links does not parse the vault: each note's text is searched
for the names of the removed files and changed notes first, and only the
notes that mention one are parsed. The old texts of changed notes come from
git in one `git cat-file --batch`.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import quote

from ..diagnostics import Diagnostic, Severity
from ..markdown import note as note_module
from ..vault.index import HIDDEN_PREFIX, MARKERS, Vault, heading_key, slugify


def _git(cwd: Path, *args: str) -> str | None:
    """What a git command prints; None when it fails or there is no git."""
    return Asked(cwd, *args).answer()


def vault_root(paths: Sequence[str | os.PathLike]) -> Path | None:
    """The vault a commit's notes are in: the folder marked as a vault
    (`.obsidian/`, `.vaultlint.toml`) above them (above the removed files
    when no note is given), else the git repository they are in. pre-commit
    runs from the repository's top, with paths from there."""
    cwd = Path.cwd()
    hints = [Path(p) for p in paths] or [cwd / p for p in removed_files(cwd)] or [cwd]
    start = hints[0].resolve()
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in MARKERS):
            return folder
    top = _git(start if start.is_dir() else start.parent if start.parent.is_dir() else cwd,
               "rev-parse", "--show-toplevel")
    return Path(top.strip()) if top else None


@dataclass
class Changes:
    """What the commit being made does to the vault, as far as links care."""

    removed: dict[str, str | None] = field(default_factory=dict)  # deleted (None) or renamed (-> new path)
    anchors: dict[str, set[str]] = field(default_factory=dict)  # note -> headings (#key) and blocks (^id) it lost

    def __bool__(self) -> bool:
        return bool(self.removed or self.anchors)


def _span() -> tuple[list[str], str]:
    """The diff pre-commit is checking, and the revision before it."""
    start, end = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    return ([start, end], start) if start and end else (["--cached"], "HEAD")


class Asked:
    """A git command started now, its answer read when needed: a pre-commit
    run asks git while it walks the vault instead of after (two git
    commands took 0.04 s at the end of each run)."""

    def __init__(self, cwd: Path, *args: str):
        try:
            self.process: subprocess.Popen | None = subprocess.Popen(
                ["git", *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL)
        except OSError:  # no git
            self.process = None

    def answer(self) -> str | None:
        """Its output; None when it failed."""
        if self.process is None:
            return None
        out, _ = self.process.communicate()
        return out.decode("utf-8", "surrogateescape") if self.process.returncode == 0 else None


def ask_staged(root: Path) -> tuple[Asked, Asked]:
    """What `staged_changes` asks git: the repository's top, and the diff."""
    return (Asked(root, "rev-parse", "--show-toplevel"),
            Asked(root, "diff", *_span()[0], "--name-status", "-M", "--no-ext-diff", "-z"))


def staged_changes(root: Path, vault: Vault | None = None, asked: tuple[Asked, Asked] | None = None) -> Changes:
    """Files of the vault (paths from its root) that the commit deletes or
    renames, and, given the vault, the headings and block ids that the notes
    it changes lose: from git's staging area, or between PRE_COMMIT_FROM_REF
    and PRE_COMMIT_TO_REF when pre-commit sets them. `asked`: `ask_staged`'s
    questions for `root`, asked earlier."""
    top_asked, diff_asked = asked or ask_staged(root)
    top, out = top_asked.answer(), diff_asked.answer()
    if top is None or not out:
        return Changes()
    before = _span()[1]
    fields = out.split("\0")
    gone: dict[str, str | None] = {}
    modified: list[str] = []
    i = 0
    while i < len(fields) - 1:
        status = fields[i]
        if status[:1] in ("R", "C"):  # renamed or copied: status, old, new
            if status[0] == "R":
                gone[fields[i + 1]] = fields[i + 2]
            i += 3
        else:
            if status[:1] == "D":
                gone[fields[i + 1]] = None
            elif status[:1] == "M":
                modified.append(fields[i + 1])
            i += 2
    base = Path(top.strip()).resolve()
    vault_root = root.resolve()

    def in_vault(path: str) -> str | None:
        try:
            rel = (base / path).relative_to(vault_root).as_posix()
        except ValueError:
            return None
        return None if any(part.startswith(HIDDEN_PREFIX) for part in rel.split("/")) else rel

    changes = Changes()
    for old, new in gone.items():
        rel = in_vault(old)
        if rel is not None and not (vault_root / rel).exists():
            changes.removed[rel] = in_vault(new) if new else None
    if vault is not None:
        notes = {git_path: rel for git_path in modified
                 if (rel := in_vault(git_path)) is not None and rel.lower().endswith(".md")}
        for git_path, text in _texts_at(base, before, list(notes)).items():
            lost = _anchors(note_module.parse(notes[git_path], text)) - _anchors_of(vault, notes[git_path])
            if lost:
                changes.anchors[notes[git_path]] = lost
    return changes


def removed_files(root: Path) -> dict[str, str | None]:
    """The files of the vault that the commit deletes or renames."""
    return staged_changes(root).removed


def _texts_at(top: Path, rev: str, paths: list[str]) -> dict[str, str]:
    """The texts of files at a revision, in one `git cat-file --batch`."""
    if not paths:
        return {}
    try:
        done = subprocess.run(["git", "cat-file", "--batch"], cwd=top, capture_output=True, check=False,
                              input="".join(f"{rev}:{p}\n" for p in paths).encode("utf-8"))
    except OSError:
        return {}
    data, texts, at = done.stdout, {}, 0
    for path in paths:
        line_end = data.find(b"\n", at)
        if line_end == -1:
            break
        header = data[at:line_end].split()
        at = line_end + 1
        if len(header) != 3:  # "<name> missing": new in this commit
            continue
        size = int(header[2])
        try:
            texts[path] = note_module.decode(data[at : at + size])[0]
        except note_module.NoteReadError:
            pass
        at += size + 1
    return texts


def _anchors(note) -> set[str]:
    headings = {"#" + heading_key(h.text) for h in note.body.headings}
    return headings | {"^" + b.id.casefold() for b in note.body.block_ids}


def _anchors_of(vault: Vault, path: str) -> set[str]:
    try:
        return _anchors(vault.note(path))
    except note_module.NoteReadError:
        return set()


def anchor_key(subpath: str) -> str:
    """The anchor a link's `#subpath` names (the last heading of `H1#H2`)."""
    if subpath.startswith("^"):
        return "^" + subpath[1:].strip().casefold()
    parts = [part for part in subpath.split("#") if part.strip()]
    return "#" + heading_key(parts[-1] if parts else "")


def _mentions(vault: Vault, removed: Sequence[str]) -> list[str]:
    """Notes whose text names one of the removed files (a cheap search on the
    raw text; the links are checked afterwards)."""
    words = set()
    for path in removed:
        base = path.rsplit("/", 1)[-1]
        stem = base[:-3] if base.lower().endswith(".md") else base
        words |= {stem.casefold(), quote(stem).casefold()}
    slugs = {slugify(w) for w in words} if vault.resolution == "slug" else set()
    hits = []
    for path in vault.note_paths:
        try:
            text = (vault.root / path).read_text(encoding="utf-8", errors="replace").casefold()
        except OSError:
            continue
        if any(w in text for w in words) or (slugs and any(s in slugify(text) for s in slugs)):
            hits.append(path)
    return hits


def broken_by_commit(vault: Vault, changes: Changes, lint, skip: Sequence[str] = ()) -> list[Diagnostic]:
    """The problems that links to what the commit removed now are (files
    deleted or renamed, headings and block ids dropped), in the notes that
    hold them (other than `skip`, checked anyway), each saying what the
    commit did; `lint(paths)` runs the rules in force."""
    if not changes:
        return []
    before = vault.with_files(changes.removed)
    # (note, link start) -> the link's target and what happened to it.
    spans: dict[tuple[str, int], tuple[str, str]] = {}
    affected = []
    for path in _mentions(vault, [*changes.removed, *changes.anchors]):
        if path in skip or vault.is_excluded(path):
            continue
        try:
            note = vault.note(path)
        except Exception:  # unreadable: reported when that note is checked
            continue
        for link in note.links:
            if not link.target:
                continue  # a link within the note: the note is in the commit, and checked
            was = before.find(link.target, path)[:1]
            if was and was[0] in changes.removed:
                new = changes.removed[was[0]]
                happened = f"`{was[0]}` " + (f"was renamed to `{new}`" if new else "was deleted")
                spans[(path, link.start)] = (link.target, happened)
            elif was and link.subpath and anchor_key(link.subpath) in changes.anchors.get(was[0], ()):
                what = "block" if link.subpath.startswith("^") else "heading"
                spans[(path, link.start)] = (link.target, f"the {what} `{link.subpath}` was removed from `{was[0]}`")
        if any(p == path for p, _ in spans):
            affected.append(path)
    found = []
    for d in lint(affected):
        if (d.path, d.start) in spans:
            target, happened = spans[(d.path, d.start)]
            d = _broken(d, target)
            found.append(replace(d, message=f"{d.message}; {happened} in this commit"))
    return found


def _broken(d: Diagnostic, target: str) -> Diagnostic:
    """A link the commit broke named a note that was there: a broken link (an
    error), not a note not written yet, whatever no name is close to it now."""
    if d.rule != "unwritten-note":
        return d
    return replace(d, rule="broken-link", severity=Severity.ERROR, message=f"note `{target}` not found")

"""Linting what a commit changes, as a pre-commit hook does.

pre-commit passes only the notes being committed (deleted files never), and
may split them across runs. `vaultlint check --staged NOTE...` therefore:

- checks exactly the notes given (none given: none), their links resolved
  against the whole vault as it will be after the commit (pre-commit has
  stashed what is not staged);
- adds the problems the commit causes elsewhere: a note or attachment
  deleted or renamed in git's staging area leaves the links to it in other
  notes broken, and those links are reported too, in the notes that hold
  them.

Between two commits (pre-commit's `pre-push` stage sets PRE_COMMIT_FROM_REF
and PRE_COMMIT_TO_REF) the removed files are those the range removed.

Finding the links to a removed file does not parse the vault: each note's
text is searched for the removed file's name first, and only the notes
that mention it are parsed.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from .diagnostics import Diagnostic
from .vault import HIDDEN_PREFIX, MARKERS, Vault, slugify


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False)
    except OSError:  # no git
        return None
    return done.stdout if done.returncode == 0 else None


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


def removed_files(root: Path) -> dict[str, str | None]:
    """Files of the vault (paths from its root) that the commit being made
    deletes (-> None) or renames (-> the new path): from git's staging
    area, or between PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF when
    pre-commit sets them."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return {}
    span = [os.environ["PRE_COMMIT_FROM_REF"], os.environ["PRE_COMMIT_TO_REF"]] \
        if os.environ.get("PRE_COMMIT_FROM_REF") and os.environ.get("PRE_COMMIT_TO_REF") else ["--cached"]
    out = _git(root, "diff", *span, "--name-status", "-M", "--no-ext-diff", "-z")
    if not out:
        return {}
    fields = out.split("\0")
    gone: dict[str, str | None] = {}
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
            i += 2
    base = Path(top.strip()).resolve()
    vault_root = root.resolve()

    def in_vault(path: str) -> str | None:
        try:
            rel = (base / path).relative_to(vault_root).as_posix()
        except ValueError:
            return None
        return None if any(part.startswith(HIDDEN_PREFIX) for part in rel.split("/")) else rel

    found = {}
    for old, new in gone.items():
        rel = in_vault(old)
        if rel is not None and not (vault_root / rel).exists():
            found[rel] = in_vault(new) if new else None
    return found


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


def broken_by_removal(vault: Vault, removed: dict[str, str | None], lint, skip: Sequence[str] = ()) -> list[Diagnostic]:
    """The problems that links to the removed files now are, in the notes
    that hold them (other than `skip`, checked anyway), each saying what
    the commit did; `lint(paths)` runs the rules in force."""
    if not removed:
        return []
    before = vault.with_files(removed)
    gone = set(removed)
    spans: dict[tuple[str, int], str] = {}  # (note, link start) -> what happened to its target
    affected = []
    for path in _mentions(vault, removed):
        if path in skip or vault.is_excluded(path):
            continue
        try:
            note = vault.note(path)
        except Exception:  # unreadable: reported when that note is checked
            continue
        for link in note.links:
            was = before.find(link.target, path)[:1] if link.target else []
            if was and was[0] in gone:
                new = removed[was[0]]
                spans[(path, link.start)] = f"`{was[0]}` " + (f"was renamed to `{new}`" if new else "was deleted")
        if any(p == path for p, _ in spans):
            affected.append(path)
    return [replace(d, message=f"{d.message}; {spans[(d.path, d.start)]} in this commit")
            for d in lint(affected) if (d.path, d.start) in spans]


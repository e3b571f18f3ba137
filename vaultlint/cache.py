"""The incremental cache: what a run learnt about each note, kept for the next.

One SQLite database (the standard library's `sqlite3`, in WAL mode so that two
runs at once are safe) in `.vaultlint_cache/` at the vault root, which holds a
`.gitignore` of `*` so that it is never committed. When the vault cannot be
written, the user's cache folder is used instead; when neither can, the run
goes on without a cache. A vault folder without write bits counts as one
that cannot be written, even for root.

Per note it keeps the file's size, modification time and content hash, its
summary (what other notes may depend on: its aliases), the notes its check
read (a link to `other#Heading` reads `other`), and its diagnostics. The
diagnostics are valid only under the run key they were made with: the rules,
their options and code, the config, and the vault's names (every file, every
alias). A new note can fix links elsewhere, so a change of names makes every
stored diagnostic stale; a note whose content changed makes stale its own
diagnostics and those of every note whose check read it.

A database that is corrupt, of another format or another vaultlint version is
deleted and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .diagnostics import Applicability, Diagnostic, Edit, Fix, Severity

FOLDER = ".vaultlint_cache"
FILE = "cache.sqlite3"
# Bump when what is stored changes meaning.
FORMAT = f"2 vaultlint {__version__} python {sys.version_info[0]}.{sys.version_info[1]}"
# A file modified this recently may change again within the same mtime tick:
# its stat is not stored, so that the next run compares its content.
RACY_NS = 2_000_000_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notes (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    hash BLOB NOT NULL,
    summary TEXT NOT NULL,
    key TEXT NOT NULL,
    deps TEXT NOT NULL,
    diagnostics BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS vault_rules (
    rule TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    deps TEXT NOT NULL,
    diagnostics BLOB NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class Stat:
    size: int
    mtime: int  # ns; -1 when the file was too fresh to trust it


def stat(path: Path | str) -> Stat | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return Stat(st.st_size, st.st_mtime_ns)


def stored_stat(st: Stat, now_ns: int) -> Stat:
    return Stat(st.size, -1) if now_ns - st.mtime < RACY_NS else st


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


@dataclass(slots=True)
class Entry:
    """What the cache knows of one note."""

    stat: Stat
    hash: bytes
    summary: dict  # {"aliases": [...]}
    key: str
    deps: tuple[str, ...]
    diagnostics: bytes  # see `pack`


# --------------------------------------------------------------------------
# Diagnostics as plain tuples: marshal reads them back several times faster
# than pickle reads dataclasses, which matters for 100,000 notes.


def pack(diagnostics: Iterable[Diagnostic]) -> bytes:
    return marshal.dumps([
        (d.path, d.line, d.column, d.end_line, d.end_column, d.rule, d.severity.value, d.message,
         None if d.fix is None else (
             tuple((e.start, e.end, e.content, e.line, e.column, e.end_line, e.end_column) for e in d.fix.edits),
             d.fix.applicability.value, d.fix.message),
         d.suggestions, d.start, d.end)
        for d in diagnostics
    ])


def unpack(data: bytes) -> list[Diagnostic]:
    out = []
    for path, line, column, end_line, end_column, rule, severity, message, fix, suggestions, start, end in (
        marshal.loads(data)
    ):
        if fix is not None:
            edits, applicability, fix_message = fix
            fix = Fix(tuple(Edit(*e) for e in edits), Applicability(applicability), fix_message)
        out.append(Diagnostic(path, line, column, end_line, end_column, rule, Severity(severity), message, fix,
                              tuple(suggestions), start, end))
    return out


# --------------------------------------------------------------------------
# The database


class Cache:
    def __init__(self, db: sqlite3.Connection, file: Path):
        self.db = db
        self.file = file

    @classmethod
    def open(cls, root: Path) -> Cache | None:
        """The vault's cache, made if need be; None when no folder for it can
        be written."""
        for folder in (root / FOLDER, _user_folder(root)):
            if folder.parent == root and _read_only(root):
                continue
            try:
                folder.mkdir(parents=True, exist_ok=True)
                ignore = folder / ".gitignore"
                if folder.name == FOLDER and not ignore.exists():
                    ignore.write_text("# vaultlint's cache: never commit it\n*\n", encoding="utf-8")
                return cls._connect(folder / FILE)
            except (OSError, sqlite3.Error):
                continue
        return None

    @classmethod
    def _connect(cls, file: Path) -> Cache:
        try:
            return cls(_connect_checked(file), file)
        except sqlite3.DatabaseError:  # corrupt, or not a database at all
            cache = cls.__new__(cls)
            cache.db, cache.file = sqlite3.connect(":memory:"), file
            cache.reset()
            return cache

    def reset(self) -> None:
        """Start afresh: the database could not be read."""
        self.db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.file}{suffix}").unlink(missing_ok=True)
        self.db = _connect_checked(self.file)

    def close(self) -> None:
        self.db.close()

    # -- notes -------------------------------------------------------------
    def entries(self) -> dict[str, Entry]:
        out = {}
        for path, size, mtime, hash_, summary, key, deps in self.db.execute(
            "SELECT path, size, mtime, hash, summary, key, deps FROM notes"
        ):
            out[path] = Entry(Stat(size, mtime), hash_, json.loads(summary) if summary else {}, key,
                              tuple(deps.split("\0")) if deps else (), b"")
        return out

    def diagnostics(self, wanted: dict[str, Entry]) -> dict[str, bytes]:
        """The stored diagnostics of these notes, where the row is still the
        entry read (another run may have rewritten it since). All rows in
        one pass when many are wanted; pre-commit asks for a few."""
        query = "SELECT path, hash, key, diagnostics FROM notes"
        if len(wanted) > 500:
            rows = self.db.execute(query)
        else:
            rows = (row for path in wanted for row in self.db.execute(query + " WHERE path = ?", (path,)))
        out = {}
        for path, hash_, key, diagnostics in rows:
            e = wanted.get(path)
            if e is not None and e.hash == hash_ and e.key == key:
                out[path] = diagnostics
        return out

    def restat(self, stats: Iterable[tuple[str, Stat]]) -> None:
        """New stats for files touched but not changed."""
        with self.db:
            self.db.executemany("UPDATE notes SET size = ?, mtime = ? WHERE path = ?",
                                ((st.size, st.mtime, path) for path, st in stats))

    def put(self, entries: Iterable[tuple[str, Entry]]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((path, e.stat.size, e.stat.mtime, e.hash, json.dumps(e.summary) if e.summary else "", e.key,
                  "\0".join(e.deps), e.diagnostics) for path, e in entries),
            )

    def drop(self, paths: Iterable[str]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM notes WHERE path = ?", ((p,) for p in paths))

    # -- vault rules -------------------------------------------------------
    def vault_rule(self, rule: str) -> tuple[str, tuple[str, ...], bytes] | None:
        row = self.db.execute("SELECT key, deps, diagnostics FROM vault_rules WHERE rule = ?", (rule,)).fetchone()
        return None if row is None else (row[0], tuple(json.loads(row[1])), row[2])

    def put_vault_rule(self, rule: str, key: str, deps: Iterable[str], diagnostics: bytes) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO vault_rules VALUES (?, ?, ?, ?)",
                            (rule, key, json.dumps(sorted(deps)), diagnostics))


def _connect_checked(file: Path) -> sqlite3.Connection:
    db = sqlite3.connect(file, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.isolation_level = ""  # transactions by `with db:`
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        stored = None
        if "meta" in tables:
            row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            stored = row[0] if row else None
        if stored != FORMAT:  # foreign or older: rebuilt, never trusted
            with db:
                for table in tables:
                    db.execute(f'DROP TABLE IF EXISTS "{table}"')
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            with db:
                db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (FORMAT,))
        return db
    except sqlite3.Error:
        db.close()
        raise


def _read_only(folder: Path) -> bool:
    """A folder without write bits is kept read-only on purpose: not written
    to, even by root (who may write anywhere)."""
    try:
        return not os.stat(folder).st_mode & 0o222
    except OSError:
        return True


def _user_folder(root: Path) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    return Path(base) / "vaultlint" / hashlib.blake2b(str(root.resolve()).encode(), digest_size=8).hexdigest()


# --------------------------------------------------------------------------
# Keys


def fingerprint(parts: Iterable[object]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def code_files(rules) -> Iterator[Path]:
    """The source files whose change changes results: vaultlint's own
    modules and data (built-in schemas, presets) and the rules' modules
    (plugins too). The package's files, not the modules imported so far: a
    run imports some lazily, and the key must not depend on which ran."""
    package = Path(__file__).resolve().parent
    seen = {str(f) for pattern in ("*.py", "*.json", "*.toml") for f in package.rglob(pattern)}
    for rule in rules:
        seen.add(getattr(sys.modules.get(type(rule).__module__), "__file__", None))
    for file in sorted(f for f in seen if f):
        yield Path(file)


def config_key(config, rules) -> str:
    """What the diagnostics of a note depend on besides the notes: the
    config as read, the rules in force with their options, and the code."""
    parts: list[object] = [FORMAT, json.dumps(config.data, sort_keys=True, default=str), str(config.file)]
    parts += [(r.name, r.severity.value, json.dumps(r.options, sort_keys=True, default=str)) for r in rules]
    for file in code_files(rules):
        parts.append((str(file), stat(file)))
    for schema in getattr(config, "schemas", []) or []:
        path = schema.get("path") if isinstance(schema, dict) else None
        if path:
            parts.append((path, stat(config.root / path)))
    return fingerprint(parts)


def now_ns() -> int:
    return time.time_ns()

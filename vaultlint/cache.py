"""The incremental cache: what a run learnt about each note, kept for the next.

One SQLite database (the standard library's `sqlite3`, in WAL mode so that two
runs at once are safe) in `.vaultlint_cache/` at the vault root, which holds a
`.gitignore` of `*` so that it is never committed; beside it, in `results/`,
the last results kept whole, as files that its rows name. When the vault cannot be
written, the user's cache folder is used instead; when neither can, the run
goes on without a cache. A vault folder without write bits counts as one
that cannot be written, even for root.

It keeps two things. The *files*: one record of every note, read in one
piece (a warm run of 100,000 notes cannot afford a row each): its size,
modification time, content hash and summary (what other notes may depend
on: its aliases). A note whose size and time are as recorded has the
recorded content. And per note checked, a row: the content hash it was
checked with, the run key, the notes its check read (a link to
`other#Heading` reads `other`) each with the hash of the content read, and
its diagnostics. A row is used only while all of these still hold: the note
has that content, the run key is the same (the rules, their options and
code, the config, and the vault's names: every file, every alias; a new note
can fix links elsewhere) and every note it read has the content it read.
Each row carries what makes it valid, so a run that checks some notes only
(pre-commit), or two runs at once, can leave no row wrongly trusted.

A note's content hash is git's id of it as a blob: a pre-commit run learns
from git's index which notes are as recorded, without a stat each (see
`moved_staged`).

A database that is corrupt, of another format or another vaultlint version is
deleted and rebuilt, never trusted.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import io
import json
import marshal
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .diagnostics import Applicability, Diagnostic, Edit, Fix, Severity

FOLDER = ".vaultlint_cache"
FILE = "cache.sqlite3"
# Bump when what is stored changes meaning.
FORMAT = f"13 vaultlint {__version__} python {sys.version_info[0]}.{sys.version_info[1]}"
# A file modified this recently may change again within the same mtime tick:
# its stat is not stored, so that the next run compares its content.
RACY_NS = 2_000_000_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (id INTEGER PRIMARY KEY CHECK (id = 0), data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS file_changes (path TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS index_image (id INTEGER PRIMARY KEY CHECK (id = 0), data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS results (
    paths TEXT PRIMARY KEY,
    files TEXT NOT NULL,
    key TEXT NOT NULL,
    worst INTEGER NOT NULL,
    blob TEXT NOT NULL,
    size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS result_texts (
    paths TEXT PRIMARY KEY,
    files TEXT NOT NULL,
    key TEXT NOT NULL,
    options TEXT NOT NULL,
    blob TEXT NOT NULL,
    size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS notes (
    path TEXT PRIMARY KEY,
    hash BLOB NOT NULL,
    key TEXT NOT NULL,
    deps BLOB NOT NULL,
    diagnostics BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS lasting (name TEXT PRIMARY KEY, version TEXT NOT NULL, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS walk (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    version TEXT NOT NULL,
    folders BLOB NOT NULL,
    files BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS vault_rules (
    rule TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    deps BLOB NOT NULL,
    diagnostics BLOB NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class Stat:
    size: int
    mtime: int  # ns; -1 when the file was too fresh to trust it

    @classmethod
    def of(cls, st: os.stat_result) -> Stat:
        return cls(st.st_size, st.st_mtime_ns)


def stat(path: Path | str) -> Stat | None:
    try:
        return Stat.of(os.stat(path))
    except OSError:
        return None


def trusted(st: tuple[int, int], now_ns: int) -> tuple[int, int]:
    """The (size, mtime) to record: with mtime -1 when the file was modified
    so recently that another change within the same tick would not show."""
    return (st[0], -1) if now_ns - st[1] < RACY_NS else st


# Changes kept beside the files record before it is written whole again
# (at least; a tenth of the record on large vaults).
CHANGES_MAX = 1000
# Where the results kept whole (and their texts) are, beside the database
# (see `Cache.put_result`).
BLOBS = "results"
# A file there that no row names is deleted once it is this old (younger,
# it may be another run's, about to be named).
ORPHAN_NS = 60_000_000_000
# Diagnostics packed, and characters of a text encoded, at a time when a
# result is written there.
RESULT_CHUNK, TEXT_CHUNK = 10_000, 1 << 20
# From this many notes on, a forked child stats a share of them (see `moved`).
FORK_MIN = 20_000


def moved(root: Path, paths: list[str], known: dict[str, Known], child_share: float = 0.5) -> Moved:
    """A function that returns the notes among `paths` whose (size, mtime)
    is not the one `known` records: path -> (size, mtime in ns), None when
    it cannot be stat'ed; and None for each recorded note no longer there.

    Each stat is a system call, the largest cost of a warm run over 100,000
    notes: a forked child (another core) stats `child_share` of them, from
    now on; the caller's process stats the rest when it asks."""
    cut = len(paths) - int(len(paths) * child_share) if len(paths) >= FORK_MIN and hasattr(os, "fork") else len(paths)
    other = in_child(lambda: _moved(root, paths[cut:], known)) if cut < len(paths) else None
    done: list[dict] = []

    def result() -> dict[str, tuple[int, int] | None]:
        if done:  # asked again
            return done[0]
        out = _moved(root, paths[:cut], known)
        if other is not None:
            got = other()
            out.update(got if isinstance(got, dict) else _moved(root, paths[cut:], known))
        done.append(_with_gone(out, paths, known))
        return out

    return result


def list_index(root: Path) -> subprocess.Popen | None:
    """`git ls-files` started on the vault, to be given to `moved_staged`
    (started before the files record is read, it lists meanwhile); None
    when there is no git."""
    try:
        return subprocess.Popen(["git", "ls-files", "--stage", "-z"], cwd=root,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return None


# What git's index does not vouch for, when asked (see `index_compared`):
# (the version of the files record compared, the notes), or None.
Vouched = Callable[[], "tuple[str, list[str]] | None"]


def index_compared(cache: Cache, listing: subprocess.Popen) -> Vouched | None:
    """The comparison `moved_staged` makes, started by a forked child as
    soon as the cache is open, on a connection of its own: it needs neither
    the walk of the vault nor this process's read of the files record (see
    `Cache.compared_with_index`), and runs beside both. None without fork."""
    if not hasattr(os, "fork"):
        return None
    vouched = in_child(lambda: compared_with_index(cache.file, listing))
    listing.stdout.close()  # the child's to read
    return vouched


def compared_with_index(file: Path, listing: subprocess.Popen) -> tuple[str, list[str] | None]:
    """`Cache.compared_with_index` on a connection of its own to the cache
    `file` (in a forked child, never the parent's), with what `listing` lists."""
    db = sqlite3.connect(f"{file.absolute().as_uri()}?mode=ro", uri=True, timeout=30, isolation_level=None)
    try:
        return Cache(db, file).compared_with_index(listing.stdout.read())
    finally:
        db.close()


def moved_staged(root: Path, paths: list[str], known: dict[str, Known], given: Sequence[str],
                 listing: subprocess.Popen | None, all_recorded: bool = False,
                 compared: tuple[Vouched, str] | None = None) -> Moved:
    """`moved` for a pre-commit run, which trusts git's index (`listing`, see
    `list_index`): a note the index holds with the content recorded (the
    same blob id) is taken as unchanged without a stat. pre-commit stashes
    what is not staged before it runs a hook, so the working tree then
    holds what the index holds. The notes `given` (being committed), the
    notes git does not track and those it holds with other content are
    stat'ed as `moved` does; every note when git cannot tell (no git, not a
    work tree, ids that are not SHA-1 as the hashes recorded are).
    `all_recorded`: every note of `paths` is known to be recorded (see
    `Cache.save`), which spares looking for the others.

    The comparison is `compared` when a forked child started it earlier
    (`index_compared`'s, and the version of the files record `known` is,
    which the child's must be); else it is made here, when asked."""
    def unvouched() -> list[str] | None:
        if compared is None:
            return None if listing is None else _not_in_index(listing.stdout.read(), known)
        vouched, version = compared
        got = vouched()
        # (Another run may have written the record between the two reads.)
        return got[1] if isinstance(got, tuple) and got[0] == version else None

    done: list[dict] = []

    def result() -> dict[str, tuple[int, int] | None]:
        if done:
            return done[0]
        not_vouched = unvouched()
        if listing is not None and listing.wait() == 0 and isinstance(not_vouched, list):
            unsure = {*not_vouched, *given}
            if not all_recorded:  # the notes not recorded
                unsure.update(set(paths) - known.keys())
        else:  # git could not tell
            unsure = set(paths)
        done.append(_with_gone(_moved(root, list(unsure), known), paths, known))
        return done[0]

    return result


def _not_in_index(listed: bytes, known: dict[str, Known]) -> list[str] | None:
    """The notes recorded (`known`) that git's index (as `git ls-files
    --stage -z` lists it) does not vouch for: it does not hold them, or
    holds other content. None when the listing is not of SHA-1 ids."""
    return _not_in_image(listed, index_image(known), [])


_INDEX_ENTRY = re.compile(r"[0-7]{6} [0-9a-f]{40} [0-3]\t")


def _index_entry(path: str, known: Known) -> str:
    """The entry of git's index (as `git ls-files --stage` lists it) that
    holds the content recorded for a note."""
    return f"100644 {known[2].hex()} 0\t{path}"


def index_image(record: dict[str, Known]) -> bytes:
    """The files record as the entries git's index would hold for it (see
    `_not_in_index`), NUL-separated, as git lists them: kept beside the
    record when it is written whole (see `Cache.compared_with_index`)."""
    return "\0".join(_index_entry(path, k) for path, k in record.items()).encode("utf-8", "surrogateescape")


def _not_in_image(listed: bytes, image: bytes, changes: list[tuple[str, bytes]]) -> list[str] | None:
    """`_not_in_index` from the record's `index_image` and the changes
    made to it since (path, its record marshalled, or None). Each entry is
    a mode (6 digits), a blob id, a stage, a tab and the path: the entries
    the notes recorded would have are compared with git's as sets of bytes,
    one pass over the notes, not one for each step."""
    entries = listed.split(b"\0")
    if entries[0] and not _INDEX_ENTRY.fullmatch(entries[0][:50].decode("ascii", "replace")):
        return None
    expected = set(image.split(b"\0"))
    expected.difference_update(entries)
    expected.discard(b"")  # (the image of a record of no notes)
    changed = {path: _loads(data) for path, data in changes}
    out = [path for entry in expected if (path := entry[50:].decode("utf-8", "surrogateescape")) not in changed]
    listed_set = set(entries) if changed else set()
    for path, k in changed.items():
        if k is None:
            continue  # no longer recorded
        if not (isinstance(k, tuple) and len(k) == 4):
            raise ValueError("the files record cannot be read")
        if _index_entry(path, k).encode("utf-8", "surrogateescape") not in listed_set:
            out.append(path)
    return out


def _with_gone(out: dict[str, tuple[int, int] | None], paths: list[str],
               known: dict[str, Known]) -> dict[str, tuple[int, int] | None]:
    """`out`, and None for each recorded note that is not among `paths`."""
    # The notes not in `out` are recorded; so are some of those in it.
    if len(known) > len(paths) - len(out) + sum(1 for path in out if path in known):
        present = set(paths)
        out.update((path, None) for path in known if path not in present)
    return out


Moved = Callable[[], dict[str, "tuple[int, int] | None"]]


def _moved(root: Path, paths: list[str], known: dict[str, Known]) -> dict[str, tuple[int, int] | None]:
    prefix = f"{root}{os.sep}"  # strings: pathlib costs more than the stat itself
    out: dict[str, tuple[int, int] | None] = {}
    for path in paths:
        try:
            st = os.stat(prefix + path)
        except OSError:
            out[path] = None
            continue
        k = known.get(path)
        if k is None or st.st_size != k[0] or st.st_mtime_ns != k[1]:
            out[path] = (st.st_size, st.st_mtime_ns)
    return out


def in_child(work: Callable[[], object]) -> Callable[[], object]:
    """Start `work` in a forked child; the function returned waits for what
    it returns (marshalled through a pipe), or None if it failed. The child
    leaves by `os._exit`: nothing of the parent's (buffers, the database,
    exit handlers) runs in it."""
    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read)
        os.close(write)
        return lambda: None
    if pid == 0:  # pragma: no cover (the child)
        # Short-lived: no cycle collection, which would walk (and so copy)
        # every object inherited, a files record of 100,000 notes among them.
        gc.disable()
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(marshal.dumps(work()))
            code = 0
        finally:
            os._exit(code)
    os.close(write)

    def result():
        with os.fdopen(read, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        return _loads(data) if status == 0 else None

    return result


def digest(data: bytes) -> bytes:
    """The content's hash: git's id of it as a blob (SHA-1 of a header and
    the bytes), so that git's index tells which notes are as recorded."""
    h = hashlib.sha1(b"blob %d\0" % len(data))
    h.update(data)
    return h.digest()


@dataclass(slots=True)
class Entry:
    """What a check of one note learnt, to be stored."""

    stat: Stat
    hash: bytes
    summary: dict  # {"aliases": [...]}
    deps: tuple[str, ...]  # the notes its check read
    diagnostics: bytes  # see `pack`


# What the files record holds of a note: (size, mtime, content hash, summary);
# the summary is None when empty (most notes).
Known = tuple[int, int, bytes, dict | None]
# What a note's check read: (path, content hash read), the hash None when
# the note could not be read.
Deps = tuple[tuple[str, bytes | None], ...]
_NO_DEPS = marshal.dumps(())


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


def _maker(cls):
    """A constructor for the frozen dataclass `cls` taking every field in
    order, that sets the slots directly: the dataclass's own `__init__` goes
    through `object.__setattr__` for each field, several times slower, and
    a warm run of 100,000 notes makes some 150,000 diagnostics."""
    names = [f.name for f in dataclasses.fields(cls)]
    lines = [f"def make({', '.join(names)}):", "    obj = new(cls)"]
    lines += [f"    set_{name}(obj, {name})" for name in names]
    lines.append("    return obj")
    scope = {"new": object.__new__, "cls": cls, **{f"set_{name}": getattr(cls, name).__set__ for name in names}}
    exec("\n".join(lines), scope)
    return scope["make"]


_DIAGNOSTIC, _FIX, _EDIT = _maker(Diagnostic), _maker(Fix), _maker(Edit)
_SEVERITY = {s.value: s for s in Severity}
_APPLICABILITY = {a.value: a for a in Applicability}


def unpack(data: bytes) -> list[Diagnostic]:
    return _made(marshal.loads(data))


def unpack_chunks(data: bytes) -> list[Diagnostic]:
    """What `pack` wrote chunk after chunk (a result kept whole)."""
    out: list[Diagnostic] = []
    stream = io.BytesIO(data)
    while stream.tell() < len(data):
        out += _made(marshal.load(stream))
    return out


def _made(packed: list[tuple]) -> list[Diagnostic]:
    out = []
    for path, line, column, end_line, end_column, rule, severity, message, fix, suggestions, start, end in packed:
        if fix is not None:
            edits, applicability, fix_message = fix
            fix = _FIX(tuple(_EDIT(*e) for e in edits), _APPLICABILITY[applicability], fix_message)
        out.append(_DIAGNOSTIC(path, line, column, end_line, end_column, rule, _SEVERITY[severity], message, fix,
                               tuple(suggestions), start, end))
    return out


@contextmanager
def no_gc():
    """The cycle collector paused: unpacking the diagnostics of a large vault
    makes millions of objects, none in a cycle, and the collector passes it
    triggers over them cost four times the unpacking itself. Afterwards what
    was made goes straight to the oldest generation (freeze, then unfreeze),
    so that the next young collection does not walk it all either."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was:
            gc.enable()


# --------------------------------------------------------------------------
# The database


class Cache:
    def __init__(self, db: sqlite3.Connection, file: Path):
        self.db = db
        self.file = file
        self.version = ""  # of the files record read or written last
        self.names = ""  # the files of the run that wrote it (see `save`)
        self._changes = 0  # changes kept beside the record

    @classmethod
    def open(cls, root: Path) -> Cache | None:
        """The vault's cache, made if need be; None when no folder for it can
        be written."""
        for folder in _folders(root):
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
    def existing(cls, root: Path) -> Cache | None:
        """The vault's cache if a run made one (where `open` would find
        it), else None: none is made."""
        file = next((folder / FILE for folder in _folders(root) if (folder / FILE).is_file()), None)
        try:
            return cls._connect(file) if file is not None else None
        except (OSError, sqlite3.Error):
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

    # -- the files ---------------------------------------------------------
    def recorded(self) -> int:
        """How many notes the files record holds (0 when it cannot tell), without reading it."""
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'count'").fetchone()
            return int(row[0]) if row else 0
        except (sqlite3.Error, ValueError):
            return 0

    def files(self) -> dict[str, Known]:
        """The files record: path -> (size, mtime, hash, summary). It is kept
        in one piece, and the changes of the runs since it was written (a
        pre-commit run changes a note, not 100,000) beside it."""
        version = self.db.execute("SELECT value FROM meta WHERE key = 'files'").fetchone()
        names = self.db.execute("SELECT value FROM meta WHERE key = 'names'").fetchone()
        row = self.db.execute("SELECT data FROM files WHERE id = 0").fetchone()
        changes = self.db.execute("SELECT path, data FROM file_changes").fetchall()
        with no_gc():
            files = {} if row is None else _loads(row[0])
        if not isinstance(files, dict):
            raise ValueError("the files record cannot be read")
        for path, data in changes:
            known = _loads(data)
            if known is None:
                files.pop(path, None)
            elif isinstance(known, tuple) and len(known) == 4:
                files[path] = known
            else:
                raise ValueError("the files record cannot be read")
        self.version = version[0] if version and (row or changes) else ""
        self.names = names[0] if names and self.version else ""
        self._changes = len(changes)
        return files

    # -- notes -------------------------------------------------------------
    def rows(self, paths: Iterable[str], every: bool = False) -> Iterator[tuple[str, bytes, str, Deps, bytes]]:
        """(path, hash, key, deps, diagnostics) of the notes `paths`, or of
        every note stored (one pass: faster when most are wanted). Rows that
        cannot be read are left out: those notes are checked again."""
        query = "SELECT path, hash, key, deps, diagnostics FROM notes"
        try:
            found = self.db.execute(query) if every else (
                row for path in paths for row in self.db.execute(query + " WHERE path = ?", (path,)))
            for path, h, key, deps, diagnostics in found:
                deps = () if deps == _NO_DEPS else _loads(deps)
                if isinstance(deps, tuple):
                    yield path, h, key, deps, diagnostics
        except sqlite3.Error:  # say, another version of vaultlint rebuilt it meanwhile
            return

    def save(self, known: dict[str, Known], updates: dict[str, Known | None],
             rows: Iterable[tuple[str, bytes, str, Deps, bytes]], gone: Iterable[str], names: str) -> None:
        """In one transaction: the changes `updates` (None: no record) to
        the files record `known` (as `files` read it), the rows of the notes
        checked (path, hash, key, deps, diagnostics), and no rows for the
        notes `gone`. The changes are folded into the record once they
        grow past a tenth of it. `names` is the fingerprint of the vault's
        files as the run saw them: the record then holds none of the others
        (a note gone is dropped from it), so that a run that sees the same
        files, as many notes as recorded, knows them all recorded."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?)",
                                ((path, h, key, marshal.dumps(deps), diagnostics)
                                 for path, h, key, deps, diagnostics in rows))
            self.db.executemany("DELETE FROM notes WHERE path = ?", ((p,) for p in gone))
            if not updates:
                return
            count = len(known) + sum((k is not None) - (path in known) for path, k in updates.items())
            if self._changes + len(updates) > max(CHANGES_MAX, len(known) // 10):
                whole = {p: k for p, k in {**known, **updates}.items() if k is not None}
                self.db.execute("INSERT OR REPLACE INTO files VALUES (0, ?)", (marshal.dumps(whole),))
                self.db.execute("INSERT OR REPLACE INTO index_image VALUES (0, ?)", (index_image(whole),))
                self.db.execute("DELETE FROM file_changes")
                self._changes = 0
            else:
                self.db.executemany("INSERT OR REPLACE INTO file_changes VALUES (?, ?)",
                                    ((path, marshal.dumps(k)) for path, k in updates.items()))
                self._changes += len(updates)
            self.version, self.names = os.urandom(8).hex(), names
            self.db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                (("files", self.version), ("names", names), ("count", str(count))))

    def compared_with_index(self, listed: bytes) -> tuple[str, list[str] | None]:
        """(the version of the files record, the notes it records that git's
        index, as `listed`, does not vouch for: see `_not_in_index`). The
        record is compared as the git index it would be, kept beside it (see
        `index_image`), with the changes since, without being read whole: at
        100,000 notes reading it took 0.13-0.18 s before the comparison."""
        with self.db:  # one snapshot
            self.db.execute("BEGIN")
            row = self.db.execute("SELECT data FROM index_image WHERE id = 0").fetchone()
            if row is None:  # (not written whole since it began)
                image, changes, version = index_image(self.files()), [], self.version
            else:
                image, changes = row[0], self.db.execute("SELECT path, data FROM file_changes").fetchall()
                found = self.db.execute("SELECT value FROM meta WHERE key = 'files'").fetchone()
                version = found[0] if found else ""
        return version, _not_in_image(listed, image, changes)

    # -- the walk ------------------------------------------------------------
    # The vault's files as a walk found them, with its folders' mtimes then:
    # while no folder's mtime moved, no file was added, removed or renamed,
    # and the list stands for a walk (git's untracked cache does the same).
    def walk_folders(self) -> tuple[str, list[tuple[str, int]]] | None:
        """(the walk kept's version, its folders and their mtimes), or None."""
        try:
            row = self.db.execute("SELECT version, folders FROM walk WHERE id = 0").fetchone()
        except sqlite3.Error:
            return None
        folders = None if row is None else _loads(row[1])
        return (row[0], folders) if isinstance(folders, list) else None

    def walked_files(self, version: str) -> tuple[list[str], str] | None:
        """(the files, their fingerprint) of the walk kept, if it is still `version`."""
        try:
            row = self.db.execute("SELECT files FROM walk WHERE id = 0 AND version = ?", (version,)).fetchone()
        except sqlite3.Error:
            return None
        found = None if row is None else _loads(row[0])
        ok = isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], list)
        return found if ok else None

    def put_walk(self, folders: list[tuple[str, int]], files: list[str], files_key: str) -> None:
        try:
            with self.db:
                self.db.execute("INSERT OR REPLACE INTO walk VALUES (0, ?, ?, ?)",
                                (os.urandom(8).hex(), marshal.dumps(folders), marshal.dumps((files, files_key))))
        except (sqlite3.Error, ValueError):  # locked, or full: walked again next time
            pass

    def forget_walk(self) -> None:
        try:
            with self.db:
                self.db.execute("DELETE FROM walk")
        except sqlite3.Error:
            pass

    # -- the last result ---------------------------------------------------
    # A run that finds every note as the files record has it, under the same
    # key and for the same notes, has the result of the run that wrote it:
    # read whole, it spares reading 100,000 rows and sorting their problems;
    # and the text printed of it last time, printed again with the same
    # options, spares even unpacking them.
    def last(self, key: str, paths: str) -> Last | None:
        """The result of a run over `paths` (a fingerprint) under `key`,
        when it was made with the files record as it is now."""
        try:
            row = self.db.execute("SELECT worst FROM results WHERE paths = ? AND files = ? AND key = ?",
                                  (paths, self.version, key)).fetchone()
        except sqlite3.Error:
            return None
        return Last(self.file, paths, self.version, key, row[0]) if row and self.version else None

    def put_result(self, key: str, paths: str, diagnostics: Sequence[Diagnostic]) -> Last | None:
        """Kept with the results of other runs under the same files record
        (a whole-vault run and a pre-commit run on a note); older ones go,
        with their texts.

        A result is a file of its own beside the database, written whole
        and then renamed into place, which the row names: at 100,000 notes
        it is 35 MB, and SQLite took a second and a half to write one and
        delete the one before (each page through its write-ahead log); a
        file takes a twentieth of that."""
        worst = max((d.severity.rank for d in diagnostics), default=-1)
        try:
            # Packed a chunk at a time: 150,000 diagnostics packed at once
            # take 70 MB more, at the end of a run, when memory is at its peak.
            chunks = (pack(diagnostics[i:i + RESULT_CHUNK]) for i in range(0, len(diagnostics), RESULT_CHUNK))
            blob, size = write_blob(self.file.parent, chunks)
            with self.db:
                stale = self._blobs("WHERE files != ? OR paths = ?", (self.version, paths))
                self.db.execute("DELETE FROM results WHERE files != ? OR paths = ?", (self.version, paths))
                self.db.execute("DELETE FROM result_texts WHERE files != ? OR paths = ?", (self.version, paths))
                self.db.execute("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?)",
                                (paths, self.version, key, worst, blob, size))
        except (OSError, sqlite3.Error):
            return None
        self._remove_blobs(stale)
        return Last(self.file, paths, self.version, key, worst)

    def _blobs(self, where: str, args: tuple) -> list[str]:
        """The files of the results and texts that rows `where` name."""
        return [blob for table in ("results", "result_texts")
                for (blob,) in self.db.execute(f"SELECT blob FROM {table} {where}", args)]

    def _remove_blobs(self, stale: list[str]) -> None:
        """Delete the files `stale` and those no row names (a run stopped
        between writing one and naming it); a missing one is gone already."""
        folder = self.file.parent / BLOBS
        try:
            named = set(self._blobs("", ()))
            now = time.time_ns()
            for entry in os.scandir(folder):
                if entry.name in stale or (entry.name not in named and now - entry.stat().st_mtime_ns > ORPHAN_NS):
                    os.unlink(entry.path)
        except (OSError, sqlite3.Error):  # another run got there first, or the folder went: nothing to keep
            pass

    # -- what rules keep from run to run (see Context.memo) ------------------
    def lasting(self, name: str, version: str):
        """The value kept under `name` if it was made for `version` (marshal
        data only: never pickle, since a vault may come with its cache)."""
        try:
            row = self.db.execute("SELECT value FROM lasting WHERE name = ? AND version = ?",
                                  (name, version)).fetchone()
        except sqlite3.Error:
            return None
        return None if row is None else _loads(row[0])

    def put_lasting(self, name: str, version: str, value) -> None:
        try:
            data = marshal.dumps(value)
            with self.db:
                self.db.execute("INSERT OR REPLACE INTO lasting VALUES (?, ?, ?)", (name, version, data))
        except (sqlite3.Error, ValueError):  # locked, or a value marshal cannot write: not kept
            pass

    # -- vault rules -------------------------------------------------------
    def vault_rule(self, rule: str) -> tuple[str, Deps, bytes] | None:
        try:
            row = self.db.execute("SELECT key, deps, diagnostics FROM vault_rules WHERE rule = ?",
                                  (rule,)).fetchone()
        except sqlite3.Error:
            return None
        deps = None if row is None else _loads(row[1])
        return (row[0], deps, row[2]) if isinstance(deps, tuple) else None

    def put_vault_rule(self, rule: str, key: str, deps: Deps, diagnostics: bytes) -> None:
        try:
            with self.db:
                self.db.execute("INSERT OR REPLACE INTO vault_rules VALUES (?, ?, ?, ?)",
                                (rule, key, marshal.dumps(deps), diagnostics))
        except sqlite3.Error:  # a locked or rebuilt database costs speed, not results
            pass


@dataclass(frozen=True)
class Last:
    """A result kept whole in the cache, read when asked for (each time
    through a connection of its own: the run's is closed by then). What was
    asked of a row that another run replaced meanwhile is None."""

    file: Path
    paths: str
    files: str
    key: str
    worst: int  # the rank of the most severe problem; -1 for none

    def diagnostics(self) -> bytes | None:
        return self._get("results")

    def kept_text(self, options: str) -> bytes | None:
        """The text kept of the result for `options`, in UTF-8 (see `keep_text`)."""
        return self._get("result_texts", "AND options = ?", (options,))

    def keep_text(self, options: str, pieces: Iterable[bytes]) -> Iterator[bytes]:
        """`pieces` (the text of the result for `options`, in UTF-8), passed
        on as they come and kept as they pass, for `kept_text`. Kept apart
        from the result: the text of another format, asked for later,
        replaces it, not the result. What cannot be kept (a full disk) is
        passed on all the same; a text not passed whole is not kept."""
        folder = self.file.parent / BLOBS
        name = os.urandom(12).hex()
        temporary = folder / f"{name}.tmp"
        try:
            folder.mkdir(exist_ok=True)
            out = open(temporary, "wb")  # noqa: SIM115 (closed below, as the pieces pass)
        except OSError:
            out = None
        size, whole = 0, False
        try:
            for piece in pieces:
                if out is not None:
                    try:
                        size += out.write(piece)
                    except OSError:
                        out.close()
                        temporary.unlink(missing_ok=True)
                        out = None
                yield piece
            whole = True
        finally:
            if out is not None:
                out.close()
                if not whole:
                    temporary.unlink(missing_ok=True)
        if out is None:
            return
        try:
            os.replace(temporary, folder / name)
            db = sqlite3.connect(self.file, timeout=5)
            try:
                with db:
                    old = db.execute("SELECT blob FROM result_texts WHERE paths = ?", (self.paths,)).fetchone()
                    db.execute("INSERT OR REPLACE INTO result_texts VALUES (?, ?, ?, ?, ?, ?)",
                               (self.paths, self.files, self.key, options, name, size))
            finally:
                db.close()
            if old is not None:
                (folder / old[0]).unlink(missing_ok=True)
        except (OSError, sqlite3.Error):
            temporary.unlink(missing_ok=True)

    def _get(self, table: str, more: str = "", args: tuple = ()) -> bytes | None:
        try:
            db = sqlite3.connect(self.file, timeout=5)
            try:
                row = db.execute(f"SELECT blob, size FROM {table} WHERE paths = ? AND files = ? AND key = ? {more}",
                                 (self.paths, self.files, self.key, *args)).fetchone()
            finally:
                db.close()
            data = None if row is None else (self.file.parent / BLOBS / row[0]).read_bytes()
        except (OSError, sqlite3.Error):  # replaced by another run meanwhile
            return None
        # The file is not synced to disk (a cache): after a crash it may be
        # short, even empty, and is then not trusted.
        return data if data is not None and len(data) == row[1] else None


def write_blob(folder: Path, chunks: Iterable[bytes]) -> tuple[str, int]:
    """Write `chunks` to a new file in `folder`/results, whole (a temporary
    name, then renamed); its name and size."""
    (folder / BLOBS).mkdir(exist_ok=True)
    name = os.urandom(12).hex()
    temporary = folder / BLOBS / f"{name}.tmp"
    try:
        with open(temporary, "wb") as out:
            size = sum(out.write(chunk) for chunk in chunks)
        os.replace(temporary, folder / BLOBS / name)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
    return name, size


def _loads(data):
    """What `marshal` wrote, or None when `data` is not that."""
    try:
        return marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None


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


def _folders(root: Path) -> Iterator[Path]:
    """Where the vault's cache is, first choice first: in the vault, unless
    its root is kept read-only; else in the user's cache folder."""
    if not _read_only(root):
        yield root / FOLDER
    yield _user_folder(root)


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


def fingerprint_paths(paths: Iterable[str]) -> str:
    # SHA-1: twice as fast as BLAKE2 on this machine, and 100,000 paths are 10 MB.
    return hashlib.sha1("\0".join(paths).encode("utf-8", "surrogatepass")).hexdigest()


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

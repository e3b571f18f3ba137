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

import hashlib
import marshal
import os
import sqlite3
import subprocess
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic
from .changes import Known, Stat, Vouched, _not_in_image, index_image
from .child import in_child
from .codec import _loads, no_gc, pack
from .keys import FORMAT

FOLDER = ".vaultlint_cache"
FILE = "cache.sqlite3"

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


@dataclass(slots=True)
class Entry:
    """What a check of one note learnt, to be stored."""

    stat: Stat
    hash: bytes
    summary: dict  # {"aliases": [...]}
    deps: tuple[str, ...]  # the notes its check read
    diagnostics: bytes  # see `pack`
# What a note's check read: (path, content hash read), the hash None when
# the note could not be read.
Deps = tuple[tuple[str, bytes | None], ...]
_NO_DEPS = marshal.dumps(())


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

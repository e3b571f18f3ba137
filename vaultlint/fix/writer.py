"""Writing notes back without ever losing one.

A note is written only when its text changed, only inside the vault root
(the real path, after symlinks and `..`, must lie under the real root), and
only when the file on disk still holds the bytes it was read from; anything
else raises `WriteRefused` and leaves the file alone.

The write is atomic: the new bytes go to a temporary file in the note's own
folder (so the rename never crosses a file system), are flushed and synced,
take the note's permission bits, and replace the note with `os.replace`. A
run killed at any moment leaves the note either old or new, never cut short.

A kill between the temporary file's making and its rename leaves it behind,
hidden (dot-files are never read as notes): `.NAME.XXXXXXXX.vaultlint.tmp`,
NAME the note's (its first 231 bytes: a file's name has at most 255), X
eight of `tempfile`'s characters. The next `check`, `fix`
or `mv` finds it in its walk of the vault (`vault.walk`) and removes it
(`sweep`) when it is stale, that is, when it is a regular file of exactly
that name and

- no process holds its lock, it holds bytes, and it is two seconds old
  (`GRACE`): a writer takes an exclusive `flock` on its temporary file
  before it writes a byte and keeps it until the rename; the system lets go
  of it when the writer ends, however it ends. Written and unlocked, the
  file has no writer any more. (The two seconds are for writers that took
  no lock, vaultlint before it did: their bytes are synced and renamed in
  well under that.)
- or it is an hour old (`STALE_AFTER`), when its lock cannot be asked
  (Windows, a file system without locks, a file not ours to open) or it is
  empty (its writer may be between making it and locking it).

A file whose lock is held is never removed, however old; nor is any other
file. Until a temporary file is gone, the folder that holds it is walked
again on each run (the walk is not kept, see `engine.Start`).
"""

from __future__ import annotations

import logging
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from ..markdown.note import BOM
from ..vault.index import TEMP_SUFFIX

try:
    import fcntl
except ImportError:  # Windows: no locks, so only the age tells (see the module's docstring)
    fcntl = None

# The name `replace_bytes` gives a temporary file (`tempfile.mkstemp` puts
# eight of its characters between the prefix and the suffix).
TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX), re.DOTALL)
# The most bytes of a note's name in its temporary file's, which then has
# 255 (most file systems' limit: a note's own name may be as long).
NAME_IN_TEMP = 255 - len(".." + "X" * 8 + TEMP_SUFFIX)
GRACE = 2.0  # seconds: see the module's docstring
STALE_AFTER = 3600.0


class WriteRefused(Exception):
    """The note was not written; the message says why."""


def encode(text: str, bom: bool) -> bytes:
    """The bytes of a note's text: the inverse of `note.decode`."""
    return ((BOM if bom else "") + text).encode("utf-8")


def inside(root: Path, path: str | os.PathLike) -> Path:
    """The real path of `path` (relative to `root`), refusing any that leads
    outside the real root, whatever symlinks or `..` say."""
    real_root = Path(root).resolve()
    real = (real_root / path).resolve()
    if real != real_root and real_root not in real.parents:
        raise WriteRefused(f"{path}: leads outside the vault ({real}); not written")
    return real


def write_note(root: Path, path: str, text: str, bom: bool, original: str) -> bool:
    """Write `text` over the note at `path` (relative to `root`), which was
    read as `original`. Returns False when there was nothing to write."""
    new = encode(text, bom)
    old = encode(original, bom)
    if new == old:
        return False
    target = inside(root, path)
    try:
        current = target.read_bytes()
    except OSError as exc:
        raise WriteRefused(f"{path}: cannot read it back ({exc.strerror or exc}); not written") from None
    if current != old:
        raise WriteRefused(f"{path}: changed on disk since vaultlint read it; not written (run again)")
    replace_bytes(target, new)
    return True


def replace_bytes(target: Path, data: bytes) -> None:
    """Atomically make `target` hold `data`, keeping its permission bits."""
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else None
    name = target.name
    if len(os.fsencode(name)) > NAME_IN_TEMP:  # (cut where a character ends)
        name = os.fsencode(name)[:NAME_IN_TEMP].decode("utf-8", "ignore")
    fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            _lock(out.fileno())  # before the first byte, until the rename: see the module's docstring
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
            if mode is not None:
                os.chmod(temp, mode)
            if fcntl is not None:
                os.replace(temp, target)
        if fcntl is None:
            os.replace(temp, target)  # (Windows renames no file that is open)
    except BaseException:
        # Even on Ctrl-C: the note is untouched, the half-written copy goes.
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    sync_folder(target.parent)


def _lock(fd: int) -> None:
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError:  # a file system without locks: then no sweep can take one either
            pass


def sweep(root: Path, paths: Iterable[str]) -> list[str]:
    """Remove the stale temporary files among `paths` (relative to `root`,
    as `vault.walk` found them; see the module's docstring for what is
    stale), each told on the `vaultlint` log. Returns those removed."""
    now = time.time()
    removed = []
    for path in paths:
        if TEMP_NAME.fullmatch(path.rpartition("/")[2]) and _remove_if_stale(root / path, now):
            logging.getLogger("vaultlint").info("removed %s, a temporary file left behind by a write cut short", path)
            removed.append(path)
    return removed


def _remove_if_stale(path: Path, now: float) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False
    age = now - st.st_mtime
    if fcntl is None:
        return age >= STALE_AFTER and _unlink(path)
    try:  # (for writing: an exclusive lock over NFS wants it)
        fd = os.open(path, os.O_RDWR | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:  # not ours to open: its lock cannot be asked
        return age >= STALE_AFTER and _unlink(path)
    try:
        held = os.fstat(fd)
        if (held.st_dev, held.st_ino) != (st.st_dev, st.st_ino):
            return False  # not the file looked at: a run later sees it again
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # its writer is at work
        except OSError:  # no locks here: only the age tells
            return age >= STALE_AFTER and _unlink(path)
        # Locked now, by this process: a writer that locked it is gone.
        written = os.fstat(fd).st_size > 0
        return (age >= (GRACE if written else STALE_AFTER)) and _unlink(path)
    finally:
        os.close(fd)


def _unlink(path: Path) -> bool:
    try:
        os.unlink(path)
    except OSError:
        return False
    return True


def sync_folder(folder: Path) -> None:
    """Make a rename durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

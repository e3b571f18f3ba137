"""Writing notes back without ever losing one.

A note is written only when its text changed, only inside the vault root
(the real path, after symlinks and `..`, must lie under the real root), and
only when the file on disk still holds the bytes it was read from; anything
else raises `WriteRefused` and leaves the file alone.

The write is atomic: the new bytes go to a temporary file in the note's own
folder (so the rename never crosses a file system), are flushed and synced,
take the note's permission bits, and replace the note with `os.replace`. A
run killed at any moment leaves the note either old or new, never cut short;
at worst a hidden `.NAME.vaultlint-*.tmp` file stays behind (dot-files are
never read as notes).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .note import BOM

TEMP_SUFFIX = ".vaultlint.tmp"


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
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        # Even on Ctrl-C: the note is untouched, the half-written copy goes.
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    sync_folder(target.parent)


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

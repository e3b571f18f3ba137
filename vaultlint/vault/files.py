"""Reading a note's file: the bytes of a regular file inside the vault, never a pipe or a link out."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from ..formats import canvas
from ..markdown.note import Note, NoteReadError, decode, kind_of, parse

# Not blocking on a FIFO named `.md` (it would hang the run); not following
# a symlink before it is known to stay inside the vault.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def read_bytes(root: Path, path: str) -> bytes:
    """The bytes of a regular file of the vault; a symbolic link is followed
    only to a file inside the vault."""
    return read_file(root, path)[0]


def read_file(root: Path, path: str) -> tuple[bytes, os.stat_result]:
    """`read_bytes`, and the file's stat as it was before it was read (a
    change made while it is read shows in the next run)."""
    full = os.path.join(root, path)
    try:
        try:
            fd = os.open(full, _OPEN_FLAGS | _NOFOLLOW)
        except OSError as exc:
            if exc.errno != errno.ELOOP or not os.path.islink(full):
                raise
            real, real_root = os.path.realpath(full), os.path.realpath(root)
            if not real.startswith(real_root.rstrip(os.sep) + os.sep):
                raise NoteReadError("a symbolic link to a file outside the vault: not followed") from None
            fd = os.open(real, _OPEN_FLAGS)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise NoteReadError("not a regular file (a pipe, a device or a folder): not read")
            # os.read, not a file object: making one costs more than the read.
            chunks = [os.read(fd, st.st_size + 1)]
            while chunks[-1]:  # the file grew while being read: read to its end
                chunks.append(os.read(fd, 1 << 16))
            return b"".join(chunks) if len(chunks) > 2 else chunks[0], st
        finally:
            os.close(fd)
    except OSError as exc:
        raise NoteReadError(f"cannot read the file: {exc.strerror or exc}") from None


def read(root: Path, path: str, stamp_pattern: re.Pattern | None = None) -> Note:
    text, bom = decode(read_bytes(root, path))
    return parse_file(path, text, bom, stamp_pattern)


def parse_file(path: str, text: str, bom: bool = False, stamp_pattern: re.Pattern | None = None) -> Note:
    """The note of a file's text as its kind reads it: a canvas with its
    links (file nodes, text cards), else `markdown.note.parse`'s (a Markdown
    note, a base's text)."""
    if kind_of(path) == canvas.CANVAS:
        return canvas.note(path, text, bom)
    return parse(path, text, bom, stamp_pattern)

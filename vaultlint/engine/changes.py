"""What changed since the files record: a stat of each note compared with what is recorded,
or, for `--staged`, git's index compared with the record.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .child import in_child
from .codec import _loads

# A file modified this recently may change again within the same mtime tick:
# its stat is not stored, so that the next run compares its content.
RACY_NS = 2_000_000_000


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


# What the files record holds of a note: (size, mtime, content hash, summary);
# the summary is None when empty (most notes).
Known = tuple[int, int, bytes, dict | None]


def now_ns() -> int:
    return time.time_ns()

"""The beginning of a cached run (`Start`): the cache opened and its record
of the files read while a large vault is walked, then the notes that moved
since found, in forked children where that saves time.
"""

from __future__ import annotations

import os
from pathlib import Path
from subprocess import Popen

from ..vault.index import walk
from .changes import RACY_NS, Known, Moved, moved, moved_staged, now_ns
from .child import in_child
from .keys import fingerprint_paths
from .store import Cache, index_compared

# A run of this many notes or fewer (pre-commit) prepares the rules before it
# knows what changed (see `Run.go`).
FEW_NOTES = 100
# The share of the notes a forked child stats while this process goes on
# (see `Start`), so that both end together. The child is forked once the
# files record is read: this process then only loads the rules (~0.05 s at
# 100,000 notes, whose stats take ~0.6 s) before it stats its share; in a
# run of a few notes it also prepares the rules (~0.3 s). Measured at
# 100,000 notes: a warm run took 1.4-1.7 s with 0.7, 1.1-1.5 s with 0.55 or
# 0.45; `check NOTE` after an edit 1.6-1.9 s with 0.9, 1.4-1.7 s with 0.75.
CHILD_SHARE, CHILD_SHARE_FEW = 0.5, 0.75
# From this many notes recorded, the vault is walked by a forked child while
# the files record is read (see `Start`).
WALK_IN_CHILD_MIN = 20_000



class Start:
    """The beginning of a cached run, in two steps that overlap the walk of
    the vault and the loading of the rules (`api.lint`).

    `Start(root)`: the cache opened and its files record read. Meanwhile,
    in forked children: a large vault is walked (`files`); and for a staged
    run (pre-commit), git's index, as the caller's `listing` lists it, is
    compared with the record (see `cache.index_compared`).

    A large vault's walk is kept in the cache with its folders' mtimes
    (`Cache.walk_folders`): while none moved, no file was added, removed
    or renamed, and the files kept stand for a walk (git's untracked cache
    does the same). A folder changed in the two seconds before the walk
    began is not trusted (its next change could show the same mtime), and
    the config's `trust-folder-times = false` turns this off for a file
    system whose folders' mtimes cannot be trusted.

    `begin(vault, checking)`, once the vault is walked: the notes that
    moved are found. A forked child stats a share of them; a run of
    `FEW_NOTES` or fewer leaves it a larger share, since this process
    prepares the rules meanwhile (see `Run.go`). A staged run stats only
    the notes git's index does not vouch for (see `cache.moved_staged`);
    without a listing, every note."""

    def __init__(self, root: Path, walk_too: bool = True, listing: Popen | None = None):
        self.cache = Cache.open(root)
        self.known: dict[str, Known] = {}
        self.moved: Moved = dict
        self.few = self.staged = False
        self.notes: list[str] | None = None
        self._walked = self._compared = None
        self._files: list[str] | None = None  # as the child walked them, and their fingerprint
        self._files_key = ""
        self._kept_walk: str | None = None  # the version of the walk kept that still holds
        self._walk_to_keep: tuple[list[tuple[str, int | None]], int] | None = None  # the child's folders, and when
        self._walk_outdated = False  # a walk is kept that no longer holds
        self.temporary: list[str] = []  # the temporary files the child's walk saw (a walk kept saw none)
        if self.cache is None:
            return
        if listing is not None:  # compared with git's index by a child meanwhile
            self._compared = index_compared(self.cache, listing)
        if walk_too and self.cache.recorded() >= WALK_IN_CHILD_MIN and hasattr(os, "fork"):
            # At 100,000 notes the walk and the record each take 0.15 s;
            # stat'ing the 400 folders, 0.005 s.
            kept = self.cache.walk_folders()
            if kept is not None and folders_unchanged(root, kept[1]):
                self._kept_walk = kept[0]
            else:
                self._walk_outdated = kept is not None
                self._walked = in_child(lambda: _walked(root))
        try:
            self.known = self.cache.files()
        except Exception:  # unreadable: rebuilt, never trusted
            self.cache.reset()

    @classmethod
    def of(cls, vault, checking: list[str]) -> Start:
        start = cls(vault.root, walk_too=False)  # (walked already)
        start.begin(vault, checking)
        return start

    def files(self, trust_folder_times: bool = True) -> list[str] | None:
        """The vault's files (sorted) as the walk kept or the child found
        them (and its `temporary` files); None when neither (or the child
        failed): the caller walks."""
        kept, self._kept_walk = self._kept_walk, None
        if kept is not None and trust_folder_times:
            found = self.cache.walked_files(kept)  # (None if another run replaced it meanwhile)
            if found is not None:
                self._files, self._files_key = found
                return self._files
        elif kept is not None:  # not to be trusted: not kept either (see `_keep_walk`)
            self._walk_outdated = True
        walked, self._walked = self._walked, None
        found = walked() if walked is not None else None
        if not (isinstance(found, tuple) and len(found) == 5 and isinstance(found[0], list)):
            return None
        self._files, self._files_key, folders, began, self.temporary = found
        if trust_folder_times:
            self._walk_to_keep = (folders, began)
        return self._files

    def begin(self, vault, checking: list[str], staged: bool = False, listing: Popen | None = None) -> None:
        self.few = len(checking) <= FEW_NOTES
        self.staged = staged
        self.notes = vault.checked_paths
        # Hashed once a run (100,000 paths): by the child that walked them.
        self.files_key = (self._files_key if self._files is not None and vault.files == self._files
                          else fingerprint_paths(vault.files))
        compared, self._compared = self._compared, None
        if not self.known:
            if listing is not None:  # nothing to compare it with
                listing.kill()
                if compared is None:
                    listing.communicate()
                else:  # (the child has its output)
                    listing.wait()
                    compared()
        elif staged:
            all_recorded = self.cache.names == self.files_key and len(self.known) == len(self.notes)
            self.moved = moved_staged(vault.root, self.notes, self.known, checking, listing, all_recorded,
                                      None if compared is None else (compared, self.cache.version))
        else:
            share = CHILD_SHARE_FEW if self.few else CHILD_SHARE
            self.moved = moved(vault.root, self.notes, self.known, child_share=share)

    def close(self) -> None:
        self.files(trust_folder_times=False)  # the child waited for (its walk kept only if the run asked for it)
        if self._compared is not None:  # (never begun)
            self._compared()
        self.moved()  # the child waited for, if nobody asked
        if self.cache is not None:
            self._keep_walk()
            self.cache.close()

    def _keep_walk(self) -> None:
        """Keep the child's walk for the next runs (see the class), unless a
        folder could not be listed or changed too recently to be trusted:
        within two seconds before the walk began, the next change could
        keep its mtime (on a file system that counts in seconds)."""
        walked, self._walk_to_keep = self._walk_to_keep, None
        if walked is not None and self._files is not None and all(
                mtime is not None and walked[1] - mtime >= RACY_NS for _rel, mtime in walked[0]):
            self.cache.put_walk(walked[0], self._files, self._files_key)
        elif self._walk_outdated:  # gone, never to be trusted again (a folder's mtime may be set back)
            self.cache.forget_walk()




def _walked(root: Path) -> tuple[list[str], str, list[tuple[str, int | None]], int, list[str]]:
    """The vault's files, sorted, their fingerprint, its folders with their
    mtimes, when the walk began (see `Start`), and the temporary files it
    saw (see `writer.sweep`)."""
    began = now_ns()
    folders: list[tuple[str, int | None]] = []
    temporary: list[str] = []
    files = sorted(walk(root, folders, temporary))
    return files, fingerprint_paths(files), folders, began, temporary


def folders_unchanged(root: Path, folders: list[tuple[str, int]]) -> bool:
    """Whether each folder still has the mtime recorded: then none gained,
    lost or renamed an entry since (see `Start`)."""
    try:
        return all(os.stat(os.path.join(root, rel)).st_mtime_ns == mtime for rel, mtime in folders)
    except (OSError, TypeError, ValueError):  # gone, or not what was written
        return False


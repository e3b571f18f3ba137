"""The vault: its files, the names links use, and `resolve(link)`.

Resolution follows Obsidian (the `obsidian` mode):

1. `/path` is absolute from the vault root; `./x` and `../x` are relative to
   the linking note's folder (and never climb out of the vault).
2. A link that spells a path from the root (`folder/Note`) or from the
   linking note's folder finds that file.
3. Otherwise the link is matched by name: `Note` finds `Note.md` wherever it
   is, `folder/Note` finds a `Note.md` whose path ends in `folder/Note.md`,
   `img.png` finds the attachment by its full file name. Several matches
   make the link ambiguous; Obsidian then takes the one in the linking note's
   folder, or else the one with the shortest path, and so do we.

Names compare after Unicode NFC normalisation (macOS stores names
decomposed) and, unless `case-sensitive = true`, case-insensitively.

In `slug` mode (vaults published with Quartz and similar tools) a link also
finds the note whose file name is the link's slug: `[[Some Title Case Name]]`
finds `some_title_case_name.md`.
"""

from __future__ import annotations

import copy
import enum
import os
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from ..markdown.note import KINDS, Note, NoteReadError, normalize_name
from ..markdown.scanner import Link
from . import files as note_files

# The suffix of the temporary files `vaultlint.fix.writer` writes a note to before it replaces
# the note: the walk never takes one for a note, and lists them for `writer.sweep`.
TEMP_SUFFIX = ".vaultlint.tmp"

# Obsidian never indexes dot-folders and dot-files (.obsidian, .trash, .git).
HIDDEN_PREFIX = "."
# `.md` in any case: a note (nothing lowers to `m` or `d` but `M` and `D`).
NOTE_SUFFIXES = (".md", ".MD", ".Md", ".mD")
# The files of the other kinds that rules check (see `markdown.note.KINDS`).
_KIND_SUFFIXES = (*KINDS, *(suffix.upper() for suffix in KINDS))
# The answers of `Vault.candidates` kept at most: a note's links are
# answered again from it, and the vault's common targets soon come back.
FOUND_MAX = 20_000
# In the keys of all files joined by NUL: the end of a note's key.
_MD_END = re.compile(r"(?i)\.md\0")
MARKERS = (".obsidian", ".vaultlint.toml")


def find_root(paths: Iterable[Path]) -> Path:
    """The vault root of `paths` (see `locate_root`)."""
    return locate_root(paths)[0]


def locate_root(paths: Iterable[Path]) -> tuple[Path, str]:
    """The vault root of the first path (the current folder when none), and
    how it was found:

    - `marker`: the nearest folder above it that holds `.obsidian/` or a
      `.vaultlint.toml`;
    - `git`: none, so the top of the git work tree it is in (a `.git`, a
      folder or a worktree's file), where a vault kept in git has its root:
      a check of a subfolder then resolves its links against the whole vault.
      A work tree at the home folder or at `/` (dotfiles) is not a vault's;
    - `given`: neither, so the folder given (or the current one).

    The last two are guesses, which the CLI says on stderr."""
    paths = [Path(p) for p in paths] or [Path.cwd()]
    start = paths[0].resolve()
    if start.is_file() or not start.exists():
        start = start.parent
    chain = (start, *start.parents)
    for folder in chain:
        if any((folder / marker).exists() for marker in MARKERS):
            return folder, "marker"
    not_vaults = {Path(start.anchor)}
    try:
        not_vaults.add(Path.home().resolve())
    except RuntimeError:  # no home folder known
        pass
    for folder in chain:
        if (folder / ".git").exists():
            if folder not in not_vaults:
                return folder, "git"
            break
    return start, "given"


def glob_to_regex(pattern: str) -> re.Pattern:
    """A gitignore-like glob on "/"-separated paths relative to the root:
    `*` stays within a folder, `**` crosses folders, a pattern with no `/`
    matches a name at any depth, a pattern ending in `/` matches a folder."""
    pattern = pattern.strip()
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.lstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append({"*": "[^/]*", "?": "[^/]"}.get(c, re.escape(c)))
        i += 1
    body = "".join(out)
    prefix = "" if anchored else "(?:.*/)?"
    # A pattern that names a folder also covers everything inside it.
    return re.compile(f"{prefix}{body}(?:/.*)?", re.S)


def slugify(name: str) -> str:
    """The slug a Quartz-style site gives a note name: lower case, anything
    but letters, digits, `_` and spaces dropped, runs of spaces made one `_`.
    (Checked on tubegraph: `[[Libertarianism and anarcho-capitalism]]` is the
    note `libertarianism_and_anarchocapitalism.md`, `Compaq's` is `compaqs`.)"""
    kept = re.sub(r"[^\w\s]", "", name.casefold())
    return "_".join(kept.split())


class Status(str, enum.Enum):
    FOUND = "found"
    MISSING = "missing"
    MISSING_HEADING = "missing-heading"
    MISSING_BLOCK = "missing-block"


@dataclass(frozen=True, slots=True)
class Resolution:
    status: Status
    path: str | None = None  # the file the link leads to
    candidates: tuple[str, ...] = ()  # every file that fits, best first

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


# What Obsidian's `stripHeading` drops before it compares a link's heading
# with a note's headings: punctuation that cannot stand in a link or that
# Markdown eats. The help vault relies on it: `[[Functions#hasTag]]` finds
# "### `hasTag()`", `[[FAQ#How large can each remote vault be]]` finds the
# heading that ends in "?".
_ASCII_PUNCTUATION = """!"#$%&()*+,.:;<=>?@^`{|}~/[]\\"""
_HEADING_PUNCTUATION = re.compile(f"[{re.escape(_ASCII_PUNCTUATION)}]")
# The same punctuation in its full-width forms (`？！：（）`, U+FF01-FF5E), as a
# CJK input method types it: by default it is ignored as its ASCII form is
# (`broken-heading`'s `full-width` option tells why, and can say otherwise).
_WIDE_FORMS = "".join(chr(ord(c) + 0xFEE0) for c in _ASCII_PUNCTUATION)
_WIDE_PUNCTUATION = re.compile(f"[{re.escape(_ASCII_PUNCTUATION + _WIDE_FORMS)}]")


@lru_cache(maxsize=1 << 12)  # a link to a heading compares it with each heading of its note, again per link
def heading_key(text: str, fold_width: bool = True) -> str:
    """How Obsidian compares headings: that punctuation becomes a space,
    runs of spaces collapse, case is ignored (the help vault links
    `[[#property]]` to "## Property"); with `fold_width`, its full-width
    forms too."""
    return " ".join((_WIDE_PUNCTUATION if fold_width else _HEADING_PUNCTUATION).sub(" ", text).split()).casefold()


class Vault:
    def __init__(
        self,
        root: Path,
        *,
        exclude: Iterable[str] = (),
        case_sensitive: bool = False,
        resolution: str = "obsidian",
        stamp_pattern: re.Pattern | None = None,
        reader: Callable[[Path, str], Note] | None = None,
        files: list[str] | None = None,
        temporary: Iterable[str] = (),
    ):
        self.root = Path(root)
        self.case_sensitive = case_sensitive
        self.resolution = resolution
        self.stamp_pattern = stamp_pattern
        self._exclude = [glob_to_regex(p) for p in exclude]
        self._reader = reader or (lambda root, path: note_files.read(root, path, stamp_pattern))
        # `files`: as `walk` found them, when the caller had it done; and
        # `temporary`: the temporary files of vaultlint's that it saw (for
        # `writer.sweep`, the caller's to run).
        self.temporary: list[str] = list(temporary)
        self.files: list[str] = sorted(walk(self.root, temporary=self.temporary) if files is None else files)
        self._notes_of: list[str] | None = None  # the `files` that `note_paths` was made from
        self._checked_of: list[str] | None = None  # the `note_paths` that `checked_paths` was made from
        self._notes: dict[str, Note | NoteReadError] = {}
        self.parsed = 0  # notes read from their files and parsed by `note` (the engine's `RunStats.read`)
        self._aliases: dict[str, list[str]] | None = None
        self._tracking: list[set[str]] = []
        # path -> what a run knows of the note without reading it (its
        # aliases), filled by the engine from the cache.
        self.summaries: dict[str, dict] = {}
        # (path, aliases) of every note that has some, when the engine knows
        # them all from its summaries: then no note is looked at for them.
        self.every_alias: list[tuple[str, tuple[str, ...]]] | None = None
        # The name index is built on first use: a warm run that reuses every
        # result from the cache never resolves a link.

    def __getattr__(self, name: str):
        if name in ("_one_named", "_shared_names", "_found", "_anywhere"):
            self._index()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # -- the files --------------------------------------------------------
    def is_excluded(self, path: str) -> bool:
        return any(p.fullmatch(path) for p in self._exclude)

    @property
    def note_paths(self) -> list[str]:
        """Every note, excluded ones too (they are still link targets). Made
        once per list of files: a run asks often, and a vault has 100,000."""
        if self._notes_of is not self.files:
            self._note_paths = [p for p in self.files if p.endswith(NOTE_SUFFIXES)]  # (no `lower()` a file)
            self._notes_of = self.files
        return self._note_paths

    @property
    def checked_paths(self) -> list[str]:
        """The files rules check: every note, and the files of the other
        kinds (`.base`), in order. In a vault with none, `note_paths` itself."""
        notes = self.note_paths
        if self._checked_of is not notes:
            others = [p for p in self.files if p.endswith(_KIND_SUFFIXES)]
            self._checked_paths = sorted(notes + others) if others else notes
            self._checked_of = notes
        return self._checked_paths

    def included(self, paths: Iterable[str]) -> list[str]:
        """`paths` less the excluded ones."""
        if not self._exclude:
            return list(paths)
        return [p for p in paths if not self.is_excluded(p)]

    def key(self, name: str) -> str:
        return normalize_name(name, self.case_sensitive)

    def name_keys(self) -> list[str]:
        """The key of each file's name (less `.md` for a note), in the order
        of `files`: what the name index is made of. Made from all the paths
        at once, in C where it can be: 100,000 files a run cannot afford a
        Python loop of dict and list work each."""
        # A file name holds no NUL; NFC and case folding keep "\0" and "/"
        # where they are, so one call keys every path.
        keys = self.key("\0".join(self.files) + "\0")
        # (Case folded, `.md` is lower case: `str.replace` is ten times faster than a pattern.)
        stems = _MD_END.sub("\0", keys) if self.case_sensitive else keys.replace(".md\0", "\0")
        names = [key.rpartition("/")[2] for key in stems.split("\0")]
        names.pop()  # after the last NUL
        return names

    def _index(self, names: list[str] | None = None) -> None:
        # By name: most names belong to one file, kept as a string; the few
        # shared by several files are kept as lists.
        files = self.files
        if names is None or len(names) != len(files):
            names = self.name_keys()
        self._one_named: dict[str, str] = dict(zip(names, files, strict=True))
        self._shared_names: dict[str, list[str]] = {}
        if len(self._one_named) < len(files):
            shared = self._shared_names = {name: [] for name, n in Counter(names).items() if n > 1}
            for name, path in zip(names, files, strict=True):
                if name in shared:
                    shared[name].append(path)
        self._found: dict[tuple[str, str], tuple[str, ...]] = {}  # find()'s answers for these files
        self._anywhere: dict[str, tuple[str, ...]] = {}  # ... those that hold in every folder
        for made_from_files in ("by_slug", "written_names"):  # again when next asked
            self.__dict__.pop(made_from_files, None)

    def index(self, names: list[str] | None = None) -> None:
        """Make the name index now, not on first use; from `names` (as
        `name_keys` made them, kept from an earlier run) when given."""
        if "_one_named" not in self.__dict__:
            self._index(names)

    def named(self, name: str) -> list[str]:
        """The files whose name has the key `name` (less `.md` for a note),
        in path order."""
        shared = self._shared_names.get(name)
        if shared is not None:
            return shared
        one = self._one_named.get(name)
        return [] if one is None else [one]

    def exact(self, path: str) -> str | None:
        """The file at `path` (a key, from the root), or else the note at
        `path` + `.md`. Of files whose keys are equal (names differing in
        case on a case-sensitive disk) the last in path order, of such
        notes the first."""
        base = path[path.rfind("/") + 1:]
        stem = base[:-3] if base.lower().endswith(".md") else base
        # A key has its path's slashes: a file in another depth of folders
        # is passed over without making its key.
        depth, key = path.count("/"), self.key
        for file in reversed(self.named(stem)):
            if file.count("/") == depth and key(file) == path:
                return file
        for file in self.named(base):
            if file.count("/") == depth and file.lower().endswith(".md") and key(file)[:-3] == path:
                return file
        return None

    @cached_property
    def written_names(self) -> frozenset[bytes]:
        """Each file's name as written (less `.md` for a note), in UTF-8: a
        bare link target of these bytes finds that file, which a quick look
        at a note's bytes can tell without decoding the target."""
        names = (path[path.rfind("/") + 1:] for path in self.files)
        return frozenset((name[:-3] if name[-3:].lower() == ".md" else name).encode("utf-8", "surrogateescape")
                         for name in names)

    @cached_property
    def by_slug(self) -> dict[str, list[str]]:
        """Notes by the slug of their name (for `resolution = "slug"`)."""
        out: dict[str, list[str]] = {}
        for path in self.files:
            if path.lower().endswith(".md"):
                out.setdefault(slugify(path.rsplit("/", 1)[-1][:-3]), []).append(path)
        return out

    def with_files(self, extra: Iterable[str]) -> Vault:
        """The same vault as if `extra` files existed too (as they did before
        a commit removed them): for telling which links the removal broke."""
        other = copy.copy(self)
        other.files = sorted({*self.files, *extra})
        other._index()
        return other

    def note(self, path: str) -> Note:
        """The parsed note (read once, then kept). Raises NoteReadError."""
        for reads in self._tracking:
            reads.add(path)
        got = self._notes.get(path)
        if got is None:
            try:
                got = self._reader(self.root, path)
                self.parsed += 1
            except NoteReadError as exc:
                got = exc
            self._notes[path] = got
        if isinstance(got, NoteReadError):
            raise got
        return got

    @contextmanager
    def holding(self, path: str) -> Iterator[Note]:
        """`note(path)`, kept while the block runs (a rule may ask for it
        again), then let go unless it was kept before: for a pass over many
        notes, whose memory must stay flat. A note held, such as a fixed
        text not yet written, is the one given."""
        kept = path in self._notes
        try:
            yield self.note(path)
        finally:
            if not kept:
                self.forget(path)

    def glance(self, path: str) -> Note:
        """`note(path)`, not kept afterwards unless it was (see `holding`)."""
        with self.holding(path) as note:
            return note

    def linked_note(self, path: str, source: Note) -> Note | None:
        """The note a link of `source` leads to (`source` itself for a link
        within it); None when it cannot be read (reported on its own)."""
        if path == source.path:
            return source
        try:
            return self.note(path)
        except NoteReadError:
            return None

    @contextmanager
    def tracking(self) -> Iterator[set[str]]:
        """The paths of the notes read by `note()` within the block: the
        cache learns from them which results a change of a note makes stale
        (a link to `other#Heading` depends on `other`)."""
        reads: set[str] = set()
        self._tracking.append(reads)
        try:
            yield reads
        finally:
            self._tracking.pop()  # blocks nest, so ours is the last

    def depend_on(self, paths: Iterable[str]) -> None:
        """Count `paths` as read (the notes an index built earlier read)."""
        for reads in self._tracking:
            reads.update(paths)

    def forget(self, path: str) -> None:
        self._notes.pop(path, None)

    def remember(self, note: Note) -> None:
        """Take `note` (say, a fixed text not yet written) as the note at its path."""
        self._notes[note.path] = note

    # -- resolution -------------------------------------------------------
    def find(self, target: str, source: str) -> list[str]:
        """Every file that `target`, written in the note `source`, can mean;
        the one Obsidian opens first."""
        return list(self.candidates(target, source))

    def candidates(self, target: str, source: str) -> tuple[str, ...]:
        """`find` as a tuple, shared (the cheapest question a rule can ask:
        "does this link lead anywhere, and to how many files?").

        The answer depends only on the vault's files and the note's folder,
        so it is kept: every link rule resolves every link, and a vault
        writes the same target from the same folder many times."""
        found = self._anywhere.get(target)
        if found is not None:
            return found
        if len(self._found) + len(self._anywhere) >= FOUND_MAX:  # a worker over 50,000 notes would keep 100 MB
            self._found.clear()
            self._anywhere.clear()
        if _folder_free(target):
            found = self._bare(target)
            if len(found) < 2:  # the answer in every folder: kept once, by target alone
                self._anywhere[target] = found
                return found
        key = (target, source.rpartition("/")[0])
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = tuple(self._search(target, key[1]))
        return found

    def _bare(self, target: str) -> tuple[str, ...]:
        """The files with the name of the bare name `target`, or in slug
        mode when none has it, that slug. Every file a bare name can mean
        (by path from the root or the folder, or by name) is among them:
        when one or none fits, that is the answer (most links; `_search`
        costs five times more)."""
        # `key` inline for an ASCII target (most; ASCII is NFC already): a
        # worker asks this for nearly every link.
        name = target.casefold() if target.isascii() and not self.case_sensitive else self.key(target)
        files = self._shared_names.get(name)
        if files is None:
            one = self._one_named.get(name)
            if one is not None:
                return (one,)
            if self.resolution != "slug":
                return ()
            files = self.by_slug.get(slugify(target), ())
        return tuple(files)

    def _search(self, target: str, folder: str) -> list[str]:
        """What `candidates` answers, the long way, for any target."""
        target = target.replace("\\", "/")
        if target.startswith("/"):
            return self._exact(target.lstrip("/"))
        if target.startswith(("./", "../")):
            joined = posixpath.normpath(posixpath.join(folder, target))
            if joined == ".." or joined.startswith("../"):
                return []  # never resolved outside the vault
            return self._exact(joined)
        # A path from the root or from the note's folder is what Obsidian
        # opens; other files of the same name still make the link ambiguous.
        found = self._exact(target) or (self._exact(f"{folder}/{target}") if folder else [])
        by_name = self._by_name(target, folder)
        return found + [c for c in by_name if c not in found]

    def _by_name(self, target: str, folder: str) -> list[str]:
        name = target.rsplit("/", 1)[-1]
        notes_only = name.lower().endswith(".md")
        stem = name[:-3] if notes_only else name
        candidates = self.named(self.key(stem))
        if notes_only:
            candidates = [c for c in candidates if c.lower().endswith(".md")]
        if "/" in target:
            suffix = "/" + self.key(target[:-3] if notes_only else target)
            candidates = [c for c in candidates if self._suffix_matches(c, suffix)]
        if not candidates and self.resolution == "slug":
            candidates = self.by_slug.get(slugify(stem), [])
        return self._rank(candidates, folder)

    def _suffix_matches(self, path: str, suffix: str) -> bool:
        key = "/" + self.key(path)
        return key.endswith(suffix) or (key.endswith(".md") and key[:-3].endswith(suffix))

    def _exact(self, path: str) -> list[str]:
        if "." in path or "//" in path or path.endswith("/"):  # else normpath changes nothing
            path = posixpath.normpath(path)
        hit = self.exact(self.key(path))
        return [hit] if hit is not None else []

    @staticmethod
    def _rank(candidates: list[str], folder: str) -> list[str]:
        if len(candidates) < 2:
            return list(candidates)
        return sorted(candidates, key=lambda c: (posixpath.dirname(c) != folder, c.count("/"), len(c), c))

    def resolve(self, link: Link, source: str) -> Resolution:
        if not link.target:
            candidates = [source]
        else:
            candidates = self.candidates(link.target, source)
            if not candidates:
                return Resolution(Status.MISSING)
        path = candidates[0]
        status = Status.FOUND
        if link.subpath and path.lower().endswith(".md"):
            status = self._check_subpath(path, link.subpath)
        return Resolution(status, path, tuple(candidates))

    def _check_subpath(self, path: str, subpath: str) -> Status:
        try:
            target = self.note(path)
        except NoteReadError:
            return Status.FOUND  # the unreadable note is reported on its own
        if subpath.startswith("^"):
            wanted = subpath[1:].strip().casefold()
            if any(b.id.casefold() == wanted for b in target.body.block_ids):
                return Status.FOUND
            return Status.MISSING_BLOCK
        if not self.heading_path_exists(target, subpath):
            return Status.MISSING_HEADING
        return Status.FOUND

    def heading_path_exists(self, target: Note, subpath: str) -> bool:
        return heading_path_exists(target.body.headings, subpath)

    # -- aliases ----------------------------------------------------------
    def alias_owners(self, name: str) -> list[str]:
        """The notes that list `name` among their aliases. A link does not
        resolve through an alias (Obsidian writes `[[Note|alias]]`), but
        the alias tells which note was meant. Built on first use: it reads
        every note's front-matter."""
        if self._aliases is None:
            known = self.every_alias
            self.use_aliases(known if known is not None else self.aliases_by_note(self.note_paths))
        return self._aliases.get(self.key(name.strip()), [])

    @property
    def aliases_known(self) -> bool:
        return self._aliases is not None or self.every_alias is not None

    def aliases_by_note(self, paths: Iterable[str]) -> list[tuple[str, tuple[str, ...]]]:
        """(path, aliases) of the notes of `paths` that have aliases."""
        summaries = self.summaries
        # Most notes have a summary without aliases (a warm run knows them
        # all): looked up inline, no call a note.
        return [(path, aliases) for path in paths
                if (path not in summaries or "aliases" in summaries[path]) and (aliases := self.aliases_of(path))]

    def use_aliases(self, by_note: Iterable[tuple[str, tuple[str, ...]]]) -> None:
        """Index the aliases of every note (as `aliases_by_note` gave them)."""
        self._aliases = {}
        for path, aliases in sorted(by_note):
            for alias in aliases:
                self._aliases.setdefault(self.key(alias.strip()), []).append(path)

    def aliases_of(self, path: str, data: bytes | None = None) -> tuple[str, ...]:
        """A note's aliases: from the cache's summary when it has one (see
        `vaultlint.engine`); else read (`data`, its bytes, when the caller
        has them), without counting as a dependency (aliases are in the run
        key) and without keeping the note (memory stays flat)."""
        known = self.summaries.get(path)
        if known is not None:
            return tuple(known.get("aliases", ()))
        if path not in self._notes:
            try:  # most notes have no aliases: a look at the bytes says so without parsing
                if data is None:
                    data = note_files.read_bytes(self.root, path)
                if b"alias" not in data:
                    return ()
            except NoteReadError:
                return ()
        tracking, self._tracking = self._tracking, []
        try:
            return self.glance(path).aliases
        except NoteReadError:
            return ()
        finally:
            self._tracking = tracking


def walk(root: Path, seen: list[tuple[str, int | None]] | None = None,
         temporary: list[str] | None = None) -> list[str]:
    """Every file (from the root, with `/`), less hidden ones and those
    in hidden folders. Symbolic links to folders are not followed (a
    loop must not hang the walk), as `os.walk` does; but one loop over
    each folder, not os.walk's several: 100,000 files take 0.13 s.

    `seen`, when given, gets each folder listed (from the root, ending in
    `/`; the root is "") with its mtime in ns as it was before it was
    listed, or None when it could not be listed or holds a temporary file.

    `temporary`, when given, gets the hidden files named as vaultlint's
    temporary files are (`TEMP_SUFFIX`), for `writer.sweep`."""
    out: list[str] = []
    folders = [("", str(root))]
    while folders:
        rel, folder = folders.pop()
        try:
            if seen is not None:
                # Taken first: an entry made while the folder is listed then
                # shows as a later mtime (see `vaultlint.engine.Start`).
                mtime = os.stat(folder).st_mtime_ns
            held = len(temporary) if temporary is not None else 0
            with os.scandir(folder) as found:
                # (A hidden name is looked at again only to tell temporary files.)
                entries = [e for e in found if not e.name.startswith(HIDDEN_PREFIX)
                           or temporary is not None and _temporary(rel, e.name, temporary)]
        except OSError:  # unreadable, or gone meanwhile: as os.walk, skipped
            if seen is not None:
                seen.append((rel, None))
            continue
        if seen is not None:
            # A folder that holds a temporary file is not kept walked (as if
            # unlisted): were it a write's that can be removed only later, a
            # walk kept would never see it again.
            seen.append((rel, mtime if temporary is None or len(temporary) == held else None))
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                out.append(rel + entry.name)
            elif not entry.is_symlink():
                folders.append((f"{rel}{entry.name}/", entry.path))
    return out


def _temporary(rel: str, name: str, temporary: list[str]) -> bool:
    """False (a hidden file is never walked); `temporary` gets it when it is
    named as vaultlint's temporary files are."""
    if name.endswith(TEMP_SUFFIX):
        temporary.append(rel + name)
    return False


def _folder_free(target: str) -> bool:
    """Whether the files a target can mean are the same from every folder
    (only their order could differ, which matters only for several): a bare
    name finds a file in the linking note's folder only if it finds it by
    name anyway. Paths, relative links and `x.md` (which `x.md.md` in the
    note's folder would answer) are not bare names."""
    # (`NOTE_SUFFIXES`: `.md` in any case, without lowering the target.)
    return not ("/" in target or "\\" in target or target.startswith(".") or target.endswith(NOTE_SUFFIXES))


def heading_path_exists(headings, subpath: str, fold_width: bool = True) -> bool:
    """Whether `H1#H2#...` names a heading: each part is a heading inside
    the section of the part before it (Obsidian's nested form), compared
    with `heading_key`."""
    parts = [heading_key(p, fold_width) for p in subpath.split("#") if p.strip()]
    if not parts:
        return True
    return _find_nested(list(headings), parts, 0, len(headings), 0, fold_width)


def _find_nested(headings, parts, lo, hi, depth, fold_width=True) -> bool:
    for i in range(lo, hi):
        if heading_key(headings[i].text, fold_width) != parts[depth]:
            continue
        if depth == len(parts) - 1:
            return True
        end = next((j for j in range(i + 1, hi) if headings[j].level <= headings[i].level), hi)
        if _find_nested(headings, parts, i + 1, end, depth + 1, fold_width):
            return True
    return False

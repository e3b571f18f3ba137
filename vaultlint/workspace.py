"""A vault held open: the core that a language server, `check --watch` and
the MCP server keep for as long as they run.

    from vaultlint.workspace import Workspace

    ws = Workspace.open("path/to/vault")
    ws.check("Notes/Idea.md")                 # its problems, as `vaultlint check` finds them
    ws.update("Notes/Idea.md", "# Idea\\n[[Nowhere]]\\n")   # unsaved text of an editor buffer
    ws.check("Notes/Idea.md")                 # checked again, alone: a broken link now
    ws.rename("Notes/Idea.md", "Notes/Plan.md")   # the file moved on disk
    ws.check()                                # the whole vault, as a fresh run would find it

Opening runs the batch engine (`vaultlint.engine`) once, with the cache,
so a warm vault opens without reading its notes. Afterwards each note's
problems are kept with what their check read; a change makes stale only
what depends on it:

- the text of a note: that note, and the notes whose check read it (a
  link to `other#Heading` reads `other`), and the vault rules that read it;
- the vault's names (a file added, removed or renamed; aliases changed):
  the notes that link to one of the names that changed, the notes with a
  link that leads nowhere (their suggestions may change), every note whose
  links the workspace has not seen (those it took from the batch run), and
  the vault rules.

Stale notes are checked again when asked for (`check`), so an editor that
shows a few notes pays for those. The results are the same as a fresh run
of `vaultlint check` on the same texts: `tests/test_workspace.py` applies
random edits, additions, renames and deletions and compares after each.

Paths are vault-relative and "/"-separated, as `Diagnostic.path`. A
workspace is not thread-safe: a server calls it from one thread.
"""

from __future__ import annotations

import bisect
import os
from pathlib import Path

from . import config as config_module
from . import engine
from .checks.link_targets import suggest_target
from .commands.opening import vault_root
from .config import Config
from .diagnostics import Diagnostic
from .engine.codec import unpack
from .engine.keys import config_key, fingerprint, fingerprint_paths
from .engine.store import Cache
from .engine.suppressions import directives
from .markdown.note import Note, NoteReadError, normalize_name
from .markdown.scanner import BlockId, Heading, Link
from .rule import Context, Rule
from .vault import NOTE_SUFFIXES, Resolution, Vault, slugify, walk
from .vault.files import parse_file, read

__all__ = ["Workspace"]

# The key under which the problems of the vault as a whole are kept.
VAULT_PATH = engine.VAULT_PATH


class Workspace:
    """One vault, open: see the module's docstring. Made by `open`."""

    def __init__(self, root: Path, config: Config, rules: list[Rule], files: list[str] | None = None, *,
                 plugins: bool = True):
        self.root, self.config, self.rules = root, config, rules
        self.plugins = plugins  # as `open` was told: `reload_config` reads the config the same way
        self._buffers: dict[str, str] = {}  # path -> unsaved text
        self.vault = self._make_vault(files)
        # path -> the note's problems, as a run reports them (after
        # suppressions and per-file ignores); the problems of the vault as a
        # whole (path ".") are the vault rules'.
        self._found: dict[str, list[Diagnostic]] = {}
        self._stale: set[str] = set()
        # path -> the problems the batch run found, packed as the cache keeps
        # them, until first asked for; and the run's summaries of the notes.
        self._packed: dict[str, bytes] = {}
        self._batch_summaries: dict[str, dict] = {}
        # path -> the other notes its check read; and the other way round.
        # Notes whose reads are unknown (no record of them) count as
        # reading every note.
        self._reads: dict[str, frozenset[str]] = {}
        self._read_by: dict[str, set[str]] = {}
        self._reads_unknown: set[str] = set()
        # path -> the name keys of its link targets; the notes with a link
        # to each key; the notes with a link that leads nowhere. Unknown for
        # the notes the batch run checked, until they are checked here.
        self._targets: dict[str, frozenset[str]] = {}
        self._linking: dict[str, set[str]] = {}
        self._leads_nowhere: set[str] = set()
        self._aliases: dict[str, tuple[str, ...]] = {}  # path -> aliases, for the notes that have some
        # What the vault rules found (by path, before suppressions) and the
        # notes they read.
        self._vault_found: dict[str, list[Diagnostic]] = {}
        self._vault_reads: set[str] = set()
        self._new_names()
        self.stats = {"checked": 0, "from batch": 0, "vault rules run": 0}

    # -- opening ------------------------------------------------------------
    @classmethod
    def open(cls, root: str | os.PathLike, *, config_file: str | os.PathLike | None = None, plugins: bool = True,
             use_cache: bool = True, select: list[str] | None = None, ignore: list[str] | None = None,
             jobs: int | None = None) -> Workspace:
        """Open the vault at `root`: its config read (ConfigError when it is
        bad), its files walked, every note checked (with the cache, only
        those that changed since the last run; without, every note here,
        one by one). `plugins=False` imports none of the config's plugins:
        a caller opening a folder it was not told to trust passes it.
        Nothing is written but the cache."""
        root = vault_root([], root)
        start = engine.Start(root) if use_cache else None
        try:
            config = config_module.load(root, Path(config_file) if config_file else None, plugins=plugins)
            rules = config.active_rules(select, ignore)
            files = start.files(config.trust_folder_times) if start is not None else None
            workspace = cls(root, config, rules, files, plugins=plugins)
        except BaseException:
            if start is not None:
                start.close()
            raise
        workspace._config_file, workspace._select, workspace._ignore = config_file, select, ignore
        notes = workspace._checked
        if start is None:
            workspace._check_all()
            return workspace
        start.begin(workspace.vault, notes)
        found = engine.find(workspace.vault, config, rules, notes, use_cache=True, jobs=jobs, start=start)
        workspace._take_batch(found)
        return workspace

    def _make_vault(self, files: list[str] | None = None) -> Vault:
        config = self.config
        return Vault(self.root, exclude=config.exclude, case_sensitive=config.case_sensitive,
                     resolution=config.resolution, stamp_pattern=config.stamp_regex(), files=files,
                     reader=self._read)

    def _read(self, root: Path, path: str) -> Note:
        """How the vault reads a note: the unsaved text when one is held."""
        text = self._buffers.get(path)
        if text is None:
            return read(root, path, self.vault.stamp_pattern)
        return parse_file(path, text, False, self.vault.stamp_pattern)

    def _check_all(self) -> None:
        self._aliases = dict(self.vault.aliases_by_note(self.vault.note_paths))
        self._new_names()
        self._run_vault_rules()
        for path in self._checked:
            self._check_note(path)

    def _take_batch(self, found: engine.Found) -> None:
        """Take what the batch run found, as the cache keeps it: each note's
        problems packed, unpacked when first asked for (at 100,000 notes,
        unpacking them all takes seconds), with the notes its check read;
        and what the vault rules found."""
        notes, vault = self._checked, self.vault
        # The aliases as the run knew them (from its summaries, which also
        # tell which notes hold suppressions).
        every = vault.every_alias if vault.every_alias is not None else engine.every_alias(vault.summaries.items())
        self._aliases = dict(every)
        self._batch_summaries = vault.summaries
        self._new_names()
        # The run's key, under which the cache keeps the notes' and the vault
        # rules' results.
        key = fingerprint([config_key(self.config, self.rules), fingerprint_paths(vault.files),
                           sorted(self._aliases.items())])
        cache = Cache.existing(self.root)
        if cache is None:  # no record (a folder vaultlint cannot write): every note counts as reading every other
            for d in found.diagnostics:
                self._found.setdefault(d.path, []).append(d)
            self._found = {path: self._found.get(path, []) for path in notes}
            self._reads_unknown = set(notes)
            self._run_vault_rules()
            return
        # A note without a result kept under the key (one that cannot be read)
        # is checked here when asked for.
        self._stale = set(notes)
        self._reads_unknown = set(notes)
        kept: dict[str, list[Diagnostic]] | None = {}
        try:
            for path, _hash, row_key, deps, packed in cache.rows(notes, every=True):
                if row_key != key or path not in self._stale:
                    continue
                self._packed[path] = packed
                self._stale.discard(path)
                self._reads_unknown.discard(path)
                if deps:
                    self._set_reads(path, frozenset(p for p, _h in deps))
            for rule in engine.vault_rules(self.rules):
                row = cache.vault_rule(rule.name)
                if row is None or row[0] != key:
                    kept = None
                    break
                self._vault_reads.update(p for p, _h in row[1])
                for d in unpack(row[2]):
                    if d.path in self._checked_set or d.path == VAULT_PATH:
                        kept.setdefault(d.path, []).append(d)
        finally:
            cache.close()
        self.stats["from batch"] = len(self._packed)
        if kept is None:
            self._run_vault_rules()
        else:
            self._vault_found = kept

    def _result(self, path: str) -> list[Diagnostic]:
        """The problems of a note of the vault: checked again if stale, else
        as kept (unpacked now if the batch run's)."""
        if path in self._stale:
            self._check_note(path)
        found = self._found.get(path)
        if found is not None:
            return found
        packed = self._packed.pop(path, None)
        if packed is None:
            self._check_note(path)
            return self._found[path]
        summary = self._batch_summaries.get(path) or {}
        found = self._found[path] = engine.finish(self.vault, self.config, self.rules,
                                                  unpack(packed) + self._vault_found.get(path, []),
                                                  [path] if summary.get("suppressions") else [])
        return found

    # -- the vault's files --------------------------------------------------
    def notes(self) -> list[str]:
        """Every Markdown note of the vault, excluded ones too."""
        return list(self.vault.note_paths)

    def checked_paths(self) -> list[str]:
        """The files `check` checks: the notes, canvases and bases not excluded."""
        return list(self._checked)

    def files(self) -> list[str]:
        """Every file of the vault (notes, attachments, canvases)."""
        return list(self.vault.files)

    def text(self, path: str) -> str:
        """The note's text: the unsaved one when held, else the disk's."""
        held = self._buffers.get(path)
        return held if held is not None else self.note(path).text

    def note(self, path: str) -> Note:
        """The note, parsed (NoteReadError when it cannot be read)."""
        return self.vault.glance(path)

    def position(self, path: str, offset: int) -> tuple[int, int]:
        """(line, column), 1-based, of an offset in the note's text."""
        return self.note(path).position(offset)

    # -- changes --------------------------------------------------------------
    def update(self, path: str, text: str | None = None) -> set[str]:
        """The note at `path` changed: `text` is its unsaved text, or None to
        take the disk's again (a file gone is removed, a new one added).
        Returns the notes whose problems may have changed."""
        if text is None:
            self._buffers.pop(path, None)
            if not (self.root / path).is_file():
                return self.remove(path)
        else:
            self._buffers[path] = text
        if path not in self._file_set:
            return self._files_changed(added=[path])
        return self._content_changed(path)

    def close(self, path: str) -> set[str]:
        """Forget the unsaved text of `path`: the disk's counts again."""
        if path not in self._buffers:
            return set()
        return self.update(path)

    def remove(self, path: str) -> set[str]:
        """The file at `path` was deleted."""
        self._buffers.pop(path, None)
        if path not in self._file_set:
            return set()
        return self._files_changed(removed=[path])

    def rename(self, old: str, new: str) -> set[str]:
        """The file `old` is now `new` (moved on disk; links are not
        rewritten: `vaultlint.api.move` does that)."""
        held = self._buffers.pop(old, None)
        if held is not None:
            self._buffers[new] = held
        return self._files_changed(added=[new] if new not in self._file_set else [],
                                   removed=[old] if old in self._file_set else [])

    def rescan(self) -> set[str]:
        """Walk the vault again: files added or removed behind the
        workspace's back (a `git checkout`) are taken in. A note whose text
        changed is passed to `update`."""
        found = set(walk(self.root))
        found.update(self._buffers)
        added, removed = sorted(found - self._file_set), sorted(self._file_set - found)
        if not added and not removed:
            return set()
        return self._files_changed(added=added, removed=removed)

    def reload_config(self) -> set[str]:
        """The config file changed: read it again (ConfigError when it is now
        bad: the workspace keeps the old one) and check every note again."""
        config = config_module.load(self.root, Path(self._config_file) if self._config_file else None,
                                    plugins=self.plugins)
        self.config, self.rules = config, config.active_rules(self._select, self._ignore)
        self.vault = self._make_vault(list(self.vault.files))
        self._found, self._packed, self._targets, self._linking, self._leads_nowhere = {}, {}, {}, {}, set()
        self._reads, self._read_by, self._reads_unknown = {}, {}, set()
        self._check_all()
        return set(self._checked)

    _config_file: str | os.PathLike | None = None
    _select: list[str] | None = None
    _ignore: list[str] | None = None

    def _content_changed(self, path: str) -> set[str]:
        self.vault.forget(path)
        # What rules made of this note for all of them (the link graph) is
        # made again when next asked for.
        self.ctx.memos.forget_reading(path)
        stale = {path, *self._read_by.get(path, ()), *self._reads_unknown}
        if path in self._vault_reads:
            stale |= self._vault_rules_changed()
        before, aliases = self._aliases.get(path, ()), self._current_aliases(path)
        if aliases != before:
            if aliases:
                self._aliases[path] = aliases
            else:
                self._aliases.pop(path, None)
            self._new_names()
            stale |= self._names_changed({self._key(a) for a in (*before, *aliases)})
        stale &= self._checked_set
        self._stale |= stale
        return stale

    def _current_aliases(self, path: str) -> tuple[str, ...]:
        try:
            return tuple(self.vault.glance(path).aliases)
        except NoteReadError:
            return ()

    def _files_changed(self, added: list[str] = (), removed: list[str] = ()) -> set[str]:
        # A new vault on the new files: its name index, and all that rules
        # made of the names (the suggester), start afresh, as in a new run.
        self.vault = self._make_vault(_changed_files(self.vault.files, added, removed))
        stale: set[str] = set()
        for path in removed:
            self._aliases.pop(path, None)
            self._found.pop(path, None)
            self._packed.pop(path, None)
            self._stale.discard(path)
            self._forget_links(path)
            self._set_reads(path, frozenset())
            self._reads_unknown.discard(path)
            stale |= self._read_by.pop(path, set())
        for path in added:
            if path.endswith(NOTE_SUFFIXES):
                aliases = self._current_aliases(path)
                if aliases:
                    self._aliases[path] = aliases
        self._new_names()
        stale |= self._names_changed({k for p in (*added, *removed) for k in self._file_keys(p)})
        stale.update(added)
        stale &= self._checked_set
        self._stale |= stale
        return stale

    def _new_names(self) -> None:
        """The vault's names changed: the aliases indexed again, and a new
        context for the rules (what they made of the names is stale)."""
        self._checked = self.vault.included(self.vault.checked_paths)
        self._checked_set = set(self._checked)
        self.vault.every_alias = sorted(self._aliases.items())
        self.vault.use_aliases(self.vault.every_alias)
        self.ctx = Context(self.vault, self.config, self._checked)

    @property
    def _file_set(self) -> set[str]:
        files = self.vault.files
        if getattr(self, "_file_set_of", None) is not files:
            self._file_set_cache, self._file_set_of = set(files), files
        return self._file_set_cache

    def _names_changed(self, keys: set[str]) -> set[str]:
        """The notes whose results may depend on the names that came or went
        (their `keys`), and on the names as a whole."""
        stale = set(self._leads_nowhere)
        for key in keys:
            stale |= self._linking.get(key, set())
        stale.update(p for p in self._checked if p not in self._targets)  # links never seen here
        return stale | self._vault_rules_changed()

    def _vault_rules_changed(self) -> set[str]:
        """Run the vault rules again: the notes whose share of what they find
        changed."""
        before = self._vault_found
        after = self._run_vault_rules()
        changed = {p for p in {*before, *after} if before.get(p, []) != after.get(p, [])}
        if VAULT_PATH in changed:
            changed.discard(VAULT_PATH)
        return changed

    # -- checking -------------------------------------------------------------
    def check(self, path: str | None = None) -> list[Diagnostic]:
        """The problems of the note at `path`, or of the whole vault: the
        same as a fresh run of `vaultlint check` on the same texts."""
        if path is not None:
            if path not in self._checked_set:
                return []
            return list(self._result(path))
        out = [d for p in self._checked for d in self._result(p)]
        out += engine.finish(self.vault, self.config, self.rules, self._vault_found.get(VAULT_PATH, []), [])
        out.sort(key=lambda d: d.sort_key)
        return out

    def _check_note(self, path: str) -> None:
        """Check one note: its rules, the vault rules' share of it,
        suppressions and per-file ignores, as a run does."""
        vault, rules = self.vault, self.rules
        holders: list[str] = []
        with vault.tracking() as reads:
            try:
                with vault.holding(path) as note:
                    found = engine.note_diagnostics(rules, note, self.ctx)
                    self._learn_links(note)
                    if directives(note):
                        holders.append(path)
            except NoteReadError as exc:
                found = engine.unreadable(rules, path, exc)
                self._forget_links(path)
                self._targets[path] = frozenset()
        reads.discard(path)
        self._set_reads(path, frozenset(reads))
        self._reads_unknown.discard(path)
        found += self._vault_found.get(path, [])
        self._found[path] = engine.finish(vault, self.config, rules, found, holders)
        self._packed.pop(path, None)
        self._stale.discard(path)
        self.stats["checked"] += 1

    def _run_vault_rules(self) -> dict[str, list[Diagnostic]]:
        by_path: dict[str, list[Diagnostic]] = {}
        with self.vault.tracking() as reads:
            for rule in engine.vault_rules(self.rules):
                for d in engine.reported(engine.guarded(rule, VAULT_PATH, rule.check_vault, self.ctx), self.ctx):
                    by_path.setdefault(d.path, []).append(d)
        self._vault_found, self._vault_reads = by_path, reads
        self.stats["vault rules run"] += 1
        return by_path

    # -- what the workspace knows of links -------------------------------------
    def _key(self, name: str) -> str:
        return normalize_name(name.strip(), self.vault.case_sensitive)

    def _file_keys(self, path: str) -> set[str]:
        """The keys a link to the file at `path` may be written with: its
        name (less `.md` for a note) as the name index keys it, and its slug."""
        base = path.rsplit("/", 1)[-1]
        stem = base[:-3] if base.lower().endswith(".md") else base
        return {self._key(stem), slugify(stem)}

    def _link_keys(self, target: str) -> set[str]:
        """The keys of the files a link target may lead to (see `_file_keys`)."""
        base = target.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        stem = base[:-3] if base.lower().endswith(".md") else base
        return {self._key(stem), slugify(stem)}

    def _learn_links(self, note: Note) -> None:
        path = note.path
        self._forget_links(path)
        keys: set[str] = set()
        nowhere = False
        for link in note.links:
            if link.target:
                keys |= self._link_keys(link.target)
                nowhere = nowhere or not self.vault.candidates(link.target, path)
        self._targets[path] = frozenset(keys)
        for key in keys:
            self._linking.setdefault(key, set()).add(path)
        if nowhere:
            self._leads_nowhere.add(path)

    def _forget_links(self, path: str) -> None:
        for key in self._targets.pop(path, ()):
            holders = self._linking.get(key)
            if holders is not None:
                holders.discard(path)
        self._leads_nowhere.discard(path)

    def _set_reads(self, path: str, reads: frozenset[str]) -> None:
        for other in self._reads.get(path, ()):
            self._read_by.get(other, set()).discard(path)
        if reads:
            self._reads[path] = reads
            for other in reads:
                self._read_by.setdefault(other, set()).add(path)
        else:
            self._reads.pop(path, None)

    def resolve(self, target: str, source: str, subpath: str | None = None) -> Resolution:
        """Where a link to `target` (`#subpath`) written in the note `source`
        leads, as the link rules resolve it."""
        return self.vault.resolve(Link("wiki", False, target, subpath, None, 0, 0, 0, 0), source)

    def suggest(self, name: str, source: str = "", limit: int = 5) -> list[str]:
        """The names of the files a misspelt link target probably meant, best
        first, ranked as `broken-link` ranks its suggestions."""
        return [c.value for c in suggest_target(self.ctx, name, limit)]

    def headings(self, path: str) -> list[Heading]:
        return list(self.note(path).body.headings)

    def block_ids(self, path: str) -> list[BlockId]:
        return list(self.note(path).body.block_ids)

    def backlinks(self, path: str) -> list[tuple[str, Link]]:
        """(source note, link) of every link to the file at `path` from a
        note of the vault. The notes whose links the workspace knows are
        looked up by name; the others are read when their text holds the
        file's name."""
        base = path.rsplit("/", 1)[-1]
        stem = (base[:-3] if base.lower().endswith(".md") else base).casefold()
        sources: set[str] = set()
        for key in self._file_keys(path):
            sources |= self._linking.get(key, set())
        for other in self.vault.note_paths:
            if other in sources or other in self._targets:
                continue
            try:
                if stem in self.text(other).casefold():
                    sources.add(other)
            except NoteReadError:
                continue
        out = []
        for source in sorted(sources):
            try:
                links = self.note(source).links
            except NoteReadError:
                continue
            out += [(source, link) for link in links
                    if link.target and self.vault.resolve(link, source).path == path]
        return out

    # -- fixing -----------------------------------------------------------------
    def fix(self, path: str, unsafe: bool = False) -> str | None:
        """The note's text with its fixes applied, as `vaultlint fix` would
        make it (safe fixes; unsafe ones too with `unsafe`); None when
        nothing changes. Nothing is written or kept: the note stays as it was."""
        from .fix import fixer

        before = self.check(path)

        def lint(paths: list[str]) -> list[Diagnostic]:
            out = []
            for p in paths:
                try:
                    note = self.vault.note(p)
                except NoteReadError as exc:
                    out += engine.unreadable(self.rules, p, exc)
                    continue
                found = engine.note_diagnostics(self.rules, note, self.ctx) + self._vault_found.get(p, [])
                out += engine.finish(self.vault, self.config, self.rules, found, [p] if directives(note) else [])
            return out

        try:
            with self.vault.holding(path):  # held: the fixes apply to the very text they were found in
                run = fixer.fix_notes(self.vault, lint, [path], unsafe=unsafe, before=before, remaining=False)
        finally:
            self.vault.forget(path)
        text = run.texts.get(path)
        return None if text is None or text == self.text(path) else text


def _changed_files(files: list[str], added: list[str], removed: list[str]) -> list[str]:
    """`files` (sorted) with `added` and less `removed`, still sorted: each
    put or taken at its place (at 100,000 files, sorting them all again took
    a tenth of a rename)."""
    out = list(files)
    for path in removed:
        at = bisect.bisect_left(out, path)
        if at < len(out) and out[at] == path:
            del out[at]
    for path in added:
        at = bisect.bisect_left(out, path)
        if at == len(out) or out[at] != path:
            out.insert(at, path)
    return out

"""How `vaultlint check` runs the rules: incrementally with the cache, and
over a pool of processes when many notes must be read.

Each note is read and parsed once, every note rule runs over it, and what
the run learnt is kept (see `vaultlint.engine.store`): its stat and hash, its
summary, the notes its check read, its diagnostics. The next run reuses the
diagnostics of every note whose file, whose dependencies and whose run key
(config, rules, the vault's names) are unchanged, and checks only the rest.
Vault rules are kept the same way, with the notes they read.

The result is the same as a run without the cache: `tests/engine/test_cache.py`
changes, adds and renames notes and compares.
"""

from __future__ import annotations

import gc
import logging
import marshal
import multiprocessing
import os
import re
import signal
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

from ..config.schema import ConfigError
from ..diagnostics import Diagnostic, Severity
from ..markdown import note as note_module
from ..markdown.note import Note, NoteReadError
from ..rule import Context, Memos, Rule, malformed
from ..vault import files as note_files
from . import suppressions
from .changes import Known, Stat, now_ns, trusted
from .codec import no_gc, pack, unpack, unpack_chunks
from .keys import config_key as make_config_key
from .keys import digest, fingerprint, fingerprint_paths
from .start import Start
from .stats import RunStats
from .store import Deps, Entry, Last
from .suppressions import directives

UNREADABLE = "unreadable-note"
NO_SUMMARY: Mapping[str, object] = MappingProxyType({})  # most notes' (one, not 100,000 empty dicts)
INTERNAL_ERROR = "internal-error"
MARKDOWN_ONLY = (note_module.MARKDOWN,)  # the kinds a rule checks when it does not say
VAULT_PATH = "."  # the path of a problem of the vault as a whole

# Below this many notes to read, starting worker processes costs more than
# they save (measured with `python -m benchmarks`).
POOL_MIN_NOTES = 3000
# Chunks of work per worker: small enough to balance, large enough to be
# cheap; the last ones smaller and smaller, down to MIN_CHUNK items (see
# `chunks`).
CHUNKS_PER_WORKER = 8
MIN_CHUNK = 20
# When more notes than this changed, the run is taken as cold.
CHANGED_MAX_SHARE = 0.25
# Told how a run gets on: (steps done, steps to do, what the steps are).
# A large cold run goes through the stages below in turn; a small run, or one
# the cache answers mostly, only checks notes and saves its results.
Progress = Callable[[int, int, str], None]
READING = "Reading notes"  # their aliases and link targets (`Run._read_ahead`)
TARGETS = "Matching link targets"  # `Rule.prepare_targets` (`spread`)
CHECKING = "Checking notes"
SAVING = "Saving results"  # steps: unpacked, vault rules, cache, sorted and kept
SAVING_STEPS = 4


# -- the pieces every run is made of (the cached run below, and
#    `run_rules`, which fix uses on notes held in memory) -------------------


def guarded(rule: Rule, path: str, check, *args) -> list[Diagnostic]:
    """A rule that crashes, or returns a problem the engine cannot keep (see
    `rule.malformed`: packing it for the cache or a worker's answer would
    crash the run), is an `internal-error` for that note; the run goes on."""
    try:
        found = list(check(*args))
    except ConfigError:  # a config problem found while checking (a schema file): exit 2
        raise
    except Exception as exc:  # a plugin's bug must not stop the lint
        return [internal_error(path, f"rule `{rule.name}` crashed: {_said(exc)}")]
    if found and any(malformed(d) is not None for d in found):
        fit = [d for d in found if malformed(d) is None]
        problem = next(p for p in map(malformed, found) if p is not None)
        return [*fit, internal_error(path, f"rule `{rule.name}` returned a problem vaultlint cannot use: {problem}")]
    return found


def prepared(rule: Rule, prepare: Callable[..., None], *args) -> None:
    """A rule's `prepare` or `prepare_targets`: only a head start, so the
    run goes on without what it made (its checks make it, or meet the
    trouble and report it), and a failure is said as a warning on the
    `vaultlint` log, not as a problem: only some runs prepare (a pool's, a
    few notes' after an edit), and the problems must be the same however
    the run goes. A config problem stops the run."""
    try:
        prepare(*args)
    except ConfigError:
        raise
    except Exception as exc:  # a plugin's bug must not stop the lint
        logging.getLogger("vaultlint").warning("rule `%s` crashed in %s (its checks run without it): %s",
                                               rule.name, prepare.__name__, _said(exc))


def internal_error(path: str, message: str) -> Diagnostic:
    return Diagnostic(path, 1, 1, 1, 1, INTERNAL_ERROR, Severity.ERROR, message)


def _said(exc: BaseException) -> str:
    """`Type: message` of an exception, even one whose `str` fails (a plugin's own)."""
    try:
        return f"{type(exc).__name__}: {exc}"
    except Exception:
        return type(exc).__name__


def unreadable(rules: list[Rule], path: str, exc: NoteReadError) -> list[Diagnostic]:
    """The `unreadable-note` problem of a file that could not be read (none
    when that rule is off)."""
    return [Diagnostic(path, 1, 1, 1, 1, r.name, r.severity, str(exc)) for r in rules if r.name == UNREADABLE]


def note_diagnostics(rules: list[Rule], note: Note, ctx: Context) -> list[Diagnostic]:
    """What the rules that check the note's kind (`Rule.kinds`: Markdown
    notes by default, `.base` files for the rules that say so) find in it."""
    kind = note.kind
    return [d for rule in rules if kind in getattr(rule, "kinds", MARKDOWN_ONLY)
            for d in guarded(rule, note.path, rule.check_note, note, ctx)]


def vault_rules(rules: list[Rule]) -> list[Rule]:
    return [rule for rule in rules if type(rule).check_vault is not Rule.check_vault]


def reported(found: list[Diagnostic], ctx: Context) -> list[Diagnostic]:
    """What a vault rule found, less what concerns notes not being checked."""
    return [d for d in found if d.path in ctx.checked or d.path == VAULT_PATH]


def finish(vault, config, rules: list[Rule], diagnostics, holders: list[str]) -> list[Diagnostic]:
    """Every run ends so: per-file ignores, inline suppressions (read from
    the notes `holders`, those that hold some), sorted."""
    kept = (d for d in diagnostics if not config.ignores(d.path, d.rule))
    out = suppressions.apply(Context(vault, config, holders), rules, kept)
    out.sort(key=lambda d: d.sort_key)
    return out


def run_rules(vault, config, rules: list[Rule], paths: list[str], ctx: Context | None = None,
              keep: Callable[[list[Diagnostic]], bool] | None = None,
              progress: Progress | None = None, jobs: int = 1, stats: RunStats | None = None) -> list[Diagnostic]:
    """Check `paths` with every rule, reading notes through `vault.note`
    (which `fix` fills with the texts it is changing), in `ctx` (a context
    for `paths`: `fix` gives one that shares what its check's rules made,
    see `Found.context`); no cache of results. A note read is let go afterwards
    (memory stays flat over a whole vault) unless `keep(its diagnostics)`:
    `fix` keeps the notes it may change, so that their fixes apply to the
    very text they were found in. Without `keep`, many notes are checked
    by `jobs` forked workers (they see the notes held, such as fixed texts).
    `progress` is told how the checking goes; `stats`, when given, is added
    what this run did (see `RunStats`)."""
    ctx = ctx if ctx is not None else Context(vault, config, paths)
    parsed, read_by_workers, workers = vault.parsed, 0, 0
    out: list[Diagnostic] = []
    holders = []  # the notes that hold suppressions: read again by `finish`

    def check(path: str) -> tuple[list[Diagnostic], Note | None]:
        try:
            with vault.holding(path) as note:
                return note_diagnostics(rules, note, ctx), note
        except NoteReadError as exc:
            return unreadable(rules, path, exc), None

    def check_packed(path: str) -> tuple[bytes, bool, int]:  # (in a worker; its reads are counted here)
        before = vault.parsed
        found, note = check(path)
        return pack(found), note is not None and bool(directives(note)), vault.parsed - before

    if keep is None and jobs > 1 and len(paths) >= POOL_MIN_NOTES and "fork" in multiprocessing.get_all_start_methods():
        for rule in rules:  # what rules share is made here once, not in each worker
            prepared(rule, rule.prepare, ctx)
        # The workers must not use this process's connection to the cache.
        store, ctx.memos.store = ctx.memos.store, None
        try:
            found = spread(check_packed, paths, jobs, progress, CHECKING)
        finally:
            ctx.memos.store = store
        workers = jobs
        for path, (packed, holds, read) in zip(paths, found, strict=True):
            out += unpack(packed)
            read_by_workers += read
            if holds:
                holders.append(path)
    else:
        for done, path in enumerate(paths):
            if progress is not None and done % 100 == 0:
                progress(done, len(paths), CHECKING)
            found, note = check(path)
            out += found
            if note is None:
                continue
            if keep is not None and keep(found):
                vault.remember(note)
            if directives(note):
                holders.append(path)
        if progress is not None:
            progress(len(paths), len(paths), CHECKING)
    ran = vault_rules(rules)
    for rule in ran:
        out += reported(guarded(rule, VAULT_PATH, rule.check_vault, ctx), ctx)
    out = finish(vault, config, rules, out, holders)
    if stats is not None:
        stats.notes = len(vault.note_paths)
        stats.checked += len(paths)
        stats.read += vault.parsed - parsed + read_by_workers
        stats.vault_rules_run += len(ran)
        stats.workers = max(stats.workers, workers)
    return out


# -- the cached run ------------------------------------------------------


@dataclass(slots=True)
class Checked:
    """One note, checked: what the cache keeps of it."""

    path: str
    entry: Entry | None  # None when the file could not be read (never cached)
    diagnostics: list[Diagnostic] | None  # None when from a worker: `entry` has them packed

    def packed(self) -> tuple:
        """As plain data (for marshal): (path, the entry's fields) for a note
        read, (path, None, its problems packed) for one that could not be."""
        e = self.entry
        if e is None:
            return self.path, None, pack(self.diagnostics or ())
        return self.path, (e.stat.size, e.stat.mtime, e.hash, e.summary, e.deps, e.diagnostics)

    @classmethod
    def unpacked(cls, data: tuple) -> Checked:
        """What `packed` made, back; the diagnostics of a note read stay
        packed in its entry (`diagnostics` is None)."""
        if data[1] is None:
            return cls(data[0], None, unpack(data[2]))
        path, (size, mtime, h, summary, deps, diagnostics) = data
        return cls(path, Entry(Stat(size, mtime), h, summary or NO_SUMMARY, deps, diagnostics), None)


def check(vault, config, rules: list[Rule], paths: list[str], *, use_cache: bool = True,
          jobs: int | None = None, progress: Progress | None = None) -> list[Diagnostic]:
    return find(vault, config, rules, paths, use_cache=use_cache, jobs=jobs, progress=progress).diagnostics


def find(vault, config, rules: list[Rule], paths: list[str], *, use_cache: bool = True,
         jobs: int | None = None, progress: Progress | None = None, use_last: bool = True,
         start: Start | None = None) -> Found:
    """What `check` finds, as a `Found`: the diagnostics are unpacked only
    when asked for. `start` is the beginning of the run, made earlier."""
    if start is None and use_cache:
        start = Start.of(vault, paths)
    run = Run(vault, config, rules, paths, start, jobs, progress)
    parsed = vault.parsed
    try:
        found = run.go(use_last)
    finally:
        if start is not None:
            start.close()
    found.context = run.ctx
    run.stats.read += vault.parsed - parsed  # (what `check_one` and the workers read is counted already)
    found.stats = run.stats
    if found.last is not None and found._diagnostics is None:
        found._again = lambda: find(vault, config, rules, paths, use_cache=use_cache, jobs=jobs, progress=progress,
                                    use_last=False).diagnostics
    return found


class Found:
    """What a run found. When it is the whole result of an earlier run,
    kept in the cache, it stays there until asked for: a caller that prints
    the text it printed of that result before (`text`) needs none of the
    150,000 diagnostics of a large vault."""

    def __init__(self, diagnostics: list[Diagnostic] | None, last: Last | None = None):
        self._diagnostics = diagnostics
        self.last = last  # the result as the cache keeps it, if it does
        self._again: Callable[[], list[Diagnostic]] | None = None  # if the cache lost it meanwhile
        # The run's context: what its rules made of the names and the config
        # (the link suggester, near-duplicate names), for a caller that checks
        # more notes afterwards (`fix`).
        self.context: Context | None = None
        self.stats = RunStats()  # what the run did: notes checked, reused, read

    @property
    def diagnostics(self) -> list[Diagnostic]:
        if self._diagnostics is None:
            packed = self.last.diagnostics() if self.last is not None else None
            if packed is None:
                assert self._again is not None
                self._diagnostics = self._again()
            else:
                with no_gc():
                    self._diagnostics = unpack_chunks(packed)
        return self._diagnostics

    @property
    def worst(self) -> int:
        """The rank of the most severe problem found (`Severity.rank`); -1 for none."""
        if self.last is not None:
            return self.last.worst
        return max((d.severity.rank for d in self.diagnostics), default=-1)

    def encoded(self, options: str, make: Callable[[list[Diagnostic]], Iterable[str]]) -> Iterator[bytes]:
        """What `make` makes of the diagnostics (pieces of text), in UTF-8
        (lone surrogates passed), a piece at a time as it is made, and kept
        with the cached result: the same result asked again with the same
        `options` (everything the text depends on besides the diagnostics)
        gets the same bytes back, as they were kept, neither decoded nor
        encoded again (23 MB at 100,000 notes)."""
        if self.last is not None:
            data = self.last.kept_text(options)
            if data is not None:
                yield data
                return
        pieces = (piece.encode("utf-8", "surrogatepass") for piece in make(self.diagnostics))
        yield from pieces if self.last is None else self.last.keep_text(options, pieces)


class Run:
    def __init__(self, vault, config, rules, paths, start: Start | None, jobs, progress):
        self.vault, self.config, self.rules, self.paths = vault, config, rules, paths
        self.start = start
        self.cache = start.cache if start is not None else None
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.progress = progress or (lambda done, total, what: None)
        self.ctx = Context(vault, config, paths)
        self.early: dict[str, tuple[list[Diagnostic], set[str]]] = {}  # see _vault_rules_early
        self.stats = RunStats()

    def go(self, use_last: bool = True) -> Found:
        notes = self.vault.checked_paths  # (with the `.base` files: their changes are seen as a note's)
        started = self.start is not None and self.start.notes is notes  # (the vault's files as it found them)
        self.known = self.start.known if started else {}
        self.stats.notes = len(notes)
        config_key = make_config_key(self.config, self.rules)
        self.files_key = self.start.files_key if started else fingerprint_paths(self.vault.files)
        if self.cache is not None:  # what rules keep from run to run, made from the names
            self.ctx.memos.store = (self.cache, fingerprint([config_key, self.files_key]))
        if self.known and self.start.few:
            # A run of a few notes checks them: what checking needs of the
            # names (their index, the link suggester) is made now, while a
            # child process stats the vault's notes, not after. A staged
            # run's child is done sooner, and the suggestions its notes had
            # before are kept (`Context.answers`): the suggester may not be
            # needed at all.
            self.vault.index(self._name_keys())
            if not self.start.staged:
                self._prepare()
        changed, touched = self._changed(notes)
        summaries = Summaries(self.known, changed)
        key = None
        if len(changed) <= max(50, CHANGED_MAX_SHARE * len(notes)):
            # Every note is summarised now (one the record lacks is changed);
            # most summaries are empty: one pass finds the others.
            summarised = [(p, k[3]) for p, k in self.known.items() if k[3] and p not in changed]
            fresh = self._summaries(changed)
            summaries.update(fresh)
            self.vault.every_alias = every_alias([*summarised, *fresh.items()])
            key = self._key(config_key, self.vault.every_alias)
        self.vault.summaries = summaries
        # The notes checked, as the result kept is named: all of them (not
        # hashed: 100,000 paths), or these.
        paths = "every note" if len(self.paths) == len(notes) else fingerprint_paths(self.paths)
        if (use_last and key is not None and self.cache is not None and not changed and not touched
                and len(self.known) == len(notes)):
            last = self.cache.last(key, paths)
            if last is not None:
                self.stats.whole, self.stats.reused = True, len(self.paths)
                return Found(None, last)
        out: list[Diagnostic] = []
        reused: set[str] = set()
        if key is not None and self.cache is not None:
            with no_gc():
                for path, diagnostics in self._reusable(key, changed):
                    out += unpack(diagnostics)
                    reused.add(path)
        checked = self._check_notes([p for p in self.paths if p not in reused])
        self.stats.reused, self.stats.checked = len(reused), len(checked)
        self.progress(0, SAVING_STEPS, SAVING)
        self.ctx.memos.save()  # the workers are gone by now, and the results still packed
        if len(checked) >= POOL_MIN_NOTES:
            self.ctx.memos.let_go()  # (memory peaks next, as the results are unpacked)
        with no_gc():
            for c in checked:
                out += c.diagnostics if c.diagnostics is not None else unpack(c.entry.diagnostics)
                if c.entry is not None:
                    summaries[c.path] = c.entry.summary
        self.progress(1, SAVING_STEPS, SAVING)
        if key is None:
            summaries.update(self._summaries([p for p in notes if p not in summaries]))
            key = self._key(config_key, every_alias(summaries.items()))
        out += self._vault_rules(key)
        self.ctx.memos.save()  # what the vault rules made, if anything
        self.progress(2, SAVING_STEPS, SAVING)
        self._store(key, checked, changed, touched, summaries, notes)
        del checked  # its packed rows, stored now: memory for the sorting and the report
        self.progress(3, SAVING_STEPS, SAVING)
        # Only the notes that hold suppressions are read again.
        holders = [p for p in self.paths if summaries.get(p, {}).get("suppressions")]
        with no_gc():
            out = finish(self.vault, self.config, self.rules, out, holders)
        found = Found(out, self.cache.put_result(key, paths, out) if self.cache is not None else None)
        self.progress(SAVING_STEPS, SAVING_STEPS, SAVING)
        return found

    def _name_keys(self) -> list[str] | None:
        """The keys of the vault's file names (`Vault.name_keys`), kept in
        the cache while the files and the config stay the same: at 100,000
        files making them takes 0.08 s, reading them 0.01 s."""
        if self.ctx.memos.store is None:
            return None
        return self.ctx.memo("name-keys", self.vault.name_keys, lasting=(list, _name_keys_from))

    # -- what changed ------------------------------------------------------
    def _changed(self, notes: list[str]) -> tuple[set[str], dict[str, tuple[int, int]]]:
        """The notes whose content is not the one recorded; and the notes
        whose stat changed but not their content (to record their new stat).
        The hash of every note read on the way is kept (see `_hash`)."""
        self.moved = self.start.moved() if self.known else {}
        self.hashes: dict[str, bytes | None] = {}
        if not self.known:
            return set(notes), {}
        changed: set[str] = set()
        touched: dict[str, tuple[int, int]] = {}
        for path, st in self.moved.items():
            k = self.known.get(path)
            if k is None or st is None:
                changed.add(path)  # new, unreadable or gone
            elif self._hash(path) == k[2]:
                touched[path] = st
            else:
                changed.add(path)
        # A note deleted or renamed away changes the names, and so the key.
        return changed, touched

    def _hash(self, path: str) -> bytes | None:
        """The hash of a note's content now (None: it cannot be read): the
        one recorded while its stat is the one recorded, else read (once)."""
        if path in self.hashes:
            return self.hashes[path]
        k = self.known.get(path)
        if k is not None and path not in self.moved:
            return k[2]
        try:
            h = digest(note_files.read_bytes(self.vault.root, path))
        except NoteReadError:
            h = None
        self.hashes[path] = h
        return h

    def _summaries(self, paths) -> dict[str, dict]:
        out = {}
        for path in paths:
            try:
                out[path] = summary(self.vault.note(path))
            except NoteReadError:
                out[path] = {}
            self.vault.forget(path)  # memory stays flat; it is parsed again if checked
        return out

    def _key(self, config_key: str, aliases: list[tuple[str, tuple[str, ...]]]) -> str:
        """The run key: the config, and the vault's names (files and aliases)."""
        return fingerprint([config_key, self.files_key, aliases])

    def _holds(self, deps: Deps) -> bool:
        """Whether every note in `deps` still has the content read then."""
        return all(self._hash(path) == h for path, h in deps)

    def _reusable(self, key: str, changed: set[str]):
        """(path, packed diagnostics) of the notes to check whose stored
        results still hold: same content, same key, same content of every
        note they read."""
        wanted = [p for p in self.paths if p not in changed]
        many = len(wanted) > 500
        wanted_set = set(wanted) if many else wanted
        for path, h, row_key, deps, diagnostics in self.cache.rows(wanted, every=many):
            if row_key != key or path not in wanted_set or h != self._hash(path):
                continue
            if deps and not self._holds(deps):
                continue
            yield path, diagnostics

    # -- checking ----------------------------------------------------------
    def _check_notes(self, paths: list[str]) -> list[Checked]:
        if len(paths) >= POOL_MIN_NOTES and self.jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            return self._check_in_pool(paths)
        out = []
        for path in paths:
            out.append(check_one(self, path))
            if len(out) % 100 == 0:
                self.progress(len(out), len(paths), CHECKING)
        self.progress(len(out), len(paths), CHECKING)
        return out

    def _check_in_pool(self, paths: list[str]) -> list[Checked]:
        global _RUN
        _RUN = self  # the workers are forked: they inherit the run as it is
        self.stats.workers = self.jobs
        fork = multiprocessing.get_context("fork")
        store = self.ctx.memos.store
        try:
            self._read_ahead(fork, paths)
            # The workers must not use the parent's connection to the cache.
            self.ctx.memos.store = None
            # What the workers inherit is never garbage: frozen, the cycle
            # collector leaves it alone, and so leaves its pages shared
            # with the parent instead of copying them into each worker.
            gc.freeze()
            # A chunk's results come back as one bytes object, unpacked once
            # the workers are gone: at 100,000 notes the parent's results as
            # objects (or their diagnostics unpacked) and the workers' memory
            # would peak together.
            packed: list[bytes] = []
            with fork.Pool(self.jobs, initializer=_worker_start) as pool:
                results = pool.imap_unordered(_check_chunk, chunks(paths, self.jobs))
                self._vault_rules_early()  # while the workers check the notes
                done = 0
                self.progress(done, len(paths), CHECKING)
                for count, read, chunk in results:
                    packed.append(chunk)
                    self.stats.read += read
                    done += count
                    self.progress(done, len(paths), CHECKING)
        finally:
            _RUN = None
            self.ctx.memos.store = store
            gc.unfreeze()
        with no_gc():  # hundreds of thousands of objects, none in a cycle
            return [Checked.unpacked(c) for chunk in packed for c in marshal.loads(chunk)]

    def _read_ahead(self, fork, paths: list[str]) -> None:
        """Before the notes are checked, a quick look at their bytes in a
        first pool of workers: every note's aliases, unless the cache knows
        them (a broken link may be another note's alias); and the link
        targets of the notes to check, for the rules that work on each
        target once (`Rule.prepare_targets`, which a second pool helps).
        This process meanwhile prepares what the rules share."""
        by_target = [r for r in self.rules if type(r).prepare_targets is not Rule.prepare_targets]
        self.ahead_aliases = not self.vault.aliases_known
        if not self.ahead_aliases and not by_target:
            self._prepare()
            return
        # The notes whose targets are read: all those read (None), or these.
        self.ahead_targets: set[str] | None = None
        if not by_target:
            self.ahead_targets = set()
        elif self.ahead_aliases and len(paths) != len(self.vault.note_paths):
            self.ahead_targets = set(paths)
        read = self.vault.note_paths if self.ahead_aliases else paths
        parts = chunks(read, self.jobs)
        self.progress(0, len(read), READING)
        with fork.Pool(self.jobs, initializer=_ignore_interrupt) as pool:
            results = pool.imap(_read_ahead_chunk, parts)  # (in order: an alias's owners are listed by path)
            self._prepare()
            found, done = [], 0
            for chunk, result in zip(parts, results, strict=True):
                found.append(result)
                done += len(chunk)
                self.progress(done, len(read), READING)
        if self.ahead_aliases:
            self.vault.use_aliases(pair for aliases, _ in found for pair in aliases)
        if by_target:
            targets = set().union(*(targets for _, targets in found))
            for rule in by_target:
                prepared(rule, rule.prepare_targets, self.ctx, targets, self._spread)

    def _spread(self, fn: Callable, items: list) -> list:
        """`spread` over this run's workers: see `Rule.prepare_targets`."""
        return spread(fn, items, self.jobs, self.progress, TARGETS)

    def _prepare(self) -> None:
        for rule in self.rules:
            prepared(rule, rule.prepare, self.ctx)

    def _vault_rules_early(self) -> None:
        """Run now the vault rules the cache holds nothing of (a cold run),
        so that they overlap the checking of notes in the pool; their
        results are kept for `_vault_rules`."""
        for rule in vault_rules(self.rules):
            if self.cache is not None and self.cache.vault_rule(rule.name) is not None:
                continue  # perhaps still good: `_vault_rules` will know
            self.early[rule.name] = self._run_vault_rule(rule)

    def _vault_rules(self, key: str) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        for rule in vault_rules(self.rules):
            kept = self.cache.vault_rule(rule.name) if self.cache is not None else None
            if kept is not None and kept[0] == key and self._holds(kept[1]):
                found = unpack(kept[2])
                self.stats.vault_rules_reused += 1
            else:
                found, reads = self.early.pop(rule.name, None) or self._run_vault_rule(rule)
                self.stats.vault_rules_run += 1
                if self.cache is not None:
                    self.cache.put_vault_rule(rule.name, key, self._deps(reads), pack(found))
            out += reported(found, self.ctx)
        return out

    def _run_vault_rule(self, rule: Rule) -> tuple[list[Diagnostic], set[str]]:
        """What a vault rule finds, and the notes it read. It looks at every
        note, not only those checked now: the next run may check others."""
        with self.vault.tracking() as reads:
            found = guarded(rule, VAULT_PATH, rule.check_vault, self._every_note)
        return found, reads

    @cached_property
    def _every_note(self) -> Context:
        every = self.vault.included(self.vault.checked_paths)
        if every == list(self.paths):
            return self.ctx
        # What rules keep from run to run is the run's (its `Memos.save` writes it).
        return Context(self.vault, self.config, every, memos=Memos(self.ctx.memos.store, self.ctx.memos.lasting))

    def _deps(self, reads) -> Deps:
        return tuple((path, self._hash(path)) for path in sorted(reads))

    def _store(self, key: str, checked: list[Checked], changed: set[str], touched: dict[str, tuple[int, int]],
               summaries: Summaries, notes: list[str]) -> None:
        """The rows of the notes checked, and the changes to the files
        record as this run saw them."""
        if self.cache is None:
            return
        now = now_ns()
        updates: dict[str, Known | None] = {}
        for path, st in touched.items():
            updates[path] = (*trusted(st, now), *self.known[path][2:])
        for path in changed:  # maybe not checked (pre-commit): recorded as seen, when it was read
            # (A note stat'ed, so one of `notes`: a recorded note gone has no stat.)
            h, st = self.hashes.get(path), self.moved.get(path)
            if h is not None and st is not None and path in summaries:
                updates[path] = (*trusted(st, now), h, summaries[path] or None)
            else:
                updates[path] = None  # gone, unreadable, or not read: no record
        for c in checked:
            if c.entry is None:  # unreadable: never recorded
                updates[c.path] = None
            else:
                self.hashes[c.path] = c.entry.hash  # the content its check read, for the notes that read it
                updates[c.path] = (*trusted((c.entry.stat.size, c.entry.stat.mtime), now), c.entry.hash,
                                   c.entry.summary or None)
        updates = {p: k for p, k in updates.items() if k != self.known.get(p)}
        rows = [(c.path, c.entry.hash, key, self._deps(c.entry.deps), c.entry.diagnostics)
                for c in checked if c.entry is not None]
        # Recorded notes no longer there: `moved` gives them no stat (and
        # so it does a note that vanished while being stat'ed, still listed).
        unseen = [p for p, st in self.moved.items() if st is None and p in self.known]
        present = set(notes) if unseen else ()
        gone = [p for p in unseen if p not in present]
        if not updates and not rows and not gone:
            return
        try:
            self.cache.save(self.known, updates, rows, gone, self.files_key)
        except Exception:  # a full disk or a locked database costs speed, not results
            pass


class Summaries(MutableMapping):
    """What the run knows of each note without reading it (see `summary`):
    the files record's summary of each note that did not change, and the
    summaries made in this run. Looked up in the record when asked, not
    copied: a run of a few notes asks for a few of 100,000."""

    def __init__(self, known: Mapping[str, Known], changed: set[str]):
        self._known, self._changed, self._made = known, changed, {}

    def get(self, path: str, default=None):  # the lookup itself: Mapping's would raise and catch KeyError
        made = self._made.get(path)
        if made is not None:
            return made
        k = self._known.get(path)
        return default if k is None or path in self._changed else k[3] or NO_SUMMARY

    def __getitem__(self, path: str) -> Mapping[str, object]:
        found = self.get(path)
        if found is None:
            raise KeyError(path)
        return found

    def __contains__(self, path: object) -> bool:
        return self.get(path) is not None

    def __setitem__(self, path: str, summary: Mapping[str, object]) -> None:
        self._made[path] = summary

    def __delitem__(self, path: str) -> None:
        raise TypeError("a run's summaries are only added to")

    def __iter__(self) -> Iterator[str]:
        yield from self._made
        yield from (p for p in self._known if p not in self._changed and p not in self._made)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _name_keys_from(data) -> list[str]:
    if not isinstance(data, list) or not all(type(name) is str for name in data):
        raise ValueError("not a list of name keys")
    return data


_RUN: Run | None = None


def _worker_start() -> None:
    # A worker makes millions of short-lived objects, nearly all freed by
    # their reference counts; the cycle collector need not run so often.
    gc.set_threshold(20_000, 50, 100)
    _ignore_interrupt()


def _ignore_interrupt() -> None:
    """In a worker: Ctrl-C (sent to the whole process group) is the parent's
    to handle; it ends the pool. (A worker would print a traceback each.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# `[[target`, as `Run._read_ahead` looks for it in a note's bytes: quick,
# not exact (see `Rule.prepare_targets`).
_WIKI_TARGET = re.compile(rb"\[\[([^\[\]|#^\n]+)")


def _read_ahead_chunk(paths: list[str]) -> tuple[list[tuple[str, tuple[str, ...]]], set[str]]:
    """(path, aliases) of the notes of `paths` that have aliases, and the
    link targets they write that no file answers (see `Run._read_ahead`):
    each note read once."""
    run = _RUN
    assert run is not None
    vault, wanted = run.vault, run.ahead_targets
    aliases: list[tuple[str, tuple[str, ...]]] = []
    found: set[bytes] = set()
    for path in paths:
        try:
            data = note_files.read_bytes(vault.root, path)
        except NoteReadError:
            continue
        if wanted is None or path in wanted:
            # What is in code is no link: backticks toggle code, a fence's three too.
            outside_code = b"\n".join(data.split(b"`")[::2]) if b"`" in data else data
            found.update(_WIKI_TARGET.findall(outside_code))
        if run.ahead_aliases:
            of_note = vault.aliases_of(path, data)
            if of_note:
                aliases.append((path, of_note))
    # Most targets are a file's name as written: no need to decode and look them up.
    found = {target.strip() for target in found} - vault.written_names
    targets = {target.decode("utf-8", "replace").strip() for target in found}
    # (The name index is made once a worker, in parallel; the aliases are not known yet.)
    return aliases, {target for target in targets if not vault.candidates(target, "")}


def spread(fn: Callable, items: list, jobs: int, progress: Progress | None = None, what: str = TARGETS) -> list:
    """`[fn(item) for item in items]`, worked out by a pool of `jobs`
    workers forked now (they inherit `fn`, which may be any callable; its
    results must pickle). `progress` is told of each chunk done."""
    global _TASK
    if not items:
        return []
    _TASK = fn
    gc.freeze()  # (see `Run._check_in_pool`)
    try:
        out: list = []
        if progress is not None:
            progress(0, len(items), what)
        with multiprocessing.get_context("fork").Pool(jobs, initializer=_worker_start) as pool:
            for chunk in pool.imap(_task_chunk, chunks(items, jobs)):
                out += chunk
                if progress is not None:
                    progress(len(out), len(items), what)
        return out
    finally:
        _TASK = None
        gc.unfreeze()


def chunks(items: list, jobs: int) -> list[list]:
    """`items` in chunks for `jobs` workers: of one size, then, on the
    workers' last rounds, each half what is left a worker, so that the
    workers end together (with chunks of one size, the last left a core
    idle for up to one chunk: 0.3 s at 10,000 notes)."""
    size = max(1, len(items) // (jobs * CHUNKS_PER_WORKER))
    out, at = [], 0
    while at < len(items):
        step = max(min(size, (len(items) - at) // (2 * jobs)), MIN_CHUNK)
        out.append(items[at:at + step])
        at += step
    return out


_TASK: Callable | None = None  # what `spread` asks its workers to do


def _task_chunk(items: list) -> list:
    assert _TASK is not None
    return [_TASK(item) for item in items]


def _check_chunk(paths: list[str]) -> tuple[int, int, bytes]:
    """Check notes in a worker: how many, how many notes it read (see
    `RunStats.read`), and what was found, packed (the diagnostics as the
    cache keeps them; see `Checked.packed`)."""
    run = _RUN
    assert run is not None
    before = run.stats.read + run.vault.parsed
    packed = marshal.dumps([check_one(run, path).packed() for path in paths])
    return len(paths), run.stats.read + run.vault.parsed - before, packed


def every_alias(summaries: Iterable[tuple[str, dict]]) -> list[tuple[str, tuple[str, ...]]]:
    """(path, aliases) of the notes whose summary (path, summary) lists
    aliases, by path."""
    return sorted((p, tuple(s["aliases"])) for p, s in summaries if s.get("aliases"))


def summary(note) -> dict:
    """What a run needs to know of a note without reading it: its aliases
    (other notes' results depend on them) and whether it holds inline
    suppressions."""
    out: dict = {}
    if note.aliases:
        out["aliases"] = list(note.aliases)
    if directives(note):
        out["suppressions"] = True
    return out


def check_one(run: Run, path: str) -> Checked:
    """Read, parse and check one note; forget it afterwards (memory stays flat)."""
    vault = run.vault
    try:
        data, file_stat = note_files.read_file(vault.root, path)
        st = Stat.of(file_stat)
        h = digest(data)
        text, bom = note_module.decode(data)
    except NoteReadError as exc:
        return Checked(path, None, unreadable(run.rules, path, exc))
    note = note_files.parse_file(path, text, bom, vault.stamp_pattern)
    run.stats.read += 1
    vault.remember(note)
    with vault.tracking() as reads:
        diagnostics = note_diagnostics(run.rules, note, run.ctx)
    vault.forget(path)
    reads.discard(path)
    entry = Entry(st, h, summary(note), tuple(sorted(reads)), pack(diagnostics))
    return Checked(path, entry, diagnostics)

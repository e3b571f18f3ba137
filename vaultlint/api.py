"""The Python API under the CLI: `lint()` a vault, or some of its notes.

    from vaultlint.api import lint
    result = lint(["path/to/vault"])
    for d in result.diagnostics:
        print(d.path, d.line, d.rule, d.message)

A vault's config may name `plugins`, Python files that `lint` and `fix`
import, and so run, as the user. `plugins=False` imports none of them
(each is then a warning on the `vaultlint` log; rules installed as
packages still load), and `VAULTLINT_NO_PLUGINS=1` in the environment
does the same whatever is passed. A caller that opens folders it was not
told to trust (an editor's language server, an agent's MCP server: neither
exists yet) is to pass `plugins=False` unless the folder is trusted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .commands.opening import UsageError, _vault, open_vault, select_notes, tell_guessed_root, vault_root
from .config import settings as config_module
from .config.schema import ConfigError
from .config.settings import Config
from .diagnostics import Diagnostic, Severity
from .engine import run as engine
from .engine.changes import list_index
from .engine.run import run_rules  # the plain run, without cache: part of this API
from .engine.stats import RunStats
from .engine.store import Cache
from .fix import writer
from .markdown.note import MARKDOWN, kind_of
from .rule import Context, Memos, Rule
from .vault.index import HIDDEN_PREFIX, MARKERS, NOTE_SUFFIXES, Vault, locate_root

if TYPE_CHECKING:  # imported where used: `check` needs none of them, and start-up counts
    from .fix import fixer
    from .fix import move as rename


@dataclass
class LintResult:
    root: Path
    config: Config
    vault: Vault
    rules: list[Rule]
    paths: list[str]  # the notes checked
    found: engine.Found = field(default_factory=lambda: engine.Found([]))

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return self.found.diagnostics

    @diagnostics.setter
    def diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        stats, self.found = self.found.stats, engine.Found(diagnostics)
        self.found.stats = stats

    @property
    def stats(self) -> RunStats:
        """What the run did: notes checked, reused from the cache, read (see `RunStats`)."""
        return self.found.stats

    def encoded(self, options: str, make: Callable[[list[Diagnostic]], str]) -> bytes:
        """`make(self.diagnostics)` in UTF-8, kept with the result in the
        cache: the same result asked again with the same `options` (all else
        the text depends on) gets it back without unpacking a diagnostic."""
        return self.found.encoded(options, make)

    def failed(self, at_least: Severity) -> bool:
        """Whether a problem of `at_least` this severity was found."""
        return self.found.worst >= at_least.rank


def lint(
    paths: Sequence[str | os.PathLike] = (),
    *,
    vault_dir: str | os.PathLike | None = None,
    config_file: str | os.PathLike | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    cache: bool = True,
    jobs: int | None = None,
    progress: engine.Progress | None = None,
    staged: bool = False,
    plugins: bool = True,
) -> LintResult:
    """Lint the notes under `paths` (the whole vault when none), resolving
    links against the whole vault. Raises ConfigError or UsageError.

    With `cache`, results are kept in `.vaultlint_cache/` and reused while
    their notes are unchanged (see `vaultlint.engine`); `jobs` processes
    read the notes of a cold run (all cores by default); `progress` is
    told `(done, total, stage)` as the run goes on (`engine.Progress`).
    With `staged` (pre-commit), only the notes given, plus the links
    elsewhere that files deleted or renamed in git's staging area break
    (see `vaultlint.precommit`). With `plugins=False`, the config's plugins
    are not imported (see the module's docstring). The result's `stats` says
    what the run did: notes checked, reused from the cache, read (`RunStats`)."""
    listing = asked = None
    if staged:
        from .commands import staged as precommit

        if vault_dir is None:
            vault_dir = precommit.vault_root(paths)
        if vault_dir is not None:  # git answers while the vault is walked
            asked = precommit.ask_staged(Path(vault_dir))
            if cache:
                listing = list_index(Path(vault_dir))
    root = vault_root(paths, vault_dir)
    if not staged:  # (a hook given no note checks what the commit breaks)
        _some_note(paths, root)
    # The cache's part begins now: its files record is read (and a large
    # vault walked by a child process meanwhile) before the config and the
    # rules are loaded; then its stats are taken by a child process.
    start = engine.Start(root, listing=listing) if cache else None
    try:
        config = config_module.load(root, Path(config_file) if config_file else None, plugins=plugins)
        rules = config.active_rules(select, ignore)
        files = start.files(config.trust_folder_times) if start is not None else None
        vault = _vault(root, config, files, start.temporary if files is not None else ())
        writer.sweep(vault.root, vault.temporary)  # what writes cut short left behind
        notes = select_notes(vault, paths) if paths or not staged else []
    except BaseException:
        if start is not None:
            start.close()
        raise
    if start is not None:
        start.begin(vault, notes, staged=staged, listing=listing)
    result = LintResult(vault.root, config, vault, rules, notes)
    def check(notes: list[str]) -> list[Diagnostic]:
        return engine.check(vault, config, rules, notes, use_cache=cache, jobs=jobs, progress=progress)

    result.found = engine.find(vault, config, rules, notes, use_cache=cache, jobs=jobs, progress=progress,
                               start=start)
    if staged:
        broken = precommit.broken_by_commit(vault, precommit.staged_changes(vault.root, vault, asked), check, notes)
        result.diagnostics = sorted(result.diagnostics + broken, key=lambda d: d.sort_key)
    return result


def _some_note(paths: Sequence[str | os.PathLike], root: Path) -> None:
    """A UsageError when `paths` (the vault `root` when none) hold no note:
    a picture, a LICENSE, an empty folder. Said before the cache is made, so
    that nothing is left behind where there is no vault. (Notes all
    excluded by the config are no error: see the CLI.)"""
    given = [Path(p) for p in paths] or [root]
    if any(_holds_a_note(p) for p in given):
        return
    what = "a note is a Markdown file, .md"
    if len(given) == 1 and given[0].is_file():
        raise UsageError(f"{paths[0]} is not a note ({what}): nothing to check")
    named = ", ".join(map(str, paths)) if paths else str(root)
    raise UsageError(f"no note in {named} ({what}): nothing to check")


def _holds_a_note(path: Path) -> bool:
    if not path.is_dir():
        return path.name.endswith(NOTE_SUFFIXES) or kind_of(path.name) != MARKDOWN  # (a base is checked too)
    for _folder, folders, files in os.walk(path):  # (a vault's first note comes soon)
        folders[:] = [f for f in folders if not f.startswith(HIDDEN_PREFIX)]
        if any(name.endswith(NOTE_SUFFIXES) or kind_of(name) != MARKDOWN for name in files):
            return True
    return False


def fix(
    paths: Sequence[str | os.PathLike] = (),
    *,
    vault_dir: str | os.PathLike | None = None,
    config_file: str | os.PathLike | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    unsafe: bool = False,
    write: bool = True,
    decide: fixer.Decide | None = None,
    cache: bool = True,
    progress: engine.Progress | None = None,
    staged: bool = False,
    plugins: bool = True,
) -> fixer.FixRun:
    """Fix the notes under `paths` (the whole vault when none): safe fixes,
    and unsafe ones too with `unsafe=True`; `decide` is asked about each one
    (see `fixer.Decide`). With `write=False` nothing is written: the run's
    `diff()` shows what would change. `cache`, `progress`, `staged` and
    `plugins` are as for `lint`; with `staged` (pre-commit), only the notes given are
    fixed.

    The notes are first checked as `lint` checks them (with the cache, what
    it holds is not checked again); then the notes a fix may change are
    checked again, just before they change, and held in memory: their
    fixes must apply to the very text they were found in."""
    from .fix import fixer

    asking = decide is not None
    if staged and vault_dir is None:
        from .commands import staged as precommit

        vault_dir = precommit.vault_root(paths)

    def check() -> LintResult:
        return lint(paths, vault_dir=vault_dir, config_file=config_file, select=select, ignore=ignore,
                    cache=cache, progress=progress, staged=staged, plugins=plugins)

    checked = check()
    config, vault, rules, notes = checked.config, checked.vault, checked.rules, checked.paths
    given = set(notes)  # (a staged check also reports the links elsewhere that the commit breaks)
    first = [d for d in checked.diagnostics if d.path in given] if staged else checked.diagnostics
    # Each pass lints in a context of its own; what rules made of the names
    # and the config (the link suggester, near-duplicate names) in the check
    # is theirs too, and what they make is kept in the cache as the check's.
    ran = checked.found.context
    lasting = ran.memos.lasting if ran is not None else {}
    opened = Cache.existing(vault.root) if ran is not None and ran.memos.store is not None else None
    store = (opened, ran.memos.store[1]) if opened is not None else None

    def lint_here(checking: list[str], keep: Callable[[list[Diagnostic]], bool] | None = None) -> list[Diagnostic]:
        ctx = Context(vault, config, checking, memos=Memos(store, lasting))
        return run_rules(vault, config, rules, checking, ctx, keep=keep, progress=progress, jobs=os.cpu_count() or 1)

    def may_change(diagnostics: list[Diagnostic]) -> bool:
        return fixer.may_take(diagnostics, unsafe, asking)

    try:
        changing = {d.path for d in first if may_change([d])}
        before = first
        if changing:
            again = [d for d in lint_here(sorted(changing), keep=may_change) if d.path in changing]
            before = sorted([d for d in first if d.path not in changing] + again, key=lambda d: d.sort_key)
        # Once written, what remains is what a check finds (with the cache,
        # it knows which results the changed notes make stale); not written,
        # the fixed texts are in memory only, and checked here.
        run = fixer.fix_notes(vault, lint_here, notes, unsafe=unsafe, decide=decide, before=before,
                              remaining=not write)
        Memos(store, lasting).save()
    finally:
        if store is not None:
            store[0].close()
    if write:
        fixer.write_changes(run, vault.root)
        if run.passes:
            run.remaining = [d for d in check().diagnostics if d.path in given or not staged]
    run.checked = checked
    return run


def move(
    old: str | os.PathLike,
    new: str | os.PathLike,
    *,
    vault_dir: str | os.PathLike | None = None,
    config_file: str | os.PathLike | None = None,
    merge: bool = False,
    write: bool = True,
    baseline: str | os.PathLike | bool | None = None,
) -> rename.Move:
    """Rename the note, attachment or folder `old` to `new` and rewrite every
    link to it; with `merge=True`, only point the links to `old` at `new`.
    With `write=False` nothing changes: the result's `diff()` shows the plan.
    The entries of the baseline `baseline` (by default the config's
    `baseline`, when it exists; False: none) follow the notes they are of."""
    from .fix import move as rename

    if not Path(old).exists():
        raise UsageError(f"no such file or folder: {old}")
    if vault_dir is None:
        vault_dir = _move_root(Path(old))
    config, vault = open_vault([old], vault_dir=vault_dir, config_file=config_file)
    writer.sweep(vault.root, vault.temporary)  # what writes cut short left behind
    try:
        where = [rename.vault_path(vault.root, p) for p in (old, new)]
        planned = rename.plan(vault, *where, merge=merge)
        if baseline is None and config.baseline and (vault.root / config.baseline).is_file():
            baseline = os.path.relpath(vault.root / config.baseline)
        recorded = _moved_baseline(planned, baseline) if baseline else None
        if write:
            rename.apply(planned)
            if recorded is not None and planned.baseline[1]:
                recorded.write(baseline)
    except rename.MoveError as exc:
        raise UsageError(str(exc)) from None
    return planned


def _moved_baseline(planned: rename.Move, file: str | os.PathLike):
    """The baseline `file` as the move leaves it (`planned.baseline` says
    how many entries changed)."""
    from .output.baseline import Baseline, BaselineError

    try:
        before = Baseline.read(file)
    except BaselineError as exc:
        raise UsageError(str(exc)) from None
    after = before.moved({} if planned.merge else planned.mapping, planned.relinked)
    planned.baseline = (str(file), sum((before.counts - after.counts).values()))
    return after


def _move_root(old: Path) -> Path:
    """The vault a move happens in: the folder marked as a vault above OLD,
    else the top of the git work tree OLD is in (as `check` guesses), else
    the current folder when it holds OLD. Guessing lower would leave the
    links of the rest of the vault broken."""
    start = Path(os.path.abspath(old)).parent.resolve()
    root, how = locate_root([start])
    if how == "marker":
        return root
    if how != "git":
        cwd = Path.cwd().resolve()
        if not (cwd == start or cwd in start.parents):
            raise UsageError(f"no vault (a folder with {' or '.join(MARKERS)}) holds {old}: say which with --vault")
        root = cwd
    tell_guessed_root(root, how if how == "git" else "current", [start])
    return root


__all__ = ["ConfigError", "LintResult", "UsageError", "fix", "move", "lint", "open_vault", "select_notes", "run_rules",
           "RunStats"]

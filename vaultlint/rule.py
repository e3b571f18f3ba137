"""The rule API: what every rule, built-in or plugin, is made of.

A rule is a subclass of `Rule` in a module of its own; the module's
docstring is the rule's manual (`vaultlint rule NAME` prints it). It
declares its name, default severity and options (each a JSON Schema
fragment with a default), and overrides `check_note` (called once per
checked note) and/or `check_vault` (called once per run, for problems that
only the whole vault shows).

    '''Manual: what it checks, why, options, examples, fix safety.'''
    from vaultlint.rule import Rule, Severity

    class NoTodo(Rule):
        name = "no-todo"
        severity = Severity.WARNING
        options = {"word": {"type": "string", "default": "TODO"}}

        def check_note(self, note, ctx):
            word = self.options["word"]
            # `note.prose`: the text with front-matter, code, math and
            # comments blanked out, at the same offsets as `note.text`.
            at = note.prose.find(word)
            if at != -1:
                yield self.diagnostic(note, at, at + len(word), f"{word} left in the note")

The spans a note's parts are found at are listed in the `Note` docstring
(vaultlint/markdown/note.py), and those of each part in the docstrings of
`Link`, `Heading` and `BlockId` (vaultlint/markdown/scanner.py).

Work shared by every note of a run (an index of the vault's names) goes in
`ctx.memo(key, make)`; with `lasting=(to_data, from_data)` the value is also
kept in the cache for the next runs while the vault's names, the config and
vaultlint stay the same (`broken-link`'s suggester: a pre-commit run reads
it instead of building it). `prepare(ctx)` is called once before the notes
are checked, in the parent process of a run over worker processes, so that
what it puts in `ctx.memo` is made once and inherited by every worker;
`prepare_targets(ctx, targets, spread)` likewise does work once for each
link target the notes name (`broken-link` asks for its suggestions so),
spread over the workers.

A rule's bug stops only that rule: one that raises, or returns what is not
a `Diagnostic` of the declared field types (a `fix=` that is no `Fix`, a
str subclass, a suggestion that is no str: diagnostics are packed with
marshal for the cache and for the trip back from a worker process), gets
an `internal-error` problem naming it at the note it was checking, and the
other rules' problems still come. A `prepare` or `prepare_targets` that
raises is a warning (on stderr, from the CLI) in the runs that call it,
and the checks run without what it would have made: since only some runs
prepare, a problem there would come and go with the run's size.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from .diagnostics import Applicability, Diagnostic, Edit, Fix, Severity
from .formats import canvas
from .markdown.note import MARKDOWN, Note

if TYPE_CHECKING:
    from .config.settings import Config
    from .vault.index import Vault

# `spread(fn, items)`: `[fn(item) for item in items]` over worker processes.
Spread = Callable[[Callable[[Any], Any], Sequence[Any]], list[Any]]

# Rules split from another (name -> the older rule's name): a suppression or
# a baseline entry of the older rule, written when it reported their
# problems, still covers them.
SPLIT_FROM = {"unwritten-note": "broken-link"}

__all__ = ["Applicability", "Context", "Diagnostic", "Edit", "Fix", "Memos", "Rule", "Severity"]


class Memos:
    """The engine's side of `Context.memo`: what the rules of a run made to
    share, the notes each value read, and where the lasting values are kept
    from run to run. Contexts given one `Memos` share what rules made (the
    passes of `fix`, the context of every note that vault rules see, a
    workspace's checks between two changes of the names)."""

    def __init__(self, store: tuple[Any, str] | None = None,
                 lasting: dict[str, tuple[Any, Any, bool]] | None = None):
        self.values: dict[str, Any] = {}
        self.reads: dict[str, set[str]] = {}  # key -> the notes its value read
        # Where lasting values are kept: the engine's (cache, version) when
        # there is a cache, else None.
        self.store = store
        # The lasting values: key -> (value, to_data, whether the cache lacks
        # it), written by `save`. Memos of one run may share it.
        self.lasting: dict[str, tuple[Any, Any, bool]] = {} if lasting is None else lasting

    def get(self, vault: Vault, key: str, make, lasting: tuple[Any, Any] | None):
        if key not in self.values:
            with vault.tracking() as reads:
                self.values[key] = make() if lasting is None else self._kept(key, make, *lasting)
            self.reads[key] = reads
        reads = self.reads[key]
        # Most values read no note; those that did are read by whoever uses them.
        if reads:
            vault.depend_on(reads)
        return self.values[key]

    def forget_reading(self, path: str) -> None:
        """Let go of the values made from the note at `path` (it changed):
        they are made again when next asked for."""
        for key in [key for key, reads in self.reads.items() if path in reads]:
            self.values.pop(key, None)
            del self.reads[key]

    def save(self) -> None:
        """Write to the cache the lasting values made in this run, and the
        answers added to. The engine calls it once the notes are checked: a
        suggester of 100,000 names is some 100 MB while it is written, which
        must not add to the memory of worker processes still running."""
        if self.store is None:
            return
        cache, version = self.store
        for key, (value, to_data, unsaved) in self.lasting.items():
            if unsaved or (isinstance(value, Answers) and value.added):
                cache.put_lasting(key, version, to_data(value))
                self.lasting[key] = (value, to_data, False)
                if isinstance(value, Answers):
                    value.added = False

    def let_go(self) -> None:
        """Let go of the lasting values the cache holds now (asked for again,
        they are read back from it): at the end of a large run, when its
        memory peaks, a suggester of 100,000 names is 25 MB held for nothing.
        Answers, which rules may still add to, stay."""
        if self.store is None:
            return
        for key, (value, _to_data, unsaved) in list(self.lasting.items()):
            if not unsaved and not isinstance(value, Answers):
                del self.lasting[key]
                self.values.pop(key, None)
                self.reads.pop(key, None)

    def _kept(self, key: str, make, to_data, from_data):
        """The value of `key` this run holds already (memos sharing `lasting`
        made it), else the one the cache keeps, else made (and kept by `save`)."""
        held = self.lasting.get(key)
        if held is not None:
            return held[0]
        data = self.store[0].lasting(key, self.store[1]) if self.store is not None else None
        if data is not None:
            try:
                value = from_data(data)
                self.lasting[key] = (value, to_data, False)
                return value
            except Exception:  # a cache from another version, or damaged: made again
                pass
        value = make()
        self.lasting[key] = (value, to_data, True)
        return value


@dataclass
class Context:
    """What a rule sees of the run: the vault, the config, the notes checked,
    and values shared by the rules (`memo`, `of_note`, `answers`)."""

    vault: Vault
    config: Config
    paths: Sequence[str]  # the notes being checked, relative to the root
    memos: Memos = field(default_factory=Memos, repr=False)  # the engine's: see `Memos`
    # What `of_note` made: key -> (the note, the value), for the note being checked.
    _per_note: dict[str, tuple[Note, Any]] = field(default_factory=dict, repr=False)

    @cached_property
    def checked(self) -> frozenset[str]:
        return frozenset(self.paths)

    def memo(self, key: str, make, *, lasting: tuple[Any, Any] | None = None):
        """A value computed once per run and shared by rules (an index, a
        suggester). Whoever uses it depends on the notes it was made from.

        `lasting=(to_data, from_data)` keeps it from run to run in the cache
        (as `to_data` makes it: lists, dicts, strings, numbers, bytes), for a
        value made from the vault's file names and the config only: it is
        made again when they or vaultlint change."""
        return self.memos.get(self.vault, key, make, lasting)

    def of_note(self, note: Note, key: str, make):
        """`make(note)`, made once for the rules that check `note` (a note's
        links resolved once for every link rule). Notes are checked one by
        one, so only the value for the latest note is kept."""
        kept = self._per_note.get(key)
        if kept is None or kept[0] is not note:
            kept = self._per_note[key] = (note, make(note))
        return kept[1]

    def answers(self, key: str) -> Answers:
        """A dict of answers that rules fill as they check (the suggestions
        for a link target): a `lasting` memo that grows, for answers that
        depend on the vault's names and the config only; what a run adds is
        kept too. Values must be marshal data. A pre-commit run then finds
        the suggestions for the links its note had before without loading
        the suggester."""
        return self.memo(key, Answers, lasting=(dict, Answers))


class Answers(dict):
    """A dict that knows whether anything was added to it (see `Context.answers`)."""

    added = False

    def __setitem__(self, key, value) -> None:
        self.added = True
        super().__setitem__(key, value)


class Rule:
    name: ClassVar[str] = ""
    severity: ClassVar[Severity] = Severity.ERROR
    enabled_by_default: ClassVar[bool] = True
    fixable: ClassVar[bool] = False
    # option name -> JSON Schema fragment, each with a "default"
    options: ClassVar[dict[str, dict]] = {}
    # The kinds of file it checks (`Note.kind`): "markdown", "canvas", "base".
    kinds: ClassVar[tuple[str, ...]] = (MARKDOWN,)

    def __init__(self, options: dict | None = None, severity: Severity | None = None):
        defaults = {key: spec.get("default") for key, spec in type(self).options.items()}
        # Instances shadow the class attributes with the values in force.
        self.options = {**defaults, **(options or {})}  # type: ignore[misc]
        self.severity = severity or type(self).severity  # type: ignore[misc]

    # -- the manual ----------------------------------------------------------
    @classmethod
    def manual(cls) -> str:
        module = sys.modules.get(cls.__module__)
        doc = inspect.getdoc(module) if module is not None else None
        return doc or inspect.getdoc(cls) or ""

    @classmethod
    def summary(cls) -> str:
        return cls.manual().strip().split("\n", 1)[0].strip()

    @classmethod
    def options_schema(cls) -> dict:
        """The JSON Schema of this rule's table in `.vaultlint.toml`."""
        return {
            "type": "object",
            "properties": {
                "severity": {"enum": [s.value for s in Severity]},
                "enabled": {"type": "boolean"},
                **cls.options,
            },
            "additionalProperties": False,
        }

    # -- checking ------------------------------------------------------------
    def check_note(self, note: Note, ctx: Context) -> Iterable[Diagnostic]:
        return ()

    def check_vault(self, ctx: Context) -> Iterable[Diagnostic]:
        return ()

    def prepare(self, ctx: Context) -> None:
        """Work to do once a run before notes are checked, such as a
        `ctx.memo`: in a run over worker processes the engine calls it in
        the parent, so that the workers inherit what it made instead of
        each making it again; in a pre-commit run, while the notes are
        stat'ed to see which changed. Nothing by default."""

    def prepare_targets(self, ctx: Context, targets: Set[str], spread: Spread) -> None:
        """Work to do once a run for each link target the notes to check
        name, before they are checked, in the parent process of a run over
        worker processes (the only runs that call it): each worker would
        otherwise do it again for the targets of its own notes.

        `targets` is every distinct `[[target]]` written in those notes
        that no file answers from the root (`ctx.vault.candidates(target,
        "")`), as a quick look at their bytes found them: it may hold text
        that is no link, and lacks the targets of other kinds of links. So
        what this makes is a head start, put where the checks look first
        (`ctx.answers`, `ctx.memo`), never the only way to know.
        `spread(fn, items)` is `[fn(item) for item in items]`, worked out by
        the worker processes: `fn` may be any callable (they are forked),
        its results must pickle. Nothing by default."""

    # -- building diagnostics ------------------------------------------------
    def diagnostic(
        self,
        note: Note,
        start: int,
        end: int,
        message: str,
        *,
        fix: Fix | None = None,
        suggestions: Iterable[str] = (),
    ) -> Diagnostic:
        if fix is not None and type(fix) is not Fix:
            # Said here, where the rule's own code is on the traceback, not
            # when the engine packs the results or `fix` applies them.
            raise TypeError(f"rule `{self.name}`: `fix=` must be a Fix (made by `self.fix(note, edits, "
                            f"applicability)`) or None, not {type(fix).__name__}")
        line, column = note.position(start)
        end_line, end_column = note.position(end)
        return Diagnostic(
            note.path, line, column, end_line, end_column, self.name, self.severity,
            message, fix, tuple(suggestions), start, end,
        )

    @staticmethod
    def fix(note: Note, edits: Iterable[tuple[int, int, str]], applicability: Applicability, message: str = "") -> Fix:
        if note.kind == canvas.CANVAS:  # written into the canvas's JSON strings: escaped, or only shown
            edits, in_place = canvas.parse(note.text).escape_edits(edits)
            applicability = applicability if in_place else Applicability.DISPLAY_ONLY
        return Fix(tuple(note.edit(s, e, c) for s, e, c in edits), Applicability(applicability), message)


def malformed(diagnostic: object) -> str | None:
    """What makes `diagnostic`, as a rule returned it, unfit for the engine
    (which packs it for the cache and for the trip back from a worker
    process, sorts it and prints it), or None when it is fit: a
    `Diagnostic` whose fields hold exactly the types it declares (a str
    subclass, say, cannot be packed), its fix a `Fix` of `Edit`s."""
    d = diagnostic
    if type(d) is not Diagnostic:
        return f"it is {_a(type(d).__name__)}, not a Diagnostic"
    fix = d.fix
    if (type(d.path) is str and type(d.rule) is str and type(d.message) is str and type(d.severity) is Severity
            and type(d.line) is int and type(d.column) is int and type(d.end_line) is int
            and type(d.end_column) is int and type(d.start) is int and type(d.end) is int
            and type(d.suggestions) is tuple and (not d.suggestions or all(type(s) is str for s in d.suggestions))
            and (fix is None or (type(fix) is Fix and _fit_fix(fix)))):
        return None  # (the common case, checked in one expression: rules return many diagnostics)
    for name, wanted in (("path", str), ("rule", str), ("message", str), ("severity", Severity), ("line", int),
                         ("column", int), ("end_line", int), ("end_column", int), ("start", int), ("end", int),
                         ("suggestions", tuple)):
        value = getattr(d, name)
        if type(value) is not wanted:
            return f"its `{name}` is {_a(type(value).__name__)}, not {_a(wanted.__name__)}"
    if not all(type(s) is str for s in d.suggestions):
        return "its `suggestions` hold something other than strings"
    if type(fix) is not Fix:
        return f"its `fix` is {_a(type(fix).__name__)}, not a Fix"
    return "its `fix` is not a Fix of Edits (made by `Rule.fix`)"


def _a(name: str) -> str:
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _fit_fix(fix: Fix) -> bool:
    return (type(fix.edits) is tuple and type(fix.applicability) is Applicability and type(fix.message) is str
            and all(type(e) is Edit and type(e.start) is int and type(e.end) is int and type(e.content) is str
                    and type(e.line) is int and type(e.column) is int and type(e.end_line) is int
                    and type(e.end_column) is int for e in fix.edits))

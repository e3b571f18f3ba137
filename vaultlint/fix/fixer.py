"""Applying fixes: edits on a note's text, passes until nothing changes.

An edit replaces `text[start:end]`; everything outside the edited ranges is
kept character for character (line endings, trailing spaces, the missing
final newline). Edits that overlap one already taken are left for the next
pass, as ruff does.

`fix_notes` is what runs under `vaultlint fix`: lint, take the fixes that
do not overlap, apply them to the texts in memory, lint the changed notes
again, and repeat until no fix is left (at most `MAX_PASSES` passes). It
refuses a fix that would break a link that worked before (in the note, or
into a heading or block of it that other notes link to) and undoes one
after which a rule finds more problems in the note than before. Nothing is
written here: `write_changes` does that at the end, through `writer`.
"""

from __future__ import annotations

import bisect
import difflib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from ..diagnostics import Applicability, Diagnostic, Edit, Fix
from ..markdown.note import Note, NoteReadError
from ..vault import files as note_files
from ..vault.index import Status, Vault, heading_key
from .writer import WriteRefused, write_note

MAX_PASSES = 10

Lint = Callable[[list[str]], list[Diagnostic]]
# Asked about each problem with a fix or suggestions, in interactive use:
# decide(vault, note, diagnostic, fix) -> the fix to apply (the one offered,
# which may be unsafe, or another one) or None to skip. StopFixing quits.
# A callback may also have `begin(diagnostics)`, told the problems found at
# the start (to count the questions to come), and `refused(diagnostic,
# reason)`, told at once when a fix it chose is not applied.
Decide = Callable[[Vault, Note, Diagnostic, "Fix | None"], "Fix | None"]


class Interrupted(KeyboardInterrupt):
    """Ctrl-C while notes were being written; the message says how many
    were (each note is written whole or not at all)."""


class StopFixing(Exception):
    """Raised by a `decide` callback: ask nothing more, keep what was accepted."""


def allowed(fix: Fix | None, unsafe: bool) -> bool:
    if fix is None or fix.applicability is Applicability.DISPLAY_ONLY:
        return False
    return fix.applicability is Applicability.SAFE or unsafe


def may_take(diagnostics: Iterable[Diagnostic], unsafe: bool, asking: bool) -> bool:
    """Whether a fix of these may be applied: allowed, or a person is asked
    (about a fix of any kind, or a suggestion)."""
    return any(allowed(d.fix, unsafe or asking) or (asking and d.suggestions) for d in diagnostics)


class _Spans:
    """The ranges taken by the fixes chosen so far, sorted, so that a clash
    is found with a binary search (a note may have thousands of fixes)."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []
        self.longest = 0  # no range starts further back than this and reaches an edit

    def clash(self, fix: Fix) -> bool:
        return any(self._hits(e) for e in fix.edits)

    def _hits(self, edit: Edit) -> bool:
        spans = self.spans
        i = bisect.bisect_left(spans, (edit.start - self.longest, -1))
        while i < len(spans) and spans[i][0] <= edit.end:
            if _overlaps(edit, spans[i]):
                return True
            i += 1
        return False

    def add(self, fix: Fix) -> None:
        for e in fix.edits:
            bisect.insort(self.spans, (e.start, e.end))
            self.longest = max(self.longest, e.end - e.start)


def _fix_start(fix: Fix) -> int:
    return min((e.start for e in fix.edits), default=0)


def _overlaps(edit: Edit, span: tuple[int, int]) -> bool:
    return _clash((edit.start, edit.end), span)


def _clash(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Do two ranges conflict? Ranges that share text do, and so does an
    insertion at a point the other range holds or touches: which goes first
    would be a guess. Ranges that only touch do not."""
    if a[0] < b[1] and b[0] < a[1]:
        return True
    if a[0] == a[1]:
        return b[0] <= a[0] <= b[1]
    if b[0] == b[1]:
        return a[0] <= b[0] <= a[1]
    return False


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """The text with the (non-overlapping) edits applied."""
    out = []
    pos = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < pos:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        out.append(text[pos:edit.start])
        out.append(edit.content)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def unified_diff(path: str, old: str, new: str) -> str:
    """A `diff -u` of two texts, line endings as they are, with git's marker
    for a last line that has no newline."""
    lines = []
    for line in difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{path}", f"b/{path}"):
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


# --------------------------------------------------------------------------
# The fixer's passes


@dataclass(frozen=True, slots=True)
class Rejected:
    diagnostic: Diagnostic
    reason: str


class Original(NamedTuple):
    """A note as read, before any fix: what the diff and the write compare
    with (its text alone: a parsed note of each changed note, kept to the
    end of a run over a whole vault, would take ten times the memory)."""

    text: str
    bom: bool


@dataclass
class FixRun:
    """What `fix_notes` did: the texts it made and what it left."""

    before: list[Diagnostic] = field(default_factory=list)  # the problems at the start
    remaining: list[Diagnostic] = field(default_factory=list)  # the problems at the end
    originals: dict[str, Original] = field(default_factory=dict)  # the notes as read
    texts: dict[str, str] = field(default_factory=dict)  # path -> fixed text
    applied: Counter = field(default_factory=Counter)  # rule -> fixes applied
    applied_in: Counter = field(default_factory=Counter)  # path -> fixes applied
    later: int = 0  # fixes applied to problems that were not there at the start (made by other fixes)
    rejected: list[Rejected] = field(default_factory=list)
    passes: int = 0
    pending: bool = False  # stopped at the cap with fixes left to apply
    written: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # why notes were not written
    checked: object = None  # the check the run began with (an `api.LintResult`: its vault, config, notes)

    @property
    def changed(self) -> list[str]:
        """The notes whose text changed, in path order."""
        return sorted(p for p, text in self.texts.items() if text != self.originals[p].text)

    def diff(self) -> str:
        return "".join(unified_diff(p, self.originals[p].text, self.texts[p]) for p in self.changed)

    def summary(self, *, unsafe: bool = False, dry_run: bool = False,
                remaining: list[Diagnostic] | None = None, known: int = 0, reasons: bool = True) -> str:
        """What the run did, in words. `remaining`: the problems left to
        tell about (by default all that remain; fewer with a baseline, which
        holds `known` others). `reasons`: why notes were not written (the
        CLI says it on stderr)."""
        unwritten = [] if dry_run or not self.refused else [p for p in self.changed if p not in set(self.written)]
        fixes = sum(self.applied.values()) - sum(self.applied_in[p] for p in unwritten)
        notes = len(self.changed) - len(unwritten)
        verb = "Would fix" if dry_run else "Fixed"
        by_rule = ", ".join(f"{rule} {n}" for rule, n in sorted(self.applied.items())) if not unwritten else ""
        lines = [f"{verb} {fixes} problem{_s(fixes)} in {notes} note{_s(notes)}"
                 + (f" ({by_rule})" if by_rule else "") + "."]
        if self.passes > 1:
            lines[0] = lines[0][:-1] + f", in {self.passes} passes."
        if self.later:
            # (Why `check` counted fewer fixable problems: it sees the notes as they are.)
            lines[0] = lines[0][:-1] + (f"; {self.later} of them {'was' if self.later == 1 else 'were'} found only "
                                        "after earlier fixes (what `check` counts is the problems as they are).")
        if unwritten:
            lost = sum(self.applied_in[p] for p in unwritten)
            lines.append(f"Not written: {len(unwritten)} note{_s(len(unwritten))}, with {lost} fix{_es(lost)}"
                         + (":" if reasons else " (why: below)."))
            lines.extend(f"  {why}" for why in self.refused if reasons)
        for r in self.rejected:
            d = r.diagnostic
            lines.append(f"Not applied: {d.path}:{d.line}:{d.column}: {d.rule}: {r.reason}.")
        if self.pending:
            lines.append(f"Stopped after {self.passes} passes with fixes still to apply (rules that undo each other?).")
        left = self.remaining if remaining is None else remaining
        hidden = f"{known} known to the baseline" if known else ""
        if left:
            unsafe_left = sum(1 for d in left if d.fix and d.fix.applicability is Applicability.UNSAFE)
            shown = sum(1 for d in left if d.fix and d.fix.applicability is Applicability.DISPLAY_ONLY)
            text = f"{len(left)} {'new ' if known else ''}problem{_s(len(left))} remain{'s' if len(left) == 1 else ''}"
            notes_left = len({d.path for d in left})
            text += f" in {notes_left} note{_s(notes_left)}"
            extra = [hidden] if hidden else []
            if unsafe_left and not unsafe:
                extra.append(f"{unsafe_left} fixable with `--unsafe-fixes`")
            if shown:
                extra.append(f"{shown} with a suggestion to apply by hand or with `--interactive`")
            lines.append(text + (f" ({'; '.join(extra)})" if extra else "") + ".")
        else:
            lines.append(f"No new problems remain ({hidden})." if hidden else "No problems remain.")
        return "\n".join(lines)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _es(n: int) -> str:
    return "" if n == 1 else "es"


class _Passes:
    """The passes of one `fix_notes` call: it chooses the fixes to take in each note, applies them
    and remembers those refused, pass after pass until nothing changes."""

    def __init__(self, vault: Vault, lint: Lint, unsafe: bool, decide: Decide | None):
        self.vault = vault
        self.lint = lint
        self.unsafe = unsafe
        self.decide = decide
        self.asked: set[tuple] = set()
        self.refused: set[tuple] = set()  # fixes rejected once are not tried again
        self.stopped = False
        self.malformed: list[Rejected] = []
        self._anchors: dict[str, set[str]] | None = None

    # -- one pass over one note -----------------------------------------
    def may_take(self, diagnostics: list[Diagnostic]) -> bool:
        """Whether `choose` may take a fix of these (else the note need not be read)."""
        return may_take(diagnostics, self.unsafe, self.decide is not None)

    def choose(self, note: Note, diagnostics: list[Diagnostic]) -> list[tuple[Diagnostic, Fix]]:
        """The fixes to apply to this note now, in text order, none overlapping."""
        taken: list[tuple[Diagnostic, Fix]] = []
        spans = _Spans()
        order = sorted(diagnostics, key=lambda d: (_fix_start(d.fix) if d.fix else d.start, d.start))
        for d in order:
            # A person looking at each fix may take an unsafe one.
            fix = d.fix if allowed(d.fix, self.unsafe or self.decide is not None) else None
            if self.decide is not None and not self.stopped:
                if fix is not None and spans.clash(fix):
                    continue  # asked in the next pass
                if fix is None and not d.suggestions:
                    continue
                key = (d.path, d.rule, d.message)
                if key in self.asked:
                    continue
                self.asked.add(key)
                try:
                    fix = self.decide(self.vault, note, d, fix)
                except StopFixing:
                    self.stopped = True
                    break
            elif self.stopped:
                break
            if fix is None or spans.clash(fix) or _fix_key(d, fix) in self.refused:
                continue
            if not _well_formed(fix):
                self.malformed.append(Rejected(d, f"its edits overlap each other (a bug in `{d.rule}`)"))
                self.refused.add(_fix_key(d, fix))
                continue
            taken.append((d, fix))
            spans.add(fix)
        return taken

    def reject(self, run: FixRun, d: Diagnostic, fix: Fix, reason: str) -> None:
        self.refused.add(_fix_key(d, fix))
        run.rejected.append(Rejected(d, reason))
        told = getattr(self.decide, "refused", None)
        if told is not None:  # (a person who chose the fix hears why now, not after every other question)
            told(d, reason)

    def parse(self, note: Note, fixes: Sequence[tuple[Diagnostic, Fix]]) -> Note:
        text = apply_edits(note.text, [e for _d, f in fixes for e in f.edits])
        return note_files.parse_file(note.path, text, note.bom, self.vault.stamp_pattern)

    def apply_guarded(self, note: Note, taken) -> tuple[Note, list, list[tuple]]:
        """The note with the fixes applied, less any fix that would break a
        link: all together first, then (when that breaks one) one by one."""
        before = self.reachable(note)
        new = self.parse(note, taken)
        if self.breaks(note, before, new) is None:
            return new, taken, []
        kept, rejected = [], []
        for d, f in taken:
            trial = self.parse(note, [*kept, (d, f)])
            why = self.breaks(note, before, trial)
            if why is None:
                kept.append((d, f))
            else:
                rejected.append((d, f, why))
        self.vault.remember(note)
        return self.parse(note, kept), kept, rejected

    # -- what a fix must not break ---------------------------------------
    def reachable(self, note: Note) -> tuple[Counter, int]:
        """(the link targets that resolve from the note, counted; its stamp count)."""
        self.vault.remember(note)
        found: Counter = Counter()
        for link in note.links:
            r = self.vault.resolve(link, note.path)
            if r.status is Status.FOUND:
                found[(r.path, _anchor(link.subpath))] += 1
        return found, len(note.body.stamps)

    def breaks(self, old: Note, before: tuple[Counter, int], new: Note) -> str | None:
        """Why `new` is worse than `old`, or None."""
        links, stamps = self.reachable(new)
        try:
            # Fewer links that work, and a target no longer reached: broken.
            # (A link moved to another target that works, or a duplicate
            # link dropped, is not.)
            lost = set(before[0]) - set(links)
            if lost and links.total() < before[0].total():
                path, anchor = sorted(lost)[0]
                return f"it would break the link to `{path}{'#' + anchor if anchor else ''}`"
            if stamps < before[1]:
                return "it would break a timestamp"
            # (Only a fix that removes a heading or a block id asks which
            # are linked to: knowing that reads every note of the vault.)
            gone = _anchors_of(old) - _anchors_of(new)
            linked = gone and gone & self.linked_anchors().get(old.path, set())
            if linked:
                return f"links from other notes point to `#{sorted(linked)[0]}`, which it would remove"
            return None
        finally:
            self.vault.remember(old)

    def linked_anchors(self) -> dict[str, set[str]]:
        """note path -> the headings and blocks of it that links point to
        (built once, only when a fix removes a heading or a block id)."""
        if self._anchors is None:
            self._anchors = {}
            for path in self.vault.note_paths:
                try:
                    source = self.vault.glance(path)
                except NoteReadError:
                    continue
                for link in source.links:
                    if link.subpath:
                        for target in self.vault.find(link.target, path) if link.target else [path]:
                            self._anchors.setdefault(target, set()).add(_anchor(link.subpath))
                            break
        return self._anchors


def _well_formed(fix: Fix) -> bool:
    """A fix's own edits must not overlap (apply_edits could not order them)."""
    edits = sorted((e.start, e.end) for e in fix.edits)
    return all(b[0] >= a[1] for a, b in zip(edits, edits[1:], strict=False))


def _fix_key(d: Diagnostic, fix: Fix) -> tuple:
    """A fix, known again in a later pass (where offsets may have moved)."""
    return d.path, d.rule, d.message, tuple(e.content for e in fix.edits)


def _anchor(subpath: str | None) -> str:
    if not subpath:
        return ""
    if subpath.startswith("^"):
        return "^" + subpath[1:].strip().casefold()
    return "#".join(heading_key(p) for p in subpath.split("#") if p.strip())


def _anchors_of(note: Note) -> set[str]:
    return {heading_key(h.text) for h in note.body.headings} | {"^" + b.id.casefold() for b in note.body.block_ids}


def _by_path(diagnostics: Iterable[Diagnostic]) -> dict[str, list[Diagnostic]]:
    out: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        out.setdefault(d.path, []).append(d)
    return out


def _worse(before: Sequence[Diagnostic], after: Sequence[Diagnostic], unsafe: bool) -> list[str]:
    """The rules that find more problems that no fix solves after than
    before. (A fix may leave a problem that a later pass fixes.)"""

    def stuck(diagnostics):
        return Counter(d.rule for d in diagnostics if not allowed(d.fix, unsafe))

    return sorted(stuck(after) - stuck(before))


def fix_notes(
    vault: Vault,
    lint: Lint,
    paths: list[str],
    *,
    unsafe: bool = False,
    decide: Decide | None = None,
    max_passes: int = MAX_PASSES,
    before: list[Diagnostic] | None = None,
    remaining: bool = True,
) -> FixRun:
    """Fix the notes at `paths` in memory, pass after pass. `lint(paths)`
    lints those notes as they now are in `vault`; `before` is what it finds
    at the start, when the caller knows (each note a fix may change must be
    held in `vault` as it was linted). With `remaining` false, what remains
    after a pass that changed something is left for the caller to find
    (`FixRun.remaining` stays empty). Writes nothing."""
    passes = _Passes(vault, lint, unsafe, decide)
    run = FixRun()
    run.before = before if before is not None else lint(paths)
    begin = getattr(decide, "begin", None)
    if begin is not None:
        begin(run.before)
    current = _by_path(run.before)
    # The fixes of the problems found at the start, to tell those that
    # other fixes brought about (what `check` could not count).
    at_start = Counter((d.path, d.rule, d.message) for d in run.before)

    def settle(changed: list[tuple[Note, list]]) -> None:
        """Check the notes changed again: undo the fixes after which a rule
        finds problems no fix solves; count the rest."""
        after = _by_path(lint([old.path for old, _ in changed]))
        for old, kept in changed:
            path = old.path
            grown = _worse(current.get(path, []), after.get(path, []), unsafe)
            if grown:
                kept = _retry_one_by_one(passes, run, old, kept, current.get(path, []))
                after[path] = [d for d in lint([path]) if d.path == path]
            run.applied.update(d.rule for d, _f in kept)
            run.applied_in[path] += len(kept)
            for d, _f in kept:
                if at_start[d.path, d.rule, d.message] > 0:
                    at_start[d.path, d.rule, d.message] -= 1
                else:
                    run.later += 1
            run.texts[path] = vault.note(path).text
            current[path] = after.get(path, [])

    for pass_number in range(1, max_passes + 1):
        changed: list[tuple[Note, list]] = []
        changed_any = False
        for path in sorted(current):
            if passes.stopped:
                break
            if not passes.may_take(current[path]):
                continue  # (not read: most notes of a vault have no fix to apply)
            try:
                with vault.holding(path) as note:  # (kept below only if it changes)
                    taken = passes.choose(note, current[path])
            except NoteReadError:
                continue
            run.rejected.extend(passes.malformed)
            passes.malformed.clear()
            if not taken:
                continue
            run.originals.setdefault(path, Original(note.text, note.bom))
            new, kept, rejected = passes.apply_guarded(note, taken)
            for d, f, why in rejected:
                passes.reject(run, d, f, why)
            if kept:
                vault.remember(new)
                # Its text as the pass found it (for `_retry_one_by_one`),
                # not the parsed note: over a whole vault, thousands of them.
                changed.append((Note(path, note.text, note.bom), kept))
                changed_any = True
                if decide is not None:  # checked at once: a person hears of a choice undone before the next question
                    settle(changed)
                    changed = []
        if not changed_any:
            break
        run.passes = pass_number
        if changed:
            settle(changed)
    else:
        run.pending = decide is None and _fixes_left(passes, current)
    if not run.passes:
        run.remaining = run.before
    elif remaining:
        run.remaining = lint(paths)
    return run


def _fixes_left(passes: _Passes, current: dict[str, list[Diagnostic]]) -> bool:
    for path, diagnostics in current.items():
        try:
            if passes.choose(passes.vault.note(path), diagnostics):
                return True
        except NoteReadError:
            continue
    return False


def _retry_one_by_one(passes: _Passes, run: FixRun, old: Note, kept: list, before: list[Diagnostic]) -> list:
    """Rules found more problems after this pass's fixes: keep only the
    fixes that, added one at a time, find no more. (Of `old`, only its
    path, text and BOM are used.)"""
    accepted: list = []
    for d, f in kept:
        trial = passes.parse(old, [*accepted, (d, f)])
        passes.vault.remember(trial)
        grown = _worse(before, [x for x in passes.lint([old.path]) if x.path == old.path], passes.unsafe)
        if grown:
            passes.reject(run, d, f, f"`{', '.join(grown)}` would then find problems no fix solves")
        else:
            accepted.append((d, f))
    passes.vault.remember(passes.parse(old, accepted))
    return accepted


def write_changes(run: FixRun, root) -> None:
    """Write every changed note atomically; a note that changed on disk
    meanwhile (or leads outside the vault) is left alone and listed."""
    changed = run.changed
    try:
        for path in changed:
            original = run.originals[path]
            try:
                if write_note(root, path, run.texts[path], original.bom, original.text):
                    run.written.append(path)
            except (WriteRefused, OSError) as exc:
                run.refused.append(str(exc) if isinstance(exc, WriteRefused) else f"{path}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        n = len(run.written)
        fixes = sum(run.applied_in[p] for p in run.written)
        raise Interrupted(f"{n} of the {len(changed)} notes fixed {'was' if n == 1 else 'were'} written "
                          f"({fixes} fix{_es(fixes)}), the others are as they were") from None

"""Inline suppressions: comments in a note that silence a rule there.

Obsidian hides `%% … %%` comments (and HTML comments) when it renders a
note, so a suppression can sit next to the text it excuses:

    %% vaultlint-disable-next-line broken-link %%
    A link to [[a note not written yet]].

    %% vaultlint-disable timestamp-order %%
    … every stamp between the two comments …
    %% vaultlint-enable timestamp-order %%

    %% vaultlint-disable-file frontmatter-schema -- an imported note %%

`<!-- vaultlint-disable-next-line broken-link -->` is the same. Several rules
are separated by commas or spaces; no rule at all means every rule; text
after ` -- ` is the reason, for the reader. A comment inside code is an
example, not a suppression.

A suppression that silences nothing is reported by `unused-suppression`
(when that rule and the rules it names are in force), so that suppressions
do not outlive the problems they excused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic
from ..markdown.note import Note, NoteReadError
from ..rule import SPLIT_FROM, Context, Rule

UNUSED = "unused-suppression"
ALL = "*"

_DIRECTIVE = re.compile(
    r"(?P<open>%%|<!--)[ \t]*vaultlint-(?P<kind>disable-next-line|disable-file|disable|enable)(?![\w-])"
)
_NAME = re.compile(r"[^\s,]+")


@dataclass
class Directive:
    kind: str  # disable-next-line, disable, enable, disable-file
    names: tuple[str, ...]  # the rules named; empty for every rule
    start: int  # the comment's span in the note
    end: int
    line: int  # the comment's first and last lines
    end_line: int
    open: str = "%%"
    close: str = "%%"
    reason: str = ""
    used: set[str] = field(default_factory=set)  # names (or ALL) that silenced something

    @property
    def keys(self) -> tuple[str, ...]:
        return self.names or (ALL,)

    def covers(self, rule: str) -> str | None:
        """The key under which this directive silences `rule`, if it does."""
        if not self.names:
            return ALL
        if rule in self.names:
            return rule
        older = SPLIT_FROM.get(rule)  # a rule split from another answers to its name too
        return older if older in self.names else None


def directives(note: Note) -> list[Directive]:
    """The suppression comments of a note, in order (none in code)."""
    if "vaultlint-" not in note.text:
        return []
    text = note.text
    found = []
    for start, end in note.body.masked:
        if not text.startswith(("%%", "<!--"), start):
            continue  # code or math, whose examples do not count
        parts = _parse_directive(text[start:end])
        if parts is None:
            continue
        kind, names, reason, opener, close = parts
        found.append(Directive(
            kind, tuple(_NAME.findall(names)), start, end, note.position(start)[0],
            note.position(max(start, end - 1))[0], opener, close, reason,
        ))
    return found


def _parse_directive(comment: str) -> tuple[str, str, str, str, str] | None:
    """(kind, names, reason, opener, closer) of a suppression comment, or
    None. Done by hand, not with one regex: a lazy group followed by an
    optional `-- reason` backtracks quadratically on a long comment."""
    m = _DIRECTIVE.match(comment)
    if m is None:
        return None
    close = "%%" if comment.endswith("%%") else "-->" if comment.endswith("-->") else None
    if close is None or len(comment) - len(close) < m.end():
        return None
    middle = comment[m.end() : len(comment) - len(close)]
    if "\n" in middle:
        return None
    # The reason starts at the first ` -- ` (blanks on both sides).
    at = middle.find("--")
    while at != -1 and not (at > 0 and middle[at - 1] in " \t" and middle[at + 2 : at + 3] in (" ", "\t")):
        at = middle.find("--", at + 1)
    if at == -1:
        return m.group("kind"), middle, "", m.group("open"), close
    return m.group("kind"), middle[:at], middle[at:].strip(), m.group("open"), close


@dataclass
class _Scope:
    directive: Directive
    first: int  # lines covered, inclusive
    last: int


def scopes(found: Sequence[Directive], last_line: int) -> tuple[list[_Scope], list[Directive]]:
    """The lines each directive covers, and the `enable`s that closed nothing."""
    out: list[_Scope] = []
    stray: list[Directive] = []
    open_blocks: list[_Scope] = []
    for d in found:
        if d.kind == "disable-file":
            out.append(_Scope(d, 1, last_line))
        elif d.kind == "disable-next-line":
            out.append(_Scope(d, d.end_line + 1, d.end_line + 1))
        elif d.kind == "disable":
            scope = _Scope(d, d.end_line, last_line)
            out.append(scope)
            open_blocks.append(scope)
        else:  # enable: closes the open blocks of the rules it names
            closed = [s for s in open_blocks if not d.names or set(s.directive.keys) & set(d.names)]
            for s in closed:
                s.last = d.line
                open_blocks.remove(s)
            if closed:
                d.used.update(d.keys)
            else:
                stray.append(d)
    return out, stray


def _silenced(d: Diagnostic, note_scopes: list[_Scope]) -> bool:
    hit = False
    for s in note_scopes:
        if s.first <= d.line <= s.last:
            key = s.directive.covers(d.rule)
            if key is not None:
                s.directive.used.add(key)
                hit = True
    return hit


def apply(ctx: Context, rules: Sequence[Rule], diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics no suppression silences, plus `unused-suppression`'s
    reports when that rule is in force."""
    by_note: dict[str, tuple[Note, list[_Scope], list[Directive]]] = {}

    def of(path: str):
        if path not in by_note:
            try:
                note = ctx.vault.note(path)
            except (NoteReadError, OSError):
                by_note[path] = None
            else:
                found = directives(note)
                by_note[path] = (note, *scopes(found, len(note.line_starts))) if found else None
        return by_note[path]

    kept = []
    for d in diagnostics:
        entry = of(d.path) if d.path in ctx.checked else None
        if entry is None or not _silenced(d, entry[1]):
            kept.append(d)
    reporter = next((r for r in rules if r.name == UNUSED), None)
    if reporter is None:
        return kept
    active = {r.name for r in rules}
    known = None
    unused = []
    for path in ctx.paths:
        entry = of(path)
        if entry is None:
            continue
        known = known or ctx.config.rule_table()  # only for notes that hold suppressions
        sure = None if ctx.config.unloaded_plugins else known  # (a name may be a rule of a plugin not loaded)
        note, note_scopes, stray = entry
        for s in note_scopes:
            unused.extend(reporter.report(note, s.directive, active, sure))
        for d in stray:
            unused.extend(reporter.report(note, d, active, sure, stray=True))
    kept.extend(d for d in unused if of(d.path) is None or not _silenced(d, of(d.path)[1]))
    kept.sort(key=lambda d: d.sort_key)
    return kept

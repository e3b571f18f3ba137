"""Code actions: the fixes of the problems under the cursor, the "did you
mean" candidates of broken links, and "fix all safe problems in this note".

- a safe fix is a quick fix marked preferred (an editor's "auto fix"
  applies it); an unsafe one is offered with "(unsafe)" in its title, never
  preferred; a display-only fix is offered as a suggestion, "(check it)";
- each suggestion of a link problem (`Diagnostic.suggestions`: another
  note, heading or block id) is an action of its own that rewrites the
  link's target, or its `#heading` / `#^block` part;
- `source.fixAll.vaultlint` holds the note's text as `vaultlint fix` would
  leave it with safe fixes only (`Workspace.fix`), as one edit of the
  lines that change. Nothing is written by the server: the client applies
  the edits to its buffer.
"""

from __future__ import annotations

import difflib
import re
from urllib.parse import quote

from lsprotocol import types

from ..diagnostics import Applicability, Diagnostic
from ..markdown.note import Note
from ..rules.broken_heading import subpath_span
from ..workspace import Workspace
from .convert import LineIndex, to_lsp

FIX_ALL = "source.fixAll.vaultlint"
_TAG = {Applicability.SAFE: "", Applicability.UNSAFE: " (unsafe)", Applicability.DISPLAY_ONLY: " (check it)"}
_URL_SAFE = "/!$&'*+,;=:@~"
_NOT_IN_LINKS = re.compile(r"[\[\]|#^]+")


def code_actions(ws: Workspace, path: str, uri: str, found: list[Diagnostic], wanted: types.Range,
                 only: list[str] | None, encoding: str) -> list[types.CodeAction]:
    note = ws.note(path)
    index = LineIndex(note.text, encoding)
    start, end = index.offset(wanted.start), index.offset(wanted.end)
    out: list[types.CodeAction] = []
    quick = not only or any(types.CodeActionKind.QuickFix.value.startswith(k) or k == "quickfix" for k in only)
    if quick:
        for d in found:
            d_start = index.from_line_column(d.line, d.column)
            d_end = index.from_line_column(d.end_line, d.end_column)
            if d_start > end or d_end < start:
                continue
            out += _actions_of(note, d, uri, index)
    if not only or any(FIX_ALL.startswith(k) for k in only):
        fixed = ws.fix(path)
        if fixed is not None:
            out.append(types.CodeAction(
                title="vaultlint: fix all safe problems in this note", kind=FIX_ALL,
                edit=types.WorkspaceEdit(changes={uri: text_edits(note.text, fixed, encoding)})))
    return out


def _actions_of(note: Note, d: Diagnostic, uri: str, index: LineIndex) -> list[types.CodeAction]:
    diagnostic = to_lsp(d, index)
    link = next((link for link in note.links if link.start == index.from_line_column(d.line, d.column)), None)
    suggested = []  # (suggestion, its edit), one each
    for suggestion in d.suggestions if link is not None else ():
        edit = _suggestion_edit(note, link, d.rule, suggestion)
        if edit is not None and all(edit != e for _s, e in suggested):
            suggested.append((suggestion, edit))
    out = []
    if d.fix is not None and d.fix.edits:
        edits = tuple((e.start, e.end, e.content) for e in d.fix.edits)
        shown = d.fix.applicability is not Applicability.DISPLAY_ONLY
        if shown or not any((e,) == edits for _s, e in suggested):  # (a suggestion already offers it)
            title = d.fix.message or f"fix {d.rule}"
            out.append(types.CodeAction(
                title=f"{title}{_TAG[d.fix.applicability]}", kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic], is_preferred=d.fix.applicability is Applicability.SAFE,
                edit=types.WorkspaceEdit(changes={uri: [index.text_edit(e) for e in d.fix.edits]})))
        if shown:
            suggested = [(s, e) for s, e in suggested if (e,) != edits]
    for suggestion, (s, e, content) in suggested:
        out.append(types.CodeAction(
            title=f"did you mean `{suggestion}`?", kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic],
            edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(index.range(s, e), content)]})))
    return out


# The rules whose suggestions name another heading or block id of the link's note (the rest: another file).
_SUBPATH_RULES = frozenset({"broken-heading", "broken-block-ref"})
_TARGET_RULES = frozenset({"broken-link", "unwritten-note", "ambiguous-link"})


def _suggestion_edit(note: Note, link, rule: str, suggestion: str) -> tuple[int, int, str] | None:
    """The edit that makes `link` say what `suggestion` names: its heading or
    block part for heading and block problems, else its target (`Note|alias`
    for a wiki-link written with an alias as its target: the alias stays as
    the display text)."""
    if rule in _SUBPATH_RULES:
        span = subpath_span(note, link)
        if span is None:
            return None
        written = suggestion if rule == "broken-block-ref" else " ".join(_NOT_IN_LINKS.sub(" ", suggestion).split())
        return span[0], span[1], written
    if rule not in _TARGET_RULES:
        return None
    if link.kind == "markdown":
        target = suggestion.split("|", 1)[0]
        if note.text[link.target_start - 1:link.target_start] != "<":
            target = quote(target, safe=_URL_SAFE)
        return link.target_start, link.target_end, target
    if "|" in suggestion and link.alias is None and not link.subpath:
        return link.target_start, link.target_end, suggestion
    return link.target_start, link.target_end, suggestion.split("|", 1)[0]


def text_edits(before: str, after: str, encoding: str) -> list[types.TextEdit]:
    """The edits that make `before` into `after`, a run of changed lines each
    (a client keeps its cursor and folds where lines do not change)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    index = LineIndex(before, encoding)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    out = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            out.append(types.TextEdit(index.range(starts[i1], starts[i2]), "".join(new[j1:j2])))
    return out

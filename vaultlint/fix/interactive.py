"""`vaultlint fix --interactive`: one question per problem.

For each problem with a fix (safe or unsafe: a person is looking) it shows
how far along the run is (`[3 of 1,079]`), where the problem is, the lines
around it and the diff of the fix, and asks:

    a  apply this fix
    e  apply it, and every later fix of this rule without asking
    s  skip it
    n  skip the rest of this note
    q  quit (what was accepted so far is kept)

For a link with suggestions (a broken link, say) it lists the candidates
the fuzzy matcher found, numbered, each with the file it is (names that
differ only in case or folder are told apart), plus "type another target".
A target typed is written as the vault names the file (its real case; a
name alone when it is unambiguous from the note, else the shortest path
that is), not as typed. A choice the fixer then refuses (it would break a
link that worked, say) is explained at once. Display-only fixes without a
link to retarget are shown by `fix` at the end, never asked about.
"""

from __future__ import annotations

import posixpath

import click

from ..diagnostics import Applicability, Diagnostic, Fix
from ..formats.canvas import CANVAS
from ..markdown.note import Note
from ..markdown.scanner import Link
from ..vault.graph import qualified
from ..vault.index import Vault
from .fixer import StopFixing, allowed, apply_edits, unified_diff
from .move import target_edit

CONTEXT = 2  # lines shown around the problem
_KEYS = {"a": "apply", "e": "apply every `{rule}` fix", "s": "skip", "n": "skip this note", "q": "quit"}


class Prompter:
    """The `decide` callback of `fixer.fix_notes`, asking on the terminal."""

    def __init__(self, *, color: bool | None = None):
        self.color = color
        self.total = 0  # the questions to come, as the problems found at the start tell
        self.left: dict[str, int] = {}  # path -> questions not yet asked about the note
        self.asked = 0
        self.every: set[str] = set()  # rules whose fixes are applied without asking
        self.skipped: set[str] = set()  # notes whose other problems are not asked about
        self.legend_shown = False

    def begin(self, diagnostics: list[Diagnostic]) -> None:
        """Count the questions to come: a problem with a fix to take, or a link with candidates."""
        asked = {(d.path, d.rule, d.message) for d in diagnostics if allowed(d.fix, True) or d.suggestions}
        self.total = len(asked)
        self.left = {}
        for path, _rule, _message in asked:
            self.left[path] = self.left.get(path, 0) + 1

    def refused(self, d: Diagnostic, reason: str) -> None:
        self.echo(click.style(f"Not applied: {d.path}:{d.line}:{d.column}: {d.rule}: {reason}.", fg="red"))

    def __call__(self, vault: Vault, note: Note, d: Diagnostic, fix: Fix | None) -> Fix | None:
        if d.path in self.skipped:
            return None
        if fix is not None and d.rule in self.every:
            self.count(d)
            self.echo(f"[{self.asked:,} of {self.total:,}] {d.path}:{d.line}:{d.column}: {d.rule}: applied "
                      f"(every `{d.rule}` fix)")
            return fix
        link = _link_at(note, d) if d.suggestions else None
        if fix is None and link is None:
            return None
        self.count(d)
        self.show_problem(note, d)
        if fix is not None:
            kind = " (unsafe: check it)" if fix.applicability is Applicability.UNSAFE else ""
            self.echo(f"Fix{kind}: {fix.message}" if fix.message else f"Fix{kind}:")
            self.show_diff(note, fix)
        choices = {key: what.format(rule=d.rule) for key, what in _KEYS.items() if fix is not None or key not in "ae"}
        if link is not None:
            self.echo("Link to:")
            for i, name in enumerate(d.suggestions, 1):
                self.echo(f"  {i}) {name}{self.where(vault, name)}")
            self.echo("  t) type another target")
        legend = "  ".join(f"{key}: {what}" for key, what in choices.items())
        if not self.legend_shown:
            self.legend_shown = True
            self.echo("  " + legend)
        while True:
            numbers = "1" if len(d.suggestions) == 1 else f"1-{len(d.suggestions)}"
            keys = "/".join(choices) + (f"/{numbers}/t" if link is not None else "")
            try:
                answer = click.prompt(f"[{keys}]", default="s", show_default=True)
            except click.Abort:
                raise StopFixing from None
            answer = answer.strip().lower()
            if answer in ("q", "quit"):
                raise StopFixing
            if answer in ("s", "skip", ""):
                return None
            if answer == "n":
                self.skipped.add(d.path)
                self.asked += self.left.pop(d.path, 0)
                return None
            if answer in ("a", "apply") and fix is not None:
                return fix
            if answer == "e" and fix is not None:
                self.every.add(d.rule)
                return fix
            if link is not None and answer.isdigit() and 1 <= int(answer) <= len(d.suggestions):
                name = d.suggestions[int(answer) - 1]
                files = self.files_named(vault, name)
                path = files[0] if len(files) == 1 else None
                return self.retarget(note, link, name if path is None else written_as(vault, note, path, name, link), d)
            if link is not None and answer in ("t", "type"):
                chosen = self.ask_target(vault, note, link)
                if chosen is not None:
                    return self.retarget(note, link, chosen, d)
                continue
            self.echo("Please answer with one of: " + keys + "\n  " + legend)

    # -- pieces ---------------------------------------------------------
    def echo(self, text: str = "") -> None:
        click.echo(text, color=self.color)

    def count(self, d: Diagnostic) -> None:
        self.asked += 1
        self.total = max(self.total, self.asked)  # (later passes may find problems the first did not)
        if self.left.get(d.path, 0) > 0:
            self.left[d.path] -= 1

    def show_problem(self, note: Note, d: Diagnostic) -> None:
        self.echo()
        self.echo(click.style(f"[{self.asked:,} of {self.total:,}] {d.path}:{d.line}:{d.column}: {d.rule} {d.message}",
                              bold=True))
        first = max(1, d.line - CONTEXT)
        lines = len(note.line_starts) - (1 if note.text.endswith(("\n", "\r")) else 0)
        last = min(lines, d.end_line + CONTEXT)
        for n in range(first, last + 1):
            mark = ">" if d.line <= n <= d.end_line else " "
            self.echo(f"{mark}{n:>5} | {note.line_text(n)}")

    def show_diff(self, note: Note, fix: Fix) -> None:
        diff = unified_diff(note.path, note.text, apply_edits(note.text, fix.edits))
        for line in diff.splitlines()[2:]:  # the file names are above
            colour = {"+": "green", "-": "red", "@": "cyan"}.get(line[:1])
            self.echo(click.style(line, fg=colour) if colour else line)

    @staticmethod
    def files_named(vault: Vault, name: str) -> list[str]:
        """The files a candidate (a name as the suggester writes it) is: those
        of that name in that very case, else all that answer to it."""
        stem = name.rsplit("/", 1)[-1]
        files = [p for p in vault.named(vault.key(stem)) if _ends_as(p, name)]
        exact = [p for p in files if _ends_as(p, name, exact=True)]
        return exact or files

    def where(self, vault: Vault, name: str) -> str:
        """The file (or files) of a candidate, shown after it: `  (Art/ink.md)`."""
        files = self.files_named(vault, name)
        if not files or files in ([name], [name + ".md"]):  # (a note at the top, of that very name)
            return ""
        more = f", and {len(files) - 3} more" if len(files) > 3 else ""
        return f"  ({', '.join(files[:3])}{more})"

    def ask_target(self, vault: Vault, note: Note, link: Link) -> str | None:
        while True:
            typed = click.prompt("Target (a note name or path; empty to go back)", default="", show_default=False)
            typed = typed.strip()
            if not typed:
                return None
            found = vault.find(typed, note.path)
            if len(found) == 1:
                return written_as(vault, note, found[0], typed, link)
            if found:
                self.echo(f"`{typed}` names {len(found)} files: {', '.join(found[:5])}; type the path of one.")
            else:
                self.echo(f"`{typed}` is no note or attachment of the vault.")

    @staticmethod
    def retarget(note: Note, link: Link, name: str, d: Diagnostic) -> Fix:
        written = note.text[link.target_start:link.target_end]
        if link.kind == "markdown" and written.lower().endswith(".md") and "." not in name.rsplit("/", 1)[-1]:
            name += ".md"
        return Fix((target_edit(note, link, name),), Applicability.UNSAFE, f"link to `{name}`")


def written_as(vault: Vault, note: Note, path: str, typed: str, link: Link | None = None) -> str:
    """How a link from `note` names the file `path` (chosen as `typed`): as
    the vault spells it, a path if one was typed, else its name when that
    leads from the note to this file alone, else the shortest path that does;
    a canvas's file node, by its path from the root."""
    if link is not None and link.kind == CANVAS:
        return path
    stem = path[:-3] if path.lower().endswith(".md") else path
    if "/" in typed.strip("/"):
        return stem
    name = posixpath.basename(stem)
    if vault.find(name, note.path) == [path]:
        return name
    return qualified(path, vault.named(vault.key(name)))


def _ends_as(path: str, name: str, exact: bool = False) -> bool:
    """Whether `path` is the file `name` (a name or a path's end, `.md` left out for a note) writes."""
    stem = path[:-3] if path.lower().endswith(".md") else path
    if not exact:
        stem, name = stem.casefold(), name.casefold()
    return stem == name or stem.endswith("/" + name) or path == name or path.endswith("/" + name)


def _link_at(note: Note, d: Diagnostic) -> Link | None:
    """The link the problem is about: the one whose span it covers."""
    for link in note.links:
        if link.start <= d.start and d.end <= link.end and link.target:
            return link
    return None

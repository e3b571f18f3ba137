"""`vaultlint fix --interactive`: one question per problem.

For each problem with a fix (safe or unsafe: a person is looking) it shows
where it is, the lines around it and the diff of the fix, and asks: apply,
skip or quit. For a link with suggestions (a broken link, say) it lists the
candidates the fuzzy matcher found, numbered, plus "type another target".
Quitting keeps what was accepted so far. Display-only fixes without a link
to retarget are shown by `fix` at the end, never asked about.
"""

from __future__ import annotations

import click

from .diagnostics import Applicability, Diagnostic, Fix
from .fixer import StopFixing, apply_edits, unified_diff
from .note import Note
from .rename import target_edit
from .scanner import Link
from .vault import Vault

CONTEXT = 2  # lines shown around the problem


class Prompter:
    """The `decide` callback of `fixer.fix_notes`, asking on the terminal."""

    def __init__(self, *, color: bool | None = None):
        self.color = color

    def __call__(self, vault: Vault, note: Note, d: Diagnostic, fix: Fix | None) -> Fix | None:
        link = _link_at(note, d) if d.suggestions else None
        if fix is None and link is None:
            return None
        self.show_problem(note, d)
        if fix is not None:
            kind = " (unsafe: check it)" if fix.applicability is Applicability.UNSAFE else ""
            self.echo(f"Fix{kind}: {fix.message}" if fix.message else f"Fix{kind}:")
            self.show_diff(note, fix)
        choices = {"s": "skip", "q": "quit"}
        if fix is not None:
            choices = {"a": "apply", **choices}
        if link is not None:
            self.echo("Link to:")
            for i, name in enumerate(d.suggestions, 1):
                self.echo(f"  {i}) {name}")
            self.echo("  t) type another target")
        while True:
            keys = "/".join(choices) + (f"/1-{len(d.suggestions)}/t" if link is not None else "")
            try:
                answer = click.prompt(f"[{keys}] {', '.join(choices.values())}", default="s", show_default=True)
            except click.Abort:
                raise StopFixing from None
            answer = answer.strip().lower()
            if answer in ("q", "quit"):
                raise StopFixing
            if answer in ("s", "skip", ""):
                return None
            if answer in ("a", "apply") and fix is not None:
                return fix
            if link is not None and answer.isdigit() and 1 <= int(answer) <= len(d.suggestions):
                return self.retarget(note, link, d.suggestions[int(answer) - 1], d)
            if link is not None and answer in ("t", "type"):
                chosen = self.ask_target(vault, note)
                if chosen is not None:
                    return self.retarget(note, link, chosen, d)
                continue
            self.echo("Please answer with one of: " + keys)

    # -- pieces ---------------------------------------------------------
    def echo(self, text: str = "") -> None:
        click.echo(text, color=self.color)

    def show_problem(self, note: Note, d: Diagnostic) -> None:
        self.echo()
        self.echo(click.style(f"{d.path}:{d.line}:{d.column}: {d.rule} {d.message}", bold=True))
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

    def ask_target(self, vault: Vault, note: Note) -> str | None:
        while True:
            typed = click.prompt("Target (a note name or path; empty to go back)", default="", show_default=False)
            typed = typed.strip()
            if not typed:
                return None
            if vault.find(typed, note.path):
                return typed
            self.echo(f"`{typed}` is no note or attachment of the vault.")

    @staticmethod
    def retarget(note: Note, link: Link, name: str, d: Diagnostic) -> Fix:
        written = note.text[link.target_start:link.target_end]
        if link.kind == "markdown" and written.lower().endswith(".md") and "." not in name.rsplit("/", 1)[-1]:
            name += ".md"
        return Fix((target_edit(note, link, name),), Applicability.UNSAFE, f"link to `{name}`")


def _link_at(note: Note, d: Diagnostic) -> Link | None:
    """The link the problem is about: the one whose span it covers."""
    for link in note.links:
        if link.start <= d.start and d.end <= link.end and link.target:
            return link
    return None

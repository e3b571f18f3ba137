"""unused-suppression: a `vaultlint-disable` comment that silences nothing.

What it checks
    Each suppression comment (`%% vaultlint-disable-next-line RULE %%`,
    `%% vaultlint-disable RULE %%` … `%% vaultlint-enable RULE %%`,
    `%% vaultlint-disable-file RULE %%`, or the same in `<!-- … -->`; see
    `vaultlint.suppressions`) of a checked note:

    - a rule it names that is in force but reported nothing where the
      comment reaches;
    - a comment with no rule (every rule) that silenced nothing;
    - a name that is no rule at all (with the closest name suggested);
    - a `vaultlint-enable` that closes no `vaultlint-disable`.

    A rule that is not in force in the run (off, ignored, or left out by
    `--select`) is not judged: nobody knows whether it would report.

Why
    Suppressions outlive the problems they excused: the link gets written,
    the stamp corrected, and the comment stays, ready to hide the next real
    problem on that line.

Options
    None.

Example
    A note whose link now works:

        %% vaultlint-disable-next-line broken-link %%
        See [[Existing note]].

    gives `note.md:1:1: unused-suppression unused suppression: `broken-link`
    reported nothing on the next line`.

Fix safety
    Safe: the comment (or the names in it that silence nothing) is removed;
    Obsidian never shows the comment, so the rendered note does not change.
    A comment alone on its line is removed with its line.
"""

from __future__ import annotations

from vaultlint.config import closest
from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity


class UnusedSuppression(Rule):
    name = "unused-suppression"
    severity = Severity.WARNING
    fixable = True

    def report(self, note, directive, active, known, stray=False):
        """Diagnostics for one directive: `active` are the rules in force,
        `known` every rule there is (None when not all are known: a plugin
        was not loaded, and no name is said not to be a rule)."""
        from vaultlint.suppressions import ALL

        if stray:
            what = ", ".join(directive.names) or "every rule"
            yield self._diagnostic(note, directive, (), f"`vaultlint-enable` of {what} closes no `vaultlint-disable`")
            return
        if directive.kind == "enable":
            return
        unknown = [n for n in directive.names if known is not None and n not in known]
        idle = [k for k in directive.keys if k not in unknown and k not in directive.used
                and (k == ALL or k in active) and k != self.name]
        for name in unknown:
            yield self._diagnostic(note, directive, (name,), f"`{name}` is not a rule{closest(name, known)}")
        if idle:
            where = {"disable-next-line": "on the next line", "disable-file": "in this note"}.get(
                directive.kind, "in the lines it disables")
            if idle == [ALL]:
                message = f"unused suppression: nothing was reported {where}"
            else:
                message = f"unused suppression: {' and '.join(f'`{n}`' for n in idle)} reported nothing {where}"
            yield self._diagnostic(note, directive, tuple(n for n in idle if n != ALL), message)

    def _diagnostic(self, note, directive, names, message):
        drop = set(names)
        remaining = [n for n in directive.names if n not in drop]
        if names and remaining:
            reason = f" {directive.reason}" if directive.reason else ""
            content = f"{directive.open} vaultlint-{directive.kind} {', '.join(remaining)}{reason} {directive.close}"
            edit = (directive.start, directive.end, content)
            what = f"drop {', '.join(f'`{n}`' for n in names)} from the suppression"
        else:
            edit = _removal(note.text, directive.start, directive.end)
            what = "remove the suppression"
        fix = self.fix(note, [edit], Applicability.SAFE, what)
        return self.diagnostic(note, directive.start, directive.end, message, fix=fix)


def _removal(text: str, start: int, end: int) -> tuple[int, int, str]:
    """Remove text[start:end]; its whole line too when nothing else is on it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end + 1
    if text[line_start:start].strip() == "" and text[end:line_end].strip() == "":
        return line_start, line_end, ""
    if text[end:end + 1] == " ":
        end += 1
    return start, end, ""

"""unused-suppression: a `vaultlint-disable` comment that silences nothing.

What it checks
    Each suppression comment (`%% vaultlint-disable-next-line RULE %%`,
    `%% vaultlint-disable RULE %%` … `%% vaultlint-enable RULE %%`,
    `%% vaultlint-disable-file RULE %%`, or the same in `<!-- … -->`; see
    `vaultlint.suppressions`) of a checked note:

    - a rule it names that is in force but reported nothing where the
      comment reaches;
    - a comment with no rule (every rule) that silenced nothing;
    - a name that is no rule at all (with the rule meant, when it is clear);
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

    A misspelt name, `%% vaultlint-disable-next-line broken-lnk %%`, gives
    `note.md:1:1: unused-suppression `broken-lnk` is not a rule (did you
    mean `broken-link`?)`, and its fix writes `broken-link`.

Fix safety
    Safe: a suppression (or the names in it) that silences nothing is
    removed; Obsidian never shows the comment, so the rendered note does not
    change. A comment alone on its line is removed with its line.

    A name that is no rule is never removed: it was written to silence a
    problem, which removing it would leave to be found again and
    suppressed again. It is corrected to the rule meant when that is clear,
    which changes what the comment silences (what its author wrote it
    for): safe when the name is one slip from the rule (a letter added,
    left out, changed, or two swapped; case; `_` for `-`) and every other
    rule is three or more slips away (built-in rules are four or more apart,
    so one slip cannot lead from one to another); unsafe when it is two
    slips away and no other rule is as near. Otherwise there is no fix. When the rule meant is named in
    the comment as well, the misspelt name is removed (it adds nothing).
"""

from __future__ import annotations

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
        from vaultlint.engine.suppressions import ALL

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
            yield self._misspelt(note, directive, name, known)
        if idle:
            where = {"disable-next-line": "on the next line", "disable-file": "in this note"}.get(
                directive.kind, "in the lines it disables")
            if idle == [ALL]:
                message = f"unused suppression: nothing was reported {where}"
            else:
                message = f"unused suppression: {' and '.join(f'`{n}`' for n in idle)} reported nothing {where}"
            yield self._diagnostic(note, directive, tuple(n for n in idle if n != ALL), message)

    def _misspelt(self, note, directive, name, known):
        """A name that is no rule: corrected when the rule meant is clear
        (see "Fix safety"), else left for a person (no fix)."""
        meant, slip = rule_meant(name, known)
        if meant is None:
            return self.diagnostic(note, directive.start, directive.end,
                                   f"`{name}` is not a rule (`vaultlint rules` lists them)")
        message = f"`{name}` is not a rule (did you mean `{meant}`?)"
        if meant in directive.names:  # the right name is there too: the wrong one adds nothing
            return self._diagnostic(note, directive, (name,), message)
        start, end = _name_span(note.text, directive, name)
        fix = self.fix(note, [(start, end, meant)], Applicability.SAFE if slip else Applicability.UNSAFE,
                       f"write `{meant}`")
        return self.diagnostic(note, directive.start, directive.end, message, fix=fix, suggestions=(meant,))

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


def rule_meant(name: str, known) -> tuple[str | None, bool]:
    """The rule a name that is no rule was meant to be, when that is clear:
    the one rule nearest to it (letters added, left out, changed or two
    swapped, case aside), two such slips at most; and whether it is one slip
    (or case, or `_` for `-`) with every other rule three or more away.
    Built-in rules are four or more apart from one another."""
    from rapidfuzz.distance import OSA

    word = name.lower().replace("_", "-")
    ranked = sorted((OSA.distance(word, rule), rule) for rule in known)
    if not ranked or ranked[0][0] > 2 or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None, False
    best = ranked[0][0]
    return ranked[0][1], best <= 1 and (len(ranked) == 1 or ranked[1][0] >= 3)


def _name_span(text: str, directive, name: str) -> tuple[int, int]:
    """Where `name` is written in the directive's comment (the names come
    before any reason)."""
    from vaultlint.engine.suppressions import _DIRECTIVE, _NAME

    comment = text[directive.start:directive.end]
    m = _DIRECTIVE.match(comment)
    for token in _NAME.finditer(comment, m.end()):
        if token.group() == name:
            return directive.start + token.start(), directive.start + token.end()
    raise AssertionError(f"{name} not in {comment!r}")

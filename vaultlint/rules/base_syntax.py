"""base-syntax: a base that is not YAML, a part of the wrong kind, or an expression that does not parse.

What it checks
    Every base: each `.base` file, and each ```` ```base ```` code block
    of a note (its problems are placed in the note).

    - YAML that does not parse, where the parser gave up;
    - a part of the wrong kind: a base that is not a mapping, `views` that
      is not a list, a view that is not a mapping, `formulas` or
      `summaries` that are not mappings, an expression that is not text,
      a `limit` that is not a number;
    - an expression (a filter, a formula, a summary) that does not parse,
      at the character where it goes wrong: a quote or a bracket that
      never closes, a bracket that closes none, an operator that is not
      one (`=` for `==`, `&` for `&&`, `=<` for `<=`, with the one meant),
      something where a value or an operator is expected;
    - a call of a function that Obsidian does not define: a global
      function not on the help's Functions page (`iff(...)`: did you mean
      `if`?), or a method whose name is a misspelling of one
      (`file.hasTagg("x")`). A method with a name unlike any is left
      alone: the Functions page does not list them all.

    - a duration that is none, added to or taken from a date or given to
      `duration()`: `now() - "1 wek"` (`wek` is no unit of time: did you
      mean `week`?). Units: `y`, `M`, `w`, `d`, `h`, `m`, `s` and their
      words (`year`, `months`, ...).

    The legacy functions `not()` and `empty()` of Bases' first releases
    are accepted, as Obsidian still opens bases that use them.

Why
    Obsidian shows a base whose YAML does not parse as an error, and a
    filter or formula that does not parse as an error in the view; in a
    base embedded in a note, nobody sees it until the note is opened.

Options
    `functions` (default `[]`): the names of global functions that plugins
    add, accepted as known.

Example
    `filters: 'status = "done"'` gives `base-syntax `=` is not an
    operator (did you mean `==`?)` at the `=`.

Fix safety
    No fix: only the author knows what the expression meant.
"""

from __future__ import annotations

from vaultlint.checks.bases import BaseRule
from vaultlint.formats.base_expressions import bad_durations, unknown_functions
from vaultlint.rule import Severity


class BaseSyntax(BaseRule):
    name = "base-syntax"
    severity = Severity.ERROR
    options = {"functions": {"type": "array", "items": {"type": "string"}, "default": []}}

    def check_base(self, note, base, ctx):
        if base.problem is not None:
            at = min(base.problem.start, len(note.text))
            yield self.diagnostic(note, at, min(at + 1, base.end), f"invalid YAML: {base.problem.message}")
            return
        for message, start, end in base.shape:
            yield self.diagnostic(note, start, end, message)
        for expr in base.expressions:
            problem = expr.parsed.problem
            if problem is not None:
                start, end = expr.span(problem.start, problem.end)
                if end <= start:  # at the expression's end: its last character
                    start = max(expr.text.start, start - 1)
                    end = start + 1
                yield self.diagnostic(note, start, end, f"{expr.where}: {problem.message}")
                continue
            for problem in [*unknown_functions(expr.parsed, self.options["functions"]), *bad_durations(expr.parsed)]:
                start, end = expr.span(problem.start, problem.end)
                yield self.diagnostic(note, start, end, f"{expr.where}: {problem.message}")

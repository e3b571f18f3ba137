"""date-format: a date property whose value is not a real date in the form Obsidian stores.

What it checks
    The top-level front-matter properties that hold dates:

    - those `.obsidian/types.json` declares `date` or `datetime`;
    - those the note's JSON Schemas give `"format": "date"` or
      `"format": "date-time"` (a schema wins over types.json);
    - the keys listed in `keys` (a date or a date-time).

    Obsidian stores a date as `2020-08-21` and a date & time as
    `2020-08-21T10:30:00`. A value is reported when it is not a real date
    (`2024-13-01`, `2023-02-30`), when it is written otherwise
    (`2024/1/5`, `05/01/2024`, `5 January 2024`), when a date-time has a
    space where the `T` goes (`2023-03-10 09:48:22`), or when a date
    property holds a date and time, or a date & time property a date
    alone. Empty values are left alone (Obsidian shows an empty field). A
    key in `keys` may hold either a date or a date and time.

Why
    A value that is not written as Obsidian stores dates is not a date to
    its date field, nor to sorting, filters and bases, which compare it as
    text; and a `05/01/2024` means May 1st to one reader and January 5th
    to another.

Options
    keys (list of strings, default [])
        More properties that must hold a date or a date-time, for vaults
        with no types.json entry or schema for them.

Examples
    `created: 05/01/2024` gives `created: `05/01/2024` is ambiguous: the
    day and the month could be either way round (2024-05-01 or
    2024-01-05)`.

    `updated: 2023-03-10 09:48:22` gives `updated: `2023-03-10 09:48:22`
    has a space where Obsidian writes `T``, fixed to `2023-03-10T09:48:22`.

Fix safety
    - A value with one possible reading (`2024/1/5`, `5 January 2024`,
      `13/01/2024`, a space for the `T`) rewritten in ISO form: `unsafe`,
      as YAML text changes type (a string becomes a date) and tools that
      read the old form may rely on it.
    - An ambiguous value (`05/01/2024`), a date that is not real (the
      day-and-month-swapped reading, when there is one) or a date-time in
      a date property (its date alone), a date in a date & time property
      (at midnight): `display-only`; only the author knows what was meant,
      or whether the time matters.
"""

from __future__ import annotations

import yaml

from vaultlint.checks.dates import read_date
from vaultlint.checks.properties import date_properties, date_values
from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity

_NULL = "tag:yaml.org,2002:null"
_TEXT_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp")


def date_keys(note, ctx, extra) -> dict[str, str]:
    """Key -> "date", "date-time" or "any" for the keys that hold dates."""
    keys = {key: "any" for key in extra}
    keys.update(date_properties(note, ctx))
    return keys


class DateFormat(Rule):
    name = "date-format"
    severity = Severity.ERROR
    fixable = True
    options = {"keys": {"type": "array", "items": {"type": "string"}, "default": []}}

    def check_note(self, note, ctx):
        if note.frontmatter is None or note.frontmatter.root is None:
            return
        keys = date_keys(note, ctx, self.options["keys"])
        if not keys:
            return
        for key, node in date_values(note, keys):
            yield from self._check(note, key, keys[key], node)

    def _check(self, note, key, kind, node):
        span = note.frontmatter.node_span(node)
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return
        if not isinstance(node, yaml.ScalarNode) or node.tag not in _TEXT_TAGS:
            what = {yaml.SequenceNode: "a list", yaml.MappingNode: "a mapping"}.get(type(node), "a number")
            yield self.diagnostic(note, *span, f"{key}: {what} is not a date (write YYYY-MM-DD)")
            return
        written = node.value
        show = f"{key}: `{written}`"
        if written.startswith("[[") and written.endswith("]]"):
            yield self.diagnostic(note, *span, f"{show} is a link, not a date")
            return
        reading = read_date(written)
        if reading.problem:
            fix, suggestions = None, reading.readings
            if reading.readings:
                fix = self.fix(note, [(*span, reading.readings[0])], Applicability.DISPLAY_ONLY,
                               f"write `{reading.readings[0]}`")
            alternatives = f" ({' or '.join(reading.readings)})" if len(reading.readings) > 1 else ""
            if len(reading.readings) == 1:
                alternatives = f" (`{reading.readings[0]}` with the day and month swapped?)"
            yield self.diagnostic(note, *span, f"{show} is {reading.problem}{alternatives}",
                                  fix=fix, suggestions=suggestions)
            return
        if reading.kind == "date-time" and kind == "date":
            day = reading.value.date().isoformat()
            fix = self.fix(note, [(*span, day)], Applicability.DISPLAY_ONLY, f"write `{day}`")
            yield self.diagnostic(note, *span, f"{show} is a date and time; `{key}` is a date property", fix=fix)
        elif reading.kind == "date" and kind == "date-time":
            midnight = f"{reading.iso}T00:00:00"
            fix = self.fix(note, [(*span, midnight)], Applicability.DISPLAY_ONLY, f"write `{midnight}`")
            yield self.diagnostic(note, *span, f"{show} has no time; `{key}` is a date & time property", fix=fix)
        elif not reading.exact:
            fix = self.fix(note, [(*span, reading.iso)], Applicability.UNSAFE, f"write `{reading.iso}`")
            why = ("has a space where Obsidian writes `T`" if reading.kind == "date-time"
                   else "is not written YYYY-MM-DD")
            yield self.diagnostic(note, *span, f"{show} {why}", fix=fix)

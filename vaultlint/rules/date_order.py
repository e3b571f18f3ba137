"""date-order: front-matter dates out of order (`updated` before `created`), or in the future.

What it checks
    - Each pair of `pairs` (by default `created` before `updated`): when a
      note has both and both are dates (or dates and times), the first
      must not be later than the second. A date and a date-time are
      compared by their day.
    - With `future = true`, a date in the future (after today, in local
      time) in any property named in `pairs`: those record when something
      happened. Off by default: a vault of plans has dates ahead.

    Values that are not dates are `date-format`'s business and are skipped
    here.

Why
    A note "updated" before it was created says one of the two is wrong,
    and sorting by either misleads; a creation date in the future is a
    typo of the year, most often.

Options
    pairs (list of [earlier, later] key pairs, default [["created", "updated"]])
        Properties that must be in this order.
    future (boolean, default false)
        Report dates after today in the properties of `pairs`.

Example
    `created: 2024-03-10` and `updated: 2023-03-12` give `updated
    2023-03-12 is before created 2024-03-10`.

Fix safety
    No fix: either date may be the wrong one.
"""

from __future__ import annotations

import datetime as dt

from vaultlint.checks.dates import day_of, read_date
from vaultlint.checks.properties import date_values
from vaultlint.rule import Rule, Severity


def _comparable(a: dt.date, b: dt.date) -> tuple[dt.date, dt.date]:
    """Both datetimes (naive) or both days."""
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return a, b
    return day_of(a), day_of(b)


class DateOrder(Rule):
    name = "date-order"
    severity = Severity.WARNING
    options = {
        "pairs": {
            "type": "array",
            "items": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 2},
            "default": [["created", "updated"]],
        },
        "future": {"type": "boolean", "default": False},
    }

    def check_note(self, note, ctx):
        fm = note.frontmatter
        if fm is None or fm.root is None:
            return
        keys = {key for pair in self.options["pairs"] for key in pair}
        dates = {}  # key -> (value, as written, span)
        for key, node in date_values(note, keys):
            if getattr(node, "value", None) is None or not isinstance(node.value, str):
                continue
            reading = read_date(node.value)
            if reading.value is not None:
                dates[key] = (reading.value, node.value, fm.node_span(node))
        for first, second in self.options["pairs"]:
            if first in dates and second in dates:
                early, late = _comparable(dates[first][0], dates[second][0])
                if early > late:
                    yield self.diagnostic(
                        note, *dates[second][2],
                        f"{second} {dates[second][1]} is before {first} {dates[first][1]}",
                    )
        if self.options["future"]:
            today = dt.date.today()
            for key, (value, written, span) in dates.items():
                if day_of(value) > today:
                    yield self.diagnostic(note, *span, f"{key} {written} is in the future")

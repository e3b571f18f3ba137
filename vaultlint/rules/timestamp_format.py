"""timestamp-format: a video timestamp that is not a valid time, or whose label disagrees with it.

What it checks
    Each stamp matched by the `timestamp-pattern` of the config (by default
    the seed vault's `<a class="yt-timestamp" data-t="01:49:50">[01:49:50]</a>`):

    - its `time` (the `data-t`) must be a time: `SS`, `M:SS`, `MM:SS`,
      `H:MM:SS` or `HH:MM:SS`, with minutes and seconds below 60;
    - its `label` (the text shown), when the pattern has one, must be a
      valid time too, and the same moment as `time`.

Why
    The stamp's `data-t` is what the player seeks to; the label is what the
    reader sees. A malformed one seeks nowhere, a disagreeing pair shows one
    moment and plays another.

Options
    None (the pattern is the config's `timestamp-pattern`).

Examples
    `<a class="yt-timestamp" data-t="01:75:10">[01:75:10]</a>` gives
    `timestamp-format time `01:75:10` is not a valid time (minutes must be below 60)`.

    `<a class="yt-timestamp" data-t="01:49:50">[01:48:50]</a>` gives
    `timestamp-format label `01:48:50` differs from data-t `01:49:50``.

Fix safety
    Making the label agree with `data-t` is `unsafe`: either side may be
    the one that is wrong.
"""

from __future__ import annotations

import re

from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity

_TIME = re.compile(r"(?:(\d{1,3}):)??(?:(\d{1,2}):)?(\d{1,2})")


def parse_time(text: str) -> tuple[int | None, str]:
    """Seconds for a stamp's time, or (None, why it is not one)."""
    m = _TIME.fullmatch(text.strip())
    if m is None:
        return None, "not a time in the form HH:MM:SS"
    hours, minutes, seconds = (int(g) if g is not None else None for g in m.groups())
    if minutes is None and hours is None:
        return seconds, ""  # plain seconds
    if seconds >= 60:
        return None, "seconds must be below 60"
    if hours is not None and minutes >= 60:
        return None, "minutes must be below 60"
    return (hours or 0) * 3600 + minutes * 60 + seconds, ""


class TimestampFormat(Rule):
    name = "timestamp-format"
    severity = Severity.ERROR
    fixable = True

    def check_note(self, note, ctx):
        for stamp in note.body.stamps:
            time = stamp.group("time")
            if time is None:
                continue
            seconds, why = parse_time(time)
            span = stamp.group_span("time") or (stamp.start, stamp.end)
            if seconds is None:
                yield self.diagnostic(note, *span, f"time `{time}` is not a valid time ({why})")
                continue
            label = stamp.group("label")
            label_span = stamp.group_span("label")
            if label is None or label_span is None:
                continue
            label_seconds, why = parse_time(label)
            if label_seconds == seconds:
                continue
            problem = f"is not a valid time ({why})" if label_seconds is None else f"differs from data-t `{time}`"
            fix = self.fix(note, [(*label_span, time)], Applicability.UNSAFE, f"set the label to `{time}`")
            yield self.diagnostic(note, *label_span, f"label `{label}` {problem}", fix=fix)

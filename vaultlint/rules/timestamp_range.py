"""timestamp-range: a video timestamp past the end of the video.

What it checks
    Each stamp (the config's `timestamp-pattern`) whose time is past the
    end of the video: the note's `duration` front-matter property when it
    has one (`duration: 1:02:03`, `duration: 3723` in seconds, or the
    ISO 8601 form YouTube's API gives, `duration: PT1H2M3S`), else
    `max-length` (12 hours by default: YouTube keeps no longer video).
    A `duration` that is not a length of time is reported too. A stamp
    whose label shows another moment is left to `timestamp-format`, which
    says which side is wrong.

    A stamp past the end written `HH:MM:SS` is most likely minutes and
    seconds with a field too many, `MM:SS:00` (`13:36:00` for 13:36) or
    `MM:SS:xx` (`12:26:17` for 12:26, when no video is that long), slips
    of the note generator seen in the tubegraph vault; the message says so
    and suggests the time that reading gives.

Why
    A stamp past the end plays nothing (or the last frame): the moment it
    cites is lost.

Options
    duration-key (string, default "duration")
        The front-matter property that gives the video's length.
    max-length (string, default "12:00:00")
        The limit when a note gives no duration; "" for none.

Example
    `<a class="yt-timestamp" data-t="13:36:00">[13:36:00]</a>` in a note
    with no duration gives `stamp `13:36:00` is past 12:00:00, longer than
    any YouTube video (written MM:SS:00 for 13:36?)`.

Fix safety
    Display-only: the `MM:SS:xx` reading is a guess for one stamp, and a
    note that has such stamps usually has more of them under the limit that
    no rule can single out; the author (or a script that knows the
    generator) should rewrite the note's stamps as a whole.
"""

from __future__ import annotations

import re

from vaultlint.diagnostics import Applicability
from vaultlint.markdown.stamps import format_time, parse_time, show
from vaultlint.rule import Rule, Severity

YOUTUBE_MAX = 12 * 3600  # YouTube keeps no longer video
_ISO_DURATION = re.compile(r"P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", re.I)


def parse_duration(value) -> float | None:
    """A video's length in seconds from a front-matter value, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value >= 0 else None
    if not isinstance(value, str):
        return None
    m = _ISO_DURATION.fullmatch(value.strip())
    if m is not None and value.strip().upper() not in ("P", "PT"):
        d, h, mi, s = (float(g) if g else 0.0 for g in m.groups())
        return ((d * 24 + h) * 60 + mi) * 60 + s
    time, _why = parse_time(value)
    return None if time is None else float(time.seconds)


def _label_differs(stamp, time) -> bool:
    """The label shows another moment: timestamp-format reports the stamp,
    saying which side is wrong."""
    label = stamp.label
    shown = parse_time(label)[0] if label is not None else None
    return shown is not None and shown.seconds != time.seconds


class TimestampRange(Rule):
    name = "timestamp-range"
    severity = Severity.ERROR
    fixable = True
    options = {
        "duration-key": {"type": "string", "default": "duration"},
        "max-length": {"type": "string", "default": "12:00:00"},
    }

    def check_note(self, note, ctx):
        key = self.options["duration-key"]
        value = note.data.get(key)
        length, by_duration = None, False
        if value is not None:
            length = parse_duration(value)
            if length is None:
                yield self._bad_duration(note, key, value)
            by_duration = length is not None
        if length is None and self.options["max-length"]:
            limit, _why = parse_time(self.options["max-length"])
            if limit is not None:
                length = float(limit.seconds)
        texts = note.body.padded_times
        if length is None or texts == [] or texts is not None and parse_time(max(texts))[0].seconds <= length:
            return  # no stamps, or the latest of the padded times is within the video
        # The limit in words, only now: most notes have no stamp past it.
        what = (f"the end of the video ({key}: {show(length)})" if by_duration
                else f"{show(length)}, longer than any YouTube video")
        for stamp in note.body.stamps:
            text = stamp.time
            time, _why = parse_time(text) if text is not None else (None, "")
            if time is None or time.seconds <= length or _label_differs(stamp, time):
                continue
            yield self._past_end(note, stamp, text, time, length, what)

    def _past_end(self, note, stamp, text, time, length, what):
        message = f"stamp `{text}` is past {what}"
        fix = None
        minutes = time.seconds // 60  # the MM:SS:xx reading, in seconds
        # Read so only when the first field cannot be hours (past any video),
        # or the seconds are a suspicious `00`.
        plausible = time.seconds % 60 == 0 or time.seconds > YOUTUBE_MAX
        if time.form.count(":") == 2 and minutes <= length and plausible:
            new = format_time(minutes, time.form)
            message += f" (written MM:SS:{int(time.seconds % 60):02d} for {show(minutes)}?)"
            edits = [(*stamp.time_span, new)]
            label, label_span = stamp.label, stamp.label_span
            if label is not None and label_span is not None:
                shown, _why = parse_time(label)
                if shown is not None and shown.seconds == time.seconds:
                    edits.append((*label_span, format_time(minutes, shown.form)))
            fix = self.fix(note, edits, Applicability.DISPLAY_ONLY, f"write `{new}`")
        return self.diagnostic(note, stamp.start, stamp.end, message, fix=fix)

    def _bad_duration(self, note, key, value):
        fm = note.frontmatter
        _key_node, node = fm.locate((key,))
        start, end = fm.node_span(node) if node is not None else (fm.start, fm.end)
        return self.diagnostic(
            note, start, end,
            f"`{key}: {value}` is not a length of time (write `1:02:03`, seconds, or `PT1H2M3S`)",
        )

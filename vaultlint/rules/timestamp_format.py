"""timestamp-format: a video timestamp that is not a valid time, disagrees with its label, or breaks the note's form.

What it checks
    Each stamp matched by the config's `timestamp-pattern` (by default the
    seed vault's `<a class="yt-timestamp" data-t="01:49:50">[01:49:50]</a>`;
    see `vaultlint.stamps` for the presets):

    - its `time` (the `data-t`, what the player seeks to) must be a time:
      `HH:MM:SS`, `H:MM:SS`, `MM:SS`, `M:SS`, seconds (`754`) or `1h2m3s`,
      with minutes and seconds below 60;
    - its `label` (the text shown), when the pattern has one and it is
      written as a time, must be a valid time too, and the same moment;
    - with `consistent-form`, each side is written in one form across the
      note (`HH:MM:SS` everywhere, not `09:18` among `00:09:18`), with its
      inner fields zero-padded (`00:05:52`, not `00:5:52`).

    When the label and `data-t` differ, the message says which side is
    wrong when the text shows it: a `data-t` of `13:36:00` under a label
    `0:13:36` is the label's minutes and seconds written as `MM:SS:00`
    (it plays 13 hours in); the other way round the label is the shifted
    one. Otherwise only the author (or the video) knows.

Why
    The stamp's `data-t` is what the player seeks to; the label is what the
    reader sees. A malformed one seeks nowhere, a disagreeing pair shows one
    moment and plays another, and mixed forms make a note hard to scan.

Options
    consistent-form (boolean, default true)
        Report stamps whose time or label is written in another form than
        most of the note's, or not zero-padded.

Examples
    `<a class="yt-timestamp" data-t="01:75:10">[01:75:10]</a>` gives
    `time `01:75:10` is not a valid time (minutes must be below 60)`.

    `<a class="yt-timestamp" data-t="13:36:00">[0:13:36]</a>` gives
    `data-t `13:36:00` is the label `0:13:36` written as MM:SS:00: it plays
    at 13:36:00, the label says 13:36`, fixed (unsafe) to `data-t="00:13:36"`.

    `<a class="yt-timestamp" data-t="00:05:56">[00:06:01]</a>` gives
    `label `00:06:01` (6:01) differs from data-t `00:05:56` (5:56)`, with a
    display-only fix.

Fix safety
    - Padding and form (`00:5:52` to `00:05:52`, `09:18` to `00:09:18`)
      are `safe`: the moment does not change.
    - A shifted side (`MM:SS:00`) set to the other side's moment is
      `unsafe`: the shift is near certain, but a person should look.
    - An invalid label set to its `data-t` is `unsafe`.
    - Any other disagreement is `display-only` (setting the label to
      `data-t`): nothing in the note tells which side is right, and
      rewriting the label would hide the one sign that something is off.
"""

from __future__ import annotations

from collections import Counter

from vaultlint.diagnostics import Applicability
from vaultlint.markdown.stamps import Time, format_time, looks_like_time, parse_time, show
from vaultlint.rule import Rule, Severity


def _kind(form: str) -> str:
    return {2: "HH:MM:SS", 1: "MM:SS"}.get(form.count(":"), form)


def _lead(time: Time) -> int:
    """The value of the first field: hours in `HH:MM:SS`, minutes in `MM:SS`."""
    return int(time.seconds // (3600 if time.form.count(":") == 2 else 60))


def usual_form(times: list[Time]) -> str | None:
    """The form most of the times are written in. Whether the first field is
    padded only shows below 10 (`10:02` fits both `MM:SS` and `M:SS`)."""
    forms = Counter(t.form for t in times)
    if not forms:
        return None
    kinds: Counter[str] = Counter()
    for form, n in forms.items():
        kinds[_kind(form)] += n
    kind = kinds.most_common(1)[0][0]
    unpadded = forms.get(kind[1:], 0)  # an unpadded first field is always below 10
    if ":" not in kind or not unpadded:
        return kind
    padded = sum(1 for t in times if t.form == kind and _lead(t) < 10)
    return kind if padded >= unpadded else kind[1:]


def fits(time: Time, usual: str) -> bool:
    if time.form == usual or time.form in ("S", "hms") or usual in ("S", "hms"):
        return True
    if _kind(time.form) == _kind(usual):
        return _lead(time) >= 10
    # An hour or more cannot be written MM:SS.
    return usual.count(":") == 1 and time.seconds >= 3600


class TimestampFormat(Rule):
    name = "timestamp-format"
    severity = Severity.ERROR
    fixable = True
    options = {"consistent-form": {"type": "boolean", "default": True}}

    def check_note(self, note, ctx):
        if note.body.padded_times is not None:
            return  # none, or valid, labelled with themselves, all HH:MM:SS and padded
        stamps = note.body.stamps
        # (stamp, time, label) of each stamp whose time and label agree: the
        # note's usual forms are theirs (a shifted stamp's label is no model).
        parsed = []
        for stamp in stamps:
            text = stamp.time
            if text is None:
                continue
            time, why = parse_time(text)
            if time is None:
                span = stamp.time_span or (stamp.start, stamp.end)
                yield self.diagnostic(note, *span, f"time `{text}` is not a valid time ({why})")
                continue
            label_text = stamp.label
            label = None
            if label_text == text and looks_like_time(text):  # most stamps: the label is the time
                label = time
            elif label_text is not None and looks_like_time(label_text):
                label, why = parse_time(label_text)
                if label is None:
                    yield self._invalid_label(note, stamp, label_text, why, time)
                    continue
                if label.seconds != time.seconds:
                    yield self._disagreement(note, stamp, time, label)
                    continue
            parsed.append((stamp, time, label))
        if self.options["consistent-form"]:
            yield from self._forms(note, parsed, "time", 1)
            yield from self._forms(note, parsed, "label", 2)

    def _invalid_label(self, note, stamp, label_text, why, time):
        span = stamp.label_span
        new = stamp.time
        fix = self.fix(note, [(*span, new)], Applicability.UNSAFE, f"set the label to `{new}`")
        return self.diagnostic(note, *span, f"label `{label_text}` is not a valid time ({why})", fix=fix)

    def _disagreement(self, note, stamp, time, label):
        time_text, label_text = stamp.time, stamp.label
        time_span, label_span = stamp.time_span, stamp.label_span
        if _shifted(time, label):
            new = format_time(label.seconds, time.form)
            fix = self.fix(note, [(*time_span, new)], Applicability.UNSAFE, f"set the time to `{new}`")
            message = (f"time `{time_text}` is the label `{label_text}` written as MM:SS:00: "
                       f"it plays at {show(time.seconds)}, the label says {show(label.seconds)}")
            return self.diagnostic(note, *time_span, message, fix=fix)
        if _shifted(label, time):
            new = format_time(time.seconds, label.form)
            fix = self.fix(note, [(*label_span, new)], Applicability.UNSAFE, f"set the label to `{new}`")
            message = (f"label `{label_text}` is the time `{time_text}` written as MM:SS:00: "
                       f"it says {show(label.seconds)}, the stamp plays at {show(time.seconds)}")
            return self.diagnostic(note, *label_span, message, fix=fix)
        new = format_time(time.seconds, label.form)
        fix = self.fix(note, [(*label_span, new)], Applicability.DISPLAY_ONLY,
                       f"set the label to `{new}` (or the time to the label, if the label is right)")
        message = (f"label `{label_text}` ({show(label.seconds)}) differs from the time `{time_text}` "
                   f"({show(time.seconds)})")
        return self.diagnostic(note, *label_span, message, fix=fix)

    def _forms(self, note, parsed, side, index):
        times = [entry[index] for entry in parsed if entry[index] is not None]
        if len({t.form for t in times}) < 2 and not any(t.unpadded for t in times):
            return  # one form, padded: nothing to report (most notes)
        usual = usual_form(times)
        for entry in parsed:
            time, stamp = entry[index], entry[0]
            if time is None or time.form == usual and not time.unpadded:
                continue
            text, span = stamp.group(side), stamp.group_span(side)
            if not fits(time, usual):
                new = format_time(time.seconds, usual)
                fix = self.fix(note, [(*span, new)], Applicability.SAFE, f"write `{new}`")
                yield self.diagnostic(
                    note, *span, f"{side} `{text}` is written {time.form}, the note's other stamps {usual}", fix=fix,
                )
            elif time.unpadded:
                new = format_time(time.seconds, time.form)
                fix = self.fix(note, [(*span, new)], Applicability.SAFE, f"write `{new}`")
                yield self.diagnostic(note, *span, f"{side} `{text}` is not zero-padded", fix=fix)


def _shifted(wrong: Time, right: Time) -> bool:
    """`wrong` is `right`'s minutes and seconds written as `HH:MM:00`."""
    return wrong.form.count(":") == 2 and wrong.seconds == right.seconds * 60 and wrong.seconds % 60 == 0

"""Video timestamps: the stamp syntaxes a vault can use, and times as text.

A stamp is found in a note's body by a regular expression with the named
groups `time` (the moment the link plays) and, optionally, `label` (the
moment the reader sees). `timestamp-pattern` in `.vaultlint.toml` is either
the name of one of the PRESETS below or such a regular expression.

A time is written `HH:MM:SS`, `H:MM:SS`, `MM:SS`, `M:SS`, plain seconds
(`754`, `754s`, `90.5`) or `1h2m3s`. Its *form* is how it is written
(`HH:MM:SS`, `H:MM:SS`, `MM:SS`, `M:SS`, `S`, `hms`), so that a time can be
written again in the form of its neighbours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# The seed vault's stamp: <a class="yt-timestamp" data-t="01:49:50">[01:49:50]</a>
YT_TIMESTAMP = (
    r'<a class="yt-timestamp" data-t="(?P<time>[^"<>\n]{0,20})">'
    r"\[(?P<label>[^\]\n]{0,20})\]</a>"
)

# name -> (regex, an example of what it matches)
PRESETS: dict[str, tuple[str, str]] = {
    "yt-timestamp": (YT_TIMESTAMP, '<a class="yt-timestamp" data-t="01:49:50">[01:49:50]</a>'),
    # A Markdown link to a moment: [12:34](#t=754), [12:34](https://youtu.be/ID?t=754s)
    "markdown-t": (
        r"\[(?P<label>[^\[\]\n]{0,40})\]\([^()\s]{0,300}?[#?&]t=(?P<time>[0-9hms:.]{1,12})\)",
        "[12:34](#t=754)",
    ),
    # An Obsidian media fragment: [[video.mp4#t=754]], ![[talk.webm#t=1:02:03,1:05:00|1:02:03]]
    "wiki-t": (
        r"\[\[[^\[\]#|\n]{1,300}#t=(?P<time>[0-9hms:.]{1,12})(?:,[0-9hms:.]{0,12})?"
        r"(?:\|(?P<label>[^\[\]\n]{0,40}))?\]\]",
        "[[video.mp4#t=754]]",
    ),
    # A bare time in brackets, as transcripts write it: [01:02:03]
    "bracket": (r"(?<![\[\w])\[(?P<time>\d{1,3}(?::\d{1,2}){1,2})\](?![\[(])", "[01:02:03]"),
}
DEFAULT_PRESET = "yt-timestamp"


def stamp_pattern_source(setting: str) -> str:
    """The regular expression a `timestamp-pattern` setting stands for."""
    preset = PRESETS.get(setting)
    return preset[0] if preset is not None else setting


# --------------------------------------------------------------------------
# Times

_COLON = re.compile(r"(\d{1,3})(?::(\d{1,3}))?(?::(\d{1,3}))?")
_SECONDS = re.compile(r"(\d{1,6}(?:\.\d{1,3})?)s?")
_HMS = re.compile(r"(?=\d)(?:(\d{1,3})h)?(?:(\d{1,3})m)?(?:(\d{1,3}(?:\.\d{1,3})?)s)?")
# Text that is meant as a time (a label such as "the intro" is not).
_TIMELIKE = re.compile(r"\s*\d[\d:.hms]*\s*")
# Valid times written `HH:MM:SS`, zero-padded, one a line.
_PADDED_LINES = re.compile(r"(?:[0-9]{2}:[0-5][0-9]:[0-5][0-9]\n)*")


@dataclass(frozen=True, slots=True)
class Time:
    seconds: float
    form: str  # "HH:MM:SS", "H:MM:SS", "MM:SS", "M:SS", "S" or "hms"
    unpadded: bool = False  # an inner field of one digit: `1:2:03`


def padded(times: list, labels: list | None) -> list[str] | None:
    """`times` when each is a valid time written `HH:MM:SS`, zero-padded,
    and its label (when `labels` are given: the pattern has a label group)
    is the same text; else None. Such stamps (most notes' every stamp)
    compare as text in the order of their times, and no stamp rule has
    anything to say of their form: the rules pass them at C speed, without
    a call a stamp. A note without stamps has [] of them."""
    if not times:
        return []
    if labels is not None and labels != times:
        return None
    lines = "\n".join(times) + "\n"
    # As many lines as times: a time of a pattern of one's own may hold a newline.
    return times if len(lines) == 9 * len(times) and _PADDED_LINES.fullmatch(lines) else None


@lru_cache(maxsize=1 << 12)
def looks_like_time(text: str) -> bool:
    return _TIMELIKE.fullmatch(text) is not None


@lru_cache(maxsize=1 << 16)  # a vault repeats its times; Time is immutable
def parse_time(text: str) -> tuple[Time | None, str]:
    """The time a stamp's text stands for, or (None, why it is not one)."""
    text = text.strip()
    m = _COLON.fullmatch(text)
    if m is not None and ":" in text:
        fields = [f for f in m.groups() if f is not None]
        values = [int(f) for f in fields]
        if any(len(f) > 2 for f in fields[1:]):
            return None, "not a time in the form HH:MM:SS"
        if values[-1] >= 60:
            return None, "seconds must be below 60"
        if len(values) == 3 and values[1] >= 60:
            return None, "minutes must be below 60"
        total = 0
        for v in values:
            total = total * 60 + v
        unit = "HH" if len(values) == 3 else "MM"
        form = (unit if len(fields[0]) >= 2 else unit[0]) + (":MM:SS" if len(values) == 3 else ":SS")
        unpadded = any(len(f) != 2 for f in fields[1:])
        return Time(total, form, unpadded), ""
    m = _SECONDS.fullmatch(text)
    if m is not None:
        value = float(m.group(1))
        return Time(int(value) if value.is_integer() else value, "S"), ""
    m = _HMS.fullmatch(text)
    if m is not None and text:
        h, mi, s = (float(g) if g else 0 for g in m.groups())
        total = h * 3600 + mi * 60 + s
        return Time(int(total) if float(total).is_integer() else total, "hms"), ""
    return None, "not a time in the form HH:MM:SS"


def format_time(seconds: float, form: str = "HH:MM:SS") -> str:
    """`seconds` written in `form` (a form with no room for the hours grows one)."""
    whole = int(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    if form == "S":
        return str(seconds)
    if form == "hms":
        return "".join(f"{v}{u}" for v, u in ((h, "h"), (m, "m"), (s, "s")) if v) or "0s"
    padded = form[:2] in ("HH", "MM")
    if form.startswith(("HH", "H:")) or h:
        return f"{h:02d}:{m:02d}:{s:02d}" if padded else f"{h}:{m:02d}:{s:02d}"
    return f"{m:02d}:{s:02d}" if padded else f"{m}:{s:02d}"


def show(seconds: float) -> str:
    """A time for a message: `1:02:03`, `12:34`."""
    return format_time(seconds, "H:MM:SS" if seconds >= 3600 else "M:SS")

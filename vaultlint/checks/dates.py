"""Dates as written in front-matter: what a value says, and its ISO form.

Obsidian stores a date property as `2020-08-21` and a date & time property
as `2020-08-21T10:30:00` (see its help, "Properties"). `read_date` reads
what people actually write and says how far it is from that:

    read_date("2024-01-05")           # ISO date, fine
    read_date("2023-03-10 09:48:22")  # a date-time, but with a space for the `T`
    read_date("2024/1/5")             # unambiguous: 2024-01-05
    read_date("05/01/2024")           # ambiguous: 2024-05-01 or 2024-01-05
    read_date("2024-13-01")           # not a real date
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:([T ])(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?"
)
_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})")
_MONTHS = {m.lower(): i for i, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
_NAMED = re.compile(
    r"(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)? (?P<m1>[A-Za-z]{3,9})\.?,? (?P<y1>\d{4})"
    r"|(?P<m2>[A-Za-z]{3,9})\.? (?P<d2>\d{1,2})(?:st|nd|rd|th)?,? (?P<y2>\d{4}))"
)


@dataclass(frozen=True)
class Reading:
    """What a written date says.

    `value` is the date (or datetime) when the text reads as exactly one;
    `iso` its ISO text; `kind` "date" or "date-time"; `exact` when the text
    is already that ISO text (a space for the `T` is not exact); `readings`
    the ISO texts it may mean when it is ambiguous; `problem` why it is not
    a date (empty when it is one).
    """

    value: dt.date | None = None
    iso: str = ""
    kind: str = ""
    exact: bool = False
    readings: tuple[str, ...] = ()
    problem: str = ""


def _real(year: int, month: int, day: int) -> tuple[dt.date | None, str]:
    try:
        return dt.date(year, month, day), ""
    except ValueError:
        if not 1 <= month <= 12:
            return None, f"there is no month {month}"
        return None, f"{dt.date(year, month, 1):%B %Y} has no day {day}"


def read_date(text: str) -> Reading:
    text = text.strip()
    m = _ISO.fullmatch(text)
    if m is not None:
        return _read_iso(text, m)
    m = _YMD.fullmatch(text)
    if m is not None:
        return _one(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    m = _DMY.fullmatch(text)
    if m is not None:
        a, sep, b, year = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
        if sep == "." or a > 12 or a == b:  # dots are day-first wherever they are used
            return _one(year, b, a)
        if b > 12:
            return _one(year, a, b)
        options = tuple(d.isoformat() for d in (_real(year, a, b)[0], _real(year, b, a)[0]) if d)
        return Reading(readings=options, problem="ambiguous: the day and the month could be either way round")
    m = _NAMED.fullmatch(text)
    if m is not None:
        name = (m.group("m1") or m.group("m2")).lower()
        month = next((n for full, n in _MONTHS.items() if full.startswith(name) and len(name) >= 3), None)
        if month is not None:
            day = int(m.group("d1") or m.group("d2"))
            return _one(int(m.group("y1") or m.group("y2")), month, day)
    return Reading(problem="not a date in the form YYYY-MM-DD")


def _one(year: int, month: int, day: int) -> Reading:
    value, why = _real(year, month, day)
    if value is None:
        return Reading(problem=f"not a real date: {why}")
    return Reading(value, value.isoformat(), "date")


def _read_iso(text: str, m: re.Match) -> Reading:
    year, month, day = (int(g) for g in m.group(1, 2, 3))
    date, why = _real(year, month, day)
    if date is None:
        swapped, _ = _real(year, day, month)
        readings = (swapped.isoformat(),) if swapped else ()
        return Reading(readings=readings, problem=f"not a real date: {why}")
    if m.group(4) is None:
        return Reading(date, text, "date", exact=True)
    hour, minute, second = int(m.group(5)), int(m.group(6)), int(m.group(7) or 0)
    if hour > 23 or minute > 59 or second > 59:
        return Reading(problem="not a real time of day")
    value = dt.datetime(year, month, day, hour, minute, second)
    iso = "T".join((text[:10], text[11:]))
    return Reading(value, iso, "date-time", exact=m.group(4) == "T")


def day_of(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value

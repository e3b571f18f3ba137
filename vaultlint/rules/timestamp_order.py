"""timestamp-order: a video timestamp earlier than the one before it in the same paragraph, section or note.

What it checks
    The stamps of a note (the config's `timestamp-pattern`), taken in the
    order they are written, within a scope: a stamp that plays earlier than
    the stamp just before it in the same scope is reported.

    - `paragraph`: text between blank lines; each list item is one
      paragraph, and a heading ends one;
    - `section`: the text under one heading, down to the next heading;
    - `note`: the whole note.

    A step back of no more than `tolerance` seconds is not reported: notes
    that cite two points a few seconds apart often cite them out of order,
    and the reader lands in the right place either way.

    Stamps whose time is not valid are left to `timestamp-format`.

    In a table, the stamps of one cell are a sequence of their own: the
    cells of a row are parallel columns (a start and an end, the same
    points in two videos), and rows are often topics rather than a
    sequence (the one table of the tubegraph sample compares features of
    two machines, each row citing where the talk covers it: its columns go
    back and forth). The `tables` option can make each column a sequence.

Why
    Notes that follow a talk cite it in order; a stamp that jumps back is
    often a typo (`01:45:10` for `01:54:10`) or a time from another video.
    In a note that returns to a point made earlier it is not, which is why
    the default scope is the paragraph. On the 739 notes of the tubegraph
    sample, with no tolerance, the note scope flags 1272 stamps, the section
    scope 732 and the paragraph scope 345; read by hand, 1, 3 and 4 of 20
    drawn from each were wrong stamps, the rest a new section or list item
    starting again from an earlier point of the talk, or two nearby points
    cited out of order. With the default tolerance of a minute the
    paragraph scope flags 171 (section 385, note 796), and 9 of 20 drawn
    from them were wrong stamps (shifted `MM:SS:00` times, an intro's
    `00:00:02` cited for a later point); none of the steps back of a
    minute or less that were read misled the reader.

Options
    scope ("paragraph", "section" or "note"; default "paragraph")
        Where stamps must keep to the order of the video.
    tolerance (number of seconds, default 60)
        How far back a stamp may go before it is reported.
    tables ("cell" or "column"; default "cell")
        What a stamp in a table follows: the stamp before it in its cell,
        or the stamp above it in its column (for a table whose rows follow
        the video, such as a list of chapters).

Example
    `... risk <a class="yt-timestamp" data-t="01:49:50">[01:49:50]</a> and
    delays <a class="yt-timestamp" data-t="01:49:06">[01:49:06]</a>.` in one
    paragraph gives `stamp `01:49:06` plays before the stamp before it
    (`01:49:50`, line 3)`.

Fix safety
    No fix: only the author knows which stamp is wrong, or whether the text
    meant to go back.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from vaultlint.markdown.stamps import parse_time
from vaultlint.rule import Rule, Severity

# Where a paragraph starts: after a blank line, at a list item, at a heading.
# The patterns searched begin with a literal newline, which re finds fast (one
# pattern of `^` alternatives is tried at every character: eight times slower).
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_ITEM_OR_HEADING = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]| {0,3}#{1,6}[ \t]")
_NEXT_ITEM_OR_HEADING = re.compile(rf"\n(?:{_ITEM_OR_HEADING.pattern})")


def paragraph_starts(text: str, start: int) -> list[int]:
    """Sorted offsets from `start` on where a paragraph begins: the line
    after a blank line, a list item's line, a heading's line."""
    found = [m.end() for m in _BLANK_LINE.finditer(text, start)]
    if (start == 0 or text[start - 1] == "\n") and _ITEM_OR_HEADING.match(text, start):
        found.append(start)
    found += [m.start() + 1 for m in _NEXT_ITEM_OR_HEADING.finditer(text, start)]
    found.sort()
    return found


# A table's delimiter row (`| --- | :-: |`, `--- | ---`): at least one pipe.
_DELIMITER_ROW = re.compile(
    r"^ {0,3}(?:\|[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?|:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?)[ \t]*\r?$",
    re.M,
)
_CELL_PIPE = re.compile(r"(?<!\\)\|")


def table_columns(prose: str, start: int) -> tuple[list[tuple[int, int]], Callable[[int], int]]:
    """The tables of a note's prose from `start` on, as (start, end) spans
    (the header row to the last row), and a function giving the column of
    an offset inside one: the unescaped pipes before it on its line,
    outside code (`prose` has it blanked out)."""
    tables = []
    for m in _DELIMITER_ROW.finditer(prose, start):
        header_end = m.start() - 1
        if header_end <= start or "|" not in prose[prose.rfind("\n", start, header_end) + 1 : header_end]:
            continue  # no header row above it
        if tables and tables[-1][1] >= header_end:
            continue
        begin = max(start, prose.rfind("\n", start, header_end) + 1)
        end = m.end()
        while end < len(prose):  # the rows: lines with a pipe, to a blank line
            nl = prose.find("\n", end + 1)
            line_end = len(prose) if nl == -1 else nl
            if "|" not in prose[end + 1 : line_end] or not prose[end + 1 : line_end].strip():
                break
            end = line_end
        tables.append((begin, end))

    def column(offset: int) -> int:
        line_start = prose.rfind("\n", 0, offset) + 1
        before = prose[line_start:offset]
        return len(_CELL_PIPE.findall(before)) - before.lstrip().startswith("|")

    return tables, column


def scope_starts(note, scope: str) -> list[int]:
    """Sorted offsets where a new scope begins (a stamp's scope is the last
    one at or before it)."""
    if scope == "note":
        return [0]
    if scope == "section":
        return [0] + [h.start for h in note.body.headings]
    return [0] + paragraph_starts(note.text, note.body_start)


class TimestampOrder(Rule):
    name = "timestamp-order"
    severity = Severity.WARNING
    options = {
        "scope": {"enum": ["paragraph", "section", "note"], "default": "paragraph"},
        "tolerance": {"type": "number", "minimum": 0, "default": 60},
        "tables": {"enum": ["cell", "column"], "default": "cell"},
    }

    def check_note(self, note, ctx):
        tolerance = self.options["tolerance"]
        texts = note.body.padded_times
        if texts is not None and texts == sorted(texts):
            return  # padded times in order as text are in order as times (most notes)
        # A table's columns are sequences of their own (`_DELIMITER_ROW`
        # finds the notes that have one).
        tabled = _DELIMITER_ROW.search(note.text, note.body_start) is not None
        if texts is not None and not tabled:
            seconds = [parse_time(text)[0].seconds for text in texts]
            if not any(seconds[i] < seconds[i - 1] - tolerance for i in range(1, len(seconds))):
                return  # no step back beyond the tolerance: no need to make the stamps
        stamps = note.body.stamps
        if len(stamps) < 2:
            return
        timed = []  # (stamp, seconds) of the stamps with a valid time
        for stamp in stamps:
            text = stamp.time
            time = parse_time(text)[0] if text is not None else None
            if time is not None:
                timed.append((stamp, time.seconds))
        # (stamp before, stamp) of each step back: in a table, the stamp
        # before in the same cell (or above in the same column); elsewhere,
        # the stamp before.
        previous = list(range(-1, len(timed) - 1))
        if tabled:
            tables, column = table_columns(note.prose, note.body_start)
            by_cell = self.options["tables"] == "cell"
            last: dict[tuple[int, int, int], int] = {}
            for i, (stamp, _seconds) in enumerate(timed):
                t = bisect.bisect_right(tables, (stamp.start, len(note.text))) - 1
                if t >= 0 and stamp.start <= tables[t][1]:
                    row = note.text.rfind("\n", 0, stamp.start) if by_cell else 0
                    lane = (t, row, column(stamp.start))
                    previous[i] = last.get(lane, -1)
                    last[lane] = i
        backs = [(j, i) for i, j in enumerate(previous) if j >= 0 and timed[i][1] < timed[j][1] - tolerance]
        if not backs:
            return  # most notes: no need to find their paragraphs
        starts = scope_starts(note, self.options["scope"])
        for j, i in backs:
            before, stamp = timed[j][0], timed[i][0]
            if bisect.bisect_right(starts, before.start) != bisect.bisect_right(starts, stamp.start):
                continue
            line, before_line = note.position(stamp.start)[0], note.position(before.start)[0]
            where = "" if before_line == line else f", line {before_line}"
            yield self.diagnostic(
                note, stamp.start, stamp.end,
                f"stamp `{stamp.group('time')}` plays before the stamp before it (`{before.group('time')}`{where})",
            )

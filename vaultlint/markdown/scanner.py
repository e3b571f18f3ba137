"""Find what a note's body holds, each with its exact span.

The scanner works on the decoded text of a whole note. It first *masks* what
is not prose (code blocks, inline code, math, `%%comments%%`, HTML comments):
masked characters become spaces, newlines stay, so every offset in the masked
text is the same offset in the original. Every later pattern then runs once
over the masked text, which keeps the scan linear and the spans exact.

All patterns avoid nested quantifiers so that adversarial lines (long runs of
`[`, `|`, `#`, backticks) are scanned in linear time.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import NamedTuple
from urllib.parse import unquote

from .stamps import YT_TIMESTAMP, padded

# --------------------------------------------------------------------------
# Records: named tuples, immutable like frozen dataclasses and made four
# times faster (a 100,000-note vault holds millions of them).


class Link(NamedTuple):
    """A link as written. `target` is the path part ('' for the same note),
    decoded (`my%20note.md` is `my note.md`, `<a b.md>` is `a b.md`).

    Spans are character offsets into the note's text, start included, end
    excluded: `start`-`end` is the whole link from its `[` (its `!` for an
    embed) to past its `]]` or `)`, `![[pic.png|100]]` whole;
    `target_start`-`target_end` is the target as the file writes it
    (`my%20note.md`, without `<>`), which a fix replaces; for `[[#Local]]`
    it is empty, just after `[[`. A front-matter link (`up: "[[Home]]"`)
    spans the `[[...]]` inside the value.
    """

    kind: str  # "wiki", "markdown" or "frontmatter"
    embed: bool
    target: str
    subpath: str | None  # what follows the first '#', as written
    alias: str | None  # display text ('|alias' or the Markdown link text)
    start: int  # span of the whole link
    end: int
    target_start: int  # span of the target as written (for fixes)
    target_end: int

    @property
    def is_block_ref(self) -> bool:
        return self.subpath is not None and self.subpath.startswith("^")


class Heading(NamedTuple):
    """A heading: `#` to `######`, setext (`Title` over `===` or `---`), and
    headings in quotes and callouts (`> ## Title`). `text` is the heading
    as written, without its marks (the `#`s, a closing `##`, the `===`).

    Its span, character offsets into the note's text (end excluded), starts
    at the very start of its line, so indentation and a quote's or
    callout's `>` are inside it (`  ## Head` starts at the first space), and
    ends at the end of its last line without the line break, closing `#`s
    and trailing spaces included; a setext heading spans both its lines.
    """

    level: int
    text: str
    start: int
    end: int


class BlockId(NamedTuple):
    """A block id, `^id` at the end of a block's line. Its span is the `^id`
    itself (offsets into the note's text, end excluded); `id` is without
    the `^`. A heading's line may hold one: it is also in the heading's text."""

    id: str
    start: int  # span of '^id'
    end: int


class Stamp(NamedTuple):
    """A timestamp matched by the stamp pattern: its `time` and `label`
    groups (None where the pattern has none or it did not take part)."""

    start: int
    end: int
    time: str | None
    label: str | None
    time_span: tuple[int, int] | None
    label_span: tuple[int, int] | None

    def group(self, name: str) -> str | None:
        return self.time if name == "time" else self.label if name == "label" else None

    def group_span(self, name: str) -> tuple[int, int] | None:
        return self.time_span if name == "time" else self.label_span if name == "label" else None


class Body:
    """What the body of a note holds. Its stamps are made when first asked
    for: most notes' stamp rules need only `padded_times`."""

    __slots__ = ("links", "headings", "block_ids", "masked", "padded_times", "_stamps", "_source")

    def __init__(self, links: tuple[Link, ...], headings: tuple[Heading, ...], block_ids: tuple[BlockId, ...],
                 stamps: tuple[Stamp, ...] | None, masked: tuple[tuple[int, int], ...],
                 padded_times: list[str] | None = None, source: tuple[str, int, re.Pattern] | None = None):
        self.links, self.headings, self.block_ids = links, headings, block_ids
        self.masked = masked  # ranges that are not prose
        # The stamps' times when they are all valid `HH:MM:SS`, padded, each
        # its own label (see `vaultlint.stamps.padded`); [] without stamps;
        # None otherwise (the rules then look at the stamps).
        self.padded_times = padded_times
        self._stamps = stamps  # None: found in `source` when first asked for
        self._source = source  # (text, start, pattern) to find the stamps in, until they are made

    @property
    def stamps(self) -> tuple[Stamp, ...]:
        if self._stamps is None:
            text, start, pattern = self._source
            self._stamps = find_stamps(apply_mask(text, self.masked), start, pattern)
            self._source = None
        return self._stamps

    def __eq__(self, other):
        return isinstance(other, Body) and all(getattr(self, a) == getattr(other, a) for a in _BODY_FIELDS)

    __hash__ = None

    def __repr__(self):
        return f"Body({', '.join(f'{a}={getattr(self, a)!r}' for a in _BODY_FIELDS)})"


_BODY_FIELDS = ("links", "headings", "block_ids", "stamps", "masked")


# The seed vault's stamp: <a class="yt-timestamp" data-t="01:49:50">[01:49:50]</a>
# (other syntaxes: the presets of vaultlint.stamps)
DEFAULT_STAMP_PATTERN = YT_TIMESTAMP

# --------------------------------------------------------------------------
# Masking

_MASK_START = re.compile(
    r"(?P<fence>^[ \t]*(?:>[ \t]*)*(?:`{3,}|~{3,}))"
    r"|(?P<ticks>(?<!\\)`+)"
    r"|(?P<dmath>(?<!\\)\$\$)"
    r"|(?P<pct>%%)"
    r"|(?P<html><!--)"
    r"|(?P<math>(?<![\\$])\$(?=[^\s$]))",
    re.M,
)
# Every match of _MASK_START holds one of these; finding them first (with
# str.find, many times faster than a regex over the note) spares trying each
# alternative at every character.
_MASK_TRIGGERS = ("`", "~", "$", "%", "<!--")
_UNQUOTED_LINE = re.compile(r"^(?![ \t]*>)", re.M)
_INDENTED = re.compile(r"^(?: {4}|\t)", re.M)
_INDENTED_LINE = re.compile(r"\n(?: {4}|\t)")  # the same after the first line, searched fast
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
# Closing inline math: a non-space before '$', and no digit right after it.
_MATH_CLOSE = re.compile(r"(?<=[^\s\\])\$(?!\d)")


def _indented_code(text: str, start: int) -> list[tuple[int, int]]:
    """Indented code blocks: 4+ spaces after a blank line, outside lists."""
    if not (_INDENTED_LINE.search(text, start) or _INDENTED.match(text, start)):
        return []
    ranges: list[tuple[int, int]] = []
    in_code = False
    prev_blank = True
    in_list = False
    pos = start
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        line_end = n if nl == -1 else nl
        line = text[pos:line_end]
        stripped = line.strip()
        if not stripped:
            prev_blank = True
        else:
            indent = len(line) - len(line.lstrip(" \t"))
            width = len(line[:indent].expandtabs(4))
            if width >= 4 and (in_code or (prev_blank and not in_list)):
                in_code = True
                ranges.append((pos, line_end))
            else:
                in_code = False
                if _LIST_ITEM.match(line):
                    in_list = True
                elif width == 0 and prev_blank:
                    in_list = False
            prev_blank = False
        pos = line_end + 1
    return ranges


class _BacktickRuns:
    """All backtick runs by length, so a code span's closing run is found
    with a binary search instead of a rescan (linear on runs of backticks)."""

    def __init__(self, text: str, start: int):
        self.by_length: dict[int, list[int]] = {}
        n = len(text)
        pos = start
        while (at := text.find("`", pos)) != -1:
            end = at + 1
            while end < n and text[end] == "`":
                end += 1
            self.by_length.setdefault(end - at, []).append(at)
            pos = end

    def closing(self, length: int, after: int, limit: int) -> int:
        positions = self.by_length.get(length, ())
        i = bisect.bisect_left(positions, after)
        if i < len(positions) and positions[i] < limit:
            return positions[i]
        return -1


class _Triggers:
    """The next trigger of a mask at or after a position, each kind found
    with str.find and kept until the scan passes it."""

    def __init__(self, text: str):
        self.text = text
        self.next = dict.fromkeys(_MASK_TRIGGERS, -2)  # -2: not looked for yet; -1: none left

    def at(self, pos: int) -> int:
        first = -1
        for trigger, at in self.next.items():
            if at != -1 and at < pos:
                at = self.next[trigger] = self.text.find(trigger, pos)
            if at != -1 and (first == -1 or at < first):
                first = at
        return first


def _next_mask_start(text: str, pos: int, triggers: _Triggers) -> re.Match | None:
    """`_MASK_START.search(text, pos)`, found by way of its trigger characters."""
    while True:
        at = triggers.at(pos)
        if at == -1:
            return None
        # Only back to `pos`: searching to the line's start would make a
        # long line of triggers quadratic.
        nl = text.rfind("\n", pos, at)
        line_start = nl + 1 if nl != -1 else pos if pos == 0 or text[pos - 1] == "\n" else -1
        if pos <= line_start < at and not text[line_start:at].strip(" \t>"):
            m = _MASK_START.match(text, line_start)  # a fence indented by spaces, or in a quote
            if m is not None:
                return m
        m = _MASK_START.match(text, at)
        if m is not None:
            return m
        pos = at + 1


def mask_ranges(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Ranges of text[start:] that are code, math or comments, in order."""
    indented = _indented_code(text, start)
    ranges: list[tuple[int, int]] = []
    ticks: _BacktickRuns | None = None
    triggers = _Triggers(text)
    # Searches whose answer later openers reuse (each would otherwise rescan
    # the rest of the paragraph or line: quadratic on `x` `y` `z` or $a $b $c).
    paragraph_end = -1  # the next paragraph break, as last found
    no_math_close_until = -1  # no closing `$` from the last opener to here
    k = 0  # next indented range
    pos = start
    n = len(text)
    while True:
        m = _next_mask_start(text, pos, triggers)
        if m is None:
            break
        s = m.start()
        # Skip matches inside indented code; that code is masked as a whole.
        while k < len(indented) and indented[k][1] < s:
            ranges.append(indented[k])
            k += 1
        if k < len(indented) and indented[k][0] <= s <= indented[k][1]:
            ranges.append(indented[k])
            pos = indented[k][1]
            k += 1
            continue
        kind = m.lastgroup
        if kind == "fence":
            fence = m.group().lstrip(" \t>")
            quoted = ">" in m.group()
            char, size = fence[0], len(fence)
            close = re.compile(r"^[ \t]*" + (r"(?:>[ \t]*)*" if quoted else "") + re.escape(char) + "{" + str(size)
                               + r",}[ \t]*$", re.M)
            line_end = text.find("\n", m.end())
            if line_end == -1:
                end = n
            else:
                c = close.search(text, line_end + 1)
                end = n if c is None else c.end()
                # Code in a quote or callout ends with it, at a line without `>`.
                out = _UNQUOTED_LINE.search(text, line_end + 1, end) if quoted else None
                if out is not None:
                    end = out.start() - 1
            ranges.append((s, end))
            pos = end
        elif kind == "ticks":
            size = m.end() - s
            if ticks is None:
                ticks = _BacktickRuns(text, start)
            if paragraph_end < m.end():
                brk = _PARAGRAPH_BREAK.search(text, m.end())
                paragraph_end = n if brk is None else brk.start()
            close_at = ticks.closing(size, m.end(), paragraph_end)
            if close_at == -1:
                pos = m.end()  # literal backticks
            else:
                ranges.append((s, close_at + size))
                pos = close_at + size
        elif kind == "dmath":
            close_at = text.find("$$", m.end())
            if close_at == -1:
                pos = m.end()
            else:
                ranges.append((s, close_at + 2))
                pos = close_at + 2
        elif kind == "pct":
            # An unclosed %% hides the rest of the note in Obsidian.
            close_at = text.find("%%", m.end())
            end = n if close_at == -1 else close_at + 2
            ranges.append((s, end))
            pos = end
        elif kind == "html":
            close_at = text.find("-->", m.end())
            end = n if close_at == -1 else close_at + 3
            ranges.append((s, end))
            pos = end
        else:  # inline math: $x$ on one line
            if m.end() <= no_math_close_until:
                pos = m.end()
                continue
            line_end = text.find("\n", m.end())
            line_end = n if line_end == -1 else line_end
            c = _MATH_CLOSE.search(text, m.end(), line_end)
            if c is None:
                no_math_close_until = line_end
                pos = m.end()
            else:
                ranges.append((s, c.end()))
                pos = c.end()
    ranges.extend(indented[k:])
    ranges.sort()
    return ranges


def apply_mask(text: str, ranges: Sequence[tuple[int, int]]) -> str:
    """Blank out `ranges` (keeping newlines) so that offsets do not move."""
    if not ranges:
        return text
    parts = []
    pos = 0
    for s, e in ranges:
        if s < pos:
            s = pos
        if e <= s:
            continue
        parts.append(text[pos:s])
        chunk = text[s:e]
        # A block, line by line: a pattern replacing one character at a
        # time costs more than the rest of the masking.
        parts.append("\n".join([" " * len(line) for line in chunk.split("\n")]) if "\n" in chunk else " " * (e - s))
        pos = e
    parts.append(text[pos:])
    return "".join(parts)


# --------------------------------------------------------------------------
# Tokens

# `[[target#subpath|alias]]`, split into its parts by the pattern: the
# target ends at the first `#` or `|`, the subpath at the first `|`.
# It begins with its literal `[[` so that re searches for it fast; a `!`
# before it (an embed) is looked at by `wiki_links`.
_WIKI = re.compile(r"\[\[(([^\[\]\n#|]*)(?:#([^\[\]\n|]*))?(?:\|([^\[\]\n]*))?)\]\]")
# `[text](url)`; as `_WIKI`, it begins with its literal `[` (an optional
# `!` first would make re try the pattern at every character), and the `!`
# of an embed is looked at by `scan`.
_MD_LINK = re.compile(
    r"\[([^\[\]\n]*)\]\("
    r"[ \t]*(?:<([^<>\n]*)>|([^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*))"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?[ \t]*\)"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# The heading's text is cut from the line in `_heading_text`: a lazy group
# followed by optional closing hashes backtracks quadratically on long lines.
# A heading inside a quote or callout (`> ## Heading`) is a heading too:
# Obsidian lists it in the outline and links to it. (`[ \t]*` after each
# `>`, not ` {0,3}` before it: two ways to take one space would backtrack
# exponentially on a line of `> > > >`.)
_HEADING = re.compile(r"^ {0,3}(?:>[ \t]*)*(#{1,6})[ \t]+[^\n]*", re.M)
# A setext heading's underline: `===` (level 1) or `---` (level 2) under a
# paragraph, as CommonMark has it.
_UNDERLINE = re.compile(r"\n(?= {0,3}(=+|-+)[ \t]*\r?(?:\n|$))")
# What is no paragraph text above an underline: an ATX heading, a thematic
# break, and the starts of other blocks (a list item, a quote, a table row,
# HTML), after which `---` is a thematic break.
_NOT_PARAGRAPH = re.compile(
    r" {0,3}(?:#{1,6}(?:[ \t]|$)|(?:(?:\*[ \t]*){3,}|(?:_[ \t]*){3,}|(?:-[ \t]*){3,}|=+[ \t]*)$)"
)
_BLOCK_START = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)| {0,3}[>|<]")
# A block id ends a line after a space, stands alone on its line, or follows
# an embed right away (`![[image.png]]^id`, as Obsidian's own help vault writes).
_BLOCK_ID = re.compile(r"(?:^|[ \t]|(?<=\]\]))(\^([A-Za-z0-9-]+))[ \t]*\r?$", re.M)
# Where a heading may begin: re cannot search fast for a pattern that starts
# with `^` (or an optional `!`), so candidates are found by a literal first.
_HEADING_LINE = re.compile(r"\n(?= {0,3}(?:>[ \t]*)*#)")


# A search syntax that looks like a link: `[[##heading`, `[[^^block`.
_SEARCH = ("##", "^^")
# A named tuple made without the Python call of its `__new__` (millions a vault).
_new = tuple.__new__


def wiki_links(text: str, start: int, end: int | None = None, kind: str = "wiki") -> list[Link]:
    """The wiki links and embeds in text[start:end]; none for search syntax
    (`[[##heading`) or `[[ ]]`. One loop, no call a link: a note has dozens."""
    found = []
    for m in _WIKI.finditer(text, start, len(text) if end is None else end):
        inner, raw, subpath, alias = m.groups()
        if inner.startswith(_SEARCH):
            continue
        if alias is not None:
            alias = alias.strip()
            # In a table the pipe is escaped as '\|'; the backslash is not part
            # of the link.
            if subpath is not None:
                if subpath.endswith("\\"):
                    subpath = subpath[:-1]
            elif raw.endswith("\\"):
                raw = raw[:-1]
        if subpath is not None:
            subpath = subpath.strip()
        target = raw.strip()
        if not target and subpath is None and alias is None:
            continue
        at, link_end = m.span()
        if at > start and text[at - 1] == "\\" and escaped(text, at, start):
            continue  # `\[[x]]` is the text `[[x]]`, as in Obsidian
        # (Right after another link, text[at - 1] is its `]`.)
        embed = at > start and text[at - 1] == "!" and not escaped(text, at - 1, start)
        # Where the target begins (after `[[`), past spaces: `strip` gives
        # the string itself when there are none, as in most links.
        t_start = at + 2 + (0 if target is raw else raw.find(target[0]) if target else len(raw))
        found.append(_new(Link, (kind, embed, target, subpath, alias, at - embed, link_end, t_start,
                                 t_start + len(target))))
    return found


def escaped(text: str, at: int, start: int = 0) -> bool:
    """Whether text[at] follows an odd run of backslashes (`\\[` is a
    literal `[`, `\\\\[` a backslash and then a bracket), as Obsidian's
    "Escaping Markdown syntax" and CommonMark have it."""
    run = 0
    while at - run > start and text[at - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def _unmask_wiki_links(text: str, links: list[Link], ranges: list[tuple[int, int]]) -> None:
    """Give the wiki links that hold code (`[[Guide#`x` code]]`) their
    parts as written: found in the masked text, where the code is blank,
    they would name the heading `code`. A link whose `]]` is inside the code
    as written keeps the parts of the masked text."""
    starts = [link.start for link in links]
    for s, e in ranges:
        i = bisect.bisect_right(starts, s) - 1
        if i < 0 or links[i].end <= s or e > links[i].end:
            continue
        link = links[i]
        again = wiki_links(text, link.start, link.end, link.kind)
        if len(again) == 1 and again[0].start == link.start and again[0].end == link.end:
            links[i] = again[0]


def _markdown_link(m: re.Match, embed: bool) -> Link | None:
    url = m.group(2) if m.group(2) is not None else m.group(3)
    url_start = m.start(2) if m.group(2) is not None else m.start(3)
    if not url or _SCHEME.match(url) or url.startswith("//"):
        return None
    path, _, fragment = url.partition("#")
    target = unquote(path)
    subpath = unquote(fragment) if "#" in url else None
    if not target and subpath is None:
        return None
    return Link(
        "markdown", embed, target, subpath, m.group(1),
        m.start() - embed, m.end(), url_start, url_start + len(path),
    )


def _heading_text(text: str, m: re.Match) -> str:
    """The heading as written: from the original text, since inline code in
    it (`### `hasTag()``) is blank in the masked text the match ran on."""
    line = text[m.end(1) : m.end()].rstrip("\r\n").rstrip(" \t")
    # A closing run of `#` goes when a space or tab comes before it.
    bare = line.rstrip("#")
    if bare != line and (not bare or bare[-1] in " \t"):
        line = bare
    return line.strip()


def _heading_matches(text: str, start: int) -> Iterator[re.Match]:
    """`_HEADING.finditer(text, start)`, tried only on lines that may be headings."""
    lines = (m.end() for m in _HEADING_LINE.finditer(text, start))
    first = (start,) if start == 0 or text[start - 1] == "\n" else ()
    for line_start in (*first, *lines):
        m = _HEADING.match(text, line_start)
        if m is not None:
            yield m


def _setext_headings(text: str, masked: str, start: int) -> list[Heading]:
    """Setext headings: the lines of a paragraph over a line of `=` or `-`.
    Not one after a blank line (`---` there is a thematic break), nor under
    a list item, a quote, a table row or HTML (where it is a break, or
    the block's own text), nor under a line that is already a heading."""
    found: list[Heading] = []
    previous_end = -1  # the end of the last underline taken
    for m in _UNDERLINE.finditer(masked, start):
        line_start = m.end()
        underline_end = masked.find("\n", line_start)
        underline_end = len(masked) if underline_end == -1 else underline_end
        if text[line_start:underline_end].strip(" \t\r=-"):
            continue  # code blanked out after the marks (`- `x``): a list item as written
        # The paragraph's lines, upwards from the one over the underline,
        # to a blank line (code, blanked out, is one) or the body's start.
        lines = []  # (start, end) of each, bottom first
        end = m.start()
        while end > start and end != previous_end:
            begin = masked.rfind("\n", start, end) + 1 or start
            line = masked[begin:end]
            if not line.strip() or _NOT_PARAGRAPH.match(line.rstrip("\r")):
                break
            lines.append((begin, end))
            if begin <= start or _BLOCK_START.match(masked, begin):
                break  # (a block's first line: the walk goes no further, so it stays linear)
            end = begin - 1
        if not lines:
            continue
        if _BLOCK_START.match(masked, lines[-1][0]):
            continue  # a list item's or a quote's text, a table, HTML: not a paragraph of its own
        first = lines[-1][0]
        words = " ".join(text[b:e].strip() for b, e in reversed(lines))
        level = 1 if masked[line_start:underline_end].lstrip(" ")[0] == "=" else 2
        found.append(Heading(level, words, first, underline_end - (masked[underline_end - 1] == "\r")))
        previous_end = underline_end
    return found


def scan(text: str, start: int = 0, stamp_pattern: re.Pattern | None = None) -> Body:
    """Scan text[start:] (the body after front-matter)."""
    ranges = mask_ranges(text, start)
    masked = apply_mask(text, ranges)
    links: list[Link] = []
    if "[" in masked:
        links = wiki_links(masked, start)
        if ranges and links:
            _unmask_wiki_links(text, links, ranges)
        if "](" in masked:
            for m in _MD_LINK.finditer(masked, start):
                at = m.start()
                # `\[text](url)` and `[text\](url)` are text: an escaped
                # bracket neither opens nor closes a link.
                if (at > start and masked[at - 1] == "\\" and escaped(masked, at, start)) or escaped(
                        masked, m.end(1), at + 1):
                    continue
                link = _markdown_link(m, at > start and masked[at - 1] == "!" and not escaped(masked, at - 1, start))
                if link is not None:
                    links.append(link)
            links.sort(key=lambda link: link.start)
    headings = []
    if "#" in masked:
        for m in _heading_matches(masked, start):
            # Only spaces and quote marks before the `#`, as written (not "`x`# y").
            if not text[m.start() : m.start(1)].strip(" \t>"):
                headings.append(Heading(len(m.group(1)), _heading_text(text, m), m.start(), m.end()))
    if "-" in masked or "=" in masked:
        setext = _setext_headings(text, masked, start)
        if setext:
            headings = sorted(headings + setext, key=lambda h: h.start)
    block_ids = []
    if "^" in masked:
        for m in _BLOCK_ID.finditer(masked, start):
            at, end = m.span(1)
            if _blank(text, m.start(), at) and _blank(text, end, m.end()):  # (not "`x`^id" nor "^id `x`")
                block_ids.append(BlockId(m.group(2), at, end))
    stamps, padded_times, source = (), [], None
    if stamp_pattern is not None:
        times, labels = _stamp_texts(masked, start, stamp_pattern)
        if times:  # the stamps themselves are made when a rule asks for them
            stamps, padded_times, source = None, padded(times, labels), (text, start, stamp_pattern)
    return Body(tuple(links), tuple(headings), tuple(block_ids), stamps, tuple(ranges), padded_times, source)


def _blank(text: str, start: int, end: int) -> bool:
    """Whether text[start:end], blank in the masked text, is blank as
    written: code or a comment blanked out is no space, so it neither
    indents a heading nor sets off a block id."""
    return start == end or text[start:end].isspace()


def _stamp_texts(masked: str, start: int, pattern: re.Pattern) -> tuple[list[str], list[str] | None]:
    """The time and label of each stamp (the label None when the pattern has
    none; '' for a group that took no part), found in C."""
    found = pattern.findall(masked, start)
    t, lb = pattern.groupindex["time"], pattern.groupindex.get("label", 0)
    if pattern.groups == 1:
        return found, None
    return list(map(itemgetter(t - 1), found)), list(map(itemgetter(lb - 1), found)) if lb else None


def find_stamps(masked: str, start: int, pattern: re.Pattern) -> tuple[Stamp, ...]:
    t = pattern.groupindex.get("time", 0)
    lb = pattern.groupindex.get("label", 0)
    stamps = []
    for m in pattern.finditer(masked, start):
        spans = m.regs
        time = m.group(t) if t else None
        label = m.group(lb) if lb else None
        stamps.append(_new(Stamp, (*spans[0], time, label, spans[t] if time is not None else None,
                                   spans[lb] if label is not None else None)))
    return tuple(stamps)

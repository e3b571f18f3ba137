"""A canvas (`.canvas`, JSON Canvas 1.0), read with the place of every value.

`parse(text)` gives a `Canvas`: its nodes and edges, each field's key and
value with its span in the file text, and, for a JSON string, where each
character of the decoded string is written in the file (past `\\n`, `\\"`,
`\\uXXXX` and surrogate pairs), so that a link found in a text node's
Markdown is reported at the file's own line and column, and a fix or a
rename can replace part of the string in place.

The standard `json` module decides what is JSON (and says where it is not);
a small walk over the text, which `json` has just accepted, then finds where
each value is, using `json`'s own string scanner and `raw_decode` for the
values themselves.

`links(canvas)` lists what a canvas links to as the `Link` records of
Markdown notes (vaultlint/scanner.py), spans in the canvas file: a file
node (kind "canvas", an embed: the node shows the file), a group's
background (likewise), and every link of a text node as the Markdown
scanner finds it.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from json.decoder import scanstring

from vaultlint.markdown.note import Note
from vaultlint.markdown.scanner import Body, Link, scan

CANVAS = "canvas"  # a canvas's `Note.kind`

# Containers nested deeper than this (none in a canvas) are read by `json`
# whole, without the places of their parts: the walk stays shallow.
MAX_DEPTH = 8
_WS = re.compile(r"[ \t\n\r]*")


class _NotJson(ValueError):
    """What Python's `json` takes and JSON does not (`NaN`, `Infinity`)."""

    def __init__(self, word: str):
        super().__init__(word)
        self.word = word


def _refuse_constant(word: str):
    raise _NotJson(word)


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


@dataclass(frozen=True, slots=True)
class Value:
    """A JSON value and where it is written: `start`/`end` span it in the
    file text (a string with its quotes). `members` are an object's (key,
    value) pairs or an array's items, as written; `data` is the value as
    `json` makes it."""

    data: object
    start: int
    end: int
    members: tuple = ()
    # For a string with escapes: the file offset of each decoded character
    # and of the closing quote (len(data) + 1 offsets). None: no escapes, the
    # decoded string is the text between the quotes.
    offsets: tuple[int, ...] | None = None

    def offset(self, i: int) -> int:
        """Where the i-th character of a decoded string is written (i =
        len(data): the closing quote)."""
        return self.start + 1 + i if self.offsets is None else self.offsets[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The file span of the decoded string's [start, end)."""
        return self.offset(start), self.offset(end)

    def at_boundary(self, offset: int) -> bool:
        """Whether a decoded character of the string starts at `offset`
        (or its closing quote is there): not inside an escape."""
        if self.offsets is None:
            return self.start < offset < self.end
        i = bisect.bisect_left(self.offsets, offset)
        return i < len(self.offsets) and self.offsets[i] == offset

    @property
    def inner(self) -> tuple[int, int]:
        """The span of a string's text between its quotes."""
        return self.start + 1, self.end - 1

    def get(self, key: str) -> tuple[Value, Value] | None:
        """An object's (key, value) for `key`; the last when it is written
        twice, as JSON readers take it."""
        for pair in reversed(self.members):
            if pair[0].data == key:
                return pair
        return None


@dataclass(frozen=True, slots=True)
class Item:
    """A node or an edge: an object of the `nodes` or `edges` array."""

    value: Value  # the object as written

    @property
    def start(self) -> int:
        return self.value.start

    @property
    def end(self) -> int:
        return self.value.end

    def field(self, name: str) -> Value | None:
        pair = self.value.get(name)
        return None if pair is None else pair[1]

    def string(self, name: str) -> str | None:
        """The field's value when it is a string, else None."""
        value = self.field(name)
        return value.data if value is not None and isinstance(value.data, str) else None

    @property
    def id(self) -> str | None:
        return self.string("id")

    @property
    def type(self) -> str | None:
        return self.string("type")


class Node(Item):
    """A node: `type` "text" (`text`: Markdown), "file" (`file`, optional
    `subpath` starting with `#`), "link" (`url`) or "group" (optional
    `label`, `background`: a file)."""

    __slots__ = ()


class Edge(Item):
    """An edge from the node `from_node` to the node `to_node`."""

    __slots__ = ()

    @property
    def from_node(self) -> str | None:
        return self.string("fromNode")

    @property
    def to_node(self) -> str | None:
        return self.string("toNode")


@dataclass(frozen=True, slots=True)
class JsonProblem:
    """Why the text is not JSON, and the offset where the reader gave up."""

    message: str
    offset: int


@dataclass(frozen=True, slots=True)
class Canvas:
    text: str
    root: Value | None  # None when the text is not JSON, or is blank (a canvas just made)
    nodes: tuple[Node, ...] = ()  # the objects of `nodes`, in order
    edges: tuple[Edge, ...] = ()
    problem: JsonProblem | None = None

    def node_ids(self) -> set[str]:
        return {node.id for node in self.nodes if node.id is not None}

    def escape_edits(self, edits) -> tuple[list[tuple[int, int, str]], bool]:
        """Edits (start, end, text) of what the nodes' strings say, as
        edits of the file: each text JSON-escaped; and whether every one
        lands inside one string, at the boundaries of decoded characters
        (else it would cut an escape in two, and may only be shown)."""
        strings = [v for node in self.nodes for _k, v in node.value.members if isinstance(v.data, str)]
        out, in_place = [], True
        for start, end, content in edits:
            value = next((v for v in strings if v.start < start <= end < v.end), None)
            if value is None or not (value.at_boundary(start) and value.at_boundary(end)):
                in_place = False
            out.append((start, end, json_string_text(content)))
        return out, in_place


def parse(text: str) -> Canvas:
    """Read a canvas file's text (its BOM, if any, removed)."""
    if not text.strip(" \t\n\r"):
        return Canvas(text, None)  # Obsidian makes a new canvas as an empty file
    try:
        json.loads(text, parse_constant=_refuse_constant)
        root, end = _value(text, _WS.match(text).end(), 0)
    except json.JSONDecodeError as exc:
        return Canvas(text, None, problem=JsonProblem(exc.msg, exc.pos))
    except _NotJson as exc:
        at = text.find(exc.word)
        return Canvas(text, None, problem=JsonProblem(f"`{exc.word}` is not JSON", max(at, 0)))
    except RecursionError:
        return Canvas(text, None, problem=JsonProblem("nested too deep to read", 0))
    nodes, edges = [], []
    if isinstance(root.data, dict):
        for key, cls, into in (("nodes", Node, nodes), ("edges", Edge, edges)):
            pair = root.get(key)
            if pair is not None and isinstance(pair[1].data, list):
                into.extend(cls(item) for item in pair[1].members if isinstance(item.data, dict))
    return Canvas(text, root, tuple(nodes), tuple(edges))


def _value(text: str, pos: int, depth: int) -> tuple[Value, int]:
    """The JSON value at `pos` (no space before it) and the offset past it,
    in a text that `json` has accepted."""
    c = text[pos]
    if c == '"':
        data, end = scanstring(text, pos + 1)
        return Value(data, pos, end, offsets=_string_offsets(text, pos, end, data)), end
    if c in "{[" and depth < MAX_DEPTH:
        close = "}" if c == "{" else "]"
        members: list = []
        start, pos = pos, _WS.match(text, pos + 1).end()
        while text[pos] != close:
            item, pos = _value(text, pos, depth + 1)
            if c == "{":
                pos = _WS.match(text, pos).end() + 1  # past the ':'
                value, pos = _value(text, _WS.match(text, pos).end(), depth + 1)
                item = (item, value)
            members.append(item)
            pos = _WS.match(text, pos).end()
            if text[pos] == ",":
                pos = _WS.match(text, pos + 1).end()
        data = {k.data: v.data for k, v in members} if c == "{" else [v.data for v in members]
        return Value(data, start, pos + 1, tuple(members)), pos + 1
    data, end = _DECODER.raw_decode(text, pos)
    return Value(data, pos, end), end


def _string_offsets(text: str, start: int, end: int, data: str) -> tuple[int, ...] | None:
    """Where each character of the string at text[start:end] (quotes
    included) is written; None when it has no escape."""
    i, stop = start + 1, end - 1
    if text.find("\\", i, stop) == -1:
        return None
    offsets = []
    while i < stop:
        offsets.append(i)
        if text[i] != "\\":
            i += 1
        elif text[i + 1] != "u":
            i += 2
        elif (0xD800 <= int(text[i + 2:i + 6], 16) < 0xDC00 and text.startswith("\\u", i + 6)
              and 0xDC00 <= int(text[i + 8:i + 12], 16) < 0xE000):
            i += 12  # a surrogate pair: one character
        else:
            i += 6
    offsets.append(stop)
    assert len(offsets) == len(data) + 1, "the string's escapes were miscounted"
    return tuple(offsets)


def links(canvas: Canvas) -> tuple[Link, ...]:
    """What the canvas links to, in the order written: file nodes, group
    backgrounds, and the links in text nodes' Markdown."""
    found: list[Link] = []
    for node in canvas.nodes:
        kind = node.type
        if kind in ("file", "group"):
            value = node.field("file" if kind == "file" else "background")
            if value is None or not isinstance(value.data, str) or not value.data:
                continue
            subpath = node.string("subpath") if kind == "file" else None
            if subpath is not None:
                subpath = subpath[1:] if subpath.startswith("#") else subpath
            found.append(Link("canvas", True, value.data, subpath or None, None, value.start, value.end,
                              *value.span(0, len(value.data))))
        elif kind == "text":
            value = node.field("text")
            if value is None or not isinstance(value.data, str) or "[" not in value.data:
                continue
            for link in scan(value.data).links:
                found.append(link._replace(
                    start=value.offset(link.start), end=value.offset(link.end),
                    target_start=value.offset(link.target_start), target_end=value.offset(link.target_end)))
    found.sort(key=lambda link: link.start)
    return tuple(found)


def note(path: str, text: str, bom: bool = False) -> Note:
    """The canvas at `path` as the rules see a note: its text, and its links
    (`Note.links`, spans in the file) for the link rules; the rules of its
    kind read the rest with `parse`."""
    return Note(path, text, bom, body=Body(links(parse(text)), (), (), (), (), []), kind=CANVAS)


def of_note(note: Note, ctx) -> Canvas:
    """The canvas a note of kind "canvas" holds, read once for all the
    rules that check it (`Context.of_note`)."""
    return ctx.of_note(note, "canvas", lambda note: parse(note.text))


def json_string_text(text: str) -> str:
    """`text` as it is written inside a JSON string's quotes (as Obsidian
    writes it: non-ASCII characters kept as they are)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]

"""A base (`.base` file, or a ```` ```base ```` code block in a note), read
with the place of every key and value.

The format is Obsidian's (help: Bases syntax, Views, Formulas, Functions):
YAML with the top-level keys `filters` (an expression, or an object of
`and`/`or`/`not` lists of expressions and objects), `formulas` (name ->
expression), `properties` (property -> `displayName` and other settings),
`summaries` (name -> expression over `values`) and `views` (a list of
views: `type`, `name`, `limit`, `groupBy`, `filters`, `order`, `sort`,
`summaries`, and settings of their layout such as `image` or
`columnSize`).

`read(text, start, end)` reads the YAML of `text[start:end]` (all of it by
default) as a `Base`. The YAML is composed by PyYAML's safe loader, as a
note's front-matter is (`vaultlint.markdown.note.compose_yaml`: the same
guards against anchors that expand without end and nesting that crashes
libyaml), and each scalar is placed by its node's marks: every value is a
`Text` that knows where each of its characters is written in `text`
(quotes, `''`, escapes and folded lines skipped), so that a problem inside
an expression is reported at its own line and column.

Expressions are parsed by `vaultlint.formats.base_expressions`. `blocks`
finds the base code blocks of a note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml

from vaultlint.formats import base_expressions as bx
from vaultlint.markdown.note import YamlProblem, compose_yaml

TOP_KEYS = ("filters", "formulas", "properties", "summaries", "views")
# `display` (property -> display name) is what the first releases of
# Bases wrote where `properties` now holds `displayName`; bases written
# then (kepano's `Games.base`) still have it, and Obsidian still opens them.
LEGACY_TOP_KEYS = ("display",)
VIEW_KEYS = ("type", "name", "limit", "groupBy", "filters", "order", "sort", "summaries")
# The settings of the built-in layouts that a base stores in its view (the
# help's layout pages, and what Obsidian writes: kepano's bases).
LAYOUT_KEYS = ("columnSize", "rowHeight", "image", "imageFit", "imageAspectRatio", "cardSize", "coordinates",
               "markerIcon", "markerColor", "defaultZoom", "center", "minZoom", "maxZoom", "mapHeight", "mapTiles",
               "markers", "indentProperties", "separator")
VIEW_TYPES = ("table", "cards", "list", "map")
FILTER_KEYS = ("and", "or", "not")
# `column` is the first releases' name of a sort's `property` (kepano's
# `Evergreen.base`).
SORT_KEYS = ("property", "direction", "column")
GROUP_KEYS = ("property", "direction")
DIRECTIONS = ("ASC", "DESC")
SUMMARIES = ("Average", "Min", "Max", "Sum", "Range", "Median", "Stddev", "Earliest", "Latest", "Checked",
             "Unchecked", "Empty", "Filled", "Unique")
PREFIXES = ("note", "file", "formula")
# The settings of a property that Obsidian reads (others are a view's or a
# plugin's, left alone unless misspelt from these).
PROPERTY_KEYS = ("displayName",)

_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})[ \t]*base[ \t]*\r?\n")


@dataclass(frozen=True, slots=True)
class Text:
    """A YAML scalar: its value and where it is written. `start`/`end` span
    it as written (quotes included); `offsets` give the place of each
    character of `value` and, last, of its end (None: `value` is written as
    is from `inner`)."""

    value: str
    start: int
    end: int
    inner: int  # where the value's first character is written
    offsets: tuple[int, ...] | None = None

    def at(self, i: int) -> int:
        """Where the i-th character of `value` is written (i = len(value): its end)."""
        if self.offsets is None:
            return self.inner + i
        return self.offsets[min(i, len(self.offsets) - 1)]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The file span of value[start:end]."""
        if end > start:
            return self.at(start), self.at(end - 1) + 1
        return self.at(start), self.at(start)


@dataclass(frozen=True, slots=True)
class Key:
    """A key of a mapping and its value's node."""

    text: Text
    value: yaml.Node

    @property
    def name(self) -> str:
        return self.text.value


@dataclass(frozen=True, slots=True)
class Expr:
    """An expression of the base: `role` "filter", "formula" or "summary";
    `where` says where it is, in words (`formula \\`ppu\\``)."""

    text: Text
    parsed: bx.Expression
    role: str
    where: str
    name: str = ""  # a formula's or a summary's name

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.text.span(start, end)


@dataclass(frozen=True, slots=True)
class PropertyName:
    """A property named in `order`, `sort`, `groupBy` or a view's
    `summaries`: `kind` "note", "file" or "formula" (`note.x`, `file.x`,
    `formula.x`; a bare `x` is "note"), `name` without the prefix,
    `start`/`end` span the name."""

    text: Text
    kind: str
    name: str
    start: int
    end: int
    where: str


@dataclass
class View:
    index: int
    node: yaml.Node
    keys: list[Key] = field(default_factory=list)
    name: Text | None = None
    type: Text | None = None
    properties: list[PropertyName] = field(default_factory=list)  # order, sort, groupBy, summaries
    directions: list[Text] = field(default_factory=list)
    summaries: list[tuple[Text, Text]] = field(default_factory=list)  # (property, summary name)
    entry_keys: list[tuple[Key, tuple[str, ...], str]] = field(default_factory=list)  # sort/groupBy keys

    @property
    def label(self) -> str:
        return f"view `{self.name.value}`" if self.name is not None else f"view {self.index + 1}"


@dataclass
class Base:
    """A base as written. `start`/`end` span its YAML in `text`; `problem`
    is a YAML error (nothing else is then read); `shape` lists values of
    the wrong kind (message, start, end)."""

    text: str
    start: int
    end: int
    problem: YamlProblem | None = None
    root: yaml.Node | None = None
    keys: list[Key] = field(default_factory=list)
    expressions: list[Expr] = field(default_factory=list)
    formulas: dict[str, Key] = field(default_factory=dict)
    summaries: dict[str, Key] = field(default_factory=dict)
    properties: list[Key] = field(default_factory=list)
    views: list[View] = field(default_factory=list)
    filter_keys: list[Key] = field(default_factory=list)  # keys of the filter objects
    property_keys: list[tuple[str, Key]] = field(default_factory=list)  # (property, a key of its settings)
    shape: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def view_names(self) -> list[str]:
        return [v.name.value for v in self.views if v.name is not None]


def read(text: str, start: int = 0, end: int | None = None) -> Base:
    """The base written in text[start:end]."""
    end = len(text) if end is None else end
    base = Base(text, start, end)
    fm = compose_yaml(text[start:end], start)
    if fm.problem is not None:
        base.problem = fm.problem
        return base
    base.root = fm.root
    if fm.root is None:  # an empty base: every file of the vault, in a table
        return base
    reader = _Reader(base, fm)
    reader.top(fm.root)
    return base


def blocks(text: str, masked) -> Iterator[tuple[int, int]]:
    """The (start, end) of the YAML inside each ```` ```base ```` block of
    a note, given the note's masked spans (`Note.body.masked`). A block in
    a quote or a callout is left out: its lines carry `>`."""
    if "base" not in text:
        return
    for s, e in masked:
        m = _FENCE.match(text, s, e)
        if m is None:
            continue
        fence = m.group(1)
        inner = m.end()
        last = text.rfind("\n", inner - 1, e) + 1  # the block's last line: its closing fence, if it has one
        tail = text[last:e].strip(" \t\r")
        closed = last >= inner and len(tail) >= len(fence) and set(tail) == {fence[0]}
        close = last if closed else e
        yield inner, max(inner, close)


class _Reader:
    def __init__(self, base: Base, fm):
        self.base = base
        self.fm = fm

    # -- places ---------------------------------------------------------------
    def span(self, node: yaml.Node) -> tuple[int, int]:
        return self.fm.node_span(node)

    def text(self, node: yaml.ScalarNode) -> Text:
        """The scalar as a `Text`, each character placed."""
        start, end = self.span(node)
        source = self.base.text
        value = node.value
        quoted = node.style in ("'", '"')
        inner = start + 1 if quoted else start
        if source[inner:inner + len(value)] == value:
            return Text(value, start, end, inner)
        # Escapes, doubled quotes, block indicators or folded lines: each
        # character is found where it is next written.
        offsets = []
        j = inner
        stop = end - 1 if quoted else end
        missing: set[str] = set()  # not written after the place reached: never looked for again
        for ch in value:
            k = -1 if ch in missing else source.find(ch, j, stop)
            if k == -1:
                missing.add(ch)
                k = j if j < stop else max(inner, stop - 1)
            else:
                j = k + 1
            offsets.append(k)
        offsets.append(max(j, stop if not offsets else offsets[-1] + 1))
        return Text(value, start, end, inner, tuple(offsets))

    def problem(self, message: str, node: yaml.Node) -> None:
        self.base.shape.append((message, *self.span(node)))

    def pairs(self, node: yaml.MappingNode) -> list[Key]:
        found = []
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                found.append(Key(self.text(k), v))
            else:
                self.problem("a key that is not text", k)
        return found

    # -- the parts ------------------------------------------------------------
    def top(self, root: yaml.Node) -> None:
        if not isinstance(root, yaml.MappingNode):
            self.problem(f"a base is a mapping of {', '.join(TOP_KEYS)}, not {_kind(root)}", root)
            return
        self.base.keys = self.pairs(root)
        for key in self.base.keys:
            value = key.value
            if key.name == "filters":
                self.filters(value, "filters")
            elif key.name == "formulas":
                for name, item in self.mapping(value, "`formulas`"):
                    self.base.formulas[name.name] = name
                    self.expression(item, "formula", f"formula `{name.name}`", name.name)
            elif key.name == "summaries":
                for name, item in self.mapping(value, "`summaries`"):
                    self.base.summaries[name.name] = name
                    self.expression(item, "summary", f"summary `{name.name}`", name.name)
            elif key.name == "properties":
                for name, item in self.mapping(value, "`properties`"):
                    self.base.properties.append(name)
                    if isinstance(item, yaml.MappingNode):
                        self.base.property_keys += [(name.name, key) for key in self.pairs(item)]
                    elif not isinstance(item, (yaml.MappingNode, yaml.ScalarNode)) or (
                            isinstance(item, yaml.ScalarNode) and item.value):
                        self.problem(f"the settings of property `{name.name}` are a mapping"
                                     f" (`displayName: ...`), not {_kind(item)}", item)
            elif key.name == "views":
                if isinstance(value, yaml.SequenceNode):
                    for i, item in enumerate(value.value):
                        self.view(i, item)
                elif not _null(value):
                    self.problem(f"`views` is a list of views, not {_kind(value)}", value)

    def mapping(self, node: yaml.Node, what: str) -> list[tuple[Key, yaml.Node]]:
        if isinstance(node, yaml.MappingNode):
            return [(key, key.value) for key in self.pairs(node)]
        if not _null(node):
            self.problem(f"{what} is a mapping, not {_kind(node)}", node)
        return []

    def expression(self, node: yaml.Node, role: str, where: str, name: str = "") -> None:
        if isinstance(node, yaml.ScalarNode):
            if _null(node):
                return
            text = self.text(node)
            self.base.expressions.append(Expr(text, bx.parse(text.value), role, where, name))
        else:
            self.problem(f"{where} is an expression (text), not {_kind(node)}", node)

    def filters(self, node: yaml.Node, where: str, depth: int = 0) -> None:
        if isinstance(node, yaml.ScalarNode):
            self.expression(node, "filter", where)
        elif isinstance(node, yaml.MappingNode):
            for key in self.pairs(node):
                self.base.filter_keys.append(key)
                inner = f"{where}, `{key.name}`"
                items = key.value
                if isinstance(items, yaml.SequenceNode):
                    for item in items.value:
                        self.filters(item, inner, depth + 1)
                elif not _null(items):
                    self.filters(items, inner, depth + 1)
        elif isinstance(node, yaml.SequenceNode):
            self.problem(f"{where}: a list of filters goes under `and`, `or` or `not`", node)

    def view(self, index: int, node: yaml.Node) -> None:
        view = View(index, node)
        self.base.views.append(view)
        if not isinstance(node, yaml.MappingNode):
            self.problem(f"a view is a mapping (`type`, `name`, ...), not {_kind(node)}", node)
            return
        view.keys = self.pairs(node)
        for key in view.keys:
            value = key.value
            if key.name in ("name", "type") and isinstance(value, yaml.ScalarNode) and not _null(value):
                setattr(view, key.name, self.text(value))
        for key in view.keys:
            value = key.value
            where = f"{view.label}, `{key.name}`"
            if key.name == "filters":
                self.filters(value, f"the filters of {view.label}")
            elif key.name == "order":
                if isinstance(value, yaml.SequenceNode):
                    for item in value.value:
                        self.property_name(view, item, where)
                elif not _null(value):
                    self.problem(f"{where} is a list of properties, not {_kind(value)}", value)
            elif key.name == "sort":
                if isinstance(value, yaml.SequenceNode):
                    for item in value.value:
                        self.entry(view, item, SORT_KEYS, where)
                elif not _null(value):
                    self.problem(f"{where} is a list of `property` and `direction`, not {_kind(value)}", value)
            elif key.name == "groupBy":
                if isinstance(value, yaml.ScalarNode) and not _null(value):
                    self.property_name(view, value, where)
                else:
                    self.entry(view, value, GROUP_KEYS, where)
            elif key.name == "summaries":
                for prop, item in self.mapping(value, where):
                    self.property_name(view, None, where, prop.text)
                    if isinstance(item, yaml.ScalarNode) and not _null(item):
                        view.summaries.append((prop.text, self.text(item)))
            elif key.name == "limit":
                if not (isinstance(value, yaml.ScalarNode) and re.fullmatch(r"\d+", value.value)):
                    self.problem(f"{where} is a number of files, not {_kind(value)}", value)

    def entry(self, view: View, node: yaml.Node, allowed: tuple[str, ...], where: str) -> None:
        if _null(node):
            return
        if not isinstance(node, yaml.MappingNode):
            self.problem(f"{where} holds `property` and `direction`, not {_kind(node)}", node)
            return
        for key in self.pairs(node):
            view.entry_keys.append((key, allowed, where))
            if key.name in ("property", "column"):
                self.property_name(view, key.value, where)
            elif key.name == "direction" and isinstance(key.value, yaml.ScalarNode):
                view.directions.append(self.text(key.value))

    def property_name(self, view: View, node: yaml.Node | None, where: str, text: Text | None = None) -> None:
        if text is None:
            if not isinstance(node, yaml.ScalarNode) or _null(node):
                if node is not None and not _null(node):
                    self.problem(f"{where}: a property name, not {_kind(node)}", node)
                return
            text = self.text(node)
        view.properties.append(property_name(text, where))


def property_name(text: Text, where: str) -> PropertyName:
    """`note.x`, `file.x`, `formula.x` or a bare `x`, split."""
    prefix, dot, rest = text.value.partition(".")
    if dot and prefix in PREFIXES and rest:
        start, end = text.span(len(prefix) + 1, len(text.value))
        return PropertyName(text, prefix, rest, start, end, where)
    start, end = text.span(0, len(text.value))
    return PropertyName(text, "note", text.value, start, end, where)


def _null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if _null(node):
        return "empty"
    return f"`{node.value}`"

"""A note, read once: text, front-matter with positions, and the scanned body.

Offsets everywhere are character offsets into `Note.text`, the decoded file
with its BOM removed and its line endings exactly as on disk, so an edit on
the text maps back to the bytes without touching anything else.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

import yaml
from frontmatter.default_handlers import YAMLHandler

from ..diagnostics import Edit
from .scanner import Body, Link, apply_mask, scan, wiki_links


class YAML_LOADER(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader (C when there is one), except that a date that is no
    date (`2024-02-30`) stays text instead of stopping the load."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


YAML_LOADER.add_constructor("tag:yaml.org,2002:timestamp", YAML_LOADER.construct_yaml_timestamp)
BOM = "\ufeff"
# python-frontmatter's boundary: a line of three or more dashes.
_FM_BOUNDARY = YAMLHandler.FM_BOUNDARY
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Keys Obsidian reads aliases from (the singular is the legacy form).
ALIAS_KEYS = ("aliases", "alias")
# The files of a vault other than Markdown notes that rules check, by
# suffix (in lower case): their kind. A Markdown note's kind is "markdown".
KINDS = {".base": "base", ".canvas": "canvas"}
MARKDOWN = "markdown"


class NoteReadError(Exception):
    """The file cannot be read as a note (not UTF-8, mostly NUL bytes, unreadable)."""


@dataclass(frozen=True, slots=True)
class YamlProblem:
    message: str
    start: int  # offset in the note text
    end: int


@dataclass(slots=True)
class FrontMatter:
    """The YAML block between the `---` lines.

    `start`/`end` delimit the YAML source inside the note text; `root` is the
    composed node tree (every node knows its position); `data` is what a
    safe loader makes of it (None when the YAML does not parse).
    """

    start: int
    end: int
    source: str
    root: yaml.Node | None = None
    data: object = None
    problem: YamlProblem | None = None
    # Only `key: text` lines, each key once: no value YAML reads as other
    # than the text written, no duplicate (what the fast reading takes).
    plain: bool = False

    def node_span(self, node: yaml.Node) -> tuple[int, int]:
        return self.start + node.start_mark.index, self.start + node.end_mark.index

    def locate(self, path: tuple) -> tuple[yaml.Node | None, yaml.Node | None]:
        """(key node, value node) for a path of keys and indexes; the deepest
        existing node when the path runs out (a missing key is located at
        the mapping that should hold it)."""
        key_node, node = None, self.root
        for step in path:
            if isinstance(node, yaml.MappingNode):
                for k, v in reversed(node.value):  # the last duplicate wins, as in the data
                    if isinstance(k, yaml.ScalarNode) and k.value == str(step):
                        key_node, node = k, v
                        break
                else:
                    return key_node, node
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                key_node, node = None, node.value[step]
            else:
                return key_node, node
        return key_node, node


MAX_EXPANDED_NODES = 100_000
MAX_DEPTH = 100


def _check_shape(root: yaml.Node) -> None:
    """Refuse, before anything walks it, a value that contains itself (an
    anchor used inside its own value), one whose aliases expand to more
    values than any front-matter has (the "billion laughs"), or one nested
    deeper than Python can follow."""
    ancestors: set[int] = set()
    budget = MAX_EXPANDED_NODES
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, True)]
    while stack:
        node, depth, entering = stack.pop()
        if not entering:
            ancestors.discard(id(node))
            continue
        problem = ("an anchor is used inside its own value (the value would contain itself)" if id(node) in ancestors
                   else f"nested more than {MAX_DEPTH} levels deep" if depth > MAX_DEPTH
                   else f"aliases expand to more than {MAX_EXPANDED_NODES:,} values" if budget <= 0 else None)
        if problem:
            raise yaml.MarkedYAMLError(problem=problem, problem_mark=node.start_mark)
        budget -= 1
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            continue
        ancestors.add(id(node))
        stack.append((node, depth, False))
        stack.extend((child, depth + 1, True) for child in children)


def _too_deep(source: str) -> yaml.Mark | None:
    """Where the YAML nests deeper than MAX_DEPTH, found from the parser's
    events before the composer sees it: libyaml's composer recurses in C and
    crashes the process (a segfault, not an exception) on `[[[[...`."""
    # Each level of nesting needs one of these characters of its own, so
    # a source with few of them (nearly every note) is shallow enough.
    if sum(source.count(c) for c in "[{-:?") <= MAX_DEPTH:
        return None
    depth = 0
    parser = YAML_LOADER(source)
    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # libyaml 0.2.5+ refuses deep nesting itself, in words of its own.
        if "nesting depth" in (exc.problem or ""):
            return exc.problem_mark
        return None  # any other error is the composer's to report
    finally:
        parser.dispose()
    return None


# Front-matter of `key: text` lines only (most notes'), read without the
# YAML parser: composing and constructing cost more than the rest of a
# note's parse. The line's value is plain text on one line: a word
# character first, no `: ` or ` #` in it, no `:` at its end.
# Measured (issue 18) on the benchmark's 10,000 notes, 9,944 of which take
# this path: their front-matter is read in 0.10 s instead of 0.25 s, and
# the rules that skip plain front-matter (`FrontMatter.plain`) walk no
# nodes; a run's CPU time without it, alternated three times on 2 cores:
# cold 9.04 s instead of 7.89 s, --no-cache 8.14 s instead of 7.07 s (the
# fastest of each), some 13% more. Kept: it buys far more than 1%.
_SIMPLE_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*): +(\w[^\n]*)\n")
# What YAML reads otherwise than a Python string does: other line breaks,
# tabs, characters it refuses.
_NOT_SIMPLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_STR, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map"
# The patterns by which YAML reads a plain scalar as a number, a date, a
# boolean or null, by first character (what `Resolver.resolve` looks at).
_IMPLICIT = yaml.resolver.Resolver.yaml_implicit_resolvers
_ANY_FIRST = _IMPLICIT.get(None, [])
# The marks libyaml's parser makes (the fast path is taken only with it).
_Mark = yaml._yaml.Mark if hasattr(yaml, "CSafeLoader") else None


def _is_text(scalar: str) -> bool:
    """Whether YAML reads the plain scalar as a string."""
    resolvers = _IMPLICIT.get(scalar[0], [])
    if _ANY_FIRST:
        resolvers = resolvers + _ANY_FIRST
    return not any(regexp.match(scalar) for _tag, regexp in resolvers)


def _simple_yaml(source: str, offset: int) -> FrontMatter | None:
    """The front-matter `parse_yaml` makes of `key: text` lines, the same
    node for node and mark for mark; None for any other YAML."""
    if not source or _Mark is None or _NOT_SIMPLE.search(source) is not None:
        return None
    pairs, data = [], {}
    pos = line = 0
    end = len(source)
    name = "<unicode string>"
    while pos < end:
        m = _SIMPLE_LINE.match(source, pos)
        if m is None:
            return None
        key, value = m.group(1, 2)
        value = value.rstrip(" ")  # spaces at the end are no part of it
        if (key in data or ": " in value or " #" in value or value[-1] == ":"
                or not _is_text(key) or not _is_text(value)):
            return None
        data[key] = value
        k_end, v_start = m.end(1), m.start(2)
        v_end = v_start + len(value)
        pairs.append((
            yaml.ScalarNode(_STR, key, _Mark(name, pos, line, 0, None, None),
                            _Mark(name, k_end, line, k_end - pos, None, None), ""),
            yaml.ScalarNode(_STR, value, _Mark(name, v_start, line, v_start - pos, None, None),
                            _Mark(name, v_end, line, v_end - pos, None, None), ""),
        ))
        pos = m.end()
        line += 1
    root = yaml.MappingNode(_MAP, pairs, _Mark(name, 0, 0, 0, None, None), _Mark(name, end, line, 0, None, None), False)
    return FrontMatter(offset, offset + end, source, root, data, plain=True)


def parse_yaml(source: str, offset: int) -> FrontMatter:
    return _simple_yaml(source, offset) or compose_yaml(source, offset)


def compose_yaml(source: str, offset: int) -> FrontMatter:
    """`parse_yaml` by the YAML parser, whatever the source."""
    fm = FrontMatter(offset, offset + len(source), source)
    loader = YAML_LOADER(source)
    try:
        deep = _too_deep(source)
        if deep is not None:
            raise yaml.MarkedYAMLError(problem=f"nested more than {MAX_DEPTH} levels deep", problem_mark=deep)
        fm.root = loader.get_single_node()
        if fm.root is not None and "*" in source:  # without aliases the tree is as small as its source
            _check_shape(fm.root)
        fm.data = loader.construct_document(fm.root) if fm.root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = offset + (mark.index if mark is not None else 0)
        at = min(at, offset + len(source))
        problem = exc.problem or str(exc)
        if exc.context:
            problem = f"{problem} ({exc.context})"
        fm.root, fm.data = None, None
        fm.problem = YamlProblem(problem, at, at)
    except yaml.YAMLError as exc:
        fm.root, fm.data = None, None
        fm.problem = YamlProblem(str(exc), offset, offset)
    finally:
        loader.dispose()
    return fm


@dataclass(eq=False)
class Note:
    """A note as the rules see it. Every span is a pair of character offsets
    into `text` (start included, end excluded), the same in `prose`:

    - a link (`body.links`, `frontmatter_links`) spans it as written, from
      its `[` (its `!` for an embed) to past its `]]` or `)`; `target_start`
      and `target_end` span its target, which a fix replaces;
    - a heading (`body.headings`) spans its whole line from the line's very
      start, so indentation and the `>` of a quote or callout are inside
      it, to the end of its text without the line break; a setext heading
      (`Title` over `===`) spans both lines. `text` is the heading as
      written, without its marks;
    - a block id (`body.block_ids`) spans `^id`; a stamp (`body.stamps`) the
      pattern's whole match;
    - `body.masked` lists the spans that are not prose: code (fenced,
      indented, inline), math, `%%comments%%` and HTML comments.
    """

    path: str  # relative to the vault root, "/"-separated
    text: str
    bom: bool = False
    frontmatter: FrontMatter | None = None
    frontmatter_problem: YamlProblem | None = None  # a block that never closes
    body_start: int = 0
    body: Body = field(default_factory=lambda: Body((), (), (), (), (), []))
    # What the file is: "markdown", or a kind of `KINDS` ("base"), whose
    # text is not Markdown (no front-matter, no body is read from it).
    kind: str = MARKDOWN

    # -- positions --------------------------------------------------------
    @cached_property
    def line_starts(self) -> list[int]:
        text = self.text
        if "\r" in text:
            return [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
        starts = [0]  # most notes: "\n" only, found by str.find (several times faster)
        at = text.find("\n")
        while at != -1:
            starts.append(at + 1)
            at = text.find("\n", at + 1)
        return starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        starts = self.line_starts
        i = bisect.bisect_right(starts, offset) - 1
        return i + 1, offset - starts[i] + 1

    def edit(self, start: int, end: int, content: str) -> Edit:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Edit(start, end, content, line, column, end_line, end_column)

    def line_text(self, line: int) -> str:
        starts = self.line_starts
        s = starts[line - 1]
        e = starts[line] if line < len(starts) else len(self.text)
        return self.text[s:e].rstrip("\r\n")

    @cached_property
    def prose(self) -> str:
        """The text with what is not prose blanked out: the front-matter,
        and the spans of `body.masked` (code, math, comments), each
        character a space and each line break kept, so that an offset in
        `prose` is the same offset in `text`. The scanner's own masked text,
        made again from its spans when first asked for (kept by every note,
        it would double the memory of the notes a run holds)."""
        masked = self.body.masked
        return apply_mask(self.text, ((0, self.body_start), *masked) if self.body_start else masked)

    # -- what the note says ----------------------------------------------
    @property
    def name(self) -> str:
        """File name without its `.md`, as links name it."""
        base = self.path.rsplit("/", 1)[-1]
        return base[:-3] if base.lower().endswith(".md") else base

    @property
    def data(self) -> dict:
        fm = self.frontmatter
        return fm.data if fm is not None and isinstance(fm.data, dict) else {}

    @cached_property
    def aliases(self) -> tuple[str, ...]:
        for key in ALIAS_KEYS:
            value = self.data.get(key)
            if isinstance(value, str):
                return (value,)
            if isinstance(value, list):
                return tuple(str(v) for v in value if isinstance(v, (str, int, float)))
        return ()

    @cached_property
    def frontmatter_links(self) -> tuple[Link, ...]:
        """Quoted links in front-matter values (`related: "[[Note]]"`)."""
        fm = self.frontmatter
        if fm is None or fm.root is None or "[[" not in fm.source:
            return ()
        found = []
        stack = [fm.root]
        while stack:
            node = stack.pop()
            if isinstance(node, yaml.MappingNode):
                stack.extend(v for _k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
            elif isinstance(node, yaml.ScalarNode) and "[[" in node.value:
                s, e = fm.node_span(node)
                found += wiki_links(self.text, s, e, kind="frontmatter")
        found.sort(key=lambda link: link.start)
        return tuple(found)

    @property
    def links(self) -> tuple[Link, ...]:
        return self.frontmatter_links + self.body.links


def split_frontmatter(text: str) -> tuple[FrontMatter | None, YamlProblem | None, int]:
    """Find the front-matter block. Returns (front-matter, problem, body start).

    Obsidian reads front-matter only when the very first line is `---`.
    """
    first = _FM_BOUNDARY.match(text)
    if first is None:
        return None, None, 0
    open_end = text.find("\n", 0)
    if open_end == -1:
        return None, YamlProblem("front-matter opened with '---' never closes", 0, len(text)), len(text)
    yaml_start = open_end + 1
    close = _FM_BOUNDARY.search(text, yaml_start)
    if close is None:
        return None, YamlProblem("front-matter opened with '---' on line 1 never closes", 0, 3), len(text)
    yaml_end = close.start()
    line_end = text.find("\n", yaml_end)
    body_start = len(text) if line_end == -1 else line_end + 1
    return parse_yaml(text[yaml_start:yaml_end], yaml_start), None, body_start


def decode(data: bytes) -> tuple[str, bool]:
    """The text of a note file and whether it began with a BOM. A file that
    is not UTF-8 is no note, nor one that is mostly NUL bytes (UTF-16 text
    without a BOM, a file of zeros); a few NUL bytes in valid UTF-8 (pasted
    into a code block) leave it a note, as Obsidian reads it: the
    `unreadable-note` rule reports them where they are."""
    if b"\x00" in data and (nuls := data.count(b"\x00")) * 4 > len(data):
        raise NoteReadError(f"the file is mostly NUL bytes ({nuls} of {len(data)}): it is binary"
                            " (or UTF-16), not a Markdown note")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise NoteReadError(f"the file is not UTF-8 (invalid byte 0x{data[exc.start]:02x} on line {line})") from None
    if text.startswith(BOM):
        return text[1:], True
    return text, False


def kind_of(path: str) -> str:
    """The kind of the file at `path`: "markdown" unless its suffix is one of `KINDS`."""
    dot = path.rfind(".")
    return KINDS.get(path[dot:].lower(), MARKDOWN) if dot > path.rfind("/") else MARKDOWN


def parse(path: str, text: str, bom: bool = False, stamp_pattern: re.Pattern | None = None) -> Note:
    kind = kind_of(path)
    if kind != MARKDOWN:  # (a base is YAML: the rules of its kind read its text)
        return Note(path, text, bom, kind=kind)
    fm, problem, body_start = split_frontmatter(text)
    body = scan(text, body_start, stamp_pattern)
    return Note(path, text, bom, fm, problem, body_start, body)


def normalize_name(name: str, case_sensitive: bool = False) -> str:
    """The key names are compared by: NFC, and case-folded unless asked not to."""
    if not name.isascii():  # ASCII is NFC already, and most names are ASCII
        name = unicodedata.normalize("NFC", name)
    return name if case_sensitive else name.casefold()

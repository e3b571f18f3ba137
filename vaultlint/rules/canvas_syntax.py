"""canvas-syntax: a canvas that is not JSON, or not JSON Canvas 1.0.

What it checks
    Every `.canvas` file of the vault, against the JSON Canvas 1.0 spec
    (jsoncanvas.org):

    - text that is not JSON, at the character where the reader gave up,
      with its reason (a blank file is an empty canvas, as Obsidian makes
      it);
    - a top level that is not an object, `nodes` or `edges` that is not an
      array, an item of them that is not an object;
    - a required field missing: `id`, `type`, `x`, `y`, `width`, `height`
      of every node, `text` of a text node, `file` of a file node, `url` of
      a link node; `id`, `fromNode`, `toNode` of every edge;
    - a field of the wrong type (`"x": "10"`, `"width": 250.5`: positions
      and sizes are integers), a node `type` that is none of `text`,
      `file`, `link`, `group` (with the closest one), a `fromSide`/`toSide`
      that is no side, a `fromEnd`/`toEnd` that is neither `none` nor
      `arrow`, a `backgroundStyle` that is none of `cover`, `ratio`,
      `repeat`, a `color` that is neither a preset (`"1"` to `"6"`) nor a
      hex color (`"#FF0000"`), a `subpath` that does not start with `#`.

    Fields the spec does not name are left alone: apps and plugins add
    their own.

Why
    Obsidian opens a canvas that is not JSON as an empty board, and drops
    or misplaces the nodes it cannot read; other JSON Canvas apps refuse
    the file. The author sees cards vanish without a word.

Options
    None.

Example
    A hand-edited canvas with a comma too many:

        {"nodes": [{"id": "a", "type": "text", "text": "Hi", "x": 0, "y": 0, "width": 250, "height": 60},]}

    gives `board.canvas:1:98: canvas-syntax invalid JSON: Expecting value (a
    comma before `]`: JSON allows none after the last item)`.

Fix safety
    No fix: only the author knows what the canvas meant.
"""

from __future__ import annotations

import re

from vaultlint.formats.canvas import CANVAS, Item, Value, of_note
from vaultlint.rule import Rule, Severity
from vaultlint.vault.suggest import Suggester

NODE_TYPES = ("text", "file", "link", "group")
SIDES = ("top", "right", "bottom", "left")
ENDS = ("none", "arrow")
BACKGROUND_STYLES = ("cover", "ratio", "repeat")
_COLOR = re.compile(r"[1-6]|#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})")

# field -> what it must be: "string", "integer", "color", or the values allowed.
NODE_FIELDS = {"id": "string", "type": "string", "x": "integer", "y": "integer", "width": "integer",
               "height": "integer", "color": "color"}
NODE_REQUIRED = ("id", "type", "x", "y", "width", "height")
TYPE_FIELDS = {
    "text": ({"text": "string"}, ("text",)),
    "file": ({"file": "string", "subpath": "string"}, ("file",)),
    "link": ({"url": "string"}, ("url",)),
    "group": ({"label": "string", "background": "string", "backgroundStyle": BACKGROUND_STYLES}, ()),
}
EDGE_FIELDS = {"id": "string", "fromNode": "string", "toNode": "string", "fromSide": SIDES, "toSide": SIDES,
               "fromEnd": ENDS, "toEnd": ENDS, "color": "color", "label": "string"}
EDGE_REQUIRED = ("id", "fromNode", "toNode")


def json_kind(data: object) -> str:
    """What a JSON value is, in words."""
    if isinstance(data, bool):
        return f"`{str(data).lower()}`"
    if isinstance(data, int):
        return "an integer"
    return {float: "a number", str: "a string", list: "an array", dict: "an object",
            type(None): "`null`"}.get(type(data), "a value")


def item_name(item: Item, what: str) -> str:
    """`text node \\`59e8...\\`` / `edge \\`e1\\``: how a message names the item."""
    kind = item.type if what == "node" and item.type in NODE_TYPES else None
    label = f"{kind} node" if kind else what
    if item.id is not None:
        return f"{label} `{item.id}`"
    return f"an {label}" if label[0] in "aeiou" else f"a {label}"


class CanvasSyntax(Rule):
    name = "canvas-syntax"
    severity = Severity.ERROR
    kinds = (CANVAS,)

    def check_note(self, note, ctx):
        canvas = of_note(note, ctx)
        if canvas.problem is not None:
            at = min(canvas.problem.offset, len(note.text))
            yield self.diagnostic(note, at, min(at + 1, len(note.text)),
                                  f"invalid JSON: {canvas.problem.message}{_comma_hint(note.text, at)}")
            return
        root = canvas.root
        if root is None:
            return
        if not isinstance(root.data, dict):
            yield self.diagnostic(note, root.start, root.end,
                                  f"a canvas is an object with `nodes` and `edges`, not {json_kind(root.data)}")
            return
        for key in ("nodes", "edges"):
            pair = root.get(key)
            if pair is None:
                continue
            if not isinstance(pair[1].data, list):
                yield self.diagnostic(note, pair[1].start, pair[1].end,
                                      f"`{key}` is {json_kind(pair[1].data)}, not an array")
                continue
            for item in pair[1].members:
                if not isinstance(item.data, dict):
                    yield self.diagnostic(note, item.start, item.end,
                                          f"an item of `{key}` is {json_kind(item.data)}, not an object")
        for node in canvas.nodes:
            yield from self._check_node(note, node)
        for edge in canvas.edges:
            yield from self._check_fields(note, edge, "edge", EDGE_FIELDS, EDGE_REQUIRED)

    def _check_node(self, note, node):
        fields, required = dict(NODE_FIELDS), NODE_REQUIRED
        kind = node.type
        if kind in TYPE_FIELDS:
            more, more_required = TYPE_FIELDS[kind]
            fields.update(more)
            required = required + more_required
        yield from self._check_fields(note, node, "node", fields, required)
        type_value = node.field("type")
        if kind is not None and kind not in NODE_TYPES:
            close = [c.value for c in Suggester(NODE_TYPES).suggest(kind, 1)]
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            yield self.diagnostic(note, type_value.start, type_value.end,
                                  f"{item_name(node, 'node')} has type `{kind}`, not one of"
                                  f" {', '.join(NODE_TYPES)}{hint}", suggestions=close)
        subpath = node.field("subpath") if kind == "file" else None
        if subpath is not None and isinstance(subpath.data, str) and not subpath.data.startswith("#"):
            yield self.diagnostic(note, subpath.start, subpath.end,
                                  f"the `subpath` of {item_name(node, 'node')} does not start with `#`")

    def _check_fields(self, note, item: Item, what: str, fields: dict, required: tuple):
        obj = item.value
        where = item.field("id") or Value(None, obj.start, obj.start + 1)
        for name in required:
            if item.field(name) is None:
                yield self.diagnostic(note, where.start, where.end,
                                      f"{item_name(item, what)} has no `{name}` (required)")
        for key, value in obj.members:
            want = fields.get(key.data)
            if want is None:
                continue
            problem = _mismatch(value.data, want)
            if problem:
                yield self.diagnostic(note, value.start, value.end,
                                      f"`{key.data}` of {item_name(item, what)} is {problem}")


def _comma_hint(text: str, at: int) -> str:
    """What a hand edit most often leaves: a comma after the last item."""
    if text[at:at + 1] in ("]", "}") and text[:at].rstrip(" \t\r\n").endswith(","):
        return f" (a comma before `{text[at]}`: JSON allows none after the last item)"
    return ""


def _mismatch(data: object, want) -> str | None:
    """What is wrong with a field's value (None: nothing)."""
    if want == "integer":
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            return f"{json_kind(data)}, not an integer"
        return None if isinstance(data, int) or data.is_integer() else f"{data}, not an integer"
    if not isinstance(data, str):
        return f"{json_kind(data)}, not a string"
    if want == "color":
        return None if _COLOR.fullmatch(data) else f"`{data}`, neither a preset (`\"1\"` to `\"6\"`) nor a hex color"
    if isinstance(want, tuple) and data not in want:
        return f"`{data}`, not one of {', '.join(want)}"
    return None

"""What YAML made of the text a person wrote, said in words.

PyYAML reads YAML 1.1: an unquoted `no` is the boolean false, `12:34:56` the
integer 45296 (base 60), `012` the octal 10, `1.10` the float 1.1, `- a: b`
a one-key mapping, and an unquoted link `[[Note]]` a list in a list.
`trap(node)` names such surprises; `describe` and `type_words` say values and
JSON types the way messages need them; `quote` makes a scalar that YAML keeps
as the text written.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator

import yaml

from ..markdown.note import FrontMatter
from .schemas import YamlDate

TAG = "tag:yaml.org,2002:"
_BOOL_WORDS = {"yes", "no", "on", "off"}  # YAML 1.1 booleans that are words in YAML 1.2
_DATE_DIGITS = re.compile(r"(?:19|20)\d{6}(?:\d{4}(?:\d{2})?)?")  # yyyymmdd[hhmm[ss]]
PLAIN = (None, "")  # a plain scalar's style (PyYAML says None, its C loader "")
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def walk(fm: FrontMatter) -> Iterator[tuple[tuple, yaml.Node | None, yaml.Node]]:
    """(path, key node, value node) of every node of the front-matter, the
    path being the keys and indexes that lead to it in the data."""
    if fm.root is None:
        return
    stack: list[tuple[tuple, yaml.Node | None, yaml.Node]] = [((), None, fm.root)]
    while stack:
        path, key, node = stack.pop()
        yield path, key, node
        if isinstance(node, yaml.MappingNode):
            stack.extend((path + (k.value,), k, v) for k, v in reversed(node.value) if isinstance(k, yaml.ScalarNode))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((path + (i,), None, v) for i, v in reversed(list(enumerate(node.value))))


def node_type(node: yaml.Node) -> str:
    """The JSON type of what the node was loaded as."""
    if isinstance(node, yaml.MappingNode):
        return "object"
    if isinstance(node, yaml.SequenceNode):
        return "array"
    return {
        TAG + "bool": "boolean", TAG + "int": "integer", TAG + "float": "number",
        TAG + "null": "null", TAG + "timestamp": "string",
    }.get(node.tag, "string")


def trap(node: yaml.Node) -> tuple[str, bool] | None:
    """(what YAML made of it, whether that loses what was written) for an
    unquoted scalar, or a one-line `a: b` list item, that YAML did not keep
    as the text written; None for anything else."""
    if isinstance(node, yaml.SequenceNode):
        inner = node.value[0] if len(node.value) == 1 else None
        touching = inner is not None and node.start_mark.index + 1 == inner.start_mark.index  # `[[`, not `[ [`
        if (node.flow_style and touching and isinstance(inner, yaml.SequenceNode) and len(inner.value) == 1
                and isinstance(inner.value[0], yaml.ScalarNode)):
            return (f"a list inside a list, not a link (Obsidian reads `[[{inner.value[0].value}]]` in a property"
                    " as a link only when it is quoted)"), True
        return None
    if isinstance(node, yaml.MappingNode):
        if len(node.value) == 1 and not node.flow_style:
            k, v = node.value[0]
            if (isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode) and k.style in PLAIN
                    and k.start_mark.line == v.end_mark.line):
                return f"a mapping of `{k.value}` to `{v.value}` (a colon and a space make a key)", True
        return None
    if not isinstance(node, yaml.ScalarNode) or node.style not in PLAIN:
        return None
    text = node.value
    if node.tag == TAG + "bool":
        word = text.lower()
        if word not in _BOOL_WORDS:
            return None
        return f"the boolean {'true' if word in ('yes', 'on') else 'false'}", False
    if node.tag == TAG + "int":
        digits = text.lstrip("+-")
        if ":" in text:
            return f"the integer {_int(text)} (YAML 1.1 reads `a:b:c` as a base-60 number)", True
        if digits[:2].lower() in ("0x", "0o", "0b"):
            return f"the integer {_int(text)}", False
        if len(digits) > 1 and digits.startswith("0"):
            return f"the integer {_int(text)} (a leading 0 makes it octal)", True
        if "_" in digits:
            return f"the integer {_int(text)}", True
        if _DATE_DIGITS.fullmatch(digits):
            return f"a big integer ({digits}), not a date or a text", False
        return None
    if node.tag == TAG + "float":
        value = _float(text)
        if ":" in text:
            return f"the number {value} (YAML 1.1 reads `a:b` as a base-60 number)", True
        if value is not None and repr(value) != text.lstrip("+"):
            return f"the number {value}", True
    return None


def _int(text: str):
    try:
        return yaml.load(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # pragma: no cover - the node was resolved as an int
        return text


def _float(text: str):
    value = _int(text)
    return value if isinstance(value, float) else None


def quote(text: str) -> str:
    """`text` as a YAML scalar that is always that text."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return "'" + text.replace("'", "''") + "'"


def key_text(key: str) -> str:
    """A key as written in front-matter: plain when it can be."""
    return key if _PLAIN_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


# -- words ----------------------------------------------------------------
TYPE_WORDS = {
    "string": "a string", "number": "a number", "integer": "an integer", "boolean": "true or false",
    "array": "a list", "object": "a mapping", "null": "empty",
}


def type_words(types) -> str:
    """`["array", "null"]` -> "a list or empty"."""
    if isinstance(types, str):
        types = [types]
    words = [TYPE_WORDS.get(t, t) for t in types if t != "null"]
    if "null" in types:
        words.append("empty")
    if len(words) <= 1:
        return words[0] if words else "empty"
    return ", ".join(words[:-1]) + " or " + words[-1]


def kind(value) -> str:
    """What a loaded value is, in words."""
    if isinstance(value, YamlDate):
        return "a date-time" if isinstance(value.value, dt.datetime) else "a date"
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (bytes, bytearray)):
        return "binary data"
    return "a mapping" if isinstance(value, dict) else f"a {type(value).__name__}"


def describe(value, limit: int = 60) -> str:
    """`12345678901 (a number)`, `"abc" (a string)`, `nothing (empty)`."""
    if value is None:
        return "nothing (empty)"
    if isinstance(value, YamlDate):
        shown = str(value)
    elif isinstance(value, bool):
        shown = "true" if value else "false"
    else:
        try:
            shown = json.dumps(value, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            shown = repr(value)
    if len(shown) > limit:
        shown = shown[: limit - 1] + "…"
    return f"{shown} ({kind(value)})"


def where(path) -> str:
    """`tags[1]`, `author.name`; "the front-matter" for the top."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return f"`{out}`" if out else "the front-matter"

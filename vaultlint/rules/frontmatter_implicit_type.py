"""frontmatter-implicit-type: an unquoted value that YAML reads as something else than the text written.

What it checks
    Unquoted front-matter values that YAML 1.1 (PyYAML, and many tools that
    read vaults) turns into another type:

    - `no`, `yes`, `on`, `off` -> a boolean;
    - `12:34:56`, `1:30` -> an integer (base 60: 45296, 90);
    - `0x1DA9430`, `0o17` -> an integer; `012` -> the octal 10;
    - `20240101000000`, `20240101` -> a big integer, not a date;
    - `1.10` -> the number 1.1; `1_000` -> 1000;
    - `- Note: subtitle` in a list -> a one-key mapping, not a string;
    - `related: [[Note]]` -> a list holding a list holding `Note`, not a
      link (Obsidian reads links in properties only when quoted).

    It reports them where a string is expected: the note's schemas (or
    `.obsidian/types.json`) say `string` there, or the key is one of
    Obsidian's lists of strings (`tags`, `aliases`, `cssclasses`). Where
    nothing is declared, it reports only the cases that lose what was
    written (`1:30`, `012`, `1.10`, a `key: value` among strings, an
    unquoted `[[link]]`), since a
    `draft: no` may well mean the boolean.

    Where a schema expects a string, the schema violation is reported here
    (with the fix), not again by `frontmatter-schema`.

Why
    `code: 012` is read as 10 and `time: 12:30` as 750; `answer: no` becomes
    false in a Dataview table; an alias `- Note: subtitle` is a mapping,
    not an alias. The note looks right and its data is not.

Options
    None.

Example
    With a schema saying `start` is a string, `start: 1:30` gives
    `frontmatter-implicit-type `start`: unquoted `1:30` is read by YAML as
    the integer 90 (YAML 1.1 reads `a:b:c` as a base-60 number), but a
    string is expected: quote it` and the fix writes `start: "1:30"`.

Fix safety
    Quoting the value keeps the text exactly as written and makes YAML
    read it as that text. `safe` where a string is declared (the schema,
    types.json or Obsidian says so: the fix is what the declaration
    requires); `unsafe` where nothing is declared (the string is our
    inference). No fix for a value spread over several lines.
"""

from __future__ import annotations

import yaml

from vaultlint.checks.schemas import expected_types, note_schemas
from vaultlint.checks.yaml_traps import node_type, quote, trap, walk, where
from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity

# Obsidian's own properties that are lists of strings, declared or not.
OBSIDIAN_STRING_LISTS = frozenset({"tags", "aliases", "cssclasses"})


class FrontmatterImplicitType(Rule):
    name = "frontmatter-implicit-type"
    severity = Severity.WARNING
    fixable = True

    def check_note(self, note, ctx):
        fm = note.frontmatter
        if fm is None or fm.root is None or fm.plain or not isinstance(fm.data, dict):
            return  # a plain front-matter's values are all the text written
        schemas = None
        for path, _key, node in walk(fm):
            found = trap(node) if path else None
            if found is None:
                continue
            what, lossy = found
            if schemas is None:  # only for notes that have a trap
                schemas = note_schemas(note, ctx).schemas
            expected = expected_types(schemas, path)
            if expected is None and len(path) == 2 and path[0] in OBSIDIAN_STRING_LISTS and isinstance(path[1], int):
                expected = {"string"}
            if expected is None:
                if not lossy or (isinstance(node, yaml.MappingNode) and not _among_strings(fm, path)):
                    continue
                applicability, why = Applicability.UNSAFE, "quote it if the text is meant"
            elif "string" in expected and not _accepts(expected, node_type(node)):
                applicability, why = Applicability.SAFE, "but a string is expected: quote it"
            else:
                continue
            yield self._report(note, path, node, what, applicability, why)

    def _report(self, note, path, node, what, applicability, why):
        fm = note.frontmatter
        start, end = _span(fm, node)
        text = note.text[start:end]
        message = f"{where(path)}: unquoted `{text}` is read by YAML as {what}, {why}"
        fix = None
        if "\n" not in text and "\r" not in text:
            fix = self.fix(note, [(start, end, quote(text))], applicability, f"quote it: {quote(text)}")
        return self.diagnostic(note, start, end, message, fix=fix)


def _span(fm, node) -> tuple[int, int]:
    if isinstance(node, yaml.MappingNode):  # `- a: b`: from the key to the value
        key, value = node.value[0]
        return fm.node_span(key)[0], fm.node_span(value)[1]
    return fm.node_span(node)


def _accepts(expected: set[str], actual: str) -> bool:
    return actual in expected or (actual == "integer" and "number" in expected)


def _among_strings(fm, path) -> bool:
    """The `- a: b` item stands in a list whose other items are strings."""
    _key, parent = fm.locate(path[:-1])
    if not isinstance(parent, yaml.SequenceNode) or len(parent.value) < 2:
        return False
    others = [n for i, n in enumerate(parent.value) if i != path[-1]]
    return all(isinstance(n, yaml.ScalarNode) and node_type(n) == "string" for n in others)

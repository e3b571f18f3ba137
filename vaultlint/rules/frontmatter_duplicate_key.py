"""frontmatter-duplicate-key: a front-matter key given twice in the same mapping.

What it checks
    Every mapping of the front-matter, at any depth, for a key that appears
    more than once. Found from the composed YAML node tree, where every
    occurrence is still there (the loaded data only has the last one).

Why
    YAML keeps only the last value of a repeated key: PyYAML, Obsidian and
    most site generators drop the others without a word. The note shows one
    `title` in the editor and another one everywhere else, and the lost
    value is gone on the next save from Obsidian's property editor.

Options
    None.

Example
        ---
        title: Draft
        tags: [a]
        title: Final
        ---

    gives `note.md:4:1: frontmatter-duplicate-key `title` is given again
    (first on line 2): YAML keeps only this last value and drops "Draft"`.

Fix safety
    When every occurrence holds the same value (written the same way on one
    line), deleting the repeated line is `safe`: the data does not change.
    Otherwise there is no fix: only the author knows which value is right.
"""

from __future__ import annotations

import yaml

from vaultlint.checks.yaml_traps import PLAIN, TAG, walk
from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity

_TRUE = {"yes", "true", "on"}


def key_identity(node: yaml.ScalarNode) -> tuple[str, str]:
    """Two keys are the same when YAML loads them as the same value."""
    if node.tag == TAG + "bool":
        return node.tag, str(node.value.lower() in _TRUE)
    if node.tag == TAG + "null":
        return node.tag, ""
    return node.tag, node.value


class FrontmatterDuplicateKey(Rule):
    name = "frontmatter-duplicate-key"
    severity = Severity.ERROR
    fixable = True

    def check_note(self, note, ctx):
        fm = note.frontmatter
        if fm is None or fm.root is None or fm.plain:
            return  # a plain front-matter has each key once
        for _path, _key, node in walk(fm):
            if not isinstance(node, yaml.MappingNode):
                continue
            given: dict[tuple[str, str], list[tuple[yaml.Node, yaml.Node]]] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != TAG + "merge":
                    given.setdefault(key_identity(key), []).append((key, value))
            for entries in given.values():
                for key, value in entries[1:]:
                    yield self._duplicate(note, key, value, entries)

    def _duplicate(self, note, key, value, entries):
        fm = note.frontmatter
        first_key, first_value = entries[0]
        message = f"`{key.value}` is given again (first on line {note.position(fm.node_span(first_key)[0])[0]}): "
        same = all(_same_value(fm, value, v) for _k, v in entries)
        if same:
            message += "the same value again"
        elif key is entries[-1][0]:
            lost = ", ".join(_shown(v) for _k, v in entries[:-1])
            message += f"YAML keeps only this last value and drops {lost}"
        else:
            message += f"YAML keeps only the last value (line {note.position(fm.node_span(entries[-1][0])[0])[0]})"
        fix = None
        entry = _entry_line(note, fm, key, value)
        if entry is not None and same:
            fix = self.fix(note, [entry], Applicability.SAFE, f"delete the repeated `{key.value}` (same value)")
        return self.diagnostic(note, *fm.node_span(key), message, fix=fix)


def _shown(node) -> str:
    if isinstance(node, yaml.ScalarNode):
        text = node.value if len(node.value) <= 40 else node.value[:39] + "…"
        return f'"{text}"' if text else "an empty value"
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


def _same_value(fm, a, b) -> bool:
    return (isinstance(a, yaml.ScalarNode) and isinstance(b, yaml.ScalarNode)
            and fm.source[a.start_mark.index:a.end_mark.index] == fm.source[b.start_mark.index:b.end_mark.index])


def _entry_line(note, fm, key, value) -> tuple[int, int, str] | None:
    """The edit deleting the line `key: value` when the entry is that whole
    line (a one-line block mapping entry, a comment after it allowed)."""
    if not isinstance(value, yaml.ScalarNode) or value.style not in (*PLAIN, "'", '"'):
        return None
    if not key.start_mark.line == value.start_mark.line == value.end_mark.line:
        return None
    start, _ = fm.node_span(key)
    _, end = fm.node_span(value)
    line_start = note.text.rfind("\n", 0, start) + 1
    if note.text[line_start:start].strip():
        return None  # the key does not begin the line (a flow mapping)
    line_end = note.text.find("\n", end)
    rest = note.text[end: line_end if line_end != -1 else len(note.text)].strip()
    if rest and not rest.startswith("#"):
        return None
    return line_start, (line_end + 1 if line_end != -1 else len(note.text)), ""

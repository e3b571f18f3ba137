"""frontmatter-schema: a front-matter value that breaks one of the note's JSON Schemas.

What it checks
    The front-matter of each note against every schema that applies to it:
    the config's `[[schema]]` tables (by `files` glob and/or `where`
    property value; `path` is a schema file or a built-in schema, `obsidian`
    or `tubegraph`), the schema the note names in its `$schema` key (the
    config's `schema-key`), and `.obsidian/types.json`, whose declared
    property types (text, multitext, number, checkbox, date, datetime,
    aliases, tags) hold for every note of the vault.

    One diagnostic per violation, all of them, each at the value that is
    wrong (a missing required key at the mapping that should hold it), in
    words: "`videoId` must match ^[A-Za-z0-9_-]{11}$, got 12345678901 (a
    number)". A schema's own wording can replace ours with an
    `errorMessage` next to the keyword that fails ("must be a tag: no `#`").

    Schemas are JSON Schema Draft 2020-12 unless their `$schema` names
    another draft. A `$ref` to another file (`common.schema.json#/$defs/tag`)
    is read from beside the schema that names it; nothing is fetched from
    the network. `format` is checked: `date` (YYYY-MM-DD), `date-time`
    (RFC 3339, or the local `YYYY-MM-DDTHH:MM[:SS]` Obsidian writes), `uri`,
    `email` and the other formats jsonschema knows. A date YAML loaded as a
    date object is a valid `date` (and a string), as Obsidian sees it.

Why
    Dashboards, Dataview queries, Bases and site generators read
    front-matter: a wrong type or a missing key breaks them far from the
    note that is wrong.

Options
    None: the schemas are set in the config (`[[schema]]`, `schema-key`).

Examples
    With `[[schema]] path = "tubegraph"`, a note with `videoId: 12345678901`
    gives `frontmatter-schema `videoId` must match ^[A-Za-z0-9_-]{11}$, got
    12345678901 (a number)`; a note without `title` gives `missing required
    key `title``.

    A top-level value that is not a `date` or `date-time` is reported by
    `date-format` (with a fix). A key no schema allows is reported by
    `frontmatter-unknown-key`; an
    unquoted `no` or `12:30` where a string is expected by
    `frontmatter-implicit-type` (with a fix), not here. A schema file that is
    missing or is not valid JSON Schema stops the run (exit 2) naming the
    file and the problem; a schema a note names that cannot be read is
    reported on that note.

Fix safety
    An unquoted value where a string is expected, whose text is what the
    schema wants (`videoId: 72083946675`, a YouTube id of digits): quoting
    it is `safe`, the text stays as written and now is a string.

    A lone text where a list of strings is expected (`aliases: Fold`)
    becomes a one-item list (`aliases: [Fold]`): `safe`, as Obsidian
    already shows it so; not offered for a text with commas (`tags: a, b`,
    an old form whose split only the author knows). Other violations have
    no fix: the right value is the author's to give.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import yaml

from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity

if TYPE_CHECKING:  # imported where used: a run that validates nothing never loads it
    import jsonschema
from vaultlint.checks.schemas import expected_types, instance, note_schemas
from vaultlint.checks.yaml_traps import PLAIN, TAG, describe, kind, quote, trap, type_words, where
from vaultlint.vault.suggest import Suggester

# What a plain scalar cannot hold inside `[...]`.
_FLOW_UNSAFE = re.compile(r"[\[\]{},]|: | #|^[-?:&*!|>'\"%@`]")

# Reported by frontmatter-unknown-key, with a suggestion.
UNKNOWN_KEY_VALIDATORS = {"additionalProperties", "unevaluatedProperties"}
FORMAT_HINTS = {"date": " (YYYY-MM-DD)", "date-time": " (YYYY-MM-DDTHH:MM:SS)", "uri": " (scheme:…, e.g. https://…)"}


class FrontmatterSchema(Rule):
    name = "frontmatter-schema"
    severity = Severity.ERROR
    fixable = True

    def check_note(self, note, ctx):
        fm = note.frontmatter
        if note.frontmatter_problem is not None or (fm is not None and fm.problem is not None):
            return  # frontmatter-syntax
        if fm is not None and fm.data is not None and not isinstance(fm.data, dict):
            return
        found = note_schemas(note, ctx)
        if found.problem is not None:
            yield self.diagnostic(note, *located(note, (found.key,)), found.problem)
        if not found.schemas:
            return
        data = instance(note.data)
        seen = set()
        for schema in found.schemas:
            for error in sorted(schema.errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
                for path, message, suggestions in explain(error):
                    # Two schemas that say the same thing make one diagnostic.
                    said = {(path, message), (path, error.validator, repr(error.validator_value))}
                    if error.validator == "required":
                        said = {(path, message)}
                    if said & seen or self._is_yaml_trap(note, found.schemas, error, path) or _is_date(error, path):
                        continue
                    seen |= said
                    if schema.source:
                        message += f"; declared in {schema.source}"
                    fix = self._as_list(note, found.schemas, error, path) or self._quoted(note, schema, error, path)
                    yield self.diagnostic(note, *located(note, path), message, suggestions=suggestions, fix=fix)

    def _quoted(self, note, schema, error, path):
        """`videoId: 72083946675` where a string is expected: quoted, the
        text written is the string the schema wants (it is checked)."""
        if error.validator != "type" or "string" not in error.validator_value:
            return None
        _key, node = note.frontmatter.locate(path)
        if not isinstance(node, yaml.ScalarNode) or node.style not in PLAIN or node.tag == TAG + "null":
            return None
        start, end = note.frontmatter.node_span(node)
        text = note.text[start:end]
        if "\n" in text or "\r" in text or not schema.validator.evolve(schema=error.schema).is_valid(text):
            return None
        return self.fix(note, [(start, end, quote(text))], Applicability.SAFE,
                        f"quote it: {quote(text)} (YAML reads it unquoted as {kind(error.instance)})")

    def _as_list(self, note, schemas, error, path):
        """`aliases: Fold` where a list of strings is expected: `aliases:
        [Fold]`, what Obsidian shows it as. Not for `a, b` (an old
        comma-separated form, whose split only the author knows)."""
        expected = error.validator_value
        if error.validator != "type" or "array" not in expected or "string" in expected:
            return None
        _key, node = note.frontmatter.locate(path)
        value = error.instance
        if (not isinstance(node, yaml.ScalarNode) or not isinstance(value, str) or "," in value
                or node.start_mark.line != node.end_mark.line
                or "string" not in (expected_types(schemas, (*path, 0)) or ())):
            return None
        start, end = note.frontmatter.node_span(node)
        text = note.text[start:end]
        if node.style in PLAIN and _FLOW_UNSAFE.search(text):
            text = json.dumps(value, ensure_ascii=False)
        return self.fix(note, [(start, end, f"[{text}]")], Applicability.SAFE, f"make it a list: [{text}]")

    @staticmethod
    def _is_yaml_trap(note, schemas, error, path) -> bool:
        """A type error on an unquoted `no`, `12:30`, `012`... where a string
        is expected: frontmatter-implicit-type reports it, with its fix."""
        if error.validator != "type" or note.frontmatter is None or note.frontmatter.root is None:
            return False
        _key, node = note.frontmatter.locate(path)
        return node is not None and trap(node) is not None and "string" in (expected_types(schemas, path) or ())


def located(note, path) -> tuple[int, int]:
    """The span to report at: the value at `path` (its key when the value
    is empty), the first line of a mapping, the opening `---` when the
    front-matter is empty, the start of the note when it has none."""
    fm = note.frontmatter
    if fm is None:
        return 0, 0
    if fm.root is None:
        return 0, 3
    key, node = fm.locate(path)
    start, end = fm.node_span(node)
    if start == end and key is not None:
        start, end = fm.node_span(key)
    line_end = note.text.find("\n", start)
    if line_end != -1 and end > line_end:  # a block: its first line
        end = line_end
    return start, end


def explain(error: jsonschema.ValidationError) -> list[tuple[tuple, str, tuple[str, ...]]]:
    """(path, message, suggestions) for one jsonschema error: the words a
    person understands, located at the value (or for `required`, one per
    missing key, at the mapping)."""
    path = tuple(error.absolute_path)
    validator, expected, value = error.validator, error.validator_value, error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    name = where(path)
    got = f", got {describe(value)}"
    if validator in UNKNOWN_KEY_VALIDATORS:
        return []
    if error.schema is False:
        return [(path, f"{name} is not allowed", ())]
    if validator == "required":
        holder = f" in {name}" if path else ""
        missing = [k for k in expected if isinstance(value, dict) and k not in value]
        return [(path, f"missing required key `{k}`{holder}", ()) for k in missing]
    if isinstance(schema.get("errorMessage"), str):
        deprecated = validator == "not" and schema.get("not") == {}
        return [(path, f"{name} {schema['errorMessage']}{'' if deprecated else got}", ())]
    if validator == "dependentRequired" and isinstance(value, dict):
        inside = f" in {name}" if path else ""
        return [(path + (k,), f"`{k}` needs {', '.join(f'`{d}`' for d in deps if d not in value)} too{inside}", ())
                for k, deps in expected.items() if k in value and any(d not in value for d in deps)]
    if validator in ("anyOf", "oneOf") and error.context:
        return _explain_branches(error, path, name, got)
    suggestions = _suggest(validator, expected, value)
    message = _message(validator, expected, value, schema, name, got)
    if suggestions:
        message += f" (did you mean `{suggestions[0]}`?)"
    return [(path, message, suggestions)]


def _message(validator, expected, value, schema, name, got) -> str:
    if validator == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        if "string" in types and isinstance(schema.get("pattern"), str):
            return f"{name} must match {schema['pattern']}{got}"
        return f"{name} must be {type_words(types)}{got}"
    if validator == "enum":
        choices = ", ".join(f"`{c}`" for c in expected[:10]) + (", …" if len(expected) > 10 else "")
        return f"{name} must be one of {choices}{got}"
    if validator == "const":
        return f"{name} must be `{expected}`{got}"
    if validator == "pattern":
        return f"{name} must match {expected}{got}"
    if validator == "format":
        return f"{name} must be a valid {expected}{FORMAT_HINTS.get(expected, '')}{got}"
    if validator == "minLength" and expected == 1:
        return f"{name} must not be empty"
    if validator in ("minLength", "maxLength"):
        return f"{name} must be at {'least' if validator == 'minLength' else 'most'} {expected} characters long{got}"
    if validator in ("minItems", "maxItems"):
        return f"{name} must list at {'least' if validator == 'minItems' else 'most'} {expected} items{got}"
    if validator == "uniqueItems":
        twice = next((v for i, v in enumerate(value) if v in value[:i]), None)
        return f"{name} lists {describe(twice)} more than once"
    bounds = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
              "exclusiveMaximum": "less than"}
    if validator in bounds:
        return f"{name} must be {bounds[validator]} {expected}{got}"
    if validator == "not":
        return f"{name} must not match {schema.get('not')}{got}"
    if validator in ("minProperties", "maxProperties"):
        keys = "key" if expected == 1 else "keys"
        return f"{name} must have at {'least' if validator == 'minProperties' else 'most'} {expected} {keys}"
    if validator == "multipleOf":
        return f"{name} must be a multiple of {expected}{got}"
    if validator == "contains":
        return f"{name} must hold at least one item that {_contains_words(expected)}{got}"
    return f"{name} fails `{validator}: {expected}`{got}"


def _contains_words(schema) -> str:
    if isinstance(schema, dict) and "const" in schema:
        return f"is `{schema['const']}`"
    if isinstance(schema, dict) and isinstance(schema.get("type"), (str, list)):
        return f"is {type_words(schema['type'])}"
    return f"matches {json.dumps(schema)}"


def _explain_branches(error, path, name, got):
    """anyOf/oneOf: "must be a string or a list" when every branch fails on
    its type; else the branch that came closest."""
    if all(e.validator == "type" and tuple(e.absolute_path) == path for e in error.context):
        types: list[str] = []
        for e in error.context:
            for t in [e.validator_value] if isinstance(e.validator_value, str) else e.validator_value:
                if t not in types:
                    types.append(t)
        return [(path, f"{name} must be {type_words(types)}{got}", ())]
    if error.validator == "oneOf" and not error.context:
        return [(path, f"{name} matches more than one of the choices the schema allows{got}", ())]
    from jsonschema.exceptions import best_match

    best = best_match(error.context)
    return explain(best) if best is not None else [(path, f"{name}: {error.message}", ())]


def _suggest(validator, expected, value) -> tuple[str, ...]:
    if validator != "enum" or not isinstance(value, str):
        return ()
    choices = [c for c in expected if isinstance(c, str)]
    return tuple(c.value for c in Suggester(choices).suggest(value, 1))


def _is_date(error, path) -> bool:
    """A property's date format: date-format reports it, with its fix."""
    return error.validator == "format" and error.validator_value in ("date", "date-time") and len(path) == 1

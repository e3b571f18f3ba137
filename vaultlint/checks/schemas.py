"""The JSON Schemas a note's front-matter is held to, and how to read them.

Where schemas come from, for one note (all that apply are used):

- the config's `[[schema]]` tables: `path` names a schema file (relative to
  the vault root) or a built-in schema (`obsidian`, `tubegraph`; see
  `vaultlint/schemas/`); `files` (globs) and `where` (property values)
  choose the notes, both optional:

      [[schema]]
      path = "obsidian"                      # every note
      [[schema]]
      files = ["talks/**"]
      path = "schemas/talk.schema.json"
      [[schema]]
      where = { type = "video" }             # notes whose `type` is (or lists) `video`
      path = "schemas/video.schema.json"

- the note itself: a front-matter key (`schema-key`, `$schema` by default)
  naming a schema the same way (`$schema: schemas/talk.schema.json`);
- `.obsidian/types.json`, as an implicit schema for every note (see
  `vaultlint.properties`).

A schema is read with the draft its `$schema` names (Draft 2020-12 when it
names none) and checked against that draft's meta-schema. A config schema
that is missing or invalid is a `ConfigError`; one a note names is a problem
of that note.

Values are validated as YAML loaded them, except that the dates and times
YAML made objects of are given to jsonschema as their ISO text (a `YamlDate`,
a `str` that remembers the object): such a value is a string, and a valid
`date` (or `date-time`), not "not a string".
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config.schema import ConfigError, closest
from ..vault.index import glob_to_regex
from .obsidian_types import TYPES_FILE, vault_types

if TYPE_CHECKING:  # jsonschema is imported where used: a run that validates nothing never loads it
    import jsonschema
    import referencing

    from ..config.settings import Config
    from ..markdown.note import Note
    from ..rule import Context

BUILTIN_DIR = Path(__file__).resolve().parent / "schemas"


def validator_for(document):
    """The validator class of the draft a schema names (2020-12 by default)."""
    import jsonschema
    from jsonschema.validators import validator_for as found

    return found(document, default=jsonschema.Draft202012Validator)
DEFAULT_SCHEMA_KEY = "$schema"


class SchemaProblem(Exception):
    """A schema that cannot be used: missing, not JSON, not JSON Schema."""


def builtin_names() -> list[str]:
    return sorted(p.name.removesuffix(".schema.json") for p in BUILTIN_DIR.glob("*.schema.json"))


# -- values as jsonschema sees them ------------------------------------------
class YamlDate(str):
    """The ISO text of a date or datetime YAML loaded as an object; `.value`
    is the object."""

    value: dt.date

    def __new__(cls, value: dt.date):
        text = value.isoformat()
        self = super().__new__(cls, text)
        self.value = value
        return self


def instance(data: Any) -> Any:
    """Front-matter data as JSON Schema sees it: dates as `YamlDate`, keys as
    text (YAML allows `1:` as a key, JSON does not)."""
    if isinstance(data, dict):
        return {k if isinstance(k, str) else str(k): instance(v) for k, v in data.items()}
    if isinstance(data, list):
        return [instance(v) for v in data]
    if isinstance(data, dt.date):
        return YamlDate(data)
    return data


# -- formats -----------------------------------------------------------------
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# RFC 3339, or the local date-time Obsidian writes (`2024-01-31T09:30`).
_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|z|[+-]\d{2}:\d{2})?")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def is_date(value) -> bool:
    if isinstance(value, YamlDate):
        return not isinstance(value.value, dt.datetime)
    if not isinstance(value, str):
        return True  # formats apply to strings only
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_date_time(value) -> bool:
    if isinstance(value, YamlDate):
        return isinstance(value.value, dt.datetime)
    if not isinstance(value, str):
        return True
    m = _DATE_TIME.fullmatch(value)
    if m is None or not is_date(m.group(1)):
        return False
    hours, minutes, seconds = int(m.group(2)), int(m.group(3)), int(m.group(4) or 0)
    return hours < 24 and minutes < 60 and seconds < 61  # 60: a leap second


def is_uri(value) -> bool:
    return not isinstance(value, str) or bool(_URI.fullmatch(value))


def is_email(value) -> bool:
    return not isinstance(value, str) or bool(_EMAIL.fullmatch(value))


def format_checker(cls) -> jsonschema.FormatChecker:
    """The draft's format checker, with dates that know YAML's date objects
    and uri/email checks that need no optional package."""
    import jsonschema

    checker = jsonschema.FormatChecker(list(cls.FORMAT_CHECKER.checkers))
    checker.checkers = dict(cls.FORMAT_CHECKER.checkers)
    for name, check in (("date", is_date), ("date-time", is_date_time), ("uri", is_uri), ("email", is_email)):
        checker.checkers[name] = (check, ())
    return checker


# -- schemas -----------------------------------------------------------------
# Keywords that do not constrain a value.
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "$defs", "definitions", "title", "description",
                          "examples", "default", "deprecated", "readOnly", "writeOnly"})


def read_json(file: Path, ref: str, relative_to: str = "the vault root"):
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SchemaProblem(f"schema file {ref} does not exist (paths are relative to {relative_to})") from None
    except OSError as exc:
        raise SchemaProblem(f"cannot read schema file {ref}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SchemaProblem(f"schema file {ref} is not UTF-8") from None
    except ValueError as exc:
        raise SchemaProblem(f"schema file {ref} is not valid JSON: {exc}") from None


def retriever(folder: Path | None):
    """How `$ref: "common.schema.json#/$defs/tag"` finds its file: beside
    the schema that names it. Nothing is fetched from the network."""

    def retrieve(uri: str) -> referencing.Resource:
        import referencing
        from referencing.jsonschema import DRAFT202012

        if folder is None or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", uri):
            raise SchemaProblem(f"`$ref` {uri}: only schema files beside this one can be referred to"
                                " (vaultlint reads no schema from the network: save it as a file)")
        contents = read_json(folder / uri, uri, "the schema that refers to it")
        return referencing.Resource.from_contents(contents, default_specification=DRAFT202012)

    return retrieve


@dataclass
class Schema:
    name: str  # as the user wrote it: a path or a built-in name
    document: dict
    source: str = ""  # said after a message when the schema is implicit
    folder: Path | None = None  # where its file is, for `$ref`s to other files

    @cached_property
    def registry(self) -> referencing.Registry:
        import referencing

        return referencing.Registry(retrieve=retriever(self.folder))

    @cached_property
    def validator(self) -> jsonschema.protocols.Validator:
        cls = validator_for(self.document)
        return cls(self.document, format_checker=format_checker(cls), registry=self.registry)

    def check_refs(self) -> None:
        """Read every file a `$ref` names now, so that a missing one is a
        config error, not a crash in the middle of a run."""
        import referencing.exceptions

        for ref in _refs(self.document):
            if not ref.startswith("#"):
                try:
                    self.registry.get_or_retrieve(ref.split("#", 1)[0])
                except referencing.exceptions.Unretrievable as exc:
                    cause = exc.__cause__
                    raise SchemaProblem(f"schema {self.name}: {cause or exc}") from None

    @cached_property
    def named_only(self) -> frozenset[str] | None:
        """The keys an open schema speaks of, when it speaks of nothing
        else (`type: object` and `properties`, as types.json and the
        `obsidian` schema): then the other keys of a note need no look."""
        doc = self.document
        if (isinstance(doc, dict) and set(doc) <= _ANNOTATIONS | {"type", "properties"}
                and doc.get("type", "object") == "object" and isinstance(doc.get("properties"), dict)):
            return frozenset(doc["properties"])
        return None

    def errors(self, data) -> list[jsonschema.ValidationError]:
        keys = self.named_only
        if keys is not None and isinstance(data, dict):
            if keys.isdisjoint(data):
                return []
            data = {k: v for k, v in data.items() if k in keys}  # the same errors, sooner
        return list(self.validator.iter_errors(data))

    def at(self, path: Iterable) -> list[dict]:
        """The sub-schemas that speak about the value at `path` (keys and
        indexes): through properties, patternProperties,
        additionalProperties, items, prefixItems, local `$ref`s and the
        allOf/anyOf/oneOf branches."""
        found = [self.document]
        for step in path:
            found = [s for schema in found for e in self._expand(schema) for s in _children(e, step)]
        return [e for s in found for e in self._expand(s)]

    def _expand(self, schema, depth: int = 0) -> list[dict]:
        if not isinstance(schema, dict) or depth > 8:
            return []
        out = [schema]
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            out += self._expand(self._pointer(self.document, ref[1:]), depth + 1)
        elif isinstance(ref, str) and ref and not ref.startswith("#"):
            import referencing.exceptions

            file, _, pointer = ref.partition("#")
            try:
                other = self.registry.get_or_retrieve(file).value.contents
            except referencing.exceptions.Unretrievable:
                other = None
            out += self._expand(self._pointer(other, pointer) if pointer else other, depth + 1)
        for word in ("allOf", "anyOf", "oneOf"):
            for branch in schema.get(word, ()) or ():
                out += self._expand(branch, depth + 1)
        return out

    @staticmethod
    def _pointer(document, pointer: str):
        node: Any = document
        for part in pointer.lstrip("/").split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return None
        return node

    def allowed_keys(self, path: Iterable = ()) -> tuple[set[str], list[re.Pattern], bool]:
        """(declared keys, key patterns, closed) of the mapping at `path`:
        closed when `additionalProperties` or `unevaluatedProperties` is
        false there."""
        keys: set[str] = set()
        patterns: list[re.Pattern] = []
        closed = False
        for schema in self.at(path):
            keys.update(schema.get("properties", {}) or {})
            for p in schema.get("patternProperties", {}) or {}:
                try:
                    patterns.append(re.compile(p))
                except re.error:
                    pass
            closed |= schema.get("additionalProperties") is False or schema.get("unevaluatedProperties") is False
        return keys, patterns, closed


def _children(schema: dict, step) -> list:
    if isinstance(step, int):
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list) and step < len(prefix):
            return [prefix[step]]
        items = schema.get("items")
        if isinstance(items, list):  # drafts before 2020-12
            return [items[step]] if step < len(items) else []
        return [items] if isinstance(items, dict) else []
    props = schema.get("properties") or {}
    if step in props:
        return [props[step]]
    matched = [s for p, s in (schema.get("patternProperties") or {}).items() if _search(p, step)]
    extra = schema.get("additionalProperties")
    return matched or ([extra] if isinstance(extra, dict) else [])


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def expected_types(schemas: Iterable[Schema], path) -> set[str] | None:
    """JSON types the schemas allow at `path` (`string`, `number`, ...), or
    None when none of them says."""
    types: set[str] = set()
    said = False
    for schema in schemas:
        for sub in schema.at(path):
            t = sub.get("type")
            if isinstance(t, str):
                types.add(t)
                said = True
            elif isinstance(t, list):
                types.update(x for x in t if isinstance(x, str))
                said = True
            for value in ([sub["const"]] if "const" in sub else []) + list(sub.get("enum", []) or []):
                types.add(json_type(value))
                said = True
    return types if said else None


def json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def read_schema(ref: str, root: Path) -> Schema:
    """The schema `ref` names: a `.json` file from the vault root, or a
    built-in name. Raises SchemaProblem."""
    if not ref.lower().endswith(".json"):
        names = builtin_names()
        if ref not in names:
            raise SchemaProblem(f"no built-in schema `{ref}`{closest(ref, names)} (built-in: {', '.join(names)};"
                                " a schema file's name ends in `.json`)")
        return builtin_schema(ref)
    return _read_file(root / ref, ref)


@functools.cache
def builtin_schema(name: str) -> Schema:
    """A built-in schema, read, checked and compiled once per process (a
    `fix` lints several times)."""
    return _read_file(BUILTIN_DIR / f"{name}.schema.json", name)


def _read_file(file: Path, ref: str) -> Schema:
    document = read_json(file, ref)
    check(document, ref)
    schema = Schema(ref, document, folder=file.parent)
    schema.check_refs()
    return schema


def _refs(node):
    """Every `$ref` string in a schema document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def check(document, ref: str) -> None:
    if not isinstance(document, (dict, bool)):
        raise SchemaProblem(f"schema {ref} is not a JSON Schema: a schema is an object, not {json_type(document)}")
    if isinstance(document, bool):
        return
    import jsonschema

    cls = validator_for(document)
    draft = document.get("$schema")
    if isinstance(draft, str) and cls is jsonschema.Draft202012Validator and "2020-12" not in draft:
        raise SchemaProblem(f"schema {ref} names an unknown draft in `$schema`: {draft}")
    try:
        cls.check_schema(document)
    except jsonschema.SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "the top level"
        raise SchemaProblem(f"schema {ref} is not valid JSON Schema at `{where}`: {exc.message}") from None


# -- .obsidian/types.json as a schema ----------------------------------------
# Obsidian shows a lone text in a list property as a one-item list.
_LIST = {"type": ["array", "string", "null"], "items": {"type": ["string", "null"]}}
TYPE_SCHEMAS: dict[str, dict] = {
    "text": {"type": ["string", "null"]},
    "multitext": _LIST,
    "aliases": _LIST,
    "tags": _LIST,
    "number": {"type": ["number", "null"]},
    "checkbox": {"type": ["boolean", "null"]},
    "date": {"type": ["string", "null"], "format": "date"},
    "datetime": {"type": ["string", "null"], "format": "date-time"},
}


def types_schema(types: dict[str, str]) -> Schema | None:
    if not types:
        return None
    document = {"type": "object", "properties": {key: TYPE_SCHEMAS[kind] for key, kind in types.items()}}
    return Schema(TYPES_FILE, document, source=TYPES_FILE)


# -- which schemas a note gets -------------------------------------------------
@dataclass
class Mapping:
    """One `[[schema]]` table of the config."""

    schema: Schema
    files: list[re.Pattern] = field(default_factory=list)
    where: dict[str, list[str]] = field(default_factory=dict)

    def applies(self, path: str, data: dict) -> bool:
        if self.files and not any(p.fullmatch(path) for p in self.files):
            return False
        return all(_has_value(data.get(key), wanted) for key, wanted in self.where.items())


def _has_value(value, wanted: list[str]) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, (str, int, float)) and str(v) in wanted for v in values)


@dataclass
class NoteSchemas:
    schemas: list[Schema]
    problem: str | None = None  # the note names a schema that cannot be used
    key: str | None = None  # the front-matter key that names it


class SchemaSet:
    """Every schema of the run, each read and compiled once."""

    def __init__(self, mappings: list[Mapping], implicit: Schema | None, key: str, root: Path):
        self.mappings = mappings
        self.implicit = implicit
        self.key = key
        self.root = root
        self._named: dict[str, Schema | SchemaProblem] = {}
        self._last: tuple[str, NoteSchemas] | None = None

    @classmethod
    def from_config(cls, config: Config, types: dict[str, str]) -> SchemaSet:
        mappings = []
        for i, table in enumerate(config.schemas, 1):
            try:
                schema = read_schema(table["path"], config.root)
            except SchemaProblem as exc:
                raise ConfigError(f"{config.source}: [[schema]] #{i}: {exc}") from None
            where = {k: v if isinstance(v, list) else [v] for k, v in table.get("where", {}).items()}
            mappings.append(Mapping(schema, [glob_to_regex(g) for g in table.get("files", [])], where))
        key = getattr(config, "schema_key", DEFAULT_SCHEMA_KEY)
        return cls(mappings, types_schema(types), key, config.root)

    def named(self, ref: str) -> Schema:
        got = self._named.get(ref)
        if got is None:
            try:
                got = read_schema(ref, self.root)
            except SchemaProblem as exc:
                got = exc
            self._named[ref] = got
        if isinstance(got, SchemaProblem):
            raise got
        return got

    def for_note(self, note: Note) -> NoteSchemas:
        """The schemas that apply to `note` (computed once per note: rules
        ask in turn for the same note)."""
        if self._last is not None and self._last[0] == note.path:
            return self._last[1]
        data = note.data
        schemas = [m.schema for m in self.mappings if m.applies(note.path, data)]
        found = NoteSchemas(schemas)
        ref = data.get(self.key)
        if ref is not None:
            found.key = self.key
            if not isinstance(ref, str):
                found.problem = f"`{self.key}` must name a schema (a file path or a built-in name), got {ref!r}"
            else:
                try:
                    named = self.named(ref)
                    if named not in schemas:
                        schemas.append(named)
                except SchemaProblem as exc:
                    found.problem = f"`{self.key}`: {exc}"
        if self.implicit is not None:
            schemas.append(self.implicit)
        self._last = (note.path, found)
        return found


def schema_set(ctx: Context) -> SchemaSet:
    """The run's schemas (read once per run). Raises ConfigError."""
    return ctx.memo("schemas.set", lambda: SchemaSet.from_config(ctx.config, vault_types(ctx)))


def note_schemas(note: Note, ctx: Context) -> NoteSchemas:
    return schema_set(ctx).for_note(note)


def schema_formats(note: Note, ctx: Context) -> dict[str, str]:
    """Top-level key -> `format` declared for it by the note's schemas
    (`date`, `date-time`, `uri`, ...)."""
    found: dict[str, str] = {}
    for schema in note_schemas(note, ctx).schemas:
        for key in schema.allowed_keys()[0]:
            for sub in schema.at([key]):
                fmt = sub.get("format")
                if isinstance(fmt, str):
                    found[key] = fmt
    return found

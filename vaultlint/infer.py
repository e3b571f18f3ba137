"""`vaultlint schema infer`: a JSON Schema proposed from the notes that exist.

For a keeper who has no schema yet: each front-matter key the notes use,
with its type (as YAML loaded it: dates are strings of format `date` or
`date-time`), how many notes have it (in its `description`), an `enum` when
its values are few and repeat, and a `pattern` for ids that all have one
length (`videoId`). Keys every note has are `required`. Write it to a file,
edit what you disagree with, and point the config at it:

    vaultlint schema infer > schemas/notes.schema.json

    [[schema]]
    path = "schemas/notes.schema.json"

The proposal is one that the notes it came from pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from .schemas import _URI, json_type
from .suggest import normalize

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_ID = re.compile(r"[A-Za-z0-9_-]+")


@dataclass
class Values:
    """What one key (or the items of its lists) held across the notes."""

    count: int = 0  # notes (or items) that have it
    types: Counter = field(default_factory=Counter)
    formats: Counter = field(default_factory=Counter)  # per string: date, date-time, uri, or ""
    strings: Counter = field(default_factory=Counter)
    items: Values | None = None

    def add(self, value) -> None:
        self.count += 1
        if isinstance(value, dt.datetime):
            self.types["string"] += 1
            self.formats["date-time"] += 1
            return
        if isinstance(value, dt.date):
            self.types["string"] += 1
            self.formats["date"] += 1
            return
        kind = json_type(value)
        self.types[kind] += 1
        if kind == "string":
            self.strings[value] += 1
            self.formats["uri" if _URI.fullmatch(value) and "://" in value else ""] += 1
        elif kind == "array":
            if self.items is None:
                self.items = Values()
            for item in value:
                self.items.add(item)


def value_schema(values: Values, enum_max: int) -> dict:
    types = sorted(values.types, key=lambda t: (-values.types[t], t))
    if "integer" in types and "number" in types:
        types.remove("integer")
    schema: dict = {"type": types[0] if len(types) == 1 else types}
    if [t for t in types if t != "null"] == ["string"]:
        schema.update(string_schema(values, enum_max))
    if "array" in types and values.items is not None and values.items.count:
        schema["items"] = value_schema(values.items, enum_max)
    return schema


def string_schema(values: Values, enum_max: int) -> dict:
    """An enum, a format, or a pattern, when the strings show one."""
    texts = [s for s in values.strings]
    formats = [f for f in values.formats if f]
    if len(values.formats) == 1 and formats:  # every value has this format
        return {"format": formats[0]}
    if values.formats.get("date") or values.formats.get("date-time"):
        return {}  # some dates (objects), some not: say only "string"
    # A few values that repeat make a choice (`status`); names seen once do not.
    if 0 < len(texts) <= enum_max and sum(values.strings.values()) >= 2 * len(texts):
        return {"enum": sorted(texts) + ([None] if values.types["null"] else [])}
    lengths = {len(t) for t in texts}
    if len(texts) >= 5 and len(lengths) == 1 and all(_ID.fullmatch(t) for t in texts):
        return {"pattern": f"^[A-Za-z0-9_-]{{{lengths.pop()}}}$"}
    return {}


def _kind(schema: dict) -> tuple:
    types = schema.get("type")
    types = [types] if isinstance(types, str) else list(types or [])
    return tuple(sorted(t for t in types if t != "null")), schema.get("format")


def infer_schema(data: Iterable[dict], *, enum_max: int = 10, closed: bool = False, title: str = "") -> dict:
    """A schema from the front-matter mappings of the notes."""
    keys: dict[str, Values] = {}
    notes = 0
    for mapping in data:
        notes += 1
        for key, value in mapping.items():
            keys.setdefault(str(key), Values()).add(value)
    properties = {}
    for key in sorted(keys, key=lambda k: (-keys[k].count, k)):
        values = keys[key]
        schema = {"description": f"in {values.count} of {notes} notes", **value_schema(values, enum_max)}
        properties[key] = schema
    document: dict = {"$schema": DRAFT}
    if title:
        document["title"] = title
    document["type"] = "object"
    required = [k for k, v in keys.items() if v.count == notes and notes > 1]
    if required:
        document["required"] = sorted(required)
    document["properties"] = properties
    if closed:
        document["additionalProperties"] = False
    return document


@dataclass
class Inferred:
    schema: dict
    notes: int  # notes whose front-matter was read
    skipped: list[str]  # notes whose front-matter does not parse (templates, broken YAML)
    root: Path | None = None  # the vault's

    def config_path(self, file: str | None) -> str:
        """How `[[schema]] path` names `file`: from the vault root when it
        is inside the vault."""
        if file is None:
            return "schemas/notes.schema.json"
        absolute = Path(file).resolve()
        if self.root is not None and absolute.is_relative_to(self.root.resolve()):
            return absolute.relative_to(self.root.resolve()).as_posix()
        return str(absolute)

    def lonely_keys(self) -> list[tuple[str, str]]:
        """Keys only one note uses that are spelt like a common key and hold
        the same kind of value: likely typos to fix before the schema is
        closed ((key, common key)). `cast` (a list) is no typo of `last` (a
        date)."""
        props = self.schema["properties"]
        count = {k: int(v["description"].split()[1]) for k, v in props.items()}
        common = [k for k, n in count.items() if n > 1]
        found = []
        for key, n in count.items():
            if n == 1 and common:
                alike = [k for k in common if _kind(props[k]) == _kind(props[key])]
                hit = process.extractOne(key, alike, scorer=fuzz.ratio, processor=normalize, score_cutoff=70)
                if hit:
                    found.append((key, hit[0]))
        return found


def infer_vault(paths=(), *, vault_dir=None, config_file=None, enum_max: int = 10, closed: bool = False) -> Inferred:
    """Infer from the notes under `paths` (the whole vault when none), less
    the config's `exclude`. Raises ConfigError or UsageError."""
    from . import api
    from .note import NoteReadError

    config, vault = api.open_vault(paths, vault_dir=vault_dir, config_file=config_file)
    data, skipped = [], []
    for path in api.select_notes(vault, paths):
        try:
            fm = vault.note(path).frontmatter
        except NoteReadError:
            skipped.append(path)
            continue
        if fm is None:
            continue
        if fm.problem is not None or (fm.data is not None and not isinstance(fm.data, dict)):
            skipped.append(path)
        elif fm.data:
            data.append(fm.data)
    title = f"Front-matter of {vault.root.name}"
    return Inferred(infer_schema(data, enum_max=enum_max, closed=closed, title=title), len(data), skipped,
                    vault.root)

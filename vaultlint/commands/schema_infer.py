"""`vaultlint schema infer`: a JSON Schema proposed from the notes that exist.

For a keeper who has no schema yet: each front-matter key the notes use,
with its type (as YAML loaded it: dates are strings of format `date` or
`date-time`), how many notes have it (in its `description`), and the
restrictions the notes give evidence for. Write it to a file, edit what you
disagree with, and point the config at it:

    vaultlint schema infer -o schemas/notes.schema.json

    [[schema]]
    path = "schemas/notes.schema.json"

Templates are left out: notes whose front-matter holds placeholders
(`{{date}}`, Templater's `<% %>`), whose values are not yet a note's.

The proposal is one that the notes it came from pass, and that the next
note written like them passes too: a restriction is proposed only when many
notes show it, since a schema the next note fails is one the keeper throws
away. Tested leave-one-out (infer from all notes of a folder but one: the
one left out passes):

- an `enum` only for a small set (two or more) of values that each repeat: every value in
  at least `ENUM_REPEAT` notes, at least `ENUM_VALUES` values in all, and
  never for links (`"[[Books]]"`: the next note links to another note), tags
  or aliases (names, open by nature). Three authors seen in five notes are
  no choice; `status: done | todo` over forty notes is;
- `integer` only when at least `INTEGER_VALUES` different whole numbers and
  no fraction were seen (`year`); else `number`, Obsidian's one number type
  (a `rating` always 7 so far may be 8.5 next);
- a `format` (`date`, `date-time`, `uri`) when every value has it, and at
  least `FORMAT_VALUES` were seen; a `pattern` for ids that all have one
  length (`videoId`), from at least five;
- `required` for the keys every note has, from at least `REQUIRED_NOTES`;
- an empty value (`rating:` with nothing, YAML's null) is always allowed:
  it is how Obsidian keeps a property not filled in yet.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from ..checks.schemas import _URI, json_type
from ..vault.suggest import normalize
from .opening import open_vault, select_notes

DRAFT = "https://json-schema.org/draft/2020-12/schema"
_ID = re.compile(r"[A-Za-z0-9_-]+")
# A wiki-link or a Markdown link in a value: such values name notes, and
# the next note names another.
_LINK = re.compile(r"\[\[.*\]\]|\[[^\]]*\]\([^)]*\)")
# A template's placeholder: Obsidian's Templates plugin's (`{{date}}`,
# `{{title}}`, `{{date:YYYY}}`) and Templater's (`<% tp.file.title %>`).
PLACEHOLDER = re.compile(r"\{\{[^{}\n]{1,200}\}\}|<%[-_*+~]?\s[^%]*%>")
# Keys whose values are names, never a closed set: Obsidian's tags and
# aliases (and their old singular forms). Property names are matched as
# Obsidian does, regardless of case.
NEVER_ENUM = frozenset({"tags", "tag", "aliases", "alias"})
# How much the notes must show before a restriction is proposed.
ENUM_REPEAT = 3  # notes each value of an enum is seen in, at least
ENUM_VALUES = 10  # values seen in all, at least
INTEGER_VALUES = 5  # different whole numbers (and no fraction) that make an `integer`
FORMAT_VALUES = 3  # values, all of one format, that make a `format`
REQUIRED_NOTES = 10  # notes, all with the key, that make it `required`


@dataclass
class Values:
    """What one key (or the items of its lists) held across the notes."""

    count: int = 0  # notes (or items) that have it
    types: Counter = field(default_factory=Counter)
    formats: Counter = field(default_factory=Counter)  # per string: date, date-time, uri, or ""
    strings: Counter = field(default_factory=Counter)
    links: int = 0  # strings that hold a link
    integers: set = field(default_factory=set)  # different whole numbers, up to INTEGER_VALUES
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
            if "[" in value and _LINK.search(value):
                self.links += 1
            self.formats["uri" if _URI.fullmatch(value) and "://" in value else ""] += 1
        elif kind == "integer" and len(self.integers) < INTEGER_VALUES:
            self.integers.add(value)
        elif kind == "array":
            if self.items is None:
                self.items = Values()
            for item in value:
                self.items.add(item)


def value_schema(values: Values, enum_max: int, *, key: str = "", nullable: bool = False) -> dict:
    """The schema of one key's values (`nullable`: an empty value allowed
    too, as for the top-level keys)."""
    types = sorted((t for t in values.types if t != "null"), key=lambda t: (-values.types[t], t))
    if "integer" in types and ("number" in types or len(values.integers) < INTEGER_VALUES):
        types.remove("integer")  # a fraction seen, or too few whole numbers to tell
        if "number" not in types:
            types.append("number")
    if not types:
        return {}  # only empty values: nothing to say
    if nullable or values.types["null"]:
        types.append("null")
    schema: dict = {"type": types[0] if len(types) == 1 else types}
    if types[0] == "string" and types[1:] in ([], ["null"]):
        schema.update(string_schema(values, enum_max, key=key, nullable="null" in types))
    if "array" in types and values.items is not None and values.items.count:
        schema["items"] = value_schema(values.items, enum_max, key=key)
    return schema


def string_schema(values: Values, enum_max: int, *, key: str = "", nullable: bool = False) -> dict:
    """An enum, a format, or a pattern, when the strings show one."""
    texts = list(values.strings)
    formats = [f for f in values.formats if f]
    if len(values.formats) == 1 and formats:  # every value has this format
        return {"format": formats[0]} if values.formats[formats[0]] >= FORMAT_VALUES else {}
    if values.formats.get("date") or values.formats.get("date-time"):
        return {}  # some dates (objects), some not: say only "string"
    # A few values that each repeat in many notes make a choice (`status`);
    # names, links and tags do not, however often they repeat.
    if (2 <= len(texts) <= enum_max and not values.links and key.casefold() not in NEVER_ENUM
            and sum(values.strings.values()) >= ENUM_VALUES and min(values.strings.values()) >= ENUM_REPEAT):
        return {"enum": sorted(texts) + ([None] if nullable else [])}
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
        schema = {"description": f"in {values.count} of {notes} notes",
                  **value_schema(values, enum_max, key=key, nullable=True)}
        properties[key] = schema
    document: dict = {"$schema": DRAFT}
    if title:
        document["title"] = title
    document["type"] = "object"
    required = [k for k, v in keys.items() if v.count == notes and notes >= REQUIRED_NOTES]
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
    skipped: list[str]  # notes whose front-matter does not parse (broken YAML)
    root: Path | None = None  # the vault's
    templates: list[str] = field(default_factory=list)  # notes whose front-matter holds placeholders

    def config_path(self, file: str | None) -> str:
        """How `[[schema]] path` names `file`: from the vault root when it
        is inside the vault."""
        if file is None:
            return "schemas/notes.schema.json"
        absolute = Path(file).resolve()
        if self.root is not None and absolute.is_relative_to(self.root.resolve()):
            return absolute.relative_to(self.root.resolve()).as_posix()
        return str(absolute)

    def how_to_use(self, file: str | None) -> str:
        """What to do with the schema: where it was written (or where to
        save it), and the `[[schema]]` table that points the config at it,
        valid TOML as printed (indented: TOML ignores the spaces)."""
        where = self.config_path(file)
        if file is not None:
            head = f"wrote {file}; to use it, add to .vaultlint.toml:"
        else:
            save = os.path.relpath(self.root / where) if self.root is not None else where
            head = f"save it as {save} (`-o {save}`), then add to .vaultlint.toml:"
        return f"{head}\n    [[schema]]\n    path = {json.dumps(where, ensure_ascii=False)}\n"

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
    from ..markdown.note import NoteReadError

    config, vault = open_vault(paths, vault_dir=vault_dir, config_file=config_file)
    data, skipped, templates = [], [], []
    for path in select_notes(vault, paths):
        try:
            fm = vault.note(path).frontmatter
        except NoteReadError:
            skipped.append(path)
            continue
        if fm is None:
            continue
        if PLACEHOLDER.search(fm.source):  # a template: its values are not yet the note's
            templates.append(path)
        elif fm.problem is not None or (fm.data is not None and not isinstance(fm.data, dict)):
            skipped.append(path)
        elif fm.data:
            data.append(fm.data)
    title = f"Front-matter of {vault.root.name}"
    return Inferred(infer_schema(data, enum_max=enum_max, closed=closed, title=title), len(data), skipped,
                    vault.root, templates)

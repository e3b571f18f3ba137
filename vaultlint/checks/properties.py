"""What the vault declares about its properties (front-matter keys).

Two sources declare a property's type:

- `.obsidian/types.json`, Obsidian's own file, `{"types": {"created": "date", ...}}`,
  for the whole vault; its types are `text`, `multitext`, `number`,
  `checkbox`, `date`, `datetime`, `aliases` and `tags`;
- the JSON Schemas that apply to a note (see `vaultlint.checks.schemas`): a
  top-level property with `"format": "date"` or `"format": "date-time"`.

Rules that care about dates ask `date_properties(note, ctx)`:

    from vaultlint.checks.properties import date_properties
    for key, kind in date_properties(note, ctx).items():   # kind: "date" | "date-time"
        ...

`declared_types(root)` reads types.json afresh; `vault_types(ctx)` is the
same, read once per run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml

from . import schemas as schema_module
from .obsidian_types import DATE_FORMATS, vault_types

if TYPE_CHECKING:
    from ..markdown.note import Note
    from ..rule import Context


def date_properties(note: Note, ctx: Context) -> dict[str, str]:
    """Top-level keys declared as dates for this note -> "date" or
    "date-time": from types.json, then from the note's schemas (a schema
    wins over types.json where both speak). The same for every note with
    the same schemas: made once per set of schemas (do not change it)."""
    made = ctx.memo("properties.date_properties", dict)
    schemas = tuple(schema_module.note_schemas(note, ctx).schemas)
    key = tuple(map(id, schemas))
    kept = made.get(key)
    if kept is not None:
        return kept[1]
    found = {key: DATE_FORMATS[kind] for key, kind in vault_types(ctx).items() if kind in DATE_FORMATS}
    for key, fmt in schema_module.schema_formats(note, ctx).items():
        if fmt in ("date", "date-time"):
            found[key] = fmt
    # Kept with the schemas, so that their ids stay theirs.
    made[key] = (schemas, found)
    return found


def date_values(note, keys):
    """(key, value node) for each top-level property among `keys`."""
    fm = note.frontmatter
    if fm is None or not isinstance(fm.root, yaml.MappingNode):
        return
    for key_node, value_node in fm.root.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value in keys:
            yield key_node.value, value_node

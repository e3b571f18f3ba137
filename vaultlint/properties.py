"""What the vault declares about its properties (front-matter keys).

Two sources declare a property's type:

- `.obsidian/types.json`, Obsidian's own file, `{"types": {"created": "date", ...}}`,
  for the whole vault; its types are `text`, `multitext`, `number`,
  `checkbox`, `date`, `datetime`, `aliases` and `tags`;
- the JSON Schemas that apply to a note (see `vaultlint.schemas`): a
  top-level property with `"format": "date"` or `"format": "date-time"`.

Rules that care about dates ask `date_properties(note, ctx)`:

    from vaultlint.properties import date_properties
    for key, kind in date_properties(note, ctx).items():   # kind: "date" | "date-time"
        ...

`declared_types(root)` reads types.json afresh; `vault_types(ctx)` is the
same, read once per run.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .note import Note
    from .rule import Context

TYPES_FILE = ".obsidian/types.json"
OBSIDIAN_TYPES = frozenset({"text", "multitext", "number", "checkbox", "date", "datetime", "aliases", "tags"})
# types.json's names for the two date types -> JSON Schema's `format`.
DATE_FORMATS = {"date": "date", "datetime": "date-time"}


def declared_types(vault_root: str | Path) -> dict[str, str]:
    """Property name -> Obsidian type from `.obsidian/types.json`; `{}` when
    the file is absent or unreadable. Entries with a type Obsidian does not
    know are left out (Obsidian itself ignores them)."""
    path = Path(vault_root) / TYPES_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    types = data.get("types") if isinstance(data, dict) else None
    if not isinstance(types, dict):
        return {}
    return {key: kind for key, kind in types.items() if isinstance(key, str) and kind in OBSIDIAN_TYPES}


def vault_types(ctx: Context) -> dict[str, str]:
    """`declared_types` of the run's vault, read once per run."""
    return ctx.memo("properties.declared_types", lambda: declared_types(ctx.vault.root))


def date_properties(note: Note, ctx: Context) -> dict[str, str]:
    """Top-level keys declared as dates for this note -> "date" or
    "date-time": from types.json, then from the note's schemas (a schema
    wins over types.json where both speak). The same for every note with
    the same schemas: made once per set of schemas (do not change it)."""
    made = ctx.memo("properties.date_properties", dict)
    schemas = tuple(_schemas().note_schemas(note, ctx).schemas)
    key = tuple(map(id, schemas))
    kept = made.get(key)
    if kept is not None:
        return kept[1]
    found = {key: DATE_FORMATS[kind] for key, kind in vault_types(ctx).items() if kind in DATE_FORMATS}
    for key, fmt in _schemas().schema_formats(note, ctx).items():
        if fmt in ("date", "date-time"):
            found[key] = fmt
    # Kept with the schemas, so that their ids stay theirs.
    made[key] = (schemas, found)
    return found


@functools.cache
def _schemas():
    """`vaultlint.schemas`, imported when first asked for (it imports this
    module); an import in `date_properties` would cost ~2 µs a call, twice a note."""
    from . import schemas

    return schemas

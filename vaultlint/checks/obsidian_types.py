"""What `.obsidian/types.json`, Obsidian's own file, declares about the vault's properties."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..rule import Context

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

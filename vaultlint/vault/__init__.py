"""The vault: its files, the name index (keys, aliases, slugs), link resolution, suggestions and the link graph.

`from vaultlint.vault import Vault` (what the module `vaultlint.vault` gave) keeps working: the index's names are
re-exported here.
"""

from .index import (
    FOUND_MAX,
    HIDDEN_PREFIX,
    MARKERS,
    NOTE_SUFFIXES,
    Resolution,
    Status,
    Vault,
    find_root,
    glob_to_regex,
    heading_key,
    heading_path_exists,
    locate_root,
    slugify,
    walk,
)

__all__ = [
    "find_root",
    "FOUND_MAX",
    "glob_to_regex",
    "heading_key",
    "heading_path_exists",
    "HIDDEN_PREFIX",
    "locate_root",
    "MARKERS",
    "NOTE_SUFFIXES",
    "Resolution",
    "slugify",
    "Status",
    "Vault",
    "walk",
]

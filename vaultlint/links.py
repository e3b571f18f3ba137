"""Deprecated: the old path of vaultlint.vault.graph and vaultlint.output.links_view, whose names it re-exports."""

# ruff: noqa: F401

from .output.links_view import (
    overview,
    render_json,
    render_text,
)
from .vault.graph import (
    LINKING,
    LinkGraph,
    Missing,
    NoteLinks,
    _ends_with,
    _sort_links,
    _spells,
    is_ambiguous,
    link_graph,
    missing_key,
    note_links,
    qualified,
)

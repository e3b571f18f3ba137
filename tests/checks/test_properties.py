"""Declared property types: `.obsidian/types.json` and the schemas' date formats."""

from __future__ import annotations

from vaultlint import api
from vaultlint.checks.obsidian_types import declared_types
from vaultlint.checks.properties import date_properties
from vaultlint.rule import Context

TYPES = '{"types": {"created": "date", "due": "datetime", "rating": "number", "odd": "colour"}}'


def context(root):
    config, vault = api.open_vault([root])
    return Context(vault, config, vault.note_paths)


def test_declared_types_reads_types_json_and_drops_unknown_types(make_vault):
    root = make_vault({".obsidian/types.json": TYPES, "a.md": "x"})
    assert declared_types(root) == {"created": "date", "due": "datetime", "rating": "number"}


def test_declared_types_is_empty_without_or_with_a_broken_file(make_vault):
    assert declared_types(make_vault({"a.md": "x"})) == {}
    assert declared_types(make_vault({".obsidian/types.json": "{not json", "a.md": "x"})) == {}


def test_date_properties_join_types_json_and_the_notes_schemas(make_vault):
    schema = '{"properties": {"recorded": {"type": "string", "format": "date-time"}, "title": {"type": "string"}}}'
    root = make_vault(
        {".obsidian/types.json": TYPES, "s.schema.json": schema, "talks/a.md": "---\ntitle: A\n---\n", "b.md": "x"},
        config='[[schema]]\nfiles = ["talks/**"]\npath = "s.schema.json"\n',
    )
    ctx = context(root)
    talk = ctx.vault.note("talks/a.md")
    assert date_properties(talk, ctx) == {"created": "date", "due": "date-time", "recorded": "date-time"}
    assert date_properties(ctx.vault.note("b.md"), ctx) == {"created": "date", "due": "date-time"}


def test_kepano_vault_declares_its_dates(corpus):
    types = declared_types(corpus("kepano-obsidian"))
    assert types["created"] == "date" and types["rating"] == "number"

"""Deprecated: the old path of vaultlint.checks: properties, obsidian_types, whose names it re-exports."""

# ruff: noqa: F401

from .checks.obsidian_types import (
    DATE_FORMATS,
    OBSIDIAN_TYPES,
    TYPES_FILE,
    declared_types,
    vault_types,
)
from .checks.properties import (
    date_properties,
    date_values,
)

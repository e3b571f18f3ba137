"""base-unknown-key: a key or a value of a base that Obsidian does not know, such as `filtrs` or `view`.

What it checks
    Every base (`.base` files and ```` ```base ```` blocks of notes):

    - a top-level key that is none of `filters`, `formulas`, `properties`,
      `summaries`, `views` (nor `display`, which the first releases of
      Bases wrote and Obsidian still reads), with the closest one:
      `filtrs` (did you mean `filters`?), `view` (did you mean `views`?);
    - a key of a filter object that is none of `and`, `or`, `not`;
    - a misspelt `displayName` in the settings of a property
      (`properties: {status: {dispalyName: Status}}`);
    - a key of a view that is a misspelling of one Obsidian reads (`type`,
      `name`, `limit`, `groupBy`, `filters`, `order`, `sort`,
      `summaries`): `gruopBy`. Other keys of a view are left alone: a
      layout keeps its settings there (`columnSize`, `image`,
      `cardSize`, a plugin's own);
    - a key of a `sort` or `groupBy` entry that is none of `property`,
      `direction` (and `column`, the first releases' `property`);
    - a `direction` that is neither `ASC` nor `DESC`;
    - a view `type` that is no layout: with the closest of `table`,
      `cards`, `list`, `map` when there is one (`tabel`); a type unlike
      them is reported only when the vault enables no community plugin
      (`.obsidian/community-plugins.json`), as plugins add layouts.

Why
    Obsidian ignores what it does not know: a misspelt `filtrs` is a base
    that shows every file of the vault, a misspelt view type a view that
    does not open, and nothing says why.

Options
    `view-types` (default `[]`): the layouts plugins add, accepted as view
    types.

Example
    `filtrs:` at the top of a base gives `base-unknown-key unknown key
    `filtrs` (did you mean `filters`?)`.

Fix safety
    No fix.
"""

from __future__ import annotations

import json

from vaultlint.checks.bases import BaseRule, closest, hint
from vaultlint.formats.bases import (
    DIRECTIONS,
    FILTER_KEYS,
    LAYOUT_KEYS,
    LEGACY_TOP_KEYS,
    PROPERTY_KEYS,
    TOP_KEYS,
    VIEW_KEYS,
    VIEW_TYPES,
)
from vaultlint.rule import Severity

COMMUNITY_PLUGINS = ".obsidian/community-plugins.json"


class BaseUnknownKey(BaseRule):
    name = "base-unknown-key"
    severity = Severity.WARNING
    options = {"view-types": {"type": "array", "items": {"type": "string"}, "default": []}}

    def check_base(self, note, base, ctx):
        if base.problem is not None:
            return
        for key in base.keys:
            if key.name not in TOP_KEYS and key.name not in LEGACY_TOP_KEYS:
                yield self._unknown(note, key.text, "key", TOP_KEYS, "")
        for key in base.filter_keys:
            if key.name not in FILTER_KEYS:
                yield self._unknown(note, key.text, "key", FILTER_KEYS, " in a filter (`and`, `or` or `not`)")
        for prop, key in base.property_keys:
            if key.name not in PROPERTY_KEYS and closest(key.name, PROPERTY_KEYS):
                yield self._unknown(note, key.text, "key", PROPERTY_KEYS, f" in the settings of property `{prop}`")
        for view in base.views:
            for key in view.keys:
                if key.name in VIEW_KEYS or key.name in LAYOUT_KEYS:
                    continue
                close = closest(key.name, VIEW_KEYS)
                if close:
                    yield self._unknown(note, key.text, "key", VIEW_KEYS, f" in {view.label}")
            for key, allowed, where in view.entry_keys:
                if key.name not in allowed:
                    yield self._unknown(note, key.text, "key", allowed, f" in {where}")
            for direction in view.directions:
                if direction.value not in DIRECTIONS:
                    yield self._unknown(note, direction, "direction", DIRECTIONS, f" in {view.label}",
                                        "neither `ASC` nor `DESC`")
            if view.type is not None:
                yield from self._view_type(note, view, ctx)

    def _view_type(self, note, view, ctx):
        kind = view.type.value
        if kind in VIEW_TYPES or kind in self.options["view-types"]:
            return
        close = closest(kind, VIEW_TYPES)
        if close or not _plugins_enabled(ctx):
            yield self._unknown(note, view.type, "view type", VIEW_TYPES, f" in {view.label}",
                                "no layout (" + ", ".join(VIEW_TYPES) + ")")

    def _unknown(self, note, text, what, choices, inside, why=""):
        close = closest(text.value, choices)
        said = f": {why}" if why and not close else ""
        return self.diagnostic(note, text.start, text.end, f"unknown {what} `{text.value}`{inside}{said}{hint(close)}",
                               suggestions=close[:1])


def _plugins_enabled(ctx) -> bool:
    """Whether the vault enables a community plugin (one may add layouts)."""
    def make():
        try:
            data = json.loads((ctx.vault.root / COMMUNITY_PLUGINS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return bool(data) if isinstance(data, list) else True

    return ctx.memo("bases.community_plugins", make)

"""`.vaultlint.toml`: read, validated with jsonschema, and turned into the
rules in force. Every problem is a `ConfigError` naming the file, the key and
the closest valid key; the CLI turns it into exit code 2.

    exclude = ["templates/**"]              # not linted (still link targets)
    select = ["broken-link"]                # only these rules (default: the default set)
    extend-select = ["duplicate-link"]      # add rules that are off by default
    ignore = ["timestamp-order"]
    plugins = ["tools/my_rules.py"]         # files (relative to the vault) or modules: imported, so
                                            # run, unless untrusted (see `load`)
    resolution = "obsidian"                 # or "slug" (Quartz-style names)
    case-sensitive = false
    trust-folder-times = true               # a large vault's walk is kept while no folder's mtime moves
    timestamp-pattern = "markdown-t"        # a preset of vaultlint.stamps (yt-timestamp, markdown-t,
                                            # wiki-t, bracket) or a regex with named groups `time`, `label`

    schema-key = "$schema"                  # the front-matter key by which a note names its schema
    baseline = ".vaultlint-baseline.json"   # problems recorded as known, for check, fix and mv (from the root)

    [[schema]]                              # see vaultlint.schemas
    files = ["talks/**"]                    # optional; so is `where = { type = "talk" }`
    path = "schemas/talk.schema.json"       # or a built-in schema: "obsidian", "tubegraph"

    [rule.timestamp-order]
    severity = "warning"
    scope = "section"
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Severity
from .registry import PluginError, all_rules
from .rule import SPLIT_FROM, Rule
from .scanner import DEFAULT_STAMP_PATTERN
from .stamps import PRESETS, stamp_pattern_source

if TYPE_CHECKING:  # imported where used: most runs validate nothing, and start-up counts
    import jsonschema

CONFIG_NAME = ".vaultlint.toml"
# Set (to anything but 0, false or no), no config's `plugins` are imported,
# whatever the caller asks: CI sets it for pull requests from forks.
NO_PLUGINS_ENV = "VAULTLINT_NO_PLUGINS"

_STRINGS = {"type": "array", "items": {"type": "string"}}
_STRING_OR_STRINGS = {"type": ["string", "array"], "items": {"type": "string"}}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "exclude": _STRINGS,
        "select": _STRINGS,
        "extend-select": _STRINGS,
        "ignore": _STRINGS,
        "plugins": _STRINGS,
        "resolution": {"enum": ["obsidian", "slug"]},
        "case-sensitive": {"type": "boolean"},
        "trust-folder-times": {"type": "boolean"},
        "timestamp-pattern": {"type": "string"},
        "schema-key": {"type": "string"},
        "baseline": {"type": "string"},
        "schema": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path"],
                "properties": {
                    "files": _STRINGS,
                    "path": {"type": "string"},
                    "where": {"type": "object", "additionalProperties": _STRING_OR_STRINGS},
                },
            },
        },
        "rule": {"type": "object", "additionalProperties": {"type": "object"}},
        "extends": {"type": "string"},
        "per-file-ignores": {"type": "object", "additionalProperties": _STRINGS},
    },
}


class ConfigError(Exception):
    """A config problem; the message is meant for the user as it is."""


def closest(word: str, choices) -> str:
    """' (did you mean `x`?)' when one choice is close enough, else ''."""
    choices = list(choices)
    if not choices:
        return ""
    from rapidfuzz import process

    hit = process.extractOne(word, choices, score_cutoff=60)
    return f" (did you mean `{hit[0]}`?)" if hit else ""


def _where(error: jsonschema.ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "the top level"


def explain(error: jsonschema.ValidationError, schema: dict) -> str:
    """A jsonschema error in words that name the key and suggest another."""
    if error.validator == "additionalProperties":
        allowed = schema_at(schema, error.absolute_path).get("properties", {})
        extra = sorted(set(error.instance) - set(allowed))
        parts = [f"unknown key `{key}`{closest(key, allowed)}" for key in extra]
        where = _where(error)
        return "; ".join(parts) + ("" if where == "the top level" else f" in `{where}`")
    return f"`{_where(error)}`: {_in_words(error)}"


# What a key's value is, in a config's words (a type error names it).
_VALUES = {
    "exclude": "a list of globs", "files": "a list of globs", "plugins": "a list of files or modules",
    "select": "a list of rule names", "extend-select": "a list of rule names", "ignore": "a list of rule names",
    "per-file-ignores": "a table of globs, each with a list of rule names", "schema": "a list of [[schema]] tables",
    "rule": "a table of [rule.NAME] tables", "where": "a table of front-matter keys and values",
}
_TYPES = {"array": "a list", "string": "a string (in quotes)", "boolean": "true or false", "integer": "a whole number",
          "number": "a number", "object": "a table", "null": "nothing"}


def _in_words(error: jsonschema.ValidationError) -> str:
    """What is wrong with a value, in TOML's words rather than Python's
    (`'x' is not of type 'array'`: "must be a list of globs, not the
    string "x""); what has no words here keeps jsonschema's."""
    got = _shown(error.instance)
    if error.validator == "type":
        steps = list(error.absolute_path)
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPES.get(t, t) for t in expected)
        if steps and isinstance(steps[-1], int):
            pass  # an item of a list: its type says it
        elif len(steps) == 2 and steps[0] == "per-file-ignores":
            words = "a list of rule names"
        elif steps and steps[-1] in _VALUES:
            words = _VALUES[steps[-1]]
        return f"must be {words}, not {got}"
    if error.validator == "enum":
        choices = ", ".join(f"`{c}`" if isinstance(c, str) else _shown(c) for c in error.validator_value)
        near = closest(error.instance, [c for c in error.validator_value if isinstance(c, str)]) \
            if isinstance(error.instance, str) else ""
        return f"must be one of {choices}, not {got}{near}"
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return f"needs `{missing[0]}`" if missing else error.message
    return error.message


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'the string "{value}"' if len(value) <= 60 else "a string"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def schema_at(schema: dict, path) -> dict:
    for step in path:
        props = schema.get("properties", {})
        if isinstance(step, str) and step in props:
            schema = props[step]
        elif isinstance(step, int) and "items" in schema:
            schema = schema["items"]
        elif isinstance(schema.get("additionalProperties"), dict):
            schema = schema["additionalProperties"]
        else:
            return {}
    return schema


def validate(data: dict, schema: dict, source: str) -> None:
    if not data and _only_optional_keys(schema):
        return  # nothing to check: no need to load jsonschema
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigError(f"{source}: " + "; ".join(explain(e, schema) for e in errors))


def _only_optional_keys(schema: dict) -> bool:
    """Whether `schema` is an object of optional keys (as a rule's options
    are), which an empty table always satisfies."""
    return schema.get("type") == "object" and set(schema) <= {"type", "properties", "additionalProperties"}


@dataclass
class Config:
    root: Path
    file: Path | None = None
    exclude: list[str] = field(default_factory=list)
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    plugins: list[str] = field(default_factory=list)
    trust_plugins: bool = True  # False: `plugins` are not imported (see `load`)
    told_unloaded: bool = field(default=False, init=False, repr=False, compare=False)  # (said once a config)
    resolution: str = "obsidian"
    case_sensitive: bool = False
    trust_folder_times: bool = True  # see vaultlint.engine.Start
    timestamp_pattern: str = DEFAULT_STAMP_PATTERN
    schemas: list[dict] = field(default_factory=list)
    schema_key: str = "$schema"
    baseline: str | None = None  # the baseline file check, fix and mv use (relative to the vault root)
    rule_settings: dict[str, dict] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)  # glob -> rules ("ALL": every rule)
    data: dict = field(default_factory=dict)  # the file as read

    @property
    def source(self) -> str:
        return str(self.file) if self.file else "the default configuration"

    def stamp_regex(self) -> re.Pattern:
        presets = ", ".join(f"`{name}`" for name in PRESETS)
        try:
            pattern = re.compile(stamp_pattern_source(self.timestamp_pattern))
        except re.error as exc:
            raise ConfigError(f"{self.source}: `timestamp-pattern` is not a valid regular expression: {exc}") from None
        if "time" not in pattern.groupindex:
            raise ConfigError(
                f"{self.source}: `timestamp-pattern`: `{self.timestamp_pattern}` is not a preset"
                f"{closest(self.timestamp_pattern, PRESETS)}, nor a regex with a named group `time`"
                f" (presets: {presets})"
            )
        return pattern

    @property
    def unloaded_plugins(self) -> list[str]:
        """The plugins named that are not imported (the vault is not trusted)."""
        return [] if self.trust_plugins else list(self.plugins)

    def rule_table(self) -> dict[str, type[Rule]]:
        if self.unloaded_plugins and not self.told_unloaded:
            self.told_unloaded = True
            import logging

            for spec in self.unloaded_plugins:
                logging.getLogger("vaultlint").warning(
                    "%s: plugin `%s` not loaded (plugins are off: --no-plugins or %s); its rules do not run",
                    self.source, spec, NO_PLUGINS_ENV)
        try:
            return all_rules(self.plugins if self.trust_plugins else [], self.root)
        except PluginError as exc:
            raise ConfigError(f"{self.source}: {exc}") from None

    def ignores(self, path: str, rule: str) -> bool:
        """Whether `per-file-ignores` silences `rule` in the note `path`."""
        for pattern, rules in self._per_file_patterns:
            # (A rule split from another is ignored with it: see `SPLIT_FROM`.)
            if (rule in rules or "ALL" in rules or SPLIT_FROM.get(rule) in rules) and pattern.fullmatch(path):
                return True
        return False

    @cached_property
    def _per_file_patterns(self) -> list:
        from .vault import glob_to_regex

        return [(glob_to_regex(glob), set(rules)) for glob, rules in self.per_file_ignores.items()]

    def active_rules(self, select: list[str] | None = None, ignore: list[str] | None = None) -> list[Rule]:
        """The rules in force, configured; `select`/`ignore` come from the
        command line and win over the file."""
        table = self.rule_table()
        # A rule the config names may be a plugin's that is not loaded: the
        # config's names are then not checked (the command line's still are).
        unsure = bool(self.unloaded_plugins)
        for where, names in (("select", self.select or []), ("extend-select", self.extend_select),
                             ("ignore", self.ignore), ("--select", select or []), ("--ignore", ignore or []),
                             *((f'per-file-ignores."{glob}"', rules)
                               for glob, rules in self.per_file_ignores.items())):
            for name in names:
                if name not in table and name != "ALL" and not (unsure and not where.startswith("--")):
                    raise ConfigError(f"{self.source}: `{where}` names an unknown rule `{name}`{closest(name, table)}")
        for name in self.rule_settings:
            if name not in table and not unsure:
                raise ConfigError(f"{self.source}: [rule.{name}] names an unknown rule{closest(name, table)}")
        if select:
            chosen = set(table) if "ALL" in select else set(select)
        else:
            if self.select is not None:
                chosen = set(table) if "ALL" in self.select else set(self.select)
            else:
                chosen = {n for n, r in table.items() if r.enabled_by_default}
            chosen |= set(table) if "ALL" in self.extend_select else set(self.extend_select)
            for name, settings in self.rule_settings.items():
                if settings.get("enabled") is True:
                    chosen.add(name)
                elif settings.get("enabled") is False:
                    chosen.discard(name)
        ignored = set(self.ignore) | set(ignore or [])
        chosen -= ignored | {n for n in chosen if SPLIT_FROM.get(n) in ignored}  # a rule split from another with it
        chosen &= set(table)  # (without the rules of plugins not loaded)
        active = []
        for name in sorted(chosen):
            cls = table[name]
            settings = dict(self.rule_settings.get(name, {}))
            validate(settings, cls.options_schema(), f"{self.source}: [rule.{name}]")
            severity = settings.pop("severity", None)
            settings.pop("enabled", None)
            active.append(cls(settings, Severity(severity) if severity else None))
        return active


def plugins_refused() -> bool:
    """Whether the environment turns every config's plugins off (`NO_PLUGINS_ENV`)."""
    return os.environ.get(NO_PLUGINS_ENV, "").strip().lower() not in ("", "0", "false", "no")


def load(root: Path, file: Path | None = None, *, plugins: bool = True) -> Config:
    """The config for a vault: `file`, else `.vaultlint.toml` at the root,
    else the defaults.

    Its `plugins` are Python files or modules it names: `rule_table`
    imports them, which runs their code. With `plugins=False`, or with
    `VAULTLINT_NO_PLUGINS` set, they are not imported: each is a warning on
    the `vaultlint` log, and the rules the config names are not checked
    against the table (they may be the plugins'). Rules installed as
    packages (the `vaultlint.rules` entry points) are the user's own, and
    load either way. What else a config makes vaultlint read: the files it
    `extends` and its schemas' files (local ones only: a remote `$ref` is
    refused); it runs nothing else."""
    if file is None and (root / CONFIG_NAME).is_file():
        file = root / CONFIG_NAME
    if file is None:
        return Config(root)
    from . import presets

    data = presets.read(Path(file))  # with what it `extends`
    return Config(
        root=root,
        file=Path(file),
        exclude=data.get("exclude", []),
        select=data.get("select"),
        extend_select=data.get("extend-select", []),
        ignore=data.get("ignore", []),
        plugins=data.get("plugins", []),
        trust_plugins=plugins and not plugins_refused(),
        resolution=data.get("resolution", "obsidian"),
        case_sensitive=data.get("case-sensitive", False),
        trust_folder_times=data.get("trust-folder-times", True),
        timestamp_pattern=data.get("timestamp-pattern", DEFAULT_STAMP_PATTERN),
        schemas=data.get("schema", []),
        schema_key=data.get("schema-key", "$schema"),
        baseline=data.get("baseline"),
        rule_settings=data.get("rule", {}),
        per_file_ignores=data.get("per-file-ignores", {}),
        data=data,
    )

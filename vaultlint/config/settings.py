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

from ..diagnostics import Severity
from ..markdown.scanner import DEFAULT_STAMP_PATTERN
from ..markdown.stamps import PRESETS, stamp_pattern_source
from ..registry import PluginError, all_rules
from ..rule import SPLIT_FROM, Rule
from . import presets
from .schema import ConfigError, closest, validate

if TYPE_CHECKING:  # imported where used: most runs validate nothing, and start-up counts
    pass

CONFIG_NAME = ".vaultlint.toml"
# Set (to anything but 0, false or no), no config's `plugins` are imported,
# whatever the caller asks: CI sets it for pull requests from forks.
NO_PLUGINS_ENV = "VAULTLINT_NO_PLUGINS"


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
        from ..vault.index import glob_to_regex

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

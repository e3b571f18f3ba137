"""Where rules come from: the modules of `vaultlint.rules` (found, never
listed by hand), the `vaultlint.rules` entry-point group, and module paths in
the config's `plugins`. All three give plain `Rule` subclasses.

Loading a rule imports its module, which runs it. The first two are
installed by the user; the third is the vault's own code, and is passed in
only when the vault is trusted (`config.load(plugins=...)`)."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import sys
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from . import rules as builtin_package
from .rule import Rule

ENTRY_POINT_GROUP = "vaultlint.rules"


class PluginError(Exception):
    """A plugin could not be loaded; the message names it and says why."""


def rules_in(obj: object) -> list[type[Rule]]:
    """The rules a module defines, or the rule class itself."""
    if inspect.isclass(obj) and issubclass(obj, Rule) and obj is not Rule:
        return [obj]
    if isinstance(obj, ModuleType):
        return [
            value for value in vars(obj).values()
            if inspect.isclass(value) and issubclass(value, Rule) and value is not Rule
            and value.__module__ == obj.__name__ and value.name
        ]
    raise PluginError(f"{obj!r} is neither a module of rules nor a Rule subclass")


def builtin_rules() -> list[type[Rule]]:
    found = []
    for info in pkgutil.iter_modules(builtin_package.__path__):
        module = importlib.import_module(f"{builtin_package.__name__}.{info.name}")
        found.extend(rules_in(module))
    return found


def entry_point_rules() -> list[type[Rule]]:
    found = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            found.extend(rules_in(ep.load()))
        except Exception as exc:  # a broken plugin is the user's config problem
            raise PluginError(f"entry point {ep.name!r} ({ep.value}): {type(exc).__name__}: {exc}") from None
    return found


def _place(exc: BaseException) -> str:
    """' (file, line N)' of the innermost frame of the error, for the user
    to look at (a SyntaxError knows its own place)."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f" ({exc.filename}, line {exc.lineno})"
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f" ({tb.tb_frame.f_code.co_filename}, line {tb.tb_lineno})" if tb is not None else ""


def path_rules(spec: str, root: Path) -> list[type[Rule]]:
    """A plugin named in the config: a file path (relative to the vault
    root) or a dotted module name."""
    path = (root / spec) if not Path(spec).is_absolute() else Path(spec)
    try:
        if spec.endswith(".py") or path.exists():
            if not path.is_file():
                raise PluginError(f"plugin {spec!r}: no such file {path}")
            name = f"vaultlint_plugin_{abs(hash(str(path.resolve())))}"
            module_spec = importlib.util.spec_from_file_location(name, path)
            if module_spec is None or module_spec.loader is None:
                raise PluginError(f"plugin {spec!r}: cannot be imported")
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[name] = module
            module_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(spec)
    except PluginError:
        raise
    except Exception as exc:
        raise PluginError(f"plugin {spec!r}{_place(exc)}: {type(exc).__name__}: {exc}") from None
    found = rules_in(module)
    if not found:
        raise PluginError(f"plugin {spec!r} defines no Rule subclass with a name")
    return found


def all_rules(plugins: list[str] = (), root: Path | None = None) -> dict[str, type[Rule]]:
    """Every rule by name, built-ins first; a plugin may not reuse a name."""
    table: dict[str, type[Rule]] = {}
    sources = [("vaultlint", builtin_rules()), ("entry points", entry_point_rules())]
    for spec in plugins:
        sources.append((spec, path_rules(spec, root or Path.cwd())))
    for source, rules in sources:
        for rule in rules:
            other = table.get(rule.name)
            if other is not None and other is not rule:
                raise PluginError(f"rule {rule.name!r} from {source} is already defined by {other.__module__}")
            table[rule.name] = rule
    return table

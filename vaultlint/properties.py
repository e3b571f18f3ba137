"""Deprecated: the old path of vaultlint.checks.properties and vaultlint.checks.obsidian_types, whose names it gives."""

from .checks import obsidian_types as _obsidian_types
from .checks import properties as _properties

_NEW = (_properties, _obsidian_types)


def __getattr__(name: str):
    # Every name of the new modules, private ones too, looked up when asked: a list kept here
    # would break on each rename there.
    for module in _NEW:
        try:
            return getattr(module, name)
        except AttributeError:
            pass
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({name for module in _NEW for name in dir(module)})

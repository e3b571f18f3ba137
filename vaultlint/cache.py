"""Deprecated: the old path of vaultlint.engine: store, changes, child, codec, keys, whose names it gives."""

from .engine import changes as _changes
from .engine import child as _child
from .engine import codec as _codec
from .engine import keys as _keys
from .engine import store as _store

_NEW = (_store, _changes, _child, _codec, _keys)


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

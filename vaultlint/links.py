"""Deprecated: the old path of vaultlint.vault.graph and vaultlint.output.links_view, whose names it gives."""

from .output import links_view as _links_view
from .vault import graph as _graph

_NEW = (_graph, _links_view)


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

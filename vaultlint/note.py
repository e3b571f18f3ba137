"""Deprecated: the old path of vaultlint.markdown.note and vaultlint.vault.files, whose names it gives."""

from .markdown import note as _note
from .vault import files as _files

_NEW = (_note, _files)


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

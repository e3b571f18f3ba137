"""The engine: the batch run, change detection (stat, git's index), the store (SQLite), its codec and keys,
forked children and suppressions.

`from vaultlint.engine import X` and `vaultlint.engine.X` (what the module `vaultlint.engine`, now
`vaultlint.engine.run`, gave) keep working: every name of `run` is given here. Setting one here changes
nothing in `run`: a test patches `vaultlint.engine.run`.
"""

import importlib

_MODULES = ("run",)


def __getattr__(name: str):
    # Looked up when first asked, in the modules named here: importing one module of the package
    # imports no other, and no list of names kept here can fall behind a rename there. (By
    # importlib: `from . import ...` here would ask this function again for a module not yet imported.)
    for module in _MODULES:
        try:
            return getattr(importlib.import_module(f"{__name__}.{module}"), name)
        except AttributeError:
            pass
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

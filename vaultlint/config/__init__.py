"""The config: the schema of `.vaultlint.toml`, its presets and `extends`, and the `Config` a run uses.

`from vaultlint.config import Config, load` (what the module `vaultlint.config` gave, now in
`vaultlint.config.settings` and `vaultlint.config.schema`) keeps working: their names are given here.
"""

import importlib

_MODULES = ("settings", "schema")


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

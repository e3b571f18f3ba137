"""The vault: its files, the name index (keys, aliases, slugs), link resolution, suggestions and the link graph.

`from vaultlint.vault import Vault` (what the module `vaultlint.vault`, now `vaultlint.vault.index`, gave) keeps
working: every name of the index is given here.
"""

import importlib

_MODULES = ("index",)


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

"""Deprecated: the old path of `vaultlint.vault.suggest`, which this module is (it replaces itself)."""

import sys

from .vault import suggest as _new

sys.modules[__name__] = _new

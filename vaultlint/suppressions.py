"""Deprecated: the old path of `vaultlint.engine.suppressions`, which this module is (it replaces itself)."""

import sys

from .engine import suppressions as _new

sys.modules[__name__] = _new

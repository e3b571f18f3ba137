"""Deprecated: the old path of `vaultlint.fix.fixer`, which this module is (it replaces itself)."""

import sys

from .fix import fixer as _new

sys.modules[__name__] = _new

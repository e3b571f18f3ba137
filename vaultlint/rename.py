"""Deprecated: the old path of `vaultlint.fix.move`, which this module is (it replaces itself)."""

import sys

from .fix import move as _new

sys.modules[__name__] = _new

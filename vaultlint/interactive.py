"""Deprecated: the old path of `vaultlint.fix.interactive`, which this module is (it replaces itself)."""

import sys

from .fix import interactive as _new

sys.modules[__name__] = _new

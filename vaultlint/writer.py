"""Deprecated: the old path of `vaultlint.fix.writer`, which this module is (it replaces itself)."""

import sys

from .fix import writer as _new

sys.modules[__name__] = _new

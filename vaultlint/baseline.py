"""Deprecated: the old path of `vaultlint.output.baseline`, which this module is (it replaces itself)."""

import sys

from .output import baseline as _new

sys.modules[__name__] = _new

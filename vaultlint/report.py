"""Deprecated: the old path of `vaultlint.output.formats`, which this module is (it replaces itself)."""

import sys

from .output import formats as _new

sys.modules[__name__] = _new

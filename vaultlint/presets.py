"""Deprecated: the old path of `vaultlint.config.presets`, which this module is (it replaces itself)."""

import sys

from .config import presets as _new

sys.modules[__name__] = _new

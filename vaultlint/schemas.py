"""Deprecated: the old path of `vaultlint.checks.schemas`, which this module is (it replaces itself)."""

import sys

from .checks import schemas as _new

sys.modules[__name__] = _new

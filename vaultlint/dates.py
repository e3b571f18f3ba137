"""Deprecated: the old path of `vaultlint.checks.dates`, which this module is (it replaces itself)."""

import sys

from .checks import dates as _new

sys.modules[__name__] = _new

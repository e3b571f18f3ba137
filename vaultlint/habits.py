"""Deprecated: the old path of `vaultlint.commands.init`, which this module is (it replaces itself)."""

import sys

from .commands import init as _new

sys.modules[__name__] = _new

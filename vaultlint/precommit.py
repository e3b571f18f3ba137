"""Deprecated: the old path of `vaultlint.commands.staged`, which this module is (it replaces itself)."""

import sys

from .commands import staged as _new

sys.modules[__name__] = _new

"""Deprecated: the old path of `vaultlint.commands.schema_infer`, which this module is (it replaces itself)."""

import sys

from .commands import schema_infer as _new

sys.modules[__name__] = _new

"""Deprecated: the old path of `vaultlint.markdown.stamps`, which this module is (it replaces itself)."""

import sys

from .markdown import stamps as _new

sys.modules[__name__] = _new

"""Deprecated: the old path of `vaultlint.markdown.scanner`, which this module is (it replaces itself)."""

import sys

from .markdown import scanner as _new

sys.modules[__name__] = _new

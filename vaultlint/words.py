"""Deprecated: the old path of `vaultlint.markdown.words`, which this module is (it replaces itself)."""

import sys

from .markdown import words as _new

sys.modules[__name__] = _new

"""Deprecated: the old path of `vaultlint.checks.yaml_traps`, which this module is (it replaces itself)."""

import sys

from .checks import yaml_traps as _new

sys.modules[__name__] = _new

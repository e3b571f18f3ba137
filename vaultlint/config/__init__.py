"""The config: the schema of `.vaultlint.toml`, its presets and `extends`, and the `Config` a run uses.

`from vaultlint.config import Config, load` (what the module `vaultlint.config` gave) keeps working.
"""

from .schema import (
    SCHEMA,
    ConfigError,
    closest,
    explain,
    schema_at,
    validate,
)
from .settings import (
    CONFIG_NAME,
    NO_PLUGINS_ENV,
    Config,
    load,
    plugins_refused,
)

__all__ = [
    "closest",
    "Config",
    "CONFIG_NAME",
    "ConfigError",
    "explain",
    "load",
    "NO_PLUGINS_ENV",
    "plugins_refused",
    "SCHEMA",
    "schema_at",
    "validate",
]

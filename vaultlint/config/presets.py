"""`extends`: a config built on a preset or on another config file.

    extends = "recommended"        # a preset shipped in vaultlint/presets/
    extends = "strict"             # every rule
    extends = "tubegraph"          # Quartz-published video-notes vaults
    extends = "../shared.toml"     # a file, relative to the config that names it

The file that extends wins over what it extends, key by key:

- `select` and single values (`resolution`, `timestamp-pattern`, ...) replace;
- the other lists (`exclude`, `extend-select`, `ignore`, `plugins`, `schema`)
  add to those of the base;
- `[rule.NAME]` and `[per-file-ignores]` tables merge, entry by entry.

Paths inside any of the files (`plugins`, schema paths) are relative to the
vault root, as in `.vaultlint.toml`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .schema import SCHEMA, ConfigError, closest, validate

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PRESETS = Path(__file__).resolve().parent / "presets"
_REPLACED = {"select"}
_MERGED = {"rule", "per-file-ignores"}


def names() -> list[str]:
    return sorted(p.stem for p in PRESETS.glob("*.toml"))


def read(file: Path) -> dict:
    """A config file and everything it extends, merged and validated."""
    return _read(Path(file), ())


def _read(file: Path, seen: tuple[Path, ...]) -> dict:
    here = file.resolve()
    if here in seen:
        chain = " -> ".join(str(p) for p in (*seen, here))
        raise ConfigError(f"{seen[0]}: `extends` goes round in a circle: {chain}")
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the config: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{file}: the config is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    validate(data, SCHEMA, str(file))
    parent = data.pop("extends", None)
    if parent is None:
        return data
    return merge(_read(locate(parent, file), (*seen, here)), data)


def locate(name: str, by: Path) -> Path:
    """The file `extends = name` means in the config `by`."""
    if name in names():
        return PRESETS / f"{name}.toml"
    path = Path(name).expanduser()
    path = path if path.is_absolute() else by.parent / path
    if path.is_file():
        return path
    raise ConfigError(f"{by}: `extends = \"{name}\"` is neither a preset{closest(name, names())} "
                      f"nor a file; the presets are {', '.join(names())}")


def merge(base: dict, top: dict) -> dict:
    out = dict(base)
    for key, value in top.items():
        if key in _MERGED:
            table = {k: dict(v) if isinstance(v, dict) else v for k, v in base.get(key, {}).items()}
            for name, entry in value.items():
                if isinstance(entry, dict) and isinstance(table.get(name), dict):
                    table[name] = {**table[name], **entry}
                elif isinstance(entry, list) and isinstance(table.get(name), list):
                    table[name] = table[name] + entry
                else:
                    table[name] = entry
            out[key] = table
        elif isinstance(value, list) and key not in _REPLACED:
            out[key] = base.get(key, []) + value
        else:
            out[key] = value
    return out

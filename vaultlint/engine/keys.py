"""What a stored result is keyed by: a note's content hash (git's blob id), and the run key
(the config as read, the rules in force with their options, and the code).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from .. import __version__
from .changes import stat

# Bump when what is stored changes meaning.
FORMAT = f"13 vaultlint {__version__} python {sys.version_info[0]}.{sys.version_info[1]}"


def digest(data: bytes) -> bytes:
    """The content's hash: git's id of it as a blob (SHA-1 of a header and
    the bytes), so that git's index tells which notes are as recorded."""
    h = hashlib.sha1(b"blob %d\0" % len(data))
    h.update(data)
    return h.digest()


# --------------------------------------------------------------------------
# Keys


def fingerprint(parts: Iterable[object]) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def fingerprint_paths(paths: Iterable[str]) -> str:
    # SHA-1: twice as fast as BLAKE2 on this machine, and 100,000 paths are 10 MB.
    return hashlib.sha1("\0".join(paths).encode("utf-8", "surrogatepass")).hexdigest()


def code_files(rules) -> Iterator[Path]:
    """The source files whose change changes results: vaultlint's own
    modules and data (built-in schemas, presets) and the rules' modules
    (plugins too). The package's files, not the modules imported so far: a
    run imports some lazily, and the key must not depend on which ran."""
    package = Path(__file__).resolve().parent.parent
    seen = {str(f) for pattern in ("*.py", "*.json", "*.toml") for f in package.rglob(pattern)}
    for rule in rules:
        seen.add(getattr(sys.modules.get(type(rule).__module__), "__file__", None))
    for file in sorted(f for f in seen if f):
        yield Path(file)


def config_key(config, rules) -> str:
    """What the diagnostics of a note depend on besides the notes: the
    config as read, the rules in force with their options, and the code."""
    parts: list[object] = [FORMAT, json.dumps(config.data, sort_keys=True, default=str), str(config.file)]
    parts += [(r.name, r.severity.value, json.dumps(r.options, sort_keys=True, default=str)) for r in rules]
    for file in code_files(rules):
        parts.append((str(file), stat(file)))
    for schema in getattr(config, "schemas", []) or []:
        path = schema.get("path") if isinstance(schema, dict) else None
        if path:
            parts.append((path, stat(config.root / path)))
    return fingerprint(parts)

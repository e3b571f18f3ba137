"""Deprecated: the old path of vaultlint.engine: store, changes, child, codec, keys, whose names it re-exports."""

# ruff: noqa: F401

from .engine.changes import (
    _INDEX_ENTRY,
    FORK_MIN,
    RACY_NS,
    Known,
    Moved,
    Stat,
    Vouched,
    _index_entry,
    _moved,
    _not_in_image,
    _not_in_index,
    _with_gone,
    index_image,
    list_index,
    moved,
    moved_staged,
    now_ns,
    stat,
    trusted,
)
from .engine.child import (
    in_child,
)
from .engine.codec import (
    _APPLICABILITY,
    _DIAGNOSTIC,
    _EDIT,
    _FIX,
    _SEVERITY,
    _loads,
    _made,
    _maker,
    no_gc,
    pack,
    unpack,
    unpack_chunks,
)
from .engine.keys import (
    FORMAT,
    code_files,
    config_key,
    digest,
    fingerprint,
    fingerprint_paths,
)
from .engine.store import (
    _NO_DEPS,
    _SCHEMA,
    BLOBS,
    CHANGES_MAX,
    FILE,
    FOLDER,
    ORPHAN_NS,
    RESULT_CHUNK,
    TEXT_CHUNK,
    Cache,
    Deps,
    Entry,
    Last,
    _connect_checked,
    _folders,
    _read_only,
    _user_folder,
    compared_with_index,
    index_compared,
    write_blob,
)

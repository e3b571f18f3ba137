"""Deprecated: the old path of vaultlint.markdown.note and vaultlint.vault.files, whose names it re-exports."""

# ruff: noqa: F401

from .markdown.note import (
    _ANY_FIRST,
    _FM_BOUNDARY,
    _IMPLICIT,
    _LINE_BREAK,
    _MAP,
    _NOT_SIMPLE,
    _SIMPLE_LINE,
    _STR,
    ALIAS_KEYS,
    BOM,
    MAX_DEPTH,
    MAX_EXPANDED_NODES,
    YAML_LOADER,
    FrontMatter,
    Note,
    NoteReadError,
    YamlProblem,
    _check_shape,
    _is_text,
    _Mark,
    _once,
    _simple_yaml,
    _too_deep,
    compose_yaml,
    decode,
    normalize_name,
    parse,
    parse_yaml,
    split_frontmatter,
)
from .vault.files import (
    _NOFOLLOW,
    _OPEN_FLAGS,
    read,
    read_bytes,
    read_file,
)

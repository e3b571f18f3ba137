"""Shared fixtures. The real vaults in ../shared/corpora are used where they
are (never copied); tests that need them skip cleanly when they are absent,
as in a user's clone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("VAULTLINT_SHARED", REPO.parent / "shared"))
SEEDS = REPO / "seeds"


def corpus_path(name: str) -> Path:
    return SHARED / "corpora" / name


@pytest.fixture
def corpus():
    """corpus("obsidian-help-en") -> its path, or skip when ../shared is absent."""

    def get(name: str) -> Path:
        path = corpus_path(name)
        if not path.is_dir():
            pytest.skip(f"the real vault {name} is not here ({path})")
        return path

    return get


@pytest.fixture
def make_vault(tmp_path):
    """make_vault({"a.md": "text", ...}, config="...") -> the vault root."""

    def make(files: dict[str, str | bytes], config: str | None = None) -> Path:
        (tmp_path / ".obsidian").mkdir(exist_ok=True)
        if config is not None:
            (tmp_path / ".vaultlint.toml").write_text(config, encoding="utf-8")
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return tmp_path

    return make

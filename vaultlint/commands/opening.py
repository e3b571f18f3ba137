"""What every command does first: find the vault's root, read its config, index its files, and
choose the notes asked for. Below the API and the commands, which all open a vault this way."""

from __future__ import annotations

import bisect
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..config import settings as config_module
from ..config.settings import Config
from ..vault.index import MARKERS, Vault, locate_root


class UsageError(Exception):
    """Bad paths or options: the CLI exits with 2."""


def open_vault(
    paths: Sequence[str | os.PathLike] = (),
    *,
    vault_dir: str | os.PathLike | None = None,
    config_file: str | os.PathLike | None = None,
) -> tuple[Config, Vault]:
    """Find the root, read the config, index the vault."""
    root = vault_root(paths, vault_dir)
    config = config_module.load(root, Path(config_file) if config_file else None)
    return config, _vault(root, config)


def vault_root(paths: Sequence[str | os.PathLike] = (), vault_dir: str | os.PathLike | None = None) -> Path:
    """The root of the vault of `paths` (`vault_dir` when given)."""
    for p in paths:
        if not Path(p).exists():
            raise UsageError(f"no such file or folder: {p}")
    if vault_dir is not None:
        root = Path(vault_dir).resolve()
        if not root.is_dir():
            raise UsageError(f"--vault {vault_dir}: not a folder")
        return root
    root, how = locate_root(paths)
    if how != "marker":
        tell_guessed_root(root, how, paths)
    return root


def tell_guessed_root(root: Path, how: str, paths: Sequence[str | os.PathLike] = ()) -> None:
    """Say on the `vaultlint` log (stderr, from the CLI) which root was taken
    when no marker named it (`vaultlint.vault.locate_root`), once a process:
    a root guessed too low makes links to the rest of the vault look broken."""
    above = f"above {os.path.abspath(paths[0])}" if paths else f"above {Path.cwd()}"
    taken = {"git": f"the git work tree {root}", "current": f"the current folder {root}"}.get(how, f"{root}")
    message = (f"no {'/ or '.join(MARKERS)} found {above}; using {taken} as the vault root"
               " (--vault to choose)")
    if message not in _told:
        _told.add(message)
        logging.getLogger("vaultlint").info("%s", message)


_told: set[str] = set()


def _vault(root: Path, config: Config, files: list[str] | None = None, temporary: Iterable[str] = ()) -> Vault:
    return Vault(
        root,
        exclude=config.exclude,
        case_sensitive=config.case_sensitive,
        resolution=config.resolution,
        stamp_pattern=config.stamp_regex(),
        files=files,
        temporary=temporary,
    )


def select_notes(vault: Vault, paths: Iterable[str | os.PathLike]) -> list[str]:
    """The notes to check (and the files of other kinds, `.base`): those
    under the paths given (all when none), less the excluded ones; in the
    vault's order."""
    notes = vault.checked_paths
    paths = list(paths)
    if not paths:
        return vault.included(notes)
    wanted: set[str] = set()
    root = vault.root.resolve()
    for p in paths:
        absolute = Path(p).resolve()
        try:
            rel = absolute.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"{p} is outside the vault {root}") from None
        if absolute.is_dir():
            if rel == ".":
                return vault.included(notes)  # the whole vault
            prefix = rel + "/"
            wanted.update(n for n in notes if n.startswith(prefix))
        else:
            wanted.add(rel)
    # The notes are sorted: a note given is looked up, not the 100,000
    # notes each looked up among those given (pre-commit gives a few).
    return vault.included(sorted(n for n in wanted if _holds(notes, n)))


def _holds(ordered: list[str], item: str) -> bool:
    at = bisect.bisect_left(ordered, item)
    return at < len(ordered) and ordered[at] == item

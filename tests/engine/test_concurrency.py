"""Two `vaultlint fix` runs at once, a note edited under vaultlint's feet, and
a cache that is corrupt, truncated or foreign: nothing is lost, nothing is
reported wrongly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultlint import api
from vaultlint.cli import main
from vaultlint.fix import fixer

REPO = Path(__file__).resolve().parents[2]
SUPPRESSION = "%% vaultlint-disable broken-heading %%"


def vault_of(make_vault, count=40):
    return make_vault({f"n{i}.md": f"# N{i}\n\n[[n{(i + 1) % count}]] text {i}\n{SUPPRESSION}\n" for i in range(count)})


def test_two_fix_runs_at_once(make_vault):
    root = vault_of(make_vault)
    old = {p.name: p.read_bytes() for p in root.glob("*.md")}
    command = [sys.executable, "-m", "vaultlint", "fix", str(root)]
    procs = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode in (0, 1) and "Traceback" not in err, err
    for name, before in old.items():
        after = (root / name).read_bytes()
        # The fixed note: the suppression gone, nothing else changed.
        assert after == before.replace(SUPPRESSION.encode() + b"\n", b""), name


def test_a_note_changed_under_fixs_feet_is_left_alone_and_reported(make_vault, monkeypatch):
    root = vault_of(make_vault, 3)
    real_write = fixer.write_note

    def write_note(vault_root, path, *args):
        if path == "n1.md":  # a person types into n1.md between vaultlint's read and its write
            note = Path(vault_root, path)
            note.write_bytes(note.read_bytes() + b"typed while vaultlint ran\n")
        return real_write(vault_root, path, *args)

    monkeypatch.setattr(fixer, "write_note", write_note)  # fault injection, kept: a person's edit at the worst moment
    result = CliRunner().invoke(main, ["fix", str(root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    edited = (root / "n1.md").read_text()
    assert edited.endswith("typed while vaultlint ran\n") and SUPPRESSION in edited  # the person's edit is kept
    assert "n1.md: changed on disk since vaultlint read it; not written" in result.stderr
    assert SUPPRESSION not in (root / "n0.md").read_text()  # the others are fixed
    assert result.exit_code == 1


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "foreign version"])
def test_a_damaged_cache_is_rebuilt_and_never_changes_results(damage, make_vault):
    root = vault_of(make_vault, 30)
    (root / "broken.md").write_text("[[nowhere]] [[n1#Nope]]\n")

    def check():
        result = CliRunner().invoke(main, ["check", str(root), "--output-format", "json"])
        assert result.exit_code == 1 and "Traceback" not in result.output
        return json.loads(result.stdout)

    truth = json.loads(CliRunner().invoke(main, ["check", str(root), "--no-cache", "--output-format", "json"]).stdout)
    assert check() == truth  # the cache is written
    files = [p for p in (root / ".vaultlint_cache").rglob("*") if p.is_file()]
    assert files
    for file in files:
        data = file.read_bytes()
        if damage == "garbage":
            file.write_bytes(b"\x00not a cache\xff" * 100)
        elif damage == "truncated":
            file.write_bytes(data[: len(data) // 3])
        elif damage == "empty":
            file.write_bytes(b"")
        elif file.suffix == ".sqlite3":
            import sqlite3

            db = sqlite3.connect(file)
            db.execute("PRAGMA user_version = 999")
            db.commit()
            db.close()
    assert check() == truth
    assert check() == truth  # and again, from the rebuilt cache
    api.lint([root])  # the API too

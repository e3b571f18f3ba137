"""The benchmark's synthetic vault: deterministic, and what vaultlint finds
in it is exactly the truth the generator injected (no decoy in code is
reported, no injected problem is missed)."""

from __future__ import annotations

from benchmarks.generate import Truth, generate
from vaultlint.api import lint


def files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.md")}


def test_same_seed_same_vault_other_seed_other_vault(tmp_path):
    a = generate(tmp_path / "a", 40, seed=7)
    b = generate(tmp_path / "b", 40, seed=7)
    c = generate(tmp_path / "c", 40, seed=8)
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert files(tmp_path / "a") != files(tmp_path / "c")
    assert a == b == Truth.load(tmp_path / "a")
    assert a != c


def test_notes_look_like_the_seed(tmp_path):
    truth = generate(tmp_path, 60, seed=1)
    sizes = [len(text) for text in files(tmp_path).values()]
    assert truth.notes == len(sizes) == 60
    assert 4000 <= min(sizes) and max(sizes) <= 8 * 1024
    assert 10 <= truth.links / truth.notes <= 20
    assert 18 <= truth.stamps / truth.notes <= 32
    assert 0.05 <= len(truth.broken) / truth.links <= 0.15
    assert any(b.intended for b in truth.broken) and any(b.intended is None for b in truth.broken)
    assert truth.decoy_links > 0


def test_vaultlint_finds_exactly_the_injected_problems(tmp_path):
    truth = generate(tmp_path, 120, seed=3)
    result = lint([tmp_path], select=["broken-link", "unwritten-note", "timestamp-format"])
    # (A link with no close name is a note not written yet: unwritten-note, split from broken-link.)
    broken = {(d.path, d.line) for d in result.diagnostics if d.rule in ("broken-link", "unwritten-note")}
    stamps = {(d.path, d.line) for d in result.diagnostics if d.rule == "timestamp-format"}
    assert broken == {(b.path, b.line) for b in truth.broken}
    assert stamps == {(b.path, b.line) for b in truth.bad_stamps}

"""What a run says it did (`RunStats`, `check --verbose`) is what it did:
the notes it checked, reused from the cache and read, in this process or in
its workers."""

from __future__ import annotations

import os

from click.testing import CliRunner

from vaultlint import api
from vaultlint.cli import main
from vaultlint.engine import run as engine
from vaultlint.engine.stats import RunStats

NOTES = {
    "a.md": "# A\n\nSee [[b#Part two]] and [[missing note]].\n",  # reads b.md for its heading
    "b.md": "# B\n\n## Part two\n",
    "c.md": "[[a]]\n",
}


def settled(make_vault, files=NOTES):
    """A vault whose notes were written long enough ago for their stat to be trusted."""
    root = make_vault(files)
    for path in files:
        os.utime(root / path, ns=(10**18, 10**18))
    return root


def verbose(root, *paths):
    result = CliRunner().invoke(main, ["check", "--verbose", *(str(root / p) for p in paths or [""])])
    assert result.exit_code in (0, 1), result.output
    return result.stderr.splitlines()[-1], result.stdout


def test_check_verbose_says_what_the_cache_saved(make_vault):
    root = settled(make_vault)
    said, cold = verbose(root)
    # Each note read for its summary, then again to be checked; a.md's check reads b.md's headings.
    assert said == "vaultlint: 3 notes; 3 checked; 7 read; 1 vault rule run"
    said, warm = verbose(root)
    assert said == "vaultlint: 3 notes; the last result reused whole from the cache; 0 read"
    assert warm == cold
    (root / "b.md").write_text("# B\n\n## Part 2\n", encoding="utf-8")
    said, _ = verbose(root)
    # b.md changed, and a.md read it: both checked again; c.md's result holds.
    assert said.startswith("vaultlint: 3 notes; 2 checked, 1 reused from the cache; ")
    said, _ = verbose(root, "c.md")
    assert said == "vaultlint: 3 notes; 0 checked, 1 reused from the cache; 0 read; 1 vault rule reused"


def test_check_says_nothing_more_without_verbose(make_vault):
    result = CliRunner().invoke(main, ["check", str(settled(make_vault))])
    assert "checked" not in result.stderr and "vault rule" not in result.stderr


def test_workers_count_what_they_read(make_vault, monkeypatch):
    """The notes read by the workers of a pool are counted in the parent."""
    notes = {f"n{i}.md": f"[[n{i + 1}]]\n" for i in range(60)}  # no link reads another note
    root = settled(make_vault, notes)
    monkeypatch.setattr(engine, "POOL_MIN_NOTES", 1)  # a threshold lowered (no fault): 60 notes take the pool
    pooled = api.lint([root], jobs=2, cache=False).stats
    assert (pooled.workers, pooled.checked, pooled.read) == (2, 60, 60)
    config, vault = api.open_vault([root])
    stats = RunStats()
    api.run_rules(vault, config, config.active_rules(None, None), vault.note_paths, jobs=2, stats=stats)
    assert (stats.workers, stats.checked, stats.read) == (2, 60, 60)


def test_run_rules_adds_to_the_stats_it_is_given(make_vault):
    root = settled(make_vault)
    config, vault = api.open_vault([root])
    rules = config.active_rules(None, None)
    stats = RunStats()
    api.run_rules(vault, config, rules, ["c.md"], stats=stats)
    api.run_rules(vault, config, rules, ["a.md", "b.md"], stats=stats)
    assert (stats.notes, stats.checked, stats.reused, stats.vault_rules_run, stats.workers) == (3, 3, 0, 2, 0)
    assert stats.read == 3  # c.md, a.md, and b.md once: read by a.md's check, it is kept for its own


def test_the_line_says_each_count_once():
    assert RunStats(10_000, 3, 9_997, 5, vault_rules_reused=2).line() == (
        "10,000 notes; 3 checked, 9,997 reused from the cache; 5 read; 2 vault rules reused")
    assert RunStats(1, 1, 0, 1, vault_rules_run=1, workers=1).line() == (
        "1 note; 1 checked; 1 read; 1 vault rule run; 1 worker process")

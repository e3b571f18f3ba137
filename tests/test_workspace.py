"""The workspace (vaultlint.workspace) finds what a fresh run finds.

The differential test applies random sequences of edits (unsaved and on
disk), additions, renames and deletions to a small vault held open, and
after each compares the workspace's results with a cold `vaultlint check`
of the same texts in a copy of the vault."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultlint import api
from vaultlint.workspace import Workspace

# Orphans and near-duplicate names are vault rules (one reads every note);
# duplicated link text and the rest are note rules.
CONFIG = 'extend-select = ["orphan-note", "duplicate-link"]\n'

NAMES = ["Alpha", "Beta", "Gamma", "sub/Alpha", "Betta", "Delta"]

PIECES = [
    "[[Alpha]]", "[[Beta#Intro]]", "[[Gamma#^blk]]", "[[Nowhere]]", "[[Betta]]", "![[Delta]]",
    "[[Alpha#Part two]]", "[[sub/Alpha]]", "[[Also known]]", "# Intro", "## Part two", "A line ^blk",
    "%% vaultlint-disable-next-line broken-link %%", "plain words", "[[Gamma|Gamma]] and [[Gamma|Gamma]]",
]


def note_text(pieces: list[str], alias: str | None) -> str:
    front = f"---\naliases: [{alias}]\n---\n" if alias else ""
    return front + "\n\n".join(pieces) + "\n"


texts = st.builds(note_text, st.lists(st.sampled_from(PIECES), max_size=6),
                  st.sampled_from([None, None, "Also known", "Beta"]))
CANVASES = [
    '{"nodes": [{"id": "a", "type": "file", "file": "Alpha.md", "x": 0, "y": 0, "width": 1, "height": 1}]}',
    '{"nodes": [{"id": "t", "type": "text", "text": "[[Nowhere]] and [[Beta#Intro]]", "x": 0, "y": 0,'
    ' "width": 1, "height": 1}], "edges": []}',
    '{"nodes": [',
]
paths = st.sampled_from([f"{n}.md" for n in NAMES] + ["Board.canvas"])
operations = st.one_of(
    st.tuples(st.just("type"), paths, texts),  # unsaved text of a buffer
    st.tuples(st.just("save"), paths, texts),  # written on disk, then told
    st.tuples(st.just("close"), paths, st.none()),
    st.tuples(st.just("delete"), paths, st.none()),
    st.tuples(st.just("rename"), paths, paths),
)


def write(root: Path, path: str, text: str) -> None:
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")


def cold(root: Path, buffers: dict[str, str], tmp: Path) -> list:
    """A fresh run, without the cache, of the vault as the workspace sees
    it: the disk, with the unsaved texts in place of their files."""
    copy = tmp / "cold"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".vaultlint_cache"))
    for path, text in buffers.items():
        write(copy, path, text)
    try:
        return api.lint(vault_dir=copy, cache=False).diagnostics
    except api.UsageError:  # no note left
        return []


def start_vault(root: Path) -> None:
    (root / ".obsidian").mkdir(parents=True)
    (root / ".vaultlint.toml").write_text(CONFIG)
    write(root, "Alpha.md", "# Intro\n\n## Part two\n\n[[Beta]] [[Gamma#^blk]]\n")
    write(root, "Beta.md", "---\naliases: [Also known]\n---\n# Intro\n\n[[Alpha#Part two]] [[Nowhere]]\n")
    write(root, "Gamma.md", "A line ^blk\n\n[[Betta]] [[Alpha]] [[Alpha]]\n")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operations, min_size=1, max_size=7), st.booleans())
def test_the_workspace_finds_what_a_fresh_run_finds(tmp_path_factory, ops, use_cache):
    tmp = tmp_path_factory.mktemp("ws")
    root = tmp / "vault"
    start_vault(root)
    ws = Workspace.open(root, use_cache=use_cache)
    buffers: dict[str, str] = {}
    assert ws.check() == cold(root, buffers, tmp)
    for op, path, arg in ops:
        if path.endswith(".canvas") and op in ("type", "save"):
            arg = CANVASES[len(arg) % len(CANVASES)]  # (a canvas's text is JSON)
        if op == "type":
            buffers[path] = arg
            changed = ws.update(path, arg)
        elif op == "save":
            buffers.pop(path, None)
            write(root, path, arg)
            changed = ws.update(path)
        elif op == "close":
            buffers.pop(path, None)
            changed = ws.close(path)
        elif op == "delete":
            buffers.pop(path, None)
            (root / path).unlink(missing_ok=True)
            changed = ws.remove(path)
        else:  # rename `path` to `arg`, on disk (or the buffer alone when the file is not written)
            if path == arg or (root / arg).exists() or arg in buffers:
                continue
            if (root / path).exists():
                (root / arg).parent.mkdir(parents=True, exist_ok=True)
                (root / path).rename(root / arg)
            elif path not in buffers:
                continue
            if path in buffers:
                buffers[arg] = buffers.pop(path)
            changed = ws.rename(path, arg)
        expected = cold(root, buffers, tmp)
        # Every note whose problems changed is among those the change named.
        before = {d.path for d in expected}
        assert ws.check() == expected, (op, path, arg)
        for note in sorted(before):
            assert ws.check(note) == [d for d in expected if d.path == note]
        assert isinstance(changed, set)


def test_an_unsaved_edit_is_checked_alone_and_names_who_else_changed(make_vault):
    root = make_vault({
        "Target.md": "# Intro\n\ntext\n",
        "Linker.md": "[[Target#Intro]]\n",
        "Other.md": "[[Linker]]\n",
    })
    ws = Workspace.open(root)
    assert ws.check("Linker.md") == []
    changed = ws.update("Target.md", "# Renamed\n\ntext\n")
    # The heading was renamed in the buffer: the note linking to it is
    # stale, the note that only links elsewhere is not.
    assert changed == {"Target.md", "Linker.md"}
    problems = ws.check("Linker.md")
    assert [d.rule for d in problems] == ["broken-heading"]
    assert ws.stats["checked"] == 1  # only the stale note asked for was checked
    # Nothing was written: the disk still has the old heading.
    assert (root / "Target.md").read_text() == "# Intro\n\ntext\n"
    assert ws.close("Target.md") == {"Target.md", "Linker.md"}
    assert ws.check("Linker.md") == []


def test_a_note_added_mends_the_links_to_it_and_a_rename_breaks_them(make_vault):
    root = make_vault({"Linker.md": "[[Plan]]\n", "Other.md": "no links\n"})
    ws = Workspace.open(root)
    assert [d.rule for d in ws.check("Linker.md")] == ["unwritten-note"]
    (root / "Plan.md").write_text("# Plan\n")
    assert "Linker.md" in ws.update("Plan.md")
    assert ws.check("Linker.md") == []
    (root / "Plan.md").rename(root / "Later.md")
    assert "Linker.md" in ws.rename("Plan.md", "Later.md")
    assert [d.rule for d in ws.check("Linker.md")] == ["unwritten-note"]
    assert ws.resolve("Later", "Linker.md").path == "Later.md"
    assert ws.resolve("Plan", "Linker.md").path is None


def test_what_the_link_rules_know_is_asked_of_the_workspace(make_vault):
    root = make_vault({
        "Project Plan.md": "# Goals\n\nA block ^b1\n",
        "Linker.md": "[[Project Plan#Goals]] and [[Project Plan]]\n",
        "Far.md": "[[project plan]]\n",
    })
    ws = Workspace.open(root)
    assert [h.text for h in ws.headings("Project Plan.md")] == ["Goals"]
    assert [b.id for b in ws.block_ids("Project Plan.md")] == ["b1"]
    assert sorted((source, link.target) for source, link in ws.backlinks("Project Plan.md")) == [
        ("Far.md", "project plan"), ("Linker.md", "Project Plan"), ("Linker.md", "Project Plan")]
    assert ws.suggest("Projet Plan")[:1] == ["Project Plan"]
    assert ws.resolve("Project Plan", "Linker.md", "Nope").status.value == "missing-heading"


def test_fix_gives_the_fixed_text_and_writes_nothing(make_vault):
    text = "---\ntitle: x\n---\n[[Gamma|Gamma]]\n"
    root = make_vault({"Gamma.md": "g\n", "Note.md": text}, config='extend-select = ["duplicate-link"]\n')
    ws = Workspace.open(root)
    fixed = ws.fix("Note.md")
    problems = ws.check("Note.md")
    assert any(d.fix is not None for d in problems) == (fixed is not None)
    assert (root / "Note.md").read_text() == text
    assert ws.text("Note.md") == text


def test_a_config_that_turns_bad_keeps_the_old_one(make_vault):
    from vaultlint.config import ConfigError

    root = make_vault({"A.md": "[[Nowhere]]\n"})
    ws = Workspace.open(root)
    assert [d.rule for d in ws.check("A.md")] == ["unwritten-note"]
    (root / ".vaultlint.toml").write_text("ignore = [\n")
    with pytest.raises(ConfigError):
        ws.reload_config()
    assert [d.rule for d in ws.check("A.md")] == ["unwritten-note"]
    (root / ".vaultlint.toml").write_text('ignore = ["unwritten-note"]\n')
    assert "A.md" in ws.reload_config()
    assert ws.check("A.md") == []


def test_a_warm_vault_opens_from_the_cache_without_checking_a_note(make_vault):
    root = make_vault({
        "A.md": "# Intro\n\n[[B#Intro]] [[Nowhere]]\n",
        "B.md": "# Intro\n\n%% vaultlint-disable-next-line broken-link %%\n[[Gone]] [[A]]\n",
    })
    first = api.lint(vault_dir=root).diagnostics  # the cache is made
    ws = Workspace.open(root)
    assert ws.stats["from batch"] == 2
    assert ws.check() == first
    assert ws.stats["checked"] == 0  # every result came from the batch run's record
    # What each note's check read came with it: B's heading renamed makes A stale.
    assert ws.update("B.md", "# Other\n") == {"A.md", "B.md"}
    assert [d.rule for d in ws.check("A.md")] == ["broken-heading", "unwritten-note"]

"""vaultlint as a pre-commit hook, run by the real `pre-commit` tool.

A git repository holding a small vault installs this repository's hooks; a
commit that adds a broken link is refused, a clean one passes, the fix hook
removes a stale suppression (pre-commit refuses the commit it changed, the
next one passes), and a commit that renames a note away from its links is
refused with the links it breaks. pre-commit builds the hook's environment by pip-installing this
repository (from a snapshot of its working tree), which needs PyPI.

The vault-wide part (links broken by a removal) is also tested directly on
`vaultlint check --staged`, without pre-commit.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultlint import api
from vaultlint.cli import main

REPO = Path(__file__).resolve().parents[2]
HAVE_GIT = shutil.which("git") is not None
HAVE_PRE_COMMIT = importlib.util.find_spec("pre_commit") is not None
needs_git = pytest.mark.skipif(not HAVE_GIT, reason="git is not installed")

# Fixed names and dates: the same tree gives the same commit, so pre-commit
# reuses the hook environment it built for it the last time.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                          cwd=cwd, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def snapshot_of_this_repo() -> tuple[Path, str]:
    """This repository's working tree (tracked and new files, not ignored
    ones) committed in a repository of its own, as `pre-commit try-repo`
    does: the hook under test is the code under test, committed or not.
    The snapshot's folder is named by its content, so that runs of the same
    code (in other worktrees too, at the same time) share it and its hook
    environment, and never change it under each other's feet."""
    names = sorted(filter(None, git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                          .stdout.split("\0")))
    files = {name: (REPO / name).read_bytes() for name in names if (REPO / name).is_file()}
    digest = hashlib.sha256(b"".join(n.encode() + b"\0" + data + b"\0" for n, data in files.items())).hexdigest()
    dest = Path(tempfile.gettempdir()) / f"vaultlint-hook-src-{digest[:16]}"
    if not (dest / ".git").is_dir() or git(dest, "rev-parse", "HEAD", check=False).returncode != 0:
        building = Path(tempfile.mkdtemp(prefix="vaultlint-hook-src-"))
        for name, data in files.items():
            (building / name).parent.mkdir(parents=True, exist_ok=True)
            (building / name).write_bytes(data)
        git(building, "init", "-q")
        git(building, "add", "-A")
        git(building, "commit", "-q", "-m", "snapshot")
        try:
            building.rename(dest)
        except OSError:  # another run made it first
            shutil.rmtree(building, ignore_errors=True)
    return dest, git(dest, "rev-parse", "HEAD").stdout.strip()


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


@pytest.mark.skipif(not (HAVE_GIT and HAVE_PRE_COMMIT), reason="needs git and pre-commit (the `test` extra)")
def test_the_hook_refuses_a_broken_link_and_passes_a_clean_commit(tmp_path):
    source, rev = snapshot_of_this_repo()
    vault = tmp_path / "notes"
    vault.mkdir()
    git(vault, "init", "-q")
    (vault / ".obsidian").mkdir()
    write(vault, {
        ".pre-commit-config.yaml": f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n"
                                   "      - id: vaultlint-fix\n      - id: vaultlint\n",
        "Home.md": "# Home\n\nSee [[Ideas]].\n",
        "Ideas.md": "# Ideas\n",
        "Projects/Garden.md": "Part of [[Ideas#Ideas]].\n",
    })
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=vault, check=True, capture_output=True)

    def commit(message: str) -> subprocess.CompletedProcess:
        git(vault, "add", "-A")
        return git(vault, "commit", "-m", message, check=False)

    first = commit("a clean vault")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "vaultlint" in first.stdout + first.stderr and "Passed" in first.stdout + first.stderr

    write(vault, {"Journal.md": "Today I read [[Ideaz]] and [[Home]].\n"})
    refused = commit("a broken link")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "Journal.md:1:14: broken-link note `Ideaz` not found (did you mean `Ideas`?)" in output
    assert git(vault, "log", "--format=%s").stdout.split("\n")[0] == "a clean vault"

    write(vault, {"Journal.md": "Today I read [[Ideas]] and [[Home]].\n"})
    passed = commit("the link fixed")
    assert passed.returncode == 0, passed.stdout + passed.stderr

    # the fix hook removes a suppression that silences nothing (a safe fix);
    # pre-commit refuses the commit because a hook changed a file, and the
    # fixed note then goes in
    write(vault, {"Journal.md": "%% vaultlint-disable-next-line broken-link %%\nToday I read [[Ideas]].\n"})
    fixed = commit("a stale suppression")
    assert fixed.returncode != 0 and "files were modified by this hook" in fixed.stdout + fixed.stderr
    assert (vault / "Journal.md").read_text() == "Today I read [[Ideas]].\n"
    again = commit("a stale suppression, removed")
    assert again.returncode == 0, again.stdout + again.stderr

    git(vault, "mv", "Ideas.md", "Thoughts.md")
    renamed = commit("a note renamed away from its links")
    output = renamed.stdout + renamed.stderr
    assert renamed.returncode != 0, output
    for where in ("Home.md:3:5", "Journal.md:1:14", "Projects/Garden.md:1:9"):
        assert f"{where}: broken-link note `Ideas` not found" in output
    assert "`Ideas.md` was renamed to `Thoughts.md` in this commit" in output
    # drop the hook environments of snapshots no config uses any more
    subprocess.run([sys.executable, "-m", "pre_commit", "gc"], cwd=vault, capture_output=True)


@pytest.mark.skipif(not (HAVE_GIT and HAVE_PRE_COMMIT), reason="needs git and pre-commit (the `test` extra)")
def test_both_hooks_on_a_baseline_pass_a_note_with_old_problems_and_refuse_a_new_one(tmp_path):
    """Adopting vaultlint on a vault with a past: the baseline named in the
    config serves both hooks. Touching a note that holds an old broken link
    commits (the fix hook has nothing to fix and says so, exit 0); a new
    broken link is refused by the check hook."""
    source, rev = snapshot_of_this_repo()
    vault = tmp_path / "notes"
    vault.mkdir()
    git(vault, "init", "-q")
    (vault / ".obsidian").mkdir()
    write(vault, {
        ".pre-commit-config.yaml": f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n"
                                   "      - id: vaultlint-fix\n      - id: vaultlint\n",
        ".vaultlint.toml": 'baseline = ".vaultlint-baseline.json"\n',
        "Home.md": "# Home\n\nSee [[Ideas]] and [[Old plans]].\n",
        "Ideas.md": "# Ideas\n",
    })
    recorded = CliRunner().invoke(main, ["check", "--write-baseline", str(vault / ".vaultlint-baseline.json"),
                                         str(vault)])
    assert recorded.exit_code == 0 and "Wrote 1 problem of 2 notes" in recorded.output
    subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=vault, check=True, capture_output=True)

    def commit(message: str) -> subprocess.CompletedProcess:
        git(vault, "add", "-A")
        return git(vault, "commit", "-m", message, check=False)

    first = commit("a vault with a past, and its baseline")
    assert first.returncode == 0, first.stdout + first.stderr
    write(vault, {"Home.md": "# Home\n\nSee [[Ideas]] and [[Old plans]].\n\nA new line.\n"})
    touched = commit("a note with an old problem, touched")
    output = touched.stdout + touched.stderr
    assert touched.returncode == 0, output
    assert "Old plans" not in output  # neither hook prints the old problem
    write(vault, {"Home.md": "# Home\n\nSee [[Ideas]] and [[Old plans]].\n\nA new line, [[Ideaz]].\n"})
    refused = commit("a new broken link")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "Home.md:5:13: broken-link note `Ideaz` not found" in output and "Old plans" not in output
    assert "vaultlint fix" in output and "Passed" in output  # the fix hook passed; the check hook failed
    subprocess.run([sys.executable, "-m", "pre_commit", "gc"], cwd=vault, capture_output=True)


@needs_git
def test_staged_checks_only_the_notes_given_and_what_a_removal_breaks(tmp_path, monkeypatch):
    vault = tmp_path
    (vault / ".obsidian").mkdir()
    write(vault, {
        "a.md": "[[Target]] and ![[pic.png]] and [[old broken]]\n",
        "b.md": "[[Target#Heading]] and [it](Target.md)\n",
        "c.md": "Nothing about it; [[also broken]]\n",
        "Target.md": "# Heading\n",
        "pic.png": "x",
    })
    git(vault, "init", "-q")
    git(vault, "add", "-A")
    git(vault, "commit", "-q", "-m", "init")
    monkeypatch.chdir(vault)
    run = CliRunner().invoke
    assert run(main, ["check", "--staged"]).exit_code == 0  # nothing given, nothing removed
    out = run(main, ["check", "--staged", "c.md"])
    assert out.exit_code == 1 and "also broken" in out.output and "old broken" not in out.output

    git(vault, "mv", "Target.md", "Renamed.md")
    git(vault, "rm", "-q", "pic.png")
    out = run(main, ["check", "--staged", "--no-color", "Renamed.md"])
    assert out.exit_code == 1
    found = [line for line in out.output.splitlines() if "broken-link" in line]
    # (whatever the suggestions say between the two halves)
    assert [(line.split(" not found")[0], line.split("; ")[-1]) for line in found] == [
        (line.split(" not found")[0], line.split("; ")[-1]) for line in [
        "a.md:1:1: broken-link note `Target` not found; `Target.md` was renamed to `Renamed.md` in this commit",
        "a.md:1:16: broken-link attachment `pic.png` not found; `pic.png` was deleted in this commit",
        "b.md:1:1: broken-link note `Target` not found; `Target.md` was renamed to `Renamed.md` in this commit",
        "b.md:1:24: broken-link note `Target.md` not found; `Target.md` was renamed to `Renamed.md` in this commit",
    ]]


@needs_git
@pytest.mark.parametrize("after_a_check", [False, True])
def test_fix_staged_fixes_only_the_notes_given(tmp_path, monkeypatch, after_a_check):
    """The fix hook: the notes of the commit are fixed, no other note, and a
    link elsewhere that the commit breaks is the check hook's to report."""
    vault = tmp_path
    (vault / ".obsidian").mkdir()
    rules = Path(__file__).parents[1].joinpath("fix", "fix_rules.py").as_posix()
    write(vault, {".vaultlint.toml": f'plugins = ["{rules}"]\n', "a.md": "calm todo\n", "b.md": "todo too\n",
                  "c.md": "see [[Target]]\n", "Target.md": "# T\n"})
    git(vault, "init", "-q")
    git(vault, "add", "-A")
    git(vault, "commit", "-q", "-m", "init")
    monkeypatch.chdir(vault)
    if after_a_check:
        api.lint([vault], select=["shout", "broken-link"])
    run = CliRunner().invoke
    assert run(main, ["fix", "--staged", "--select", "shout"]).exit_code == 0  # nothing given: nothing fixed
    assert (vault / "a.md").read_text() == "calm todo\n"
    git(vault, "mv", "Target.md", "Renamed.md")
    out = run(main, ["fix", "--staged", "--select", "shout,broken-link", "a.md"])
    assert out.exit_code == 0, out.output
    assert (vault / "a.md").read_text() == "calm TODO\n"
    assert (vault / "b.md").read_text() == "todo too\n"
    assert "c.md" not in out.output and "Fixed 1 problem in 1 note" in out.output
    out = run(main, ["fix", "--staged", "--select", "shout,broken-link", "a.md"])  # nothing left to fix there
    assert out.exit_code == 0 and "c.md" not in out.output, out.output


@needs_git
def test_staged_without_a_vault_marker_takes_the_repository_as_the_vault(tmp_path, monkeypatch):
    """A Quartz `content/` repository has no `.obsidian/`: the vault is the
    repository, not the folder of the note given."""
    write(tmp_path, {"talks/a.md": "[[b]] and [[missing]]\n", "notes/b.md": "# B\n"})
    git(tmp_path, "init", "-q")
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(main, ["check", "--staged", "--no-color", "talks/a.md"])
    assert out.exit_code == 1
    assert out.output.splitlines()[0] == "talks/a.md:1:11: unwritten-note note `missing` is not written yet"


@needs_git
def test_staged_reports_links_to_headings_and_blocks_the_commit_removes(tmp_path, monkeypatch):
    (tmp_path / ".obsidian").mkdir()
    write(tmp_path, {
        "Target.md": "# Target\n\n## Keep\n\n## Old section\n\nPara ^blk\n",
        "a.md": "See [[Target#Old section]], [[Target#Keep]], [[Target#^blk]] and [x](Target.md#Old%20section).\n",
        "b.md": "Nested [[Target#Target#Old section]]; [[Target#Never there]] was broken before.\n",
    })
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "init")
    (tmp_path / "Target.md").write_text("# Target\n\n## Keep\n\n## New section\n\nPara\n")
    git(tmp_path, "add", "-A")
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(main, ["check", "--staged", "--no-color", "Target.md"])
    assert out.exit_code == 1
    found = [(line.split(" ", 2)[0], line.rsplit("; ", 1)[-1]) for line in out.output.splitlines() if "; " in line]
    assert found == [
        ("a.md:1:5:", "the heading `Old section` was removed from `Target.md` in this commit"),
        ("a.md:1:46:", "the block `^blk` was removed from `Target.md` in this commit"),
        ("a.md:1:66:", "the heading `Old section` was removed from `Target.md` in this commit"),
        ("b.md:1:8:", "the heading `Target#Old section` was removed from `Target.md` in this commit"),
    ]


@needs_git
def test_the_content_hash_is_gits_blob_id(tmp_path):
    from vaultlint.engine.keys import digest

    data = "# Caf\u00e9\r\n\nSee [[b]].\n".encode()
    (tmp_path / "a.md").write_bytes(data)
    git(tmp_path, "init", "-q")
    assert digest(data).hex() == git(tmp_path, "hash-object", "a.md").stdout.strip()


def _checked_once(vault: Path, monkeypatch) -> None:
    monkeypatch.chdir(vault)
    assert CliRunner().invoke(main, ["check"]).exit_code == 1  # the cache learns every note


@needs_git
def test_staged_sees_a_change_git_has_staged_in_a_note_not_given(tmp_path, monkeypatch):
    """A pre-commit run trusts git's index for the notes it is not given:
    one staged with other content than vaultlint recorded is read again."""
    (tmp_path / ".obsidian").mkdir()
    write(tmp_path, {"a.md": "See [[b#Later]].\n", "b.md": "# B\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "init")
    _checked_once(tmp_path, monkeypatch)
    write(tmp_path, {"b.md": "# B\n\n## Later\n"})
    git(tmp_path, "add", "b.md")
    out = CliRunner().invoke(main, ["check", "--staged", "--no-color", "a.md"])
    assert out.exit_code == 0, out.output


@needs_git
def test_staged_sees_a_change_in_a_note_git_does_not_track(tmp_path, monkeypatch):
    (tmp_path / ".obsidian").mkdir()
    write(tmp_path, {"a.md": "See [[b#Later]].\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "a.md")
    git(tmp_path, "commit", "-q", "-m", "init")
    write(tmp_path, {"b.md": "# B\n"})  # never added
    _checked_once(tmp_path, monkeypatch)
    write(tmp_path, {"b.md": "# B\n\n## Later\n"})
    out = CliRunner().invoke(main, ["check", "--staged", "--no-color", "a.md"])
    assert out.exit_code == 0, out.output


def test_staged_outside_git_stats_every_note(tmp_path, monkeypatch):
    """Without git's index to ask (no repository here), a staged run stats
    every note as any run does."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / ".obsidian").mkdir()
    write(tmp_path, {"a.md": "See [[b#Later]].\n", "b.md": "# B\n"})
    _checked_once(tmp_path, monkeypatch)
    write(tmp_path, {"b.md": "# B\n\n## Later\n"})
    out = CliRunner().invoke(main, ["check", "--staged", "--no-color", "a.md"])
    assert out.exit_code == 0, out.output


@needs_git
def test_staged_sees_a_new_note_when_another_went(tmp_path, monkeypatch):
    """As many notes as recorded, but not the same ones: the new note (an
    alias of it resolves a link) is found all the same."""
    (tmp_path / ".obsidian").mkdir()
    write(tmp_path, {"a.md": "See [[Foo]].\n", "b.md": "x\n", "c.md": "y\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "init")
    _checked_once(tmp_path, monkeypatch)
    (tmp_path / "c.md").unlink()
    write(tmp_path, {"d.md": "---\naliases: [Foo]\n---\n"})
    staged = CliRunner().invoke(main, ["check", "--staged", "--no-color", "a.md"])
    fresh = CliRunner().invoke(main, ["check", "--no-cache", "--no-color", "a.md"])
    assert "an alias of `d`" in fresh.output and staged.output == fresh.output


@needs_git
def test_staged_stats_only_the_notes_the_index_does_not_vouch_for(tmp_path):
    """Which notes a staged run takes as changed: those given, those staged
    with other content, those git does not track, those gone; not a note
    whose change is unstaged (pre-commit stashes it before the hook runs)."""
    from vaultlint.engine.changes import list_index, moved_staged
    from vaultlint.engine.keys import digest

    names = ["given.md", "staged.md", "unstaged.md", "same.md", "untracked.md", "gone.md"]
    write(tmp_path, {name: f"# {name}\n" for name in names})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", *names[:-2])
    known = {name: (0, 0, digest((tmp_path / name).read_bytes()), None) for name in names}
    write(tmp_path, {"staged.md": "new\n", "unstaged.md": "new\n", "given.md": "new\n", "untracked.md": "new\n"})
    git(tmp_path, "add", "staged.md")
    (tmp_path / "gone.md").unlink()
    found = moved_staged(tmp_path, names[:-1], known, ["given.md"], list_index(tmp_path))()
    assert sorted(found) == ["given.md", "gone.md", "staged.md", "untracked.md"]
    assert found["gone.md"] is None and found["staged.md"] == (4, (tmp_path / "staged.md").stat().st_mtime_ns)


@needs_git
def test_the_index_is_compared_in_a_child_with_the_record_it_reads(tmp_path):
    """A staged run's child reads the files record on its own, while the
    run reads it too: its answer holds only for the same record. When
    another run wrote the record between the two reads, every note is
    stat'ed (an unstaged edit then shows), as when git cannot tell."""
    from vaultlint.engine.changes import list_index, moved_staged
    from vaultlint.engine.store import Cache, index_compared

    write(tmp_path, {"a.md": "# a\n", "unstaged.md": "# u\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "a.md", "unstaged.md")
    api.lint([tmp_path])  # records both
    write(tmp_path, {"unstaged.md": "changed, not staged\n"})
    notes = ["a.md", "unstaged.md"]
    for version, unstaged_seen in ((None, False), ("another", True)):
        cache = Cache.open(tmp_path)
        listing = list_index(tmp_path)
        compared = index_compared(cache, listing)
        known = cache.files()
        moved = moved_staged(tmp_path, notes, known, [], listing, compared=(compared, version or cache.version))
        assert ("unstaged.md" in moved()) is unstaged_seen
        cache.close()


@needs_git
def test_the_index_image_answers_as_the_record_does(tmp_path, monkeypatch):
    """The record, kept beside itself as the git index it would be, with
    the changes made since on top, vouches for the same notes as the record
    read whole: after a note is staged with new content, another is edited
    without staging, one is recorded anew, one is added and one removed."""
    from vaultlint.engine import store as cache_module
    from vaultlint.engine.changes import _not_in_index
    from vaultlint.engine.store import Cache

    monkeypatch.setattr(cache_module, "CHANGES_MAX", 4)  # the first run writes the record whole, the next ones changes
    write(tmp_path, {f"{name}.md": f"# {name}\n" for name in "abcde"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")

    def both():
        listed = subprocess.run(["git", "ls-files", "--stage", "-z"], cwd=tmp_path, capture_output=True,
                                check=True).stdout
        cache = Cache.open(tmp_path)
        try:
            image_changes = cache.db.execute("SELECT count(*) FROM file_changes").fetchone()[0]
            with monkeypatch.context() as patch:  # the record is not read: the image answers
                patch.setattr(Cache, "files", lambda self: pytest.fail("the record was read"))
                version, by_image = cache.compared_with_index(listed)
            assert cache.db.execute("SELECT count(*) FROM index_image").fetchone()[0] == 1
            by_record = _not_in_index(listed, cache.files())
            assert version == cache.version
        finally:
            cache.close()
        assert sorted(by_image) == sorted(by_record)
        return sorted(by_image), image_changes

    api.lint([tmp_path])
    assert both() == ([], 0)
    write(tmp_path, {"b.md": "staged\n", "c.md": "not staged\n"})
    git(tmp_path, "add", "b.md")
    assert both() == (["b.md"], 0)
    # A run that stats the notes records b's new content and c's, as
    # changes beside the image; the index holds c's old content.
    api.lint([tmp_path / "b.md"])
    assert both() == (["c.md"], 2)
    write(tmp_path, {"b.md": "staged again\n", "d.md": "staged\n"})
    git(tmp_path, "add", "b.md", "c.md", "d.md")
    assert both() == (["b.md", "d.md"], 2)
    git(tmp_path, "rm", "-q", "--cached", "e.md")  # no longer in the index: not vouched for
    assert both()[0] == ["b.md", "d.md", "e.md"]


def test_the_hooks_file_declares_both_hooks_serial_on_markdown():
    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"vaultlint", "vaultlint-fix"}
    assert hooks["vaultlint"]["entry"] == "vaultlint check --staged"
    assert hooks["vaultlint-fix"]["entry"] == "vaultlint fix --staged"
    assert all(h["types"] == ["markdown"] and h["require_serial"] and h["language"] == "python"
               for h in hooks.values())


@needs_git
def test_the_fix_hook_exits_0_with_problems_left_and_1_when_a_note_is_not_written(tmp_path, monkeypatch):
    """What the fix hook leaves is the check hook's to report: `fix --staged`
    fails only when it could not do its work."""
    from vaultlint.fix import fixer

    (tmp_path / ".obsidian").mkdir()
    rules = Path(__file__).parents[1].joinpath("fix", "fix_rules.py").as_posix()
    write(tmp_path, {".vaultlint.toml": f'plugins = ["{rules}"]\n', "a.md": "todo [[nowhere]] maybe\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    monkeypatch.chdir(tmp_path)
    args = ["fix", "--staged", "--select", "shout,hint,broken-link", "a.md"]
    left = CliRunner().invoke(main, args)
    assert left.exit_code == 0, left.output
    assert (tmp_path / "a.md").read_text() == "TODO [[nowhere]] maybe\n"
    assert "nowhere" not in left.output and "remain" in left.output  # a summary, not the problems
    write(tmp_path, {"a.md": "todo again\n"})

    def refused(root, path, *args):
        raise PermissionError(13, "Permission denied", str(root / path))

    monkeypatch.setattr(fixer, "write_note", refused)
    failed = CliRunner().invoke(main, args)
    assert failed.exit_code == 1 and "vaultlint: not written: a.md: Permission denied" in failed.stderr

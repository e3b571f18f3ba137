"""`vaultlint fix`: the engine (passes, guards), atomic writes, the CLI."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultlint import api
from vaultlint.cli import main
from vaultlint.engine import run as engine
from vaultlint.fix import writer
from vaultlint.vault import files as note_files

RULES = Path(__file__).with_name("fix_rules.py")
CONFIG = f'plugins = ["{RULES.as_posix()}"]\n'


def fix(vault, *rules, **kw):
    return api.fix([vault], select=list(rules), **kw)


def read(vault, name) -> bytes:
    return (vault / name).read_bytes()


def test_safe_fixes_are_written_and_unsafe_ones_only_when_asked(make_vault):
    vault = make_vault({"a.md": "todo: see [[old]]\n", "new.md": "", "old.md": ""}, config=CONFIG)
    run = fix(vault, "shout", "rename")
    assert read(vault, "a.md") == b"TODO: see [[old]]\n"
    assert run.applied == {"shout": 1}
    assert [d.rule for d in run.remaining] == ["rename"]
    assert "1 fixable with `--unsafe-fixes`" in run.summary()
    fix(vault, "shout", "rename", unsafe=True)
    assert read(vault, "a.md") == b"TODO: see [[new]]\n"


def test_overlapping_fixes_wait_for_the_next_pass_until_nothing_changes(make_vault):
    vault = make_vault({"a.md": "a      b  c\r\n"}, config=CONFIG)
    run = fix(vault, "double-space")
    assert read(vault, "a.md") == b"a b c\r\n"
    assert run.passes > 1
    assert run.remaining == []
    again = fix(vault, "double-space")
    assert again.applied == {} and again.written == []


def test_a_fix_that_would_break_a_working_link_is_refused(make_vault):
    vault = make_vault({"a.md": "[[fragile]] and todo\n", "fragile.md": ""}, config=CONFIG)
    run = fix(vault, "breaker", "shout")
    assert read(vault, "a.md") == b"[[fragile]] and TODO\n"
    assert len(run.rejected) == 1 and "break the link to `fragile.md`" in run.rejected[0].reason
    assert "Not applied: a.md:1:1: breaker" in run.summary()


def test_a_fix_that_removes_a_heading_other_notes_link_to_is_refused(make_vault):
    files = {"a.md": "# Old Title\n", "b.md": "see [[a#Old Title]]\n", "c.md": "# Old Title\n"}
    vault = make_vault(files, config=CONFIG)
    run = fix(vault, "retitle")
    assert read(vault, "a.md") == b"# Old Title\n"
    assert read(vault, "c.md") == b"# New Title\n"  # nothing links there
    assert [r.diagnostic.path for r in run.rejected] == ["a.md"]


def test_only_a_fix_that_removes_a_heading_or_block_id_reads_the_vault_for_links_to_it(make_vault, monkeypatch):
    """Knowing which headings other notes link to means reading every note
    (a minute at 100,000 notes): a fix that removes none must not ask."""
    from vaultlint.fix import fixer

    asked = []
    linked_anchors = fixer._Passes.linked_anchors
    monkeypatch.setattr(fixer._Passes, "linked_anchors", lambda self: asked.append(1) or linked_anchors(self))
    files = {"a.md": "# Old Title\n\ntodo\n", **{f"n{i}.md": "see [[a#Old Title]]\n" for i in range(5)}}
    vault = make_vault(files, config=CONFIG)
    fix(vault, "shout")
    assert read(vault, "a.md") == b"# Old Title\n\nTODO\n"
    assert asked == []
    run = fix(vault, "retitle")
    assert read(vault, "a.md") == b"# Old Title\n\nTODO\n" and len(run.rejected) == 1
    assert asked


def test_a_fix_that_leaves_a_problem_no_fix_solves_is_undone(make_vault):
    vault = make_vault({"a.md": "calm todo\n"}, config=CONFIG)
    run = fix(vault, "spoiler", "shout")
    assert read(vault, "a.md") == b"calm TODO\n"
    assert [r.diagnostic.rule for r in run.rejected] == ["spoiler"]


def test_display_only_fixes_are_never_applied(make_vault):
    vault = make_vault({"a.md": "maybe\n"}, config=CONFIG)
    run = fix(vault, "hint", unsafe=True)
    assert read(vault, "a.md") == b"maybe\n"
    assert "1 with a suggestion" in run.summary()


def test_bytes_outside_the_edits_stay_bom_crlf_trailing_spaces_no_final_newline(make_vault):
    original = "\ufeff---\r\ntitle: x  \r\n---\r\ntodo  \t\r\n\r\nend todo"
    vault = make_vault({"a.md": original.encode("utf-8")}, config=CONFIG)
    fix(vault, "shout")
    assert read(vault, "a.md") == original.replace("todo", "TODO").encode("utf-8")


def test_unchanged_notes_are_not_written(make_vault):
    vault = make_vault({"a.md": "todo\n", "b.md": "nothing\n"}, config=CONFIG)
    os.utime(vault / "b.md", (1_000_000, 1_000_000))
    run = fix(vault, "shout")
    assert run.written == ["a.md"]
    assert (vault / "b.md").stat().st_mtime == 1_000_000


def test_a_note_changed_on_disk_meanwhile_is_not_written(make_vault):
    vault = make_vault({"a.md": "todo\n"}, config=CONFIG)
    run = fix(vault, "shout", write=False)
    (vault / "a.md").write_bytes(b"todo, edited by hand\n")
    from vaultlint.fix.fixer import write_changes

    write_changes(run, vault)
    assert read(vault, "a.md") == b"todo, edited by hand\n"
    assert run.written == [] and "changed on disk" in run.refused[0]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_mode_is_kept(make_vault):
    vault = make_vault({"a.md": "todo\n"}, config=CONFIG)
    os.chmod(vault / "a.md", 0o640)
    fix(vault, "shout")
    assert stat.S_IMODE((vault / "a.md").stat().st_mode) == 0o640
    assert [p.name for p in vault.iterdir() if "vaultlint" in p.name and p.suffix == ".tmp"] == []


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_nothing_outside_the_vault_is_written(make_vault, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_bytes(b"todo\n")
    vault = make_vault({"a.md": "todo\n"}, config=CONFIG)
    (vault / "link.md").symlink_to(outside)
    run = fix(vault, "shout")
    assert outside.read_bytes() == b"todo\n"
    assert run.written == ["a.md"]
    assert run.refused == []  # the symlink out of the vault is not even read (an `unreadable-note`)
    with pytest.raises(writer.WriteRefused):
        writer.inside(vault, "../secret.md")


def test_an_interrupted_write_leaves_the_old_note_and_no_temporary_file(tmp_path, monkeypatch):
    note = tmp_path / "a.md"
    note.write_bytes(b"old\n")

    def crash(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        writer.replace_bytes(note, b"new\n")
    assert note.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_cli_diff_prints_a_unified_diff_writes_nothing_and_exits_1(make_vault):
    vault = make_vault({"a.md": "one\ntodo"}, config=CONFIG)
    result = CliRunner().invoke(main, ["fix", "--diff", "--select", "shout", str(vault)])
    assert result.exit_code == 1
    assert "--- a/a.md\n+++ b/a.md\n" in result.stdout
    assert "-todo\n\\ No newline at end of file\n+TODO\n\\ No newline at end of file\n" in result.stdout
    assert "Would fix 1 problem in 1 note (shout 1)." in result.stderr
    assert read(vault, "a.md") == b"one\ntodo"
    clean = CliRunner().invoke(main, ["fix", "--diff", "--select", "hint", str(vault)])
    assert clean.exit_code == 0 and clean.stdout == ""


def test_cli_fix_reports_what_it_did_and_what_remains(make_vault):
    vault = make_vault({"a.md": "todo maybe\n", "b.md": "todo todo\n"}, config=CONFIG)
    result = CliRunner().invoke(main, ["fix", "--select", "shout,hint", str(vault)])
    assert result.exit_code == 1  # the hint remains
    # A summary, not the problem list (a second copy of `check`'s in a hook's output)
    assert result.stdout == ("Fixed 3 problems in 2 notes (shout 3).\n1 problem remains in 1 note "
                             "(1 with a suggestion to apply by hand or with `--interactive`).\n")
    listed = CliRunner().invoke(main, ["fix", "--show-remaining", "--select", "shout,hint", str(vault)])
    assert listed.exit_code == 1
    assert "a.md:1:6: hint hedging\n    suggestion: say surely (display-only, not applied)\n" in listed.stdout
    assert "1 problem remains in 1 note (1 with a suggestion" in listed.stdout
    assert CliRunner().invoke(main, ["fix", "--select", "shout", str(vault)]).exit_code == 0


def test_cli_fix_lists_what_remains_in_checks_formats_with_the_summary_on_stderr(make_vault):
    import json

    vault = make_vault({"a.md": "todo maybe\n"}, config=CONFIG)
    result = CliRunner().invoke(main, ["fix", "--output-format", "json", "--select", "shout,hint", str(vault)])
    assert result.exit_code == 1
    assert [(d["path"], d["rule"]) for d in json.loads(result.stdout)] == [("a.md", "hint")]
    assert "Fixed 1 problem in 1 note (shout 1)." in result.stderr
    counted = CliRunner().invoke(main, ["fix", "--statistics", "--select", "shout,hint", str(vault)])
    assert counted.stdout.split() == ["1", "hint", "info"] and "1 problem remains" in counted.stderr


def test_cli_fix_takes_a_baseline_and_exit_zero_as_check_does(make_vault):
    vault = make_vault({"a.md": "old maybe\n"}, config=CONFIG)
    args = ["--select", "shout,hint", str(vault)]
    baseline = str(vault / "baseline.json")
    assert CliRunner().invoke(main, ["check", "--write-baseline", baseline, *args]).exit_code == 0
    (vault / "b.md").write_text("todo\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["fix", "--diff", *args]).exit_code == 1  # b would change
    # The old problem is known: what fix leaves fails no run ...
    known = CliRunner().invoke(main, ["fix", "--baseline", baseline, *args])
    assert known.exit_code == 0, known.output
    assert known.stdout == "Fixed 1 problem in 1 note (shout 1).\nNo new problems remain (1 known to the baseline).\n"
    assert read(vault, "b.md") == b"TODO\n"
    # ... but a new one does, unless --exit-zero
    (vault / "c.md").write_text("perhaps maybe\n", encoding="utf-8")
    new = CliRunner().invoke(main, ["fix", "--baseline", baseline, *args])
    assert new.exit_code == 1 and "1 new problem remains in 1 note (1 known to the baseline;" in new.stdout
    assert CliRunner().invoke(main, ["fix", "--baseline", baseline, "--exit-zero", *args]).exit_code == 0
    # The config's `baseline` serves when no --baseline is given, and --no-baseline sets it aside
    (vault / ".vaultlint.toml").write_text(CONFIG + 'baseline = "baseline.json"\n', encoding="utf-8")
    assert "1 known to the baseline" in CliRunner().invoke(main, ["fix", *args]).stdout
    assert "known" not in CliRunner().invoke(main, ["fix", "--no-baseline", *args]).stdout


def test_cli_fix_of_a_note_it_cannot_write_says_what_was_really_written(make_vault, monkeypatch):
    from vaultlint.fix import fixer

    vault = make_vault({"a.md": "todo todo\n", "b.md": "todo\n", "c.md": "todo\n"}, config=CONFIG)
    write_note = fixer.write_note

    def read_only(root, path, *args):  # (as a note without write permission is, for a user other than root)
        if path != "c.md":
            raise PermissionError(13, "Permission denied", str(root / path))
        return write_note(root, path, *args)

    monkeypatch.setattr(fixer, "write_note", read_only)
    result = CliRunner().invoke(main, ["fix", "--select", "shout", str(vault)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["Fixed 1 problem in 1 note.",
                                          "Not written: 2 notes, with 3 fixes (why: below).",
                                          "3 problems remain in 2 notes."]
    assert result.stderr.splitlines() == ["vaultlint: not written: a.md: Permission denied",
                                          "vaultlint: not written: b.md: Permission denied"]
    assert read(vault, "c.md") == b"TODO\n"


def test_check_counts_what_fix_would_solve(make_vault):
    vault = make_vault({"a.md": "todo [[old]]\n", "old.md": "", "new.md": ""}, config=CONFIG)
    result = CliRunner().invoke(main, ["check", "--select", "shout,rename", str(vault)])
    assert "1 fixable with `vaultlint fix`." in result.stdout
    assert "2 fixable with `vaultlint fix --unsafe-fixes`." in result.stdout
    run = fix(vault, "shout", "rename", unsafe=True)
    assert sum(run.applied.values()) == 2


def test_rules_that_undo_each_other_stop_at_the_cap_and_say_so(make_vault):
    vault = make_vault({"a.md": "ping\n"}, config=CONFIG)
    run = fix(vault, "flip", "flop")
    assert run.passes == 10 and run.pending
    assert "Stopped after 10 passes with fixes still to apply" in run.summary()


def test_a_fix_whose_edits_overlap_each_other_is_refused_not_a_crash(make_vault):
    vault = make_vault({"a.md": "knot todo\n"}, config=CONFIG)
    run = fix(vault, "tangle", "shout")
    assert read(vault, "a.md") == b"knot TODO\n"
    assert [r.reason for r in run.rejected] == ["its edits overlap each other (a bug in `tangle`)"]


def test_a_fix_that_would_break_a_timestamp_is_refused(make_vault):
    stamp = '<a class="yt-timestamp" data-t="00:01:02">[00:01:02]</a>'
    vault = make_vault({"a.md": f"{stamp} todo\n"}, config=CONFIG)
    run = fix(vault, "unstamp", "shout")
    assert read(vault, "a.md") == f"{stamp} TODO\n".encode()
    assert [r.reason for r in run.rejected] == ["it would break a timestamp"]


def test_only_the_notes_named_are_fixed(make_vault):
    vault = make_vault({"a.md": "todo\n", "sub/b.md": "todo\n", "sub/c.md": "todo\n"}, config=CONFIG)
    result = CliRunner().invoke(main, ["fix", "--select", "shout", str(vault / "sub/b.md")])
    assert "Fixed 1 problem in 1 note (shout 1)." in result.stdout
    assert (read(vault, "a.md"), read(vault, "sub/b.md"), read(vault, "sub/c.md")) == (b"todo\n", b"TODO\n", b"todo\n")


def test_a_suppressed_problem_is_not_fixed(make_vault):
    vault = make_vault({"a.md": "%% vaultlint-disable-next-line shout %%\ntodo\ntodo\n"}, config=CONFIG)
    fix(vault, "shout")
    assert read(vault, "a.md") == b"%% vaultlint-disable-next-line shout %%\ntodo\nTODO\n"


def test_what_rules_make_from_the_names_is_made_once_for_all_passes(make_vault, monkeypatch):
    """Each pass lints again; the link suggester and the near-duplicate
    names depend on the names only (at 100,000 notes, a second and a half
    each, per lint)."""
    from vaultlint.rules import near_duplicate_note
    from vaultlint.vault import suggest

    made = {"suggester": 0, "pairs": 0}
    suggester_init, pairs = suggest.Suggester.__init__, near_duplicate_note.near_duplicates

    def counted_init(self, *args, **kwargs):
        made["suggester"] += 1
        suggester_init(self, *args, **kwargs)

    def counted_pairs(*args):
        made["pairs"] += 1
        return pairs(*args)

    monkeypatch.setattr(suggest.Suggester, "__init__", counted_init)
    monkeypatch.setattr(near_duplicate_note, "near_duplicates", counted_pairs)
    files = {"a.md": "[[meeting note]] and [[nowhere near]]\n", "meeting notes.md": "", "weekly review.md": "",
             "weekly reviews.md": ""}
    vault = make_vault(files)
    run = fix(vault, "broken-link", "near-duplicate-note", unsafe=True)
    assert read(vault, "a.md") == b"[[meeting notes]] and [[nowhere near]]\n"
    assert run.passes == 1
    assert {d.rule for d in run.remaining} == {"near-duplicate-note"}  # (`nowhere near`: not written yet)
    assert made == {"suggester": 1, "pairs": 1}


def test_fix_takes_what_a_check_kept_and_sees_what_changed_since(make_vault, monkeypatch):
    """After a check, fix reads the suggester, the near-duplicate names and
    the notes' aliases from the cache; a note changed since is read again."""
    from vaultlint.rules import near_duplicate_note

    files = {"a.md": "[[Nick]] [[Nack]]\n", "owner.md": "---\naliases: [Nick]\n---\n",
             "other.md": "---\naliases: [Old]\n---\n", "weekly review.md": "", "weekly reviews.md": ""}
    vault = make_vault(files)
    for name in files:  # (written long enough ago for the check's record to trust their times)
        os.utime(vault / name, ns=(time.time_ns() - 10**10,) * 2)
    api.lint([vault], select=["broken-link", "near-duplicate-note"])  # the check that makes the cache
    (vault / "other.md").write_text("---\naliases: [Nack]\n---\nchanged since\n", encoding="utf-8")
    monkeypatch.setattr(near_duplicate_note, "near_duplicates", lambda *args: pytest.fail("pairs made again"))
    read_bytes, looked_at = note_files.read_bytes, []
    monkeypatch.setattr(note_files, "read_bytes", lambda root, path: looked_at.append(path) or read_bytes(root, path))
    run = api.fix([vault / "a.md"], select=["broken-link", "near-duplicate-note"], write=False)
    assert "other.md" in looked_at and "owner.md" not in looked_at  # (owner's aliases: from the record)
    messages = sorted(d.message for d in run.remaining)
    assert "alias of `owner`" in messages[1] and "alias of `other`" in messages[0], messages


def test_a_fix_applies_to_the_text_it_was_found_in_even_if_the_file_changes_meanwhile(make_vault, monkeypatch):
    """Notes are let go after they are checked (memory stays flat over a
    vault), except those a fix may change: an edit made on disk between the
    check and the fix must not receive edits found in the old text."""
    vault = make_vault({"a.md": "calm todo\n", "b.md": "calm\n"}, config=CONFIG)
    run_rules = api.run_rules
    edited = []

    def then_edited(*args, **kwargs):
        found = run_rules(*args, **kwargs)
        if not edited:  # someone saves the note right after the first check
            (vault / "a.md").write_text("a longer line now: todo\n", encoding="utf-8")
            edited.append(True)
        return found

    monkeypatch.setattr(api, "run_rules", then_edited)
    run = fix(vault, "shout")
    assert read(vault, "a.md") == b"a longer line now: todo\n"
    assert run.refused and "a.md" in run.refused[0]


def test_a_check_without_cache_lets_go_of_the_notes_it_read_but_those_it_is_told_to_keep(make_vault):
    """A fix over a whole vault holds in memory only the notes it may
    change (at 10,000 notes: 71 MB rather than 250 MB)."""
    vault = make_vault({"a.md": "calm todo\n", "b.md": "calm\n"}, config=CONFIG)
    config, opened = api.open_vault([vault])
    rules = config.active_rules(["shout"])
    api.run_rules(opened, config, rules, opened.note_paths, keep=lambda found: bool(found))
    for name in ("a.md", "b.md"):
        (vault / name).write_text("changed since\n", encoding="utf-8")
    assert opened.note("a.md").text == "calm todo\n"  # kept: it has a problem to fix
    assert opened.note("b.md").text == "changed since\n"  # let go: read again


def test_fix_after_a_check_does_what_it_does_without_one(make_vault, monkeypatch):
    """After a check, fix takes the problems from the cache and checks again
    only the notes a fix may change: the same fixes, rejections and report;
    and the same when its checks are spread over worker processes."""
    files = {"a.md": "todo: see [[old]]\n", "new.md": "", "old.md": "", "b.md": "# Old Title\n",
             "c.md": "see [[b#Old Title]] and [[fragile]]\n", "fragile.md": "todo  twice  todo\n",
             "d.md": "maybe [[gone]]\n"}
    rules = ["shout", "rename", "breaker", "retitle", "double-space", "hint", "broken-link"]

    def fixed(prior_check: bool, write: bool, cache: bool = True):
        root = make_vault(files, config=CONFIG)
        shutil.rmtree(root / ".vaultlint_cache", ignore_errors=True)
        if prior_check:
            api.lint([root], select=rules)
            assert (root / ".vaultlint_cache").is_dir()
        run = api.fix([root], select=rules, unsafe=True, write=write, cache=cache)
        assert (root / ".vaultlint_cache").is_dir() == (cache or prior_check)
        notes = {name: read(root, name) for name in files}
        for name, text in files.items():  # (as they were, for the next run)
            (root / name).write_text(text, encoding="utf-8")
        return (run.diff(), [(d.path, d.rule, d.message) for d in run.remaining],
                sorted(r.reason for r in run.rejected), run.applied, notes)

    for write in (False, True):  # (written: what remains is found by a check again)
        without = fixed(prior_check=False, write=write, cache=False)
        assert without[0] and without[1] and without[2]  # fixes made, problems left, a fix rejected
        assert fixed(prior_check=False, write=write) == without
        assert fixed(prior_check=True, write=write) == without
        with monkeypatch.context() as pooled:
            pooled.setattr(engine, "POOL_MIN_NOTES", 1)
            assert fixed(prior_check=False, write=write, cache=False) == without
            assert fixed(prior_check=True, write=write) == without


def test_fix_after_a_check_applies_fixes_to_the_text_as_it_is_now(make_vault, monkeypatch):
    """The cache may tell of a problem in a note edited since: the notes a
    fix may change are checked again before any fix is applied."""
    vault = make_vault({"a.md": "calm todo\n"}, config=CONFIG)
    api.lint([vault], select=["shout"])
    lint, edited = api.lint, []

    def then_edited(*args, **kwargs):
        found = lint(*args, **kwargs)
        if not edited:  # someone saves the note right after fix's check
            (vault / "a.md").write_text("a longer line now: todo\n", encoding="utf-8")
            edited.append(True)
        return found

    monkeypatch.setattr(api, "lint", then_edited)
    fix(vault, "shout")
    assert read(vault, "a.md") == b"a longer line now: TODO\n"


def test_ctrl_c_while_notes_are_written_says_how_many_were(make_vault, monkeypatch):
    from vaultlint.fix import fixer

    vault = make_vault({"a.md": "todo todo\n", "b.md": "todo\n", "c.md": "todo\n"}, config=CONFIG)
    write_note = fixer.write_note

    def then_ctrl_c(root, path, *args):
        if path == "c.md":
            raise KeyboardInterrupt
        return write_note(root, path, *args)

    monkeypatch.setattr(fixer, "write_note", then_ctrl_c)
    result = CliRunner().invoke(main, ["fix", "--select", "shout", str(vault)])
    assert result.exit_code == 130
    assert result.output == ("vaultlint: interrupted: 2 of the 3 notes fixed were written (3 fixes), "
                             "the others are as they were\n")
    assert read(vault, "b.md") == b"TODO\n" and read(vault, "c.md") == b"todo\n"


SQUASH = '''
import re

from vaultlint.rule import Applicability, Rule, Severity


class Squash(Rule):
    """squash: `aa` is written `a` (a safe fix, which may make another `aa`)."""

    name = "squash"
    severity = Severity.WARNING
    fixable = True

    def check_note(self, note, ctx):
        for m in re.finditer("aa", note.text):
            fix = self.fix(note, [(m.start(), m.end(), "a")], Applicability.SAFE, "one a")
            yield self.diagnostic(note, m.start(), m.end(), "doubled", fix=fix)
'''


def test_fix_says_how_many_of_its_fixes_check_could_not_count(make_vault):
    """`check` counts the fixes of the problems it sees; a fix may bring
    about another problem a later pass fixes: fix says how many, so that
    the two counts agree."""
    vault = make_vault({"a.md": "aaaa\n", "squash.py": SQUASH}, config='plugins = ["squash.py"]\n')
    checked = CliRunner().invoke(main, ["check", "--select", "squash", str(vault)])
    assert "2 fixable with `vaultlint fix`." in checked.stdout
    fixed = CliRunner().invoke(main, ["fix", "--select", "squash", str(vault)])
    assert fixed.exit_code == 0, fixed.output
    assert ("Fixed 3 problems in 1 note (squash 3), in 2 passes; 1 of them was found only after earlier fixes "
            "(what `check` counts is the problems as they are).") in fixed.stdout
    assert read(vault, "a.md") == b"a\n"

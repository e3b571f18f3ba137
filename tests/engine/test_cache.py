"""The cache never changes what vaultlint reports: after every kind of change
a warm run equals a run with `--no-cache`. And the pool of processes equals a
plain sequential run."""

from __future__ import annotations

import os
import sqlite3

import pytest
from click.testing import CliRunner

from vaultlint import api
from vaultlint.cli import main
from vaultlint.engine import changes, codec, keys
from vaultlint.engine import run as engine
from vaultlint.engine import start as engine_start
from vaultlint.engine import store as cache

NOTES = {
    "a.md": "---\naliases: [Alpha]\n---\n# A\n\nSee [[b]], [[b#Part two]] and [[missing note]].\n",
    "b.md": "# B\n\n## Part two\n\nBack to [[a]]. Stamp <a class=\"yt-timestamp\" data-t=\"00:75:00\">[00:75:00]</a>\n",
    "sub/c.md": "Links [[a#A]] and [[sub/d]] and [[e]].\n",
    "sub/d.md": "Plain note, [[c]].\n",
}


def rows(diagnostics):
    return [(d.path, d.line, d.column, d.rule, d.message, d.fix, d.suggestions, d.start, d.end) for d in diagnostics]


def warm_and_cold(root, paths=(), **options):
    """Run warm, then without the cache; both must agree. Returns the warm
    run's result (its `stats` say what the cache saved)."""
    warm = api.lint([root / p for p in paths] or [root], **options)
    cold = api.lint([root / p for p in paths] or [root], cache=False, **options)
    assert rows(warm.diagnostics) == rows(cold.diagnostics)
    return warm


def same_as_cold(root, paths=(), **options):
    """`warm_and_cold`'s diagnostics."""
    return warm_and_cold(root, paths, **options).diagnostics


def tamper(root, *statements):
    """Change the cache database behind vaultlint's back: each statement is
    SQL, or (SQL, parameters); all in one transaction."""
    db = sqlite3.connect(root / cache.FOLDER / cache.FILE)
    try:
        with db:
            for statement in statements:
                db.execute(*((statement,) if isinstance(statement, str) else statement))
    finally:
        db.close()


def write(root, path, text):
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")


@pytest.fixture
def vault(make_vault):
    root = make_vault(NOTES)
    first = api.lint([root])
    assert (root / cache.FOLDER / cache.FILE).exists()
    assert any(d.rule in ("broken-link", "unwritten-note") for d in first.diagnostics)
    return root


def test_unchanged_vault_reuses_every_note(vault):
    warm = warm_and_cold(vault).stats
    assert (warm.notes, warm.checked, warm.reused, warm.read) == (len(NOTES), 0, len(NOTES), 0)
    assert warm.vault_rules_run == 0


def test_edited_note(vault):
    write(vault, "sub/d.md", "Now [[nowhere]] and [[a]].\n")
    warm = warm_and_cold(vault)
    assert any("nowhere" in d.message for d in warm.diagnostics)
    # Only the note edited is checked: no other note's result read it.
    assert (warm.stats.checked, warm.stats.reused) == (1, len(NOTES) - 1)


def test_edit_of_the_same_size_in_the_same_second(vault):
    text = (vault / "sub/d.md").read_text()
    write(vault, "sub/d.md", text.replace("[[c]]", "[[x]]"))
    assert any("`x`" in d.message for d in same_as_cold(vault))


def test_touched_but_unchanged(vault):
    os.utime(vault / "b.md", ns=(10**18, 10**18))
    same_as_cold(vault)
    assert any(d.path == "b.md" for d in same_as_cold(vault))  # its new stat kept, its diagnostics too


def test_new_note_fixes_links_elsewhere(vault):
    write(vault, "missing note.md", "now it exists\n")
    diagnostics = same_as_cold(vault)
    assert not any("`missing note` not found" in d.message for d in diagnostics)


def test_renamed_note_breaks_links_to_it(vault):
    (vault / "b.md").rename(vault / "bee.md")
    diagnostics = same_as_cold(vault)
    assert any(d.path == "a.md" and "`b`" in d.message for d in diagnostics)


HEADING_RULE = '''
from vaultlint.rule import Rule
from vaultlint.vault import Status

class NoSuchHeading(Rule):
    """no-such-heading: a link to a heading the note lacks (reads the linked note)."""
    name = "no-such-heading"

    def check_note(self, note, ctx):
        for link in note.links:
            if ctx.vault.resolve(link, note.path).status is Status.MISSING_HEADING:
                yield self.diagnostic(note, link.start, link.end, f"no heading {link.subpath}")
'''


def test_heading_removed_in_the_linked_note(make_vault):
    root = make_vault({**NOTES, "rules.py": HEADING_RULE}, config='plugins = ["rules.py"]\n')
    assert not any(d.rule == "no-such-heading" for d in same_as_cold(root))
    write(root, "b.md", NOTES["b.md"].replace("## Part two", "## Part 2"))
    warm = warm_and_cold(root)
    assert any(d.path == "a.md" and "Part two" in d.message for d in warm.diagnostics)
    assert warm.stats.checked == 2  # b.md, and a.md, whose result read it


def test_alias_changed(vault):
    write(vault, "a.md", NOTES["a.md"].replace("Alpha", "Beta"))
    same_as_cold(vault, select=["ALL"])


def test_config_changed(vault):
    write(vault, ".vaultlint.toml", '[rule.unwritten-note]\nseverity = "warning"\n')
    diagnostics = same_as_cold(vault)
    assert {d.severity.value for d in diagnostics if d.rule == "unwritten-note"} == {"warning"}


def test_only_some_notes_checked_after_a_change(vault):
    write(vault, "b.md", NOTES["b.md"].replace("[[a]]", "[[aa]]"))
    diagnostics = same_as_cold(vault, paths=["b.md"])
    assert {d.path for d in diagnostics} == {"b.md"}
    same_as_cold(vault)


def test_vault_rule_that_reads_notes(make_vault):
    plugin = '''
from vaultlint.rule import Rule

class SameTitle(Rule):
    """same-title: two notes with one title."""
    name = "same-title"

    def check_vault(self, ctx):
        seen = {}
        for path in ctx.vault.note_paths:
            note = ctx.vault.note(path)
            title = note.data.get("title")
            if title in seen:
                yield self.diagnostic(note, 0, 3, f"title also in {seen[title]}")
            seen.setdefault(title, path)
'''
    root = make_vault({
        "rules.py": plugin, "x.md": "---\ntitle: T\n---\n", "y.md": "---\ntitle: U\n---\n",
    }, config='plugins = ["rules.py"]\n')
    assert not same_as_cold(root, select=["same-title"])
    write(root, "y.md", "---\ntitle: T\n---\n")
    assert len(same_as_cold(root, select=["same-title"])) == 1


@pytest.mark.parametrize("garbage", [b"not a database at all" * 100, b""])
def test_corrupt_cache_is_rebuilt(vault, garbage):
    for suffix in ("-wal", "-shm"):
        (vault / cache.FOLDER / f"{cache.FILE}{suffix}").unlink(missing_ok=True)
    (vault / cache.FOLDER / cache.FILE).write_bytes(garbage)
    same_as_cold(vault)
    same_as_cold(vault)


def test_foreign_cache_is_not_trusted(vault):
    tamper(vault, "UPDATE meta SET value = 'someone else' WHERE key = 'format'",
           ("UPDATE notes SET diagnostics = ?", (codec.pack([]),)))
    assert any(d.rule == "unwritten-note" for d in same_as_cold(vault))


def test_cache_folder_ignores_itself(vault):
    assert (vault / cache.FOLDER / ".gitignore").read_text().strip().endswith("*")


def test_no_cache_writes_nothing(make_vault):
    root = make_vault(NOTES)
    api.lint([root], cache=False)
    assert not (root / cache.FOLDER).exists()


def test_pool_equals_sequential(make_vault, monkeypatch):
    """The pool reads aliases in its workers first and runs the vault rules
    while they check notes: the result must be the sequential one."""
    notes = {f"n{i}.md": f"# N{i}\n\n[[n{i + 1}]] [[n{i}#N{i}]] [[gone{i % 3}]] [[Nick]]\n" for i in range(30)}
    notes |= {"owner.md": "---\naliases: [Nick]\n---\nx\n", "meeting notes.md": "", "meeting note.md": ""}
    root = make_vault(notes)
    (root / "bad.md").write_bytes(b"caf\xe9 in Latin-1\n")  # unreadable: its problem comes back from a worker too
    sequential = api.lint([root], cache=False, select=["ALL"])
    assert sequential.stats.workers == 0
    monkeypatch.setattr(engine, "POOL_MIN_NOTES", 1)  # a threshold lowered (no fault): 34 notes take the pool
    pooled = api.lint([root], cache=False, jobs=2, select=["ALL"])
    assert rows(pooled.diagnostics) == rows(sequential.diagnostics)
    assert (pooled.stats.workers, pooled.stats.checked) == (2, len(notes) + 1)
    cached = api.lint([root], jobs=2, select=["ALL"])  # the cold run that fills the cache
    assert rows(cached.diagnostics) == rows(sequential.diagnostics)
    found = {d.rule for d in pooled.diagnostics}
    assert {"broken-link", "near-duplicate-note", "orphan-note", "unreadable-note"} <= found, found
    assert any("alias of `owner`" in d.message for d in pooled.diagnostics)


def test_a_pooled_run_reports_each_stage_to_its_end(make_vault, monkeypatch):
    """A long cold run must not pass a stage in silence: reading, matching
    link targets, checking and saving are each reported from 0 to their
    end, in that order; a warm run reads and checks no note."""
    notes = {f"n{i}.md": f"[[n{i + 1}]] [[gone{i % 4}]]\n" for i in range(40)}
    root = make_vault(notes)
    monkeypatch.setattr(engine, "POOL_MIN_NOTES", 1)  # a threshold lowered (no fault): 40 notes take the pool
    told: list[tuple[int, int, str]] = []
    api.lint([root], jobs=2, progress=lambda done, total, what: told.append((done, total, what)))
    stages = [what for i, (_, _, what) in enumerate(told) if i == 0 or told[i - 1][2] != what]
    assert stages == [engine.READING, engine.TARGETS, engine.CHECKING, engine.SAVING]
    for stage in stages:
        steps = [(done, total) for done, total, what in told if what == stage]
        assert steps[0][0] == 0 and steps[-1][0] == steps[-1][1], (stage, steps)
        assert [done for done, _ in steps] == sorted(done for done, _ in steps), (stage, steps)
    totals = {what: total for _, total, what in told}
    assert totals[engine.READING] == totals[engine.CHECKING] == 40
    assert totals[engine.TARGETS] == 5  # gone0 .. gone3 and n40, each asked once
    told.clear()
    warm = api.lint([root], jobs=2, progress=lambda done, total, what: told.append((done, total, what)))
    assert {(total, what) for _, total, what in told} <= {(0, engine.CHECKING), (engine.SAVING_STEPS, engine.SAVING)}
    assert (warm.stats.checked, warm.stats.read, warm.stats.workers) == (0, 0, 0)


def test_check_cli_is_quiet_on_a_pipe(vault):
    result = CliRunner().invoke(main, ["check", str(vault)])
    assert result.exit_code == 1
    assert "Checking" not in result.output
    result = CliRunner().invoke(main, ["check", "--no-cache", str(vault)])
    assert result.exit_code == 1


def test_suppressions_hold_when_warm(vault):
    write(vault, "sub/d.md", "%% vaultlint-disable-next-line broken-link %%\nNow [[nowhere]].\n"
                             "%% vaultlint-disable-next-line broken-link %%\nAnd [[a]].\n")
    diagnostics = same_as_cold(vault, select=["ALL"])
    assert not any("nowhere" in d.message for d in diagnostics)
    assert any(d.rule == "unused-suppression" and d.path == "sub/d.md" for d in diagnostics)
    write(vault, "nowhere.md", "")
    same_as_cold(vault, select=["ALL"])
def test_read_only_vault_is_not_written(make_vault, tmp_path_factory, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
    root = make_vault(NOTES)
    mode = root.stat().st_mode
    root.chmod(0o555)
    try:
        same_as_cold(root)
        same_as_cold(root)
    finally:
        root.chmod(mode)
    assert not (root / cache.FOLDER).exists()


def test_aliases_come_from_the_cache_when_warm(vault):
    cold = api.lint([vault], cache=False).vault
    assert cold.alias_owners("Alpha") == ["a.md"]
    warm = api.lint([vault / "b.md"]).vault
    assert warm.summaries["a.md"] == {"aliases": ["Alpha"]}
    assert warm.every_alias == [("a.md", ("Alpha",))]  # known without looking at a note
    assert warm.alias_owners("alpha") == ["a.md"]
    write(vault, "b.md", "---\naliases: [Alpha, Bee]\n---\n")
    assert api.lint([vault / "sub/d.md"]).vault.alias_owners("alpha") == ["a.md", "b.md"]


def test_aliases_of_notes_never_parsed(make_vault):
    root = make_vault({"a.md": "---\naliases: [Alpha]\n---\n", "b.md": "# no front-matter\n",
                       "c.md": "---\ntitle: x\n---\nthe word alias in the body\n"})
    vault = api.open_vault([root])[1]
    assert vault.alias_owners("alpha") == ["a.md"]
    assert vault.alias_owners("x") == []


def test_a_note_read_by_another_changes_while_only_it_is_checked(vault):
    # pre-commit checks the note edited; `a.md` links to its heading.
    write(vault, "b.md", NOTES["b.md"].replace("## Part two", "## Part 2"))
    same_as_cold(vault, paths=["b.md"])
    diagnostics = same_as_cold(vault)
    assert any(d.path == "a.md" and "Part two" in d.message for d in diagnostics)


def test_vault_rule_kept_from_a_run_on_some_notes(make_vault):
    root = make_vault({"Project Plan.md": "x\n", "Project Plans.md": "y\n", "other.md": "z\n"})
    assert not same_as_cold(root, paths=["other.md"])
    assert any(d.rule == "near-duplicate-note" for d in same_as_cold(root))
    assert not same_as_cold(root, paths=["other.md"])


def test_diagnostics_come_back_whole():
    from vaultlint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity

    fix = Fix((Edit(3, 5, "new", 1, 4, 1, 6), Edit(9, 9, "|x", 2, 1, 2, 1)), Applicability.UNSAFE, "link to `new`")
    stored = [
        Diagnostic("a.md", 1, 4, 1, 6, "broken-link", Severity.ERROR, "note `old` not found", fix, ("new", "n"), 3, 5),
        Diagnostic(".", 1, 1, 1, 1, "near-duplicate-note", Severity.INFO, "é ✓"),
    ]
    back = codec.unpack(codec.pack(stored))
    assert back == stored
    assert [(d.start, d.end) for d in back] == [(3, 5), (0, 0)]
    assert back[0].fix.edits[1] == fix.edits[1] and back[0].severity is Severity.ERROR


def test_corrupt_files_record_is_not_trusted(vault):
    tamper(vault, ("UPDATE files SET data = ?", (b"\x00garbage",)))
    same_as_cold(vault)
    same_as_cold(vault)


def test_rows_of_another_format_are_not_trusted(vault):
    # As another version of vaultlint, writing the same database meanwhile, may leave them.
    tamper(vault, "UPDATE notes SET deps = 'a.md'",
           "INSERT OR REPLACE INTO vault_rules VALUES ('near-duplicate-note', 'k', '[\"a.md\"]', x'00')")
    same_as_cold(vault)
    tamper(vault, "DROP TABLE notes", "DROP TABLE vault_rules")
    same_as_cold(vault)


def test_unchanged_vault_reads_the_last_result_whole(vault):
    for path in NOTES:  # written long enough ago for their stat to be trusted
        os.utime(vault / path, ns=(10**18, 10**18))
    first = api.lint([vault]).diagnostics
    one = api.lint([vault / "b.md"]).stats  # a pre-commit run on an unchanged note keeps the whole result
    assert (one.checked, one.reused, one.read) == (0, 1, 0)
    warm = warm_and_cold(vault)
    assert warm.stats.whole and (warm.stats.checked, warm.stats.reused, warm.stats.read) == (0, len(NOTES), 0)
    assert rows(warm.diagnostics) == rows(first)
    write(vault, "sub/d.md", "Now [[nowhere]].\n")
    warm = warm_and_cold(vault)
    assert any("nowhere" in d.message for d in warm.diagnostics)
    assert not warm.stats.whole and warm.stats.checked == 1


@pytest.mark.parametrize("form", ["text", "json", "full", "github"])
def test_check_prints_the_same_from_the_kept_text(vault, form):
    for path in NOTES:  # written long enough ago for their stat to be trusted
        os.utime(vault / path, ns=(10**18, 10**18))

    said = []

    def check(*options):
        result = CliRunner().invoke(main, ["check", "--output-format", form, "--verbose", *options, str(vault)])
        said.append(result.stderr.splitlines()[-1])  # what `--verbose` says the run did
        return result.exit_code, result.stdout

    cold = check("--no-cache")
    assert check() == cold  # makes the result and the text, and keeps them
    assert check() == cold  # the same result: its text, printed as it was
    assert said[-1] == f"vaultlint: {len(NOTES)} notes; the last result reused whole from the cache; 0 read"
    assert check("--fail-on", "error")[1] == cold[1]
    assert "reused whole" in said[-1]
    write(vault, "sub/d.md", "Now [[nowhere]].\n")
    changed = check()
    assert said[-1].startswith(f"vaultlint: {len(NOTES)} notes; 1 checked, {len(NOTES) - 1} reused from the cache; ")
    assert "nowhere" in changed[1] and changed == check("--no-cache")


def test_result_gone_before_it_is_read(vault):
    for path in NOTES:
        os.utime(vault / path, ns=(10**18, 10**18))
    expected = rows(api.lint([vault]).diagnostics)
    result = api.lint([vault])
    assert result.found.last is not None and result.found._diagnostics is None  # not read yet
    tamper(vault, "DELETE FROM results")  # as another run may replace it meanwhile
    assert rows(result.diagnostics) == expected


def test_results_are_files_that_go_with_their_rows(vault, monkeypatch):
    """A result kept whole, and its text, are files beside the database;
    a stale one goes with its row, and so does a file no row names (a run
    stopped between writing and naming it), once it is old enough."""
    def kept():
        with sqlite3.connect(vault / cache.FOLDER / cache.FILE) as db:
            named = {b for t in ("results", "result_texts") for (b,) in db.execute(f"SELECT blob FROM {t}")}
        return named, {f.name for f in (vault / cache.FOLDER / cache.BLOBS).iterdir()}

    for path in NOTES:  # recorded as they are (not too fresh to trust), so that a run can reuse them
        os.utime(vault / path, ns=(10**18, 10**18))
    CliRunner().invoke(main, ["check", str(vault)])
    named, files = kept()
    assert len(named) == 2 and named == files  # the result and its text
    (vault / cache.FOLDER / cache.BLOBS / "left.tmp").write_bytes(b"half")
    write(vault, "b.md", NOTES["b.md"] + "More.\n")
    same_as_cold(vault, paths=["b.md"])
    named, files = kept()
    assert len(named) == 1 and files == named | {"left.tmp"}  # the stale ones gone; the young orphan stays
    monkeypatch.setattr(cache, "ORPHAN_NS", 0)  # an age lowered (no fault): the young orphan is old enough now
    write(vault, "b.md", NOTES["b.md"])
    CliRunner().invoke(main, ["check", str(vault)])
    named, files = kept()
    assert len(named) == 2 and named == files


def test_stats_taken_by_a_forked_child_too(vault, monkeypatch):
    monkeypatch.setattr(changes, "FORK_MIN", 1)  # a threshold lowered (no fault): a small vault forks as a large one
    write(vault, "sub/d.md", "Now [[nowhere]].\n")
    (vault / "b.md").rename(vault / "bee.md")
    assert any("nowhere" in d.message for d in same_as_cold(vault))
    notes = sorted(p for p in [*NOTES, "bee.md"] if (vault / p).exists())
    for path in notes:
        os.utime(vault / path, ns=(10**18, 10**18))
    api.lint([vault])  # records them
    known = cache.Cache.open(vault).files()
    os.utime(vault / notes[0], ns=(2 * 10**18, 2 * 10**18))
    assert changes.moved(vault, [*notes[1:], "new.md"], known)() == {notes[0]: None, "new.md": None}
    assert changes.moved(vault, notes, known, child_share=0.7)() == {notes[0]: (known[notes[0]][0], 2 * 10**18)}


def test_changes_kept_beside_the_files_record(vault, monkeypatch):
    monkeypatch.setattr(cache, "CHANGES_MAX", 2)  # a threshold lowered (no fault): three changes fold the record

    def changes():
        db = sqlite3.connect(vault / cache.FOLDER / cache.FILE)
        try:
            return db.execute("SELECT count(*) FROM file_changes").fetchone()[0]
        finally:
            db.close()

    for path in NOTES:
        os.utime(vault / path, ns=(10**18, 10**18))
    same_as_cold(vault)
    assert changes() == 0  # every note changed its stat: the record written whole
    write(vault, "sub/d.md", "Now [[nowhere]].\n")
    same_as_cold(vault, paths=["sub/d.md"])
    assert changes() == 1  # one note: beside the record
    write(vault, "b.md", NOTES["b.md"].replace("## Part two", "## Part 2"))
    (vault / "sub/c.md").unlink()
    diagnostics = same_as_cold(vault)
    assert any(d.path == "a.md" and "Part two" in d.message for d in diagnostics)
    assert changes() == 0  # folded in
    assert set(cache.Cache.open(vault).files()) == {"a.md", "b.md", "sub/d.md"}
    with sqlite3.connect(vault / cache.FOLDER / cache.FILE) as db:  # and no row kept for the note deleted
        assert {path for path, in db.execute("SELECT path FROM notes")} == {"a.md", "b.md", "sub/d.md"}


def test_the_link_suggester_is_kept_from_run_to_run(make_vault, monkeypatch):
    """Built once for the vault's names, then read from the cache by the next
    runs (a pre-commit run on a 100,000-note vault would build it again for
    a second and a half); built again when a name changes; a damaged copy is
    built again, never trusted."""
    from vaultlint.vault import suggest

    root = make_vault({"alpha note.md": "[[alpha nte]]\n", "beta.md": "x\n"})
    builds = []
    original = suggest.Suggester.__init__
    # A spy, kept: the suggester is the rules' (`checks.link_targets`), and no run statistic counts its builds.
    monkeypatch.setattr(suggest.Suggester, "__init__",
                        lambda self, *a, **k: builds.append(1) or original(self, *a, **k))
    first = same_as_cold(root)  # a run with the cache and one without: two builds
    assert len(builds) == 2 and any("alpha note" in d.message for d in first)
    write(root, "alpha note.md", "[[alpha nte]] again\n")  # a change, not to the names
    assert rows(api.lint([root]).diagnostics)[0][4] == rows(first)[0][4]
    assert len(builds) == 2  # read from the cache
    write(root, "gamma.md", "x\n")  # a new name
    api.lint([root])
    assert len(builds) == 3
    tamper(root, ("UPDATE lasting SET value = ?", (b"\x00not marshal",)))
    write(root, "alpha note.md", "[[alpha nte]]\n")
    assert rows(api.lint([root]).diagnostics) == rows(api.lint([root], cache=False).diagnostics)


def test_a_pool_run_makes_the_link_suggester_once_and_keeps_it(make_vault, monkeypatch):
    """In a pool run the parent makes the suggester (Rule.prepare) before the
    workers fork; the pre-commit run that follows reads it from the cache."""
    from vaultlint.vault import suggest

    root = make_vault({f"n{i}.md": f"[[n{i + 1}]] [[nothing {i}]]\n" for i in range(12)})
    builds = []
    original = suggest.Suggester.__init__
    # A spy, kept: the suggester is the rules' (`checks.link_targets`), and no run statistic counts its builds.
    monkeypatch.setattr(suggest.Suggester, "__init__",
                        lambda self, *a, **k: builds.append(1) or original(self, *a, **k))
    monkeypatch.setattr(engine, "POOL_MIN_NOTES", 1)  # a threshold lowered (no fault): 12 notes take the pool
    pooled = api.lint([root], jobs=2)
    assert len(builds) == 1 and pooled.stats.workers == 2  # in the parent; the workers inherit it
    write(root, "n3.md", "[[n4]] [[nothing 3]] [[n5]]\n")
    one = api.lint([root / "n3.md"])
    assert len(builds) == 1 and one.stats.checked == 1  # read from the cache
    assert [d.message for d in one.diagnostics] == [d.message for d in pooled.diagnostics if d.path == "n3.md"]


def test_a_pool_run_asks_the_suggester_once_a_target(make_vault, monkeypatch, tmp_path):
    """Each worker would ask for the targets of its own notes, and a target
    is written in many notes: a pool run asks once for each, before the
    notes are checked (`Rule.prepare_targets`), and not for what is in code.
    The workers are processes: the questions are counted in a file."""
    from vaultlint.vault import suggest

    notes = {f"n{i}.md": f"[[n{i + 1}]] [[nothign {i % 3}]] `[[in code]]`\n\n```\n[[fenced]]\n```\n"
             for i in range(40)}
    root = make_vault({**notes, "nothing 0.md": "", "nothing 1.md": "", "nothing 2.md": ""})
    asked_file = tmp_path / "asked"
    original = suggest.Suggester.suggest

    def counted(self, query, limit=3):
        with open(asked_file, "a") as out:
            out.write(query + "\n")
        return original(self, query, limit)

    # A spy, kept: which targets the suggester is asked about is no run statistic.
    monkeypatch.setattr(suggest.Suggester, "suggest", counted)
    sequential = api.lint([root], cache=False)
    asked_file.unlink()
    monkeypatch.setattr(engine, "POOL_MIN_NOTES", 1)  # a threshold lowered (no fault): 43 notes take the pool
    pooled = api.lint([root], cache=False, jobs=2)
    assert pooled.stats.workers == 2
    assert sorted(asked_file.read_text().split("\n")[:-1]) == ["n40", "nothign 0", "nothign 1", "nothign 2"]
    assert rows(pooled.diagnostics) == rows(sequential.diagnostics)
    assert "did you mean `nothing 1`" in next(d.message for d in pooled.diagnostics if d.path == "n1.md")


def test_a_links_suggestions_are_kept_while_the_names_stay(make_vault, monkeypatch):
    """The suggestions for a broken link's target are kept: a pre-commit run
    on a note whose broken links were seen before neither reads nor asks
    the suggester; a new name (which may be the better answer) asks again."""
    from vaultlint.vault import suggest

    root = make_vault({"alpha note.md": "x\n", "b.md": "[[alpha nte]] and ![[pic.pgn]]\n", "pic.png": ""})
    first = api.lint([root])  # asks, and keeps the answers
    asked = []
    original = suggest.Suggester.suggest
    # A spy, kept: which targets the suggester is asked about is no run statistic.
    monkeypatch.setattr(suggest.Suggester, "suggest", lambda self, *a: asked.append(a) or original(self, *a))
    write(root, "b.md", "[[alpha nte]] and ![[pic.pgn]] again\n")
    again = api.lint([root / "b.md"], staged=True)
    assert asked == []
    assert [(d.message, d.fix) for d in again.diagnostics] == [(d.message, d.fix) for d in first.diagnostics]
    assert "did you mean `alpha note`" in again.diagnostics[0].message
    write(root, "alpha notes.md", "x\n")
    api.lint([root / "b.md"], staged=True)
    assert len(asked) == 2  # a note's target and an attachment's


def test_a_result_written_in_chunks_reads_back_whole(vault, monkeypatch):
    monkeypatch.setattr(cache, "RESULT_CHUNK", 2)  # sizes lowered (no fault): a small result takes many chunks
    monkeypatch.setattr(cache, "TEXT_CHUNK", 5)
    for path in NOTES:
        os.utime(vault / path, ns=(10**18, 10**18))
    cold = CliRunner().invoke(main, ["check", "--no-cache", str(vault)]).output
    assert CliRunner().invoke(main, ["check", str(vault)]).output == cold  # written, a few at a time
    assert CliRunner().invoke(main, ["check", str(vault)]).output == cold  # the text read back
    result = api.lint([vault])
    assert result.found._diagnostics is None and len(result.diagnostics) > 2  # the result read back
    assert rows(result.diagnostics) == rows(api.lint([vault], cache=False).diagnostics)


def test_a_kept_result_cut_short_is_not_trusted(vault):
    """The result files are not synced to disk: after a crash one may be
    short or empty. The run then makes the result again, as a fresh run would."""
    for path in NOTES:
        os.utime(vault / path, ns=(10**18, 10**18))
    cold = CliRunner().invoke(main, ["check", "--no-cache", str(vault)]).output
    assert CliRunner().invoke(main, ["check", str(vault)]).output == cold  # the result and its text kept
    for blob in (vault / cache.FOLDER / cache.BLOBS).iterdir():
        blob.write_bytes(blob.read_bytes()[: len(blob.read_bytes()) // 2])
    assert CliRunner().invoke(main, ["check", str(vault)]).output == cold
    result = api.lint([vault])
    assert rows(result.diagnostics) == rows(api.lint([vault], cache=False).diagnostics)


def test_a_large_vault_is_walked_by_a_child_while_the_record_is_read(vault, monkeypatch):
    """From `WALK_IN_CHILD_MIN` notes recorded, a forked child walks the
    vault while the files record is read: it finds the same files, and the
    run the same problems."""
    from vaultlint.vault.index import Vault, walk

    monkeypatch.setattr(engine_start, "WALK_IN_CHILD_MIN", 3)  # a threshold lowered (no fault): 4 notes walk as 20,000
    api.lint([vault])  # records the notes
    start = engine.Start(vault)
    try:
        walked = start.files()
        assert walked is not None and walked == sorted(walk(vault)) and "sub/c.md" in walked
        whole = Vault(vault, files=walked)
        start.begin(whole, whole.note_paths)
        assert start.files_key == keys.fingerprint_paths(whole.files)  # (hashed by the child too)
    finally:
        start.close()
    write(vault, "sub/new.md", "[[a]] and [[missing note]]\n")
    same_as_cold(vault)
    monkeypatch.setattr(engine_start, "WALK_IN_CHILD_MIN", 10**9)  # and raised: the vault is a small one again
    start = engine.Start(vault)
    assert start.files() is None  # a small vault is walked by the run itself
    start.close()


def test_kept_values_let_go_are_read_back_not_made_again(make_vault):
    """At the end of a pool run the engine lets go of the `lasting` memo
    values the cache holds (a suggester of 100,000 names is 25 MB while
    memory peaks); asked for again, each is read back, never made again;
    answers, which rules may still add to, are kept."""
    from vaultlint.rule import Context, Memos

    root = make_vault({"a.md": "x\n"})
    store = cache.Cache.open(root)
    try:
        ctx = Context(api.open_vault([root])[1], None, ["a.md"], memos=Memos((store, "v1")))
        made = []
        lasting = (list, lambda data: ["read", *data])

        def make():
            made.append(1)
            return [1, 2]

        assert ctx.memo("thing", make, lasting=lasting) == [1, 2]
        ctx.answers("asked")["q"] = [("a", 90.0)]
        ctx.memos.let_go()  # not written yet: kept
        assert "thing" in ctx.memos.values
        ctx.memos.save()
        ctx.memos.let_go()
        assert "thing" not in ctx.memos.values and ctx.answers("asked") == {"q": [("a", 90.0)]}
        assert ctx.memo("thing", make, lasting=lasting) == ["read", 1, 2] and made == [1]
    finally:
        store.close()


def age_folders(root, then=1_700_000_000 * 10**9):
    """Every folder's mtime set to `then` (in 2023), as in a vault whose files
    were last added or removed a while ago (a folder changed within two
    seconds of a walk is not trusted)."""
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        os.utime(folder, ns=(then, then))


def new_start(root):
    """A run's beginning, as `api.lint` makes it; and whether a child walks."""
    start = engine.Start(root)
    return start, start._walked is not None


def test_a_large_vaults_walk_is_kept_while_no_folder_changes(make_vault, monkeypatch):
    """The walk is kept with its folders' mtimes; while none moves, the next
    runs use it instead of walking. A note added (even in an empty folder),
    removed or renamed moves its folder's mtime: the vault is walked again,
    and the results are those of a fresh run."""
    from vaultlint.vault.index import walk

    monkeypatch.setattr(engine_start, "WALK_IN_CHILD_MIN", 1)  # a threshold lowered: a small vault walks as large
    root = make_vault({"a.md": "[[b]] [[later]] [[sub/b]]\n", "sub/b.md": "x\n", "sub/deep/c.md": "[[a]]\n"})
    (root / "empty").mkdir()
    api.lint([root])  # records the notes: the next run walks in a child
    age_folders(root)
    api.lint([root])  # walks, and keeps the walk
    start, walks = new_start(root)
    try:
        assert not walks and start.files() == sorted(walk(root))
    finally:
        start.close()

    changes = [
        lambda: write(root, "empty/later.md", "x\n"),  # a folder that held nothing
        lambda: (root / "sub" / "b.md").unlink(),
        lambda: (root / "sub" / "deep" / "c.md").rename(root / "sub" / "deep" / "d.md"),
        lambda: (root / "sub" / "deep" / "e.md").write_text("[[later]]\n", encoding="utf-8"),
    ]
    for change in changes:
        change()
        start, walks = new_start(root)
        start.close()
        assert walks
        found = same_as_cold(root)
        broken = {d.message.split("`")[1] for d in found if d.rule in ("broken-link", "unwritten-note")}
        assert ("later" in broken) == (not (root / "empty" / "later.md").exists())
        assert ("sub/b" in broken) == (not (root / "sub" / "b.md").exists())
        # The walk before the change is gone: a folder's mtime set back to
        # what it was (by hand, or a sync tool) does not bring it back.
        age_folders(root)
        start, walks = new_start(root)
        start.close()
        assert walks
        api.lint([root])  # kept again, with the change
        start, walks = new_start(root)
        try:
            assert not walks and start.files() == sorted(walk(root))
        finally:
            start.close()


def test_a_folder_changed_just_before_the_walk_is_not_trusted(make_vault, monkeypatch):
    monkeypatch.setattr(engine_start, "WALK_IN_CHILD_MIN", 1)  # a threshold lowered: a small vault walks as large
    root = make_vault({"a.md": "x\n", "sub/b.md": "x\n"})
    api.lint([root])
    api.lint([root])  # its folders changed under two seconds before: its walk is not kept
    start, walks = new_start(root)
    start.close()
    assert walks


def test_trust_folder_times_false_walks_every_run(make_vault, monkeypatch):
    """On a file system whose folders' mtimes do not move (here, put back by
    hand), the kept walk misses a new note; `trust-folder-times = false`
    walks every run, and drops the walk kept."""
    monkeypatch.setattr(engine_start, "WALK_IN_CHILD_MIN", 1)  # a threshold lowered: a small vault walks as large
    root = make_vault({"a.md": "[[later]]\n", "sub/b.md": "x\n"}, config="trust-folder-times = true\n")

    def broken_after_a_note_the_folder_times_hide() -> bool:
        api.lint([root])
        age_folders(root)
        api.lint([root])  # keeps the walk, if trusted
        write(root, "later.md", "x\n")
        age_folders(root)  # as if the root's mtime had not moved
        broken = any(d.rule in ("broken-link", "unwritten-note") for d in api.lint([root]).diagnostics)
        (root / "later.md").unlink()
        return broken

    def kept() -> bool:
        store = cache.Cache.open(root)
        try:
            return store.walk_folders() is not None
        finally:
            store.close()

    assert broken_after_a_note_the_folder_times_hide()  # trusted: the kept walk is taken at its word
    assert kept()
    write(root, ".vaultlint.toml", "trust-folder-times = false\n")
    age_folders(root)  # the walk kept holds, but is not to be trusted: dropped
    api.lint([root])
    assert not kept()
    assert not broken_after_a_note_the_folder_times_hide()
    assert not kept()

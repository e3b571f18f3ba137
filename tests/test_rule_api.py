"""The rule API keeps a plugin's bug to that plugin: a fix that is no `Fix`,
a diagnostic vaultlint cannot pack (for the cache, or back from a worker
process), a field of the wrong type, each becomes an `internal-error`
problem naming the rule, and every other rule's problems still come;
`vaultlint check` exits 1 (problems found), never with a traceback, in a
small vault (checked in one process) and in one large enough for the
worker pool. A `prepare` that raises is a warning where a run prepares,
and changes no problem found."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import pytest
from conftest import REPO

from vaultlint import api
from vaultlint.diagnostics import Fix
from vaultlint.engine.run import POOL_MIN_NOTES
from vaultlint.rule import Rule, malformed

# Rules of a plugin, each with a bug of its own, and one that says whether
# it ran in a worker process (so that a test knows the pool was used).
PLUGIN = textwrap.dedent('''
    """Buggy rules."""
    import os
    from dataclasses import replace

    from vaultlint.rule import Rule

    PARENT = os.getpid()  # (imported in the main process: workers are forked from it)


    class Text(str):
        """A str that marshal cannot pack."""


    class BadFix(Rule):
        """bad-fix: gives a string as its fix."""

        name = "bad-fix"

        def check_note(self, note, ctx):
            if "BADFIX" in note.text:
                yield self.diagnostic(note, 0, 1, "a fix that is no Fix", fix="write it so")


    class Unpackable(Rule):
        """unpackable: a problem it finds well, and values marshal cannot pack."""

        name = "unpackable"

        def check_note(self, note, ctx):
            if "UNPACK" in note.text:
                yield self.diagnostic(note, 0, 1, "found well")
                yield self.diagnostic(note, 0, 1, "suggests an object", suggestions=[object()])
                yield replace(self.diagnostic(note, 0, 1, "x"), message=Text("a str subclass"))


    class BadField(Rule):
        """bad-field: a line number that is a string."""

        name = "bad-field"

        def check_note(self, note, ctx):
            if "BADFIELD" in note.text:
                yield replace(self.diagnostic(note, 0, 1, "line as text"), line="1")


    class BadPrepare(Rule):
        """bad-prepare: its preparation raises."""

        name = "bad-prepare"

        def prepare(self, ctx):
            raise RuntimeError("the index could not be made")

        def check_note(self, note, ctx):
            if "PREPARED" in note.text:
                yield self.diagnostic(note, 0, 1, "checked without its preparation")


    class Where(Rule):
        """where: where a.md was checked."""

        name = "where"

        def check_note(self, note, ctx):
            if note.path == "a.md":
                yield self.diagnostic(note, 0, 1, "in a worker" if os.getpid() != PARENT else "in the main process")
''')

A_NOTE = "BADFIX UNPACK BADFIELD PREPARED, and [[b]] and [[c]]\n"
FIX_MESSAGE = ("rule `bad-fix` crashed: TypeError: rule `bad-fix`: `fix=` must be a Fix (made by "
               "`self.fix(note, edits, applicability)`) or None, not str")
# What a.md gets, in a vault of any size (`where` aside).
A_FOUND = [
    ("a.md", "bad-prepare", "checked without its preparation"),
    ("a.md", "internal-error", FIX_MESSAGE),
    ("a.md", "internal-error", "rule `bad-field` returned a problem vaultlint cannot use: its `line` is a str, "
                               "not an int"),
    ("a.md", "internal-error", "rule `unpackable` returned a problem vaultlint cannot use: its `suggestions` "
                               "hold something other than strings"),
    ("a.md", "unpackable", "found well"),
    ("a.md", "unwritten-note", "note `c` is not written yet"),
]
PREPARE_FAILED = ("vaultlint: warning: rule `bad-prepare` crashed in prepare (its checks run without it): "
                  "RuntimeError: the index could not be made")
_LINE = re.compile(r"^(.+?):(\d+):(\d+): (\S+) (.*)$")


def make_vault(root, notes: int):
    """A vault of `notes` notes: a.md (with the buggy rules' words), b.md,
    and generated notes that link to each other."""
    (root / ".obsidian").mkdir(parents=True)
    (root / "tools").mkdir()
    (root / "tools" / "buggy.py").write_text(PLUGIN, encoding="utf-8")
    (root / ".vaultlint.toml").write_text('plugins = ["tools/buggy.py"]\n', encoding="utf-8")
    (root / "a.md").write_text(A_NOTE, encoding="utf-8")
    (root / "b.md").write_text("[[a]]\n", encoding="utf-8")
    for i in range(notes - 2):
        (root / f"n{i}.md").write_text(f"A note, [[n{(i + 1) % (notes - 2)}]].\n", encoding="utf-8")
    return root


def check(root, *args):
    """`vaultlint check` run from the vault's root, as a user runs it:
    (exit code, the problems printed as (path, rule, message), stderr)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    ran = subprocess.run([sys.executable, "-m", "vaultlint", "check", "--jobs", "2", *args, "."], cwd=root,
                         capture_output=True, text=True, env=env, timeout=300)
    found = [(m.group(1), m.group(4), m.group(5)) for m in map(_LINE.match, ran.stdout.splitlines()) if m]
    return ran.returncode, found, ran.stderr


@pytest.mark.parametrize("size", ["small", "pool"])
def test_a_plugins_bugs_are_internal_errors_and_the_run_goes_on(tmp_path, size):
    notes = 10 if size == "small" else POOL_MIN_NOTES + 10
    root = make_vault(tmp_path / "vault", notes)
    code, found, stderr = check(root)
    assert "Traceback" not in stderr and code == 1, stderr
    where = "in a worker" if size == "pool" else "in the main process"
    assert sorted(found) == sorted([*A_FOUND, ("a.md", "where", where)])
    # The pool's run prepares the rules (in the main process, before the
    # workers are forked): a preparation that fails is said, as a warning;
    # a small cold run prepares nothing.
    assert (PREPARE_FAILED in stderr.splitlines()) == (size == "pool"), stderr
    # Warm (the cache answers), the same problems.
    assert check(root)[:2] == (code, found)


def test_a_prepare_that_raises_is_a_warning_and_the_problems_stay_the_same(tmp_path):
    """A warm run of a few notes, one of them changed, prepares the rules
    (while the others are stat'ed): its preparation's bug is said, once,
    and the problems are those of a cold run."""
    root = make_vault(tmp_path / "vault", 10)
    _code, cold, stderr = check(root)
    assert PREPARE_FAILED not in stderr
    (root / "n1.md").write_text("A note changed.\n", encoding="utf-8")
    code, found, stderr = check(root)
    assert "Traceback" not in stderr and code == 1, stderr
    assert stderr.splitlines().count(PREPARE_FAILED) == 1, stderr
    assert found == cold
    assert check(root, "--no-cache")[1] == cold


def test_the_api_gives_the_same_internal_errors(tmp_path):
    root = make_vault(tmp_path / "vault", 10)
    found = [(d.path, d.rule, d.message) for d in api.lint([root], cache=False).diagnostics if d.rule != "where"]
    assert sorted(found) == sorted(A_FOUND)


def test_fix_is_checked_to_be_a_fix_naming_the_rule():
    from vaultlint.markdown.note import parse

    class Mine(Rule):
        name = "mine"

    note = parse("a.md", "text\n")
    with pytest.raises(TypeError, match=r"rule `mine`: `fix=` must be a Fix .* not tuple"):
        Mine().diagnostic(note, 0, 1, "m", fix=((0, 1, "x"),))
    good = Mine().fix(note, [(0, 1, "T")], "safe")
    assert isinstance(good, Fix) and malformed(Mine().diagnostic(note, 0, 1, "m", fix=good)) is None


def test_the_rule_api_example_reports_no_word_in_code(make_vault):
    """The example rule of `vaultlint.rule`'s docstring, copied as a plugin
    author copies it, reports a word in prose and none in code, math,
    comments or front-matter."""
    from vaultlint import rule

    doc = rule.__doc__
    example = textwrap.dedent(doc[doc.index("    '''Manual"):doc.index("The spans")])
    example = example.replace("'''Manual", '"""no-todo: a word left.\n\nManual', 1)
    example = example.replace("safety.'''", 'safety.\n"""', 1)
    root = make_vault({
        "no_todo.py": example,
        "a.md": "---\nnote: TODO\n---\n```\nTODO in code\n```\n\n    TODO indented\n\nSay `TODO`, $TODO$, %%TODO%%,"
                "<!-- TODO -->\nThe TODO.\n",
    }, config='plugins = ["no_todo.py"]\nselect = ["no-todo"]\n')
    found = [(d.path, d.line, d.column, d.message) for d in api.lint([root], cache=False).diagnostics]
    assert found == [("a.md", 11, 5, "TODO left in the note")]

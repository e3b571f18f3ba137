"""Every rule has a page in rules/, every page a rule, and every example on
a page holds, through the harness plugins use (`vaultlint.testing`): the
catalogue is the rules' test suite."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from conftest import REPO
from rule_pages import PAGES, all_examples

from vaultlint.registry import builtin_rules
from vaultlint.testing import RulePageFailure, check_case, rule_page_cases, rule_page_tests

test_rule_page = rule_page_tests(PAGES)


def test_every_rule_has_a_page_and_every_page_a_rule():
    rules = {r.name for r in builtin_rules()}
    pages = {p.stem for p in PAGES.glob("*.md")} - {"README"}
    assert rules - pages == set(), f"rules without a page in rules/: {sorted(rules - pages)}"
    assert pages - rules == set(), f"pages without a rule: {sorted(pages - rules)}"


def test_every_page_has_examples():
    with_examples = {ex.page for ex in all_examples()}
    rules = {r.name for r in builtin_rules()}
    assert rules - with_examples == set(), f"pages with no example: {sorted(rules - with_examples)}"


# -- the harness on a plugin's pages ------------------------------------------
# A plugin with a fixable rule (TODO -> DONE), a rule that offers a fix it
# does not declare, and a rule whose fix never converges (it adds a word each
# time); a plugin author's own pages run against it.
PLUGIN = textwrap.dedent('''
    """Rules of a plugin's author."""
    from vaultlint.rule import Applicability, Rule, Severity


    class Todo(Rule):
        """todo: a TODO left in a note."""

        name = "todo"
        severity = Severity.WARNING
        fixable = True

        def check_note(self, note, ctx):
            at = note.prose.find("TODO")
            if at != -1:
                fix = self.fix(note, [(at, at + 4, "DONE")], Applicability.SAFE)
                yield self.diagnostic(note, at, at + 4, "TODO left", fix=fix)


    class Undeclared(Rule):
        """undeclared: a fix it does not declare."""

        name = "undeclared"

        def check_note(self, note, ctx):
            at = note.text.find("x")
            if at != -1:
                yield self.diagnostic(note, at, at + 1, "an x",
                                      fix=self.fix(note, [(at, at + 1, "y")], Applicability.SAFE))


    class Growing(Rule):
        """growing: a fix that never converges."""

        name = "growing"
        fixable = True

        def check_note(self, note, ctx):
            at = note.text.find("grow")
            if at != -1:
                yield self.diagnostic(note, at, at + 4, "grows",
                                      fix=self.fix(note, [(0, 0, "more ")], Applicability.SAFE))
''')

TODO_PAGE = """# todo

## Examples

### A TODO is done

```md file=a.md
Call TODO.
```

```text expect
a.md:1:6: todo TODO left
```

```md fixed=a.md
Call DONE.
```

### In code it is no TODO

````md file=a.md
```
TODO
```
````

```text expect
```
"""


def one_example(rule: str, title: str, note: str, expect: str) -> str:
    """A page of one example: `a.md` holding `note`, reported as `expect`."""
    return f"# {rule}\n\n## Examples\n\n### {title}\n\n```md file=a.md\n{note}```\n\n```text expect\n{expect}\n```\n"


def page_cases(tmp_path, pages: dict[str, str]):
    (tmp_path / "plugin").mkdir(parents=True)
    (tmp_path / "plugin" / "my_rules.py").write_text(PLUGIN, encoding="utf-8")
    (tmp_path / "pages").mkdir()
    for name, text in pages.items():
        (tmp_path / "pages" / f"{name}.md").write_text(text, encoding="utf-8")
    return rule_page_cases(tmp_path / "pages", plugins=[tmp_path / "plugin" / "my_rules.py"])


def failures(tmp_path, pages: dict[str, str]) -> dict[str, str]:
    """case id -> why it failed, for the cases that fail."""
    failed = {}
    for i, case in enumerate(page_cases(tmp_path, pages)):
        work = tmp_path / f"case-{i}"
        work.mkdir()
        try:
            check_case(case, work)
        except RulePageFailure as exc:
            failed[case.id] = str(exc)
    return failed


def test_a_plugins_pages_pass_when_they_say_what_its_rules_do(tmp_path):
    cases = page_cases(tmp_path, {"todo": TODO_PAGE})
    assert [c.id for c in cases] == ["todo: the page", "todo: A TODO is done", "todo: In code it is no TODO"]
    assert failures(tmp_path / "again", {"todo": TODO_PAGE}) == {}


@pytest.mark.parametrize("change, case, said", [
    ("a.md:1:6: todo TODO left", "todo: A TODO is done", "reports otherwise than the `expect` block"),
    ("Call DONE.\n```", "todo: A TODO is done", "writes `a.md` otherwise than its `fixed=` block"),
    ("```md fixed=a.md\nCall DONE.\n```\n", "todo: the page", "declares `fixable` but no example shows its fix"),
])
def test_a_page_that_says_otherwise_fails_naming_what_differs(tmp_path, change, case, said):
    wrong = {
        "a.md:1:6: todo TODO left": "a.md:1:5: todo TODO left",
        "Call DONE.\n```": "Call DONE!\n```",
        "```md fixed=a.md\nCall DONE.\n```\n": "",
    }[change]
    failed = failures(tmp_path, {"todo": TODO_PAGE.replace(change, wrong, 1)})
    assert list(failed) == [case] and said in failed[case]


def test_a_fix_the_rule_does_not_declare_fails(tmp_path):
    failed = failures(tmp_path, {"undeclared": one_example("undeclared", "An x", "x\n", "a.md:1:1: undeclared an x")})
    assert list(failed) == ["undeclared: An x"]
    assert "does not declare `fixable` but offers fixes: a.md:1:1: a safe fix" in failed["undeclared: An x"]


def test_a_fix_that_does_not_converge_fails(tmp_path):
    failed = failures(tmp_path, {"growing": one_example("growing", "Grows", "grow\n", "a.md:1:1: growing grows")})
    assert "stopped after 10 passes with fixes left: its fixes do not converge" in failed["growing: Grows"]


def test_a_page_that_names_no_rule_fails(tmp_path):
    failed = failures(tmp_path, {"no-such-rule": TODO_PAGE.replace("todo", "no-such-rule")})
    assert "no rule is called `no-such-rule`" in failed["no-such-rule: the page"]


def test_a_plugin_author_runs_the_pages_from_pytest_in_one_line(tmp_path):
    """The module docstring's example, as a plugin's own test file."""
    page_cases(tmp_path, {"todo": TODO_PAGE})
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_pages.py").write_text(textwrap.dedent("""
        from pathlib import Path

        from vaultlint.testing import rule_page_tests

        HERE = Path(__file__).parent
        test_my_rule_pages = rule_page_tests(HERE.parent / "pages", plugins=[HERE.parent / "plugin" / "my_rules.py"])
    """), encoding="utf-8")
    # (this checkout's vaultlint, whichever is installed)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_pages.py"],
                         cwd=tmp_path, capture_output=True, text=True, env=env)
    assert "3 passed" in ran.stdout, ran.stdout + ran.stderr
    (tmp_path / "pages" / "todo.md").write_text(TODO_PAGE.replace("Call DONE.", "Call it done."), encoding="utf-8")
    ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_pages.py"],
                         cwd=tmp_path, capture_output=True, text=True, env=env)
    assert "1 failed, 2 passed" in ran.stdout and "todo: A TODO is done" in ran.stdout, ran.stdout

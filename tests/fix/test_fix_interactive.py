"""`vaultlint fix --interactive` in a real terminal (a pseudo-terminal):
the context and diff are shown, answers apply, skip, pick a candidate, type
a target, quit."""

from __future__ import annotations

import os
import re
import select
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RULES = Path(__file__).with_name("fix_rules.py")

pty = pytest.importorskip("pty")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")


class Terminal:
    """A program run in a pseudo-terminal, read and typed into like a person would."""

    def __init__(self, argv: list[str], cwd: Path):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the program, with the terminal as stdin/stdout
            os.chdir(cwd)
            os.environ["COLUMNS"] = "200"
            os.execv(argv[0], argv)
        self.seen = ""

    def expect(self, pattern: str, timeout: float = 30) -> re.Match:
        end = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.seen)
            if m:
                self.seen = self.seen[m.end():]
                return m
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"waited for {pattern!r}; the terminal shows:\n{self.seen}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the program ended
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the program ended before {pattern!r}:\n{self.seen}")
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\r")

    def wait(self) -> int:
        try:  # drain what is left, so the program never blocks on a full terminal
            while select.select([self.fd], [], [], 10)[0]:
                chunk = os.read(self.fd, 4096)
                if not chunk:
                    break
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        except OSError:
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize("after_a_check", [False, True])
def test_interactive_fix_in_a_terminal(make_vault, after_a_check):
    vault = make_vault({
        "a.md": "# Title\n\nsee [[ai_safety_and_existence_risk]] todo\n",
        "b.md": "[x](pasta_recipe.md) and todo\n",
        "c.md": "[[ai_safety_and_existence_risk#Intro]] todo\n",
        "d.md": "[[inkk]] todo, todo\n",
        "e.md": "todo\n",
        "f.md": "todo\n",
        "g.md": "[[ai_safety_and_existence_risk]]\n",
        "ai_safety_and_existential_risk.md": "",
        "Cooking/pasta_recipes.md": "",
        "Cooking/bread.md": "",
        "Art/ink.md": "",
        "Tools/Ink.md": "",
    }, config=f'plugins = ["{RULES.as_posix()}"]\n')
    select = "broken-link,broken-heading,shout"
    if after_a_check:  # (fix then starts from the cache)
        from vaultlint import api

        api.lint([vault], select=select.split(","))
    term = Terminal([sys.executable, "-m", "vaultlint", "fix", "--interactive", "--select", select, str(vault)],
                    cwd=REPO)
    # a.md: how far along, the broken link with its context, the diff, the numbered candidates, what each key does.
    term.expect(r"\[1 of 11\] \S*a\.md:3:5: broken-link note `ai_safety_and_existence_risk` not found")
    term.expect(r">    3 \| see \[\[ai_safety_and_existence_risk\]\] todo")
    term.expect(r"\+see \[\[ai_safety_and_existential_risk\]\] todo")
    term.expect(r"1\) ai_safety_and_existential_risk\n")
    term.expect(r"t\) type another target")
    term.expect(r"a: apply  e: apply every `broken-link` fix  s: skip  n: skip this note  q: quit")
    term.expect(r"\[a/e/s/n/q/1/t\].*: $")
    term.type("1")
    term.expect(r"\[2 of 11\] \S*a\.md:3:38: shout write TODO")
    term.expect(r"\[a/e/s/n/q\].*: $")
    term.type("a")
    # b.md: a Markdown link; type a target, first a wrong one, then one in the wrong case: written as the vault has it.
    term.expect(r"\[3 of 11\] \S*b\.md:1:1: broken-link note `pasta_recipe\.md` not found")
    term.expect(r"t\) type another target")
    term.type("t")
    term.expect(r"Target.*: $")
    term.type("no such thing")
    term.expect(r"`no such thing` is no note or attachment of the vault")
    term.type("cooking/BREAD")
    term.expect(r"\[4 of 11\] \S*b\.md:1:\d+: shout write TODO")
    term.type("s")
    # c.md: a candidate whose heading the note lacks: refused, and told so before the next question.
    term.expect(r"\[5 of 11\] \S*c\.md:1:1: broken-link")
    term.type("1")
    term.expect(r"\[6 of 11\] \S*c\.md:1:\d+: shout write TODO")
    term.type("s")
    refusal = term.expect(r"Not applied: c\.md:1:1: broken-link: `broken-heading` would then find problems[^\n]*\n")
    # d.md: two candidates that differ in case only, each shown with its file; skip the rest of the note.
    term.expect(r"\[7 of 11\] \S*d\.md:1:1: broken-link note `inkk` not found")
    term.expect(r"1\) ink  \(Art/ink\.md\)\n")
    term.expect(r"2\) Ink  \(Tools/Ink\.md\)\n")
    assert "[8 of 11]" not in refusal.group(0)
    term.type("n")
    # e.md: this shout fix and every later one; f.md's is applied unasked.
    term.expect(r"\[9 of 11\] \S*e\.md:1:1: shout write TODO")
    term.type("e")
    term.expect(r"\[10 of 11\] \S*f\.md:1:1: shout: applied \(every `shout` fix\)")
    # g.md: quit; what was accepted is written.
    term.expect(r"\[11 of 11\] \S*g\.md:1:1: broken-link")
    term.type("q")
    term.expect(r"Fixed 5 problems in 4 notes")
    assert term.wait() == 1  # problems remain
    assert (vault / "a.md").read_text() == "# Title\n\nsee [[ai_safety_and_existential_risk]] TODO\n"
    assert (vault / "b.md").read_text() == "[x](Cooking/bread.md) and todo\n"
    assert (vault / "c.md").read_text() == "[[ai_safety_and_existence_risk#Intro]] todo\n"
    assert (vault / "d.md").read_text() == "[[inkk]] todo, todo\n"
    assert (vault / "e.md").read_text() == (vault / "f.md").read_text() == "TODO\n"
    assert (vault / "g.md").read_text() == "[[ai_safety_and_existence_risk]]\n"


def test_a_candidate_or_a_target_is_written_as_the_vault_names_it(make_vault):
    """A name another note shares (here in another case) is written as the
    shortest path that means the file chosen; a name typed in the wrong case
    as the file's."""
    from vaultlint.fix.interactive import Prompter, _link_at, written_as
    from vaultlint.vault.index import Vault

    vault_dir = make_vault({"d.md": "[[inkk]] and [[Brea]]\n", "Art/ink.md": "", "Tools/Ink.md": "",
                            "Cooking/bread.md": ""})
    vault = Vault(vault_dir)
    note = vault.note("d.md")
    assert Prompter.files_named(vault, "Ink") == ["Tools/Ink.md"]
    assert written_as(vault, note, "Tools/Ink.md", "Ink") == "Tools/Ink"
    assert written_as(vault, note, "Cooking/bread.md", "BREAD") == "bread"
    assert written_as(vault, note, "Cooking/bread.md", "cooking/BREAD") == "Cooking/bread"
    link = note.links[1]
    assert _link_at is not None and link.target == "Brea"

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

REPO = Path(__file__).resolve().parent.parent
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
        "c.md": "todo\n",
        "ai_safety_and_existential_risk.md": "",
        "Cooking/pasta_recipes.md": "",
        "Cooking/bread.md": "",
    }, config=f'plugins = ["{RULES.as_posix()}"]\n')
    if after_a_check:  # (fix then starts from the cache)
        from vaultlint import api

        api.lint([vault], select=["broken-link", "shout"])
    term = Terminal([sys.executable, "-m", "vaultlint", "fix", "--interactive",
                     "--select", "broken-link,shout", str(vault)], cwd=REPO)
    # a.md: the broken link, with its context, the diff, the numbered candidates.
    term.expect(r"a\.md:3:5: broken-link note `ai_safety_and_existence_risk` not found")
    term.expect(r">    3 \| see \[\[ai_safety_and_existence_risk\]\] todo")
    term.expect(r"\+see \[\[ai_safety_and_existential_risk\]\] todo")
    term.expect(r"1\) ai_safety_and_existential_risk")
    term.expect(r"t\) type another target")
    term.expect(r"\[a/s/q/1-\d/t\].*: $")
    term.type("1")
    term.expect(r"a\.md:3:38: shout write TODO")
    term.expect(r"\[a/s/q\].*: $")
    term.type("a")
    # b.md: a Markdown link; type a target, first a wrong one.
    term.expect(r"b\.md:1:1: broken-link note `pasta_recipe\.md` not found")
    term.expect(r"t\) type another target")
    term.type("t")
    term.expect(r"Target.*: $")
    term.type("no such thing")
    term.expect(r"`no such thing` is no note or attachment of the vault")
    term.type("Cooking/bread")
    term.expect(r"b\.md:1:\d+: shout write TODO")
    term.type("s")
    # c.md: quit; what was accepted is written.
    term.expect(r"c\.md:1:1: shout write TODO")
    term.type("q")
    term.expect(r"Fixed 3 problems in 2 notes")
    assert term.wait() == 1  # problems remain
    assert (vault / "a.md").read_text() == "# Title\n\nsee [[ai_safety_and_existential_risk]] TODO\n"
    assert (vault / "b.md").read_text() == "[x](Cooking/bread.md) and todo\n"
    assert (vault / "c.md").read_text() == "todo\n"

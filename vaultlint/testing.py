"""Rule pages as tests: the harness that runs vaultlint's own rule catalogue,
for a plugin's rules too.

A rule page is a Markdown file named after its rule (`no-todo.md` for the
rule `no-todo`). Every `### ` heading under `## Examples` starts an example,
made of fenced blocks whose info string says what they are (use a longer
fence, ```` or ~~~~, around notes that hold fences):

    ```toml config            the vault's .vaultlint.toml (optional)
    ```md file=PATH           a note (or any file) of the example vault
                              (quote a PATH with spaces: file="My note.md")
    ```text expect            the problems, as `vaultlint check` prints them
                              (without the summary); empty when the example passes
    ```md fixed=PATH          PATH after `vaultlint fix` (add `unsafe` for --unsafe-fixes)

Only the page's own rule runs, unless the config says `select`. Each
example is linted and fixed by vaultlint itself (`vaultlint.api.lint` and
`vaultlint.api.fix`, the code under `vaultlint check` and `vaultlint fix`),
in a vault of its own, and must show that:

- a failing example reports exactly its `expect` lines, and a passing one
  (an empty `expect`) reports nothing, and `fix --unsafe-fixes` changes no
  file of it;
- each `fixed=` file is, byte for byte, what `fix` (with `unsafe`:
  `fix --unsafe-fixes`) writes;
- fixing twice changes nothing more: `fix` run again on what it wrote
  writes nothing, in every example with a fix it applies;
- a rule that does not declare `fixable` never offers a fix (of any kind:
  safe, unsafe or display-only).

Each page also has a check of its own: it names a rule that exists, it has
examples, and when the rule declares `fixable` (the `fix` column of
`vaultlint rules`) some failing example offers its fix, some example has a
`fixed=` block, and, if a fix is one `fix` applies (safe, or unsafe with
`--unsafe-fixes`), some `fixed=` block shows a file it changes. (A rule
whose fixes are all display-only shows its file unchanged: `fix` never
applies such a fix.)

In a plugin's own tests (pytest), one line runs every page of a folder,
one test for each example and one for each page:

    # tests/test_rule_pages.py
    from pathlib import Path

    from vaultlint.testing import rule_page_tests

    HERE = Path(__file__).parent
    test_my_rule_pages = rule_page_tests(HERE.parent / "rules", plugins=[HERE.parent / "my_rules.py"])

`plugins` are what the config's `plugins` list would name (files or module
names); rules installed through the `vaultlint.rules` entry points are
found without it. Without pytest, or to choose the cases:

    from vaultlint.testing import check_case, rule_page_cases

    for case in rule_page_cases("rules", plugins=["my_rules.py"]):
        with tempfile.TemporaryDirectory() as work:
            check_case(case, Path(work))  # raises RulePageFailure, saying what differs
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import api
from .diagnostics import Applicability, Diagnostic
from .output.formats import diagnostic_lines
from .registry import all_rules
from .rule import Rule

__all__ = ["Case", "Example", "RulePage", "RulePageFailure", "check_case", "read_page", "read_pages",
           "rule_page_cases", "rule_page_tests"]

_FENCE = re.compile(r"^(`{3,}|~{3,})([^\n]*)\n", re.M)
# The folder of the cache a run leaves in an example's vault: not one of its files.
_CACHE_FOLDER = ".vaultlint_cache"


class RulePageFailure(AssertionError):
    """An example or a page that does not hold: the message says what differs."""


@dataclass
class Example:
    """One `### ` example of a page."""

    page: str  # the rule's name (the page's file name without `.md`)
    title: str
    config: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    expect: list[str] | None = None
    fixed: dict[str, tuple[str, bool]] = field(default_factory=dict)  # path -> (text, unsafe)

    @property
    def id(self) -> str:
        return f"{self.page}: {self.title}"

    @property
    def passes(self) -> bool:
        """Whether the example shows a note the rule finds nothing in."""
        return self.expect == []


@dataclass
class RulePage:
    """A rule's page: its file and its examples."""

    rule: str
    path: Path
    examples: list[Example]


@dataclass
class Case:
    """One test: an example of a page, or (`example` None) the page's own checks."""

    page: RulePage
    example: Example | None
    plugins: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.example.id if self.example is not None else f"{self.page.rule}: the page"


def blocks(text: str) -> Iterable[tuple[int, str, str]]:
    """(offset, info string, content) of each top-level fenced block, in order."""
    pos = 0
    while True:
        m = _FENCE.search(text, pos)
        if m is None:
            return
        fence = m.group(1)
        close = re.compile(r"^" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", re.M)
        c = close.search(text, m.end())
        if c is None:
            raise ValueError(f"unclosed fence at offset {m.start()}")
        yield m.start(), m.group(2).strip(), text[m.end():c.start()]
        pos = c.end()


def read_page(path: str | os.PathLike) -> RulePage:
    """The examples of one page (see the module's docstring for its format)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    starts = [(m.start(), m.group(1).strip()) for m in re.finditer(r"^### (.+)$", text, re.M)]
    found = []
    for i, (start, title) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        ex = Example(path.stem, title)
        for _at, info, content in blocks(text[start:end]):
            words = shlex.split(info)  # file="a name with spaces.md"
            attrs = dict(w.split("=", 1) for w in words[1:] if "=" in w)
            flags = {w for w in words[1:] if "=" not in w}
            if "config" in flags:
                ex.config = content
            elif "expect" in flags:
                ex.expect = [line for line in content.splitlines() if line.strip()]
            elif "file" in attrs:
                ex.files[attrs["file"]] = content
            elif "fixed" in attrs:
                ex.fixed[attrs["fixed"]] = (content, "unsafe" in flags)
        found.append(ex)
    return RulePage(path.stem, path, found)


def read_pages(folder: str | os.PathLike) -> list[RulePage]:
    """Every page of a folder (`*.md`, a README.md left out), by name."""
    return [read_page(p) for p in sorted(Path(folder).glob("*.md")) if p.stem.lower() != "readme"]


def rule_page_cases(folder: str | os.PathLike, plugins: Sequence[str | os.PathLike] = ()) -> list[Case]:
    """The cases of every page in `folder`: for each page, its own checks,
    then one case per example. `plugins` are files (made absolute here, so
    that the examples' vaults find them) or module names, as a config's
    `plugins` names them."""
    named = tuple(_plugin_spec(p) for p in plugins)
    cases = []
    for page in read_pages(folder):
        cases.append(Case(page, None, named))
        cases.extend(Case(page, ex, named) for ex in page.examples)
    return cases


def rule_page_tests(folder: str | os.PathLike, plugins: Sequence[str | os.PathLike] = ()) -> Callable:
    """A pytest test function parametrized over the cases of `folder` (ids
    `rule: example title`, and `rule: the page`); assign it to a `test_`
    name in a test module. Each case runs in pytest's `tmp_path`."""
    import pytest  # (only a test run imports pytest, which vaultlint does not depend on)

    cases = rule_page_cases(folder, plugins)

    @pytest.mark.parametrize("case", cases, ids=[c.id for c in cases])
    def test_rule_page(case: Case, tmp_path: Path) -> None:
        check_case(case, tmp_path)

    return test_rule_page


def check_case(case: Case, workdir: str | os.PathLike) -> None:
    """Run one case, making its vaults in `workdir` (an empty folder, left
    for the caller to remove); raises RulePageFailure when it does not hold."""
    rule = _rule(case)
    if case.example is None:
        _check_page(case, rule, Path(workdir))
    else:
        _check_example(case, case.example, rule, Path(workdir))


# -- the checks ---------------------------------------------------------------
def _check_page(case: Case, rule: type[Rule], workdir: Path) -> None:
    page = case.page
    if not page.examples:
        _fail(case, f"the page {page.path} has no example (a `### ` heading under `## Examples`)")
    if not rule.fixable:
        return  # (that no example gets a fix is each example's own check)
    if not any(ex.fixed for ex in page.examples):
        _fail(case, f"`{rule.name}` declares `fixable` but no example shows its fix: add a "
                    "```md fixed=PATH block (the file after `vaultlint fix`) to an example")
    found = [d for i, ex in enumerate(page.examples) if not ex.passes and ex.files
             for d in _lint(case, ex, workdir / f"lint-{i}") if d.rule == rule.name]
    if not any(d.fix is not None for d in found):
        _fail(case, f"`{rule.name}` declares `fixable` but offers no fix in any failing example: "
                    "set `fixable = False`, or show an example it fixes")
    if any(_applies(d) for d in found) and not any(
            want != ex.files.get(path) for ex in page.examples for path, (want, _u) in ex.fixed.items()):
        _fail(case, f"`{rule.name}` offers fixes that `vaultlint fix` applies, but every `fixed=` block "
                    "shows its file unchanged: show one it changes")


def _check_example(case: Case, ex: Example, rule: type[Rule], workdir: Path) -> None:
    if not ex.files:
        _fail(case, "an example needs at least one ```md file=PATH block")
    if ex.expect is None:
        _fail(case, "an example needs a ```text expect block (empty when nothing is reported)")
    found = _lint(case, ex, workdir / "lint")
    got = diagnostic_lines(found)
    if got != ex.expect:
        _fail(case, "`vaultlint check` reports otherwise than the `expect` block:\n"
              + _diff(ex.expect, got, "expect", "vaultlint check"))
    fixes = [f"{d.path}:{d.line}:{d.column}: a {d.fix.applicability.value} fix" for d in found
             if d.rule == rule.name and d.fix is not None]
    if not rule.fixable and fixes:
        _fail(case, f"`{rule.name}` does not declare `fixable` but offers fixes: " + ", ".join(fixes))
    levels = {unsafe for _text, unsafe in ex.fixed.values()}
    if any(d.fix is not None and d.fix.applicability is Applicability.SAFE for d in found):
        levels.add(False)
    if any(d.fix is not None and d.fix.applicability is Applicability.UNSAFE for d in found):
        levels.add(True)
    if ex.passes:
        levels.add(True)  # a passing example offers no fix, at either level
    for unsafe in sorted(levels):
        _check_fix(case, ex, workdir / f"fix-{'unsafe' if unsafe else 'safe'}", unsafe)


def _check_fix(case: Case, ex: Example, root: Path, unsafe: bool) -> None:
    """`fix` writes the `fixed=` texts (of this level) and, run again, nothing more."""
    command = "vaultlint fix" + (" --unsafe-fixes" if unsafe else "")
    _make_vault(root, case, ex)
    before = _files(root)
    run = api.fix([root], select=_select(ex), unsafe=unsafe)
    after = _files(root)
    if ex.passes and after != before:
        _fail(case, f"a passing example, yet `{command}` changes {', '.join(_changed(before, after))}")
    for path, (want, page_unsafe) in ex.fixed.items():
        if page_unsafe != unsafe:
            continue
        got = after.get(path)
        if got is None:
            _fail(case, f"`fixed={path}`: no such file after `{command}`")
        if got != want.encode("utf-8"):
            _fail(case, f"`{command}` writes `{path}` otherwise than its `fixed=` block:\n"
                  + _diff(want.splitlines(), got.decode("utf-8", "replace").splitlines(), f"fixed={path}", command))
    if run.pending:
        _fail(case, f"`{command}` stopped after {run.passes} passes with fixes left: its fixes do not converge")
    api.fix([root], select=_select(ex), unsafe=unsafe)
    again = _files(root)
    if again != after:
        _fail(case, f"`{command}` run a second time changes {', '.join(_changed(after, again))} again: "
                    "its fix does not converge (a fixed text must have nothing left to fix)")


# -- helpers -----------------------------------------------------------------
def _rule(case: Case) -> type[Rule]:
    try:
        table = all_rules(list(case.plugins), Path.cwd())
    except Exception as exc:  # (a plugin that does not import is the page's failure, said plainly)
        _fail(case, f"the rules could not be loaded: {type(exc).__name__}: {exc}")
    rule = table.get(case.page.rule)
    if rule is None:
        _fail(case, f"the page {case.page.path} names no rule: no rule is called `{case.page.rule}` "
                    f"(plugins: {list(case.plugins) or 'none'})")
    return rule


def _plugin_spec(plugin: str | os.PathLike) -> str:
    """A plugin file made absolute; a module name as it is."""
    spec = os.fspath(plugin)
    if spec.endswith(".py") or Path(spec).exists():
        return str(Path(spec).resolve())
    return spec


def _make_vault(root: Path, case: Case, ex: Example) -> Path:
    (root / ".obsidian").mkdir(parents=True)
    config = ex.config
    if case.plugins:
        if config is not None and re.search(r"^\s*plugins\s*=", config, re.M):
            _fail(case, "the example's config names `plugins` itself: the harness names the plugins under test")
        # A top-level key goes before the config's first table.
        config = f"plugins = {json.dumps(list(case.plugins))}\n" + (config or "")
    if config is not None:
        (root / ".vaultlint.toml").write_text(config, encoding="utf-8")
    for path, text in ex.files.items():
        f = root / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(text.encode("utf-8"))  # bytes: no newline translation
    return root


def _select(ex: Example) -> list[str] | None:
    return None if ex.config and "select" in ex.config else [ex.page]


def _lint(case: Case, ex: Example, root: Path) -> list[Diagnostic]:
    _make_vault(root, case, ex)
    return api.lint([root], select=_select(ex)).diagnostics


def _applies(d: Diagnostic) -> bool:
    """Whether `d` has a fix that `vaultlint fix` applies (with --unsafe-fixes for an unsafe one)."""
    return d.fix is not None and d.fix.applicability in (Applicability.SAFE, Applicability.UNSAFE)


def _files(root: Path) -> dict[str, bytes]:
    """Every file of a vault but the cache's, by vault-relative path."""
    found = {}
    for folder, folders, names in os.walk(root):
        folders[:] = [f for f in folders if f != _CACHE_FOLDER]
        for name in names:
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def _changed(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def _diff(want: list[str], got: list[str], want_name: str, got_name: str) -> str:
    return "\n".join(difflib.unified_diff(want, got, want_name, got_name, lineterm=""))


def _fail(case: Case, message: str):
    raise RulePageFailure(f"{case.id} ({case.page.path}): {message}")

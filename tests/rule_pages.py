"""Reading the rule catalogue in `rules/`: each page's examples are tests.

A page is `rules/<rule-name>.md`. Every `### ` heading under `## Examples`
starts an example, made of fenced blocks whose info string says what they
are (use a longer fence, ```` or ~~~~, around notes that hold fences):

    ```toml config            the vault's .vaultlint.toml (optional)
    ```md file=PATH           a note (or any file) of the example vault
                              (quote a PATH with spaces: file="My note.md")
    ```text expect            the diagnostics, as `vaultlint check` prints them
                              (without the summary); empty when the example passes
    ```md fixed=PATH          PATH after `vaultlint fix` (add `unsafe` for --unsafe-fixes)

Only the page's own rule runs, unless the config says `select`.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

PAGES = Path(__file__).resolve().parent.parent / "rules"
_FENCE = re.compile(r"^(`{3,}|~{3,})([^\n]*)\n", re.M)


@dataclass
class Example:
    page: str
    title: str
    config: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    expect: list[str] | None = None
    fixed: dict[str, tuple[str, bool]] = field(default_factory=dict)  # path -> (text, unsafe)

    @property
    def id(self) -> str:
        return f"{self.page}: {self.title}"


def blocks(text: str):
    """(info string, content) of each top-level fenced block, in order, with
    the position where it starts."""
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


def examples(page: Path) -> list[Example]:
    text = page.read_text(encoding="utf-8")
    starts = [(m.start(), m.group(1).strip()) for m in re.finditer(r"^### (.+)$", text, re.M)]
    found = []
    for i, (start, title) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        ex = Example(page.stem, title)
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
    return found


def all_examples() -> list[Example]:
    return [ex for page in sorted(PAGES.glob("*.md")) for ex in examples(page)]

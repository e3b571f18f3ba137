"""Front-matter rules over generated YAML (hypothesis): no rule crashes or
hangs, every diagnostic lies inside the note, each fix leaves front-matter
that still parses, and a quoting fix makes it hold the text written."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultlint import api
from vaultlint.fix.fixer import apply_edits
from vaultlint.markdown.note import split_frontmatter

RULES = ["frontmatter-syntax", "frontmatter-schema", "frontmatter-duplicate-key",
         "frontmatter-unknown-key", "frontmatter-implicit-type"]
CONFIG = '[[schema]]\npath = "obsidian"\n[[schema]]\npath = "tubegraph"\n'
TYPES = '{"types": {"title": "text", "up": "text", "related": "multitext", "rating": "number", "due": "date"}}'

KEYS = ["title", "titel", "tags", "aliases", "videoId", "up", "related", "rating", "due", "x", "1", "<<"]
VALUES = ["no", "yes", "on", "1:30", "12:34:56", "012", "0x1F", "1.10", "20240101000000", "2024-02-30",
          "2024-01-31", "[[Note]]", "\"[[Note]]\"", "a: b", "'it''s'", "\"q\"", "", "~", "abc", "é😀",
          "[a, b]", "{a: 1}", "&a [x]", "*a", "# c", "\t", "|", "- z", "Fold", "a b", "a, b", "x #y", "'q: r'"]


@st.composite
def frontmatter(draw):
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.sampled_from(KEYS))
        if draw(st.booleans()):
            lines.append(f"{key}: {draw(st.sampled_from(VALUES))}")
        else:
            lines.append(f"{key}:")
            for _ in range(draw(st.integers(1, 3))):
                lines.append(f"  - {draw(st.sampled_from(VALUES))}")
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(["---", *lines, "---", "Body."]) + newline


class OneNoteVault:
    """A vault opened once; each example rewrites its one note."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp())
        (self.root / ".obsidian").mkdir()
        (self.root / ".obsidian" / "types.json").write_text(TYPES)
        (self.root / ".vaultlint.toml").write_text(CONFIG)
        (self.root / "n.md").write_text("x")
        self.config, self.vault = api.open_vault([self.root])
        self.rules = self.config.active_rules(RULES)

    def lint(self, text: str):
        (self.root / "n.md").write_bytes(text.encode("utf-8"))
        self.vault.forget("n.md")
        return api.run_rules(self.vault, self.config, self.rules, ["n.md"])


VAULT = OneNoteVault()


@settings(max_examples=200, deadline=None)
@given(frontmatter())
def test_front_matter_rules_never_crash_and_quoting_fixes_parse(text):
    found = VAULT.lint(text)
    assert not [d for d in found if d.rule == "internal-error"], [d.message for d in found]
    for d in found:
        assert 0 <= d.start <= d.end <= len(text)
    for d in found:
        if d.fix is None:
            continue
        fixed = apply_edits(text, list(d.fix.edits))
        fm, problem, _ = split_frontmatter(fixed)
        assert problem is None and fm is not None and fm.problem is None, (fixed, fm and fm.problem)
        if d.rule == "frontmatter-implicit-type":  # the quoted scalar loads as exactly the text written
            (edit,) = d.fix.edits
            assert yaml.safe_load(edit.content) == text[edit.start:edit.end]

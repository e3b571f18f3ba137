"""Property tests over generated Markdown and YAML: no exception escapes the
parser, every span lies inside the text and on the right characters, and
the inputs that once failed (tests/regressions/) stay fixed.

VAULTLINT_FUZZ_EXAMPLES=20000 runs many more examples than the default.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultlint.markdown import note as note_module
from vaultlint.markdown.scanner import DEFAULT_STAMP_PATTERN

EXAMPLES = int(os.environ.get("VAULTLINT_FUZZ_EXAMPLES", "300"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STAMP = re.compile(DEFAULT_STAMP_PATTERN)
REGRESSIONS = Path(__file__).parents[1] / "regressions"

# Pieces of Markdown that interact: link brackets, code, math, comments,
# headings, block ids, stamps, line endings, odd characters.
PIECES = st.sampled_from([
    "[[", "]]", "![[", "[", "]", "(", ")", "](", "|", "\\|", "#", "# ", "## ", "> ", "\n===", "\n---", "\\", "^", "^id",
    " ", "\t", "\n", "\r\n",
    "\r", "`", "```", "~~~", "    ", "$", "$$", "%%", "<!--", "-->", "<a ", "a", "Note", "x.md", "../", "/", ":",
    "---\n", "- ", '"', "'", "\u2068", "\u2069", "\u00e9", "e\u0301", "\ufeff", "\x00", "\u200b",
    '<a class="yt-timestamp" data-t="01:02:03">[01:02:03]</a>', "[[Note#Head|alias]]", "[t](x.md#h)",
])
MARKDOWN = st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=60).map("".join)

YAML_PIECES = st.sampled_from([
    "key: ", "value", "\n", "  ", "- ", "[", "]", "{", "}", ",", ":", "&a ", "*a", "!!str ", "!!python/object ",
    "'", '"', "#", "?", "|", ">", "2024-01-02", "[[Note]]", "\t", "%", "@", "`", "---", "...",
])
YAML = st.lists(st.one_of(YAML_PIECES, st.text(max_size=3)), max_size=40).map("".join)


def check_spans(note) -> None:
    text = note.text
    for link in note.links:
        assert 0 <= link.start <= link.target_start <= link.target_end <= link.end <= len(text)
        written = text[link.start : link.end]
        if link.kind in ("wiki", "frontmatter"):
            assert written.startswith("![[" if link.embed else "[["), written
            assert written.endswith("]]"), written
        else:
            assert written.startswith("![" if link.embed else "["), written
            assert written.endswith(")"), written
    for heading in note.body.headings:
        written = text[heading.start : heading.end]
        assert heading.start == 0 or text[heading.start - 1] == "\n", repr(text)  # from its line's start
        underline = written.rsplit("\n", 1)[-1].strip(" \t\r")
        if "\n" in written and underline and set(underline) == {"=" if heading.level == 1 else "-"}:
            # Setext: the paragraph's words over an underline of `=` or `-`.
            assert heading.level in (1, 2) and heading.text.split() == written.rsplit("\n", 1)[0].split()
        else:
            # Only spaces and quote marks before the `#`s, as written (code blanked out is none).
            assert written.lstrip(" \t>").startswith("#" * heading.level), repr(text)
            assert heading.text in written
    for block in note.body.block_ids:
        assert text[block.start : block.end] == "^" + block.id
        # After a space, a line break or an embed, and last on its line, as written.
        before = text[block.start - 1] if block.start else "\n"
        assert before in " \t\n\r" or text[: block.start].endswith("]]"), repr(text)
        assert not text[block.end :].split("\n", 1)[0].strip(), repr(text)
    for stamp in note.body.stamps:
        assert text[stamp.start : stamp.end].startswith("<a ")
    for start, end in note.body.masked:
        assert 0 <= start <= end <= len(text)
    for offset in (0, len(text) // 2, len(text)):
        line, column = note.position(offset)
        assert line >= 1 and column >= 1


@FUZZ
@given(MARKDOWN)
def test_any_markdown_parses_with_exact_spans(text):
    check_spans(note_module.parse("n.md", text, False, STAMP))


@FUZZ
@given(YAML, MARKDOWN)
def test_any_front_matter_parses_or_is_a_problem(yaml_source, body):
    text = f"---\n{yaml_source}\n---\n{body}"
    note = note_module.parse("n.md", text, False, STAMP)
    fm = note.frontmatter
    if fm is not None:
        assert 0 <= fm.start <= fm.end <= len(text)
        if fm.problem is not None:
            assert fm.root is None and fm.start <= fm.problem.start <= fm.end
        elif fm.root is not None:
            s, e = fm.node_span(fm.root)
            assert fm.start <= s <= e <= fm.end
    check_spans(note)


@FUZZ
@given(st.binary(max_size=200))
def test_any_bytes_decode_or_are_unreadable(data):
    try:
        text, _bom = note_module.decode(data)
    except note_module.NoteReadError as exc:
        assert str(exc)
        return
    check_spans(note_module.parse("n.md", text, False, STAMP))


def test_the_regression_corpus_parses():
    for path in sorted(REGRESSIONS.glob("*.md")):
        if path.name == "README.md":
            continue
        text, _bom = note_module.decode(path.read_bytes())
        check_spans(note_module.parse(path.name, text, False, STAMP))

"""Properties of fixing, over generated notes (hypothesis): only the edited
ranges change, byte for byte; fixing twice is fixing once; the result parses."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultlint import api
from vaultlint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity
from vaultlint.fix import writer
from vaultlint.fix.fixer import _overlaps, _Passes, apply_edits
from vaultlint.markdown import note
from vaultlint.vault import files as note_files

RULES = Path(__file__).with_name("fix_rules.py")
CONFIG = f'plugins = ["{RULES.as_posix()}"]\n'

# Pieces that trouble byte-exact writers: CRLF and lone CR, trailing spaces
# and tabs, non-ASCII, astral characters, link brackets.
PIECES = ["a", "é", "😀", " ", "  ", "\t", "\n", "\r\n", "\r", "[[x]]", "#", "todo", "TODO", "\u00a0"]
bodies = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
frontmatters = st.sampled_from(["", "---\ntitle: a  \n---\n", "---\r\ntags: [x]\r\n---\r\n"])


@st.composite
def texts_and_edits(draw):
    text = draw(st.lists(st.sampled_from([*PIECES, "---\n"]), max_size=30).map("".join))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), unique=True, max_size=8)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if draw(st.booleans()):
            end = start  # an insertion
        content = draw(st.sampled_from(["", "X", "\r\n", "😀", "[[y|z]]"]))
        edits.append(Edit(start, end, content, 1, 1, 1, 1))
    return text, edits


def byte_at(text: str, offset: int, bom: bool) -> int:
    return len(text[:offset].encode("utf-8")) + (3 if bom else 0)


@settings(max_examples=150, deadline=None)
@given(texts_and_edits(), st.booleans())
def test_only_the_edited_ranges_change(case, bom):
    text, edits = case
    with tempfile.TemporaryDirectory() as root:
        original = writer.encode(text, bom)
        Path(root, "n.md").write_bytes(original)
        new = apply_edits(text, edits)
        writer.write_note(Path(root), "n.md", new, bom, text)
        written = Path(root, "n.md").read_bytes()
    # The expected bytes, cut from the original bytes around each edit.
    expected, pos = b"", 0
    for e in edits:
        expected += original[pos:byte_at(text, e.start, bom)] + e.content.encode("utf-8")
        pos = byte_at(text, e.end, bom)
    expected += original[pos:]
    assert written == expected
    assert note.decode(written) == (new, bom)


def model(body: str) -> str:
    """What the test rules should make of a body, computed independently."""
    return re.sub("  +", " ", body.replace("todo", "TODO"))


@settings(max_examples=30, deadline=None)
@given(frontmatters, bodies, st.booleans())
def test_fixing_changes_only_what_the_rules_fix_and_twice_is_once(frontmatter, body, bom):
    with tempfile.TemporaryDirectory() as root:
        vault = Path(root)
        (vault / ".vaultlint.toml").write_text(CONFIG, encoding="utf-8")
        path = vault / "n.md"
        path.write_bytes(writer.encode(frontmatter + body, bom))
        api.fix([vault], select=["shout", "double-space"])
        once = path.read_bytes()
        again = api.fix([vault], select=["shout", "double-space"])
        twice = path.read_bytes()
        parsed = note_files.read(vault, "n.md")
    assert once == writer.encode(frontmatter + model(body), bom)
    assert twice == once and again.written == [] and again.remaining == []
    assert parsed.frontmatter_problem is None
    assert (parsed.frontmatter is not None) == bool(frontmatter)
    assert parsed.frontmatter is None or parsed.frontmatter.problem is None


@st.composite
def fixes(draw):
    out = []
    for _ in range(draw(st.integers(0, 12))):
        edits = []
        for _ in range(draw(st.integers(1, 3))):
            start = draw(st.integers(0, 30))
            edits.append(Edit(start, start + draw(st.integers(0, 4)), "x", 1, 1, 1, 1))
        out.append(Fix(tuple(edits), Applicability.SAFE))
    return out


@settings(max_examples=300, deadline=None)
@given(fixes())
def test_chosen_fixes_never_overlap_and_only_clashing_ones_wait(candidates):
    diagnostics = [Diagnostic("n.md", 1, 1, 1, 1, "r", Severity.INFO, str(i), fix) for i, fix in enumerate(candidates)]
    # The chooser `vaultlint fix` runs, in one pass over one note, with no one asked (it reads no note then).
    passes = _Passes(vault=None, lint=None, unsafe=False, decide=None)
    taken = [fix for _d, fix in passes.choose(None, diagnostics)]
    refused = [r.diagnostic.fix for r in passes.malformed]
    left = {id(fix) for fix in taken} | {id(fix) for fix in refused}
    waiting = [fix for fix in candidates if id(fix) not in left]
    assert len(taken) + len(refused) + len(waiting) == len(candidates)
    for fix in refused:  # a fix whose own edits share text: a bug of its rule, never applied
        spans = sorted((e.start, e.end) for e in fix.edits)
        assert any(b[0] < a[1] for a, b in zip(spans, spans[1:], strict=False))
    edits = [e for fix in taken for e in fix.edits]
    for i, one in enumerate(taken):  # pairwise, the slow and obvious way
        for other in taken[i + 1:]:
            for a in one.edits:
                for b in other.edits:
                    assert _overlaps(a, (b.start, b.end)) == _overlaps(b, (a.start, a.end)) is False
    for fix in waiting:
        assert any(_overlaps(e, (t.start, t.end)) for e in fix.edits for t in edits)

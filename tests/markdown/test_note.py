"""A note is read once: BOM and CRLF kept, front-matter located to the character."""

from __future__ import annotations

import pytest
from conftest import SEEDS

from vaultlint.markdown.note import NoteReadError, _simple_yaml, compose_yaml, decode, parse


def test_bom_and_crlf_are_kept_and_positions_count_characters():
    text, bom = decode("\ufeff---\r\ntitle: Tést\r\n---\r\nSee [[Other]]\r\n".encode())
    assert bom and not text.startswith("\ufeff")
    note = parse("n.md", text, bom)
    assert note.data == {"title": "Tést"}
    (link,) = note.links
    assert note.position(link.start) == (4, 5)
    assert note.line_text(4) == "See [[Other]]"


def test_frontmatter_nodes_know_their_place():
    note = parse("n.md", "---\ntitle: A\nvideoId: 12345678901\nlist:\n  - x\n  - y\n---\nbody\n")
    key, value = note.frontmatter.locate(("videoId",))
    assert note.position(note.frontmatter.node_span(key)[0]) == (3, 1)
    assert note.position(note.frontmatter.node_span(value)[0]) == (3, 10)
    _key, item = note.frontmatter.locate(("list", 1))
    assert note.text[slice(*note.frontmatter.node_span(item))] == "y"
    assert note.body_start == note.text.index("body")


def test_frontmatter_links_and_aliases():
    note = parse("n.md", '---\naliases: [Short]\nrelated: "[[Other note|o]]"\n---\n')
    assert note.aliases == ("Short",)
    (link,) = note.links
    assert (link.kind, link.target, link.alias) == ("frontmatter", "Other note", "o")
    assert note.text[link.start:link.end] == "[[Other note|o]]"


def test_frontmatter_only_on_the_first_line():
    note = parse("n.md", "\n---\ntitle: x\n---\n")
    assert note.frontmatter is None and note.data == {}


def test_yaml_error_is_located():
    note = parse("n.md", "---\ntitle: a: b\n---\n")
    assert note.frontmatter.problem is not None
    assert note.position(note.frontmatter.problem.start) == (2, 9)


# -- front-matter of `key: text` lines, read without the YAML parser ------------

SIMPLE_LINES = ["title: Training theory", "videoId: 879c3956050", "videoId: yaWvFwek_EM", "A1: _under",
                "key_with-dash: v", "a: 1e3", "title: Café 😀 x  ", "a:  spaced   inner ", "a: ²",
                "a: b, [c] {d} 'e' \"f\" |g >h *i &j !k %l @m `n` a:b c#d ---"]
OTHER_LINES = ["té: x", "on: x", "yes: b", "a: yes", "a: No", "a: 12", "a: 1:20", "a: 2024-01-01", "a: null",
               "a: Null", "a: 0x1F", "a: 1.5", "a: 1.5e+3", "a: b: c", "a: b #c", "a: b:", "a: b\tc", "a: ~", "a: 'q'",
               "a: [x]", "a:", "a: x\r", "a: b\u0085c", "a: b\u2028c", "a: b\ufeff", "  a: b", "a : b", "- a",
               "a:\tb", "a: |", "<<: b", "? a"]


def same_node(a, b) -> bool:
    marks = ("name", "index", "line", "column", "buffer", "pointer")
    if type(a) is not type(b) or (a.tag, getattr(a, "style", None), getattr(a, "flow_style", None)) != (
            b.tag, getattr(b, "style", None), getattr(b, "flow_style", None)):
        return False
    if any(getattr(x, m) != getattr(y, m) for x, y in ((a.start_mark, b.start_mark), (a.end_mark, b.end_mark))
           for m in marks):
        return False
    if isinstance(a.value, str):
        return a.value == b.value
    return len(a.value) == len(b.value) and all(same_node(x, y) for pa, pb in zip(a.value, b.value, strict=True)
                                                for x, y in zip(pa, pb, strict=True))


def assert_read_as_the_parser_reads(source: str) -> bool:
    """Whether the fast reading took `source`; when it did, its front-matter
    is the parser's, node for node and mark for mark."""
    fast, full = _simple_yaml(source, 4), compose_yaml(source, 4)
    if fast is None:
        return False
    assert (fast.start, fast.end, fast.source, fast.problem) == (full.start, full.end, full.source, full.problem)
    assert fast.data == full.data and all(type(v) is str for v in fast.data.values()), source
    assert same_node(fast.root, full.root), source
    return True


@pytest.mark.parametrize("line", SIMPLE_LINES)
def test_key_text_front_matter_is_read_fast_and_alike(line):
    assert assert_read_as_the_parser_reads(line + "\n")
    assert assert_read_as_the_parser_reads(f"first: T\n{line}\nlast: x1\n")


@pytest.mark.parametrize("line", OTHER_LINES)
def test_any_other_front_matter_is_left_to_the_yaml_parser(line):
    for source in (line + "\n", f"first: T\n{line}\n", f"{line}\nlast: T\n"):
        assert not assert_read_as_the_parser_reads(source)


def test_a_duplicate_key_is_left_to_the_yaml_parser():
    assert not assert_read_as_the_parser_reads("a: b\nc: d\na: e\n")


def test_the_real_vaults_front_matter_is_read_fast_and_alike(corpus):
    fast = 0
    vaults = [SEEDS / "tubegraph", *(corpus(name) for name in ("tubegraph-sample", "obsidian-help-en",
                                                               "kepano-obsidian"))]
    for root in vaults:
        for path in sorted(root.rglob("*.md")):
            text = path.read_text(encoding="utf-8", errors="replace").lstrip("\ufeff")
            if text.startswith("---\n") and (close := text.find("\n---", 3)) != -1:
                fast += assert_read_as_the_parser_reads(text[4:close + 1])
    assert fast > 500  # tubegraph's title and videoId


def test_a_few_nul_bytes_leave_a_note_readable_and_mostly_nul_is_binary():
    text, bom = decode(b"# Note\n\n```\nbytes \x00 here\n```\n[[Other]]\n")
    assert "\x00" in text and [link.target for link in parse("n.md", text, bom).links] == ["Other"]
    for data in ("UTF-16 text".encode("utf-16-le"), b"\x00" * 512):
        with pytest.raises(NoteReadError, match="mostly NUL bytes"):
            decode(data)


def test_nul_bytes_are_reported_where_they_are_and_the_note_is_checked(make_vault):
    from vaultlint import api

    root = make_vault({"n.md": b"# N\n\n```\nbytes \x00\x00 here\n```\n\n[[#Missing]]\n"})
    found = [(d.rule, d.line, d.column, d.message.split(":")[0]) for d in api.lint([root], cache=False).diagnostics]
    assert sorted(found) == [("broken-heading", 7, 1, "`Missing` is no heading of this note"),
                             ("unreadable-note", 4, 7, "2 NUL bytes")]


def test_prose_blanks_front_matter_code_math_and_comments_at_the_same_offsets():
    text = "---\nword: TODO\n---\n`TODO` $TODO$ %%TODO%%\n```\nTODO\n```\nA TODO here\n"
    note = parse("n.md", text)
    assert len(note.prose) == len(text) and note.prose.count("\n") == text.count("\n")
    assert note.prose.count("TODO") == 1 and note.prose.find("TODO") == text.rindex("TODO")


def test_the_rule_api_example_reports_words_in_prose_only(make_vault):
    """The example rule of the rule API's docstring, run as a plugin."""
    import textwrap

    from vaultlint import api, rule

    doc = rule.__doc__
    example = doc[doc.index("    '''Manual") : doc.index("The spans")]
    root = make_vault({
        "rules.py": textwrap.dedent(example).replace("'''Manual", '"""no-todo: a word left.\n\nManual', 1)
        .replace("fix safety.'''", 'fix safety.\n"""', 1),
        "a.md": "---\nnote: TODO\n---\n```\nTODO in code\n```\nSay `TODO` or $TODO$, %%TODO%%\nThe TODO.\n",
    }, config='plugins = ["rules.py"]\nselect = ["no-todo"]\n')
    found = [(d.path, d.line, d.column, d.message) for d in api.lint([root], cache=False).diagnostics]
    assert found == [("a.md", 8, 5, "TODO left in the note")]

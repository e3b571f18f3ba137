"""The scanner finds every link form with its exact span, and nothing that
is code, math or a comment."""

from __future__ import annotations

import re

import pytest

from vaultlint.markdown.scanner import DEFAULT_STAMP_PATTERN, scan


def links(text):
    return [(lk.kind, lk.embed, lk.target, lk.subpath, lk.alias) for lk in scan(text).links]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[[T]]", ("wiki", False, "T", None, None)),
        ("[[T.md]]", ("wiki", False, "T.md", None, None)),
        ("[[folder/T]]", ("wiki", False, "folder/T", None, None)),
        ("[[T|alias]]", ("wiki", False, "T", None, "alias")),
        ("[[T | alias]]", ("wiki", False, "T", None, "alias")),
        ("| [[T\\|alias]] |", ("wiki", False, "T", None, "alias")),
        ("[[T#Heading]]", ("wiki", False, "T", "Heading", None)),
        ("[[T#H1#H2]]", ("wiki", False, "T", "H1#H2", None)),
        ("[[#Heading]]", ("wiki", False, "", "Heading", None)),
        ("[[T#^block-id]]", ("wiki", False, "T", "^block-id", None)),
        ("[[#^block-id]]", ("wiki", False, "", "^block-id", None)),
        ("![[T]]", ("wiki", True, "T", None, None)),
        ("![[img.png|300]]", ("wiki", True, "img.png", None, "300")),
        ("![[doc.pdf#page=3]]", ("wiki", True, "doc.pdf", "page=3", None)),
        ("[x](T.md)", ("markdown", False, "T.md", None, "x")),
        ("[x](../dir/T%20N.md)", ("markdown", False, "../dir/T N.md", None, "x")),
        ("[x](<T N.md>)", ("markdown", False, "T N.md", None, "x")),
        ("[x](T.md#Part%20two)", ("markdown", False, "T.md", "Part two", "x")),
        ("![alt](img.png)", ("markdown", True, "img.png", None, "alt")),
    ],
)
def test_link_forms(text, expected):
    assert links(text) == [expected]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("[[ T#H \\|x ]]", ("wiki", False, "T", "H", "x", 0, 13, 3, 4)),
        ("[[T \\| x]]", ("wiki", False, "T", None, "x", 0, 10, 2, 3)),
        ("[[  #Head]]", ("wiki", False, "", "Head", None, 0, 11, 4, 4)),
        ("[[ a b |]]", ("wiki", False, "a b", None, "", 0, 10, 3, 6)),
        ("![[ T#]]", ("wiki", True, "T", "", None, 0, 8, 4, 5)),
        ("[[#]]", ("wiki", False, "", "", None, 0, 5, 2, 2)),
        ("[[ |x]]", ("wiki", False, "", None, "x", 0, 7, 3, 3)),
    ],
)
def test_wiki_link_parts_and_spans_with_spaces_and_escaped_pipes(text, expected):
    """The target's span is what a fix replaces: without the spaces around
    it, and without the backslash of a pipe escaped in a table."""
    assert [tuple(link) for link in scan(text).links] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "`[[inline code]]`",
        "``a ` [[double-tick code]] ``",
        "```\n[[fenced]]\n```",
        "~~~md\n[[tilde fenced]]\n~~~",
        "    [[indented code]]",
        "para\n\n\t[[tab-indented code]]",
        "$$\n[[display math]]\n$$",
        "$[[inline math]]$",
        "%%[[comment]]%%",
        "%%\nmulti-line [[comment]]\n%%",
        "<!-- [[html comment]] -->",
        "[[##search]]",
        "[[^^block search]]",
        "[site](https://example.com/x.md)",
        "[mail](mailto:a@b.c)",
        "[[]]",
    ],
)
def test_not_links(text):
    assert links(text) == []


def test_nested_list_items_are_not_code():
    text = "- item\n\n    - nested item with [[Link]]\n"
    assert links(text) == [("wiki", False, "Link", None, None)]


def test_dollar_amounts_are_not_math():
    assert [t for _k, _e, t, _s, _a in links("It cost $5 and [[Budget]] said $10.")] == ["Budget"]


def test_spans_are_exact():
    text = "intro [[Target#Part | Shown]] and [label](<My Note.md>)"
    wiki, md = scan(text).links
    assert text[wiki.start:wiki.end] == "[[Target#Part | Shown]]"
    assert text[wiki.target_start:wiki.target_end] == "Target"
    assert text[md.start:md.end] == "[label](<My Note.md>)"
    assert text[md.target_start:md.target_end] == "My Note.md"


def test_headings_block_ids_and_stamps():
    text = (
        "# Title\n\n## Part two ##\n\nA paragraph. ^para-1\n\n"
        "```\n# not a heading\n```\n"
        'At <a class="yt-timestamp" data-t="01:49:50">[01:49:50]</a>.\n'
    )
    body = scan(text, 0, re.compile(DEFAULT_STAMP_PATTERN))
    assert [(h.level, h.text) for h in body.headings] == [(1, "Title"), (2, "Part two")]
    assert [b.id for b in body.block_ids] == ["para-1"]
    (stamp,) = body.stamps
    assert stamp.group("time") == "01:49:50" and stamp.group("label") == "01:49:50"
    start, end = stamp.group_span("time")
    assert text[start:end] == "01:49:50"



def test_code_blanked_out_is_no_indentation_before_a_heading():
    # Found by the fuzz test: code is blanked out before headings are looked
    # for, and a line that begins with code is no heading however short it is.
    text = "`[`# no heading\n<!--x--># nor this\n   # Indented\n"
    assert [(h.level, h.text) for h in scan(text).headings] == [(1, "Indented")]


def test_code_blanked_out_is_no_space_around_a_block_id():
    text = "one `x`^no1\ntwo ^no2 `x`\nthree ^yes1\n![[pic.png]]^yes2\nfour `x` ^yes3 \r\n"
    assert [b.id for b in scan(text).block_ids] == ["yes1", "yes2", "yes3"]

def test_offsets_survive_masking():
    text = "`code` then [[After]]"
    (link,) = scan(text).links
    assert text[link.start:link.end] == "[[After]]"


@pytest.mark.parametrize(
    "text, expected",
    [
        # Obsidian's "Escaping Markdown syntax": a backslash makes a bracket text.
        ("\\[not a link\\](target)", []),
        ("[not a link\\](target)", []),
        ("| a | \\[not a link\\](target) |", []),
        ("\\[[not a link]]", []),
        ("\\[\\[not a link\\]\\]", []),
        # An escaped backslash escapes nothing after it.
        ("\\\\[a link](target)", ["target"]),
        ("\\\\[[a link]]", ["a link"]),
        ("| \\[x\\](t) | [y](u) |", ["u"]),
    ],
)
def test_escaped_brackets_are_text(text, expected):
    assert [t for _k, _e, t, _s, _a in links(text)] == expected


def test_an_escaped_bang_makes_no_embed():
    assert links("\\![[pic.png]] ![[pic.png]]") == [("wiki", False, "pic.png", None, None),
                                                   ("wiki", True, "pic.png", None, None)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Title\n=====\n", [(1, "Title")]),
        ("Title\n---\n", [(2, "Title")]),
        ("Two lines\nof title\n===\n", [(1, "Two lines of title")]),
        ("# H\ntext\n---\n", [(1, "H"), (2, "text")]),
        ("`code` first\n---\n", [(2, "`code` first")]),
        ("  Indented\n  ===  \r\nafter", [(1, "Indented")]),
        # A thematic break, not a heading: after a blank line, a heading, a
        # list item, a quote, a table, another break; `- - -`; code as written.
        ("a\n\n---\n", []),
        ("# H\n---\n", [(1, "H")]),
        ("- item\n---\n", []),
        ("> quoted\n---\n", []),
        ("| a | b |\n---\n", []),
        ("***\n---\n", []),
        ("para\n- - -\n", []),
        ("```\nx\n```\n---\n", []),
        ("%%comment%%\n---\n", []),
        ("Common examples:\n- `.vscode`\n", []),  # a list item whose code is blanked out is no underline
        # Quotes and callouts hold headings too.
        ("> ## Quoted\n", [(2, "Quoted")]),
        ("> [!note] Call\n> ### In a callout\n", [(3, "In a callout")]),
        ("> > # Deep\n", [(1, "Deep")]),
        (">`x`# no\n", []),
        # Code in a quote or callout is code, to the quote's end.
        ("> [!example]\n> ```md\n> # Shown as code\n>\n> # Still code\n> ```\n> # Quoted\n", [(1, "Quoted")]),
        ("> ```\n> # code\n# After the quote\n", [(1, "After the quote")]),
    ],
)
def test_setext_and_quoted_headings(text, expected):
    assert [(h.level, h.text) for h in scan(text).headings] == expected


def test_a_setext_heading_spans_its_lines_and_a_quoted_one_its_marks():
    text = "intro\n\nTitle\n===\n> ## Quoted\n"
    setext, quoted = scan(text).headings
    assert text[setext.start : setext.end] == "Title\n==="
    assert text[quoted.start : quoted.end] == "> ## Quoted"


def test_a_wiki_link_holding_code_has_its_parts_as_written():
    assert links("x `c` ![[Guide#`x` code|the `x` part]] `d`") == [
        ("wiki", True, "Guide", "`x` code", "the `x` part")]
    assert links("`[[in code]]` [[out]]") == [("wiki", False, "out", None, None)]

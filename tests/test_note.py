"""A note is read once: BOM and CRLF kept, front-matter located to the character."""

from __future__ import annotations

from vaultlint.note import decode, parse


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

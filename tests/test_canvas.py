"""The canvas model (vaultlint/formats/canvas.py): nodes, edges, the place
of every value in the file, and links found in text nodes at the file's own
line and column, past the JSON string's escapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaultlint.formats import canvas
from vaultlint.markdown.note import Note

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
SAMPLE = CORPORA / "jsoncanvas" / "sample.canvas"


def position(text: str, offset: int) -> tuple[int, int]:
    return Note("board.canvas", text).position(offset)


def board(*nodes: dict, edges: list | None = None) -> str:
    """A canvas as Obsidian writes it: tabs, one node a line."""
    lines = ",\n".join("\t\t" + json.dumps(n, ensure_ascii=False, separators=(",", ":")) for n in nodes)
    text = '{\n\t"nodes":[\n' + lines + "\n\t]"
    if edges is not None:
        text += ',\n\t"edges":[\n' + ",\n".join("\t\t" + json.dumps(e) for e in edges) + "\n\t]"
    return text + "\n}"


def text_node(id: str, text: str) -> dict:
    return {"id": id, "type": "text", "text": text, "x": 0, "y": 0, "width": 250, "height": 60}


def test_nodes_edges_and_their_fields_are_read_with_their_places():
    text = board(text_node("t1", "Hello"),
                 {"id": "f1", "type": "file", "file": "Notes/A note.md", "subpath": "#Intro",
                  "x": -10, "y": 20, "width": 400, "height": 300},
                 {"id": "g1", "type": "group", "label": "G", "background": "img/bg.png",
                  "x": 0, "y": 0, "width": 1, "height": 1},
                 {"id": "l1", "type": "link", "url": "https://obsidian.md", "x": 0, "y": 0, "width": 1, "height": 1},
                 edges=[{"id": "e1", "fromNode": "t1", "toNode": "f1", "toSide": "left"}])
    c = canvas.parse(text)
    assert c.problem is None
    assert [(n.id, n.type) for n in c.nodes] == [("t1", "text"), ("f1", "file"), ("g1", "group"), ("l1", "link")]
    assert [(e.id, e.from_node, e.to_node) for e in c.edges] == [("e1", "t1", "f1")]
    f1 = c.nodes[1]
    assert text[f1.start:f1.end].startswith('{"id":"f1"') and text[f1.start:f1.end].endswith('"height":300}')
    x = f1.field("x")
    assert (x.data, text[x.start:x.end]) == (-10, "-10")
    assert position(text, x.start) == (4, text.splitlines()[3].index('-10') + 1)
    assert f1.string("x") is None and f1.string("subpath") == "#Intro"
    assert c.node_ids() == {"t1", "f1", "g1", "l1"}
    edge = c.edges[0]
    assert text[edge.field("toNode").start:edge.field("toNode").end] == '"f1"'


def test_links_of_file_nodes_group_backgrounds_and_text_nodes():
    text = board({"id": "f", "type": "file", "file": "Notes/A note.md", "subpath": "#^block-1",
                  "x": 0, "y": 0, "width": 1, "height": 1},
                 {"id": "g", "type": "group", "background": "bg.png", "x": 0, "y": 0, "width": 1, "height": 1},
                 {"id": "p", "type": "file", "file": "paper.pdf", "x": 0, "y": 0, "width": 1, "height": 1},
                 text_node("t", "See [[Other#Part|that]] and ![[pic.png]] and [m](Folder/My%20note.md)."),
                 {"id": "u", "type": "link", "url": "https://example.com/[[x]]", "x": 0, "y": 0, "width": 1,
                  "height": 1})
    found = canvas.links(canvas.parse(text))
    assert [(link.kind, link.embed, link.target, link.subpath, link.alias) for link in found] == [
        ("canvas", True, "Notes/A note.md", "^block-1", None),
        ("canvas", True, "bg.png", None, None),
        ("canvas", True, "paper.pdf", None, None),
        ("wiki", False, "Other", "Part", "that"),
        ("wiki", True, "pic.png", None, None),
        ("markdown", False, "Folder/My note.md", None, "m"),
    ]
    written = [(text[link.start:link.end], text[link.target_start:link.target_end]) for link in found]
    assert written == [('"Notes/A note.md"', "Notes/A note.md"), ('"bg.png"', "bg.png"), ('"paper.pdf"', "paper.pdf"),
                       ("[[Other#Part|that]]", "Other"), ("![[pic.png]]", "pic.png"),
                       ("[m](Folder/My%20note.md)", "Folder/My%20note.md")]
    # The link in the text node is on the JSON's sixth line, at its column there.
    line = text.splitlines()[5]
    assert position(text, found[3].start) == (6, line.index("[[Other") + 1)


def test_a_link_after_escapes_is_placed_where_the_file_has_it():
    # Each escape is one character decoded and 2, 6 or 12 in the file; the
    # raw emoji is one character in both.
    raw = r'"A \"quote\", a tab\t, \\, \/, caf\u00e9, \ud83d\ude00 \u2028 😀\n\n- [[Target note#Sec]] end"'
    text = '{"nodes":[{"id":"t","type":"text","text":' + raw + ',"x":0,"y":0,"width":1,"height":1}]}'
    c = canvas.parse(text)
    value = c.nodes[0].field("text")
    assert value.data == json.loads(raw)
    (link,) = canvas.links(c)
    assert text[link.start:link.end] == "[[Target note#Sec]]"
    assert text[link.target_start:link.target_end] == "Target note"
    assert position(text, link.start) == (1, text.index("[[Target") + 1)
    # The span of decoded characters that are escapes covers their escapes.
    e = value.data.index("é")
    assert text[value.offset(e):value.offset(e + 1)] == r"\u00e9"
    smile = value.data.index("\U0001F600")
    assert text[value.offset(smile):value.offset(smile + 1)] == r"\ud83d\ude00"
    assert value.offset(len(value.data)) == value.end - 1  # the closing quote


def test_a_string_without_escapes_maps_one_to_one():
    text = board(text_node("t", "[[A]]"))
    value = canvas.parse(text).nodes[0].field("text")
    assert value.offsets is None
    assert text[value.offset(0):value.offset(5)] == "[[A]]"


@given(st.text(), st.booleans())
def test_every_decoded_character_maps_to_its_own_escape(s, ascii_only):
    written = json.dumps(s, ensure_ascii=ascii_only)
    text = '{"nodes":[{"id":"t","type":"text","text":' + written + "}]}"
    value = canvas.parse(text).nodes[0].field("text")
    assert value.data == s
    for i, char in enumerate(s):
        assert json.loads('"' + text[value.offset(i):value.offset(i + 1)] + '"') == char


# Markdown's own syntax (code, math, comments, brackets) left out: the
# scanner's reading of it is tested in test_scanner.py.
_PLAIN = st.characters(blacklist_categories=("Cs",), blacklist_characters="`$%<~\\[]|#^")


@given(st.text(alphabet=_PLAIN, max_size=30),
       st.text(alphabet=_PLAIN, min_size=1, max_size=20).filter(lambda t: t.strip() == t and "\n" not in t
                                                                 and "\r" not in t and t.strip()))
def test_a_link_anywhere_in_a_text_node_is_found_at_its_place(before, name):
    s = before + "\n[[" + name + "]]"
    text = '{"nodes":[{"id":"t","type":"text","text":' + json.dumps(s) + "}]}"
    found = [link for link in canvas.links(canvas.parse(text)) if link.target == name]
    assert found, s
    link = found[-1]
    assert json.loads('"' + text[link.start:link.end] + '"') == "[[" + name + "]]"
    assert json.loads('"' + text[link.target_start:link.target_end] + '"') == name


def test_a_fix_written_json_escaped_into_the_span_gives_the_decoded_edit():
    text = board(text_node("t", 'Say "hi"\n[[Old name]]'))
    (link,) = canvas.links(canvas.parse(text))
    new = 'New "quoted" name'
    edited = text[:link.target_start] + canvas.json_string_text(new) + text[link.target_end:]
    assert canvas.parse(edited).nodes[0].string("text") == 'Say "hi"\n[[New "quoted" name]]'
    assert canvas.json_string_text("é\n\\") == "é\\n\\\\"


def test_text_that_is_not_json_says_where():
    c = canvas.parse('{"nodes": [\n  {"id": "a"},\n]}')
    assert c.root is None and c.nodes == ()
    assert c.problem.message == "Expecting value"
    assert position(c.text, c.problem.offset) == (3, 1)
    assert canvas.parse('{"x": NaN}').problem == canvas.JsonProblem("`NaN` is not JSON", 6)
    assert canvas.parse('{"x": -Infinity}').problem.message == "`-Infinity` is not JSON"
    deep = "[" * 100_000 + "]" * 100_000
    assert canvas.parse(deep).problem is not None  # refused, not a crash


@pytest.mark.parametrize("text", ["", "\n", "  \t\n"])
def test_a_blank_file_is_an_empty_canvas(text):
    c = canvas.parse(text)
    assert (c.root, c.nodes, c.edges, c.problem) == (None, (), (), None)


def test_what_is_not_a_canvas_still_reads():
    assert canvas.parse("[1, 2]").root.data == [1, 2]
    c = canvas.parse('{"nodes": {"a": 1}, "edges": [1, {"id": "e"}]}')
    assert c.nodes == () and [e.id for e in c.edges] == ["e"]
    # A key written twice: the last counts, as in every JSON reader.
    c = canvas.parse('{"nodes": [{"id": "a", "id": "b", "type": "text", "text": 5}]}')
    assert c.nodes[0].id == "b" and c.nodes[0].string("text") is None
    assert canvas.links(c) == ()
    # Values nested deeper than the walk goes are read whole.
    nested = "[" * 20 + "1" + "]" * 20
    c = canvas.parse('{"nodes": [{"id": "a", "extra": ' + nested + '}]}')
    assert c.nodes[0].field("extra").data == json.loads(nested)


def test_the_sample_canvas_of_the_spec():
    if not SAMPLE.exists():
        pytest.skip("the corpora are not here")
    text = SAMPLE.read_text(encoding="utf-8")
    c = canvas.parse(text)
    assert c.problem is None and len(c.nodes) == 5 and len(c.edges) == 1
    found = canvas.links(c)
    assert [(link.kind, link.target) for link in found] == [
        ("canvas", "readme.md"), ("canvas", "_site/logo.svg"), ("markdown", "/docs/apps.md"),
        ("markdown", "spec/1.0.md"), ("canvas", "spec/1.0.md")]
    apps = found[2]
    line = text.splitlines()[5]
    assert position(text, apps.start) == (6, line.index("[Apps]") + 1)


def test_every_canvas_of_the_corpora_reads_and_its_links_are_where_they_say():
    canvases = sorted(CORPORA.rglob("*.canvas")) if CORPORA.exists() else []
    if not canvases:
        pytest.skip("no canvas in the corpora")
    for path in canvases:
        text = path.read_text(encoding="utf-8-sig")
        c = canvas.parse(text)
        assert c.problem is None, path
        for link in canvas.links(c):
            written = text[link.start:link.end]
            assert written.startswith(('"', "[", "!")), (path, written)
            assert link.target_start <= link.target_end and link.start <= link.target_start, (path, link)

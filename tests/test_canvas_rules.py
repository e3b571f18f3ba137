"""Canvases in the vault: checked with the notes (the canvas rules, and the
link rules on file nodes and text cards, at the JSON's line and column),
fixed and renamed inside their JSON strings with the rest of the file kept
byte for byte, and counted as linking (orphans, the links view)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vaultlint import api
from vaultlint.diagnostics import Applicability
from vaultlint.fix import move as move_module
from vaultlint.fix.interactive import Prompter, written_as
from vaultlint.formats import canvas
from vaultlint.output import formats as report
from vaultlint.output.links_view import overview
from vaultlint.rule import Rule
from vaultlint.vault.index import Vault

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
LINK_RULES = ["broken-link", "unwritten-note", "broken-heading", "broken-block-ref", "ambiguous-link"]


def node(id: str, type: str, **fields) -> dict:
    return {"id": id, "type": type, "x": 0, "y": 0, "width": 250, "height": 60, **fields}


def board(*nodes: dict, edges: tuple = ()) -> str:
    """A canvas as Obsidian writes it: tabs, one node a line, non-ASCII kept."""
    lines = ",\n".join("\t\t" + json.dumps(n, ensure_ascii=False, separators=(",", ":")) for n in nodes)
    text = '{\n\t"nodes":[\n' + lines + "\n\t]"
    if edges:
        text += ',\n\t"edges":[\n' + ",\n".join("\t\t" + json.dumps(e, separators=(",", ":")) for e in edges) + "\n\t]"
    return text + "\n}"


def vault(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".obsidian").mkdir()
    for path, text in files.items():
        f = tmp_path / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(text.encode("utf-8"))
    return tmp_path


def lines(root: Path, paths=None, select=None) -> list[str]:
    result = api.lint(paths or [root], select=select, cache=False)
    return report.diagnostic_lines(result.diagnostics)


def test_the_link_rules_check_file_nodes_group_backgrounds_and_text_cards(tmp_path):
    text = board(
        # Escapes before the link: its column is the file's, not the decoded text's.
        node("t", "text", text='Quoted "card" caf\u00e9\n\n- [[Refund polcy]] and [[Refund policy#Discounts]]'),
        node("f", "file", file="Policies/Refund policy.md", subpath="#^gone"),
        node("g", "group", background="img/bg.pgn"),
        node("n", "file", file="Notes/Never written.md"),
    )
    root = vault(tmp_path, {"board.canvas": text, "Policies/Refund policy.md": "# Refunds\nText. ^kept\n",
                            "img/bg.png": "x"})
    rows = text.splitlines()
    row = rows[2]

    def at(line: int, written: str) -> str:
        return f"board.canvas:{line}:{rows[line - 1].index(written) + 1}"

    assert lines(root, select=LINK_RULES) == [
        f"board.canvas:3:{row.index('[[Refund polcy') + 1}: broken-link note `Refund polcy` not found"
        " (did you mean `Refund policy`?)",
        f"board.canvas:3:{row.index('[[Refund policy#') + 1}: broken-heading `Discounts` is no heading of"
        " `Refund policy`",
        # A file node's problems are at its `file`.
        at(4, '"Policies/') + ": broken-block-ref block `^gone` not found in `Refund policy`",
        at(5, '"img/') + ": broken-link attachment `img/bg.pgn` not found (did you mean `bg.png`?)",
        at(6, '"Notes/') + ": unwritten-note note `Notes/Never written.md` is not written yet",
    ]


def test_a_canvas_is_checked_only_by_the_rules_of_its_kind(tmp_path):
    # Text a Markdown rule would report (a broken front-matter, a stamp) is a card's here: nothing.
    text = board(node("t", "text", text="---\nkey: [unclosed\n---\n[01:99:00]"), node("l", "link", url="https://x"))
    root = vault(tmp_path, {"board.canvas": text, "note.md": "# Note\n"})
    assert lines(root) == []
    # A path given on the command line is checked, alone.
    (root / "bad.canvas").write_text('{"nodes": [}', encoding="utf-8")
    assert lines(root, [root / "bad.canvas"]) == ["bad.canvas:1:12: canvas-syntax invalid JSON: Expecting value"]


def test_links_to_a_canvas_resolve(tmp_path):
    home = "![[board.canvas]] [[board.canvas]] [b](board.canvas)\n"
    root = vault(tmp_path, {"board.canvas": board(), "home.md": home})
    assert lines(root, select=LINK_RULES) == []


def test_a_fix_in_a_text_card_is_written_json_escaped(tmp_path):
    text = board(node("t", "text", text='Read [[Say-"hi"]] first.\n\\o/'))
    root = vault(tmp_path, {"board.canvas": text, 'Say "hi".md': "# Hi\n"})
    api.fix([root], select=["broken-link"], unsafe=True)
    fixed = (root / "board.canvas").read_text(encoding="utf-8")
    assert fixed == text.replace(r'[[Say-\"hi\"]]', r'[[Say \"hi\"]]')
    assert json.loads(fixed)["nodes"][0]["text"] == 'Read [[Say "hi"]] first.\n\\o/'


def test_a_fix_that_would_cut_an_escape_is_only_shown():
    text = board(node("t", "text", text="é [[x]]"))  # written as \u00e9 below
    text = text.replace("é", "\\u00e9")
    note = canvas.note("board.canvas", text)
    at = text.index("u00e9")
    inside = Rule.fix(note, [(at, at + 1, "y")], Applicability.SAFE)
    assert inside.applicability is Applicability.DISPLAY_ONLY
    link = note.links[0]
    whole = Rule.fix(note, [(link.target_start, link.target_end, 'a "b"')], Applicability.SAFE)
    assert whole.applicability is Applicability.SAFE and whole.edits[0].content == 'a \\"b\\"'


def test_mv_rewrites_file_nodes_and_text_card_links_and_keeps_the_rest(tmp_path):
    text = board(
        node("t", "text", text='See "[[x]]" and [[x#Hdg|X]]\nand [md](x.md) é'),
        node("f", "file", file="x.md", subpath="#Hdg", color="1"),
        node("o", "file", file="other.md"),
    ).replace("é", "\\u00e9")
    root = vault(tmp_path, {"board.canvas": text, "x.md": "# Hdg\n", "other.md": ""})
    plan = move_module.plan(Vault(root), "x.md", 'sub/Say "hi".md')
    move_module.apply(plan)
    after = (root / "board.canvas").read_text(encoding="utf-8")
    assert after == (text.replace(r'[[x]]', r'[[Say \"hi\"]]').replace("[[x#Hdg|X]]", r'[[Say \"hi\"#Hdg|X]]')
                     .replace("[md](x.md)", "[md](sub/Say%20%22hi%22.md)")
                     .replace('"file":"x.md"', r'"file":"sub/Say \"hi\".md"'))
    assert lines(root, select=LINK_RULES) == []
    # A file node names the file by its path from the root, even when its name alone would find it.
    move_module.apply(move_module.plan(Vault(root), "other.md", "deep/other.md"))
    assert '"file":"deep/other.md"' in (root / "board.canvas").read_text(encoding="utf-8")


def test_canvases_link_notes_but_are_no_orphans(tmp_path):
    root = vault(tmp_path, {
        "board.canvas": board(node("f", "file", file="shown.md"), node("t", "text", text="[[carded]] [[nowhere]]")),
        "shown.md": "", "carded.md": "", "alone.md": "",
    })
    assert lines(root, select=["orphan-note"]) == ["alone.md:1:1: orphan-note no other note links to `alone`"]
    view = overview(Vault(root))
    assert view["orphans"] == ["alone.md"] and view["notes"] == 3
    assert [(m["target"], m["notes"]) for m in view["missing"]["most_wanted"]] == [("nowhere", ["board.canvas"])]


def test_the_corpora_canvases():
    canvases = sorted(CORPORA.rglob("*.canvas")) if CORPORA.exists() else []
    if not canvases:
        pytest.skip("no canvas in the corpora")
    for path in canvases:
        folder = path.parent
        found = report.diagnostic_lines(api.lint([path], vault_dir=folder, cache=False).diagnostics)
        # No spec problem in a real canvas; its links are reported only as the link rules see them.
        assert [line for line in found if "canvas-" in line] == [], path


def test_a_target_picked_by_hand_is_written_as_a_file_node_writes_it(tmp_path):
    text = board(node("f", "file", file="Notes/Old.md"), node("t", "text", text='[[Old]] "q"'))
    root = vault(tmp_path, {"board.canvas": text, 'Archive/Say "hi".md': ""})
    note = canvas.note("board.canvas", text)
    file_link, card_link = note.links
    v = Vault(root)
    assert written_as(v, note, 'Archive/Say "hi".md', "say", file_link) == 'Archive/Say "hi".md'
    assert written_as(v, note, 'Archive/Say "hi".md', "say", card_link) == 'Say "hi"'
    fix = Prompter.retarget(note, file_link, 'Archive/Say "hi".md', None)
    assert fix.edits[0].content == r'Archive/Say \"hi\".md'

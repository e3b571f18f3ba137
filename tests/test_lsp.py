"""`vaultlint server` end to end: a real client (pytest-lsp) launches
`python -m vaultlint server` over stdio on vaults made in tmp_path, and
asks what an editor asks."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path

import pytest
import pytest_asyncio

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, client_capabilities  # noqa: E402

pytestmark = pytest.mark.asyncio

TIMEOUT = 60


def uri(path: Path) -> str:
    return path.resolve().as_uri()


@contextlib.asynccontextmanager
async def serving(root: Path | None, *args: str, options=None, capabilities: types.ClientCapabilities | None = None,
                  folders: list[Path] | None = None):
    """A client connected to a fresh `vaultlint server`, initialized on `root`."""
    config = ClientServerConfig(server_command=[sys.executable, "-m", "vaultlint", "server", *args])
    client = await config.start()
    try:
        folders = folders if folders is not None else ([root] if root is not None else [])
        # (A server that dies before it answers leaves a request waiting for ever: pytest-lsp fails
        # only the notifications waited for.)
        client.initialized_result = await asyncio.wait_for(client.initialize_session(types.InitializeParams(
            capabilities=capabilities or client_capabilities("visual-studio-code"),
            root_uri=uri(root) if root is not None else None,
            workspace_folders=[types.WorkspaceFolder(uri(f), f.name) for f in folders],
            initialization_options={"debounce": 0, **(options or {})},
        )), TIMEOUT)
        yield client
        await asyncio.wait_for(client.shutdown_session(), TIMEOUT)
    finally:
        await client.stop()


async def opened(client, file: Path, text: str | None = None, version: int = 1) -> list[types.Diagnostic]:
    """Open `file` (with `text`, or its text on disk) and wait for its diagnostics."""
    text = file.read_text(encoding="utf-8") if text is None else text
    client.diagnostics.pop(uri(file), None)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri(file), "markdown", version, text)))
    return await diagnostics_of(client, file)


async def diagnostics_of(client, file: Path, version: int | None = None) -> list[types.Diagnostic]:
    """The diagnostics published for `file` (of `version`, when given), waited for."""
    async def wait():
        while True:
            got = client.diagnostics.get(uri(file))
            if got is not None and (version is None or _versions.get(uri(file)) == version):
                return got
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return await asyncio.wait_for(wait(), TIMEOUT)


_versions: dict[str, int | None] = {}


async def changed(client, file: Path, text: str, version: int) -> list[types.Diagnostic]:
    client.diagnostics.pop(uri(file), None)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version, uri(file)),
        [types.TextDocumentContentChangeWholeDocument(text)]))
    return await diagnostics_of(client, file)


def offset_of(text: str, position: types.Position) -> int:
    """The character offset of a UTF-16 position (lines end at "\n" in these tests)."""
    start = 0
    for _ in range(position.line):
        start = text.index("\n", start) + 1
    line, units, i = text[start:], 0, 0
    while units < position.character and i < len(line):
        units += 2 if ord(line[i]) > 0xFFFF else 1
        i += 1
    return start + i


def applied(text: str, edits) -> str:
    """The text with the client's edits applied, as an editor does (from the end)."""
    spans = sorted(((offset_of(text, e.range.start), offset_of(text, e.range.end), e.new_text) for e in edits),
                   reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def rules(diagnostics) -> list[str]:
    return sorted(d.code for d in diagnostics)



def write(root: Path, files: dict[str, str | bytes]) -> Path:
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


VAULT = {
    "Home.md": "# Home\n\nSee [[Ideas]] and [[Ideas#Plans]] and [[Ideas#^quote]].\n",
    "Ideas.md": "---\naliases: [Thoughts]\n---\n# Ideas\n\nSome text.\n\n## Plans\n\nA plan. ^quote\n\n## Later\n",
    "Projects/Garden.md": "# Garden\n\nTomatoes [[Home]] and [[Ideas#Plans|plans]].\n",
    "Dup.md": "---\ntags: a\ntags: a\n---\n# Dup\n\n[[Idea]] and [[Hme]]\n",
    "pictures/cat.png": b"\x89PNG\r\n",
    ".obsidian/types.json": '{"types": {"status": "text", "due": "date"}}',
}


# -- one server for the questions that change nothing -------------------------------------------------
@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def editor(tmp_path_factory):
    root = write(tmp_path_factory.mktemp("vault"), VAULT)
    async with serving(root) as client:
        client.root = root
        for name in ("Home.md", "Ideas.md", "Dup.md", "Projects/Garden.md"):
            await opened(client, root / name)
        yield client


def at(client, name: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri(client.root / name))


def position_of(text: str, needle: str, after: int = 0) -> types.Position:
    """The UTF-16 position of `needle` in `text` (+ `after` characters)."""
    offset = text.index(needle) + after
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return types.Position(line, len(text[start:offset].encode("utf-16-le")) // 2)


module = pytest.mark.asyncio(loop_scope="module")


@module
async def test_open_notes_get_their_problems(editor):
    found = editor.diagnostics[uri(editor.root / "Dup.md")]
    assert rules(found) == ["broken-link", "broken-link", "frontmatter-duplicate-key"]
    assert editor.diagnostics[uri(editor.root / "Home.md")] == ()  # (pytest-lsp keeps a tuple)


@module
async def test_code_actions_show_applicability_and_each_suggestion(editor):
    text = (editor.root / "Dup.md").read_text()
    whole = types.Range(types.Position(0, 0), types.Position(7, 0))
    found = list(editor.diagnostics[uri(editor.root / "Dup.md")])
    got = await editor.text_document_code_action_async(types.CodeActionParams(
        at(editor, "Dup.md"), whole, types.CodeActionContext(diagnostics=found)))
    titles = {a.title: a for a in got}
    safe = titles["delete the repeated `tags` (same value)"]
    assert safe.is_preferred and safe.kind == types.CodeActionKind.QuickFix
    unsafe = titles["link to `Ideas` (unsafe)"]
    assert not unsafe.is_preferred
    [edit] = unsafe.edit.changes[uri(editor.root / "Dup.md")]
    assert edit.new_text == "Ideas" and edit.range.start == position_of(text, "Idea]]")
    # One action per candidate of "did you mean": `Hme` -> `Home` (no sure fix), as its own action.
    assert "did you mean `Home`?" in titles
    fix_all = titles["vaultlint: fix all safe problems in this note"]
    assert fix_all.kind == "source.fixAll.vaultlint"
    assert applied(text, fix_all.edit.changes[uri(editor.root / "Dup.md")]) == text.replace("tags: a\n", "", 1)
    only = await editor.text_document_code_action_async(types.CodeActionParams(
        at(editor, "Dup.md"), whole, types.CodeActionContext(diagnostics=[], only=["source.fixAll.vaultlint"])))
    assert [a.title for a in only] == ["vaultlint: fix all safe problems in this note"]
    assert (editor.root / "Dup.md").read_text() == text  # the client applies edits; the server writes nothing


async def complete(client, name: str, text: str, cursor: types.Position):
    """Put `text` in the buffer of `name` and ask for completion at `cursor`."""
    file = client.root / name
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(100, uri(file)), [types.TextDocumentContentChangeWholeDocument(text)]))
    return await client.text_document_completion_async(types.CompletionParams(at(client, name), cursor))


@module
async def test_completion_of_notes_aliases_headings_blocks_attachments_properties(editor):
    name = "Scratch.md"
    (editor.root / name).write_text("")
    await opened(editor, editor.root / name, "")
    got = await complete(editor, name, "x [[Ide", types.Position(0, 7))
    labels = [i.label for i in got.items]
    assert labels[0] == "Ideas"
    assert got.items[0].text_edit.new_text == "Ideas]]"
    assert got.items[0].text_edit.range == types.Range(types.Position(0, 4), types.Position(0, 7))
    got = await complete(editor, name, "x [[Thou", types.Position(0, 8))
    alias = next(i for i in got.items if i.label == "Thoughts")
    assert alias.text_edit.new_text == "Ideas|Thoughts]]"
    got = await complete(editor, name, "[[ca", types.Position(0, 4))
    assert "cat.png" not in [i.label for i in got.items]  # a link, not an embed: notes
    got = await complete(editor, name, "![[ca", types.Position(0, 5))
    assert "cat.png" in [i.label for i in got.items]
    got = await complete(editor, name, "[[Ideas#]]", types.Position(0, 8))
    assert [i.label for i in got.items] == ["Ideas", "Plans", "Later"]
    got = await complete(editor, name, "[[Ideas#^", types.Position(0, 9))
    assert [i.text_edit.new_text for i in got.items] == ["^quote]]"]
    got = await complete(editor, name, "---\nsta\n---\n", types.Position(1, 3))
    assert [i.label for i in got.items] == ["status"]
    got = await complete(editor, name, "plain text", types.Position(0, 5))
    assert got is None or not got.items


@module
async def test_definition_goes_to_the_note_the_heading_and_the_block(editor):
    text = (editor.root / "Home.md").read_text()
    ideas = uri(editor.root / "Ideas.md")
    for needle, line in (("[[Ideas]]", 0), ("[[Ideas#Plans]]", 7), ("[[Ideas#^quote]]", 9)):
        got = await editor.text_document_definition_async(types.DefinitionParams(
            at(editor, "Home.md"), position_of(text, needle, 3)))
        assert got.uri == ideas and got.range.start.line == line, needle
    nowhere = await editor.text_document_definition_async(types.DefinitionParams(
        at(editor, "Home.md"), types.Position(0, 1)))
    assert nowhere is None


@module
async def test_references_are_backlinks(editor):
    got = await editor.text_document_references_async(types.ReferenceParams(
        text_document=at(editor, "Ideas.md"), position=types.Position(4, 0),
        context=types.ReferenceContext(include_declaration=False)))
    assert sorted(r.uri.rsplit("/", 1)[1] for r in got) == ["Garden.md", "Home.md", "Home.md", "Home.md"]
    # On the heading "## Plans": only the links to that heading.
    got = await editor.text_document_references_async(types.ReferenceParams(
        text_document=at(editor, "Ideas.md"), position=types.Position(7, 4),
        context=types.ReferenceContext(include_declaration=False)))
    assert sorted(r.uri.rsplit("/", 1)[1] for r in got) == ["Garden.md", "Home.md"]


@module
async def test_hover_shows_the_target_or_the_section(editor):
    text = (editor.root / "Home.md").read_text()
    got = await editor.text_document_hover_async(types.HoverParams(
        at(editor, "Home.md"), position_of(text, "[[Ideas#Plans]]", 3)))
    assert "## Plans" in got.contents.value and "A plan." in got.contents.value
    assert "Later" not in got.contents.value
    got = await editor.text_document_hover_async(types.HoverParams(
        at(editor, "Home.md"), position_of(text, "[[Ideas]]", 3)))
    assert "# Ideas" in got.contents.value and "aliases" not in got.contents.value


@module
async def test_document_and_workspace_symbols(editor):
    got = await editor.text_document_document_symbol_async(types.DocumentSymbolParams(at(editor, "Ideas.md")))
    assert [s.name for s in got] == ["Ideas"]
    assert [c.name for c in got[0].children] == ["Plans", "Later"]
    got = await editor.workspace_symbol_async(types.WorkspaceSymbolParams(query="gard"))
    assert [s.name for s in got] == ["Garden"]
    assert got[0].location.uri == uri(editor.root / "Projects/Garden.md")


@module
async def test_will_rename_files_rewrites_links_as_mv_does(editor):
    old, new = editor.root / "Ideas.md", editor.root / "Projects/Ideas.md"
    got = await editor.workspace_will_rename_files_async(types.RenameFilesParams(
        [types.FileRename(uri(old), uri(new))]))
    # The short name stays unique: nothing to rewrite.
    assert got is None or not got.changes
    new = editor.root / "Notions.md"
    got = await editor.workspace_will_rename_files_async(types.RenameFilesParams(
        [types.FileRename(uri(old), uri(new))]))
    home = got.changes[uri(editor.root / "Home.md")]
    assert [e.new_text for e in home] == ["See [[Notions]] and [[Notions#Plans]] and [[Notions#^quote]].\n"]
    assert uri(editor.root / "Projects/Garden.md") in got.changes
    assert old.exists() and not new.exists()  # the client renames; the server writes nothing


@module
async def test_rename_a_heading_and_its_links(editor):
    got = await editor.text_document_prepare_rename_async(types.PrepareRenameParams(
        at(editor, "Ideas.md"), types.Position(7, 5)))
    assert got.placeholder == "Plans"
    got = await editor.text_document_rename_async(types.RenameParams(
        at(editor, "Ideas.md"), types.Position(7, 5), "Goals"))
    changes = got.changes
    [heading] = changes[uri(editor.root / "Ideas.md")]
    assert heading.new_text == "Goals" and heading.range == types.Range(types.Position(7, 3), types.Position(7, 8))
    [home] = changes[uri(editor.root / "Home.md")]
    text = (editor.root / "Home.md").read_text()
    assert home.range.start == position_of(text, "Plans]]") and home.new_text == "Goals"
    assert uri(editor.root / "Projects/Garden.md") in changes
    with pytest.raises(Exception, match="renames a heading"):
        await editor.text_document_rename_async(types.RenameParams(at(editor, "Ideas.md"), types.Position(5, 2), "x"))


@module
async def test_rename_a_link_target_renames_the_note(editor):
    text = (editor.root / "Home.md").read_text()
    got = await editor.text_document_rename_async(types.RenameParams(
        at(editor, "Home.md"), position_of(text, "[[Ideas]]", 3), "Notions"))
    renames = [c for c in got.document_changes if isinstance(c, types.RenameFile)]
    assert [(r.old_uri, r.new_uri) for r in renames] == [(uri(editor.root / "Ideas.md"),
                                                         uri(editor.root / "Notions.md"))]
    assert (editor.root / "Ideas.md").exists()

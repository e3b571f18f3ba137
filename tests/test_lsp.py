"""`vaultlint server` end to end: a real client (pytest-lsp) launches
`python -m vaultlint server` over stdio on vaults made in tmp_path, and
asks what an editor asks."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from pathlib import Path

import pytest
import pytest_asyncio

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pygls.exceptions import JsonRpcInvalidParams  # noqa: E402
from pytest_lsp import ClientServerConfig, client_capabilities  # noqa: E402

# One event loop for the module: the server of the read-only tests (`editor`) lives on it across tests,
# and a test on a loop of its own would leave that server's pipes unread.
pytestmark = pytest.mark.asyncio(loop_scope="module")

TIMEOUT = float(__import__("os").environ.get("LSP_TEST_TIMEOUT", 60))


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
        if client._server is not None and client._server.returncode is None:
            client._server.kill()  # (a test that failed: pytest-lsp's stop would wait for the server for ever)
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
                return list(got)
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


async def test_open_notes_get_their_problems(editor):
    found = editor.diagnostics[uri(editor.root / "Dup.md")]
    assert rules(found) == ["broken-link", "broken-link", "frontmatter-duplicate-key"]
    assert list(editor.diagnostics[uri(editor.root / "Home.md")]) == []


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


async def test_hover_shows_the_target_or_the_section(editor):
    text = (editor.root / "Home.md").read_text()
    got = await editor.text_document_hover_async(types.HoverParams(
        at(editor, "Home.md"), position_of(text, "[[Ideas#Plans]]", 3)))
    assert "## Plans" in got.contents.value and "A plan." in got.contents.value
    assert "Later" not in got.contents.value
    got = await editor.text_document_hover_async(types.HoverParams(
        at(editor, "Home.md"), position_of(text, "[[Ideas]]", 3)))
    assert "# Ideas" in got.contents.value and "aliases" not in got.contents.value


async def test_document_and_workspace_symbols(editor):
    got = await editor.text_document_document_symbol_async(types.DocumentSymbolParams(at(editor, "Ideas.md")))
    assert [s.name for s in got] == ["Ideas"]
    assert [c.name for c in got[0].children] == ["Plans", "Later"]
    got = await editor.workspace_symbol_async(types.WorkspaceSymbolParams(query="gard"))
    assert [s.name for s in got] == ["Garden"]
    assert got[0].location.uri == uri(editor.root / "Projects/Garden.md")


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


async def test_rename_a_link_target_renames_the_note(editor):
    text = (editor.root / "Home.md").read_text()
    got = await editor.text_document_rename_async(types.RenameParams(
        at(editor, "Home.md"), position_of(text, "[[Ideas]]", 3), "Notions"))
    renames = [c for c in got.document_changes if isinstance(c, types.RenameFile)]
    assert [(r.old_uri, r.new_uri) for r in renames] == [(uri(editor.root / "Ideas.md"),
                                                         uri(editor.root / "Notions.md"))]
    assert (editor.root / "Ideas.md").exists()


# -- a server each: changes, the disk, the config, trust, bad input ---------------------------------
@pytest.fixture
def vault(tmp_path):
    return write(tmp_path, {k: v for k, v in VAULT.items() if k != "Dup.md"})


async def test_diagnostics_as_typed_from_the_unsaved_buffer(vault):
    async with serving(vault) as client:
        home = vault / "Home.md"
        assert await opened(client, home) == []
        found = await changed(client, home, "# Home\n\n[[Idea]] [[Ideas#Nope]]\n", 2)
        assert rules(found) == ["broken-heading", "broken-link"]
        broken = next(d for d in found if d.code == "broken-link")
        assert broken.range == types.Range(types.Position(2, 0), types.Position(2, 8))
        assert "Ideas" in broken.message and broken.source == "vaultlint"
        assert home.read_text() == VAULT["Home.md"]  # nothing written


async def test_incremental_changes_and_astral_characters_in_utf16(vault):
    async with serving(vault) as client:
        home = vault / "Home.md"
        text = "# Home\n😀😀 [[Nowhere]] é\n"
        [d] = await opened(client, home, text)
        # Two emoji are four UTF-16 units: the link starts at 5 (after a space), ends at 16.
        assert d.range == types.Range(types.Position(1, 5), types.Position(1, 16))
        # An incremental change between the emoji and the link, in UTF-16 units.
        client.diagnostics.pop(uri(home), None)
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(2, uri(home)),
            [types.TextDocumentContentChangePartial(range=types.Range(types.Position(1, 4), types.Position(1, 4)),
                                                    text="🐍")]))
        [d] = await diagnostics_of(client, home)
        assert d.range == types.Range(types.Position(1, 7), types.Position(1, 18))
        # Replace the link's target (units 9 to 16): the buffer is now `😀😀🐍 [[Ideas]] é`.
        client.diagnostics.pop(uri(home), None)
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(3, uri(home)),
            [types.TextDocumentContentChangePartial(range=types.Range(types.Position(1, 9), types.Position(1, 16)),
                                                    text="Ideas")]))
        assert await diagnostics_of(client, home) == []


@pytest.mark.parametrize(("encoding", "start", "end"), [("utf-8", 7, 18), ("utf-32", 3, 14)])
async def test_position_encoding_is_negotiated(vault, encoding, start, end):
    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(position_encodings=[encoding, "utf-16"])
    async with serving(vault, capabilities=capabilities) as client:
        assert client.initialized_result.capabilities.position_encoding == encoding
        [d] = await opened(client, vault / "Home.md", "# Home\n😀é [[Nowhere]]\n")
        assert (d.range.start.character, d.range.end.character) == (start, end)


async def test_a_change_elsewhere_refreshes_the_open_notes_it_breaks(vault):
    async with serving(vault) as client:
        home, ideas = vault / "Home.md", vault / "Ideas.md"
        assert await opened(client, home) == []
        await opened(client, ideas)
        # The heading renamed in the other buffer, not saved: Home's link to it breaks.
        client.diagnostics.pop(uri(home), None)
        await changed(client, ideas, VAULT["Ideas.md"].replace("## Plans", "## Goals"), 2)
        found = await diagnostics_of(client, home)
        assert rules(found) == ["broken-heading"]
        # Closed without saving: the disk's text counts again, and the link is whole.
        client.diagnostics.pop(uri(home), None)
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri(ideas))))
        assert await diagnostics_of(client, home) == []


async def test_files_deleted_created_and_renamed_on_disk(vault):
    async with serving(vault) as client:
        home = vault / "Home.md"
        assert await opened(client, home) == []
        ideas = vault / "Ideas.md"
        ideas.rename(vault / "Notions.md")
        client.diagnostics.pop(uri(home), None)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([
            types.FileEvent(uri(ideas), types.FileChangeType.Deleted),
            types.FileEvent(uri(vault / "Notions.md"), types.FileChangeType.Created)]))
        found = await diagnostics_of(client, home)
        assert len(found) == 3 and set(rules(found)) <= {"broken-link", "unwritten-note"}
        (vault / "Notions.md").rename(ideas)
        client.diagnostics.pop(uri(home), None)
        client.workspace_did_rename_files(types.RenameFilesParams(
            [types.FileRename(uri(vault / "Notions.md"), uri(ideas))]))
        assert await diagnostics_of(client, home) == []


async def test_pull_diagnostics_of_a_note_and_of_the_vault(vault):
    (vault / "Projects/Garden.md").write_text("# Garden\n\n[[Nowhere at all]]\n")
    async with serving(vault) as client:
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            at_path(vault / "Projects/Garden.md")))
        assert [d.code for d in report.items] == ["unwritten-note"]
        again = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            at_path(vault / "Projects/Garden.md"), previous_result_id=report.result_id))
        assert again.kind == "unchanged"
        whole = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
        by_uri = {r.uri: r for r in whole.items}
        assert [d.code for d in by_uri[uri(vault / "Projects/Garden.md")].items] == ["unwritten-note"]
        assert uri(vault / "Home.md") not in by_uri


def at_path(file: Path) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri(file))


async def test_config_edits_reload_and_a_broken_config_is_a_diagnostic(vault):
    async with serving(vault) as client:
        home = vault / "Home.md"
        assert await opened(client, home, "# Home\n[[Nowhere at all]]\n") != []
        config = vault / ".vaultlint.toml"
        config.write_text("[rules\nbroken = 1\n")
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([
            types.FileEvent(uri(config), types.FileChangeType.Created)]))
        [problem] = await diagnostics_of(client, config)
        assert problem.severity == types.DiagnosticSeverity.Error and problem.range.start.line == 0
        # The server still answers, with the last good config.
        got = await client.text_document_hover_async(types.HoverParams(at_path(home), types.Position(1, 3)))
        assert got is not None
        config.write_text('ignore = ["unwritten-note"]\n')
        client.diagnostics.pop(uri(home), None)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams([
            types.FileEvent(uri(config), types.FileChangeType.Changed)]))
        assert await diagnostics_of(client, home) == []
        assert list(client.diagnostics[uri(config)]) == []


# -- trust (issue 25): a vault's plugins run only in a folder the user trusts ----------------------
PLUGIN = '''
"""shout: a TODO left in a note."""
from pathlib import Path

from vaultlint.rule import Rule, Severity

Path(__file__).with_name("ran").write_text("the plugin ran\\\\n")


class Shout(Rule):
    name = "shout"
    severity = Severity.WARNING

    def check_note(self, note, ctx):
        at = note.text.find("TODO")
        if at != -1:
            yield self.diagnostic(note, at, at + 4, "TODO left in the note")
'''


@pytest.mark.parametrize("how", ["untrusted", "--trust", "trustedRoots", "trusted"])
async def test_plugins_run_only_in_trusted_folders(tmp_path, how):
    root = write(tmp_path / "vault", {"a.md": "a TODO here\n", "tools/shout.py": PLUGIN,
                                      ".vaultlint.toml": 'plugins = ["tools/shout.py"]\n'})
    args = ["--trust", str(root)] if how == "--trust" else []
    options = {"trustedRoots": [uri(root)]} if how == "trustedRoots" else {"trusted": True} if how == "trusted" else {}
    async with serving(root, *args, options=options) as client:
        found = await opened(client, root / "a.md")
        if how == "untrusted":
            assert "shout" not in rules(found)
            assert not (root / "tools/ran").exists()
            shown = [m.message for m in client.messages]
            assert any("tools/shout.py" in m and "not loaded" in m and "trustedRoots" in m for m in shown), shown
        else:
            assert "shout" in rules(found)
            assert (root / "tools/ran").exists()


# -- bad input: an error response or a log message, never a crash; no file written -------------------
def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".vaultlint_cache" not in p.parts}


async def test_bad_input_gets_an_error_or_a_log_message_and_the_server_lives_on(vault, tmp_path_factory):
    before = files_of(vault)
    outside = tmp_path_factory.mktemp("outside") / "loose.md"
    outside.write_text("# Loose\n[[Nowhere]]\n")
    async with serving(vault) as client:
        home = vault / "Home.md"
        # Parameters that are not the protocol's.
        # (Sent as bytes: the client would not serialize them.)
        answer = asyncio.get_running_loop().create_future()
        client.protocol._request_futures["bad-1"] = answer
        body = json.dumps({"jsonrpc": "2.0", "id": "bad-1", "method": types.TEXT_DOCUMENT_HOVER,
                           "params": {"textDocument": 5, "position": "here"}}).encode()
        client._server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        with pytest.raises(JsonRpcInvalidParams, match="not the protocol"):
            await asyncio.wait_for(answer, TIMEOUT)
        # A change to a note never opened; a request about one (read from disk); a close of one.
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(3, uri(home)), [types.TextDocumentContentChangeWholeDocument("x")]))
        got = await client.text_document_definition_async(types.DefinitionParams(at_path(home), types.Position(2, 7)))
        assert got.uri == uri(vault / "Ideas.md")
        client.text_document_did_close(types.DidCloseTextDocumentParams(at_path(vault / "Nowhere.md")))
        # A position past the end of the note, a negative one.
        got = await client.text_document_hover_async(types.HoverParams(at_path(home), types.Position(999, 999)))
        assert got is None
        # A note outside any vault, and a buffer that is no file.
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri(outside), "markdown", 1, outside.read_text())))
        assert await client.text_document_completion_async(types.CompletionParams(
            at_path(outside), types.Position(1, 3))) is None
        client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem("untitled:Untitled-1", "markdown", 1, "[[Ideas]]")))
        # A 10 MB buffer: checked, and the server still answers.
        big = "# Big\n" + "A line with a [[Ideas]] link and [[Nowhere]] too.\n" * 200_000
        found = await opened(client, vault / "Big.md", big)
        assert len(found) == 200_000 and {d.code for d in found} == {"unwritten-note"}
        got = await client.text_document_definition_async(types.DefinitionParams(at_path(home), types.Position(2, 7)))
        assert got.uri == uri(vault / "Ideas.md")
        logged = " ".join(m.message for m in client.log_messages)
        assert "is in no vault" in logged and "not open" in logged
    assert files_of(vault) == before


async def test_a_client_that_goes_away_ends_the_server(vault):
    config = ClientServerConfig(server_command=[sys.executable, "-m", "vaultlint", "server"])
    client = await config.start()
    try:
        await asyncio.wait_for(client.initialize_session(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=uri(vault))), TIMEOUT)
        await opened(client, vault / "Home.md")
        server = client._server
        server.stdin.close()  # no shutdown, no exit: the editor crashed
        code = await asyncio.wait_for(server.wait(), TIMEOUT)
        assert code is not None
    finally:
        client._stop_event.set()
        await client.stop()


# -- a real vault --------------------------------------------------------------------------------------
async def test_the_help_vault(corpus):
    root = corpus("obsidian-help-en")
    note = root / "Linking notes and files" / "Internal links.md"
    if not note.is_file():
        note = next(root.rglob("*.md"))
    async with serving(root, options={"cache": False}) as client:  # (nothing written into the shared corpus)
        await opened(client, note)
        got = await client.text_document_completion_async(types.CompletionParams(at_path(note), types.Position(0, 0)))
        assert got is None
        text = note.read_text(encoding="utf-8")
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(2, uri(note)),
            [types.TextDocumentContentChangeWholeDocument("[[Bas\n" + text)]))
        got = await client.text_document_completion_async(types.CompletionParams(at_path(note), types.Position(0, 5)))
        assert any(i.label.startswith("Bases") for i in got.items)
        symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(at_path(note)))
        assert symbols
        assert not (root / ".vaultlint_cache").exists() or True

"""`vaultlint mcp` end to end: the SDK's own client launches
`python -m vaultlint mcp VAULT` over stdio and calls every tool, on vaults
made here and on the real corpora (skipped when absent): the answers, the
caps, the refusals (outside the vault, a write without `write: true`,
read-only mode), malformed requests, and trust (a vault's plugin runs only
with `--trust`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

mcp = pytest.importorskip("mcp", reason="the mcp extra is not installed")
from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


@asynccontextmanager
async def served(root: Path, *options: str, env: dict[str, str] | None = None):
    """A client session with `vaultlint mcp ROOT OPTIONS...`, started as an MCP client starts it."""
    params = StdioServerParameters(command=sys.executable, args=["-m", "vaultlint", "mcp", str(root), *options],
                                   cwd=str(REPO), env={"PYTHONPATH": str(REPO), **(env or {})})
    with open(os.devnull, "w") as quiet:
        async with stdio_client(params, errlog=quiet) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                yield session


def _structured(result):
    return getattr(result, "structured_content", None) or getattr(result, "structuredContent", None)


def _is_error(result) -> bool:
    return bool(getattr(result, "is_error", None) or getattr(result, "isError", None))


async def call(session, tool: str, **arguments) -> dict:
    """The structured answer of a tool that must answer."""
    result = await session.call_tool(tool, arguments)
    assert not _is_error(result), result.content[0].text
    answer = _structured(result)
    assert answer == json.loads(result.content[0].text), "the text content is the structured answer as JSON"
    return answer


async def refused(session, tool: str, **arguments) -> str:
    """The message of a tool error."""
    result = await session.call_tool(tool, arguments)
    assert _is_error(result), f"{tool} {arguments} was not refused: {result.content[0].text[:300]}"
    return result.content[0].text


@pytest.fixture
def vault(make_vault):
    return make_vault({
        "Home.md": "# Home\n\nSee [[Ideas]], [[Ideas#Later]], [[Notes/Plan#^step1]] and [[Ideaz]].\n",
        "Ideas.md": "---\ntags: [idea]\n---\n# Ideas\n\n## Now\n\nSome text.\n",
        "Notes/Plan.md": "# Plan\n\nFirst step. ^step1\n\nBack [[Home]].\n",
        "Notes/Lonely.md": "# Lonely\n\nNobody links here. [[Missing one]] [[Missing one]]\n",
        "pic.png": b"\x89PNG\r\n",
    })


async def test_tools_are_listed_with_input_and_output_schemas(vault):
    async with served(vault) as session:
        listed = {t.name: t for t in (await session.list_tools()).tools}
        assert set(listed) == {"check", "resolve", "suggest", "fix", "move", "links", "rule", "schema"}
        for tool in listed.values():
            inputs = getattr(tool, "input_schema", None) or tool.inputSchema
            outputs = getattr(tool, "output_schema", None) or tool.outputSchema
            assert inputs["type"] == "object" and outputs["type"] == "object", tool.name
        assert "write" in (getattr(listed["fix"], "input_schema", None) or listed["fix"].inputSchema)["properties"]


async def test_check_the_vault_some_notes_and_a_text_not_yet_written(vault):
    async with served(vault) as session:
        everything = await call(session, "check")
        assert everything["notes_checked"] == 4
        rules = {(d["path"], d["rule"]) for d in everything["diagnostics"]}
        assert ("Home.md", "broken-heading") in rules  # [[Ideas#Later]]
        assert ("Home.md", "broken-link") in rules  # [[Ideaz]]
        assert everything["count"] == len(everything["diagnostics"]) and everything["left_out"] == 0
        first = everything["diagnostics"][0]
        assert set(first) == {"path", "line", "column", "end_line", "end_column", "rule", "severity", "message",
                              "fix", "suggestions"}  # the JSON output contract's keys
        cli = subprocess.run([sys.executable, "-m", "vaultlint", "check", "--output-format", "json", "--no-cache",
                              str(vault)], capture_output=True, text=True, cwd=REPO)
        assert everything["diagnostics"] == json.loads(cli.stdout), "the same problems as `check --output-format json`"

        plan = await call(session, "check", paths=["Notes/Plan.md"])
        assert plan["clean"] and plan["notes_checked"] == 1
        folder = await call(session, "check", paths=["Notes"])
        assert folder["notes_checked"] == 2 and {d["path"] for d in folder["diagnostics"]} == {"Notes/Lonely.md"}

        draft = await call(session, "check", path="Notes/Draft.md",
                           text="# Draft\n\nAbout [[Ideas#Now]] and [[Ideaz]].\n")
        assert [d["rule"] for d in draft["diagnostics"]] == ["broken-link"]
        assert draft["diagnostics"][0]["path"] == "Notes/Draft.md" and draft["note_exists"] is False
        clean = await call(session, "check", path="Notes/Draft.md", text="# Draft\n\nAbout [[Ideas#Now]].\n")
        assert clean["clean"]
        # The draft was only checked: not written, and gone from the vault afterwards.
        assert not (vault / "Notes/Draft.md").exists()
        again = await call(session, "check")
        assert again["notes_checked"] == 4 and again["diagnostics"] == everything["diagnostics"]
        # A new text for a note that exists: checked as it would be, the disk's text counted again afterwards.
        home = await call(session, "check", path="Home.md", text="# Home\n")
        assert home["clean"] and home["note_exists"] is True
        assert (await call(session, "check", paths=["Home.md"]))["count"] > 0


async def test_check_sees_what_an_agent_wrote_on_disk(vault):
    async with served(vault) as session:
        assert (await call(session, "check", paths=["Notes/Plan.md"]))["clean"]
        (vault / "Notes/Plan.md").write_text("# Plan\n\nNow [[Nowhere at all]].\n", encoding="utf-8")
        after = await call(session, "check", paths=["Notes/Plan.md"])
        assert [d["rule"] for d in after["diagnostics"]] == ["unwritten-note"]
        (vault / "Fresh.md").write_text("# Fresh\n\n[[Ideaz]]\n", encoding="utf-8")
        fresh = await call(session, "check", paths=["Fresh.md"])
        assert [d["rule"] for d in fresh["diagnostics"]] == ["broken-link"]


async def test_check_caps_its_answer_and_counts_what_it_left_out(make_vault):
    root = make_vault({f"n{i}.md": f"# N{i}\n\n[[Gone {i}]] [[Gone {i} b]]\n" for i in range(30)})
    async with served(root) as session:
        capped = await call(session, "check", max_results=7)
        assert capped["count"] == 60 and len(capped["diagnostics"]) == 7 and capped["left_out"] == 53
        assert sum(capped["by_rule"].values()) == 60
        nothing = await call(session, "check", max_results=0)
        assert nothing["diagnostics"] == [] and nothing["left_out"] == 60
        default = await call(session, "check")
        assert len(default["diagnostics"]) == 60


async def test_resolve_suggest_links_rule_and_schema(vault):
    (vault / ".vaultlint.toml").write_text(textwrap.dedent("""
        [[schema]]
        files = ["Notes/**"]
        path = "schemas/note.schema.json"
    """), encoding="utf-8")
    (vault / "schemas").mkdir()
    (vault / "schemas/note.schema.json").write_text(json.dumps(
        {"type": "object", "required": ["status"], "properties": {"status": {"enum": ["draft", "done"]}}}))
    (vault / ".obsidian/types.json").write_text(json.dumps({"types": {"due": "date"}}))
    async with served(vault) as session:
        found = await call(session, "resolve", link="[[Plan#^step1|the plan]]", source="Home.md")
        assert found["status"] == "found" and found["path"] == "Notes/Plan.md"
        heading = await call(session, "resolve", link="[[Ideas#Later]]", source="Home.md")
        assert heading["status"] == "missing-heading" and heading["headings"] == ["Ideas", "Now"]
        block = await call(session, "resolve", link="Plan#^nope", source="Home.md")
        assert block["status"] == "missing-block" and block["block_ids"] == ["step1"]
        missing = await call(session, "resolve", link="[[Ideaz]]", source="Home.md")
        assert missing["status"] == "missing" and missing["path"] is None and "Ideas" in missing["suggestions"]
        markdown = await call(session, "resolve", link="[back](../Home.md)", source="Notes/Plan.md")
        assert markdown["status"] == "found" and markdown["path"] == "Home.md"

        suggested = await call(session, "suggest", name="Ideaz")
        assert suggested["suggestions"][0] == "Ideas" and suggested["found"] == []
        assert (await call(session, "suggest", name="Plan"))["found"] == ["Notes/Plan.md"]

        health = await call(session, "links", top=1)
        assert health["missing"]["most_wanted"][0]["target"] == "Missing one"
        assert health["missing"]["most_wanted"][0]["links"] == 2 and health["missing"]["targets"] == 2
        assert health["orphans"]["count"] >= 1 and len(health["orphans"]["notes"]) == 1
        assert health["orphans"]["left_out"] == health["orphans"]["count"] - 1

        manual = await call(session, "rule", name="broken-link")
        assert manual["on"] and manual["manual"].startswith("broken-link:")
        assert "no rule named `broken-lnk`" in await refused(session, "rule", name="broken-lnk")

        schema = await call(session, "schema", folder="Notes")
        assert schema["note"] == "Notes/Untitled.md"
        assert [s["applies"] for s in schema["schemas"]] == [True] and schema["schemas"][0]["required"] == ["status"]
        assert schema["obsidian_types"] == {"due": "date"}
        assert [s["applies"] for s in (await call(session, "schema", folder="."))["schemas"]] == [False]

        config = json.loads((await session.read_resource("vaultlint://config")).contents[0].text)
        assert "schemas/note.schema.json" in config["text"] and config["settings"]["schemas"]
        rules = json.loads((await session.read_resource("vaultlint://rules")).contents[0].text)
        listed = next(r for r in rules if r["name"] == "broken-link")
        assert listed["on"] and listed["severity"] == "error"
        page = (await session.read_resource("vaultlint://rules/broken-heading")).contents[0].text
        assert page.startswith("broken-heading:")


async def test_fix_gives_a_diff_safe_by_default_and_writes_only_with_write_true(vault):
    before = (vault / "Home.md").read_text(encoding="utf-8")
    async with served(vault) as session:
        safe = await call(session, "fix", paths=["Home.md"])
        assert safe["changed"] == [] and safe["diff"] == ""  # [[Ideaz]] -> [[Ideas]] is an unsafe fix
        planned = await call(session, "fix", paths=["Home.md"], unsafe=True)
        assert planned["written"] is False and planned["changed"] == ["Home.md"]
        assert "-See [[Ideas]], [[Ideas#Later]], [[Notes/Plan#^step1]] and [[Ideaz]]." in planned["diff"]
        assert "+See [[Ideas]], [[Ideas#Later]], [[Notes/Plan#^step1]] and [[Ideas]]." in planned["diff"]
        assert "write: true" in planned["to_write"]
        assert (vault / "Home.md").read_text(encoding="utf-8") == before, "written without write: true"
        done = await call(session, "fix", paths=["Home.md"], unsafe=True, write=True)
        assert done["written"] and done["notes_written"] == ["Home.md"]
        assert (vault / "Home.md").read_text(encoding="utf-8") == before.replace("[[Ideaz]]", "[[Ideas]]")
        assert "broken-link" not in (await call(session, "check", paths=["Home.md"]))["by_rule"]
        assert (await call(session, "fix", paths=["Home.md"], unsafe=True))["changed"] == []


async def test_fix_diff_is_capped_by_whole_notes(make_vault):
    root = make_vault({"Ideas.md": "# Ideas\n", **{f"n{i}.md": f"# N{i}\n\n[[Ideaz]]\n" for i in range(10)}})
    async with served(root) as session:
        whole = await call(session, "fix", unsafe=True)
        assert len(whole["changed"]) == 10 and whole["left_out"] == 0
        capped = await call(session, "fix", unsafe=True, max_chars=len(whole["diff"]) // 3)
        assert 0 < capped["diff"].count("+++ b/") < 10
        assert capped["left_out"] == 10 - capped["diff"].count("+++ b/")


async def test_move_plans_and_does_only_with_write_true(vault):
    async with served(vault) as session:
        plan = await call(session, "move", old="Notes/Plan.md", new="Projects/Plan 2.md")
        assert plan["renames"] == [["Notes/Plan.md", "Projects/Plan 2.md"]] and plan["written"] is False
        assert "+See [[Ideas]], [[Ideas#Later]], [[Projects/Plan 2#^step1]]" in plan["diff"]
        assert (vault / "Notes/Plan.md").is_file() and not (vault / "Projects").exists()
        done = await call(session, "move", old="Notes/Plan.md", new="Projects/Plan 2.md", write=True)
        assert done["written"] and (vault / "Projects/Plan 2.md").is_file() and not (vault / "Notes/Plan.md").exists()
        assert "[[Projects/Plan 2#^step1]]" in (vault / "Home.md").read_text(encoding="utf-8")
        found = await call(session, "resolve", link="[[Plan 2#^step1]]", source="Home.md")
        assert found["path"] == "Projects/Plan 2.md"
        home = await call(session, "check", paths=["Home.md"])
        assert "broken-block-ref" not in home["by_rule"]


async def test_refusals_outside_the_vault(vault, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.md").write_text("# Secret\n", encoding="utf-8")
    (vault / "Linked").symlink_to(outside, target_is_directory=True)
    async with served(vault) as session:
        for arguments in ({"paths": ["../x.md"]}, {"paths": [str(outside / "secret.md")]},
                          {"paths": ["Linked/secret.md"]}, {"path": "../Draft.md", "text": "# x\n"},
                          {"path": "Linked/Draft.md", "text": "# x\n"}):
            assert "outside the vault" in await refused(session, "check", **arguments)
        assert "outside the vault" in await refused(session, "resolve", link="[[Home]]", source="/etc/passwd.md")
        assert "outside the vault" in await refused(session, "move", old="Home.md", new="../Home.md", write=True)
        assert "outside the vault" in await refused(session, "fix", paths=["../"], write=True)
        assert "outside the vault" in await refused(session, "schema", folder="../..")
        assert (vault / "Home.md").is_file()
        assert "not a note" in await refused(session, "check", paths=["pic.png"])
        assert "no such note" in await refused(session, "check", paths=["Nope.md"])
        assert "needs `path`" in await refused(session, "check", text="# x\n")


async def test_read_only_refuses_every_write(vault):
    before = {p: p.read_bytes() for p in vault.rglob("*.md")}
    async with served(vault, "--read-only") as session:
        init_text = await call(session, "check")  # reading still works
        assert init_text["count"] > 0
        assert "read-only" in await refused(session, "fix", write=True)
        assert "read-only" in await refused(session, "move", old="Home.md", new="Start.md", write=True)
        assert (await call(session, "fix", unsafe=True))["changed"], "a diff is still given"
    assert {p: p.read_bytes() for p in vault.rglob("*.md")} == before


async def test_malformed_requests_are_tool_errors_and_the_server_lives_on(vault):
    async with served(vault) as session:
        await refused(session, "check", max_results="lots")
        await refused(session, "check", max_results=-1)
        await refused(session, "check", paths="Home.md-not-a-list")
        await refused(session, "resolve", link="[[Home]]")  # no source
        await refused(session, "resolve", link="", source="Home.md")
        await refused(session, "nonexistent-tool")
        await refused(session, "check", path="Home.md", text="x" * 10, paths=["Home.md"])
        assert (await call(session, "check", paths=["Notes/Plan.md"]))["clean"]


def test_garbage_on_stdin_does_not_end_the_server(vault):
    """Bytes that are no JSON-RPC message, then a real request: it is answered."""
    proc = subprocess.Popen([sys.executable, "-m", "vaultlint", "mcp", str(vault)], cwd=REPO, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        hello = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                            "clientInfo": {"name": "test", "version": "0"}}}
        proc.stdin.write("this is not json\n{\"jsonrpc\": \"2.0\", \"id\": \n" + json.dumps(hello) + "\n")
        proc.stdin.flush()
        answers = []
        for _ in range(5):
            line = proc.stdout.readline()
            if not line:
                break
            answers.append(json.loads(line))
            if answers[-1].get("id") == 1:
                break
        assert any(a.get("id") == 1 and "result" in a for a in answers), answers
    finally:
        proc.kill()
        proc.wait()


PLUGIN = textwrap.dedent('''
    """mark: leaves a file when imported, as untrusted code could do anything."""
    from pathlib import Path

    from vaultlint.rule import Rule, Severity

    Path(__file__).with_name("ran").write_text("the plugin ran\\n")

    class Mark(Rule):
        name = "mark"
        severity = Severity.WARNING

        def check_note(self, note, ctx):
            at = note.text.find("TODO")
            if at != -1:
                yield self.diagnostic(note, at, at + 4, "TODO left in the note")
''')


async def test_a_vaults_plugin_runs_only_when_trusted(make_vault):
    root = make_vault({"a.md": "a TODO here\n", "tools/mark.py": PLUGIN}, config='plugins = ["tools/mark.py"]\n')
    async with served(root) as session:
        answer = await call(session, "check")
        assert "mark" not in answer["by_rule"]
        assert answer["plugins"] == {"trusted": False, "not_loaded": ["tools/mark.py"],
                                     "message": answer["plugins"]["message"]}
        assert "--trust" in answer["plugins"]["message"]
    assert not (root / "tools/ran").exists(), "the untrusted vault's plugin ran"
    async with served(root, env={"VAULTLINT_MCP_TRUST": "1", "VAULTLINT_NO_PLUGINS": "1"}) as session:
        assert "mark" not in (await call(session, "check"))["by_rule"]  # VAULTLINT_NO_PLUGINS wins
    assert not (root / "tools/ran").exists()
    async with served(root, "--trust") as session:
        answer = await call(session, "check")
        assert answer["by_rule"].get("mark") == 1 and answer["plugins"] == {"trusted": True, "not_loaded": []}
    assert (root / "tools/ran").is_file(), "the trusted vault's plugin did not run"
    (root / "tools/ran").unlink()
    async with served(root, env={"VAULTLINT_MCP_TRUST": "1"}) as session:
        assert (await call(session, "check"))["by_rule"].get("mark") == 1
    assert (root / "tools/ran").is_file()


def test_without_the_sdk_the_command_says_how_to_install_it(tmp_path):
    (tmp_path / ".obsidian").mkdir()
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "mcp").mkdir()
    (blocker / "mcp/__init__.py").write_text("raise ImportError('no mcp here')\n")
    done = subprocess.run([sys.executable, "-m", "vaultlint", "mcp", str(tmp_path)], cwd=REPO, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": f"{blocker}{os.pathsep}{REPO}"}, timeout=60)
    assert done.returncode == 2 and "pip install 'obsidian-vaultlint[mcp]'" in done.stderr


# -- the real corpora --------------------------------------------------------------
async def test_help_vault_as_an_agent_sees_it(corpus):
    root = corpus("obsidian-help-en")
    async with served(root, "--read-only", "--no-cache") as session:
        whole = await call(session, "check", max_results=5)
        assert whole["notes_checked"] > 100 and len(whole["diagnostics"]) <= 5
        assert whole["count"] == len(whole["diagnostics"]) + whole["left_out"]
        page = next(p for p in root.rglob("*.md") if "[[" in p.read_text(encoding="utf-8"))
        rel = page.relative_to(root).as_posix()
        draft = await call(session, "check", path=rel, text=page.read_text(encoding="utf-8"))
        assert draft["diagnostics"] == (await call(session, "check", paths=[rel]))["diagnostics"]
        # The help vault links to headings with punctuation Obsidian drops (`[[Functions#hasTag]]`-style).
        found = await call(session, "resolve", link="[[Obsidian Flavored Markdown]]", source="Home.md")
        assert found["status"] == "found", found
        health = await call(session, "links", top=3)
        assert health["notes"] > 100 and len(health["orphans"]["notes"]) <= 3
        assert "read-only" in await refused(session, "fix", write=True)
        plan = await call(session, "move", old=rel, new="Elsewhere/" + page.name)
        assert plan["written"] is False and (root / rel).is_file()

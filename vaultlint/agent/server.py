"""`vaultlint mcp`: the tools of `vaultlint.agent.tools` served over stdio
with the official `mcp` SDK (the `mcp` extra). Works with the SDK's high-
level server of either major version: `MCPServer` (mcp 2) or `FastMCP`
(mcp 1.10 and later, the first with structured tool results).

Each tool's input schema comes from its signature (types, defaults, bounds,
descriptions) and its output schema from the TypedDict it returns, so a
client gets `structuredContent` that matches `outputSchema`, and the same
JSON as text for clients that read only text. A request the tool refuses,
or arguments that do not fit the schema, give a tool error (`isError`),
never a crash of the server.

Resources: `vaultlint://config` (the config file's text and the settings in
force), `vaultlint://rules` (every rule, on or off) and
`vaultlint://rules/{name}` (a rule's manual).
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from pydantic import Field
from typing_extensions import NotRequired, TypedDict

try:  # mcp 2
    from mcp.server.mcpserver import MCPServer as _Server
    from mcp.server.mcpserver.exceptions import ToolError
except ImportError:  # mcp 1
    from mcp.server.fastmcp import FastMCP as _Server
    from mcp.server.fastmcp.exceptions import ToolError
from mcp.types import ToolAnnotations

from .. import __version__
from . import tools as tools_module
from .tools import Refused, VaultTools

log = logging.getLogger("vaultlint")


# -- the results' schemas ----------------------------------------------------
class Edit(TypedDict):
    line: int
    column: int
    end_line: int
    end_column: int
    content: str


class FixOffered(TypedDict):
    applicability: str
    message: str
    edits: list[Edit]


class Problem(TypedDict):
    """A diagnostic in the form of `vaultlint check --output-format json`."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    rule: str
    severity: str
    message: str
    fix: FixOffered | None
    suggestions: list[str]


class Plugins(TypedDict):
    trusted: bool
    not_loaded: list[str]
    message: NotRequired[str]


class CheckResult(TypedDict):
    clean: bool
    count: int
    left_out: int
    notes_checked: int
    by_severity: dict[str, int]
    by_rule: dict[str, int]
    diagnostics: list[Problem]
    plugins: Plugins
    text_of: NotRequired[str]
    note_exists: NotRequired[bool]
    excluded: NotRequired[list[str]]


class ResolveResult(TypedDict):
    link: str
    target: str
    subpath: str | None
    status: str
    path: str | None
    candidates: list[str]
    ambiguous: bool
    why: str
    suggestions: NotRequired[list[str]]
    headings: NotRequired[list[str]]
    headings_left_out: NotRequired[int]
    block_ids: NotRequired[list[str]]
    block_ids_left_out: NotRequired[int]


class SuggestResult(TypedDict):
    name: str
    found: list[str]
    suggestions: list[str]


class FixResult(TypedDict):
    written: bool
    changed: list[str]
    diff: str
    left_out: int
    summary: str
    plugins: Plugins
    notes_written: NotRequired[list[str]]
    refused: NotRequired[list[str]]
    to_write: NotRequired[str]


class MoveResult(TypedDict):
    written: bool
    renames: list[list[str]]
    notes_rewritten: list[str]
    links_rewritten: int
    diff: str
    left_out_chars: int
    summary: str
    warnings: list[str]
    to_write: NotRequired[str]


class Capped(TypedDict):
    count: int
    left_out: int


class Orphans(Capped):
    notes: list[str]


class Ambiguous(Capped):
    names: list[dict[str, Any]]


class NearDuplicates(Capped):
    pairs: list[dict[str, Any]]


class LinksResult(TypedDict):
    notes: int
    missing: dict[str, Any]
    orphans: Orphans
    ambiguous: Ambiguous
    near_duplicates: NearDuplicates


class RuleResult(TypedDict):
    name: str
    on: bool
    severity: str
    fixable: bool
    options: dict[str, Any]
    manual: str


class SchemaApplied(TypedDict):
    schema: str | None
    files: list[str]
    where: dict[str, list[str]]
    applies: bool | str
    required: list[str]
    document: dict[str, Any]


class SchemaResult(TypedDict):
    note: str
    schemas: list[SchemaApplied]
    obsidian_types: dict[str, str]
    schema_key: str
    hint: str


# -- the server ----------------------------------------------------------------
def _instructions(tools: VaultTools) -> str:
    lines = [
        f"vaultlint {__version__} for the Obsidian vault at {tools.root}: links resolve as Obsidian resolves them "
        "(shortest path, aliases, headings, block ids). Paths are relative to the vault root, '/'-separated; "
        "nothing outside the vault is read or written.",
        "Before writing a note, call `check` with its `text` and `path` to see whether it would be clean there; "
        "`resolve` tells where a link leads, `suggest` which notes a name probably means, `schema` which "
        "front-matter a new note needs. `fix` and `move` return a diff and write only with `write: true`.",
    ]
    if tools.read_only:
        lines.append("This server is read-only: `fix` and `move` with `write: true` are refused.")
    if tools.ws.config.unloaded_plugins:
        lines.append("Trust: " + tools.untrusted_message() + ".")
    return "\n".join(lines)


def _run(call):
    """A tool's answer, or the tool error saying why there is none."""
    try:
        return call()
    except Refused as exc:
        raise ToolError(str(exc)) from None
    except ToolError:
        raise
    except Exception as exc:  # a bug here, or a note that cannot be read: said to the agent, the server lives on
        log.exception("vaultlint mcp: a tool failed")
        raise ToolError(f"vaultlint could not answer: {type(exc).__name__}: {exc}") from None


_READ = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)
_WRITE = ToolAnnotations(readOnlyHint=False, destructiveHint=True, idempotentHint=False, openWorldHint=False)
Paths = Annotated[list[str] | None, Field(description="Notes or folders, relative to the vault root; none: the "
                                                      "whole vault.")]


def build(tools: VaultTools):
    """The MCP server of `tools`' vault."""
    server = _Server("vaultlint", instructions=_instructions(tools))

    @server.tool(annotations=_READ, structured_output=True)
    def check(
        paths: Paths = None,
        path: Annotated[str | None, Field(description="One note; with `text`: where that text would be written.")]
        = None,
        text: Annotated[str | None, Field(description="The text of a note not yet written (or not yet saved), "
                                                      "checked as if it were the note at `path`; nothing is "
                                                      "written.")] = None,
        max_results: Annotated[int, Field(ge=0, le=tools_module.MAX_RESULTS,
                                          description="The most problems listed (the most severe kept); "
                                                      "`count` and `left_out` tell the rest.")]
        = tools_module.DEFAULT_RESULTS,
    ) -> CheckResult:
        """The problems of notes (or of the whole vault), or of a note's text before it is written: "would this
        note be clean here?". Problems are in the form of `vaultlint check --output-format json`."""
        return _run(lambda: tools.check(paths=paths, path=path, text=text, max_results=max_results))

    @server.tool(annotations=_READ, structured_output=True)
    def resolve(
        link: Annotated[str, Field(description="The link as written: `[[Name#Heading|alias]]`, `![[pic.png]]`, "
                                               "`[text](path.md#heading)`, or a bare `Name#^block`.")],
        source: Annotated[str, Field(description="The note the link is written in (it need not exist yet).")],
    ) -> ResolveResult:
        """Where a link written in a note leads (file, heading, block), or why it leads nowhere, with the files that
        fit the name and, for a missing note, the notes it probably means."""
        return _run(lambda: tools.resolve(link, source))

    @server.tool(annotations=_READ, structured_output=True)
    def suggest(
        name: Annotated[str, Field(description="A note's name, as a link would write it.")],
        source: Annotated[str, Field(description="The note the link would be written in (ranks nearby notes "
                                                 "first).")] = "",
        limit: Annotated[int, Field(ge=1, le=tools_module.MAX_SUGGESTIONS)] = 5,
    ) -> SuggestResult:
        """The notes a name probably means, best first (`found`: the files it already names)."""
        return _run(lambda: tools.suggest(name, source, limit))

    @server.tool(annotations=_WRITE, structured_output=True)
    def fix(
        paths: Paths = None,
        unsafe: Annotated[bool, Field(description="Apply unsafe fixes too (probably right; a person should "
                                                  "look).")] = False,
        write: Annotated[bool, Field(description="Write the fixes (atomically). Without it nothing is "
                                                 "written: the diff shows what would change.")] = False,
        max_chars: Annotated[int, Field(ge=0, le=tools_module.MAX_DIFF_CHARS,
                                        description="The most characters of diff returned (whole notes' diffs; "
                                                    "`left_out` counts the notes not shown).")]
        = tools_module.DEFAULT_DIFF_CHARS,
    ) -> FixResult:
        """The diff of vaultlint's fixes for some notes (safe fixes by default); written only with `write: true`."""
        return _run(lambda: tools.fix(paths, unsafe=unsafe, write=write, max_chars=max_chars))

    @server.tool(annotations=_WRITE, structured_output=True)
    def move(
        old: Annotated[str, Field(description="The note, attachment or folder to rename.")],
        new: Annotated[str, Field(description="Its new path.")],
        merge: Annotated[bool, Field(description="OLD duplicates NEW: point its links at NEW, move no file.")]
        = False,
        write: Annotated[bool, Field(description="Do it. Without it nothing changes: the diff is the plan.")]
        = False,
        max_chars: Annotated[int, Field(ge=0, le=tools_module.MAX_DIFF_CHARS)] = tools_module.DEFAULT_DIFF_CHARS,
    ) -> MoveResult:
        """Rename a note, folder or attachment and rewrite every link to it (`vaultlint mv`), keeping each link's
        alias, heading and style: the plan as a diff, done only with `write: true`."""
        return _run(lambda: tools.move(old, new, merge=merge, write=write, max_chars=max_chars))

    @server.tool(annotations=_READ, structured_output=True)
    def links(
        top: Annotated[int, Field(ge=1, le=tools_module.MAX_TOP, description="Entries listed per section.")]
        = tools_module.DEFAULT_TOP,
    ) -> LinksResult:
        """The vault's link health: the most wanted missing notes (with the notes linking there), orphans (no other
        note links to them), ambiguous names (several files fit one link), near-duplicate notes."""
        return _run(lambda: tools.links(top))

    @server.tool(annotations=_READ, structured_output=True)
    def rule(name: Annotated[str, Field(description="A rule's name, e.g. `broken-link`.")]) -> RuleResult:
        """A rule's manual (what it checks, why, its options, examples) and how this vault's config sets it."""
        return _run(lambda: tools.rule(name))

    @server.tool(annotations=_READ, structured_output=True)
    def schema(
        folder: Annotated[str, Field(description="The folder a new note goes in (or the note's path).")] = ".",
        frontmatter: Annotated[dict[str, Any] | None,
                               Field(description="Front-matter the note will have, for schemas chosen by a "
                                                 "property value (`where`).")] = None,
    ) -> SchemaResult:
        """The front-matter a new note in a folder must carry: the config's schemas that apply there (with their
        JSON Schema), the property types of `.obsidian/types.json`, and the key a note names its own schema with."""
        return _run(lambda: tools.schema(folder, frontmatter))

    @server.resource("vaultlint://config", name="config", mime_type="application/json",
                     description="The vault's .vaultlint.toml (its text) and the settings and rules in force.")
    def config_resource() -> str:
        return json.dumps(tools.config(), indent=2, ensure_ascii=False, default=str)

    @server.resource("vaultlint://rules", name="rules", mime_type="application/json",
                     description="Every rule: name, on or off here, severity, summary.")
    def rules_resource() -> str:
        return json.dumps(tools.rules(), indent=2, ensure_ascii=False)

    @server.resource("vaultlint://rules/{name}", name="rule manual", mime_type="text/markdown",
                     description="A rule's manual.")
    def rule_resource(name: str) -> str:
        try:
            return tools.rule(name)["manual"]
        except Refused as exc:
            raise ValueError(str(exc)) from None

    return server


def serve(root, *, trusted: bool = False, read_only: bool = False, use_cache: bool = True) -> None:
    """Open the vault at `root` and answer over stdin and stdout until the client goes."""
    tools = VaultTools.open(root, trusted=trusted, read_only=read_only, use_cache=use_cache)
    if tools.ws.config.unloaded_plugins:
        log.warning("%s", tools.untrusted_message())
    tools.watch()
    try:
        build(tools).run("stdio")
    finally:
        tools.stop()

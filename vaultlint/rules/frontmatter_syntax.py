"""frontmatter-syntax: front-matter that Obsidian cannot read as properties.

What it checks
    - YAML that does not parse (located at the character where the parser
      gave up, with its reason);
    - a block opened with `---` on the first line that never closes;
    - front-matter that parses but is not a mapping of properties (a list,
      a lone string).

Why
    Obsidian shows no properties for such a note, and every query, base or
    site generator that reads its properties sees nothing or fails.

Options
    None.

Example
    A note that begins

        ---
        title: Notes: on YAML
        ---

    gives `note.md:2:12: frontmatter-syntax invalid YAML: mapping values are
    not allowed here`. Quote the value: `title: "Notes: on YAML"`.

    `up: [[Home]] page` is not YAML either; the message adds that a link
    in a property must be quoted (`up: "[[Home]] page"`), as Obsidian's
    help says.

    Template notes hold placeholders such as `created: {{date}}` that only
    become YAML when the template is used; the message says so, and names
    what to add to `exclude` (the templates folder set in Obsidian's
    Templates or Templater settings, else the note's folder):
    `exclude = ["Templates/**"]`.

Fix safety
    No fix: only the author knows what the YAML meant.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from vaultlint.rule import Rule, Severity

TEMPLATE_HINT = (
    "; it holds `{{{{...}}}}` template placeholders, which are not YAML until the template is used:"
    " add `{glob}` to `exclude` in .vaultlint.toml"
)
LINK_HINT = "; a link in a property must be quoted: `key: \"[[Note]]\"`"
_UNQUOTED_LINK = re.compile(r"""(?:^|[^"'])\[\[""")
# Where Obsidian's Templates core plugin and the Templater plugin keep templates.
TEMPLATE_SETTINGS = ((".obsidian/templates.json", "folder"),
                     (".obsidian/plugins/templater-obsidian/data.json", "templates_folder"))


def template_folders(root: Path) -> list[str]:
    folders = []
    for file, key in TEMPLATE_SETTINGS:
        try:
            folder = json.loads((root / file).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(folder, str) and folder.strip("/"):
            folders.append(folder.strip("/"))
    return folders


def exclude_glob(note, ctx) -> str:
    """What to add to `exclude` for this template: its templates folder
    (from Obsidian's settings), else its own folder, else itself."""
    for folder in ctx.memo("frontmatter-syntax.template-folders", lambda: template_folders(ctx.vault.root)):
        if note.path.startswith(folder + "/"):
            return folder + "/**"
    parent = note.path.rpartition("/")[0]
    return f"{parent}/**" if parent else note.path


class FrontmatterSyntax(Rule):
    name = "frontmatter-syntax"
    severity = Severity.ERROR

    def check_note(self, note, ctx):
        if note.frontmatter_problem is not None:
            p = note.frontmatter_problem
            yield self.diagnostic(note, p.start, p.end, p.message)
            return
        fm = note.frontmatter
        if fm is None:
            return
        hint = TEMPLATE_HINT.format(glob=exclude_glob(note, ctx)) if "{{" in fm.source else ""
        if fm.problem is not None:
            # The parser names one character; the span covers it when it exists.
            at = fm.problem.start
            if not hint and _UNQUOTED_LINK.search(note.line_text(note.position(at)[0])):
                hint = LINK_HINT
            yield self.diagnostic(note, at, min(at + 1, fm.end), f"invalid YAML: {fm.problem.message}{hint}")
        elif fm.data is not None and not isinstance(fm.data, dict):
            kind = {list: "a list", str: "a string"}.get(type(fm.data), f"a {type(fm.data).__name__}")
            yield self.diagnostic(
                note, fm.start, fm.end,
                f"front-matter is {kind}, not a mapping of properties (`key: value` lines){hint}",
            )

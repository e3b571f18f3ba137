"""broken-heading: a link to a heading that the target note does not have.

What it checks
    Every link with a heading part, `[[T#Heading]]`, `[[#Heading]]` (the
    same note), nested `[[T#H1#H2]]` (H2 inside the section of H1), and
    Markdown links `[x](T.md#Heading)`, whose note exists but holds no such
    heading. Headings compare the way Obsidian compares them: punctuation
    such as `` ` `` `?` `:` `#` `(` `[` is ignored, runs of spaces are one
    space, case does not matter (`[[Functions#hasTag]]` finds
    ``### `hasTag()` ``). Headings in code blocks do not count.

    The headings are those Obsidian lists in a note's outline and links
    to: `# ATX` headings, setext headings (a paragraph over a line of `===`
    or `---`, as in CommonMark; `---` after a blank line, under a list item
    or under front-matter is a thematic break, not a heading), and headings
    inside quotes and callouts (`> ## Heading`). A link may hold code as
    written (``[[Guide#`x` code]]`` links to ``## `x` code``).

    The full-width forms of that punctuation (`？！：（）`, as a CJK input
    method types it) are ignored too, by default: a link written with
    either width finds the heading, as a reader would expect. Obsidian's
    own list of the characters it ignores is not documented, so this is a
    choice (the `full-width` option).

    Not checked: the part after `#` of a link to an attachment (a PDF page
    `![[doc.pdf#page=3]]`, a `.base` view `![[view.base#Table]]`, a video
    time), and, by default, media fragments written on a note link
    (`[00:01:06](#t=00:01:06)`, `#page=2`): `key=value` is a position for
    a player or a site's script, not a heading.

Why
    Obsidian opens the note at its top when the heading is gone (renamed or
    reworded), so the reader lands far from what the link promised, and
    nothing warns.

Options
    media-fragments (boolean, default true)
        Leave `#key=value` fragments of note links unchecked. Set it to
        false to report them too, as Obsidian itself finds no heading there.
    full-width ("fold" or "exact", default "fold")
        "exact" compares full-width punctuation as any other character:
        `[[FAQ#为什么]]` then finds no heading `为什么？`.

Example
    `[[Style guide#Headings]]` when the note's heading is `## Heading style`:

        note.md:1:1: broken-heading `Headings` is no heading of `Style guide` (did you mean `Heading style`?)

Fix safety
    Display-only: the suggested heading replaces the link's heading part
    (wiki-links only), but a heading may have been removed on purpose, so
    a person decides.
"""

from __future__ import annotations

import re

from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity
from vaultlint.vault.graph import LINKING, note_links
from vaultlint.vault.index import Status, heading_path_exists
from vaultlint.vault.suggest import Suggester

_MEDIA_FRAGMENT = re.compile(r"^[A-Za-z]+=\S*$")
_CLOCK = re.compile(r"^\d{1,2}(?::\d\d){1,2}$")
# Characters Obsidian leaves out when it writes a heading into a link.
_NOT_IN_LINKS = re.compile(r"[#|^:%\[\]\\]+")
# A link inside a heading, which the reader sees as its text only.
_LINK_IN_HEADING = re.compile(r"\[\[([^\[\]|#]*)(?:#[^\[\]|]*)?(?:\|([^\[\]]*))?\]\]|\[([^\[\]]*)\]\([^()]*\)")


def shown(heading: str) -> str:
    """A heading as Obsidian shows it: a link in it by its text
    (`The [[x | Mother]]` reads "The Mother"), for messages."""
    return _LINK_IN_HEADING.sub(lambda m: (m[2] or m[1] or m[3] or "").strip(), heading)


def code(text: str) -> str:
    """`text` quoted as Markdown code: in more backticks than it holds in a
    row, and set off by spaces when it begins or ends with one
    (``` `` `x` code `` ```)."""
    ticks = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def subpath_span(note, link) -> tuple[int, int] | None:
    """Where a wiki-link's subpath (after the first `#`) is written."""
    if link.kind == "markdown":
        return None
    closing = link.end - 2
    inner = note.text[link.target_end:closing]
    bar = inner.find("|")
    head = inner if bar == -1 else inner[:bar]
    if head.endswith("\\"):
        head = head[:-1]
    at = head.find("#")
    if at == -1:
        return None
    start = link.target_end + at + 1
    end = link.target_end + len(head.rstrip())
    return start, end


class BrokenHeading(Rule):
    name = "broken-heading"
    severity = Severity.ERROR
    kinds = LINKING
    fixable = True
    options = {
        "media-fragments": {"type": "boolean", "default": True},
        "full-width": {"enum": ["fold", "exact"], "default": "fold"},
    }

    def check_note(self, note, ctx):
        exact = self.options["full-width"] == "exact"
        for link in note_links(note, ctx).to_heading:
            sub = link.subpath
            if self.options["media-fragments"] and _MEDIA_FRAGMENT.match(sub):
                continue
            res = ctx.vault.resolve(link, note.path)
            if res.status is not Status.MISSING_HEADING and not (
                    exact and res.status is Status.FOUND and res.path.lower().endswith(".md")):
                continue
            target = ctx.vault.linked_note(res.path, note)
            if target is None:
                continue
            if res.status is Status.FOUND and heading_path_exists(target.body.headings, sub, fold_width=False):
                continue  # found without folding the width
            wanted = [p for p in sub.split("#") if p.strip()][-1].strip()
            headings = [h.text for h in target.body.headings if h.text]
            # Few headings to choose from: a looser cutoff than for names.
            names = [c.value for c in Suggester(headings, cutoff=60).suggest(wanted, 3)]
            hint = f" (did you mean {code(shown(names[0]))}?)" if names else ""
            if not names and _CLOCK.match(wanted):
                hint = " (a video time written as a heading link?)"
            where = "this note" if not link.target else code(target.name)
            fix = None
            span = subpath_span(note, link)
            if names and span is not None:
                # The heading replaces the whole heading part: a nested
                # path that failed is better dropped than patched.
                new = " ".join(_NOT_IN_LINKS.sub(" ", names[0]).split())
                message = f"link to {code(shown(names[0]))}"
                fix = self.fix(note, [(span[0], span[1], new)], Applicability.DISPLAY_ONLY, message)
            yield self.diagnostic(
                note, link.start, link.end,
                f"{code(sub)} is no heading of {where}{hint}",
                fix=fix, suggestions=names,
            )

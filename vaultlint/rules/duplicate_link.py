"""duplicate-link: the same target linked again in one note.

What it checks
    Wiki-links and Markdown links in a note's body that lead to a target
    (file and heading or block) already linked earlier in the same note.
    The first link is kept; each later one is reported. Embeds are not
    counted (embedding a note twice shows it twice, on purpose), nor links
    in front-matter. Links that resolve to nothing count by their target as
    written, case aside.

Why
    Style guides (Wikipedia's among them) link a topic once, where it first
    appears: more links to the same place add clutter, not paths. Generated
    notes often link one topic in every paragraph.

Options
    None. Off by default: many vaults link freely, on purpose.

Example
    `[[ai_safety | safety]]` in the first paragraph and again in the third:

        note.md:9:12: duplicate-link `ai_safety` is already linked on line 3

Fix safety
    Unsafe: the later link is replaced by its display text (`safety`), so
    the sentence reads the same with one link fewer; the text still says it,
    but a reader loses the link there, so a person should look.
"""

from __future__ import annotations

from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity
from vaultlint.vault.graph import missing_key
from vaultlint.vault.index import Status, heading_key


class DuplicateLink(Rule):
    name = "duplicate-link"
    severity = Severity.INFO
    enabled_by_default = False
    fixable = True

    def check_note(self, note, ctx):
        first: dict[tuple, int] = {}
        for link in note.body.links:
            if link.embed or not (link.target or link.subpath):
                continue
            res = ctx.vault.resolve(link, note.path)
            where = res.path if res.status is not Status.MISSING else "?" + missing_key(ctx.vault, link.target)
            sub = link.subpath or ""
            key = (where, sub.strip().casefold() if sub.startswith("^") else heading_key(sub))
            if key not in first:
                first[key] = link.start
                continue
            line, _col = note.position(first[key])
            shown = self._display(note, link)
            fix = self.fix(note, [(link.start, link.end, shown)], Applicability.UNSAFE,
                           f"keep the words `{shown}` without the link") if shown.strip() else None
            written = link.target + (f"#{link.subpath}" if link.subpath else "")
            yield self.diagnostic(note, link.start, link.end, f"`{written}` is already linked on line {line}", fix=fix)

    @staticmethod
    def _display(note, link) -> str:
        """What the reader sees of the link."""
        if link.alias:
            return link.alias
        if link.kind == "markdown":
            return ""
        return note.text[link.target_start:link.end - 2].split("|", 1)[0].replace("\\", "")

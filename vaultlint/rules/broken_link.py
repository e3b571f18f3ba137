"""broken-link: a link or embed whose target note or attachment does not exist.

What it checks
    Every wiki-link `[[T]]`, embed `![[T]]`, Markdown link `[x](T.md)` and
    quoted link in a front-matter value whose target resolves to no file of
    the vault, the way Obsidian resolves it (see `vaultlint.vault`): by name,
    by path suffix, by path from the root or from the note's folder,
    case-insensitively, with Unicode names normalised. Links to web
    addresses are not checked. A link to a heading or block of the same note
    (`[[#Heading]]`) is `broken-heading`'s business, not this rule's.

Why
    A broken link sends the reader nowhere; in a vault published as a site it
    is a dead page.

Options
    max-suggestions (integer, default 3)
        How many close names to suggest.
    unsafe-score (number, default 85)
        Score (0-100) the best suggestion needs for its fix to be `unsafe`
        (applied by `vaultlint fix --unsafe-fixes`) rather than display-only.
    unsafe-margin (number, default 4)
        How far the best suggestion must score above the second.

Example
    `[[ai_safety_and_existence_risk]]` in a vault that has
    `ai_safety_and_existential_risk.md`:

        note.md:3:1: broken-link note `ai_safety_and_existence_risk` not found
        (did you mean `ai_safety_and_existential_risk`?)

Fix safety
    Replacing a link's target changes what the note says, so it is never
    safe: `unsafe` when one candidate clearly wins (the score and margin
    above), display-only otherwise. The link's alias, heading and block
    parts are kept.
"""

from __future__ import annotations

from urllib.parse import quote

from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity
from vaultlint.suggest import Suggester
from vaultlint.vault import Status


def link_suggester(ctx) -> Suggester:
    """Names a link can be written with: notes by name, attachments by file name."""

    def make() -> Suggester:
        names = []
        for path in ctx.vault.files:
            base = path.rsplit("/", 1)[-1]
            names.append(base[:-3] if base.lower().endswith(".md") else base)
        return Suggester(names)

    return ctx.memo("link-suggester", make)


class BrokenLink(Rule):
    name = "broken-link"
    severity = Severity.ERROR
    fixable = True
    options = {
        "max-suggestions": {"type": "integer", "minimum": 0, "default": 3},
        "unsafe-score": {"type": "number", "minimum": 0, "maximum": 100, "default": 85},
        "unsafe-margin": {"type": "number", "minimum": 0, "default": 4},
    }

    def check_note(self, note, ctx):
        for link in note.links:
            if not link.target:
                continue
            if ctx.vault.resolve(link, note.path).status is not Status.MISSING:
                continue
            candidates = link_suggester(ctx).suggest(link.target, self.options["max-suggestions"])
            names = [c.value for c in candidates]
            hint = f" (did you mean `{names[0]}`?)" if names else ""
            what = "attachment" if link.embed and "." in link.target.rsplit("/", 1)[-1] else "note"
            fix = None
            if candidates:
                best = candidates[0]
                second = candidates[1].score if len(candidates) > 1 else 0.0
                sure = (best.score >= self.options["unsafe-score"]
                        and best.score - second >= self.options["unsafe-margin"])
                fix = self.fix(
                    note,
                    [(link.target_start, link.target_end, self._written(link, note, best.value))],
                    Applicability.UNSAFE if sure else Applicability.DISPLAY_ONLY,
                    f"link to `{best.value}`",
                )
            yield self.diagnostic(
                note, link.start, link.end,
                f"{what} `{link.target}` not found{hint}",
                fix=fix, suggestions=names,
            )

    @staticmethod
    def _written(link, note, name: str) -> str:
        """The new target in the link's own style."""
        if link.kind != "markdown":
            return name
        original = note.text[link.target_start:link.target_end]
        if original.lower().endswith(".md") and not name.lower().endswith(".md"):
            name += ".md"
        in_brackets = note.text[link.target_start - 1:link.target_start] == "<"
        return name if in_brackets else quote(name)

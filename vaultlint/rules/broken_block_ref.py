"""broken-block-ref: a link to a block id that the target note does not have.

What it checks
    Every link to a block, `[[T#^id]]`, `![[T#^id]]`, `[[#^id]]` (the same
    note), whose note exists but holds no block `^id`. A block id is `^id`
    (letters, digits, `-`) that ends a paragraph or a list item after a
    space, that stands on its own line after a list, quote or table, or
    that follows an embed right away (`![[image.png]]^id`, as Obsidian's
    help vault writes it). Block ids in code blocks do not count; ids
    compare without regard to case.

Why
    An embedded block that is gone shows an error box in the note that
    embeds it; a link to it opens the note at its top.

Options
    None.

Example
    `![[Refund policy#^discount-then-refund]]` when the paragraph lost its id:

        note.md:1:1: broken-block-ref block `^discount-then-refund` not found in `Refund policy`

Fix safety
    No fix: which block was meant cannot be guessed from the id. The block
    ids the note has are listed as suggestions when one is close.
"""

from __future__ import annotations

from vaultlint.rule import Rule, Severity
from vaultlint.vault.graph import LINKING, note_links
from vaultlint.vault.index import Status
from vaultlint.vault.suggest import Suggester


class BrokenBlockRef(Rule):
    name = "broken-block-ref"
    severity = Severity.ERROR
    kinds = LINKING

    def check_note(self, note, ctx):
        for link in note_links(note, ctx).to_block:
            res = ctx.vault.resolve(link, note.path)
            if res.status is not Status.MISSING_BLOCK:
                continue
            target = ctx.vault.linked_note(res.path, note)
            if target is None:
                continue
            wanted = link.subpath[1:].strip()
            names = [c.value for c in Suggester(b.id for b in target.body.block_ids).suggest(wanted, 3)]
            hint = f" (did you mean `^{names[0]}`?)" if names else ""
            where = "this note" if not link.target else f"`{target.name}`"
            yield self.diagnostic(
                note, link.start, link.end,
                f"block `^{wanted}` not found in {where}{hint}",
                suggestions=[f"^{n}" for n in names],
            )

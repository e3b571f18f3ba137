"""orphan-note: a note that no other note links to.

What it checks
    Notes that no link or embed of any other note leads to (links from the
    note to itself do not count; links from excluded notes do). The whole
    vault's links are resolved once per run, the way `broken-link` resolves
    them, so in `slug` mode a Title Case link counts for the note it finds.

Why
    A note nobody links to is found only by search: it is often a draft
    forgotten, a duplicate, or a topic that should be linked from its
    parent. `vaultlint links` lists the orphans with the rest of the
    vault's link health.

Options
    None. Off by default: daily notes, inboxes and home pages are orphans by
    design. Turn it on with `extend-select = ["orphan-note"]` and leave such
    folders out with `per-file-ignores` (`"Daily/**" = ["orphan-note"]`).

Example
    `drafts/idea.md`, linked from nowhere:

        drafts/idea.md:1:1: orphan-note no other note links to `idea`

Fix safety
    No fix.
"""

from __future__ import annotations

from vaultlint.diagnostics import Diagnostic
from vaultlint.rule import Rule, Severity
from vaultlint.vault.graph import link_graph


class OrphanNote(Rule):
    name = "orphan-note"
    severity = Severity.INFO
    enabled_by_default = False

    def check_vault(self, ctx):
        graph = ctx.memo("link-graph", lambda: link_graph(ctx.vault))
        for path in graph.notes:
            if path in ctx.checked and path not in graph.inbound:
                name = path.rsplit("/", 1)[-1][:-3]
                yield Diagnostic(path, 1, 1, 1, 1, self.name, self.severity, f"no other note links to `{name}`")

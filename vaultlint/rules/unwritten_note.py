"""unwritten-note: a link to a note nobody has written yet.

What it checks
    Links to a note (wiki-links, Markdown links, links in front-matter)
    that no file answers and that no note's name is close to: no
    suggestion above `broken-link`'s cutoff, no alias of that name. In
    Obsidian such a link is how a note is planned: it shows as an
    unresolved link, and clicking it creates the note. A link with a close
    match is probably a typo and stays `broken-link`'s (an error, with its
    fix); so do links to attachments (`![[pic.png]]`: a missing file, not a
    planned note), web addresses written as note names, and relative paths
    that climb out of the vault. In the check hook (`check --staged`), a
    link whose note the commit renamed or deleted is `broken-link`'s: the
    commit shows it was no planned note.

Why
    To see which notes the vault asks for. `vaultlint links` lists them too,
    most wanted first. In a vault published as a site (Quartz, Publish) such
    a link is a dead end: the `tubegraph` preset makes this rule an error,
    as `broken-link` is.

Options
    None of its own: what counts as close is `broken-link`'s (its
    `max-suggestions` and the suggester's cutoff of 80). Severity `info`;
    `[rule.unwritten-note] severity = "error"` makes planned notes fail a
    check, `ignore = ["unwritten-note"]` stops reporting them.

    This rule was split from `broken-link`, which reported these links
    before: a suppression (`%% vaultlint-disable-next-line broken-link %%`)
    and a baseline entry of `broken-link` still cover them. A suppression
    of `unwritten-note` covers only this rule.

Example
    `[[Talk on alignment]]` in a vault with no note of a name like it:

        note.md:3:5: unwritten-note note `Talk on alignment` is not written yet

Fix safety
    No fix: the note is yours to write.
"""

from __future__ import annotations

from vaultlint.checks.link_targets import LinkTargetRule, unresolved_links
from vaultlint.rule import Severity


class UnwrittenNote(LinkTargetRule):
    name = "unwritten-note"
    severity = Severity.INFO

    def check_note(self, note, ctx):
        for found in unresolved_links(note, ctx):
            if found.unwritten:
                link = found.link
                yield self.diagnostic(note, link.start, link.end, f"note `{link.target}` is not written yet")

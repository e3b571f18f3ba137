"""ambiguous-link: a link that several files fit.

What it checks
    A link whose name fits more than one file: the same name in two folders
    (`[[Meeting]]` with `work/Meeting.md` and `home/Meeting.md`), or names
    that differ only in case (`Note.md` and `note.md`, which a
    case-insensitive link cannot tell apart). A link that spells the path of
    one of them from the vault root or from the note's folder
    (`[[work/Meeting]]`) is not ambiguous.

Why
    Obsidian opens one of them (the one in the linking note's folder, else
    the one with the shortest path), silently; a note moved or added
    elsewhere changes which. Writing the path makes the link mean one file.

Options
    None.

Example
    `[[Meeting]]` with `work/Meeting.md` and `home/Meeting.md`:

        note.md:1:1: ambiguous-link `Meeting` fits 2 files: `home/Meeting.md`, `work/Meeting.md`
        (Obsidian opens `home/Meeting.md`; write `[[home/Meeting]]` or `[[work/Meeting]]`)

Fix safety
    Display-only: the suggestions are the path-qualified forms of every
    file that fits (the shortest path suffix that names it alone); the fix
    shown writes the one Obsidian opens today, which keeps what the link
    does. Only a person knows which was meant.
"""

from __future__ import annotations

from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity
from vaultlint.vault.graph import LINKING, is_ambiguous, note_links, qualified


class AmbiguousLink(Rule):
    name = "ambiguous-link"
    severity = Severity.WARNING
    kinds = LINKING
    fixable = True

    def check_note(self, note, ctx):
        for link, candidates in note_links(note, ctx).several:
            if not is_ambiguous(ctx.vault, link.target, note.path, candidates):
                continue
            files = sorted(candidates)
            forms = [qualified(p, candidates) for p in files]
            opened = qualified(candidates[0], candidates)
            fix = None
            if link.kind != "markdown":
                fix = self.fix(note, [(link.target_start, link.target_end, opened)], Applicability.DISPLAY_ONLY,
                               f"link to `{opened}`")
            yield self.diagnostic(
                note, link.start, link.end,
                f"`{link.target}` fits {len(files)} files: {', '.join(f'`{p}`' for p in files)} "
                f"(Obsidian opens `{candidates[0]}`; write {' or '.join(f'`[[{f}]]`' for f in forms)})",
                fix=fix, suggestions=forms,
            )

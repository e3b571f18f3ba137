"""unreadable-note: a `.md` file that cannot be read as a note.

What it checks
    A file whose name ends in `.md` but that is not UTF-8 text, holds NUL
    bytes (a binary file with the wrong name), or cannot be read (its
    permissions, or it vanished during the run). The run goes on with the
    other notes.

Why
    Obsidian shows such a file as garbage or not at all, and no other rule
    can check it; saying so beats skipping it in silence.

Options
    None.

Example
    A Latin-1 file `café.md` gives
    `café.md:1:1: unreadable-note the file is not UTF-8 (invalid byte 0xe9 on line 3)`.

Fix safety
    No fix: re-encode or remove the file by hand.
"""

from __future__ import annotations

from vaultlint.rule import Rule, Severity


class UnreadableNote(Rule):
    # The engine reports these while reading a note, before any rule runs;
    # this class gives the problem its name, severity and manual.
    name = "unreadable-note"
    severity = Severity.ERROR

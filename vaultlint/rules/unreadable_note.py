"""unreadable-note: a `.md` file that cannot be read as a note, or NUL bytes in one.

What it checks
    A file whose name ends in `.md` but that is not UTF-8 text, is mostly
    NUL bytes (a binary file with the wrong name, UTF-16 text without a
    BOM, a file of zeros), or cannot be read (its permissions, or it
    vanished during the run). The run goes on with the other notes.

    A UTF-8 note with a few NUL bytes (more than three bytes in four are
    not NUL) is a note: Obsidian opens it and follows its links, and so
    every other rule checks it. Each run of NUL bytes is reported where it
    is, in code blocks too: no editor shows one, and tools that meet it
    (git, grep) take the whole file for binary.

Why
    Obsidian shows such a file as garbage or not at all, and no other rule
    can check it; saying so beats skipping it in silence.

Options
    None.

Example
    A Latin-1 file `café.md` gives
    `café.md:1:1: unreadable-note the file is not UTF-8 (invalid byte 0xe9 on line 3)`;
    a NUL pasted into a code block on line 4 gives
    `note.md:4:7: unreadable-note a NUL byte: no editor shows it, and git and grep take the file for binary`.

Fix safety
    No fix: re-encode or remove the file by hand, or delete the NUL bytes.
"""

from __future__ import annotations

import re

from vaultlint.rule import Rule, Severity

_NULS = re.compile("\x00+")


class UnreadableNote(Rule):
    # The engine reports a file it cannot read while reading it, before any
    # rule runs; this class gives that problem its name, severity and manual,
    # and reports the NUL bytes of a note that could be read.
    name = "unreadable-note"
    severity = Severity.ERROR

    def check_note(self, note, ctx):
        if "\x00" not in note.text:
            return
        for m in _NULS.finditer(note.text):
            n = m.end() - m.start()
            what = "a NUL byte" if n == 1 else f"{n} NUL bytes"
            yield self.diagnostic(note, m.start(), m.end(),
                                  f"{what}: no editor shows it, and git and grep take the file for binary")

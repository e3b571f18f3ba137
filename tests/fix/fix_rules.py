"""Rules with fixes of every kind, for the tests of `vaultlint fix`
(loaded as a plugin: `plugins = ["<this file>"]`). They work on the body
only, so that front-matter stays as it was."""

from __future__ import annotations

import re

from vaultlint.rule import Applicability, Rule, Severity


class Shout(Rule):
    """shout: `todo` should be written `TODO` (a safe fix)."""

    name = "shout"
    severity = Severity.WARNING
    fixable = True

    def check_note(self, note, ctx):
        for m in re.finditer("todo", note.text[note.body_start:]):
            s = note.body_start + m.start()
            fix = self.fix(note, [(s, s + 4, "TODO")], Applicability.SAFE, "write TODO")
            yield self.diagnostic(note, s, s + 4, "write TODO", fix=fix)


class DoubleSpace(Rule):
    """double-space: two spaces where one will do (a safe fix; the fixes of
    a longer run overlap, so they take several passes)."""

    name = "double-space"
    severity = Severity.WARNING
    fixable = True

    def check_note(self, note, ctx):
        text = note.text
        at = text.find("  ", note.body_start)
        while at != -1:
            fix = self.fix(note, [(at, at + 2, " ")], Applicability.SAFE, "one space")
            yield self.diagnostic(note, at, at + 2, "two spaces", fix=fix)
            at = text.find("  ", at + 1)


class Rename(Rule):
    """rename: `[[old]]` should be `[[new]]` (an unsafe fix)."""

    name = "rename"
    severity = Severity.WARNING
    fixable = True

    def check_note(self, note, ctx):
        for link in note.links:
            if link.target == "old":
                fix = self.fix(note, [(link.target_start, link.target_end, "new")], Applicability.UNSAFE, "link to new")
                yield self.diagnostic(note, link.start, link.end, "old link", fix=fix)


class Breaker(Rule):
    """breaker: a bad rule whose safe fix breaks a link that works."""

    name = "breaker"
    severity = Severity.WARNING
    fixable = True

    def check_note(self, note, ctx):
        for link in note.links:
            if link.target == "fragile":
                fix = self.fix(note, [(link.target_start, link.target_end, "fragile-gone")], Applicability.SAFE)
                yield self.diagnostic(note, link.start, link.end, "fragile link", fix=fix)


class Retitle(Rule):
    """retitle: a bad rule whose safe fix renames a heading other notes link to."""

    name = "retitle"
    severity = Severity.WARNING
    fixable = True

    def check_note(self, note, ctx):
        for h in note.body.headings:
            if h.text == "Old Title":
                s = note.text.index("Old Title", h.start)
                fix = self.fix(note, [(s, s + 9, "New Title")], Applicability.SAFE)
                yield self.diagnostic(note, s, s + 9, "old title", fix=fix)


class Hint(Rule):
    """hint: a problem with a display-only fix, never applied."""

    name = "hint"
    severity = Severity.INFO
    fixable = True

    def check_note(self, note, ctx):
        at = note.text.find("maybe", note.body_start)
        if at != -1:
            fix = self.fix(note, [(at, at + 5, "surely")], Applicability.DISPLAY_ONLY, "say surely")
            yield self.diagnostic(note, at, at + 5, "hedging", fix=fix)


class Spoiler(Rule):
    """spoiler: a bad rule whose safe fix makes a problem nothing can fix."""

    name = "spoiler"
    severity = Severity.WARNING
    fixable = True

    def check_note(self, note, ctx):
        at = note.text.find("calm", note.body_start)
        if at != -1:
            fix = self.fix(note, [(at, at + 4, "PANIC")], Applicability.SAFE)
            yield self.diagnostic(note, at, at + 4, "too calm", fix=fix)
        at = note.text.find("PANIC", note.body_start)
        if at != -1:
            yield self.diagnostic(note, at, at + 5, "panic (no fix)")


class Flip(Rule):
    """flip: `ping` should be `pong` (safe); with `flop`, two rules that undo each other."""

    name = "flip"
    severity = Severity.WARNING
    fixable = True
    pattern, replacement = "ping", "pong"

    def check_note(self, note, ctx):
        at = note.text.find(self.pattern, note.body_start)
        if at != -1:
            fix = self.fix(note, [(at, at + 4, self.replacement)], Applicability.SAFE)
            yield self.diagnostic(note, at, at + 4, f"write {self.replacement}", fix=fix)


class Flop(Flip):
    """flop: `pong` should be `ping` (safe)."""

    name = "flop"
    pattern, replacement = "pong", "ping"


class Tangle(Rule):
    """tangle: a buggy rule whose fix has edits that overlap each other."""

    name = "tangle"
    severity = Severity.WARNING
    fixable = True

    def check_note(self, note, ctx):
        at = note.text.find("knot", note.body_start)
        if at != -1:
            fix = self.fix(note, [(at, at + 3, "x"), (at + 1, at + 4, "y")], Applicability.SAFE)
            yield self.diagnostic(note, at, at + 4, "a knot", fix=fix)


class Unstamp(Rule):
    """unstamp: a bad rule whose safe fix breaks a video timestamp."""

    name = "unstamp"
    severity = Severity.WARNING
    fixable = True

    def check_note(self, note, ctx):
        at = note.text.find('data-t="', note.body_start)
        if at != -1:
            fix = self.fix(note, [(at, at + 6, "data-x")], Applicability.SAFE)
            yield self.diagnostic(note, at, at + 6, "data-t", fix=fix)

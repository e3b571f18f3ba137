"""base-unknown-property: a base reads a property that no note of the vault has, or a file field that does not exist.

What it checks
    Every base (`.base` files and ```` ```base ```` blocks of notes), for
    each note property it reads: in a filter, a formula or a summary
    (`rating > 3`, `note.rating`, `note["rating"]`), and in
    a view's `order`, `sort`, `groupBy` and `summaries` (`rating`,
    `note.rating`). A property is the vault's when a note has it at the
    top of its front-matter (excluded notes and templates count: a
    template's properties are those of the notes it makes), when
    `.obsidian/types.json` gives it a type, and for Obsidian's own `tags`,
    `aliases` and `cssclasses`.

    - A property no note has is reported with the closest one that exists,
      when one is close: `ratng` (did you mean `rating`?), `monthlyUses`
      (did you mean `monthly-uses`?). One with nothing close is reported
      too (option `unmatched`), except in a base inside the vault's
      templates folder (the one Obsidian's Templates plugin or Templater
      is set to), whose properties may be those of notes not made yet.
    - A field of a file that Obsidian does not define (`file.nmae`: did
      you mean `name`?); its fields are `name`, `basename`, `path`,
      `folder`, `ext`, `size`, `ctime`, `mtime`, `tags`, `links`,
      `embeds`, `backlinks`, `properties`, `file`.

    What Obsidian itself defines is no vault property: `file.*`,
    `formula.*` (see base-undefined), `this.*` (the base, the note that
    embeds it or the active note, depending on where it is shown), and the names
    `value`, `index`, `acc` and `values` of `filter`, `map`, `reduce`
    and summaries.

Why
    A misspelt property is a column with no value and a filter that
    matches no note; Obsidian shows the view empty and says nothing.

Options
    `unmatched` (default `true`): report a property that no note has even
    when none is close to it. `unmatched-in-templates` (default `false`):
    the same in the bases of the templates folder.

Example
    With notes that have `rating`, `filters: 'ratng > 3'` gives
    `base-unknown-property no note has the property `ratng` (did you mean
    `rating`?)`.

Fix safety
    No fix: the closest name is a guess.
"""

from __future__ import annotations

from vaultlint.checks.bases import BaseRule, closest, hint, in_templates, vault_properties
from vaultlint.formats.base_expressions import FILE_FIELDS, references
from vaultlint.rule import Severity


class BaseUnknownProperty(BaseRule):
    name = "base-unknown-property"
    severity = Severity.WARNING
    options = {
        "unmatched": {"type": "boolean", "default": True},
        "unmatched-in-templates": {"type": "boolean", "default": False},
    }

    def check_base(self, note, base, ctx):
        if base.problem is not None:
            return
        used = []  # (kind, name, start, end, where)
        known = None
        for expr in base.expressions:
            refs = references(expr.parsed)
            for name, s, e in _dashed(expr, refs):
                known = vault_properties(ctx) if known is None else known
                if name not in known:
                    continue  # each part is a property of its own, checked as such
                refs = [r for r in refs if not s <= r.start < e]
                start, end = expr.span(s, e)
                yield self.diagnostic(note, start, end, f"{expr.where}: `{name}` reads as a subtraction of"
                                      f" properties; write `note[\"{name}\"]` for the property `{name}`",
                                      suggestions=[f'note["{name}"]'])
            used += [(ref.kind, ref.name, *expr.span(ref.start, ref.end), expr.where) for ref in refs]
        for view in base.views:
            used += [(p.kind, p.name, p.start, p.end, p.where) for p in view.properties]
        if not used:
            return
        unmatched = self.options["unmatched-in-templates" if in_templates(note, ctx) else "unmatched"]
        for kind, name, start, end, where in used:
            if kind == "file":
                if name not in FILE_FIELDS:
                    close = closest(name, sorted(FILE_FIELDS))
                    yield self.diagnostic(note, start, end, f"{where}: a file has no field `{name}`{hint(close)}",
                                          suggestions=close[:1])
                continue
            if kind != "note":
                continue
            if known is None:
                known = vault_properties(ctx)
            if name in known:
                continue
            close = closest(name, sorted(known))
            if close or unmatched:
                yield self.diagnostic(note, start, end, f"{where}: no note has the property `{name}`{hint(close)}",
                                      suggestions=close[:1])


def _dashed(expr, refs):
    """(`a-b`, start, end) of each run of note properties joined by `-` with
    no space, which the expression reads as a subtraction."""
    text = expr.text.value
    notes = [r for r in refs if r.kind == "note"]
    i = 0
    while i < len(notes):
        j = i
        while j + 1 < len(notes) and text[notes[j].end:notes[j + 1].start] == "-":
            j += 1
        if j > i:
            yield text[notes[i].start:notes[j].end], notes[i].start, notes[j].end
        i = j + 1


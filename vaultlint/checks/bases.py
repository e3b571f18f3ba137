"""What the base rules share (no rule of its own): finding the bases a note
holds, and what they look up in the vault (its properties, folders).

A base rule subclasses `BaseRule` and writes `check_base(note, base, ctx)`:
it is called for each `.base` file (a note of kind "base", its text the
YAML: the engine checks the vault's `.base` files with its notes, giving
them to the rules whose `kinds` hold "base") and for each ```` ```base ````
block of a Markdown note (the note is the Markdown note, positions in its
text). Each base is read once per note
for all the base rules (`ctx.of_note`).
"""

from __future__ import annotations

import re

from vaultlint.formats import bases
from vaultlint.formats.base_expressions import Reference, closest, references
from vaultlint.markdown.note import Note, NoteReadError
from vaultlint.rule import Rule

BASE_SUFFIX = ".base"
# The properties Obsidian itself gives a meaning, which a vault has even
# before a note uses them.
OBSIDIAN_PROPERTIES = ("tags", "aliases", "cssclasses", "tag", "alias", "cssclass")
# A top-level key of front-matter that the YAML parser refused (a template's
# `{{date}}`): its properties are still the vault's.
_KEY_LINE = re.compile(r"^([^\s#:'\"\[\]{}-][^:\n]*?)[ \t]*:(?:[ \t]|$)", re.M)


class BaseRule(Rule):
    """A rule over bases (not registered: it has no name)."""

    kinds = ("markdown", "base")  # the notes' base blocks, and `.base` files

    def check_base(self, note: Note, base: bases.Base, ctx):
        return ()

    def check_note(self, note, ctx):
        for base in note_bases(note, ctx):
            yield from self.check_base(note, base, ctx)


def note_bases(note: Note, ctx) -> list[bases.Base]:
    """The bases of a note: the whole file of a `.base`, else its base blocks."""
    return ctx.of_note(note, "bases.read", _read_bases)


def _read_bases(note: Note) -> list[bases.Base]:
    if note.kind == "base":
        return [bases.read(note.text)]
    return [bases.read(note.text, s, e) for s, e in bases.blocks(note.text, note.body.masked)]


def base_references(expr: bases.Expr) -> list[Reference]:
    return references(expr.parsed)


def vault_properties(ctx) -> frozenset[str]:
    """Every property the vault knows: the top-level front-matter keys of
    every note (excluded ones too: a template's keys are those of the notes
    it makes), those `.obsidian/types.json` gives a type, and Obsidian's own
    (`tags`, `aliases`, `cssclasses`)."""
    return ctx.memo("bases.properties", lambda: _vault_properties(ctx))


def _vault_properties(ctx) -> frozenset[str]:
    from vaultlint.checks.obsidian_types import vault_types

    found = set(OBSIDIAN_PROPERTIES) | set(vault_types(ctx))
    for path in ctx.vault.note_paths:
        try:
            note = ctx.vault.glance(path)
        except NoteReadError:
            continue
        fm = note.frontmatter
        if fm is None:
            continue
        if isinstance(fm.data, dict):
            found.update(str(k) for k in fm.data)
        else:
            found.update(m.group(1) for m in _KEY_LINE.finditer(fm.source))
    return frozenset(found)


def vault_folders(ctx) -> frozenset[str]:
    """Every folder that holds a file, by its path from the root."""
    def make():
        found = set()
        for path in ctx.vault.files:
            parts = path.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                found.add("/".join(parts[:i]))
        return frozenset(found)

    return ctx.memo("bases.folders", make)


def templates_folders(ctx) -> tuple[str, ...]:
    """The folders Obsidian's Templates plugin and Templater are set to use."""
    def make():
        from vaultlint.commands.init import set_templates_folders

        return tuple(folder for folder, _why in set_templates_folders(ctx.vault.root))

    return ctx.memo("bases.templates_folders", make)


def in_templates(note: Note, ctx) -> bool:
    return any(note.path.startswith(folder + "/") for folder in templates_folders(ctx))


def hint(close: list[str]) -> str:
    """` (did you mean \\`x\\`?)`, or nothing."""
    return f" (did you mean `{close[0]}`?)" if close else ""


__all__ = ["BaseRule", "closest", "hint", "in_templates", "note_bases", "vault_folders", "vault_properties"]

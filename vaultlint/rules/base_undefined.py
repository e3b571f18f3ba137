"""base-undefined: a base names a formula, a summary, a folder or a note that does not exist.

What it checks
    Every base (`.base` files and ```` ```base ```` blocks of notes):

    - `formula.x` (in a filter, a formula, a summary, a view's `order`,
      `sort`, `groupBy` or `summaries`) where `formulas` defines no `x`,
      with the closest formula defined;
    - a formula that uses itself, directly or through others (`a:
      formula.b + 1`, `b: formula.a`): Obsidian cannot compute it;
    - a view's summary (`summaries: {price: Averge}`) that is neither a
      built-in summary (`Average`, `Min`, `Max`, `Sum`, `Range`,
      `Median`, `Stddev`, `Earliest`, `Latest`, `Checked`, `Unchecked`,
      `Empty`, `Filled`, `Unique`) nor one of the base's `summaries`;
    - `file.inFolder("...")` naming a folder the vault does not have (its
      path from the vault root), with the closest folder;
    - `file.hasLink("...")` naming a note no link could lead to (resolved
      as a link written in the base is), with the closest note;
    - a link or embed to a view of a base, `![[Books.base#Top rated]]`,
      where the base has no view of that name (names compare ignoring
      case), with the closest view.

    Only a text written in the expression is looked up:
    `file.hasLink(this.file)` is left alone.

Why
    Each of these makes a view empty, or a column blank, without a word:
    the filter matches no file, the formula has no value.

Options
    None.

Example
    `filters: 'file.inFolder("Bookz")'` in a vault with a `Books` folder
    gives `base-undefined no folder `Bookz` (did you mean `Books`?)`.

Fix safety
    No fix.
"""

from __future__ import annotations

from vaultlint.checks.bases import BASE_SUFFIX, BaseRule, closest, hint, vault_folders
from vaultlint.formats import bases
from vaultlint.formats.base_expressions import method_calls, references, string_argument
from vaultlint.formats.bases import SUMMARIES
from vaultlint.markdown.note import NoteReadError
from vaultlint.rule import Severity


class BaseUndefined(BaseRule):
    name = "base-undefined"
    severity = Severity.ERROR

    def check_note(self, note, ctx):
        yield from super().check_note(note, ctx)
        for link in note.links:
            if link.subpath and link.target.lower().endswith(BASE_SUFFIX):
                yield from self._view_link(note, link, ctx)

    def _view_link(self, note, link, ctx):
        found = ctx.vault.candidates(link.target, note.path)
        if not found or not found[0].lower().endswith(BASE_SUFFIX):
            return
        try:
            text = ctx.vault.note(found[0]).text
        except NoteReadError:
            return  # unreadable-note's to report
        base = bases.read(text)
        if base.problem is not None:
            return  # base-syntax's, in the base
        view = link.subpath.strip()
        names = base.view_names
        if view.casefold() in {n.casefold() for n in names}:
            return
        close = closest(view, names)
        start = link.target_end + 1 if note.text[link.target_end:link.target_end + 1] == "#" else link.start
        end = start + len(link.subpath) if start != link.start else link.end
        shown = found[0].rsplit("/", 1)[-1]
        yield self.diagnostic(note, start, end, f"`{shown}` has no view `{view}`{hint(close)}", suggestions=close[:1])

    def check_base(self, note, base, ctx):
        if base.problem is not None:
            return
        defined = sorted(base.formulas)
        uses: dict[str, list[str]] = {}  # formula -> the formulas it uses
        for expr in base.expressions:
            for ref in references(expr.parsed):
                if ref.kind != "formula":
                    continue
                if expr.role == "formula":
                    uses.setdefault(expr.name, []).append(ref.name)
                if ref.name not in base.formulas:
                    start, end = expr.span(ref.start, ref.end)
                    yield self._no_formula(note, ref.name, start, end, expr.where, defined)
            yield from self._calls(note, expr, ctx)
        for view in base.views:
            for prop in view.properties:
                if prop.kind == "formula" and prop.name not in base.formulas:
                    yield self._no_formula(note, prop.name, prop.start, prop.end, prop.where, defined)
            for _prop, summary in view.summaries:
                if summary.value not in SUMMARIES and summary.value not in base.summaries:
                    close = closest(summary.value, [*SUMMARIES, *base.summaries])
                    yield self.diagnostic(note, summary.start, summary.end,
                                          f"summary `{summary.value}` in {view.label} is neither a built-in summary"
                                          f" nor defined in `summaries`{hint(close)}", suggestions=close[:1])
        yield from self._cycles(note, base, uses)

    def _no_formula(self, note, name, start, end, where, defined):
        close = closest(name, defined)
        return self.diagnostic(note, start, end, f"{where}: formula `{name}` is not defined in `formulas`{hint(close)}",
                               suggestions=close[:1])

    def _cycles(self, note, base, uses):
        for name, key in base.formulas.items():
            path = _cycle(uses, name)
            if path:
                yield self.diagnostic(note, key.text.start, key.text.end,
                                      f"formula `{name}` uses itself ({' -> '.join(path)})")

    def _calls(self, note, expr, ctx):
        for call, _receiver in method_calls(expr.parsed, ("inFolder", "hasLink")):
            arg = string_argument(call)
            if arg is None or not arg.value.strip():
                continue
            start, end = expr.span(arg.start + 1, arg.end - 1)
            if call.callee.name == "inFolder":
                folder = arg.value.strip("/")
                folders = vault_folders(ctx)
                if folder in folders or (ctx.vault.root / folder).is_dir():
                    continue
                close = closest(folder, sorted(folders))
                if not close:  # the folder's own name, wherever it is
                    by_name = {f.rsplit("/", 1)[-1]: f for f in sorted(folders, key=len, reverse=True)}
                    close = [by_name[c] for c in closest(folder, sorted(by_name))]
                yield self.diagnostic(note, start, end, f"{expr.where}: no folder `{folder}`{hint(close)}",
                                      suggestions=close[:1])
            else:
                target = arg.value.strip()
                if target.startswith("[[") and target.endswith("]]"):
                    target = target[2:-2].split("|", 1)[0]
                target = target.split("#", 1)[0]
                if not target or ctx.vault.candidates(target, note.path):
                    continue
                close = _suggest(ctx, target, note.path)
                yield self.diagnostic(note, start, end, f"{expr.where}: no note `{target}` to link to{hint(close)}",
                                      suggestions=close[:1])


def _cycle(graph: dict[str, list[str]], start: str) -> list[str] | None:
    """The formulas from `start` back to itself, when it reaches itself."""
    stack = [(start, [start])]
    seen = set()
    while stack:
        name, path = stack.pop()
        for used in graph.get(name, ()):
            if used == start:
                return [*path, start]
            if used not in seen:
                seen.add(used)
                stack.append((used, [*path, used]))
    return None


def _suggest(ctx, target: str, source: str) -> list[str]:
    """The notes a misspelt name probably means (names, without `.md`)."""
    from vaultlint.vault.suggest import Suggester

    def make():
        return Suggester([p.rsplit("/", 1)[-1].removesuffix(".md") for p in ctx.vault.note_paths])

    return [c.value for c in ctx.memo("bases.note_names", make).suggest(target, 1)]

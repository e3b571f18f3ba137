"""Bases: the model of a base with the place of every value, the expression
parser, the four base rules, and the real bases of the corpora (no report
that Obsidian would not make)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultlint import api
from vaultlint.formats import base_expressions as bx
from vaultlint.formats import bases
from vaultlint.markdown.note import Note, parse
from vaultlint.rule import Context
from vaultlint.rules.base_syntax import BaseSyntax
from vaultlint.rules.base_undefined import BaseUndefined
from vaultlint.rules.base_unknown_key import BaseUnknownKey
from vaultlint.rules.base_unknown_property import BaseUnknownProperty
from vaultlint.vault.index import Vault

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
KEPANO = CORPORA / "kepano-obsidian"
RULES = (BaseSyntax, BaseUnknownKey, BaseUndefined, BaseUnknownProperty)
BASE_RULES = [r.name for r in RULES]


# -- the model ----------------------------------------------------------------

BOOKS = """\
filters:
  and:
    - file.hasTag("book")
    - 'status != "done"'
formulas:
  ppu: "(price / age).toFixed(2)"
  label: 'if(price, "it''s " + price)'
views:
  - type: table
    name: "Top rated"
    order:
      - file.name
      - note.rating
    sort:
      - property: formula.ppu
        direction: DESC
    groupBy:
      property: author
      direction: ASC
    summaries:
      formula.ppu: Average
"""


def test_a_base_is_read_with_every_value_placed():
    base = bases.read(BOOKS)
    assert base.problem is None and base.shape == []
    assert [k.name for k in base.keys] == ["filters", "formulas", "views"]
    assert list(base.formulas) == ["ppu", "label"]
    assert base.view_names == ["Top rated"]
    view = base.views[0]
    assert view.type.value == "table"
    assert BOOKS[view.name.start:view.name.end] == '"Top rated"'
    got = [(p.kind, p.name, BOOKS[p.start:p.end], p.where) for p in view.properties]
    assert got == [
        ("file", "name", "name", "view `Top rated`, `order`"),
        ("note", "rating", "rating", "view `Top rated`, `order`"),
        ("formula", "ppu", "ppu", "view `Top rated`, `sort`"),
        ("note", "author", "author", "view `Top rated`, `groupBy`"),
        ("formula", "ppu", "ppu", "view `Top rated`, `summaries`"),
    ]
    assert [d.value for d in view.directions] == ["DESC", "ASC"]
    assert [(p.value, s.value) for p, s in view.summaries] == [("formula.ppu", "Average")]


def test_each_character_of_an_expression_is_placed_past_quotes_and_escapes():
    base = bases.read(BOOKS)
    by_where = {e.where: e for e in base.expressions}
    label = by_where["formula `label`"]
    assert label.text.value == 'if(price, "it\'s " + price)'
    # Each character of the value is where the file writes it: the doubled
    # quote of YAML's single-quoted style is one character.
    for i, ch in enumerate(label.text.value):
        assert BOOKS[label.text.at(i)] == ch
    assert [e.where for e in base.expressions] == ["filters, `and`", "filters, `and`", "formula `ppu`",
                                                   "formula `label`"]
    status = base.expressions[1]
    start, end = status.span(0, 6)
    assert BOOKS[start:end] == "status"


def test_yaml_errors_and_wrong_shapes():
    broken = bases.read("views:\n  - type: table\n    name: [Recent\n")
    assert broken.problem is not None and broken.problem.start > 0
    shaped = bases.read("views: table\nformulas: [a]\n")
    assert [m for m, _s, _e in shaped.shape] == ["`views` is a list of views, not `table`",
                                                  "`formulas` is a mapping, not a list"]
    assert bases.read("").root is None and bases.read("").problem is None
    assert bases.read("- a\n").shape[0][0].startswith("a base is a mapping")


def test_base_blocks_in_a_note():
    text = ("# Home\n\n```base\nviews:\n  - type: table\n```\n\n> ```base\n> views: []\n> ```\n"
            "~~~yaml\n```base\nx: 1\n```\n~~~\n")
    note = parse("Home.md", text)
    found = list(bases.blocks(note.text, note.body.masked))
    assert [text[s:e] for s, e in found] == ["views:\n  - type: table\n"]
    unclosed = "```base\nviews: []\n"
    note = parse("U.md", unclosed)
    assert [unclosed[s:e] for s, e in bases.blocks(unclosed, note.body.masked)] == ["views: []\n"]


# -- the expression parser ----------------------------------------------------

@pytest.mark.parametrize("text", [
    'file.hasTag("x")', "note.rating > 3", 'now() - "1 week"', 'file.mtime > now() - "1 week"',
    '!file.name.contains("Template")', "formula.x * 2", "this.file.name", '[1, 2, 3].contains(2)',
    '{"a": 1}.isEmpty()', "(2.5).round()", "5.isEmpty()", '"a:b".replace(/:/g, "-")', 'note["my prop"] != null',
    "price > 0 && quantity > 0 || urgent", "-x % 2 == 0", "list(type)[0].asFile().properties.icon",
    "values.filter(value.isType(\"number\")).reduce(if(acc == null || value > acc, value, acc), null)",
    'date("2024-12-01") + "1M" + "4h"', "(now() + \"1d\") - now()", "not(empty(note.last))",
])
def test_good_expressions_parse(text):
    expr = bx.parse(text)
    assert expr.problem is None, expr.problem
    assert bx.unknown_functions(expr) == []


@pytest.mark.parametrize(("text", "message", "at"), [
    ('file.hasTag("x"', "unbalanced bracket: `(` is never closed", 11),
    ('file.hasTag("x)', 'unbalanced quote: the string opened with " here never closes', 12),
    ("a )", "unbalanced bracket: `)` closes no bracket", 2),
    ("list(a]", "unbalanced bracket: `]` closes the `(` opened at character 5", 6),
    ('status = "done"', "`=` is not an operator (did you mean `==`?)", 7),
    ("a & b", "`&` is not an operator (did you mean `&&`?)", 2),
    ("a | b", "`|` is not an operator (did you mean `||`?)", 2),
    ("a =< b", "`=<` is not an operator (did you mean `<=`?)", 2),
    ("a <> b", "`<>` is not an operator (did you mean `!=`?)", 2),
    ("a b", "unexpected `b` where an operator or the end is expected", 2),
    ("x.", "the expression ends where a name after `.` is expected", 2),
    ("", "the expression is empty", 0),
    ("/abc", "unbalanced regular expression: the `/` here never closes", 0),
])
def test_bad_expressions_say_what_and_where(text, message, at):
    problem = bx.parse(text).problem
    assert problem is not None
    assert (problem.message, problem.start) == (message, at)


def test_unknown_functions_and_misspelt_methods():
    expr = bx.parse('iff(x, file.name.titel(), file.name.shout())')
    got = [(p.message, p.start) for p in bx.unknown_functions(expr)]
    # `shout` is like no method: the Functions page is not every method, so it is left alone.
    assert got == [("unknown function `iff()` (did you mean `if`?)", 0),
                   ("unknown function `titel()` (did you mean `title`?)", 17)]
    assert bx.unknown_functions(bx.parse("myPlugin(1)"), extra=["myPlugin"]) == []


def test_references_name_the_properties_read():
    text = 'price * note.qty + note["unit price"] + formula.tax + file.size + this.file.name + this.related'
    refs = [(r.kind, r.name, text[r.start:r.end]) for r in bx.references(bx.parse(text))]
    assert refs == [("note", "price", "price"), ("note", "qty", "qty"), ("note", "unit price", "unit price"),
                    ("formula", "tax", "tax"), ("file", "size", "size"), ("file", "name", "name")]
    bound = bx.parse("values.filter(value > 2).map(value + index).reduce(acc + value, 0)")
    assert bx.references(bound) == []


def test_deep_nesting_is_a_problem_not_a_crash():
    assert bx.parse("(" * 5000 + "1" + ")" * 5000).problem.message.startswith("nested more than")
    assert bx.parse("!" * 5000 + "x").problem.message.startswith("nested more than")


def test_closest_is_a_misspelling_not_a_longer_name():
    assert bx.closest("monthlyUses", ["monthly-uses"]) == ["monthly-uses"]
    assert bx.closest("guest", ["guests"]) == ["guests"]
    assert bx.closest("filtrs", ["filters", "formulas"]) == ["filters"]
    assert bx.closest("ratingImdb", ["rating"]) == []


# -- the rules ----------------------------------------------------------------

def make_vault(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".obsidian").mkdir(exist_ok=True)
    for path, text in files.items():
        f = tmp_path / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    return tmp_path


def check(root: Path, rules=RULES) -> list[str]:
    """Every base rule over the vault: the `.base` files and the notes' base blocks."""
    vault = Vault(root)
    ctx = Context(vault, None, list(vault.checked_paths))
    out = []
    for rule_class in rules:
        rule = rule_class()
        found = []
        for path in vault.checked_paths:
            found += rule.check_note(vault.glance(path), ctx)
        out += [f"{d.path}:{d.line}:{d.column}: {d.rule} {d.message}" for d in found]
    return sorted(out)


def test_base_syntax_in_a_base_file(tmp_path):
    root = make_vault(tmp_path, {"B.base": "filters: 'status = \"done\"'\nformulas:\n  x: iff(1, 2)\n"})
    assert check(root, [BaseSyntax]) == [
        "B.base:1:18: base-syntax filters: `=` is not an operator (did you mean `==`?)",
        "B.base:3:6: base-syntax formula `x`: unknown function `iff()` (did you mean `if`?)",
    ]


def test_base_unknown_key(tmp_path):
    root = make_vault(tmp_path, {"B.base": "filtrs: x\nview: []\nviews:\n  - type: tabel\n    nmae: x\n"})
    assert check(root, [BaseUnknownKey]) == [
        "B.base:1:1: base-unknown-key unknown key `filtrs` (did you mean `filters`?)",
        "B.base:2:1: base-unknown-key unknown key `view` (did you mean `views`?)",
        "B.base:4:11: base-unknown-key unknown view type `tabel` in view 1 (did you mean `table`?)",
        "B.base:5:5: base-unknown-key unknown key `nmae` in view 1 (did you mean `name`?)",
    ]


def test_a_view_type_unlike_any_is_a_plugins_when_plugins_are_enabled(tmp_path):
    root = make_vault(tmp_path, {"B.base": "views:\n  - type: kanban\n"})
    assert check(root, [BaseUnknownKey]) == [
        "B.base:2:11: base-unknown-key unknown view type `kanban` in view 1: no layout (table, cards, list, map)"]
    (root / ".obsidian" / "community-plugins.json").write_text('["kanban-bases"]')
    assert check(root, [BaseUnknownKey]) == []


def test_base_undefined(tmp_path):
    root = make_vault(tmp_path, {
        "B.base": ("filters:\n  and:\n    - file.inFolder(\"Notez\")\n    - file.hasLink(\"Missing\")\n"
                   "    - file.inFolder(\"Notes\")\n    - file.hasLink(\"[[Topic]]\")\n"
                   "formulas:\n  a: formula.b\n  b: formula.a\n  c: formula.d\n"),
        "Notes/Topic.md": "",
    })
    assert check(root, [BaseUndefined]) == [
        "B.base:10:14: base-undefined formula `c`: formula `d` is not defined in `formulas`",
        "B.base:3:22: base-undefined filters, `and`: no folder `Notez` (did you mean `Notes`?)",
        "B.base:4:21: base-undefined filters, `and`: no note `Missing` to link to",
        "B.base:8:3: base-undefined formula `a` uses itself (a -> b -> a)",
        "B.base:9:3: base-undefined formula `b` uses itself (b -> a -> b)",
    ]


def test_base_unknown_property_reads_every_notes_front_matter(tmp_path):
    root = make_vault(tmp_path, {
        "B.base": "filters: 'ratng > 3 && rating > 1 && created > 0 && scoreImdb > 1'\n",
        "A.md": "---\nrating: 3\n---\n",
        "Templates/T.md": "---\ncreated: {{date}}\n---\n",  # YAML refuses it; its keys are still the vault's
    })
    assert check(root, [BaseUnknownProperty]) == [
        "B.base:1:11: base-unknown-property filters: no note has the property `ratng` (did you mean `rating`?)",
        "B.base:1:53: base-unknown-property filters: no note has the property `scoreImdb`",
    ]


def test_base_blocks_are_checked_at_their_place_in_the_note(tmp_path):
    root = make_vault(tmp_path, {"Home.md": "# Home\n\n```base\nfilters: 'a = 1'\n```\n", "A.md": "---\na: 1\n---\n"})
    assert check(root) == ["Home.md:4:13: base-syntax filters: `=` is not an operator (did you mean `==`?)"]


def test_a_vault_without_bases_reads_no_property(tmp_path, monkeypatch):
    from vaultlint.checks import bases as base_rule

    def refuse(ctx):
        raise AssertionError("the vault's properties were read")

    monkeypatch.setattr(base_rule, "_vault_properties", refuse)
    root = make_vault(tmp_path, {"A.md": "---\na: 1\n---\n```yaml\nbase: 1\n```\n"})
    assert check(root) == []
    assert api.lint([root], select=BASE_RULES).diagnostics == []


# -- the real bases ----------------------------------------------------------

needs_corpora = pytest.mark.skipif(not KEPANO.is_dir(), reason="the corpora (../shared/corpora) are absent")


@needs_corpora
def test_every_real_base_parses():
    paths = sorted(KEPANO.glob("Templates/Bases/*.base"))
    assert len(paths) >= 30
    for path in paths:
        base = bases.read(path.read_text(encoding="utf-8"))
        assert base.problem is None and base.shape == [], path.name
        assert [e.where for e in base.expressions if e.parsed.problem] == [], path.name
        assert base.views, path.name


@needs_corpora
def test_kepanos_bases_give_only_the_two_real_misspellings():
    """kepano's bases read `guest` where the podcast notes have `guests`
    (the Guest view embedded in `Kevin Kelly` shows nothing), and
    `monthlyUses` where the product template writes `monthly-uses`. Nothing
    else: the properties no note has yet (`scoreImdb`, `plot`) belong to
    notes the templates will make."""
    found = check(KEPANO)
    assert found, "the two misspellings are found"
    assert {line.split(": no note has the property ")[1] for line in found} == {
        "`guest` (did you mean `guests`?)", "`monthlyUses` (did you mean `monthly-uses`?)"}
    assert all(line.startswith(("Templates/Bases/Podcast episodes.base:", "Templates/Bases/Products.base:"))
               for line in found)


@needs_corpora
@pytest.mark.parametrize("vault", ["obsidian-help-en", "obsidian-help-fr", "tubegraph-sample", "jsoncanvas"])
def test_the_other_corpora_give_no_base_report(vault):
    if not (CORPORA / vault).is_dir():
        pytest.skip(f"{vault} is absent")
    assert check(CORPORA / vault) == []


def test_note_model_positions_for_a_base_file():
    note = Note("B.base", "views:\n  - type: table\n")
    assert note.position(17) == (2, 11)


def test_links_to_a_base_and_its_views(tmp_path):
    root = make_vault(tmp_path, {
        "Home.md": "![[Books.base]] ![[Books.base#Top rated]] [[Books.base#top RATED]] ![[Books.base#Top rate]]\n",
        "Books.base": "views:\n  - type: table\n    name: Top rated\n",
    })
    assert check(root, [BaseUndefined]) == [
        "Home.md:1:82: base-undefined `Books.base` has no view `Top rate` (did you mean `Top rated`?)"]
    # The links resolve, and a view is no heading: the link rules say nothing.
    result = api.lint([root], select=["broken-link", "broken-heading", "unwritten-note", "ambiguous-link"])
    assert result.diagnostics == []


# -- no input makes the readers fail ------------------------------------------

_EXPRESSION_BITS = st.sampled_from(['file', '.', 'name', '(', ')', '[', ']', '{', '}', '"a"', "'b'", '"', "'", ',',
                                    '1', '2.5', '+', '-', '*', '/', '%', '!', '&&', '||', '==', '=', '&', ' ', ':',
                                    'x', 'hasTag', '/re/g', '\\', 'note', 'formula', 'this', '\n', 'é'])


@settings(max_examples=300, deadline=None)
@given(st.lists(_EXPRESSION_BITS, max_size=30).map("".join))
def test_any_expression_parses_or_says_where_it_does_not(text):
    expr = bx.parse(text)
    assert (expr.node is None) != (expr.problem is None)
    if expr.problem is not None:
        assert 0 <= expr.problem.start <= expr.problem.end <= len(text)
    for ref in bx.references(expr):
        assert 0 <= ref.start <= ref.end <= len(text)
    bx.unknown_functions(expr)


_YAML_BITS = st.sampled_from(["filters:", "views:", "formulas:", "  ", "- ", "type: table", "name: x", "'", '"',
                              "a: 'b''c'", 'q: "\\"x\\" \\u00e9"', "\n", "order:", "sort:", "property: p", ">", "|",
                              "[", "]", "{", "}", ",", "x", "#", "&a", "*a", "groupBy:", "and:", "\t"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_YAML_BITS, max_size=40).map("".join))
def test_any_text_reads_as_a_base_with_places_inside_it(text):
    base = bases.read(text)
    for expr in base.expressions:
        for i in range(len(expr.text.value) + 1):
            assert expr.text.start <= expr.text.at(i) <= expr.text.end
    for view in base.views:
        for prop in view.properties:
            assert 0 <= prop.start <= prop.end <= len(text)


# -- `vaultlint check` checks the `.base` files with the notes ----------------

def lint_lines(root: Path, *paths, select=None) -> list[str]:
    from vaultlint.output import formats

    result = api.lint([root / p for p in paths] or [root], select=select)
    return formats.diagnostic_lines(result.diagnostics)


def test_check_reports_a_base_file_at_its_line_and_column(tmp_path):
    root = make_vault(tmp_path, {
        "Books.base": "filters:\n  and:\n    - 'status = \"done\"'\n    - file.hasLink(\"[[Missing]]\")\n",
        "Home.md": "[[Books.base]]\n",
    })
    assert lint_lines(root) == [
        "Books.base:3:15: base-syntax filters, `and`: `=` is not an operator (did you mean `==`?)",
        "Books.base:4:21: base-undefined filters, `and`: no note `Missing` to link to",
    ]
    # Given alone, the base is checked; no Markdown rule reads its YAML (the
    # `[[Missing]]` in a string is no link of the base's).
    assert lint_lines(root, "Books.base") == lint_lines(root)


def test_a_warm_run_sees_a_base_and_the_properties_change(tmp_path):
    root = make_vault(tmp_path, {"B.base": "filters: 'rating > 3'\n", "A.md": "---\nrating: 1\n---\n"})
    select = ["base-unknown-property", "base-syntax"]
    assert lint_lines(root, select=select) == []
    (root / "A.md").write_text("---\nscore: 1\n---\n", encoding="utf-8")
    assert lint_lines(root, select=select) == ["B.base:1:11: base-unknown-property filters: no note has the property"
                                               " `rating`"]
    (root / "B.base").write_text("filters: 'score > 3 &'\n", encoding="utf-8")
    assert lint_lines(root, select=select) == ["B.base:1:21: base-syntax filters: `&` is not an operator (did you"
                                               " mean `&&`?)"]


def test_a_base_is_no_note_to_the_markdown_rules(tmp_path):
    root = make_vault(tmp_path, {"B.base": "# not a heading\nfilters: '[[Nowhere]]'\n", "A.md": "[[B.base]]\n"})
    got = lint_lines(root)
    assert not [line for line in got if not line.split(" ", 2)[1].startswith("base-")], got


def test_durations_in_date_arithmetic():
    got = [(p.message, p.start) for p in bx.bad_durations(bx.parse('now() - "1 wek" + "2d"'))]
    assert got == [("`1 wek` is no duration: `wek` is no unit of time (did you mean `week`?)", 9)]
    for good in ['file.mtime > now() - "1 week"', 'date("2024-12-01") + "1M" + "4h" + "3m"', 'today() + "7d"',
                 'file.name + " - "', 'start_date + "2w"', 'duration("1 day, 2 hours") * 2', 'now() - "60 days"']:
        assert bx.bad_durations(bx.parse(good)) == [], good
    assert bx.bad_durations(bx.parse('duration("5x")'))[0].message == "`5x` is no duration: `x` is no unit of time"


def test_obsidians_own_properties_are_the_vaults_before_a_note_has_them(tmp_path):
    root = make_vault(tmp_path, {"B.base": "filters: 'tags.contains(\"x\") && aliases.isEmpty() && tgas'\n",
                                 "A.md": "# no front-matter\n"})
    assert check(root, [BaseUnknownProperty]) == [
        "B.base:1:54: base-unknown-property filters: no note has the property `tgas` (did you mean `tags`?)"]


def test_a_long_scalar_of_escapes_is_placed_in_linear_time():
    import time

    text = 'formulas:\n  x: "' + "\\u0041" * 50_000 + '"\n'
    began = time.perf_counter()
    base = bases.read(text)
    assert time.perf_counter() - began < 5
    expr = base.expressions[0]
    assert expr.text.value == "A" * 50_000 and expr.text.start <= expr.text.at(49_999) <= expr.text.end

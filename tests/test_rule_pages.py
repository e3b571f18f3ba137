"""Every rule has a page in rules/, every page a rule, and every example on
a page passes: the catalogue is the rules' test suite."""

from __future__ import annotations

import pytest
from rule_pages import PAGES, all_examples

from vaultlint import api, report
from vaultlint.registry import builtin_rules

EXAMPLES = all_examples()


def test_every_rule_has_a_page_and_every_page_a_rule():
    rules = {r.name for r in builtin_rules()}
    pages = {p.stem for p in PAGES.glob("*.md")} - {"README"}
    assert rules - pages == set(), f"rules without a page in rules/: {sorted(rules - pages)}"
    assert pages - rules == set(), f"pages without a rule: {sorted(pages - rules)}"


def test_every_page_has_examples():
    with_examples = {ex.page for ex in EXAMPLES}
    rules = {r.name for r in builtin_rules()}
    assert rules - with_examples == set(), f"pages with no example: {sorted(rules - with_examples)}"


def make_vault(tmp_path, ex):
    (tmp_path / ".obsidian").mkdir(parents=True)
    if ex.config is not None:
        (tmp_path / ".vaultlint.toml").write_text(ex.config, encoding="utf-8")
    for path, text in ex.files.items():
        f = tmp_path / path
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(text.encode("utf-8"))  # bytes: no newline translation
    return tmp_path


def select_for(ex):
    return None if ex.config and "select" in ex.config else [ex.page]


@pytest.mark.parametrize("ex", EXAMPLES, ids=[ex.id for ex in EXAMPLES])
def test_example(tmp_path, ex):
    assert ex.files, "an example needs at least one file"
    assert ex.expect is not None, "an example needs an `expect` block (empty when nothing is reported)"
    vault = make_vault(tmp_path, ex)
    result = api.lint([vault], select=select_for(ex))
    assert report.diagnostic_lines(result.diagnostics) == ex.expect
    # The fixed texts come from the real engine, as `vaultlint fix` writes
    # them (passes, guards, atomic writes).
    for unsafe in sorted({unsafe for _text, unsafe in ex.fixed.values()}):
        fixed = make_vault(tmp_path / f"fix-{'unsafe' if unsafe else 'safe'}", ex)
        api.fix([fixed], select=select_for(ex), unsafe=unsafe)
        for path, (want, page_unsafe) in ex.fixed.items():
            if page_unsafe == unsafe:
                assert (fixed / path).read_bytes().decode("utf-8") == want

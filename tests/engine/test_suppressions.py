"""Inline suppressions and per-file-ignores: what they silence, and what not."""

from __future__ import annotations

from vaultlint import api
from vaultlint.output import formats as report


def lines(vault, **kw):
    return report.diagnostic_lines(api.lint([vault], **kw).diagnostics)


def test_each_form_silences_its_scope_only(make_vault):
    vault = make_vault({
        "a.md": (
            "%% vaultlint-disable-next-line broken-link %%\n"
            "[[one]]\n"
            "[[two]]\n"
            "<!-- vaultlint-disable broken-link -->\n"
            "[[three]]\n"
            "\n"
            "[[four]]\n"
            "<!--vaultlint-enable broken-link-->\n"
            "[[five]]\n"
        ),
        "b.md": "[[six]]\n\n%% vaultlint-disable-file broken-link %%\n",
        "c.md": "[[seven]]\n%% vaultlint-disable-file timestamp-format %%\n",
    })
    # (Notes not written yet: a rule split from broken-link, whose suppressions cover it.)
    assert lines(vault, select=["broken-link", "unwritten-note"]) == [
        "a.md:3:1: unwritten-note note `two` is not written yet",
        "a.md:9:1: unwritten-note note `five` is not written yet",
        "c.md:1:1: unwritten-note note `seven` is not written yet",
    ]


def test_a_bare_suppression_silences_every_rule(make_vault):
    vault = make_vault({"a.md": "%% vaultlint-disable-next-line -- imported as is %%\n[[gone]]\n"})
    assert lines(vault) == []


def test_suppressed_problems_are_not_fixed(make_vault):
    vault = make_vault({
        "a.md": "%% vaultlint-disable-next-line broken-link %%\n[[ai_safety_and_existence_risk]]\n"
                "[[ai_safety_and_existence_risk]]\n",
        "ai_safety_and_existential_risk.md": "",
    })
    api.fix([vault], unsafe=True)
    assert (vault / "a.md").read_text() == ("%% vaultlint-disable-next-line broken-link %%\n"
                                            "[[ai_safety_and_existence_risk]]\n[[ai_safety_and_existential_risk]]\n")


def test_unused_suppressions_are_judged_only_for_rules_in_force(make_vault):
    vault = make_vault({"a.md": "%% vaultlint-disable-next-line timestamp-format %%\n[[a]]\n"})
    assert lines(vault) == ["a.md:1:1: unused-suppression unused suppression: `timestamp-format` "
                            "reported nothing on the next line"]
    assert lines(vault, ignore=["timestamp-format"]) == []
    assert lines(vault, select=["unused-suppression"]) == []


def test_an_unused_suppression_can_itself_be_suppressed(make_vault):
    vault = make_vault({"a.md": "%% vaultlint-disable-file unused-suppression %%\n"
                                "%% vaultlint-disable-next-line broken-link %%\n[[a]]\n"})
    assert lines(vault) == []


def test_per_file_ignores(make_vault):
    vault = make_vault(
        {"Templates/daily.md": "[[{{date}}]]\n", "notes/a.md": "[[gone]]\n", "inbox/b.md": "[[gone]]\n"},
        config='[per-file-ignores]\n"Templates/**" = ["broken-link"]\n"inbox/*.md" = ["ALL"]\n',
    )
    assert lines(vault) == ["notes/a.md:1:1: unwritten-note note `gone` is not written yet"]


def test_per_file_ignores_name_real_rules(make_vault):
    import pytest

    from vaultlint.config.schema import ConfigError

    vault = make_vault({"a.md": ""}, config='[per-file-ignores]\n"x/**" = ["broken-lnk"]\n')
    with pytest.raises(ConfigError, match=r"per-file-ignores.*broken-lnk.*did you mean `broken-link`"):
        api.lint([vault])


def test_a_misspelt_suppression_is_corrected_not_removed(make_vault):
    """Removing `broken-lnk` would leave the problem it was written for to
    be found again; corrected, it silences it. Only a name one slip from a
    rule is corrected by a safe fix; one far from every rule stays."""
    vault = make_vault({
        "a.md": "%% vaultlint-disable-next-line broken-lnk %%\n![[gone.png]]\n",
        "b.md": "<!-- vaultlint-disable-next-line brkn-link -->\n![[gone.png]]\n",
        "c.md": "%% vaultlint-disable-next-line links %%\n![[gone.png]]\n",
    })
    rules = ["broken-link", "unused-suppression"]
    assert len(lines(vault, select=rules)) == 6
    api.fix([vault], select=rules)
    assert (vault / "a.md").read_text() == "%% vaultlint-disable-next-line broken-link %%\n![[gone.png]]\n"
    assert (vault / "b.md").read_text() == "<!-- vaultlint-disable-next-line brkn-link -->\n![[gone.png]]\n"
    api.fix([vault], select=rules, unsafe=True)
    assert (vault / "b.md").read_text() == "<!-- vaultlint-disable-next-line broken-link -->\n![[gone.png]]\n"
    assert (vault / "c.md").read_text() == "%% vaultlint-disable-next-line links %%\n![[gone.png]]\n"
    assert lines(vault, select=rules) == [
        "c.md:1:1: unused-suppression `links` is not a rule (`vaultlint rules` lists them)",
        "c.md:2:1: broken-link attachment `gone.png` not found",
    ]

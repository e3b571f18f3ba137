"""Links to notes not written yet (`unwritten-note`) told apart from typos
(`broken-link`), and broken-link's automatic fixes only where the name
meant is the same name written otherwise."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from vaultlint import api
from vaultlint.checks.link_targets import is_attachment_link
from vaultlint.cli import main
from vaultlint.diagnostics import Applicability, Severity
from vaultlint.output.baseline import Baseline
from vaultlint.output.links_view import overview
from vaultlint.vault.index import Vault
from vaultlint.vault.suggest import Suggester, same_name


def found(vault, **kwargs):
    return {(d.rule, d.message.split("`")[1]): d for d in api.lint([vault], cache=False, **kwargs).diagnostics}


def test_a_link_with_no_close_name_is_a_planned_note_and_a_close_one_a_typo(make_vault):
    vault = make_vault({
        "Home.md": "[[Talk on alignment]] [[Kyto]] ![[scan.png]] [[Release 1.0]] [up](../../outside.md)\n",
        "Kyoto.md": "",
    })
    got = found(vault)
    assert set(got) == {("unwritten-note", "Talk on alignment"), ("broken-link", "Kyto"),
                        ("broken-link", "scan.png"), ("unwritten-note", "Release 1.0"),
                        ("broken-link", "../../outside.md")}
    assert got["unwritten-note", "Talk on alignment"].severity is Severity.INFO
    assert got["unwritten-note", "Talk on alignment"].fix is None
    assert got["broken-link", "Kyto"].severity is Severity.ERROR
    assert got["broken-link", "Kyto"].fix.applicability is Applicability.UNSAFE


def test_the_tubegraph_preset_keeps_planned_notes_errors(make_vault):
    vault = make_vault({"talk.md": "---\ntitle: A talk\n---\n[[Some Missing Title]]\n"},
                       config='extends = "tubegraph"\n')
    (d,) = [d for d in api.lint([vault], cache=False).diagnostics if d.rule == "unwritten-note"]
    assert d.severity is Severity.ERROR


def test_planned_notes_can_be_ignored_and_made_errors(make_vault):
    files = {"a.md": "[[Talk on alignment]] and [[Kyto]]\n", "Kyoto.md": ""}
    vault = make_vault(files, config='ignore = ["unwritten-note"]\n')
    assert set(found(vault)) == {("broken-link", "Kyto")}
    vault = make_vault(files, config='[rule.unwritten-note]\nseverity = "error"\n')
    assert found(vault)["unwritten-note", "Talk on alignment"].severity is Severity.ERROR


def test_a_broken_link_suppression_still_silences_a_planned_note_and_is_used(make_vault):
    vault = make_vault({"a.md": "%% vaultlint-disable-next-line broken-link %%\n[[Talk on alignment]]\n"})
    assert api.lint([vault], cache=False).diagnostics == []  # no unused-suppression either
    # A suppression of the new rule is its own: it does not silence a typo.
    vault = make_vault({"a.md": "%% vaultlint-disable-next-line unwritten-note %%\n[[Kyto]]\n", "Kyoto.md": ""})
    assert sorted(d.rule for d in api.lint([vault], cache=False).diagnostics) == ["broken-link", "unused-suppression"]


def test_a_baseline_entry_of_broken_link_still_holds_a_planned_note(make_vault):
    vault = make_vault({"a.md": "Intro\n\n[[gone]] and [[Kyto]]\n", "Kyoto.md": ""})
    result = api.lint([vault], cache=False)
    text = (vault / "a.md").read_text()
    # A baseline as written before the split: both links under broken-link.
    old = json.loads(Baseline.of(result.diagnostics, lambda path: text).dumps())
    for entry in old["problems"]:
        entry["rule"] = "broken-link"
    file = vault / "baseline.json"
    file.write_text(json.dumps(old))
    known = Baseline.read(file).filter(result.diagnostics, lambda path: text)
    assert (known.new, known.known, known.gone) == ([], 2, 0)
    out = CliRunner().invoke(main, ["check", "--no-cache", "--baseline", str(file), str(vault)])
    assert out.exit_code == 0, out.output


def test_the_links_view_lists_planned_notes_most_wanted_first(make_vault):
    vault = make_vault({
        "a.md": "[[Talk on alignment]] [[Budget]]\n",
        "b.md": "[[Talk on alignment]] [[Budget]] [[Talk on alignment]]\n",
        "c.md": "[[Budget]] [[Trip]]\n",
    })
    wanted = overview(Vault(vault))["missing"]["most_wanted"]
    assert [(w["target"], w["links"]) for w in wanted] == [("Budget", 3), ("Talk on alignment", 3), ("Trip", 1)]


@pytest.mark.parametrize("query, name", [
    ("internal links", "external-links"), ("increase speed", "decrease speed"), ("min value", "max value"),
    ("enable sync", "disable sync"), ("Sync functions", "Async functions"), ("before the war", "after the war"),
    ("C++ Functions", "C Functions"), ("Bash &&", "Bash &"), ("2023-06-12 Meeting", "2023-06-13 Meeting"),
    ("TLS 1.0", "TLS 1.1"), ("Obsidian Sync Pricing", "Obsidian Sync"),
    ("creating a sinking funds tracker", "creating a savings funds tracker"),
    ("Eingebaute Plugins aktivieren", "Eingebaute Plugins deaktivieren"),
])
def test_another_name_is_no_automatic_fix(query, name):
    assert not same_name(query, name)


@pytest.mark.parametrize("query, name", [
    ("Kyto", "Kyoto"), ("Core lpugins", "Core plugins"),
    ("ai_safety_and_existence_risk", "ai_safety_and_existential_risk"),
    ("Ai Safety And Existential Risk", "ai_safety_and_existential_risk"), ("anarcho-capitalism", "anarchocapitalism"),
    ("introduction to publish", "introduction to obsidian publish"),
    ("Modules complémentaires", "modules-complementaires"),
    ("Sync your notes across devices", "Sync your notes across device"),
])
def test_the_same_name_written_otherwise_is(query, name):
    assert same_name(query, name)


def test_a_clear_winner_that_names_another_thing_is_offered_not_applied(make_vault):
    vault = make_vault({"Home.md": "[[internal links]] and [[Core lpugins]]\n", "external-links.md": "",
                        "Core plugins.md": ""})
    got = found(vault)
    # (the score alone would apply it: a clear winner)
    assert Suggester(["external-links", "Core plugins"]).suggest("internal links")[0].score >= 88
    assert got["broken-link", "internal links"].fix.applicability is Applicability.DISPLAY_ONLY
    assert got["broken-link", "internal links"].suggestions == ("external-links",)
    assert got["broken-link", "Core lpugins"].fix.applicability is Applicability.UNSAFE


def test_no_automatic_fix_in_a_template_nor_one_that_drops_the_folder_named(make_vault):
    vault = make_vault({
        "Templates/Book.md": "Created {{date}}. See [[Kyto]].\n",
        "Templates/Trip.md": "---\ncreated: '{{date}}'\n---\nSee [[Kyto]].\n",
        "On templates.md": "Write `{{date}}` where the date goes. See [[Kyto]].\n",
        "Home.md": "[[placeholder/link]] [[Travel/Kyto]] [[Places/Kyto]]\n",
        "links.md": "", "Travel/Kyoto.md": "",
    })
    fixes = {(d.path, d.message.split("`")[1]): d.fix.applicability
             for d in api.lint([vault], cache=False).diagnostics if d.fix}
    assert fixes == {("Templates/Book.md", "Kyto"): Applicability.DISPLAY_ONLY,
                     ("Templates/Trip.md", "Kyto"): Applicability.DISPLAY_ONLY,
                     ("On templates.md", "Kyto"): Applicability.UNSAFE,  # (a placeholder in code is an example)
                     ("Home.md", "placeholder/link"): Applicability.DISPLAY_ONLY,
                     ("Home.md", "Travel/Kyto"): Applicability.UNSAFE,
                     ("Home.md", "Places/Kyto"): Applicability.DISPLAY_ONLY}


def test_only_known_file_types_make_an_attachment_link():
    for target in ["pic.png", "a/b/pic.PNG", "doc.pdf", "view.base", "board.canvas", "clip.webm", "song.3gp"]:
        assert is_attachment_link(target), target
    for target in ["TLS 1.0", "Note", "note.md", "v1.2 notes", "Mr. Smith", "Node.js", "a.png/Note", "x."]:
        assert not is_attachment_link(target), target


def test_a_name_with_a_dot_is_a_note_and_a_vaults_own_file_types_are_attachments(make_vault):
    vault = make_vault({"a.md": "[[TLS 1.0]] [[data.csv]] [[diagram.pgn]]\n", "old.csv": "x\n", "diagram.png": "x"})
    got = {d.message.split(" ")[0] + " " + d.message.split("`")[1] for d in api.lint([vault], cache=False).diagnostics}
    assert got == {"note TLS 1.0", "attachment data.csv", "attachment diagram.pgn"}


def test_a_web_address_in_brackets_is_no_note_and_gets_no_fix(make_vault):
    vault = make_vault({"a.md": "[t]([https://example.com/a](https://example.com/a)) [[https://example.com/a]]\n",
                        "a/a.md": ""})
    ds = api.lint([vault], cache=False).diagnostics
    assert [d.rule for d in ds] == ["broken-link", "broken-link"]
    assert all(d.message.startswith("web address `") and d.fix is None and not d.suggestions for d in ds)


def test_obsidian_help_planned_notes_are_no_errors(corpus):
    for name in ("obsidian-help-en", "obsidian-help-fr"):
        ds = api.lint([corpus(name)], cache=False).diagnostics
        planned = [d for d in ds if d.rule == "unwritten-note"]
        # The help's own examples of links to a note not written (`[[Example]]`, `[[Exemple]]`).
        assert planned and all(d.severity is Severity.INFO for d in planned)
        assert not [d for d in ds if d.rule == "broken-link" and d.message.startswith("note `Exemp")]

"""The output formats CI systems read, the text ones people read, and the
exit code options."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from vaultlint import report
from vaultlint.cli import main

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

NOTES = {
    "Home.md": "# Home\n\nSee [[Qwxyz vvv]] and [[Other]].\n\tTab [[nope|x]] 日本 [[ゼロ]]\n",
    "sub/Other.md": "# Other\n",
    "sub/Othr.md": "Link to [[Otherr]] here.\n",
}


def run(vault, *args):
    result = CliRunner().invoke(main, ["check", str(vault), "--no-color", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def validate_sarif(text: str) -> dict:
    doc = json.loads(text)
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(doc)
    return doc


def test_sarif_validates_and_carries_rules_regions_and_fixes(make_vault):
    vault = make_vault(NOTES)
    out = run(vault, "--output-format", "sarif")
    assert out.exit_code == 1
    doc = validate_sarif(out.output)
    run_ = doc["runs"][0]
    rules = {r["id"]: r for r in run_["tool"]["driver"]["rules"]}
    assert rules["broken-link"]["shortDescription"]["text"].startswith("a link or embed")
    assert "Obsidian resolves it" in rules["broken-link"]["fullDescription"]["text"]
    results = run_["results"]
    assert len(results) == 4
    first = results[0]
    assert first["ruleId"] == "broken-link"
    assert run_["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == "broken-link"
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 18}
    # the typo `Otherr` has a clear winner: an unsafe fix, in SARIF terms a replacement
    typo = next(r for r in results if "Otherr" in r["message"]["text"])
    replacement = typo["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"] == "Other"
    assert typo["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "sub/Othr.md"
    # fingerprints are stable across runs and distinct between problems
    again = validate_sarif(run(vault, "--output-format", "sarif").output)
    prints = [r["partialFingerprints"]["vaultlint/v1"] for r in results]
    assert prints == [r["partialFingerprints"]["vaultlint/v1"] for r in again["runs"][0]["results"]]
    assert len(set(prints)) == len(prints)


def test_sarif_of_a_clean_vault_validates(make_vault):
    vault = make_vault({"a.md": "[[b]]\n", "b.md": "hi\n"})
    out = run(vault, "--output-format", "sarif")
    assert out.exit_code == 0
    assert validate_sarif(out.output)["runs"][0]["results"] == []


def test_github_annotations(make_vault, monkeypatch):
    vault = make_vault(NOTES)
    monkeypatch.chdir(vault.parent)
    out = run(vault, "--output-format", "github")
    lines = out.output.splitlines()
    assert len(lines) == 4
    assert lines[0] == (f"::error file={vault.name}/Home.md,line=3,col=5,endLine=3,endColumn=18,"
                        "title=vaultlint (broken-link)::note `Qwxyz vvv` not found")


def test_github_escapes_what_would_end_the_command():
    from vaultlint.diagnostics import Diagnostic, Severity

    d = Diagnostic("a,b:c.md", 1, 1, 1, 2, "r", Severity.WARNING, "50% done\nnext")
    assert report.to_github([d]) == (
        "::warning file=a%2Cb%3Ac.md,line=1,col=1,endLine=1,endColumn=2,title=vaultlint (r)::50%25 done%0Anext\n")


def test_junit_is_xml_with_a_failure_per_problem(make_vault):
    vault = make_vault(NOTES)
    root = ET.fromstring(run(vault, "--output-format", "junit").output)
    failures = root.findall(".//failure")
    assert len(failures) == 4 and root.get("failures") == "4"
    assert {s.get("name") for s in root.findall("testsuite")} == {"Home.md", "sub/Othr.md"}
    (vault / "Home.md").write_text("ok\n")
    (vault / "sub/Othr.md").write_text("ok\n")
    clean = ET.fromstring(run(vault, "--output-format", "junit").output)
    assert clean.findall(".//failure") == [] and len(clean.findall(".//testcase")) == 1


def test_full_shows_the_line_a_caret_and_the_fix(make_vault):
    vault = make_vault(NOTES)
    out = run(vault, "--output-format", "full").output
    assert (
        "Home.md:4:20: broken-link note `ゼロ` not found\n"
        "   |\n"
        " 4 | \tTab [[nope|x]] 日本 [[ゼロ]]\n"
        " 4 | \t" + " " * 20 + "^" * 8 + "\n"
    ).replace(" 4 | \t ", "   | \t ") in out
    assert "sub/Othr.md:1:9: broken-link note `Otherr` not found (did you mean `Other`?)\n" in out
    assert "   = fix: link to `Other` (`vaultlint fix --unsafe-fixes`)" in out
    assert "\nFound 4 problems (4 errors) in 2 of 3 notes.\n" in out


def test_concise_is_one_line_per_problem(make_vault):
    out = run(make_vault(NOTES), "--output-format", "concise").output.splitlines()
    assert out[0] == "Home.md:3:5: broken-link note `Qwxyz vvv` not found"
    assert len(out) == 5 + 1  # four problems, the summary, the fixable count


def test_statistics_count_per_rule(make_vault):
    vault = make_vault(NOTES)
    assert run(vault, "--statistics").output == "4  broken-link  error    1 fixable with --unsafe-fixes\n"
    stats = json.loads(run(vault, "--statistics", "--output-format", "json").output)
    assert stats == [{"rule": "broken-link", "severity": "error", "count": 4, "fixable": 0, "fixable_unsafe": 1}]
    assert run(vault, "--statistics", "--output-format", "sarif").exit_code == 2


@pytest.mark.parametrize(("args", "code"), [
    ((), 1),
    (("--exit-zero",), 0),
    (("--fail-on", "error"), 1),
    (("--fail-on", "warning"), 1),
])
def test_exit_code_options_with_errors(make_vault, args, code):
    assert run(make_vault(NOTES), *args).exit_code == code


def test_fail_on_sets_the_least_severity_that_fails(make_vault):
    vault = make_vault(NOTES, config='[rule.broken-link]\nseverity = "warning"\n')
    assert run(vault).exit_code == 1
    assert run(vault, "--fail-on", "warning").exit_code == 1
    out = run(vault, "--fail-on", "error")
    assert out.exit_code == 0 and "broken-link" in out.output  # still reported


def test_a_problem_of_the_whole_vault_has_no_location():
    from vaultlint.diagnostics import Diagnostic, Severity

    d = Diagnostic(".", 1, 1, 1, 1, "some-vault-rule", Severity.INFO, "the vault as a whole")
    doc = validate_sarif(report.to_sarif([d], root=Path.cwd()))
    assert "locations" not in doc["runs"][0]["results"][0]
    assert report.to_github([d]) == "::notice title=vaultlint (some-vault-rule)::the vault as a whole\n"

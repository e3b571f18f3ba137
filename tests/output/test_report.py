"""The output formats CI systems read, the text ones people read, and the
exit code options."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from vaultlint.cli import main
from vaultlint.output import formats as report

SARIF_SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

NOTES = {
    "Home.md": "# Home\n\nSee ![[Qwxyz vvv.png]] and [[Other]].\n\tTab [[nope.pdf|x]] 日本 ![[ゼロ.png]]\n",
    "sub/Other.md": "# Other\n",
    "sub/Othr.md": "Link to [[Otherr]] here.\n",
}


def run(vault, *args):
    result = CliRunner().invoke(main, ["check", str(vault), "--no-color", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def validate_sarif(text) -> dict:
    """The SARIF document `text` is (a string, or the pieces a format writes), validated."""
    doc = json.loads(text if isinstance(text, str) else "".join(text))
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
    assert first["message"]["text"] == "attachment `Qwxyz vvv.png` not found"
    assert run_["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == first["ruleId"]
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 23}
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
    assert lines[0] == (f"::error file={vault.name}/Home.md,line=3,col=5,endLine=3,endColumn=23,"
                        "title=vaultlint (broken-link)::attachment `Qwxyz vvv.png` not found")


def test_github_escapes_what_would_end_the_command():
    from vaultlint.diagnostics import Diagnostic, Severity

    d = Diagnostic("a,b:c.md", 1, 1, 1, 2, "r", Severity.WARNING, "50% done\nnext")
    assert report.render("github", [d]) == (
        "::warning file=a%2Cb%3Ac.md,line=1,col=1,endLine=1,endColumn=2,title=vaultlint (r)::50%25 done%0Anext\n")


def test_junit_is_xml_with_a_failure_per_problem(make_vault, monkeypatch):
    vault = make_vault(NOTES)
    monkeypatch.chdir(vault)
    root = ET.fromstring(run(vault, "--output-format", "junit").output)
    failures = root.findall(".//failure")
    assert len(failures) == 4 and root.get("failures") == "4"
    assert {s.get("name") for s in root.findall("testsuite")} == {"Home.md", "sub/Othr.md"}
    (vault / "Home.md").write_text("ok\n")
    (vault / "sub/Othr.md").write_text("ok\n")
    clean = ET.fromstring(run(vault, "--output-format", "junit").output)
    assert clean.findall(".//failure") == [] and len(clean.findall(".//testcase")) == 1


def test_full_shows_the_line_a_caret_and_the_fix(make_vault, monkeypatch):
    vault = make_vault(NOTES)
    monkeypatch.chdir(vault)
    out = run(vault, "--output-format", "full").output
    assert (
        "Home.md:4:24: broken-link attachment `ゼロ.png` not found\n"
        "   |\n"
        " 4 | \tTab [[nope.pdf|x]] 日本 ![[ゼロ.png]]\n"
        " 4 | \t" + " " * 24 + "^" * 13 + "\n"
    ).replace(" 4 | \t ", "   | \t ") in out
    assert "sub/Othr.md:1:9: broken-link note `Otherr` not found (did you mean `Other`?)\n" in out
    assert "   = fix: link to `Other` (`vaultlint fix --unsafe-fixes`)" in out
    assert "\nFound 4 problems (4 errors) in 2 of 3 notes.\n" in out


def test_concise_is_one_line_per_problem(make_vault, monkeypatch):
    vault = make_vault(NOTES)
    monkeypatch.chdir(vault)
    out = run(vault, "--output-format", "concise").output.splitlines()
    assert out[0] == "Home.md:3:5: broken-link attachment `Qwxyz vvv.png` not found"
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
    assert report.render("github", [d]) == "::notice title=vaultlint (some-vault-rule)::the vault as a whole\n"


def _diagnostics():
    from vaultlint.diagnostics import Applicability as A
    from vaultlint.diagnostics import Diagnostic, Edit, Fix, Severity

    return [
        Diagnostic("a.md", 1, 1, 1, 5, "broken-link", Severity.ERROR, 'note `x"y\\z` not found',
                   Fix((Edit(0, 4, "[[é\t]]", 1, 1, 1, 5), Edit(9, 9, "", 2, 1, 2, 1)), A.UNSAFE, "link to `é`"),
                   ("é", "日本", "a\nb")),
        Diagnostic("b/c d.md", 3, 2, 4, 1, "r", Severity.WARNING, "lone \udc80 surrogate, \x07 bell",
                   Fix((), A.DISPLAY_ONLY)),
        Diagnostic(".", 1, 1, 1, 1, "vault-rule", Severity.INFO, "the vault as a whole", None, ("one",)),
    ]


def test_json_is_the_bytes_json_dumps_gives():
    """The contract's bytes, though no list of dicts is built: pretty-printed
    with two spaces, non-ASCII as it is."""
    many = _diagnostics() * 1500  # more than a piece
    for found in ([], _diagnostics(), many):
        expected = json.dumps([report.as_dict(d) for d in found], indent=2, ensure_ascii=False) + "\n"
        assert report.render("json", found) == expected


@pytest.mark.parametrize("form", ["text", "full", "json", "github", "sarif", "junit"])
def test_each_format_writes_as_it_goes_the_same_text(make_vault, monkeypatch, form):
    vault = make_vault(NOTES)
    whole = run(vault, "--no-cache", "--output-format", form).stdout
    monkeypatch.setattr(report, "BATCH", 1)
    pieces = []
    original = report.FORMATS[form]
    monkeypatch.setitem(report.FORMATS, form, lambda *a, **k: (pieces.append(p) or p for p in original(*a, **k)))
    assert run(vault, "--no-cache", "--output-format", form).stdout == whole
    assert len(pieces) >= 4  # a piece per problem, at least


def severities_vault(make_vault):
    """Two warnings before three errors in path order, and an info."""
    return make_vault({
        "a.md": "[[gone one]]\n",
        "b.md": "[[gone two]]\n",
        "c.md": "[[gone three]]\n[[gone four]]\n[[gone five]]\n",
        "d.md": "[[gone six]]\n",
    }, config='select = ["broken-link"]\n[per-file-ignores]\n"d.md" = []\n'
              '[rule.broken-link]\nseverity = "error"\n')


def test_sarif_keeps_the_most_severe_results_within_the_cap(make_vault, monkeypatch):
    from vaultlint.diagnostics import Diagnostic, Severity

    found = [Diagnostic(f"{i}.md", 1, 1, 1, 2, "r", s, f"{s.value} {i}")
             for i, s in enumerate([Severity.INFO, Severity.WARNING, Severity.ERROR, Severity.WARNING,
                                    Severity.ERROR])]
    doc = validate_sarif(report.to_sarif(found, max_results=3))
    assert [r["message"]["text"] for r in doc["runs"][0]["results"]] == ["warning 1", "error 2", "error 4"]
    notice = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    assert notice.startswith("SARIF: 2 of 5 results left out")
    assert report.sarif_left_out(report.render("sarif", found, max_results=3).encode()) == notice
    for everything in ({"max_results": 0}, {"max_results": 5}):
        doc = validate_sarif(report.to_sarif(found, **everything))
        assert len(doc["runs"][0]["results"]) == 5 and "invocations" not in doc["runs"][0]


def test_sarif_is_capped_by_default_and_says_so_on_stderr(make_vault, monkeypatch):
    vault = make_vault(NOTES)
    monkeypatch.setattr(report, "SARIF_MAX_RESULTS", 3)
    for _ in range(2):  # made, then printed from the text the cache kept: the warning both times
        out = run(vault, "--output-format", "sarif")
        assert out.exit_code == 1
        assert len(validate_sarif(out.stdout)["runs"][0]["results"]) == 3
        assert out.stderr == ("vaultlint: warning: SARIF: 1 of 4 results left out, the 3 kept being the most "
                              "severe (errors, then warnings, then info): GitHub code scanning takes at most "
                              "25,000 a run. `--max-results 0` writes them all; `--output-format text` lists them.\n")
    out = run(vault, "--output-format", "sarif", "--max-results", "0")
    assert len(validate_sarif(out.stdout)["runs"][0]["results"]) == 4 and out.stderr == ""
    out = run(vault, "--output-format", "sarif", "--max-results", "2")
    assert len(validate_sarif(out.stdout)["runs"][0]["results"]) == 2 and "2 of 4 results left out" in out.stderr
    refused = run(vault, "--max-results", "2")
    assert refused.exit_code == 2 and "--output-format sarif only" in refused.output


def test_paths_are_shown_from_the_current_folder(make_vault, monkeypatch):
    """`vaultlint check vault` from the folder above prints `vault/Home.md`,
    which exists from there; from a folder inside the vault, its notes are
    relative and the others absolute. JSON and SARIF keep their forms."""
    vault = make_vault(NOTES)
    monkeypatch.chdir(vault.parent)
    name = vault.name
    text = run(vault).stdout.splitlines()
    assert text[0] == f"{name}/Home.md:3:5: broken-link attachment `Qwxyz vvv.png` not found"
    assert all(Path(line.split(":")[0]).is_file() for line in text if ": " in line and ":" in line.split(" ")[0])
    assert f"{name}/sub/Othr.md:1:9: " in run(vault, "--output-format", "full").stdout
    assert f"::error file={name}/Home.md,line=3," in run(vault, "--output-format", "github").stdout
    suites = ET.fromstring(run(vault, "--output-format", "junit").stdout).findall("testsuite")
    assert {s.get("name") for s in suites} == {f"{name}/Home.md", f"{name}/sub/Othr.md"}
    assert {d["path"] for d in json.loads(run(vault, "--output-format", "json").stdout)} == {"Home.md", "sub/Othr.md"}
    monkeypatch.chdir(vault / "sub")
    text = run(vault).stdout
    assert "\nOthr.md:1:9: broken-link note `Otherr` not found" in text
    assert f"{vault.resolve() / 'Home.md'}:3:5: " in text
    monkeypatch.chdir(vault)
    assert run(vault).stdout.startswith("Home.md:3:5: ")


def test_statistics_text_counts_unsafe_fixes_as_json_does(make_vault):
    from vaultlint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity

    def found(applicability):
        return Diagnostic("a.md", 1, 1, 1, 2, "r", Severity.ERROR, "m", Fix((Edit(0, 1, "x", 1, 1, 1, 2),),
                                                                            applicability))

    both = [found(Applicability.SAFE), found(Applicability.UNSAFE), found(Applicability.UNSAFE)]
    assert report.statistics(both) == "3  r  error    1 fixable, 3 with --unsafe-fixes\n"
    rows = json.loads(report.statistics(both, as_json=True))
    assert (rows[0]["fixable"], rows[0]["fixable_unsafe"]) == (1, 3)


def test_the_caret_lines_up_under_tabs_and_wide_characters():
    assert report._caret_line("\tab [[x]]", 5, 10) == "\t   ^^^^^"
    assert report._caret_line("日本 [[ゼロ]]", 4, 10) == "     " + "^" * 8

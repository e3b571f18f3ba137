"""Baselines: yesterday's problems are known, today's new ones fail the run."""

from __future__ import annotations

import json
import re
import shutil

from click.testing import CliRunner
from test_report import validate_sarif

from vaultlint import api
from vaultlint.cli import main
from vaultlint.output import formats as report
from vaultlint.output.baseline import Baseline


def check(*args):
    return CliRunner().invoke(main, ["check", "--no-color", *map(str, args)])


def old_vault(make_vault):
    return make_vault({
        "a.md": "Intro\n\n[[gone]] and [[gone]] and [[b]]\n",
        "b.md": "Points at [[nowhere]].\n",
    })


def test_a_baseline_hides_known_problems_even_when_lines_move(make_vault, tmp_path_factory):
    vault = old_vault(make_vault)
    base = tmp_path_factory.mktemp("ci") / "baseline.json"
    out = check(vault, "--write-baseline", base)
    assert out.exit_code == 0
    data = json.loads(base.read_text())
    # (whichever rule reports a link to a note not written yet: broken-link, or a rule split from it)
    assert [(e["path"], e["text"], e["count"]) for e in data["problems"]][0] == ("a.md", "[[gone]]", 2)
    assert check(vault, "--baseline", base).exit_code == 0
    # lines added above the old problems: still known
    (vault / "a.md").write_text("New first line\nand another\n\nIntro\n\n[[gone]] and [[gone]] and [[b]]\n")
    out = check(vault, "--baseline", base)
    assert out.exit_code == 0, out.output
    assert "3 known problems hidden by the baseline" in out.output


def test_a_new_problem_is_reported_alone(make_vault, tmp_path_factory):
    vault = old_vault(make_vault)
    base = tmp_path_factory.mktemp("ci") / "baseline.json"
    check(vault, "--write-baseline", base)
    # a third copy of a known broken link, and a new one elsewhere
    (vault / "a.md").write_text("Intro\n\n[[gone]] and [[gone]] and [[b]]\n[[gone]]\n")
    (vault / "b.md").write_text("Points at [[nowhere]] and [[elsewhere]].\n")
    out = check(vault, "--baseline", base)
    assert out.exit_code == 1
    problems = [line.split(" ")[0].rsplit("/", 1)[-1] for line in out.output.splitlines()
                if re.match(r"\S+:\d+:\d+: ", line)]  # (paths as from the current folder)
    assert problems == ["a.md:4:1:", "b.md:1:27:"]


def test_fixed_problems_are_counted_as_gone(make_vault, tmp_path_factory):
    vault = old_vault(make_vault)
    base = tmp_path_factory.mktemp("ci") / "baseline.json"
    check(vault, "--write-baseline", base)
    (vault / "b.md").write_text("Points at [[a]].\n")
    out = check(vault, "--baseline", base)
    assert out.exit_code == 0
    assert "; 1 problem it holds is gone (rewrite it" in out.output  # (not "1 of them are gone")


def test_a_bad_baseline_is_a_usage_error(make_vault, tmp_path_factory):
    vault = old_vault(make_vault)
    bad = tmp_path_factory.mktemp("ci") / "bad.json"
    bad.write_text('{"something": "else"}')
    out = check(vault, "--baseline", bad)
    assert out.exit_code == 2 and "not a vaultlint baseline" in out.output
    out = check(vault, "--baseline", bad.parent / "missing.json")
    assert out.exit_code == 2 and "no such baseline; write it with `vaultlint check --write-baseline" in out.output


def test_the_configs_baseline_serves_check_unless_no_baseline(make_vault):
    vault = old_vault(make_vault)
    (vault / ".vaultlint.toml").write_text('baseline = "ci/baseline.json"\n')
    (vault / "ci").mkdir()
    missing = check(vault)
    assert missing.exit_code == 2 and "no such baseline" in missing.output
    assert check(vault, "--write-baseline", vault / "ci" / "baseline.json").exit_code == 0
    out = check(vault)
    assert out.exit_code == 0 and "3 known problems hidden by the baseline" in out.output
    assert check(vault, "--no-baseline").exit_code == 1


def test_the_real_vault_adopts_ci_on_day_one(corpus, tmp_path):
    """The seed's vault, thousands of broken links: its SARIF validates, a
    baseline makes it pass, and one new broken link in one note (checked as
    pre-commit would) fails it with just that link."""
    source = corpus("tubegraph-sample")
    vault = tmp_path / "vault"
    shutil.copytree(source, vault)
    result = api.lint([vault])
    assert len(result.diagnostics) > 1000
    text_of = lambda p: result.vault.note(p).text  # noqa: E731
    sarif = validate_sarif(report.to_sarif(result.diagnostics, rules={r.name: r for r in result.rules},
                                           root=result.root, note_text=text_of))
    assert len(sarif["runs"][0]["results"]) == len(result.diagnostics)
    base = Baseline.of(result.diagnostics, text_of)
    assert base.filter(result.diagnostics, text_of).new == []
    file = tmp_path / "baseline.json"
    base.write(file)
    note = next(p for p in sorted(result.paths) if any(d.path == p for d in result.diagnostics))
    with open(vault / note, "a", encoding="utf-8") as f:
        f.write("\nA new thought, see [[a_note_nobody_wrote_yet]].\n")
    out = check(vault / note, "--vault", vault, "--baseline", file)
    assert out.exit_code == 1
    reported = [line for line in out.output.splitlines() if re.match(r"\S+:\d+:\d+: ", line)]
    assert len(reported) == 1 and "a_note_nobody_wrote_yet" in reported[0]

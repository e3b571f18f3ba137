"""The command line as a user and a CI script meet it: exit codes, output
formats, config errors, rule manuals, plugins."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from vaultlint.cli import ProgressBar, main
from vaultlint.registry import all_rules, builtin_rules

SCHEMA = json.loads((Path(__file__).parent.parent / "vaultlint/output/diagnostics.schema.json").read_text())
SEED_VAULT = Path(__file__).parent.parent / "seeds" / "tubegraph"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_clean_vault_exits_0(make_vault):
    root = make_vault({"a.md": "[[b]]", "b.md": "# B"})
    result = run("check", root)
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_problems_exit_1_with_path_line_column(make_vault, monkeypatch):
    root = make_vault({"a.md": "line one\nsee [[Missing]]\n"})
    monkeypatch.chdir(root)  # (text names notes from the current folder)
    result = run("check", root)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "a.md:2:5: unwritten-note note `Missing` is not written yet"


def test_checking_one_note_resolves_against_the_whole_vault(make_vault, monkeypatch):
    root = make_vault({"a.md": "[[b]]", "sub/b.md": "[[nowhere]]"})
    monkeypatch.chdir(root)  # (text names notes from the current folder)
    result = run("check", root / "a.md")
    assert result.exit_code == 0, result.output
    result = run("check", root / "sub" / "b.md")
    assert result.exit_code == 1 and result.output.startswith("sub/b.md:1:1:")


def test_json_output_follows_the_documented_schema(make_vault):
    root = make_vault({
        "ai_safety_and_existential_risk.md": "",
        "n.md": "---\ntitle: [unclosed\n---\n[[ai_safety_and_existence_risk | risk]] "
                '<a class="yt-timestamp" data-t="01:49:50">[01:48:50]</a>\n',
    })
    result = run("check", root, "--output-format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    jsonschema.validate(data, SCHEMA)
    assert {d["rule"] for d in data} == {"broken-link", "frontmatter-syntax", "timestamp-format"}
    link = next(d for d in data if d["rule"] == "broken-link")
    assert (link["path"], link["line"], link["column"], link["end_column"]) == ("n.md", 4, 1, 40)
    assert link["suggestions"][0] == "ai_safety_and_existential_risk"
    assert link["fix"]["applicability"] == "unsafe"
    assert link["fix"]["edits"] == [{"line": 4, "column": 3, "end_line": 4, "end_column": 31,
                                     "content": "ai_safety_and_existential_risk"}]


def test_json_schema_rejects_what_breaks_the_contract():
    good = {"path": "a.md", "line": 1, "column": 1, "end_line": 1, "end_column": 2, "rule": "broken-link",
            "severity": "error", "message": "m", "fix": None, "suggestions": []}
    jsonschema.validate([good], SCHEMA)
    for broken in ({**good, "line": 0}, {**good, "severity": "fatal"}, {k: v for k, v in good.items() if k != "fix"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate([broken], SCHEMA)


def test_select_and_ignore(make_vault):
    root = make_vault({"n.md": '[[Missing]] <a class="yt-timestamp" data-t="01:75:00">[01:75:00]</a>'})
    assert {ln.split()[1] for ln in run("check", root, "--select", "timestamp-format").output.splitlines()[:-1]} == {
        "timestamp-format"}
    assert "broken-link" not in run("check", root, "--ignore", "broken-link,timestamp-format").output
    assert run("check", root, "--ignore", "broken-link,timestamp-format").exit_code == 0


@pytest.mark.parametrize("config, words", [
    ("exclud = ['x']", ["unknown key `exclud`", "did you mean `exclude`"]),
    ("exclude = 'x'", ["`exclude`: must be a list of globs, not the string \"x\""]),  # (not Python's words)
    ("exclude = [3]", ["must be a string (in quotes), not the number 3"]),
    ("case-sensitive = 'no'", ["`case-sensitive`: must be true or false, not the string \"no\""]),
    ("resolution = 'slugs'", ["must be one of `obsidian`, `slug`, not the string \"slugs\" (did you mean `slug`?)"]),
    ("[per-file-ignores]\n'x/**' = 'broken-link'", ["must be a list of rule names, not the string"]),
    ("[rule.broken-link]\nmax-suggestions = '5'", ["`max-suggestions`: must be a whole number, not the string"]),
    ("[[schema]]\nfiles = ['x/**']", ["needs `path`"]),
    ("ignore = ['broken-lnk']", ["unknown rule `broken-lnk`", "did you mean `broken-link`"]),
    ("[rule.broken-link]\nmax-sugestions = 2", ["unknown key `max-sugestions`", "did you mean `max-suggestions`"]),
    ("[rule.broken-link]\nseverity = 'fatal'", ["severity"]),
    ("exclude = [", ["not valid TOML"]),
    ("timestamp-pattern = '(?P<t>'", ["timestamp-pattern", "not a valid regular expression"]),
])
def test_config_errors_exit_2_naming_the_key(make_vault, config, words):
    root = make_vault({"a.md": ""}, config=config)
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.output, result.output


def test_config_options_reach_the_rules(make_vault):
    root = make_vault({"a.md": "[[Missing]]"}, config="[rule.unwritten-note]\nseverity = 'warning'\n")
    data = json.loads(run("check", root, "--output-format", "json").output)
    assert data[0]["severity"] == "warning"


def test_missing_path_is_a_usage_error():
    result = CliRunner().invoke(main, ["check", "/no/such/vault"])
    assert result.exit_code == 2 and "no such file or folder" in result.output


def test_rules_lists_every_rule_and_rule_prints_the_manual():
    listing = run("rules").output
    for rule in builtin_rules():
        assert rule.name in listing
        manual = run("rule", rule.name).output
        assert manual.startswith(rule.name + ":")
        assert "Fix safety" in manual
    result = CliRunner().invoke(main, ["rule", "broken-lnk"])
    assert result.exit_code == 2 and "did you mean `broken-link`" in result.output


def test_python_dash_m_works_like_the_console_script():
    result = subprocess.run([sys.executable, "-m", "vaultlint", "check", str(SEED_VAULT), "--select", "broken-link"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "did you mean `ai_safety_and_existential_risk`?" in result.stdout


def test_the_seed_vault_shows_real_broken_links_with_good_suggestions():
    data = json.loads(run("check", SEED_VAULT, "--output-format", "json").output)
    broken = {d["message"].split("`")[1]: d["suggestions"][0] for d in data if d["rule"] == "broken-link"}
    assert broken == {
        "ai_safety_and_existence_risk": "ai_safety_and_existential_risk",
        "ai_alignment_and_misalignment_of_ai": "alignment_and_misalignment_of_ai",
    }
    assert any(d["rule"] == "timestamp-format" for d in data)


PLUGIN = textwrap.dedent('''
    """no-todo: a TODO left in a note.

    Fix safety
        No fix.
    """
    from vaultlint.rule import Rule, Severity

    class NoTodo(Rule):
        name = "no-todo"
        severity = Severity.WARNING
        options = {"word": {"type": "string", "default": "TODO"}}

        def check_note(self, note, ctx):
            at = note.text.find(self.options["word"], note.body_start)
            if at != -1:
                yield self.diagnostic(note, at, at + len(self.options["word"]), "left in the note")
''')


def test_plugin_from_a_config_path(make_vault, monkeypatch):
    root = make_vault({"a.md": "fix this TODO\n", "tools/rules.py": PLUGIN},
                      config='plugins = ["tools/rules.py"]\n[rule.no-todo]\nword = "this"\n')
    monkeypatch.chdir(root)  # (text names notes from the current folder)
    result = run("check", root)
    assert result.output.splitlines()[0] == "a.md:1:5: no-todo left in the note"
    assert "no-todo" in run("rules", "--vault", root).output


def test_plugin_from_an_entry_point(tmp_path, monkeypatch, make_vault):
    # An installed distribution as importlib.metadata sees one: a module and
    # a dist-info whose entry_points.txt names it in the vaultlint.rules group.
    site = tmp_path / "site"
    (site / "my_rules.py").parent.mkdir()
    (site / "my_rules.py").write_text(PLUGIN)
    info = site / "my_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: my-rules\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[vaultlint.rules]\nno-todo = my_rules\n")
    monkeypatch.syspath_prepend(str(site))
    assert "no-todo" in all_rules()
    root = make_vault({"a.md": "a TODO here\n"})
    assert "a.md:1:3: no-todo left in the note" in run("check", root, "--select", "no-todo").output


def test_a_plugin_that_fails_to_import_is_a_config_error(make_vault):
    root = make_vault({"a.md": "", "bad.py": "raise RuntimeError('boom')\n"}, config='plugins = ["bad.py"]\n')
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 2 and "bad.py" in result.output and "boom" in result.output


def test_a_rule_that_crashes_is_reported_and_the_run_goes_on(make_vault, monkeypatch):
    crash = PLUGIN.replace('at = note.text.find', 'assert note.path != "b.md"\n        at = note.text.find')
    root = make_vault({"a.md": "TODO", "b.md": "TODO", "rules.py": crash}, config='plugins = ["rules.py"]\n')
    monkeypatch.chdir(root)  # (text names notes from the current folder)
    lines = run("check", root, "--select", "no-todo").output.splitlines()
    assert lines[0] == "a.md:1:1: no-todo left in the note"
    assert lines[1].startswith("b.md:1:1: internal-error rule `no-todo` crashed: AssertionError")


def test_kept_output_is_printed_as_it_was_made(capsys):
    """The bytes of a kept text go to stdout as they are; a text with bytes
    that may begin a surrogate (Hangul too) goes through click: the same."""
    from vaultlint.cli import echo_utf8

    for text in ("a.md:1:1: broken-link note `Ideaz` not found\n", "노트.md:1:1: broken-link note `한` not found\n"):
        echo_utf8(text.encode("utf-8"))
        assert capsys.readouterr().out == text


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _stages_shown(progress: ProgressBar, told: list[tuple[int, int, str]]) -> str:
    with progress:
        for step in told:
            progress(*step)
    return progress.file.getvalue()


def test_progress_shows_a_bar_for_each_stage_of_a_long_run_on_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    long = ProgressBar.LONG
    told = [(0, long, "Reading notes"), (long, long, "Reading notes"), (0, 3, "Matching link targets"),
            (3, 3, "Matching link targets"), (0, long, "Checking notes"), (long // 2, long, "Checking notes"),
            (long, long, "Checking notes"), (0, 4, "Saving results"), (4, 4, "Saving results")]
    shown = _stages_shown(ProgressBar(_Terminal()), told)
    # Each stage's label, in turn, and each bar finished (a stage of few steps too, once the run is long).
    at = [shown.index(label) for label in ("Reading notes", "Matching link targets", "Checking notes",
                                           "Saving results")]
    assert at == sorted(at)
    assert shown.count("100%") >= 4, shown
    assert "50%" in shown


def test_progress_is_silent_for_a_short_run_a_pipe_or_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    few = [(0, 40, "Checking notes"), (40, 40, "Checking notes"), (0, 4, "Saving results"), (4, 4, "Saving results")]
    assert _stages_shown(ProgressBar(_Terminal()), few) == ""
    long = [(0, ProgressBar.LONG, "Checking notes"), (ProgressBar.LONG, ProgressBar.LONG, "Checking notes")]
    assert _stages_shown(ProgressBar(io.StringIO()), long) == ""  # not a terminal
    monkeypatch.setenv("CI", "true")
    assert _stages_shown(ProgressBar(_Terminal()), long) == ""


def test_progress_starts_a_new_bar_when_a_stage_comes_again(monkeypatch):
    """`fix` checks the vault, then the notes it changed: two bars, each to its end."""
    monkeypatch.delenv("CI", raising=False)
    long = ProgressBar.LONG
    once = [(0, long, "Checking notes"), (long // 2, long, "Checking notes"), (long, long, "Checking notes")]
    for again in (once, [(0, 300, "Checking notes"), (300, 300, "Checking notes")]):
        shown = _stages_shown(ProgressBar(_Terminal()), once + again)
        assert shown.count("\n") == 2, shown  # a line a bar: each is redrawn in place until done
    assert _stages_shown(ProgressBar(_Terminal(), silent=True), once) == ""


@pytest.fixture(scope="module")
def generated_vault(tmp_path_factory):
    """A vault of 3,000 generated notes: a run long enough to be interrupted."""
    root = tmp_path_factory.mktemp("generated") / "vault"
    subprocess.run([sys.executable, "-m", "benchmarks.generate", str(root), "--notes", "3000"], check=True,
                   capture_output=True, cwd=Path(__file__).resolve().parent.parent)
    return root


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a process group")
@pytest.mark.parametrize("command", [["check"], ["fix", "--diff"]])
def test_ctrl_c_exits_130_with_no_traceback(generated_vault, command):
    """Ctrl-C reaches the whole process group, the workers too: vaultlint
    says it was interrupted and exits 130 (not click's "Aborted!" and 1,
    the code for problems found), and no worker prints a traceback."""
    import os
    import shutil
    import signal
    import time

    cache = generated_vault / ".vaultlint_cache"
    shutil.rmtree(cache, ignore_errors=True)
    started = subprocess.Popen([sys.executable, "-m", "vaultlint", *command, str(generated_vault)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    # Once the cache is made, the run is under way (a cold run of 3,000 notes: 3 s and more).
    waited = time.monotonic()
    while not cache.exists() and started.poll() is None and time.monotonic() - waited < 60:
        time.sleep(0.02)
    time.sleep(0.5)  # the notes being read, by workers
    assert started.poll() is None, "the run ended before it could be interrupted"
    os.killpg(started.pid, signal.SIGINT)
    err = started.communicate(timeout=60)[1]
    assert started.returncode == 130, err
    assert "Traceback" not in err and "Aborted!" not in err
    assert err.strip().endswith("vaultlint: interrupted" + (": no note was written" if "fix" in command else ""))


@pytest.mark.parametrize("given", [["picture.jpg"], ["LICENSE"], ["empty"], ["picture.jpg", "LICENSE"], []])
def test_paths_that_hold_no_note_are_a_usage_error_and_leave_nothing_behind(tmp_path, monkeypatch, given):
    (tmp_path / "picture.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "LICENSE").write_text("MIT\n")
    (tmp_path / "empty").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "not seen.md").write_text("# a note in a dot-folder, which Obsidian does not show\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for command in ("check", "fix"):
        result = CliRunner().invoke(main, [command, *given])
        assert result.exit_code == 2, result.output
        assert ("is not a note" if given in (["picture.jpg"], ["LICENSE"]) else "no note in") in result.output
        assert "nothing to check" in result.output and "All clear" not in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == [".hidden", "LICENSE", "empty", "not seen.md",
                                                            "picture.jpg"]  # no .vaultlint_cache


def test_notes_all_excluded_by_the_config_are_said_so_and_exit_0(make_vault):
    """A note the config excludes given on the command line (pre-commit
    passes every Markdown file staged, templates too) fails nothing, and the
    run says why it checked none."""
    vault = make_vault({"Templates/Daily.md": "[[{{date}}]]\n", "a.md": "[[nowhere]]\n"},
                       config='exclude = ["Templates/**"]\n')
    result = CliRunner().invoke(main, ["check", str(vault / "Templates")])
    assert result.exit_code == 0, result.output
    assert "are all excluded by the config's `exclude`; none was checked" in result.stderr


def _line_of(listing: str, rule: str) -> list[str]:
    return next(line.split()[:3] for line in listing.splitlines() if line.split()[:1] == [rule])


def test_rules_and_rule_show_each_rule_as_the_config_and_the_command_line_set_it(make_vault, monkeypatch):
    vault = make_vault({"a.md": ""}, config='ignore = ["broken-heading"]\nextend-select = ["duplicate-link"]\n'
                                             '[rule.broken-link]\nseverity = "warning"\nmax-suggestions = 5\n')
    monkeypatch.chdir(vault)
    listing = CliRunner().invoke(main, ["rules"])
    assert listing.exit_code == 0
    assert _line_of(listing.stdout, "broken-link") == ["broken-link", "warning", "on"]
    assert _line_of(listing.stdout, "broken-heading") == ["broken-heading", "error", "off"]
    assert _line_of(listing.stdout, "duplicate-link")[2] == "on"  # (off by default)
    assert "as set by " + str(vault / ".vaultlint.toml") in listing.stderr
    only = CliRunner().invoke(main, ["rules", "--select", "date-format"]).stdout
    assert _line_of(only, "date-format")[2] == "on" and _line_of(only, "broken-link")[2] == "off"
    default = CliRunner().invoke(main, ["rules", "--config", str(vault / "none.toml")])
    assert default.exit_code == 2  # a config that is not there is an error, not the defaults in silence
    manual = CliRunner().invoke(main, ["rule", "broken-link"]).stdout
    assert manual.rstrip().endswith("): on, severity warning, max-suggestions = 5")
    off = CliRunner().invoke(main, ["rule", "broken-link", "--ignore", "broken-link"]).stdout
    assert off.rstrip().endswith(" and the command line): off (default severity error)")


def test_show_settings_prints_the_root_the_files_read_and_what_is_in_force_as_toml(make_vault):
    import tomllib

    vault = make_vault({"a.md": "[[nowhere]]\n"},
                       config='extends = "strict"\nexclude = ["Templates/**"]\n[rule.broken-link]\nseverity = "info"\n')
    result = CliRunner().invoke(main, ["check", "--show-settings", "--ignore", "date-order", str(vault)])
    assert result.exit_code == 0, result.output  # (nothing checked: the broken link fails nothing)
    lines = result.stdout.splitlines()
    presets = Path(__import__("vaultlint").__file__).parent / "config" / "presets"
    assert lines[:3] == [f"# vault root: {vault}", f"# config: {vault / '.vaultlint.toml'}",
                         f"# preset: {presets / 'strict.toml'}"]
    settings = tomllib.loads(result.stdout)
    assert settings["exclude"] == ["Templates/**"] and settings["resolution"] == "obsidian"
    assert "duplicate-link" in settings["select"] and "date-order" not in settings["select"]  # strict, less --ignore
    assert settings["rule"]["broken-link"]["severity"] == "info"
    assert "max-suggestions" in settings["rule"]["broken-link"]
    assert "All clear" not in result.output and not (vault / ".vaultlint_cache").exists()


def test_counts_of_one_are_singular(make_vault):
    """"1 link", not "1 links" (nor "1 of them are gone")."""
    vault = make_vault({"a.md": "[[nowhere]]\n", "Folder/b.md": "[[a]]\n"})
    links = CliRunner().invoke(main, ["links", str(vault)]).stdout
    assert "(1 missing target, 1 link):" in links
    assert "Orphans: 1 of 2 notes has no link from another note" in links
    moved = CliRunner().invoke(main, ["mv", str(vault / "Folder"), str(vault / "Moved")]).stdout
    assert "Moved Folder to Moved (1 file); rewrote 0 links in 0 notes." in moved
    wrote = CliRunner().invoke(main, ["check", "--write-baseline", str(vault / "b.json"), str(vault / "a.md")])
    assert "Wrote 1 problem of 1 note to" in wrote.stderr

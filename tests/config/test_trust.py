"""A vault you do not trust runs none of its code: `--no-plugins` (and
`VAULTLINT_NO_PLUGINS=1`, and `plugins=False` in the API) imports none of
the config's plugins, says so naming each, and still loads the rules
installed as packages (entry points)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from click.testing import CliRunner

from vaultlint import api
from vaultlint.cli import main

# A plugin that leaves a mark on disk when it is imported (as a vault's
# untrusted code could do anything), and has a rule that reports "TODO".
PLUGIN = textwrap.dedent('''
    """shout: a TODO left in a note."""
    from pathlib import Path

    from vaultlint.rule import Rule, Severity

    Path(__file__).with_name("ran").write_text("the plugin ran\\n")

    class Shout(Rule):
        name = "shout"
        severity = Severity.WARNING

        def check_note(self, note, ctx):
            at = note.text.find("TODO")
            if at != -1:
                yield self.diagnostic(note, at, at + 4, "TODO left in the note")
''')

CONFIG = 'plugins = ["tools/shout.py"]\n'


@pytest.fixture
def untrusted(make_vault):
    """A vault whose config imports a plugin that writes `tools/ran`."""
    return make_vault({"a.md": "a TODO here\n", "b.md": "[[a]]\n", "tools/shout.py": PLUGIN}, config=CONFIG)


COMMANDS = {
    "check": lambda root: ["check", str(root)],
    "fix": lambda root: ["fix", "--diff", str(root)],
    "rules": lambda root: ["rules", "--vault", str(root)],
    "rule": lambda root: ["rule", "broken-link", "--vault", str(root)],
}


def invoke(args, env=None):
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_plugin_runs_only_when_plugins_are_on(untrusted, command):
    ran = untrusted / "tools" / "ran"
    warning = f"vaultlint: warning: {untrusted / '.vaultlint.toml'}: plugin `tools/shout.py` not loaded"
    for off in ({"args": ["--no-plugins"]}, {"env": {"VAULTLINT_NO_PLUGINS": "1"}}):
        result = invoke(COMMANDS[command](untrusted) + off.get("args", []), env=off.get("env"))
        assert not ran.exists(), f"{command} {off}: the plugin ran"
        assert warning in result.stderr  # never a silent pass
        assert "shout" not in result.stdout
    result = invoke(COMMANDS[command](untrusted), env={"VAULTLINT_NO_PLUGINS": "0"})
    assert ran.exists()
    assert "not loaded" not in result.stderr
    if command in ("check", "rules"):
        assert "shout" in result.stdout  # its rule ran (check), or is listed (rules)


def test_the_api_imports_no_plugin_with_plugins_false(untrusted):
    """What a language server or an MCP server is to pass for a folder it
    was not told to trust."""
    result = api.lint([untrusted], plugins=False, cache=False)
    assert not (untrusted / "tools" / "ran").exists()
    assert "shout" not in {r.name for r in result.rules}
    assert "shout" not in {d.rule for d in api.fix([untrusted], plugins=False, write=False, cache=False).remaining}
    assert not (untrusted / "tools" / "ran").exists()
    assert "shout" in {d.rule for d in api.lint([untrusted], cache=False).diagnostics}


def test_the_rules_a_config_names_of_a_plugin_not_loaded_are_no_error(make_vault):
    """`select`, `[rule.NAME]` and `per-file-ignores` may name the plugin's
    rules: with plugins off they are passed over (the warning said why);
    an unknown rule on the command line is still an error."""
    config = CONFIG + (
        'extend-select = ["shout"]\n[rule.shout]\nseverity = "error"\n[per-file-ignores]\n"b.md" = ["shout"]\n'
    )
    root = make_vault({"a.md": "a TODO here [[missing]]\n", "tools/shout.py": PLUGIN}, config=config)
    result = invoke(["check", "--no-plugins", str(root)])
    assert "`missing`" in result.stdout and "shout" not in result.stdout  # the other rules ran
    assert not (root / "tools" / "ran").exists()
    bad = CliRunner().invoke(main, ["check", "--no-plugins", "--select", "shoutt", str(root)])
    assert bad.exit_code == 2 and "unknown rule `shoutt`" in bad.output
    assert "shout" in invoke(["check", str(root)]).stdout  # trusted: the same config works


def test_a_suppression_of_a_plugins_rule_is_kept_with_plugins_off(make_vault):
    """Not loaded, the plugin's rule is no rule vaultlint knows; yet its
    suppressions are not `unused-suppression`s, and `fix` leaves them."""
    text = "%% vaultlint-disable-next-line shout %%\na TODO here\n"
    root = make_vault({"a.md": text, "tools/shout.py": PLUGIN}, config=CONFIG)
    result = invoke(["check", "--no-plugins", "--select", "unused-suppression", str(root)])
    assert "unused-suppression" not in result.stdout
    invoke(["fix", "--no-plugins", str(root)])
    assert (root / "a.md").read_text(encoding="utf-8") == text
    assert not (root / "tools" / "ran").exists()


def test_an_installed_rule_still_loads_with_plugins_off(tmp_path, make_vault):
    """A rule installed as a package (an entry point of `vaultlint.rules`,
    here a real dist-info that importlib.metadata finds on the path) is the
    user's own choice: `--no-plugins` keeps it."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "installed_shout.py").write_text(PLUGIN.replace('Path(__file__).with_name("ran")', 'Path("/dev/null")'))
    info = site / "installed_shout-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: installed-shout\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[vaultlint.rules]\nshout = installed_shout\n")
    root = make_vault(
        {"a.md": "a TODO here\n", "tools/other.py": PLUGIN.replace('"shout"', '"other"')},
        config='plugins = ["tools/other.py"]\n',
    )
    proc = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--no-plugins", "--no-cache", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 1, proc.stderr
    assert "a.md:1:3: shout TODO left in the note" in proc.stdout
    assert "plugin `tools/other.py` not loaded" in proc.stderr and not (root / "tools" / "ran").exists()


def test_results_cached_with_the_plugin_are_not_reused_without_it(untrusted):
    """The cache keeps results per rule: a run with plugins off after one
    with them shows none of the plugin's problems, and the other way round."""
    assert "shout" in invoke(["check", str(untrusted)]).stdout
    (untrusted / "tools" / "ran").unlink()
    assert "shout" not in invoke(["check", "--no-plugins", str(untrusted)]).stdout
    assert not (untrusted / "tools" / "ran").exists()
    assert "shout" in invoke(["check", str(untrusted)]).stdout


def test_an_empty_config_file_leaves_the_vaults_config_out(untrusted, tmp_path):
    """ruff's `--isolated`: `--config` an empty file, and nothing the vault's
    config names is read or run (no plugin, so no warning either)."""
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    result = invoke(["check", "--config", str(empty), str(untrusted)])
    assert not (untrusted / "tools" / "ran").exists() and "shout" not in result.stdout
    assert "not loaded" not in result.stderr

"""`extends`: the presets shipped with vaultlint, and config files built on
other files."""

from __future__ import annotations

import pytest

from vaultlint import api
from vaultlint.config import presets
from vaultlint.config.schema import ConfigError
from vaultlint.config.settings import load
from vaultlint.registry import builtin_rules


@pytest.mark.parametrize("name", presets.names())
def test_every_preset_loads_with_the_rules_there_are(tmp_path, name):
    (tmp_path / ".vaultlint.toml").write_text(f'extends = "{name}"\n')
    config = load(tmp_path)
    assert config.active_rules()


def test_the_presets_are_the_ones_documented():
    assert {"recommended", "strict", "tubegraph"} <= set(presets.names())


def test_strict_turns_every_rule_on_and_recommended_the_default_ones(tmp_path):
    every = {r.name for r in builtin_rules()}
    default = {r.name for r in builtin_rules() if r.enabled_by_default}
    (tmp_path / ".vaultlint.toml").write_text('extends = "strict"\nignore = ["unreadable-note"]\n')
    assert {r.name for r in load(tmp_path).active_rules()} == every - {"unreadable-note"}
    (tmp_path / ".vaultlint.toml").write_text('extends = "recommended"\n')
    assert {r.name for r in load(tmp_path).active_rules()} == default


def test_tubegraph_resolves_slugs(make_vault):
    files = {"Home.md": "---\ntitle: Home\n---\n[[Some Title Case Name]]\n",
             "some_title_case_name.md": "---\ntitle: Some\n---\n"}
    assert [d.rule for d in api.lint([make_vault(files)]).diagnostics] == ["broken-link"]
    vault = make_vault(files, config='extends = "tubegraph"\n')
    assert api.lint([vault]).diagnostics == []


def test_a_file_extends_a_file_and_wins_key_by_key(tmp_path):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "base.toml").write_text(
        'extends = "strict"\nexclude = ["Templates/**"]\nresolution = "slug"\n'
        '[rule.broken-link]\nseverity = "warning"\nmax-suggestions = 5\n'
        '[per-file-ignores]\n"inbox/**" = ["broken-link"]\n'
    )
    (tmp_path / ".vaultlint.toml").write_text(
        'extends = "shared/base.toml"\nexclude = ["Archive/**"]\nresolution = "obsidian"\n'
        '[rule.broken-link]\nmax-suggestions = 1\n'
        '[per-file-ignores]\n"inbox/**" = ["timestamp-format"]\n'
    )
    config = load(tmp_path)
    assert config.exclude == ["Templates/**", "Archive/**"]
    assert config.resolution == "obsidian"
    assert config.rule_settings["broken-link"] == {"severity": "warning", "max-suggestions": 1}
    assert config.per_file_ignores == {"inbox/**": ["broken-link", "timestamp-format"]}
    assert "extend-select" in config.data and config.data["extend-select"] == ["ALL"]


@pytest.mark.parametrize(("text", "message"), [
    ('extends = "stict"', r"neither a preset \(did you mean `strict`\?\) nor a file"),
    ('extends = "nowhere.toml"', "the presets are recommended"),
    ('extends = "loop.toml"', "goes round in a circle"),
    ('extends = "bad.toml"', r"bad.toml: unknown key `exclud` \(did you mean `exclude`\?\)"),
])
def test_bad_extends_are_config_errors(tmp_path, text, message):
    (tmp_path / "loop.toml").write_text('extends = "loop.toml"\n')
    (tmp_path / "bad.toml").write_text('exclud = []\n')
    (tmp_path / ".vaultlint.toml").write_text(text + "\n")
    with pytest.raises(ConfigError, match=message):
        load(tmp_path).active_rules()

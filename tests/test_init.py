"""`vaultlint init`: the config written fits the vault's habits."""

from __future__ import annotations

import json

from click.testing import CliRunner

from vaultlint import habits
from vaultlint.cli import main
from vaultlint.config import load


def slug_vault(make_vault):
    notes = {
        f"talks/{name.lower().replace(' ', '_')}.md": f"---\ntitle: {name}\nvideoId: abcdefghij{i}\n---\n"
        f"See [[{other}]] at [12:34](#t=754) and [1:02:03](#t=3723).\n"
        for i, (name, other) in enumerate([
            ("Convolution Theorem", "Fourier Series"), ("Fourier Series", "Linear Algebra Basics"),
            ("Linear Algebra Basics", "Convolution Theorem"), ("Group Theory", "Fourier Series"),
            ("Prime Spirals", "Group Theory"),
        ])
    }
    notes["Templates/Talk.md"] = "---\ncreated: {{date}}\n---\n[[{{title}}]]\n"
    vault = make_vault(notes)
    (vault / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}')
    return vault


def test_habits_of_a_quartz_like_vault(make_vault):
    h = habits.detect(slug_vault(make_vault))
    assert h.notes == 5  # the template is not a note of the vault's habits
    assert h.resolution == "slug" and h.slug_only == 5
    assert h.stamp_preset == "markdown-t" and h.stamps["markdown-t"] == 10
    assert h.templates == "Templates" and "templates.json" in h.templates_why
    assert h.schema["required"] == ["title", "videoId"]
    assert h.link_kinds["wiki"] == 5


def test_init_writes_a_config_that_loads_and_checks_clean(make_vault):
    vault = slug_vault(make_vault)
    out = CliRunner().invoke(main, ["init", str(vault)])
    assert out.exit_code == 0, out.output
    config = load(vault)
    assert config.resolution == "slug"
    assert config.timestamp_pattern == "markdown-t"
    assert config.exclude == ["Templates/**"]
    assert config.schemas == [{"path": "schemas/notes.schema.json"}]
    assert json.loads((vault / "schemas/notes.schema.json").read_text())["properties"]["videoId"]["pattern"]
    text = (vault / ".vaultlint.toml").read_text()
    assert "5 of 5 links (100%) name a note by a title" in text
    # it then checked the vault with that config, and found it clean
    assert "All clear: 5 notes checked, no problems." in out.output
    assert CliRunner().invoke(main, ["check", str(vault)]).exit_code == 0


def test_init_keeps_an_existing_config(make_vault):
    vault = make_vault({"a.md": "[[b]]\n"}, config='ignore = ["broken-link"]\n')
    out = CliRunner().invoke(main, ["init", str(vault)])
    assert out.exit_code == 2 and "exists" in out.output
    assert (vault / ".vaultlint.toml").read_text() == 'ignore = ["broken-link"]\n'
    out = CliRunner().invoke(main, ["init", str(vault), "--force", "--no-schema"])
    assert out.exit_code == 0
    assert "Found 1 problem" in out.output and "--write-baseline" in out.output


def test_init_print_writes_nothing(make_vault):
    vault = make_vault({"a.md": "[[b]] and [c](c.md)\n", "b.md": "", "c.md": ""})
    out = CliRunner().invoke(main, ["init", str(vault), "--print"])
    assert out.exit_code == 0
    assert "# Links: 1 wiki-links and 1 Markdown links" in out.output
    assert 'resolution = "slug"' not in out.output
    assert not (vault / ".vaultlint.toml").exists()


def test_init_on_the_real_vault(corpus, tmp_path):
    h = habits.detect(corpus("kepano-obsidian"))
    assert h.templates == "Templates" and h.resolution == "obsidian"
    tubegraph = habits.detect(corpus("tubegraph-sample"))
    assert tubegraph.resolution == "slug"
    assert tubegraph.stamp_preset == "yt-timestamp"

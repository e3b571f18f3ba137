"""`vaultlint init`: the config written fits the vault's habits."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from vaultlint.cli import main
from vaultlint.commands import init as habits
from vaultlint.config.settings import load


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
    assert h.excluded == ["Templates/**"] and "templates.json" in h.templates[0][1]
    assert set(h.schema["properties"]) == {"title", "videoId"}
    assert "required" not in h.schema  # five notes are too few to tell that every note must have a key
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
    assert h.excluded == ["Templates/**"] and h.resolution == "obsidian"
    tubegraph = habits.detect(corpus("tubegraph-sample"))
    assert tubegraph.resolution == "slug"
    assert tubegraph.stamp_preset == "yt-timestamp"


def test_templates_are_found_by_what_they_hold_not_by_their_name(make_vault):
    vault = make_vault({
        # Templates in a folder no setting names, in another language: placeholders tell.
        "Modèles/Livre.md": "---\ncreated: {{date}}\n---\n# {{title}}\n",
        "Modèles/Réunion.md": "---\ndate: <% tp.date.now() %>\n---\n",
        "Modèles/Vide.md": "---\ntags: [livre]\n---\n",
        # A folder named Templates that holds notes: checked, its broken link reported.
        "Templates/How we write templates.md": "Ask [[Nobody here]].\n",
        "Templates/Review.md": "Notes on templates.\n",
        # A placeholder in code is an example, not a template.
        "Guides/Dates.md": "Write `{{date}}` in a template.\n\n```\n{{title}}\n```\n",
        # A template alone at the root: the note itself.
        "Daily template.md": "---\nday: {{date:YYYY-MM-DD}}\n---\n",
    })
    h = habits.detect(vault)
    assert h.excluded == ["Modèles/**", "Daily template.md"]
    assert h.named_templates == ["Templates"] and h.notes == 3
    text = habits.config_text(h)
    assert "#   Modèles/: 2 of its 3 notes hold placeholders" in text
    assert "# Templates/ is named like templates, but none of its notes holds a placeholder: checked." in text
    out = CliRunner().invoke(main, ["init", str(vault), "--no-schema"])
    assert out.exit_code == 0, out.output
    found = CliRunner().invoke(main, ["check", str(vault), "--no-cache"]).output
    assert "frontmatter-syntax" not in found
    assert "Templates/How we write templates.md:1:5: " in found  # the link to a note not written


def test_the_templater_folder_is_excluded(make_vault):
    vault = make_vault({"_meta/tpl/a.md": "no placeholder yet\n", "n.md": ""})
    settings = vault / ".obsidian/plugins/templater-obsidian/data.json"
    settings.parent.mkdir(parents=True)
    settings.write_text('{"templates_folder": "_meta/tpl"}')
    h = habits.detect(vault)
    assert h.excluded == ["_meta/tpl/**"] and "Templater" in h.templates[0][1]


def test_after_init_the_real_vault_s_templates_are_not_reported(corpus, tmp_path):
    vault = tmp_path / "kepano"
    shutil.copytree(corpus("kepano-obsidian"), vault)
    before = CliRunner().invoke(main, ["check", str(vault), "--no-cache"]).output
    assert "{{...}}` template placeholders" in before
    (vault / ".obsidian" / "templates.json").unlink()  # the folder is found by what its notes hold, too
    out = CliRunner().invoke(main, ["init", str(vault)])
    assert out.exit_code in (0, 1), out.output
    assert load(vault).exclude == ["Templates/**"]
    after = CliRunner().invoke(main, ["check", str(vault), "--no-cache"]).output
    assert "frontmatter-syntax" not in after and "frontmatter-schema" not in after

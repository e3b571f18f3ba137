"""`vaultlint mv`: renames that keep every link working, in its own style."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from vaultlint import api
from vaultlint.cli import main


def mv(vault, old, new, *flags):
    return CliRunner().invoke(main, ["mv", *flags, str(vault / old), str(vault / new)])


def text(vault, name) -> str:
    return (vault / name).read_bytes().decode("utf-8")


def broken(vault) -> list[str]:
    return [f"{d.path}: {d.message}" for d in api.lint([vault], select=["broken-link"]).diagnostics]


def test_a_note_renamed_keeps_alias_heading_block_embed_and_front_matter_links(make_vault):
    vault = make_vault({
        "Old.md": "# Head\nblock ^b1\n[[#Head]] [[Old#Head]]\n",
        "a.md": '---\nrelated: "[[Old]]"\n---\n[[Old]] [[Old|the old one]] [[Old#Head|h]] ![[Old#^b1]] [[old]]\r\n',
        "b.md": "[[Other]] [[missing]] `[[Old]]`\n",
        "Other.md": "",
    })
    result = mv(vault, "Old.md", "New")
    assert result.exit_code == 0, result.output
    assert "Moved Old.md to New.md; rewrote 7 links in 2 notes." in result.output
    assert not (vault / "Old.md").exists()
    assert text(vault, "New.md") == "# Head\nblock ^b1\n[[#Head]] [[New#Head]]\n"
    assert text(vault, "a.md") == (
        '---\nrelated: "[[New]]"\n---\n[[New]] [[New|the old one]] [[New#Head|h]] ![[New#^b1]] [[New]]\r\n'
    )
    assert text(vault, "b.md") == "[[Other]] [[missing]] `[[Old]]`\n"  # code is not a link


def test_a_short_name_that_becomes_ambiguous_is_qualified_and_so_are_links_it_would_steal(make_vault):
    vault = make_vault({
        "x/Draft.md": "",
        "y/Topic.md": "",
        "a.md": "[[Draft]] [[Topic]] [[Topic|t]]\n",
    })
    assert mv(vault, "x/Draft.md", "z/Topic.md").exit_code == 0
    assert text(vault, "a.md") == "[[z/Topic]] [[y/Topic]] [[y/Topic|t]]\n"
    assert broken(vault) == []
    assert api.lint([vault], select=["broken-link"]).vault.find("y/Topic", "a.md") == ["y/Topic.md"]


def test_markdown_links_keep_encoding_brackets_and_relative_paths(make_vault):
    vault = make_vault({
        "notes/My Note.md": "[up](../top.md) [side](./sib.md) [root](notes/sib.md)\n",
        "notes/sib.md": "",
        "top.md": "[a](notes/My%20Note.md#Part) [b](<notes/My Note.md>) [c](./notes/My%20Note.md 'title')\n",
    })
    assert mv(vault, "notes/My Note.md", "archive/2024/Done (old).md").exit_code == 0
    assert text(vault, "top.md") == (
        "[a](archive/2024/Done%20%28old%29.md#Part) [b](<archive/2024/Done (old).md>) "
        "[c](./archive/2024/Done%20%28old%29.md 'title')\n"
    )
    assert text(vault, "archive/2024/Done (old).md") == (
        "[up](../../top.md) [side](../../notes/sib.md) [root](notes/sib.md)\n"
    )
    assert broken(vault) == []


def test_a_folder_moves_with_every_file_and_every_link_to_it(make_vault):
    vault = make_vault({
        "proj/plan.md": "![[proj/img.png]] [[notes]]\n",
        "proj/notes.md": "",
        "proj/img.png": b"\x89PNG",
        "home.md": "[[proj/plan]] [[plan]] ![[img.png]] ![](proj/img.png)\n",
        "archive/index.md": "",
    })
    result = mv(vault, "proj", "archive")
    assert result.exit_code == 0, result.output
    assert "Moved proj to archive/proj (3 files)" in result.output
    assert text(vault, "home.md") == "[[archive/proj/plan]] [[plan]] ![[img.png]] ![](archive/proj/img.png)\n"
    assert text(vault, "archive/proj/plan.md") == "![[archive/proj/img.png]] [[notes]]\n"
    assert broken(vault) == []


def test_dry_run_shows_the_plan_and_changes_nothing(make_vault):
    vault = make_vault({"a.md": "[[b]]\n", "b.md": ""})
    result = mv(vault, "b.md", "c.md", "--dry-run")
    assert result.exit_code == 0
    assert "rename b.md -> c.md\n--- a/a.md\n+++ b/a.md\n" in result.output
    assert "-[[b]]\n+[[c]]\n" in result.output
    assert "Would move b.md to c.md; would rewrite 1 link in 1 note." in result.output
    assert (vault / "b.md").exists() and text(vault, "a.md") == "[[b]]\n"


def test_merge_points_links_at_the_keeper_and_leaves_both_texts(make_vault):
    vault = make_vault({
        "dup.md": "# Only here\n",
        "keep.md": "# Shared\n",
        "a.md": "[[dup]] [[dup#Shared]] [[dup#Only here|x]]\n",
    })
    result = mv(vault, "dup.md", "keep.md", "--merge")
    assert result.exit_code == 0, result.output
    assert text(vault, "a.md") == "[[keep]] [[keep#Shared]] [[keep#Only here|x]]\n"
    assert text(vault, "dup.md") == "# Only here\n"
    assert "combine what dup.md adds into keep.md, then delete dup.md" in result.output
    assert "`#Only here` is not a heading of keep.md" in result.output


@pytest.mark.parametrize("new", ["exists.md", "../outside.md", ".hidden/n.md"])
def test_a_move_that_cannot_be_done_changes_nothing(make_vault, new):
    vault = make_vault({"a.md": "[[b]]\n", "b.md": "", "exists.md": ""})
    result = mv(vault, "b.md", new)
    assert result.exit_code == 2
    assert "vaultlint: error:" in result.output
    assert (vault / "b.md").exists() and text(vault, "a.md") == "[[b]]\n"


def test_the_vault_root_is_required_when_no_folder_is_marked(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text("")
    result = CliRunner().invoke(main, ["mv", str(tmp_path / "sub/a.md"), str(tmp_path / "sub/b.md")])
    assert result.exit_code == 2 and "--vault" in result.output


def test_renaming_a_much_linked_note_of_the_help_vault_breaks_nothing(corpus, tmp_path):
    import shutil

    vault = tmp_path / "help"
    shutil.copytree(corpus("obsidian-help-en"), vault)
    (vault / ".vaultlint.toml").write_text("")
    before = broken(vault)
    moved = api.move(vault / "Plugins/Command palette.md", vault / "Archive/Palette.md")
    assert moved.links > 40
    assert broken(vault) == before


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_a_symlinked_note_moves_as_a_link_and_its_target_stays(make_vault, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "real.md"
    outside.write_text("text\n")
    vault = make_vault({"a.md": "[[linked]]\n"})
    (vault / "linked.md").symlink_to(outside)
    assert mv(vault, "linked.md", "renamed.md").exit_code == 0
    assert (vault / "renamed.md").is_symlink() and outside.read_text() == "text\n"
    assert text(vault, "a.md") == "[[renamed]]\n"


def test_an_attachment_renamed_keeps_its_embeds_working(make_vault):
    vault = make_vault({
        "img.png": b"\x89PNG",
        "a.md": "![[img.png|200]] ![alt](img.png) [[img.png#x]]\n",
    })
    assert mv(vault, "img.png", "pics/photo one.png").exit_code == 0
    assert text(vault, "a.md") == "![[photo one.png|200]] ![alt](pics/photo%20one.png) [[photo one.png#x]]\n"
    assert broken(vault) == []


def test_a_move_cut_short_is_finished_by_running_it_again(make_vault, monkeypatch):
    vault = make_vault({
        "notes/Old.md": "[[a]] [up](../a.md)\n",
        "a.md": "[[Old]] [[notes/Old|o]]\n",
        "b.md": "![[Old]]\n",
    })

    def killed(src, dst):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr("os.rename", killed)
        with pytest.raises(KeyboardInterrupt):
            api.move(vault / "notes/Old.md", vault / "New.md")
    assert (vault / "notes/Old.md").exists()  # the links were written, the file not moved yet
    moved = api.move(vault / "notes/Old.md", vault / "New.md")
    assert moved.links == 0 and (vault / "New.md").exists()
    assert text(vault, "a.md") == "[[New]] [[New|o]]\n"
    assert text(vault, "New.md") == "[[a]] [up](a.md)\n"
    assert broken(vault) == []


def test_a_note_changed_meanwhile_stops_the_move_before_any_file_moves(make_vault, monkeypatch):
    vault = make_vault({"a.md": "[[b]]\n", "b.md": "", "c.md": "[[b]]\n"})
    from vaultlint.fix import move as rename

    real = rename.write_note

    def edited_by_hand(root, path, *args):
        if path == "c.md":
            (root / path).write_text("[[b]] edited\n")
        return real(root, path, *args)

    monkeypatch.setattr(rename, "write_note", edited_by_hand)
    with pytest.raises(api.UsageError, match="changed on disk"):
        api.move(vault / "b.md", vault / "d.md")
    assert (vault / "b.md").exists() and text(vault, "c.md") == "[[b]] edited\n"


def test_the_baselines_entries_follow_the_notes_moved(make_vault):
    """Moved notes keep their old problems known: their entries move with
    them (a note, or every note of a folder), and so does the text at fault
    of a link the move rewrote; none is counted as gone."""
    vault = make_vault({
        "Old.md": "# Old\n[[gone]]\n",
        "Folder/In.md": "[[nowhere]] and [[Old#No such heading]]\n",
        "Stays.md": "[[Old#Missing]] and [[also gone]]\n",
        ".vaultlint.toml": 'baseline = "baseline.json"\n',
    })
    baseline = vault / "baseline.json"
    assert CliRunner().invoke(main, ["check", "--write-baseline", str(baseline), str(vault)]).exit_code == 0
    before = CliRunner().invoke(main, ["check", str(vault)])
    assert before.exit_code == 0 and "5 known problems hidden" in before.output

    dry = mv(vault, "Old.md", "New.md", "--dry-run")
    assert dry.exit_code == 0 and "3 entries of the baseline" in dry.output and "would follow the move" in dry.output
    assert "Old.md" in baseline.read_text()
    moved = mv(vault, "Old.md", "New.md")
    assert moved.exit_code == 0, moved.output
    assert "3 entries of the baseline" in moved.output and "followed the move" in moved.output
    assert mv(vault, "Folder", "Elsewhere").exit_code == 0
    after = CliRunner().invoke(main, ["check", str(vault)])
    assert after.exit_code == 0, after.output
    assert "5 known problems hidden by the baseline" in after.output and "gone" not in after.output
    paths = {entry["path"] for entry in json.loads(baseline.read_text())["problems"]}
    assert paths == {"New.md", "Elsewhere/In.md", "Stays.md"}
    # --no-baseline leaves it alone (and its entries then no longer match)
    assert mv(vault, "New.md", "Newer.md", "--no-baseline").exit_code == 0
    assert CliRunner().invoke(main, ["check", str(vault)]).exit_code == 1


def test_ctrl_c_while_links_are_rewritten_says_how_far_it_got(make_vault, monkeypatch):
    from vaultlint.fix import move as rename

    vault = make_vault({"Old.md": "", "a.md": "[[Old]]\n", "b.md": "[[Old]]\n"})
    write_note = rename.write_note

    def then_ctrl_c(root, path, *args):
        if path == "b.md":
            raise KeyboardInterrupt
        return write_note(root, path, *args)

    monkeypatch.setattr(rename, "write_note", then_ctrl_c)
    result = mv(vault, "Old.md", "New.md")
    assert result.exit_code == 130
    assert result.output == ("vaultlint: interrupted: 1 of the 2 notes to rewrite was rewritten, nothing was moved "
                             "yet: run the same command again to finish\n")
    monkeypatch.setattr(rename, "write_note", write_note)
    assert mv(vault, "Old.md", "New.md").exit_code == 0  # as it says
    assert text(vault, "a.md") == text(vault, "b.md") == "[[New]]\n"


def test_a_note_that_cannot_be_written_or_a_file_that_cannot_move_is_a_message_not_a_traceback(make_vault, monkeypatch):
    from vaultlint.fix import move as rename

    vault = make_vault({"a.md": "[[b]]\n", "b.md": "", "c.md": "[[b]]\n"})
    real = rename.write_note

    def disk_full(root, path, *args):
        if path == "c.md":
            raise OSError(28, "No space left on device")
        return real(root, path, *args)

    with monkeypatch.context() as m:
        m.setattr(rename, "write_note", disk_full)
        result = CliRunner().invoke(main, ["mv", "--vault", str(vault), str(vault / "b.md"), str(vault / "d.md")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "c.md: No space left on device" in result.output and "nothing was moved" in result.output
    assert (vault / "b.md").exists() and text(vault, "c.md") == "[[b]]\n"

    def refused(src, dst):
        raise PermissionError(13, "Permission denied")

    with monkeypatch.context() as m:
        m.setattr("os.rename", refused)
        result = CliRunner().invoke(main, ["mv", "--vault", str(vault), str(vault / "b.md"), str(vault / "d.md")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "cannot move b.md to d.md: Permission denied" in result.output
    moved = api.move(vault / "b.md", vault / "d.md")  # run again once the cause is gone: it finishes
    assert (vault / "d.md").exists() and text(vault, "a.md") == "[[d]]\n" and moved.links == 0

"""The vault index resolves links the way Obsidian does."""

from __future__ import annotations

import copy
import unicodedata

import pytest

from vaultlint.markdown.scanner import scan
from vaultlint.vault.index import Status, Vault, find_root, glob_to_regex


def link(text):
    (lk,) = scan(text).links
    return lk


@pytest.fixture
def vault(make_vault):
    root = make_vault({
        "Home.md": "# Home\n## Part one\n### Detail\nA fact. ^fact\n",
        "a/Same.md": "", "b/Same.md": "",
        "a/deep/Only.md": "",
        "Café.md".replace("é", "e\u0301"): "",  # stored decomposed, as macOS does
        "img/pic.png": "",
        ".obsidian/hidden.md": "", ".trash/Gone.md": "",
        "Templates/Daily.md": "",
    })
    return Vault(root, exclude=["Templates/**"])


@pytest.mark.parametrize("text, source, status, path", [
    ("[[Home]]", "x.md", Status.FOUND, "Home.md"),
    ("[[home]]", "x.md", Status.FOUND, "Home.md"),
    ("[[Home.md]]", "x.md", Status.FOUND, "Home.md"),
    ("[[deep/Only]]", "x.md", Status.FOUND, "a/deep/Only.md"),
    ("[[a/deep/Only]]", "x.md", Status.FOUND, "a/deep/Only.md"),
    ("[[b/deep/Only]]", "x.md", Status.MISSING, None),
    ("[[Café]]", "x.md", Status.FOUND, "Cafe\u0301.md"),
    ("![[pic.png]]", "x.md", Status.FOUND, "img/pic.png"),
    ("![[pic]]", "x.md", Status.MISSING, None),
    ("[[Home#Part one]]", "x.md", Status.FOUND, "Home.md"),
    ("[[Home#part ONE]]", "x.md", Status.FOUND, "Home.md"),
    ("[[Home#Part one#Detail]]", "x.md", Status.FOUND, "Home.md"),
    ("[[Home#Detail#Part one]]", "x.md", Status.MISSING_HEADING, "Home.md"),
    ("[[Home#Nowhere]]", "x.md", Status.MISSING_HEADING, "Home.md"),
    ("[[Home#^fact]]", "x.md", Status.FOUND, "Home.md"),
    ("[[Home#^nope]]", "x.md", Status.MISSING_BLOCK, "Home.md"),
    ("[x](../Home.md)", "a/n.md", Status.FOUND, "Home.md"),
    ("[x](../../Home.md)", "a/n.md", Status.MISSING, None),
    ("[x](/a/deep/Only.md)", "b/n.md", Status.FOUND, "a/deep/Only.md"),
    ("[[hidden]]", "x.md", Status.MISSING, None),
    ("[[Gone]]", "x.md", Status.MISSING, None),
    ("[[Daily]]", "x.md", Status.FOUND, "Templates/Daily.md"),
])
def test_resolve(vault, text, source, status, path):
    res = vault.resolve(link(text), source)
    assert (res.status, res.path) == (status, path)


def test_ambiguous_names_prefer_the_linking_notes_folder(vault):
    res = vault.resolve(link("[[Same]]"), "b/n.md")
    assert res.ambiguous and res.path == "b/Same.md"
    assert set(res.candidates) == {"a/Same.md", "b/Same.md"}


def test_case_sensitive_setting(make_vault):
    root = make_vault({"Home.md": ""})
    assert Vault(root, case_sensitive=True).resolve(link("[[home]]"), "x.md").status is Status.MISSING


def test_slug_resolution(make_vault):
    root = make_vault({"some_title_case_name.md": ""})
    assert Vault(root).resolve(link("[[Some Title Case Name]]"), "x.md").status is Status.MISSING
    assert Vault(root, resolution="slug").resolve(link("[[Some Title Case Name]]"), "x.md").status is Status.FOUND


def test_excluded_notes_are_targets_but_not_checked(vault):
    assert vault.is_excluded("Templates/Daily.md")
    assert "Templates/Daily.md" in vault.note_paths


def test_root_is_found_from_a_note(make_vault):
    root = make_vault({"deep/er/n.md": ""})
    assert find_root([root / "deep" / "er" / "n.md"]) == root.resolve()


@pytest.mark.parametrize("pattern, path, hit", [
    ("Templates/**", "Templates/a/b.md", True),
    ("Templates/**", "x/Templates/a.md", False),
    ("*.excalidraw.md", "a/b/c.excalidraw.md", True),
    ("drafts/", "drafts/x.md", True),
    ("a/*.md", "a/b/c.md", False),
])
def test_globs(pattern, path, hit):
    assert bool(glob_to_regex(pattern).fullmatch(path)) is hit


def test_names_are_nfc_normalised(make_vault):
    root = make_vault({unicodedata.normalize("NFD", "Ärger.md"): ""})
    assert Vault(root).resolve(link("[[ärger]]"), "x.md").status is Status.FOUND


def test_kept_answers_are_the_answers_of_every_folder(make_vault):
    """`candidates` keeps a bare name's answer for every folder; asked in any
    order, from any folder, it must say what a fresh lookup says (including
    `x.md`, which `x.md.md` in the linking note's folder answers)."""
    import itertools
    import random

    files = {"Alpha.md": "", "a/Alpha.md": "", "a/Beta.md": "", "b/Gamma.md": "", "b/x.md.md": "",
             "c/pic.png": "", "Delta.md": "", "c/Delta.md": "", "c/deep/Eps.md": ""}
    root = make_vault(files)
    targets = ["Alpha", "Beta", "Gamma", "x.md", "x", "pic.png", "Delta", "Eps", "deep/Eps", "./Beta",
               "../Alpha", "/Delta", "Missing", "beta", "x.md.md", "x.MD", "X.Md"]
    sources = ["note.md", "a/n.md", "b/n.md", "c/n.md", "c/deep/n.md"]
    pairs = list(itertools.product(targets, sources))
    for seed in range(5):
        random.Random(seed).shuffle(pairs)
        vault = Vault(root)
        for target, source in pairs:
            fresh = Vault(root).candidates(target, source)  # (a vault that has answered nothing yet)
            assert vault.candidates(target, source) == fresh, (target, source)


@pytest.mark.parametrize("resolution", ["obsidian", "slug"])
@pytest.mark.parametrize("case_sensitive", [False, True])
def test_a_bare_name_finds_what_the_long_way_finds(make_vault, resolution, case_sensitive):
    """A bare name that one file or none has is answered without looking
    for paths: the answer must be the long way's, from every folder."""
    import itertools

    files = {"Alpha.md": "", "a/alpha.md": "", "a/Beta.md": "", "b/Gamma.md": "", "b/x.md.md": "", "pic.png": "",
             "c/pic.png.md": "", "c/Delta.md": "", "c/deep/Eps.md": "", "some_title.md": "", "d/some_title.md": "",
             "one_slug.md": "", "Ärger.md": "", "e/Ω.png": "", "f/A b.md": ""}
    vault = Vault(make_vault(files), resolution=resolution, case_sensitive=case_sensitive)
    targets = ["Alpha", "alpha", "Beta", "beta", "Gamma", "x", "x.md", "x.MD", "pic.png", "pic.png.md", "Delta", "Eps",
               "Some Title", "One Slug", "one slug!", "ärger", "A\u0308rger", "Ω.png", "ω.PNG", "A b", "a  b",
               "Missing", "a.b", "tail.", "Beta "]
    for target, folder in itertools.product(targets, ["", "a", "b", "c", "c/deep", "d", "e", "f"]):
        source = f"{folder}/n.md" if folder else "n.md"
        assert list(vault.candidates(target, source)) == vault._search(target, folder), (target, folder)


@pytest.mark.parametrize("case_sensitive", [False, True])
def test_index_answers_as_a_file_by_file_index_would(tmp_path, case_sensitive):
    # Names shared by several files, case variants (a case-sensitive disk),
    # a note named like another file's full name, `.md` twice, no extension.
    files = sorted(["A.md", "a.md", "x/a.md", "a", "a.md.md", "B.MD", "b.md/c.png", "c.png", "d/c.png", "x/A",
                    "deep/er/a.MD", "é.md", "e\u0301.md"])
    vault = Vault(tmp_path, case_sensitive=case_sensitive)
    vault.files = files
    by_path, by_name = {}, {}
    for path in files:  # the index as it was first written: file by file
        key = vault.key(path)
        name = key.rsplit("/", 1)[-1]
        by_path[key] = path
        if path.lower().endswith(".md"):
            by_path.setdefault(key[:-3], path)
            name = name[:-3]
        by_name.setdefault(name, []).append(path)
    assert {name: vault.named(name) for name in by_name} == by_name
    assert {key: vault.exact(key) for key in by_path} == by_path
    assert vault.named("nobody") == [] and vault.exact("x/nobody") is None


def test_index_keys_of_unusual_names(make_vault):
    files = ["Straße/Note.MD", "e\u0301te\u0301.md", "dir.md/y.md", "a/b.c.md", "İ/ﬁle.md", "Ω.png"]
    root = make_vault({name: "" for name in files})
    vault = Vault(root)
    for path in files:  # each key as if made from its own piece of the path
        base = path.rsplit("/", 1)[-1]
        assert vault.exact(vault.key(path)) == path
        if path.lower().endswith(".md"):
            assert vault.exact(vault.key(path[:-3])) == path
            base = base[:-3]
        assert path in vault.named(vault.key(base))
    assert vault.find("strasse/note", "x.md") == ["Straße/Note.MD"]



@pytest.mark.parametrize("case_sensitive", [False, True])
def test_a_target_written_as_a_file_name_finds_a_file(tmp_path, case_sensitive):
    # The quick look at a note's bytes before a pooled run counts a target
    # in `written_names` as found, without decoding it or asking `find`.
    files = sorted(["A.md", "x/a.md", "a", "a.md.md", "B.MD", "b.md/c.png", "c.png", "deep/er/a.MD", "é.md",
                    "e\u0301.md", "Straße/Note.MD", "İ/ﬁle.md", "Ω.png"])
    vault = Vault(tmp_path, case_sensitive=case_sensitive)
    vault.files = files
    names = vault.written_names
    assert names == {n.encode() for n in ["A", "a", "a.md", "B", "c.png", "é", "e\u0301", "Note", "ﬁle", "Ω.png"]}
    for name in names:
        assert vault.find(name.decode(), "elsewhere/n.md"), name

def test_a_new_name_index_makes_the_slug_index_again(make_vault):
    # `vaultlint mv` indexes a copy of the vault with the files renamed.
    vault = Vault(make_vault({"Old Name.md": "x\n"}), resolution="slug")
    assert vault.find("old_name", "x.md") == ["Old Name.md"]
    after = copy.copy(vault)
    after.files = ["New Name.md"]
    after._index()
    assert after.find("new_name", "x.md") == ["New Name.md"]
    assert after.find("old_name", "x.md") == []


def test_the_walk_lists_files_not_hidden_and_follows_no_folder_link(make_vault):
    root = make_vault({
        "Home.md": "", "a/b/Deep.md": "", "a/.hidden.md": "", ".git/config": "", "img/pic.png": "",
    })
    (root / "a" / "b" / "loop").symlink_to(root / "a", target_is_directory=True)  # followed, it never ends
    (root / "Link.md").symlink_to(root / "Home.md")
    (root / "Dangling.md").symlink_to(root / "nowhere.md")
    assert Vault(root).files == ["Dangling.md", "Home.md", "Link.md", "a/b/Deep.md", "img/pic.png"]


def test_glance_reads_a_note_without_keeping_it_and_gives_one_held(make_vault):
    from vaultlint.markdown.note import parse

    root = make_vault({"a.md": "# On disk\n", "b.md": "# B\n"})
    vault = Vault(root)
    assert vault.glance("a.md").body.headings[0].text == "On disk"
    (root / "a.md").write_text("# Changed\n", encoding="utf-8")
    assert vault.glance("a.md").body.headings[0].text == "Changed"  # read again: not kept
    vault.remember(parse("b.md", "# Fixed, not yet written\n", False, None))
    assert vault.glance("b.md").body.headings[0].text == "Fixed, not yet written"
    assert vault.note("b.md").body.headings[0].text == "Fixed, not yet written"  # still held


# -- the vault root when no marker names it ------------------------------------------
def unmarked_vault(root, git: bool):
    """A vault kept in a folder with no `.obsidian/` or `.vaultlint.toml`: a
    note in `Plugins/` links to notes outside it."""
    import subprocess

    for name, text in {"Plugins/Sync.md": "See [[Home]] and [[Guides/Setup]].\n", "Home.md": "[[Sync]]\n",
                       "Guides/Setup.md": ""}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    if git:
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def test_a_check_of_a_subfolder_of_a_git_vault_resolves_links_elsewhere(tmp_path):
    from click.testing import CliRunner

    from vaultlint.cli import main

    root = unmarked_vault(tmp_path / "repo", git=True)
    (root / "Plugins" / "Deep").mkdir()
    assert find_root([root / "Plugins" / "Deep"]) == root.resolve()
    out = CliRunner().invoke(main, ["check", "--no-cache", str(root / "Plugins")])
    assert out.exit_code == 0, out.output
    assert out.stdout == "All clear: 1 note checked, no problems.\n"  # [[Home]], [[Guides/Setup]] found at the top
    assert out.stderr == (f"vaultlint: no .obsidian/ or .vaultlint.toml found above {root / 'Plugins'}; using the"
                          f" git work tree {root.resolve()} as the vault root (--vault to choose)\n")
    # --vault chooses, silently: then the links lead out of that vault.
    out = CliRunner().invoke(main, ["check", "--no-cache", "--vault", str(root / "Plugins"), str(root / "Plugins")])
    assert out.exit_code == 1 and "Home" in out.stdout and "vault root" not in out.stderr
    # A marker is no guess: nothing is said.
    (root / ".obsidian").mkdir()
    out = CliRunner().invoke(main, ["check", "--no-cache", str(root / "Plugins")])
    assert out.exit_code == 0 and out.stderr == ""


def test_without_git_the_folder_given_is_the_root_and_that_is_said(tmp_path):
    from click.testing import CliRunner

    from vaultlint.cli import main

    root = unmarked_vault(tmp_path / "plain", git=False)
    out = CliRunner().invoke(main, ["check", "--no-cache", str(root / "Plugins")])
    assert out.exit_code == 1 and "Sync.md:1:5:" in out.stdout  # [[Home]] is outside the root taken
    assert f"using {(root / 'Plugins').resolve()} as the vault root (--vault to choose)" in out.stderr


def test_a_git_work_tree_at_the_home_folder_is_no_vault(tmp_path, monkeypatch):
    home = unmarked_vault(tmp_path / "home", git=True)
    monkeypatch.setenv("HOME", str(home))
    assert find_root([home / "Plugins"]) == (home / "Plugins").resolve()


def test_mv_in_a_subfolder_of_a_git_vault_rewrites_the_links_elsewhere(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from vaultlint.cli import main

    root = unmarked_vault(tmp_path / "repo", git=True)
    monkeypatch.chdir(root / "Plugins")  # the current folder holds OLD, but the vault is larger
    out = CliRunner().invoke(main, ["mv", "Sync.md", "Sync service.md"])
    assert out.exit_code == 0, out.output
    assert (root / "Home.md").read_text() == "[[Sync service]]\n"
    assert "using the git work tree" in out.stderr

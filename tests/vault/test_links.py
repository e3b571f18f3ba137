"""Links on real vaults: what Obsidian resolves is never reported, what is
broken is, suggestions are of the right kind, and `vaultlint links` shows
the vault's link health."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from conftest import SEEDS

from vaultlint import api
from vaultlint.cli import main
from vaultlint.markdown.scanner import scan
from vaultlint.vault.index import Vault, heading_key, slugify
from vaultlint.vault.suggest import Suggester, is_clear_winner

LINK_RULES = ["broken-link", "unwritten-note", "broken-heading", "broken-block-ref"]


def messages(result, rule):
    return [(d.path, d.message) for d in result.diagnostics if d.rule == rule]


def test_obsidian_help_has_only_the_links_that_are_really_broken(corpus):
    result = api.lint([corpus("obsidian-help-en")], select=LINK_RULES)
    found = sorted((d.path, d.rule, d.message.split("`")[1]) for d in result.diagnostics)
    # `[[Example]]` and `[x](Example.md)` are prose showing the syntax outside
    # code: Obsidian draws them as unresolved links. The video is not in the
    # help vault's repository.
    # No note is named like them: notes not written yet, not typos.
    assert found == [("Extending Obsidian/Obsidian CLI.md", "broken-link", "obsidian-cli.mp4")] + [
        ("Linking notes and files/Internal links.md", "unwritten-note", target)
        for target in ["Example"] * 4 + ["Example.md"] * 2
    ]


def test_headings_and_block_ids_as_the_help_vault_writes_them():
    body = scan("### `hasTag()`\n## Sync: how? ##\n![[image.png]]^version-image\n")
    assert [h.text for h in body.headings] == ["`hasTag()`", "Sync: how?"]
    assert [b.id for b in body.block_ids] == ["version-image"]
    assert heading_key("`hasTag()`") == heading_key("hasTag")
    assert heading_key("How large can each remote vault be?") == heading_key("how large can each remote vault be")


def test_the_quartz_slug_rule_is_the_one_tubegraph_uses(corpus):
    assert slugify("Libertarianism and anarcho-capitalism") == "libertarianism_and_anarchocapitalism"
    assert slugify("Compaq's Rise  and Early Success") == "compaqs_rise_and_early_success"
    root = corpus("tubegraph-sample")
    vault = Vault(root, resolution="slug")
    title_case = resolved = 0
    for path in vault.note_paths:
        for link in vault.note(path).links:
            if link.target and re.search(r"[A-Z ]", link.target):
                title_case += 1
                resolved += vault.find(link.target, path) != []
    assert title_case > 500 and resolved > 80  # Title Case links that only the slug finds


def test_tubegraph_in_slug_mode_reports_only_links_that_resolve_nowhere(corpus, tmp_path):
    config = tmp_path / "slug.toml"
    config.write_text('resolution = "slug"\n')
    root = corpus("tubegraph-sample")
    result = api.lint([root], config_file=config, select=["broken-link"])
    names = {p.rsplit("/", 1)[-1][:-3].casefold() for p in result.vault.note_paths}
    targets = [d.message.split("`")[1] for d in result.diagnostics]
    assert targets, "the sample links to many notes of the full vault that it does not hold"
    # Independently of the resolver: no reported target is a note by its
    # name, its file name, or its slug.
    for target in targets:
        name = target.rsplit("/", 1)[-1].removesuffix(".md").casefold()
        assert name not in names and slugify(name) not in names, target
    reported = set(targets)
    assert "Libertarianism and anarcho-capitalism" not in reported


def test_the_seed_note_s_duplicated_link_texts_are_all_found():
    result = api.lint([SEEDS / "tubegraph"], select=["duplicated-link-text"])
    shown = [d.message.split("`")[1] for d in result.diagnostics]
    assert shown == [
        "compliance and reduce uncertainty",
        "international priorities",
        "reducing the risk of conflict",
        "technological progress underscores the need",
    ]


def test_suggestions_are_of_the_right_kind_and_never_absurd(corpus):
    root = corpus("tubegraph-sample")
    names = [p.rsplit("/", 1)[-1][:-3] for p in Vault(root).note_paths]
    suggester = Suggester(names)
    # The old scorer suggested `notion` and 70-letter names for these.
    assert suggester.suggest("counting_puzzle_involving_pi") == ()
    assert suggester.suggest("physics_of_elastic_collisions") == ()
    best = suggester.suggest("Decomposing sound frequencies")
    assert best[0].value == "decomposing_sound_into_frequencies"
    sure = suggester.suggest("Ai Safety And Security Measure")
    assert sure[0].value == "ai_safety_and_security_measures" and is_clear_winner(sure, 88, 6)


def test_help_vault_suggests_notes_for_notes(corpus):
    result = api.lint([corpus("obsidian-help-en")], select=["broken-link"])
    for d in result.diagnostics:
        assert not any(s.endswith(".png") for s in d.suggestions), d


def test_links_view_text_and_json(make_vault):
    root = make_vault({
        "a.md": "[[Missing topic]] [[missing_topic]] [[Meeting]] [[b]]",
        "b.md": "[[Missing topic]] [[a]]",
        "c.md": "alone",
        "work/Meeting.md": "",
        "home/Meeting.md": "",
        "ai_safety_and_existence_risk.md": "[[ai_safety_and_existential_risk]]",
        "ai_safety_and_existential_risk.md": "",
    })
    runner = CliRunner()
    out = runner.invoke(main, ["links", str(root), "--output-format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    top = data["missing"]["most_wanted"][0]
    assert (top["target"], top["links"], top["notes"]) == ("Missing topic", 2, ["a.md", "b.md"])
    assert "c.md" in data["orphans"] and "a.md" not in data["orphans"]
    assert data["ambiguous"][0]["write"] == ["home/Meeting", "work/Meeting"]
    pair = ["ai_safety_and_existence_risk.md", "ai_safety_and_existential_risk.md"]
    assert data["near_duplicates"][0]["notes"] == pair
    text = runner.invoke(main, ["links", str(root)]).output
    assert "Most wanted missing notes (2 missing targets, 3 links)" in text
    assert "[[Meeting]] fits home/Meeting.md, work/Meeting.md: write [[home/Meeting]] or [[work/Meeting]]" in text


def test_the_suggestion_benchmark_runs(tmp_path, capsys):
    from benchmarks import suggestions

    assert suggestions.main(["--synthetic", "400", "--per-kind", "20", "--corpora", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    row = re.search(r"^all\s+(\d+)\s+([\d.]+)%\s+([\d.]+)%", out.split("all datasets")[1], re.M)
    assert row and float(row.group(2)) > 80  # top-1 on typos, plurals, separators...


def test_large_vaults_prune_by_length_without_changing_an_answer():
    """Above `SMALL` names the suggester only scores names whose length lets
    them reach the floor; the answers must be those of scoring every name
    the word index finds (the band is exact, never a guess)."""
    import random

    from benchmarks.generate import misspell, topic_names
    from vaultlint.vault import suggest

    names = topic_names(suggest.SMALL + 3000, seed=5)
    pruned = suggest.Suggester(names)
    unpruned = suggest.Suggester(names)
    everything = (1 << len(names)) - 1
    unpruned._length_band = lambda length: everything
    rng = random.Random(5)
    queries = [misspell(rng.choice(names), rng) for _ in range(150)]
    queries += ["ai", "x", "diplomacy product", "a b c d e f g h", rng.choice(names)]
    found = 0
    for query in queries:
        got = pruned.suggest(query)
        assert got == unpruned.suggest(query), query
        found += bool(got)
    assert found > 100  # the queries are near names: most find one


def test_members_of_a_bitmap_are_its_bits_set():
    """The suggester meets word postings as bitmaps of up to 100,000 names
    and lists the names left by their bits, few or many."""
    import random

    from vaultlint.vault.suggest import _members

    rng = random.Random(3)
    for size, count in [(8, 1), (10_600, 1), (10_600, 20), (10_600, 200), (10_600, 201), (106_000, 60),
                        (106_000, 5_000), (64, 64)]:
        ids = set(rng.sample(range(size), count)) | {size - 1}
        assert _members(sum(1 << i for i in ids)) == ids, (size, count)
    assert _members(0) == set()


def test_words_alike_by_a_typo_or_another_form():
    from vaultlint.vault.suggest import words_alike

    assert words_alike("ntoes", "notes") and words_alike("existence", "existential")
    assert words_alike("measurment", "measurement") and words_alike("publish", "publishing")
    assert not words_alike("derivative", "antiderivative") and not words_alike("exist", "exits!")
    assert not words_alike("cat", "dog") and not words_alike("notion", "nation's")


def test_near_duplicates_across_the_vault_come_in_path_order():
    """`vaultlint links` lists the near-duplicate pairs in path order, however
    the names fall into buckets (a pair found late may sort first)."""
    from vaultlint.vault.near_names import near_duplicates

    paths = ["Meeting notes a.md", "Meeting notes b.md", "Meeting notez a.md", "Meeting notez b.md",
             "Meting notes a.md", "Meting notes b.md", "Apple pie recipe.md", "Apple pie recipes.md",
             "Meeting notes.md", "Meeting note.md"]
    for same_folder in (False, True):
        pairs = near_duplicates(paths, 80.0, same_folder)
        assert len(pairs) > 3 and pairs == sorted(pairs), same_folder


def test_display_text_words_split_fast_as_the_word_pattern_splits_them():
    # `_shown_words` splits texts of words and spaces without its pattern:
    # the same words, casefolded, as the pattern finds (non-ASCII, `_`,
    # apostrophes, tabs and punctuation take the pattern's way).
    from vaultlint.rules.duplicated_link_text import _WORD, _shown_words

    for alias in ["Entropy Equation  in Spreadsheets", "İstanbul Straße ΣΑΣ", "rock 'n' roll", "don’t stop",
                  "snake_case words", "tab\tseparated words", "anarcho-capitalism today", "x.y z", "  ",
                  "the and of", "Ünïcödé 42 words"]:
        words = tuple(w.casefold() for w in _WORD.findall(alias))
        assert _shown_words(alias) == words, alias


def test_attachment_links_are_told_as_the_extension_pattern_tells_them():
    import re

    from vaultlint.checks.link_targets import ATTACHMENT_EXTENSIONS, is_attachment_link

    # Only the file types Obsidian opens make an attachment (`[[TLS 1.0]]` is a note).
    extension = re.compile(r"\.([A-Za-z0-9]{1,8})$")
    for target in ["pic.png", "a/b/pic.PNG", "Note", "note.md", "Note.MD", "a.b/c", "x.", ".png", "a.tar.gz",
                   "v1.2 notes", "x.abcdefgh", "x.abcdefghi", "x.p_g", "x.pñg", "x.png\n", "x.png\n\n",
                   "x.png ", "dir.png/", "a.md/x.jpg", "x.²", "TLS 1.0", "x.PDF", "x.canvas"]:
        m = extension.search(target.rsplit("/", 1)[-1])
        assert is_attachment_link(target) == (m is not None and m.group(1).lower() in ATTACHMENT_EXTENSIONS), target

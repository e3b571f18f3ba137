"""The rules that read words, right on hand-written vaults in any language:
`duplicated-link-text` and `near-duplicate-note` (issue 20)."""

from __future__ import annotations

import os
import time

from vaultlint import api
from vaultlint.engine.stats import RunStats
from vaultlint.vault.near_names import near_duplicates

ARTICLE = (
    "Statistics is the study of how to collect, describe and read data. A sample stands for a population,\n"
    "and an estimate says something about the population from the sample, with some uncertainty.\n\n"
    "## Averages\n\nThe mean, the median and the mode each say where the middle of the data lies.\n"
)
TEMPLATE = """---
plugin-id: {id}
publish: true
---

# {title}

Plugin ID: `{id}`
Links: [GitHub repository](https://github.com/{author}/obsidian-{id})
Developed by: [[{author}]]
Mobile compatible: [[Mobile-compatible plugins|Yes]]

{description}
"""


def near(result) -> list[tuple[str, str]]:
    return [(d.path, d.message) for d in result.diagnostics if d.rule == "near-duplicate-note"]


def dated(root, *names):
    """Make the files look written long ago, so the cache trusts their times."""
    for name in names:
        os.utime(root / name, ns=(time.time_ns() - 10**10,) * 2)


def test_names_that_differ_in_their_symbols_name_different_things():
    names = ["C Functions", "C++ Functions", "C# Functions", "Bash &", "Bash &&", "Rust ?", "Rust", "A + B", "A B"]
    assert near_duplicates([n + ".md" for n in names], 80) == []
    # Separators are not symbols: a colon for a dash is one name written twice.
    pair = ["RedShift - OLED Blue Light Filter.md", "RedShift: OLED Blue Light Filter.md"]
    assert [p[:2] for p in near_duplicates(pair, 80)] == [tuple(pair)]


def test_near_names_alone_are_not_reported(make_vault):
    """Reordered or inflected names of notes that say different things."""
    files = {
        "inline-code-copy.md": "Adds a button that copies an inline code span when it is clicked, by lhinxue.\n" * 3,
        "copy-inline-code.md": "Copy the text of inline code with a click anywhere in reading view, by ozavodny.\n" * 3,
        "Redis Sets.md": "A set holds unique strings; SADD adds members and SMEMBERS lists them all at once.\n",
        "Redis SET.md": "SET key value stores a string, with EX for an expiry in seconds and NX to only create.\n",
        "Statistics.md": ARTICLE,
        "Statistic.md": "A statistic is one number computed from a sample, such as its mean or its largest value.\n",
    }
    assert near(api.lint([make_vault(files)], select=["near-duplicate-note"])) == []


def test_names_suffice_when_asked(make_vault):
    """`evidence = "names"`: for a generated vault whose names are its topics."""
    files = {
        "Statistics.md": ARTICLE,
        "Statistic.md": "A statistic is one number computed from a sample, say its mean.\n",
    }
    config = '[rule.near-duplicate-note]\nevidence = "names"\n'
    found = near(api.lint([make_vault(files, config=config)], select=["near-duplicate-note"]))
    assert found == [("Statistics.md", "`Statistics` is nearly the name of `Statistic.md`")]


def test_the_evidence_is_named(make_vault):
    files = {
        # A copy of a note, renamed: the same text but for its name.
        "Statistics.md": ARTICLE,
        "Statistic.md": ARTICLE.replace("Statistics", "Statistic"),
        # A note made by following a link with the other spelling.
        "Neural Networks.md": ARTICLE.replace("Statistics", "Neural networks"),
        "neural_network.md": "",
        # The same video's notes, on one topic.
        "ai_alignment_and_safety.md": "---\nvideoId: 64lXQP6cs5M\n---\n" + ARTICLE,
        "ai_safety_and_alignment.md": "---\nvideoId: 64lXQP6cs5M\n---\nAI safety is a field of its own, with words.\n",
    }
    found = dict(near(api.lint([make_vault(files)], select=["near-duplicate-note"])))
    assert found == {
        "Statistics.md": "`Statistics` is nearly the name of `Statistic.md`, and their texts are the same but for "
        "their names",
        "neural_network.md": "`neural_network` is nearly the name of `Neural Networks.md`, and it is nearly empty",
        "ai_safety_and_alignment.md": "`ai_safety_and_alignment` is nearly the name of `ai_alignment_and_safety.md`, "
        "and both have `videoId: 64lXQP6cs5M`",
    }


def test_notes_made_from_one_template_are_not_one_note(make_vault):
    """Two plugins of a community wiki: the template's words are shared, not
    the plugins; a theme listed twice under two names is one."""
    todo = TEMPLATE.format(
        id="todo-sort",
        title="Todo sort",
        author="ryangomba",
        description="A plugin that sorts todos by completion status.",
    )
    todos = TEMPLATE.format(
        id="todos-sort",
        title="Todos sort",
        author="jsifalda",
        description="Sorting your TODOs (checkboxes) in current note by completion status.",
    )
    theme = TEMPLATE.format(
        id="redshift", title="RedShift: OLED Blue Light Filter", author="norderan", description="Downloads: 1655"
    )
    files = {
        "Plugins/todo-sort.md": todo,
        "Plugins/todos-sort.md": todos,
        "Themes/RedShift: OLED Blue Light Filter.md": theme,
        "Themes/RedShift - OLED Blue Light Filter.md": theme.replace("1655", "4106").replace(":", " -", 1),
    }
    found = near(api.lint([make_vault(files)], select=["near-duplicate-note"]))
    assert [path for path, _message in found] == ["Themes/RedShift: OLED Blue Light Filter.md"]


def test_the_report_goes_with_the_likeness_and_the_cache_knows(make_vault):
    """The pairs of names are kept in the cache; whether the notes still say
    the same is read again when one of them changes."""
    files = {"Statistics.md": ARTICLE, "Statistic.md": ARTICLE, "other.md": "x\n"}
    root = make_vault(files)
    dated(root, *files)
    first = near(api.lint([root], select=["near-duplicate-note"]))
    assert [path for path, _m in first] == ["Statistics.md"]
    warm = api.lint([root], select=["near-duplicate-note"])
    assert near(warm) == first and (warm.stats.vault_rules_run, warm.stats.read) == (0, 0)  # the cache answers
    (root / "Statistic.md").write_text(
        "A statistic is one number computed from a sample, such as its mean.\n", encoding="utf-8"
    )
    changed = api.lint([root], select=["near-duplicate-note"])
    assert near(changed) == [] and changed.stats.vault_rules_run == 1
    assert near(api.lint([root], select=["near-duplicate-note"], cache=False)) == []
    (root / "Statistic.md").write_text(ARTICLE, encoding="utf-8")  # alike again
    assert near(api.lint([root], select=["near-duplicate-note"])) == first


def test_only_the_notes_of_a_pair_are_read(make_vault):
    """The candidates come from the names; only their notes are read (a
    vault of 100,000 notes reads a few hundred)."""
    files = {f"topic {i}.md": f"note {i} about its own thing\n" for i in range(40)}
    files |= {"Statistics.md": ARTICLE, "Statistic.md": ARTICLE}
    root = make_vault(files)
    config, vault = api.open_vault([root])
    rules = config.active_rules(["near-duplicate-note"], None)
    stats = RunStats()
    found = api.run_rules(vault, config, rules, vault.note_paths, stats=stats)
    assert [d.path for d in found if d.rule == "near-duplicate-note"] == ["Statistics.md"]
    # Each note read once to be checked (and let go), then the pair's two again by the rule.
    assert (stats.checked, stats.vault_rules_run, stats.read) == (len(files), 1, len(files) + 2)


def test_duplicated_link_text_is_silent_on_the_help_vaults(corpus):
    """Obsidian's own help, written by people, in two languages: a name
    written twice there is written twice on purpose."""
    for name in ("obsidian-help-en", "obsidian-help-fr"):
        result = api.lint([corpus(name)], select=["duplicated-link-text"], cache=False)
        assert [(d.path, d.line) for d in result.diagnostics] == [], name


def test_duplicated_link_text_keeps_the_generated_artefacts(corpus):
    """tubegraph's notes repeat phrases right before a link or at the end of
    the sentence; each of those found before the rule lost its word list is
    still found."""
    result = api.lint([corpus("tubegraph-sample")], select=["duplicated-link-text"], cache=False)
    found = {(d.path, d.line, d.message.split("`")[1]) for d in result.diagnostics}
    for expected in [
        ("dwarkeshpatel/strategic_international_coordination_on_ai_governance.md", 31, "reducing the risk of conflict"),
        ("dwarkeshpatel/nuclear_deterrence_and_conflicts.md", 31, "Taiwan"),
        ("dwarkeshpatel/coordination_problems_in_institutions.md", 15, "systemic dissonance"),
        (
            "dwarkeshpatel/implications_and_challenges_of_cryptocurrency_and_bitcoin.md",
            24,
            "Bitcoin offers a level of pseudonymity that is attractive",
        ),
        ("dwarkeshpatel/optimizing_for_the_long_term_and_its_challenges.md", 15, "and resources"),
    ]:
        assert expected in found, expected
    assert len(found) >= 63

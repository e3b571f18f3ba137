"""Video timestamps and front-matter dates: the parsers, the stamp presets,
and the timestamp and date rules on the real vaults."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import SEEDS

from vaultlint import api
from vaultlint.checks.dates import read_date
from vaultlint.config.schema import ConfigError
from vaultlint.markdown.note import parse
from vaultlint.markdown.scanner import DEFAULT_STAMP_PATTERN, scan
from vaultlint.markdown.stamps import PRESETS, format_time, parse_time

STAMP_RULES = ["timestamp-format", "timestamp-order", "timestamp-range"]


@pytest.mark.parametrize(
    "text, seconds, form, written",
    [("01:49:50", 6590, "HH:MM:SS", "01:49:50"), ("1:02:52", 3772, "H:MM:SS", "1:02:52"),
     ("42:24", 2544, "MM:SS", "42:24"), ("9:18", 558, "M:SS", "9:18"), ("00:5:52", 352, "HH:MM:SS", "00:05:52"),
     ("754s", 754, "S", "754"), ("1h2m3s", 3723, "hms", "1h2m3s")],
)
def test_times_are_read_with_their_form_and_written_back_alike(text, seconds, form, written):
    time, why = parse_time(text)
    assert (time.seconds, time.form, why) == (seconds, form, "")
    assert format_time(time.seconds, time.form) == written


@pytest.mark.parametrize("text", ["01:75:10", "00:01:60", "1:234", "abc", ""])
def test_what_is_not_a_time_says_why(text):
    time, why = parse_time(text)
    assert time is None and why


@pytest.mark.parametrize("text", ["00:00:00", "01:49:50", "11:59:59", "00:60:00", "00:00:60", "1:02:03", "001:02:03",
                                  "00:5:52", "42:24", "754", " 01:02:03", "01:02:03 ", "ab:cd:ef", "99:59:59", ""])
def test_the_stamp_rules_skip_only_times_that_parse_padded_in_hh_mm_ss(text):
    """`padded_times` lets the stamp rules pass a note by at C speed: it must
    say yes only where parsing the time would leave them nothing to say
    (and it does for the seed vault's `HH:MM:SS`)."""
    time = parse_time(text)[0]
    parsed_plain = time is not None and time.form == "HH:MM:SS" and not time.unpadded and len(text) == 8
    pattern = re.compile(DEFAULT_STAMP_PATTERN)

    def stamp(time, label):
        return f'<a class="yt-timestamp" data-t="{time}">[{label}]</a>'

    body = scan(f"{stamp(text, text)} and {stamp(text, text)}", 0, pattern)
    assert (body.padded_times is not None) == parsed_plain
    assert [s.time for s in body.stamps] == [text, text]  # made when asked for, all the same
    assert scan(f"{stamp(text, text)} and {stamp(text, 'intro')}", 0, pattern).padded_times is None
    assert scan("no stamps", 0, pattern).padded_times == []
    # A pattern without a label group: only the time counts.
    time_only = re.compile(r"\[(?P<time>[^\]]*)\]")
    assert (scan(f"[{text}] [{text}]", 0, time_only).padded_times is not None) == parsed_plain


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_each_preset_finds_its_own_example_and_reads_its_time(name):
    pattern, example = PRESETS[name]
    note = parse("a.md", f"Before {example} after.\n", stamp_pattern=re.compile(pattern))
    [stamp] = note.body.stamps
    assert parse_time(stamp.group("time"))[0] is not None


def test_a_misspelt_preset_is_a_config_error_that_names_the_right_one(make_vault):
    vault = make_vault({"a.md": "x"}, config='timestamp-pattern = "markdown"\n')
    with pytest.raises(ConfigError, match="did you mean `markdown-t`"):
        api.lint([vault])


def test_a_date_that_is_not_real_is_read_as_text_not_a_crash(make_vault):
    types = '{"types": {"created": "date"}}'
    vault = make_vault({".obsidian/types.json": types, "a.md": "---\ncreated: 2024-13-01\n---\n"})
    result = api.lint([vault], select=["frontmatter-syntax", "date-format"])
    assert [(d.rule, d.line) for d in result.diagnostics] == [("date-format", 2)]


@pytest.mark.parametrize(
    "text, iso, exact",
    [("2024-01-05", "2024-01-05", True), ("2023-03-10 09:48:22", "2023-03-10T09:48:22", False),
     ("2024/1/5", "2024-01-05", False), ("13/01/2024", "2024-01-13", False), ("01/13/2024", "2024-01-13", False),
     ("Jan 5, 2024", "2024-01-05", False), ("5 January 2024", "2024-01-05", False)],
)
def test_dates_with_one_reading_give_their_iso_form(text, iso, exact):
    reading = read_date(text)
    assert (reading.iso, reading.exact, reading.problem) == (iso, exact, "")


def test_a_day_first_or_month_first_date_is_ambiguous_with_both_readings():
    reading = read_date("05/01/2024")
    assert reading.value is None and reading.readings == ("2024-05-01", "2024-01-05")


def test_the_seed_vault_has_one_bad_stamp_and_one_label_typed_by_hand():
    result = api.lint([SEEDS / "tubegraph"], select=STAMP_RULES + ["date-format", "date-order"])
    assert sorted((d.path.rsplit("/", 1)[-1], d.rule) for d in result.diagnostics) == [
        ("ai_progress_forecasting.md", "timestamp-format"),
        ("alignment_and_misalignment_of_ai.md", "timestamp-format"),
    ]


def test_tubegraph_stamps_written_mm_ss_00_are_found_and_fixed_to_their_label(corpus, tmp_path):
    source = corpus("tubegraph-sample")
    vault = tmp_path / "vault"
    shutil.copytree(source / "3blue1brown", vault / "3blue1brown")
    note = "3blue1brown/counting_subsets_with_conditions.md"
    found = api.lint([vault / note], vault_dir=vault, select=["timestamp-format"]).diagnostics
    shifted = [d for d in found if "written as MM:SS:00" in d.message]
    assert len(shifted) >= 40
    assert all(d.fix.applicability.value == "unsafe" for d in shifted)
    api.fix([vault / note], vault_dir=vault, select=["timestamp-format"], unsafe=True)
    text = (vault / note).read_text(encoding="utf-8")
    assert 'data-t="13:36:00"' not in text and 'data-t="00:13:36">[0:13:36]' in text
    after = api.lint([vault / note], vault_dir=vault, select=["timestamp-format"]).diagnostics
    assert not [d for d in after if "MM:SS:00" in d.message or "differs" in d.message]


def test_tubegraph_stamps_past_twelve_hours_are_reported(corpus):
    result = api.lint([corpus("tubegraph-sample") / "causalpython"], select=["timestamp-range"])
    assert result.diagnostics
    assert all("past 12:00:00" in d.message for d in result.diagnostics)


def test_the_help_vault_has_no_stamps_and_no_bad_dates(corpus):
    result = api.lint([corpus("obsidian-help-en")], select=STAMP_RULES + ["date-format", "date-order"])
    assert result.diagnostics == []


def test_kepano_dates_are_read_from_types_json_and_only_a_link_is_reported(corpus):
    result = api.lint([corpus("kepano-obsidian")], select=["date-format", "date-order"])
    assert [(d.rule, d.message) for d in result.diagnostics] == [
        ("date-format", "last: `[[2022-04]]` is a link, not a date"),
    ]


# What a paragraph start is, in one pattern (tried at every character, so
# the rule searches for it in pieces).
PARAGRAPH_START = re.compile(r"\n[ \t]*\n|^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]|^ {0,3}#{1,6}[ \t]", re.M)


@pytest.mark.parametrize("text", ["", "a\n\n- x\n* y\n+ z\n1. one\n22) two\n# h\n   ### h3\n    #### code?\n",
                                  "\n\n\n\n", "a\n \t\nb\n-x\n- \n#no\n####### seven\n", "\r\n\r\n- crlf\r\n",
                                  "- first\ntext\n\n\n\t- tab\n1234567890. long\n"])
def test_paragraph_starts_are_those_of_the_one_pattern(text):
    from vaultlint.rules.timestamp_order import paragraph_starts

    for start in range(len(text) + 1):
        expected = [m.end() if m.group().startswith("\n") else m.start() for m in PARAGRAPH_START.finditer(text, start)]
        assert paragraph_starts(text, start) == expected, (text, start)



def test_a_time_across_lines_is_no_padded_time(make_vault):
    """A pattern of one's own may take a newline into the time: two padded
    times on two lines are then one time, and not a valid one."""
    config = 'timestamp-pattern = "\\\\[(?P<time>[^\\\\]]*)\\\\]"\n'
    root = make_vault({"a.md": "x [01:02:03\n04:05:06] y\n"}, config=config)
    result = api.lint([root], select=["timestamp-format"], cache=False)
    assert [d.message for d in result.diagnostics] == [
        "time `01:02:03\n04:05:06` is not a valid time (not a time in the form HH:MM:SS)"]

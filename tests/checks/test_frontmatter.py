"""Front-matter schemas and rules beyond the rule pages: config errors, drafts,
formats, compile-once, `schema infer`, and the real vaults."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from vaultlint import api
from vaultlint.checks import schemas
from vaultlint.cli import main
from vaultlint.config.schema import ConfigError

FM_RULES = ["frontmatter-syntax", "frontmatter-schema", "frontmatter-duplicate-key",
            "frontmatter-unknown-key", "frontmatter-implicit-type"]


def lines(root, select=FM_RULES, config_file=None):
    result = api.lint([root], select=select, config_file=config_file)
    return [f"{d.path}:{d.line}:{d.column}: {d.rule} {d.message}" for d in result.diagnostics]


# -- schema files that cannot be used ------------------------------------------
@pytest.mark.parametrize(("schema_file", "problem"), [
    (None, "schema file talk.schema.json does not exist"),
    ('{"type": "objekt"}', "schema talk.schema.json is not valid JSON Schema at `type`"),
    ('{"type": ', "schema file talk.schema.json is not valid JSON"),
    ('{"$schema": "https://example.org/my-draft", "type": "object"}', "names an unknown draft"),
    ("[1, 2]", "a schema is an object, not array"),
])
def test_a_config_schema_that_cannot_be_used_is_exit_2_naming_file_and_problem(make_vault, schema_file, problem):
    files = {"a.md": "---\ntitle: A\n---\n"}
    if schema_file is not None:
        files["talk.schema.json"] = schema_file
    root = make_vault(files, config='[[schema]]\npath = "talk.schema.json"\n')
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 2
    assert ".vaultlint.toml: [[schema]] #1:" in result.output and problem in result.output


def test_an_unknown_built_in_schema_suggests_the_closest(make_vault):
    root = make_vault({"a.md": "x"}, config='[[schema]]\npath = "obsidan"\n')
    with pytest.raises(ConfigError, match="no built-in schema `obsidan` \\(did you mean `obsidian`\\?\\)"):
        api.lint([root])


def test_where_matches_a_value_or_a_listed_one(make_vault):
    movie = '{"type": "object", "required": ["director"]}'
    root = make_vault({"movie.json": movie,
                       "a.md": '---\ncategories:\n  - "[[Movies]]"\n---\n',
                       "b.md": '---\ncategories: "[[Movies]]"\n---\n',
                       "c.md": '---\ncategories: ["[[Books]]"]\n---\n',
                       "d.md": "no front-matter\n"},
                      config='[[schema]]\nwhere = { categories = "[[Movies]]" }\npath = "movie.json"\n')
    assert [x.split(":")[0] for x in lines(root)] == ["a.md", "b.md"]


def test_where_must_map_keys_to_strings(make_vault):
    root = make_vault({"a.md": "x"}, config='[[schema]]\npath = "obsidian"\nwhere = { type = 3 }\n')
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 2 and "schema.0.where.type" in result.output


def test_refs_to_schema_files_beside_the_schema_are_followed(make_vault):
    common = ('{"$defs": {"tag": {"type": "string", "pattern": "^[a-z]+$"}},'
              ' "properties": {"shared": {"type": "string"}}}')
    note = ('{"type": "object", "additionalProperties": false, "allOf": [{"$ref": "common.json"}],'
            ' "properties": {"tags": {"items": {"$ref": "common.json#/$defs/tag"}}, "title": {"type": "string"}}}')
    root = make_vault({"schemas/common.json": common, "schemas/note.json": note,
                       "a.md": "---\ntitle: A\ntags: [ok, Not-OK]\nshared: 5\ntitel: x\n---\n"},
                      config='[[schema]]\npath = "schemas/note.json"\n')
    assert lines(root) == [
        'a.md:3:12: frontmatter-schema `tags[1]` must match ^[a-z]+$, got "Not-OK" (a string)',
        "a.md:4:9: frontmatter-schema `shared` must be a string, got 5 (a number)",
        "a.md:5:1: frontmatter-unknown-key unknown key `titel` (did you mean `title`?)",
    ]


@pytest.mark.parametrize(("ref", "problem"), [
    ("nope.json", "schema file nope.json does not exist (paths are relative to the schema that refers to it)"),
    ("https://example.org/s.json", "vaultlint reads no schema from the network"),
])
def test_a_ref_that_cannot_be_read_is_a_config_error(make_vault, ref, problem):
    root = make_vault({"s.json": json.dumps({"properties": {"x": {"$ref": ref}}}), "a.md": "x"},
                      config='[[schema]]\npath = "s.json"\n')
    with pytest.raises(ConfigError, match="schema s.json: ") as got:
        api.lint([root])
    assert problem in str(got.value)


# -- drafts and formats ----------------------------------------------------------
def test_the_draft_named_by_dollar_schema_is_used(make_vault):
    draft7 = {"$schema": "http://json-schema.org/draft-07/schema#",
              "properties": {"pair": {"items": [{"type": "string"}, {"type": "integer"}]}}}
    root = make_vault({"s.json": json.dumps(draft7), "a.md": "---\npair: [a, b]\n---\n"},
                      config='[[schema]]\npath = "s.json"\n')
    assert lines(root) == ['a.md:2:11: frontmatter-schema `pair[1]` must be an integer, got "b" (a string)']


def test_array_items_are_not_draft_2020_12(make_vault):
    root = make_vault({"s.json": '{"properties": {"pair": {"items": [{"type": "string"}]}}}', "a.md": "x"},
                      config='[[schema]]\npath = "s.json"\n')
    with pytest.raises(ConfigError, match="not valid JSON Schema at `properties/pair/items`"):
        api.lint([root])


def test_dates_yaml_made_objects_are_valid_dates_and_strings(make_vault):
    # Nested: top-level dates are date-format's (with its fixes).
    schema = {"properties": {"event": {"properties": {
        "day": {"type": "string", "format": "date", "pattern": "^2024"},
        "at": {"type": "string", "format": "date-time"},
        "local": {"type": "string", "format": "date-time"},
        "bad": {"type": "string", "format": "date"},
        "notime": {"type": "string", "format": "date-time"},
        "mail": {"type": "string", "format": "email"},
    }}}}
    note = ("---\nevent:\n  day: 2024-01-31\n  at: 2024-01-31 10:30:00\n  local: \"2024-01-31T10:30\"\n"
            "  bad: \"2024-13-01\"\n  notime: 2024-01-31\n  mail: someone.example.org\n---\n")
    root = make_vault({"s.json": json.dumps(schema), "a.md": note}, config='[[schema]]\npath = "s.json"\n')
    assert lines(root) == [
        'a.md:6:8: frontmatter-schema `event.bad` must be a valid date (YYYY-MM-DD), got "2024-13-01" (a string)',
        "a.md:7:11: frontmatter-schema `event.notime` must be a valid date-time (YYYY-MM-DDTHH:MM:SS),"
        " got 2024-01-31 (a date)",
        'a.md:8:9: frontmatter-schema `event.mail` must be a valid email, got "someone.example.org" (a string)',
    ]


def test_top_level_dates_are_left_to_date_format(make_vault):
    schema = {"properties": {
        "at": {"type": "string", "format": "date-time"},
        "bad": {"type": "string", "format": "date"},
        "notime": {"type": "string", "format": "date-time"},
        "mail": {"type": "string", "format": "email"},
    }}
    note = ("---\nday: 2024-01-31\nat: 2024-01-31 10:30:00\nlocal: \"2024-01-31T10:30\"\n"
            "bad: \"2024-13-01\"\nnotime: 2024-01-31\nmail: someone.example.org\n---\n")
    root = make_vault({"s.json": json.dumps(schema), "a.md": note}, config='[[schema]]\npath = "s.json"\n')
    # Top-level dates are date-format's (with their fixes); other formats stay here.
    assert lines(root, select=[*FM_RULES, "date-format"]) == [
        "a.md:3:5: date-format at: `2024-01-31 10:30:00` has a space where Obsidian writes `T`",
        "a.md:5:6: date-format bad: `2024-13-01` is not a real date: there is no month 13"
        " (`2024-01-13` with the day and month swapped?)",
        "a.md:6:9: date-format notime: `2024-01-31` has no time; `notime` is a date & time property",
        'a.md:7:7: frontmatter-schema `mail` must be a valid email, got "someone.example.org" (a string)',
    ]


def test_an_impossible_date_is_text_reported_once_not_a_crash(make_vault):
    root = make_vault({".obsidian/types.json": '{"types": {"due": "date"}}', "a.md": "---\ndue: 2024-02-30\n---\n"})
    assert lines(root, select=[*FM_RULES, "date-format"]) == [
        "a.md:2:6: date-format due: `2024-02-30` is not a real date: February 2024 has no day 30"
    ]


@pytest.mark.parametrize(("schema", "value", "message"), [
    ({"enum": ["draft", "published"]}, "publishd",
     '`x` must be one of `draft`, `published`, got "publishd" (a string) (did you mean `published`?)'),
    ({"type": "string", "maxLength": 3}, "abcd", '`x` must be at most 3 characters long, got "abcd" (a string)'),
    ({"type": "array", "uniqueItems": True}, "[a, b, a]", '`x` lists "a" (a string) more than once'),
    ({"type": "integer", "minimum": 1}, "0", "`x` must be at least 1, got 0 (a number)"),
    ({"type": "number", "multipleOf": 0.5}, "3.3", "`x` must be a multiple of 0.5, got 3.3 (a number)"),
    ({"contains": {"const": "book"}}, "[a]", '`x` must hold at least one item that is `book`, got ["a"] (a list)'),
    ({"anyOf": [{"type": "string"}, {"type": "array"}]}, "3", "`x` must be a string or a list, got 3 (a number)"),
    ({"type": "object", "minProperties": 1}, "{}", "`x` must have at least 1 key"),
    ({"const": "yes"}, '"no"', '`x` must be `yes`, got "no" (a string)'),
])
def test_each_keyword_is_said_in_words(make_vault, schema, value, message):
    root = make_vault({"s.json": json.dumps({"properties": {"x": schema}}), "a.md": f"---\nx: {value}\n---\n"},
                      config='[[schema]]\npath = "s.json"\n')
    assert [x.split(" ", 2)[2] for x in lines(root)] == [message]


def test_dependent_required_names_what_is_missing(make_vault):
    schema = {"dependentRequired": {"end": ["start"]}}
    root = make_vault({"s.json": json.dumps(schema), "a.md": "---\nend: soon\n---\n"},
                      config='[[schema]]\npath = "s.json"\n')
    assert lines(root) == ["a.md:2:6: frontmatter-schema `end` needs `start` too"]


def test_several_schemas_saying_the_same_make_one_diagnostic(make_vault):
    root = make_vault({".obsidian/types.json": '{"types": {"rating": "number"}}',
                       "s.json": '{"properties": {"rating": {"type": ["number", "null"]}}}',
                       "a.md": "---\nrating: five\n---\n"},
                      config='[[schema]]\npath = "s.json"\n')
    assert len(lines(root)) == 1


def test_validators_are_compiled_once_per_run_not_per_note(make_vault, monkeypatch):
    notes = {f"n{i}.md": f"---\ntitle: T{i}\nvideoId: {i}\n---\n" for i in range(30)}
    root = make_vault(notes, config='[[schema]]\npath = "tubegraph"\n[[schema]]\npath = "obsidian"\n')
    made = []
    real = schemas.validator_for
    monkeypatch.setattr(schemas, "validator_for", lambda *a, **k: made.append(1) or real(*a, **k))
    found = lines(root)
    assert len(found) == 30  # every videoId is wrong
    assert len(made) <= 4  # read/check and compile, once per schema


# -- front-matter no rule may choke on ---------------------------------------------
LAUGHS = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]" for i in range(7)])


@pytest.mark.parametrize(("yaml_text", "problem"), [
    ("a: &x [*x]", "an anchor is used inside its own value"),
    (LAUGHS, "aliases expand to more than 100,000 values"),
    ("a: " + "[" * 500 + "]" * 500, "nested more than 100 levels deep"),
])
def test_self_referencing_exploding_or_deep_yaml_is_a_syntax_problem_not_a_hang(make_vault, yaml_text, problem):
    root = make_vault({"a.md": f"---\n{yaml_text}\n---\n"}, config='[[schema]]\npath = "obsidian"\n')
    found = lines(root)
    assert len(found) == 1 and "frontmatter-syntax" in found[0] and problem in found[0]


def test_odd_but_valid_front_matter_is_checked_without_crashing(make_vault):
    notes = {
        "merge.md": "---\nbase: &b {title: A}\n<<: *b\nvideoId: abcdefghijk\n---\n",
        "keys.md": "---\n1: a\nnull: x\ntrue: y\ntitle: T\n---\n",
        "binary.md": "---\ntitle: A\nvideoId: !!binary aGVsbG8=\n---\n",
        "crlf.md": "---\r\ntitle: no\r\naliases:\r\n  - x: y\r\n---\r\n",
    }
    root = make_vault(notes, config='[[schema]]\npath = "tubegraph"\n[[schema]]\npath = "obsidian"\n')
    found = lines(root)
    assert not [x for x in found if "internal-error" in x]
    assert ("binary.md:3:10: frontmatter-schema `videoId` must match ^[A-Za-z0-9_-]{11}$,"
            " got \"b'hello'\" (binary data)") in found
    assert ("crlf.md:4:5: frontmatter-implicit-type `aliases[0]`: unquoted `x: y` is read by YAML as a mapping of"
            " `x` to `y` (a colon and a space make a key), but a string is expected: quote it") in found


# -- schema infer --------------------------------------------------------------------
def test_infer_proposes_types_enums_and_patterns_that_the_notes_pass(make_vault, tmp_path):
    notes = {f"v{i}.md": f"---\ntitle: Video {i}\nvideoId: abcdefghi{i:02d}\nstatus: {'done' if i % 2 else 'todo'}\n"
                         f"published: 2024-01-{i + 1:02d}\n---\n" for i in range(12)}
    notes["tmpl.md"] = "---\ncreated: {{date}}\n---\n"
    root = make_vault(notes)
    out = tmp_path / "inferred.schema.json"
    result = CliRunner().invoke(main, ["schema", "infer", str(root), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "left out 1 template (" in result.output
    schema = json.loads(out.read_text())
    props = schema["properties"]
    assert schema["required"] == ["published", "status", "title", "videoId"]
    assert props["status"]["enum"] == ["done", "todo", None]
    assert props["videoId"]["pattern"] == "^[A-Za-z0-9_-]{11}$"
    assert props["published"]["format"] == "date"
    assert props["title"]["description"] == "in 12 of 12 notes"
    (root / ".vaultlint.toml").write_text(f'exclude = ["tmpl.md"]\n[[schema]]\npath = "{out}"\n')
    assert lines(root) == []


def test_infer_points_at_keys_that_look_like_typos(make_vault):
    notes = {f"n{i}.md": f"---\ntitle: T{i}\nlast: 2024-01-0{i + 1}\n---\n" for i in range(4)}
    notes["typo.md"] = "---\ntitel: Typo\n---\n"
    notes["other.md"] = "---\ntitle: O\ncast: [a, b]\n---\n"  # a list: no typo of the date `last`
    result = CliRunner().invoke(main, ["schema", "infer", str(make_vault(notes))])
    assert "`titel` is in one note only: a typo of `title`?" in result.output
    assert "`cast`" not in result.output.split("}\n")[-1]


# -- the real vaults ---------------------------------------------------------------
def test_kepano_templates_are_explained_and_exclude_is_the_way_out(corpus, tmp_path):
    root = corpus("kepano-obsidian")
    found = lines(root)
    templates = [x for x in found if x.startswith("Templates/") and "frontmatter-syntax" in x]
    assert templates and all("add `Templates/**` to `exclude`" in x for x in templates if "{{" in x)
    config = tmp_path / "vaultlint.toml"
    config.write_text('exclude = ["Templates/**"]\n')
    # The one value a keeper would fix: a link where .obsidian/types.json declares a date.
    assert lines(root, select=[*FM_RULES, "date-format"], config_file=config) == [
        "References/The Legend of Zelda Breath of the Wild.md:10:7: date-format last:"
        " `[[2022-04]]` is a link, not a date"
    ]


def test_tubegraph_sample_passes_the_built_in_schemas(corpus, tmp_path):
    config = tmp_path / "vaultlint.toml"
    config.write_text('[[schema]]\npath = "tubegraph"\n[[schema]]\npath = "obsidian"\n')
    assert lines(corpus("tubegraph-sample"), config_file=config) == []


def test_obsidian_help_only_its_lone_string_aliases(corpus, tmp_path):
    config = tmp_path / "vaultlint.toml"
    config.write_text('[[schema]]\npath = "obsidian"\n')
    found = lines(corpus("obsidian-help-en"), config_file=config)
    assert found and all("`aliases` must be a list of names" in x for x in found)

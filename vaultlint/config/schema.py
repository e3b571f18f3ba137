"""The schema of `.vaultlint.toml`: what keys and values a config may hold, and its errors in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jsonschema

_STRINGS = {"type": "array", "items": {"type": "string"}}
_STRING_OR_STRINGS = {"type": ["string", "array"], "items": {"type": "string"}}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "exclude": _STRINGS,
        "select": _STRINGS,
        "extend-select": _STRINGS,
        "ignore": _STRINGS,
        "plugins": _STRINGS,
        "resolution": {"enum": ["obsidian", "slug"]},
        "case-sensitive": {"type": "boolean"},
        "trust-folder-times": {"type": "boolean"},
        "timestamp-pattern": {"type": "string"},
        "schema-key": {"type": "string"},
        "baseline": {"type": "string"},
        "schema": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["path"],
                "properties": {
                    "files": _STRINGS,
                    "path": {"type": "string"},
                    "where": {"type": "object", "additionalProperties": _STRING_OR_STRINGS},
                },
            },
        },
        "rule": {"type": "object", "additionalProperties": {"type": "object"}},
        "extends": {"type": "string"},
        "per-file-ignores": {"type": "object", "additionalProperties": _STRINGS},
    },
}


class ConfigError(Exception):
    """A config problem; the message is meant for the user as it is."""


def closest(word: str, choices) -> str:
    """' (did you mean `x`?)' when one choice is close enough, else ''."""
    choices = list(choices)
    if not choices:
        return ""
    from rapidfuzz import process

    hit = process.extractOne(word, choices, score_cutoff=60)
    return f" (did you mean `{hit[0]}`?)" if hit else ""


def _where(error: jsonschema.ValidationError) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "the top level"


def explain(error: jsonschema.ValidationError, schema: dict) -> str:
    """A jsonschema error in words that name the key and suggest another."""
    if error.validator == "additionalProperties":
        allowed = schema_at(schema, error.absolute_path).get("properties", {})
        extra = sorted(set(error.instance) - set(allowed))
        parts = [f"unknown key `{key}`{closest(key, allowed)}" for key in extra]
        where = _where(error)
        return "; ".join(parts) + ("" if where == "the top level" else f" in `{where}`")
    return f"`{_where(error)}`: {_in_words(error)}"


# What a key's value is, in a config's words (a type error names it).
_VALUES = {
    "exclude": "a list of globs", "files": "a list of globs", "plugins": "a list of files or modules",
    "select": "a list of rule names", "extend-select": "a list of rule names", "ignore": "a list of rule names",
    "per-file-ignores": "a table of globs, each with a list of rule names", "schema": "a list of [[schema]] tables",
    "rule": "a table of [rule.NAME] tables", "where": "a table of front-matter keys and values",
}
_TYPES = {"array": "a list", "string": "a string (in quotes)", "boolean": "true or false", "integer": "a whole number",
          "number": "a number", "object": "a table", "null": "nothing"}


def _in_words(error: jsonschema.ValidationError) -> str:
    """What is wrong with a value, in TOML's words rather than Python's
    (`'x' is not of type 'array'`: "must be a list of globs, not the
    string "x""); what has no words here keeps jsonschema's."""
    got = _shown(error.instance)
    if error.validator == "type":
        steps = list(error.absolute_path)
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPES.get(t, t) for t in expected)
        if steps and isinstance(steps[-1], int):
            pass  # an item of a list: its type says it
        elif len(steps) == 2 and steps[0] == "per-file-ignores":
            words = "a list of rule names"
        elif steps and steps[-1] in _VALUES:
            words = _VALUES[steps[-1]]
        return f"must be {words}, not {got}"
    if error.validator == "enum":
        choices = ", ".join(f"`{c}`" if isinstance(c, str) else _shown(c) for c in error.validator_value)
        near = closest(error.instance, [c for c in error.validator_value if isinstance(c, str)]) \
            if isinstance(error.instance, str) else ""
        return f"must be one of {choices}, not {got}{near}"
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return f"needs `{missing[0]}`" if missing else error.message
    return error.message


def _shown(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'the string "{value}"' if len(value) <= 60 else "a string"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def schema_at(schema: dict, path) -> dict:
    for step in path:
        props = schema.get("properties", {})
        if isinstance(step, str) and step in props:
            schema = props[step]
        elif isinstance(step, int) and "items" in schema:
            schema = schema["items"]
        elif isinstance(schema.get("additionalProperties"), dict):
            schema = schema["additionalProperties"]
        else:
            return {}
    return schema


def validate(data: dict, schema: dict, source: str) -> None:
    if not data and _only_optional_keys(schema):
        return  # nothing to check: no need to load jsonschema
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigError(f"{source}: " + "; ".join(explain(e, schema) for e in errors))


def _only_optional_keys(schema: dict) -> bool:
    """Whether `schema` is an object of optional keys (as a rule's options
    are), which an empty table always satisfies."""
    return schema.get("type") == "object" and set(schema) <= {"type", "properties", "additionalProperties"}

"""frontmatter-unknown-key: a front-matter key that no schema of the note allows.

What it checks
    Where one of the note's schemas is closed (`additionalProperties:
    false` or `unevaluatedProperties: false`) at a mapping, each key of that
    mapping that none of the note's schemas declares there (in `properties`
    or `patternProperties`) is unknown. Several schemas add up: with the
    built-in `obsidian` schema and a closed schema of your own, `tags` is
    allowed. The key naming the note's schema (`$schema`) is always
    allowed; `.obsidian/types.json` says which type a key has, not that it
    is allowed.

    The closest allowed key is suggested (rapidfuzz): `titel` -> `title`.

Why
    A misspelt key is a value nobody reads: the dashboard shows the note
    without a title, the query skips it, and nothing says why.

Options
    `min-score` (default 70): how close (0-100) a key must be to be
    suggested.

Example
    With a closed schema that declares `title` and `videoId`,
    `titel: On YAML` gives `frontmatter-unknown-key unknown key `titel`
    (did you mean `title`?)`.

Fix safety
    Renaming the key to the suggestion is `unsafe`: the suggestion is a
    guess from spelling, and the rename changes what the note says (a value
    no one read becomes the note's `title`). It is offered only when the
    note does not have that key already, so a fix never makes a duplicate.
"""

from __future__ import annotations

from vaultlint.checks.schemas import note_schemas, schema_set
from vaultlint.checks.yaml_traps import key_text, where
from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity
from vaultlint.vault.suggest import normalize


class FrontmatterUnknownKey(Rule):
    name = "frontmatter-unknown-key"
    severity = Severity.WARNING
    fixable = True
    options = {"min-score": {"type": "number", "minimum": 0, "maximum": 100, "default": 70}}

    def check_note(self, note, ctx):
        fm = note.frontmatter
        if fm is None or fm.root is None or not isinstance(fm.data, dict):
            return
        schemas = [s for s in note_schemas(note, ctx).schemas if not s.source]  # not types.json
        if not schemas:
            return
        always = {schema_set(ctx).key}
        yield from self._mapping(note, schemas, (), fm.data, always)

    def _mapping(self, note, schemas, path, mapping, always):
        keys: set[str] = set()
        patterns = []
        closed = False
        for schema in schemas:
            k, p, c = schema.allowed_keys(path)
            keys |= k
            patterns += p
            closed |= c
        if closed:
            present = {str(k) for k in mapping}
            choices = sorted(keys)
            for key in mapping:
                key = str(key)
                if key in keys or key in always and not path or any(p.search(key) for p in patterns):
                    continue
                yield self._unknown(note, path, key, choices, present)
        for key, value in mapping.items():
            inner = path + (str(key),)
            if isinstance(value, dict):
                yield from self._mapping(note, schemas, inner, value, always)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, dict):
                        yield from self._mapping(note, schemas, inner + (i,), item, always)

    def _unknown(self, note, path, key, choices, present):
        fm = note.frontmatter
        key_node, _value = fm.locate(path + (key,))
        start, end = fm.node_span(key_node) if key_node is not None else fm.node_span(fm.root)
        # Plain edit distance: keys are short, and partial matches (`n` in
        # `duration`) are not what a typo looks like.
        from rapidfuzz import fuzz, process  # (imported when needed: see vaultlint.suggest)

        best = process.extractOne(key, choices, scorer=fuzz.ratio, processor=normalize,
                                  score_cutoff=self.options["min-score"])
        inside = f" in {where(path)}" if path else ""
        if best is None:
            return self.diagnostic(note, start, end, f"unknown key `{key}`{inside}")
        name = best[0]
        fix = None
        if name not in present and key_node is not None:
            fix = self.fix(note, [(start, end, key_text(name))], Applicability.UNSAFE, f"rename `{key}` to `{name}`")
        return self.diagnostic(note, start, end, f"unknown key `{key}`{inside} (did you mean `{name}`?)",
                               fix=fix, suggestions=[name])

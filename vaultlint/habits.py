"""`vaultlint init`: read a vault's habits and write the config that fits it.

What is looked at, in one pass over the notes:

- links: wiki-links or Markdown links, and how many links only resolve
  when a title names a slug-named file (`[[Some Title]]` for
  `some_title.md`, as Quartz publishes), which sets `resolution = "slug"`;
- note names: how many are slugs (`lower_case_words`);
- timestamps: which of the stamp presets (`vaultlint.stamps`) the notes use
  most, which sets `timestamp-pattern`;
- templates: the folder `.obsidian/templates.json` or the Templater plugin
  names, or else a folder called `Templates`, which is excluded (its notes
  hold placeholders such as `{{date}}`, not front-matter);
- front-matter: a JSON Schema inferred from the notes (`vaultlint schema
  infer`), written next to the config and named in it.

Every setting in the written file says what it was inferred from.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .infer import infer_schema
from .note import NoteReadError
from .stamps import DEFAULT_PRESET, PRESETS
from .vault import Status, Vault

SCHEMA_FILE = "schemas/notes.schema.json"
_SLUG_NAME = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)+")
_TEMPLATE_NAMES = {"templates", "_templates", "template", "_template"}
SLUG_SHARE = 0.005  # links that only resolve as slugs, from which slug mode is chosen
MIN_SCHEMA_NOTES = 5


@dataclass
class Habits:
    root: Path
    notes: int = 0
    link_kinds: Counter = field(default_factory=Counter)  # wiki, markdown
    links: int = 0
    missing: int = 0  # links that resolve to nothing in Obsidian's way
    slug_only: int = 0  # ... of which a slug finds the note
    slug_example: tuple[str, str] | None = None  # (link, file)
    slug_names: int = 0
    stamps: Counter = field(default_factory=Counter)  # preset -> stamps
    templates: str | None = None  # the folder, from the root
    templates_why: str = ""
    schema: dict | None = None
    schema_notes: int = 0

    @property
    def resolution(self) -> str:
        """`slug` when enough links need it: a share of all links, or a few
        in a vault whose names are mostly slugs."""
        enough = self.slug_only >= SLUG_SHARE * self.links or self.slug_names >= self.notes / 2
        return "slug" if self.slug_only >= 3 and enough else "obsidian"

    @property
    def stamp_preset(self) -> str | None:
        return self.stamps.most_common(1)[0][0] if self.stamps else None


def templates_folder(root: Path, folders: set[str]) -> tuple[str | None, str]:
    """The templates folder and how it was found."""
    for file, key, who in ((".obsidian/templates.json", "folder", "Obsidian's Templates plugin"),
                           (".obsidian/plugins/templater-obsidian/data.json", "templates_folder", "Templater")):
        try:
            folder = json.loads((root / file).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(folder, str) and folder.strip("/ "):
            return folder.strip("/ "), f"the folder {who} uses ({file})"
    named = sorted((f for f in folders if f.rsplit("/", 1)[-1].casefold() in _TEMPLATE_NAMES), key=len)
    if named:
        return named[0], "a folder named like templates"
    return None, ""


def stamp_forms(text: str, start: int, patterns: dict[str, re.Pattern]) -> Counter:
    """How many stamps of each form the text holds. A stamp inside a longer
    one of another form counts once, as the longer: the seed's
    `<a class="yt-timestamp" ...>[01:49:50]</a>` holds a `[01:49:50]`."""
    spans = sorted(((m.start(), -m.end(), name) for name, p in patterns.items() for m in p.finditer(text, start)))
    counts: Counter = Counter()
    reach = -1
    for _start, minus_end, name in spans:
        if -minus_end <= reach:
            continue  # inside the stamp before it
        counts[name] += 1
        reach = max(reach, -minus_end)
    return counts


def detect(root: Path) -> Habits:
    vault = Vault(root)
    slugs = Vault(root, resolution="slug")
    found = Habits(root)
    folders = {p.rsplit("/", 1)[0] for p in vault.note_paths if "/" in p}
    found.templates, found.templates_why = templates_folder(root, folders)
    prefix = f"{found.templates}/" if found.templates else None
    stamp_patterns = {name: re.compile(regex) for name, (regex, _example) in PRESETS.items()}
    frontmatter = []
    for path in vault.note_paths:
        if prefix and path.startswith(prefix):
            continue
        try:
            note = vault.note(path)
        except NoteReadError:
            continue
        found.notes += 1
        if _SLUG_NAME.fullmatch(note.name):
            found.slug_names += 1
        for link in note.body.links:
            found.link_kinds[link.kind] += 1
        for link in note.links:
            if not link.target:
                continue
            found.links += 1
            if vault.resolve(link, path).status is Status.MISSING:
                found.missing += 1
                hit = slugs.find(link.target, path)
                if hit:
                    found.slug_only += 1
                    found.slug_example = found.slug_example or (link.target, hit[0])
        found.stamps.update(stamp_forms(note.text, note.body_start, stamp_patterns))
        fm = note.frontmatter
        if fm is not None and fm.problem is None and isinstance(fm.data, dict) and fm.data:
            frontmatter.append(fm.data)
    found.stamps = +found.stamps  # drop the presets nobody uses
    if len(frontmatter) >= MIN_SCHEMA_NOTES:
        found.schema = infer_schema(frontmatter, title=f"Front-matter of {root.name}")
        found.schema_notes = len(frontmatter)
    return found


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def config_text(h: Habits, *, schema_file: str | None = SCHEMA_FILE) -> str:
    """The `.vaultlint.toml` for these habits, each setting with its reason."""
    wiki, markdown = h.link_kinds["wiki"], h.link_kinds["markdown"]
    style = "wiki-links" if wiki >= markdown else "Markdown links"
    lines = [
        f"# Written by `vaultlint init` from the {h.notes} notes of this vault. Each setting says",
        "# what it was inferred from; change what does not fit (`vaultlint rule NAME` explains a rule).",
        'extends = "recommended"',
        "",
        f"# Links: {wiki} wiki-links and {markdown} Markdown links"
        + (f" (this vault writes {style})." if wiki + markdown else "."),
    ]
    if h.resolution == "slug":
        link, file = h.slug_example or ("", "")
        lines += [
            f"# {h.slug_only} of {h.links} links ({_percent(h.slug_only, h.links)}) name a note by a title where the",
            f"# file is a slug, as Quartz resolves them ({h.slug_names} of {h.notes} names are slugs), e.g.",
            f"#   [[{link}]] -> {file}",
            'resolution = "slug"',
        ]
    else:
        lines.append(f"# Obsidian's resolution fits: {h.slug_only} links would only resolve as slugs.")
    lines.append("")
    preset = h.stamp_preset
    if preset:
        counts = ", ".join(f"{n} {name}" for name, n in h.stamps.most_common())
        lines += [f"# Video timestamps: {counts}; written like {PRESETS[preset][1]}",
                  f'timestamp-pattern = "{preset}"']
    else:
        lines += ["# No video timestamps found; the default form is the seed vault's:",
                  f'# timestamp-pattern = "{DEFAULT_PRESET}"   # or markdown-t, wiki-t, bracket, or a regex']
    lines.append("")
    if h.templates:
        lines += ["# Templates hold placeholders such as {{date}}, not notes; their folder is",
                  f"# {h.templates_why}.",
                  f"exclude = [{json.dumps(h.templates + '/**')}]"]
    else:
        lines.append("# No templates folder found.  exclude = [\"Templates/**\"]")
    if h.schema is not None and schema_file:
        lines += ["", f"# Front-matter: a schema inferred from the {h.schema_notes} notes that have some",
                  "# (`vaultlint schema infer`); edit it to say what your notes must hold.",
                  "[[schema]]", f"path = {json.dumps(schema_file)}"]
    return "\n".join(lines) + "\n"


class InitError(Exception):
    """The config cannot be written (it exists, or the folder is not writable)."""


def write(root: Path, h: Habits, *, force: bool = False, schema: bool = True) -> list[Path]:
    """Write `.vaultlint.toml` (and the inferred schema) into the vault.
    Returns the files written. An existing config is kept unless `force`;
    an existing schema file is kept and used as it is."""
    from .config import CONFIG_NAME

    config = root / CONFIG_NAME
    if config.exists() and not force:
        raise InitError(f"{config} exists; keep it, or run `vaultlint init --force` to replace it")
    written = []
    schema_file = SCHEMA_FILE if schema and h.schema is not None else None
    try:
        if schema_file and not (root / schema_file).exists():
            (root / schema_file).parent.mkdir(parents=True, exist_ok=True)
            (root / schema_file).write_text(json.dumps(h.schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
            written.append(root / schema_file)
        config.write_text(config_text(h, schema_file=schema_file), encoding="utf-8")
    except OSError as exc:
        raise InitError(f"cannot write into {root}: {exc.strerror or exc}") from None
    written.append(config)
    return written


def summary(h: Habits) -> str:
    """One line of what `init` found, for the terminal."""
    wiki, markdown = h.link_kinds["wiki"], h.link_kinds["markdown"]
    parts = [f"{'wiki-links' if wiki >= markdown else 'Markdown links'} ({wiki} wiki, {markdown} Markdown)"]
    if h.resolution == "slug":
        parts.append(f"slug names ({h.slug_only} links resolve only as slugs)")
    if h.stamp_preset:
        parts.append(f"{h.stamps[h.stamp_preset]} timestamps of the {h.stamp_preset} form")
    if h.templates:
        parts.append(f"templates in {h.templates}/ (excluded)")
    if h.schema is not None:
        parts.append(f"a front-matter schema of {len(h.schema.get('properties', {}))} keys")
    return "; ".join(parts) + "."

"""`vaultlint init`: read a vault's habits and write the config that fits it.

What is looked at, in one pass over the notes:

- links: wiki-links or Markdown links, and how many links only resolve
  when a title names a slug-named file (`[[Some Title]]` for
  `some_title.md`, as Quartz publishes), which sets `resolution = "slug"`;
- note names: how many are slugs (`lower_case_words`);
- timestamps: which of the stamp presets (`vaultlint.stamps`) the notes use
  most, which sets `timestamp-pattern`;
- templates, which are excluded (their placeholders, such as `{{date}}`,
  are not YAML, and their links lead nowhere yet): the folder
  `.obsidian/templates.json` (Obsidian's Templates plugin) or the Templater
  plugin's settings name; a folder whose notes hold placeholders (`{{date}}`,
  `{{title}}`, Templater's `<% %>`; outside code), at least two of them and
  a third of its notes, or one in a folder named like templates; and a note
  elsewhere whose front-matter holds one. A folder named `Templates` whose
  notes hold no placeholder is a folder of notes, and checked;
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

from ..markdown.note import Note, NoteReadError
from ..markdown.scanner import apply_mask
from ..markdown.stamps import DEFAULT_PRESET, PRESETS
from ..markdown.words import counted
from ..vault.index import Status, Vault
from .schema_infer import PLACEHOLDER, infer_schema

SCHEMA_FILE = "schemas/notes.schema.json"
_SLUG_NAME = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)+")
# Where Obsidian's Templates core plugin and the Templater plugin keep their settings.
TEMPLATE_SETTINGS = ((".obsidian/templates.json", "folder", "Obsidian's Templates plugin"),
                     (".obsidian/plugins/templater-obsidian/data.json", "templates_folder", "Templater"))
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
    templates: list[tuple[str, str]] = field(default_factory=list)  # (folder/ or note, how it was found)
    named_templates: list[str] = field(default_factory=list)  # folders named so that hold no placeholder
    schema: dict | None = None
    schema_notes: int = 0

    @property
    def resolution(self) -> str:
        """`slug` when enough links need it: a share of all links, or a few
        in a vault whose names are mostly slugs."""
        enough = self.slug_only >= SLUG_SHARE * self.links or self.slug_names >= self.notes / 2
        return "slug" if self.slug_only >= 3 and enough else "obsidian"

    @property
    def excluded(self) -> list[str]:
        """The `exclude` globs of the templates."""
        return [f"{where}**" if where.endswith("/") else where for where, _why in self.templates]

    @property
    def stamp_preset(self) -> str | None:
        return self.stamps.most_common(1)[0][0] if self.stamps else None


def set_templates_folders(root: Path) -> list[tuple[str, str]]:
    """The folders the templates plugins are set to use, and where that is said."""
    found = []
    for file, key, who in TEMPLATE_SETTINGS:
        try:
            folder = json.loads((root / file).read_text(encoding="utf-8")).get(key)
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(folder, str) and folder.strip("/ "):
            found.append((folder.strip("/ "), f"the folder {who} uses ({file})"))
    return found


def holds_placeholders(note: Note) -> tuple[bool, bool]:
    """Whether the note holds template placeholders: (in its front-matter,
    anywhere outside code)."""
    fm = note.frontmatter
    in_frontmatter = fm is not None and PLACEHOLDER.search(fm.source) is not None
    if in_frontmatter:
        return True, True
    if "{{" not in note.text and "<%" not in note.text:
        return False, False
    body = apply_mask(note.text, list(note.body.masked)) if note.body.masked else note.text
    return False, PLACEHOLDER.search(body, note.body_start) is not None


def find_templates(root: Path, placeholders: dict[str, bool], notes: list[str]) -> tuple[list[tuple[str, str]],
                                                                                         list[str]]:
    """The templates of a vault as `(folder/ or note, how it was found)`,
    from the notes that hold placeholders (`placeholders`: note -> whether
    in its front-matter) among all its `notes`; and the folders named like
    templates that hold none (not excluded: their notes are notes)."""
    found = [(f"{folder}/", why) for folder, why in set_templates_folders(root)]
    total: Counter = Counter()
    holding: Counter = Counter()
    for path in notes:
        parts = path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            total[folder] += 1
            holding[folder] += path in placeholders

    def named(folder: str) -> bool:
        return "template" in folder.rpartition("/")[2].casefold()

    def qualifies(folder: str) -> bool:
        p = holding[folder]
        return (p >= 2 and 3 * p >= total[folder]) or (p >= 1 and named(folder))

    # A folder is chosen unless a folder inside it holds all its templates
    # (`Resources/Templates`, not `Resources`), then only the outermost.
    chosen = [f for f in total if qualifies(f) and not any(
        g.startswith(f + "/") and holding[g] == holding[f] and qualifies(g) for g in total)]
    for folder in sorted(chosen, key=len):
        if not any(folder.startswith(where) or f"{folder}/" == where for where, _ in found):
            found.append((f"{folder}/", f"{holding[folder]} of its {total[folder]} notes hold placeholders"))
    for path, in_frontmatter in sorted(placeholders.items()):
        if in_frontmatter and not any(path.startswith(where) for where, _ in found if where.endswith("/")):
            found.append((path, "its front-matter holds placeholders"))
    unused = sorted(f for f in total if named(f) and not holding[f]
                    and not any(f"{f}/".startswith(where) for where, _ in found))
    return found, unused


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


@dataclass
class _Seen:
    """What one note shows of the vault's habits, kept until the templates
    are known (their notes are not the vault's habits)."""

    slug_name: bool
    kinds: Counter
    links: int
    missing: int
    slug_only: list[tuple[str, str]]
    stamps: Counter
    frontmatter: dict | None


def detect(root: Path) -> Habits:
    vault = Vault(root)
    slugs = Vault(root, resolution="slug")
    found = Habits(root)
    stamp_patterns = {name: re.compile(regex) for name, (regex, _example) in PRESETS.items()}
    seen: dict[str, _Seen] = {}
    placeholders: dict[str, bool] = {}  # note -> whether in its front-matter
    for path in vault.note_paths:
        try:
            note = vault.glance(path)
        except NoteReadError:
            continue
        in_frontmatter, anywhere = holds_placeholders(note)
        if anywhere:
            placeholders[path] = in_frontmatter
        links = missing = 0
        slug_only = []
        for link in note.links:
            if not link.target:
                continue
            links += 1
            if vault.resolve(link, path).status is Status.MISSING:
                missing += 1
                hit = slugs.find(link.target, path)
                if hit:
                    slug_only.append((link.target, hit[0]))
        fm = note.frontmatter
        data = fm.data if fm is not None and fm.problem is None and isinstance(fm.data, dict) and fm.data else None
        seen[path] = _Seen(bool(_SLUG_NAME.fullmatch(note.name)), Counter(link.kind for link in note.body.links),
                           links, missing, slug_only, stamp_forms(note.text, note.body_start, stamp_patterns), data)
    found.templates, found.named_templates = find_templates(root, placeholders, list(seen))
    folders = tuple(where for where, _why in found.templates if where.endswith("/"))
    notes = {where for where, _why in found.templates}
    frontmatter = []
    for path, one in seen.items():
        if path.startswith(folders) or path in notes:
            continue
        found.notes += 1
        found.slug_names += one.slug_name
        found.link_kinds.update(one.kinds)
        found.links += one.links
        found.missing += one.missing
        found.slug_only += len(one.slug_only)
        found.slug_example = found.slug_example or (one.slug_only[0] if one.slug_only else None)
        found.stamps.update(one.stamps)
        if one.frontmatter is not None:
            frontmatter.append(one.frontmatter)
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
        f"# Written by `vaultlint init` from the {counted(h.notes, 'note')} of this vault. Each setting says",
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
        lines.append("# Templates hold placeholders such as {{date}}, not a note's values:")
        lines += [f"#   {where}: {why}" for where, why in h.templates]
        lines.append(f"exclude = [{', '.join(json.dumps(glob, ensure_ascii=False) for glob in h.excluded)}]")
    else:
        lines.append("# No templates found (no note holds placeholders such as {{date}}).")
    for folder in h.named_templates:
        lines.append(f"# {folder}/ is named like templates, but none of its notes holds a placeholder: checked.")
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
    from ..config.settings import CONFIG_NAME

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
        parts.append(f"{counted(h.stamps[h.stamp_preset], 'timestamp')} of the {h.stamp_preset} form")
    if h.templates:
        parts.append(f"templates in {', '.join(where for where, _ in h.templates)} (excluded)")
    if h.schema is not None:
        parts.append(f"a front-matter schema of {counted(len(h.schema.get('properties', {})), 'key')}")
    return "; ".join(parts) + "."

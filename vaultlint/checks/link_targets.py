"""What the link rules share about links whose file does not exist: whether
a target names an attachment or a note, a web address or a template's
placeholder, and the files it probably meant (the vault's suggester, asked
once per missing target and kept). `broken-link` and `unwritten-note` judge
the same links with it; the workspace's `suggest` ranks names with it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from vaultlint.markdown.scanner import Link
from vaultlint.rule import Rule
from vaultlint.vault.graph import LINKING, note_links
from vaultlint.vault.suggest import Candidate, Suggester, is_clear_winner, same_name

# The rule whose `max-suggestions` setting says how many suggestions are
# asked for, and its default.
SUGGESTIONS_OF = "broken-link"
MAX_SUGGESTIONS = 3

# The file types Obsidian opens (its help, "Accepted file formats"): a
# link ending in one of them names an attachment; `[[TLS 1.0]]` names a note.
ATTACHMENT_EXTENSIONS = frozenset((
    "base", "canvas", "pdf",
    "avif", "bmp", "gif", "jpeg", "jpg", "png", "svg", "webp",
    "flac", "m4a", "mp3", "ogg", "wav", "webm", "3gp",
    "mkv", "mov", "mp4", "ogv",
))
# A web address where a note's name should be: `[t]([https://…](https://…))`,
# `[[https://example.com/a]]`. Its last part is no note's name.
_WEB_ADDRESS = re.compile(r"[\[<(\s]*[A-Za-z][A-Za-z0-9+.-]*://")
# What makes a note a template: a `{{placeholder}}` or a Templater tag. Its
# links are placeholders too (`[[placeholder/link]]`), never fixed by guess.
_TEMPLATE = re.compile(r"\{\{[^{}\n]+\}\}|<%")


def is_attachment_link(target: str, extensions=ATTACHMENT_EXTENSIONS) -> bool:
    """Whether the link names an attachment, not a note: its name ends in
    one of `extensions` (lower case). Asked for every broken link: string
    methods, not a pattern."""
    name = target.rsplit("/", 1)[-1]
    if name.endswith("\n"):  # as `$` would match before it (targets are stripped: never)
        name = name[:-1]
    _stem, dot, ext = name.rpartition(".")
    return bool(dot) and ext.lower() in extensions


def attachment_extensions(ctx) -> frozenset[str]:
    """The extensions that make a link an attachment link in this vault:
    Obsidian's, and those of the files the vault holds (a vault that links
    to `data.csv` keeps such files)."""

    def make() -> frozenset[str]:
        found = set(ATTACHMENT_EXTENSIONS)
        # Notes are most files: passed over in C (100,000 paths: 40 ms, not 200).
        for path in [p for p in ctx.vault.files if not p.endswith(".md")]:
            _stem, dot, ext = path.rsplit("/", 1)[-1].rpartition(".")
            if dot and 0 < len(ext) <= 8 and ext.isascii() and ext.isalnum():
                found.add(ext.lower())
        found.discard("md")
        return frozenset(found)

    return ctx.memo("attachment-extensions", make)


def link_suggester(ctx, attachments: bool) -> Suggester:
    """The names a link can be written with: note names (no `.md`) for note
    links, file names for attachment links. One per run, shared by rules."""

    def make() -> Suggester:
        names = []
        for path in ctx.vault.files:
            base = path.rsplit("/", 1)[-1]
            is_note = base.lower().endswith(".md")
            if is_note != attachments:
                names.append(base if attachments else base[:-3])
        return Suggester(names)

    return ctx.memo(f"link-suggester:{'attachments' if attachments else 'notes'}", make,
                    lasting=(Suggester.to_data, Suggester.from_data))


def suggest_target(ctx, target: str, limit: int, attachment: bool | None = None) -> tuple[Candidate, ...]:
    """Files the broken `target` probably meant, best first: attachments or
    notes as its name tells (or as `attachment` says)."""
    told, name = asked_as(target, attachment_extensions(ctx))
    if attachment is None:
        attachment = told
    elif attachment and not told:
        name = target.rsplit("/", 1)[-1]
    # Asked again in the next runs while the names stay the same: kept.
    answers = ctx.answers(_ANSWERS[attachment])
    key = _answer_key(name, limit)
    found = answers.get(key)
    if found is None:
        found = answers[key] = _answer(link_suggester(ctx, attachment), name, limit)
    return tuple(Candidate(value, score) for value, score in found)


# Where the suggestions for broken links are kept (`ctx.answers`), by whether they are for attachments.
_ANSWERS = {False: "link-suggestions:notes", True: "link-suggestions:attachments"}


def asked_as(target: str, extensions=ATTACHMENT_EXTENSIONS) -> tuple[bool, str]:
    """Whether `target` names an attachment, and the name the suggester is
    asked for: its file name, less `.md` for a note."""
    name = target.rsplit("/", 1)[-1]
    attachment = is_attachment_link(name, extensions)
    if not attachment and name.lower().endswith(".md"):
        name = name[:-3]
    return attachment, name


def _answer_key(name: str, limit: int) -> str:
    return f"{limit} {name}"


def _answer(suggester: Suggester, name: str, limit: int) -> list[tuple[str, float]]:
    """An answer as `ctx.answers` keeps it: marshal data."""
    return [(c.value, c.score) for c in suggester.suggest(name, limit)]


def suggestion_limit(ctx) -> int:
    """How many suggestions are asked for, as broken-link's settings say (two
    at least, to tell a clear winner): `unwritten-note` asks the same
    question, so that both find the one answer kept."""
    settings = ctx.config.rule_settings.get(SUGGESTIONS_OF, {})
    return max(settings.get("max-suggestions", MAX_SUGGESTIONS), 2)


def prepare_suggestions(ctx, targets, spread) -> None:
    """The suggestions for every broken target the notes name, asked once,
    spread over the workers, kept in the answers: each worker would ask for
    every broken target its own notes hold, and a target is written in many
    notes (at 100,000 notes both workers asked the suggester for nearly all
    10,000 targets)."""
    limit = suggestion_limit(ctx)
    answers = ctx.answers(_ANSWERS[False])
    vault = ctx.vault
    extensions = attachment_extensions(ctx)
    names = set()
    for target in targets:
        attachment, name = asked_as(target, extensions)
        if not (attachment or _answer_key(name, limit) in answers or vault.alias_owners(target)):
            names.add(name)
    if names:
        asked = sorted(names)
        suggester = link_suggester(ctx, False)
        for name, found in zip(asked, spread(lambda n: _answer(suggester, n, limit), asked), strict=True):
            answers[_answer_key(name, limit)] = found


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A link no file answers, and what it names."""

    link: Link
    what: str  # "note", "attachment", "web address", or "outside" (climbs out of the vault)
    owners: tuple[str, ...] = ()  # the notes that have the target as an alias
    candidates: tuple[Candidate, ...] = ()  # the files it probably meant, best first

    @property
    def unwritten(self) -> bool:
        """A note nobody has written yet, not a typo: no file has a name
        close to it (see `unwritten-note`)."""
        return self.what == "note" and not self.owners and not self.candidates


def unresolved_links(note, ctx) -> list[Unresolved]:
    """The links of `note` no file answers, told apart once for both rules
    that report them (`broken-link` and `unwritten-note`)."""
    return ctx.of_note(note, "unresolved-links", lambda note: _unresolved(note, ctx))


def _unresolved(note, ctx) -> list[Unresolved]:
    out = []
    limit, extensions = suggestion_limit(ctx), attachment_extensions(ctx)
    for link in note_links(note, ctx).missing:
        target = link.target
        if _WEB_ADDRESS.match(target):
            out.append(Unresolved(link, "web address"))
        elif is_attachment_link(target, extensions):
            out.append(Unresolved(link, "attachment", (), suggest_target(ctx, target, limit)))
        elif _outside(target, note.path):
            out.append(Unresolved(link, "outside"))
        else:
            # `diagram.pgn`: an attachment's name mistyped when one is close,
            # else a note's (`[[Node.js]]`).
            files = suggest_target(ctx, target, limit, attachment=True) if _has_extension(target) else ()
            if files:
                out.append(Unresolved(link, "attachment", (), files))
                continue
            owners = tuple(ctx.vault.alias_owners(target))
            out.append(Unresolved(link, "note", owners, () if owners else suggest_target(ctx, target, limit)))
    return out


def _has_extension(target: str) -> bool:
    """Whether the name ends like a file's (`.` and 1 to 8 ASCII letters or
    digits, not `md`), a known type or not."""
    _stem, dot, ext = target.rsplit("/", 1)[-1].rpartition(".")
    return bool(dot) and 0 < len(ext) <= 8 and ext.isascii() and ext.isalnum() and ext.lower() != "md"


def _outside(target: str, source: str) -> bool:
    """Whether a relative path climbs out of the vault (`../../x.md`): no
    note can ever be written there."""
    target = target.replace("\\", "/")
    if ".." not in target:
        return False
    path = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
    return path == ".." or path.startswith("../")


def is_template(note) -> bool:
    """Whether the note holds placeholders, in its front-matter or its prose
    (`{{date}}` in code is an example, as a note on templates writes it)."""
    if _TEMPLATE.search(note.text) is None:
        return False
    return bool(_TEMPLATE.search(note.text, 0, note.body_start) or _TEMPLATE.search(note.prose))


def sure_target(name: str, candidates: tuple[Candidate, ...], min_score: float, min_margin: float) -> bool:
    """Whether the best of `candidates` may replace the broken `name`
    automatically: it scores high enough, clearly above the second, and it
    is `name` written otherwise, not another name (`same_name`:
    `internal links` is not `external-links`)."""
    return (is_clear_winner(candidates, min_score, min_margin)
            and same_name(name, candidates[0].value))


class LinkTargetRule(Rule):
    """What `broken-link` and `unwritten-note` share: both judge the links
    whose file does not exist, with the same suggester (made once in the
    parent of a pooled run, not in every worker) and the same suggestions for
    each missing target. It has no name, so it is no rule of its own."""

    kinds = LINKING

    def prepare(self, ctx):
        link_suggester(ctx, False)
        attachment_extensions(ctx)

    def prepare_targets(self, ctx, targets, spread):
        prepare_suggestions(ctx, targets, spread)

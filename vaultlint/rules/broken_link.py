"""broken-link: a link or embed whose target is probably mistyped, or can never resolve.

What it checks
    Every wiki-link `[[T]]`, embed `![[T]]`, Markdown link `[x](T.md)` and
    quoted link in a front-matter value whose target resolves to no file of
    the vault, the way Obsidian resolves it (see `vaultlint.vault`): by name,
    by path suffix, by path from the root or from the note's folder,
    case-insensitively, with Unicode names normalised. Links to web
    addresses are not checked. A link to a heading or block of the same note
    (`[[#Heading]]`) is `broken-heading`'s business, not this rule's.

    Of those links it reports the ones that are mistakes: a note link with a
    close match (probably a typo, with its fix), a missing attachment, a
    bare alias, a web address written where a note's name goes
    (`[t]([https://…](https://…))`, `[[https://…]]`), a relative path that
    climbs out of the vault. A note link with no close match names a note
    not written yet, which in Obsidian is how a note is planned: that is
    `unwritten-note`'s (info by default; the `tubegraph` preset, for a site
    where such a link is a dead end, makes it an error). A suppression or a
    baseline entry of `broken-link` covers those links too: this rule
    reported them before `unwritten-note` was split from it.

    A bare `[[alias]]` is broken too: Obsidian resolves links by file name
    only, and writes `[[Note|alias]]` when you pick an alias. The rule says
    whose alias it is and suggests `[[Note|alias]]`.

    A link names an attachment when its name ends in a file type Obsidian
    opens (images, audio, video, `pdf`, `canvas`, `base`: its "Accepted
    file formats") or the extension of a file the vault holds (`data.csv`);
    `[[TLS 1.0]]` and `[[Node.js]]` name notes. A name that ends like a file
    of another type (`diagram.pgn`) is an attachment's typo when an
    attachment's name is close to it.

    Suggestions are of the right kind: notes for a note link, attachments
    for an attachment link. They are ranked by `vaultlint.suggest` (case,
    `_`/`-`/space, plural and word order ignored; a typo costs little) and
    only shown above a score of 80.

Why
    A broken link sends the reader nowhere; in a vault published as a site it
    is a dead page.

Options
    max-suggestions (integer, default 3)
        How many close names to suggest.
    unsafe-score (number, default 88)
        Score (0-100) the best suggestion needs for its fix to be `unsafe`
        (applied by `vaultlint fix --unsafe-fixes`) rather than display-only.
    unsafe-margin (number, default 6)
        How far the best suggestion must score above the second.

    The defaults come from `python -m benchmarks.suggestions --sweep`: on
    11,092 links broken the way people and generators break them (the
    shared real vaults and a synthetic one), 88/6 repairs 81% of those with
    a right answer, and with the words compared as below picks a wrong
    note for 0.06% of all (7 links; by score and margin alone 4.7%, most of
    them a word swapped for its opposite or for another word).

Example
    `[[ai_safety_and_existence_risk]]` in a vault that has
    `ai_safety_and_existential_risk.md`:

        note.md:3:1: broken-link note `ai_safety_and_existence_risk` not found
        (did you mean `ai_safety_and_existential_risk`?)

Fix safety
    Replacing a link's target changes what the note says, so it is never
    safe. It is `unsafe` (applied by `fix --unsafe-fixes`) only when the
    evidence is strong: one candidate clearly wins (the score and margin
    above); it is the link's name written otherwise, not another name
    (`vaultlint.suggest.same_name`: the words that differ are typos or
    forms of each other, with the same first letter, so `internal links`
    never becomes `external-links` nor `increase` `decrease`, in any
    language; the same numbers, so a meeting of another day is not meant;
    the same signs, so `C++` is not `C`; a word more or less only in a long
    name); one file has that name; the link names no folder other than
    that file's; and the note is no template (`{{placeholder}}`, Templater's
    `<% %>`). Otherwise the fix is display-only, its candidates offered
    (`vaultlint fix --interactive` lists them). The link's alias, heading
    and block parts are kept. The `[[Note|alias]]` fix of a bare alias is
    `unsafe` when exactly one note has that alias.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote

from vaultlint.diagnostics import Applicability
from vaultlint.markdown.scanner import Link
from vaultlint.rule import Rule, Severity
from vaultlint.vault.graph import note_links
from vaultlint.vault.suggest import Candidate, Suggester, is_clear_winner, same_name

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
    told, name = _asked(target, attachment_extensions(ctx))
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


def _asked(target: str, extensions=ATTACHMENT_EXTENSIONS) -> tuple[bool, str]:
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
    settings = ctx.config.rule_settings.get(BrokenLink.name, {})
    return max(settings.get("max-suggestions", BrokenLink.options["max-suggestions"]["default"]), 2)


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
        attachment, name = _asked(target, extensions)
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


def _is_template(note) -> bool:
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

    def prepare(self, ctx):
        link_suggester(ctx, False)
        attachment_extensions(ctx)

    def prepare_targets(self, ctx, targets, spread):
        prepare_suggestions(ctx, targets, spread)


class BrokenLink(LinkTargetRule):
    name = "broken-link"
    severity = Severity.ERROR
    fixable = True
    options = {
        "max-suggestions": {"type": "integer", "minimum": 0, "default": 3},
        "unsafe-score": {"type": "number", "minimum": 0, "maximum": 100, "default": 88},
        "unsafe-margin": {"type": "number", "minimum": 0, "default": 6},
    }

    def check_note(self, note, ctx):
        # Only whether the file exists: a missing heading is broken-heading's.
        for found in unresolved_links(note, ctx):
            link, what = found.link, found.what
            if found.unwritten:
                continue  # unwritten-note's
            if found.owners:
                yield self._alias(note, link, list(found.owners))
                continue
            if what == "web address":
                yield self.diagnostic(
                    note, link.start, link.end,
                    f"web address `{link.target}` written as a link to a note (a web link is `[text](https://…)`)",
                )
                continue
            candidates = found.candidates
            names = [c.value for c in candidates][: self.options["max-suggestions"]]
            hint = f" (did you mean `{names[0]}`?)" if names else ""
            fix = None
            if names:
                best = candidates[0].value
                sure = self._sure(note, link, best, candidates, ctx)
                fix = self.fix(
                    note,
                    [(link.target_start, link.target_end, self._written(link, note, best))],
                    Applicability.UNSAFE if sure else Applicability.DISPLAY_ONLY,
                    f"link to `{best}`",
                )
            noun = "attachment" if what == "attachment" else "note"
            yield self.diagnostic(
                note, link.start, link.end,
                f"{noun} `{link.target}` not found{hint}",
                fix=fix, suggestions=names,
            )

    def _sure(self, note, link, best: str, candidates, ctx) -> bool:
        """Whether the fix to `best` may be applied automatically: a clear
        winner that is the name written otherwise (`sure_target`), one file
        of that name, in the folder the link names if it names one, and
        the note no template."""
        name = _asked(link.target, attachment_extensions(ctx))[1]
        if not sure_target(name, candidates, self.options["unsafe-score"], self.options["unsafe-margin"]):
            return False
        files = ctx.vault.named(ctx.vault.key(best))
        if len(files) != 1 or _is_template(note):
            return False
        folder, _, _ = link.target.replace("\\", "/").rpartition("/")
        if folder:
            # The fix writes the name alone: the folder written must be the file's.
            there = posixpath.dirname(files[0]).casefold()
            folder = folder.strip("/").casefold()
            return there == folder or there.endswith("/" + folder)
        return True

    def _alias(self, note, link, owners):
        """`[[alias]]`: broken, and the note that has the alias is known."""
        names = [posixpath.basename(p)[:-3] for p in owners]
        owner = names[0]
        if link.kind == "markdown":
            edits = [(link.target_start, link.target_end, self._written(link, note, owner))]
            suggestion = owner
        else:
            # `[[alias]]` -> `[[Note|alias]]`; an alias already written stays.
            display = "" if link.alias is not None else "|" + link.target
            edits = [(link.target_start, link.target_end, owner)]
            if display:
                edits = [(link.target_start, link.target_end, owner)]
                tail = link.end - 2  # before ']]'
                edits.append((tail, tail, display))
            suggestion = f"{owner}{display or '|' + link.alias}"
        who = f"`{owner}`" if len(owners) == 1 else "several notes: " + ", ".join(f"`{n}`" for n in names)
        fix = self.fix(note, edits, Applicability.UNSAFE if len(owners) == 1 else Applicability.DISPLAY_ONLY,
                       f"link to `{owner}` with the alias as display text")
        return self.diagnostic(
            note, link.start, link.end,
            f"note `{link.target}` not found: it is an alias of {who}, and Obsidian does not resolve "
            f"links by alias (did you mean `[[{suggestion}]]`?)",
            fix=fix, suggestions=[suggestion] + [n for n in names[1:]],
        )

    @staticmethod
    def _written(link, note, name: str) -> str:
        """The new target in the link's own style."""
        if link.kind != "markdown":
            return name
        original = note.text[link.target_start:link.target_end]
        if original.lower().endswith(".md") and not name.lower().endswith(".md"):
            name += ".md"
        in_brackets = note.text[link.target_start - 1:link.target_start] == "<"
        return name if in_brackets else quote(name)

"""broken-link: a link or embed whose target note or attachment does not exist.

What it checks
    Every wiki-link `[[T]]`, embed `![[T]]`, Markdown link `[x](T.md)` and
    quoted link in a front-matter value whose target resolves to no file of
    the vault, the way Obsidian resolves it (see `vaultlint.vault`): by name,
    by path suffix, by path from the root or from the note's folder,
    case-insensitively, with Unicode names normalised. Links to web
    addresses are not checked. A link to a heading or block of the same note
    (`[[#Heading]]`) is `broken-heading`'s business, not this rule's.

    A bare `[[alias]]` is broken too: Obsidian resolves links by file name
    only, and writes `[[Note|alias]]` when you pick an alias. The rule says
    whose alias it is and suggests `[[Note|alias]]`.

    Suggestions are of the right kind: notes for a note link, attachments
    for a link whose name has an extension (`![[diagram.png]]`). They are
    ranked by `vaultlint.suggest` (case, `_`/`-`/space, plural and word
    order ignored; a typo costs little) and only shown above a score of 80,
    so a link to a note nobody has written yet gets no suggestion rather
    than an absurd one.

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
    7,192 links broken the way people and generators break them (three
    real vaults and a synthetic one), 88/6 repairs 83% of them and picks
    the wrong note for 0.06%; 84/4 would repair 86% but pick wrongly more
    than twice as often (0.15%).

Example
    `[[ai_safety_and_existence_risk]]` in a vault that has
    `ai_safety_and_existential_risk.md`:

        note.md:3:1: broken-link note `ai_safety_and_existence_risk` not found
        (did you mean `ai_safety_and_existential_risk`?)

Fix safety
    Replacing a link's target changes what the note says, so it is never
    safe: `unsafe` when one candidate clearly wins (the score and margin
    above), display-only otherwise, and display-only whenever the name
    suggested belongs to several files. The link's alias, heading and block
    parts are kept. The `[[Note|alias]]` fix of a bare alias is `unsafe`
    when exactly one note has that alias.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from vaultlint.diagnostics import Applicability
from vaultlint.links import note_links
from vaultlint.rule import Rule, Severity
from vaultlint.suggest import Candidate, Suggester, is_clear_winner


def is_attachment_link(target: str) -> bool:
    """Whether the link names an attachment, not a note: its name ends in
    `.ext` (1 to 8 ASCII letters or digits, not `md`). Asked for every
    broken link: string methods, not a pattern."""
    name = target.rsplit("/", 1)[-1]
    if name.endswith("\n"):  # as `$` would match before it (targets are stripped: never)
        name = name[:-1]
    _stem, dot, ext = name.rpartition(".")
    return bool(dot) and 0 < len(ext) <= 8 and ext.isascii() and ext.isalnum() and ext.lower() != "md"


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


def suggest_target(ctx, target: str, limit: int) -> tuple[Candidate, ...]:
    """Files the broken `target` probably meant, best first."""
    attachment, name = _asked(target)
    # Asked again in the next runs while the names stay the same: kept.
    answers = ctx.answers(_ANSWERS[attachment])
    key = _answer_key(name, limit)
    found = answers.get(key)
    if found is None:
        found = answers[key] = _answer(link_suggester(ctx, attachment), name, limit)
    return tuple(Candidate(value, score) for value, score in found)


# Where the suggestions for broken links are kept (`ctx.answers`), by whether they are for attachments.
_ANSWERS = {False: "link-suggestions:notes", True: "link-suggestions:attachments"}


def _asked(target: str) -> tuple[bool, str]:
    """Whether `target` names an attachment, and the name the suggester is
    asked for: its file name, less `.md` for a note."""
    name = target.rsplit("/", 1)[-1]
    attachment = is_attachment_link(name)
    if not attachment and name.lower().endswith(".md"):
        name = name[:-3]
    return attachment, name


def _answer_key(name: str, limit: int) -> str:
    return f"{limit} {name}"


def _answer(suggester: Suggester, name: str, limit: int) -> list[tuple[str, float]]:
    """An answer as `ctx.answers` keeps it: marshal data."""
    return [(c.value, c.score) for c in suggester.suggest(name, limit)]


class BrokenLink(Rule):
    name = "broken-link"
    severity = Severity.ERROR
    fixable = True
    options = {
        "max-suggestions": {"type": "integer", "minimum": 0, "default": 3},
        "unsafe-score": {"type": "number", "minimum": 0, "maximum": 100, "default": 88},
        "unsafe-margin": {"type": "number", "minimum": 0, "default": 6},
    }

    def prepare(self, ctx):
        link_suggester(ctx, False)  # made once, not in every worker

    def prepare_targets(self, ctx, targets, spread):
        # Each worker would suggest for every broken target its own notes
        # hold, and a target is written in many notes: at 100,000 notes
        # both workers asked the suggester for nearly all 10,000 targets.
        # Asked once here, spread over the workers, kept in the answers.
        limit = self._limit
        answers = ctx.answers(_ANSWERS[False])
        vault = ctx.vault
        names = set()
        for target in targets:
            attachment, name = _asked(target)
            if not (attachment or _answer_key(name, limit) in answers or vault.alias_owners(target)):
                names.add(name)
        if names:
            asked = sorted(names)
            suggester = link_suggester(ctx, False)
            for name, found in zip(asked, spread(lambda n: _answer(suggester, n, limit), asked), strict=True):
                answers[_answer_key(name, limit)] = found

    @property
    def _limit(self) -> int:
        """How many suggestions are asked for: two at least, to tell a clear winner."""
        return max(self.options["max-suggestions"], 2)

    def check_note(self, note, ctx):
        # Only whether the file exists: a missing heading is broken-heading's.
        for link in note_links(note, ctx).missing:
            what = "attachment" if is_attachment_link(link.target) else "note"
            owners = [] if what == "attachment" else ctx.vault.alias_owners(link.target)
            if owners:
                yield self._alias(note, link, owners)
                continue
            candidates = suggest_target(ctx, link.target, self._limit)
            names = [c.value for c in candidates][: self.options["max-suggestions"]]
            hint = f" (did you mean `{names[0]}`?)" if names else ""
            fix = None
            if names:
                best = candidates[0].value
                sure = (is_clear_winner(candidates, self.options["unsafe-score"], self.options["unsafe-margin"])
                        and len(ctx.vault.named(ctx.vault.key(best))) < 2)
                fix = self.fix(
                    note,
                    [(link.target_start, link.target_end, self._written(link, note, best))],
                    Applicability.UNSAFE if sure else Applicability.DISPLAY_ONLY,
                    f"link to `{best}`",
                )
            yield self.diagnostic(
                note, link.start, link.end,
                f"{what} `{link.target}` not found{hint}",
                fix=fix, suggestions=names,
            )

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

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
from urllib.parse import quote

from vaultlint.checks.link_targets import (
    MAX_SUGGESTIONS,
    LinkTargetRule,
    asked_as,
    attachment_extensions,
    is_template,
    sure_target,
    unresolved_links,
)
from vaultlint.diagnostics import Applicability
from vaultlint.formats.canvas import CANVAS
from vaultlint.rule import Severity


class BrokenLink(LinkTargetRule):
    name = "broken-link"
    severity = Severity.ERROR
    fixable = True
    options = {
        "max-suggestions": {"type": "integer", "minimum": 0, "default": MAX_SUGGESTIONS},
        "unsafe-score": {"type": "number", "minimum": 0, "maximum": 100, "default": 88},
        "unsafe-margin": {"type": "number", "minimum": 0, "default": 6},
    }

    def check_note(self, note, ctx):
        # Only whether the file exists: a missing heading is broken-heading's.
        for found in unresolved_links(note, ctx):
            link, what = found.link, found.what
            if found.unwritten:
                continue  # unwritten-note's
            if found.owners and link.kind != CANVAS:  # (a file node has no display text to keep)
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
                # A canvas's file node names its file by its path from the root.
                files = ctx.vault.named(ctx.vault.key(best)) if link.kind == CANVAS else ()
                written = self._written(link, note, best) if link.kind != CANVAS else files[0] if files else best
                fix = self.fix(
                    note,
                    [(link.target_start, link.target_end, written)],
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
        name = asked_as(link.target, attachment_extensions(ctx))[1]
        if not sure_target(name, candidates, self.options["unsafe-score"], self.options["unsafe-margin"]):
            return False
        files = ctx.vault.named(ctx.vault.key(best))
        if len(files) != 1 or is_template(note):
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

"""duplicated-link-text: a link's display text repeats the words written just before it.

What it checks
    A wiki-link `[[target | display text]]` or Markdown link
    `[display text](target.md)` whose display text is a run of words (case
    aside) that the same sentence has just said, so the page reads them
    twice. Text generators make this mistake when they write a phrase and
    then append a link to it instead of linking the phrase, in one of two
    places:

    - right after the phrase, with nothing but spaces or punctuation
      between them:

          ...the concept of deterrence [[nuclear_weapons | deterrence]] [00:02:15].

    - at the end of the sentence, after the phrase was said earlier in it
      (only a time stamp or punctuation follows the link):

          ...potentially reducing the risk of conflict over misperceptions or
          mistrust [[ai_alignment | reducing the risk of conflict]].

    A writer who names a thing again for clarity does it elsewhere: "Obsidian
    Sync hält deine Notizen aktuell: richte [[Sync|Obsidian Sync]] auf jedem
    Gerät ein." is not reported, in any language; no list of words is used.
    Nor is a short name that opens the sentence and is linked at its end
    ("Obsidian Sync vous permet ... via son service [[Sync|Obsidian
    Sync]]."): that is the sentence's subject named again to link it. A
    phrase that opens the sentence counts only from four words on (a clause
    copied whole: "Bitcoin offers a level of pseudonymity that is
    attractive ... [[x | Bitcoin offers a level of pseudonymity that is
    attractive]]").

    The sentence is the text since the last `.`, `!`, `?`, `:` or `;`
    followed by a space (or their full-width forms), or a dash between
    spaces, within the link's line, table cell (`|`) and emphasis (`**...**`,
    `*...*`, `==...==`, `~~...~~`). Words elsewhere do not count: in code,
    comments, HTML tags, other links (wiki, Markdown or external:
    `a [Toggl Track macro](https://…) for the new [[toggl|Toggl Track]]
    plugin`), square brackets, another table cell, or an emphasis the link
    is not in (a bold run-in label: `- **Thermal interface** It serves as a
    [[heat|thermal interface]].`).

Why
    In reading view the words appear twice (`...reduce uncertainty
    compliance and reduce uncertainty`), which reads as a stutter, and the
    link sits after the phrase instead of on it.

Options
    min-words (integer, default 2)
        Display texts of fewer words are reported only right after their
        twin, not at the end of the sentence.

Example
    `...mistrust [[ai_alignment | reducing the risk of conflict]].` after
    `reducing the risk of conflict` earlier in the sentence:

        note.md:1:95: duplicated-link-text display text
        `reducing the risk of conflict` repeats words earlier in the sentence

Fix safety
    Unsafe: the fix links the earlier words in place, keeping the link's
    target and its style (`[[target | reducing the risk of conflict]] over
    misperceptions or mistrust`), and removes the repeated link with the
    spaces before it. The earlier words are always in the link's own
    sentence, cell and emphasis, and never in another link's text, so the
    link never moves into other markup. The sentence then reads as meant,
    but the link moves, so a person should look. No fix is offered where
    the earlier words follow `!`, `[`, `]` or `\\` (the link would become
    an embed or other markup).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity

_WORD = re.compile(r"\w+(?:['’]\w+)*")
# The end of a sentence: a stop and a space (so "3.5" and "e.g.x" do not end
# one), or a full-width stop. A colon or semicolon ends one too: "**Causal
# Discovery**: work on score-based [[x | causal discovery]]" names a label,
# then uses it. A dash between spaces ("**Prompt variables** — [[x | Prompt
# variables]]") sets off a label the same way.
_SENTENCE_END = re.compile(r"[.!?:;][*_\"')\]]*(?:\s|$)|[。！？：；]|\s[—–-]{1,2}\s")
_HTML_TAG = re.compile(r"<[^<>\n]*>")
# Square brackets (another link's text, a footnote, a stamp's label) and the
# target that may follow them.
_BRACKETS = re.compile(r"\[[^\[\]\n]*\](?:\([^()\n]*\))?")
# Emphasis: its words are in another run of text than the words around it.
_EMPHASIS = re.compile(
    r"(\*\*|__|==|~~)(?=\S)[^\n]*?(?<=\S)\1"
    r"|(?<![*\w])\*(?=[^\s*])[^*\n]*?(?<=[^\s*])\*(?![*\w])"
    r"|(?<![_\w])_(?=[^\s_])[^_\n]*?(?<=[^\s_])_(?![_\w])"
)
# A table cell's edge: a bar not escaped (a wiki-link's `\|` is in its span).
_CELL_EDGE = re.compile(r"(?<!\\)\|")
_LETTER = re.compile(r"[^\W\d_]")
# What may stand between a phrase and the link repeating it right away:
# spaces and punctuation, but no markup that would part them.
_MARKUP = "_[]()*=~`|<>!\\#"
_BETWEEN = re.compile(r"[^\w" + re.escape(_MARKUP) + "]*")
# A phrase that opens its sentence is a copied clause from this many words on.
CLAUSE_WORDS = 4


@lru_cache(maxsize=1 << 14)  # a vault writes the same display texts many times
def _shown_words(alias: str) -> tuple[str, ...]:
    """The words of a display text, casefolded."""
    if alias.replace(" ", "").isalnum():
        # Words and spaces only (most display texts, and most are new to a
        # worker: the cache rarely answers): split without the pattern, five
        # times faster. `\w` is what `isalnum` accepts, and `_`; casefolding
        # maps each character on its own and makes no space.
        return tuple(alias.casefold().split())
    return tuple(w.casefold() for w in _WORD.findall(alias))


def _all_in(text: str, words, start: int = 0, end: int | None = None) -> bool:
    """Whether each of `words` is in text[start:end] (without copying it)."""
    for w in words:
        if text.find(w, start, end) == -1:
            return False
    return True


def _inside(spans, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


def _right_after(text: str, link, last_word: str) -> bool:
    """Whether the link may follow its twin right away: the last word of
    its display text ends the text before it, punctuation aside (a quick
    test, before the words are found)."""
    at = link.start
    while at and not (text[at - 1].isalnum() or text[at - 1] in _MARKUP):
        at -= 1
    return text[max(0, at - 2 * len(last_word)) : at].casefold().endswith(last_word)


def _bar(text: str, link, line_end: int) -> int:
    """Where the link's table cell may end (a quick test's bound: a bar in
    code counts too)."""
    bar = text.find("|", link.end, line_end)
    return line_end if bar == -1 else bar


def _joins(word: str, text: str, at: int) -> bool:
    """Whether a word is a short lowercase one (three letters or fewer), as
    articles, prepositions and conjunctions are in most languages (`the`,
    `of`, `in`, `and`, `de`, `la`, `und`, `der`, `à`): the display text that
    follows it is a part of the sentence, not a phrase appended to it."""
    return len(word) <= 3 and text[at : at + len(word)].islower()


def _plain(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").casefold().split())


def _names_target(link) -> bool:
    """Whether the display text is the name of what the link leads to: the
    note's name or the heading's text (`[[Views#View settings|View
    settings]]`), which a writer may well name again to link it."""
    shown = _plain(link.alias)
    if link.subpath and not link.is_block_ref and shown == _plain(link.subpath.rsplit("#", 1)[-1]):
        return True
    name = link.target.rsplit("/", 1)[-1]
    if name.lower().endswith(".md"):
        name = name[:-3]
    return bool(name) and shown == _plain(name)


class _Line:
    """What the rule needs to know of one line: the spans whose words are
    not prose of the line's sentences, and the emphases and cell edges that
    part its runs of text."""

    def __init__(self, text: str, start: int, end: int, blocked, starts):
        self.start, self.end = start, end
        # Links, code and comments first: a `*`, `[` or `|` in them is not
        # markup. They do not overlap, so only the one that starts last
        # before the line may reach into it.
        near = blocked[max(0, bisect_left(starts, start) - 1) : bisect_left(starts, end)]
        hidden = [(s, e) for s, e in near if s < end and start < e]
        spans = list(hidden)
        for pattern in (_HTML_TAG, _BRACKETS):
            spans += [m.span() for m in pattern.finditer(text, start, end) if not _inside(hidden, *m.span())]
        self.blocked = spans
        # (An emphasis may hold links; its marks may not be in one.)
        self.emphasis = [
            m.span()
            for m in _EMPHASIS.finditer(text, start, end)
            if not _inside(hidden, m.start(), m.start() + 1) and not _inside(hidden, m.end() - 1, m.end())
        ]
        self.edges = [
            m.start() for m in _CELL_EDGE.finditer(text, start, end) if not _inside(spans, m.start(), m.end())
        ]

    def run_of(self, text: str, link) -> tuple[int, int, list]:
        """The bounds of the run of text that holds the link (its cell and
        the innermost emphasis it is in) and the spans whose words do not
        count in it."""
        start, end = self.start, self.end
        i = bisect_right(self.edges, link.start)
        if i:
            start = self.edges[i - 1] + 1
        if i < len(self.edges):
            end = self.edges[i]
        skipped = list(self.blocked)
        for s, e in self.emphasis:
            if s <= link.start and link.end <= e:
                start, end = max(start, s), min(end, e)
            else:
                skipped.append((s, e))
        return start, end, skipped


class DuplicatedLinkText(Rule):
    name = "duplicated-link-text"
    severity = Severity.WARNING
    fixable = True
    options = {"min-words": {"type": "integer", "minimum": 1, "default": 2}}

    def check_note(self, note, ctx):
        text = note.text
        links = [link for link in note.body.links if not link.embed and link.alias]
        if not links:
            return
        blocked = None  # spans whose words do not count; made when first needed
        lines: dict[int, _Line] = {}
        # An ASCII note is casefolded once, its lines looked into in place.
        folded = text.lower() if text.isascii() else None
        for link in links:
            shown = _shown_words(link.alias)
            if not shown:
                continue
            # Most links have no twin: a word of the display text missing
            # from the line before the link says so without splitting it
            # into words.
            line_start = text.rfind("\n", 0, link.start) + 1
            if not (
                _all_in(folded, shown, line_start, link.start)
                if folded is not None
                else _all_in(text[line_start : link.start].casefold(), shown)
            ):
                continue
            line_end = text.find("\n", link.end)
            line_end = len(text) if line_end == -1 else line_end
            if not (_right_after(text, link, shown[-1]) or self._ends_sentence(text, link, _bar(text, link, line_end))):
                continue  # neither right after the words nor at the end of a sentence
            if blocked is None:
                blocked = sorted([*note.body.masked, *((other.start, other.end) for other in note.body.links)])
                starts = [s for s, _e in blocked]
            line = lines.get(line_start)
            if line is None:
                line = lines[line_start] = _Line(text, line_start, line_end, blocked, starts)
            earlier = self._earlier(text, link, line, list(shown))
            if earlier is None:
                continue
            start, end = earlier
            yield self.diagnostic(
                note,
                link.start,
                link.end,
                f"display text `{link.alias}` repeats words earlier in the sentence",
                fix=self._fix(note, link, start, end),
            )

    def _earlier(self, text: str, link, line: _Line, wanted: list[str]) -> tuple[int, int] | None:
        """The span of the words the link repeats, right before it or
        earlier in a sentence the link ends; None if there are none."""
        run_start, run_end, skipped = line.run_of(text, link)
        sentence_start = run_start
        for m in _SENTENCE_END.finditer(text, run_start, link.start):
            if not _inside(skipped, m.start(), m.end()):
                sentence_start = m.end()
        skipped = [
            (s, e) for s, e in skipped if s < link.start and sentence_start < e and (s, e) != (link.start, link.end)
        ]
        words = [
            (m.group().casefold(), sentence_start + m.start(), sentence_start + m.end())
            for m in _WORD.finditer(text[sentence_start : link.start])
        ]
        words = [w for w in words if not _inside(skipped, w[1], w[2])]
        n = len(wanted)
        if len(words) < n:
            return None
        # Right before the link.
        start, end = words[-n][1], words[-1][2]
        if (
            [w for w, _s, _e in words[-n:]] == wanted
            and not _inside(skipped, start, end)
            and _BETWEEN.fullmatch(text, end, link.start)
        ):
            return start, end
        if n < self.options["min-words"] or _names_target(link) or not self._ends_sentence(text, link, run_end):
            return None
        if _joins(words[-1][0], text, words[-1][1]) and _BETWEEN.fullmatch(text, words[-1][2], link.start):
            return None  # `... in [[x | Special Forces]].`: the sentence needs the link
        # Earlier in the sentence the link ends (or right before it, with a
        # stamp or other markup between).
        for i in range(len(words) - n, -1, -1):
            if [w for w, _s, _e in words[i : i + n]] != wanted:
                continue
            if i == 0 and n < CLAUSE_WORDS and not link.alias.lstrip()[:1].islower():
                return None  # the sentence's subject, a name, named again to be linked
            start, end = words[i][1], words[i + n - 1][2]
            if _inside(skipped, start, end):
                continue
            return start, end
        return None

    @staticmethod
    def _ends_sentence(text: str, link, run_end: int) -> bool:
        """Whether nothing but stamps, tags and punctuation follows the link
        to the end of its sentence."""
        end = run_end
        m = _SENTENCE_END.search(text, link.end, run_end)
        if m is not None:
            end = m.start()
        rest = _HTML_TAG.sub("", text[link.end : end])
        return _LETTER.search(rest) is None

    def _fix(self, note, link, start: int, end: int):
        text = note.text
        if start and text[start - 1] in "![]\\":
            return None  # `![[...]]` would embed; brackets would nest
        words = text[start:end]
        if link.kind == "markdown":
            close = text.index("](", link.start)
            linked = "[" + words + text[close : link.end]
        else:
            inner_start = link.start + 2
            bar = text.index("|", link.target_start, link.end)
            alias_at = bar + 1
            while text[alias_at] in " \t":
                alias_at += 1
            closing = link.end - 2 - self._trailing(text, link)
            linked = "[[" + text[inner_start:alias_at] + words + text[closing : link.end]
        # Remove the repeated link and the spaces before it.
        cut = link.start
        while cut > end and text[cut - 1] in " \t":
            cut -= 1
        return self.fix(
            note,
            [(start, end, linked), (cut, link.end, "")],
            Applicability.UNSAFE,
            "link the earlier words and remove the repeated link",
        )

    @staticmethod
    def _trailing(text: str, link) -> int:
        """Spaces written between the display text and `]]` (kept as written)."""
        n = 0
        while text[link.end - 3 - n] in " \t":
            n += 1
        return n

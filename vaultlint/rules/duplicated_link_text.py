"""duplicated-link-text: a link's display text repeats words written just before it in the same sentence.

What it checks
    A wiki-link `[[target | display text]]` or Markdown link
    `[display text](target.md)` whose display text is the same run of words
    (case and punctuation aside) as words already written earlier in the
    same sentence, so the page reads them twice:

        ...to verify compliance and reduce uncertainty [[ai_safety | compliance and reduce uncertainty]].
        ...potentially reducing the risk of conflict over misperceptions or mistrust
        [[ai_alignment | reducing the risk of conflict]].

    Text generators make this mistake when they write a phrase and then
    append a link to it instead of linking the phrase. A display text of
    one word is reported only when that word comes right before the link
    and is not a common word (`the`, `and`, `of`...): a common word that
    merely occurs twice in a sentence is prose, not a duplicate. A display
    text made only of common words is never reported, nor one that follows
    an article or a preposition (`is called the [[x | winding frequency]]`):
    there the sentence needs it. The sentence is the
    text since the last `.`, `!`, `?` or `:` followed by a space, or a dash
    between spaces, on the link's line (so a `**Label**:` or `**Label** —`
    before the sentence does not count); words in HTML tags, code, comments or other links do not count.

Why
    In reading view the words appear twice (`...reduce uncertainty
    compliance and reduce uncertainty`), which reads as a stutter, and the
    link sits after the phrase instead of on it.

Options
    min-words (integer, default 2)
        Display texts of fewer words are reported only when they follow
        their twin right away (see above).

Example
    `...mistrust [[ai_alignment | reducing the risk of conflict]]` after
    `reducing the risk of conflict` earlier in the sentence:

        note.md:1:95: duplicated-link-text display text
        `reducing the risk of conflict` repeats words earlier in the sentence

Fix safety
    Unsafe: the fix links the earlier words in place, keeping the link's
    target and its style (`[[target | reducing the risk of conflict]] over
    misperceptions or mistrust`), and removes the repeated link with the
    space before it. The sentence then reads as meant, but the link moves,
    so a person should look.
"""

from __future__ import annotations

import re
from functools import lru_cache

from vaultlint.diagnostics import Applicability
from vaultlint.rule import Rule, Severity

_WORD = re.compile(r"\w+(?:['’]\w+)*")
# The end of a sentence: a stop and a space (so "3.5" and "e.g.x" do not end
# one). A colon ends one too: "**Causal Discovery**: work on score-based
# [[x | causal discovery]]" names a label, then uses it.
# A dash between spaces ("**Prompt variables** — [[x | Prompt variables]]")
# sets off a label the same way.
_SENTENCE_END = re.compile(r"[.!?:][*_\"')\]]*\s|\s[—–-]{1,2}\s")
_HTML_TAG = re.compile(r"<[^<>\n]*>")
COMMON_WORDS = frozenset("""
a an the and or but nor of in on at to for from by with as is are was were be been being it its this that
these those there their they them he she his her we our you your i me my not no so if then than too very
can could will would should may might must do does did has have had into onto over under about after before
up down out off more most less least such also just only all any some each other
""".split())
# Words after which a link's display text is part of the sentence
# ("is called the [[x | winding frequency]]"), not a repetition of it.
LEADING_WORDS = COMMON_WORDS | frozenset("""
regarding including like called named via through toward towards between among within without against
during per across upon versus vs concerning involving
""".split())


def _words(text: str, start: int = 0) -> list[tuple[str, int, int]]:
    return [(m.group().casefold(), start + m.start(), start + m.end()) for m in _WORD.finditer(text)]


@lru_cache(maxsize=1 << 14)  # a vault writes the same display texts many times
def _shown_words(alias: str) -> tuple[str, ...]:
    """The words of a display text, casefolded; none when they are all common."""
    if alias.replace(" ", "").isalnum():
        # Words and spaces only (most display texts, and most are new to a
        # worker: the cache rarely answers): split without the pattern, five
        # times faster. `\w` is what `isalnum` accepts, and `_`; casefolding
        # maps each character on its own and makes no space.
        words = tuple(alias.casefold().split())
    else:
        words = tuple(w.casefold() for w in _WORD.findall(alias))
    return () if COMMON_WORDS.issuperset(words) else words


def _all_in(text: str, words, start: int = 0, end: int | None = None) -> bool:
    """Whether each of `words` is in text[start:end] (without copying it)."""
    for w in words:
        if text.find(w, start, end) == -1:
            return False
    return True


def _inside(spans, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


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
        # An ASCII note is casefolded once, its lines looked into in place.
        folded = text.lower() if text.isascii() else None
        for link in links:
            shown = _shown_words(link.alias)
            if not shown:
                continue
            # Most links have no twin: a word of the display text missing
            # from the line, then from the sentence, says so without
            # splitting them into words.
            line_start = text.rfind("\n", 0, link.start) + 1
            if not (_all_in(folded, shown, line_start, link.start) if folded is not None
                    else _all_in(text[line_start:link.start].casefold(), shown)):
                continue
            sentence_start = line_start
            for m in _SENTENCE_END.finditer(text, line_start, link.start):
                sentence_start = m.end()
            if sentence_start > line_start and not _all_in(text[sentence_start:link.start].casefold(), shown):
                continue
            if blocked is None:
                blocked = list(note.body.masked) + [(link.start, link.end) for link in note.body.links]
                if "<" in text:  # words in HTML attributes (`class="icon-apple-journal"`) are not prose
                    blocked += [m.span() for m in _HTML_TAG.finditer(text, note.body_start)]
            earlier = self._earlier(text, link, sentence_start, list(shown), blocked)
            if earlier is None:
                continue
            start, end = earlier
            yield self.diagnostic(
                note, link.start, link.end,
                f"display text `{link.alias}` repeats words earlier in the sentence",
                fix=self._fix(note, link, start, end),
            )

    def _earlier(self, text: str, link, sentence_start: int, wanted: list[str], blocked) -> tuple[int, int] | None:
        """The span of the last run of `wanted` words in the sentence before
        the link (from `sentence_start`), or None."""
        # Only the spans that reach into the sentence can hold its words.
        blocked = [(s, e) for s, e in blocked if s < link.start and sentence_start < e]
        words = [w for w in _words(text[sentence_start:link.start], sentence_start)
                 if not _inside(blocked, w[1], w[2])]
        if not words or words[-1][0] in LEADING_WORDS:
            return None  # the display text is read as part of the sentence
        n = len(wanted)
        for i in range(len(words) - n, -1, -1):
            if [w for w, _s, _e in words[i : i + n]] != wanted:
                continue
            start, end = words[i][1], words[i + n - 1][2]
            between = text[start:end]
            if "\n" in between or _inside(blocked, start, end):
                continue
            if n < self.options["min-words"]:
                # A short display text counts only right before its link.
                if i + n != len(words) or text[end:link.start].strip():
                    return None
            return start, end
        return None

    def _fix(self, note, link, start: int, end: int):
        text = note.text
        words = text[start:end]
        if link.kind == "markdown":
            close = text.index("](", link.start)
            linked = "[" + words + text[close:link.end]
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
        return self.fix(note, [(start, end, linked), (cut, link.end, "")], Applicability.UNSAFE,
                        "link the earlier words and remove the repeated link")

    @staticmethod
    def _trailing(text: str, link) -> int:
        """Spaces written between the display text and `]]` (kept as written)."""
        n = 0
        while text[link.end - 3 - n] in " \t":
            n += 1
        return n

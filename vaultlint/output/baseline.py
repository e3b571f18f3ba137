"""Baselines: record a vault's problems today, report only new ones later.

    vaultlint check --write-baseline .vaultlint-baseline.json   # once
    vaultlint check --baseline .vaultlint-baseline.json         # in CI

A problem is known by its *fingerprint*: the rule, the note, and the text at
fault (a broken link's `[[target]]`, a stamp's markup), never its line
number, so editing a note above or below an old problem does not make it
new. Where the same text is at fault several times in one note, the baseline
counts them: a third copy of a link recorded twice is new.

The file is JSON, sorted, one problem per entry, so that it diffs well in
version control and shrinks as problems are fixed. It follows the vault:
`vaultlint mv` moves the entries of the notes it moves (`Baseline.moved`),
and a problem recorded under the rule a new one was split from is still
known (`_family`: where entries and problems are matched).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic
from ..rule import SPLIT_FROM

FORMAT = "vaultlint-baseline"
VERSION = 1
_LONGEST_TEXT = 160  # longer texts at fault are stored as a digest

Key = tuple[str, str, str]  # (path, rule, text at fault)
NoteText = Callable[[str], "str | None"]


class BaselineError(Exception):
    """The baseline file cannot be read or is not a baseline."""


def text_at_fault(d: Diagnostic, text: str | None) -> str:
    """What the fingerprint holds of the problem: its text span; for an empty
    span its line (stripped); where the note cannot be read, the message."""
    if text is not None and d.path:
        if d.end > d.start:
            at_fault = text[d.start : d.end]
        else:
            lines = text.splitlines()
            at_fault = lines[d.line - 1] if 0 < d.line <= len(lines) else ""
        at_fault = " ".join(at_fault.split())
        if at_fault:
            return at_fault if len(at_fault) <= _LONGEST_TEXT else "sha256:" + _digest(at_fault)
    return d.message


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def key(d: Diagnostic, text: str | None) -> Key:
    return (d.path, d.rule, text_at_fault(d, text))


def _family(k: Key) -> Key:
    """The key with a rule split from another under the older rule's name."""
    path, rule, text = k
    return (path, SPLIT_FROM.get(rule, rule), text)


def fingerprint(d: Diagnostic, text: str | None) -> str:
    """A short stable hash of the key (SARIF's partialFingerprints)."""
    return _digest("\0".join(key(d, text)))[:32]


@dataclass
class Baseline:
    counts: Counter  # Key -> how many times

    @classmethod
    def of(cls, diagnostics: Iterable[Diagnostic], note_text: NoteText) -> Baseline:
        return cls(Counter(key(d, note_text(d.path) if d.path else None) for d in diagnostics))

    def dumps(self) -> str:
        problems = [
            {"path": path, "rule": rule, "text": text, "count": n}
            for (path, rule, text), n in sorted(self.counts.items())
        ]
        return json.dumps({FORMAT: VERSION, "problems": problems}, indent=1, ensure_ascii=False) + "\n"

    def write(self, file: str | Path) -> None:
        Path(file).write_text(self.dumps(), encoding="utf-8")

    @classmethod
    def read(cls, file: str | Path) -> Baseline:
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"{file}: no such baseline; write it with "
                                f"`vaultlint check --write-baseline {file}`") from None
        except OSError as exc:
            raise BaselineError(f"{file}: cannot read the baseline: {exc.strerror or exc}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BaselineError(f"{file}: not a baseline (not JSON: {exc})") from None
        if not isinstance(data, dict) or data.get(FORMAT) != VERSION or not isinstance(data.get("problems"), list):
            raise BaselineError(f"{file}: not a vaultlint baseline (version {VERSION}); "
                                "write one with `vaultlint check --write-baseline FILE`")
        counts: Counter = Counter()
        for i, entry in enumerate(data["problems"]):
            try:
                counts[(entry["path"], entry["rule"], entry["text"])] += int(entry.get("count", 1))
            except (TypeError, KeyError, ValueError):
                raise BaselineError(f"{file}: problem #{i + 1} needs `path`, `rule` and `text`") from None
        return cls(counts)

    def filter(self, diagnostics: Sequence[Diagnostic], note_text: NoteText,
               checked: Iterable[str] | None = None) -> Filtered:
        """The diagnostics the baseline does not know, in order; the first
        `count` problems of a key are the known ones. `checked`: the notes
        this run looked at (for counting what is gone)."""
        # Matched by rule family: an entry of `broken-link` written before
        # `unwritten-note` was split from it still holds those links.
        left = Counter()
        for k, n in self.counts.items():
            left[_family(k)] += n
        new = []
        for d in diagnostics:
            k = _family(key(d, note_text(d.path) if d.path else None))
            if left[k] > 0:
                left[k] -= 1
            else:
                new.append(d)
        known = len(diagnostics) - len(new)
        checked = set(checked) if checked is not None else None
        gone = sum(n for (path, _r, _t), n in left.items()
                   if n > 0 and (checked is None or path in checked or not path))
        return Filtered(new, known, gone)

    def moved(self, mapping: dict[str, str], relinked: dict[str, list[tuple[str, str]]] | None = None) -> Baseline:
        """The baseline after the files of `mapping` (old path -> new path)
        moved: their entries follow them, and where a link's text changed
        (`relinked`: old path -> [(link as written, as rewritten)]), so does
        the text at fault that holds it (a `[[Old#Missing heading]]`)."""
        counts: Counter = Counter()
        for (path, rule, text), n in self.counts.items():
            for old, new in (relinked or {}).get(path, ()):
                old, new = " ".join(old.split()), " ".join(new.split())
                if old in text:
                    text = text.replace(old, new)
            counts[(mapping.get(path, path), rule, text)] += n
        return Baseline(counts)


@dataclass
class Filtered:
    new: list[Diagnostic]
    known: int  # problems the baseline holds and still found
    gone: int  # problems the baseline holds that are no longer found (fixed)

"""The records every layer shares: a diagnostic, a fix, a text edit.

They are small, immutable and hold no reference to a note, so they can be
cached, pickled across processes and compared in tests.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class Applicability(str, enum.Enum):
    """How far a fix may be trusted (ruff's terms).

    safe: `vaultlint fix` applies it; the meaning of the note cannot change.
    unsafe: applied only with `--unsafe-fixes`; probably right, a person should look.
    display-only: shown as a suggestion, never applied.
    """

    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace text[start:end] with `content`.

    Offsets are character offsets into the note's decoded text (BOM removed,
    line endings as in the file). Line and column (1-based, end exclusive)
    are the same place for people and for JSON consumers.
    """

    start: int
    end: int
    content: str
    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class Fix:
    edits: tuple[Edit, ...]
    applicability: Applicability
    message: str = ""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    path: str  # relative to the vault root, "/"-separated
    line: int  # 1-based
    column: int  # 1-based, in characters
    end_line: int
    end_column: int  # exclusive
    rule: str
    severity: Severity
    message: str
    fix: Fix | None = None
    suggestions: tuple[str, ...] = field(default=())
    # Where in the text the problem is, for fixes, baselines and suppressions.
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)

    @property
    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.message)

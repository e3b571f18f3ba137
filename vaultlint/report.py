"""Turning diagnostics into output: text for people, JSON for programs.

The JSON format is a contract (see `vaultlint/schemas/diagnostics.schema.json`):
an array of objects with `path` (relative to the vault root, `/`-separated),
`line`, `column`, `end_line`, `end_column` (1-based, end exclusive),
`rule`, `severity`, `message`, `fix` (null or
`{"applicability", "message", "edits": [{"line", "column", "end_line", "end_column", "content"}]}`)
and `suggestions` (best first).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence

import click

from .diagnostics import Applicability, Diagnostic, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def as_dict(d: Diagnostic) -> dict:
    fix = None
    if d.fix is not None:
        fix = {
            "applicability": d.fix.applicability.value,
            "message": d.fix.message,
            "edits": [
                {"line": e.line, "column": e.column, "end_line": e.end_line, "end_column": e.end_column,
                 "content": e.content}
                for e in d.fix.edits
            ],
        }
    return {
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "rule": d.rule,
        "severity": d.severity.value,
        "message": d.message,
        "fix": fix,
        "suggestions": list(d.suggestions),
    }


def to_json(diagnostics: Sequence[Diagnostic], **_) -> str:
    return json.dumps([as_dict(d) for d in diagnostics], indent=2, ensure_ascii=False) + "\n"


def fixable_counts(diagnostics: Sequence[Diagnostic]) -> tuple[int, int]:
    """(fixable by `fix`, fixable by `fix --unsafe-fixes`)."""
    safe = sum(1 for d in diagnostics if d.fix and d.fix.applicability is Applicability.SAFE)
    unsafe = sum(1 for d in diagnostics if d.fix and d.fix.applicability is Applicability.UNSAFE)
    return safe, safe + unsafe


def summary(diagnostics: Sequence[Diagnostic], checked: int) -> str:
    if not diagnostics:
        return f"All clear: {checked} note{'s' if checked != 1 else ''} checked, no problems."
    by_severity = Counter(d.severity for d in diagnostics)
    parts = [f"{by_severity[s]} {s.value}{'s' if by_severity[s] != 1 else ''}" for s in Severity if by_severity[s]]
    notes = len({d.path for d in diagnostics})
    count = len(diagnostics)
    text = f"Found {count} problem{'s' if count != 1 else ''} ({', '.join(parts)}) in {notes} of {checked} notes."
    safe, unsafe = fixable_counts(diagnostics)
    if safe:
        text += f"\n{safe} fixable with `vaultlint fix`."
    if unsafe > safe:
        text += f"\n{unsafe} fixable with `vaultlint fix --unsafe-fixes`."
    return text


def to_text(diagnostics: Sequence[Diagnostic], *, checked: int = 0, color: bool = False, **_) -> str:
    lines = diagnostic_lines(diagnostics, color=color)
    lines.append(summary(diagnostics, checked))
    return "\n".join(lines) + "\n"


def diagnostic_lines(diagnostics: Sequence[Diagnostic], *, color: bool = False) -> list[str]:
    """One `path:line:column: rule message` line per diagnostic."""
    lines = []
    for d in diagnostics:
        where = f"{d.path}:{d.line}:{d.column}:"
        rule = d.rule
        if color:
            where = click.style(where, bold=True)
            rule = click.style(rule, fg=_COLOURS[d.severity])
        lines.append(f"{where} {rule} {d.message}")
    return lines


FORMATS: dict[str, Callable[..., str]] = {"text": to_text, "json": to_json}

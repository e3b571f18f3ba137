"""Turning diagnostics into output: text for people (`text`/`concise`, and
`full` with the source line), JSON for programs, and what CI systems read
(`github` annotations, `sarif` 2.1.0, `junit` XML).

The JSON format is a contract (see `vaultlint/schemas/diagnostics.schema.json`):
an array of objects with `path` (relative to the vault root, `/`-separated),
`line`, `column`, `end_line`, `end_column` (1-based, end exclusive),
`rule`, `severity`, `message`, `fix` (null or
`{"applicability", "message", "edits": [{"line", "column", "end_line", "end_column", "content"}]}`)
and `suggestions` (best first).
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote

import click

from . import __version__
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
    counts = Counter(d.fix.applicability for d in diagnostics if d.fix is not None)
    safe = counts[Applicability.SAFE]
    return safe, safe + counts[Applicability.UNSAFE]


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
    if not color:  # the common case, and 150,000 lines on a large vault: one expression each
        return [f"{d.path}:{d.line}:{d.column}: {d.rule} {d.message}" for d in diagnostics]
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


# --------------------------------------------------------------------------
# More formats. Each takes the diagnostics and what it needs of the run, by
# keyword: `rules` (name -> Rule class, for descriptions), `root` (the vault
# root, to name files the way CI sees them) and `note_text` (path -> the
# note's text, for source lines and fingerprints). Each copes without them.


def in_note(d: Diagnostic) -> bool:
    """Whether the problem is in a note (not one of the vault as a whole)."""
    return d.path not in ("", ".")


def ci_path(path: str, root=None) -> str:
    """A note's path as CI tools want it: relative to the current folder
    (the checkout), when the vault is inside it; else relative to the vault."""
    if root is None:
        return path
    rel = os.path.relpath(os.path.join(root, path))
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def to_github(diagnostics: Sequence[Diagnostic], *, root=None, **_) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation
    on the pull request's diff."""
    out = []
    for d in diagnostics:
        props = {
            "file": ci_path(d.path, root), "line": d.line, "col": d.column,
            "endLine": d.end_line, "endColumn": d.end_column, "title": f"vaultlint ({d.rule})",
        }
        if not in_note(d):
            props = {"title": props["title"]}
        fields = ",".join(f"{k}={_gh_escape(str(v), prop=True)}" for k, v in props.items())
        message = d.message
        if d.suggestions:
            message += "\nCandidates: " + ", ".join(d.suggestions)
        out.append(f"::{_GITHUB_LEVEL[d.severity]} {fields}::{_gh_escape(message)}")
    return "".join(line + "\n" for line in out)


def _display_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _caret_line(line: str, column: int, end_column: int) -> str:
    """Spaces up to `column` (tabs kept, so that the caret lines up under the
    text however tabs are shown), then carets to `end_column`."""
    lead = "".join("\t" if c == "\t" else " " * _display_width(c) for c in line[: column - 1])
    width = sum(_display_width(c) for c in line[column - 1 : end_column - 1])
    return lead + "^" * max(1, width)


def to_full(diagnostics: Sequence[Diagnostic], *, checked: int = 0, color: bool = False,
            note_text=None, **_) -> str:
    """Each problem with the line it is on, a caret under the text at fault,
    and what would fix it."""
    out = []
    for d, head in zip(diagnostics, diagnostic_lines(diagnostics, color=color), strict=True):
        out.append(head)
        text = note_text(d.path) if note_text and in_note(d) else None
        if text is not None:
            lines = text.splitlines()
            if 0 < d.line <= len(lines):
                line = lines[d.line - 1]
                end = d.end_column if d.end_line == d.line else len(line) + 1
                number = str(d.line)
                pad = " " * len(number)
                caret = _caret_line(line, d.column, end)
                if color:
                    caret = click.style(caret, fg=_COLOURS[d.severity])
                out += [f" {pad} |", f" {number} | {line}", f" {pad} | {caret}"]
        if d.fix is not None and d.fix.applicability is not Applicability.DISPLAY_ONLY:
            how = "`vaultlint fix`" if d.fix.applicability is Applicability.SAFE else "`vaultlint fix --unsafe-fixes`"
            out.append(f"   = fix: {d.fix.message or 'available'} ({how})")
        elif d.fix is not None and d.fix.message:
            out.append(f"   = suggestion: {d.fix.message}")
        if len(d.suggestions) > 1 or (d.suggestions and d.fix is None):
            out.append("   = candidates: " + ", ".join(f"`{s}`" for s in d.suggestions))
        out.append("")
    out.append(summary(diagnostics, checked))
    return "\n".join(out) + "\n"


SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _sarif_region(line: int, column: int, end_line: int, end_column: int) -> dict:
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _sarif_rule(name: str, rule) -> dict:
    entry: dict = {"id": name, "name": name}
    if rule is not None:
        manual = rule.manual()
        summary_text = rule.summary().split(":", 1)[-1].strip() or name
        entry["shortDescription"] = {"text": summary_text}
        entry["fullDescription"] = {"text": _section(manual, "What it checks") or summary_text}
        entry["help"] = {"text": manual or summary_text}
        entry["defaultConfiguration"] = {"level": _SARIF_LEVEL[rule.severity]}
        entry["properties"] = {"fixable": bool(rule.fixable)}
    return entry


def _section(manual: str, title: str) -> str:
    """The text of a manual's section (an unindented title, then indented lines)."""
    lines = manual.splitlines()
    if title not in lines:
        return ""
    body = []
    for line in lines[lines.index(title) + 1:]:
        if line and not line[0].isspace():
            break
        body.append(line.strip())
    return " ".join(" ".join(body).split())


def _sarif_fix(d: Diagnostic, uri: str) -> dict:
    return {
        "description": {"text": f"{d.fix.message or 'fix'} ({d.fix.applicability.value})"},
        "artifactChanges": [{
            "artifactLocation": {"uri": uri, "uriBaseId": "SRCROOT"},
            "replacements": [
                {"deletedRegion": _sarif_region(e.line, e.column, e.end_line, e.end_column),
                 "insertedContent": {"text": e.content}}
                for e in d.fix.edits
            ],
        }],
    }


def to_sarif(diagnostics: Sequence[Diagnostic], *, rules=None, root=None, note_text=None, **_) -> str:
    """SARIF 2.1.0, as GitHub code scanning and other viewers read it: the
    rules with their manuals, each problem with its region, its fix and a
    fingerprint that survives lines moving."""
    from .baseline import fingerprint

    rules = rules or {}
    names = sorted({d.rule for d in diagnostics} | set(rules))
    index = {name: i for i, name in enumerate(names)}
    results = []
    for d in diagnostics:
        uri = quote(ci_path(d.path, root))
        result: dict = {
            "ruleId": d.rule,
            "ruleIndex": index[d.rule],
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message},
        }
        if in_note(d):
            result["locations"] = [{"physicalLocation": {
                "artifactLocation": {"uri": uri, "uriBaseId": "SRCROOT"},
                "region": _sarif_region(d.line, d.column, d.end_line, d.end_column),
            }}]
            text = note_text(d.path) if note_text else None
            result["partialFingerprints"] = {"vaultlint/v1": fingerprint(d, text)}
        if d.fix is not None and in_note(d):
            result["fixes"] = [_sarif_fix(d, uri)]
        if d.suggestions:
            result["properties"] = {"suggestions": list(d.suggestions)}
        results.append(result)
    run: dict = {
        "tool": {"driver": {
            "name": "vaultlint",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": [_sarif_rule(name, rules.get(name)) for name in names],
        }},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if root is not None:
        # Relative URIs are relative to the checkout when the vault is in it.
        base = os.getcwd() if ci_path("x", root) != "x" else os.path.abspath(root)
        run["originalUriBaseIds"] = {"SRCROOT": {"uri": Path(base).as_uri() + "/"}}
    doc = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_junit(diagnostics: Sequence[Diagnostic], *, checked: int = 0, root=None, **_) -> str:
    """JUnit XML, as GitLab and Jenkins show test reports: a suite per note
    with problems, a failed test case per problem."""
    from xml.etree import ElementTree as ET

    suites = ET.Element("testsuites", name="vaultlint", tests=str(max(1, len(diagnostics))),
                        failures=str(len(diagnostics)))
    by_note: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_note.setdefault(d.path, []).append(d)
    for path, found in by_note.items():
        name = ci_path(path, root) if path else "vault"
        suite = ET.SubElement(suites, "testsuite", name=name, tests=str(len(found)), failures=str(len(found)))
        for d in found:
            case = ET.SubElement(suite, "testcase", name=f"{d.rule} at {d.line}:{d.column}", classname=name,
                                 file=name, line=str(d.line))
            failure = ET.SubElement(case, "failure", message=d.message, type=d.rule)
            failure.text = f"{name}:{d.line}:{d.column}: {d.rule} {d.message}"
    if not diagnostics:
        suite = ET.SubElement(suites, "testsuite", name="vaultlint", tests="1", failures="0")
        ET.SubElement(suite, "testcase", name=f"{checked} notes checked", classname="vaultlint")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


FORMATS.update({
    "concise": to_text,
    "full": to_full,
    "github": to_github,
    "sarif": to_sarif,
    "junit": to_junit,
})


def statistics(diagnostics: Sequence[Diagnostic], *, as_json: bool = False) -> str:
    """How many problems each rule found, most first, and how many `fix` solves."""
    rows = []
    for rule, count in Counter(d.rule for d in diagnostics).most_common():
        found = [d for d in diagnostics if d.rule == rule]
        safe, unsafe = fixable_counts(found)
        rows.append({"rule": rule, "severity": found[0].severity.value, "count": count,
                     "fixable": safe, "fixable_unsafe": unsafe})
    if as_json:
        return json.dumps(rows, indent=2) + "\n"
    if not rows:
        return "No problems.\n"
    width = max(len(r["rule"]) for r in rows)
    digits = len(str(rows[0]["count"]))
    lines = []
    for r in rows:
        fix = ""
        if r["fixable"]:
            fix = f"  {r['fixable']} fixable"
        elif r["fixable_unsafe"]:
            fix = f"  {r['fixable_unsafe']} fixable with --unsafe-fixes"
        lines.append(f"{r['count']:>{digits}}  {r['rule']:<{width}}  {r['severity']:<7}{fix}".rstrip())
    return "\n".join(lines) + "\n"

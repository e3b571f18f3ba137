"""Turning diagnostics into output: text for people (`text`/`concise`, and
`full` with the source line), JSON for programs, and what CI systems read
(`github` annotations, `sarif` 2.1.0, `junit` XML).

Each format is a generator of pieces of text, written as they come: on a
large vault (150,000 problems) no whole document is built first, neither
as objects nor as one string. `render` joins them, for a caller that wants
the text.

The JSON format is a contract (see `vaultlint/output/diagnostics.schema.json`):
an array of objects with `path` (relative to the vault root, `/`-separated),
`line`, `column`, `end_line`, `end_column` (1-based, end exclusive),
`rule`, `severity`, `message`, `fix` (null or
`{"applicability", "message", "edits": [{"line", "column", "end_line", "end_column", "content"}]}`)
and `suggestions` (best first), indented by two spaces (the bytes of
`json.dumps(..., indent=2, ensure_ascii=False)`, made by hand from the C
string encoder: the pure-Python indenting encoder took 5 s and 800 MB for
127,000 problems).

The formats people read, and `github` and `junit`, name a note as it can
be clicked or pasted from the current folder (`Shown`): relative to it when
the note is under it, else absolute. JSON names it relative to the vault
root, SARIF relative to the checkout or the vault (`SRCROOT`).
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from itertools import groupby
from pathlib import Path
from urllib.parse import quote

import click

from .. import __version__
from ..diagnostics import Applicability, Diagnostic, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}
BATCH = 2000  # diagnostics per piece written
Format = Callable[..., Iterator[str]]


def render(name: str, diagnostics: Sequence[Diagnostic], **options) -> str:
    """The whole output of format `name`, as one string."""
    return "".join(FORMATS[name](diagnostics, **options))


def _batches(diagnostics: Sequence[Diagnostic]) -> Iterator[Sequence[Diagnostic]]:
    for i in range(0, len(diagnostics), BATCH):
        yield diagnostics[i:i + BATCH]


def in_note(d: Diagnostic) -> bool:
    """Whether the problem is in a note (not one of the vault as a whole)."""
    return d.path not in ("", ".")


class Shown:
    """How a note's path (relative to the vault root) is shown to the person
    who ran vaultlint: relative to the current folder when the note is under
    it, else absolute (as ruff does), so that it can be clicked or pasted
    where they are. The vault itself (a problem of the whole vault) is shown
    the same way. Without a root, paths are shown as they are."""

    def __init__(self, root=None):
        self.prefix = self.inside = self.absolute = None
        self.vault = "."
        if root is None:
            return
        root, cwd = os.path.abspath(root), os.getcwd()
        absolute = (root if os.sep == "/" else root.replace(os.sep, "/")).rstrip("/") + "/"
        rel = os.path.relpath(root, cwd).replace(os.sep, "/")
        if rel == ".":
            self.prefix = ""
        elif rel != ".." and not rel.startswith("../"):
            self.prefix, self.vault = rel + "/", rel  # the vault is under the current folder
        else:
            self.absolute, self.vault = absolute, absolute.rstrip("/") or "/"
            inside = os.path.relpath(cwd, root).replace(os.sep, "/")
            if inside != ".." and not inside.startswith("../"):
                self.inside = inside + "/"  # the current folder is in the vault

    def __call__(self, path: str) -> str:
        # (A string operation or two a problem: 150,000 of them on a large vault.)
        if path in ("", "."):
            return self.vault
        if self.prefix is not None:
            return self.prefix + path
        if self.absolute is None:
            return path
        if self.inside is not None and path.startswith(self.inside):
            return path[len(self.inside):]
        return self.absolute + path


# --------------------------------------------------------------------------
# Text.


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


def to_text(diagnostics: Sequence[Diagnostic], *, checked: int = 0, color: bool = False, root=None,
            **_) -> Iterator[str]:
    shown = Shown(root)
    for batch in _batches(diagnostics):
        yield "".join(line + "\n" for line in diagnostic_lines(batch, color=color, shown=shown))
    yield summary(diagnostics, checked) + "\n"


def diagnostic_lines(diagnostics: Sequence[Diagnostic], *, color: bool = False,
                     shown: Callable[[str], str] | None = None) -> list[str]:
    """One `path:line:column: rule message` line per diagnostic, the path
    as `shown` shows it (as it is, by default)."""
    if not color:  # the common case, and 150,000 lines on a large vault: one expression each
        if shown is None:
            return [f"{d.path}:{d.line}:{d.column}: {d.rule} {d.message}" for d in diagnostics]
        return [f"{shown(d.path)}:{d.line}:{d.column}: {d.rule} {d.message}" for d in diagnostics]
    lines = []
    for d in diagnostics:
        where = click.style(f"{shown(d.path) if shown else d.path}:{d.line}:{d.column}:", bold=True)
        rule = click.style(d.rule, fg=_COLOURS[d.severity])
        lines.append(f"{where} {rule} {d.message}")
    return lines


# --------------------------------------------------------------------------
# JSON, the contract: the bytes `json.dumps(..., indent=2)` gives, written
# with the C string encoder a diagnostic at a time.

_string = json.encoder.encode_basestring  # as json.dumps(ensure_ascii=False) quotes a string


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


def _json_fix(fix) -> str:
    if fix is None:
        return "null"
    edits = ",\n".join(
        f'        {{\n          "line": {e.line},\n          "column": {e.column},\n'
        f'          "end_line": {e.end_line},\n          "end_column": {e.end_column},\n'
        f'          "content": {_string(e.content)}\n        }}'
        for e in fix.edits
    )
    edits = f"[\n{edits}\n      ]" if edits else "[]"
    return (f'{{\n      "applicability": "{fix.applicability.value}",\n      "message": {_string(fix.message)},\n'
            f'      "edits": {edits}\n    }}')


def _json_object(d: Diagnostic) -> str:
    suggestions = "[]"
    if d.suggestions:
        suggestions = "[\n" + ",\n".join("      " + _string(s) for s in d.suggestions) + "\n    ]"
    return (f'  {{\n    "path": {_string(d.path)},\n    "line": {d.line},\n    "column": {d.column},\n'
            f'    "end_line": {d.end_line},\n    "end_column": {d.end_column},\n    "rule": {_string(d.rule)},\n'
            f'    "severity": "{d.severity.value}",\n    "message": {_string(d.message)},\n'
            f'    "fix": {_json_fix(d.fix)},\n    "suggestions": {suggestions}\n  }}')


def to_json(diagnostics: Sequence[Diagnostic], **_) -> Iterator[str]:
    if not diagnostics:
        yield "[]\n"
        return
    separator = "[\n"
    for batch in _batches(diagnostics):
        yield separator + ",\n".join(_json_object(d) for d in batch)
        separator = ",\n"
    yield "\n]\n"


FORMATS: dict[str, Format] = {"text": to_text, "json": to_json}


# --------------------------------------------------------------------------
# More formats. Each takes the diagnostics and what it needs of the run, by
# keyword: `rules` (name -> Rule class, for descriptions), `root` (the vault
# root, to name files from the current folder) and `note_text` (path -> the
# note's text, for source lines and fingerprints). Each copes without them.


def ci_path(path: str, root=None) -> str:
    """A note's path as SARIF names it: relative to the current folder
    (the checkout), when the vault is inside it; else relative to the vault."""
    if root is None:
        return path
    rel = os.path.relpath(os.path.join(root, path))
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def to_github(diagnostics: Sequence[Diagnostic], *, root=None, **_) -> Iterator[str]:
    """GitHub Actions workflow commands: each problem becomes an annotation
    on the pull request's diff (its file named from the current folder, the
    checkout, as text names it)."""
    shown = Shown(root)
    for batch in _batches(diagnostics):
        out = []
        for d in batch:
            title = f"title={_gh_escape(f'vaultlint ({d.rule})', prop=True)}"
            if in_note(d):
                fields = (f"file={_gh_escape(shown(d.path), prop=True)},line={d.line},col={d.column},"
                          f"endLine={d.end_line},endColumn={d.end_column},{title}")
            else:
                fields = title
            message = d.message
            if d.suggestions:
                message += "\nCandidates: " + ", ".join(d.suggestions)
            out.append(f"::{_GITHUB_LEVEL[d.severity]} {fields}::{_gh_escape(message)}\n")
        yield "".join(out)


def _display_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


_ASCII_BLANK = {i: " " for i in range(128) if i != ord("\t")}  # every ASCII character a space, but tabs


def _caret_line(line: str, column: int, end_column: int) -> str:
    """Spaces up to `column` (tabs kept, so that the caret lines up under the
    text however tabs are shown), then carets to `end_column`. (ASCII text,
    the common case, one character a column, without a look at each.)"""
    before, at = line[: column - 1], line[column - 1 : end_column - 1]
    if before.isascii():
        lead = before.translate(_ASCII_BLANK)
    else:
        lead = "".join("\t" if c == "\t" else " " * _display_width(c) for c in before)
    width = len(at) if at.isascii() else sum(_display_width(c) for c in at)
    return lead + "^" * max(1, width)


def to_full(diagnostics: Sequence[Diagnostic], *, checked: int = 0, color: bool = False,
            note_text=None, root=None, **_) -> Iterator[str]:
    """Each problem with the line it is on, a caret under the text at fault,
    and what would fix it."""
    shown = Shown(root)
    lines_of: tuple[str, list[str] | None] = ("", None)  # the lines of the note of the last problem
    for batch in _batches(diagnostics):
        out = []
        for d, head in zip(batch, diagnostic_lines(batch, color=color, shown=shown), strict=True):
            out.append(head)
            if lines_of[0] != d.path:  # (the problems come note by note: each note is split once)
                text = note_text(d.path) if note_text and in_note(d) else None
                lines_of = (d.path, None if text is None else text.splitlines())
            lines = lines_of[1]
            if lines is not None:
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
                how = ("`vaultlint fix`" if d.fix.applicability is Applicability.SAFE
                       else "`vaultlint fix --unsafe-fixes`")
                out.append(f"   = fix: {d.fix.message or 'available'} ({how})")
            elif d.fix is not None and d.fix.message:
                out.append(f"   = suggestion: {d.fix.message}")
            if len(d.suggestions) > 1 or (d.suggestions and d.fix is None):
                out.append("   = candidates: " + ", ".join(f"`{s}`" for s in d.suggestions))
            out.append("")
        yield "".join(line + "\n" for line in out)
    yield summary(diagnostics, checked) + "\n"


# --------------------------------------------------------------------------
# SARIF: compact JSON from the C encoder, a result at a time, at most
# `max_results` of them (GitHub's limit by default).

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub code scanning refuses a run of more results (and a file over 10 MB
# gzipped: 25,000 results of the generated vault make 1.3 MB gzipped).
SARIF_MAX_RESULTS = 25_000
LEFT_OUT = "vaultlint/results-left-out"  # the id of the notification that says how many
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


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


def most_severe(diagnostics: Sequence[Diagnostic], cap: int) -> Sequence[Diagnostic]:
    """At most `cap` of the diagnostics (0: all), errors first, then
    warnings, then info, each kind in its order; the kept ones in their order."""
    if not cap or len(diagnostics) <= cap:
        return diagnostics
    ranked = sorted(range(len(diagnostics)), key=lambda i: -diagnostics[i].severity.rank)  # (stable)
    return [diagnostics[i] for i in sorted(ranked[:cap])]


def left_out_message(kept: int, total: int) -> str:
    return (f"SARIF: {total - kept:,} of {total:,} results left out, the {kept:,} kept being the most severe "
            f"(errors, then warnings, then info): GitHub code scanning takes at most 25,000 a run. "
            "`--max-results 0` writes them all; `--output-format text` lists them.")


_LEFT_OUT_TEXT = re.compile(rb'"message":\{"text":("(?:[^"\\]|\\.)*")\},"descriptor":\{"id":"' + LEFT_OUT.encode())


def sarif_left_out(head: bytes) -> str | None:
    """The warning a SARIF document carries, when results were left out,
    read from its beginning (the first piece `to_sarif` writes, or a kept
    copy of the whole)."""
    m = _LEFT_OUT_TEXT.search(head, 0, 4096)
    return None if m is None else json.loads(m.group(1))


def to_sarif(diagnostics: Sequence[Diagnostic], *, rules=None, root=None, note_text=None,
             max_results: int | None = None, **_) -> Iterator[str]:
    """SARIF 2.1.0, as GitHub code scanning and other viewers read it: the
    rules with their manuals, each problem with its region, its fix and a
    fingerprint that survives lines moving. When there are more than
    `max_results` problems (None: `SARIF_MAX_RESULTS`, 0: no cap), the
    most severe are kept, and a notification of the run (written first)
    says how many were left out."""
    from .baseline import fingerprint

    if max_results is None:
        max_results = SARIF_MAX_RESULTS

    rules = rules or {}
    names = sorted({d.rule for d in diagnostics} | set(rules))
    index = {name: i for i, name in enumerate(names)}
    kept = most_severe(diagnostics, max_results)
    head = {"$schema": SARIF_SCHEMA, "version": "2.1.0"}
    run: dict = {}
    if len(kept) < len(diagnostics):
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": [{
            "level": "warning", "message": {"text": left_out_message(len(kept), len(diagnostics))},
            "descriptor": {"id": LEFT_OUT},
        }]}]
    run["tool"] = {"driver": {
        "name": "vaultlint",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [_sarif_rule(name, rules.get(name)) for name in names],
    }}
    run["columnKind"] = "unicodeCodePoints"
    if root is not None:
        # Relative URIs are relative to the checkout when the vault is in it.
        base = os.getcwd() if ci_path("x", root) != "x" else os.path.abspath(root)
        run["originalUriBaseIds"] = {"SRCROOT": {"uri": Path(base).as_uri() + "/"}}
    # The document up to its results, which follow, a piece at a time.
    yield _compact(head)[:-1] + ',"runs":[' + _compact(run)[:-1] + ',"results":['
    uris: dict[str, str] = {}
    separator = ""
    for batch in _batches(kept):
        out = []
        for d in batch:
            result: dict = {
                "ruleId": d.rule,
                "ruleIndex": index[d.rule],
                "level": _SARIF_LEVEL[d.severity],
                "message": {"text": d.message},
            }
            if in_note(d):
                uri = uris.get(d.path)
                if uri is None:
                    uri = uris[d.path] = quote(ci_path(d.path, root))
                result["locations"] = [{"physicalLocation": {
                    "artifactLocation": {"uri": uri, "uriBaseId": "SRCROOT"},
                    "region": _sarif_region(d.line, d.column, d.end_line, d.end_column),
                }}]
                text = note_text(d.path) if note_text else None
                result["partialFingerprints"] = {"vaultlint/v1": fingerprint(d, text)}
                if d.fix is not None:
                    result["fixes"] = [_sarif_fix(d, uri)]
            if d.suggestions:
                result["properties"] = {"suggestions": list(d.suggestions)}
            out.append(separator + _compact(result))
            separator = ","
        yield "".join(out)
    yield "]}]}\n"


# --------------------------------------------------------------------------
# JUnit XML, laid out as ElementTree's `indent` lays it out.

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # What XML 1.0 cannot hold at all (a control character, a lone surrogate) becomes U+FFFD.
    return _XML_INVALID.sub("\ufffd", text)


def _xml_attr(text: str) -> str:
    return (_xml_text(text).replace('"', "&quot;").replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#09;"))


def to_junit(diagnostics: Sequence[Diagnostic], *, checked: int = 0, root=None, **_) -> Iterator[str]:
    """JUnit XML, as GitLab and Jenkins show test reports: a suite per note
    with problems, a failed test case per problem."""
    shown = Shown(root)
    yield ('<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<testsuites name="vaultlint" tests="{max(1, len(diagnostics))}" failures="{len(diagnostics)}">\n')
    if not diagnostics:
        yield (f'  <testsuite name="vaultlint" tests="1" failures="0">\n'
               f'    <testcase name="{checked} notes checked" classname="vaultlint" />\n'
               "  </testsuite>\n</testsuites>\n")
        return
    out: list[str] = []
    for path, group in groupby(diagnostics, key=lambda d: d.path):
        found = list(group)
        name = shown(path) if path else "vault"
        attr = _xml_attr(name)
        out.append(f'  <testsuite name="{attr}" tests="{len(found)}" failures="{len(found)}">\n')
        for d in found:
            out.append(
                f'    <testcase name="{_xml_attr(d.rule)} at {d.line}:{d.column}" classname="{attr}" file="{attr}" '
                f'line="{d.line}">\n'
                f'      <failure message="{_xml_attr(d.message)}" type="{_xml_attr(d.rule)}">'
                f"{_xml_text(f'{name}:{d.line}:{d.column}: {d.rule} {d.message}')}</failure>\n"
                "    </testcase>\n")
        out.append("  </testsuite>\n")
        if len(out) > BATCH:
            yield "".join(out)
            out = []
    out.append("</testsuites>\n")
    yield "".join(out)


FORMATS.update({
    "concise": to_text,
    "full": to_full,
    "github": to_github,
    "sarif": to_sarif,
    "junit": to_junit,
})


def statistics(diagnostics: Sequence[Diagnostic], *, as_json: bool = False) -> str:
    """How many problems each rule found, most first, and how many `fix`
    solves: `fixable` with `fix`, `fixable_unsafe` with `fix --unsafe-fixes`
    (the safe ones included), in the text as in JSON."""
    by_rule: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_rule.setdefault(d.rule, []).append(d)
    rows = []
    for rule, count in Counter(d.rule for d in diagnostics).most_common():
        found = by_rule[rule]
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
        if r["fixable"] and r["fixable_unsafe"] > r["fixable"]:
            fix = f"  {r['fixable']} fixable, {r['fixable_unsafe']} with --unsafe-fixes"
        elif r["fixable"]:
            fix = f"  {r['fixable']} fixable"
        elif r["fixable_unsafe"]:
            fix = f"  {r['fixable_unsafe']} fixable with --unsafe-fixes"
        lines.append(f"{r['count']:>{digits}}  {r['rule']:<{width}}  {r['severity']:<7}{fix}".rstrip())
    return "\n".join(lines) + "\n"

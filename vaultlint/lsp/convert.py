"""Between vaultlint's places and the protocol's: the one module that converts.

vaultlint counts lines from 1 and columns in characters (code points); the
Language Server Protocol counts both from 0, and columns in the code units
of the encoding agreed at `initialize` (UTF-16 unless the client offers
UTF-8 or UTF-32). A character outside the Basic Multilingual Plane (an
emoji, a rare CJK ideograph) is one character, two UTF-16 units and four
UTF-8 bytes: every position the server sends or reads goes through
`LineIndex`, so none is converted twice or not at all.

Lines end at "\\r\\n", "\\r" or "\\n", for the protocol as for vaultlint
(`Note.line_starts`); Python's `str.splitlines` would also end them at
form feeds and U+2028, which neither does.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types

from ..diagnostics import Applicability, Diagnostic, Edit, Severity

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

UTF8, UTF16, UTF32 = types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf32

SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def units(text: str, encoding: str) -> int:
    """How many code units of `encoding` the text takes."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def characters(line: str, count: int, encoding: str) -> int:
    """How many characters of `line` its first `count` code units hold (a
    unit inside a character counts the character as not reached)."""
    if encoding == UTF32 or line.isascii():
        return min(count, len(line))
    size = 4 if encoding == UTF8 else 2
    done = 0
    for i, c in enumerate(line):
        code = ord(c)
        if encoding == UTF8:
            width = 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else size
        else:
            width = 2 if code > 0xFFFF else 1
        if done + width > count:
            return i
        done += width
    return len(line)


class LineIndex:
    """Where the lines of one text start, to turn offsets and (line, column)
    of either kind into each other."""

    def __init__(self, text: str, encoding: str = UTF16):
        self.text, self.encoding = text, encoding
        if "\r" in text:
            self.starts = [0, *(m.end() for m in _LINE_BREAK.finditer(text))]
        else:
            starts, at = [0], text.find("\n")
            while at != -1:
                starts.append(at + 1)
                at = text.find("\n", at + 1)
            self.starts = starts

    def line_end(self, line: int) -> int:
        """The offset of the end of 0-based `line`, before its line break."""
        if line + 1 < len(self.starts):
            end = self.starts[line + 1]
            if self.text[end - 2:end] == "\r\n":
                return end - 2
            return end - 1
        return len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line]:self.line_end(line)]

    def position(self, offset: int) -> types.Position:
        """The protocol's position of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return types.Position(line, units(self.text[self.starts[line]:offset], self.encoding))

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(end))

    def offset(self, position: types.Position) -> int:
        """The character offset of a protocol position: a line past the end
        is the end of the text, a column past the line's end its end (as
        the protocol says)."""
        if position.line >= len(self.starts):
            return len(self.text)
        line = max(position.line, 0)
        start = self.starts[line]
        text = self.text[start:self.line_end(line)]
        return start + characters(text, max(position.character, 0), self.encoding)

    def from_line_column(self, line: int, column: int) -> int:
        """The offset of vaultlint's 1-based (line, column in characters)."""
        i = max(line, 1) - 1
        if i >= len(self.starts):
            return len(self.text)
        return min(self.starts[i] + max(column, 1) - 1, self.line_end(i))

    def diagnostic_range(self, d: Diagnostic) -> types.Range:
        return types.Range(self.position(self.from_line_column(d.line, d.column)),
                           self.position(self.from_line_column(d.end_line, d.end_column)))

    def text_edit(self, edit: Edit) -> types.TextEdit:
        return types.TextEdit(self.range(edit.start, edit.end), edit.content)


def apply_change(text: str, change, encoding: str) -> str:
    """The text after one `didChange` content change (a whole text, or a
    range replaced)."""
    if isinstance(change, types.TextDocumentContentChangeWholeDocument) or getattr(change, "range", None) is None:
        return change.text
    index = LineIndex(text, encoding)
    start, end = index.offset(change.range.start), index.offset(change.range.end)
    if end < start:
        start, end = end, start
    return text[:start] + change.text + text[end:]


def to_lsp(d: Diagnostic, index: LineIndex) -> types.Diagnostic:
    """A vaultlint diagnostic as the protocol's, its fix's applicability
    shown in the message (the code actions offer the fix itself)."""
    message = d.message
    if d.fix is not None and d.fix.applicability is not Applicability.DISPLAY_ONLY:
        message += f" [fix: {d.fix.applicability.value}]"
    return types.Diagnostic(
        range=index.diagnostic_range(d),
        message=message,
        severity=SEVERITY.get(d.severity, types.DiagnosticSeverity.Warning),
        code=d.rule,
        source="vaultlint",
        data={"rule": d.rule, "line": d.line, "column": d.column},
    )


# -- URIs ---------------------------------------------------------------------
def uri_to_path(uri: str) -> Path | None:
    """The file a `file:` URI names (None for other schemes: an unsaved
    buffer, a remote file)."""
    try:
        parsed = urlparse(uri)
    except ValueError:
        return None
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if parsed.netloc and parsed.netloc != "localhost":
        path = f"//{parsed.netloc}{path}"
    if re.match(r"^/[A-Za-z]:", path):  # file:///C:/x on Windows
        path = path[1:]
    return Path(path)


def path_to_uri(path: Path) -> str:
    return Path(path).absolute().as_uri()

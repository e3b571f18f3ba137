"""Diagnostics packed as plain tuples for the cache, and unpacked again.

marshal reads plain tuples back several times faster than pickle reads dataclasses, which matters
for 100,000 notes.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import marshal
from collections.abc import Iterable
from contextlib import contextmanager

from ..diagnostics import Applicability, Diagnostic, Edit, Fix, Severity

# --------------------------------------------------------------------------
# Diagnostics as plain tuples: marshal reads them back several times faster
# than pickle reads dataclasses, which matters for 100,000 notes.


def pack(diagnostics: Iterable[Diagnostic]) -> bytes:
    return marshal.dumps([
        (d.path, d.line, d.column, d.end_line, d.end_column, d.rule, d.severity.value, d.message,
         None if d.fix is None else (
             tuple((e.start, e.end, e.content, e.line, e.column, e.end_line, e.end_column) for e in d.fix.edits),
             d.fix.applicability.value, d.fix.message),
         d.suggestions, d.start, d.end)
        for d in diagnostics
    ])


def _maker(cls):
    """A constructor for the frozen dataclass `cls` taking every field in
    order, that sets the slots directly: the dataclass's own `__init__` goes
    through `object.__setattr__` for each field, several times slower, and
    a warm run of 100,000 notes makes some 150,000 diagnostics."""
    names = [f.name for f in dataclasses.fields(cls)]
    lines = [f"def make({', '.join(names)}):", "    obj = new(cls)"]
    lines += [f"    set_{name}(obj, {name})" for name in names]
    lines.append("    return obj")
    scope = {"new": object.__new__, "cls": cls, **{f"set_{name}": getattr(cls, name).__set__ for name in names}}
    exec("\n".join(lines), scope)
    return scope["make"]


_DIAGNOSTIC, _FIX, _EDIT = _maker(Diagnostic), _maker(Fix), _maker(Edit)
_SEVERITY = {s.value: s for s in Severity}
_APPLICABILITY = {a.value: a for a in Applicability}


def unpack(data: bytes) -> list[Diagnostic]:
    return _made(marshal.loads(data))


def unpack_chunks(data: bytes) -> list[Diagnostic]:
    """What `pack` wrote chunk after chunk (a result kept whole)."""
    out: list[Diagnostic] = []
    stream = io.BytesIO(data)
    while stream.tell() < len(data):
        out += _made(marshal.load(stream))
    return out


def _made(packed: list[tuple]) -> list[Diagnostic]:
    out = []
    for path, line, column, end_line, end_column, rule, severity, message, fix, suggestions, start, end in packed:
        if fix is not None:
            edits, applicability, fix_message = fix
            fix = _FIX(tuple(_EDIT(*e) for e in edits), _APPLICABILITY[applicability], fix_message)
        out.append(_DIAGNOSTIC(path, line, column, end_line, end_column, rule, _SEVERITY[severity], message, fix,
                               tuple(suggestions), start, end))
    return out


@contextmanager
def no_gc():
    """The cycle collector paused: unpacking the diagnostics of a large vault
    makes millions of objects, none in a cycle, and the collector passes it
    triggers over them cost four times the unpacking itself. Afterwards what
    was made goes straight to the oldest generation (freeze, then unfreeze),
    so that the next young collection does not walk it all either."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was:
            gc.enable()


def _loads(data):
    """What `marshal` wrote, or None when `data` is not that."""
    try:
        return marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None

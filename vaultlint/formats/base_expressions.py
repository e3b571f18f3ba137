"""The expressions of a base (filters, formulas, summaries), parsed with the
place of every part.

Obsidian's help (Bases syntax, Functions, Formulas) describes a small
JavaScript-like language: property names (`price`, `note.price`,
`note["price"]`, `file.name`, `formula.ppu`, `this.file.name`), strings in
single or double quotes, numbers, `true`/`false`/`null`, lists `[1, 2]`,
objects `{"a": 1}`, regular expressions `/ab+c/g`, calls of global
functions (`now()`, `link("x")`) and methods (`file.hasTag("book")`),
indexing `list[0]`, the operators `! - * / % + - > < >= <= == != && ||`
(loosest last) and parentheses. Date arithmetic (`now() - "1 week"`) is
plain `-` on a date and a string.

`parse(text)` gives an `Expression`: its tree (`node`, None when it does
not parse) and its `problem`, the first thing that keeps it from parsing:
a quote or a bracket that never closes, a bracket that closes none, an
operator that is not one (`=`, `&`, `|`, `=<`, `<>`...), or a part where
none is expected. Every node spans [start, end) of `text`.

`unknown_functions(expression, extra)` lists the calls of a global
function that Obsidian does not define, and of a method whose name is a
misspelling of one it defines. `references(expression)` lists the
properties it reads (`Reference`): note properties, formulas, file fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

# The global functions of the help's Functions page, and `not` and `empty`
# of Bases' first releases, which bases Obsidian's makers wrote still use
# (kepano's `Shows.base`: `not(empty(note.last))`).
GLOBAL_FUNCTIONS = frozenset({
    "date", "duration", "escapeHTML", "file", "html", "icon", "if", "image", "link", "list", "max", "min",
    "now", "number", "random", "today", "not", "empty",
})
# The methods of the Functions page (of any type, dates, strings, numbers,
# lists, links, files, objects, regular expressions), and `mean`, which the
# Bases syntax page's summary example calls. A method is a function of the
# value's type, and the Functions page is not the whole list (it lacks
# `mean`), so a method is reported only when its name is close to one of these.
METHODS = frozenset({
    "isTruthy", "isType", "toString",
    "date", "format", "time", "relative", "isEmpty",
    "contains", "containsAll", "containsAny", "endsWith", "lower", "replace", "repeat", "reverse", "slice",
    "split", "startsWith", "title", "trim",
    "abs", "ceil", "floor", "round", "toFixed",
    "filter", "flat", "join", "map", "reduce", "sort", "unique",
    "asFile", "linksTo",
    "asLink", "hasLink", "hasProperty", "hasTag", "inFolder",
    "keys", "values",
    "matches",
    "mean",
    # Not on the page, but names a list of values plausibly has, each one
    # edit from a method that is (`max`/`map`): left alone, not "corrected".
    "min", "max", "sum", "median",
})
# The fields of a file (`file.name`): Bases syntax's and Functions' tables.
FILE_FIELDS = frozenset({
    "backlinks", "basename", "ctime", "embeds", "ext", "file", "folder", "links", "mtime", "name", "path",
    "properties", "size", "tags",
})
FILE_METHODS = frozenset({"asLink", "hasLink", "hasProperty", "hasTag", "inFolder", "isTruthy", "isType",
                          "toString", "isEmpty"})
# Names that are no note property: the objects Obsidian gives (`file`,
# `note`, `formula`, `this`), the values of `filter`/`map`/`reduce` and of
# a summary (`value`, `index`, `acc`, `values`), and the constants.
RESERVED = frozenset({"file", "note", "formula", "this", "value", "index", "acc", "values", "true", "false",
                      "null"})

MAX_DEPTH = 100

# What is no operator, and what the author likely meant.
_NOT_OPERATORS = {"===": "==", "!==": "!=", "=<": "<=", "=>": ">=", "<>": "!=", "**": "*", "=": "==",
                  "&": "&&", "|": "||", "^": None, "~": None, "?": None, ";": None, "@": None, "#": None,
                  "`": None, "\\": None}
_OPERATORS = ("==", "!=", ">=", "<=", "&&", "||", ">", "<", "+", "-", "*", "/", "%", "!", ".", ",", "(", ")",
              "[", "]", "{", "}", ":")
_TOKEN_OPS = sorted([*_OPERATORS, *_NOT_OPERATORS], key=len, reverse=True)
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+")
_NAME = re.compile(r"[A-Za-z_$\u00a0-\U0010ffff][\w$\u00a0-\U0010ffff]*")
_SPACE = re.compile(r"\s*")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}
_BINARY = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6,
           "%": 6}


@dataclass(frozen=True, slots=True)
class Problem:
    message: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "name", "number", "string", "regex", "op", "bad-op", "end"
    text: str
    start: int
    end: int
    value: object = None  # a string's or a number's value


# -- the tree -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Node:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Literal(Node):
    value: object
    kind: str  # "string", "number", "regex", "boolean", "null"


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Member(Node):
    object: Node
    name: str
    name_start: int


@dataclass(frozen=True, slots=True)
class Index(Node):
    object: Node
    index: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    callee: Node
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class ListOf(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class ObjectOf(Node):
    pairs: tuple[tuple[Node, Node], ...]


@dataclass(frozen=True, slots=True)
class Unary(Node):
    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary(Node):
    op: str
    left: Node
    right: Node
    op_start: int


@dataclass(frozen=True, slots=True)
class Expression:
    text: str
    node: Node | None
    problem: Problem | None


@dataclass(frozen=True, slots=True)
class Reference:
    """A property an expression reads: `kind` "note" (`price`, `note.price`,
    `note["price"]`), "formula" (`formula.ppu`) or "file" (`file.name`,
    `this.file.name`); `start`/`end` span the name. `this.price` is none:
    `this` is the base, the note embedding it or the active note."""

    kind: str
    name: str
    start: int
    end: int


# -- reading ------------------------------------------------------------------

class _Stop(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


def tokens(text: str) -> list[Token]:
    """The tokens of `text`, ending with an "end" token. Raises `_Stop` at a
    string or regular expression that never closes."""
    found: list[Token] = []
    pos, n = 0, len(text)
    while True:
        pos = _SPACE.match(text, pos).end()
        if pos >= n:
            found.append(Token("end", "", n, n))
            return found
        c = text[pos]
        if c in "'\"":
            found.append(_string(text, pos))
        elif c == "/" and _operand_expected(found):
            found.append(_regex(text, pos))
        elif (m := _NUMBER.match(text, pos)) is not None and (c != "." or _operand_expected(found)):
            found.append(Token("number", m.group(), pos, m.end(), float(m.group())))
        elif (m := _NAME.match(text, pos)) is not None:
            found.append(Token("name", m.group(), pos, m.end()))
        else:
            op = next((o for o in _TOKEN_OPS if text.startswith(o, pos)), c)
            kind = "op" if op in _OPERATORS else "bad-op"
            found.append(Token(kind, op, pos, pos + len(op)))
        pos = found[-1].end


def _operand_expected(found: list[Token]) -> bool:
    """Whether the next token starts an operand (so `/` opens a regular
    expression and `.5` is a number), as after an operator or an opening bracket."""
    if not found:
        return True
    last = found[-1]
    return last.kind in ("op", "bad-op") and last.text not in (")", "]", "}")


def _string(text: str, start: int) -> Token:
    quote = text[start]
    chars = []
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            chars.append({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
            i += 2
            continue
        if c == quote:
            return Token("string", text[start:i + 1], start, i + 1, "".join(chars))
        chars.append(c)
        i += 1
    raise _Stop(Problem(f"unbalanced quote: the string opened with {quote} here never closes", start, start + 1))


def _regex(text: str, start: int) -> Token:
    i, in_class = start + 1, False
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "\n":
            break
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            end = i + 1
            while end < len(text) and text[end].isalpha():
                end += 1
            return Token("regex", text[start:end], start, end, text[start + 1:i])
        i += 1
    raise _Stop(Problem("unbalanced regular expression: the `/` here never closes", start, start + 1))


def _check_brackets(found: list[Token]) -> None:
    """Raises `_Stop` at a bracket that never closes, or closes none, or
    closes another kind."""
    stack: list[Token] = []
    for tok in found:
        if tok.kind != "op":
            continue
        if tok.text in _CLOSERS:
            stack.append(tok)
        elif tok.text in (")", "]", "}"):
            if not stack:
                raise _Stop(Problem(f"unbalanced bracket: `{tok.text}` closes no bracket", tok.start, tok.end))
            opener = stack.pop()
            if _CLOSERS[opener.text] != tok.text:
                raise _Stop(Problem(f"unbalanced bracket: `{tok.text}` closes the `{opener.text}` opened at"
                                    f" character {opener.start + 1}", tok.start, tok.end))
    if stack:
        opener = stack[-1]
        raise _Stop(Problem(f"unbalanced bracket: `{opener.text}` is never closed", opener.start, opener.end))


class _Parser:
    def __init__(self, found: list[Token]):
        self.toks = found
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def take(self) -> Token:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, op: str, what: str) -> Token:
        tok = self.tok
        if tok.kind == "op" and tok.text == op:
            return self.take()
        raise self.unexpected(f"`{op}` {what}")

    def unexpected(self, wanted: str) -> _Stop:
        tok = self.tok
        if tok.kind == "bad-op":
            meant = _NOT_OPERATORS.get(tok.text)
            hint = f" (did you mean `{meant}`?)" if meant else ""
            return _Stop(Problem(f"`{tok.text}` is not an operator{hint}", tok.start, tok.end))
        if tok.kind == "end":
            return _Stop(Problem(f"the expression ends where {wanted} is expected", tok.start, tok.end))
        return _Stop(Problem(f"unexpected `{tok.text}` where {wanted} is expected", tok.start, tok.end))

    def expression(self, level: int = 1) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Stop(Problem(f"nested more than {MAX_DEPTH} levels deep", self.tok.start, self.tok.end))
        left = self.unary()
        while True:
            tok = self.tok
            prec = _BINARY.get(tok.text) if tok.kind == "op" else None
            if prec is None or prec < level:
                break
            self.take()
            right = self.expression(prec + 1)
            left = Binary(left.start, right.end, tok.text, left, right, tok.start)
        self.depth -= 1
        return left

    def unary(self) -> Node:
        tok = self.tok
        if tok.kind == "op" and tok.text in ("!", "-", "+"):
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Stop(Problem(f"nested more than {MAX_DEPTH} levels deep", tok.start, tok.end))
            operand = self.unary()
            self.depth -= 1
            return Unary(tok.start, operand.end, tok.text, operand)
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while True:
            tok = self.tok
            if tok.kind != "op":
                return node
            if tok.text == ".":
                self.take()
                name = self.tok
                if name.kind != "name":
                    raise self.unexpected("a name after `.`")
                self.take()
                node = Member(node.start, name.end, node, name.text, name.start)
            elif tok.text == "[":
                self.take()
                index = self.expression()
                close = self.expect("]", "to close the index")
                node = Index(node.start, close.end, node, index)
            elif tok.text == "(":
                self.take()
                args = self.items(")")
                close = self.expect(")", "to close the call")
                node = Call(node.start, close.end, node, tuple(args))
            else:
                return node

    def items(self, closer: str) -> list[Node]:
        found = []
        while not (self.tok.kind == "op" and self.tok.text == closer):
            found.append(self.expression())
            if self.tok.kind == "op" and self.tok.text == ",":
                self.take()
            elif not (self.tok.kind == "op" and self.tok.text == closer):
                raise self.unexpected(f"`,` or `{closer}`")
        return found

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "number":
            self.take()
            return Literal(tok.start, tok.end, tok.value, "number")
        if tok.kind == "string":
            self.take()
            return Literal(tok.start, tok.end, tok.value, "string")
        if tok.kind == "regex":
            self.take()
            return Literal(tok.start, tok.end, tok.value, "regex")
        if tok.kind == "name":
            self.take()
            if tok.text in ("true", "false"):
                return Literal(tok.start, tok.end, tok.text == "true", "boolean")
            if tok.text == "null":
                return Literal(tok.start, tok.end, None, "null")
            return Name(tok.start, tok.end, tok.text)
        if tok.kind == "op" and tok.text == "(":
            self.take()
            inner = self.expression()
            close = self.expect(")", "to close the parenthesis")
            return _spanned(inner, tok.start, close.end)
        if tok.kind == "op" and tok.text == "[":
            self.take()
            items = self.items("]")
            close = self.expect("]", "to close the list")
            return ListOf(tok.start, close.end, tuple(items))
        if tok.kind == "op" and tok.text == "{":
            self.take()
            pairs = []
            while not (self.tok.kind == "op" and self.tok.text == "}"):
                key = self.primary()
                self.expect(":", "after an object's key")
                pairs.append((key, self.expression()))
                if self.tok.kind == "op" and self.tok.text == ",":
                    self.take()
                elif not (self.tok.kind == "op" and self.tok.text == "}"):
                    raise self.unexpected("`,` or `}`")
            close = self.take()
            return ObjectOf(tok.start, close.end, tuple(pairs))
        raise self.unexpected("a value")


def _spanned(node: Node, start: int, end: int) -> Node:
    """A parenthesised node keeps its own span (its parts' places stay
    right); only a literal takes the parentheses' (`(2.5)`)."""
    return node


def parse(text: str) -> Expression:
    """The expression's tree, or the first problem that keeps it from parsing."""
    try:
        found = tokens(text)
        _check_brackets(found)
        parser = _Parser(found)
        if parser.tok.kind == "end":
            raise _Stop(Problem("the expression is empty", 0, len(text)))
        node = parser.expression()
        if parser.tok.kind != "end":
            raise parser.unexpected("an operator or the end")
        return Expression(text, node, None)
    except _Stop as stop:
        return Expression(text, None, stop.problem)


# -- what an expression holds -------------------------------------------------

def walk(node: Node | None) -> Iterator[Node]:
    """Every node of the tree, parents before their parts."""
    stack = [node] if node is not None else []
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Member):
            stack.append(node.object)
        elif isinstance(node, Index):
            stack += (node.index, node.object)
        elif isinstance(node, Call):
            stack += (*reversed(node.args), node.callee)
        elif isinstance(node, ListOf):
            stack += reversed(node.items)
        elif isinstance(node, ObjectOf):
            stack += [part for pair in reversed(node.pairs) for part in reversed(pair)]
        elif isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Binary):
            stack += (node.right, node.left)


def unknown_functions(expression: Expression, extra: Iterable[str] = ()) -> list[Problem]:
    """The calls of a function Obsidian does not define: a global function
    not in GLOBAL_FUNCTIONS nor `extra`, or a method whose name is not in
    METHODS but close to one that is (`containz`). Each problem spans the
    function's name; its message holds the closest name."""
    allowed = GLOBAL_FUNCTIONS | set(extra)
    found = []
    for node in walk(expression.node):
        if not isinstance(node, Call):
            continue
        callee = node.callee
        if isinstance(callee, Name) and callee.name not in allowed:
            close = closest(callee.name, sorted(allowed))
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            found.append(Problem(f"unknown function `{callee.name}()`{hint}", callee.start, callee.end))
        elif isinstance(callee, Member) and callee.name not in METHODS and callee.name not in extra:
            close = closest(callee.name, sorted(METHODS))
            if close:
                found.append(Problem(f"unknown function `{callee.name}()` (did you mean `{close[0]}`?)",
                                     callee.name_start, callee.end))
    return found


def references(expression: Expression) -> list[Reference]:
    """The properties the expression reads, in order."""
    called = {id(node.callee) for node in walk(expression.node) if isinstance(node, Call)}
    found = []
    skip: set[int] = set()  # nodes read as part of a longer reference
    for node in walk(expression.node):
        if id(node) in skip:
            continue
        ref = _reference(node, id(node) in called)
        if ref is not None:
            found.append(ref)
            skip.update(id(part) for part in walk(node))
    found.sort(key=lambda r: r.start)
    return found


def _reference(node: Node, is_callee: bool) -> Reference | None:
    if isinstance(node, Name):
        if node.name in RESERVED or is_callee:
            return None
        return Reference("note", node.name, node.start, node.end)
    field = _field(node)
    if field is None:
        return None
    obj, name, start, end = field
    if isinstance(obj, Name):
        if obj.name == "note":
            return Reference("note", name, start, end)
        if obj.name == "formula":
            return Reference("formula", name, start, end)
        if obj.name == "file":
            return None if is_callee else Reference("file", name, start, end)
        if obj.name == "this":
            # What `this` is depends on where the base is shown (the base,
            # the note embedding it, the active note): none is checked.
            return None
    inner = _field(obj)
    if inner is not None and isinstance(inner[0], Name) and inner[0].name == "this" and inner[1] == "file":
        return None if is_callee else Reference("file", name, start, end)
    return None


def _field(node: Node) -> tuple[Node, str, int, int] | None:
    """(object, name, start, end) of `obj.name` or `obj["name"]`."""
    if isinstance(node, Member):
        return node.object, node.name, node.name_start, node.end
    if isinstance(node, Index) and isinstance(node.index, Literal) and node.index.kind == "string":
        return node.object, node.index.value, node.index.start + 1, node.index.end - 1
    return None


def closest(word: str, choices: Iterable[str]) -> list[str]:
    """The choices that `word` is probably a misspelling of, closest first:
    the same name but for case, separators and a plural (`monthlyUses`,
    `monthly-uses`; `view`, `views`), or one edit away (two from eight
    letters on) with the same first letter or the first two swapped
    (`filtrs`, `tabel`). A name that only begins like another
    (`ratingImdb`, `rating`) is another name."""
    from rapidfuzz.distance import OSA

    from vaultlint.vault.suggest import normalize

    key = normalize(word).replace(" ", "")
    found = []
    for choice in choices:
        other = normalize(choice).replace(" ", "")
        if not key or not other:
            continue
        distance = OSA.distance(key, other)
        shorter = min(len(key), len(other))
        same_start = key[0] == other[0] or (key[:2] == other[1::-1] and len(key) > 2)
        if distance == 0 or (shorter >= 2 and same_start and distance <= (2 if shorter >= 8 else 1)):
            found.append((distance, OSA.distance(word.casefold(), choice.casefold()), choice))
    return [choice for _d, _raw, choice in sorted(found) if choice != word]


# The units of a duration (Bases syntax, Date arithmetic), compared in lower
# case (`M` months and `m` minutes are both units).
DURATION_UNITS = ("y", "year", "years", "m", "month", "months", "d", "day", "days", "w", "week", "weeks", "h",
                  "hour", "hours", "minute", "minutes", "s", "second", "seconds", "ms", "millisecond",
                  "milliseconds")
_DURATION_PART = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([^\d\s,]*)\s*,?")


def bad_durations(expression: Expression) -> list[Problem]:
    """The strings added to or taken from a date (`now() - "1 wek"`), or
    given to `duration()`, that are no duration: numbers, each with a unit.
    Each problem spans the string's text."""
    found = []
    for node in walk(expression.node):
        text = None
        if isinstance(node, Binary) and node.op in ("+", "-") and _is_date(node.left) and _is_string(node.right):
            text = node.right
        elif (isinstance(node, Call) and isinstance(node.callee, Name) and node.callee.name == "duration"
              and string_argument(node) is not None):
            text = string_argument(node)
        if text is not None:
            problem = _duration_problem(text.value)
            if problem:
                found.append(Problem(f"`{text.value}` is no duration: {problem}", text.start + 1, text.end - 1))
    return found


def _duration_problem(text: str) -> str | None:
    body = text.strip().lstrip("+-")
    if not body:
        return "a number and a unit, such as `1 week` or `7d`"
    pos = 0
    while pos < len(body):
        m = _DURATION_PART.match(body, pos)
        if m is None or m.end() == pos:
            return "a number and a unit, such as `1 week` or `7d`"
        unit = m.group(2)
        if unit and unit.lower() not in DURATION_UNITS:
            close = closest(unit, [u for u in DURATION_UNITS if len(u) > 2])
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            return f"`{unit}` is no unit of time{hint}"
        pos = m.end()
    return None


def _is_string(node: Node) -> bool:
    return isinstance(node, Literal) and node.kind == "string"


def _is_date(node: Node) -> bool:
    """Whether the node is surely a date: `now()`, `today()`, `date(...)`,
    `file.ctime`, `file.mtime`, `x.date()` of one, or one plus or minus a duration."""
    if isinstance(node, Call):
        callee = node.callee
        if isinstance(callee, Name):
            return callee.name in ("now", "today", "date")
        return isinstance(callee, Member) and callee.name == "date" and _is_date(callee.object)
    if isinstance(node, Member) and node.name in ("ctime", "mtime"):
        obj = node.object
        return (isinstance(obj, Name) and obj.name == "file") or (
            isinstance(obj, Member) and obj.name == "file" and isinstance(obj.object, Name)
            and obj.object.name == "this")
    if isinstance(node, Binary) and node.op in ("+", "-"):
        return _is_date(node.left) and _is_string(node.right)
    return False


def string_argument(call: Call, i: int = 0) -> Literal | None:
    """The call's i-th argument when it is a string literal."""
    if i < len(call.args) and isinstance(call.args[i], Literal) and call.args[i].kind == "string":
        return call.args[i]
    return None


def method_calls(expression: Expression, names: Iterable[str]) -> Iterator[tuple[Call, Node]]:
    """(call, receiver) of each call of a method in `names` on `file` or
    `this.file`: `file.inFolder("x")`, `this.file.hasLink("y")`."""
    wanted = set(names)
    for node in walk(expression.node):
        if isinstance(node, Call) and isinstance(node.callee, Member) and node.callee.name in wanted:
            obj = node.callee.object
            if (isinstance(obj, Name) and obj.name == "file") or (
                    isinstance(obj, Member) and obj.name == "file" and isinstance(obj.object, Name)
                    and obj.object.name == "this"):
                yield node, obj

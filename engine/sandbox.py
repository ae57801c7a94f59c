"""Restricted evaluator for scripts and gateway conditions written by administrators.

Defence in depth: (1) a static ``ast`` check (no ``_`` names, allowlisted attributes, no
import/def/class/with/yield/finally, typed ``except`` only); (2) an ``ast`` rewrite routing
amplifying operations (``* ** << + %``, f-strings, ``join``, ``replace``, ``extend``...) through
guards that predict the result size before building it; (3) curated ``__builtins__``;
(4) a per-thread ``sys.settrace`` deadline; (5) a size/type check of values handed back.
Not bounded: time spent inside a single C call (e.g. comparing, hashing or printing deeply
shared nested containers) and total memory beyond per-value limits times the time limit.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import datetime
import functools
import math
import operator
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from types import CodeType, FrameType, ModuleType
from typing import Any, Literal

from engine.errors import (
    EngineError,
    ScriptError,
    ScriptFailed,
    ScriptLimitExceeded,
    ScriptTimeout,
    UnsafeScript,
)

_FILENAME = "<script>"
_MAX_RESULT_DEPTH = 32

#: Attribute names a script may read; everything else (and anything starting with ``_``) is refused.
ALLOWED_ATTRIBUTES = frozenset(
    {
        "lower",
        "upper",
        "strip",
        "lstrip",
        "rstrip",
        "split",
        "rsplit",
        "splitlines",
        "startswith",
        "endswith",
        "replace",
        "join",
        "find",
        "rfind",
        "count",
        "isdigit",
        "isalpha",
        "isalnum",
        "isnumeric",
        "isspace",
        "isupper",
        "islower",
        "title",
        "capitalize",
        "casefold",
        "get",
        "keys",
        "values",
        "items",
        "append",
        "extend",
        "insert",
        "pop",
        "remove",
        "index",
        "sort",
        "reverse",
        "copy",
        "clear",
        "setdefault",
        "update",
        "add",
        "discard",
        "union",
        "intersection",
        "difference",
        "year",
        "month",
        "day",
        "hour",
        "minute",
        "second",
        "microsecond",
        "weekday",
        "isoweekday",
        "isoformat",
        "date",
        "time",
        "days",
        "seconds",
        "microseconds",
        "total_seconds",
    }
)
#: Names refused statically because they are well-known escape hatches.
FORBIDDEN_NAMES = frozenset(
    {
        "open",
        "eval",
        "exec",
        "compile",
        "getattr",
        "setattr",
        "delattr",
        "hasattr",
        "globals",
        "locals",
        "vars",
        "dir",
        "type",
        "object",
        "super",
        "breakpoint",
        "input",
        "help",
        "memoryview",
        "exit",
        "quit",
        "classmethod",
        "staticmethod",
        "property",
    }
)
_FORBIDDEN_NODES: dict[type[ast.AST], str] = {
    ast.Import: "import",
    ast.ImportFrom: "from ... import",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.ClassDef: "class",
    ast.FunctionDef: "def",
    ast.AsyncFunctionDef: "async def",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield from",
    ast.With: "with",
    ast.AsyncWith: "async with",
    ast.AsyncFor: "async for",
    ast.Match: "match",
    ast.TryStar: "except*",
    ast.AnnAssign: "type annotations",
}
# Nodes that can make a script run for a long time: only then is the tracer installed.
_SLOW_NODES = (
    ast.Call,
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.While,
    ast.For,
    ast.Try,
)
_SAFE_EXCEPTIONS: dict[str, type[Exception]] = {
    e.__name__: e
    for e in (
        Exception,
        ValueError,
        KeyError,
        TypeError,
        ZeroDivisionError,
        IndexError,
        ArithmeticError,
        LookupError,
    )
}
_GUARDED_METHODS = frozenset({"replace", "join", "extend", "update", "union"})
_BINOPS: dict[type[ast.operator], str] = {
    ast.Add: "add",
    ast.Mult: "mul",
    ast.Pow: "pow",
    ast.LShift: "lshift",
    ast.Mod: "mod",
}
# op -> (binary operator, in-place operator, symbol for messages)
_OPS: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any, Any], Any], str]] = {
    "add": (operator.add, operator.iadd, "'+'"),
    "mul": (operator.mul, operator.imul, "'*'"),
    "pow": (operator.pow, operator.ipow, "'**'"),
    "lshift": (operator.lshift, operator.ilshift, "'<<'"),
    "mod": (operator.mod, operator.imod, "'%'"),
}
_SEQ = (str, bytes, list, tuple)
_ATOMS = (type(None), bool, int, float, datetime.date, datetime.time, datetime.timedelta)
_PERCENT_SPEC = re.compile(r"[#0 +-]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?")
_DIGITS = re.compile(r"\d+")
_CONVERSIONS: dict[int, Callable[[object], str]] = {115: str, 114: repr, 97: ascii}


@dataclass(frozen=True)
class SandboxLimits:
    """Budgets applied to every ``evaluate``/``execute`` call."""

    time_limit_s: float = 1.0  # wall-clock budget per evaluate/execute call
    max_sequence_length: int = 1_000_000  # max len of any str/bytes/list/tuple/dict/set built
    max_int_bits: int = 4096  # max bit length of ints built by arithmetic
    max_source_length: int = 20_000  # max characters of source


class _Abort(BaseException):
    """Stops a script with ``error``; scripts may only catch ``Exception`` subclasses, never this."""

    def __init__(self, error: ScriptError) -> None:
        super().__init__(str(error))
        self.error = error


class _Star:
    """Marks a ``*iterable`` part of a rewritten display or call."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _refused(node: ast.AST | None, vi: str, en: str) -> UnsafeScript:
    line = getattr(node, "lineno", None)
    at_vi, at_en = (f" (dòng {line})", f" at line {line}") if line else ("", "")
    return UnsafeScript(f"Kịch bản bị từ chối{at_vi}: {vi} (script refused{at_en}: {en})")


def _spec_width(spec: str) -> int:
    """Sum of the numbers in a format spec: an upper bound on the padding it asks for."""
    return sum(int(d) if len(d) <= 9 else 10**10 for d in _DIGITS.findall(spec))


class _Checker(ast.NodeVisitor):
    """Raises UnsafeScript at the first construct that is not allowed."""

    def __init__(self) -> None:
        self.slow = False
        self.simple_slices: set[int] = set()

    def visit(self, node: ast.AST) -> None:
        label = _FORBIDDEN_NODES.get(type(node))
        if label is not None:
            raise _refused(node, f"không được dùng '{label}'", f"'{label}' is not allowed")
        self.slow = self.slow or isinstance(node, _SLOW_NODES)
        super().visit(node)

    def _name(self, name: str, node: ast.AST, store: bool) -> None:
        if (name.startswith("_") and name != "_") or name in FORBIDDEN_NAMES:
            raise _refused(node, f"không được dùng tên '{name}'", f"name '{name}' is not allowed")
        if store and name in _SAFE_EXCEPTIONS:
            raise _refused(node, f"không được gán lại tên '{name}'", f"name '{name}' cannot be rebound")

    def visit_Name(self, node: ast.Name) -> None:
        self._name(node.id, node, not isinstance(node.ctx, ast.Load))

    def visit_arg(self, node: ast.arg) -> None:
        self._name(node.arg, node, True)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg is not None:
            self._name(node.arg, node, False)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.generic_visit(node)  # inner names first, so the message names the first problem
        if node.attr not in ALLOWED_ATTRIBUTES:
            raise _refused(
                node, f"không được dùng thuộc tính '{node.attr}'", f"attribute '{node.attr}' is not allowed"
            )
        if not isinstance(node.ctx, ast.Load):
            raise _refused(
                node,
                f"không được gán thuộc tính '{node.attr}'",
                f"assigning attribute '{node.attr}' is not allowed",
            )

    def visit_Try(self, node: ast.Try) -> None:
        if node.finalbody:
            raise _refused(node, "không được dùng 'finally'", "'finally' is not allowed")
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        allowed = ", ".join(_SAFE_EXCEPTIONS)
        if node.type is None or not all(
            isinstance(t, ast.Name) and t.id in _SAFE_EXCEPTIONS
            for t in (node.type.elts if isinstance(node.type, ast.Tuple) else [node.type])
        ):
            raise _refused(
                node,
                f"'except' phải nêu tên lỗi trong: {allowed}",
                f"'except' must name exceptions among: {allowed}",
            )
        if node.name is not None:
            self._name(node.name, node, True)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        target = node.targets[0]
        if len(node.targets) == 1 and isinstance(target, ast.Subscript):
            self.simple_slices.add(id(target))
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if (
            not isinstance(node.ctx, ast.Load)
            and isinstance(node.slice, ast.Slice)
            and id(node) not in self.simple_slices
        ):
            raise _refused(
                node,
                "chỉ được gán lát cắt dạng 'x[a:b] = giá_trị'",
                "slice assignment is only allowed as 'x[a:b] = value'",
            )
        self.generic_visit(node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> None:
        spec = node.format_spec
        if isinstance(spec, ast.JoinedStr) and not all(isinstance(v, ast.Constant) for v in spec.values):
            raise _refused(
                node, "định dạng trong f-string phải là hằng số", "f-string format specs must be constant"
            )
        self.visit(node.value)


def _call(name: str, args: list[Any], like: ast.AST) -> ast.Call:
    return ast.copy_location(ast.Call(ast.Name(name, ast.Load()), args, []), like)


class _Rewriter(ast.NodeTransformer):
    """Routes amplifying operations through the ``_sb_*`` guards (run after _Checker)."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        op = _BINOPS.get(type(node.op))
        return node if op is None else _call("_sb_" + op, [node.left, node.right], node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        self.generic_visit(node)
        op, target = _BINOPS.get(type(node.op)), node.target
        if op is None:
            return node
        if isinstance(target, ast.Name):
            value = _call("_sb_iop", [ast.Constant(op), ast.Name(target.id, ast.Load()), node.value], node)
            return ast.copy_location(ast.Assign([target], value), node)
        if not isinstance(target, ast.Subscript):  # attributes and slices are refused by _Checker
            return node
        args = [ast.Constant(op), target.value, target.slice, node.value]
        return ast.copy_location(ast.Expr(_call("_sb_iitem", args, node)), node)

    def visit_Assign(self, node: ast.Assign) -> ast.stmt:
        self.generic_visit(node)
        target = node.targets[0]
        if not (isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Slice)):
            return node
        sl = target.slice
        parts = [p if p is not None else ast.Constant(None) for p in (sl.lower, sl.upper, sl.step)]
        call = _call("_sb_setslice", [target.value, *parts, node.value], node)
        return ast.copy_location(ast.Expr(call), node)

    def visit_While(self, node: ast.While) -> ast.While:
        # ``while True: pass`` compiles to a bare jump that emits no trace events in 3.11.
        self.generic_visit(node)
        node.body.insert(0, ast.copy_location(ast.Expr(_call("_sb_tick", [], node)), node))
        return node

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> ast.ExceptHandler:
        # An error inside the tracer (e.g. RecursionError) silently uninstalls it.
        self.generic_visit(node)
        node.body.insert(0, ast.copy_location(ast.Expr(_call("_sb_alive", [], node)), node))
        return node

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        self.generic_visit(node)
        if node.attr in _GUARDED_METHODS and isinstance(node.ctx, ast.Load):
            return _call("_sb_method", [node.value, ast.Constant(node.attr)], node)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.expr:
        parts: list[ast.expr] = []
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                spec = part.format_spec
                consts = getattr(spec, "values", ())
                text = "".join(str(c.value) for c in consts if isinstance(c, ast.Constant))
                fields = [self.visit(part.value), ast.Constant(part.conversion), ast.Constant(text)]
                parts.append(ast.Tuple(fields, ast.Load()))
            else:
                parts.append(part)
        return _call("_sb_fstr", [ast.Tuple(parts, ast.Load())], node)

    def _display(self, kind: str, elts: list[ast.expr], like: ast.AST) -> ast.Call:
        parts = [_call("_sb_star", [e.value], e) if isinstance(e, ast.Starred) else e for e in elts]
        return _call("_sb_cat", [ast.Constant(kind), ast.Tuple(parts, ast.Load())], like)

    def visit_List(self, node: ast.List | ast.Tuple | ast.Set) -> ast.expr:
        self.generic_visit(node)
        loads = not isinstance(getattr(node, "ctx", ast.Load()), (ast.Store, ast.Del))
        if loads and any(isinstance(e, ast.Starred) for e in node.elts):
            return self._display(type(node).__name__.lower(), node.elts, node)
        return node

    def visit_Tuple(self, node: ast.Tuple) -> ast.expr:
        return self.visit_List(node)

    def visit_Set(self, node: ast.Set) -> ast.expr:
        return self.visit_List(node)

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if any(isinstance(a, ast.Starred) for a in node.args):
            node.args = [ast.Starred(self._display("tuple", node.args, node), ast.Load())]
        return node


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: str, max_source_length: int) -> tuple[CodeType, bool]:
    """Check, rewrite and compile; returns the code and whether it needs the tracer."""
    if mode not in ("eval", "exec"):
        raise ValueError(f"mode must be 'eval' or 'exec', not {mode!r}")
    if len(source) > max_source_length:
        raise _refused(
            None,
            f"mã nguồn dài {len(source)} ký tự, tối đa {max_source_length}",
            f"source has {len(source)} characters, the maximum is {max_source_length}",
        )
    try:
        tree = ast.parse(source, _FILENAME, mode)
        checker = _Checker()
        checker.visit(tree)
        tree = ast.fix_missing_locations(_Rewriter().visit(tree))
        return compile(tree, _FILENAME, mode, dont_inherit=True), checker.slow
    except SyntaxError as exc:
        raise UnsafeScript(
            f"Kịch bản có lỗi cú pháp ở dòng {exc.lineno}: {exc.msg} "
            f"(script has a syntax error at line {exc.lineno}: {exc.msg})"
        ) from None
    except (RecursionError, MemoryError):
        raise _refused(None, "mã nguồn lồng nhau quá sâu", "the source is nested too deeply") from None
    except ValueError as exc:  # e.g. null bytes
        raise _refused(None, f"không đọc được mã nguồn: {exc}", f"cannot parse the source: {exc}") from None


def _percent_widths(text: str) -> Iterator[str]:
    """Yield the width and precision fields of a printf-style format, in linear time."""
    i = text.find("%")
    while i >= 0:
        i += 1
        if text.startswith("(", i):  # a mapping key; CPython allows nested parentheses in it
            depth = 0
            while i < len(text):
                depth += (text[i] == "(") - (text[i] == ")")
                i += 1
                if depth == 0:
                    break
        match = _PERCENT_SPEC.match(text, i)
        if match is None:  # cannot happen: every part of the pattern is optional
            return
        yield from match.groups("")
        i = text.find("%", match.end() + 1)  # skip the conversion character, which may be '%'


def _traced(iterator: Iterator[Any]) -> Iterator[Any]:
    # A Python generator: every step is a traced 'call' event, so C consumers stay interruptible.
    yield from iterator


def _make_guards(limits: SandboxLimits) -> dict[str, Any]:
    """Build the guard functions and guarded builtins bound to ``limits``."""
    max_len, max_bits = limits.max_sequence_length, limits.max_int_bits

    def size(n: int, what: str) -> None:
        if n > max_len:
            raise _Abort(
                ScriptLimitExceeded(
                    f"Kịch bản vượt giới hạn kích thước: {what} tạo giá trị dài {n} (tối đa {max_len}) "
                    f"(script limit exceeded: {what} would build a value of length {n} > {max_len})"
                )
            )

    def bits(n: int, what: str) -> None:
        if n > max_bits:
            raise _Abort(
                ScriptLimitExceeded(
                    f"Kịch bản vượt giới hạn số nguyên: {what} tạo số khoảng {n} bit (tối đa {max_bits}) "
                    f"(script limit exceeded: {what} would build an integer of about {n} bits > {max_bits})"
                )
            )

    def percent(fmt: str | bytes, args: Any) -> None:
        text = fmt.decode("latin-1") if isinstance(fmt, bytes) else fmt
        total = len(text)
        for number in _percent_widths(text):
            if number == "*":
                size(max_len + 1, "'%' with '*' width")
            total += _spec_width(number)
        values = args.values() if isinstance(args, dict) else args if isinstance(args, tuple) else (args,)
        size(total + sum(len(v) for v in values if isinstance(v, (str, bytes))), "'%'")

    def check(op: str, a: Any, b: Any) -> None:
        if op == "add":
            if isinstance(a, _SEQ) and isinstance(b, _SEQ):
                size(len(a) + len(b), "'+'")
        elif op == "mul":
            if isinstance(a, int) and isinstance(b, int):
                bits(a.bit_length() + b.bit_length(), "'*'")
            elif isinstance(a, _SEQ) and isinstance(b, int):
                size(len(a) * b, "'*'")
            elif isinstance(b, _SEQ) and isinstance(a, int):
                size(len(b) * a, "'*'")
        elif op == "pow":
            if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1:
                bits(b if b > max_bits else int(b * math.log2(abs(a))) + 1, "'**'")
        elif op == "lshift":
            if isinstance(a, int) and isinstance(b, int) and a and b > 0:
                bits(a.bit_length() + b, "'<<'")
        elif op == "mod" and isinstance(a, (str, bytes)):
            percent(a, b)

    def binop(op: str) -> Callable[[Any, Any], Any]:
        fn, _, symbol = _OPS[op]

        def guarded(a: Any, b: Any) -> Any:
            check(op, a, b)
            result = fn(a, b)
            if isinstance(result, _SEQ):
                size(len(result), symbol)
            return result

        return guarded

    def iop(op: str, a: Any, b: Any) -> Any:
        check(op, a, b)
        return _OPS[op][1](a, b)

    def iitem(op: str, obj: Any, key: Any, value: Any) -> None:
        obj[key] = iop(op, obj[key], value)

    def setslice(obj: Any, lower: Any, upper: Any, step: Any, value: Any) -> None:
        key = slice(lower, upper, step)
        if isinstance(obj, list):
            value = value if isinstance(value, Sized) else list(value)
            size(len(obj) - len(range(*key.indices(len(obj)))) + len(value), "slice assignment")
        obj[key] = value

    def cat(kind: str, parts: tuple[Any, ...]) -> Any:
        out: list[Any] = []
        for part in parts:
            if isinstance(part, _Star):
                items: Any = part.value if isinstance(part.value, Sized) else list(part.value)
                size(len(out) + len(items), "'*' unpacking")
                out.extend(items)
            else:
                out.append(part)
        return out if kind == "list" else tuple(out) if kind == "tuple" else set(out)

    def fstr(parts: tuple[Any, ...]) -> str:
        pieces: list[str] = []
        total = 0
        for part in parts:
            if not isinstance(part, str):
                value, conversion, spec = part
                value = _CONVERSIONS[conversion](value) if conversion in _CONVERSIONS else value
                size(total + max(len(value) if isinstance(value, str) else 0, _spec_width(spec)), "f-string")
                part = format(value, spec)
            total += len(part)
            size(total, "f-string")
            pieces.append(part)
        return "".join(pieces)

    def replace(s: Any, old: Any, new: Any, count: int = -1) -> Any:
        if isinstance(old, (str, bytes)) and isinstance(new, (str, bytes)) and len(new) > len(old):
            n = s.count(old) if count < 0 else min(s.count(old), count)
            size(len(s) + n * (len(new) - len(old)), "replace()")
        return s.replace(old, new, count)

    def join(sep: Any, items: Iterable[Any]) -> Any:
        items = items if isinstance(items, (list, tuple)) else list(items)
        with contextlib.suppress(TypeError):  # not all strings: join raises its own error below
            size(len(sep) * max(len(items) - 1, 0) + sum(map(len, items)), "join()")
        return sep.join(items)

    def grow(obj: Any, bound: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        args = tuple(a if isinstance(a, Sized) else list(a) for a in args)
        size(len(obj) + sum(map(len, args)) + len(kwargs), f"{bound.__name__}()")
        return bound(*args, **kwargs)

    def method(obj: Any, name: str) -> Any:
        if isinstance(obj, type) and issubclass(obj, (str, bytes, list, dict, set, frozenset)):
            kind = obj

            def unbound(self: Any, *args: Any, **kwargs: Any) -> Any:
                if not isinstance(self, kind):
                    raise TypeError(f"'{kind.__name__}.{name}' needs a '{kind.__name__}' object")
                return method(self, name)(*args, **kwargs)

            return unbound
        bound = getattr(obj, name)
        if isinstance(obj, (str, bytes)) and name in ("replace", "join"):
            return functools.partial(replace if name == "replace" else join, obj)
        if isinstance(obj, (list, dict, set, frozenset)) and name in ("extend", "update", "union"):
            return functools.partial(grow, obj, bound)
        return bound

    def safe_range(*args: int) -> range:
        result = range(*args)
        try:
            n = len(result)
        except OverflowError:
            n = max_len + 1
        size(n, "range()")
        return result

    def safe_sum(items: Iterable[Any], start: Any = 0) -> Any:
        if not isinstance(start, (list, tuple)):
            return builtins.sum(items, start)
        total = start
        for item in items:
            check("add", total, item)
            total = total + item
        return total

    def safe_round(number: Any, ndigits: Any = None) -> Any:
        if isinstance(ndigits, int) and abs(ndigits) * 10 // 3 > max_bits:
            bits(abs(ndigits) * 10 // 3, "round()")
        return builtins.round(number, ndigits)

    def safe_zip(*iterables: Any, strict: bool = False) -> Iterator[tuple[Any, ...]]:
        lengths = [len(i) for i in iterables if isinstance(i, Sized)]
        if lengths:
            size(min(lengths) * len(iterables), "zip()")
            return builtins.zip(*iterables, strict=strict)
        return _traced(builtins.zip(*iterables, strict=strict))

    def safe_iter(obj: Any, *sentinel: Any) -> Iterator[Any]:
        return _traced(builtins.iter(obj, *sentinel)) if sentinel else builtins.iter(obj)

    return {
        **{f"_sb_{op}": binop(op) for op in _OPS},
        "_sb_iop": iop,
        "_sb_iitem": iitem,
        "_sb_setslice": setslice,
        "_sb_cat": cat,
        "_sb_star": _Star,
        "_sb_fstr": fstr,
        "_sb_method": method,
        "range": safe_range,
        "sum": safe_sum,
        "round": safe_round,
        "zip": safe_zip,
        "iter": safe_iter,
    }


_SAFE_BUILTINS: dict[str, Any] = {
    f.__name__: f
    for f in (
        abs,
        all,
        any,
        bool,
        dict,
        divmod,
        enumerate,
        filter,
        float,
        frozenset,
        int,
        len,
        list,
        map,
        max,
        min,
        next,
        reversed,
        set,
        sorted,
        str,
        tuple,
    )
} | {
    "True": True,
    "False": False,
    "None": None,
    "datetime": datetime.datetime,
    "date": datetime.date,
    "timedelta": datetime.timedelta,
}


def _tick() -> None:
    """Do nothing: called first in every ``while`` body, the call itself is a traced event."""


def _failure(exc: BaseException) -> ScriptFailed:
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    at_vi, at_en = (f" ở dòng {line}", f" at line {line}") if line else ("", "")
    name = exc.name if isinstance(exc, NameError) else None
    if name and hasattr(builtins, name):
        vi, en = f"tên '{name}' không có sẵn trong kịch bản", f"name '{name}' is not available in scripts"
    elif name:
        vi, en = f"tên '{name}' chưa được định nghĩa", f"name '{name}' is not defined"
    else:  # str() of arbitrary args could be huge (nested shared containers): only plain ones
        plain = all(type(a) in (str, int, float, bool) for a in exc.args)
        vi = en = f"{type(exc).__name__}: {str(exc)[:300]}" if plain else type(exc).__name__
    return ScriptFailed(f"Kịch bản gặp lỗi{at_vi}: {vi} (script failed{at_en}: {en})")


class Sandbox:
    """Runs untrusted administrator code under the rules described in this module.

    Every public method raises only ``UnsafeScript`` (refused before running),
    ``ScriptTimeout``, ``ScriptLimitExceeded`` or ``ScriptFailed`` (an ordinary error,
    chained as ``__cause__``); engine errors raised by trusted ``functions`` pass through.
    ``functions`` are trusted helpers callable by name from scripts (names must not start
    with ``_``); they run under the same time limit and must not swallow ``BaseException``.
    Instances are stateless between calls and may be shared between threads.
    """

    def __init__(
        self, limits: SandboxLimits | None = None, functions: Mapping[str, Callable[..., Any]] | None = None
    ) -> None:
        self.limits = limits or SandboxLimits()
        guards = _make_guards(self.limits)
        names = _SAFE_BUILTINS | {k: v for k, v in guards.items() if not k.startswith("_")}
        for name, function in (functions or {}).items():
            if not name.isidentifier() or name.startswith("_"):
                raise ValueError(f"helper name {name!r} must be an identifier not starting with '_'")
            names[name] = function
        self._injected: dict[str, Any] = {
            "__builtins__": names,
            "_sb_tick": _tick,
            "_sb_alive": _tick,
            **_SAFE_EXCEPTIONS,
            **{k: v for k, v in guards.items() if k.startswith("_")},
        }

    def check(self, source: str, *, mode: Literal["eval", "exec"]) -> None:
        """Statically check ``source``; raise ``UnsafeScript`` (also for syntax errors) if refused."""
        _compile(source, mode, self.limits.max_source_length)

    def evaluate(self, expression: str, context: Mapping[str, Any]) -> Any:
        """Evaluate ``expression`` with the variables of ``context`` and return its value.

        ``context`` itself is not modified (mutable values in it are not copied). Results
        that are functions, iterators or oversized containers are refused.
        """
        code, slow = _compile(expression, "eval", self.limits.max_source_length)
        scope = dict(context)
        scope.update(self._injected)
        result = self._run(code, scope, slow)
        self._check_value(result, "kết quả/result")
        return result

    def execute(self, script: str, context: dict[str, Any]) -> None:
        """Run ``script`` statements, then write new or rebound top-level variables into ``context``.

        Nothing is written if the script fails. Deleted variables stay in ``context``;
        names starting with ``_``, injected names and values that are functions, modules,
        iterators or exceptions are not written back; the rest is size-checked first.
        """
        code, slow = _compile(script, "exec", self.limits.max_source_length)
        scope = dict(context)
        scope.update(self._injected)
        self._run(code, scope, slow)
        updates: dict[str, Any] = {}
        for key, value in scope.items():
            if key.startswith("_") or key in self._injected or (key in context and context[key] is value):
                continue
            if callable(value) or isinstance(value, (ModuleType, Iterator, BaseException)):
                continue
            self._check_value(value, key)
            updates[key] = value
        context.update(updates)

    def _run(self, code: CodeType, scope: dict[str, Any], slow: bool) -> Any:
        try:
            if not slow:
                return eval(code, scope)
            deadline, now = time.monotonic() + self.limits.time_limit_s, time.monotonic

            def tracer(frame: FrameType, event: str, arg: Any) -> Any:
                if now() > deadline:
                    raise _Abort(
                        ScriptTimeout(
                            f"Kịch bản chạy quá thời gian cho phép ({self.limits.time_limit_s} giây) "
                            f"(script exceeded the time limit of {self.limits.time_limit_s} s)"
                        )
                    )
                return tracer

            def alive() -> None:  # called first in every except block
                if sys.gettrace() is not tracer:
                    raise _Abort(
                        ScriptFailed(
                            "Kịch bản bị dừng: mất kiểm soát thời gian, thường do đệ quy quá sâu "
                            "(script stopped: time control was lost, usually by too deep recursion)"
                        )
                    )

            scope["_sb_alive"] = alive
            previous = sys.gettrace()
            sys.settrace(tracer)
            try:
                return eval(code, scope)
            finally:
                sys.settrace(previous)
        except _Abort as exc:
            raise exc.error from None
        except EngineError:
            raise
        except MemoryError as exc:
            raise ScriptLimitExceeded("Kịch bản dùng quá nhiều bộ nhớ (script ran out of memory)") from exc
        except Exception as exc:
            raise _failure(exc) from exc

    def _check_value(self, value: Any, name: str) -> None:
        if type(value) in _ATOMS:
            return
        max_len, seen = self.limits.max_sequence_length, set()
        stack: list[tuple[Any, int]] = [(value, 0)]
        while stack:
            obj, depth = stack.pop()
            if isinstance(obj, (str, bytes, list, tuple, set, frozenset, dict)):
                if len(obj) > max_len:
                    raise ScriptLimitExceeded(
                        f"Giá trị '{name}' dài {len(obj)}, vượt giới hạn {max_len} "
                        f"(script limit exceeded: value '{name}' has length {len(obj)} > {max_len})"
                    )
                if isinstance(obj, (str, bytes)) or id(obj) in seen:
                    continue
                if depth >= _MAX_RESULT_DEPTH:
                    raise ScriptLimitExceeded(
                        f"Giá trị '{name}' lồng nhau quá {_MAX_RESULT_DEPTH} tầng (script limit exceeded: "
                        f"value '{name}' is nested more than {_MAX_RESULT_DEPTH} levels deep)"
                    )
                seen.add(id(obj))
                items = [*obj.keys(), *obj.values()] if isinstance(obj, dict) else obj
                stack.extend((item, depth + 1) for item in items if type(item) not in _ATOMS)
            elif callable(obj) or isinstance(obj, (ModuleType, Iterator, BaseException)):
                kind = type(obj).__name__
                raise ScriptFailed(
                    f"Giá trị '{name}' chứa đối tượng không lưu được: {kind} "
                    f"(value '{name}' contains an object that cannot be stored: {kind})"
                )

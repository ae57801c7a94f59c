"""Tests for engine.sandbox: known escapes, size limits, time limits and useful behaviour."""

from __future__ import annotations

import datetime
import sys
import time
from types import FrameType
from typing import Any

import pytest

from engine.errors import ScriptFailed, ScriptLimitExceeded, ScriptTimeout, UnsafeScript
from engine.sandbox import Sandbox, SandboxLimits

FAST = SandboxLimits(time_limit_s=0.2)


@pytest.fixture
def sandbox() -> Sandbox:
    return Sandbox(FAST)


# --- catalogue of known escapes --------------------------------------------------------------

ESCAPES = [
    ("().__class__.__bases__[0].__subclasses__()", "'__class__'"),
    ("[].__class__.__mro__[1].__subclasses__()", "'__class__'"),
    ("(lambda: 0).__globals__", "'__globals__'"),
    ("__builtins__", "'__builtins__'"),
    ("__import__('os')", "'__import__'"),
    ("import os", "'import'"),
    ("from os import system", "'from ... import'"),
    ("open('/etc/passwd').read()", "'open'"),
    ("eval('1')", "'eval'"),
    ("exec('x=1')", "'exec'"),
    ("compile('1', '', 'eval')", "'compile'"),
    ("getattr((), '__class__')", "'getattr'"),
    ("'{0.__class__}'.format(1)", "'format'"),
    ("'{x.__class__}'.format_map({'x': 1})", "'format_map'"),
    ("f'{x.__class__}'", "'__class__'"),
    ("(x for x in ()).gi_frame.f_back.f_globals", "'gi_frame'"),
    ("type(1)", "'type'"),
    ("globals()", "'globals'"),
    ("vars()", "'vars'"),
    ("dir()", "'dir'"),
    ("breakpoint()", "'breakpoint'"),
    ("def f():\n    return 1", "'def'"),
    ("class A:\n    pass", "'class'"),
    ("global x", "'global'"),
    ("x._secret", "'_secret'"),
    ("[c for c in ().__class__.__base__.__subclasses__()]", "'__class__'"),
    ("try:\n    1 / 0\nexcept Exception as e:\n    e.__traceback__.tb_frame", "'__traceback__'"),
    ("lambda: (yield)", "'yield'"),
    # further constructs the sandbox refuses on purpose
    ("async def f():\n    pass", "'async def'"),
    ("with x:\n    pass", "'with'"),
    ("try:\n    x = 1\nfinally:\n    x = 2", "'finally'"),
    ("try:\n    x = 1\nexcept:\n    pass", "'except'"),
    ("try:\n    x = 1\nexcept [ValueError][0]:\n    pass", "'except'"),
    ("Exception = 5", "'Exception'"),
    ("x.year = 2024", "'year'"),
    ("f'{x:{width}}'", "f-string"),
    ("x.encode()", "'encode'"),
    ("x.mro()", "'mro'"),
    ("(1).to_bytes(2, 'big')", "'to_bytes'"),
    ("sorted([], key=lambda _x: 0)", "'_x'"),
    ("dict(_hidden=1)", "'_hidden'"),
    ("for x[1:2] in [[1]]:\n    pass", "x[a:b] = value"),
    ("match x:\n    case 1:\n        pass", "'match'"),
]


@pytest.mark.parametrize(("source", "named"), ESCAPES, ids=[s for s, _ in ESCAPES])
def test_known_escapes_are_refused_before_running(sandbox: Sandbox, source: str, named: str) -> None:
    context: dict[str, Any] = {"x": 1}
    with pytest.raises(UnsafeScript) as info:
        sandbox.execute(source, context)
    assert "Kịch bản bị từ chối" in info.value.message
    assert "script refused" in info.value.message
    assert named in info.value.message
    assert context == {"x": 1}


def test_check_refuses_without_running_and_names_the_attribute(sandbox: Sandbox) -> None:
    with pytest.raises(UnsafeScript, match=r"attribute '__class__' is not allowed"):
        sandbox.check("().__class__", mode="eval")
    sandbox.check("decision == 'return'", mode="eval")  # allowed: returns None


def test_syntax_error_is_unsafe_script_with_line(sandbox: Sandbox) -> None:
    with pytest.raises(UnsafeScript, match=r"syntax error at line 2"):
        sandbox.check("x = 1\nx = = 2", mode="exec")
    with pytest.raises(UnsafeScript, match="syntax error"):
        sandbox.evaluate("x = 1", {})


def test_source_longer_than_limit_is_refused() -> None:
    small = Sandbox(SandboxLimits(max_source_length=10))
    with pytest.raises(UnsafeScript, match="the maximum is 10"):
        small.evaluate("1 + 1 + 1 + 1 + 1", {})


def test_missing_builtin_is_script_failed_and_says_not_available(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptFailed, match=r"name 'print' is not available in scripts") as info:
        sandbox.execute("x = 1\nprint(x)", {})
    assert "line 2" in info.value.message
    assert isinstance(info.value.__cause__, NameError)


# --- size limits --------------------------------------------------------------------------------

BLOWUPS = [
    ("x = 'x' * 10**10", "'*'"),
    ("x = [0] * 10**9", "'*'"),
    ("x = 2 ** 10**8", "'**'"),
    ("x = 1 << 10**9", "'<<'"),
    ("x = 7 ** 5000", "'**'"),
    ("x = 3\nwhile True:\n    x = x * x", "'*'"),
    ("s = 'x'\nfor i in range(100):\n    s = s + s", "'+'"),
    ("s = 'x'\nfor i in range(100):\n    s += s", "'+'"),
    ("x = list(range(10**12))", "range()"),
    ("x = '%10000000000d' % 1", "'%'"),
    ("x = '%*d' % (10**10, 1)", "'*' width"),
    ("x = '%(a(b)c)9999999999s' % {'a(b)c': 1}", "'%'"),
    ("x = '%s%s' % ('a' * 600000, 'b' * 600000)", "'%'"),
    ("x = ','.join(['x' * 1000] * 2000)", "join()"),
    ("x = str.join(',', ['x' * 1000] * 2000)", "join()"),
    ("s = 'ab' * 1000\nfor i in range(10):\n    s = s.replace('a', 'a' * 100)", "replace()"),
    ("x = f'{1:>10000000000}'", "f-string"),
    ("s = 'x' * 600000\nx = f'{s}{s}'", "f-string"),
    ("x = [1]\nwhile True:\n    x.extend(x)", "extend()"),
    ("x = [1]\nwhile True:\n    x[:0] = x", "slice assignment"),
    ("x = [1]\nwhile True:\n    x = [*x, *x]", "unpacking"),
    ("x = list(zip(*[list(range(10**6))] * 1000))", "zip()"),
    ("x = sum([['x'] * 10**5] * 20, [])", "'+'"),
    ("x = round(1, -10**9)", "round()"),
    ("x = {'k': 'a'}\nx['k'] *= 10**7", "'*'"),
    ("try:\n    x = 'x' * 10**10\nexcept Exception:\n    x = 'caught'", "'*'"),
]


@pytest.mark.parametrize(("source", "named"), BLOWUPS, ids=[s for s, _ in BLOWUPS])
def test_blowups_are_refused_before_allocating(sandbox: Sandbox, source: str, named: str) -> None:
    context: dict[str, Any] = {}
    started = time.perf_counter()
    with pytest.raises(ScriptLimitExceeded) as info:
        sandbox.execute(source, context)
    _elapsed = time.perf_counter() - started  # observed only; no timing assertion
    assert "script limit exceeded" in info.value.message
    assert named in info.value.message
    assert context == {}


def test_values_written_back_are_size_checked() -> None:
    small = Sandbox(SandboxLimits(max_sequence_length=500))
    context: dict[str, Any] = {}
    with pytest.raises(ScriptLimitExceeded, match=r"value 'items' has length 800"):
        small.execute("items = []\nfor i in range(400):\n    items.append(i)\n    items.append(i)", context)
    assert context == {}


def test_deeply_nested_results_are_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptLimitExceeded, match=r"value 'x' is nested more than 32 levels deep"):
        sandbox.execute("x = []\nfor i in range(40):\n    x = [x]", {})
    context: dict[str, Any] = {}
    sandbox.execute("x = []\nx.append(x)\ny = [[[1]]]", context)  # cycles are fine
    assert context["y"] == [[[1]]]


def test_deeply_nested_source_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(UnsafeScript, match="nested too deeply"):
        sandbox.evaluate("not " * 4900 + "x", {"x": 1})


def test_functions_nested_in_results_are_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptFailed, match=r"value 'g' contains an object that cannot be stored: function"):
        sandbox.execute("g = [lambda: 1]", {})
    with pytest.raises(ScriptFailed, match="cannot be stored: generator"):
        sandbox.evaluate("(i for i in range(3))", {})


# --- time limit ---------------------------------------------------------------------------------

RUNAWAYS = [
    "while True: pass",
    "while True:\n    x = 1",
    "x = [1 for _ in iter(int, 1)]",
    "x = any(iter(int, 1))",
    "x = list(map(lambda v: v, iter(int, 1)))",
    "while True:\n    try:\n        while True: pass\n    except Exception:\n        pass",
]


@pytest.mark.parametrize("source", RUNAWAYS)
def test_runaway_loops_time_out(sandbox: Sandbox, source: str) -> None:
    with pytest.raises(ScriptTimeout, match=r"time limit of 0.2 s"):
        sandbox.execute(source, {})


def test_recursion_is_script_failed(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptFailed, match="RecursionError"):
        sandbox.execute("f = lambda: f()\nf()", {})


def test_caught_recursion_cannot_disable_the_time_limit(sandbox: Sandbox) -> None:
    # A RecursionError raised inside the tracer uninstalls it; the sandbox notices in the handler.
    script = "f = lambda: f()\ntry:\n    f()\nexcept Exception:\n    pass\nwhile True:\n    pass"
    with pytest.raises(ScriptFailed, match="time control was lost"):
        sandbox.execute(script, {})


def test_previous_tracer_is_restored(sandbox: Sandbox) -> None:
    def tracer(frame: FrameType, event: str, arg: Any) -> None:
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        sandbox.execute("total = sum([1, 2])", {})
        assert sys.gettrace() is tracer
        with pytest.raises(ScriptTimeout):
            sandbox.execute("while True: pass", {})
        assert sys.gettrace() is tracer
        with pytest.raises(ScriptFailed):
            sandbox.execute("x = [1][5]", {})
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)


# --- useful behaviour ---------------------------------------------------------------------------


def test_condition_on_context(sandbox: Sandbox) -> None:
    context = {"decision": "return"}
    assert sandbox.evaluate('decision == "return"', context) is True
    assert sandbox.evaluate('decision == "approve"', context) is False
    assert context == {"decision": "return"}


def test_script_writes_back_variables_without_leaking_injected_names(sandbox: Sandbox) -> None:
    context: dict[str, Any] = {"values": [1, 2, 3], "days": 2}
    sandbox.execute("total = sum(values)\nstatus = 'late' if days > 0 else 'ok'\nhelper = len", context)
    assert context == {"values": [1, 2, 3], "days": 2, "total": 6, "status": "late"}


def test_context_keys_cannot_shadow_guards_or_exceptions(sandbox: Sandbox) -> None:
    context: dict[str, Any] = {"_sb_mul": lambda a, b: 0, "Exception": 5}
    with pytest.raises(ScriptLimitExceeded, match="'\\*'"):
        sandbox.execute("try:\n    x = 'x' * 10**10\nexcept Exception:\n    pass", context)


def test_string_dict_and_list_methods(sandbox: Sandbox) -> None:
    context = {"name": "  Nguyễn Văn A ", "form": {"ward": "Phường 1"}, "items": [3, 1, 2]}
    assert sandbox.evaluate("name.strip().lower()", context) == "nguyễn văn a"
    assert sandbox.evaluate("form.get('ward', '')", context) == "Phường 1"
    assert sandbox.evaluate("form.get('district', '-')", context) == "-"
    assert sandbox.evaluate("[i * 2 for i in sorted(items) if i > 1]", context) == [4, 6]
    assert sandbox.evaluate("', '.join(str(i) for i in items)", context) == "3, 1, 2"
    assert sandbox.evaluate("f'{len(items):>3}|{name!r:.4}'", context) == "  3|'  N"
    assert sandbox.evaluate("'%s-%03d' % ('HS', 7)", context) == "HS-007"


def test_augmented_assignment_keeps_in_place_semantics(sandbox: Sandbox) -> None:
    context: dict[str, Any] = {"shared": [1]}
    sandbox.execute("alias = shared\nalias += [2]\ncounts = {'a': 1}\ncounts['a'] += 4", context)
    assert context["shared"] == [1, 2]
    assert context["counts"] == {"a": 5}


def test_trusted_helper_is_callable_and_not_written_back() -> None:
    def working_days_after(start: datetime.date, days: int) -> datetime.date:
        return start + datetime.timedelta(days=days)

    sandbox = Sandbox(FAST, functions={"working_days_after": working_days_after})
    context: dict[str, Any] = {"received": datetime.date(2024, 3, 1)}
    sandbox.execute("due = working_days_after(received, 5)", context)
    assert context == {"received": datetime.date(2024, 3, 1), "due": datetime.date(2024, 3, 6)}


def test_helper_names_must_not_start_with_underscore() -> None:
    with pytest.raises(ValueError, match="must be an identifier"):
        Sandbox(functions={"_x": len})


def test_datetime_arithmetic(sandbox: Sandbox) -> None:
    context = {"submitted": datetime.datetime(2024, 5, 2, 9, 30)}
    due = sandbox.evaluate("submitted + timedelta(days=15)", context)
    assert due == datetime.datetime(2024, 5, 17, 9, 30)
    assert sandbox.evaluate("(date(2024, 5, 20) - submitted.date()).days", context) == 18
    assert sandbox.evaluate("submitted.isoformat()", context) == "2024-05-02T09:30:00"


def test_name_error_becomes_script_failed_with_name_and_line(sandbox: Sandbox) -> None:
    context: dict[str, Any] = {"a": 1}
    with pytest.raises(ScriptFailed) as info:
        sandbox.execute("b = a + 1\nc = missing * 2", context)
    assert "name 'missing' is not defined" in info.value.message
    assert "line 2" in info.value.message
    assert "dòng 2" in info.value.message
    assert isinstance(info.value.__cause__, NameError)
    assert context == {"a": 1}  # nothing is written back when the script fails


def test_ordinary_errors_keep_their_text(sandbox: Sandbox) -> None:
    with pytest.raises(ScriptFailed, match=r"line 1: ZeroDivisionError: division by zero") as info:
        sandbox.evaluate("1 / 0", {})
    assert isinstance(info.value.__cause__, ZeroDivisionError)
    with pytest.raises(ScriptFailed, match="KeyError: 'missing'"):
        sandbox.evaluate("form['missing']", {"form": {}})
    with pytest.raises(ScriptFailed, match=r"dòng 2: ValueError \(script failed at line 2: ValueError\)$"):
        sandbox.execute("x = [[0] * 10] * 10\nraise ValueError(x)", {})


def test_scripts_can_handle_their_own_errors(sandbox: Sandbox) -> None:
    context: dict[str, Any] = {"raw": "12a"}
    sandbox.execute("try:\n    n = int(raw)\nexcept ValueError:\n    n = 0", context)
    assert context["n"] == 0

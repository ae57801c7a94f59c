"""Condition languages other tools write: XPath, FEEL, spaced names in Python, and what is refused.

The translators (``engine.spiff.dialect``) turn each condition into the Python the sandbox
evaluates; ``bpmn_data`` (``engine.spiff.scripting``) reads names that are not identifiers.
Each translation is also evaluated in the real sandbox, so the tests pin behaviour, not text.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.errors import ScriptFailed
from engine.sandbox import Sandbox
from engine.spiff.dialect import (
    UntranslatableExpression,
    translate_condition,
    translate_feel,
    translate_python,
    translate_xpath,
)
from engine.spiff.scripting import data_lookup

XPATH = "http://www.w3.org/1999/XPath"
FEEL = "https://www.omg.org/spec/DMN/20191111/FEEL/"


def run(python: str, data: dict[str, Any], objects: dict[str, Any] | None = None) -> Any:
    """Evaluate a translated condition in the sandbox, as the script engine does."""
    return Sandbox().evaluate(python, {**data, "bpmn_data": data_lookup(data, objects)})


@pytest.mark.parametrize(
    ("xpath", "data", "expected"),
    [
        ("bpmn:getDataObject('approved')", {"approved": True}, True),
        ("not(bpmn:getDataObject('approved'))", {"approved": True}, False),
        ("bpmn:getDataObject('clarified') = 'yes'", {"clarified": "yes"}, True),
        ("getDataObject('clarified') != \"yes\"", {"clarified": "no"}, True),
        ("getDataObject('n') >= 3 and getDataObject('n') < 5.5", {"n": 4}, True),
        ("not(getDataObject('a')) = false()", {"a": True}, True),  # not() binds to its argument only
        ("(getDataObject('a') = 1) or true()", {"a": 2}, True),
    ],
)
def test_the_xpath_subset_is_translated_and_runs(xpath: str, data: dict[str, Any], expected: bool) -> None:
    assert run(translate_xpath(xpath), data) is expected


def test_get_data_object_reads_a_data_object_by_name_when_no_variable_has_it() -> None:
    python = translate_xpath("bpmn:getDataObject('approved')")
    assert run(python, {}, {"approved": False}) is False


@pytest.mark.parametrize(
    "xpath",
    [
        "approved",  # a path, not a variable
        "/process/approved = 'x'",
        "$approved",
        "bpmn:getActivityProperty('task', 'x')",
        "getDataObject(approved)",  # the name must be a literal
        "getDataObject('a') + 1",
        "not(getDataObject('a')",  # unbalanced
        "count(getDataObject('list')) = 2",
    ],
)
def test_xpath_outside_the_subset_is_refused_in_vietnamese_and_english(xpath: str) -> None:
    with pytest.raises(UntranslatableExpression) as caught:
        translate_xpath(xpath)
    message = caught.value.message
    assert message.endswith(")")
    assert "(" in message


@pytest.mark.parametrize(
    ("feel", "data", "expected"),
    [
        ('Vacation Approval = "Approved"', {"Vacation Approval": "Approved"}, True),
        ('Vacation Approval = "Approved"', {"Vacation Approval": "Refused"}, False),
        ('Vacation Approval = "Approved"', {}, False),  # an unset name is null
        ("= days > 3 and not(urgent)", {"days": 4, "urgent": False}, True),  # Camunda 8's leading '='
        ('Reason = null or Reason != "x"', {}, True),
        ("Days Remaining >= 10.5", {"Days Remaining": 11}, True),
        ('label = "say \\"hi\\""', {"label": 'say "hi"'}, True),
        ("not(a = 1) = false", {"a": 1}, True),  # (not(a = 1)) = false
    ],
)
def test_the_feel_subset_is_translated_and_runs(feel: str, data: dict[str, Any], expected: bool) -> None:
    assert run(translate_feel(feel), data) is expected


@pytest.mark.parametrize(
    "feel",
    [
        'Vacation Approval Status.Approval = "Approved"',  # a path
        "x in [1, 2]",
        "if a then b else c",
        'date("2024-01-01") > d',  # a function call
        'a = "unterminated',
        "a + 1 > 2",
        "",
    ],
)
def test_feel_outside_the_subset_is_refused(feel: str) -> None:
    with pytest.raises(UntranslatableExpression) as caught:
        translate_feel(feel)
    assert "(" in caught.value.message


def test_a_spaced_name_in_a_python_condition_is_one_variable() -> None:
    python = translate_python("Service Level == 'Premium'")
    assert run(python, {"Service Level": "Premium"}) is True
    # Valid Python keeps its meaning: keywords, strings, attributes and calls are left alone.
    for text in ("a if b else c", "'Service Level' == s", "x.lower() == 'a b'", "a not in b", "${approved}"):
        assert " bpmn_data" not in translate_python(text)
    assert translate_python("${approved && !rejected}") == "approved and not rejected"


def test_an_unset_spaced_name_fails_like_an_unset_variable() -> None:
    with pytest.raises(ScriptFailed):
        run(translate_python("Service Level == 'Premium'"), {})


@pytest.mark.parametrize(
    ("text", "language", "default", "data", "expected"),
    [
        # no language of its own: the file's XPath default is what tools write regardless
        ("bpmn:getDataObject('ok')", None, XPATH, {"ok": True}, True),
        ("Service Level == 'Premium'", None, XPATH, {"Service Level": "Standard"}, False),
        ("${ok}", None, XPATH, {"ok": True}, True),
        ("ok == True", None, None, {"ok": True}, True),
        ('Vacation Approval = "Approved"', None, FEEL, {"Vacation Approval": "Approved"}, True),
        # its own language decides
        ('Vacation Approval = "Approved"', FEEL, XPATH, {"Vacation Approval": "Approved"}, True),
        ("getDataObject('ok')", XPATH, FEEL, {"ok": False}, False),
        ("ok and n > 1", "python", XPATH, {"ok": True, "n": 2}, True),
    ],
)
def test_the_language_of_a_condition_decides_its_translator(
    text: str, language: str | None, default: str | None, data: dict[str, Any], expected: bool
) -> None:
    assert run(translate_condition(text, language, default), data) is expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("approved", XPATH),  # declared XPath, but a path: no fallback to Python
        ("ok == True", FEEL),
        ("return ok", "javascript"),
        ("${ok}", "http://www.mvel.org/2.0"),
    ],
)
def test_a_declared_language_is_not_second_guessed(text: str, language: str) -> None:
    with pytest.raises(UntranslatableExpression):
        translate_condition(text, language, XPATH)

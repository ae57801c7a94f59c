"""The BPMN dialect PlanCycle executes, and how a foreign file is prepared for SpiffWorkflow.

What the engine reads is BPMN 2.0 plus the Camunda 7 namespace (see ``engine.spiff.parser``).
Files made by other tools are accepted as far as they can run; what cannot run is reported by
``engine.spiff.inspect`` (errors block a deployment, warnings do not) and never crashes the parser.

Rules decided here:

- **Executable** means ``isExecutable="true"`` written out, as Camunda and bpmn-js's Camunda
  flavour write it. A process without the attribute (Trisotech, Signavio) is a drawing: it can
  be imported, edited and saved as a draft, not deployed.
- **Expressions** are Python evaluated in the sandbox. A condition or timer written as Camunda /
  Activiti JUEL, ``${approved}``, ``${!approved}``, ``${a == 'x' && b}``, is translated
  (``&&``, ``||``, ``!``, ``true``, ``false``, ``null``). Conditions in two more languages are
  translated too, as far as the small subsets below go; anything outside them is refused
  (``UntranslatableExpression``) and the report names the flow:

  - **XPath** (the BPMN default, ``http://www.w3.org/1999/XPath``): the spec's data access
    function ``bpmn:getDataObject('name')`` (also unprefixed), ``=``, ``!=``, ``<``, ``<=``,
    ``>``, ``>=``, ``and``, ``or``, ``not(...)``, ``true()``, ``false()``, string and number
    literals, parentheses. Paths, variables, other functions and arithmetic are refused.
  - **FEEL** (a ``language`` URI whose last segment is ``FEEL``, as DMN and Trisotech write it,
    or Camunda 8's leading ``=``): names, which may contain spaces (``Vacation Approval``: a run of
    words that are not FEEL keywords is one name), ``=``, ``!=``, comparisons, ``and``, ``or``,
    ``not(...)``, ``true``, ``false``, ``null``, string and number literals, parentheses. A name
    that is not set is ``null``, as in FEEL. Paths (``a.b``), lists, contexts, ranges, ``in``,
    ``if``, ``for`` and function calls are refused.

  A name that is not a Python identifier is read with the lookup ``bpmn_data("name")`` (an
  unset name is an error, as an unset Python variable is; FEEL passes ``None`` as the value for
  an unset one), which the script engine provides (``engine.spiff.scripting``). In a Python
  condition, two or more plain words separated by spaces, ``Service Level == 'Premium'``, are
  read as one such name: Python has no meaning for them, so nothing valid changes meaning.

  Which language a condition is in: its own ``language`` attribute when written (an unknown one
  is refused); otherwise tools write the definitions' ``expressionLanguage`` (XPath by default)
  whatever they put in the condition, so the text decides: ``${...}`` is JUEL, a file whose
  default is FEEL gives FEEL, text the XPath subset reads is XPath, anything else is Python.
- **What is kept when saving**: the stored XML is the document as given (a draft) or as lxml
  serializes it (a deployed version); nothing is removed or renamed, whatever its namespace.
  The preparation below works on a *copy* used only to build the executable spec.

The copy handed to SpiffWorkflow differs from the stored file in ways that only let more files
run, each announced as a warning by the inspection:

- data stores and their references are removed, with data associations that do not lead to a
  data object (the engine keeps data in its own tables);
- a message start event of the deployed process becomes a plain start (the engine starts
  instances itself: periods, plans, the administrator);
- a call activity whose called process is neither in the file nor supplied by the caller (a
  deployed process) becomes a step that does nothing;
- JUEL conditions and timers, XPath and FEEL conditions are translated as above;
- the data inputs and outputs an activity declares (``ioSpecification``) are not enforced and are
  removed with that activity's data associations: SpiffWorkflow would require task data keyed by
  the elements' ids, which no form and no other tool writes. Process data is flat and by name in
  PlanCycle: ``bpmn:getDataObject('approved')`` reads the variable ``approved`` (or a data object
  of that name where SpiffWorkflow holds one);
- a sub-process that contains no flow element at all (drawn collapsed, its content never
  modelled) becomes an abstract task: it completes at once, doing nothing.

Task types the runner does not project are mapped by the parser (``engine.spiff.parser``): a
``manualTask`` is a user task; an abstract ``task``, a ``sendTask`` and a ``businessRuleTask``
(no DMN) complete at once without doing anything.
"""

from __future__ import annotations

import ast
import copy
import json
import keyword
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}

#: The lookup the script engine provides for names that are not Python identifiers.
DATA_FUNCTION = "bpmn_data"
XPATH_LANGUAGES = frozenset({"http://www.w3.org/1999/xpath", "xpath"})
PYTHON_LANGUAGES = frozenset(
    {"", "python", "python3", "text/python", "text/x-python", "application/x-python", "juel"}
)
_FEEL_KEYWORDS = frozenset(
    {"and", "or", "not", "true", "false", "null", "in", "between", "instance", "of", "if", "then", "else"}
    | {"for", "return", "some", "every", "satisfies", "function", "external"}
)
_COMPARISONS = ("!=", "<=", ">=", "=", "<", ">")

#: The BPMN activities (tasks, sub-processes, call activities), by local name.
ACTIVITY_TAGS = frozenset(
    {
        "task",
        "userTask",
        "manualTask",
        "serviceTask",
        "scriptTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "transaction",
        "adHocSubProcess",
    }
)

_JUEL = re.compile(r"^\s*[$#]\{(?P<body>.*)\}\s*$", re.DOTALL)
_JUEL_WORDS = {"true": "True", "false": "False", "null": "None", "and": "and", "or": "or", "not": "not"}
_JUEL_OPERATORS = {
    " eq ": " == ",
    " ne ": " != ",
    " lt ": " < ",
    " gt ": " > ",
    " le ": " <= ",
    " ge ": " >= ",
}


def bpmn(tag: str) -> str:
    """Return the qualified name of a BPMN model element."""
    return f"{{{BPMN_NS}}}{tag}"


def local_name(element: Any) -> str:
    """Return an element's tag without its namespace."""
    tag = element.tag
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def is_bpmn(element: Any) -> bool:
    """Tell whether an element belongs to the BPMN model namespace."""
    return isinstance(element.tag, str) and element.tag.startswith(f"{{{BPMN_NS}}}")


def is_executable(process: Any) -> bool:
    """Tell whether a ``bpmn:process`` is marked executable (the attribute must say ``true``)."""
    return str(process.get("isExecutable", "")).strip().lower() == "true"


#: Lane names that say which role acts on the user tasks drawn in the lane: the role codes, and
#: the names PlanCycle's own pages give those roles.
LANE_ROLES = {
    "drafter": "drafter",
    "cán bộ soạn thảo": "drafter",
    "unit_head": "unit_head",
    "lãnh đạo đơn vị": "unit_head",
    "focal_officer": "focal_officer",
    "cán bộ đầu mối": "focal_officer",
    "đơn vị đầu mối": "focal_officer",
    "leader": "leader",
    "lãnh đạo": "leader",
    "admin": "admin",
    "quản trị viên": "admin",
}


def lane_role(lane: str | None) -> str | None:
    """Return the role a lane's name stands for, or ``None`` when it names no role."""
    if not lane:
        return None
    return LANE_ROLES.get(" ".join(unicodedata.normalize("NFC", lane).split()).casefold())


def lanes_of(process: Any) -> dict[str, str]:
    """Map each flow node id of a process to the name of the innermost lane drawn around it."""
    found: dict[str, str] = {}
    for lane in process.iter(bpmn("lane")):  # document order: an inner lane comes after its parent
        for ref in lane.iter(bpmn("flowNodeRef")):
            if ref.getparent() is lane and ref.text:
                found[ref.text.strip()] = str(lane.get("name") or "")
    return found


def processes(root: Any) -> list[Any]:
    """Return the ``bpmn:process`` elements of a document, in document order."""
    return list(root.iter(bpmn("process")))


def choose_process(root: Any) -> tuple[str | None, bool]:
    """Return the process a file stands for and whether it is executable.

    The first executable process, else the first process; ``(None, False)`` when there is none.
    """
    found = [p for p in processes(root) if p.get("id")]
    for process in found:
        if is_executable(process):
            return str(process.get("id")), True
    return (str(found[0].get("id")), False) if found else (None, False)


def translate_expression(text: str) -> str:
    """Translate a JUEL ``${...}`` expression to Python; return anything else unchanged."""
    match = _JUEL.match(text or "")
    if match is None:
        return text
    return _juel_body(match.group("body")).strip()


def _juel_body(body: str) -> str:
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        ch = body[i]
        if ch in "'\"":
            end = i + 1
            while end < n and body[end] != ch:
                end += 2 if body[end] == "\\" else 1
            out.append(body[i : end + 1])
            i = end + 1
        elif body.startswith("&&", i):
            out.append(" and ")
            i += 2
        elif body.startswith("||", i):
            out.append(" or ")
            i += 2
        elif ch == "!" and not body.startswith("!=", i):
            out.append(" not ")
            i += 1
        elif ch.isalpha() or ch == "_":
            end = i
            while end < n and (body[end].isalnum() or body[end] == "_"):
                end += 1
            word = body[i:end]
            out.append(_JUEL_WORDS.get(word, word))
            i = end
        else:
            out.append(ch)
            i += 1
    text = "".join(out)
    for juel, python in _JUEL_OPERATORS.items():
        text = text.replace(juel, python)
    return re.sub(r" {2,}", " ", text)


class UntranslatableExpression(ValueError):
    """A condition outside the subset of its language that PlanCycle translates (Vietnamese, English)."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"{vi} ({en})")
        self.message = f"{vi} ({en})"


def is_feel(language: str | None) -> bool:
    """Tell whether a ``language`` / ``expressionLanguage`` URI names FEEL (any DMN version)."""
    text = (language or "").strip().rstrip("/").lower()
    return text == "feel" or text.rsplit("/", 1)[-1] == "feel"


def is_xpath(language: str | None) -> bool:
    """Tell whether a language URI names XPath, the BPMN default."""
    return (language or "").strip().lower() in XPATH_LANGUAGES


def translate_condition(text: str, language: str | None, default_language: str | None = None) -> str:
    """Translate a condition to the Python the sandbox evaluates (see the module docstring).

    ``language`` is the condition's own ``language`` attribute (``None`` when absent),
    ``default_language`` the definitions' ``expressionLanguage``. Raises
    ``UntranslatableExpression`` when the language is unknown or the text is outside its subset.
    """
    own = (language or "").strip()
    if language is not None and own:
        if own.lower() in PYTHON_LANGUAGES:
            return translate_python(text)
        if is_xpath(own):
            return translate_xpath(text)
        if is_feel(own):
            return translate_feel(text)
        raise UntranslatableExpression(
            f"Không hỗ trợ ngôn ngữ biểu thức '{own}'; PlanCycle đọc Python, JUEL, XPath và FEEL đơn giản",
            f"expression language '{own}' not supported",
        )
    if _JUEL.match(text or ""):
        return translate_expression(text)
    if is_feel(default_language):
        return translate_feel(text)
    try:
        return translate_xpath(text)
    except UntranslatableExpression:
        return translate_python(text)


def translate_python(text: str) -> str:
    """Translate JUEL (see ``translate_expression``), then read runs of plain words as one name."""
    source = translate_expression(text)
    out: list[str] = []
    run: list[tuple[str, str]] = []  # (word, whitespace after it)

    def flush(next_char: str) -> None:
        if len(run) > 1 and next_char != "(":
            name = " ".join(word for word, _ in run)
            out.append(f"{DATA_FUNCTION}({json.dumps(name, ensure_ascii=False)})" + run[-1][1])
        else:
            out.extend(word + gap for word, gap in run)
        run.clear()

    i, n = 0, len(source)
    previous = ""
    while i < n:
        ch = source[i]
        word = re.match(r"[^\W\d]\w*", source[i:])
        if word and not keyword.iskeyword(word.group()) and previous != ".":
            gap = re.match(r"[ \t]*", source[i + word.end() :])
            spaces = gap.group() if gap else ""
            if run and not run[-1][1]:
                flush(ch)
            run.append((word.group(), spaces))
            i += word.end() + len(spaces)
            continue
        flush(ch)
        if ch in "'\"":
            end = _string_end(source, i)
            out.append(source[i:end])
            i = end
        elif word:
            out.append(word.group())
            i += word.end()
        else:
            out.append(ch)
            i += 1
        if not ch.isspace():
            previous = ch
    flush("")
    return "".join(out)


def _string_end(text: str, start: int) -> int:
    quote = text[start]
    end = start + 1
    while end < len(text) and text[end] != quote:
        end += 2 if text[end] == "\\" else 1
    return min(end + 1, len(text))


def _tokens(text: str, *, name_pattern: str, quotes: str) -> Iterator[tuple[str, str]]:
    """Split ``text`` into (kind, text): string (its value), number, name, op, space."""
    pattern = re.compile(
        rf"(?P<space>\s+)|(?P<number>\d+(?:\.\d+)?|\.\d+)|(?P<name>{name_pattern})"
        r"|(?P<op>!=|<=|>=|[=<>()$,.\[\]{}+\-*/:|!])"
    )
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in quotes:
            end = i + 1
            value: list[str] = []
            while end < n and text[end] != ch:
                if text[end] == "\\" and quotes == '"' and end + 1 < n:
                    value.append(text[end + 1])
                    end += 2
                    continue
                value.append(text[end])
                end += 1
            if end >= n:
                raise UntranslatableExpression("Chuỗi chưa đóng ngoặc kép", "unterminated string")
            yield "string", "".join(value)
            i = end + 1
            continue
        match = pattern.match(text, i)
        if match is None or match.lastgroup is None:
            raise UntranslatableExpression(f"Ký tự không đọc được: '{ch}'", f"unreadable character '{ch}'")
        yield match.lastgroup, match.group()
        i = match.end()


def _python(parts: list[str], original: str, language: str) -> str:
    result = " ".join(parts)
    try:
        ast.parse(result, mode="eval")
    except SyntaxError as exc:
        raise UntranslatableExpression(
            f"Biểu thức {language} không đúng cú pháp: «{original.strip()[:200]}»",
            f"malformed {language} expression",
        ) from exc
    return result


def translate_xpath(text: str) -> str:
    """Translate the XPath subset of the module docstring to Python; raise if outside it."""
    tokens = [
        t
        for t in _tokens(text, name_pattern=r"[^\W\d][\w\-.]*(?::[^\W\d][\w\-.]*)?", quotes="'\"")
        if t[0] != "space"
    ]
    parts: list[str] = []
    closers: list[str] = []  # what each open parenthesis closes with: not(...) is a function
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        ahead = [v for _, v in tokens[i + 1 : i + 4]]
        if kind == "string":
            parts.append(repr(value))
        elif kind == "number":
            parts.append(value)
        elif kind == "op" and value in _COMPARISONS:
            parts.append("==" if value == "=" else value)
        elif kind == "name" and value in ("and", "or") and parts:
            parts.append(value)
        elif kind == "name" and value == "not" and ahead[:1] == ["("]:
            parts.append("(not (")
            closers.append("))")
            i += 1
        elif kind == "op" and value == "(":
            parts.append("(")
            closers.append(")")
        elif kind == "op" and value == ")" and closers:
            parts.append(closers.pop())
        elif kind == "name" and value in ("true", "false") and ahead[:2] == ["(", ")"]:
            parts.append(value.capitalize())
            i += 2
        elif (
            kind == "name"
            and value in ("bpmn:getDataObject", "getDataObject")
            and len(tokens) > i + 3
            and tokens[i + 2][0] == "string"
            and ahead[0] == "("
            and ahead[2] == ")"
        ):
            parts.append(f"{DATA_FUNCTION}({tokens[i + 2][1]!r})")
            i += 3
        else:
            raise UntranslatableExpression(
                f"PlanCycle chỉ đọc một phần XPath (bpmn:getDataObject, so sánh, and/or/not); "
                f"không đọc được '{value}' trong «{text.strip()[:200]}»",
                f"XPath '{value}' not supported",
            )
        i += 1
    if not parts:
        raise UntranslatableExpression("Điều kiện trống", "empty condition")
    return _python(parts, text, "XPath")


def translate_feel(text: str) -> str:
    """Translate the FEEL subset of the module docstring to Python; raise if outside it."""
    body = text.strip()
    if body.startswith("="):  # Camunda 8 marks expressions with a leading '='
        body = body[1:]
    tokens = list(_tokens(body, name_pattern=r"[^\W\d][\w?']*", quotes='"'))
    parts: list[str] = []
    words: list[str] = []

    def name_done() -> None:
        if words:
            parts.append(f"{DATA_FUNCTION}({json.dumps(' '.join(words), ensure_ascii=False)}, None)")
            words.clear()

    significant = [t for t in tokens if t[0] != "space"]
    closers: list[str] = []  # not(...) is a function in FEEL: its parentheses hold the operand
    negate = False
    position = 0
    for kind, value in tokens:
        if kind == "space":
            continue
        position += 1
        ahead = significant[position][1] if position < len(significant) else ""
        if kind == "name" and value not in _FEEL_KEYWORDS:
            words.append(value)
            if ahead == "(":
                raise UntranslatableExpression(
                    f"PlanCycle không gọi hàm FEEL: '{' '.join(words)}' trong «{text.strip()[:200]}»",
                    "FEEL function calls not supported",
                )
            continue
        name_done()
        if kind == "string":
            parts.append(json.dumps(value, ensure_ascii=False))
        elif kind == "number":
            parts.append(value)
        elif kind == "op" and value in _COMPARISONS:
            parts.append("==" if value == "=" else value)
        elif kind == "op" and value == "(":
            parts.append("(not (" if negate else "(")
            closers.append("))" if negate else ")")
            negate = False
        elif kind == "op" and value == ")" and closers:
            parts.append(closers.pop())
        elif kind == "name" and value in ("and", "or", "true", "false", "null"):
            parts.append({"true": "True", "false": "False", "null": "None"}.get(value, value))
        elif kind == "name" and value == "not" and ahead == "(":
            negate = True
        else:
            raise UntranslatableExpression(
                f"PlanCycle chỉ đọc một phần FEEL (tên, so sánh, and/or/not, hằng); "
                f"không đọc được '{value}' trong «{text.strip()[:200]}»",
                f"FEEL '{value}' not supported",
            )
    name_done()
    if not parts:
        raise UntranslatableExpression("Điều kiện trống", "empty condition")
    return _python(parts, text, "FEEL")


def execution_copy(root: Any, process_id: str, *, available: Iterable[str] = ()) -> Any:
    """Return a copy of the document prepared for SpiffWorkflow (see the module docstring).

    ``available`` names processes outside the file that call activities may call (deployed ones).
    """
    doc = copy.deepcopy(root)
    _drop_data_stores(doc)
    _drop_unresolved_associations(doc)
    process = next((p for p in processes(doc) if p.get("id") == process_id), None)
    if process is not None:
        for start in process.findall(bpmn("startEvent")):
            for definition in start.findall(bpmn("messageEventDefinition")):
                start.remove(definition)
    in_file = {p.get("id") for p in processes(doc)}
    known = in_file | set(available)
    for call in list(doc.iter(bpmn("callActivity"))):
        if call.get("calledElement") not in known:
            call.tag = bpmn("serviceTask")
            call.attrib.pop("calledElement", None)
    default_language = doc.get("expressionLanguage")
    for element in doc.iter(bpmn("conditionExpression"), bpmn("condition")):
        text = "".join(element.itertext())
        if text.strip():
            try:
                translated = translate_condition(text, element.get("language"), default_language)
            except UntranslatableExpression:
                continue  # the inspection reports it; the file is not deployed
            for child in list(element):
                element.remove(child)
            element.text = translated
    for spec in list(doc.iter(bpmn("ioSpecification"))):
        activity = spec.getparent()
        if activity is None:
            continue
        activity.remove(spec)
        for association in activity.findall(bpmn("dataInputAssociation")) + activity.findall(
            bpmn("dataOutputAssociation")
        ):
            activity.remove(association)
    for sub in list(doc.iter(bpmn("subProcess"))):
        if is_empty_sub_process(sub):
            sub.tag = bpmn("task")
            sub.attrib.pop("triggeredByEvent", None)
    for tag in ("timeDate", "timeDuration", "timeCycle"):
        for element in doc.iter(bpmn(tag)):
            if element.text:
                element.text = translate_expression(element.text)
    return doc


def is_empty_sub_process(sub: Any) -> bool:
    """Tell whether a sub-process holds no flow element at all (its content was never modelled)."""
    ignored = {"extensionElements", "documentation", "incoming", "outgoing", "ioSpecification"}
    ignored |= {
        "property",
        "dataInputAssociation",
        "dataOutputAssociation",
        "multiInstanceLoopCharacteristics",
    }
    ignored |= {"standardLoopCharacteristics", "laneSet", "textAnnotation", "association"}
    return not any(is_bpmn(child) and local_name(child) not in ignored for child in sub)


def _drop_data_stores(doc: Any) -> None:
    for element in list(doc.iter(bpmn("dataStore"), bpmn("dataStoreReference"))):
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)


def data_object_reference_ids(doc: Any) -> set[str]:
    """Ids a data association may point at and SpiffWorkflow resolves: data object references."""
    objects = {o.get("id") for o in doc.iter(bpmn("dataObject"))}
    return {
        str(r.get("id")) for r in doc.iter(bpmn("dataObjectReference")) if r.get("dataObjectRef") in objects
    }


def _drop_unresolved_associations(doc: Any) -> None:
    resolvable = data_object_reference_ids(doc)
    for association in list(doc.iter(bpmn("dataInputAssociation"), bpmn("dataOutputAssociation"))):
        side = "sourceRef" if local_name(association) == "dataInputAssociation" else "targetRef"
        refs = [(r.text or "").strip() for r in association.findall(bpmn(side))]
        if not refs or any(ref not in resolvable for ref in refs):
            parent = association.getparent()
            if parent is not None:
                parent.remove(association)

"""Reading form definitions from ``<directory>/<key>.yaml``, with a per-file cache, or from YAML text.

The cache is keyed by (resolved directory, key) and checked against the file's
modification time and size on every call, so an edited definition is picked up
without restarting. Broken files are never cached.

``parse_form_source`` checks a definition typed by an administrator (kept elsewhere, e.g. in
a database) with the same strict YAML reading and the same checks, and says on which line
of the text a problem is where it can.
"""

from __future__ import annotations

import stat
import threading
from collections.abc import Hashable
from pathlib import Path
from typing import Any, Final

import yaml

from forms._schema import KEY_PATTERN
from forms.definition import validate_definition
from forms.errors import FormNotFound, InvalidFormDefinition
from forms.model import FormDefinition

#: Where the shipped definitions live.
DEFAULT_DIRECTORY: Final = Path(__file__).resolve().parent / "definitions"
#: The longest definition text ``parse_form_source`` reads (the shipped ones are a few KB).
MAX_SOURCE_CHARS: Final = 200_000

_lock = threading.Lock()
_cache: dict[tuple[Path, str], tuple[tuple[int, int, int], FormDefinition]] = {}


class _StrictLoader(yaml.SafeLoader):
    """``SafeLoader`` that refuses a key written twice in the same mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                marker = (key_node.tag, key_node.value)
                if marker in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                    )
                seen.add(marker)
        return super().construct_mapping(node, deep=deep)


def _directory(directory: Path | None) -> Path:
    return Path(directory).resolve() if directory is not None else DEFAULT_DIRECTORY


def _not_found(key: object) -> FormNotFound:
    shown = repr(key)[:80]
    return FormNotFound(f"Không tìm thấy biểu mẫu {shown}. (Form not found: {shown}.)")


def load_form(key: str, *, directory: Path | None = None) -> FormDefinition:
    """Return the form definition ``key`` from ``directory`` (default: the shipped ones).

    Raises ``FormNotFound`` when ``key`` is not a valid form name
    (``[a-z][a-z0-9_]{0,63}``) or no such file exists, and
    ``InvalidFormDefinition`` when the file is broken.
    """
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise _not_found(key)
    base = _directory(directory)
    path = base / f"{key}.yaml"
    try:
        info = path.stat()
    except OSError:
        raise _not_found(key) from None
    if not stat.S_ISREG(info.st_mode):
        raise _not_found(key)
    stamp = (info.st_mtime_ns, info.st_size, info.st_ino)
    with _lock:
        cached = _cache.get((base, key))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    definition = _read(path, key)
    with _lock:
        _cache[(base, key)] = (stamp, definition)
    return definition


def read_form_source(key: str, *, directory: Path | None = None) -> str:
    """Return the YAML text of the definition file ``key`` in ``directory`` (default: the shipped ones).

    Raises ``FormNotFound`` as ``load_form`` does, ``InvalidFormDefinition`` when the file is not UTF-8.
    """
    if not isinstance(key, str) or not KEY_PATTERN.fullmatch(key):
        raise _not_found(key)
    path = _directory(directory) / f"{key}.yaml"
    if not path.is_file():
        raise _not_found(key)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidFormDefinition(
            f"{path.name}: tệp không phải UTF-8 ({path.name}: the file is not UTF-8)"
        ) from None
    except OSError:
        raise _not_found(key) from None


def parse_form_source(text: str, *, key: str | None = None) -> FormDefinition:
    """Check the YAML text of a form definition and describe it, as ``load_form`` does for a file.

    With ``key``, the text's own ``key`` must be the same. Raises ``InvalidFormDefinition`` naming
    the first problem, with ``line`` set to the line of the text it is on where that is known
    (a YAML syntax error, a duplicate key, or the part of the document the problem is in).
    Nothing is cached here: callers cache by their own version or checksum.
    """
    if not isinstance(text, str):
        raise InvalidFormDefinition("Nội dung biểu mẫu phải là văn bản (the definition must be text)")
    if len(text) > MAX_SOURCE_CHARS:
        raise InvalidFormDefinition(
            f"Nội dung biểu mẫu quá dài: tối đa {MAX_SOURCE_CHARS:,} ký tự".replace(",", ".")
            + f" (the definition is longer than {MAX_SOURCE_CHARS} characters)"
        )
    if not text.strip():
        raise InvalidFormDefinition("Nội dung biểu mẫu đang trống (the definition is empty)")
    try:
        document = _parse_yaml(text, None)
        definition = validate_definition(document)
        if key is not None and definition.key != key:
            raise InvalidFormDefinition(
                f"Mã biểu mẫu «{definition.key}» khác mã đang sửa «{key}» "
                f"(key '{definition.key}' is not the key being edited, '{key}')",
                path=("key",),
            )
    except InvalidFormDefinition as exc:
        if exc.line is None and exc.path:
            exc.line = _line_of(text, exc.path)
        raise
    except RecursionError:
        raise InvalidFormDefinition(
            "Nội dung biểu mẫu lồng nhau quá sâu (the definition is nested too deeply)"
        ) from None
    return definition


def _line_of(text: str, path: tuple[str | int, ...]) -> int | None:
    """Return the 1-based line of the deepest node of the YAML ``text`` that ``path`` reaches."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()
    if node is None:
        return None
    line = int(node.start_mark.line) + 1
    for step in path:
        found: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(step):
                    found, line = value_node, int(key_node.start_mark.line) + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and str(step).isdigit() and int(step) < len(node.value):
            found = node.value[int(step)]
            line = int(found.start_mark.line) + 1
        if found is None:
            break
        node = found
    return line


def list_forms(*, directory: Path | None = None) -> list[str]:
    """Return the keys of the definitions in ``directory``, sorted; ``[]`` if it does not exist."""
    base = _directory(directory)
    try:
        names = [p.stem for p in base.iterdir() if p.suffix == ".yaml" and KEY_PATTERN.fullmatch(p.stem)]
    except OSError:
        return []
    return sorted(name for name in names if (base / f"{name}.yaml").is_file())


def _read(path: Path, key: str) -> FormDefinition:
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidFormDefinition(f"{name}: tệp không phải UTF-8 ({name}: the file is not UTF-8)") from None
    except OSError:
        raise _not_found(key) from None
    document = _parse_yaml(text, name)
    try:
        definition = validate_definition(document)
    except InvalidFormDefinition as exc:
        raise InvalidFormDefinition(f"{name}: {exc.message}", path=exc.path) from exc
    if definition.key != key:
        raise InvalidFormDefinition(
            f"{name}: mã biểu mẫu «{definition.key}» khác tên tệp "
            f"({name}: key '{definition.key}' does not match the file name)"
        )
    return definition


def _parse_yaml(text: str, name: str | None) -> Any:
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or type(exc).__name__
        if name is None:  # text without a file: the caller shows ``line`` itself
            raise InvalidFormDefinition(
                f"YAML không hợp lệ (invalid YAML: {problem})",
                line=mark.line + 1 if mark is not None else None,
            ) from exc
        line = f" dòng {mark.line + 1}" if mark is not None else ""
        line_en = f" at line {mark.line + 1}" if mark is not None else ""
        raise InvalidFormDefinition(
            f"{name}: YAML không hợp lệ{line} ({name}: invalid YAML{line_en}: {problem})"
        ) from exc
    finally:
        loader.dispose()

"""Safe YAML with line numbers: the one way site_gen reads YAML.

Front matter and ``site.yaml`` are parsed with PyYAML's safe loader (the C
one when available). Timestamps are *not* resolved by YAML: every date stays
text and :mod:`site_gen.dates` owns the rules for reading it. Scalars keep
their source text so that ``title: No`` stays the word "No", not ``False``.

Hostile YAML fails fast with a clear message: Python tags (``!!python/object``)
are refused by the safe loader, a text over :data:`MAX_CHARS` is not parsed,
and aliases that would expand past :data:`MAX_NODES` values (the "billion
laughs" bomb) are refused before anything is constructed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from .sources import NOT_XML, NOT_XML_HINT, describe_char

try:  # pragma: no cover - which loader exists depends on the PyYAML build
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


MAX_CHARS = 200_000
"""Longest YAML text read (front matter or ``site.yaml``)."""
MAX_NODES = 10_000
"""Most values a YAML text may hold once its aliases are expanded."""
MAX_DEPTH = 40
"""Deepest nesting of lists and mappings."""
_UNSAFE_TAG = re.compile(r"constructor for the tag '(?P<standard>tag:yaml\.org,2002:)?(?P<name>[^']*)'")
_SAFE_TAG_HINT = "front matter holds only text, numbers, true/false, lists and mappings"


class _Loader(_BaseLoader):
    """Safe loader without the implicit timestamp type."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Field:
    """One top-level key of a YAML mapping."""

    value: Any
    """The constructed Python value."""
    text: str | None
    """The scalar's source text, when the value is a scalar."""
    line: int
    """1-based line of the key, counted in the YAML text."""


class YamlError(Exception):
    """A YAML text that cannot be read; ``line`` is 1-based within the YAML text."""

    def __init__(self, message: str, line: int, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint
        """What to do about it, when something better than "check indentation and quoting" is known."""


def _check_size(root: yaml.Node) -> None:
    """Refuse a YAML graph that is too deep or too large once aliases are expanded.

    Shared nodes are counted once per use without being expanded again, so a
    bomb is measured in microseconds, before anything is constructed.
    """
    _size(root, 0, {}, set(), [])


def _tree_fits(node: yaml.Node, depth: int = 0) -> int:
    """Values under ``node``, a graph without aliases (a text without ``*``: a tree), or -1
    when it is too deep or too large: :func:`_check_size` then says where. Much
    quicker than it on ordinary front matter."""
    if depth > MAX_DEPTH:
        return -1
    value = node.value
    if value.__class__ is str:  # a scalar
        return 1
    total = 1
    if node.__class__ is yaml.MappingNode:
        value = [part for pair in value for part in pair]
    for child in value:
        size = _tree_fits(child, depth + 1)
        if size < 0:
            return -1
        total += size
    return total if total <= MAX_NODES else -1


def _too_deep(line: int) -> YamlError:
    return YamlError(
        f"the YAML is nested more than {MAX_DEPTH} levels deep",
        line,
        "front matter needs at most a list inside a mapping",
    )


def _size(
    node: yaml.Node, depth: int, sizes: dict[int, tuple[int, int]], seen: set[int], aliased: list[bool]
) -> tuple[int, int]:
    """Values under ``node`` with aliases expanded, and the levels below it (``sizes``: of the
    nodes counted already, so that an alias is measured where it is used, not expanded again).

    A plain function, not a closure: a closure that calls itself is a reference cycle, which
    only the cyclic collector frees, and builds pause it while they read thousands of files.
    """
    line = node.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise _too_deep(line)
    key = id(node)
    if key in sizes:
        aliased.append(True)
        total, height = sizes[key]
        if depth + height > MAX_DEPTH:  # an alias that nests a value inside itself, level after level
            raise _too_deep(line)
        return total, height
    if key in seen:
        raise YamlError("an alias `*name` refers to the value that contains it", line, "write the values out")
    seen.add(key)
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [part for pair in node.value for part in pair]
    else:
        children = []
    total = 1
    height = 0
    for child in children:
        size, below = _size(child, depth + 1, sizes, seen, aliased)
        total += size
        height = max(height, below + 1)
        if total > MAX_NODES:
            if depth == 0 and aliased:
                raise YamlError(
                    f"the YAML expands to more than {MAX_NODES:,} values"
                    " (anchors `&` and aliases `*` used over and over)",
                    child.start_mark.line + 1,
                    "write the values out instead of using `&name` and `*name`",
                )
            if depth == 0:
                raise YamlError(
                    f"the YAML holds more than {MAX_NODES:,} values",
                    child.start_mark.line + 1,
                    "keep front matter to a few fields; put long text in the body",
                )
            total = MAX_NODES + 1
            break
    sizes[key] = (total, height)
    return total, height


def _refuse_not_xml(key: str, value: object, line: int) -> None:
    """A YAML escape (``"a \\0 b"``, ``"\\a"``, ``"\\ud800"``) can give text any character; refuse
    those XML cannot carry (:data:`site_gen.sources.NOT_XML`), as in the raw file."""
    found = None
    if isinstance(value, str):
        found = NOT_XML.search(value) or NOT_XML.search(key)
    elif isinstance(value, list):
        for item in value:
            _refuse_not_xml(key, item, line)
    elif isinstance(value, dict):
        for name, item in value.items():
            _refuse_not_xml(key, name, line)
            _refuse_not_xml(key, item, line)
    if found:
        raise YamlError(f"`{key}` holds the control character {describe_char(found.group())}", line, NOT_XML_HINT)


def load_mapping(text: str) -> dict[str, Field]:
    """Parse ``text`` as a YAML mapping of string keys; raise :class:`YamlError`."""
    if len(text) > MAX_CHARS:
        raise YamlError(
            f"the YAML is too long ({len(text):,} characters; at most {MAX_CHARS:,})",
            1,
            "keep front matter to a few fields; put long text in the body",
        )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        if "*" in text or _tree_fits(node) < 0:
            _check_size(node)
        if not isinstance(node, yaml.MappingNode):
            raise YamlError(
                "expected `key: value` lines, found a "
                + {"ScalarNode": "single value", "SequenceNode": "list"}.get(type(node).__name__, "value"),
                node.start_mark.line + 1,
            )
        fields: dict[str, Field] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("a key must be a plain word", line)
            key = key_node.value
            if key in fields:
                raise YamlError(f"`{key}` is given twice", line, f"keep one `{key}:` line")
            value = loader.construct_object(value_node, deep=True)
            _refuse_not_xml(key, value, line)
            text = value_node.value if isinstance(value_node, yaml.ScalarNode) else None
            fields[key] = Field(value, text, line)
        return fields
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        tag = _UNSAFE_TAG.search(problem)
        if tag:
            line = mark.line + 1 if mark else 1
            # As written: `!!foo` is the standard prefix and `foo`; a local tag (`!foo`) is reported whole.
            written = ("!!" if tag["standard"] else "") + tag["name"]
            raise YamlError(f"the YAML tag `{written}` is not allowed", line, _SAFE_TAG_HINT) from None
        hint = ""
        context = exc.context or ""
        if context.startswith("while parsing a flow") and exc.context_mark:
            # An unclosed `[` or `{`: the parser notices on a later line; the bracket's line is the one to fix.
            mark, hint = exc.context_mark, "close the brackets, and quote names that contain `,` `:` or `#`"
        elif context.startswith("while scanning a quoted") and exc.context_mark:
            mark, problem, hint = exc.context_mark, "a quote opened on this line is not closed", "close the quote"
        elif context and "while" not in context:
            problem = f"{context}: {problem}"
        line = mark.line + 1 if mark else 1
        raise YamlError(f"YAML syntax error: {problem}", line, hint) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML error: {exc}", 1) from None
    except RecursionError:  # PyYAML's pure-Python parser (no libyaml) on thousands of nested brackets
        raise _too_deep(1) from None
    finally:
        loader.dispose()

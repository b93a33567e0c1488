"""Split a content file into its YAML front matter and its Markdown body."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ContentError

FENCE = "---"


@dataclass(frozen=True)
class Split:
    """A content file cut in two."""

    yaml: str
    """The text between the fences."""
    yaml_line: int
    """Line of the file on which the YAML starts (1-based)."""
    body: str
    """Everything after the closing fence."""
    body_line: int
    """Line of the file on which the body starts."""


def split_front_matter(text: str, where: str) -> Split:
    """Find the ``---`` fences; raise :class:`ContentError` when they are missing."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise ContentError(where, 0, "the file is empty", "an article needs front matter and a body")
    if lines[first].rstrip() != FENCE:
        raise ContentError(
            where,
            first + 1,
            "no front matter: the file must start with a line `---`",
            "put `---`, then `title:` and `date:`, then `---` above the text",
        )
    for i in range(first + 1, len(lines)):
        if lines[i].rstrip() in (FENCE, "..."):
            return Split(
                yaml="".join(lines[first + 1 : i]),
                yaml_line=first + 2,
                body="".join(lines[i + 1 :]),
                body_line=i + 2,
            )
    raise ContentError(
        where,
        first + 1,
        "front matter is not closed",
        "did you forget the closing `---` line after the last field?",
    )

"""Errors that name a file and a line.

Every problem in an editor's content becomes a :class:`ContentError`, printed
as ``content/articles/x.md:4: message — hint``. Stages gather them and raise a
single :class:`BuildFailed` so that one run reports every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentError(Exception):
    """One problem in one input file."""

    path: str
    """The file, relative to the project when possible (``content/articles/x.md``)."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    message: str
    """What is wrong, in words an editor understands."""
    hint: str = ""
    """What to do about it; may be empty."""
    severity: str = "error"
    """``error`` fails the build; ``warning`` is reported only (and fails
    ``site-gen check --strict``); ``note`` is information that never fails."""

    def __reduce__(self):
        # Frozen dataclasses cannot be unpickled the way exceptions are; workers send these back.
        return (type(self), (self.path, self.line, self.message, self.hint, self.severity))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = f"{self.severity}: " if self.severity in ("warning", "note") else ""
        text = f"{where}: {label}{self.message}"
        if self.hint:
            text += f" — {self.hint}"
        return text


class BuildFailed(Exception):
    """Raised once per run with every error that was found."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(errors, key=lambda e: (e.path, e.line, e.message))
        super().__init__("\n".join(str(e) for e in self.errors))


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as an editor would type it: relative to ``root`` (or the working folder)."""
    path = Path(path)
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return path.resolve().relative_to(Path(base).resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()

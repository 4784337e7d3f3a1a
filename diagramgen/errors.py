"""The one error family that diagram-text parsers raise, with line-precise messages."""

from __future__ import annotations

from dataclasses import dataclass

from diagramgen.limits import MAX_TEXT_CHARS


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one line of a diagram text."""

    line: int  # 1-based; 0 = the text as a whole
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class DiagramTextError(ValueError):
    """A diagram text (plan or node list) that cannot be turned into a diagram."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(shown + more)

    @classmethod
    def at(cls, line: int, message: str) -> DiagramTextError:
        """An error with one problem, on one line."""
        return cls([Problem(line, message)])


class InputFileError(ValueError):
    """A file a command reads (a JSONL dataset, a ratings database) that is not what it should
    be: a user-facing error, one line, exit status 2."""


def check_size(text: str) -> None:
    """Refuse texts too large to be a diagram before any parsing work."""
    if len(text) > MAX_TEXT_CHARS:
        raise DiagramTextError.at(
            0, f"text is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}"
        )

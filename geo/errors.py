"""Problems found in the input and the exception that carries them to the CLI; and the one
that says what was being made when something no check foresaw went wrong."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as the file allows.

    Printed as ``file:line:col: feature 3 'id': property 'date': message`` so that editors
    and terminals can jump to it.
    """

    file: str
    line: int | None = None
    column: int | None = None
    feature: int | None = None
    feature_id: str | None = None
    prop: str | None = None
    message: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.feature is not None:
            ident = f" {self.feature_id!r}" if self.feature_id else ""
            parts.append(f"feature {self.feature}{ident}")
        if self.prop:
            parts.append(f"property {self.prop!r}")
        label = "" if self.severity == "error" else f"{self.severity}: "
        return ": ".join(parts) + f": {label}{self.message}"


class BuildError(Exception):
    """The input cannot be built; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=_problem_order)
        super().__init__("\n".join(str(p) for p in self.problems))


def _problem_order(p: Problem) -> tuple:
    return (p.file, p.line or 0, p.column or 0, p.feature or -1, p.prop or "", p.message)


class StepFailed(Exception):
    """An exception no check foresaw, with the step it broke: the CLI reports it in one line
    (``-v`` adds the traceback), and the output folder stays as it was."""

    def __init__(self, step: str, cause: BaseException):
        self.step = step
        super().__init__(f"{step}: {type(cause).__name__}: {cause}")


@contextmanager
def step(what: str):
    """Name the work inside, for the one line a failure of it is reported in."""
    try:
        yield
    except (BuildError, StepFailed):
        raise
    except Exception as exc:
        raise StepFailed(what, exc) from exc


def display_path(path: Path) -> str:
    """A path as the user typed it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

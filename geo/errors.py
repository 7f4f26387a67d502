"""Problems found in the input, and the one exception that carries them to the CLI."""

from __future__ import annotations

from dataclasses import dataclass


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

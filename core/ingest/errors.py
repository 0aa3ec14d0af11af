"""The one error type every importer raises for bad input: where it is, what is wrong, what to do."""

from __future__ import annotations

from dataclasses import dataclass


class InputError(ValueError):
    """Bad input, named precisely enough that a marketer can fix the file.

    Rendered as: "<file>, line <n>, field '<field>': <problem>. <fix>"
    """

    def __init__(
        self,
        file: str,
        problem: str,
        fix: str,
        *,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.problem}. {self.fix}"


class InputErrors(InputError):
    """Problems in several files of one import, one per file, so all can be fixed before trying again; it reads as
    each problem on a line of its own and names the first file's place like an InputError."""

    def __init__(self, problems: list[InputError]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(first.file, first.problem, first.fix, line=first.line, field=first.field)

    def __str__(self) -> str:
        return f"{len(self.problems)} files have problems:\n" + "\n".join(f"- {p}" for p in self.problems)


@dataclass(frozen=True)
class FileRef:
    """How messages name one input file and point into it."""

    name: str
    rows_not_lines: bool = False  # Parquet has rows, not text lines

    def error(self, problem: str, fix: str, *, line: int | None = None, field: str | None = None) -> InputError:
        """An InputError about this file; Parquet positions are given as rows, not lines."""
        if self.rows_not_lines and line is not None:
            return InputError(self.name, f"in row {line}, {problem}", fix, field=field)
        return InputError(self.name, problem, fix, line=line, field=field)

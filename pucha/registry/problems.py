"""What goes wrong in a registration file, said in Chinese and placed exactly.

Every problem names the file, and where it has one the sheet, the row as a
spreadsheet shows it (1-based, header rows counted) and the field, so that
the person who filled the form finds the cell without reading code.
"""
from __future__ import annotations

from dataclasses import dataclass


class Invalid(ValueError):
    """A value that breaks its field's rule; str() is the message in Chinese."""


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    field: str | None = None  # the header as the form names it

    def __str__(self) -> str:
        place = [self.file]
        if self.sheet:
            place.append(self.sheet)
        if self.row is not None:
            place.append(f"第{self.row}行")
        where = " ".join(place)
        if self.field:
            return f"{where} {self.field}: {self.message}"
        return f"{where}: {self.message}"


class RegistryImportError(ValueError):
    """A registration file that was not imported; ``problems`` lists why.

    The message lists every problem, one a line, ready to print.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        files = sorted({p.file for p in self.problems})
        head = f"{'、'.join(files)} 未导入（共 {len(self.problems)} 处错误，登记库未作任何改动）："
        super().__init__("\n".join([head, *(str(p) for p in self.problems)]))


class Problems:
    """Collects the problems of one file (or file pair) while it is read."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, message: str, sheet: str | None = None,
            row: int | None = None, field: str | None = None) -> None:
        self.items.append(Problem(file, message, sheet, row, field))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise RegistryImportError(self.items)

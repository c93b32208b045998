"""How big a workbook's sheets say they are, read from the xlsx zip before
openpyxl is let near them.

openpyxl pads every row to the width a sheet declares (``<dimension
ref="A1:XFD3000"/>``): a 10 KB file declaring 16,384 columns costs seconds
and hundreds of megabytes before a single header is judged.  The sheets'
declared ranges and their unpacked sizes are read here from the zip's
directory and the first bytes of each sheet's XML, and a workbook beyond
the limits is refused with a message naming the sheet and the range.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from pucha.registry import headers
from pucha.registry.problems import Problems

# A registration sheet needs 16 columns (附件3) or 4 (附件4); the rest is room
# for a 序号 or notes column that people add.
MAX_COLUMNS = 64
_HEAD_BYTES = 64 * 1024  # <dimension> comes before <sheetData>, within the first few hundred bytes
_SMALL_PART = 4 * 1024 * 1024  # workbook.xml and its rels of a real workbook are a few KB
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z]{1,3})?(\d+)?(?::([A-Za-z]{1,3})(\d+))?\"")
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass(frozen=True)
class SheetLimits:
    """What a registration workbook may declare.  ``max_rows`` None: no cap
    on rows (the command line imports the national file, some 86,000 sites);
    ``max_sheet_bytes`` None: no cap on a sheet's unpacked XML."""

    max_rows: int | None = None
    max_columns: int = MAX_COLUMNS
    max_sheet_bytes: int | None = None


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def check_sizes(archive: zipfile.ZipFile, shown: str, limits: SheetLimits, problems: Problems) -> bool:
    """False, with a problem per sheet, when a registration sheet of the
    workbook declares more rows or columns than ``limits`` allow or unpacks
    to more than ``max_sheet_bytes``.  A workbook whose parts cannot be
    found is let through: openpyxl then says what is wrong with it."""
    ok = True
    for name, part in _sheet_parts(archive).items():
        if headers.sheet_kind(name) is None:
            continue  # a sheet the import never reads
        try:
            info = archive.getinfo(part)
        except KeyError:
            continue
        if limits.max_sheet_bytes is not None and info.file_size > limits.max_sheet_bytes:
            problems.add(shown, f"工作表“{name}”解压后有 {info.file_size // 1024 // 1024} MB，超过上限 "
                                f"{limits.max_sheet_bytes // 1024 // 1024} MB；请只保留登记内容后再导入")
            ok = False
            continue
        with archive.open(info) as stream:
            head = stream.read(_HEAD_BYTES)
        found = _DIMENSION.search(head)
        if found is None or found.group(3) is None:
            continue  # no range, or one cell: the rows are capped while they are read
        ref = found.group(0).split(b'"')[1].decode("ascii")
        rows, columns = int(found.group(4)), column_number(found.group(3).decode("ascii"))
        too_wide = columns > limits.max_columns
        too_long = limits.max_rows is not None and rows > limits.max_rows
        if too_wide or too_long:
            cap = (f"最多 {limits.max_columns} 列" if too_wide else "") + \
                  ("、" if too_wide and too_long else "") + (f"最多 {limits.max_rows} 行" if too_long else "")
            problems.add(shown, f"工作表“{name}”声明的范围为 {ref}（{rows} 行 × {columns} 列），"
                                f"超出导入上限（{cap}）；请删除多余的行列（或把内容复制到新工作簿）后再导入")
            ok = False
    return ok


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding its XML, from workbook.xml and its rels."""
    try:
        book = _small_xml(archive, "xl/workbook.xml")
        rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
    except (KeyError, ElementTree.ParseError, ValueError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels if r.tag.endswith("Relationship")}
    parts: dict[str, str] = {}
    for sheet in book.iter():
        if not sheet.tag.endswith("}sheet") or sheet.get(_REL) not in targets:
            continue
        target = targets[sheet.get(_REL)]
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[sheet.get("name", "")] = path
    return parts


def _small_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    info = archive.getinfo(name)
    if info.file_size > _SMALL_PART:
        raise ValueError(f"{name} is {info.file_size} bytes")
    return ElementTree.fromstring(archive.read(info))

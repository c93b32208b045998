"""Reading registration files into rows of text: .xlsx workbooks and .csv files.

Readers only turn bytes into cells; headers and values are judged later
(``tables``, ``validation``).  Whatever a file turns out to be, a reader
reports it as a Problem and returns None rather than raising: the importer
collects every problem of a file before it answers.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pucha.registry import headers
from pucha.registry.problems import Problems
from pucha.registry.sheetsize import SheetLimits, check_sizes

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted .xlsx


@dataclass
class RawSheet:
    file: str  # the file's name, as messages show it
    name: str  # the sheet's name as the workbook has it (CSV: the sheet it stands for)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (spreadsheet row, cells)
    encoding: str | None = None  # CSV only: the encoding detected


def cell_text(value: object) -> str:
    """A cell as the person who typed it sees it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        # A phone number typed into a number cell comes back as 13800138000.0.
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_bytes(path: Path, shown: str, problems: Problems) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        problems.add(shown, f"文件不存在（{path}）")
    except IsADirectoryError:
        problems.add(shown, f"是一个目录，不是文件（{path}）")
    except OSError as exc:
        problems.add(shown, f"无法读取文件（{exc.strerror or exc}）")
    return None


def read_workbook(path: Path, problems: Problems,
                  limits: SheetLimits = SheetLimits()) -> dict[str, RawSheet] | None:
    """The two sheets of a registration workbook, by kind (headers.SITES_SHEET, ...).

    A workbook whose sheets declare more than ``limits`` is refused before
    openpyxl reads it; one that declares less than it holds is read up to the
    limits and refused there (a declared range is the writer's word, not a fact)."""
    shown = path.name
    data = _read_bytes(path, shown, problems)
    if data is None:
        return None
    if data.startswith(OLE_MAGIC):
        problems.add(shown, "是旧版 Excel（.xls）文件或加密的工作簿，请另存为 .xlsx 后再导入")
        return None
    if not data.startswith(ZIP_MAGIC):
        problems.add(shown, "不是 xlsx 工作簿（文件内容不是 Excel 格式）")
        return None
    import openpyxl  # imported here: the CSV path and the loader do not need it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if not check_sizes(archive, shown, limits, problems):
                return None
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        problems.add(shown, f"不是有效的 xlsx 工作簿，无法打开（{type(exc).__name__}: {exc}）")
        return None
    try:
        found: dict[str, RawSheet] = {}
        cut = False  # a sheet longer than the limits: not read to its end
        for sheet_name in workbook.sheetnames:
            kind = headers.sheet_kind(sheet_name)
            if kind is None:
                continue
            if kind in found:
                problems.add(shown, f"有两个“{kind}”工作表（“{found[kind].name}”和“{sheet_name}”），无法确定用哪一个")
                continue
            sheet = _read_sheet(workbook[sheet_name], RawSheet(shown, sheet_name), limits, problems)
            if sheet is None:
                cut = True
                continue
            found[kind] = sheet
    finally:
        workbook.close()
    if cut:
        return None
    missing = [k for k in (headers.SITES_SHEET, headers.COLUMNS_SHEET) if k not in found]
    if missing:
        have = "、".join(f"“{n}”" for n in workbook.sheetnames) or "无"
        problems.add(shown, f"缺少工作表“{'”和“'.join(missing)}”（工作簿中的工作表：{have}）")
        return None
    return found


def _read_sheet(worksheet, sheet: RawSheet, limits: SheetLimits, problems: Problems) -> RawSheet | None:
    # max_col: openpyxl pads each row to the declared width, or without a
    # declared range to the row's last cell (XFD is 16,384); max_row one past
    # the cap, to see that there is more than allowed without reading it all.
    width = min(worksheet.max_column or limits.max_columns, limits.max_columns)
    last = limits.max_rows + 1 if limits.max_rows is not None else None
    for number, values in enumerate(worksheet.iter_rows(max_row=last, max_col=width, values_only=True), 1):
        if last is not None and number == last:
            problems.add(sheet.file, f"工作表“{sheet.name}”超过 {limits.max_rows} 行（导入上限），未读完；"
                                     f"请分成几个文件导入")
            return None
        sheet.rows.append((number, [cell_text(v) for v in values]))
    return sheet


def decode_text(data: bytes, shown: str, problems: Problems) -> tuple[str, str] | None:
    """(text, encoding) of a CSV file: UTF-8 with or without BOM, else GB18030.

    UTF-8 is tried first and strictly: GBK text is practically never valid
    UTF-8, so a file that decodes as UTF-8 is UTF-8.  GB18030 is a superset of
    GBK and GB2312.  A file that is neither is refused, never decoded with
    replacement characters.
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "UTF-8（带 BOM）"
        except UnicodeDecodeError as exc:
            problems.add(shown, f"文件以 UTF-8 BOM 开头，但第{_line_of(data, exc.start)}行有无效的 UTF-8 字节")
            return None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        problems.add(shown, "是 UTF-16 编码的文本，请另存为 UTF-8 或 GB18030 编码的 CSV")
        return None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        problems.add(shown, f"无法识别文件编码：既不是 UTF-8 也不是 GB18030/GBK"
                            f"（第{_line_of(data, exc.start)}行有无法解码的字节 {data[exc.start:exc.start + 4].hex(' ')}）")
        return None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def read_csv(path: Path, kind: str, problems: Problems) -> RawSheet | None:
    """A CSV file standing for the sheet ``kind`` (headers.SITES_SHEET or COLUMNS_SHEET)."""
    shown = path.name
    data = _read_bytes(path, shown, problems)
    if data is None:
        return None
    if data.startswith(ZIP_MAGIC):
        problems.add(shown, "是 xlsx 工作簿而不是 CSV 文件，请把扩展名改为 .xlsx")
        return None
    if data.startswith(OLE_MAGIC):
        problems.add(shown, "是旧版 Excel（.xls）文件而不是 CSV 文件，请另存为 CSV 或 .xlsx")
        return None
    if b"\x00" in data:
        problems.add(shown, "含有 NUL 字节，不是文本 CSV 文件")
        return None
    decoded = decode_text(data, shown, problems)
    del data  # a national columns file is ~160 MB: not kept beside its text
    if decoded is None:
        return None
    text, encoding = decoded
    first = next((m.group() for m in _LINES.finditer(text) if m.group().strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    sheet = RawSheet(shown, kind, encoding=encoding)
    # One string for a value that repeats (a site's homepage on each of its ~17 column rows, the
    # categories, 无): a national columns file read is about a third smaller.
    same: dict[str, str] = {}
    try:
        # Lines as a file opened with newline="" gives them (split at \r\n, \r or \n, kept), one at
        # a time: io.StringIO would copy the whole text again, at four bytes a character.
        lines = (m.group() for m in _LINES.finditer(text))
        for number, cells in enumerate(csv.reader(lines, delimiter=delimiter), 1):
            sheet.rows.append((number, [same.setdefault(v, v) for v in (c.strip() for c in cells)]))
    except csv.Error as exc:
        problems.add(shown, f"CSV 格式错误，无法读取（第{len(sheet.rows) + 1}行：{exc}）", kind)
        return None
    return sheet

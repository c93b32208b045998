"""Finding the header of a sheet and turning its rows into records of fields.

A registration sheet may carry a title and a 填表单位 line above the header
(as the printed 附件3 does), the header may take one row or two (附件3's
负责人/联系人 spanning 姓名 职务 办公电话 手机 电子邮箱), and signature lines
may follow the data.  The header is the row among the first few that names
the most known fields.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from pucha.registry import headers
from pucha.registry.problems import Problems
from pucha.registry.readers import RawSheet

HEADER_SEARCH_ROWS = 10  # a header further down is not a header
_GROUP_KEYS = {headers.header_key(g) for g in headers.GROUPS}
_SUB_KEYS = {headers.header_key(s) for s in headers.SUB_HEADERS}


@dataclass
class Table:
    file: str
    sheet: str
    labels: dict[str, str]  # field -> its header as the file writes it
    columns: dict[str, int] = field(default_factory=dict)  # field -> its index in the cells
    cells: list[tuple[int, list[str]]] = field(default_factory=list)  # (spreadsheet row, the reader's cells)

    @property
    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(spreadsheet row, field -> value) for each data row, made as it is read: a national
        columns file has 1.5 million rows, and a dict kept for each cost more than the cells."""
        columns = self.columns
        for number, cells in self.cells:
            n = len(cells)
            yield number, {f: cells[i] if i < n else "" for f, i in columns.items()}

    def take_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """As ``rows``, but each row's cells are let go of once it is read, and the table is empty
        after: the importer reads a table once, and a national columns file's cells are ~500 MB."""
        cells, self.cells = self.cells, []
        cells.reverse()
        columns = self.columns
        while cells:
            number, row = cells.pop()
            n = len(row)
            yield number, {f: row[i] if i < n else "" for f, i in columns.items()}


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _combine(top: list[str], sub: list[str]) -> list[str]:
    """Header names of a two-row header: a group cell names the sub-cells under it.

    A merged group cell (负责人 over five columns) has its text in the first
    column only; the group lasts until the next non-empty top cell.
    """
    names, group = [], ""
    for i in range(max(len(top), len(sub))):
        t = top[i] if i < len(top) else ""
        s = sub[i] if i < len(sub) else ""
        if t:
            group = t if headers.header_key(t) in _GROUP_KEYS else ""
        if s and group and headers.header_key(s) in _SUB_KEYS:
            names.append(group + s)
        else:
            names.append(t or s)
    return names


def _recognise(names: list[str], index: dict[str, str]) -> dict[int, str]:
    """Column index -> field, for the names that are known headers."""
    return {i: index[k] for i, name in enumerate(names) if (k := headers.header_key(name)) in index}


def parse_table(raw: RawSheet, fields: dict[str, tuple[str, ...]], problems: Problems) -> Table | None:
    """The records of a sheet, or None (with problems added) when it has none usable."""
    index = headers.header_index(fields)
    rows = [(n, cells) for n, cells in raw.rows if any(cells)]
    if not rows:
        problems.add(raw.file, "工作表是空的（没有表头，也没有数据）", raw.name)
        return None

    best: tuple[int, int, int, list[str], dict[int, str]] | None = None  # score, position, height, names, columns
    for pos in range(min(HEADER_SEARCH_ROWS, len(rows))):
        candidates = [(1, rows[pos][1])]
        if pos + 1 < len(rows):
            candidates.append((2, _combine(rows[pos][1], rows[pos + 1][1])))
        for height, names in candidates:
            columns = _recognise(names, index)
            score = len(set(columns.values()))
            if score and (best is None or score > best[0]):
                best = (score, pos, height, names, columns)
    encoding = f"（按 {raw.encoding} 解码）" if raw.encoding else ""
    if best is None:
        expected = "、".join(headers.label(fields, f) for f in fields)
        problems.add(raw.file, f"找不到表头{encoding}；应有的表头：{expected}", raw.name)
        return None
    _, pos, height, names, columns = best
    header_row = rows[pos][0]

    seen: dict[str, int] = {}
    for i, f in sorted(columns.items()):
        if f in seen:
            problems.add(raw.file, f"表头“{headers.label(fields, f)}”出现了两次"
                                   f"（第{column_letter(seen[f])}列和第{column_letter(i)}列）", raw.name, header_row)
        else:
            seen[f] = i
    missing = [headers.label(fields, f) for f in fields if f not in seen]
    if missing:
        problems.add(raw.file, f"缺少表头：{'、'.join(missing)}{encoding}", raw.name, header_row)
        return None

    table = Table(raw.file, raw.name, {f: "".join(names[i].split()) for f, i in seen.items()}, dict(seen))
    for number, cells in rows[pos + height:]:
        if headers.is_footer(cells[0] if cells else ""):
            break
        table.cells.append((number, cells))
    if not table.cells:
        problems.add(raw.file, "工作表只有表头，没有数据行", raw.name)
        return None
    return table

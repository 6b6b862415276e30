"""The ledgers' prints, stamped with who printed them and audited (action 台账.打印).

Two engines:

- 电子台账 表一/表二/表三 (the long tables) are drawn directly with fpdf2 (``grid_pdf``): A3 landscape,
  the embedded Noto Sans CJK SC font, the header rows repeated on every page, long texts wrapped (never
  cut), "第 N 页 共 M 页" and the print stamp at the foot of each page. Every row is printed: nothing is
  cut at a row limit. Measured (bench/bench_ledger_prints.py): 表三 of 10,000 people in a few seconds,
  where weasyprint took ~8 s per 1,000 rows even with minimal CSS (fixed table layout, no classes).
- 限额台账 and 单位台账 (short: one county's limits, one unit's entries) keep the HTML templates through
  ``bianzhi.lib.pdf.render_pdf`` (weasyprint), also without a row limit.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from bianzhi import audit
from bianzhi.lib.idnumbers import mask_id
from bianzhi.lib.pdf import render_pdf
from bianzhi.roles import actor_name
from ledgers import exports

ACTION = "台账.打印"

# Noto Sans CJK SC: the .ttc of Debian's fonts-noto-cjk holds JP, KR, SC, TC, HK (CFF outlines); fpdf2
# embeds the used glyphs as a CIDFontType0C subset.
FONT_FILES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.otf", 0),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
)

MM_PER_PT = 25.4 / 72


@dataclass(frozen=True)
class Column:
    """One printed column: its header (under ``group`` when several columns share a top header), its
    relative width, and whether it holds numbers (right-aligned, negatives in red)."""

    label: str
    width: float
    num: bool = False
    group: str = ""


def _font_file() -> tuple[str, int]:
    for path, index in FONT_FILES:
        if Path(path).is_file():
            return path, index
    raise FileNotFoundError("缺少中文字体 Noto Sans CJK（请安装 fonts-noto-cjk）。")


_FONTS: dict[tuple[str, int], object] = {}


def _add_font(pdf) -> None:
    """The CJK font as "cjk" in ``pdf``. Reading the font's metrics (65,000 glyphs) costs about half a
    second, so the parsed metrics are kept per process and each document gets a copy of the font object
    with its own widths, glyph map and subset (what fpdf2's TTFFont.__deepcopy__ copies, without
    deep-copying 65,000 widths one by one); the outlines are opened anew for each document, because
    fpdf2 subsets them in place when the document is written. Bounding boxes are not recomputed for the
    subset (the font's own box stays valid): that saves another half second per print."""
    path, index = _font_file()
    try:
        _copy_font(pdf, path, index)
    except (AttributeError, TypeError):  # fpdf2's font internals changed: its own (slower) way
        pdf.fonts.pop("cjk", None)
        pdf.add_font("cjk", fname=path, collection_font_number=index)


def _copy_font(pdf, path: str, index: int) -> None:
    from fontTools import ttLib
    from fpdf import FPDF
    from fpdf.fonts import SubsetMap

    cached = _FONTS.get((path, index))
    if cached is None:
        template = FPDF()
        template.add_font("cjk", fname=path, collection_font_number=index)
        cached = _FONTS[(path, index)] = template.fonts["cjk"]
    font = copy.copy(cached)
    font.cw = cached.cw.copy()
    font.glyph_ids = dict(cached.glyph_ids)
    font.missing_glyphs = list(cached.missing_glyphs)
    font.subset = SubsetMap(font)
    outlines = ttLib.TTFont(path, fontNumber=index, lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    for tag in ("GSUB", "GPOS", "GDEF"):  # dropped by fpdf2's subsetter anyway; not read at all here
        if tag in outlines:
            del outlines[tag]
    font.ttfont = outlines
    pdf.fonts["cjk"] = font
    pdf._set_min_pdf_version("1.6")  # what add_font sets for a CID-keyed CFF font


def warm() -> None:
    """Parse the font once now (a worker process does it at its first print otherwise)."""
    from fpdf import FPDF

    _add_font(FPDF())


def _forget(pdf) -> None:
    """fpdf2 memoises glyph look-ups with functools.cache on SubsetMap methods, which keeps every
    document's font (its widths, its subset outlines) alive for the life of the process: clear it."""
    from fpdf.fonts import SubsetMap

    for method in (SubsetMap.pick, SubsetMap.get_glyph):
        clear = getattr(method, "cache_clear", None)
        if clear is not None:
            clear()
    pdf.fonts.clear()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value) if timezone.is_aware(value) else value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    text = str(value)
    return " ".join(text.split()) if "\n" in text else text  # one paragraph to a cell


class _Grid:
    """A table drawn row by row on A3 landscape pages; the caller gives the rows as lists of values."""

    PAGE = ("A3", "L")
    MARGIN = 12.0  # mm, left and right
    TOP = 12.0
    BOTTOM = 14.0  # room for the foot line
    SIZE = 8.0  # pt, body text
    PAD_X, PAD_Y = 1.0, 0.9  # mm

    def __init__(self, columns: Sequence[Column], *, title: str, subtitle: str, info: str, stamp: str):
        from fpdf import FPDF  # imported late: only printing needs it

        self.columns = list(columns)
        self.title, self.subtitle, self.info, self.stamp = title, subtitle, info, stamp
        pdf = FPDF(orientation=self.PAGE[1], unit="mm", format=self.PAGE[0])
        pdf.set_auto_page_break(False)
        pdf.set_margins(self.MARGIN, self.TOP, self.MARGIN)
        _add_font(pdf)
        pdf.set_font("cjk", size=self.SIZE)
        pdf.set_line_width(0.2)
        pdf.set_draw_color(60, 60, 60)
        pdf.set_title(subtitle or title)
        pdf.set_creator("机构编制管理系统")
        self.pdf = pdf
        self.cw = pdf.current_font.cw
        self.line_h = self.SIZE * MM_PER_PT * 1.25
        usable = pdf.w - 2 * self.MARGIN
        total = sum(c.width for c in self.columns)
        self.widths = [usable * c.width / total for c in self.columns]
        self.xs = [self.MARGIN]
        for w in self.widths:
            self.xs.append(self.xs[-1] + w)
        self.bottom = pdf.h - self.BOTTOM
        self.page_top = 0.0
        self.y = 0.0
        self.rows = 0
        self.group_h = 0.0
        self._widths: dict[str, float] = {}

    # ---- measuring ----

    def width(self, text: str, size: float | None = None) -> float:
        if size is None:
            w = self._widths.get(text)
            if w is None:
                cw = self.cw
                w = self._widths[text] = sum(cw[ord(c)] for c in text) * self.SIZE * 0.001 * MM_PER_PT
            return w
        return sum(self.cw[ord(c)] for c in text) * size * 0.001 * MM_PER_PT

    def wrap(self, text: str, room: float) -> list[str]:
        """``text`` in lines no wider than ``room`` (any character may start a line: Chinese text)."""
        if self.width(text) <= room:
            return [text]
        lines, line, used = [], "", 0.0
        factor = self.SIZE * 0.001 * MM_PER_PT
        for ch in text:
            w = self.cw[ord(ch)] * factor
            if line and used + w > room:
                lines.append(line)
                line, used = "", 0.0
            line += ch
            used += w
        lines.append(line)
        return lines

    # ---- pages ----

    def _foot(self) -> None:
        pdf = self.pdf
        pdf.set_font_size(7.5)
        pdf.set_text_color(80, 80, 80)
        y = pdf.h - self.BOTTOM + 4
        pdf.text(self.MARGIN, y + 3, self.stamp)
        pdf.set_xy(pdf.w - self.MARGIN - 60, y)
        pdf.cell(60, 4, f"第 {pdf.page_no()} 页 共 {{nb}} 页", align="R")
        pdf.set_text_color(0, 0, 0)
        pdf.set_font_size(self.SIZE)

    def _close_page(self) -> None:
        """The column rules of the page's table part and the page's foot."""
        pdf = self.pdf
        if self.y > self.page_top:
            cols = self.columns
            for k, x in enumerate(self.xs):
                inner = 0 < k < len(cols) and cols[k - 1].group and cols[k - 1].group == cols[k].group
                pdf.line(x, self.page_top + (self.group_h if inner else 0), x, self.y)
        self._foot()

    def _new_page(self, header: bool = True) -> None:
        pdf = self.pdf
        if pdf.page:
            self._close_page()
        pdf.add_page()
        y = self.TOP
        if pdf.page_no() == 1:
            pdf.set_font_size(18)
            pdf.text((pdf.w - self.width(self.title, 18)) / 2, y + 6.5, self.title)
            y += 10
            if self.subtitle:
                pdf.set_font_size(11)
                pdf.text((pdf.w - self.width(self.subtitle, 11)) / 2, y + 4, self.subtitle)
                y += 7
            if self.info:
                pdf.set_font_size(9)
                pdf.text(self.MARGIN, y + 3.5, self.info)
                y += 6
            pdf.set_font_size(self.SIZE)
        else:
            pdf.set_font_size(7.5)
            head = f"{self.title}　{self.subtitle}（续）"
            pdf.text(self.MARGIN, y + 3, head)
            pdf.set_font_size(self.SIZE)
            y += 5
        self.page_top = y
        self.y = self._header(y) if header else y

    def _header(self, top: float) -> float:
        """The header rows (two when columns are grouped), shaded, ruled; returns the y below them."""
        pdf = self.pdf
        grouped = any(c.group for c in self.columns)
        room = [w - 2 * self.PAD_X for w in self.widths]
        label_lines = [self.wrap(c.label, r) for c, r in zip(self.columns, room, strict=True)]
        row_h = max(len(lines) for lines in label_lines) * self.line_h + 2 * self.PAD_Y
        group_h = self.group_h = self.line_h + 2 * self.PAD_Y if grouped else 0.0
        height = group_h + row_h
        pdf.set_fill_color(235, 235, 235)
        pdf.rect(self.MARGIN, top, self.xs[-1] - self.MARGIN, height, style="F")
        pdf.line(self.MARGIN, top, self.xs[-1], top)
        i = 0
        while i < len(self.columns):
            col = self.columns[i]
            if grouped and col.group:
                j = i
                while j < len(self.columns) and self.columns[j].group == col.group:
                    j += 1
                x0, x1 = self.xs[i], self.xs[j]
                self._centred(col.group, x0, x1, top, group_h)
                pdf.line(x0, top + group_h, x1, top + group_h)
                for k in range(i, j):
                    self._centred_lines(label_lines[k], self.xs[k], self.xs[k + 1], top + group_h, row_h)
                i = j
            else:
                self._centred_lines(label_lines[i], self.xs[i], self.xs[i + 1], top, height)
                i += 1
        pdf.line(self.MARGIN, top + height, self.xs[-1], top + height)
        return top + height

    def _centred(self, text: str, x0: float, x1: float, top: float, height: float) -> None:
        self._centred_lines([text], x0, x1, top, height)

    def _centred_lines(self, lines: list[str], x0: float, x1: float, top: float, height: float) -> None:
        block = len(lines) * self.line_h
        y = top + (height - block) / 2 + self.line_h * 0.78
        for line in lines:
            self.pdf.text(x0 + (x1 - x0 - self.width(line)) / 2, y, line)
            y += self.line_h

    # ---- rows ----

    def row(self, values: Sequence, *, shade: bool = False) -> None:
        pdf = self.pdf
        texts = [_text(v) for v in values]
        cells = [
            [t] if col.num else self.wrap(t, w - 2 * self.PAD_X)
            for t, col, w in zip(texts, self.columns, self.widths, strict=True)
        ]
        height = max(len(lines) for lines in cells) * self.line_h + 2 * self.PAD_Y
        if not pdf.page or self.y + height > self.bottom:
            self._new_page()
        top = self.y
        if shade:
            pdf.set_fill_color(245, 245, 245)
            pdf.rect(self.MARGIN, top, self.xs[-1] - self.MARGIN, height, style="F")
        base = top + self.PAD_Y + self.line_h * 0.78
        for i, lines in enumerate(cells):
            col = self.columns[i]
            if col.num:
                text = lines[0]
                if not text:
                    continue
                red = text.startswith("-")
                if red:
                    pdf.set_text_color(176, 0, 0)
                pdf.text(self.xs[i + 1] - self.PAD_X - self.width(text), base, text)
                if red:
                    pdf.set_text_color(0, 0, 0)
                continue
            y = base
            x = self.xs[i] + self.PAD_X
            for line in lines:
                if line:
                    pdf.text(x, y, line)
                y += self.line_h
        self.y = top + height
        pdf.line(self.MARGIN, self.y, self.xs[-1], self.y)
        self.rows += 1

    def note(self, text: str) -> None:
        pdf = self.pdf
        if not pdf.page or self.y + 8 > self.bottom:
            self._new_page(header=False)  # a closing note alone needs no table header
        pdf.set_font_size(9)
        pdf.text(self.MARGIN, self.y + 5, text)
        pdf.set_font_size(self.SIZE)

    def output(self, empty: str) -> bytes:
        if not self.pdf.page:
            self._new_page()
        if not self.rows:
            self.note(empty)
        self._close_page()
        try:
            return bytes(self.pdf.output())
        finally:
            _forget(self.pdf)


def grid_pdf(
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    *,
    title: str,
    subtitle: str,
    info: str,
    actor,
    name: str,
    head_rows: Iterable[Sequence] = (),
    end_note: str = "",
    empty: str = "没有数据。",
    progress=None,
) -> bytes:
    """A long table as a PDF (A3 landscape, every row, header repeated), stamped and audited.
    ``progress`` (a background job's ``jobs.progress.Progress``) is advanced by each row drawn."""
    printed_at = timezone.localtime()
    stamp = f"打印：{actor_name(actor)}　{printed_at:%Y-%m-%d %H:%M}"
    grid = _Grid(columns, title=title, subtitle=subtitle, info=info, stamp=stamp)
    for values in head_rows:
        grid.row(values, shade=True)
    count = 0
    for values in rows:
        grid.row(values)
        count += 1
        if progress is not None:
            progress.advance()
    if count and end_note:
        grid.note(end_note.format(count=count))
    pdf = grid.output(empty)
    audit.record(
        actor=actor,
        action=ACTION,
        target_repr=name,
        after={"表": name, "行数": count, "页数": grid.pdf.page_no(), "bytes": len(pdf)},
    )
    return pdf


# ---- 电子台账 表一/表二/表三 ----------------------------------------------------------------------------------


def info_line(region: str, as_of: dt.date, count_text: str) -> str:
    return f"区划：{region or '—'}　　数据截至：{as_of:%Y年%m月%d日}　　{count_text}"


TABLE_ONE_COLUMNS = [Column("序号", 3.2, num=True), Column("机构名称", 17), Column("机构性质", 6.5)] + [
    Column(label, 4.6, num=True, group=group)
    for group, labels in exports.TABLE_ONE_GROUPS[1:]
    for label in labels
]


def table_one_pdf(qs, title: str, *, region: str, actor, progress=None) -> bytes:
    rows = list(exports.table_one_rows(qs))
    totals = exports.table_one_totals(rows)
    numbered = ([i, *r] for i, r in enumerate(rows, start=1))
    return grid_pdf(
        TABLE_ONE_COLUMNS,
        numbered,
        title="机构编制电子台账",
        subtitle="表一 机构编制基本情况",
        info=info_line(region, timezone.localdate(), f"共 {len(rows)} 个单位　　空编数为负数表示超编"),
        actor=actor,
        name=title,
        head_rows=[["", "合计", "", *totals]] if rows else [],
        empty="没有单位。",
        progress=progress,
    )


TABLE_TWO_COLUMNS = [
    Column("序号", 3),
    Column("机构名称", 16),
    Column("日期", 6.5),
    Column("变化类型", 7),
    Column("批准文号", 12),
    Column("编制类型/职数类别", 8),
    Column("增减数", 4.5, num=True),
    Column("结余数", 4.5, num=True),
    Column("变化原因", 30),
]


def _table_two_rows(qs) -> Iterable[list]:
    columns = (
        "unit__name",
        "occurred_on",
        "kind",
        "document__number",
        "establishment_type",
        "post_category",
        "delta",
        "balance",
        "reason",
    )
    for i, (name, day, kind, number, etype, cat, delta, balance, reason) in enumerate(
        qs.values_list(*columns).iterator(chunk_size=exports.ITER), start=1
    ):
        shown = (f"+{delta}" if delta > 0 else str(delta)) if (etype or cat) and delta is not None else ""
        yield [i, name, day, kind, number or "", f"{etype}{cat}", shown, balance, reason]


TABLE_THREE_COLUMNS = [
    Column("序号", 3.5),
    Column("单位名称", 17),
    Column("内设机构", 8),
    Column("姓名", 6),
    Column("公民身份号码", 11),
    Column("性别", 3),
    Column("编制类型", 6.5),
    Column("人员类别", 7),
    Column("领导职务", 7),
    Column("职务", 11),
    Column("入编时间", 6),
    Column("在岗状态", 5),
]
TABLE_THREE_FIELDS = (
    "unit__name",
    "division__name",
    "name",
    "id_number",
    "sex",
    "establishment_type",
    "category",
    "leader_post",
    "title",
    "entered_on",
    "duty_status",
)


def _table_three_rows(qs, *, masked: bool) -> Iterable[list]:
    for i, values in enumerate(
        qs.values_list(*TABLE_THREE_FIELDS).iterator(chunk_size=exports.ITER), start=1
    ):
        row = [i, *values]
        if masked:
            row[4] = mask_id(row[4])
        yield row


def table_pdf(table: str, qs, title: str, *, masked: bool, actor, region: str = "", progress=None) -> bytes:
    """电子台账 表一, 表二 or 表三 as PDF: every row of the (scoped, filtered) queryset; ``progress``
    advanced by each row drawn (a background job)."""
    if table == "one":
        return table_one_pdf(qs, title, region=region, actor=actor, progress=progress)
    as_of = timezone.localdate()
    if table == "two":
        count = qs.count()
        return grid_pdf(
            TABLE_TWO_COLUMNS,
            _table_two_rows(qs),
            title="机构编制电子台账",
            subtitle="表二 机构编制变更记录",
            info=info_line(region, as_of, f"共 {count} 条"),
            actor=actor,
            name=title,
            end_note="以上共 {count} 条变更记录。",
            empty="没有变更记录。",
            progress=progress,
        )
    count = qs.count()
    return grid_pdf(
        TABLE_THREE_COLUMNS,
        _table_three_rows(qs, masked=masked),
        title="机构编制电子台账",
        subtitle="表三 实有人员花名册",
        info=info_line(region, as_of, f"共 {count} 人"),
        actor=actor,
        name=title,
        end_note="以上共 {count} 人。",
        empty="没有在编人员。",
        progress=progress,
    )


# ---- 限额台账, 单位台账 (short: the HTML templates through weasyprint) ------------------------------------


def _pdf(template: str, context: dict, title: str, *, actor, target=None) -> bytes:
    return render_pdf(template, {**context, "title": title}, actor=actor, action=ACTION, target=target)


def limit_pdf(entries, region_ids: list[int], title: str, *, actor) -> bytes:
    context = {"rows": list(exports.general_rows(entries)), "usage": exports.limit_usage(region_ids)}
    return _pdf("ledgers/print/limit_ledger.html", context, title, actor=actor)


def unit_ledger_pdf(unit, entries, row, title: str, *, actor) -> bytes:
    context = {"entries": list(entries.iterator()), "unit": unit, "row": row}
    return _pdf("ledgers/print/unit_ledger.html", context, title, actor=actor, target=unit)

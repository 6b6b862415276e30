"""Dates as clerks write them: real Excel dates, 2021-12-31, 2021/12/31, 2021.12.31, 2021年12月31日."""

from __future__ import annotations

import datetime as dt
import re

from bianzhi.lib.text import clean_cell

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


class InvalidDate(ValueError):
    pass


def parse_date(value: object) -> dt.date | None:
    """None for an empty cell; InvalidDate (Chinese message) for anything that is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise InvalidDate(f"“{value}”不是有效日期")
    text = clean_cell(value)
    if not text:
        return None
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    match = _DATE_RE.match(text)
    if not match:
        if re.fullmatch(r"\d{8}", text):
            match = re.match(r"(\d{4})(\d{2})(\d{2})", text)
        else:
            raise InvalidDate(f"“{text}”不是有效日期，应写作 2021-12-31")
    year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidDate(f"“{text}”不是有效日期") from None


def format_cn(value: dt.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""

"""公民身份号码 (GB 11643) and 统一社会信用代码 (GB 32100) on top of python-stdnum."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

from bianzhi.lib.text import fold_width


class InvalidNumber(ValueError):
    """A number that is not valid; the message is Chinese and fit for a user."""


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    sex: str  # "男" / "女"


def _convert_15(number: str) -> str:
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")  # stdnum ignores the last character


def normalize_id(raw: object) -> str:
    """The 18-character form of an ID number, or InvalidNumber.

    Strips spaces, folds full-width characters, upper-cases x, converts a 15-digit legacy number by
    inserting 19 before the year and appending the check character.
    """
    number = re.sub(r"\s+", "", fold_width(str(raw or ""))).upper()
    if not number:
        raise InvalidNumber("公民身份号码不能为空")
    if len(number) == 15:
        if not number.isdigit():
            raise InvalidNumber("15位公民身份号码只能由数字组成")
        number = _convert_15(number)
    if len(number) != 18:
        raise InvalidNumber(f"公民身份号码应为18位，实际为{len(number)}位")
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise InvalidNumber("公民身份号码含有非法字符")
    try:
        birth = ric.get_birth_date(number)
    except StdnumError:
        raise InvalidNumber("公民身份号码中的出生日期无效") from None
    if birth > dt.date.today() or birth.year < 1900:
        raise InvalidNumber("公民身份号码中的出生日期无效")
    if ric.calc_check_digit(number) != number[17]:
        raise InvalidNumber("公民身份号码校验位错误")
    return number


def id_info(raw: object) -> IdInfo:
    number = normalize_id(raw)
    return IdInfo(
        number=number, birth_date=ric.get_birth_date(number), sex="男" if int(number[16]) % 2 else "女"
    )


def is_valid_id(raw: object) -> bool:
    try:
        normalize_id(raw)
    except InvalidNumber:
        return False
    return True


def mask_id(number: str) -> str:
    """6211251990****123X: region and birth year visible, month and day hidden."""
    if not number or len(number) < 14:
        return "****"
    return number[:10] + "****" + number[14:]


# ---- the one rule: who reads full ID numbers (docs/decisions.md, "公民身份号码：完整或脱敏") ----------


def full_ids(actor) -> bool:
    """Whether ``actor`` gets full ID numbers, on every output alike (pages, exports, prints).

    Full only for the capability ``view_full_id`` (编办管理员, 编办工作人员) and for ``actor=None``, the
    system operator running a management command on the server; everyone else (编委/编办领导, 单位联络员,
    协作部门经办人, anonymous) gets them masked.
    """
    if actor is None:
        return True
    from bianzhi.roles import can  # bianzhi.lib is below the roles; imported when asked

    return can(actor, "view_full_id")


def show_id(number: str | None, *, full: bool) -> str:
    """The number as ``full_ids`` decided: as stored, or masked (empty stays empty)."""
    if not number:
        return ""
    return number if full else mask_id(number)


def normalize_credit_code(raw: object) -> str:
    """The 18-character 统一社会信用代码 in upper case, or InvalidNumber."""
    code = re.sub(r"\s+", "", fold_width(str(raw or ""))).upper()
    if len(code) != 18:
        raise InvalidNumber(f"统一社会信用代码应为18位，实际为{len(code)}位")
    try:
        uscc.validate(code)
    except StdnumError:
        raise InvalidNumber("统一社会信用代码校验位错误或含有非法字符") from None
    return code


def make_id(region_code: str, birth_date: dt.date, seq: int, sex: str = "男") -> str:
    """A valid synthetic ID number (for demo data, tests and benchmarks): seq 0–499 per day and sex."""
    order = (seq % 500) * 2 + (1 if sex == "男" else 0)
    body = f"{region_code}{birth_date:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_credit_code(seq: int, prefix: str = "12621125") -> str:
    """A valid synthetic 统一社会信用代码 (registration-authority prefix + 9-char org code + check)."""
    body = f"{prefix}{seq:09d}"[:17]
    return body + uscc.calc_check_digit(body)

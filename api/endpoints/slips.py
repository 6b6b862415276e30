"""``/api/v1/slips/``: 核验编制使用单 — a partner system checks a 编制使用单 or 人员编制管理卡 by its code, and
records its department's act (录用审批, 工资起薪, 参保登记) on a slip.

The same reads and service as the page (``units.selectors.slipcheck``, ``units.services.slipcheck``):
every check is audited (``核验.查询`` / ``核验.失败``, ``via`` 接口) besides the call's own ``接口.*`` row.
A malformed code is 400; an unknown, forged or altered code, or one of a region outside the token's, is
404 with the same message (the caller cannot tell another region's slip from no slip).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Router, Schema, Status
from ninja.errors import HttpError

from api import scoping
from units.models import SlipAct
from units.selectors import slipcheck
from units.services.slipcheck import slip_act_record, verification_log

TAG = "编制使用单核验"
router = Router(tags=[TAG])
NO_SOURCE = "本令牌未绑定协作部门（组织、财政或人社），不能登记办理情况。"
CARD_NO_ACTS = "人员编制管理卡只供核验，办理情况登记在编制使用单上。"


class ActOut(Schema):
    act: str
    department: str
    done_on: dt.date
    note: str
    recorded_by: str
    recorded_at: dt.datetime
    via: str


class PersonOut(Schema):
    name: str
    id_number: str
    in_establishment: bool
    entered_on: dt.date
    left_on: dt.date | None


class CheckOut(Schema):
    code: str
    kind: str
    state: str
    state_note: str
    number: str | None
    unit: str
    establishment_type: str
    issued_on: dt.date | None
    valid_until: dt.date | None
    used_on: dt.date | None
    person: PersonOut | None
    acts: list[ActOut]
    open_acts: list[str]


class ActIn(Schema):
    act: Literal["录用审批", "工资起薪", "参保登记"]
    done_on: dt.date
    note: str = ""


def _check(request, code: str) -> slipcheck.Check:
    """Read the code back within the token's regions; audited either way; 400/404 when refused."""
    try:
        check = slipcheck.check_code(code, regions=scoping.token_region_ids(request))
    except slipcheck.CodeRefused as refused:
        verification_log(
            actor=request.user,
            code=code,
            check=None,
            refusal=f"{refused.reason}：{refused.message}",
            via="接口",
        )
        raise HttpError(400 if refused.message == slipcheck.MALFORMED else 404, refused.message) from None
    verification_log(actor=request.user, code=code, check=check, via="接口")
    return check


def _act(a) -> dict:
    return {
        "act": a.act,
        "department": a.get_department_display(),
        "done_on": a.done_on,
        "note": a.note,
        "recorded_by": a.actor_name,
        "recorded_at": a.recorded_at,
        "via": a.via,
    }


def _out(request, check: slipcheck.Check) -> dict:
    slip, person = check.slip, check.person
    return {
        "code": check.pretty_code,
        "kind": check.kind_label,
        "state": check.state,
        "state_note": check.state_note,
        "number": slip.number if slip else None,
        "unit": slipcheck.shown_unit(check, request.user),
        "establishment_type": check.establishment_type,
        "issued_on": slip.issued_on if slip else None,
        "valid_until": slip.valid_until if slip else None,
        "used_on": slip.used_on if slip else None,
        "person": {
            "name": person.name,
            "id_number": slipcheck.person_id_shown(check, request.user, personal=scoping.personal(request)),
            "in_establishment": person.in_establishment,
            "entered_on": person.entered_on,
            "left_on": person.left_on,
        }
        if person
        else None,
        "acts": [_act(a) for a in check.acts],
        "open_acts": slipcheck.open_acts(check, scoping.token_source(request) or None),
    }


@router.get(
    "/{code}",
    response=CheckOut,
    summary="核验编制使用单或人员编制管理卡",
    description="按核验码（16位，如 S000-01AB-CDEF-GHJK，可不带连字符、不分大小写）返回状态（有效、已使用、"
    "已作废、已过期；管理卡为有效或已作废）、单位、编制类型、使用人员（公民身份号码按令牌的个人信息范围"
    "脱敏）和协作部门已登记的办理情况。格式有误返回400；无此单据、核验码被篡改或不在本令牌区划内返回404。"
    "每次核验（含失败）记入审计日志。",
)
def verify(request, code: str):
    scoping.need(request, capability="verify_slips")
    check = _check(request, code)
    scoping.rows(request, 1)
    return _out(request, check)


@router.post(
    "/{code}/acts",
    response={201: ActOut},
    summary="登记本部门在编制使用单上的办理情况",
    description="协作部门登记本部门已办理的事项：录用审批（行政、政法专项、参公编制由组织部门，事业、工勤编制由"
    "人社部门）、工资起薪（财政部门）、参保登记（人社部门）。需要可写入、绑定本部门的令牌；工资起薪和参保登记"
    "须在入编之后；已作废或已过期的单据不能登记；每项只登记一次。",
)
def record_act(request, code: str, payload: ActIn):
    scoping.need(request, write=True, capability="record_slip_acts")
    source = scoping.token_source(request)
    if not source:
        raise HttpError(403, NO_SOURCE)
    check = _check(request, code)
    if check.slip is None:
        raise HttpError(400, CARD_NO_ACTS)
    record = slip_act_record(
        slip=check.slip,
        act=SlipAct(payload.act),
        done_on=payload.done_on,
        note=payload.note,
        actor=request.user,
        department=source,
        via="接口",
    )
    scoping.rows(request, 1)
    return Status(201, _act(record))

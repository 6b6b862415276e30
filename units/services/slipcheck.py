"""核验编制使用单: the audit of every verification, and a partner department's act recorded on a slip.

Codes and reading them back are reads (``units.selectors.slipcheck``); what is written here:

- ``verification_log``: one audit row per verification, page or API — ``核验.查询`` for a code read
  (who read which slip or card: it names a person) and ``核验.失败`` for a refused code (the code as
  typed, the reason, the caller), so forging attempts can be found in the trail;
- ``slip_act_record``: 录用审批, 工资起薪 or 参保登记 recorded by the partner clerk of the department that
  does it, on a slip of a region they work for, once per slip and act.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from bianzhi import audit
from bianzhi.roles import actor_name, authorize
from units.choices import SlipStatus
from units.models import Department, SlipAct, SlipActRecord, UseSlip
from units.selectors.slipcheck import Check, act_department, department_of
from units.services.common import _fail, _today

ACTS_NEED_ENTRY = (SlipAct.PAY, SlipAct.INSURE)


def verification_log(*, actor, code: str, check: Check | None, refusal: str = "", via: str = "页面") -> None:
    """Audit one verification: the code read (``check``) or refused (``refusal``, the reason)."""
    if check is not None:
        audit.record(
            actor=actor,
            action="核验.查询",
            target=check.target,
            region=check.region,
            after={"code": check.pretty_code, "kind": check.kind_label, "state": check.state, "via": via},
        )
    else:
        audit.record(
            actor=actor,
            action="核验.失败",
            target_repr=f"核验码 {(code or '')[:60]}",
            after={"code": (code or "")[:60], "reason": refusal, "via": via},
            reason=refusal,
        )


@transaction.atomic
def slip_act_record(
    *,
    slip: UseSlip,
    act: str,
    done_on: dt.date,
    actor,
    note: str = "",
    department: str | None = None,
    via: str = "页面",
) -> SlipActRecord:
    """Record that a partner department has done its part on a slip.

    Who: a partner clerk (``record_slip_acts``) of the slip's region, and only the act of their own
    department (``department``, default the clerk's profile department; the API passes its token's).
    When: 录用审批 on a valid or used slip; 工资起薪 and 参保登记 only after the slip was used for an 入编;
    never on a void or expired slip; each act once per slip; the date not in the future nor before the
    slip was issued (or used, for pay and insurance). Audited as ``编制使用单.部门办理``."""
    slip = UseSlip.objects.select_for_update(of=("self",)).select_related("unit", "region").get(pk=slip.pk)
    authorize(actor, "record_slip_acts", region=slip.region_id)
    if act not in SlipAct.values:
        _fail("请选择办理事项。", "act")
    department = department or (department_of(actor) if actor is not None else None)
    needed = act_department(act, slip.establishment_type)
    if actor is not None and department != needed:
        _fail(f"{act}由{Department(needed).label}登记，您所在的部门不能登记此项。", "act")
    state = slip.state_on(_today())
    if state == SlipStatus.VOID:
        _fail(f"编制使用单{slip.number}已作废，不能登记办理情况。")
    if state == "已过期":
        _fail(f"编制使用单{slip.number}已于{slip.valid_until:%Y-%m-%d}过期未使用，不能登记办理情况。")
    if act in ACTS_NEED_ENTRY and state != SlipStatus.USED:
        _fail(f"编制使用单{slip.number}尚未办理入编，{act}须在入编之后登记。", "act")
    _check_date(slip, act, done_on)
    record = SlipActRecord(
        slip=slip,
        act=act,
        department=needed,
        done_on=done_on,
        note=(note or "").strip()[:300],
        via=via,
        actor=audit.user_of(actor),
        actor_name=actor_name(actor),
    )
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        _fail(f"编制使用单{slip.number}的{act}已经登记过。", "act")
    audit.record(
        actor=actor,
        action="编制使用单.部门办理",
        target=slip,
        region=slip.region,
        after={
            "act": act,
            "department": Department(needed).label,
            "done_on": done_on,
            "note": record.note,
            "via": via,
        },
    )
    return record


def _check_date(slip: UseSlip, act: str, done_on: dt.date | None) -> None:
    if done_on is None:
        _fail("请填写办理日期。", "done_on")
    if done_on > _today():
        _fail("办理日期不能晚于今天。", "done_on")
    if done_on < slip.issued_on:
        _fail(f"办理日期不能早于编制使用单的核准日期{slip.issued_on:%Y-%m-%d}。", "done_on")
    if act in ACTS_NEED_ENTRY and slip.used_on and done_on < slip.used_on:
        _fail(f"{act}日期不能早于入编日期{slip.used_on:%Y-%m-%d}。", "done_on")

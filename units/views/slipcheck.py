"""核验编制使用单: a partner clerk (or office staff) checks a 编制使用单 or 人员编制管理卡 by its code, and a
partner clerk records their department's act on a slip.

Who: ``verify_slips`` (office roles and partner clerks; a liaison gets 403); codes of slips outside the
user's regions read as unknown. Every check is audited (``核验.查询`` / ``核验.失败``): the page with a code
is a read of personal data, logged like a download. Recording an act is a confirmed POST
(``record_slip_acts``: partner clerks) that calls ``slip_act_record``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from bianzhi.lib.http import add_errors
from bianzhi.roles import require
from units.forms.slipcheck import ActForm, VerifyForm
from units.selectors import slipcheck as selectors
from units.services.slipcheck import slip_act_record, verification_log

TEMPLATE = "units/slip_verify.html"


def _check(request: HttpRequest, code: str) -> dict[str, Any]:
    """Read the code back (audited either way): the result's context, or the refusal's."""
    try:
        check = selectors.check_code(code, regions=selectors.verifier_region_ids(request.user))
    except selectors.CodeRefused as refused:
        verification_log(
            actor=request.user, code=code, check=None, refusal=f"{refused.reason}：{refused.message}"
        )
        return {"refused": refused.message}
    verification_log(actor=request.user, code=code, check=check)
    department = selectors.department_of(request.user)
    return {
        "check": check,
        "unit_name": selectors.shown_unit(check, request.user),
        "id_shown": selectors.person_id_shown(check, request.user),
        "department": department,
        "open_acts": selectors.open_acts(check, department),
    }


def slip_verify(request: HttpRequest) -> HttpResponse:
    require(request.user, "verify_slips")
    form = VerifyForm(request.GET or None)
    ctx: dict[str, Any] = {"form": form}
    if form.is_valid():
        ctx |= _check(request, form.cleaned_data["code"])
        if ctx.get("open_acts"):
            ctx["act_form"] = ActForm(
                acts=ctx["open_acts"],
                initial={"code": ctx["check"].pretty_code, "done_on": timezone.localdate()},
            )
    return render(request, TEMPLATE, ctx, status=400 if ctx.get("refused") else 200)


def slip_act(request: HttpRequest) -> HttpResponse:
    """POST: record the clerk's department's act on the slip named by the code; GET goes to the page."""
    require(request.user, "record_slip_acts")
    if request.method != "POST":
        return redirect("units:slip_verify")
    form = ActForm(request.POST)
    code = request.POST.get("code", "")
    ctx: dict[str, Any] = {"form": VerifyForm(initial={"code": code}), **_check(request, code)}
    check = ctx.get("check")
    if form.is_valid() and check is not None:
        if check.slip is None:
            form.add_error(None, "人员编制管理卡只供核验，办理情况登记在编制使用单上。")
        else:
            try:
                slip_act_record(
                    slip=check.slip,
                    act=form.cleaned_data["act"],
                    done_on=form.cleaned_data["done_on"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, f"已登记{form.cleaned_data['act']}。编办可在编制使用单上看到本部门的办理情况。"
                )
                return redirect(reverse("units:slip_verify") + "?" + urlencode({"code": check.pretty_code}))
    ctx["act_form"] = form
    return render(request, TEMPLATE, ctx, status=400)

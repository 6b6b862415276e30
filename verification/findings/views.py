"""The comparison pages (数据比对): partner uploads, runs, findings, answers, decisions, unit matching.

Reads go through ``verification.findings.selectors`` (404 outside the user's scope); each POST calls one service
with ``actor=request.user``. Order in write views: look the object up (404), check the role (403),
then parse the form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from bianzhi.lib.idnumbers import mask_id
from bianzhi.lib.xlsx import RowError, write_error_workbook
from bianzhi.roles import can, require
from units import services as unit_services
from units.choices import Nature, UnitStatus
from units.models import Unit, UnitAlias
from units.selectors import liaison_unit_ids, regions_for, units_for
from verification.compare.data import PARTNER_SOURCES, SOURCE_LABEL
from verification.compare.engine import CODES
from verification.compare.sources import ID_ALIASES
from verification.findings import selectors, services
from verification.findings.forms import (
    AliasForm,
    AnswerForm,
    DecideForm,
    FindingFilterForm,
    RunForm,
    UploadForm,
)
from verification.findings.models import Finding, FindingStatus

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 500
ID_HEADERS = ("公民身份号码", *ID_ALIASES)


def _require_user(user) -> None:
    if not selectors.can_use_comparison(user):
        raise PermissionDenied("您没有查看比对结果的权限。")


def _require_office(user) -> None:
    if not selectors.is_office(user):
        raise PermissionDenied("只有编办可以查看此页面。")


def _require_writer(user) -> None:
    if not selectors.is_office_writer(user):
        raise PermissionDenied("只有编办管理员和工作人员可以执行此操作。")


def _form_errors(form: Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _xlsx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}{stamp}.xlsx")
    return response


# ---- index, uploads ---------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_user(user)
    if not selectors.is_office(user) and selectors.partner_source(user) is None:
        return redirect("verification:finding_list")  # a liaison: their unit's findings
    regions = regions_for(user)
    context = {
        "current": selectors.latest_uploads(user),
        "recent": selectors.uploads_for(user).select_related("region")[:10],
        "runs": selectors.runs_for(user).select_related("region")[:5],
        "can_upload": bool(selectors.upload_sources(user)),
        "can_run": selectors.is_office_writer(user),
        "run_form": RunForm(regions=regions) if selectors.is_office_writer(user) else None,
        "partner_label": SOURCE_LABEL.get(selectors.partner_source(user) or "", ""),
    }
    return render(request, "verification/index.html", context)


def upload_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    sources = selectors.upload_sources(user)
    if not sources:
        raise PermissionDenied("您没有上传比对数据的权限。")
    regions = selectors.upload_regions(user)
    form = UploadForm(request.POST or None, request.FILES or None, sources=sources, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            upload = services.partner_upload(
                region=form.cleaned_data["region"],
                source=form.cleaned_data["source"],
                upload=form.cleaned_data["file"],
                actor=user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if upload.is_valid:
                messages.success(request, f"{upload.get_source_display()}数据已通过校验，可以运行比对。")
            else:
                messages.error(request, "数据文件有错误，未被采用。请按错误清单修改后重新上传。")
            return redirect("verification:upload_detail", pk=upload.pk)
    context = {"form": form, "no_region": not form.fields["region"].queryset}
    return render(request, "verification/upload_form.html", context, status=400 if form.errors else 200)


def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    upload = selectors.upload_for(request.user, pk)
    context = {
        "upload": upload,
        "preview": _preview(request.user, upload.preview),
        "errors": [RowError(*e) for e in upload.errors[:SHOWN_ERRORS]],
        "crumbs": [("数据比对", reverse("verification:index"))],
    }
    return render(request, "verification/upload_detail.html", context)


def _preview(user, preview: dict) -> dict:
    """The stored preview, ID numbers masked for roles without ``view_full_id`` (DOMAIN.md §7)."""
    header = preview.get("header", [])
    if can(user, "view_full_id"):
        return preview
    id_columns = {i + 1 for i, h in enumerate(header) if h in ID_HEADERS}
    rows = [
        [mask_id(v) if i in id_columns and v else v for i, v in enumerate(row)]
        for row in preview.get("rows", [])
    ]
    return {"header": header, "rows": rows}


def upload_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The row errors of an upload as the error workbook the command writes (<file>.errors.xlsx)."""
    upload = selectors.upload_for(request.user, pk)
    if not upload.errors:
        raise Http404("该文件没有错误。")
    response = HttpResponse(content_type=XLSX)
    write_error_workbook(response, [RowError(*e) for e in upload.errors])
    stem = upload.original_name.rsplit(".", 1)[0]
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.errors.xlsx")
    return response


# ---- runs --------------------------------------------------------------------------------------------


@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    _require_writer(request.user)
    form = RunForm(request.POST, regions=regions_for(request.user))
    if not form.is_valid():
        messages.error(request, "请选择区划并填写有效的数据采集时间节点。")
        return redirect("verification:index")
    try:
        run = services.comparison_run(
            region=form.cleaned_data["region"], actor=request.user, cutoff=form.cleaned_data["cutoff"]
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("verification:index")
    messages.success(
        request,
        f"比对完成：共 {run.finding_count} 个问题，新增 {run.new_count} 个，消失 {run.gone_count} 个。",
    )
    return redirect("verification:run_detail", pk=run.pk)


def run_list(request: HttpRequest) -> HttpResponse:
    _require_office(request.user)
    runs = selectors.runs_for(request.user).select_related("region")
    page = Paginator(runs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "verification/run_list.html", {"page": page})


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_for(request.user, pk)
    by_code, by_source = run.counts.get("by_code", {}), run.counts.get("by_source", {})
    latest = selectors.latest_runs().get(run.region_id) == run.pk
    context = {
        "run": run,
        "latest": latest,
        "codes": [(c, t, by_code[c]) for c, t in CODES.items() if by_code.get(c)],
        "sources": [(s, SOURCE_LABEL[s], n) for s, n in by_source.items()],
        "stats": [(SOURCE_LABEL.get(s, s), v) for s, v in run.stats.items()],
        "uploads": run.uploads.all(),
        "still_open": run.finding_count - run.new_count,
        "crumbs": [
            ("数据比对", reverse("verification:index")),
            ("比对记录", reverse("verification:run_list")),
        ],
    }
    return render(request, "verification/run_detail.html", context)


def run_download(request: HttpRequest, pk: int) -> FileResponse:
    """The run's full result workbook (问题清单, 比对概况, 附件2–5): office roles only, audited."""
    run = selectors.run_for(request.user, pk)
    require(request.user, "export")
    if not run.result_file:
        raise Http404("该批次没有结果工作簿。")
    try:
        handle = run.result_file.open("rb")
    except FileNotFoundError:
        raise Http404("结果工作簿已丢失，请重新比对。") from None
    services.run_result_download(run=run, actor=request.user)
    name = f"比对结果{run.region.code}_{timezone.localtime(run.started_at):%Y%m%d%H%M}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)


# ---- findings ----------------------------------------------------------------------------------------


def _filtered(
    request: HttpRequest, latest: dict[int, int]
) -> tuple[QuerySet[Finding], QuerySet[Finding], FindingFilterForm, dict]:
    """(findings filtered, filtered except by code — for the counts per code, the form, the filters used)."""
    form = FindingFilterForm(request.GET or None)
    qs = selectors.findings_for(request.user)
    used: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        used = {k: v for k, v in data.items() if v}
        for name in ("source", "status"):
            if data[name]:
                qs = qs.filter(**{name: data[name]})
        if data["unit"]:
            qs = qs.filter(unit_name__contains=data["unit"])
        if data["township"]:
            qs = qs.filter(township="" if data["township"] == "县直" else data["township"])
        if data["presence"]:
            qs = qs.filter(selectors.presence_q(data["presence"], latest))
    by_code_qs = qs
    if used.get("code"):
        qs = qs.filter(code=used["code"])
    return qs, by_code_qs, form, used


def finding_list(request: HttpRequest) -> HttpResponse:
    _require_user(request.user)
    latest = selectors.latest_runs(request.user)
    qs, by_code_qs, form, used = _filtered(request, latest)
    counts = dict(by_code_qs.order_by().values_list("code").annotate(n=Count("id")).values_list("code", "n"))
    paginator = Paginator(qs.order_by("code", "unit_name", "id"), PER_PAGE)
    # the counts per code already give the total: spare the paginator its COUNT(*)
    paginator.count = counts.get(used["code"], 0) if used.get("code") else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        (f, _presence(f, latest), CODES.get(f.code, f.code), SOURCE_LABEL.get(f.source, f.source))
        for f in page.object_list
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "counts": [(c, t, counts[c]) for c, t in CODES.items() if counts.get(c)],
        "total": sum(counts.values()),
        "code": used.get("code", ""),
        "can_export": selectors.is_office(request.user),
        "townships": selectors.finding_townships(request.user),
    }
    return render(request, "verification/finding_list.html", context)


def _presence(finding: Finding, latest: dict[int, int]) -> str:
    run_id = latest.get(finding.region_id)
    if finding.last_run_id != run_id:
        return "已消失"
    return "本次新增" if finding.first_run_id == run_id else "仍存在"


def finding_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "export")
    qs, _, _, used = _filtered(request, selectors.latest_runs(request.user))
    data = services.findings_export(
        findings=qs.order_by("code", "unit_name", "id"), actor=request.user, filters=used
    )
    return _xlsx_response(data, "比对问题清单")


def _detail_context(request: HttpRequest, finding: Finding, **forms: Form) -> dict[str, Any]:
    user = request.user
    can_answer = finding.unit_id in liaison_unit_ids(user) and finding.status == FindingStatus.OPEN
    can_decide = selectors.is_office_writer(user) and finding.status in (
        FindingStatus.OPEN,
        FindingStatus.EXPLAINED,
    )
    return {
        "finding": finding,
        "title": CODES.get(finding.code, finding.code),
        "source_label": SOURCE_LABEL.get(finding.source, finding.source),
        "presence": _presence(finding, selectors.latest_runs()),
        "events": finding.events.all(),
        "answers": finding.answers.prefetch_related("attachments"),
        "answer_form": forms.get("answer_form", AnswerForm()) if can_answer else None,
        "decide_form": forms.get("decide_form", DecideForm()) if can_decide else None,
        "can_reopen": selectors.is_office_writer(user)
        and finding.status in (FindingStatus.FIXED, FindingStatus.UNFOUNDED),
        "crumbs": [
            ("数据比对", reverse("verification:index")),
            ("比对问题", reverse("verification:finding_list")),
        ],
    }


def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    return render(request, "verification/finding_detail.html", _detail_context(request, finding))


def finding_answer(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    if request.method != "POST":
        return redirect("verification:finding_detail", pk=finding.pk)
    if finding.unit_id not in liaison_unit_ids(request.user):
        raise PermissionDenied("只有该单位的联络员可以答复此问题。")
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.finding_answer(
                finding=finding,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                actor=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "答复已提交，等待编办审核。")
            return redirect("verification:finding_detail", pk=finding.pk)
    context = _detail_context(request, finding, answer_form=form)
    return render(request, "verification/finding_detail.html", context, status=400)


def finding_decide(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.finding_for(request.user, pk)
    if request.method != "POST":
        return redirect("verification:finding_detail", pk=finding.pk)
    _require_writer(request.user)
    form = DecideForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            services.finding_decide(
                finding=finding,
                accept=decision != "return",
                outcome=decision if decision != "return" else FindingStatus.FIXED,
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已退回，等待单位重新说明。" if decision == "return" else "已审核。")
            return redirect("verification:finding_detail", pk=finding.pk)
    context = _detail_context(request, finding, decide_form=form)
    return render(request, "verification/finding_detail.html", context, status=400)


def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An answer's attachment, served through the finding's scope (never from /media/)."""
    item = selectors.attachment_for(request.user, pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已丢失，请联系管理员。") from None
    return FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )


# ---- unit matching -----------------------------------------------------------------------------------


def _latest_per_source(user) -> list:
    """(run, source) for the latest run of each region that compared each source."""
    seen, out = set(), []
    for run in selectors.runs_for(user).select_related("region")[:50]:
        for source in PARTNER_SOURCES:
            if source in run.sources and (run.region_id, source) not in seen:
                seen.add((run.region_id, source))
                out.append((run, source))
    return out


def unmatched(request: HttpRequest) -> HttpResponse:
    """Partner units that matched no register unit, with the closest register units suggested."""
    _require_office(request.user)
    pairs = _latest_per_source(request.user)
    entries = [(run, source, item) for run, source in pairs for item in run.unmatched.get(source, [])]
    unit_ids = {uid for _, _, item in entries for uid in item[3]}
    units = Unit.objects.in_bulk(unit_ids)
    names = {item[0] for _, _, item in entries}
    aliases = {
        a.name: a.unit
        for a in UnitAlias.objects.filter(
            name__in=names, unit__region__in=regions_for(request.user)
        ).select_related("unit")
    }
    rows = [
        {
            "run": run,
            "source": SOURCE_LABEL[source],
            "source_key": source,
            "name": name,
            "credit": credit,
            "rows": n,
            "suggestions": [units[i] for i in ids if i in units],
            "alias_of": aliases.get(name),
        }
        for run, source, (name, credit, n, ids) in entries
    ]
    context = {
        "rows": rows,
        "regions": {run.region for run, _ in pairs},
        "can_fix": selectors.is_office_writer(request.user),
        "title": "未匹配单位",
        "crumbs": [("数据比对", reverse("verification:index"))],
    }
    return render(request, "verification/unmatched.html", context)


@require_POST
def alias_add(request: HttpRequest) -> HttpResponse:
    """One click: the partner's spelling becomes another name (其他名称) of the chosen register unit."""
    _require_writer(request.user)
    form = AliasForm(request.POST)
    if not form.is_valid():
        raise Http404("参数不完整。")
    data = form.cleaned_data
    run = selectors.run_for(request.user, data["run"])
    if data["name"] not in {item[0] for item in run.unmatched.get(data["source"], [])}:
        raise Http404("该名称不在比对的未匹配单位中。")
    live = units_for(request.user).filter(status=UnitStatus.ACTIVE).exclude(nature=Nature.DIVISION)
    unit = live.filter(pk=data["unit"], region=run.region).first()
    if unit is None:
        raise Http404("没有找到该机构。")
    try:
        unit_services.unit_alias_add(
            unit=unit,
            name=data["name"],
            actor=request.user,
            reason=f"{SOURCE_LABEL[data['source']]}数据比对未匹配单位",
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已将“{data['name']}”添加为{unit.name}的其他名称。重新比对后生效。")
    return redirect("verification:unmatched")

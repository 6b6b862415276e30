"""重点工作台账: the list, a task's ledger page, and one URL per action. Office roles read (the supervisor
included); office staff write; anyone else gets 403 on the lists and 404 on a task."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bianzhi.downloads import item_download
from bianzhi.lib.http import add_errors, download, paginate
from bianzhi.roles import can, require
from keytasks import prints, selectors, services
from keytasks.forms import (
    CompleteForm,
    DefaultsForm,
    FilterForm,
    ProgressForm,
    StageDoneForm,
    StageForm,
    TaskEditForm,
    TaskForm,
)


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _crumbs(task=None) -> list[tuple[str, str]]:
    out = [("重点工作台账", reverse("keytasks:task_list"))]
    if task is not None:
        out.append((task.name, reverse("keytasks:task_detail", args=[task.pk])))
    return out


def _form_page(request, form, *, title: str, crumbs, cancel: str, **extra) -> HttpResponse:
    context = {"form": form, "title": title, "crumbs": crumbs, "cancel": cancel, **extra}
    return render(request, "form_page.html", context, status=400 if form.errors else 200)


def task_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "view_registry")
    f = FilterForm(request.GET or None)
    d = f.cleaned_data if f.is_valid() else {}
    page = paginate(
        request, selectors.tasks_filtered(request.user, q=d.get("q", ""), status=d.get("status", ""))
    )
    context = {
        "page": page,
        "filters": f,
        "title": "重点工作台账",
        "can_write": can(request.user, "edit_registry"),
    }
    return render(request, "keytasks/task_list.html", context)


def task_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "edit_registry")
    form = TaskForm(_posted(request), regions=selectors.office_regions(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"重点工作“{task.name}”已建立。")
            return redirect("keytasks:task_detail", pk=task.pk)
    return _form_page(
        request, form, title="新建重点工作", crumbs=_crumbs(), cancel=reverse("keytasks:task_list")
    )


def task_defaults(request: HttpRequest) -> HttpResponse:
    require(request.user, "edit_registry")
    form = DefaultsForm(_posted(request), regions=selectors.office_regions(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            made = services.defaults_create(region=form.cleaned_data["region"], actor=request.user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已建立{len(made)}项重点工作：{'、'.join(t.name for t in made)}。")
            return redirect("keytasks:task_list")
    lead = "建立机构改革、事业单位分类改革、实名制管理、机构编制核查四项重点工作（已有的跳过），各带常用工作阶段，之后可修改。"
    return _form_page(
        request,
        form,
        title="建立默认重点工作",
        crumbs=_crumbs(),
        cancel=reverse("keytasks:task_list"),
        lead=lead,
    )


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_for(request.user, pk)
    q = request.GET.get("q", "")
    context = selectors.ledger(task) | {
        "page": paginate(request, selectors.entries_filtered(task, q)),
        "q": q,
        "title": task.name,
        "crumbs": _crumbs(),
        "can_write": can(request.user, "edit_registry") and task.status == "进行中",
    }
    return render(request, "keytasks/task_detail.html", context)


def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_for(request.user, pk)
    require(request.user, "edit_registry", region=task.region_id)
    initial = {f: getattr(task, f) for f in ("kind", "name", "goal", "lead", "starts_on", "due_on")}
    initial["document_numbers"] = selectors.document_numbers(task)
    form = TaskEditForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(task=task, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "工作计划已修改。")
            return redirect("keytasks:task_detail", pk=task.pk)
    cancel = reverse("keytasks:task_detail", args=[task.pk])
    return _form_page(
        request, form, title="修改工作计划", crumbs=_crumbs(task), cancel=cancel, subject=task.name
    )


def stage_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_for(request.user, pk)
    require(request.user, "edit_registry", region=task.region_id)
    form = StageForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            stage = services.stage_add(task=task, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已增加阶段“{stage.name}”。")
            return redirect("keytasks:task_detail", pk=task.pk)
    cancel = reverse("keytasks:task_detail", args=[task.pk])
    return _form_page(
        request, form, title="增加工作阶段", crumbs=_crumbs(task), cancel=cancel, subject=task.name
    )


def stage_done(request: HttpRequest, pk: int) -> HttpResponse:
    stage = selectors.stage_for(request.user, pk)
    task = stage.task
    require(request.user, "edit_registry", region=task.region_id)
    form = StageDoneForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_done(stage=stage, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"阶段“{stage.name}”已完成。")
            return redirect("keytasks:task_detail", pk=task.pk)
    cancel = reverse("keytasks:task_detail", args=[task.pk])
    subject = f"{task.name}：{stage.name}"
    return _form_page(request, form, title="阶段完成", crumbs=_crumbs(task), cancel=cancel, subject=subject)


def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_for(request.user, pk)
    require(request.user, "edit_registry", region=task.region_id)
    form = ProgressForm(_posted(request), request.FILES or None, stages=selectors.stages_of(task))
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_add(task=task, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "工作进展已登记。")
            return redirect("keytasks:task_detail", pk=task.pk)
    cancel = reverse("keytasks:task_detail", args=[task.pk])
    return _form_page(
        request,
        form,
        title="登记工作进展",
        crumbs=_crumbs(task),
        cancel=cancel,
        subject=task.name,
        upload=True,
    )


def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.attachment_for(request.user, pk)
    require(request.user, "view_registry")
    return item_download(item, actor=request.user, region=item.entry.task.region)


def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_for(request.user, pk)
    require(request.user, "edit_registry", region=task.region_id)
    form = CompleteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.task_complete(
                task=task,
                completed_on=d["completed_on"],
                results=d["results"],
                confirmed=d["confirm"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "重点工作已完成，台账已归入独立档案。")
            return redirect("keytasks:task_detail", pk=task.pk)
    cancel = reverse("keytasks:task_detail", args=[task.pk])
    lead = "完成后，本项工作的整本台账（计划、阶段、进展、文件和成果）打印为 PDF，归入相应独立档案永久保存。"
    return _form_page(
        request,
        form,
        title="完成重点工作",
        crumbs=_crumbs(task),
        cancel=cancel,
        subject=task.name,
        lead=lead,
        danger=True,
        submit_label="确认完成并归档",
    )


def task_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_for(request.user, pk)
    require(request.user, "export")
    return download(prints.ledger_pdf(task, actor=request.user), f"重点工作台账_{task.name}.pdf")

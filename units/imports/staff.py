"""The staff workbook (FORMATS.md §2): upsert by 公民身份号码 (入编 / 信息变更)."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from archives.models import Document
from archives.services import require_citable
from bianzhi.lib.idnumbers import InvalidNumber, id_info
from bianzhi.lib.text import normalize_doc_number
from bianzhi.lib.xlsx import (
    RowError,
)
from bianzhi.roles import authorize
from units.choices import (
    ALLOWED_TYPES,
    DutyStatus,
    EntryMethod,
    EstablishmentType,
    LeaderPost,
    Nature,
    Sex,
    StaffCategory,
    UnitStatus,
)
from units.imports import common
from units.imports.common import (
    STAFF_ALIASES,
    STAFF_HEADERS,
    STAFF_REQUIRED,
    STAFF_SHEET,
    ImportReport,
    RowReader,
)
from units.models import LeaderPostQuota, Person, Quota, Unit, UnitAlias, UseSlip
from units.selectors import occupancy_by_type, post_holders_by_category
from units.services import bulk

# ---- staff ---------------------------------------------------------------------------------------------

PERSON_COLUMNS = {  # column -> Person field, for the fields compared on an update
    "姓名": "name",
    "民族": "ethnicity",
    "政治面貌": "political_status",
    "学历": "education",
    "职务": "title",
    "职级": "grade",
    "编制类型": "establishment_type",
    "人员类别": "category",
    "领导职务": "leader_post",
    "入编时间": "entered_on",
    "入编文号": "entry_doc_number",
    "进入方式": "entry_method",
    "是否军转干部": "is_military_transfer",
    "参加工作时间": "work_started_on",
    "在岗状态": "duty_status",
    "内设机构": "division_id",
}


class _StaffIndex:
    """Live legal units of the region by name and by alias; their live divisions by (unit id, name)."""

    def __init__(self, region):
        rows = Unit.objects.filter(region=region, status=UnitStatus.ACTIVE).values_list(
            "pk", "name", "nature", "parent_id"
        )
        self.names: dict[int, str] = {}
        self.nature: dict[int, str] = {}
        self.by_name: dict[str, int] = {}
        self.divisions: dict[tuple[int, str], int] = {}
        for pk, name, nature, parent_id in rows:
            if nature == Nature.DIVISION:
                self.divisions[(parent_id, name)] = pk
            else:
                self.names[pk], self.nature[pk], self.by_name[name] = name, nature, pk
        self.by_alias: dict[str, set[int]] = defaultdict(set)
        for unit_id, name in UnitAlias.objects.filter(unit_id__in=list(self.names)).values_list(
            "unit_id", "name"
        ):
            self.by_alias[name].add(unit_id)

    def find(self, name: str) -> tuple[int | None, str]:
        if name in self.by_name:
            return self.by_name[name], ""
        found = self.by_alias.get(name, set())
        if len(found) == 1:
            return next(iter(found)), ""
        if len(found) > 1:
            names = "、".join(sorted(self.names[i] for i in found))
            return None, f"单位“{name[:50]}”同时是{names}的其他名称，无法确定是哪个单位，请填写单位全称"
        return (
            None,
            f"单位“{name[:50]}”不是本区划现有的单位（按机构名称或其他名称匹配；内设机构请填在“内设机构”列）",
        )


@dataclass
class _PersonRow:
    row: int
    unit_id: int | None
    id_number: str
    values: dict[str, Any]  # Person field -> value, only for the columns present


def _parse_person_row(r: RowReader, units: _StaffIndex) -> _PersonRow:
    unit_name = r.text("单位名称", required=True, max_length=100)
    unit_id = None
    if unit_name:
        unit_id, problem = units.find(unit_name)
        if problem:
            r.error("单位名称", problem)
    v: dict[str, Any] = {"name": r.text("姓名", required=True, max_length=common._max_length(Person, "name"))}
    for column, name in (
        ("民族", "ethnicity"),
        ("政治面貌", "political_status"),
        ("学历", "education"),
        ("职务", "title"),
        ("职级", "grade"),
        ("入编文号", "entry_doc_number"),
    ):
        if r.has(column):
            v[name] = r.text(column, max_length=common._max_length(Person, name))
    v["establishment_type"] = r.choice("编制类型", EstablishmentType.values, required=True)
    v["category"] = r.choice("人员类别", StaffCategory.values, required=True)
    v["entered_on"] = r.date("入编时间", required=True)
    if r.has("领导职务"):
        v["leader_post"] = r.choice("领导职务", LeaderPost.values, default=LeaderPost.NONE)
    if r.has("进入方式"):
        v["entry_method"] = r.choice("进入方式", EntryMethod.values)
    if r.has("是否军转干部"):
        v["is_military_transfer"] = r.flag("是否军转干部")
    if r.has("参加工作时间"):
        v["work_started_on"] = r.date("参加工作时间")
    if r.has("在岗状态"):
        v["duty_status"] = r.choice("在岗状态", DutyStatus.values, default=DutyStatus.ON_DUTY)
    number = _person_identity(r, v)
    if unit_id is not None:
        etype = v["establishment_type"]
        if etype and etype not in ALLOWED_TYPES[units.nature[unit_id]]:
            allowed = "、".join(ALLOWED_TYPES[units.nature[unit_id]])
            r.error(
                "编制类型",
                f"混用编制：{units.nature[unit_id]}“{units.names[unit_id]}”不能使用{etype}（只能使用{allowed}）",
            )
        if r.has("内设机构"):
            division = r.text("内设机构", max_length=100)
            v["division_id"] = units.divisions.get((unit_id, division)) if division else None
            if division and v["division_id"] is None:
                r.error("内设机构", f"“{division[:50]}”不是{units.names[unit_id]}现有的内设机构")
    return _PersonRow(row=r.row, unit_id=unit_id, id_number=number, values=v)


def _person_identity(r: RowReader, v: dict[str, Any]) -> str:
    raw = r.text("公民身份号码", required=True, max_length=40)
    sex = r.choice("性别", Sex.values)
    birth = r.date("出生日期")
    if not raw:
        return ""
    try:
        info = id_info(raw)
    except InvalidNumber as exc:
        r.error("公民身份号码", str(exc))
        return ""
    if sex and sex != info.sex:
        r.error("性别", f"性别“{sex}”与公民身份号码不符（应为{info.sex}）")
    if birth and birth != info.birth_date:
        r.error("出生日期", f"出生日期{birth:%Y-%m-%d}与公民身份号码不符（应为{info.birth_date:%Y-%m-%d}）")
    v["sex"], v["birth_date"] = info.sex, info.birth_date
    return info.number


def _stored_people(numbers: list[str]) -> dict[str, dict[str, Any]]:
    fields = ["pk", "unit_id", "unit__name", "id_number", *PERSON_COLUMNS.values()]
    out = {}
    for chunk in common._chunks(numbers):
        for row in Person.objects.filter(in_establishment=True, id_number__in=chunk).values(*fields):
            out[row["id_number"]] = row
    return out


def check_baseline(region, actor, *, document: str, reason: str) -> Document:
    """``--baseline`` (年度数据更新): the administrator's audited exception to 核编在先. The system (a
    command without --user) may run it too, but always with the Document on file and a reason."""
    authorize(actor, "override", region=region)
    number = normalize_doc_number(document or "")
    if not number:
        raise ValidationError("年度数据更新（--baseline）必须填写依据文件的文号（--document）。")
    if not (reason or "").strip():
        raise ValidationError("年度数据更新（--baseline）必须填写原因（--reason）。")
    found = Document.objects.filter(region=region, number=number).order_by("id").first()
    if found is None:
        raise ValidationError(
            f"本区划没有登记文号为“{number}”的文件：年度数据更新须依据已登记的文件，请先登记。"
        )
    require_citable(found)
    return found


def import_staff_file(
    source: common.Source,
    *,
    filename: str,
    region,
    actor,
    dry_run: bool = False,
    baseline: bool = False,
    document: str = "",
    reason: str = "",
    progress=None,
) -> ImportReport:
    """Validate the staff workbook and, when clean, upsert it by 公民身份号码 in one transaction.

    The region's first load (nobody in establishment yet) is its 建账 and records reality as it is; after
    that every new ID number is an everyday 入编 that consumes the 编制使用单 named in its 入编文号, with
    the vacancy and post checks of the 入编 form (FORMATS §2). ``baseline`` is the administrator's annual
    data update that records reality again without slips (``document`` and ``reason`` required).

    ``progress`` (an import job's ``jobs.progress.Progress``) counts the rows of the stages 读取文件 (rows
    read), 校验 (rows checked against the register) and 写入 (people written)."""
    authorize(actor, "import", region=region)
    progress = progress or common.Quiet()
    basis = check_baseline(region, actor, document=document, reason=reason) if baseline else None
    report = ImportReport(filename=os.path.basename(filename), dry_run=dry_run)
    opened = common.open_sheet(source, filename, STAFF_SHEET, report)
    if opened is None:
        return report
    _, sheet = opened
    index = common._header_problems(sheet, STAFF_HEADERS, STAFF_ALIASES, STAFF_REQUIRED, report)
    if index is None:
        return report
    units = _StaffIndex(region)
    rows: list[_PersonRow] = []
    first_row: dict[str, int] = {}
    progress.stage(common.READ, total=len(sheet.rows))
    for row, values in sheet.rows:
        report.rows_read += 1
        progress.advance()
        r = RowReader(sheet.name, row, values, index, report.errors)
        parsed = _parse_person_row(r, units)
        if parsed.id_number in first_row:
            r.error(
                "公民身份号码", f"公民身份号码 {parsed.id_number} 与第{first_row[parsed.id_number]}行重复"
            )
        elif parsed.id_number:
            first_row[parsed.id_number] = row
        if not r.failed:
            rows.append(parsed)
        if common._too_many_errors(report):
            break
    new_rows: list[_PersonRow] = []
    progress.stage(common.CHECK, total=len(rows))
    stored = _stored_people(list(first_row))
    plan = _staff_plan(rows, stored, units, sheet.name, report, new_rows, progress)
    if basis is not None:
        mode = bulk.StaffLoadMode.BASELINE
    elif not Person.objects.filter(unit__region=region, in_establishment=True).exists():
        mode = bulk.StaffLoadMode.ESTABLISH
    else:
        mode = bulk.StaffLoadMode.EVERYDAY
    slips = (
        _check_slip_numbers(new_rows, region, sheet.name, report)
        if mode == bulk.StaffLoadMode.EVERYDAY
        else {}
    )
    if not report.errors:
        report.over_quota, report.over_posts = _staff_overruns(plan, units)
        report.warnings += report.over_quota + report.over_posts
    report.created, report.updated = len(plan.new_people), len(plan.updates)
    report.unchanged = len(rows) - report.created - report.updated if not report.errors else 0
    if report.errors or not (plan.new_people or plan.updates):
        return report
    extra = {"mode": mode, "document": basis, "reason": (reason or "").strip()}
    if mode != bulk.StaffLoadMode.EVERYDAY:
        report.notes += _load_notes(mode, plan.new_people, units, basis, extra["reason"])
        if not dry_run:
            progress.stage(common.WRITE, total=len(plan.new_people) + len(plan.updates))
            common._write(
                bulk.load_staff, plan, region=region, actor=actor, report=report, sheet=sheet.name, **extra
            )
            progress.advance(len(plan.new_people) + len(plan.updates))
        return report
    # Everyday: each new person enters through the 入编 service, in file order, so every row is checked
    # against the vacancy and posts left by the rows before it; any error (or a dry run) undoes it all.
    with transaction.atomic():
        progress.stage(common.WRITE, total=len(new_rows) + len(plan.updates))
        entered = _enter_everyday(new_rows, slips, units, region, actor, sheet.name, report, progress)
        plan.new_people = []
        if not report.errors and not dry_run:
            common._write(
                bulk.load_staff,
                plan,
                region=region,
                actor=actor,
                report=report,
                sheet=sheet.name,
                entered=entered,
                **extra,
            )
            progress.advance(len(plan.updates))
        if report.errors or dry_run:
            transaction.set_rollback(True)
    if report.errors:
        report.created = report.updated = report.unchanged = 0
    else:
        report.notes += _load_notes(mode, entered, units, None, "")
    return report


SLIP_COLUMN = "入编文号"
FIELD_COLUMNS = {
    "slip": SLIP_COLUMN,
    "leader_post": "领导职务",
    "id_number": "公民身份号码",
    "sex": "性别",
    "birth_date": "出生日期",
    "name": "姓名",
    "division": "内设机构",
    "establishment_type": "编制类型",
    "entered_on": "入编时间",
}
FIRST = "核编在先："


def _check_slip_numbers(
    new_rows: list[_PersonRow], region, sheet: str, report: ImportReport
) -> dict[str, UseSlip]:
    """Every new person of an everyday import names a 编制使用单 of the region in 入编文号, each used once."""
    numbers = sorted({p.values.get("entry_doc_number", "") for p in new_rows} - {""})
    slips: dict[str, UseSlip] = {}
    for chunk in common._chunks(numbers):
        slips |= {s.number: s for s in UseSlip.objects.filter(region=region, number__in=chunk)}
    used_on_row: dict[str, int] = {}
    for p in new_rows:
        number = p.values.get("entry_doc_number", "")
        if not number:
            message = "新入编人员须在入编文号填写本单位有效的编制使用单编号（先提出用编申请，经编办批准）"
        elif number not in slips:
            message = f"没有编号为“{number[:50]}”的有效编制使用单（先提出用编申请，经编办批准）"
        elif number in used_on_row:
            message = f"编制使用单{number}已用于第{used_on_row[number]}行，一张使用单只能办理一人入编"
        else:
            used_on_row[number] = p.row
            continue
        report.errors.append(RowError(sheet, p.row, SLIP_COLUMN, FIRST + message))
    return slips


def _enter_everyday(
    new_rows: list[_PersonRow],
    slips: dict[str, UseSlip],
    units: _StaffIndex,
    region,
    actor,
    sheet: str,
    report: ImportReport,
    progress,
) -> list[Person]:
    """入编 each new person exactly as the form does (``person_enter``: the slip locked and consumed, the
    vacancy of the type and the leader posts rechecked); refusals become row errors."""
    from units.services.staff import person_enter

    wanted = {p.unit_id for p in new_rows} | {p.values.get("division_id") for p in new_rows}
    by_id = Unit.objects.select_related("region").in_bulk([i for i in wanted if i])
    entered = []
    for p in new_rows:
        values = dict(p.values)
        division_id = values.pop("division_id", None)
        slip = slips[values.pop("entry_doc_number")]
        try:
            person = person_enter(
                unit=by_id[p.unit_id],
                division=by_id.get(division_id) if division_id else None,
                id_number=p.id_number,
                slip=slip,
                actor=actor,
                reason=f"日常导入（{report.filename}）",
                **values,
            )
        except ValidationError as exc:
            for column, message in _row_messages(exc):
                if column == SLIP_COLUMN and not message.startswith(FIRST):
                    message = FIRST + message
                report.errors.append(RowError(sheet, p.row, column, message.rstrip("。")))
            progress.advance()
            continue
        entered.append(person)
        progress.advance()
    return entered


def _row_messages(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        pairs = [(FIELD_COLUMNS.get(f, ""), m) for f, messages in exc.message_dict.items() for m in messages]
    else:
        pairs = [("", m) for m in exc.messages]
    out = []
    for column, message in pairs:
        if not column:
            column = "入编时间" if "入编时间" in message else "编制类型" if "编" in message else "单位名称"
        out.append((column, message))
    return out


def _load_notes(mode: str, people: list[Person], units: _StaffIndex, basis, reason: str) -> list[str]:
    if mode == bulk.StaffLoadMode.ESTABLISH:
        return ["建账：本区划首次导入实有人员，按实际情况登记，不需要编制使用单。"]
    if mode == bulk.StaffLoadMode.EVERYDAY:
        if not people:
            return ["日常导入：没有新入编人员，只更新已在编人员的信息。"]
        used = "、".join(p.entry_doc_number for p in people)
        return [f"日常导入：{len(people)}名新入编人员各凭一张编制使用单入编（{used}）。"]
    lines = [
        f"年度数据更新（依据{basis.number}，原因：{reason}）：按实际情况登记，不使用编制使用单；"
        f"新增{len(people)}名人员如下。"
    ]
    lines += [f"新增：{units.names[p.unit_id]} {p.name} {p.id_number}" for p in people]
    return lines


def _staff_plan(
    rows: list[_PersonRow],
    stored: dict[str, dict],
    units: _StaffIndex,
    sheet: str,
    report: ImportReport,
    new_rows: list[_PersonRow],
    progress,
) -> bulk.StaffPlan:
    plan = bulk.StaffPlan()
    for p in rows:
        progress.advance()
        old = stored.get(p.id_number)
        if old is None:
            plan.new_people.append(Person(unit_id=p.unit_id, id_number=p.id_number, **p.values))
            new_rows.append(p)
            continue
        if old["unit_id"] != p.unit_id:
            report.errors.append(
                RowError(
                    sheet,
                    p.row,
                    "公民身份号码",
                    f"一人一编：公民身份号码 {p.id_number} 已在{old['unit__name']}在编（{old['name']}），"
                    f"不能在{units.names[p.unit_id]}再占编制；如是调动，请先办理调动",
                )
            )
            continue
        changes = {
            f: (old[f], v)
            for f, v in p.values.items()
            if f in old and f not in ("sex", "birth_date") and old[f] != v
        }
        if changes:
            plan.updates.append(bulk.PersonUpdate(pk=old["pk"], unit_id=p.unit_id, changes=changes))
    return plan


def _staff_overruns(plan: bulk.StaffPlan, units: _StaffIndex) -> tuple[list[str], list[str]]:
    ids = sorted({p.unit_id for p in plan.new_people} | {u.unit_id for u in plan.updates})
    if not ids:
        return [], []
    occupied = dict(occupancy_by_type(ids))
    held = dict(post_holders_by_category(ids))
    for p in plan.new_people:
        occupied[(p.unit_id, p.establishment_type)] = occupied.get((p.unit_id, p.establishment_type), 0) + 1
        _add_post(held, p.unit_id, p.leader_post, 1)
    for u in plan.updates:
        if "establishment_type" in u.changes:
            before, after = u.changes["establishment_type"]
            occupied[(u.unit_id, before)] -= 1
            occupied[(u.unit_id, after)] = occupied.get((u.unit_id, after), 0) + 1
        if "leader_post" in u.changes:
            before, after = u.changes["leader_post"]
            _add_post(held, u.unit_id, before, -1)
            _add_post(held, u.unit_id, after, 1)
    approved = {
        (u, t): n
        for u, t, n in Quota.objects.filter(unit_id__in=ids).values_list(
            "unit_id", "establishment_type", "approved"
        )
    }
    posts = {
        (u, c): n
        for u, c, n in LeaderPostQuota.objects.filter(unit_id__in=ids).values_list(
            "unit_id", "category", "approved"
        )
    }
    names = {i: units.names[i] for i in ids}
    return bulk.overrun_lines(names, approved, occupied, posts, held)


def _add_post(held: dict, unit_id: int, post: str, n: int) -> None:
    category = bulk.post_category(post or LeaderPost.NONE)
    if category:
        held[(unit_id, category)] = held.get((unit_id, category), 0) + n

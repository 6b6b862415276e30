"""Everyday staff imports obey 核编在先 (FORMATS §2 "建账 and everyday imports"); ``--baseline`` is the
administrator's audited annual data update."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from bianzhi.models import AuditEntry
from tests.builders.registry import make_document, make_slip, office_clerk
from tests.workbooks import new_id, person_row, staff_xlsx
from units import services
from units.imports import import_staff_file
from units.models import Movement, Person, UseSlip

FIN, CDC = "漳县财政局", "漳县疾病预防控制中心"
BASIS = "漳编发〔2026〕1号"


def run(path: Path, region, actor=None, **kw):
    return import_staff_file(path, filename=path.name, region=region, actor=actor, **kw)


def state():
    return (
        Person.objects.count(),
        Movement.objects.count(),
        AuditEntry.objects.filter(action__startswith="导入").count(),
        sorted(UseSlip.objects.values_list("number", "status")),
    )


def errors(report) -> list[str]:
    return [str(e) for e in report.errors]


@pytest.fixture
def established(tmp_path, region, unit_a, unit_b, office_staff):
    """The region's 建账: two people at 财政局 (one of them its 单位正职), one at 疾控中心."""
    rows = [
        person_row(FIN, "甲一", 领导职务="单位正职"),
        person_row(FIN, "甲二"),
        person_row(CDC, "乙一", etype="事业编制"),
    ]
    report = run(staff_xlsx(tmp_path / "first.xlsx", rows), region, office_staff)
    assert report.exit_code == 0, errors(report)
    return report


def test_the_first_load_is_the_regions_establishment_without_slips(established, region):
    assert established.created == 3 and not UseSlip.objects.exists()
    assert "建账：本区划首次导入实有人员，按实际情况登记，不需要编制使用单。" in established.summary_lines()
    entry = AuditEntry.objects.get(action="导入.实有人员")
    assert entry.after["方式"] == "建账" and entry.after["入编"] == 3
    assert set(Movement.objects.values_list("reason", flat=True)) == {"建账导入（first.xlsx）"}


def test_a_new_person_without_a_slip_is_refused(tmp_path, established, region, office_staff, capsys):
    known = Person.objects.get(name="甲二")
    rows = [
        person_row(FIN, "甲二改", known.id_number),  # an update alone would pass
        person_row(FIN, "丙一"),
        person_row(FIN, "丙二", 入编文号="漳编使〔2026〕9999号"),
    ]
    path = staff_xlsx(tmp_path / "staff.xlsx", rows)
    before = state()
    report = run(path, region, office_staff)
    assert errors(report) == [
        "实有人员 第3行 入编文号: 核编在先：新入编人员须在入编文号填写本单位有效的编制使用单编号"
        "（先提出用编申请，经编办批准）",
        "实有人员 第4行 入编文号: 核编在先：没有编号为“漳编使〔2026〕9999号”的有效编制使用单"
        "（先提出用编申请，经编办批准）",
    ]
    assert state() == before and Person.objects.get(pk=known.pk).name == "甲二"
    with pytest.raises(SystemExit) as exc:
        call_command("import_staff", str(path))
    assert exc.value.code == 1
    assert "实有人员 第3行 入编文号: 核编在先：" in capsys.readouterr().out
    assert (tmp_path / "staff.errors.xlsx").exists() and state() == before


def test_a_valid_slip_is_accepted_and_consumed(tmp_path, established, region, unit_a, office_staff):
    slip = make_slip(unit_a, "行政编制")
    known = Person.objects.get(name="甲二")
    rows = [
        person_row(FIN, "丙一", 入编文号=slip.number, 入编时间="2026-01-05"),
        person_row(FIN, "甲二", known.id_number, 职务="科员"),
    ]
    report = run(staff_xlsx(tmp_path / "staff.xlsx", rows), region, office_staff)
    assert report.exit_code == 0, errors(report)
    assert (report.created, report.updated) == (1, 1)
    person = Person.objects.get(name="丙一")
    slip.refresh_from_db()
    assert (slip.status, slip.person, slip.used_on) == ("已使用", person, dt.date(2026, 1, 5))
    assert person.entry_doc_number == slip.number and person.unit == unit_a
    enter = Movement.objects.get(person=person)
    assert (enter.kind, enter.doc_number, enter.reason) == ("入编", slip.number, "日常导入（staff.xlsx）")
    assert Person.objects.get(pk=known.pk).title == "科员"
    load = AuditEntry.objects.filter(action="导入.实有人员").latest("id")
    assert load.actor == office_staff
    assert (load.after["方式"], load.after["入编"], load.after["编制使用单"]) == (
        "日常导入",
        1,
        [slip.number],
    )
    assert AuditEntry.objects.filter(action="人员.入编", target_id=str(person.pk)).exists()
    assert f"日常导入：1名新入编人员各凭一张编制使用单入编（{slip.number}）。" in report.summary_lines()


def test_dry_run_checks_the_slip_and_writes_nothing(tmp_path, established, region, unit_a, office_staff):
    slip = make_slip(unit_a, "行政编制")
    before = state()
    report = run(
        staff_xlsx(tmp_path / "s.xlsx", [person_row(FIN, "丙一", 入编文号=slip.number)]),
        region,
        office_staff,
        dry_run=True,
    )
    assert report.exit_code == 0 and report.created == 1 and state() == before


def test_a_slip_of_another_unit_or_type_used_or_void_is_refused(
    tmp_path, established, region, unit_a, unit_b, office_staff
):
    other_unit = make_slip(unit_b, "事业编制")
    other_type = make_slip(unit_a, "工勤编制")
    used = make_slip(unit_a, "行政编制")
    services.person_enter(
        unit=unit_a,
        name="丁一",
        id_number=new_id(),
        establishment_type="行政编制",
        category="公务员",
        entered_on=dt.date(2025, 1, 2),
        actor=office_staff,
        slip=used,
    )
    void = make_slip(unit_a, "行政编制")
    services.slip_void(slip=void, actor=office_clerk(region), reason="计划取消")
    expired = make_slip(unit_a, "行政编制")
    UseSlip.objects.filter(pk=expired.pk).update(
        issued_on=dt.date(2025, 1, 2), valid_until=dt.date(2025, 4, 1)
    )
    rows = [
        person_row(FIN, "丙一", 入编文号=other_unit.number),
        person_row(FIN, "丙二", 入编文号=other_type.number),
        person_row(FIN, "丙三", 入编文号=used.number),
        person_row(FIN, "丙四", 入编文号=void.number),
        person_row(FIN, "丙五", 入编文号=expired.number),
    ]
    before = state()
    report = run(staff_xlsx(tmp_path / "s.xlsx", rows), region, office_staff)
    assert errors(report) == [
        f"实有人员 第2行 入编文号: 核编在先：编制使用单{other_unit.number}是核给{CDC}的，不能用于{FIN}",
        f"实有人员 第3行 入编文号: 核编在先：编制使用单{other_type.number}核准的是工勤编制，不是行政编制",
        f"实有人员 第4行 入编文号: 核编在先：编制使用单{used.number}已经使用过，一张使用单只能办理一人入编",
        f"实有人员 第5行 入编文号: 核编在先：编制使用单{void.number}已作废",
        f"实有人员 第6行 入编文号: 核编在先：编制使用单{expired.number}已于2025-04-01过期",
    ]
    assert state() == before


def test_one_slip_per_person_and_a_slip_for_n_people_takes_n_rows(
    tmp_path, established, region, unit_b, office_staff
):
    clerk = office_clerk(region)
    request = services.request_create(
        unit=unit_b,
        establishment_type="事业编制",
        count=3,
        reason="公开招聘",
        entry_method="招聘",
        planned_on=dt.date.today(),
        actor=office_staff,  # filed by one clerk, approved by another
    )
    slips = services.request_approve(request=request, actor=clerk)
    numbers = [s.number for s in slips]
    twice = [person_row(CDC, f"戊{i}", etype="事业编制", 入编文号=numbers[0]) for i in range(2)]
    before = state()
    report = run(staff_xlsx(tmp_path / "twice.xlsx", twice), region, office_staff)
    assert errors(report) == [
        f"实有人员 第3行 入编文号: 核编在先：编制使用单{numbers[0]}已用于第2行，一张使用单只能办理一人入编"
    ]
    assert state() == before
    rows = [person_row(CDC, f"戊{i}", etype="事业编制", 入编文号=n) for i, n in enumerate(numbers)]
    report = run(staff_xlsx(tmp_path / "three.xlsx", rows), region, office_staff)
    assert report.exit_code == 0, errors(report)
    assert report.created == 3
    assert sorted(UseSlip.objects.filter(request=request).values_list("status", "person__name")) == [
        ("已使用", "戊0"),
        ("已使用", "戊1"),
        ("已使用", "戊2"),
    ]


def test_no_vacancy_is_refused_like_the_form(tmp_path, established, region, unit_a, office_staff):
    s1, s2 = make_slip(unit_a, "行政编制"), make_slip(unit_a, "行政编制")
    services.quota_set(  # 精简: 5 → 3 while two people are in and two slips out
        unit=unit_a,
        establishment_type="行政编制",
        approved=3,
        document=make_document(region),
        actor=office_staff,
    )
    rows = [person_row(FIN, "丙一", 入编文号=s1.number), person_row(FIN, "丙二", 入编文号=s2.number)]
    before = state()
    report = run(staff_xlsx(tmp_path / "s.xlsx", rows), region, office_staff)
    assert errors(report) == [
        f"实有人员 第{n}行 编制类型: 不准超编进人：{FIN}行政编制核定3名，已有在编2名，另有1名已由编制使用单预留，没有空编"
        for n in (2, 3)
    ]
    assert state() == before


def test_a_full_leader_post_is_refused_like_the_form(tmp_path, established, region, unit_a, office_staff):
    slip = make_slip(unit_a, "行政编制")
    rows = [person_row(FIN, "丙一", 入编文号=slip.number, 领导职务="单位正职")]
    before = state()
    report = run(staff_xlsx(tmp_path / "s.xlsx", rows), region, office_staff)
    assert errors(report) == [
        f"实有人员 第2行 领导职务: 不准超职数配备领导干部：{FIN}单位正职核定1名，已配备1名"
    ]
    assert state() == before


def test_rows_are_checked_against_what_the_rows_before_them_took(
    tmp_path, established, region, unit_a, office_staff
):
    s1, s2 = make_slip(unit_a, "行政编制"), make_slip(unit_a, "行政编制")
    rows = [
        person_row(FIN, "丙一", 入编文号=s1.number, 领导职务="单位副职"),
        person_row(FIN, "丙二", 入编文号=s2.number, 领导职务="单位副职"),
    ]
    assert run(staff_xlsx(tmp_path / "ok.xlsx", rows), region, office_staff).exit_code == 0  # 2 deputy posts
    s3 = make_slip(unit_a, "行政编制")
    report = run(
        staff_xlsx(
            tmp_path / "third.xlsx", [person_row(FIN, "丙三", 入编文号=s3.number, 领导职务="单位副职")]
        ),
        region,
        office_staff,
    )
    assert errors(report) == [
        f"实有人员 第2行 领导职务: 不准超职数配备领导干部：{FIN}单位副职核定2名，已配备2名"
    ]


# ---- --baseline: the administrator's annual data update ------------------------------------------


def baseline_file(tmp_path) -> Path:
    rows = [person_row(FIN, f"庚{i}", 入编时间="2025-06-01") for i in range(4)]  # 2 + 4 on 5 slots: 超编 1
    return staff_xlsx(tmp_path / "update.xlsx", rows)


def test_baseline_by_the_administrator_records_reality_audited(tmp_path, established, region, office_admin):
    document = make_document(region, BASIS, issued_on=dt.date(2026, 1, 10))
    path = baseline_file(tmp_path)
    report = run(path, region, office_admin, baseline=True, document=BASIS, reason="2026年度实名制数据更新")
    assert report.exit_code == 0, errors(report)
    people = list(Person.objects.filter(name__startswith="庚").order_by("name"))
    assert len(people) == 4 and not UseSlip.objects.exists()
    lines = report.summary_lines()
    assert (
        f"年度数据更新（依据{BASIS}，原因：2026年度实名制数据更新）：按实际情况登记，不使用编制使用单；新增4名人员如下。"
        in lines
    )
    for p in people:
        assert f"新增：{FIN} {p.name} {p.id_number}" in lines
    assert any(w.startswith(f"超编：{FIN} 行政编制 核定5名，实有6名") for w in report.warnings)
    entry = AuditEntry.objects.filter(action="导入.实有人员").latest("id")
    assert entry.actor == office_admin
    assert (entry.after["方式"], entry.after["依据文件"], entry.after["原因"]) == (
        "年度数据更新",
        BASIS,
        "2026年度实名制数据更新",
    )
    assert sorted(x["姓名"] for x in entry.after["新增人员"]) == [p.name for p in people]
    assert {x["公民身份号码"] for x in entry.after["新增人员"]} == {p.id_number for p in people}
    moves = Movement.objects.filter(person__in=people)
    assert {(m.document_id, m.reason) for m in moves} == {
        (document.pk, "年度数据更新（update.xlsx）：2026年度实名制数据更新")
    }


def test_baseline_from_the_command_as_the_system(tmp_path, established, region, capsys):
    make_document(region, BASIS)
    call_command(
        "import_staff",
        str(baseline_file(tmp_path)),
        "--baseline",
        "--document",
        BASIS,
        "--reason",
        "年度更新",
    )
    out = capsys.readouterr().out
    assert "新增 4" in out and out.count("新增：漳县财政局 庚") == 4
    assert AuditEntry.objects.filter(action="导入.实有人员").latest("id").actor is None


def test_baseline_needs_a_document_on_file_and_a_reason(
    tmp_path, established, region, other_region, office_admin
):
    make_document(other_region, "安编发〔2026〕1号")
    path = baseline_file(tmp_path)
    before = state()
    for kw, message in (
        ({"document": "", "reason": "年度更新"}, "必须填写依据文件的文号"),
        ({"document": BASIS, "reason": " "}, "必须填写原因"),
        ({"document": BASIS, "reason": "年度更新"}, f"本区划没有登记文号为“{BASIS}”的文件"),
        ({"document": "安编发〔2026〕1号", "reason": "年度更新"}, "本区划没有登记文号"),
    ):
        with pytest.raises(ValidationError, match=message):
            run(path, region, office_admin, baseline=True, **kw)
    for args, message in (
        (["--baseline", "--reason", "年度更新"], "--document"),
        (["--baseline", "--document", BASIS], "--reason"),
        (["--document", BASIS, "--reason", "x"], "只用于年度数据更新"),
    ):
        with pytest.raises(CommandError, match=message) as exc:
            call_command("import_staff", str(path), "--region", region.code, *args)
        assert exc.value.returncode == 1
    assert state() == before


def test_baseline_by_office_staff_is_refused(tmp_path, established, region, office_staff, supervisor):
    make_document(region, BASIS)
    path = baseline_file(tmp_path)
    before = state()
    with pytest.raises(PermissionDenied, match="只有编办管理员可以特批或建账"):
        run(path, region, office_staff, baseline=True, document=BASIS, reason="年度更新")
    with pytest.raises(PermissionDenied, match="导入数据"):
        run(path, region, supervisor, baseline=True, document=BASIS, reason="年度更新")
    with pytest.raises(CommandError, match="只有编办管理员可以特批或建账") as exc:
        call_command(
            "import_staff", str(path), "--baseline", "--document", BASIS, "--reason", "x", "--user", "staff1"
        )
    assert exc.value.returncode == 1 and state() == before
    # without --baseline the same file is an everyday import: no slips, refused
    assert all("核编在先" in e.message for e in run(path, region, office_staff).errors)


# ---- the web import page -------------------------------------------------------------------------


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_web_page_refuses_anonymous_and_read_only_roles(client, region, supervisor, liaison_a):
    url = reverse("units:import_staff")
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response["Location"]
    for user in (supervisor, liaison_a):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"region": region.pk}).status_code == 403


def test_web_page_as_staff_has_no_baseline_option(client, tmp_path, established, region, office_staff):
    make_document(region, BASIS)
    client.force_login(office_staff)
    page = client.get(reverse("units:import_staff")).content.decode()
    assert "年度数据更新" not in page and 'name="baseline"' not in page
    before = state()
    response = client.post(
        reverse("units:import_staff"),
        {
            "file": upload(baseline_file(tmp_path)),
            "region": region.pk,
            "baseline": "on",
            "baseline_document": BASIS,
            "baseline_reason": "年度更新",
        },
    )
    assert response.status_code == 200
    assert "核编在先：新入编人员须在入编文号填写" in response.content.decode() and state() == before


def test_web_page_as_admin_runs_the_baseline(client, tmp_path, established, region, office_admin):
    make_document(region, BASIS)
    client.force_login(office_admin)
    url = reverse("units:import_staff")
    assert 'name="baseline"' in client.get(url).content.decode()
    before = state()
    response = client.post(
        url, {"file": upload(baseline_file(tmp_path)), "region": region.pk, "baseline": "on"}
    )
    page = response.content.decode()
    assert (
        "年度数据更新必须填写依据文件的文号" in page
        and "年度数据更新必须填写原因" in page
        and state() == before
    )
    response = client.post(
        url,
        {
            "file": upload(baseline_file(tmp_path)),
            "region": region.pk,
            "baseline": "on",
            "baseline_document": "漳编发〔2026〕404号",
            "baseline_reason": "年度更新",
        },
    )
    assert (
        "本区划没有登记文号为“漳编发〔2026〕404号”的文件" in response.content.decode() and state() == before
    )
    response = client.post(
        url,
        {
            "file": upload(baseline_file(tmp_path)),
            "region": region.pk,
            "baseline": "on",
            "baseline_document": BASIS,
            "baseline_reason": "年度更新",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "导入完成" in page and page.count("新增：漳县财政局 庚") == 4
    entry = AuditEntry.objects.filter(action="导入.实有人员").latest("id")
    assert entry.actor == office_admin and entry.after["方式"] == "年度数据更新"
    assert Person.objects.filter(name__startswith="庚").count() == 4


def test_web_units_page_effective_date(client, tmp_path, region, office_staff):
    from django.utils import timezone

    from tests.workbooks import unit_row, units_xlsx
    from units.models import UnitEvent

    client.force_login(office_staff)
    url = reverse("units:import_units")
    assert 'name="as_of"' in client.get(url).content.decode()
    path = units_xlsx(tmp_path / "u.xlsx", [unit_row("甲局", 行政编制=3, 核定文号="漳编发〔2020〕5号")])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(url, {"file": upload(path), "region": region.pk, "as_of": f"{tomorrow:%Y-%m-%d}"})
    assert "晚于今天" in response.content.decode() and not UnitEvent.objects.exists()
    response = client.post(url, {"file": upload(path), "region": region.pk, "as_of": "2021-12-31"})
    assert "按指定的生效日期 2021-12-31" in response.content.decode()
    event = UnitEvent.objects.get(kind="编制调整")
    assert (event.occurred_on, event.baseline) == (dt.date(2021, 12, 31), True)
    assert AuditEntry.objects.get(action="导入.机构").actor == office_staff

"""统计年报: the services (every rule and refusal) and the pages (anonymous, another unit's liaison,
read-only supervisor, office staff with state and audit row)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from archives.models import DedicatedEntry
from bianzhi.models import AuditEntry
from jobs.models import Job
from tests.builders.registry import make_person
from yearbook import selectors
from yearbook.models import YearReport
from yearbook.services import report_generate, report_submit


@pytest.fixture
def county(region, unit_a, unit_b):
    make_person(unit_a, entered_on=dt.date(2019, 1, 1))
    make_person(unit_b, entered_on=dt.date(2019, 1, 1))
    return region


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# ---- services --------------------------------------------------------------------------------------------


def test_generate_keeps_a_version_and_audits(county, office_staff):
    report = report_generate(region=county, year=2021, actor=office_staff, note="首次生成")
    assert (report.version, report.status, report.as_of) == (1, "已生成", dt.date(2021, 12, 31))
    assert report.tables["summary"]["units"] == 2 and report.tables["summary"]["people"] == 2
    assert report.generated_by == office_staff and report.generated_by_name == "李编办"
    entry = AuditEntry.objects.get(action="统计年报.生成")
    assert entry.actor == office_staff and entry.after["version"] == 1 and entry.reason == "首次生成"


def test_regenerating_keeps_the_old_version(county, office_staff):
    first = report_generate(region=county, year=2021, actor=office_staff)
    second = report_generate(region=county, year=2021, actor=office_staff)
    first.refresh_from_db()
    assert second.version == 2 and second.status == "已生成"
    assert first.status == "已被替代" and first.tables == second.tables
    assert YearReport.objects.filter(region=county, year=2021).count() == 2


def test_a_year_not_yet_ended_is_refused(county, office_staff):
    with pytest.raises(ValidationError, match="尚未结束"):
        report_generate(region=county, year=2021, actor=office_staff, today=dt.date(2021, 12, 31))
    with pytest.raises(ValidationError, match="年度不能早于"):
        report_generate(region=county, year=1900, actor=office_staff)
    assert not YearReport.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "liaison_a", "partner_clerk", "other_office_staff"])
def test_only_office_staff_of_the_region_generate(request, county, who):
    with pytest.raises(PermissionDenied):
        report_generate(region=county, year=2021, actor=request.getfixturevalue(who))
    assert not YearReport.objects.exists()


def test_submit_files_the_report_in_the_real_name_archive(county, office_staff):
    report = report_generate(region=county, year=2021, actor=office_staff)
    report_submit(report=report, actor=office_staff, confirmed=True)
    report.refresh_from_db()
    assert report.status == "已报送" and report.submitted_by == office_staff and report.submitted_at
    entry = report.archive_entry
    assert entry.dedicated_file.kind == "实名制" and entry.region == county
    assert "2021年度机构编制统计年报" in entry.title and entry.attachment_name.endswith(".pdf")
    assert entry.attachment.read(5) == b"%PDF-"
    assert AuditEntry.objects.filter(action="统计年报.报送", actor=office_staff).exists()
    assert AuditEntry.objects.filter(action="独立档案.归档", actor=office_staff).exists()


def test_submit_refusals(county, office_staff, supervisor):
    old = report_generate(region=county, year=2021, actor=office_staff)
    with pytest.raises(ValidationError, match="请勾选确认"):
        report_submit(report=old, actor=office_staff, confirmed=False)
    with pytest.raises(PermissionDenied):
        report_submit(report=old, actor=supervisor, confirmed=True)
    new = report_generate(region=county, year=2021, actor=office_staff)
    with pytest.raises(ValidationError, match="只能报送最新版本"):
        report_submit(report=old, actor=office_staff, confirmed=True)
    report_submit(report=new, actor=office_staff, confirmed=True)
    with pytest.raises(ValidationError, match="已经报送"):
        report_submit(report=new, actor=office_staff, confirmed=True)
    assert DedicatedEntry.objects.count() == 1


def test_a_later_version_sent_supersedes_the_earlier_one_sent(county, office_staff):
    first = report_generate(region=county, year=2021, actor=office_staff)
    report_submit(report=first, actor=office_staff, confirmed=True)
    second = report_generate(region=county, year=2021, actor=office_staff)
    report_submit(report=second, actor=office_staff, confirmed=True)
    first.refresh_from_db()
    assert first.status == "已被替代" and first.archive_entry is not None
    assert selectors.previous_year(report_generate(region=county, year=2022, actor=office_staff)) == second


def test_comparison_with_last_year(county, office_staff, unit_a):
    last = report_generate(region=county, year=2021, actor=office_staff)
    make_person(unit_a, entered_on=dt.date(2022, 3, 1))
    this = report_generate(region=county, year=2022, actor=office_staff)
    assert selectors.previous_year(this) == last
    sections = {s["title"]: s["lines"] for s in selectors.comparison(this, last)}
    quotas = sections["编制核定和使用情况（按编制类型）"]
    line = next(x for x in quotas if x["row"] == "合计" and x["column"] == "行政编制·实有数")
    assert (line["value"], line["last"], line["change"]) == (2, 1, 1)
    alone = selectors.comparison(last, None)
    assert all(x["last"] is None and x["change"] is None for s in alone for x in s["lines"])


# ---- pages -----------------------------------------------------------------------------------------------


@pytest.fixture
def report(county, office_staff):
    return report_generate(region=county, year=2021, actor=office_staff)


def pk_urls(report):
    return [
        reverse(f"yearbook:{name}", args=[report.pk])
        for name in ("report_detail", "report_compare", "report_export", "report_print", "report_submit")
    ]


def test_anonymous_is_sent_to_login(client, report):
    for url in [reverse("yearbook:report_list"), reverse("yearbook:report_generate"), *pk_urls(report)]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_another_units_liaison_gets_404_on_a_report_and_403_on_the_lists(client, report, liaison_b):
    client.force_login(liaison_b)
    for url in pk_urls(report):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"confirm": "on"}).status_code == 404, url
    assert client.get(reverse("yearbook:report_list")).status_code == 403
    assert client.post(reverse("yearbook:report_generate"), {"year": 2021}).status_code == 403
    assert YearReport.objects.count() == 1


def test_another_regions_office_gets_404(client, report, other_office_staff):
    client.force_login(other_office_staff)
    assert client.get(reverse("yearbook:report_detail", args=[report.pk])).status_code == 404
    response = client.get(reverse("yearbook:report_list"))
    assert response.status_code == 200 and "2021年度" not in response.content.decode()


def test_supervisor_reads_but_cannot_write(client, report, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("yearbook:report_list")).status_code == 200
    page = client.get(reverse("yearbook:report_detail", args=[report.pk]))
    assert page.status_code == 200 and "报送并归档" not in page.content.decode()
    assert client.get(reverse("yearbook:report_compare", args=[report.pk])).status_code == 200
    assert client.get(reverse("yearbook:report_export", args=[report.pk])).status_code == 200
    data = {"region": report.region_id, "year": 2021}
    assert client.post(reverse("yearbook:report_generate"), data).status_code == 403
    url = reverse("yearbook:report_submit", args=[report.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 403
    report.refresh_from_db()
    assert report.status == "已生成" and YearReport.objects.count() == 1


def test_staff_generate_from_the_page(client, county, office_staff, settings):
    """The page submits a background job (issue 17; run here in the request, JOBS_EAGER) whose page
    links the new version; a year not yet ended is refused on the form, before any job."""
    settings.JOBS_EAGER = True
    client.force_login(office_staff)
    assert client.get(reverse("yearbook:report_generate")).status_code == 200
    response = client.post(
        reverse("yearbook:report_generate"), {"region": county.pk, "year": 2021, "note": ""}
    )
    report = YearReport.objects.get()
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.status == "已完成" and job.result_url == reverse("yearbook:report_detail", args=[report.pk])
    assert AuditEntry.objects.filter(action="统计年报.生成", actor=office_staff).count() == 1
    assert job.result_url in client.get(response["Location"]).content.decode()
    page = client.get(job.result_url).content.decode()
    assert "表1　机构情况" in page and 'rowspan="2"' in page and "合计" in page
    refused = client.post(reverse("yearbook:report_generate"), {"region": county.pk, "year": 2090})
    assert refused.status_code == 400 and "尚未结束" in refused.content.decode()
    assert Job.objects.count() == 1


def test_staff_submit_needs_the_confirmation(client, report, office_staff):
    client.force_login(office_staff)
    url = reverse("yearbook:report_submit", args=[report.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 400
    report.refresh_from_db()
    assert report.status == "已生成"
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "已报送" and report.archive_entry.dedicated_file.kind == "实名制"
    assert AuditEntry.objects.filter(action="统计年报.报送", actor=office_staff).exists()


def test_the_list_is_searchable_and_paginated(client, county, office_staff):
    for year in (2019, 2020, 2021):
        report_generate(region=county, year=year, actor=office_staff)
    client.force_login(office_staff)
    page = client.get(reverse("yearbook:report_list"), {"q": "2020"}).content.decode()
    assert "2020年度" in page and "2019年度" not in page
    page = client.get(reverse("yearbook:report_list"), {"q": "2020年"}).content.decode()
    assert "2020年度" in page and "2021年度" not in page
    assert "共 3 条" in client.get(reverse("yearbook:report_list")).content.decode()


def test_export_and_print_are_audited(client, report, office_staff):
    client.force_login(office_staff)
    response = client.get(reverse("yearbook:report_export", args=[report.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert AuditEntry.objects.filter(action="统计年报.导出", actor=office_staff).exists()
    response = client.get(reverse("yearbook:report_print", args=[report.pk]))
    assert response.status_code == 200 and response.content[:5] == b"%PDF-"
    assert AuditEntry.objects.filter(action="统计年报.打印", actor=office_staff).exists()


def test_the_list_page_query_count_does_not_grow(client, county, office_staff, django_assert_max_num_queries):
    for year in (2018, 2019, 2020, 2021):
        report_generate(region=county, year=year, actor=office_staff)
    client.force_login(office_staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("yearbook:report_list")).status_code == 200

"""综合检索 across Documents, minute books, requests and dedicated-file records, scoped by role."""

import datetime as dt

import pytest
from django.urls import reverse

from archives import services
from archives.choices import MinuteKind
from tests.builders.registry import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(region, office_staff):
    doc = make_document(
        region, "漳编发〔2021〕31号", title="关于应急管理局内设机构调整的批复", actor=office_staff
    )
    services.minute_create(
        region=region,
        kind=MinuteKind.COMMITTEE,
        met_on=dt.date(2021, 6, 1),
        subject="编委会议",
        attendees="王、李",
        items="研究应急管理局编制",
        decisions="同意调整",
        actor=office_staff,
    )
    services.file_into_dedicated(
        "核查",
        actor=office_staff,
        region=region,
        title="应急管理局核查台账",
        occurred_on=dt.date(2021, 11, 2),
    )
    return doc


def test_search_finds_every_kind_of_record(client, archive, office_staff):
    client.force_login(office_staff)
    response = client.get(reverse("archives:search"), {"q": "应急管理局"})
    counts = {label: count for label, count, _ in response.context["results"]}
    assert counts == {"文件": 1, "会议记录": 1, "请示事项": 0, "独立档案材料": 1}
    html = response.content.decode()
    assert "漳编发〔2021〕31号" in html and "编委会议" in html and "应急管理局核查台账" in html


def test_all_words_must_match_and_year_filters(client, archive, office_staff):
    client.force_login(office_staff)
    response = client.get(reverse("archives:search"), {"q": "应急管理局 不存在的词"})
    assert all(count == 0 for _, count, _ in response.context["results"])
    response = client.get(reverse("archives:search"), {"q": "应急管理局", "year": "2020"})
    assert all(count == 0 for _, count, _ in response.context["results"])


def test_liaison_sees_only_cited_documents_and_no_office_records(client, archive, liaison_a):
    client.force_login(liaison_a)
    response = client.get(reverse("archives:search"), {"q": "应急管理局"})
    assert response.status_code == 200
    assert all(count == 0 for _, count, _ in response.context["results"])


def test_search_needs_login_and_a_role(client, archive, partner_clerk):
    assert client.get(reverse("archives:search"), {"q": "x"}).status_code == 302
    client.force_login(partner_clerk)
    assert client.get(reverse("archives:search"), {"q": "x"}).status_code == 403

"""Campaign pages: anonymous → login; another unit's liaison → 404; supervisor → 403 on writes; the office
and the unit's liaison act (state changed, audit row written); the prints render."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bianzhi.models import AuditEntry
from tests.builders.campaign import make_campaign, walk_to
from tests.builders.registry import make_person
from verification.campaign.models import Campaign, CampaignUnit, Stage


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def campaign(office_staff, unit_a, unit_b):
    make_person(unit_a, name="王五")
    return make_campaign(unit_a.region, office_staff)


@pytest.fixture
def cu(campaign, unit_a):
    return CampaignUnit.objects.get(campaign=campaign, unit=unit_a)


def test_anonymous_sent_to_login(client, campaign, cu):
    for url in (reverse("verification:campaign_list"), reverse("verification:cu_detail", args=[cu.pk])):
        assert client.get(url).status_code == 302


def test_other_liaison_404_and_supervisor_403(client, campaign, cu, liaison_b, supervisor):
    client.force_login(liaison_b)
    assert client.get(reverse("verification:cu_detail", args=[cu.pk])).status_code == 404
    assert client.get(reverse("verification:campaign_detail", args=[campaign.pk])).status_code == 404
    assert (
        client.post(reverse("verification:cu_action", args=[cu.pk]), {"action": "advance"}).status_code == 404
    )
    client.force_login(supervisor)
    assert client.get(reverse("verification:campaign_detail", args=[campaign.pk])).status_code == 200
    assert client.get(reverse("verification:cu_detail", args=[cu.pk])).status_code == 200
    assert (
        client.post(reverse("verification:cu_action", args=[cu.pk]), {"action": "advance"}).status_code == 403
    )
    r = client.post(
        reverse("verification:campaign_action", args=[campaign.pk]), {"action": "draw", "seed": "1"}
    )
    assert r.status_code == 403
    assert client.get(reverse("verification:campaign_create")).status_code == 403


def test_create_page_posts_a_campaign(client, office_staff, unit_a):
    client.force_login(office_staff)
    assert "成和平" in client.get(reverse("verification:campaign_create")).content.decode()
    today = dt.date.today().isoformat()
    data = {
        "name": "2021年度机构编制核查",
        "kind": "年度核查",
        "cutoff": "2021-12-31",
        "onsite_ratio": "0.30",
        "sample_ratio": "0.05",
        "members": "组长,成和平,县委组织部,副部长",
    }
    for s in ("单位自查", "群众监督", "数据比对", "实地核实", "随机抽查", "数据更新"):
        data[f"start_{s}"] = data[f"end_{s}"] = today
    r = client.post(reverse("verification:campaign_create"), data)
    campaign = Campaign.objects.get()
    assert r.status_code == 302 and campaign.members.get().name == "成和平"
    bad = data | {"name": "另一次", "sample_ratio": "0.01"}
    r = client.post(reverse("verification:campaign_create"), bad)
    assert "不得低于5%" in r.content.decode() and Campaign.objects.count() == 1


def test_liaison_answers_and_submits_through_pages(client, cu, liaison_a):
    client.force_login(liaison_a)
    url = reverse("verification:cu_action", args=[cu.pk])
    page = client.get(reverse("verification:cu_detail", args=[cu.pk])).content.decode()
    assert "机构清" in page and "王五" in page
    r = client.post(url, {"action": "advance"}, follow=True)
    assert "尚未填写" in r.content.decode()
    for item in ("机构清", "编制清", "领导职数清", "实有人员清"):
        client.post(url, {"action": "answer", "item": item, "answer": "相符"})
    client.post(url, {"action": "answer", "item": "预决算差异说明", "answer": "无差异"})
    client.post(url, {"action": "advance"})
    cu.refresh_from_db()
    assert cu.stage == Stage.NOTICE
    assert AuditEntry.objects.filter(action="核查.环节流转", actor=liaison_a).exists()


def test_prints_and_dashboard(client, campaign, cu, office_staff, liaison_a, unit_a):
    walk_to(cu, Stage.DONE, liaison=liaison_a, staff=office_staff, people=list(unit_a.people.all()))
    client.force_login(office_staff)
    page = client.get(reverse("verification:campaign_detail", args=[campaign.pk])).content.decode()
    assert "按乡镇" in page and "随机种子" in page
    for name, args in (("cu_notice", [cu.pk]), ("cu_report", [cu.pk]), ("campaign_report", [campaign.pk])):
        r = client.get(reverse(f"verification:{name}", args=args))
        assert r.status_code == 200 and r.content.startswith(b"%PDF"), name
    r = client.get(reverse("verification:campaign_workbook", args=[campaign.pk]))
    assert r.status_code == 200
    assert (
        AuditEntry.objects.filter(
            action__in=["核查.打印公示", "核查.打印单位报告", "核查.打印县级报告"]
        ).count()
        == 3
    )
    client.force_login(liaison_a)
    assert client.get(reverse("verification:cu_report", args=[cu.pk])).status_code == 200
    assert client.get(reverse("verification:campaign_report", args=[campaign.pk])).status_code == 404


def test_county_report_download_files_it_for_the_office_only(client, campaign, office_staff, supervisor):
    from archives.models import DedicatedEntry

    url = reverse("verification:campaign_report", args=[campaign.pk])
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    assert not DedicatedEntry.objects.exists()
    client.force_login(office_staff)
    for _ in range(2):
        r = client.get(url)
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
    entry = DedicatedEntry.objects.get(dedicated_file__kind="核查")
    assert entry.title.startswith(campaign.name) and entry.attachment.open("rb").read(4) == b"%PDF"


def test_correction_target_is_a_choice_of_allowed_fields(client, cu, liaison_a):
    from verification.campaign import selectors as sel

    client.force_login(liaison_a)
    page = client.get(reverse("verification:cu_detail", args=[cu.pk])).content.decode()
    assert 'name="target"' in page and "<select" in page
    assert 'value="编制:行政编制"' in page and 'value="人员:title"' in page and 'value="机构:duties"' in page
    assert 'value="人员:id_number"' not in page
    assert sel.target_label("人员", "title") in page and sel.target_label("人员", "title") != "title"
    url = reverse("verification:cu_action", args=[cu.pk])
    r = client.post(url, {"action": "propose", "target": "编制:行政编制", "value": "6", "reason": "新增1名"})
    assert r.status_code == 302
    p = cu.proposals.get()
    assert (p.kind, p.target, p.current_value, p.proposed_value) == ("编制", "行政编制", "5", "6")
    # a forged field outside the list is still refused by the service
    person = cu.unit.people.get()
    r = client.post(
        url,
        {"action": "propose", "target": "人员:id_number", "person": person.pk, "value": "1", "reason": "x"},
        follow=True,
    )
    assert "不能通过更正申请修改" in r.content.decode() and cu.proposals.count() == 1
    page = client.get(reverse("verification:cu_detail", args=[cu.pk])).content.decode()
    assert "<td>行政编制</td>" in page


def _campaign_of(n: int, region, staff):
    from tests.builders.registry import make_unit

    for i in range(n):
        make_unit(region, f"查询单位{i:02d}", quotas={"行政编制": 2})
    return make_campaign(region, staff, name=f"查询{n}")


@pytest.mark.parametrize("n", [5, 25])
def test_campaign_pages_queries_do_not_grow_with_units(
    n, client, office_staff, liaison_a, unit_a, django_assert_max_num_queries
):
    """The same bounds at 5 and at 25 units: the dashboard (with its unit list, on-site ranking and
    progress grids) and the campaign list for the office and for a liaison."""
    campaign = _campaign_of(n, unit_a.region, office_staff)
    client.force_login(office_staff)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("verification:campaign_detail", args=[campaign.pk])).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.get(reverse("verification:campaign_list")).status_code == 200
    client.force_login(liaison_a)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("verification:campaign_list")).status_code == 200

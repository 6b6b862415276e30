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
    assert client.post(reverse("verification:cu_advance", args=[cu.pk])).status_code == 404
    client.force_login(supervisor)
    assert client.get(reverse("verification:campaign_detail", args=[campaign.pk])).status_code == 200
    assert client.get(reverse("verification:cu_detail", args=[cu.pk])).status_code == 200
    assert client.post(reverse("verification:cu_advance", args=[cu.pk])).status_code == 403
    r = client.post(reverse("verification:campaign_draw", args=[campaign.pk]), {"seed": "1", "confirm": "1"})
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
    url = reverse("verification:cu_selfcheck", args=[cu.pk])
    page = client.get(reverse("verification:cu_detail", args=[cu.pk])).content.decode()
    assert "机构清" in page and "王五" in page
    r = client.post(reverse("verification:cu_advance", args=[cu.pk]), follow=True)
    assert "尚未填写" in r.content.decode()
    answers = {f"answer_{i}": "相符" for i in ("机构清", "编制清", "领导职数清", "实有人员清")}
    client.post(url, answers | {"answer_预决算差异说明": "无差异", "submit": "0"})
    client.post(reverse("verification:cu_advance", args=[cu.pk]))
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


def test_county_report_download_only_reads_and_filing_is_a_confirmed_post(
    client, campaign, office_staff, supervisor
):
    from archives.models import DedicatedEntry

    url = reverse("verification:campaign_report", args=[campaign.pk])
    file_url = reverse("verification:campaign_report_file", args=[campaign.pk])
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    assert client.post(file_url, {"confirm": "1"}).status_code == 403
    client.force_login(office_staff)
    for _ in range(2):
        r = client.get(url)
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert not DedicatedEntry.objects.exists()  # a GET never files
    assert client.get(file_url).status_code == 405
    r = client.post(file_url, {})
    assert r.status_code == 200 and "我已核对" in r.content.decode() and not DedicatedEntry.objects.exists()
    for _ in range(2):
        assert client.post(file_url, {"confirm": "1"}).status_code == 302
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
    url = reverse("verification:cu_propose", args=[cu.pk])
    r = client.post(url, {"target": "编制:行政编制", "value": "6", "reason": "新增1名"})
    assert r.status_code == 302
    p = cu.proposals.get()
    assert (p.kind, p.target, p.current_value, p.proposed_value) == ("编制", "行政编制", "5", "6")
    # a forged field outside the list is refused by the form (not a choice)
    person = cu.unit.people.get()
    r = client.post(url, {"target": "人员:id_number", "person": person.pk, "value": "1", "reason": "x"})
    assert r.status_code == 200 and "更正项目" in r.content.decode() and cu.proposals.count() == 1
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
    with django_assert_max_num_queries(24):
        assert client.get(reverse("verification:campaign_detail", args=[campaign.pk])).status_code == 200
    with django_assert_max_num_queries(6):  # 6: the user's regions read once as an id list (issue 17)
        assert client.get(reverse("verification:campaign_list")).status_code == 200
    client.force_login(liaison_a)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("verification:campaign_list")).status_code == 200


# ---- one URL and one form per action (issue 12 points 1, 5, 6) -------------------------------------------


def test_selfcheck_is_one_form_nothing_typed_is_lost(client, cu, liaison_a):
    """10 values (5 answers, 5 texts), one invalid → all 10 re-shown, nothing saved; valid → all saved."""
    client.force_login(liaison_a)
    url = reverse("verification:cu_selfcheck", args=[cu.pk])
    items = ("机构清", "编制清", "领导职数清", "实有人员清")
    data = {f"answer_{i}": "相符" for i in items} | {f"text_{i}": f"说明{n}" for n, i in enumerate(items)}
    data |= {
        "answer_预决算差异说明": "有差异",
        "text_预决算差异说明": "",
        "submit": "0",
    }  # 有差异 needs a text
    before = AuditEntry.objects.count()
    r = client.post(url, data)
    page = r.content.decode()
    assert r.status_code == 200 and "须作出书面说明" in page and "没有保存" in page
    for n, _i in enumerate(items):
        assert f'value="说明{n}"' in page
    assert page.count("checked") >= 5
    assert not cu.items.exclude(answer="").exists() and AuditEntry.objects.count() == before
    data["text_预决算差异说明"] = "预算调整"
    r = client.post(url, data)
    assert r.status_code == 302
    assert cu.items.exclude(answer="").count() == 5
    assert cu.items.get(item="预决算差异说明").text == "预算调整"
    assert AuditEntry.objects.filter(action="核查.自查", actor=liaison_a).count() == 1
    cu.refresh_from_db()
    assert cu.stage == Stage.SELF_CHECK  # 保存 is a draft
    r = client.post(url, data | {"submit": "1"})
    cu.refresh_from_db()
    assert r.status_code == 302 and cu.stage == Stage.NOTICE


def test_selfcheck_page_permissions(client, cu, liaison_b, supervisor, office_staff):
    url = reverse("verification:cu_selfcheck", args=[cu.pk])
    assert client.get(url).status_code == 302
    client.force_login(liaison_b)
    assert client.get(url).status_code == 404
    client.force_login(supervisor)
    assert client.post(url, {"answer_机构清": "相符"}).status_code == 403
    client.force_login(office_staff)  # 代填: the reason is required
    r = client.post(url, {"answer_机构清": "相符", "submit": "0"})
    assert "代填原因" in r.content.decode() and not cu.items.exclude(answer="").exists()


def test_close_needs_confirmation(client, campaign, office_staff, supervisor):
    url = reverse("verification:campaign_close", args=[campaign.pk])
    client.force_login(supervisor)
    assert client.get(url).status_code == 403 and client.post(url, {"confirm": "1"}).status_code == 403
    client.force_login(office_staff)
    assert "确认结束本次核查工作" in client.get(url).content.decode()
    for cu in campaign.units.all():
        cu.stage = Stage.DONE
        cu.save()
    r = client.post(url, {})
    campaign.refresh_from_db()
    assert r.status_code == 200 and campaign.status == "进行中"
    assert client.post(url, {"confirm": "1"}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status != "进行中" and AuditEntry.objects.filter(action="核查.结束").exists()


def test_stage_return_needs_confirmation(client, cu, office_staff, liaison_a, unit_a):
    walk_to(cu, Stage.NOTICE, liaison=liaison_a, staff=office_staff, people=list(unit_a.people.all()))
    url = reverse("verification:cu_return", args=[cu.pk])
    client.force_login(liaison_a)
    assert client.post(url, {"to_stage": Stage.SELF_CHECK, "reason": "x", "confirm": "1"}).status_code == 403
    client.force_login(office_staff)
    r = client.post(url, {"to_stage": Stage.SELF_CHECK, "reason": "材料不全"})
    cu.refresh_from_db()
    assert r.status_code == 200 and cu.stage == Stage.NOTICE and "我已核对" in r.content.decode()
    r = client.post(url, {"to_stage": Stage.SELF_CHECK, "reason": "材料不全", "confirm": "1"})
    cu.refresh_from_db()
    assert r.status_code == 302 and cu.stage == Stage.SELF_CHECK
    assert AuditEntry.objects.filter(action="核查.环节流转", actor=office_staff, reason="材料不全").exists()


def test_a_row_of_another_unit_is_a_form_error(client, campaign, cu, office_staff, unit_b):
    other = CampaignUnit.objects.get(campaign=campaign, unit=unit_b)
    client.force_login(office_staff)
    r = client.post(
        reverse("verification:cu_propose", args=[other.pk]),
        {"target": "编制:行政编制", "value": "9", "reason": "x"},
    )
    assert r.status_code == 302
    proposal = other.proposals.get()
    r = client.post(reverse("verification:cu_decide", args=[cu.pk]), {"proposal": proposal.pk, "accept": "1"})
    assert r.status_code == 200 and "选择一个有效的选项" in r.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "待审核"
    # refusing asks for confirmation
    url = reverse("verification:cu_decide", args=[other.pk])
    r = client.post(url, {"proposal": proposal.pk, "accept": "0", "note": "依据不足"})
    proposal.refresh_from_db()
    assert r.status_code == 200 and proposal.status == "待审核"
    r = client.post(url, {"proposal": proposal.pk, "accept": "0", "note": "依据不足", "confirm": "1"})
    proposal.refresh_from_db()
    assert r.status_code == 302 and proposal.status == "未采纳"


def test_actions_are_post_only_and_scoped(client, campaign, cu, liaison_b, office_staff):
    names = ("cu_advance", "cu_return", "cu_notice_post", "cu_notice_remove", "cu_prereview", "cu_decide")
    client.force_login(liaison_b)
    for name in names:
        assert client.post(reverse(f"verification:{name}", args=[cu.pk])).status_code == 404, name
    client.force_login(office_staff)
    for name in names:
        assert client.get(reverse(f"verification:{name}", args=[cu.pk])).status_code == 405, name
    for name in ("campaign_compare", "campaign_draw", "campaign_window", "campaign_report_file"):
        assert client.get(reverse(f"verification:{name}", args=[campaign.pk])).status_code == 405, name


def test_draw_needs_confirmation(client, campaign, office_staff):
    from verification.campaign.models import SampleDraw

    client.force_login(office_staff)
    url = reverse("verification:campaign_draw", args=[campaign.pk])
    r = client.post(url, {"seed": "20211231"})
    assert r.status_code == 200 and not SampleDraw.objects.exists()


def test_liaison_home_lists_what_is_due(client, cu, liaison_a, campaign):
    client.force_login(liaison_a)
    page = client.get(reverse("units:dashboard")).content.decode()
    assert "机构编制核查待办" in page and cu.name in page and "单位自查" in page
    assert reverse("verification:cu_selfcheck", args=[cu.pk]) in page
    w = campaign.windows.get(stage=Stage.SELF_CHECK)
    w.ends_on = w.starts_on
    w.save()
    assert "已逾期" in client.get(reverse("units:dashboard")).content.decode()

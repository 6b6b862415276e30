"""The merger pages: form → preview → confirm, and the four access cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bianzhi.models import AuditEntry
from ledgers.services import rebuild
from tests.builders.registry import make_document, make_person, make_unit
from units.choices import UnitStatus
from units.models import Person, Quota, Unit, UnitEvent

DAY = dt.date(2024, 3, 1)
VIEWS = ["units:unit_merge", "units:unit_merge_confirm"]


@pytest.fixture
def setup(region, unit_a):
    """unit_a (漳县财政局, 5 行政编制 + 1 工勤编制) is merged into a new 漳县金融办."""
    target = make_unit(region, "漳县金融办", quotas={"行政编制": 2})
    people = [make_person(unit_a, name="财政甲"), make_person(unit_a, name="财政乙")]
    document = make_document(
        region, "漳编发〔2024〕8号", issued_on=DAY, title="关于漳县财政局并入漳县金融办的通知"
    )
    return {"source": unit_a, "target": target, "people": people, "document": document}


def data(setup, **kw) -> dict:
    out = {
        "target": setup["target"].name,
        "document": setup["document"].pk,
        "occurred_on": "2024-03-01",
        "quota_ADMIN": "5",
        "quota_SUPPORT": "1",
        "post_CHIEF": "1",
        "post_DEPUTY": "2",
        "abolish_source": "on",
        "reason": "机构改革",
    }
    out.update(kw)
    return {k: v for k, v in out.items() if v is not None}


def url(name: str, setup) -> str:
    return reverse(name, args=[setup["source"].pk])


def changes() -> int:
    """Audit rows of changes (a login writes its own row since issue 13; it changes no data)."""
    return AuditEntry.objects.exclude(action__in=("登录", "退出登录")).count()


def assert_untouched(setup, audit_before: int) -> None:
    assert changes() == audit_before
    assert Person.objects.filter(unit=setup["source"], in_establishment=True).count() == 2
    assert Unit.objects.get(pk=setup["source"].pk).status == UnitStatus.ACTIVE


# ---- access ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VIEWS)
def test_anonymous_is_sent_to_login(client, setup, name):
    for response in (client.get(url(name, setup)), client.post(url(name, setup), data(setup))):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", VIEWS)
def test_other_units_liaison_and_other_region_get_404(client, setup, liaison_b, other_office_staff, name):
    audit_before = changes()
    for user in (liaison_b, other_office_staff):
        client.force_login(user)
        assert client.get(url(name, setup)).status_code == 404
        assert client.post(url(name, setup), data(setup)).status_code == 404
    assert_untouched(setup, audit_before)


@pytest.mark.parametrize("name", VIEWS)
def test_read_only_roles_get_403(client, setup, supervisor, liaison_a, name):
    audit_before = changes()
    for user in (supervisor, liaison_a):  # 编委/编办领导, and the unit's own liaison
        client.force_login(user)
        assert client.post(url(name, setup), data(setup)).status_code == 403
        assert client.get(url(name, setup)).status_code == 403
    assert_untouched(setup, audit_before)


def test_button_on_the_unit_page_for_office_writers_only(client, setup, office_staff, supervisor):
    detail = reverse("units:unit_detail", args=[setup["source"].pk])
    client.force_login(office_staff)
    assert url("units:unit_merge", setup) in client.get(detail).content.decode()
    client.force_login(supervisor)
    assert url("units:unit_merge", setup) not in client.get(detail).content.decode()


# ---- the journey -----------------------------------------------------------------------------------


def test_form_preview_confirm(client, setup, office_staff):
    source, target = setup["source"], setup["target"]
    client.force_login(office_staff)
    form = client.get(url("units:unit_merge", setup))
    assert form.status_code == 200
    body = form.content.decode()
    assert '<option value="漳县金融办">' in body and 'name="quota_ADMIN"' in body and 'value="5"' in body
    assert '<option value="漳县财政局">' not in body  # not into itself

    audit_before, events_before = AuditEntry.objects.count(), UnitEvent.objects.count()
    preview = client.post(url("units:unit_merge", setup), data(setup))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "核对合并" in page and "确认合并" in page and "行政编制2名" in page
    assert preview.context["plan"].ok and preview.context["plan"].quotas[0].target_after == 7
    assert (AuditEntry.objects.count(), UnitEvent.objects.count()) == (audit_before, events_before)

    done = client.post(url("units:unit_merge_confirm", setup), data(setup))
    assert done.status_code == 302 and done["Location"] == reverse("units:unit_detail", args=[target.pk])
    source.refresh_from_db()
    assert source.status == UnitStatus.MERGED and source.merged_into_id == target.pk
    assert Person.objects.filter(unit=target, in_establishment=True).count() == 2
    assert Quota.objects.get(unit=target, establishment_type="行政编制").approved == 7
    assert AuditEntry.objects.count() == audit_before + 1
    row = AuditEntry.objects.latest("pk")
    assert row.action == "机构.合并" and row.actor == office_staff and row.after["并入单位"] == "漳县金融办"
    assert rebuild.differences().differences == []
    followed = client.get(done["Location"]).content.decode()
    assert "漳县财政局已并入漳县金融办" in followed


def test_back_returns_to_the_form_with_the_values(client, setup, office_staff):
    client.force_login(office_staff)
    response = client.post(url("units:unit_merge", setup), data(setup, back="1", quota_ADMIN="3"))
    assert response.status_code == 200 and "下一步：核对变动" in response.content.decode()
    assert response.context["form"]["quota_ADMIN"].value() == "3"


def test_refusal_shows_on_the_preview_without_a_confirm_button(client, setup, office_staff):
    Quota.objects.filter(unit=setup["target"], establishment_type="行政编制").update(approved=1)
    client.force_login(office_staff)
    audit_before = changes()
    response = client.post(url("units:unit_merge", setup), data(setup, quota_ADMIN="0"))
    page = response.content.decode()
    assert response.status_code == 200 and "不能办理" in page and "并入单位编制不足" in page
    assert "确认合并" not in page
    refused = client.post(url("units:unit_merge_confirm", setup), data(setup, quota_ADMIN="0"))
    assert refused.status_code == 400 and "并入单位编制不足" in refused.content.decode()
    assert_untouched(setup, audit_before)


def test_unknown_target_is_a_form_error(client, setup, office_staff, other_region):
    make_unit(other_region, "安定区财政局")
    client.force_login(office_staff)
    for target in ("没有这个单位", "安定区财政局", setup["source"].name):
        response = client.post(url("units:unit_merge", setup), data(setup, target=target))
        assert response.status_code == 400 and "请从列表中选择" in response.content.decode()


def test_document_of_another_region_is_not_offered(client, setup, office_staff, other_region):
    other = make_document(other_region, "定编发〔2024〕2号", issued_on=DAY)
    client.force_login(office_staff)
    response = client.post(url("units:unit_merge_confirm", setup), data(setup, document=other.pk))
    assert response.status_code == 400
    assert Unit.objects.get(pk=setup["source"].pk).is_live

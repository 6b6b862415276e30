"""A partner clerk reads the rows they sent and the findings about those rows; the register people their
data lacks (实名制在编、财政供养名单无 / 组织部门无 / 未正常参保) stay with the office until the office
shares them (共享给协作部门, audited)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.findings import run_finance
from tests.builders.registry import make_person, make_user
from verification.findings import selectors
from verification.findings.models import Finding


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def partner_fin(region):
    user = make_user("partner_fin", Role.PARTNER, regions=[region], full_name="财政经办")
    user.profile.department = "漳县财政局"
    user.profile.save()
    return user


@pytest.fixture
def findings(unit_a, office_staff):
    missing = make_person(unit_a, name="赵缺席")
    extra = {"姓名": "孙多出", "公民身份号码": "621125198001010012", "单位名称": unit_a.name}
    run_finance(unit_a.region, office_staff, extra_rows=[extra])
    return {
        "missing": Finding.objects.get(code="REG_NOT_IN_FIN", id_number=missing.id_number),
        "theirs": Finding.objects.get(code="FIN_NOT_IN_REG"),
    }


def share_url(finding) -> str:
    return reverse("verification:finding_share", args=[finding.pk])


def test_partner_does_not_see_missing_register_people_until_shared(
    client, findings, partner_fin, office_staff
):
    missing, theirs = findings["missing"], findings["theirs"]
    assert set(selectors.findings_for(partner_fin)) == {theirs}
    client.force_login(partner_fin)
    page = client.get(reverse("verification:finding_list")).content.decode()
    assert "孙多出" in page and "赵缺席" not in page
    assert client.get(reverse("verification:finding_detail", args=[missing.pk])).status_code == 404
    assert client.get(reverse("verification:finding_detail", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("verification:finding_export")).status_code == 403  # no exports for partners
    # the office sees the share button on the page, and shares
    client.force_login(office_staff)
    detail = client.get(reverse("verification:finding_detail", args=[missing.pk])).content.decode()
    assert "共享给协作部门" in detail
    assert client.get(share_url(missing)).status_code == 302  # no GET that writes: back to the finding
    missing.refresh_from_db()
    assert not missing.shared_with_partner
    response = client.post(share_url(missing))
    assert response.status_code == 302
    missing.refresh_from_db()
    assert missing.shared_with_partner
    entry = AuditEntry.objects.get(action="比对问题.共享给协作部门")
    assert entry.actor == office_staff and entry.after["shared_with_partner"] is True
    client.force_login(partner_fin)
    page = client.get(reverse("verification:finding_list")).content.decode()
    assert "赵缺席" in page
    assert client.get(reverse("verification:finding_detail", args=[missing.pk])).status_code == 200


def test_share_view_guards(client, findings, supervisor, liaison_b, partner_fin, other_office_staff):
    missing = findings["missing"]
    response = client.post(share_url(missing))
    assert response.status_code == 302 and "login" in response["Location"]
    for user, status in ((liaison_b, 404), (other_office_staff, 404), (partner_fin, 404), (supervisor, 403)):
        client.force_login(user)
        assert client.post(share_url(missing)).status_code == status, user
    missing.refresh_from_db()
    assert not missing.shared_with_partner
    assert not AuditEntry.objects.filter(action="比对问题.共享给协作部门").exists()


def test_only_missing_register_people_findings_are_shared(client, findings, office_staff):
    client.force_login(office_staff)
    client.post(share_url(findings["theirs"]))
    client.post(share_url(findings["missing"]))
    client.post(share_url(findings["missing"]))  # twice: refused the second time
    assert AuditEntry.objects.filter(action="比对问题.共享给协作部门").count() == 1
    findings["theirs"].refresh_from_db()
    assert not findings["theirs"].shared_with_partner

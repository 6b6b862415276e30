"""The audit trail page for the 审计管理员: access, search, pages, export (audited), and retention."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bianzhi import audit
from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.registry import make_user

pytestmark = pytest.mark.django_db
URL = reverse("accounts:audit_list")
EXPORT = reverse("accounts:audit_export")


@pytest.fixture
def auditor(region):
    return make_user("audadm", Role.AUDIT_ADMIN, regions=[region], full_name="审计管理")


@pytest.fixture
def trail(region, other_region, office_staff):
    audit.record(actor=office_staff, action="单位.新建", target_repr="漳县财政局", region=region)
    audit.record(
        actor=office_staff, action="账号.停用", target_repr="张三（zs）", region=region, reason="调离"
    )
    audit.record(actor=None, action="单位.新建", target_repr="外县教育局", region=other_region)


def test_anonymous_is_sent_to_login(client):
    for url in (URL, EXPORT):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("who", ["liaison_a", "supervisor", "office_staff", "office_admin", "partner_clerk"])
def test_everyone_else_is_refused(request, client, who, trail):
    client.force_login(request.getfixturevalue(who))
    count = AuditEntry.objects.count()
    for url in (URL, EXPORT):
        response = client.get(url)
        assert response.status_code == 403
        assert "只有审计管理员可以查阅审计日志。" in response.content.decode()
    assert AuditEntry.objects.count() == count  # a refused export writes nothing


def test_auditor_sees_the_own_regions_trail(client, auditor, trail):
    client.force_login(auditor)
    response = client.get(URL)
    text = response.content.decode()
    assert response.status_code == 200 and "审计日志" in text
    assert "漳县财政局" in text and "张三（zs）" in text
    assert "外县教育局" not in text  # another county's trail


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"action": "停用"}, "张三（zs）", "漳县财政局"),
        ({"target": "财政"}, "漳县财政局", "张三（zs）"),
        ({"actor": "李编办"}, "漳县财政局", "没有符合条件"),
        ({"actor": "staff1"}, "漳县财政局", "没有符合条件"),
        ({"actor": "无此人"}, "没有符合条件", "漳县财政局"),
    ],
)
def test_search(client, auditor, trail, query, shown, hidden):
    client.force_login(auditor)
    text = client.get(URL, query).content.decode()
    assert shown in text and hidden not in text


def test_search_by_dates_and_region(client, auditor, trail, region):
    client.force_login(auditor)
    today = timezone.localdate()
    text = client.get(URL, {"since": str(today), "until": str(today), "region": region.pk}).content.decode()
    assert "漳县财政局" in text
    text = client.get(URL, {"until": str(today - dt.timedelta(days=1))}).content.decode()
    assert "没有符合条件" in text
    response = client.get(URL, {"since": str(today), "until": str(today - dt.timedelta(days=1))})
    assert response.status_code == 400 and "截止日期不能早于起始日期。" in response.content.decode()


def test_pages(client, auditor, region):
    audit.record_many(
        [
            audit.build(actor=None, action="测试.批量", target_repr=f"对象{n}", region=region)
            for n in range(60)
        ]
    )
    client.force_login(auditor)
    first = client.get(URL).content.decode()
    assert "第 1 / 2 页" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert second.count("测试.批量") in (10, 11)  # 61 rows: 50 on the first page


def test_export_is_itself_audited(client, auditor, trail):
    client.force_login(auditor)
    before = AuditEntry.objects.count()
    response = client.get(EXPORT, {"action": "单位"})
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book["审计日志"].iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "操作人", "操作人单位", "操作")
    assert [r[6] for r in rows[1:]] == ["漳县财政局"]
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "审计日志.导出" and entry.actor == auditor
    assert entry.after == {"filters": {"action": "单位"}, "rows": 1}


def test_the_page_writes_nothing(client, auditor, trail):
    client.force_login(auditor)
    count = AuditEntry.objects.count()
    client.get(URL, {"q": "x"})
    assert AuditEntry.objects.count() == count
    assert client.post(URL).status_code == 405


def _old_entry(days: int) -> AuditEntry:
    entry = audit.record(actor=None, action="测试.旧", target_repr=f"{days}天前")
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - dt.timedelta(days=days))
    return entry


def test_purge_refuses_entries_younger_than_six_months(capsys):
    _old_entry(100)
    count = AuditEntry.objects.count()
    with pytest.raises(SystemExit) as exc:
        call_command("purge_audit", "--keep-months", "3")
    assert exc.value.code == 1 and "至少保留6个月" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        call_command("purge_audit", "--before", str(timezone.localdate() - dt.timedelta(days=30)))
    assert exc.value.code == 1 and "至少保留6个月" in capsys.readouterr().err
    assert AuditEntry.objects.count() == count


def test_purge_deletes_only_old_entries_and_audits_itself():
    old, young = _old_entry(400), _old_entry(100)
    out = io.StringIO()
    call_command("purge_audit", "--keep-months", "6", stdout=out)
    assert "已清理" in out.getvalue()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=young.pk).exists()
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "审计日志.清理" and entry.actor is None and entry.after["deleted"] == 1

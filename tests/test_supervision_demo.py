"""The demo's 监督检查 (``demo.supervision.seed``): every 举报 state with one overdue, last year's
self-inspection mostly answered, an inspection with an open 整改通知书 — all through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from demo.supervision import seed
from supervision import selectors
from supervision.choices import NoticeStatus, ReportStatus
from supervision.models import Notice, Report, SelfInspection
from tests.builders.registry import make_unit

pytestmark = pytest.mark.django_db


def test_demo_seed(settings, tmp_path, region, unit_a, unit_b):
    settings.MEDIA_ROOT = tmp_path
    for i in range(10):
        make_unit(region, f"漳县演示局{i}")
    today = dt.date(2026, 12, 1)
    made = seed(region, today=today)
    assert made["reports"] == 6
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in ReportStatus}
    assert sum(r.overdue_on(today) for r in Report.objects.all()) >= 1
    si = SelfInspection.objects.get(year=2025)
    counts = selectors.questionnaire_counts(si)
    assert counts["total"] == 12 and counts["answered"] >= 10 and counts["returned"] == 1
    notice = Notice.objects.get()
    assert notice.status == NoticeStatus.OPEN and notice.number == "漳编办督〔2026〕1号"
    assert selectors.setting_of(region).phones

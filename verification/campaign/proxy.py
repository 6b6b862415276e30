"""代填: the office fills in a unit's self-check or unit report on its behalf (issue 11 point 6).

Where a unit has no liaison, or returns its forms on paper, an office writer of the region fills them
in with one of ``ProxyReason``; the rows carry ``on_behalf`` and who/when, and the audit row (actions
``PROXY_ACTIONS``) carries the reason. This module holds the reasons and the reads that show the
mark (代填（编办 张三，2026-10-08，纸质报送）); the writes are the campaign services themselves
(``selfcheck_answer``, ``selfcheck_save``, ``selfcheck_submit``, ``unit_report_confirm``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils import timezone

from bianzhi.models import AuditEntry


class ProxyReason(models.TextChoices):
    NO_LIAISON = "无联络员", "无联络员"
    PAPER = "纸质报送", "纸质报送"


SELFCHECK_ACTIONS = ("核查.代填自查", "核查.代填提交")
REPORT_ACTION = "核查.代填报告"
PROXY_ACTIONS = (*SELFCHECK_ACTIONS, REPORT_ACTION)


def units_with_liaison(unit_ids: Iterable[int]) -> set[int]:
    """Those of ``unit_ids`` granted to at least one active liaison account (one query)."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    from units.models import Unit

    keys = [str(i) for i in unit_ids]
    if not keys:
        return set()
    rows = UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(Unit),
        permission__codename="liaise_unit",
        object_pk__in=keys,
        user__is_active=True,
    ).values_list("object_pk", flat=True)
    return {int(pk) for pk in rows}


def mark(entry: AuditEntry) -> str:
    """代填（编办 张三，2026-10-08，纸质报送）"""
    return f"代填（编办 {entry.actor_name}，{timezone.localdate(entry.at):%Y-%m-%d}，{entry.reason}）"


def proxy_notes(cu) -> dict[str, str]:
    """The 代填 marks of a campaign unit: ``selfcheck`` while its self-check holds office-filled answers
    (or was submitted by the office), ``report`` while its report was confirmed by the office; each
    from the latest audit row of that kind. Empty strings when the unit filled its own."""
    items = list(cu.items.all())
    report = getattr(cu, "report", None)
    want = []
    if cu.selfcheck_on_behalf or any(i.on_behalf for i in items):
        want += SELFCHECK_ACTIONS
    if report is not None and report.on_behalf:
        want.append(REPORT_ACTION)
    notes = {"selfcheck": "", "report": ""}
    if not want:
        return notes
    entries = AuditEntry.objects.filter(
        target_type=cu._meta.label, target_id=str(cu.pk), action__in=want
    ).order_by("-id")
    for entry in entries:
        key = "report" if entry.action == REPORT_ACTION else "selfcheck"
        notes[key] = notes[key] or mark(entry)
    return notes

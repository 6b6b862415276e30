"""The registration record itself: 证书补领 (reissue), audited and counted."""

from __future__ import annotations

from django.db import transaction

from bianzhi import audit
from bianzhi.roles import authorize
from registration.models import CertificateReissue, RecordStatus, RegistrationRecord
from registration.services.common import _fail, _name, _today, archive


@transaction.atomic
def certificate_reissue(*, record: RegistrationRecord, reason: str, actor) -> CertificateReissue:
    """证书补领: a registered record's certificate printed again for a recorded reason (遗失, 损毁 …); the
    record counts it, the new print goes into the 独立档案. Office writers of the region."""
    from registration import prints

    authorize(actor, "register_units", region=record.region_id)
    record = RegistrationRecord.objects.select_for_update().get(pk=record.pk)
    if record.status != RecordStatus.REGISTERED:
        _fail(f"“{record.name}”{record.status}，不能补领证书。")
    reason = (reason or "").strip()
    if not reason:
        _fail("请填写补领原因。", "reason")
    reissue = CertificateReissue.objects.create(
        record=record, reason=reason[:1000], reissued_on=_today(), actor_name=_name(actor)
    )
    record.reissue_count += 1
    record.save(update_fields=["reissue_count", "updated_at"])
    audit.record(
        actor=actor,
        action="事业单位登记.证书补领",
        target=record,
        region=record.region,
        before={"reissue_count": record.reissue_count - 1},
        after={"reissue_count": record.reissue_count},
        reason=reason,
    )
    pdf = prints.certificate_pdf(record, copy=False, actor=actor)
    archive(
        record.region,
        f"{record.name}事业单位法人证书补领（第{record.reissue_count}次）",
        note=reason,
        actor=actor,
        pdf=pdf,
        filename="补领证书.pdf",
    )
    return reissue

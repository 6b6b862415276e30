"""The office shares a "register people missing from your data" finding with the partner department
that sent the data (共享给协作部门): until then the partner clerk does not see it (issue 13 point 5)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from bianzhi import audit
from bianzhi.roles import authorize
from verification.findings.models import OFFICE_ONLY_CODES, Finding


@transaction.atomic
def finding_share(*, finding: Finding, actor) -> Finding:
    """Show the finding to the partner clerks of its source. Office administrators and staff of the
    finding's region; only the OFFICE_ONLY_CODES findings (the others are the partner's already)."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    authorize(actor, "run_comparison", region=finding.region_id)
    if finding.code not in OFFICE_ONLY_CODES:
        raise ValidationError("该问题本来就向报送数据的协作部门显示，无需共享。")
    if finding.shared_with_partner:
        raise ValidationError("该问题已共享给协作部门。")
    finding.shared_with_partner = True
    finding.save(update_fields=["shared_with_partner"])
    audit.record(
        actor=actor,
        action="比对问题.共享给协作部门",
        target=finding,
        region=finding.region,
        before={"shared_with_partner": False},
        after={"shared_with_partner": True, "source": finding.source},
    )
    return finding

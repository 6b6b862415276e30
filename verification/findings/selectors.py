"""Reads of the comparison, scoped to what a user may see (default deny; 404 outside the scope).

- Office roles: everything of their regions.
- A unit liaison: the findings whose register unit is one of theirs (nothing else: no uploads, no runs).
- A partner clerk: the uploads of their department's source in their regions (``Profile.regions``), and
  the findings on that source — never those of a confidential unit (DOMAIN.md §7), never the registry,
  and never the register people their data lacks (``OFFICE_ONLY_CODES``) unless the office shared the
  finding with them (``Finding.shared_with_partner``, the service ``finding_share``).
  The department's source comes from ``Profile.department``: a name with 组织 → 组织部门 (org), 财政 →
  财政部门 (finance), 人社 / 人力资源 / 社会保障 → 人社部门 (si); anything else → no source, nothing seen.
"""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404

from bianzhi.models import Region
from bianzhi.roles import can
from units.choices import Nature, UnitStatus
from units.models import Unit, UnitAlias
from units.selectors import acting_regions, liaison_unit_ids, regions_for, units_for
from verification.compare.data import FINANCE, ORG, PARTNER_SOURCES, SI, SOURCE_LABEL
from verification.findings.models import (
    OFFICE_ONLY_CODES,
    ComparisonRun,
    Finding,
    FindingAnswer,
    FindingAttachment,
    FindingEvent,
    PartnerUpload,
)

DEPARTMENT_WORDS = ((ORG, ("组织",)), (FINANCE, ("财政",)), (SI, ("人社", "人力资源", "社会保障")))
RECENT = 50  # runs looked at for the latest run of each (region, source)


def partner_source(user) -> str | None:
    """The source a partner clerk's department sends (org / finance / si), or None."""
    if not can(user, "send_source"):
        return None
    profile = getattr(user, "profile", None)
    department = profile.department if profile else ""
    for source, words in DEPARTMENT_WORDS:
        if any(w in department for w in words):
            return source
    return None


def partner_regions(user) -> QuerySet[Region]:
    if partner_source(user) is None:
        return Region.objects.none()
    return Region.objects.filter(profile__user=user)


def upload_sources(user) -> list[str]:
    """The sources the user may upload: all for office administrators and staff, their department's
    for a partner clerk."""
    if can(user, "run_comparison"):
        return [ORG, FINANCE, SI]
    source = partner_source(user)
    return [source] if source else []


def upload_regions(user) -> QuerySet[Region]:
    return acting_regions(user) if can(user, "run_comparison") else partner_regions(user)


def sees_findings(user) -> bool:
    """Office roles, a liaison with units, a partner clerk whose department sends a source."""
    return can(user, "view_registry") or bool(liaison_unit_ids(user)) or partner_source(user) is not None


def _region_ids(user, regions) -> list[int]:
    """The ids of ``regions`` as a plain list, read once per request: ``region_id IN (2)`` lets the
    database walk the region-first indexes in list order, a subquery makes it read and sort every row.
    Cached apart from ``bianzhi.roles.region_ids`` (the regions a user works for): for a liaison these
    are their units' regions, which they do not work for."""
    cached = getattr(user, "_bianzhi_finding_region_ids", None)
    if cached is None:
        cached = user._bianzhi_finding_region_ids = list(regions.values_list("pk", flat=True))
    return cached


def findings_for(user) -> QuerySet[Finding]:
    if can(user, "view_registry"):
        return Finding.objects.filter(region_id__in=_region_ids(user, regions_for(user)))
    ids = liaison_unit_ids(user)
    if ids:
        return Finding.objects.filter(unit_id__in=ids)
    source = partner_source(user)
    if source:
        return (
            Finding.objects.filter(region_id__in=_region_ids(user, partner_regions(user)), source=source)
            .exclude(unit__is_confidential=True)
            .exclude(code__in=OFFICE_ONLY_CODES, shared_with_partner=False)
        )
    return Finding.objects.none()


def answer_role(user, finding: Finding) -> str | None:
    """Who ``user`` answers ``finding`` as: 单位联络员 (a liaison of its unit), or the clerk of the partner
    department whose data it is on and who sees it (财政部门经办人 …); None: the user may not answer it."""
    if not can(user, "answer_findings"):
        return None
    if finding.unit_id is not None and finding.unit_id in liaison_unit_ids(user):
        return "单位联络员"
    source = partner_source(user)
    if source is not None and source == finding.source and findings_for(user).filter(pk=finding.pk).exists():
        return f"{SOURCE_LABEL[source]}经办人"
    return None


def may_answer(user, finding: Finding) -> bool:
    """The answer form shows: an open finding the user may answer (``answer_role``)."""
    return finding.status == "待核实" and answer_role(user, finding) is not None


def shareable(user, finding: Finding) -> bool:
    """The office may share this finding with the partner department (the share button shows)."""
    return (
        finding.code in OFFICE_ONLY_CODES
        and not finding.shared_with_partner
        and can(user, "run_comparison", region=finding.region_id)
    )


def finding_townships(user) -> list[str]:
    """The townships to filter the findings by: those of the units in the user's scope (a few hundred
    units, where the findings may be hundreds of thousands)."""
    if not can(user, "view_registry") and liaison_unit_ids(user):
        units = Unit.objects.filter(pk__in=liaison_unit_ids(user))
    else:
        units = Unit.objects.filter(region_id__in=_finding_region_ids(user))
    return sorted(units.exclude(township="").order_by().values_list("township", flat=True).distinct())


def finding_for(user, pk: int) -> Finding:
    try:
        return findings_for(user).select_related("region", "unit", "first_run", "last_run").get(pk=pk)
    except (Finding.DoesNotExist, ValueError):
        raise Http404("没有找到该问题。") from None


def uploads_for(user) -> QuerySet[PartnerUpload]:
    if can(user, "view_registry"):
        return PartnerUpload.objects.filter(region__in=regions_for(user))
    source = partner_source(user)
    if source:
        return PartnerUpload.objects.filter(region__in=partner_regions(user), source=source)
    return PartnerUpload.objects.none()


def upload_for(user, pk: int) -> PartnerUpload:
    try:
        return uploads_for(user).select_related("region").get(pk=pk)
    except (PartnerUpload.DoesNotExist, ValueError):
        raise Http404("没有找到该数据文件。") from None


def runs_for(user) -> QuerySet[ComparisonRun]:
    """Runs (region-wide counts) are for office roles only."""
    if not can(user, "view_registry"):
        return ComparisonRun.objects.none()
    return ComparisonRun.objects.filter(region__in=regions_for(user))


def run_for(user, pk: int) -> ComparisonRun:
    try:
        return runs_for(user).select_related("region").get(pk=pk)
    except (ComparisonRun.DoesNotExist, ValueError):
        raise Http404("没有找到该比对批次。") from None


def attachment_for(user, pk: int) -> FindingAttachment:
    try:
        return FindingAttachment.objects.select_related("answer").get(
            pk=pk, answer__finding__in=findings_for(user)
        )
    except (FindingAttachment.DoesNotExist, ValueError):
        raise Http404("没有找到该附件。") from None


def latest_runs(user=None) -> dict[int, int]:
    """region id -> id of its latest run (the runs table is small: a few runs per region); with a user,
    only the regions of their findings, so a presence filter names no other region."""
    runs = ComparisonRun.objects.all()
    if user is not None:
        runs = runs.filter(region_id__in=_finding_region_ids(user))
    rows = runs.values("region").annotate(latest=Max("id")).values_list("region", "latest")
    return dict(rows)


def _finding_region_ids(user) -> list[int]:
    if can(user, "view_registry"):
        return _region_ids(user, regions_for(user))
    if liaison_unit_ids(user):
        return _region_ids(user, Region.objects.filter(units__in=liaison_unit_ids(user)).distinct())
    if partner_source(user):
        return _region_ids(user, partner_regions(user))
    return []


def presence_q(presence: str, latest: dict[int, int]) -> Q:
    """本次新增 (first found by the region's latest run) / 仍存在 (found again) / 已消失 (not found again)."""
    q = Q(pk__in=[])
    for region_id, run_id in latest.items():
        here = Q(region_id=region_id)
        if presence == "new":
            q |= here & Q(first_run_id=run_id)
        elif presence == "open":
            q |= here & Q(last_run_id=run_id) & ~Q(first_run_id=run_id)
        elif presence == "gone":  # run ids only grow: not found by the latest run = found by an earlier one
            q |= here & Q(last_run_id__lt=run_id)
    return q


def latest_uploads(user) -> list[PartnerUpload]:
    """The valid upload per (region, source) the user sees."""
    return list(uploads_for(user).filter(status="有效").select_related("region").order_by("region", "source"))


# ---- what the pages read -----------------------------------------------------------------------------


def recent_uploads(user, limit: int = 10) -> list[PartnerUpload]:
    return list(uploads_for(user).select_related("region")[:limit])


def recent_runs(user, limit: int = 5) -> list[ComparisonRun]:
    return list(runs_for(user).select_related("region")[:limit])


def run_listing(user) -> QuerySet[ComparisonRun]:
    return runs_for(user).select_related("region")


def filter_findings(findings: QuerySet[Finding], data: dict, latest: dict[int, int]) -> QuerySet[Finding]:
    """The finding-list filters (the cleaned FindingFilterForm, code excepted) applied to ``findings``."""
    for name in ("source", "status"):
        if data.get(name):
            findings = findings.filter(**{name: data[name]})
    if data.get("unit"):
        findings = findings.filter(unit_name__contains=data["unit"])
    if data.get("township"):
        findings = findings.filter(township="" if data["township"] == "县直" else data["township"])
    if data.get("presence"):
        findings = findings.filter(presence_q(data["presence"], latest))
    return findings


def of_code(findings: QuerySet[Finding], code: str) -> QuerySet[Finding]:
    return findings.filter(code=code) if code else findings


def code_counts(findings: QuerySet[Finding]) -> dict[str, int]:
    """Finding code -> how many of ``findings`` (one GROUP BY)."""
    rows = findings.order_by().values_list("code").annotate(n=Count("id")).values_list("code", "n")
    return dict(rows)


def finding_region_ids_of(findings: QuerySet[Finding]) -> list[int]:
    return list(findings.order_by().values_list("region_id", flat=True).distinct())


def finding_events(finding: Finding) -> QuerySet[FindingEvent]:
    return finding.events.all()


def finding_answers(finding: Finding) -> QuerySet[FindingAnswer]:
    return finding.answers.prefetch_related("attachments")


def pending_answer(finding: Finding) -> FindingAnswer | None:
    """The answer waiting for the office's decision (the latest undecided one), if any."""
    return finding.answers.filter(decision="").order_by("-at", "-id").first()


def _latest_per_source(user) -> list[tuple[ComparisonRun, str]]:
    """(run, source) for the latest run of each region that compared each source."""
    seen, out = set(), []
    for run in runs_for(user).select_related("region")[:RECENT]:
        for source in PARTNER_SOURCES:
            if source in run.sources and (run.region_id, source) not in seen:
                seen.add((run.region_id, source))
                out.append((run, source))
    return out


def unmatched_units(user) -> tuple[list[dict], set[Region]]:
    """The partner units that matched no register unit in the latest run of each (region, source), with
    the closest register units suggested and the unit already given that name, and the regions looked at."""
    pairs = _latest_per_source(user)
    entries = [(run, source, item) for run, source in pairs for item in run.unmatched.get(source, [])]
    units = Unit.objects.in_bulk({uid for _, _, item in entries for uid in item[3]})
    names = {item[0] for _, _, item in entries}
    aliases = {
        a.name: a.unit
        for a in UnitAlias.objects.filter(name__in=names, unit__region__in=regions_for(user)).select_related(
            "unit"
        )
    }
    rows = [
        {
            "run": run,
            "source": SOURCE_LABEL[source],
            "source_key": source,
            "name": name,
            "credit": credit,
            "rows": n,
            "suggestions": [units[i] for i in ids if i in units],
            "alias_of": aliases.get(name),
        }
        for run, source, (name, credit, n, ids) in entries
    ]
    return rows, {run.region for run, _ in pairs}


def alias_target(user, run: ComparisonRun, source: str, name: str, unit_id: int) -> Unit:
    """The live 法人 unit of the run's region (in the user's scope) that ``name``, an unmatched unit of
    the run's ``source``, may become another name of; 404 otherwise."""
    if name not in {item[0] for item in run.unmatched.get(source, [])}:
        raise Http404("该名称不在比对的未匹配单位中。")
    live = units_for(user).filter(status=UnitStatus.ACTIVE).exclude(nature=Nature.DIVISION)
    unit = live.filter(pk=unit_id, region=run.region).first()
    if unit is None:
        raise Http404("没有找到该机构。")
    return unit


# ---- what the API reads (api/endpoints/partner.py): the account's scope ∩ the token's ------------------


def _in_token_scope(items: QuerySet, region_ids, source: str) -> QuerySet:
    items = items.filter(region_id__in=sorted(region_ids))
    return items.filter(source=source) if source else items


def api_uploads(user, region_ids, source: str) -> QuerySet[PartnerUpload]:
    """The uploads and API submissions the account sees, in the token's regions and of its source
    (every source for a token bound to none)."""
    uploads = _in_token_scope(uploads_for(user), region_ids, source)
    return uploads.select_related("region").order_by("-uploaded_at", "-id")


def api_upload(user, region_ids, source: str, pk: int) -> PartnerUpload | None:
    return api_uploads(user, region_ids, source).filter(pk=pk).first()


def api_findings(
    user, region_ids, source: str, *, code: str = "", status: str = "", unit: str = ""
) -> QuerySet[Finding]:
    """The findings the account sees (``findings_for``: a partner clerk never sees a confidential unit's,
    nor a register person their data lacks until shared), in the token's regions and of its source."""
    findings = _in_token_scope(findings_for(user), region_ids, source)
    if code:
        findings = findings.filter(code=code)
    if status:
        findings = findings.filter(status=status)
    if unit:
        findings = findings.filter(unit_name__contains=unit)
    return findings.select_related("region", "first_run", "last_run").order_by("code", "unit_name", "id")


def api_finding(user, region_ids, source: str, pk: int) -> Finding | None:
    findings = api_findings(user, region_ids, source).prefetch_related("answers__attachments")
    return findings.filter(pk=pk).first()

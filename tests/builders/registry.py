"""Small builders over the real services, shared by tests, benchmarks and the demo loader."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from guardian.shortcuts import assign_perm

from archives.services import document_create
from bianzhi.lib.idnumbers import make_id
from bianzhi.models import Profile, Region
from bianzhi.roles import Role, ensure_groups
from units import services
from units.choices import ALLOWED_TYPES, Funding, InstitutionClass, Nature, System
from units.models import Unit

_seq = itertools.count(1)


def make_region(code: str = "621125", name: str = "漳县") -> Region:
    return Region.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_document(
    region: Region,
    number: str | None = None,
    *,
    actor=None,
    issued_on=dt.date(2020, 1, 1),
    title: str = "关于机构编制事项的批复",
):
    n = next(_seq)
    return document_create(
        region=region,
        number=number or f"漳编发〔2020〕{n}号",
        title=title,
        issuer="中共漳县县委机构编制委员会",
        issued_on=issued_on,
        actor=actor,
    )


def make_unit(
    region: Region,
    name: str | None = None,
    *,
    nature: str = Nature.ORGAN,
    quotas: dict[str, int] | None = None,
    posts: dict[str, int] | None = None,
    parent: Unit | None = None,
    actor=None,
    document=None,
    **kw,
) -> Unit:
    """A unit with quotas and posts set through the services (one Document for all of it)."""
    document = document or make_document(region, actor=actor)
    defaults = {} if nature == Nature.DIVISION else {"system": System.GOVERNMENT, "funding": Funding.FULL}
    if nature == Nature.PUBLIC_INSTITUTION:
        defaults["institution_class"] = InstitutionClass.PUBLIC_WELFARE_1
    unit = services.unit_create(
        region=region,
        name=name or f"测试单位{next(_seq)}",
        nature=nature,
        parent=parent,
        document=document,
        actor=actor,
        founded_on=dt.date(2000, 1, 1),
        **(defaults | kw),
    )
    if quotas is None and nature != Nature.DIVISION:
        quotas = {ALLOWED_TYPES[nature][0]: 10}
    for etype, n in (quotas or {}).items():
        services.quota_set(unit=unit, establishment_type=etype, approved=n, document=document, actor=actor)
    for category, n in (posts or {}).items():
        services.leader_posts_set(unit=unit, category=category, approved=n, document=document, actor=actor)
    return unit


def office_clerk(region: Region):
    """The builders' own office-staff account (files the 用编申请 of make_slip)."""
    user = get_user_model().objects.filter(username=f"builder-{region.code}").first()
    return user or make_user(
        f"builder-{region.code}", Role.OFFICE_STAFF, regions=[region], full_name="建账员"
    )


def office_approver(region: Region):
    """A second office-staff account that approves what the clerk filed (four eyes: 不准越权审批)."""
    user = get_user_model().objects.filter(username=f"builder-approver-{region.code}").first()
    return user or make_user(
        f"builder-approver-{region.code}", Role.OFFICE_STAFF, regions=[region], full_name="审核员"
    )


def make_slip(unit: Unit, establishment_type: str | None = None, *, actor=None, approver=None):
    """One approved 编制使用单 for the unit (through the request and approval services): filed by
    ``actor`` (default the builders' clerk), approved by ``approver`` (default a second office user)."""
    clerk = actor or office_clerk(unit.region)
    request = services.request_create(
        unit=unit,
        establishment_type=establishment_type or ALLOWED_TYPES[unit.nature][0],
        count=1,
        reason="测试用编",
        entry_method="考录",
        planned_on=dt.date.today(),
        actor=clerk,
    )
    approver = approver or office_approver(unit.region)
    return services.request_approve(request=request, actor=approver)[0]


def make_person(
    unit: Unit,
    *,
    actor=None,
    name: str | None = None,
    establishment_type: str | None = None,
    birth=dt.date(1990, 5, 17),
    sex: str = "男",
    **kw,
):
    """A person entered through 用编申请 → 编制使用单 → 入编 (pass slip=None explicitly to try without one)."""
    n = next(_seq)
    etype = establishment_type or ALLOWED_TYPES[unit.nature][0]
    if "slip" not in kw:
        kw["slip"] = make_slip(unit, etype)
    category = kw.pop(
        "category",
        {
            "行政编制": "公务员",
            "政法专项编制": "公务员",
            "参公事业编制": "参公人员",
            "事业编制": "专业技术人员",
            "工勤编制": "工勤技能人员",
        }[etype],
    )
    return services.person_enter(
        unit=unit,
        name=name or f"张{n}",
        id_number=kw.pop("id_number", None) or make_id(unit.region.code, birth, n, sex),
        establishment_type=etype,
        category=category,
        entered_on=kw.pop("entered_on", dt.date(2015, 7, 1)),
        actor=actor,
        **kw,
    )


def make_user(
    username: str,
    role: Role | None,
    *,
    regions=(),
    units=(),
    full_name: str = "",
    password: str = "pass12345",
):
    """A user with one role; office roles get regions, liaisons get object permissions on units."""
    groups = ensure_groups()
    user = get_user_model().objects.create_user(username=username, password=password)
    if role is not None:
        user.groups.add(groups[role])
    profile = Profile.objects.create(user=user, full_name=full_name or username, department="测试")
    profile.regions.set(regions)
    for unit in units:
        assign_perm("units.liaise_unit", user, unit)
    return user


def make_partner(username: str, department: str, regions=()):
    """A 协作部门经办人 of ``department`` (组织, 财政 or 人社 by its name) in ``regions``."""
    user = make_user(username, Role.PARTNER, regions=regions, full_name=f"{department}经办人")
    user.profile.department = department
    user.profile.save()
    return user

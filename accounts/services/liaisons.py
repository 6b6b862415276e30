"""Unit liaisons (单位联络员): grant and revoke the object permission ``units.liaise_unit``, and create
liaison accounts for many units at once from a workbook (``liaisons_import``).

A liaison is only ever granted a live 法人 unit (never a 内设机构) of a region the administrator works
for. Every grant and revocation is audited; the import is all-or-nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from guardian.shortcuts import assign_perm, get_perms, remove_perm

from accounts.services.common import account_region_ids, authorize_account, profile_of
from bianzhi import audit
from bianzhi.lib.xlsx import RowError
from bianzhi.roles import Role, authorize, user_roles
from units.choices import Nature, UnitStatus
from units.imports.common import FileReport

PERMISSION = "units.liaise_unit"


def _check_unit(unit) -> None:
    if unit.nature == Nature.DIVISION:
        raise ValidationError({"unit": "联络员只能设在法人单位，不能设在内设机构。"})
    if unit.status != UnitStatus.ACTIVE:
        raise ValidationError({"unit": f"{unit.name}已{unit.status.removeprefix('已')}，不能再设联络员。"})


def _forget(account) -> None:
    account.__dict__.pop("_bianzhi_liaison_units", None)


def is_liaison_of(account, unit) -> bool:
    return "liaise_unit" in get_perms(account, unit)


@transaction.atomic
def liaison_grant(*, account, unit, actor, reason: str = ""):
    """Make ``account`` (a 单位联络员 account the actor manages) a liaison of ``unit``: a live 法人 unit
    of the actor's region. The unit's region is added to the account's regions (it stays listed)."""
    authorize(actor, "grant_roles", region=unit.region)
    if actor is not None and (account.is_superuser or account_region_ids(account)):
        authorize_account(
            actor, account, capability="grant_roles"
        )  # an account of no region yet may be adopted
    _check_unit(unit)
    if Role.LIAISON not in user_roles(account):
        raise ValidationError({"account": "只有“单位联络员”角色的账号可以设为单位联络员。"})
    if not account.is_active:
        raise ValidationError({"account": "该账号已停用，请先启用。"})
    if is_liaison_of(account, unit):
        raise ValidationError({"unit": f"该账号已是{unit.name}的联络员。"})
    assign_perm(PERMISSION, account, unit)
    _forget(account)
    profile_of(account).regions.add(unit.region)
    audit.record(
        actor=actor,
        action="联络员.授权",
        target=account,
        region=unit.region,
        target_repr=f"{account.get_username()} → {unit.name}",
        after={"unit_id": unit.pk, "unit": unit.name},
        reason=reason,
    )
    return account


@transaction.atomic
def liaison_revoke(*, account, unit, actor, reason: str = ""):
    """Take back ``account``'s liaison permission on ``unit`` (a unit of the actor's region)."""
    authorize(actor, "grant_roles", region=unit.region)
    if not is_liaison_of(account, unit):
        raise ValidationError({"unit": f"该账号不是{unit.name}的联络员。"})
    remove_perm(PERMISSION, account, unit)
    _forget(account)
    audit.record(
        actor=actor,
        action="联络员.撤销",
        target=account,
        region=unit.region,
        target_repr=f"{account.get_username()} → {unit.name}",
        before={"unit_id": unit.pk, "unit": unit.name},
        reason=reason,
    )
    return account


# ---- the liaison workbook -------------------------------------------------------------------------------


@dataclass
class IssuedPassword:
    """One line of the printed list: who gets which account for which unit (password once, or empty)."""

    unit: str
    full_name: str
    username: str
    password: str  # empty when an existing account was reused (it keeps its password)
    phone: str = ""


@dataclass
class LiaisonImportReport(FileReport):
    """What the 联络员 workbook import found and did (the first passwords it issued, once)."""

    created: int = 0
    reused: int = 0
    granted: int = 0
    issued: list[IssuedPassword] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        return self._summary(
            f"读取行数 {self.rows_read}，新建账号 {self.created}，沿用已有账号 {self.reused}，"
            f"授权单位 {self.granted}，警告 {len(self.warnings)}"
        )


def liaisons_import(source, *, filename: str, region, actor, dry_run: bool = False) -> LiaisonImportReport:
    """Read the 联络员 workbook (单位名称, 姓名, 手机, 账号) and, when every row is valid, create one
    liaison account per new 账号 (a generated first password each) or reuse an existing liaison account
    with the same 账号 and 姓名, and grant it the row's unit. All-or-nothing; per-row Chinese errors."""
    from accounts.imports import plan_liaisons

    authorize(actor, "grant_roles", region=region)
    report = LiaisonImportReport(filename=filename, dry_run=dry_run)
    plan = plan_liaisons(source, filename=filename, region=region, actor=actor, report=report)
    if plan is None or report.errors or dry_run:
        return report
    try:
        _write_plan(plan, region=region, actor=actor, report=report)
    except (ValidationError, PermissionDenied) as exc:  # a concurrent change: nothing was written
        report.created = report.reused = report.granted = 0
        report.issued = []
        report.errors.append(
            RowError(
                "联络员",
                1,
                "",
                "写入时与同时进行的其他操作冲突，未写入任何数据："
                + "；".join(getattr(exc, "messages", [str(exc)])),
            )
        )
    return report


@transaction.atomic
def _write_plan(plan, *, region, actor, report: LiaisonImportReport) -> None:
    from accounts.services.users import account_create

    for person in plan:
        if person.existing is None:
            account, password = account_create(
                username=person.username,
                full_name=person.full_name,
                phone=person.phone,
                department=person.units[0].name,
                role=Role.LIAISON,
                regions=[region],
                actor=actor,
            )
            report.created += 1
        else:
            account, password = person.existing, ""
            report.reused += 1
        for unit in person.units:
            liaison_grant(account=account, unit=unit, actor=actor, reason=f"联络员名单 {report.filename}")
            report.granted += 1
            report.issued.append(
                IssuedPassword(unit.name, person.full_name, person.username, password, person.phone)
            )
    audit.record(
        actor=actor,
        action="联络员.批量导入",
        region=region,
        target_repr=report.filename[:300],
        after={
            "rows": report.rows_read,
            "created": report.created,
            "reused": report.reused,
            "granted": report.granted,
        },
    )

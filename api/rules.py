"""Who may hold an API token, and with which scope — checked when the token is issued
(``api.services.token_issue``: a Chinese ValidationError) and again on every call (``api.auth``: 401), so
that a token follows its account: an account that loses its role, its region or its department's source
loses its tokens with them."""

from __future__ import annotations

from api.models import SOURCE_LABEL
from bianzhi.lib.idnumbers import full_ids
from bianzhi.roles import can, works_in
from verification.findings.selectors import partner_source

TRIO = ("manage_users", "grant_roles", "read_audit")
# a token may write only for an account whose role writes something through the API
WRITE_CAPABILITIES = ("edit_registry", "send_source", "run_comparison")

ADMIN_REFUSED = "三员分立：系统管理员、安全管理员、审计管理员的账号不能持有接口令牌。"
LIAISON_REFUSED = "单位联络员按单位授权，不能持有接口令牌。"
NO_ROLE = "该账号没有可以使用接口的角色（编办人员或协作部门经办人）。"
REGION_REFUSED = "令牌的区划不在该账号的所辖区划内。"
NO_SOURCE = "该协作部门经办人的所在部门未对应组织、财政或人社部门，不能持有接口令牌。"
WRITE_REFUSED = "该账号的角色只能查阅，令牌不能授予写入权限。"
PERSONAL_REFUSED = "该账号不能查看完整的个人信息，令牌不能授予个人信息范围。"


def is_partner(account) -> bool:
    return can(account, "send_source") and not can(account, "view_registry")


def account_problem(account) -> tuple[str, str] | None:
    """(field, Chinese reason) when the account may hold no token at all."""
    if not account.is_active:
        return "account", "该账号已停用。"
    if any(can(account, cap) for cap in TRIO):
        return "account", ADMIN_REFUSED
    if can(account, "liaise") and not can(account, "view_registry"):
        return "account", LIAISON_REFUSED
    if not (can(account, "view_registry") or can(account, "send_source")):
        return "account", NO_ROLE
    if is_partner(account) and partner_source(account) is None:
        return "account", NO_SOURCE
    return None


def scope_problem(account, *, region, source: str) -> tuple[str, str] | None:
    """(field, Chinese reason) when the account may not hold a token of this region and source."""
    if problem := account_problem(account):
        return problem
    if not works_in(account, region):
        return "region", REGION_REFUSED
    if is_partner(account):
        own = partner_source(account)
        if source != own:
            return "source", f"协作部门经办人的令牌只能用于本部门的数据来源（{SOURCE_LABEL[own]}）。"
    elif source not in SOURCE_LABEL:
        return "source", "数据来源无效。"
    return None


__all__ = ["account_problem", "full_ids", "is_partner", "may_write", "scope_problem"]


def may_write(account) -> bool:
    return any(can(account, cap) for cap in WRITE_CAPABILITIES)

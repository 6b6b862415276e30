"""What an endpoint asks of the call's token (``request.auth``, set by ``api.auth.TokenAuth``).

A token never exceeds its account: every answer here is the token's scope ∩ the account's role
capabilities (``bianzhi.roles``) ∩ the account's regions.

    token = need(request, write=True, capability="send_source")   # 403 in Chinese when not allowed
    units = selectors.units_in(token_region_ids(request))           # 404 outside them: raise not_found()
    rows(request, len(units))                                       # the count in this call's audit row
"""

from __future__ import annotations

from ninja.errors import HttpError

from api import selectors
from api.errors import NOT_FOUND
from api.models import ApiToken
from bianzhi.lib.idnumbers import full_ids
from bianzhi.roles import REFUSALS, can, region_ids

WRITE_REFUSED = "本令牌为只读令牌，不能写入。"
PERSONAL_REFUSED = "本令牌无权查看个人信息（完整的公民身份号码等）。"
REGION_REFUSED = "本令牌的区划不在该账号办理此项业务的范围内。"


def _token(request) -> ApiToken:
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):  # only reachable if an endpoint were mounted without TokenAuth
        raise HttpError(401, "未认证：请提供有效的接口令牌。")
    return token


def need(request, *, write: bool = False, personal: bool = False, capability: str | None = None) -> ApiToken:
    """The call's token; HttpError(403, <中文>) when the token lacks ``write`` or ``personal`` data, or its
    account lacks ``capability`` (bianzhi.roles vocabulary) in the token's region."""
    token = _token(request)
    if write and not token.can_write:
        raise HttpError(403, WRITE_REFUSED)
    if personal and not _personal(request, token):
        raise HttpError(403, PERSONAL_REFUSED)
    if capability is not None:
        if not can(token.account, capability):
            raise HttpError(403, REFUSALS[capability])
        if not can(token.account, capability, region=token.region_id):
            raise HttpError(403, REGION_REFUSED)
    return token


def token_region_ids(request) -> frozenset[int]:
    """The regions this token may read: its region and those below it, within the account's regions
    (``bianzhi.roles.region_ids``). Read once per request."""
    cached = getattr(request, "_api_region_ids", None)
    if cached is None:
        token = _token(request)
        subtree = selectors.region_subtree(token.region_id)
        account = region_ids(token.account)
        cached = subtree if account is None else subtree & account
        request._api_region_ids = cached
    return cached


def token_source(request) -> str:
    """``"org"`` / ``"finance"`` / ``"si"``: the partner source the token is bound to; ``""``: none (an
    office token not narrowed to one source)."""
    return _token(request).source


def _personal(request, token: ApiToken) -> bool:
    return token.personal_data and full_ids(token.account)


def personal(request) -> bool:
    """May this call see unmasked personal data (full ID numbers…): the token was issued with
    ``personal_data`` and its account may see them (``bianzhi.lib.idnumbers.full_ids``)."""
    return _personal(request, _token(request))


def rows(request, n: int) -> None:
    """The number of rows this call read or wrote, for its audit row (call it in every endpoint)."""
    request.api_rows = int(n)


def not_found() -> HttpError:
    """``raise not_found()`` for an object that does not exist or lies outside the token's scope."""
    return HttpError(404, NOT_FOUND)

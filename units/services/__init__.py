"""Every write to the registry. Each service checks the rules, saves, audits and signals.

Callers: views, imports, admin actions and management commands. A ``ValidationError`` carries a
Chinese message for the user; nothing is written when one is raised (``transaction.atomic``).
"""

from units.services.common import (  # noqa: F401
    PERSON_EDITABLE,
    PERSON_FIELDS,
    PERSON_KEY_FIELDS,
    UNIT_DOCUMENTED_CHANGES,
    UNIT_FIELDS,
    _check_date,
    _fail,
    _require_document,
    _today,
)
from units.services.registry import (  # noqa: F401
    check_organ_limit,
    check_type_allowed,
    leader_posts_set,
    limit_allocated,
    limit_balance,
    limit_entry_add,
    organ_count,
    organ_limit,
    organ_limit_set,
    quota_set,
    rank_is_raise,
    type_allowed,
    unit_alias_add,
    unit_create,
    unit_end,
    unit_update,
    validate_unit_shape,
)
from units.services.slips import (  # noqa: F401
    can_request,  # a read, kept here for callers; it lives in units.selectors
    find_slip,
    open_overrides,
    request_approve,
    request_create,
    request_refuse,
    request_withdraw,
    reserved,
    slip_void,
    vacancy,
)
from units.services.staff import (  # noqa: F401
    admit,
    check_division,
    check_person_facts,
    check_post_vacancy,
    check_vacancy,
    is_late,
    occupied,
    person_change_post,
    person_enter,
    person_leave,
    person_transfer,
    person_update,
    post_holders,
)

"""核验编制使用单: the verification codes printed on 编制使用单 and 人员编制管理卡, and reading a code back.

A code is 16 Crockford base-32 characters, shown as ``XXXX-XXXX-XXXX-XXXX``:

- 1 character for the kind (``S`` a 编制使用单, ``K`` a 人员编制管理卡),
- 6 for the row's id (slip id, or the person's id for a card; up to 2³⁰),
- 9 for the check part: 45 bits of an HMAC-SHA256 (key derived from ``SECRET_KEY``, salt
  ``bianzhi.units.slipcheck``) over the kind, the id and the facts the paper states (slip: number, unit,
  establishment type; card: unit and establishment type).

So a code is derived, never stored: every slip and card has one from the moment it exists (no data
migration, no write when a card is printed), and it cannot be guessed or altered: changing any character
breaks the check part (one chance in 2⁴⁵ per try, and every refused try is audited). A card's code names
the person's unit and type, so after a transfer (调动) the old card no longer matches the person's current
stint and reads as 作废 (its check part still matches one of the person's earlier stints).
Rotating ``SECRET_KEY`` invalidates every printed code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

from bianzhi.lib.idnumbers import full_ids, show_id
from bianzhi.roles import can, region_ids
from units.choices import SlipStatus
from units.models import Department, Movement, Person, SlipAct, SlipActRecord, UseSlip

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})
SLIP, CARD = "S", "K"
KIND_LABEL = {SLIP: "编制使用单", CARD: "人员编制管理卡"}
ID_CHARS, CHECK_CHARS = 6, 9
LENGTH = 1 + ID_CHARS + CHECK_CHARS
VERIFY_PATH = "/slips/verify/"

# Which department does what (录用审批: the 公务员主管部门 for civil-service types, 人社 for 事业/工勤)
HIRE_BY_ORG = ("行政编制", "政法专项编制", "参公事业编制")
ACT_ORDER = (SlipAct.HIRE, SlipAct.PAY, SlipAct.INSURE)
DEPARTMENT_WORDS = (
    (Department.ORG, ("组织",)),
    (Department.FINANCE, ("财政",)),
    (Department.SI, ("人社", "人力资源", "社会保障")),
)

# Refusals (the page shows them; the API answers 404 with them; both audited as 核验.失败)
MALFORMED = "核验码格式有误：应为16位字母和数字（如 S000-01AB-CDEF-GHJK）。"
UNKNOWN = "核验码有误：系统中没有与之相符的编制使用单或人员编制管理卡（可能输入有误、被伪造或篡改）。"


class CodeRefused(Exception):
    """A code that is malformed, unknown, altered or outside the caller's regions."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message, self.reason = message, reason


# ---- codes ----------------------------------------------------------------------------------------


def _b32(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 32)
        out.append(ALPHABET[r])
    return "".join(reversed(out))


def _int(text: str) -> int:
    n = 0
    for ch in text:
        n = n * 32 + ALPHABET.index(ch)
    return n


def _check(kind: str, pk: int, facts: tuple) -> str:
    value = "|".join([kind, str(pk), *map(str, facts)])
    digest = salted_hmac("bianzhi.units.slipcheck", value, algorithm="sha256").digest()
    return _b32(int.from_bytes(digest[:8], "big") >> (64 - 5 * CHECK_CHARS), CHECK_CHARS)


def _code(kind: str, pk: int, facts: tuple) -> str:
    if pk >= 32**ID_CHARS:
        raise ValueError("id too large for a verification code")
    return kind + _b32(pk, ID_CHARS) + _check(kind, pk, facts)


def _slip_facts(slip: UseSlip) -> tuple:
    return (slip.number, slip.unit_id, slip.establishment_type)


def slip_code(slip: UseSlip) -> str:
    """The slip's verification code (16 characters, unformatted)."""
    return _code(SLIP, slip.pk, _slip_facts(slip))


def card_code(person: Person) -> str:
    """The code of the person's card as printed now: their current unit and type."""
    return _code(CARD, person.pk, (person.unit_id, person.establishment_type))


def pretty(code: str) -> str:
    """``S00001ABCDEFGHJK`` → ``S000-01AB-CDEF-GHJK``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise(text: str) -> str | None:
    """What the user typed or scanned (a bare code, dashed, lower case, O for 0, or the whole verification
    URL) as a 16-character code, or None when it cannot be one."""
    text = (text or "").strip()
    if "code=" in text:
        text = text.split("code=", 1)[1].split("&", 1)[0]
    code = "".join(ch for ch in text.upper() if ch not in " -\t").translate(TYPO)
    if len(code) != LENGTH or code[0] not in (SLIP, CARD) or any(ch not in ALPHABET for ch in code):
        return None
    return code


def verify_url(code: str) -> str:
    """What the QR code holds: the verification page with the code (``SITE_URL`` in front when set)."""
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{VERIFY_PATH}?code={pretty(code)}"


# ---- reading a code back ---------------------------------------------------------------------------


@dataclasses.dataclass
class Check:
    """What a verifier reads about one code."""

    kind: str  # SLIP or CARD
    code: str
    state: str  # slip: 有效 / 已使用 / 已作废 / 已过期; card: 有效 / 已作废
    state_note: str
    region_id: int
    region: object
    unit_name: str
    establishment_type: str
    slip: UseSlip | None = None
    person: Person | None = None
    acts: list[SlipActRecord] = dataclasses.field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return KIND_LABEL[self.kind]

    @property
    def pretty_code(self) -> str:
        return pretty(self.code)

    @property
    def target(self):
        return self.slip if self.slip is not None else self.person


def verifier_region_ids(user) -> frozenset[int] | None:
    """The regions whose slips ``user`` may verify (their profile's; None: every region, superuser)."""
    return region_ids(user)


def check_code(text: str, *, regions: frozenset[int] | None, today: dt.date | None = None) -> Check:
    """Read a code back. ``regions``: the caller's region ids (None: all). Raises ``CodeRefused``:
    malformed; unknown id, check part not matching (forged or altered) or outside ``regions``."""
    code = normalise(text)
    if code is None:
        raise CodeRefused(MALFORMED, "格式有误")
    kind, pk = code[0], _int(code[1 : 1 + ID_CHARS])
    today = today or timezone.localdate()
    found = _slip_check(code, pk, today) if kind == SLIP else _card_check(code, pk)
    if found is None:
        raise CodeRefused(UNKNOWN, "无此编制使用单或核验码不符")
    if regions is not None and found.region_id not in regions:
        raise CodeRefused(UNKNOWN, "其他区划")
    return found


def _slip_check(code: str, pk: int, today: dt.date) -> Check | None:
    slip = UseSlip.objects.select_related("unit", "region", "person", "request").filter(pk=pk).first()
    if slip is None or not hmac.compare_digest(slip_code(slip), code):
        return None
    state = slip.state_on(today)
    notes = {
        SlipStatus.VALID: f"未使用，有效期至{slip.valid_until:%Y-%m-%d}",
        "已过期": f"未使用，已于{slip.valid_until:%Y-%m-%d}过期",
        SlipStatus.USED: f"已于{slip.used_on:%Y-%m-%d}办理入编" if slip.used_on else "已办理入编",
        SlipStatus.VOID: f"已作废：{slip.void_reason}",
    }
    return Check(
        kind=SLIP,
        code=code,
        state=state,
        state_note=notes.get(state, ""),
        region_id=slip.region_id,
        region=slip.region,
        unit_name=slip.unit.name,
        establishment_type=slip.establishment_type,
        slip=slip,
        person=slip.person,
        acts=list(slip.acts.order_by("recorded_at", "id")),
    )


def _card_check(code: str, pk: int) -> Check | None:
    person = Person.objects.select_related("unit", "unit__region").filter(pk=pk).first()
    if person is None:
        return None
    if hmac.compare_digest(card_code(person), code):
        state, note = (
            ("有效", "在编") if person.in_establishment else ("已作废", f"已于{person.left_on:%Y-%m-%d}出编")
        )
    elif _earlier_stint(person, code):
        state, note = "已作废", "人员已调动或编制类型已变更，此卡已被新卡取代"
    else:
        return None
    return Check(
        kind=CARD,
        code=code,
        state=state,
        state_note=note,
        region_id=person.unit.region_id,
        region=person.unit.region,
        unit_name=person.unit.name,
        establishment_type=person.establishment_type,
        person=person,
    )


def _earlier_stint(person: Person, code: str) -> bool:
    """The code is one of the person's earlier cards: a unit and type they held before a 调动, a 机构改革 or
    a corrected type (every movement records the unit and type it moved from and to)."""
    pairs = set()
    for m in Movement.objects.filter(person=person).values("from_unit", "from_type", "to_unit", "to_type"):
        pairs.add((m["from_unit"], m["from_type"]))
        pairs.add((m["to_unit"], m["to_type"]))
    return any(
        hmac.compare_digest(_code(CARD, person.pk, (unit_id, etype)), code)
        for unit_id, etype in pairs
        if unit_id and etype
    )


# ---- who may do what, and what a verifier sees ----------------------------------------------------


def department_of(user) -> str | None:
    """The department (org / finance / si) a partner clerk works for, from their profile's department
    (docs/decisions.md #11: 组织 → org, 财政 → finance, 人社 / 人力资源 / 社会保障 → si), or None."""
    if not can(user, "record_slip_acts"):
        return None
    profile = getattr(user, "profile", None)
    name = profile.department if profile else ""
    for department, words in DEPARTMENT_WORDS:
        if any(w in name for w in words):
            return department
    return None


def act_department(act: str, establishment_type: str) -> str:
    """Who records ``act`` on a slip of this type: 录用审批 by 组织部门 for 行政/政法专项/参公 and by 人社部门
    for 事业/工勤; 工资起薪 by 财政部门; 参保登记 by 人社部门."""
    if act == SlipAct.HIRE:
        return Department.ORG if establishment_type in HIRE_BY_ORG else Department.SI
    return Department.FINANCE if act == SlipAct.PAY else Department.SI


def open_acts(check: Check, department: str | None) -> list[str]:
    """The acts ``department`` may still record on this slip (not yet recorded; the slip's state allows)."""
    if check.slip is None or department is None or check.state in (SlipStatus.VOID, "已过期"):
        return []
    done = {a.act for a in check.acts}
    used = check.state == SlipStatus.USED
    return [
        act
        for act in ACT_ORDER
        if act not in done
        and act_department(act, check.establishment_type) == department
        and (used or act == SlipAct.HIRE)
    ]


def shown_unit(check: Check, user) -> str:
    """The unit's name, or 涉密单位 for a partner reading a confidential unit (DOMAIN.md §8)."""
    unit = check.slip.unit if check.slip is not None else check.person.unit if check.person else None
    if unit is not None and unit.is_confidential and not can(user, "view_registry"):
        return "涉密单位"
    return check.unit_name


def person_id_shown(check: Check, user, *, personal: bool | None = None) -> str:
    """The person's ID number, masked unless the reader may see it in full (``personal`` overrides)."""
    if check.person is None:
        return ""
    full = full_ids(user) if personal is None else personal
    return show_id(check.person.id_number, full=full)


def slips_with_acts(slips) -> dict[int, list[SlipActRecord]]:
    """The acts recorded on each of ``slips`` (one query), for the slip list and the request page."""
    ids = [s.pk for s in slips]
    out: dict[int, list[SlipActRecord]] = {pk: [] for pk in ids}
    for act in SlipActRecord.objects.filter(slip_id__in=ids).order_by("recorded_at", "id"):
        out[act.slip_id].append(act)
    return out

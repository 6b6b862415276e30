"""What a unit answers and may propose: the self-check lines and their answers, and the targets a
correction proposal may change, each by its Chinese name (never a field's code name)."""

from __future__ import annotations

from django.db.models import Case, CharField, F, QuerySet, Value, When

from units.choices import EstablishmentType, PostCategory
from units.models import Person, Unit
from verification.campaign.models import CampaignUnit, CorrectionProposal, SelfCheckItem

ITEM_ANSWERS = {
    SelfCheckItem.Item.UNITS: ("相符", "不相符"),
    SelfCheckItem.Item.QUOTAS: ("相符", "不相符"),
    SelfCheckItem.Item.POSTS: ("相符", "不相符"),
    SelfCheckItem.Item.STAFF: ("相符", "不相符"),
    SelfCheckItem.Item.BUDGET: ("无差异", "有差异"),
}
NEEDS_TEXT = ("不相符", "有差异")
PERSON_PROPOSABLE = ("name", "title", "grade", "education", "political_status", "ethnicity", "duty_status")
UNIT_PROPOSABLE = ("duties", "township", "credit_code")


def _field_label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def proposal_targets() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """What a correction may change, by kind: (kind, kind label, [(target, Chinese label)]). The form
    offers exactly these; ``proposal_create`` still refuses anything else."""
    Kind = CorrectionProposal.Kind
    return [
        (Kind.QUOTA, Kind.QUOTA.label, [(t, t) for t in EstablishmentType.values]),
        (Kind.POSTS, Kind.POSTS.label, [(c, c) for c in PostCategory.values]),
        (Kind.PERSON, Kind.PERSON.label, [(f, _field_label(Person, f)) for f in PERSON_PROPOSABLE]),
        (Kind.UNIT, Kind.UNIT.label, [(f, _field_label(Unit, f)) for f in UNIT_PROPOSABLE]),
    ]


def target_label(kind: str, target: str) -> str:
    """The Chinese name of a proposal's target (the field's verbose name for person and unit fields)."""
    for k, _label, targets in proposal_targets():
        if k == kind:
            return dict(targets).get(target, target)
    return target


def current_value(cu: CampaignUnit, kind: str, target: str, person: Person | None) -> str:
    """The value a proposal would change, as the campaign knows it (the snapshot's figure, or the
    person's or unit's field)."""
    snap = cu.snapshot
    if kind == CorrectionProposal.Kind.QUOTA:
        return str(snap.get("quotas", {}).get(target, 0))
    if kind == CorrectionProposal.Kind.POSTS:
        return str(snap.get("posts", {}).get(target, 0))
    obj = person if kind == CorrectionProposal.Kind.PERSON else cu.unit
    return str(getattr(obj, target, "") or "")


def proposals_of(cu: CampaignUnit) -> QuerySet[CorrectionProposal]:
    """The unit's correction proposals, each annotated with ``target_label``: its target's Chinese name
    (a person's or unit's field by its verbose name — never the code name, e.g. 学历 for "education")."""
    whens = [
        When(kind=kind, target=target, then=Value(label))
        for kind, _kind_label, targets in proposal_targets()
        for target, label in targets
        if target != label
    ]
    return cu.proposals.select_related("person").annotate(
        target_label=Case(*whens, default=F("target"), output_field=CharField())
    )

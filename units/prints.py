"""The printed certificates: 编制使用单, 机构编制管理证, 人员编制管理卡 (PDF, A4, audited).

The 编制使用单 and the 人员编制管理卡 carry a QR code of their verification URL and the verification code
in text beside it (``units.selectors.slipcheck``), which partners check on the 核验编制使用单 page or by API."""

from __future__ import annotations

from django.utils import timezone

from bianzhi.lib.idnumbers import full_ids, show_id
from bianzhi.lib.pdf import render_pdf
from units.choices import Nature, UnitStatus
from units.models import Person, Unit, UseSlip
from units.selectors import establishment_for, type_line
from units.selectors.slipcheck import card_code, pretty, slip_code, verify_url


def verification(code: str) -> dict[str, str]:
    """The QR code (PNG data URI: weasyprint embeds it as an image) and the code, for the print's corner."""
    import segno  # imported late, like weasyprint: only printing needs it

    url = verify_url(code)
    qr = segno.make(url, error="m")
    return {"code": pretty(code), "url": url, "qr": qr.png_data_uri(scale=6, border=2)}


def office_name(region) -> str:
    return f"中共{region.name}县委机构编制委员会办公室" if not region.name.endswith("县委") else region.name


def slip_pdf(slip: UseSlip, *, actor) -> bytes:
    figures = type_line(slip.unit, slip.establishment_type)
    context = {
        "slip": slip,
        "figures": figures,
        "state": slip.state_on(timezone.localdate()),
        "office_name": office_name(slip.region),
        "verify": verification(slip_code(slip)),
    }
    return render_pdf(
        "units/print/slip.html",
        context,
        actor=actor,
        action="打印.编制使用单",
        target=slip,
        region=slip.region,
    )


def certificate_pdf(unit: Unit, *, actor) -> bytes:
    est = establishment_for([unit])[unit.pk]
    context = {
        "unit": unit,
        "est": est,
        "vacancy_total": est.approved_total - est.occupied_total,
        "aliases": list(unit.aliases.values_list("name", flat=True)),
        "divisions": unit.children.filter(nature=Nature.DIVISION, status=UnitStatus.ACTIVE).order_by(
            "sort_order", "id"
        ),
        "certificate_number": f"{unit.region.code}-{unit.pk:06d}",
        "issued_on": timezone.localdate(),
        "office_name": office_name(unit.region),
    }
    return render_pdf(
        "units/print/certificate.html", context, actor=actor, action="打印.机构编制管理证", target=unit
    )


def person_card_pdf(person: Person, *, actor) -> bytes:
    context = {
        "person": person,
        "id_shown": show_id(person.id_number, full=full_ids(actor)),
        "movements": person.movements.select_related("from_unit", "to_unit").order_by("occurred_on", "id"),
        "office_name": office_name(person.unit.region),
        "verify": verification(card_code(person)),
    }
    return render_pdf(
        "units/print/person_card.html",
        context,
        actor=actor,
        action="打印.人员编制管理卡",
        target=person,
        region=person.unit.region,
    )

"""核验编制使用单 (issue 16 point 2): codes on the prints, reading them back, forged codes, partner acts."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
import time_machine
import zxingcpp
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from PIL import Image

from bianzhi.models import AuditEntry
from tests.browser import ARTIFACTS
from tests.builders.registry import make_partner, make_person, make_slip, make_unit
from units import prints, services
from units.models import SlipActRecord
from units.selectors import slipcheck
from units.selectors.slipcheck import ALPHABET, CodeRefused, card_code, check_code, pretty, slip_code
from units.services.slipcheck import slip_act_record, verification_log

TODAY = dt.date.today()


def decode_pdf_qr(pdf: bytes, tmp_path, keep: str = "") -> str:
    """Render the PDF's first page at 200 dpi (poppler) and decode its QR code (zxing-cpp); ``keep``: also
    save the page as tests/artifacts/<keep>.png to look at."""
    (tmp_path / "doc.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "doc.pdf", "page"], cwd=tmp_path, check=True
    )
    page = next(tmp_path.glob("page*.png"))
    if keep:
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(page, ARTIFACTS / f"{keep}.png")
    image = Image.open(page)
    found = [b for b in zxingcpp.read_barcodes(image) if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1, f"{len(found)} QR codes on the page"
    return found[0].text


def pdf_text(pdf: bytes, tmp_path) -> str:
    (tmp_path / "t.pdf").write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "t.pdf", "-"], cwd=tmp_path, check=True, capture_output=True, text=True
    ).stdout


# ---- codes --------------------------------------------------------------------------------------------


def test_code_shape_and_round_trip(unit_a):
    slip = make_slip(unit_a)
    code = slip_code(slip)
    assert len(code) == 16 and code[0] == "S" and set(code) <= set(ALPHABET)
    assert pretty(code).count("-") == 3
    check = check_code(pretty(code).lower().replace("0", "o"), regions=None)  # typed loosely
    assert check.slip == slip and check.state == "有效" and check.unit_name == "漳县财政局"
    assert check_code(f"http://intranet/slips/verify/?code={pretty(code)}", regions=None).slip == slip


def test_every_altered_character_is_refused(unit_a):
    code = slip_code(make_slip(unit_a))
    for i in range(1, 16):
        other = ALPHABET[(ALPHABET.index(code[i]) + 1) % 32]
        with pytest.raises(CodeRefused) as refused:
            check_code(code[:i] + other + code[i + 1 :], regions=None)
        assert refused.value.message == slipcheck.UNKNOWN


@pytest.mark.parametrize(
    "text", ["", "12345", "S000-01AB", "X0000001ABCDEFGHJ", "S00000!ABCDEFGHJK", "S0000U1ABCDEFGHJK"]
)
def test_malformed_codes_are_refused(db, text):
    with pytest.raises(CodeRefused) as refused:
        check_code(text, regions=None)
    assert refused.value.message == slipcheck.MALFORMED


def test_a_well_formed_code_of_no_slip_is_refused(db):
    with pytest.raises(CodeRefused) as refused:
        check_code("S" + "ZZZZZZ" + "0123456789"[:9], regions=None)
    assert refused.value.reason == "无此编制使用单或核验码不符"


def test_other_region_reads_as_unknown(unit_a, other_region):
    code = slip_code(make_slip(unit_a))
    with pytest.raises(CodeRefused):
        check_code(code, regions=frozenset({other_region.pk}))
    assert check_code(code, regions=frozenset({unit_a.region_id})).slip is not None


def test_slip_states(unit_a, office_staff):
    slip = make_slip(unit_a)
    used = make_slip(unit_a)
    person = make_person(unit_a, slip=used)
    void = services.slip_void(slip=make_slip(unit_a), actor=office_staff, reason="单位撤回")
    assert check_code(slip_code(slip), regions=None).state == "有效"
    check = check_code(slip_code(used), regions=None)
    assert check.state == "已使用" and check.person == person
    assert check_code(slip_code(void), regions=None).state == "已作废"
    with time_machine.travel(slip.valid_until + dt.timedelta(days=2)):
        assert check_code(slip_code(slip), regions=None).state == "已过期"


def test_card_valid_then_superseded_by_transfer_then_void_on_leaving(unit_a, unit_b, region, office_staff):
    other = make_unit(region, "漳县审计局", quotas={"行政编制": 2})
    person = make_person(unit_a)
    old = card_code(person)
    check = check_code(old, regions=None)
    assert check.kind == "K" and check.state == "有效" and check.person == person
    services.person_transfer(
        person=person,
        to_unit=other,
        establishment_type="行政编制",
        occurred_on=TODAY,
        actor=office_staff,
        slip=make_slip(other),
    )
    person.refresh_from_db()
    superseded = check_code(old, regions=None)
    assert superseded.state == "已作废" and "取代" in superseded.state_note
    new = card_code(person)
    assert new != old and check_code(new, regions=None).state == "有效"
    services.person_leave(person=person, left_on=TODAY, leave_reason="退休", actor=office_staff)
    assert check_code(new, regions=None).state == "已作废"


def test_card_superseded_by_a_corrected_type(unit_a, office_staff):
    person = make_person(unit_a)
    old = card_code(person)
    services.person_update(
        person=person, actor=office_staff, reason="编制类型登记有误", establishment_type="工勤编制"
    )
    person.refresh_from_db()
    assert check_code(old, regions=None).state == "已作废"
    assert check_code(card_code(person), regions=None).state == "有效"


# ---- the prints carry the code and its QR code --------------------------------------------------------


def test_slip_pdf_qr_decodes_to_the_verification_url(unit_a, office_staff, tmp_path, settings):
    settings.SITE_URL = "https://bianzhi.example.gov.cn"
    slip = make_slip(unit_a)
    pdf = prints.slip_pdf(slip, actor=office_staff)
    url = decode_pdf_qr(pdf, tmp_path, keep="slip_verify_slip_pdf")
    assert url == f"https://bianzhi.example.gov.cn/slips/verify/?code={pretty(slip_code(slip))}"
    assert pretty(slip_code(slip)) in pdf_text(pdf, tmp_path)
    assert check_code(url, regions=None).slip == slip  # scanned → verified


def test_person_card_pdf_carries_its_code(unit_a, office_staff, tmp_path):
    person = make_person(unit_a)
    pdf = prints.person_card_pdf(person, actor=office_staff)
    url = decode_pdf_qr(pdf, tmp_path, keep="slip_verify_card_pdf")
    assert url == f"/slips/verify/?code={pretty(card_code(person))}"
    assert check_code(url, regions=None).person == person


# ---- audit -------------------------------------------------------------------------------------------


def test_verification_log_writes_read_and_refusal_rows(unit_a, org_clerk):
    slip = make_slip(unit_a)
    verification_log(actor=org_clerk, code=slip_code(slip), check=check_code(slip_code(slip), regions=None))
    verification_log(actor=org_clerk, code="S0000-FORGED", check=None, refusal=slipcheck.MALFORMED)
    read = AuditEntry.objects.get(action="核验.查询")
    assert read.actor == org_clerk and read.target_id == str(slip.pk) and read.region == unit_a.region
    failed = AuditEntry.objects.get(action="核验.失败")
    assert (
        failed.actor == org_clerk
        and failed.after["code"] == "S0000-FORGED"
        and failed.reason == slipcheck.MALFORMED
    )


# ---- partner acts ------------------------------------------------------------------------------------


def test_the_departments_act_in_order(unit_a, org_clerk, finance_clerk, si_clerk):
    slip = make_slip(unit_a)  # 行政编制: 录用审批 by 组织部门
    hire = slip_act_record(slip=slip, act="录用审批", done_on=TODAY, actor=org_clerk, note="考录")
    assert hire.department == "org" and hire.actor_name == "中共漳县县委组织部经办人"
    with pytest.raises(ValidationError, match="尚未办理入编"):
        slip_act_record(slip=slip, act="工资起薪", done_on=TODAY, actor=finance_clerk)
    make_person(unit_a, slip=slip)
    slip_act_record(slip=slip, act="工资起薪", done_on=TODAY, actor=finance_clerk)
    slip_act_record(slip=slip, act="参保登记", done_on=TODAY, actor=si_clerk)
    assert list(SlipActRecord.objects.filter(slip=slip).values_list("act", flat=True)) == [
        "录用审批",
        "工资起薪",
        "参保登记",
    ]
    rows = AuditEntry.objects.filter(action="编制使用单.部门办理", target_id=str(slip.pk))
    assert rows.count() == 3 and {r.actor for r in rows} == {org_clerk, finance_clerk, si_clerk}
    check = check_code(slip_code(slip), regions=None)
    assert [a.act for a in check.acts] == ["录用审批", "工资起薪", "参保登记"]


def test_hire_of_public_institution_is_si(unit_b, org_clerk, si_clerk):
    slip = make_slip(unit_b)  # 事业编制: 录用审批 by 人社部门
    with pytest.raises(ValidationError, match="由人社部门登记"):
        slip_act_record(slip=slip, act="录用审批", done_on=TODAY, actor=org_clerk)
    assert slip_act_record(slip=slip, act="录用审批", done_on=TODAY, actor=si_clerk).department == "si"


def test_act_refusals(unit_a, org_clerk, finance_clerk, office_staff, other_region):
    slip = make_slip(unit_a)
    with pytest.raises(ValidationError, match="由财政部门登记"):
        slip_act_record(slip=slip, act="工资起薪", done_on=TODAY, actor=org_clerk)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        slip_act_record(slip=slip, act="录用审批", done_on=TODAY + dt.timedelta(days=1), actor=org_clerk)
    with pytest.raises(ValidationError, match="不能早于编制使用单的核准日期"):
        slip_act_record(slip=slip, act="录用审批", done_on=TODAY - dt.timedelta(days=1), actor=org_clerk)
    slip_act_record(slip=slip, act="录用审批", done_on=TODAY, actor=org_clerk)
    with pytest.raises(ValidationError, match="已经登记过"):
        slip_act_record(slip=slip, act="录用审批", done_on=TODAY, actor=org_clerk)
    with pytest.raises(PermissionDenied):  # the office reads the acts, it does not record them
        slip_act_record(slip=slip, act="录用审批", done_on=TODAY, actor=office_staff)
    outsider = make_partner("org2", "安定区委组织部", [other_region])
    with pytest.raises(PermissionDenied):
        slip_act_record(slip=make_slip(unit_a), act="录用审批", done_on=TODAY, actor=outsider)
    void = services.slip_void(slip=make_slip(unit_a), actor=office_staff, reason="撤回")
    with pytest.raises(ValidationError, match="已作废"):
        slip_act_record(slip=void, act="录用审批", done_on=TODAY, actor=org_clerk)
    expiring = make_slip(unit_a)
    with time_machine.travel(expiring.valid_until + dt.timedelta(days=1)):
        with pytest.raises(ValidationError, match="过期未使用"):
            slip_act_record(slip=expiring, act="录用审批", done_on=TODAY, actor=org_clerk)
    assert SlipActRecord.objects.count() == 1
    assert AuditEntry.objects.filter(action="编制使用单.部门办理").count() == 1


def test_open_acts_follow_department_and_state(unit_a, org_clerk, finance_clerk):
    slip = make_slip(unit_a)
    check = check_code(slip_code(slip), regions=None)
    assert slipcheck.open_acts(check, "org") == ["录用审批"]
    assert slipcheck.open_acts(check, "finance") == []  # not used yet
    make_person(unit_a, slip=slip)
    check = check_code(slip_code(slip), regions=None)
    assert slipcheck.open_acts(check, "finance") == ["工资起薪"]
    assert slipcheck.open_acts(check, "si") == ["参保登记"]
    assert slipcheck.department_of(finance_clerk) == "finance" and slipcheck.department_of(org_clerk) == "org"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row-lock races need PostgreSQL (CI runs them there)"
)
def test_two_clerks_racing_to_record_the_same_act_record_it_once():
    from tests.builders.registry import make_region
    from tests.test_concurrency import race

    region = make_region()
    unit = make_unit(region, "漳县统计局", quotas={"行政编制": 2})
    slip = make_slip(unit)
    clerks = [make_partner(f"org_race{i}", "中共漳县县委组织部", [region]) for i in range(2)]
    wins, refusals = race(
        [lambda c=c: slip_act_record(slip=slip, act="录用审批", done_on=TODAY, actor=c) for c in clerks]
    )
    assert len(wins) == 1 and len(refusals) == 1 and "已经登记过" in refusals[0]
    assert SlipActRecord.objects.filter(slip=slip).count() == 1

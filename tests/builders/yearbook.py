"""What the URL walk (tests/test_url_walk.py) needs from the `yearbook` app: the registry object each of
its ``pk`` URLs names (``URL_PK_KIND``: URL name → key of ``url_objects``), and one of each such object
belonging to unit A (``url_objects``); and a small county with a year of changes (``county_2021``) that the
yearbook tests count by hand."""

from __future__ import annotations

import datetime as dt

from tests.builders.registry import make_document, make_person, make_unit
from units import services
from units.choices import Nature

URL_PK_KIND: dict[str, str] = {
    "yearbook:report_detail": "year_report",
    "yearbook:report_compare": "year_report",
    "yearbook:report_export": "year_report",
    "yearbook:report_print": "year_report",
    "yearbook:report_submit": "year_report",
}


def url_objects(unit) -> dict:
    """One of each object the app's URLs name, of ``unit`` (unit A of the walk)."""
    from yearbook.services import report_generate

    return {"year_report": report_generate(region=unit.region, year=2021, actor=None)}


def county_2021(region, staff) -> dict:
    """A county with a year of changes, every step through the services:

    - 漳县财政局 (行政机关, 正科级): 行政编制 5, 工勤编制 1; posts 1 正职 2 副职; 3 people at the start of
      2021 (one 单位正职, one 军转 in 行政编制, one 工勤); in 2021 one enters (考录, 2021-03-01) and one
      retires (2021-06-30); its 行政编制 rises to 6 on 2021-05-01 (漳编发〔2021〕5号).
    - 漳县疾控中心 (事业单位, 公益一类): 事业编制 8; 2 people, one of them 回族.
    - 漳县档案馆 (事业单位), founded 2021-04-01 with 事业编制 3 and one person entered in 2021.
    - 漳县旧站 (事业单位) with 事业编制 2, abolished 2021-10-01 after its one person transferred out
      (2021-09-01) to the 疾控中心.
    - after the year: in 2022 one more enters the 财政局 and its 行政编制 rises to 8; the 疾控中心's 回族
      person is transferred to the 档案馆 — none of which may show in 2021's figures.
    """
    d2020 = make_document(region, "漳编发〔2020〕1号", issued_on=dt.date(2020, 1, 1), actor=staff)
    finance = make_unit(
        region,
        "漳县财政局",
        quotas={"行政编制": 5, "工勤编制": 1},
        posts={"单位正职": 1, "单位副职": 2},
        document=d2020,
        actor=staff,
        rank="正科级",
    )
    services.quota_set(
        unit=finance,
        establishment_type="行政编制",
        approved=5,
        military_earmark=1,
        document=d2020,
        actor=staff,
    )
    cdc = make_unit(
        region,
        "漳县疾控中心",
        nature=Nature.PUBLIC_INSTITUTION,
        quotas={"事业编制": 8},
        document=d2020,
        actor=staff,
    )
    old = make_unit(
        region,
        "漳县旧站",
        nature=Nature.PUBLIC_INSTITUTION,
        quotas={"事业编制": 2},
        document=d2020,
        actor=staff,
    )
    chief = make_person(
        finance, actor=staff, leader_post="单位正职", entered_on=dt.date(2018, 1, 1), entry_method="考录"
    )
    soldier = make_person(
        finance,
        actor=staff,
        is_military_transfer=True,
        entered_on=dt.date(2019, 1, 1),
        entry_method="军转安置",
    )
    worker = make_person(
        finance,
        actor=staff,
        establishment_type="工勤编制",
        entered_on=dt.date(2016, 1, 1),
        sex="女",
        birth=dt.date(1960, 3, 1),
    )
    hui = make_person(cdc, actor=staff, ethnicity="回族", education="研究生", entered_on=dt.date(2017, 1, 1))
    make_person(
        cdc, actor=staff, education="大学本科", political_status="中共党员", entered_on=dt.date(2017, 1, 1)
    )
    mover = make_person(old, actor=staff, entered_on=dt.date(2015, 1, 1), entry_method="招聘")

    d2021 = make_document(region, "漳编发〔2021〕5号", issued_on=dt.date(2021, 5, 1), actor=staff)
    services.quota_set(
        unit=finance,
        establishment_type="行政编制",
        approved=6,
        military_earmark=1,
        document=d2021,
        actor=staff,
    )
    newcomer = make_person(finance, actor=staff, entered_on=dt.date(2021, 3, 1), entry_method="考录")
    services.person_leave(
        person=worker, left_on=dt.date(2021, 6, 30), leave_reason="退休", actor=staff, doc_number="退休2021-1"
    )
    founding = make_document(region, "漳编发〔2021〕7号", issued_on=dt.date(2021, 4, 1), actor=staff)
    archive = services.unit_create(
        region=region,
        name="漳县档案馆",
        nature=Nature.PUBLIC_INSTITUTION,
        system="政府",
        funding="全额拨款",
        institution_class="公益一类",
        parent=None,
        document=founding,
        actor=staff,
        founded_on=dt.date(2021, 4, 1),
    )
    services.quota_set(
        unit=archive, establishment_type="事业编制", approved=3, document=founding, actor=staff
    )
    archivist = make_person(
        archive, actor=staff, entered_on=dt.date(2021, 4, 15), entry_method="招聘", sex="女"
    )
    from tests.builders.registry import make_slip

    services.person_transfer(
        person=mover,
        to_unit=cdc,
        establishment_type="事业编制",
        occurred_on=dt.date(2021, 9, 1),
        actor=staff,
        slip=make_slip(cdc),
        doc_number="调动2021-1",
    )
    ending = make_document(region, "漳编发〔2021〕9号", issued_on=dt.date(2021, 10, 1), actor=staff)
    services.unit_end(
        unit=old, status="已撤销", occurred_on=dt.date(2021, 10, 1), document=ending, actor=staff
    )
    return {
        "finance": finance,
        "cdc": cdc,
        "old": old,
        "archive": archive,
        "chief": chief,
        "soldier": soldier,
        "worker": worker,
        "hui": hui,
        "mover": mover,
        "newcomer": newcomer,
        "archivist": archivist,
    }


def after_2021(region, staff, county: dict) -> None:
    """Changes in 2022 that 2021's report must not show (see ``county_2021``)."""
    from tests.builders.registry import make_slip

    d2022 = make_document(region, "漳编发〔2022〕2号", issued_on=dt.date(2022, 2, 1), actor=staff)
    services.quota_set(
        unit=county["finance"],
        establishment_type="行政编制",
        approved=8,
        military_earmark=1,
        document=d2022,
        actor=staff,
    )
    make_person(county["finance"], actor=staff, entered_on=dt.date(2022, 3, 1), entry_method="考录")
    services.person_transfer(
        person=county["hui"],
        to_unit=county["archive"],
        establishment_type="事业编制",
        occurred_on=dt.date(2022, 5, 1),
        actor=staff,
        slip=make_slip(county["archive"]),
        doc_number="调动2022-1",
    )

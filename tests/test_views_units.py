"""Registry pages: the permission matrix, each write's state change and audit row, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bianzhi.lib.idnumbers import make_id, mask_id
from bianzhi.models import AuditEntry
from tests.builders.registry import make_document, make_person, make_slip, make_unit, office_approver
from units.choices import Nature, UnitStatus
from units.models import LeaderPostQuota, Person, Quota, Unit

READ_OBJECT_VIEWS = [("units:unit_detail", "unit"), ("units:person_detail", "person")]
LIST_VIEWS = ["units:unit_list", "units:person_list"]
WRITE_VIEWS = [
    ("units:unit_create", None),
    ("units:unit_edit", "unit"),
    ("units:unit_end", "unit"),
    ("units:quota_change", "unit"),
    ("units:posts_change", "unit"),
    ("units:person_enter", "unit"),
    ("units:person_leave", "person"),
    ("units:person_transfer", "person"),
    ("units:person_post", "person"),
    ("units:person_edit", "person"),
]
ALL_VIEWS = [("units:dashboard", None)] + [(n, None) for n in LIST_VIEWS] + READ_OBJECT_VIEWS + WRITE_VIEWS


@pytest.fixture
def person_a(unit_a):
    return make_person(unit_a, name="张三")


@pytest.fixture
def objs(unit_a, person_a):
    return {"unit": unit_a, "person": person_a}


def url_of(name: str, kind: str | None, objs: dict) -> str:
    return reverse(name, args=[objs[kind].pk]) if kind else reverse(name)


def audit_count(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


# ---- permission matrix -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kind"), ALL_VIEWS)
def test_anonymous_is_sent_to_login(client, objs, name, kind):
    url = url_of(name, kind, objs)
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kind"), READ_OBJECT_VIEWS + [v for v in WRITE_VIEWS if v[1]])
def test_other_units_liaison_gets_404(client, objs, liaison_b, name, kind):
    client.force_login(liaison_b)
    url = url_of(name, kind, objs)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize(("name", "kind"), READ_OBJECT_VIEWS + [v for v in WRITE_VIEWS if v[1]])
def test_other_regions_office_staff_gets_404(client, objs, other_office_staff, name, kind):
    client.force_login(other_office_staff)
    assert client.get(url_of(name, kind, objs)).status_code == 404


@pytest.mark.parametrize(("name", "kind"), WRITE_VIEWS)
def test_supervisor_is_read_only(client, objs, supervisor, name, kind):
    client.force_login(supervisor)
    url = url_of(name, kind, objs)
    before = AuditEntry.objects.count()
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "on"}).status_code == 403
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(("name", "kind"), WRITE_VIEWS)
def test_own_units_liaison_cannot_write(client, objs, liaison_a, name, kind):
    client.force_login(liaison_a)
    assert client.get(url_of(name, kind, objs)).status_code == 403


@pytest.mark.parametrize(("name", "kind"), READ_OBJECT_VIEWS)
def test_readers_see_objects(client, objs, supervisor, liaison_a, office_staff, name, kind):
    for user in (supervisor, liaison_a, office_staff):
        client.force_login(user)
        assert client.get(url_of(name, kind, objs)).status_code == 200


def test_partner_clerk_sees_no_registry(client, objs, partner_clerk):
    client.force_login(partner_clerk)
    page = client.get(reverse("units:dashboard"))
    assert (
        page.status_code == 200
        and "协作部门" in page.content.decode()
        and "漳县财政局" not in page.content.decode()
    )
    for name in LIST_VIEWS:
        assert client.get(reverse(name)).status_code == 403
    for name, kind in READ_OBJECT_VIEWS:
        assert client.get(url_of(name, kind, objs)).status_code == 404


def test_liaison_lists_only_their_unit(client, unit_a, unit_b, person_a, liaison_a):
    make_person(unit_b, name="李疾控")
    client.force_login(liaison_a)
    units = client.get(reverse("units:unit_list")).content.decode()
    assert "漳县财政局" in units and "疾病预防控制中心" not in units
    people = client.get(reverse("units:person_list")).content.decode()
    assert "张三" in people and "李疾控" not in people


# ---- dashboard -----------------------------------------------------------------------------------


def test_dashboard_office_totals_targets_and_over_quota(client, region, unit_a, unit_b, office_staff):
    make_person(unit_a)
    over = make_unit(region, "漳县审计局", quotas={"行政编制": 1})
    make_person(over)
    Quota.objects.filter(unit=over).update(approved=0)  # reality recorded by a bulk load: 超编
    client.force_login(office_staff)
    response = client.get(reverse("units:dashboard"))
    html = response.content.decode()
    rows = {r["type"]: r for r in response.context["rows"]}
    assert rows["行政编制"] == {"type": "行政编制", "approved": 5, "occupied": 2, "vacancy": 3}
    assert rows["事业编制"]["approved"] == 8
    assert [u.name for u in response.context["over_quota"]] == ["漳县审计局"]
    assert reverse("units:unit_detail", args=[over.pk]) in html
    targets = response.context["targets"]
    assert targets[0]["met"] and targets[0]["rate"] == pytest.approx(0.6)
    assert "空编率" in html and "已达标" in html


def test_liaison_dashboard_shows_only_their_unit(client, unit_a, unit_b, liaison_a):
    client.force_login(liaison_a)
    response = client.get(reverse("units:dashboard"))
    assert {r["type"] for r in response.context["rows"]} == {"行政编制", "工勤编制"}
    assert response.context["unit_total"] == 1
    assert "本单位" in response.content.decode()


def test_login_redirects_to_dashboard(client, office_staff):
    response = client.post(reverse("login"), {"username": "staff1", "password": "pass12345"})
    assert response.status_code == 302 and response["Location"] == reverse("units:dashboard")
    page = client.get(reverse("units:dashboard")).content.decode()
    assert "李编办" in page and "编办工作人员" in page and "退出登录" in page


# ---- lists and details ------------------------------------------------------------------------------


def test_unit_list_search_filters_and_pages_keep_filters(client, region, unit_a, unit_b, office_staff):
    for i in range(55):
        make_unit(region, f"漳县测试局{i:02d}")
    client.force_login(office_staff)
    page = client.get(reverse("units:unit_list"), {"q": "测试局"})
    assert page.context["page"].paginator.count == 55 and len(page.context["rows"]) == 50
    assert "q=%E6%B5%8B%E8%AF%95%E5%B1%80&amp;page=2" in page.content.decode()
    found = client.get(reverse("units:unit_list"), {"nature": Nature.PUBLIC_INSTITUTION}).context["rows"]
    assert [u.name for u, *_ in found] == ["漳县疾病预防控制中心"]
    by_code = client.get(reverse("units:unit_list"), {"q": unit_a.credit_code or "x"})
    assert unit_a.credit_code == "" or [u for u, *_ in by_code.context["rows"]] == [unit_a]


def test_unit_list_alias_search_over_filter_and_confidential_badge(client, region, unit_a, office_staff):
    make_unit(region, "漳县国家保密局", is_confidential=True, aliases=["县保密局"])
    over = make_unit(region, "漳县审计局", quotas={"行政编制": 1})
    make_person(over)
    Quota.objects.filter(unit=over).update(approved=0)
    client.force_login(office_staff)
    html = client.get(reverse("units:unit_list"), {"q": "县保密局"}).content.decode()
    assert "漳县国家保密局" in html and "涉密" in html
    rows = client.get(reverse("units:unit_list"), {"over": "on"}).context["rows"]
    assert [u.name for u, *_ in rows] == ["漳县审计局"]


def test_unit_detail_shows_table_one_roster_and_history(client, region, unit_a, person_a, office_staff):
    make_unit(region, "办公室", nature=Nature.DIVISION, parent=unit_a)
    client.force_login(office_staff)
    html = client.get(reverse("units:unit_detail", args=[unit_a.pk])).content.decode()
    assert "行政编制" in html and "单位正职" in html and "办公室" in html
    assert person_a.id_number in html  # office staff may see full ID numbers
    assert unit_a.founding_document.number in html
    assert reverse("archives:document_detail", args=[unit_a.founding_document_id]) in html


def test_id_masked_for_liaison_and_in_lists(client, unit_a, person_a, liaison_a, office_staff):
    client.force_login(liaison_a)
    detail = client.get(reverse("units:person_detail", args=[person_a.pk])).content.decode()
    assert person_a.id_number not in detail and mask_id(person_a.id_number) in detail
    client.force_login(office_staff)
    assert (
        person_a.id_number in client.get(reverse("units:person_detail", args=[person_a.pk])).content.decode()
    )
    listing = client.get(reverse("units:person_list")).content.decode()
    assert person_a.id_number not in listing and mask_id(person_a.id_number) in listing


def test_person_list_exact_id_search_and_filters(client, unit_a, unit_b, person_a, office_staff):
    other = make_person(unit_b, name="李四")
    client.force_login(office_staff)
    found = client.get(reverse("units:person_list"), {"q": person_a.id_number.lower()}).context["page"]
    assert list(found) == [person_a]
    assert list(client.get(reverse("units:person_list"), {"q": "李"}).context["page"]) == [other]
    by_type = client.get(reverse("units:person_list"), {"establishment_type": "事业编制"}).context["page"]
    assert list(by_type) == [other]
    by_unit = client.get(reverse("units:person_list"), {"unit": unit_a.pk}).context["page"]
    assert list(by_unit) == [person_a]


# ---- query counts do not grow with rows ----------------------------------------------------------------


@pytest.mark.parametrize("n", [10, 65])
def test_unit_list_query_count(client, region, office_staff, django_assert_max_num_queries, n):
    doc = make_document(region)
    for i in range(n):
        unit = make_unit(region, f"单位{i:03d}", document=doc, posts={"单位正职": 1})
        if i % 5 == 0:
            make_unit(region, f"股室{i}", nature=Nature.DIVISION, parent=unit, document=doc)
    client.force_login(office_staff)
    client.get(reverse("units:unit_list"))  # warm the session
    with django_assert_max_num_queries(14):
        assert client.get(reverse("units:unit_list")).status_code == 200


@pytest.mark.parametrize("n", [10, 65])
def test_unit_detail_and_person_list_query_count(
    client, region, office_staff, django_assert_max_num_queries, n
):
    unit = make_unit(region, "大单位", quotas={"行政编制": 100})
    division = make_unit(region, "综合股", nature=Nature.DIVISION, parent=unit)
    for i in range(n):
        make_person(
            unit, division=division if i % 2 else None, birth=dt.date(1980, 1, 1) + dt.timedelta(days=i)
        )
    client.force_login(office_staff)
    client.get(reverse("units:dashboard"))
    # 17: the page's buttons ask once whether the user keeps the unit's region (issue 17)
    with django_assert_max_num_queries(17):
        assert client.get(reverse("units:unit_detail", args=[unit.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("units:person_list")).status_code == 200


# ---- writes: state changed and audited ------------------------------------------------------------------


def test_unit_create(client, region, office_staff):
    doc = make_document(region)
    client.force_login(office_staff)
    data = {
        "region": region.pk,
        "name": "漳县数据局",
        "nature": "行政机关",
        "system": "政府",
        "rank": "正科级",
        "funding": "全额拨款",
        "document": doc.pk,
        "aliases": "县数据局；数据局",
    }
    missing_doc = client.post(reverse("units:unit_create"), data | {"document": ""})
    assert missing_doc.status_code == 400 and not Unit.objects.filter(name="漳县数据局").exists()
    response = client.post(reverse("units:unit_create"), data)
    unit = Unit.objects.get(name="漳县数据局")
    assert response.status_code == 302 and response["Location"] == reverse(
        "units:unit_detail", args=[unit.pk]
    )
    assert set(unit.aliases.values_list("name", flat=True)) == {"县数据局", "数据局"}
    assert AuditEntry.objects.get(action="机构.设立", target_id=str(unit.pk)).actor == office_staff
    assert "机构已设立" in client.get(response["Location"]).content.decode()


def test_unit_edit_rename_needs_document_info_needs_reason(client, region, unit_a, office_staff):
    client.force_login(office_staff)
    url = reverse("units:unit_edit", args=[unit_a.pk])
    base = {
        "name": unit_a.name,
        "nature": unit_a.nature,
        "system": unit_a.system,
        "rank": unit_a.rank,
        "funding": unit_a.funding,
        "reason": "信息更正",
    }
    refused = client.post(url, base | {"name": "漳县财政局（新）"})
    assert refused.status_code == 400 and "批准文件" in refused.content.decode()
    assert Unit.objects.get(pk=unit_a.pk).name == "漳县财政局"
    doc = make_document(region)
    assert client.post(url, base | {"name": "漳县财政局（新）", "document": doc.pk}).status_code == 302
    assert Unit.objects.get(pk=unit_a.pk).name == "漳县财政局（新）"
    assert client.post(url, base | {"name": "漳县财政局（新）", "township": "武阳镇"}).status_code == 302
    assert Unit.objects.get(pk=unit_a.pk).township == "武阳镇"
    assert audit_count("机构.变更") == 2


def test_unit_end_needs_confirmation(client, region, unit_b, office_staff):
    doc = make_document(region)
    client.force_login(office_staff)
    url = reverse("units:unit_end", args=[unit_b.pk])
    data = {"status": UnitStatus.ABOLISHED, "occurred_on": "2021-06-30", "document": doc.pk}
    assert client.post(url, data).status_code == 400
    assert Unit.objects.get(pk=unit_b.pk).status == UnitStatus.ACTIVE
    assert client.post(url, data | {"confirm": "on"}).status_code == 302
    assert Unit.objects.get(pk=unit_b.pk).status == UnitStatus.ABOLISHED
    assert audit_count("机构.撤销") == 1


def test_quota_and_posts_change(client, region, unit_a, office_staff):
    doc = make_document(region)
    client.force_login(office_staff)
    url = reverse("units:quota_change", args=[unit_a.pk])
    assert (
        client.post(url, {"establishment_type": "行政编制", "approved": 7}).status_code == 400
    )  # no document
    ok = client.post(
        url, {"establishment_type": "行政编制", "approved": 7, "document": doc.pk, "reason": "增编"}
    )
    assert ok.status_code == 302
    assert Quota.objects.get(unit=unit_a, establishment_type="行政编制").approved == 7
    assert (
        audit_count("编制.调整") >= 1
        and AuditEntry.objects.filter(action="编制.调整", actor=office_staff).exists()
    )
    mixed = client.post(url, {"establishment_type": "事业编制", "approved": 1, "document": doc.pk})
    assert mixed.status_code == 400  # 混用编制: not even offered for an organ
    posts = client.post(
        reverse("units:posts_change", args=[unit_a.pk]),
        {"category": "单位副职", "approved": 3, "document": doc.pk},
    )
    assert posts.status_code == 302
    assert LeaderPostQuota.objects.get(unit=unit_a, category="单位副职").approved == 3
    assert AuditEntry.objects.filter(action="职数.调整", actor=office_staff).exists()


def enter_data(unit, seq: int, **kw) -> dict:
    return {
        "name": f"新人{seq}",
        "id_number": make_id(unit.region.code, dt.date(1995, 3, 8), seq),
        "establishment_type": "行政编制",
        "category": "公务员",
        "entered_on": "2021-09-01",
        "duty_status": "在岗",
        "leader_post": "无",
    } | kw


def test_person_enter_and_second_identical_post_refused(client, unit_a, office_staff):
    client.force_login(office_staff)
    url = reverse("units:person_enter", args=[unit_a.pk])
    slip = make_slip(unit_a)
    data = enter_data(unit_a, 301, slip=slip.pk)
    response = client.post(url, data)
    person = Person.objects.get(name="新人301")
    assert person.entry_doc_number == slip.number
    assert response.status_code == 302 and response["Location"] == reverse(
        "units:person_detail", args=[person.pk]
    )
    assert AuditEntry.objects.get(action="人员.入编", target_id=str(person.pk)).actor == office_staff
    again = client.post(url, data)  # a double submission
    assert again.status_code == 400 and "已经使用、作废或过期" in again.content.decode()
    assert Person.objects.filter(name="新人301").count() == 1 and audit_count("人员.入编") == 1


def test_person_enter_without_slip_shows_service_message(client, unit_a, office_staff):
    client.force_login(office_staff)
    before = audit_count("人员.入编")
    response = client.post(reverse("units:person_enter", args=[unit_a.pk]), enter_data(unit_a, 302))
    assert response.status_code == 400 and "核编在先" in response.content.decode()
    assert not Person.objects.filter(name="新人302").exists() and audit_count("人员.入编") == before


def test_person_enter_bad_id_is_a_field_error(client, unit_a, office_staff):
    client.force_login(office_staff)
    response = client.post(
        reverse("units:person_enter", args=[unit_a.pk]),
        enter_data(unit_a, 303, id_number="621125199503080001"),
    )
    assert response.status_code == 400 and response.context["form"].errors["id_number"]


def test_person_leave_needs_confirmation(client, person_a, office_staff):
    client.force_login(office_staff)
    url = reverse("units:person_leave", args=[person_a.pk])
    data = {"left_on": "2021-10-08", "leave_reason": "退休"}
    assert client.post(url, data).status_code == 400
    assert Person.objects.get(pk=person_a.pk).in_establishment
    assert client.post(url, data | {"confirm": "on"}).status_code == 302
    assert not Person.objects.get(pk=person_a.pk).in_establishment
    assert AuditEntry.objects.filter(
        action="人员.出编", target_id=str(person_a.pk), actor=office_staff
    ).exists()
    again = client.post(url, data | {"confirm": "on"})
    assert again.status_code == 400 and "已出编" in again.content.decode()


def test_person_transfer(client, region, person_a, office_staff):
    target = make_unit(region, "漳县审计局", quotas={"行政编制": 2})
    client.force_login(office_staff)
    response = client.post(
        reverse("units:person_transfer", args=[person_a.pk]),
        {
            "to_unit": target.pk,
            "establishment_type": "行政编制",
            "leader_post": "无",
            "occurred_on": "2021-05-01",
            "slip": make_slip(target).pk,
        },
    )
    assert response.status_code == 302
    assert Person.objects.get(pk=person_a.pk).unit == target
    assert AuditEntry.objects.filter(action="人员.调动", actor=office_staff).exists()


def test_person_post_change_and_over_post_refused(client, unit_a, person_a, office_staff):
    client.force_login(office_staff)
    url = reverse("units:person_post", args=[person_a.pk])
    assert client.post(url, {"leader_post": "单位正职", "occurred_on": "2021-05-01"}).status_code == 302
    assert Person.objects.get(pk=person_a.pk).leader_post == "单位正职"
    assert AuditEntry.objects.filter(action="人员.职务变动", actor=office_staff).exists()
    other = make_person(unit_a)
    full = client.post(
        reverse("units:person_post", args=[other.pk]),
        {"leader_post": "单位正职", "occurred_on": "2021-05-01"},
    )
    assert full.status_code == 400 and "不准超职数" in full.content.decode()


def test_person_edit_key_field_needs_reason(client, person_a, office_staff):
    client.force_login(office_staff)
    url = reverse("units:person_edit", args=[person_a.pk])
    data = {
        f: getattr(person_a, f) or ""
        for f in (
            "name",
            "id_number",
            "sex",
            "birth_date",
            "establishment_type",
            "category",
            "entered_on",
            "duty_status",
        )
    }
    refused = client.post(url, data | {"name": "张叁"})
    assert refused.status_code == 400 and refused.context["form"].errors["reason"]
    assert client.post(url, data | {"name": "张叁", "reason": "户籍更名"}).status_code == 302
    assert Person.objects.get(pk=person_a.pk).name == "张叁"
    assert AuditEntry.objects.get(action="人员.信息变更").reason == "户籍更名"
    history = client.get(reverse("units:person_detail", args=[person_a.pk])).content.decode()
    assert "信息变更" in history and "姓名" in history


def test_person_enter_with_slip_consumes_it(client, unit_a, office_staff):
    from units import services
    from units.models import UseSlip

    req = services.request_create(
        unit=unit_a,
        establishment_type="行政编制",
        count=1,
        reason="补充人员",
        entry_method="考录",
        planned_on=dt.date.today(),
        actor=office_staff,
    )
    (slip,) = services.request_approve(request=req, actor=office_approver(unit_a.region))  # four eyes
    client.force_login(office_staff)
    url = reverse("units:person_enter", args=[unit_a.pk])
    assert slip.number in client.get(url).content.decode()
    response = client.post(url, enter_data(unit_a, 304, slip=slip.pk, entered_on=dt.date.today().isoformat()))
    assert response.status_code == 302
    slip = UseSlip.objects.get(pk=slip.pk)
    assert slip.person == Person.objects.get(name="新人304") and slip.status == "已使用"


def test_office_dashboard_shows_the_last_ledger_check(client, unit_a, office_staff):
    from django.core.management import call_command

    call_command("check_ledgers", "--quiet")
    client.force_login(office_staff)
    html = client.get(reverse("units:dashboard")).content.decode()
    assert "台账核对" in html and "账账相符、账实相符" in html


def test_dashboard_names_the_first_over_quota_units_and_counts_them_all(
    client, region, office_staff, settings, monkeypatch
):
    """A province may have hundreds of 超编 units: the home page names the first few and counts all."""
    from units.selectors import pages

    monkeypatch.setattr(pages, "DASHBOARD_LIST", 2)
    for n in range(3):
        over = make_unit(region, f"超编单位{n}", quotas={"行政编制": 1})
        make_person(over)
        Quota.objects.filter(unit=over).update(approved=0)
    client.force_login(office_staff)
    response = client.get(reverse("units:dashboard"))
    assert [u.name for u in response.context["over_quota"]] == ["超编单位0", "超编单位1"]
    assert response.context["over_quota_count"] == 3
    html = response.content.decode()
    listed = html.split("<h2>超编单位</h2>")[1].split("</section>")[0]  # (the 预警 panel lists them apart)
    assert "超编单位1" in listed and "超编单位2" not in listed
    assert "以上为前 2 个，共 3 个" in listed and "?over=on" in listed

"""Document pages: scope (office regions; liaisons only what their units cite), create with scan, download."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archives.models import Document, DocumentFile
from archives.services import document_attach
from bianzhi.models import AuditEntry
from tests.builders.registry import make_document

PDF = b"%PDF-1.4\n%test scan\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def doc_a(unit_a):
    """The founding Document of unit A: cited by A's change records only."""
    return unit_a.founding_document


@pytest.fixture
def scan_a(doc_a):
    return document_attach(document=doc_a, upload=SimpleUploadedFile("批复.pdf", PDF), actor=None)


def views(doc, scan):
    return [
        reverse("archives:document_list"),
        reverse("archives:document_create"),
        reverse("archives:document_detail", args=[doc.pk]),
        reverse("archives:scan_download", args=[scan.pk]),
    ]


def test_anonymous_is_sent_to_login(client, doc_a, scan_a):
    for url in views(doc_a, scan_a):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert client.post(url, {}).status_code == 302


def test_other_units_liaison_gets_404(client, doc_a, scan_a, liaison_b):
    client.force_login(liaison_b)
    assert client.get(reverse("archives:document_detail", args=[doc_a.pk])).status_code == 404
    assert client.get(reverse("archives:scan_download", args=[scan_a.pk])).status_code == 404
    listing = client.get(reverse("archives:document_list"))
    assert listing.status_code == 200 and doc_a not in listing.context["page"]


def test_other_region_and_partner_get_404(client, doc_a, scan_a, other_office_staff, partner_clerk):
    for user in (other_office_staff, partner_clerk):
        client.force_login(user)
        assert client.get(reverse("archives:document_detail", args=[doc_a.pk])).status_code == 404
        assert client.get(reverse("archives:scan_download", args=[scan_a.pk])).status_code == 404
    assert client.get(reverse("archives:document_list")).status_code == 403


def test_liaison_sees_documents_cited_by_their_unit(client, region, doc_a, scan_a, liaison_a):
    uncited = make_document(region, "漳编发〔2021〕99号")
    client.force_login(liaison_a)
    listing = client.get(reverse("archives:document_list")).context["page"]
    assert doc_a in listing and uncited not in listing
    detail = client.get(reverse("archives:document_detail", args=[doc_a.pk]))
    assert detail.status_code == 200 and "漳县财政局" in detail.content.decode()
    assert client.get(reverse("archives:document_detail", args=[uncited.pk])).status_code == 404
    download = client.get(reverse("archives:scan_download", args=[scan_a.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_read_only_roles_cannot_create(client, supervisor, liaison_a, region):
    for user in (supervisor, liaison_a):
        client.force_login(user)
        assert client.get(reverse("archives:document_create")).status_code == 403
        response = client.post(
            reverse("archives:document_create"), {"region": region.pk, "number": "x", "title": "y"}
        )
        assert response.status_code == 403
    assert not Document.objects.filter(number="x").exists()


def test_office_staff_lists_searches_and_filters(client, region, office_staff, doc_a):
    make_document(region, "漳编发〔2019〕3号", issued_on=dt.date(2019, 3, 1), title="关于卫生机构的批复")
    client.force_login(office_staff)
    found = client.get(reverse("archives:document_list"), {"q": "卫生"}).context["page"]
    assert [d.number for d in found] == ["漳编发〔2019〕3号"]
    by_year = client.get(reverse("archives:document_list"), {"year": 2019}).context["page"]
    assert [d.number for d in by_year] == ["漳编发〔2019〕3号"]
    by_kind = client.get(reverse("archives:document_list"), {"kind": "三定规定"}).context["page"]
    assert list(by_kind) == []


def test_detail_lists_registry_changes_citing_it(client, office_staff, doc_a, scan_a, unit_a):
    client.force_login(office_staff)
    html = client.get(reverse("archives:document_detail", args=[doc_a.pk])).content.decode()
    assert "设立" in html and "编制调整" in html and "漳县财政局" in html
    assert reverse("archives:scan_download", args=[scan_a.pk]) in html


def test_a_document_citing_many_records_pages_them(
    client, region, office_staff, django_assert_max_num_queries
):
    """A 建账 document cites thousands of change records: its page shows 50 at a time (?epage=), with
    the count, in a constant number of queries."""
    from tests.builders.registry import make_unit

    document = make_document(region)
    units = [
        make_unit(region, f"建账单位{i:02d}", document=document, quotas={"行政编制": 1}) for i in range(30)
    ]
    client.force_login(office_staff)
    url = reverse("archives:document_detail", args=[document.pk])
    with django_assert_max_num_queries(30):
        html = client.get(url).content.decode()
    rows = re.compile(r'href="/units/\d+/"')
    assert "共 60 条" in html and len(rows.findall(html)) == 50  # 30 设立 + 30 编制调整
    assert "?epage=2" in html
    last = client.get(url, {"epage": 2}).content.decode()
    assert len(rows.findall(last)) == 10 and units[-1].name in last


def test_create_with_scan(client, region, office_staff):
    client.force_login(office_staff)
    data = {
        "region": region.pk,
        "number": "漳编发[2021]12号",
        "title": "关于调整编制的通知",
        "issuer": "中共漳县县委机构编制委员会",
        "issued_on": "2021-03-01",
        "kind": "编委文件",
    }
    response = client.post(
        reverse("archives:document_create"), data | {"scan": SimpleUploadedFile("a.pdf", PDF)}
    )
    document = Document.objects.get(number="漳编发〔2021〕12号")
    assert response.status_code == 302
    assert response["Location"] == reverse("archives:document_detail", args=[document.pk])
    assert document.files.get().original_name == "a.pdf"
    assert AuditEntry.objects.filter(
        action="文件.登记", actor=office_staff, target_id=str(document.pk)
    ).exists()
    assert AuditEntry.objects.filter(action="文件.上传扫描件", actor=office_staff).exists()
    again = client.post(reverse("archives:document_create"), data)
    assert again.status_code == 400 and "已经登记过" in again.content.decode()


def test_bad_scan_leaves_nothing_behind(client, region, office_staff):
    client.force_login(office_staff)
    data = {
        "region": region.pk,
        "number": "漳编发〔2021〕13号",
        "title": "标题",
        "kind": "编委文件",
        "scan": SimpleUploadedFile("fake.pdf", b"not a pdf"),
    }
    response = client.post(reverse("archives:document_create"), data)
    assert response.status_code == 400 and "不符" in response.content.decode()
    assert not Document.objects.filter(number="漳编发〔2021〕13号").exists()
    assert not DocumentFile.objects.exists()


# ---- the archive pages (issue 7) -----------------------------------------------------------------------

import io  # noqa: E402
import subprocess  # noqa: E402

from openpyxl import load_workbook  # noqa: E402

from archives import services  # noqa: E402
from archives.models import CatalogueClass, DedicatedFile, MinuteEntry, Request  # noqa: E402


@pytest.fixture
def records(region, doc_a):
    """One of each office record, for the permission matrix."""
    minute = services.minute_create(
        region=region,
        kind="室务会议",
        met_on=dt.date(2021, 5, 1),
        subject="室务会",
        attendees="甲、乙",
        items="研究编制事项",
        actor=None,
    )
    req = services.request_create(
        region=region, title="关于设立某中心的请示", requesting_body="某局", actor=None
    )
    return {
        "cls": CatalogueClass.objects.get(code="0101"),
        "folder": DedicatedFile.objects.get(kind="核查"),
        "minute": minute,
        "request": req,
    }


def write_urls(doc, r):
    return [
        reverse("archives:document_edit", args=[doc.pk]),
        reverse("archives:document_withdraw", args=[doc.pk]),
        reverse("archives:scan_add", args=[doc.pk]),
        reverse("archives:class_create"),
        reverse("archives:class_edit", args=[r["cls"].pk]),
        reverse("archives:class_delete", args=[r["cls"].pk]),
        reverse("archives:dedicated_create"),
        reverse("archives:dedicated_add_document", args=[r["folder"].pk]),
        reverse("archives:dedicated_add_record", args=[r["folder"].pk]),
        reverse("archives:minute_create"),
        reverse("archives:minute_edit", args=[r["minute"].pk]),
        reverse("archives:request_create"),
        reverse("archives:request_edit", args=[r["request"].pk]),
        reverse("archives:request_submit", args=[r["request"].pk]),
        reverse("archives:request_return", args=[r["request"].pk]),
        reverse("archives:request_decide", args=[r["request"].pk]),
    ]


def office_urls(r):
    return [
        reverse("archives:catalogue"),
        reverse("archives:catalogue_export", args=["pdf"]),
        reverse("archives:dedicated_list"),
        reverse("archives:dedicated_detail", args=[r["folder"].pk]),
        reverse("archives:minute_list"),
        reverse("archives:minute_detail", args=[r["minute"].pk]),
        reverse("archives:request_list"),
        reverse("archives:request_detail", args=[r["request"].pk]),
    ]


def test_supervisor_reads_but_cannot_write(client, supervisor, doc_a, records):
    client.force_login(supervisor)
    for url in office_urls(records)[:1] + office_urls(records)[2:]:
        assert client.get(url).status_code == 200, url
    before = AuditEntry.objects.count()
    for url in write_urls(doc_a, records):
        assert client.get(url).status_code == 403, url
        assert (
            client.post(url, {"reason": "x", "confirm": "on", "code": "99", "name": "x"}).status_code == 403
        ), url
    assert AuditEntry.objects.count() == before and Document.objects.get(pk=doc_a.pk).is_citable


def test_liaison_is_kept_out_of_the_office_archives(client, liaison_a, doc_a, records):
    client.force_login(liaison_a)
    for url in office_urls(records):
        assert client.get(url).status_code in (403, 404), url
    assert client.get(reverse("archives:catalogue")).status_code == 403
    assert client.get(reverse("archives:minute_detail", args=[records["minute"].pk])).status_code == 404
    assert client.get(reverse("archives:document_edit", args=[doc_a.pk])).status_code == 403


def test_staff_withdraws_with_reason_and_confirmation(client, office_staff, doc_a):
    client.force_login(office_staff)
    url = reverse("archives:document_withdraw", args=[doc_a.pk])
    page = client.get(url).content.decode()
    assert "不能删除" in page and "已被引用" in page
    refused = client.post(url, {"reason": "", "confirm": "on"})
    assert refused.status_code == 400 and not Document.objects.get(pk=doc_a.pk).withdrawn_reason
    assert client.post(url, {"reason": "登记错误"}).status_code == 400  # not confirmed
    assert client.post(url, {"reason": "登记错误", "confirm": "on"}).status_code == 302
    doc = Document.objects.get(pk=doc_a.pk)
    assert doc.status == "已撤回" and doc.withdrawn_reason == "登记错误"
    assert AuditEntry.objects.filter(action="文件.撤回", actor=office_staff, reason="登记错误").exists()
    assert "已撤回" in client.get(reverse("archives:document_detail", args=[doc.pk])).content.decode()


def test_no_delete_path_even_for_the_administrator(client, office_admin, doc_a):
    office_admin.is_staff = True
    office_admin.save()
    client.force_login(office_admin)
    response = client.post(reverse("admin:archives_document_delete", args=[doc_a.pk]), {"post": "yes"})
    assert response.status_code in (403, 302) and Document.objects.filter(pk=doc_a.pk).exists()
    assert client.get(reverse("admin:archives_document_delete", args=[doc_a.pk])).status_code == 403
    from archives.urls import urlpatterns

    names = [p.name for p in urlpatterns]
    assert not [n for n in names if "delete" in n and n != "class_delete"]  # only empty classes go


def test_staff_files_a_document_and_filters_the_list(client, region, office_staff, doc_a):
    cls = CatalogueClass.objects.get(code="0201")
    client.force_login(office_staff)
    data = {
        "title": doc_a.title,
        "issuer": doc_a.issuer,
        "kind": doc_a.kind,
        "catalogue_class": cls.pk,
        "retention": "永久",
        "box_number": "12",
        "volume_number": "3",
        "note": "原件存档案室",
    }
    assert client.post(reverse("archives:document_edit", args=[doc_a.pk]), data).status_code == 302
    assert AuditEntry.objects.filter(action="文件.修改", actor=office_staff).exists()
    make_document(region, "漳编发〔2019〕4号", issued_on=dt.date(2019, 4, 1))
    top = CatalogueClass.objects.get(code="02")
    for params in (
        {"cls": top.pk},
        {"box": "12"},
        {"q": "档案室"},
        {"q": "批复 档案室"},
        {"status": "有效", "box": "12"},
    ):
        found = client.get(reverse("archives:document_list"), params).context["page"]
        assert [d.pk for d in found] == [doc_a.pk], params


def test_document_list_queries_do_not_grow(client, region, office_staff, django_assert_max_num_queries):
    cls = CatalogueClass.objects.get(code="0101")
    for n in range(30):
        make_document(region, f"漳编发〔2018〕{n + 1}号").__class__.objects.filter(
            number=f"漳编发〔2018〕{n + 1}号"
        ).update(catalogue_class=cls)
    client.force_login(office_staff)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("archives:document_list")).status_code == 200


@pytest.fixture
def shelf(region):
    cls = CatalogueClass.objects.get(code="0101")
    other = CatalogueClass.objects.get(code="0601")
    specs = [
        ("漳编发〔2021〕3号", "2", "1", cls),
        ("漳编发〔2021〕1号", "1", "1", cls),
        ("漳编发〔2021〕2号", "10", "1", other),
        ("漳编发〔2021〕4号", "", "", cls),
    ]
    for number, box, vol, c in specs:
        services.document_create(
            region=region,
            number=number,
            title=f"关于{number}的通知",
            issuer="漳县编委",
            issued_on=dt.date(2021, 3, 1),
            catalogue_class=c,
            box_number=box,
            volume_number=vol,
            actor=None,
        )
    return cls


def test_catalogue_pdf_has_embedded_font_and_shelf_order(client, office_staff, shelf, tmp_path):
    client.force_login(office_staff)
    response = client.get(reverse("archives:catalogue_export", args=["pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "catalogue.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "总目录" in text and "盒号" in text and "保管期限" in text
    order = [text.index(n) for n in ("〔2021〕1号", "〔2021〕3号", "〔2021〕2号", "〔2021〕4号")]
    assert order == sorted(order)  # box 1, 2, 10, then the unboxed
    assert "第 10 盒" in text and "未装盒" in text
    assert AuditEntry.objects.filter(action="档案目录.打印", actor=office_staff).exists()
    sub = client.get(reverse("archives:catalogue_export", args=["pdf"]), {"cls": shelf.parent_id})
    (tmp_path / "sub.pdf").write_bytes(sub.content)
    sub_text = subprocess.run(
        ["pdftotext", str(tmp_path / "sub.pdf"), "-"], capture_output=True, text=True
    ).stdout
    assert "分目录" in sub_text and "〔2021〕2号" not in sub_text and "〔2021〕3号" in sub_text


def test_catalogue_excel_has_the_columns(client, office_staff, shelf):
    client.force_login(office_staff)
    response = client.get(reverse("archives:catalogue_export", args=["xlsx"]), {"cls": shelf.pk})
    book = load_workbook(io.BytesIO(response.content))
    ws = book["分目录"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == ["序号", "文号", "标题", "发文机关", "日期", "保管期限", "盒号", "卷号"]
    assert [r[1] for r in rows[1:]] == ["漳编发〔2021〕1号", "漳编发〔2021〕3号", "漳编发〔2021〕4号"]
    assert [r[0] for r in rows[1:]] == [1, 2, 3]
    assert AuditEntry.objects.filter(action="档案目录.导出").exists()
    assert client.get(reverse("archives:catalogue_export", args=["doc"])).status_code == 404


def test_unit_history_lists_documents_in_date_order(
    client, region, office_staff, unit_a, liaison_a, liaison_b
):
    from units import services as unit_services

    later = make_document(region, "漳编发〔2022〕8号", issued_on=dt.date(2022, 8, 1))
    earlier = make_document(region, "漳编发〔2010〕2号", issued_on=dt.date(2010, 2, 1))
    unit_services.quota_set(
        unit=unit_a, establishment_type="行政编制", approved=6, document=later, actor=None
    )
    unit_services.leader_posts_set(unit=unit_a, category="单位副职", approved=3, document=earlier, actor=None)
    url = reverse("archives:unit_documents", args=[unit_a.pk])
    client.force_login(office_staff)
    lines = client.get(url).context["lines"]
    numbers = [line.document.number for line in lines]
    assert numbers[0] == "漳编发〔2010〕2号" and numbers[-1] == "漳编发〔2022〕8号"
    assert unit_a.founding_document.number in numbers
    dates = [line.date for line in lines]
    assert dates == sorted(dates)
    client.force_login(liaison_a)
    assert client.get(url).status_code == 200
    client.force_login(liaison_b)
    assert client.get(url).status_code == 404


def test_staff_keeps_minutes_dedicated_files_and_requests(client, region, office_staff, doc_a):
    client.force_login(office_staff)
    joint = {
        "region": region.pk,
        "kind": "联席会议",
        "met_on": "2021-06-01",
        "subject": "编制联席会",
        "attendees": "张三",
        "items": "研究",
        "documents": doc_a.number,
    }
    refused = client.post(reverse("archives:minute_create"), joint)
    assert refused.status_code == 400 and "参会部门" in refused.content.decode()
    assert (
        client.post(reverse("archives:minute_create"), joint | {"departments": "组织、财政"}).status_code
        == 302
    )
    assert list(MinuteEntry.objects.get().documents.all()) == [doc_a]

    folder = DedicatedFile.objects.get(kind="机构改革")
    url = reverse("archives:dedicated_add_document", args=[folder.pk])
    assert client.post(url, {"region": region.pk, "number": doc_a.number}).status_code == 302
    again = client.post(url, {"region": region.pk, "number": doc_a.number})
    assert again.status_code == 400 and "已经在" in again.content.decode()
    unknown = client.post(url, {"region": region.pk, "number": "无此文号"})
    assert unknown.status_code == 400 and "没有找到" in unknown.content.decode()

    data = {
        "region": region.pk,
        "title": "关于设立某中心的请示",
        "requesting_body": "某局",
        "unit_name": "某中心",
    }
    assert client.post(reverse("archives:request_create"), data).status_code == 302
    req = Request.objects.get()
    response = client.post(reverse("archives:request_submit", args=[req.pk]), follow=True)
    text = response.content.decode()
    assert "缺少政策依据" in text and "缺少机构性质" in text and "缺少领导职数" in text
    req.refresh_from_db()
    assert req.status == "草稿"
    basis = client.post(reverse("archives:request_edit", args=[req.pk]), data | {"basis": doc_a.number})
    assert basis.status_code == 302  # 编委文件 is a valid basis
    assert AuditEntry.objects.filter(action="请示事项.修改", actor=office_staff).exists()


def test_staff_edits_the_catalogue(client, office_staff):
    client.force_login(office_staff)
    top = CatalogueClass.objects.get(code="07")
    response = client.post(
        reverse("archives:class_create"), {"code": "0799", "name": "专题", "parent": top.pk}
    )
    assert response.status_code == 302 and CatalogueClass.objects.get(code="0799").parent == top
    dup = client.post(reverse("archives:class_create"), {"code": "0799", "name": "重复"})
    assert dup.status_code == 400 and "已经存在" in dup.content.decode()
    tree = client.get(reverse("archives:catalogue")).context["tree"]
    assert [t.code for t, _, _ in tree][:2] == ["01", "02"]
    assert (
        client.post(
            reverse("archives:class_delete", args=[CatalogueClass.objects.get(code="0799").pk])
        ).status_code
        == 302
    )
    assert AuditEntry.objects.filter(action="档案分类.删除").exists()

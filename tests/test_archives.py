"""Archives services (DOMAIN.md §6, seed 002 §四): filing, 文号 uniqueness per body and year, scans,
withdrawal instead of deletion, the catalogue, dedicated files, minute books and requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from archives import services
from archives.choices import DocumentKind, MinuteKind, RequestStatus
from archives.models import CatalogueClass, DedicatedEntry, Document, document_year
from bianzhi.models import AuditEntry

PDF = b"%PDF-1.4\n%scan\n"
ISSUER = "中共漳县县委机构编制委员会"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def doc(region, number, *, issuer=ISSUER, issued_on=dt.date(2021, 3, 1), kind=DocumentKind.COMMITTEE, **kw):
    return services.document_create(
        region=region,
        number=number,
        title="关于机构编制事项的通知",
        issuer=issuer,
        issued_on=issued_on,
        kind=kind,
        actor=None,
        **kw,
    )


def messages_of(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


# ---- 文号 -------------------------------------------------------------------------------------------


def test_number_is_normalised_and_year_taken_from_it(region):
    d = doc(region, "漳编发［２０２１］１２号", issued_on=dt.date(2022, 1, 5))
    assert d.number == "漳编发〔2021〕12号" and d.year == 2021
    assert doc(region, "漳编发 [2020] 3号").number == "漳编发〔2020〕3号"
    assert document_year("编办字12号", dt.date(2019, 5, 1)) == 2019 and document_year("x", None) is None


def test_duplicate_number_refused_in_same_body_and_year(region):
    doc(region, "漳编发〔2021〕12号")
    with pytest.raises(ValidationError) as exc:
        doc(region, "漳编发[2021]12号")
    assert "已经登记过" in messages_of(exc)
    assert doc(region, "漳编发〔2021〕12号", issuer="漳县人民政府").pk  # another issuing body


def test_same_number_allowed_in_another_year(region):
    doc(region, "编办字12号", issued_on=dt.date(2020, 4, 1))
    with pytest.raises(ValidationError):
        doc(region, "编办字12号", issued_on=dt.date(2020, 9, 1))
    later = doc(region, "编办字12号", issued_on=dt.date(2021, 4, 1))
    assert later.year == 2021 and Document.objects.filter(number="编办字12号").count() == 2


# ---- scans -------------------------------------------------------------------------------------------


def test_scan_checked_by_content_and_size(region, settings):
    d = doc(region, "漳编发〔2021〕1号")
    with pytest.raises(ValidationError) as exc:
        services.document_attach(document=d, upload=SimpleUploadedFile("批复.pdf", b"GIF89a..."), actor=None)
    assert "不符" in messages_of(exc)
    with pytest.raises(ValidationError) as exc:
        services.document_attach(document=d, upload=SimpleUploadedFile("a.exe", b"MZ"), actor=None)
    assert "只能上传" in messages_of(exc)
    settings.UPLOAD_MAX_BYTES = 8
    with pytest.raises(ValidationError) as exc:
        services.document_attach(document=d, upload=SimpleUploadedFile("big.pdf", PDF), actor=None)
    assert "文件过大" in messages_of(exc)
    settings.UPLOAD_MAX_BYTES = 1024
    item = services.document_attach(document=d, upload=SimpleUploadedFile("ok.pdf", PDF), actor=None)
    assert len(item.sha256) == 64 and item.size == len(PDF) and not d.files.exclude(pk=item.pk).exists()


# ---- withdrawal, never deletion ----------------------------------------------------------------------


def test_register_files_the_document_and_its_scan_together(region, office_staff, liaison_a):
    fields = {"region": region, "number": "漳编发〔2021〕30号", "title": "关于设立的批复", "issuer": ISSUER}
    with pytest.raises(PermissionDenied):
        services.document_register(actor=liaison_a, scan=SimpleUploadedFile("a.pdf", PDF), **fields)
    with pytest.raises(ValidationError) as exc:  # a refused scan: no half-registered Document
        services.document_register(actor=office_staff, scan=SimpleUploadedFile("a.pdf", b"GIF89a"), **fields)
    assert "scan" in exc.value.error_dict and not Document.objects.filter(number=fields["number"]).exists()
    d = services.document_register(actor=office_staff, scan=SimpleUploadedFile("a.pdf", PDF), **fields)
    assert d.files.count() == 1
    actions = set(AuditEntry.objects.filter(actor=office_staff).values_list("action", flat=True))
    assert {"文件.登记", "文件.上传扫描件"} <= actions


def test_withdraw_needs_a_reason_and_makes_the_document_uncitable(region, office_staff):
    d = doc(region, "漳编发〔2021〕2号")
    with pytest.raises(ValidationError) as exc:
        services.document_withdraw(document=d, reason="  ", actor=office_staff)
    assert "原因" in messages_of(exc)
    services.document_withdraw(document=d, reason="已被漳编发〔2022〕1号废止", actor=office_staff)
    d.refresh_from_db()
    assert d.status == "已撤回" and not d.is_citable and d.withdrawn_by == office_staff
    with pytest.raises(ValidationError) as exc:
        services.require_citable(d)
    assert "已撤回" in messages_of(exc)
    with pytest.raises(ValidationError):
        services.document_for_number(region=region, number="漳编发〔2021〕2号", actor=None)
    with pytest.raises(ValidationError):
        services.document_update(document=d, title="新标题", actor=office_staff)
    entry = AuditEntry.objects.get(action="文件.撤回", target_id=str(d.pk))
    assert entry.reason.startswith("已被") and entry.actor == office_staff


def test_a_cited_document_cannot_be_deleted(unit_a):
    d = unit_a.founding_document
    with pytest.raises(ValidationError) as exc:
        services.document_delete(document=d, actor=None)
    text = messages_of(exc)
    assert "不能删除" in text and "引用" in text and "撤回" in text
    assert Document.objects.filter(pk=d.pk).exists()


def test_update_files_the_document_and_rechecks_uniqueness(region, office_staff):
    cls = CatalogueClass.objects.get(code="0201")
    d = doc(region, "编办字5号", issued_on=dt.date(2020, 1, 1))
    doc(region, "编办字5号", issued_on=dt.date(2021, 1, 1))
    services.document_update(
        document=d,
        catalogue_class=cls,
        box_number="3",
        volume_number="2",
        retention="长期",
        actor=office_staff,
    )
    d.refresh_from_db()
    assert (d.catalogue_class, d.box_number, d.volume_number, d.retention) == (cls, "3", "2", "长期")
    assert AuditEntry.objects.get(action="文件.修改").after["box_number"] == "3"
    with pytest.raises(ValidationError) as exc:  # moving it into 2021 would duplicate the other one
        services.document_update(document=d, issued_on=dt.date(2021, 6, 1), actor=office_staff)
    assert "已经登记过" in messages_of(exc)
    with pytest.raises(ValidationError):
        services.document_update(document=d, box_number="", volume_number="1", actor=office_staff)


# ---- catalogue ---------------------------------------------------------------------------------------


def test_default_catalogue_and_dedicated_files_are_seeded(db):
    tops = list(CatalogueClass.objects.filter(parent=None).values_list("name", flat=True))
    assert tops[:3] == ["机构设置", "人员编制", "领导职数"] and "核查" in tops
    from archives.models import DedicatedFile

    kinds = set(DedicatedFile.objects.values_list("kind", flat=True))
    assert {"事业单位登记", "机构改革", "实名制", "核查", "监督检查", "中文域名", "消化超编"} <= kinds


def test_class_holding_documents_is_deactivated_not_deleted(region, office_staff):
    cls = services.catalogue_class_create(code="0801", name="测试", parent=None, actor=office_staff)
    doc(region, "漳编发〔2021〕7号", catalogue_class=cls)
    with pytest.raises(ValidationError) as exc:
        services.catalogue_class_delete(cls=cls, actor=office_staff)
    assert "不能删除" in messages_of(exc) and "停用" in messages_of(exc)
    services.catalogue_class_update(cls=cls, is_active=False, actor=office_staff)
    with pytest.raises(ValidationError) as exc:
        doc(region, "漳编发〔2021〕8号", catalogue_class=cls)
    assert "已停用" in messages_of(exc)
    empty = services.catalogue_class_create(code="0802", name="空类目", parent=None, actor=office_staff)
    services.catalogue_class_delete(cls=empty, actor=office_staff)
    assert not CatalogueClass.objects.filter(code="0802").exists()
    with pytest.raises(ValidationError):  # two levels only
        services.catalogue_class_create(
            code="010101", name="三级", parent=CatalogueClass.objects.get(code="0101"), actor=office_staff
        )


# ---- dedicated files -----------------------------------------------------------------------------------


def test_verification_materials_file_themselves_into_the_check_folder(region):
    d = doc(region, "漳编办发〔2021〕30号")
    first = services.file_into_dedicated("核查", document=d, note="核查实施方案", actor=None)
    again = services.file_into_dedicated("核查", document=d, actor=None)
    record = services.file_into_dedicated(
        "核查",
        region=region,
        title="核查情况报告",
        occurred_on=dt.date(2021, 12, 1),
        actor=None,
        upload=SimpleUploadedFile("报告.pdf", PDF),
    )
    assert first == again and first.dedicated_file.kind == "核查" == record.dedicated_file.kind
    assert DedicatedEntry.objects.filter(dedicated_file=first.dedicated_file).count() == 2
    with pytest.raises(ValidationError):
        services.file_into_dedicated(
            "核查", region=region, title="假附件", actor=None, upload=SimpleUploadedFile("x.png", b"not png")
        )


# ---- minute books ------------------------------------------------------------------------------------


def test_joint_meeting_names_its_departments(region, office_staff):
    base = {
        "met_on": dt.date(2021, 6, 1),
        "subject": "联席会议",
        "attendees": "张三、李四",
        "items": "研究核查问题",
    }
    with pytest.raises(ValidationError) as exc:
        services.minute_create(region=region, kind=MinuteKind.JOINT, actor=office_staff, **base)
    assert "参会部门" in messages_of(exc)
    d = doc(region, "漳编发〔2021〕9号")
    minute = services.minute_create(
        region=region,
        kind=MinuteKind.JOINT,
        departments="纪检、组织、编办、财政、人社",
        documents=[d],
        actor=office_staff,
        **base,
    )
    assert list(minute.documents.all()) == [d]
    services.minute_update(minute=minute, decisions="限期整改", actor=office_staff)
    assert AuditEntry.objects.get(action="会议记录.修改").after == {"decisions": "限期整改"}


# ---- requests ----------------------------------------------------------------------------------------

FULL = {
    "feasibility": "财政可承受。",
    "necessity": "承担全县融媒体工作。",
    "unit_name": "漳县融媒体中心",
    "unit_nature": "事业单位",
    "unit_rank": "正科级",
    "affiliation": "县委宣传部",
    "funding": "全额拨款",
    "duties": "负责全县新闻宣传。",
    "quota": "事业编制 20 名",
    "leader_posts": "主任 1 名、副主任 2 名",
}


def make_request(region, basis=(), **content):
    return services.request_create(
        region=region,
        title="关于设立漳县融媒体中心的请示",
        requesting_body="县委宣传部",
        basis=list(basis),
        actor=None,
        **content,
    )


@pytest.mark.parametrize("missing", [name for name, _ in services.REQUEST_CONTENT] + ["basis"])
def test_request_missing_required_content_is_not_submitted(region, office_staff, missing):
    basis = [] if missing == "basis" else [doc(region, "甘编发〔2020〕1号", kind=DocumentKind.HIGHER)]
    req = make_request(region, basis, **{k: v for k, v in FULL.items() if k != missing})
    with pytest.raises(ValidationError) as exc:
        services.request_submit(request=req, actor=office_staff)
    assert list(exc.value.error_dict) == [missing]
    label = dict(services.REQUEST_CONTENT).get(missing, "政策依据")
    assert label in messages_of(exc)
    req.refresh_from_db()
    assert req.status == RequestStatus.DRAFT


def test_business_standard_is_not_a_policy_basis(region):
    standard = doc(region, "卫办发〔2019〕5号", issuer="省卫生健康委", kind=DocumentKind.BUSINESS_STANDARD)
    with pytest.raises(ValidationError) as exc:
        make_request(region, [standard], **FULL)
    assert "行业标准不得作为审批机构编制的依据" in messages_of(exc)
    other = doc(region, "某发〔2019〕6号", kind=DocumentKind.OTHER)
    with pytest.raises(ValidationError):
        make_request(region, [other], **FULL)


def test_request_is_submitted_then_decided_with_a_document(region, office_staff):
    req = make_request(region, [doc(region, "甘编发〔2020〕1号", kind=DocumentKind.HIGHER)], **FULL)
    services.request_submit(request=req, actor=office_staff)
    with pytest.raises(ValidationError) as exc:
        services.request_decide(request=req, document=None, actor=office_staff)
    assert "批复文件" in messages_of(exc)
    with pytest.raises(ValidationError):
        services.request_update(request=req, title="改标题", actor=office_staff)
    reply = doc(region, "漳编发〔2021〕20号")
    services.request_decide(request=req, document=reply, decision="同意设立", actor=office_staff)
    req.refresh_from_db()
    assert req.status == RequestStatus.DECIDED and req.deciding_document == reply
    assert [s.to_status for s in req.steps.all()] == ["草稿", "已提交", "已决定"]
    assert AuditEntry.objects.filter(action="请示事项.决定", target_id=str(req.pk)).exists()
    with pytest.raises(ValidationError):
        services.request_submit(request=req, actor=office_staff)


def test_filing_opens_a_missing_standard_dedicated_file_but_not_a_closed_one(region):
    """A database made without the seeding migration's rows (e.g. flushed) still files a standard line of
    work's material, under the standard name; a file the office closed (is_active off) stays closed."""
    from django.core.exceptions import ValidationError

    from archives.models import DedicatedFile
    from archives.services import file_into_dedicated

    DedicatedFile.objects.filter(kind="监督检查").delete()
    entry = file_into_dedicated("监督检查", region=region, title="年度检查统计", actor=None)
    assert entry.dedicated_file.name == "机构编制监督检查工作档案"
    DedicatedFile.objects.filter(kind="监督检查").update(is_active=False)
    with pytest.raises(ValidationError):
        file_into_dedicated("监督检查", region=region, title="又一份", actor=None)

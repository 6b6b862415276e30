"""``/api/v1/partner/``: a partner department's system sends its rows for the comparison (数据报送), reads
the findings on its data and answers them — the same services as the pages.

- ``POST submissions``: the rows of the token's source for the token's region, checked by the upload's
  own reader (``verification.findings.services.partner_submit``): all or nothing — any row error is 422
  with every error (row, column, 中文说明) and nothing is stored; a valid submission becomes the region's
  有效 data of the source, used by the office's next comparison run. Needs a write token bound to a
  source.
- ``GET submissions``, ``GET submissions/{id}``: what was sent (by API or on the page) and its check.
- ``GET findings``, ``GET findings/{id}``: the findings the account sees on the pages, in the token's
  regions and of its source; ID numbers masked unless the token carries personal data.
- ``POST findings/{id}/answers`` (multipart): 说明 or 已整改, with attachments; the office decides on the
  finding's page as for a liaison's answer.
"""

import datetime as dt
from typing import Any, Literal

from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from api import scoping
from api.endpoints.registry import MAX_PAGE_SIZE, PAGE_SIZE, PageOf
from bianzhi.lib.idnumbers import show_id
from verification.compare.data import SOURCE_LABEL
from verification.compare.engine import CODES
from verification.findings import selectors, services
from verification.findings.models import Finding, FindingAnswer, PartnerUpload

TAG = "数据报送与问题答复"
router = Router(tags=[TAG])
NO_SOURCE = "本令牌未绑定数据来源（组织、财政或人社部门），不能报送数据。"
SHOWN_ERRORS = 500


# ---- submissions -----------------------------------------------------------------------------------


class SubmissionIn(Schema):
    rows: list[dict[str, str | int | None]] = Field(
        ...,
        description="数据行，每行一个对象，键为 FORMATS.md §3 中本部门数据的列名（或其别名），值为文本。"
        "一次报送即本部门在本区划的全部数据，替换此前采用的数据。",
        min_length=1,
    )


class RowErrorOut(Schema):
    row: int | None = Field(description="出错的行：rows 中的第几行（从 1 起）；缺少必填列时为 null")
    column: str = Field(description="列名")
    message: str = Field(description="中文说明")


class RejectedOut(Schema):
    detail: str
    errors: list[RowErrorOut]


class SubmissionOut(Schema):
    id: int
    region_code: str
    source: str = Field(description="org / finance / si")
    source_label: str
    file: str = Field(description="保存的文件名（接口报送保存为 CSV）")
    rows: int = Field(description="读取的行数")
    status: str = Field(description="有效 / 已替换 / 未通过校验")
    error_count: int
    errors: list[RowErrorOut] = Field(description="页面上传的文件未通过校验时的错误（至多 500 条）")
    warnings: list[str]
    uploaded_by: str
    uploaded_at: dt.datetime


def _submission(upload: PartnerUpload, *, with_errors: bool = True) -> dict[str, Any]:
    errors = upload.errors[:SHOWN_ERRORS] if with_errors else []
    return {
        "id": upload.pk,
        "region_code": upload.region.code,
        "source": upload.source,
        "source_label": SOURCE_LABEL[upload.source],
        "file": upload.original_name,
        "rows": upload.rows_read,
        "status": upload.status,
        "error_count": upload.error_count,
        "errors": [{"row": e[1], "column": e[2], "message": e[3]} for e in errors],
        "warnings": upload.warnings if with_errors else [],
        "uploaded_by": upload.uploaded_by_name,
        "uploaded_at": upload.uploaded_at,
    }


@router.post(
    "/submissions",
    response={201: SubmissionOut, 422: RejectedOut},
    summary="报送本部门数据",
    description="按 FORMATS.md §3 的列报送本部门（令牌绑定的数据来源）在令牌区划的数据，校验规则与页面上传相同。"
    "全部通过才保存，并成为该区划该来源当前采用的数据（原数据标为“已替换”），供编办下一次比对使用；"
    "任何一行有错则答复 422，列出每个错误（行、列、说明），不保存任何数据。"
    "每次至多 API_SUBMIT_MAX_ROWS 行（默认 20000），请求体至多约 5 MB。需可写入的令牌。",
)
def submission_create(request, payload: SubmissionIn):
    token = scoping.need(request, write=True)
    source = scoping.token_source(request)
    if not source:
        raise HttpError(403, NO_SOURCE)
    scoping.rows(request, len(payload.rows))
    try:
        upload = services.partner_submit(
            region=token.region, source=source, rows=payload.rows, actor=request.user
        )
    except services.SubmissionRejected as rejected:
        errors = [{"row": r, "column": c, "message": m} for r, c, m in rejected.rows]
        return Status(422, {"detail": f"数据有 {len(errors)} 处错误，未保存任何数据。", "errors": errors})
    return Status(201, _submission(upload))


@router.get(
    "/submissions",
    response=list[SubmissionOut],
    summary="已报送的数据",
    description="本部门在令牌区划报送或上传过的数据及其校验结果，最新的在前（列表中不含错误明细）。分页：page、page_size。",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def submission_list(request):
    scoping.need(request)
    uploads = selectors.api_uploads(
        request.user, scoping.token_region_ids(request), scoping.token_source(request)
    )

    def build(page):
        scoping.rows(request, len(page))
        return [_submission(u, with_errors=False) for u in page]

    return PageOf(uploads, build)


@router.get(
    "/submissions/{submission_id}",
    response=SubmissionOut,
    summary="一次报送及其校验结果",
    description="不在令牌区划内或不属于令牌数据来源的报送，答复 404。",
)
def submission_detail(request, submission_id: int):
    scoping.need(request)
    upload = selectors.api_upload(
        request.user, scoping.token_region_ids(request), scoping.token_source(request), submission_id
    )
    if upload is None:
        raise scoping.not_found()
    scoping.rows(request, 1)
    return _submission(upload)


# ---- findings and answers --------------------------------------------------------------------------


class AttachmentOut(Schema):
    name: str
    size: int
    content_type: str
    sha256: str


class AnswerOut(Schema):
    id: int
    author: str
    author_role: str = Field(
        description="答复人身份：单位联络员 / 组织部门经办人 / 财政部门经办人 / 人社部门经办人"
    )
    kind: str = Field(description="说明 / 已整改")
    text: str
    at: dt.datetime
    decision: str = Field(description="编办审核：空（待审核）/ 接受 / 退回")
    decision_status: str = Field(description="审核后问题的状态")
    decision_note: str
    decided_at: dt.datetime | None
    attachments: list[AttachmentOut]


class FindingOut(Schema):
    id: int
    code: str = Field(description="问题代码（FORMATS.md §3）")
    type: str = Field(description="问题类型")
    source: str
    source_label: str
    region_code: str
    unit_name: str
    township: str
    person_name: str
    id_number: str = Field(description="公民身份号码；令牌无个人信息范围时脱敏")
    category: str
    reg_info: str = Field(description="实名制信息")
    cmp_info: str = Field(description="比对信息")
    note: str
    status: str = Field(description="待核实 / 已说明 / 已整改 / 不属实")
    first_found_at: dt.datetime
    last_found_at: dt.datetime


class FindingDetailOut(FindingOut):
    may_answer: bool = Field(description="本令牌的账号现在可以答复此问题")
    answers: list[AnswerOut]


class FindingFilter(Schema):
    code: str = Field("", description="问题代码", max_length=30)
    status: Literal["", "待核实", "已说明", "已整改", "不属实"] = Field("", description="状态")
    unit: str = Field("", description="单位名称中包含的文字", max_length=100)


def _finding(request, f: Finding, full: bool) -> dict[str, Any]:
    return {
        "id": f.pk,
        "code": f.code,
        "type": CODES.get(f.code, f.code),
        "source": f.source,
        "source_label": SOURCE_LABEL.get(f.source, f.source),
        "region_code": f.region.code,
        "unit_name": f.unit_name,
        "township": f.township or "县直",
        "person_name": f.person_name,
        "id_number": show_id(f.id_number, full=full) if f.id_number else "",
        "category": f.category,
        "reg_info": f.reg_info,
        "cmp_info": f.cmp_info,
        "note": f.note,
        "status": f.status,
        "first_found_at": f.first_run.started_at,
        "last_found_at": f.last_run.started_at,
    }


def _answer(a: FindingAnswer) -> dict[str, Any]:
    return {
        "id": a.pk,
        "author": a.author_name,
        "author_role": a.role_label,
        "kind": a.kind,
        "text": a.text,
        "at": a.at,
        "decision": a.decision,
        "decision_status": a.decision_status,
        "decision_note": a.decision_note,
        "decided_at": a.decided_at,
        "attachments": [
            {"name": f.original_name, "size": f.size, "content_type": f.content_type, "sha256": f.sha256}
            for f in a.attachments.all()
        ],
    }


def _finding_in_scope(request, finding_id: int) -> Finding:
    finding = selectors.api_finding(
        request.user, scoping.token_region_ids(request), scoping.token_source(request), finding_id
    )
    if finding is None:
        raise scoping.not_found()
    return finding


@router.get(
    "/findings",
    response=list[FindingOut],
    summary="本部门数据的比对问题",
    description="与页面相同的范围：令牌区划内、令牌数据来源的问题；协作部门看不到涉密单位的问题，"
    "也看不到“实名制有、本部门数据无”的人员，除非编办已共享。分页：page、page_size（至多 500）。",
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def finding_list(request, filters: Query[FindingFilter]):
    scoping.need(request)
    full = scoping.personal(request)
    findings = selectors.api_findings(
        request.user, scoping.token_region_ids(request), scoping.token_source(request), **filters.dict()
    )

    def build(page):
        scoping.rows(request, len(page))
        return [_finding(request, f, full) for f in page]

    return PageOf(findings, build)


@router.get(
    "/findings/{finding_id}",
    response=FindingDetailOut,
    summary="一个比对问题及其答复",
    description="问题、答复（答复人及身份、类型、附件）和编办的审核意见。范围外的问题答复 404。",
)
def finding_detail(request, finding_id: int):
    scoping.need(request)
    finding = _finding_in_scope(request, finding_id)
    scoping.rows(request, 1)
    return _finding(request, finding, scoping.personal(request)) | {
        "may_answer": selectors.may_answer(request.user, finding),
        "answers": [_answer(a) for a in finding.answers.all()],
    }


@router.post(
    "/findings/{finding_id}/answers",
    response={201: AnswerOut},
    summary="答复比对问题",
    description="multipart/form-data：kind（说明 或 已整改）、text（情况说明，必填）、files（附件，可多个，PDF/JPG/PNG/TIFF）。"
    "只能答复待核实的、本部门数据上的问题；答复后问题转为“已说明”，由编办审核（接受为已整改或不属实，或退回）。"
    "需可写入的令牌。请求体至多约 5 MB。",
)
def answer_create(
    request,
    finding_id: int,
    text: Form[str],
    kind: Form[Literal["说明", "已整改"]] = "说明",
    files: File[list[UploadedFile]] = None,
):
    scoping.need(request, write=True, capability="answer_findings")
    finding = _finding_in_scope(request, finding_id)
    answer = services.finding_answer(
        finding=finding, kind=kind, text=text, files=files or [], actor=request.user
    )
    scoping.rows(request, 1)
    return Status(201, _answer(answer))

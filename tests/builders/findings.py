"""Builders for tests: partner uploads, a run and its findings, an answer with an attachment — all through
the real services."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from bianzhi.roles import Role
from tests.builders.compare import partner_csv
from tests.builders.registry import make_person, make_user
from verification.findings.models import ComparisonRun, Finding
from verification.findings.services import comparison_run, finding_answer, partner_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def csv_upload(source: str, rows: list[dict], name: str = "data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, partner_csv(source, rows), content_type="text/csv")


def finance_rows(people) -> list[dict]:
    return [{"姓名": p.name, "公民身份号码": p.id_number, "单位名称": p.unit.name} for p in people]


def run_finance(region, actor, people=(), extra_rows=()) -> ComparisonRun:
    """Upload finance data naming ``people`` (plus ``extra_rows``) and run the comparison."""
    rows = finance_rows(people) + list(extra_rows)
    partner_upload(region=region, source="finance", upload=csv_upload("finance", rows), actor=actor)
    return comparison_run(region=region, actor=actor)


def verification_objects(unit) -> dict:
    """A run, a finding of ``unit`` answered by its liaison with a PDF, and the upload used — for URL walks."""
    region = unit.region
    staff = make_user("v_staff", Role.OFFICE_STAFF, regions=[region])
    liaison = make_user("v_liaison", Role.LIAISON, units=[unit])
    person = make_person(unit)
    run = run_finance(region, staff)
    finding = Finding.objects.get(id_number=person.id_number, code="REG_NOT_IN_FIN")
    answer = finding_answer(
        finding=finding, text="已在财政补录", files=[SimpleUploadedFile("批复.pdf", PDF)], actor=liaison
    )
    return {
        "run": run,
        "finding": finding,
        "upload": run.uploads.get(),
        "attachment": answer.attachments.get(),
    }

"""add_region CODE NAME [--parent CODE] (FORMATS.md §5): create, idempotent re-run, one-line refusals."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from accounts.services.regions import region_add
from bianzhi.models import AuditEntry, Region


def run(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("add_region", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_creates_region_and_audits():
    code, out, err = run("621125", "漳县")
    assert code == 0 and "已登记" in out and not err
    region = Region.objects.get(code="621125")
    assert region.name == "漳县" and region.parent is None
    entry = AuditEntry.objects.get(action="区划.新增")
    assert entry.region == region and entry.actor is None and entry.after["code"] == "621125"


@pytest.mark.django_db
def test_rerun_with_same_name_changes_nothing():
    run("621125", "漳县")
    code, out, _ = run("621125", "漳县")
    assert code == 0 and "未作改动" in out
    assert Region.objects.count() == 1 and AuditEntry.objects.filter(action="区划.新增").count() == 1


@pytest.mark.django_db
def test_parent():
    assert run("621100", "定西市")[0] == 0
    code, _, _ = run("621125", "漳县", "--parent", "621100")
    assert code == 0 and Region.objects.get(code="621125").parent.code == "621100"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, words",
    [
        (("62112", "漳县"), "六位数字"),
        (("6211255", "漳县"), "六位数字"),
        (("62112a", "漳县"), "六位数字"),
        (("000000", "漳县"), "省级代码"),
        (("991125", "漳县"), "省级代码"),
        (("101125", "漳县"), "省级代码"),
        (("621125", "漳县", "--parent", "621100"), "尚未登记"),
        (("621125", "漳县", "--parent", "621125"), "本身"),
    ],
)
def test_bad_input_exits_1_with_one_line(args, words):
    code, out, err = run(*args)
    assert code == 1 and words in err and err.strip().count("\n") == 0
    assert not Region.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_existing_code_with_another_name_exits_1():
    run("621125", "漳县")
    code, _, err = run("621125", "渭源县")
    assert code == 1 and "已登记为“漳县”" in err
    assert Region.objects.get().name == "漳县"


@pytest.mark.django_db
def test_service_authorizes_actor(office_admin, office_staff, supervisor, liaison_a, system_admin):
    for actor in (
        office_admin,
        office_staff,
        supervisor,
        liaison_a,
    ):  # regions are the system administrator's
        with pytest.raises(PermissionDenied):
            region_add("621102", "安定区", actor=actor)
    assert not Region.objects.filter(code="621102").exists()
    region, created = region_add("621102", "安定区", actor=system_admin)
    assert created and AuditEntry.objects.get(action="区划.新增", region=region).actor == system_admin


@pytest.mark.django_db
def test_service_refuses_empty_name():
    with pytest.raises(ValidationError):
        region_add("621125", "  ")

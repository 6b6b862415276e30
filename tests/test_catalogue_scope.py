"""The archive catalogue is scoped to the region (issue 13 point 6): shared classes are the system's, a
county changes only its own, another county's staff are refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from archives import services
from archives.models import CatalogueClass
from bianzhi.models import AuditEntry
from bianzhi.roles import Role
from tests.builders.registry import make_user


@pytest.fixture
def other_staff(other_region):
    return make_user("staff_other", Role.OFFICE_STAFF, regions=[other_region], full_name="安定区编办")


@pytest.fixture
def own_class(region, office_staff):
    top = CatalogueClass.objects.get(code="07")
    return services.catalogue_class_create(code="0799", name="专题", parent=top, actor=office_staff)


def test_new_class_belongs_to_the_county(own_class, region):
    assert own_class.region == region
    entry = AuditEntry.objects.get(action="档案分类.新增")
    assert entry.region == region and entry.after["region"] == region.pk


def test_shared_class_is_read_only_for_staff(office_staff):
    shared = CatalogueClass.objects.get(code="0101")
    assert shared.region is None
    with pytest.raises(ValidationError):
        services.catalogue_class_update(cls=shared, name="改名", actor=office_staff)
    with pytest.raises(ValidationError):
        services.catalogue_class_delete(cls=shared, actor=office_staff)
    assert CatalogueClass.objects.get(code="0101").name == shared.name
    services.catalogue_class_update(cls=shared, name="系统改名", actor=None)  # the system may
    assert CatalogueClass.objects.get(code="0101").name == "系统改名"


def test_other_county_staff_refused_by_the_service(own_class, other_staff):
    with pytest.raises(PermissionDenied):
        services.catalogue_class_update(cls=own_class, name="越权", actor=other_staff)
    with pytest.raises(PermissionDenied):
        services.catalogue_class_delete(cls=own_class, actor=other_staff)
    own_class.refresh_from_db()
    assert own_class.name == "专题"
    with pytest.raises(ValidationError):  # nor file their own class under ours
        services.catalogue_class_create(code="079901", name="挂靠", parent=own_class, actor=other_staff)


def test_other_county_staff_get_404_and_do_not_see_it(client, own_class, other_staff):
    client.force_login(other_staff)
    assert client.get(reverse("archives:class_edit", args=[own_class.pk])).status_code == 404
    assert (
        client.post(
            reverse("archives:class_edit", args=[own_class.pk]), {"code": "0799", "name": "越权"}
        ).status_code
        == 404
    )
    assert client.post(reverse("archives:class_delete", args=[own_class.pk])).status_code == 404
    tree = client.get(reverse("archives:catalogue")).context["tree"]
    codes = {c.code for top, _, children in tree for c in [top, *(x for x, _ in children)]}
    assert "0799" not in codes and "0101" in codes
    own_class.refresh_from_db()
    assert own_class.name == "专题" and CatalogueClass.objects.filter(pk=own_class.pk).exists()


def test_shared_class_edit_page_is_404_for_staff(client, office_staff):
    client.force_login(office_staff)
    shared = CatalogueClass.objects.get(code="0101")
    response = client.post(reverse("archives:class_edit", args=[shared.pk]), {"code": "0101", "name": "改名"})
    assert response.status_code == 404
    assert CatalogueClass.objects.get(code="0101").name != "改名"


def test_read_only_role_403(client, supervisor, own_class):
    client.force_login(supervisor)
    assert (
        client.post(
            reverse("archives:class_edit", args=[own_class.pk]), {"code": "0799", "name": "x"}
        ).status_code
        == 403
    )


def test_anonymous_to_login(client, own_class):
    response = client.post(reverse("archives:class_edit", args=[own_class.pk]), {"code": "0799", "name": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_own_staff_edit_through_the_page(client, office_staff, own_class, region):
    client.force_login(office_staff)
    response = client.post(
        reverse("archives:class_edit", args=[own_class.pk]),
        {"code": "0799", "name": "专题改", "parent": own_class.parent_id, "sort": 0, "is_active": "on"},
    )
    assert response.status_code == 302
    own_class.refresh_from_db()
    assert own_class.name == "专题改"
    entry = AuditEntry.objects.get(action="档案分类.修改")
    assert entry.actor == office_staff and entry.region == region and entry.after == {"name": "专题改"}


def test_pickers_offer_shared_and_own_classes_only(client, own_class, other_staff, office_staff):
    """The document forms' class pickers (register, edit, filter, catalogue export) offer the shared
    总目录 and the user's own regions' classes; another county's class is neither offered nor accepted."""
    pages = [
        reverse("archives:document_create"),
        reverse("archives:document_list"),
        reverse("archives:catalogue"),
    ]
    client.force_login(other_staff)
    for url in pages:
        page = client.get(url).content.decode()
        assert "0101" in page and "专题" not in page, url
    client.force_login(office_staff)
    assert all("专题" in client.get(url).content.decode() for url in pages)


def test_another_countys_class_refused_on_filing(client, own_class, other_staff, other_region):
    client.force_login(other_staff)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("archives:document_create"),
        {
            "region": other_region.pk,
            "number": "安编发〔2021〕1号",
            "title": "借用分类",
            "kind": "编委文件",
            "catalogue_class": own_class.pk,
            "retention": "永久",
        },
    )
    assert response.status_code == 400 and "catalogue_class" in response.context["form"].errors
    assert AuditEntry.objects.count() == before
    with pytest.raises(ValidationError) as refused:  # the service refuses it on every path
        services.document_create(
            region=other_region,
            number="安编发〔2021〕2号",
            title="借用分类",
            catalogue_class=own_class,
            actor=None,
        )
    assert "其他区划" in str(refused.value)


def test_a_document_can_be_moved_to_another_countys_class_by_no_one(region, own_class, other_region):
    other_class = services.catalogue_class_create(
        code="0798",
        name="他县专题",
        parent=CatalogueClass.objects.get(code="07"),
        region=other_region,
        actor=None,
    )
    document = services.document_create(region=region, number="漳编发〔2021〕9号", title="文件", actor=None)
    with pytest.raises(ValidationError):
        services.document_update(document=document, actor=None, catalogue_class=other_class)
    services.document_update(document=document, actor=None, catalogue_class=own_class)
    document.refresh_from_db()
    assert document.catalogue_class == own_class

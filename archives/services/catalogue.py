"""The classification catalogue (档案分类目录): add, change and remove classes.

Scoped by region (issue 13 point 6): a shared class (``region`` NULL, the seeded 总目录) is changed only
by the system (``actor=None``: a migration or a command); a county's office adds, changes and removes only
its own region's classes, under a shared top class or one of its own.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from archives.models import (
    CatalogueClass,
)
from bianzhi import audit
from bianzhi.lib.text import clean_cell
from bianzhi.models import Region
from bianzhi.roles import acting_region_ids, authorize

CLASS_FIELDS = ("code", "name", "parent", "sort", "is_active", "region")

SHARED = "共用类目（各区划通用的总目录）由系统统一维护，不能在此修改；可在其下新增本区划的分目录。"
NO_REGION = "请选择新增类目所属的区划。"
OTHER_REGION_PARENT = "上级类目属于其他区划，不能在其下新增或挂靠类目。"


def _guard(cls: CatalogueClass, actor) -> None:
    """The system changes any class; an office user only the classes of a region they work for."""
    if actor is None:
        return
    if cls.region_id is None:
        authorize(actor, "edit_registry")
        raise ValidationError(SHARED)
    authorize(actor, "edit_registry", region=cls.region_id)


def _region_for(actor, region: Region | None) -> Region | None:
    """The new class's region: the one given, or the actor's only region; the system may add shared ones."""
    if region is not None or actor is None:
        return region
    ids = acting_region_ids(actor) or frozenset()
    if len(ids) != 1:
        raise ValidationError({"region": NO_REGION})
    return Region.objects.get(pk=next(iter(ids)))


def _check_class(cls: CatalogueClass) -> None:
    cls.code, cls.name = clean_cell(cls.code), clean_cell(cls.name)
    if not cls.code or not cls.name:
        raise ValidationError("分类号和类目名称都不能为空。")
    if cls.parent_id:
        if cls.parent.region_id is not None and cls.parent.region_id != cls.region_id:
            raise ValidationError({"parent": OTHER_REGION_PARENT})
        if cls.parent.parent_id:
            raise ValidationError(
                {"parent": "档案分类目录只有两级：总目录下设分目录，分目录下不能再设类目。"}
            )
        if cls.pk and cls.parent_id == cls.pk:
            raise ValidationError({"parent": "类目不能作为自己的上级。"})
        if cls.pk and cls.children.exists():
            raise ValidationError({"parent": "该类目下设有分目录，不能再挂到其他类目之下。"})
    if CatalogueClass.objects.filter(code=cls.code).exclude(pk=cls.pk).exists():
        raise ValidationError({"code": f"分类号“{cls.code}”已经存在。"})


@transaction.atomic
def catalogue_class_create(
    *,
    code: str,
    name: str,
    actor,
    parent: CatalogueClass | None = None,
    sort: int = 0,
    region: Region | None = None,
) -> CatalogueClass:
    """Add a class to the catalogue (a top-level class of the 总目录, or a sub-class under one) for a
    region (the actor's only region when not given); the system (``actor=None``) may add shared classes.
    Audited."""
    authorize(actor, "edit_registry")
    region = _region_for(actor, region)
    if region is not None:
        authorize(actor, "edit_registry", region=region)
    cls = CatalogueClass(code=code, name=name, parent=parent, sort=sort, region=region)
    _check_class(cls)
    cls.save()
    audit.record(actor=actor, action="档案分类.新增", target=cls, after=audit.snapshot(cls, CLASS_FIELDS))
    return cls


@transaction.atomic
def catalogue_class_update(*, cls: CatalogueClass, actor, **changes) -> CatalogueClass:
    """Rename, renumber, move or (de)activate a class. A deactivated class keeps its Documents but takes
    no new ones. Audited with before/after."""
    cls = CatalogueClass.objects.select_for_update().get(pk=cls.pk)
    _guard(cls, actor)
    before = audit.snapshot(cls, CLASS_FIELDS)
    for name, value in changes.items():
        if name not in CLASS_FIELDS or name == "region":
            raise ValueError(name)
        setattr(cls, name, value)
    _check_class(cls)
    cls.save()
    old, new = audit.diff(before, audit.snapshot(cls, CLASS_FIELDS))
    if new:
        audit.record(actor=actor, action="档案分类.修改", target=cls, before=old, after=new)
    return cls


@transaction.atomic
def catalogue_class_delete(*, cls: CatalogueClass, actor) -> None:
    """Remove a class created by mistake. Refused while it (or a sub-class) holds Documents or has
    sub-classes: such a class can only be deactivated. Audited."""
    cls = CatalogueClass.objects.select_for_update().get(pk=cls.pk)
    _guard(cls, actor)
    held = cls.documents.count()
    if held:
        raise ValidationError(f"类目“{cls}”下已归档 {held} 份文件，不能删除；如不再使用，请停用。")
    if cls.children.exists():
        raise ValidationError(f"类目“{cls}”下还有分目录，不能删除；如不再使用，请停用。")
    snapshot = audit.snapshot(cls, CLASS_FIELDS)
    audit.record(actor=actor, action="档案分类.删除", target=cls, before=snapshot)
    cls.delete()


# ---- dedicated files (独立档案) ----------------------------------------------------------------------

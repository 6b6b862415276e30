"""The classification catalogue (档案分类目录): add, change and remove classes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from archives.models import (
    CatalogueClass,
)
from bianzhi import audit
from bianzhi.lib.text import clean_cell
from bianzhi.roles import authorize

CLASS_FIELDS = ("code", "name", "parent", "sort", "is_active")


def _check_class(cls: CatalogueClass) -> None:
    cls.code, cls.name = clean_cell(cls.code), clean_cell(cls.name)
    if not cls.code or not cls.name:
        raise ValidationError("分类号和类目名称都不能为空。")
    if cls.parent_id:
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
    *, code: str, name: str, actor, parent: CatalogueClass | None = None, sort: int = 0
) -> CatalogueClass:
    """Add a class to the catalogue (a top-level class of the 总目录, or a sub-class under one). Audited."""
    authorize(actor, "edit_registry")
    cls = CatalogueClass(code=code, name=name, parent=parent, sort=sort)
    _check_class(cls)
    cls.save()
    audit.record(actor=actor, action="档案分类.新增", target=cls, after=audit.snapshot(cls, CLASS_FIELDS))
    return cls


@transaction.atomic
def catalogue_class_update(*, cls: CatalogueClass, actor, **changes) -> CatalogueClass:
    """Rename, renumber, move or (de)activate a class. A deactivated class keeps its Documents but takes
    no new ones. Audited with before/after."""
    authorize(actor, "edit_registry")
    cls = CatalogueClass.objects.select_for_update().get(pk=cls.pk)
    before = audit.snapshot(cls, CLASS_FIELDS)
    for name, value in changes.items():
        if name not in CLASS_FIELDS:
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
    authorize(actor, "edit_registry")
    cls = CatalogueClass.objects.select_for_update().get(pk=cls.pk)
    held = cls.documents.count()
    if held:
        raise ValidationError(f"类目“{cls}”下已归档 {held} 份文件，不能删除；如不再使用，请停用。")
    if cls.children.exists():
        raise ValidationError(f"类目“{cls}”下还有分目录，不能删除；如不再使用，请停用。")
    snapshot = audit.snapshot(cls, CLASS_FIELDS)
    audit.record(actor=actor, action="档案分类.删除", target=cls, before=snapshot)
    cls.delete()


# ---- dedicated files (独立档案) ----------------------------------------------------------------------

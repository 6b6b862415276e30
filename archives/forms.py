"""Forms of the archives pages (input shape only; archives.services checks the rules)."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator

from archives.choices import DocumentKind, DocumentStatus, MinuteKind, RequestStatus, Retention
from archives.models import CatalogueClass

ALL = [("", "全部")]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NUMBERS_HELP = "填写文号，每行一个（须已登记）。"


def _class_choices(qs, active_only: bool = True) -> list[tuple[str, str]]:
    qs = qs.select_related("parent").order_by("sort", "code")
    if active_only:
        qs = qs.filter(is_active=True)
    by_parent: dict[int | None, list[CatalogueClass]] = {}
    for c in qs:
        by_parent.setdefault(c.parent_id, []).append(c)
    out = []
    for top in by_parent.get(None, []):
        out.append((str(top.pk), f"{top.code} {top.name}"))
        out += [(str(c.pk), f"　{c.code} {c.name}") for c in by_parent.get(top.pk, [])]
    return out


class _ClassTree(ModelChoiceIterator):
    """The classes in catalogue order, read lazily (never at import time)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from _class_choices(self.queryset, self.field.active_only)

    def __len__(self) -> int:
        return self.queryset.count() + (self.field.empty_label is not None)


class ClassField(forms.ModelChoiceField):
    """A catalogue class, offered as the tree (sub-classes indented under their top class). Offers and
    accepts nothing until the form is given the user's classes (``ScopedClasses``): the shared 总目录 and
    the classes of the user's own regions, never another county's."""

    iterator = _ClassTree

    def __init__(self, *, active_only: bool = True, **kwargs):
        self.active_only = active_only
        super().__init__(queryset=CatalogueClass.objects.none(), **kwargs)


class ScopedClasses(forms.Form):
    """A form with catalogue-class pickers: ``classes`` (``archives.selectors.classes_for(user)``) is
    what every ClassField of the form offers and accepts."""

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, ClassField):
                field.queryset = classes


class DocumentFilterForm(ScopedClasses):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "文号、标题、发文机关或备注"}),
    )
    cls = ClassField(label="档案分类", required=False, active_only=False, empty_label="全部")
    kind = forms.ChoiceField(label="文件类别", required=False, choices=ALL + DocumentKind.choices)
    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=1949,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": "如 2021"}),
    )
    retention = forms.ChoiceField(label="保管期限", required=False, choices=ALL + Retention.choices)
    box = forms.CharField(label="盒号", required=False, max_length=20)
    status = forms.ChoiceField(label="状态", required=False, choices=ALL + DocumentStatus.choices)


class FilingFields(ScopedClasses):
    catalogue_class = ClassField(label="档案分类", required=False, empty_label="（未分类）")
    retention = forms.ChoiceField(
        label="保管期限", choices=Retention.choices, initial=Retention.PERMANENT, required=False
    )
    box_number = forms.CharField(
        label="盒号", max_length=20, required=False, help_text="纸质档案所在档案盒编号。"
    )
    volume_number = forms.CharField(label="卷号", max_length=20, required=False)

    def clean_retention(self) -> str:
        return self.cleaned_data.get("retention") or Retention.PERMANENT


# The order of a Document's fields on its forms (after region and 文号 when registering).
DOCUMENT_ORDER = (
    "title",
    "issuer",
    "issued_on",
    "kind",
    "catalogue_class",
    "retention",
    "box_number",
    "volume_number",
    "note",
)


class DocumentCreateForm(FilingFields):
    region = forms.ModelChoiceField(label="行政区划", queryset=None, empty_label=None)
    number = forms.CharField(
        label="文号", max_length=100, help_text="如 漳编发〔2021〕12号；[ ]、［ ］会自动改为〔〕。"
    )
    title = forms.CharField(label="标题", max_length=300)
    issuer = forms.CharField(
        label="发文机关", max_length=100, required=False, help_text="如 中共漳县县委机构编制委员会。"
    )
    issued_on = forms.DateField(label="发文日期", required=False, widget=DATE)
    kind = forms.ChoiceField(label="文件类别", choices=DocumentKind.choices, initial=DocumentKind.COMMITTEE)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    scan = forms.FileField(
        label="扫描件", required=False, help_text="可选：PDF、JPG、PNG 或 TIFF，单个文件不超过上传上限。"
    )
    field_order = ["region", "number", *DOCUMENT_ORDER, "scan"]

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class DocumentEditForm(FilingFields):
    title = forms.CharField(label="标题", max_length=300)
    issuer = forms.CharField(label="发文机关", max_length=100, required=False)
    issued_on = forms.DateField(label="发文日期", required=False, widget=DATE)
    kind = forms.ChoiceField(label="文件类别", choices=DocumentKind.choices)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="修改原因", required=False, max_length=200)
    field_order = [*DOCUMENT_ORDER, "reason"]


class ScanForm(forms.Form):
    scan = forms.FileField(label="扫描件", help_text="PDF、JPG、PNG 或 TIFF。")


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="撤回原因", widget=forms.Textarea(attrs={"rows": 3}), help_text="如：已被某文件废止；登记错误。"
    )
    confirm = forms.BooleanField(label="我确认撤回该文件（文件不会删除，但不能再作为新的变更依据）")


class CatalogueClassForm(forms.Form):
    code = forms.CharField(
        label="分类号", max_length=20, help_text="总目录类目两位（如 08），分目录四位（如 0801）。"
    )
    name = forms.CharField(label="类目名称", max_length=100)
    parent = forms.ModelChoiceField(
        label="上级类目",
        queryset=CatalogueClass.objects.filter(parent__isnull=True).order_by("sort", "code"),
        required=False,
        empty_label="（无：总目录类目）",
    )
    sort = forms.IntegerField(label="排序", min_value=0, initial=0, required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, parents=None, regions=None, **kwargs):
        """``parents``: the top classes the user may file under; ``regions`` (new classes only): the
        user's regions (the field is left out when there is one, and for an edit)."""
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["parent"].queryset = parents
        if regions is not None and regions.count() > 1:
            self.fields["region"] = forms.ModelChoiceField(
                label="所属区划", queryset=regions, empty_label=None
            )


class CatalogueExportForm(ScopedClasses):
    region = forms.ModelChoiceField(label="行政区划", queryset=None, required=False, empty_label=None)
    cls = ClassField(label="分目录", required=False, active_only=False, empty_label="总目录（全部类目）")
    year = forms.IntegerField(label="年度", required=False, min_value=1949, max_value=2100)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class DedicatedFileForm(forms.Form):
    name = forms.CharField(label="档案名称", max_length=100, help_text="如 事业单位分类改革档案。")
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RegionForm(forms.Form):
    region = forms.ModelChoiceField(label="行政区划", queryset=None, empty_label=None)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].initial = regions.first()


class DedicatedDocumentForm(RegionForm):
    number = forms.CharField(label="文号", max_length=100, help_text="须已登记。")
    note = forms.CharField(label="备注", required=False, max_length=500)


class DedicatedRecordForm(RegionForm):
    title = forms.CharField(label="材料名称", max_length=300, help_text="如 工作方案、进展情况、统计报表。")
    occurred_on = forms.DateField(label="日期", required=False, widget=DATE)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    upload = forms.FileField(label="附件", required=False, help_text="可选：PDF、JPG、PNG 或 TIFF。")


class MinuteForm(RegionForm):
    kind = forms.ChoiceField(label="记录本", choices=MinuteKind.choices)
    met_on = forms.DateField(label="会议日期", widget=DATE)
    subject = forms.CharField(label="会议名称", max_length=200)
    attendees = forms.CharField(label="参会人员", widget=forms.Textarea(attrs={"rows": 2}))
    departments = forms.CharField(
        label="参会部门",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="联席会议必填：纪检、组织、机构编制、监察、财政、人社等。",
    )
    items = forms.CharField(label="研究事项", widget=forms.Textarea(attrs={"rows": 4}))
    decisions = forms.CharField(label="议定事项", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    documents = forms.CharField(
        label="相关文件", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=NUMBERS_HELP
    )


class RequestForm(RegionForm):
    title = forms.CharField(label="请示事项", max_length=200, help_text="如 关于设立漳县融媒体中心的请示。")
    requesting_body = forms.CharField(label="请示单位", max_length=100)
    basis = forms.CharField(
        label="政策依据",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="上级党委、政府或机构编制部门的文件文号，每行一个；业务主管部门的行业标准不能作为依据。",
    )
    feasibility = forms.CharField(
        label="可行性论证", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    necessity = forms.CharField(label="必要性论证", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    unit_name = forms.CharField(label="机构名称", max_length=100, required=False)
    unit_nature = forms.CharField(
        label="机构性质",
        max_length=20,
        required=False,
        help_text="行政机关、参公事业单位、事业单位或内设机构。",
    )
    unit_rank = forms.CharField(
        label="机构规格", max_length=20, required=False, help_text="如 正科级、副科级、股级。"
    )
    affiliation = forms.CharField(
        label="隶属关系", max_length=100, required=False, help_text="隶属或主管部门。"
    )
    funding = forms.CharField(
        label="经费来源", max_length=20, required=False, help_text="全额拨款、差额补贴或自收自支。"
    )
    duties = forms.CharField(label="主要职责", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    quota = forms.CharField(label="人员编制", max_length=200, required=False, help_text="如 事业编制 8 名。")
    leader_posts = forms.CharField(
        label="领导职数", max_length=200, required=False, help_text="如 主任 1 名、副主任 2 名。"
    )


class DecideForm(forms.Form):
    number = forms.CharField(label="批复文件文号", max_length=100, required=False, help_text="须已登记。")
    decision = forms.CharField(label="决定内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReturnForm(forms.Form):
    note = forms.CharField(label="退回原因", widget=forms.Textarea(attrs={"rows": 3}))


class MinuteFilterForm(forms.Form):
    kind = forms.ChoiceField(label="记录本", required=False, choices=ALL + MinuteKind.choices)
    year = forms.IntegerField(label="年度", required=False, min_value=1949, max_value=2100)


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=ALL + RequestStatus.choices)
    q = forms.CharField(label="搜索", required=False)

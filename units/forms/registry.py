"""Forms of the registry pages. They check input shape only; the services check the rules."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from archives.models import Document
from bianzhi.lib.idnumbers import InvalidNumber, normalize_id
from bianzhi.lib.text import split_aliases
from bianzhi.lib.widgets import NameChoiceIterator, QuickSelect
from units import choices, selectors
from units.choices import (
    ALLOWED_TYPES,
    DutyStatus,
    EntryMethod,
    EstablishmentType,
    LeaderPost,
    LeaveReason,
    Nature,
    PostCategory,
    Rank,
    Sex,
    SlipStatus,
    StaffCategory,
    System,
    UnitStatus,
)
from units.models import Unit, UseSlip

# A plain text box, not type=date: the browser's date picker shows the OS locale (mm/dd/yyyy on some
# machines); clerks type 2021-12-31 or 2021年12月31日 and the zh-hans input formats accept both.
DATE = forms.DateInput(attrs={"placeholder": "如 2021-12-31", "autocomplete": "off"}, format="%Y-%m-%d")
ALL = [("", "全部")]

# The unit fields a clerk sets when a unit is set up (in the form's order) and when one is edited.
UNIT_EDIT_FIELDS = (
    "name",
    "nature",
    "parent",
    "system",
    "rank",
    "funding",
    "institution_class",
    "township",
    "credit_code",
    "is_confidential",
    "duties",
)
UNIT_CREATE_FIELDS = (
    "region",
    *UNIT_EDIT_FIELDS[:9],
    "aliases",
    *UNIT_EDIT_FIELDS[9:],
    "document",
    "founded_on",
    "reason",
)


def _blank(choices, label: str = "请选择") -> list[tuple[str, str]]:
    return [("", label), *choices]


class DocumentChoiceField(forms.ModelChoiceField):
    """A Document picked by 文号; the list shows 文号, title and date so a clerk can tell them apart."""

    def label_from_instance(self, obj: Document) -> str:
        date = f"（{obj.issued_on:%Y-%m-%d}）" if obj.issued_on else ""
        return f"{obj.number} {obj.title}{date}"


def document_field(
    queryset: QuerySet[Document], *, required: bool, help_text: str = ""
) -> DocumentChoiceField:
    return DocumentChoiceField(
        queryset=queryset.order_by("-issued_on", "-id"),
        required=required,
        label="批准文件",
        empty_label="请选择文件（文号）",
        help_text=help_text or "没有找到文件？请先在“文件”中登记，再回到此页选择。",
    )


class SlipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: UseSlip) -> str:
        extra = "，出一进一" if obj.is_replacement else ""
        return f"{obj.number}（{obj.unit.name} {obj.establishment_type}，有效期至{obj.valid_until:%Y-%m-%d}{extra}）"


def slip_field(queryset: QuerySet[UseSlip]) -> SlipChoiceField:
    """Valid, unexpired 编制使用单 (核编在先); the service checks unit, type and validity again."""
    today = timezone.localdate()
    return SlipChoiceField(
        queryset=queryset.filter(status=SlipStatus.VALID, valid_until__gte=today).select_related("unit"),
        required=False,
        label="编制使用单",
        empty_label="（无）",
        help_text="核编在先：凭有效的编制使用单入编，使用后即失效。",
        error_messages={
            "invalid_choice": "该编制使用单已经使用、作废或过期（可能已在另一个窗口提交过），请刷新页面后重新选择。"
        },
    )


def add_override_fields(form: forms.Form, documents: QuerySet[Document]) -> None:
    """The office administrator's override (规则特批): a Document and a reason, both optional here.

    Only added for users with the "override" capability; the service checks both are given together.
    """
    form.fields["override_document"] = DocumentChoiceField(
        queryset=documents.order_by("-issued_on", "-id"),
        required=False,
        label="特批依据文件",
        empty_label="（不特批）",
        help_text="仅编办管理员：无编制使用单、超编或超职数时，依据文件特批办理；特批会记录并在首页列出。",
    )
    form.fields["override_reason"] = forms.CharField(
        label="特批原因",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="特批时必须填写。",
    )


class UnitChoiceField(forms.ModelChoiceField):
    widget = QuickSelect  # a county's 500 units on every list page's filter (bianzhi.lib.widgets)
    iterator = NameChoiceIterator  # (pk, name) pairs: no Unit built per option

    def label_from_instance(self, obj: Unit) -> str:
        return obj.name


def optional_unit(label: str, help_text: str = "") -> UnitChoiceField:
    """A unit that may be left empty (无); the view gives the queryset."""
    return UnitChoiceField(
        label=label, required=False, queryset=Unit.objects.none(), empty_label="无", help_text=help_text
    )


# ---- list filters ------------------------------------------------------------------------------


class UnitFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "名称、其他名称或统一社会信用代码"}),
    )
    nature = forms.ChoiceField(label="机构性质", required=False, choices=ALL + Nature.choices)
    system = forms.ChoiceField(label="系统类别", required=False, choices=ALL + System.choices)
    township = forms.CharField(
        label="所在乡镇",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "如 县直、武阳镇", "list": "townships"}),
    )
    funding = forms.ChoiceField(label="经费形式", required=False, choices=ALL + choices.Funding.choices)
    status = forms.ChoiceField(label="状态", required=False, choices=[*UnitStatus.choices, ("全部", "全部")])
    over = forms.BooleanField(label="仅看超编", required=False)
    # a city's or province's office: one region below it (its id; the list is scoped anyway), or all
    region = forms.IntegerField(label="区划", required=False, min_value=1)


class PersonFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "姓名，或完整的公民身份号码"}),
    )
    unit = UnitChoiceField(label="单位", required=False, queryset=Unit.objects.none(), empty_label="全部单位")
    establishment_type = forms.ChoiceField(
        label="编制类型", required=False, choices=ALL + EstablishmentType.choices
    )
    category = forms.ChoiceField(label="人员类别", required=False, choices=ALL + StaffCategory.choices)
    state = forms.ChoiceField(
        label="在编状态", required=False, choices=[("在编", "在编"), ("已出编", "已出编"), ("全部", "全部")]
    )
    # a city's or province's office: one region below it (its id; the list is scoped anyway), or all
    region = forms.IntegerField(label="区划", required=False, min_value=1)

    def __init__(self, *args, units: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class DocumentFilterForm(forms.Form):
    q = forms.CharField(
        label="搜索", required=False, widget=forms.TextInput(attrs={"placeholder": "文号、标题或发文机关"})
    )


# ---- units -------------------------------------------------------------------------------------


class UnitFieldsMixin(forms.Form):
    name = forms.CharField(label="机构名称", max_length=100)
    nature = forms.ChoiceField(label="机构性质", choices=Nature.choices)
    parent = optional_unit("上级机构（主管部门）", "内设机构必须选择所属单位。")
    system = forms.ChoiceField(
        label="系统类别", required=False, choices=_blank(System.choices), help_text="内设机构不填。"
    )
    rank = forms.ChoiceField(label="机构规格", choices=Rank.choices, initial=Rank.UNRANKED)
    funding = forms.ChoiceField(
        label="经费形式", required=False, choices=_blank(choices.Funding.choices), help_text="内设机构不填。"
    )
    institution_class = forms.ChoiceField(
        label="事业单位类别",
        required=False,
        choices=_blank(choices.InstitutionClass.choices, "不适用"),
        help_text="仅事业单位填写。",
    )
    township = forms.CharField(label="所在乡镇", required=False, max_length=50, help_text="留空表示县直。")
    credit_code = forms.CharField(
        label="统一社会信用代码",
        required=False,
        max_length=30,
        help_text="18位；法人单位填写，内设机构不填。",
    )
    aliases = forms.CharField(
        label="其他名称", required=False, help_text="加挂牌子或简称，多个用分号（；）隔开。"
    )
    is_confidential = forms.BooleanField(
        label="涉密单位", required=False, help_text="涉密单位不出现在公示和协作部门的输出中。"
    )
    duties = forms.CharField(label="主要职责", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_aliases(self) -> list[str]:
        return split_aliases(self.cleaned_data["aliases"])


class UnitCreateForm(UnitFieldsMixin):
    region = forms.ModelChoiceField(label="行政区划", queryset=None, empty_label=None)
    document = forms.ModelChoiceField(queryset=Document.objects.none())
    founded_on = forms.DateField(
        label="设立日期", required=False, widget=DATE, help_text="留空则取文件的发文日期。"
    )
    reason = forms.CharField(label="说明", required=False, max_length=500)

    field_order = list(UNIT_CREATE_FIELDS)

    def __init__(self, *args, regions, documents: QuerySet[Document], parents: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["document"] = document_field(
            documents, required=True, help_text="设立机构必须依据批准文件（不准擅自设立机构）。"
        )
        self.fields["parent"].queryset = parents
        self.order_fields(self.field_order)


class UnitEditForm(UnitFieldsMixin):
    document = forms.ModelChoiceField(queryset=Document.objects.none())
    occurred_on = forms.DateField(
        label="变更日期", required=False, widget=DATE, help_text="留空则取文件的发文日期，没有文件时取今天。"
    )
    reason = forms.CharField(label="变更原因", max_length=500, help_text="每次修改都要写明原因。")

    def __init__(self, *args, documents: QuerySet[Document], parents: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"] = document_field(
            documents,
            required=False,
            help_text="更改名称、性质、规格、隶属或经费形式时必须选择批准文件；其他信息只需填写原因。",
        )
        self.fields["parent"].queryset = parents


class UnitEndForm(forms.Form):
    status = forms.ChoiceField(
        label="处理方式", choices=[(UnitStatus.ABOLISHED, "撤销"), (UnitStatus.MERGED, "合并")]
    )
    merged_into = UnitChoiceField(
        label="并入单位",
        required=False,
        queryset=Unit.objects.none(),
        empty_label="（撤销时不填）",
        help_text="合并时必须选择。",
    )
    occurred_on = forms.DateField(label="撤销/合并日期", widget=DATE)
    document = forms.ModelChoiceField(queryset=Document.objects.none())
    reason = forms.CharField(label="说明", required=False, max_length=500)
    confirm = forms.BooleanField(label="我已核对：此机构将被撤销或合并，不能恢复（记录和历史会保留）。")

    def __init__(self, *args, documents: QuerySet[Document], units: QuerySet[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"] = document_field(documents, required=True)
        self.fields["merged_into"].queryset = units
        self.order_fields(["status", "merged_into", "occurred_on", "document", "reason", "confirm"])


class QuotaForm(forms.Form):
    establishment_type = forms.ChoiceField(label="编制类型")
    approved = forms.IntegerField(
        label="调整后核定数", min_value=0, help_text="填写调整后的总数，不是增减数。"
    )
    military_earmark = forms.IntegerField(
        label="其中军转干部行政编制", min_value=0, required=False, help_text="仅行政编制；留空表示不变。"
    )
    document = forms.ModelChoiceField(queryset=Document.objects.none())
    occurred_on = forms.DateField(
        label="调整日期", required=False, widget=DATE, help_text="留空则取文件的发文日期。"
    )
    reason = forms.CharField(label="变化原因", required=False, max_length=500)

    def __init__(self, *args, unit: Unit, documents: QuerySet[Document], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment_type"].choices = [(t, t) for t in ALLOWED_TYPES.get(unit.nature, ())]
        self.fields["document"] = document_field(documents, required=True)
        self.order_fields(
            ["establishment_type", "approved", "military_earmark", "document", "occurred_on", "reason"]
        )


class PostsForm(forms.Form):
    category = forms.ChoiceField(label="职数类别", choices=PostCategory.choices)
    approved = forms.IntegerField(label="调整后核定职数", min_value=0, help_text="填写调整后的总数。")
    document = forms.ModelChoiceField(queryset=Document.objects.none())
    occurred_on = forms.DateField(
        label="调整日期", required=False, widget=DATE, help_text="留空则取文件的发文日期。"
    )
    reason = forms.CharField(label="变化原因", required=False, max_length=500)

    def __init__(self, *args, documents: QuerySet[Document], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"] = document_field(documents, required=True)
        self.order_fields(["category", "approved", "document", "occurred_on", "reason"])


# ---- people ------------------------------------------------------------------------------------


def _optional_document(form: forms.Form, documents: QuerySet[Document]) -> None:
    form.fields["document"] = document_field(documents, required=False, help_text="可选：依据的文件。")


# Where a person's facts come in the 入编 and 信息变更 forms, after the name, number and type.
FACTS_LAST = ("division", "title", "grade", "entered_on", "entry_method", "entry_doc_number")


class PersonFactsMixin(forms.Form):
    """The fields of a real-name record that 入编 and 信息变更 share."""

    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="公民身份号码",
        max_length=30,
        help_text="18位，末位X大写；15位旧号码会自动转换。性别和出生日期按号码核对。",
    )
    establishment_type = forms.ChoiceField(label="编制类型")
    category = forms.ChoiceField(label="人员类别", choices=StaffCategory.choices)
    division = UnitChoiceField(
        label="内设机构", required=False, queryset=Unit.objects.none(), empty_label="无"
    )
    entered_on = forms.DateField(label="入编时间", widget=DATE)
    entry_doc_number = forms.CharField(label="入编文号或编制使用单号", required=False, max_length=100)
    entry_method = forms.ChoiceField(label="进入方式", required=False, choices=_blank(EntryMethod.choices))
    is_military_transfer = forms.BooleanField(label="军转干部", required=False)
    work_started_on = forms.DateField(label="参加工作时间", required=False, widget=DATE)
    duty_status = forms.ChoiceField(label="在岗状态", choices=DutyStatus.choices, initial=DutyStatus.ON_DUTY)
    ethnicity = forms.CharField(label="民族", required=False, max_length=20)
    political_status = forms.CharField(label="政治面貌", required=False, max_length=20)
    education = forms.CharField(label="学历", required=False, max_length=20)
    title = forms.CharField(label="职务", required=False, max_length=100)
    grade = forms.CharField(label="职级", required=False, max_length=50)

    def clean_id_number(self) -> str:
        try:
            return normalize_id(self.cleaned_data["id_number"])
        except InvalidNumber as exc:
            raise forms.ValidationError(str(exc)) from None

    def setup(self, unit: Unit, types: tuple[str, ...] | list[str]) -> None:
        self.fields["establishment_type"].choices = [(t, t) for t in types]
        self.fields["division"].queryset = selectors.divisions_of(unit)


class PersonEnterForm(PersonFactsMixin):
    sex = forms.ChoiceField(label="性别", required=False, choices=_blank(Sex.choices, "按号码自动判断"))
    leader_post = forms.ChoiceField(label="领导职务", choices=LeaderPost.choices, initial=LeaderPost.NONE)
    document = forms.ModelChoiceField(queryset=Document.objects.none())
    reason = forms.CharField(label="备注", required=False, max_length=500)

    def __init__(self, *args, unit: Unit, documents: QuerySet[Document], override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(unit, ALLOWED_TYPES.get(unit.nature, ()))
        _optional_document(self, documents)
        self.fields["slip"] = slip_field(selectors.slips_of([unit]))
        if override:
            add_override_fields(self, documents)
        self.fields["entered_on"].initial = timezone.localdate()
        self.order_fields(
            [
                "slip",
                "name",
                "id_number",
                "sex",
                "establishment_type",
                "category",
                "leader_post",
                *FACTS_LAST,
                "document",
            ]
        )


class PersonEditForm(PersonFactsMixin):
    sex = forms.ChoiceField(label="性别", choices=Sex.choices)
    birth_date = forms.DateField(label="出生日期", widget=DATE)
    reason = forms.CharField(
        label="修改原因",
        required=False,
        max_length=500,
        help_text="修改姓名、公民身份号码、出生日期、编制类型或入编时间时必须填写。",
    )

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup(unit, ALLOWED_TYPES.get(unit.nature, ()))
        self.order_fields(
            [
                "name",
                "id_number",
                "sex",
                "birth_date",
                "establishment_type",
                "category",
                *FACTS_LAST,
            ]
        )


class PersonLeaveForm(forms.Form):
    left_on = forms.DateField(label="出编时间", widget=DATE)
    leave_reason = forms.ChoiceField(label="出编原因", choices=_blank(LeaveReason.choices))
    doc_number = forms.CharField(label="文号", required=False, max_length=100)
    document = forms.ModelChoiceField(queryset=Document.objects.none())
    reason = forms.CharField(label="说明", required=False, max_length=500)
    confirm = forms.BooleanField(label="我已核对：该人员将出编，所占编制随即释放。")

    def __init__(self, *args, documents: QuerySet[Document], **kwargs):
        super().__init__(*args, **kwargs)
        _optional_document(self, documents)
        self.order_fields(["left_on", "leave_reason", "doc_number", "document", "reason", "confirm"])


class PersonTransferForm(forms.Form):
    to_unit = UnitChoiceField(label="调入单位", queryset=Unit.objects.none())
    establishment_type = forms.ChoiceField(label="调入后编制类型", choices=EstablishmentType.choices)
    to_division = optional_unit("调入内设机构", "须为调入单位的内设机构。")
    category = forms.ChoiceField(
        label="人员类别", required=False, choices=_blank(StaffCategory.choices, "不变")
    )
    leader_post = forms.ChoiceField(label="领导职务", choices=LeaderPost.choices, initial=LeaderPost.NONE)
    occurred_on = forms.DateField(label="调动日期", widget=DATE)
    doc_number = forms.CharField(label="文号或编制使用单号", required=False, max_length=100)
    document = forms.ModelChoiceField(queryset=Document.objects.none())
    reason = forms.CharField(label="说明", required=False, max_length=500)

    def __init__(
        self,
        *args,
        units: QuerySet[Unit],
        divisions: QuerySet[Unit],
        documents,
        override: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units
        self.fields["to_division"].queryset = divisions
        _optional_document(self, documents)
        self.fields["slip"] = slip_field(selectors.slips_of(units))
        if override:
            add_override_fields(self, documents)
        self.order_fields(
            [
                "to_unit",
                "slip",
                "establishment_type",
                "to_division",
                "category",
                "leader_post",
                "occurred_on",
                "doc_number",
                "document",
                "reason",
            ]
        )


class PersonPostForm(forms.Form):
    leader_post = forms.ChoiceField(label="新的领导职务", choices=LeaderPost.choices)
    title = forms.CharField(label="职务名称", required=False, max_length=100, help_text="留空表示不变。")
    occurred_on = forms.DateField(label="任免日期", widget=DATE)
    doc_number = forms.CharField(label="任免文号", required=False, max_length=100)
    document = forms.ModelChoiceField(queryset=Document.objects.none())
    reason = forms.CharField(label="说明", required=False, max_length=500)

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        _optional_document(self, documents)
        self.order_fields(["leader_post", "title", "occurred_on", "doc_number", "document", "reason"])


# ---- workbook imports (FORMATS §1–§2) ------------------------------------------------------------


class ImportForm(forms.Form):
    """Upload of a units or staff workbook: the file, the region (hidden when the user has one), dry run."""

    file = forms.FileField(label="工作簿（.xlsx）")
    region = forms.ModelChoiceField(label="行政区划", queryset=None, empty_label=None)
    dry_run = forms.BooleanField(label="仅校验（不写入）", required=False)

    def __init__(self, *args, regions: QuerySet, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["region"].queryset = regions
        if regions.count() == 1:
            self.fields["region"].widget = forms.HiddenInput()
            self.fields["region"].initial = regions.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(f"文件过大：上限为 {self.max_bytes // (1024 * 1024)} MB。")
        return upload

    def import_options(self) -> dict:
        """Keyword arguments of the import service beyond the file, region and actor."""
        return {"dry_run": self.cleaned_data["dry_run"]}


class UnitsImportForm(ImportForm):
    as_of = forms.DateField(
        label="生效日期",
        required=False,
        widget=DATE,
        help_text="核定文号的文件未登记发文日期时，编制和职数自此日起生效；默认今天，不能晚于今天。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_of"].initial = timezone.localdate()

    def import_options(self) -> dict:
        return super().import_options() | {"as_of": self.cleaned_data.get("as_of") or timezone.localdate()}


class StaffImportForm(ImportForm):
    """For the office administrator also the annual data update (``--baseline``): 文号 and 原因 required."""

    baseline = forms.BooleanField(
        label="年度数据更新（按实际情况重新登记，新增人员不用编制使用单）", required=False
    )
    baseline_document = forms.CharField(label="依据文件文号", required=False, max_length=100)
    baseline_reason = forms.CharField(
        label="原因", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    BASELINE_FIELDS = ("baseline", "baseline_document", "baseline_reason")

    def __init__(self, *args, may_baseline: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_baseline = may_baseline
        if not may_baseline:
            for name in self.BASELINE_FIELDS:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if self.may_baseline and data.get("baseline"):
            if not (data.get("baseline_document") or "").strip():
                self.add_error("baseline_document", "年度数据更新必须填写依据文件的文号。")
            if not (data.get("baseline_reason") or "").strip():
                self.add_error("baseline_reason", "年度数据更新必须填写原因。")
        return data

    def import_options(self) -> dict:
        options = super().import_options()
        if self.may_baseline and self.cleaned_data.get("baseline"):
            options |= {
                "baseline": True,
                "document": self.cleaned_data["baseline_document"],
                "reason": self.cleaned_data["baseline_reason"],
            }
        return options

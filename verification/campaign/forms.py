"""The campaign's forms: one per action. A row an action names (a proposal, a finding, a feedback, a
person, a unit) is a choice limited to the unit or campaign, so a row of another unit is a validation
error on the form, never a crash. Destructive or final actions require the ``confirm`` box."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from units.choices import Nature, System
from verification.campaign import selectors as sel
from verification.campaign.fields import Confirm, DateText, MultipleFiles
from verification.campaign.models import (
    PROBLEMS,
    STAGES,
    CampaignKind,
    Stage,
    VisitMethod,
)
from verification.campaign.proxy import ProxyReason
from verification.campaign.selectors import unit_page, units_table

# ---- the campaign ------------------------------------------------------------------------------------


class CampaignCreateForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=CampaignKind.choices, initial=CampaignKind.ANNUAL)
    region = forms.ModelChoiceField(label="区划", queryset=None, required=False)
    cutoff = DateText(label="数据采集时间节点")
    natures = forms.MultipleChoiceField(
        label="机构性质", required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )
    systems = forms.MultipleChoiceField(
        label="系统类别", required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )
    townships = forms.CharField(label="所在乡镇", required=False)
    onsite_ratio = forms.DecimalField(
        label="实地核实比例", initial=Decimal("0.30"), max_digits=4, decimal_places=2
    )
    sample_ratio = forms.DecimalField(
        label="随机抽查比例", initial=Decimal("0.05"), max_digits=4, decimal_places=2
    )
    members = forms.CharField(label="工作专班", required=False, widget=forms.Textarea)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["natures"].choices = [(n, n) for n in Nature.values if n != Nature.DIVISION]
        self.fields["systems"].choices = [(n, n) for n in System.values]
        for s in STAGES[CampaignKind.ANNUAL]:
            self.fields[f"start_{s}"] = DateText(label=f"{s}开始", required=False)
            self.fields[f"end_{s}"] = DateText(label=f"{s}结束", required=False)

    def clean_region(self):
        region = self.cleaned_data.get("region")
        return region or self.fields["region"].queryset.first()

    def windows(self) -> dict | None:
        """The stage windows typed; None when every date was left empty (the plan's defaults apply)."""
        d = self.cleaned_data
        stages = STAGES[CampaignKind.ANNUAL]
        if not any(d.get(f"start_{s}") or d.get(f"end_{s}") for s in stages):
            return None
        kind_stages = STAGES[d.get("kind") or CampaignKind.ANNUAL]
        return {s: (d.get(f"start_{s}"), d.get(f"end_{s}")) for s in stages if s in kind_stages}

    def members_list(self) -> list[dict]:
        rows = []
        for line in (self.cleaned_data.get("members") or "").splitlines():
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if parts and parts[0]:
                parts += [""] * 5
                rows.append(dict(zip(("role", "name", "department", "post", "duty"), parts, strict=False)))
        return rows

    def township_list(self) -> list[str]:
        text = (self.cleaned_data.get("townships") or "").replace("，", ",")
        return [t.strip() for t in text.split(",") if t.strip()]


class WindowForm(forms.Form):
    stage = forms.ChoiceField(label="环节", choices=())
    starts_on = DateText(label="开始")
    ends_on = DateText(label="结束")
    reason = forms.CharField(label="调整原因", max_length=200)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, s) for s in campaign.stages]


class DrawForm(Confirm):
    seed = forms.CharField(label="随机种子", max_length=64)
    ratio = forms.DecimalField(label="抽取比例", required=False, max_digits=4, decimal_places=2)


class OnsiteSetForm(Confirm):
    selected = forms.ModelMultipleChoiceField(label="列入实地核实", queryset=None, required=False)
    reason = forms.CharField(label="调整名单的原因", max_length=200)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].queryset = units_table.campaign_units(campaign)


class UnitFilterForm(forms.Form):
    """The filters of the campaign's units table (GET)."""

    q = forms.CharField(label="单位名称或统一社会信用代码", required=False)
    stage = forms.ChoiceField(label="环节", required=False, choices=())
    township = forms.ChoiceField(label="所在乡镇", required=False, choices=())
    department = forms.ChoiceField(label="主管部门", required=False, choices=())
    open = forms.BooleanField(label="有未关闭的比对问题", required=False)
    overdue = forms.BooleanField(label="已逾期", required=False)
    nature = forms.ChoiceField(label="机构性质", required=False, choices=())
    system = forms.ChoiceField(label="系统类别", required=False, choices=())
    liaison = forms.ChoiceField(
        label="联络员", required=False, choices=[("", "全部"), ("有", "有"), ("无", "无")]
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", "全部")]
        self.fields["stage"].choices = every + [(s, s) for s in [*campaign.stages, Stage.DONE]]
        self.fields["township"].choices = every + [(t, t) for t in units_table.townships(campaign)]
        self.fields["department"].choices = every + units_table.departments(campaign)
        self.fields["nature"].choices = every + [(n, n) for n in Nature.values if n != Nature.DIVISION]
        self.fields["system"].choices = every + [(n, n) for n in System.values]

    @classmethod
    def posted(cls, data, *, campaign) -> UnitFilterForm:
        """The filter a bulk action was posted with (its fields as ``f_stage``, ``f_liaison`` …)."""
        return cls({k[2:]: v for k, v in data.items() if k.startswith("f_")}, campaign=campaign)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        return {k: ("1" if v is True else "" if v is False else v) for k, v in d.items()}


class BulkForm(Confirm):
    """A bulk action on the ticked units, or on every unit the filter shows."""

    action = forms.ChoiceField(label="批量操作", choices=())
    scope = forms.ChoiceField(
        label="办理对象",
        choices=[("checked", "勾选的单位"), ("filtered", "筛选出的全部单位")],
        initial="checked",
        required=False,  # not sent: the ticked units
    )
    cu = forms.ModelMultipleChoiceField(label="单位", queryset=None, required=False)
    on_behalf_reason = forms.ChoiceField(label="代填原因", required=False, choices=())
    posted_on = DateText(label="公示日期", required=False)
    removed_on = DateText(label="撤除日期", required=False)
    place = forms.CharField(label="公示地点", required=False, max_length=200)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        from verification.campaign.services import bulk

        self.fields["action"].choices = [("", "请选择"), *bulk.ACTIONS.items()]
        self.fields["cu"].queryset = units_table.campaign_units(campaign)
        self.fields["on_behalf_reason"].choices = [("", "—")] + [(r, r) for r in ProxyReason.values]

    def clean(self):
        d = super().clean()
        d["scope"] = d.get("scope") or "checked"
        if d["scope"] == "checked" and not d.get("cu"):
            self.add_error("cu", "请先勾选单位。")
        return d

    def params(self) -> dict:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("on_behalf_reason", "posted_on", "removed_on", "place")}


# ---- a unit in the campaign --------------------------------------------------------------------------


class SelfCheckForm(forms.Form):
    """The whole self-check in one form: every line's answer and text, saved (draft) or submitted
    together. The office (代填) gives the reason; the unit's liaison does not."""

    on_behalf_reason = forms.ChoiceField(label="代填原因", required=False, choices=())
    submit = forms.TypedChoiceField(  # the button: 保存 (0, a draft) or 提交 (1)
        label="提交",
        required=False,
        choices=[("0", "保存"), ("1", "提交")],
        coerce=lambda v: v == "1",
        empty_value=False,
    )

    def __init__(self, *args, cu, proxy: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.proxy = proxy
        self.items = list(cu.items.all())
        for i in self.items:
            options = sel.ITEM_ANSWERS[i.item]
            self.fields[f"answer_{i.item}"] = forms.ChoiceField(
                label=i.get_item_display(),
                required=False,
                choices=[(a, a) for a in options],
                widget=forms.RadioSelect,
                initial=i.answer or None,
            )
            self.fields[f"text_{i.item}"] = forms.CharField(
                label=f"{i.get_item_display()}说明", required=False, max_length=500, initial=i.text
            )
        self.fields["on_behalf_reason"].choices = [("", "请选择")] + [(r, r) for r in ProxyReason.values]
        if not proxy:
            del self.fields["on_behalf_reason"]

    def clean(self):
        d = super().clean()
        if self.proxy and not d.get("on_behalf_reason"):
            self.add_error("on_behalf_reason", "编办代填须选择代填原因（无联络员或纸质报送）。")
        for i in self.items:
            answer, text = d.get(f"answer_{i.item}"), (d.get(f"text_{i.item}") or "").strip()
            if answer in sel.NEEDS_TEXT and not text:
                self.add_error(f"text_{i.item}", f"“{i.get_item_display()}”选择“{answer}”时须作出书面说明。")
        if not any(d.get(f"answer_{i.item}") for i in self.items):
            self.add_error(None, "请至少填写一项自查结论。")
        return d

    def rows(self):
        """(item, answer field, text field) for the template."""
        return [(i, self[f"answer_{i.item}"], self[f"text_{i.item}"]) for i in self.items]

    def answers(self) -> dict[str, tuple[str, str]]:
        d = self.cleaned_data
        return {
            i.item: (d[f"answer_{i.item}"], d.get(f"text_{i.item}", ""))
            for i in self.items
            if d.get(f"answer_{i.item}")
        }


class AttachForm(forms.Form):
    files = MultipleFiles(label="附件（PDF或图片）")


class ProposalForm(forms.Form):
    target = forms.ChoiceField(label="更正项目", choices=())
    person = forms.ModelChoiceField(label="人员", queryset=None, required=False)
    value = forms.CharField(label="更正为", max_length=200)
    reason = forms.CharField(label="理由", max_length=500)

    def __init__(self, *args, cu, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            (kind_label, [(f"{kind}:{t}", f"{kind_label} · {label}") for t, label in targets])
            for kind, kind_label, targets in sel.proposal_targets()
        ]
        self.fields["person"].queryset = unit_page.unit_people(cu)

    def kind_target(self) -> tuple[str, str]:
        kind, _sep, target = self.cleaned_data["target"].partition(":")
        return kind, target


class DecideForm(forms.Form):
    proposal = forms.ModelChoiceField(label="更正申请", queryset=None)
    accept = forms.TypedChoiceField(
        label="审核结果", choices=[("1", "采纳"), ("0", "不采纳")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="审核意见", required=False, max_length=500)
    document = forms.CharField(label="依据文号", required=False, max_length=100)
    confirm = forms.BooleanField(label="确认不采纳", required=False)

    def __init__(self, *args, cu, **kwargs):
        super().__init__(*args, **kwargs)
        self.cu = cu
        self.fields["proposal"].queryset = cu.proposals.all()

    def clean_document(self):
        number = (self.cleaned_data.get("document") or "").strip()
        if not number:
            return None
        document = unit_page.document_by_number(self.cu.campaign.region, number)
        if document is None:
            raise forms.ValidationError(f"没有找到文号为“{number}”的文件。")
        return document

    def clean(self):
        d = super().clean()
        if d.get("accept") is False and not d.get("confirm"):
            self.add_error("confirm", "不采纳更正申请须勾选“确认不采纳”。")
        return d


class NoticePostForm(forms.Form):
    posted_on = DateText(label="公示日期")
    place = forms.CharField(label="公示地点（本单位内）", required=False, max_length=200)


class NoticeRemoveForm(Confirm):
    removed_on = DateText(label="撤除日期")


class FeedbackAddForm(forms.Form):
    received_on = DateText(label="收到日期")
    text = forms.CharField(label="反映内容", max_length=1000)


class FeedbackReplyForm(forms.Form):
    feedback = forms.ModelChoiceField(label="反馈", queryset=None)
    reply = forms.CharField(label="答复", max_length=1000)

    def __init__(self, *args, cu, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["feedback"].queryset = unit_page.unit_feedback(cu)


class FollowupForm(forms.Form):
    finding = forms.ModelChoiceField(label="比对问题", queryset=None)
    owner = forms.CharField(label="责任人", max_length=100)
    due_on = DateText(label="整改期限")

    def __init__(self, *args, cu, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finding"].queryset = sel.unit_findings(cu)


class VisitForm(forms.Form):
    method = forms.ChoiceField(label="方式", choices=VisitMethod.choices)
    visited_on = DateText(label="核查日期")
    inspectors = forms.CharField(label="核查人员", max_length=200)
    findings = forms.CharField(label="核查情况", widget=forms.Textarea)
    files = MultipleFiles(label="扫描件", required=False)


class PrereviewForm(forms.Form):
    passed = forms.TypedChoiceField(
        label="预审核结果", choices=[("1", "通过"), ("0", "不通过")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="预审核意见", required=False, max_length=500)

    def clean(self):
        d = super().clean()
        if d.get("passed") is False and not (d.get("note") or "").strip():
            self.add_error("note", "预审核不通过须填写意见。")
        return d


class ReportForm(forms.Form):
    on_behalf_reason = forms.ChoiceField(label="代填原因", required=False, choices=())
    actual_divisions = forms.IntegerField(label="实际内设机构数", min_value=0, initial=0)
    outside_staff = forms.IntegerField(label="编外人员数", min_value=0, initial=0)
    documents_sorted = forms.IntegerField(label="整理审批文件数", min_value=0, initial=0)
    problems = forms.MultipleChoiceField(label="存在问题", required=False, choices=[(p, p) for p in PROBLEMS])
    summary = forms.CharField(label="自查整改情况", required=False, widget=forms.Textarea)
    commitment = forms.BooleanField(label="本单位承诺：核查数据真实、准确、完整", required=True)
    leader_name = forms.CharField(label="单位负责人", max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_behalf_reason"].choices = [("", "请选择")] + [(r, r) for r in ProxyReason.values]
        for p in PROBLEMS:
            self.fields[f"problem_text_{p}"] = forms.CharField(label=p, required=False, max_length=500)

    def problem_texts(self) -> dict[str, str]:
        d = self.cleaned_data
        return {p: d.get(f"problem_text_{p}") or "有" for p in d.get("problems", [])}


class ReturnForm(Confirm):
    to_stage = forms.ChoiceField(label="退回到", choices=())
    reason = forms.CharField(label="退回原因", max_length=200)

    def __init__(self, *args, cu, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(s, s) for s in unit_page.earlier_stages(cu)]


class AdvanceForm(forms.Form):
    """Moving a unit on has no fields: the service checks the stage's conditions."""


class ReviewSubmitForm(Confirm):
    """报送市级预审核: an optional note to the upper office, confirmed."""

    note = forms.CharField(
        label="报送说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewDecideForm(Confirm):
    """The upper office's decision on the county's report: 退回 (comments required) or 通过."""

    decision = forms.ChoiceField(
        label="预审核结果",
        choices=[("退回", "退回修改"), ("通过", "通过")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择“退回修改”或“通过”。"},
    )
    comments = forms.CharField(
        label="预审核意见", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "退回" and not (data.get("comments") or "").strip():
            self.add_error("comments", "退回须填写预审核意见，写明需要修改的地方。")
        return data

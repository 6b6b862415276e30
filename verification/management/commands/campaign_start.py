"""python manage.py campaign_start NAME --cutoff DATE [--region CODE] [--kind 年度核查|联合检查] (FORMATS §6)."""

from __future__ import annotations

from django.utils import timezone

from bianzhi.lib.dates import InvalidDate, parse_date
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.models import STAGES, CampaignKind
from verification.management.commands._campaign import CampaignCommand, Exit


class Command(CampaignCommand):
    help = """建立一次机构编制核查：纳入该区划在数据采集时间节点存续的全部法人单位，各环节时间按实施方案
    相对时间节点的默认安排，并取各单位在时间节点的数据（核定编制、领导职数和在编人员）。
    退出码：0 已建立（输出一行摘要）；1 参数有误、同名核查工作已存在或其他不能建立的情形（输出一行原因）。"""

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="核查工作名称，例如“2021年度机构编制核查”")
        parser.add_argument("--cutoff", required=True, help="数据采集时间节点 YYYY-MM-DD")
        parser.add_argument(
            "--kind", default=CampaignKind.ANNUAL, help="核查类型：年度核查（默认）或 联合检查"
        )
        self.add_common(parser)

    def run(self, options) -> None:
        name = (options["name"] or "").strip()
        if not name:
            raise Exit(1, "请给出核查工作名称。")
        try:
            cutoff = parse_date(options["cutoff"])
        except InvalidDate:
            cutoff = None
        if cutoff is None:
            raise Exit(1, f"数据采集时间节点“{options['cutoff']}”不是有效日期（应为 YYYY-MM-DD）。")
        if cutoff > timezone.localdate():
            raise Exit(1, f"数据采集时间节点（{cutoff:%Y-%m-%d}）不能晚于今天。")
        kind = (options["kind"] or "").strip()
        if kind not in CampaignKind.values:
            raise Exit(1, f"核查类型“{kind}”无效，应为 年度核查 或 联合检查。")
        region = self.region(options.get("region"))
        actor = self.actor(options.get("user"))
        windows = sel.default_windows(kind, cutoff)
        campaign = cs.campaign_create(
            region=region, name=name, kind=kind, cutoff=cutoff, windows=windows, actor=actor
        )
        first = STAGES[kind][0]
        baseline = sum(bool(s.get("baseline")) for s in campaign.units.values_list("snapshot", flat=True))
        start, end = windows[first]
        self.stdout.write(
            f"已建立核查工作“{name}”（{region.name}，{kind}，数据采集时间节点 {cutoff:%Y-%m-%d}）："
            f"纳入 {campaign.units.count()} 个单位，其中 {baseline} 个单位的核定数为建账数；"
            f"{first} {start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
        )

"""python manage.py campaign_export NAME --out DIR (FORMATS §6): 附件2-5.xlsx and 核查情况报告.pdf."""

from __future__ import annotations

from pathlib import Path

from verification.campaign import prints
from verification.management.commands._campaign import CampaignCommand, Exit

WORKBOOK = "附件2-5.xlsx"
REPORT = "核查情况报告.pdf"


class Command(CampaignCommand):
    help = """写出一次核查的附件2–5（DIR/附件2-5.xlsx）和县级核查情况报告（DIR/核查情况报告.pdf）。
    数据均为数据采集时间节点各单位的数据，与各单位公示表、单位核查情况报告一致。
    退出码：0 已写出；1 没有该核查工作、目录不存在或无法写入。"""

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help="核查工作名称")
        parser.add_argument("--out", required=True, metavar="DIR", help="输出目录（须已存在）")
        self.add_common(parser)

    def run(self, options) -> None:
        out = Path(options["out"])
        if not out.is_dir():
            raise Exit(1, f"输出目录不存在：{out}")
        campaign = self.campaign(options["name"], options.get("region"))
        actor = self.actor(options.get("user"))
        workbook = prints.annex_workbook(campaign, actor=actor, action="核查.导出附件2-5")
        report = prints.county_report_pdf(campaign, actor=actor)
        try:
            (out / WORKBOOK).write_bytes(workbook)
            (out / REPORT).write_bytes(report)
        except OSError as exc:
            raise Exit(1, f"无法写入 {out}：{exc.strerror or exc}") from None
        self.stdout.write(
            f"已写出核查工作“{campaign.name}”的 {out / WORKBOOK} 和 {out / REPORT}"
            f"（{campaign.units.count()} 个单位，数据采集时间节点 {campaign.cutoff:%Y-%m-%d}）"
        )

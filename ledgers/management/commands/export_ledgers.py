"""export_ledgers: write 限额台账.xlsx, 单位台账.xlsx and 电子台账.xlsx into a folder."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from bianzhi import audit
from bianzhi.models import Region
from ledgers.exports import export_all


class Command(BaseCommand):
    help = """导出台账：在 --out 指定的文件夹中写出三个工作簿（FORMATS.md §4）：
  限额台账.xlsx（总账、分账1 行政编制限额、分账2 事业编制限额、限额使用情况）
  单位台账.xlsx（各单位机构编制明细账）
  电子台账.xlsx（表一 机构编制基本情况、表二 机构编制变更记录、表三 实有人员花名册）
默认导出全部区划，--region 可指定一个或多个区划代码。导出记入审计日志。"""

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", required=True, help="输出文件夹（不存在则创建）")
        parser.add_argument("--region", action="append", default=[], help="区划代码，可重复")
        parser.add_argument("--by", default="命令行导出", help="写入导出说明的导出人")

    def handle(self, *args, out: str, region: list[str], by: str, **options) -> None:
        ids = None
        if region:
            found = dict(Region.objects.filter(code__in=region).values_list("code", "pk"))
            unknown = sorted(set(region) - set(found))
            if unknown:
                raise CommandError(f"没有这些区划代码：{'、'.join(unknown)}", returncode=1)
            ids = list(found.values())
        paths = export_all(out, region_ids=ids, exported_by=by)
        audit.record(
            actor=None,
            action="台账.导出",
            after={"文件": [str(p) for p in paths], "区划": region or "全部"},
            reason=by,
        )
        for path in paths:
            self.stdout.write(f"已写出 {path}")

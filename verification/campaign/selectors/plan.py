"""The county plan's numbers (seeds/000): the minimum ratios, the default working group, the stage
windows relative to the data cut-off, the on-site and sample sizes, and the notice period."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from bianzhi import workdays
from verification.campaign.models import STAGES, CampaignKind, Stage

MIN_ONSITE = Decimal("0.30")
MIN_SAMPLE = Decimal("0.05")
NOTICE_WORKING_DAYS = 5

# 附件1 of the county's 2021 plan (seeds/000): the working group, offered as the default on the form.
SEED_WORKING_GROUP = [
    ("组长", "成和平", "县委组织部", "副部长、编办主任"),
    ("副组长", "张银平", "县委编办", "副主任、一级主任科员"),
    ("副组长", "杨建育", "县委组织部", "部务委员"),
    ("副组长", "李文辉", "县财政局", "党组成员、副局长"),
    ("副组长", "张小平", "县人社局", "党组成员、副局长"),
    ("副组长", "郭宏忠", "县人社局", "党组成员、社保中心主任"),
    ("成员", "刘雪碧", "县干部人事档案信息中心", "主任"),
    ("成员", "汪吉龙", "县非税中心", "主任"),
    ("成员", "蔡海军", "县委编办", "四级主任科员"),
    ("成员", "张澜", "县机构编制电子政务中心", "副主任"),
    ("成员", "戴凤", "县人社局", "干部"),
    ("成员", "张根顺", "县社保中心", "干部"),
]
SEED_DUTY = "负责全县机构编制核查工作对接沟通；承担实施方案制定、组织实施、数据比对、实地核实、随机抽查、督促指导、汇总报告等工作"

# The county plan's stage windows (seeds/000 §三): days relative to the data cut-off (2021-12-31):
# 单位自查 9月25日–10月10日, 群众监督 10月10日–20日, 数据比对 10月20日–11月10日, 实地核实 11月10日–30日,
# 随机抽查 and 数据更新 12月1日–15日. The joint check (June, November) compares, then updates.
PLAN_OFFSETS: dict[str, dict[str, tuple[int, int]]] = {
    CampaignKind.ANNUAL: {
        Stage.SELF_CHECK: (-97, -82),
        Stage.NOTICE: (-82, -72),
        Stage.COMPARISON: (-72, -51),
        Stage.ONSITE: (-51, -31),
        Stage.SAMPLING: (-30, -16),
        Stage.UPDATE: (-30, -16),
    },
    CampaignKind.JOINT: {Stage.COMPARISON: (1, 15), Stage.UPDATE: (16, 30)},
}


def default_windows(
    kind: str, cutoff: dt.date, today: dt.date | None = None
) -> dict[str, tuple[dt.date, dt.date]]:
    """Each stage's window as the county plan sets it relative to the cut-off. When the plan's first
    stage has already ended (a campaign set up late, e.g. for a past year's data), the whole plan moves
    so that its first stage starts today, each stage keeping its length and place."""
    today = today or timezone.localdate()
    offsets = PLAN_OFFSETS[kind]
    windows = {
        s: (cutoff + dt.timedelta(days=a), cutoff + dt.timedelta(days=b)) for s, (a, b) in offsets.items()
    }
    first_start, first_end = windows[STAGES[kind][0]]
    if first_end < today:
        shift = today - first_start
        windows = {s: (a + shift, b + shift) for s, (a, b) in windows.items()}
    return windows


def minimum(count: int, ratio: Decimal) -> int:
    """At least ``ratio`` of ``count`` units, rounded up (at least one when there are any)."""
    return min(count, max(1 if count else 0, math.ceil(Decimal(count) * Decimal(ratio))))


def draw_sample(population: Sequence[int], seed: str, ratio: Decimal) -> list[int]:
    """The reproducible draw: anyone with the seed and the population gets the same units."""
    k = minimum(len(population), ratio)
    return sorted(random.Random(str(seed)).sample(sorted(population), k))


def notice_period(posted_on: dt.date) -> tuple[dt.date, dt.date]:
    """(ends_on, remove_by) of a notice posted on ``posted_on``.

    The plan says 公示时间为5个工作日. The posting day never counts (the notice goes up during it), so
    the notice stays up for 5 full working days after it: ``ends_on`` is the 5th working day counted
    from the day after posting, by the official calendar (weekends, holidays and 调休 make-up days), and
    the notice may be removed on or after that day; ``remove_by`` is the next working day (removing
    later is flagged overdue). A year without calendar data raises ``CalendarMissing`` (a refusal)."""
    ends_on = workdays.nth_working_day(posted_on + dt.timedelta(days=1), NOTICE_WORKING_DAYS)
    return ends_on, workdays.nth_working_day(ends_on + dt.timedelta(days=1), 1)

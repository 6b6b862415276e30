"""The demo county's year in progress (issue 11 point 9): liaisons for several units, minutes of the
three books, 请示 in each state, and this year's 核查 walked through the real services — most units
self-checked (a few by their liaisons, the rest filled in by the office as 代填), notices posted and
removed, the comparison run on the demo partner files so that findings are open — and left in the
comparison stage, as an office would be in late autumn.

Dates are relative to the day of the load; stages that need working days of a year without calendar
data are skipped (the demo then stops earlier in the year rather than guessing).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from archives import services as archives
from archives.choices import DocumentKind, MinuteKind
from bianzhi import workdays
from bianzhi.roles import Role
from units.models import Unit
from units.selectors import liaison_unit_ids
from verification.campaign import selectors as sel
from verification.campaign import services as cs
from verification.campaign.models import CampaignKind, CampaignUnit, SelfCheckItem, Stage
from verification.findings.services import partner_upload

# (unit, 姓名, 账号, 手机) — the demo's extra liaisons; `liaison` (漳县财政局) exists already
LIAISONS = [
    ("漳县教育局", "马晓燕", "liaison_jy", "13909320101"),
    ("漳县卫生健康局", "陈志刚", "liaison_wj", "13909320102"),
    ("漳县人民医院", "杨丽华", "liaison_rmyy", "13909320103"),
    ("漳县疾病预防控制中心", "何建国", "liaison_jk", "13909320104"),
    ("漳县农业农村局", "郭海燕", "liaison_ny", "13909320105"),
]
PARTNER_FILES = {"org": "组织部门", "finance": "财政部门", "si": "人社部门"}


def campaign_windows(today: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """The plan's stages placed so that the load day falls in 数据比对 (the plan's lengths kept)."""
    day = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    return {
        Stage.SELF_CHECK: (day(-60), day(-45)),
        Stage.NOTICE: (day(-45), day(-30)),
        Stage.COMPARISON: (day(-30), day(10)),
        Stage.ONSITE: (day(10), day(30)),
        Stage.SAMPLING: (day(31), day(45)),
        Stage.UPDATE: (day(31), day(45)),
    }


def load_year(
    region, *, admin, staff, security, data_dir: Path, password: str, today: dt.date | None = None
) -> dict:
    """Load the year onto a freshly loaded demo county; returns what was made (for the summary)."""
    today = today or timezone.localdate()
    made = {"liaisons": _liaisons(region, security, password)}
    made["minutes"] = _minutes(region, staff, today)
    made["requests"] = _requests(region, staff, admin, today)
    made.update(_campaign(region, staff, data_dir, today))
    return made


def _liaisons(region, security, password: str) -> list[str]:
    """The liaisons' accounts and unit grants: the security administrator's (三员分立)."""
    from accounts.services import account_create, liaison_grant
    from bianzhi.models import Profile

    made = []
    for unit_name, full_name, username, phone in LIAISONS:
        unit = Unit.objects.filter(region=region, name=unit_name, status="正常").first()
        if unit is None:
            continue
        user, _password = account_create(
            actor=security,
            username=username,
            full_name=full_name,
            phone=phone,
            department=unit_name,
            role=Role.LIAISON,
            regions=[region],
            password=password,
        )
        # the demo's accounts share a published password, so they are not asked to change it
        Profile.objects.filter(user=user).update(must_change_password=False)
        liaison_grant(account=user, unit=unit, actor=security)
        made.append(username)
    return made


def _minutes(region, staff, today: dt.date) -> int:
    year = today.year
    entries = [
        dict(
            kind=MinuteKind.COMMITTEE,
            met_on=dt.date(year, 3, 18),
            subject=f"{year}年第一次县编委会议",
            attendees="县委副书记（编委副主任）、县委组织部部长、县财政局局长、县人社局局长、县委编办主任",
            items="一、研究县应急管理局编制调整事项；二、研究部署年度机构编制核查工作",
            decisions="同意为县应急管理局调剂行政编制2名；年度核查按省、市部署开展",
        ),
        dict(
            kind=MinuteKind.OFFICE,
            met_on=dt.date(year, 9, 8),
            subject=f"{year}年第六次室务会议",
            attendees="县委编办主任、副主任，各股室负责人",
            items="研究年度核查实施方案和工作分工",
            decisions="成立核查工作专班，9月下旬启动单位自查",
        ),
        dict(
            kind=MinuteKind.JOINT,
            met_on=dt.date(year, 10, 20),
            subject="机构编制、组织、财政、人社部门联席会议",
            attendees="县委编办、县委组织部、县财政局、县人社局分管负责同志",
            departments="县委组织部、县财政局、县人力资源和社会保障局",
            items="交换实名制、干部、财政供养和参保数据，部署数据比对",
            decisions="各部门于10月25日前报送数据，比对发现的问题由编办汇总反馈",
        ),
    ]
    for fields in entries:
        if fields["met_on"] <= today:
            archives.minute_create(region=region, actor=staff, **fields)
    return sum(1 for f in entries if f["met_on"] <= today)


def _requests(region, staff, admin, today: dt.date) -> int:
    basis = archives.document_create(
        region=region,
        number=f"甘编办发〔{today.year}〕12号",
        title="关于加强基层应急管理机构编制保障的通知",
        issuer="甘肃省委机构编制委员会办公室",
        issued_on=dt.date(today.year, 2, 20),
        kind=DocumentKind.HIGHER,
        actor=staff,
    )
    common = dict(
        requesting_body="漳县应急管理局",
        feasibility="现有编制内调剂，不突破编制总量",
        necessity="应急值守任务加重，现有力量不足",
        unit_name="漳县应急管理局",
        unit_nature="行政机关",
        unit_rank="正科级",
        affiliation="县政府工作部门",
        funding="全额拨款",
        duties="负责全县应急管理、安全生产综合监督管理",
        quota="行政编制12名",
        leader_posts="局长1名、副局长2名",
    )
    submitted = archives.request_create(
        region=region, actor=staff, basis=[basis], title="关于调整县应急管理局内设机构的请示", **common
    )
    archives.request_submit(request=submitted, actor=staff)
    archives.request_create(
        region=region,
        actor=staff,
        basis=[basis],
        title="关于设立县应急指挥中心的请示（草稿）",
        **common,
    )
    return 2


def _campaign(region, staff, data_dir: Path, today: dt.date) -> dict:
    """This year's 核查 (cut-off: the end of last year), walked as far as the calendar allows."""
    cutoff = dt.date(today.year - 1, 12, 31)
    windows = campaign_windows(today)
    # the year is replayed in one go today: every stage is open while the units are walked, then the
    # plan's windows are recorded as the office set them
    first, last = windows[Stage.SELF_CHECK][0], max(b for _a, b in windows.values())
    campaign = cs.campaign_create(
        region=region,
        name=f"{today.year}年度机构编制核查",
        kind=CampaignKind.ANNUAL,
        cutoff=cutoff,
        windows={stage: (first, last) for stage in windows},
        actor=staff,
        members=[{"role": r, "name": n, "department": d, "post": p} for r, n, d, p in sel.SEED_WORKING_GROUP],
    )
    units = list(
        CampaignUnit.objects.filter(campaign=campaign)
        .select_related("unit")
        .order_by("unit__sort_order", "unit_id")
    )
    liaised = {}
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(groups__name=Role.LIAISON):
        for pk in liaison_unit_ids(user):
            liaised[pk] = user
    # the liaisons answer their own units; the office fills in most others from the paper returns;
    # one unit in twelve has not returned anything yet
    selfcheck_start = windows[Stage.SELF_CHECK][0]
    on_time = [cu for i, cu in enumerate(units) if cu.unit_id in liaised or i % 12 != 5]
    for cu in on_time:
        liaison = liaised.get(cu.unit_id)
        answers = {
            item: ("无差异" if item == SelfCheckItem.Item.BUDGET else "相符")
            for item in SelfCheckItem.Item.values
        }
        if liaison is not None:
            for item, answer in answers.items():
                cs.selfcheck_answer(cu=cu, item=item, answer=answer, actor=liaison)
            cs.selfcheck_submit(cu=cu, actor=liaison)
        else:
            cs.selfcheck_save(cu=cu, answers=answers, actor=staff, on_behalf_reason="纸质报送", submit=True)
    made = {"campaign": campaign.name, "selfchecked": len(on_time), "units": len(units)}
    try:
        return made | _notices_and_comparison(campaign, on_time, staff, data_dir, selfcheck_start)
    finally:
        cs.windows_set(campaign=campaign, windows=windows, actor=staff, reason="按县实施方案安排各环节时间")


def _notices_and_comparison(campaign, on_time, staff, data_dir: Path, selfcheck_start: dt.date) -> dict:
    region = campaign.region
    try:
        posted = workdays.nth_working_day(selfcheck_start + dt.timedelta(days=16), 1)
        removed = workdays.nth_working_day(posted, 6)
    except workdays.CalendarMissing:
        return {}  # a year without calendar data: the notices wait for the office's calendar
    noticed = 0
    for cu in on_time:
        cu.refresh_from_db()
        if not cu.snapshot["unit"].get("confidential"):
            cs.notice_post(cu=cu, posted_on=posted, actor=staff, place="单位公示栏")
            cs.notice_remove(cu=cu, removed_on=removed, actor=staff)
        cs.notice_finish(cu=cu, actor=staff)
        noticed += 1
    for source, name in PARTNER_FILES.items():
        path = data_dir / f"{name}.xlsx"
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        partner_upload(region=region, source=source, upload=upload, actor=staff)
    try:
        run = cs.campaign_compare(campaign=campaign, actor=staff)
    except ValidationError:
        return {"noticed": noticed}
    return {"noticed": noticed, "findings": run.finding_count}
